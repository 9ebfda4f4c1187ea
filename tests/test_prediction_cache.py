"""The persistent prediction cache: identities, the SQLite store, and runs that reuse it (serial and ``-n 2``)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import warnings

import numpy  # noqa: F401  (imported before any in-process pytester run; see plugin-pitfalls.md)
import numpy as np
import pytest

import behavetest as bt
from behavetest._model import cache

QUIET = ["-p", "no:faker", "-p", "no:benchmark"]
MODES = [pytest.param(QUIET, id="serial"), pytest.param([*QUIET, "-n", "2"], id="xdist")]
TEXTS = ["good film", "bad film", "good show", "dull show", "fine"]


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "c" / "predictions.sqlite"
    cache.prepare(path)
    cache.activate(path)
    saved, cache.STATS = cache.STATS, cache.CacheStats()
    yield cache.active()
    cache.activate(None)
    cache.STATS = saved


def counting(kind: str):
    calls: list[int] = []

    def fn(xs):
        calls.append(len(xs))
        good = np.array(["good" in x for x in xs])
        if kind == "proba":
            return np.where(good[:, None], [[0.2, 0.8]], [[0.7, 0.3]])
        if kind == "label":
            return np.where(good, "pos", "neg")
        return good * 2.5 - 1.0

    return fn, calls


@pytest.mark.parametrize("kind", ["proba", "label", "score"])
def test_a_versioned_model_is_predicted_once_across_instances(store, kind):
    fn, calls = counting(kind)
    labels = ["neg", "pos"] if kind == "proba" else None
    first = bt.Model(fn, labels=labels, name="m", version="1").predict(TEXTS)
    assert sum(calls) == len(TEXTS)
    again = bt.Model(fn, labels=labels, name="m", version="1")
    second = again.predict(TEXTS[::-1])
    assert sum(calls) == len(TEXTS) and again.calls == 0  # a new process would see the same: nothing predicted
    for attr in ("proba", "score"):
        a, b = getattr(first, attr), getattr(second, attr)
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_array_equal(a, b[::-1])
    if first.label_idx is not None:
        assert [first.labels[i] for i in first.label_idx] == [second.labels[i] for i in second.label_idx][::-1]
    assert again.kind == kind
    assert cache.STATS.hits == len(TEXTS) and cache.STATS.new == len(TEXTS)


def test_a_new_version_name_or_labels_is_a_new_identity(store):
    fn, calls = counting("proba")
    bt.Model(fn, labels=["neg", "pos"], name="m", version="1").predict(TEXTS)
    bt.Model(fn, labels=["neg", "pos"], name="m", version="2").predict(TEXTS)
    bt.Model(fn, labels=["neg", "pos"], name="other", version="1").predict(TEXTS)
    bt.Model(fn, labels=["no", "yes"], name="m", version="1").predict(TEXTS)
    assert sum(calls) == 4 * len(TEXTS)


def test_only_new_inputs_are_predicted(store):
    fn, calls = counting("proba")
    bt.Model(fn, labels=["neg", "pos"], name="m", version="1").predict(TEXTS[:3])
    model = bt.Model(fn, labels=["neg", "pos"], name="m", version="1")
    preds = model.predict(TEXTS)
    assert calls == [3, 2] and model.predicted == 2
    assert preds.proba.tolist() == [[0.2, 0.8], [0.7, 0.3], [0.2, 0.8], [0.7, 0.3], [0.7, 0.3]]


def test_a_plain_callable_is_not_cached_and_named_once(store):
    fn, calls = counting("proba")
    for _ in range(2):
        bt.Model(fn, labels=["neg", "pos"], name="plain").predict(TEXTS)
    assert sum(calls) == 2 * len(TEXTS)
    assert cache.STATS.uncached == ["plain"] and store.count() == 0


def test_sklearn_estimators_are_known_by_their_fitted_parameters(store):
    from sklearn.linear_model import LogisticRegression

    x = np.array([[0.0, 1.0], [1.0, 0.0], [0.2, 0.9], [0.9, 0.1]])
    fit = lambda c: LogisticRegression(C=c).fit(x, [1, 0, 1, 0])  # noqa: E731
    assert bt.Model(fit(1.0)).identity == bt.Model(fit(1.0)).identity  # an identical refit
    assert bt.Model(fit(1.0)).identity != bt.Model(fit(0.1)).identity
    rows = [tuple(r) for r in x]
    first = bt.Model(fit(1.0))
    first.predict(rows)
    again = bt.Model(fit(1.0))
    np.testing.assert_array_equal(again.predict(rows).proba, first.predict(rows).proba)
    assert again.calls == 0


def test_estimator_digest_ignores_the_hash_seed():
    code = ("from sklearn.feature_extraction.text import TfidfVectorizer\n"
            "from behavetest._model.fingerprint import estimator_digest\n"
            "v = TfidfVectorizer(stop_words=['the', 'a', 'of', 'and']).fit(['the cat', 'a dog of mine', 'and more'])\n"
            "v.extra_ = {'x', 'y', 'z', 'w'}\n"
            "print(estimator_digest(v).hex())")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}).stdout for seed in ("1", "2", "3")}
    assert len(outs) == 1 and len(outs.pop().strip()) == 32


def test_a_malformed_entry_is_never_trusted(store):
    fn, calls = counting("proba")
    model = bt.Model(fn, labels=["neg", "pos"], name="m", version="1")
    model.predict(TEXTS[:1])
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE predictions SET value = ?", (b"\x00\x01",))
    again = bt.Model(fn, labels=["neg", "pos"], name="m", version="1")
    assert again.predict(TEXTS[:1]).proba.tolist() == [[0.2, 0.8]]
    assert again.calls == 1


def test_a_corrupt_file_is_rebuilt_with_a_warning(tmp_path):
    path = tmp_path / "predictions.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    assert "was unreadable (file is not a database); rebuilt it empty" in cache.prepare(path)
    assert cache.prepare(path) is None
    store = cache.PredictionStore(path)
    store.put(b"m", [(b"k", "score", cache.encode("score", 1.5))])
    assert store.get(b"m", [b"k", b"other"], None) == {b"k": ("score", cache.encode("score", 1.5))}
    assert store.count() == 1
    store.clear()
    assert store.count() == 0
    store.close()


def test_an_unusable_store_turns_itself_off(store):
    fn, calls = counting("proba")
    store._conn.close()  # every later statement fails, as on a file that went bad mid-run
    with pytest.warns(cache.CacheWarning, match=r"switched off for this process"):
        preds = bt.Model(fn, labels=["neg", "pos"], name="m", version="1").predict(TEXTS)
    assert len(preds) == len(TEXTS) and cache.active() is None


CONFTEST = """
import os
import behavetest as bt
import pytest

