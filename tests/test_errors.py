"""Error paths: broken models, bad declarations, nothing applicable, no-op perturbations.

A model that raises or returns garbage must make the test error with a message naming
the model, the test and an offending input; it must never count as a pass and never
crash pytest (INTERNALERROR, exit code 3). Library-level checks first, then the same
paths through pytest, serially and under ``-n 2``.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re

import numpy as np
import pytest
from hypothesis import strategies as st

import behavetest as bt
from behavetest._cases.generate import Generator
from behavetest._measure.runner import Behave
from fixtures.models import fragile, notblind

# Unrelated third-party plugins installed here (Faker's is slow to import) are left out of inner runs.
QUIET = ["-p", "no:faker", "-p", "no:benchmark"]
MODES = [pytest.param(QUIET, id="serial"), pytest.param([*QUIET, "-n", "2"], id="xdist")]


def _preload_behavetest() -> None:
    # see tests/test_plugin.py: pytester's in-process runs unload modules imported during a run
    for info in pkgutil.walk_packages(bt.__path__, "behavetest."):
        try:
            importlib.import_module(info.name)
        except Exception:
            pass


_preload_behavetest()


def behave(**kwargs):
    recorded: list = []
    kwargs.setdefault("generator", Generator(seed=0))
    runner = Behave(test_name="test_broken", nodeid="test_file.py::test_broken", record=recorded.append, **kwargs)
    return runner, recorded


def proba(fn, name):
    return bt.Model(fn, labels=["negative", "positive"], name=name)


# --------------------------------------------------------------------------------------
# Broken models (library level)
# --------------------------------------------------------------------------------------

def test_model_that_raises_names_model_test_and_input():
    runner, recorded = behave()
    inputs = [f"fine {i}" for i in range(100)]
    inputs[37] = "boom 37"
    with pytest.raises(bt.ModelError) as info:
        runner.mft(proba(fragile, "fragile"), inputs, expect=bt.expect.label("positive"), capability="Vocabulary")
    message = str(info.value)
    assert "'fragile'" in message
    assert "'test_broken'" in message
    assert "'boom 37'" in message, "the offending input is found in the batch"
    assert "ValueError: cannot handle boom" in message
    assert isinstance(info.value.__cause__, ValueError)
    (result,) = recorded
    assert result.status == "error" and not result.passed
    assert result.to_dict()["status"] == "error"
    assert "boom 37" in result.to_dict()["error"]


def test_model_that_raises_on_a_perturbation_names_it():
    runner, _ = behave()
    with pytest.raises(bt.ModelError) as info:
        runner.inv(proba(fragile, "fragile"), ["fine", "also fine"], perturb=bt.perturb.append(" boom"),
                   capability="Robustness", max_fail_rate=0.5)
    assert "'fragile'" in str(info.value) and "'test_broken'" in str(info.value)
    assert re.search(r"offending input: '(fine|also fine) boom'", str(info.value))


@pytest.mark.parametrize("output,needle", [
    ([[float("nan"), 0.5]], "NaN or infinite"),
    ([[float("inf"), 0.0]], "NaN or infinite"),
    ([[2.0, -1.0]], "outside [0, 1]"),          # logits
    ([[1.3, 0.2]], "outside [0, 1]"),
])
def test_invalid_probabilities(output, needle):
    def broken(texts):
        return [[0.1, 0.9] if t != "odd one" else output[0] for t in texts]

    runner, recorded = behave()
    with pytest.raises(bt.ModelError) as info:
        runner.mft(proba(broken, "broken"), ["ok", "odd one", "fine"], expect=bt.expect.label("positive"),
                   capability="Vocabulary")
    message = str(info.value)
    assert needle in message
    assert "'broken'" in message and "'test_broken'" in message and "'odd one'" in message
    assert recorded[0].status == "error"


@pytest.mark.parametrize("fn,needle", [
    (lambda texts: [[0.1, 0.9]] * (len(texts) - 1), "shape (2, 2) for 3 inputs"),
    (lambda texts: [[[0.1, 0.9]]] * len(texts), "shape (3, 1, 2)"),
    (lambda texts: 0.5, "shape ()"),
    (lambda texts: [[0.2, 0.3, 0.5]] * len(texts), "3 probability columns but declares 2 labels"),
])
def test_wrong_shape(fn, needle):
    runner, recorded = behave()
    with pytest.raises(bt.ModelError) as info:
        runner.mft(proba(fn, "shapeless"), ["a", "b", "c"], expect=bt.expect.label("positive"), capability="Vocabulary")
    message = str(info.value)
    assert needle in message
    assert "'shapeless'" in message and "'test_broken'" in message
    assert recorded[0].status == "error"


def test_wrong_shape_names_an_input():
    runner, _ = behave()
    with pytest.raises(bt.ModelError, match=r"'first text'"):
        runner.mft(proba(lambda texts: [[0.1, 0.9]], "short"), ["first text", "second text"],
                   expect=bt.expect.label("positive"), capability="Vocabulary")


def test_undeclared_label():
    def labeller(texts):
        return np.array(["neutral" if "meh" in t else "positive" for t in texts])

    runner, recorded = behave()
    model = bt.Model(labeller, labels=["negative", "positive"], name="labeller")
    with pytest.raises(bt.ModelError) as info:
        runner.mft(model, ["great", "meh movie"], expect=bt.expect.label("positive"), capability="Vocabulary")
    message = str(info.value)
    assert "'neutral'" in message and "'labeller'" in message and "'test_broken'" in message and "'meh movie'" in message
    assert recorded[0].status == "error"


def test_probabilities_without_labels():
    runner, _ = behave()
    with pytest.raises(bt.ModelError, match="declares no labels"):
        runner.mft(bt.Model(lambda xs: [[0.2, 0.8]] * len(xs), name="anon"), ["a"], expect=bt.expect.label("x"),
                   capability="V")


def test_nan_score():
    runner, _ = behave()
    model = bt.Model(lambda xs: np.array([np.nan if x == "x" else 1.0 for x in xs]), name="regressor")
    with pytest.raises(bt.ModelError) as info:
        runner.mft(model, ["a", "x"], expect=bt.expect.score(ge=0.0), capability="Range")
    assert "'regressor'" in str(info.value) and "'x'" in str(info.value) and "'test_broken'" in str(info.value)


# --------------------------------------------------------------------------------------
# Bad declarations (library level)
# --------------------------------------------------------------------------------------

MODEL = bt.Model(notblind, labels=["negative", "positive"], name="notblind")


def test_missing_capability():
    runner, _ = behave()
    with pytest.raises(TypeError, match="capability"):
        runner.mft(MODEL, ["x"], expect=bt.expect.label("positive"))
    with pytest.raises(TypeError, match="capability"):
        runner.inv(MODEL, ["x"], perturb=bt.perturb.append("!"))


@pytest.mark.parametrize("capability", ["", "   ", None, 3])
def test_empty_capability(capability):
    runner, recorded = behave()
    with pytest.raises(bt.DeclarationError, match="capability"):
        runner.mft(MODEL, ["x"], expect=bt.expect.label("positive"), capability=capability)
    assert recorded == []


@pytest.mark.parametrize("rate", [-0.1, 1.01, float("nan"), True, "0.1", float("inf")])
def test_max_fail_rate_out_of_range(rate):
    runner, _ = behave()
    with pytest.raises(bt.DeclarationError, match="max_fail_rate"):
        runner.mft(MODEL, ["x"], expect=bt.expect.label("positive"), capability="V", max_fail_rate=rate)
    with pytest.raises(bt.DeclarationError, match="max_fail_rate"):
        runner.inv(MODEL, ["x"], perturb=bt.perturb.append("!"), capability="V", max_fail_rate=rate)


@pytest.mark.parametrize("expect", [
    bt.expect.same_label(), bt.expect.prob_within(0.1), bt.expect.increase("positive"), bt.expect.decrease("positive"),
])
def test_pairwise_expectation_in_mft(expect):
    runner, _ = behave()
    with pytest.raises(bt.DeclarationError, match="mft"):
        runner.mft(MODEL, ["x"], expect=expect, capability="V")


def test_labels_count_mismatch_and_expect_xor_labels():
    runner, _ = behave()
    with pytest.raises(bt.DeclarationError, match="3 inputs but 2 labels"):
        runner.mft(MODEL, ["a", "b", "c"], labels=["positive", "negative"], capability="V")
    with pytest.raises(bt.DeclarationError, match="exactly one"):
        runner.mft(MODEL, ["a"], capability="V")
    with pytest.raises(bt.DeclarationError, match="exactly one"):
        runner.mft(MODEL, ["a"], labels=["positive"], expect=bt.expect.label("positive"), capability="V")


def test_unknown_label_in_expectation():
    runner, _ = behave()
    with pytest.raises(bt.DeclarationError, match="'neutral' is not one of model 'notblind'"):
        runner.mft(MODEL, ["a"], expect=bt.expect.label("neutral"), capability="V")
    with pytest.raises(bt.DeclarationError, match="'neutral'"):
        runner.mft(MODEL, ["a"], labels=["neutral"], capability="V")


@pytest.mark.parametrize("model", [notblind, "notblind", None, object()])
def test_first_argument_must_be_a_model(model):
    runner, _ = behave()
    with pytest.raises(bt.DeclarationError, match="bt.Model"):
        runner.mft(model, ["x"], expect=bt.expect.label("positive"), capability="V")
    with pytest.raises(bt.DeclarationError, match="bt.Model"):
        runner.inv(model, ["x"], perturb=bt.perturb.append("!"), capability="V")


def test_perturbation_returning_a_non_strategy():
    runner, _ = behave()
    with pytest.raises(bt.DeclarationError) as info:
        runner.inv(MODEL, ["fine"], perturb=lambda text: text + "!", capability="Robustness")
    message = str(info.value)
    assert "Hypothesis strategy" in message and "str" in message


@pytest.mark.parametrize("perturb", [" a", 3, None])
def test_perturb_that_is_not_a_perturbation(perturb):
    runner, _ = behave()
    with pytest.raises(bt.DeclarationError, match="perturb"):
        runner.inv(MODEL, ["fine"], perturb=perturb, capability="Robustness")


def test_perturbation_that_raises_is_reported_not_swallowed():
    def explode(text):
        return st.just(text).map(lambda t: 1 / 0)

    runner, _ = behave()
    with pytest.raises(bt.DeclarationError) as info:
        runner.inv(MODEL, ["fine"], perturb=explode, capability="Robustness")
    assert "ZeroDivisionError" in str(info.value) and "'fine'" in str(info.value)


@pytest.mark.parametrize("kwargs,needle", [
    (dict(samples=0), "samples"), (dict(samples=-2), "samples"), (dict(samples=True), "samples"),
    (dict(samples=1.5), "samples"), (dict(expect=lambda b, a: True), "expect"),
])
def test_bad_inv_arguments(kwargs, needle):
    runner, _ = behave()
    with pytest.raises(bt.DeclarationError, match=needle):
        runner.inv(MODEL, ["fine"], perturb=bt.perturb.append("!"), capability="Robustness", **kwargs)


def test_bad_inputs_and_dir_without_expect():
    runner, _ = behave()
    with pytest.raises(bt.DeclarationError, match="list of inputs"):
        runner.mft(MODEL, "just one string", expect=bt.expect.label("positive"), capability="V")
    with pytest.raises(bt.DeclarationError, match="no inputs"):
        runner.mft(MODEL, [], expect=bt.expect.label("positive"), capability="V")
    with pytest.raises(bt.DeclarationError, match="expect"):
        runner.dir(MODEL, ["x"], perturb=bt.perturb.append("!"), expect=None, capability="V")
    with pytest.raises(bt.DeclarationError, match="True or False"):
        runner.mft(MODEL, ["x"], expect=bt.expect.custom(lambda p: "yes"), capability="V")


# --------------------------------------------------------------------------------------
# Nothing applicable; no-op perturbations (library level)
# --------------------------------------------------------------------------------------

def test_zero_applicable_cases_with_threshold_fails_clearly():
    runner, recorded = behave()
    with pytest.raises(bt.BehaviorFailed) as info:
        runner.inv(MODEL, ["no match here", "nor here"], perturb=bt.perturb.replace({"Chicago": "Denver"}),
                   capability="Fairness", max_fail_rate=0.1)
    message = str(info.value)
    assert "[Fairness]" in message and "no applicable cases" in message
    assert "2 inputs not applicable" in message
    (result,) = recorded
    assert (result.cases, result.failures, result.not_applicable, result.pairs, result.status) == (0, 0, 2, 0, "fail")
    assert result.fail_rate is None


def test_zero_applicable_cases_without_threshold_is_tracked():
    runner, _ = behave()
    result = runner.inv(MODEL, ["no match"], perturb=bt.perturb.replace({"Chicago": "Denver"}), capability="Fairness")
    assert (result.cases, result.not_applicable, result.status, result.fail_rate, result.ci) == (0, 1, "tracked", None, (0.0, 1.0))


def test_noop_perturbations_are_not_applicable_never_passes():
    # identity: every draw returns the input itself
    runner, recorded = behave()
    with pytest.raises(bt.BehaviorFailed, match="no applicable cases"):
        runner.inv(MODEL, ["good", "bad", "fine"], perturb=lambda x: st.just(x), samples=3, capability="Robustness",
                   max_fail_rate=0.0)
    (result,) = recorded
    assert (result.cases, result.failures, result.not_applicable, result.pairs) == (0, 0, 3, 0)
    assert result.noops == 3
    assert result.status == "fail"


def test_partly_noop_perturbations():
    # "same ..." inputs are left unchanged; others get "!" appended, which notblind ignores (passes)
    def bang(x):
        return st.just(x) if x.startswith("same") else st.just(x + "!")

    runner, _ = behave()
    result = runner.inv(MODEL, ["same a", "same b", "good", "bad"], perturb=bang, capability="Robustness",
                        max_fail_rate=0.0)
    assert (result.cases, result.failures, result.not_applicable, result.noops) == (2, 0, 2, 2)
    assert (result.pairs, result.pair_failures, result.status) == (2, 0, "pass")

    # one noop and one real change among the samples of the same input: only the change counts
    result = runner.inv(MODEL, ["good", "bad"], perturb=lambda x: st.sampled_from([x, x + " bad"]), samples=2,
                        capability="Robustness")
    assert (result.cases, result.failures, result.pairs, result.pair_failures, result.noops) == (2, 1, 2, 1, 2)


def test_not_applicable_raised_while_drawing():
    @bt.perturbation
    def needs_digit(draw, text):
        digits = [i for i, c in enumerate(text) if c.isdigit()]
        if not digits:
            raise bt.NotApplicable("no digit")
        i = draw(st.sampled_from(digits))
        return text[:i] + str((int(text[i]) + 1) % 10) + text[i + 1:]

    runner, _ = behave()
    result = runner.inv(MODEL, ["room 1", "no digits", "bad 7"], perturb=needs_digit, capability="Robustness")
    assert (result.cases, result.failures, result.not_applicable, result.pairs) == (2, 0, 1, 2)


# --------------------------------------------------------------------------------------
# Through pytest, serially and under -n 2
# --------------------------------------------------------------------------------------

CONFTEST = """
import pytest
import behavetest as bt
from planted_models import BROKEN, LABELS, notblind


