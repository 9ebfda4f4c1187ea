"""The library without pytest's plugin machinery: Model, expectations, the runner, statistics.

Every count below is worked out by hand from the planted-bug models defined here.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import strategies as st
from scipy.stats import binomtest, norm

import behavetest as bt
from behavetest._cases.generate import Generator
from behavetest._measure.runner import Behave
from behavetest.perturb._perturbation import as_perturbation
from behavetest._measure.stats import wilson
from behavetest._report.summary import summarize
from fixtures.models import Counting, notblind

Z = norm.ppf(0.975)


# --------------------------------------------------------------------------------------
# Wilson intervals
# --------------------------------------------------------------------------------------

def textbook_wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


@pytest.mark.parametrize("k,n", [(0, 10), (5, 10), (10, 10), (1, 4), (6, 7), (0, 1), (1, 1), (3, 1000), (997, 1000), (50, 173)])
def test_wilson_matches_scipy_and_the_textbook_formula(k, n):
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    low, high = wilson(k, n)
    assert (low, high) == pytest.approx((float(ci.low), float(ci.high)), abs=1e-12)
    assert (low, high) == pytest.approx(textbook_wilson(k, n), abs=1e-12)


def test_wilson_known_values():
    # published values for the 95% Wilson score interval
    assert wilson(0, 10) == pytest.approx((0.0, 0.27753279986288926), abs=1e-12)
    assert wilson(5, 10) == pytest.approx((0.236593090512564, 0.7634069094874361), abs=1e-12)
    assert wilson(10, 10) == pytest.approx((0.7224672001371109, 1.0), abs=1e-12)


def test_wilson_edges_are_exact():
    assert wilson(0, 0) == (0.0, 1.0)
    assert wilson(0, 10)[0] == 0.0
    assert wilson(10, 10)[1] == 1.0
    for k in range(0, 8):
        low, high = wilson(k, 7)
        assert 0.0 <= low <= k / 7 <= high <= 1.0
        other = wilson(7 - k, 7)
        assert (low, high) == pytest.approx((1 - other[1], 1 - other[0]), abs=1e-12)
        assert type(low) is float and type(high) is float


# --------------------------------------------------------------------------------------
# Models used below (the planted ones come from fixtures/models.py)
# --------------------------------------------------------------------------------------

# three-class table model: outputs are looked up, so every count is known
TABLE = {
    "a": [0.7, 0.2, 0.1],   # negative
    "b": [0.1, 0.3, 0.6],   # positive
    "c": [0.2, 0.5, 0.3],   # neutral
    "a'": [0.6, 0.3, 0.1],  # negative, P(pos) unchanged, max move 0.1
    "b'": [0.1, 0.6, 0.3],  # neutral, P(pos) -0.3, max move 0.3
    "c'": [0.2, 0.4, 0.4],  # tie neutral/positive -> first declared wins: neutral; P(pos) +0.1
}


def table(texts):
    return np.array([TABLE[t] for t in texts])


def three():
    return bt.Model(table, labels=["negative", "neutral", "positive"], name="table")


def prime(x):
    return st.just(x + "'")


def behave(**kwargs) -> tuple[Behave, list]:
    recorded: list = []
    kwargs.setdefault("generator", Generator(seed=0))
    return Behave(test_name="test_x", nodeid="test_file.py::test_x", record=recorded.append, **kwargs), recorded


# --------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------

def test_model_dedups_caches_and_batches():
    counting = Counting(notblind)
    model = bt.Model(counting, labels=["negative", "positive"], batch_size=2)
    assert model.name == "notblind"
    preds = model.predict(["x", "bad", "x", "y", "z"])
    assert counting.batches == [["x", "bad"], ["y", "z"]]
    assert [preds.at(i).label for i in range(5)] == ["positive", "negative", "positive", "positive", "positive"]
    model.predict(["z", "bad", "w"])
    assert counting.batches == [["x", "bad"], ["y", "z"], ["w"]]
    assert (model.calls, model.predicted) == (3, 5)
    model.predict(["w", "x"])
    assert model.calls == 3


def test_model_prediction_fields_and_ties():
    model = three()
    preds = model.predict(["a", "c'"])
    first = preds.at(0, "a")
    assert (first.input, first.label, first.score) == ("a", "negative", None)
    assert first.probs == pytest.approx({"negative": 0.7, "neutral": 0.2, "positive": 0.1})
    assert preds.at(1).label == "neutral", "ties go to the first declared label"
    assert model.kind == "proba"


def test_model_labels_and_scores():
    labels = bt.Model(lambda xs: np.array(["spam" if "buy" in x else "ham" for x in xs]), name="spam")
    preds = labels.predict(["buy now", "hello", "buy"])
    assert [preds.at(i).label for i in range(3)] == ["spam", "ham", "spam"]
    assert labels.kind == "label" and labels.labels == ["spam", "ham"]
    scores = bt.Model(lambda xs: np.array([len(x) for x in xs], dtype=np.float32), name="length")
    preds = scores.predict(["ab", "abcd"])
    assert scores.kind == "score"
    assert [preds.at(i).score for i in range(2)] == [2.0, 4.0]
    assert type(preds.at(0).score) is float


def test_model_sklearn_estimator():
    from sklearn.linear_model import LogisticRegression

    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    clf = LogisticRegression().fit(X, np.array(["low", "low", "high", "high"]))
    model = bt.Model(clf, name="lr")
    assert model.labels == ["high", "low"]
    preds = model.predict([np.array([0.0]), np.array([3.0])])
    assert model.kind == "proba"
    assert [preds.at(i).label for i in range(2)] == ["low", "high"]
    expected = clf.predict_proba(X[[0, 3]])
    assert preds.proba == pytest.approx(expected)


def test_model_structured_inputs_share_cache_entries():
    counting = Counting(lambda rows: [[0.5, 0.5] for _ in rows])
    counting.__name__ = "rows"
    model = bt.Model(counting, labels=["no", "yes"])
    model.predict([{"a": 1, "b": 2.5}, {"b": 2.5, "a": 1}, (1, 2), (1, 2), np.array([1.0, 2.0]), np.array([1.0, 2.0])])
    assert [len(b) for b in counting.batches] == [3]
    model.predict([{"a": np.int64(1), "b": np.float64(2.5)}])
    assert len(counting.batches) == 1, "numpy scalars equal to cached builtins hit the cache"


@pytest.mark.parametrize("batch_size", [0, -1, True, 2.5, "8"])
def test_model_rejects_bad_batch_size(batch_size):
    with pytest.raises(bt.DeclarationError, match="batch_size"):
        bt.Model(notblind, labels=["negative", "positive"], batch_size=batch_size)


# --------------------------------------------------------------------------------------
# Expectations (exact counts on the table model)
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("expect,failures,failed_inputs", [
    (bt.expect.label("positive"), 2, ["a", "c"]),
    (bt.expect.label_in("neutral", "positive"), 1, ["a"]),
    (bt.expect.not_label("negative"), 1, ["a"]),
    (bt.expect.prob("positive", ge=0.3), 1, ["a"]),               # 0.3 itself passes
    (bt.expect.prob("negative", ge=0.1, le=0.2), 1, ["a"]),        # both bounds inclusive
    (bt.expect.prob("neutral", le=0.25), 2, ["b", "c"]),
    (bt.expect.custom(lambda p: p.probs["neutral"] <= 0.3), 1, ["c"]),
    (bt.expect.custom(lambda p: p.input != "b"), 1, ["b"]),
])
def test_single_prediction_expectations(expect, failures, failed_inputs):
    runner, recorded = behave()
    result = runner.mft(three(), ["a", "b", "c"], expect=expect, capability="Vocabulary")
    assert (result.cases, result.failures, result.not_applicable) == (3, failures, 0)
    assert [e.input for e in result.examples] == failed_inputs
    assert result.fail_rate == failures / 3
    assert result.status == "tracked"
    assert recorded == [result]


def test_mft_with_labels_per_input():
    runner, _ = behave()
    result = runner.mft(three(), ["a", "b", "c", "a"], labels=["negative", "positive", "positive", "neutral"],
                        capability="Vocabulary")
    assert (result.cases, result.failures) == (4, 2)
    assert [(e.input, e.prediction.label, e.expected) for e in result.examples] == [
        ("c", "neutral", "positive"), ("a", "negative", "neutral")
    ]


def test_score_expectation():
    runner, _ = behave()
    model = bt.Model(lambda xs: np.array([float(len(x)) for x in xs]), name="length")
    result = runner.mft(model, ["", "ab", "abcd", "abcdef"], expect=bt.expect.score(ge=1.0, le=4.0), capability="Range")
    assert (result.cases, result.failures) == (4, 2)
    assert [(e.input, e.prediction.score) for e in result.examples] == [("", 0.0), ("abcdef", 6.0)]


# a -> a': negative -> negative, P(pos) 0.1 -> 0.1, largest move 0.1
# b -> b': positive -> neutral,  P(pos) 0.6 -> 0.3, largest move 0.3
# c -> c': neutral  -> neutral,  P(pos) 0.3 -> 0.4, largest move 0.1
@pytest.mark.parametrize("kind,expect,failed", [
    ("inv", None, ["b"]),                                         # same_label is INV's default
    ("inv", bt.expect.same_label(), ["b"]),
    ("inv", bt.expect.prob_within(0.15), ["b"]),
    ("inv", bt.expect.prob_within(0.05, label="negative"), ["a"]),
    ("inv", bt.expect.prob_within(0.35), []),
    ("dir", bt.expect.increase("positive"), ["b"]),               # unchanged counts as not decreased
    ("dir", bt.expect.increase("positive", tolerance=0.3), []),   # a drop of exactly the tolerance passes
    ("dir", bt.expect.decrease("positive"), ["c"]),
    ("dir", bt.expect.decrease("positive", tolerance=0.1), []),
    ("dir", bt.expect.label("neutral"), ["a"]),                   # single-prediction: judges the perturbed one
    ("dir", bt.expect.custom(lambda before, after: after.probs["neutral"] > before.probs["neutral"]), ["c"]),
])
def test_pairwise_expectations(kind, expect, failed):
    runner, _ = behave()
    kwargs = {} if expect is None else {"expect": expect}
    result = getattr(runner, kind)(three(), ["a", "b", "c"], perturb=prime, capability="Robustness", **kwargs)
    assert result.type == kind.upper()
    assert (result.cases, result.failures, result.pairs, result.pair_failures) == (3, len(failed), 3, len(failed))
    assert [e.input for e in result.examples] == failed
    assert [e.perturbed for e in result.examples] == [x + "'" for x in failed]
    assert (result.not_applicable, result.noops) == (0, 0)


def test_increase_on_scores():
    runner, _ = behave()
    model = bt.Model(lambda xs: np.array([float(len(x)) for x in xs]), name="length")
    result = runner.dir(model, ["a", "bb"], perturb=lambda x: st.just(x[:-1]), expect=bt.expect.increase(), capability="C")
    assert (result.cases, result.failures) == (2, 2)
    result = runner.dir(model, ["a", "bb"], perturb=lambda x: st.just(x[:-1]), expect=bt.expect.increase(tolerance=1.0),
                        capability="C")
    assert (result.cases, result.failures) == (2, 0)


# --------------------------------------------------------------------------------------
# The runner: case vs pair rates, not applicable, verdicts, messages, names
# --------------------------------------------------------------------------------------

def ok_or_bad(x):
    """Both " ok" and " bad" appended (2 samples exhaust the 2 options); not applicable to "meh"."""
    return None if x.startswith("meh") else st.sampled_from([x + " ok", x + " bad"])


def test_inv_case_and_pair_rates():
    # good one: " bad" flips it -> case fails (1 of 2 pairs); bad one: stays negative -> passes;
    # fine: fails like "good one"; meh: not applicable.
    counting = Counting(notblind)
    model = bt.Model(counting, labels=["negative", "positive"])
    runner, _ = behave(shrink_budget=0)
    result = runner.inv(model, ["good one", "bad one", "fine", "meh"], perturb=ok_or_bad, samples=2,
                        capability="Robustness", max_fail_rate=0.7)
    assert (result.cases, result.failures, result.not_applicable) == (3, 2, 1)
    assert (result.pairs, result.pair_failures, result.noops) == (6, 2, 0)
    assert result.fail_rate == pytest.approx(2 / 3)
    assert result.pair_fail_rate == pytest.approx(2 / 6)
    assert result.ci == pytest.approx(textbook_wilson(2, 3), abs=1e-12)
    assert result.pair_ci == pytest.approx(textbook_wilson(2, 6), abs=1e-12)
    assert result.status == "pass"
    assert [(e.input, e.perturbed) for e in result.examples] == [("good one", "good one bad"), ("fine", "fine bad")]
    assert (result.unique_inputs, result.predicted, result.model_calls) == (10, 10, 1)
    assert len(counting.seen) == len(set(counting.seen)) == 10


def test_threshold_exceeded_fails_with_capability_and_examples():
    model = bt.Model(notblind, labels=["negative", "positive"], name="notblind")
    runner, recorded = behave()
    inputs = [f"not good {i}" for i in range(7)] + ["bad", "not bad"]
    with pytest.raises(bt.BehaviorFailed) as info:
        runner.mft(model, inputs, expect=bt.expect.label("negative"), capability="Negation", max_fail_rate=0.5)
    message = str(info.value)
    assert message.startswith(
        "[Negation] MFT test 'test_x' on model 'notblind': 7 of 9 cases failed (77.8%, 95% CI "
    )
    low, high = textbook_wilson(7, 9)
    assert f"{low:.1%}-{high:.1%}" in message
    assert "above max_fail_rate=50.0%" in message
    shown = [line for line in message.splitlines() if "-> positive (0.90)" in line]
    assert len(shown) == 5, "up to 5 failing examples with their predictions"
    assert "'not good 0' -> positive (0.90)" in shown[0]
    (result,) = recorded
    assert (result.cases, result.failures, result.status) == (9, 7, "fail")
    assert len(result.examples) >= 5


def test_threshold_boundary_and_tracked():
    model = bt.Model(notblind, labels=["negative", "positive"])
    runner, _ = behave()
    at = runner.mft(model, ["bad", "good", "meh", "nope"], expect=bt.expect.label("positive"), capability="V",
                    max_fail_rate=0.25)
    assert (at.failures, at.status, at.passed) == (1, "pass", True)
    tracked = runner.mft(model, ["bad"] * 3, expect=bt.expect.label("positive"), capability="V")
    assert (tracked.cases, tracked.failures, tracked.status, tracked.passed) == (3, 3, "tracked", True)
    zero = runner.mft(model, ["bad"], expect=bt.expect.label("positive"), capability="V", max_fail_rate=1.0)
    assert zero.status == "pass"
    with pytest.raises(bt.BehaviorFailed):
        runner.mft(model, ["bad", "good"], expect=bt.expect.label("positive"), capability="V", max_fail_rate=0.0)


def test_names_default_to_the_test_and_stay_unique():
    model = bt.Model(notblind, labels=["negative", "positive"])
    runner, _ = behave()
    names = [runner.mft(model, ["x"], expect=bt.expect.label("positive"), capability="V").name for _ in range(3)]
    named = runner.mft(model, ["x"], expect=bt.expect.label("positive"), capability="V", name="custom")
    assert names == ["test_x", "test_x#2", "test_x#3"]
    assert named.name == "custom"


def test_result_to_dict_is_plain_builtins():
    rows = [{"age": np.int64(20), "w": np.float32(0.5)}, {"age": np.int64(50), "w": np.float32(0.5)}]
    model = bt.Model(lambda rs: np.array([[0.9, 0.1] if r["age"] < 30 else [0.1, 0.9] for r in rs], dtype=np.float32),
                     labels=[np.str_("no"), np.str_("yes")], name="credit")
    runner, _ = behave()
    mft = runner.mft(model, rows, labels=["yes", "yes"], capability="Fairness")
    inv = runner.inv(model, rows, perturb=lambda r: st.just({**r, "age": r["age"] + np.int64(15)}), capability="Fairness")

    def check(value, path="$"):
        assert type(value) in (dict, list, str, int, float, bool, type(None)), (path, type(value))
        if isinstance(value, dict):
            for k, v in value.items():
                assert type(k) is str
                check(v, f"{path}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                check(v, f"{path}[{i}]")

    for result in (mft, inv):
        document = result.to_dict()
        check(document)
        json.dumps(document, allow_nan=False)
    assert (mft.cases, mft.failures, inv.cases, inv.failures) == (2, 1, 2, 1)
    assert mft.to_dict()["examples"][0]["input"] == {"age": 20, "w": 0.5}
    assert inv.to_dict()["examples"][0]["perturbed"] == {"age": 35, "w": 0.5}


def test_summarize_pools_cases_per_capability():
    model = bt.Model(notblind, labels=["negative", "positive"], name="m")
    runner, recorded = behave()
    runner.mft(model, ["bad", "good"], expect=bt.expect.label("positive"), capability="A", max_fail_rate=0.5)
    runner.mft(model, ["bad", "bad", "good"], expect=bt.expect.label("positive"), capability="A")
    runner.mft(model, ["good"], expect=bt.expect.label("positive"), capability="B")
    summary = summarize([r.to_dict() for r in recorded])
    assert summary["m"]["A"]["tests"] == 2
    # the tracked test's failures are in A's rate, so A is "tracked", not "pass"
    assert (summary["m"]["A"]["cases"], summary["m"]["A"]["failures"], summary["m"]["A"]["status"]) == (5, 3, "tracked")
    assert summary["m"]["A"]["ci"] == pytest.approx(list(textbook_wilson(3, 5)), abs=1e-12)
    assert (summary["m"]["B"]["cases"], summary["m"]["B"]["failures"], summary["m"]["B"]["status"]) == (1, 0, "tracked")


# --------------------------------------------------------------------------------------
# Determinism of generated perturbations
# --------------------------------------------------------------------------------------

TEXTS = ["the acting was wonderful", "a charming little story", "painfully predictable plot"]


def _typos(seed: int, texts=TEXTS) -> list[list[str]]:
    generated = Generator(seed=seed).generate(bt.perturb.typos(1), texts, list(texts), 3)
    return [g.values for g in generated]


def test_same_seed_same_perturbations_other_seed_other_perturbations():
    first = _typos(0)
    assert first == _typos(0)
    assert all(len(v) == 3 and len(set(v)) == 3 and t not in v for t, v in zip(TEXTS, first))
    assert _typos(1) != first
    # an input's perturbations do not depend on the other inputs of the test
    assert _typos(0, TEXTS[1:2]) == first[1:2]


def test_every_option_of_a_list_perturbation_is_drawn():
    """append([...]) "draws one of them": across 40 inputs each option must turn up.

    With a fair draw per input, the chance that one of 2 options never appears in 40 inputs
    is 2 * 2**-40; the chance that " a" is never among 3 of 4 options drawn for 40 inputs is 4**-40.
    """
    inputs = [f"text {i}" for i in range(40)]
    one = Generator(seed=0).generate(bt.perturb.append(["!", "?"]), inputs, list(inputs), 1)
    assert {g.values[0][-1] for g in one} == {"!", "?"}
    three = Generator(seed=0).generate(bt.perturb.append([" a", " b", " c", " d"]), inputs, list(inputs), 3)
    assert {v[-2:] for g in three for v in g.values} == {" a", " b", " c", " d"}
    prefixed = Generator(seed=0).generate(bt.perturb.prepend(["Well, ", "So, ", "Hm, "]), inputs, list(inputs), 1)
    assert {g.values[0].split(",")[0] for g in prefixed} == {"Well", "So", "Hm"}


@bt.perturbation
def _shout_counted(draw, text):
    _shout_counted.calls += 1
    words = text.split()
    i = draw(st.integers(0, len(words) - 1))
    return " ".join(w.upper() if j == i else w for j, w in enumerate(words))


_shout_counted.calls = 0


def test_a_custom_perturbation_is_generated_once_and_shared_between_tests_like_a_built_in():
    generator = Generator(seed=0)
    model = bt.Model(notblind, labels=["negative", "positive"])
    first, _ = behave(generator=generator, shrink_budget=0)  # shrinking draws again, on purpose
    a = first.inv(model, ["so good here", "not bad at all"], perturb=_shout_counted, samples=2, capability="R")
    calls = _shout_counted.calls
    assert calls >= 4
    second, _ = behave(generator=generator, shrink_budget=0)
    b = second.inv(model, ["so good here", "not bad at all"], perturb=_shout_counted, samples=2, capability="R")
    assert _shout_counted.calls == calls, "the second test reuses the first test's cases"
    assert (a.pairs, a.cases) == (b.pairs, b.cases) == (4, 2)
    # a plain function is keyed by identity too; two different functions never share cases
    assert as_perturbation(prime).key == as_perturbation(prime).key
    assert as_perturbation(lambda x: st.just(x)).key != as_perturbation(lambda x: st.just(x)).key


def test_the_session_cache_of_cases_is_bounded_and_its_limit_changes_no_case(monkeypatch):
    from behavetest._cases import generate

    texts = [f"a fine film, part {i}" for i in range(6)]
    unbounded = Generator(seed=3).generate(bt.perturb.typos(1), texts, list(texts), 2)
    monkeypatch.setattr(generate, "CACHED_INPUTS", 2)
    bounded = Generator(seed=3)
    first = bounded.generate(bt.perturb.typos(1), texts, list(texts), 2)
    again = bounded.generate(bt.perturb.typos(1), texts, list(texts), 2)
    assert len(bounded._cache) == 2
    assert [g.values for g in first] == [g.values for g in again] == [g.values for g in unbounded]


def test_generation_never_runs_the_hypothesis_engine(monkeypatch):
    from hypothesis.internal.conjecture import engine

    def refuse(self, *args, **kwargs):
        raise AssertionError("case generation started a Hypothesis engine run")

    monkeypatch.setattr(engine.ConjectureRunner, "run", refuse)
    texts = [f"a rather good film, part {i}" for i in range(50)]
    for p in (bt.perturb.typos(1), bt.perturb.append(["!", "?"]), _shout_counted, prime):
        generated = Generator(seed=1).generate(as_perturbation(p), texts, list(texts), 3)
        assert all(g.values for g in generated)


# --------------------------------------------------------------------------------------
# Cost
# --------------------------------------------------------------------------------------

def test_prediction_cache_shared_between_tests():
    counting = Counting(notblind)
    model = bt.Model(counting, labels=["negative", "positive"])
    first, _ = behave()
    second, _ = behave()
    a = first.mft(model, ["x", "y", "z"], expect=bt.expect.label("positive"), capability="C")
    b = second.mft(model, ["y", "z", "w"], expect=bt.expect.label("positive"), capability="C")
    assert counting.batches == [["x", "y", "z"], ["w"]]
    assert (a.model_calls, a.predicted, b.model_calls, b.predicted) == (1, 3, 1, 1)


def test_10k_inputs_3_samples_call_bound():
    counting = Counting(notblind)
    model = bt.Model(counting, labels=["negative", "positive"], batch_size=256)
    runner, _ = behave()
    inputs = [f"review {i} was good" if i % 2 else f"review {i} was bad" for i in range(10_000)]
    result = runner.inv(model, inputs, perturb=bt.perturb.append([" a", " b", " c", " d"]), samples=3,
                        capability="Robustness", max_fail_rate=0.0)
    seen = counting.seen
    assert len(seen) == len(set(seen)) == 40_000, "every unique input predicted exactly once"
    assert len(counting.batches) <= math.ceil(len(set(seen)) / 256)
    assert len(counting.batches) == 157
    assert (result.cases, result.failures, result.pairs, result.pair_failures) == (10_000, 0, 30_000, 0)
    assert (result.unique_inputs, result.predicted, result.model_calls) == (40_000, 40_000, 157)


def test_call_bound_with_failures():
    """With failing cases the measurement still makes ceil(unique / batch_size) calls; shrinking
    (on by default, with its own budget) only adds calls for the few examples it shrinks."""
    def flips_on_c(texts):
        return [[0.9, 0.1] if t.endswith(" c") else [0.1, 0.9] for t in texts]

    inputs = [f"x{i}" for i in range(300)]
    plain = Counting(flips_on_c)
    runner, _ = behave(shrink_budget=0)
    result = runner.inv(bt.Model(plain, labels=["negative", "positive"], batch_size=64), inputs,
                        perturb=bt.perturb.append([" a", " b", " c", " d"]), samples=3, capability="Robustness")
    unique = len(set(plain.seen))
    assert unique == len(plain.seen) == 1200 == result.unique_inputs
    assert len(plain.batches) == math.ceil(unique / 64) == result.model_calls == 19
    assert (result.cases, result.pairs) == (300, 900)
    assert result.failures == result.pair_failures == len([g for g in Generator(seed=0).generate(
        bt.perturb.append([" a", " b", " c", " d"]), inputs, list(inputs), 3) if any(v.endswith(" c") for v in g.values)])

    shrinking = Counting(flips_on_c)
    runner, _ = behave(shrink_budget=200)
    shrunk = runner.inv(bt.Model(shrinking, labels=["negative", "positive"], batch_size=64), inputs,
                        perturb=bt.perturb.append([" a", " b", " c", " d"]), samples=3, capability="Robustness")
    assert (shrunk.cases, shrunk.failures, shrunk.pairs) == (result.cases, result.failures, result.pairs)
    assert shrinking.batches[:19] == plain.batches
    assert len(shrinking.batches) - 19 <= 200
    assert all(e.minimal is not None and e.minimal.endswith(" c") for e in shrunk.examples[:3])
