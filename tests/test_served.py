"""Served models (bt.Model.http) against a real VADER server process on 127.0.0.1, with injected faults.

The server is ``examples/served_model/vader_server.py``; every fault is one the server
really produces (a slow answer, a 429, a 500, a closed port, a broken body, a short
answer, an answer that is not a label), and each must end in the documented retry or
in a clear ModelError, never in a pass.
"""

from __future__ import annotations

import importlib.util
import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import behavetest as bt

pytest.importorskip("httpx")
pytest.importorskip("tenacity")
pytest.importorskip("vaderSentiment")

ROOT = Path(__file__).resolve().parent.parent
SERVED = ROOT / "examples" / "served_model"
TEXTS = ["I love this film.", "A dull, terrible mess.", "It is a movie.", "Not bad at all!", "Worst acting ever."]
PROMPT = "Classify the review as one of: {labels}. Answer with the label only.\nText: {input}"


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


server_module = _load(SERVED / "vader_server.py", "behavetest_example_vader_server")
LABELS = server_module.LABELS


@pytest.fixture(scope="module")
def server():
    handle = server_module.start()
    yield handle
    handle.stop()
    assert handle.process.poll() is not None


@pytest.fixture(scope="module")
def reference():
    """VADER in-process, through the example's own mapping: what every protocol must reproduce."""
    mapping = _load(ROOT / "examples" / "sentiment_vader" / "vader_model.py", "behavetest_example_vader_ref")
    return mapping.vader().predict(TEXTS).proba


def _mlflow(server, **kw):
    kw.setdefault("retries", 2)
    kw.setdefault("backoff", 0.01)
    return bt.Model.http(server.url, protocol="mlflow", labels=LABELS, name="vader-mlflow", **kw)


def _chat(server, **kw):
    return bt.Model.http(server.url + "/v1", protocol="openai-chat", model="vader-chat", labels=LABELS,
                         prompt=PROMPT, backoff=0.01, **kw)


def _requests(server) -> int:
    return server.stats()["requests"]


def test_mlflow_protocol_reproduces_the_in_process_model(server, reference):
    model = _mlflow(server, batch_size=2)
    before = _requests(server)
    np.testing.assert_allclose(model.predict(TEXTS).proba, reference, rtol=1e-12)
    assert _requests(server) - before == 3  # 5 inputs in batches of 2
    assert model.name == "vader-mlflow"


def test_open_inference_protocol_sends_a_bytes_tensor(server, reference):
    model = bt.Model.http(server.url, protocol="open-inference", model="vader", labels=LABELS)
    np.testing.assert_allclose(model.predict(TEXTS).proba, reference, rtol=1e-12)
    request = model._target.protocol.request(TEXTS[:2])
    assert request == {"inputs": [{"name": "text", "shape": [2], "datatype": "BYTES", "data": TEXTS[:2]}]}


def test_open_inference_needs_the_served_model_name(server):
    with pytest.raises(bt.DeclarationError, match=r"needs model='<served model name>'"):
        bt.Model.http(server.url, protocol="open-inference", labels=LABELS)


def test_openai_chat_probabilities_from_logprobs(server, reference):
    model = _chat(server)
    before = _requests(server)
    preds = model.predict(TEXTS)
    assert _requests(server) - before == len(TEXTS)  # one input per chat request
    np.testing.assert_allclose(preds.proba, reference, rtol=1e-9)


def test_openai_chat_labels_without_logprobs(server, reference):
    model = _chat(server, logprobs=False)
    preds = model.predict(TEXTS)
    assert preds.proba is None
    assert [LABELS[i] for i in preds.label_idx] == [LABELS[i] for i in reference.argmax(axis=1)]


def test_openai_chat_request_is_deterministic_and_fills_the_template(server):
    body = _chat(server)._target.protocol.request(["Great."])
    assert body["temperature"] == 0
    assert body["messages"] == [{"role": "user", "content": PROMPT.replace("{labels}", "negative, neutral, positive")
                                 .replace("{input}", "Great.")}]