@pytest.fixture(scope="session")
def models():
    return {f.__name__: bt.Model(f, labels=LABELS) for f in (*BROKEN, notblind)}
"""

BROKEN_MODELS = """
import behavetest as bt

POS = bt.expect.label("positive")


def test_raises(behave, models):
    behave.mft(models["fragile"], ["fine", "boom here", "ok"], expect=POS, capability="Vocabulary")


def test_raises_in_inv(behave, models):
    behave.inv(models["fragile"], ["fine"], perturb=bt.perturb.append(" boom"), capability="Robustness",
               max_fail_rate=1.0)


def test_nan(behave, models):
    behave.mft(models["nan_model"], ["ok", "nan please"], expect=POS, capability="Vocabulary", max_fail_rate=1.0)


def test_shape(behave, models):
    behave.mft(models["short_model"], ["first", "second"], expect=POS, capability="Vocabulary")


def test_undeclared(behave, models):
    behave.mft(models["labeller"], ["great", "meh movie"], expect=POS, capability="Vocabulary")


def test_logits(behave, models):
    behave.mft(models["logits"], ["raw scores"], expect=POS, capability="Vocabulary")


def test_healthy(behave, models):
    behave.mft(models["notblind"], ["good", "bad"], labels=["positive", "negative"], capability="Vocabulary",
               max_fail_rate=0.0)