def predict(texts):
    with open(os.environ["CALLS_FILE"], "a") as out:
        out.write(f"{len(texts)}\\n")
    return [[0.2, 0.8] if "good" in t else [0.9, 0.1] for t in texts]

@pytest.fixture(scope="session")
def model():
    return bt.Model(predict, labels=["neg", "pos"], name="toy", version=os.environ.get("VERSION", "1"))

@pytest.fixture(scope="session")
def plain():
    return bt.Model(lambda texts: [[0.5, 0.5] for _ in texts], labels=["neg", "pos"], name="plain")
"""

TESTS = """
import pytest
import behavetest as bt

WORDS = ["good", "bad", "dull", "fine", "odd"]
INPUTS = [f"{a} {b} film {i}" for i in range(8) for a in WORDS for b in WORDS]

@pytest.mark.parametrize("part", range(4))
def test_vocab(behave, model, part):
    behave.inv(model, INPUTS[part::4], perturb=bt.perturb.typos(1), capability="Robustness", samples=2)

def test_plain(behave, plain):
    behave.mft(plain, ["good"], labels=["neg"], capability="Vocab")
"""


def _predictions(calls_file) -> int:
    return sum(int(n) for n in calls_file.read_text().split()) if calls_file.exists() else 0


def _summary_line(result) -> str:
    lines = [l for l in result.outlines if l.startswith("prediction cache: ") and "plain callable" not in l]
    assert len(lines) == 1, result.outlines
    return lines[0]


@pytest.mark.parametrize("mode", MODES)
def test_a_rerun_predicts_nothing_and_measures_the_same(pytester, monkeypatch, mode):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_suite=TESTS)
    calls = pytester.path / "calls.txt"
    monkeypatch.setenv("CALLS_FILE", str(calls))
    cold = pytester.runpytest_subprocess("--behave", "--behave-json", "cold.json", *mode)
    cold.assert_outcomes(passed=5)
    made = _predictions(calls)
    assert made > 200
    assert f"0 predictions from the cache, {made + 1:,} new" in _summary_line(cold)  # + 1: the plain model
    cold.stdout.fnmatch_lines(["prediction cache: model 'plain' is a plain callable without version=*"])
    warm = pytester.runpytest_subprocess("--behave", "--behave-json", "warm.json", *mode)
    warm.assert_outcomes(passed=5)
    assert _predictions(calls) == made  # the model was not called at all
    assert f"{made:,} predictions from the cache, 1 new" in _summary_line(warm)
    strip = lambda doc: [{k: v for k, v in t.items() if k not in ("duration", "replay")} for t in doc["tests"]]  # noqa: E731
    assert strip(json.loads((pytester.path / "cold.json").read_text())) == \
        strip(json.loads((pytester.path / "warm.json").read_text()))


def test_cache_options(pytester, monkeypatch):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_suite=TESTS)
    calls = pytester.path / "calls.txt"
    monkeypatch.setenv("CALLS_FILE", str(calls))
    elsewhere = pytester.path / "elsewhere"
    pytester.runpytest_subprocess("--behave", "--behave-cache-dir", str(elsewhere), *QUIET).assert_outcomes(passed=5)
    made = _predictions(calls)
    assert (elsewhere / "predictions.sqlite").is_file()
    off = pytester.runpytest_subprocess("--behave", "--behave-no-cache", *QUIET)
    assert _predictions(calls) == 2 * made
    assert _summary_line(off) == f"prediction cache: off (--behave-no-cache); {made + 1:,} predictions made"
    warm = pytester.runpytest_subprocess("--behave", "--behave-cache-dir", str(elsewhere), *QUIET)
    assert _predictions(calls) == 2 * made and "1 new" in _summary_line(warm)
    cleared = pytester.runpytest_subprocess("--behave", "--behave-cache-dir", str(elsewhere), "--behave-clear-cache", *QUIET)
    assert _predictions(calls) == 3 * made and "0 predictions from the cache" in _summary_line(cleared)
    pytester.makeini(f"[pytest]\nbehave_cache_dir = elsewhere\nbehave_no_cache = false\n")
    assert "1 new" in _summary_line(pytester.runpytest_subprocess("--behave", *QUIET))
    assert _predictions(calls) == 3 * made
    pytester.makeini("[pytest]\nbehave_cache_dir = elsewhere\nbehave_clear_cache = true\n")
    pytester.runpytest_subprocess("--behave", *QUIET)
    assert _predictions(calls) == 4 * made
    pytester.makeini("[pytest]\nbehave_no_cache = true\n")
    assert "off (--behave-no-cache)" in _summary_line(pytester.runpytest_subprocess("--behave", *QUIET))


def test_a_corrupt_cache_in_a_run_is_rebuilt_with_a_warning(pytester, monkeypatch):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_suite=TESTS)
    monkeypatch.setenv("CALLS_FILE", str(pytester.path / "calls.txt"))
    (pytester.path / "c").mkdir()
    (pytester.path / "c" / "predictions.sqlite").write_bytes(b"\x13garbage" * 500)
    result = pytester.runpytest_subprocess("--behave", "--behave-cache-dir", "c", "-n", "2", *QUIET)
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines(["*CacheWarning: behavetest: the prediction cache *predictions.sqlite was unreadable*",
                                 "behavetest: the prediction cache *predictions.sqlite was unreadable*rebuilt it empty"])
    assert "0 predictions from the cache" in _summary_line(result)
    again = pytester.runpytest_subprocess("--behave", "--behave-cache-dir", "c", *QUIET)
    assert "1 new" in _summary_line(again)


def test_concurrent_runs_share_the_cache(pytester, monkeypatch):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_suite=TESTS)
    env_calls = [pytester.path / f"calls{i}.txt" for i in range(3)]
    procs = []
    for i, calls in enumerate(env_calls):
        env = {**__import__("os").environ, "CALLS_FILE": str(calls)}
        procs.append(subprocess.Popen([sys.executable, "-m", "pytest", "--behave", "-p", "no:cacheprovider",
                                       "--behave-cache-dir", "shared", "-q", *QUIET], cwd=pytester.path, env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    assert all("5 passed" in out and "Warning" not in out for out in outputs), outputs
    warm = pytester.runpytest_subprocess("--behave", "--behave-cache-dir", "shared", *QUIET)
    assert "1 new" in _summary_line(warm)


def test_without_pytest_cache_provider_the_cache_is_off(pytester, monkeypatch):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_suite=TESTS)
    monkeypatch.setenv("CALLS_FILE", str(pytester.path / "calls.txt"))
    result = pytester.runpytest_subprocess("--behave", "-p", "no:cacheprovider", *QUIET)
    assert "off (pytest's cacheprovider is disabled; pass --behave-cache-dir DIR)" in _summary_line(result)


@pytest.mark.parametrize("output", ["text", "ranking"])
def test_answers_and_rankings_are_cached_too(store, output):
    calls: list[int] = []

    def fn(xs):
        calls.append(len(xs))
        return [x.upper() for x in xs] if output == "text" else [[len(x), "item-a", 3] for x in xs]

    first = bt.Model(fn, output=output, name="m", version="1").predict(TEXTS)
    again = bt.Model(fn, output=output, name="m", version="1")
    second = again.predict(TEXTS)
    assert sum(calls) == len(TEXTS) and again.calls == 0 and cache.STATS.hits == len(TEXTS)
    column = "answer" if output == "text" else "ranking"
    assert list(getattr(first, column)) == list(getattr(second, column))
    assert second.at(0).to_dict() == first.at(0).to_dict()