def test_custom_protocol_of_two_functions(server, reference):
    protocol = bt.HttpProtocol(
        request=lambda batch: {"inputs": [t.upper() for t in batch]},
        response=lambda body, batch: body["predictions"],
        path="/invocations",
        name="shouting-mlflow",
    )
    model = bt.Model.http(server.url, protocol=protocol, labels=LABELS)
    upper = model.predict(TEXTS).proba
    assert upper.shape == reference.shape
    assert model._target.behave_fingerprint()[2] == "shouting-mlflow"


def test_concurrency_is_bounded_and_used():
    slow = server_module.start(delay=0.1)
    try:
        model = bt.Model.http(slow.url, protocol="mlflow", labels=LABELS, batch_size=1, concurrency=4)
        start = time.perf_counter()
        model.predict([f"review number {i}" for i in range(16)])
        elapsed = time.perf_counter() - start
        stats = slow.stats()
    finally:
        slow.stop()
    assert stats["requests"] == 16
    assert stats["max_active"] == 4
    assert 0.4 <= elapsed < 1.2, elapsed  # 16 requests of 0.1 s, 4 at a time; sequential would take 1.6 s


def test_slow_answer_past_the_timeout_is_retried(server, reference):
    server.faults([{"sleep": 1.0}])
    model = _mlflow(server, timeout=0.3)
    np.testing.assert_allclose(model.predict(TEXTS[:1]).proba, reference[:1], rtol=1e-12)
    assert model._target.retries_done == 1


def test_always_slow_is_a_timeout_error(server):
    server.faults([{"sleep": 0.8}] * 2)
    model = _mlflow(server, timeout=0.3, retries=1)
    with pytest.raises(bt.ModelError) as info:
        model.predict(TEXTS[:1])
    message = str(info.value)
    assert "served model 'vader-mlflow'" in message
    assert "no answer within the timeout of 0.3 s (gave up after 2 attempts)" in message
    assert f"first input of the batch: {TEXTS[0]!r}" in message
    time.sleep(0.6)  # let the server finish the abandoned requests before the next test's faults


def test_429_honours_retry_after(server, reference):
    server.faults([{"status": 429, "retry_after": "1"}])
    model = _mlflow(server)
    start = time.perf_counter()
    np.testing.assert_allclose(model.predict(TEXTS[:1]).proba, reference[:1], rtol=1e-12)
    assert time.perf_counter() - start >= 1.0  # the backoff alone would be 0.01 s
    assert model._target.retries_done == 1


def test_500_then_success_is_retried(server, reference):
    server.faults([{"status": 500}, {"status": 503}])
    model = _mlflow(server)
    before = _requests(server)
    np.testing.assert_allclose(model.predict(TEXTS[:2]).proba, reference[:2], rtol=1e-12)
    assert _requests(server) - before == 3
    assert model._target.retries_done == 2


def test_persistent_500_names_model_status_body_and_input(server):
    server.faults([{"status": 500, "body": "CUDA out of memory"}] * 3)
    model = _mlflow(server, retries=2)
    with pytest.raises(bt.ModelError) as info:
        model.predict(TEXTS[:2])
    message = str(info.value)
    assert "served model 'vader-mlflow' (mlflow, POST " in message and "/invocations)" in message
    assert "HTTP 500" in message and "CUDA out of memory" in message
    assert "gave up after 3 attempts" in message
    assert f"first input of the batch: {TEXTS[0]!r}" in message


def test_client_error_is_not_retried(server):
    server.faults([{"status": 400, "body": "bad request: field 'inputs'"}])
    model = _mlflow(server)
    before = _requests(server)
    with pytest.raises(bt.ModelError, match=r"HTTP 400: .*bad request: field 'inputs'"):
        model.predict(TEXTS[:1])
    assert _requests(server) - before == 1


def test_connection_refused_is_retried_then_an_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again on leaving the block: nothing listens there
    model = bt.Model.http(f"http://127.0.0.1:{port}", protocol="mlflow", labels=LABELS, retries=2, backoff=0.01)
    with pytest.raises(bt.ModelError) as info:
        model.predict(TEXTS[:1])
    assert "could not connect: ConnectError" in str(info.value)
    assert "gave up after 3 attempts" in str(info.value)
    assert model._target.retries_done == 2