def test_ordinary():
    pass
"""

# test name -> (model name, capability, substrings its failure must show)
BROKEN = {
    "test_raises": ("fragile", "Vocabulary", ["ValueError: cannot handle boom", "'boom here'"]),
    "test_raises_in_inv": ("fragile", "Robustness", ["ValueError: cannot handle boom", "'fine boom'"]),
    "test_nan": ("nan_model", "Vocabulary", ["NaN or infinite", "'nan please'"]),
    "test_shape": ("short_model", "Vocabulary", ["shape (1, 2) for 2 inputs", "'first'"]),
    "test_undeclared": ("labeller", "Vocabulary", ["'neutral'", "'meh movie'"]),
    "test_logits": ("logits", "Vocabulary", ["outside [0, 1]", "'raw scores'"]),
}


def _assert_no_internal_error(result) -> None:
    text = "\n".join(result.outlines + result.errlines)
    assert "INTERNALERROR" not in text, text
    assert result.ret not in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR), text


def _failure_sections(result) -> dict[str, str]:
    """The text of each test's failure report, by test name."""
    text = result.stdout.str()
    sections = re.split(r"^_{3,} (\S+) _{3,}$", text, flags=re.M)
    return {sections[i]: sections[i + 1] for i in range(1, len(sections) - 1, 2)}


@pytest.mark.parametrize("mode", MODES)
def test_broken_models_error_cleanly(planted_pytester, mode):
    pytester = planted_pytester
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_broken=BROKEN_MODELS)
    result = pytester.runpytest(*mode, "--behave", "--behave-json", "out.json", "-p", "no:cacheprovider")
    _assert_no_internal_error(result)
    result.assert_outcomes(passed=2, failed=len(BROKEN))
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    sections = _failure_sections(result)
    assert sorted(sections) == sorted(BROKEN)
    for test, (model, _, needles) in BROKEN.items():
        section = sections[test]
        assert "ModelError" in section, section
        assert f"model {model!r}" in section, section
        assert f"{test!r}" in section, (test, section)
        for needle in needles:
            assert needle in section, (test, needle, section)
    tests = {t["name"]: t for t in json.loads((pytester.path / "out.json").read_text())["tests"]}
    assert sorted(tests) == sorted([*BROKEN, "test_healthy"])
    for test, (model, capability, _) in BROKEN.items():
        assert (tests[test]["model"], tests[test]["capability"], tests[test]["status"]) == (model, capability, "error")
        assert tests[test]["error"] and model in tests[test]["error"]
    assert (tests["test_healthy"]["cases"], tests["test_healthy"]["failures"], tests["test_healthy"]["status"]) == (2, 0, "pass")
    # the summary marks the capabilities holding an erroring test, per model
    status: dict[tuple[str, str], str] = {}
    model = None
    for line in result.outlines:
        if line.startswith("model: "):
            model = line[len("model: "):]
        elif model and re.match(r"(Vocabulary|Robustness)\s+\d", line):
            status[(model, line.split()[0])] = line.split()[-1]
    expected = {(m, c): "ERROR" for m, c, _ in BROKEN.values()}
    expected[("notblind", "Vocabulary")] = "pass"
    assert status == expected, result.outlines