def test_malformed_json_is_a_clear_error(server):
    server.faults([{"body": "{\"predictions\": [[0.1, 0.2"}])
    model = _mlflow(server)
    before = _requests(server)
    with pytest.raises(bt.ModelError, match=r"HTTP 200 with a body that is not JSON: .*predictions"):
        model.predict(TEXTS[:1])
    assert _requests(server) - before == 1


def test_wrong_number_of_predictions_is_a_clear_error(server):
    server.faults([{"drop": 1}])
    model = _mlflow(server)
    with pytest.raises(bt.ModelError, match=r"2 predictions for a batch of 3 inputs"):
        model.predict(TEXTS[:3])


def test_open_inference_wrong_number_is_a_clear_error(server):
    server.faults([{"drop": 2}])
    model = bt.Model.http(server.url, protocol="open-inference", model="vader", labels=LABELS)
    with pytest.raises(bt.ModelError, match=r"1 predictions for a batch of 3 inputs"):
        model.predict(TEXTS[:3])


def test_llm_answer_that_is_not_a_label_names_input_and_answer(server):
    server.faults([{"answer": "It's hard to say, maybe mixed?"}])
    model = _chat(server)
    with pytest.raises(bt.ModelError) as info:
        model.predict(TEXTS[:1])
    message = str(info.value)
    assert "the answer \"It's hard to say, maybe mixed?\" is not one of the labels" in message
    assert f"for the input {TEXTS[0]!r}" in message


def test_openai_chat_as_a_text_model_answers_with_the_reply(server, reference):
    model = bt.Model.http(server.url + "/v1", protocol="openai-chat", model="vader-chat", output="text",
                          prompt="Text: {input}", backoff=0.01)
    assert model.kind == "text" and model.labels is None
    body = model._target.protocol.request(["Great."])
    assert "logprobs" not in body and body["temperature"] == 0 and body["max_tokens"] == 256
    preds = model.predict(TEXTS)
    assert list(preds.answer) == [LABELS[i].capitalize() for i in reference.argmax(axis=1)]
    server.faults([{"answer": "It's hard to say, maybe mixed?"}])
    assert list(model.predict(["Not in the cache: a fresh input."]).answer) == ["It's hard to say, maybe mixed?"]


def test_a_served_text_model_is_judged_by_answer_expectations(server):
    model = bt.Model.http(server.url + "/v1", protocol="openai-chat", model="vader-chat", output="text",
                          prompt="Text: {input}", backoff=0.01, name="vader-llm")
    behave = bt.Behave(test_name="served_text")
    result = behave.mft(model, ["I love this film.", "It is a movie.", "Worst acting ever."],
                        expect=bt.expect.answer(one_of=["positive", "negative"]), capability="Vocabulary")
    assert (result.failures, result.cases) == (1, 3)
    assert result.examples[0].prediction.answer == "Neutral"
    same = behave.inv(model, ["I love this film."], perturb=bt.perturb.append(" Really."), capability="Robustness")
    assert same.cases == 1 and same.failures == 0


def test_openai_chat_classifier_still_needs_labels(server):
    with pytest.raises(bt.DeclarationError, match="or output='text'"):
        bt.Model.http(server.url + "/v1", protocol="openai-chat", model="vader-chat", prompt=PROMPT)


def test_llm_answer_is_parsed_leniently(server):
    server.faults([{"answer": "  \"Negative.\"  "}])
    preds = _chat(server, logprobs=False).predict(["Lovely!"])
    assert LABELS[preds.label_idx[0]] == "negative"  # the injected answer, not VADER's


def test_credentials_never_appear_in_errors_or_identity(server, monkeypatch):
    monkeypatch.setenv("BEHAVETEST_TEST_KEY", "env-secret-7f3a")
    server.faults([{"status": 401, "body": "token sekrit-9c1d and env-secret-7f3a rejected"}])
    model = bt.Model.http("http://user:pw-in-url@" + server.url.split("://")[1] + "?key=q-secret", protocol="mlflow",
                          labels=LABELS, headers={"X-Token": "sekrit-9c1d"},
                          env_headers={"X-Env-Key": "BEHAVETEST_TEST_KEY"})
    with pytest.raises(bt.ModelError) as info:
        model.predict(TEXTS[:1])
    text = "\n".join([str(info.value), repr(model), model.name, repr(model._target.behave_fingerprint())])
    for secret in ("sekrit-9c1d", "env-secret-7f3a", "pw-in-url", "q-secret"):
        assert secret not in text
    assert "HTTP 401" in str(info.value) and "token *** and *** rejected" in str(info.value)