BAD_DECLARATIONS = """
import pytest
import behavetest as bt
from hypothesis import strategies as st

POS = bt.expect.label("positive")


def test_no_capability(behave, models):
    behave.mft(models["notblind"], ["x"], expect=POS, capability="")


def test_rate_above_one(behave, models):
    behave.mft(models["notblind"], ["x"], expect=POS, capability="V", max_fail_rate=1.5)


def test_pairwise_in_mft(behave, models):
    behave.mft(models["notblind"], ["x"], expect=bt.expect.same_label(), capability="V")


def test_label_count(behave, models):
    behave.mft(models["notblind"], ["x", "y"], labels=["positive"], capability="V")


def test_not_a_model(behave, models):
    behave.mft(lambda xs: xs, ["x"], expect=POS, capability="V")


def test_not_a_strategy(behave, models):
    behave.inv(models["notblind"], ["x"], perturb=lambda x: x + "!", capability="V")


def test_nothing_applicable(behave, models):
    behave.inv(models["notblind"], ["no city", "none here"], perturb=bt.perturb.replace({"Chicago": "Denver"}),
               capability="Fairness", max_fail_rate=0.1)


def test_noop(behave, models):
    behave.inv(models["notblind"], ["good", "bad", "fine"], perturb=lambda x: st.just(x), samples=2,
               capability="Robustness", max_fail_rate=0.0)


def test_partly_noop(behave, models):
    behave.inv(models["notblind"], ["same a", "good", "fine"],
               perturb=lambda x: st.just(x) if x.startswith("same") else st.just(x + " bad"),
               capability="Robustness")
"""