def test_missing_credential_variable_is_named(server, monkeypatch):
    monkeypatch.delenv("BEHAVETEST_MISSING_KEY", raising=False)
    model = _chat(server, api_key_env="BEHAVETEST_MISSING_KEY")
    with pytest.raises(bt.ModelError, match=r"environment variable BEHAVETEST_MISSING_KEY .*Authorization"):
        model.predict(TEXTS[:1])


def test_unknown_protocol_is_a_declaration_error():
    with pytest.raises(bt.DeclarationError, match=r"unknown protocol 'grpc'; use one of"):
        bt.Model.http("http://127.0.0.1:1", protocol="grpc")


def test_plain_run_never_imports_the_http_client():
    code = ("import sys, behavetest, behavetest.plugin\n"
            "m = behavetest.Model(lambda xs: [[0.5, 0.5] for _ in xs], labels=['a', 'b'])\n"
            "m.predict(['x'])\n"
            "print(sorted(n for n in ('httpx', 'tenacity', 'transformers', 'torch') if n in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_served_model_is_cached_by_url_protocol_and_model(server, reference, tmp_path):
    from behavetest._model import cache

    cache.activate(tmp_path / "predictions.sqlite")
    try:
        model = lambda url: bt.Model.http(url, protocol="open-inference", model="vader", labels=LABELS)  # noqa: E731
        model(server.url).predict(TEXTS)
        before = _requests(server)
        warm = model(server.url + "/")  # the same endpoint
        np.testing.assert_allclose(warm.predict(TEXTS).proba, reference, rtol=1e-12)
        assert _requests(server) == before and warm.calls == 0
        other = bt.Model.http(server.url, protocol="mlflow", labels=LABELS)
        other.predict(TEXTS)
        assert _requests(server) == before + 1  # another protocol is another model
    finally:
        cache.activate(None)


def _suite_run(args: list[str], json_path: Path, env: dict) -> tuple[int, dict, str]:
    proc = subprocess.run([sys.executable, "-m", "pytest", "--behave", "-p", "no:faker", "-p", "no:benchmark",
                           "--behave-json", str(json_path), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    tests = {t["name"]: (t["cases"], t["failures"], t["status"]) for t in json.loads(json_path.read_text())["tests"]}
    return proc.returncode, tests, proc.stdout


def test_the_example_runs_the_sentiment_suite_against_the_served_model(server, tmp_path):
    """The example under -n 2 measures what the in-process model measures; a rerun sends no request."""
    import os

    env = {**os.environ, "VADER_SERVER_URL": server.url}  # the example's conftest then uses this server
    cache_dir = ["--behave-cache-dir", str(tmp_path / "cache")]
    local_code, local, _ = _suite_run(["--behave-suite", "sentiment", "--behave-model",
                                       "examples.sentiment_vader.vader_model:vader", "--behave-no-cache", "-n", "2"],
                                      tmp_path / "local.json", env)
    before = _requests(server)
    code, served, out = _suite_run(["examples/served_model", "-n", "2", *cache_dir], tmp_path / "served.json", env)
    assert _requests(server) > before
    assert code == local_code == 1  # VADER misses some of the suite's thresholds, served or not
    suite = {name: value for name, value in served.items() if name in local}
    assert suite == local and len(local) >= 40
    assert {"test_negated_praise", "test_typos_keep_the_answer"} <= set(served)  # the prompted classifier too
    before = _requests(server)
    code, warm, out = _suite_run(["examples/served_model", "-n", "2", *cache_dir], tmp_path / "warm.json", env)
    assert _requests(server) == before  # nothing reached the server
    assert warm == served and code == 1
    assert re.search(r"prediction cache: [\d,]+ predictions from the cache, 0 new", out), out