DECLARATION_ERRORS = {
    "test_no_capability": "capability",
    "test_rate_above_one": "max_fail_rate must be a number between 0 and 1",
    "test_pairwise_in_mft": "same_label()",
    "test_label_count": "2 inputs but 1 labels",
    "test_not_a_model": "needs a bt.Model",
    "test_not_a_strategy": "Hypothesis strategy",
}


@pytest.mark.parametrize("mode", MODES)
def test_bad_declarations_and_inapplicable_tests(planted_pytester, mode):
    pytester = planted_pytester
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_bad=BAD_DECLARATIONS)
    result = pytester.runpytest(*mode, "--behave", "--behave-json", "out.json", "-p", "no:cacheprovider")
    _assert_no_internal_error(result)
    result.assert_outcomes(passed=1, failed=len(DECLARATION_ERRORS) + 2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    sections = _failure_sections(result)
    for test, needle in DECLARATION_ERRORS.items():
        assert "DeclarationError" in sections[test], sections[test]
        assert needle in sections[test], (test, sections[test])
    for test in ("test_nothing_applicable", "test_noop"):
        assert "BehaviorFailed" in sections[test]
        assert "no applicable cases" in sections[test], sections[test]
    tests = {t["name"]: t for t in json.loads((pytester.path / "out.json").read_text())["tests"]}
    nothing, noop, partly = tests["test_nothing_applicable"], tests["test_noop"], tests["test_partly_noop"]
    assert (nothing["cases"], nothing["not_applicable"], nothing["status"], nothing["fail_rate"]) == (0, 2, "fail", None)
    assert (noop["cases"], noop["not_applicable"], noop["noops"], noop["pairs"], noop["status"]) == (0, 3, 3, 0, "fail")
    # "same a" is left unchanged (not applicable); " bad" flips good and fine: 2 of 2 applicable cases fail
    assert (partly["cases"], partly["failures"], partly["not_applicable"], partly["noops"]) == (2, 2, 1, 1)
    assert (partly["pairs"], partly["pair_failures"], partly["status"]) == (2, 2, "tracked")


@pytest.mark.parametrize("mode", MODES)
def test_unwritable_json_path_fails_the_run(planted_pytester, mode):
    pytester = planted_pytester
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_ok="""
        def test_healthy(behave, models):
            behave.mft(models["notblind"], ["good"], labels=["positive"], capability="V")
    """)
    pytester.path.joinpath("blocker").write_text("a file, not a directory")
    result = pytester.runpytest(*mode, "--behave", "--behave-json", "blocker/out.json")
    _assert_no_internal_error(result)
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*could not write*blocker/out.json*"])
