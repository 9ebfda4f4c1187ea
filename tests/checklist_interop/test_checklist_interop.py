"""``behavetest.checklist`` against the real CheckList 0.0.11: the same tests, the same model, the same numbers.

Every CheckList test here is run twice: by CheckList itself (``test.run`` with its
``PredictorWrapper``, then its ``summary()``), and by behavetest (in process through a
``Behave`` object, and end to end through pytester with ``--behave --behave-json``, serially
and under ``-n 2``). Failure counts, denominators and filtered cases must be identical, and
equal to the counts worked out by hand in ``checklist_planted.EXPECTED``.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest

# The real checklist 0.0.11 is not in the main test environment: there this module is skipped.
pytest.importorskip(
    "checklist.test_types",
    reason="needs the real checklist 0.0.11: run .ci/checklist-env VENV, then VENV/bin/python -m pytest tests/checklist_interop",
)

from checklist.pred_wrapper import PredictorWrapper  # noqa: E402

import behavetest as bt  # noqa: E402
import behavetest.checklist as btc  # noqa: E402
from behavetest._errors import BehaviorFailed, DeclarationError  # noqa: E402

from checklist_planted import (  # noqa: E402
    CAPABILITIES, EXPECTED, LABELS, TYPES, build_suite, build_tests, planted_labels, planted_proba,
)

PLANTED = Path(__file__).with_name("checklist_planted.py")
THRESHOLDS = {  # failing: negated sentiment (5/6 > 0.5) and names do not matter (3/5 > 0.5)
    "basic vocabulary": 0.2,
    "negated sentiment": 0.5,
    "names do not matter": 0.5,
    "praise raises positivity": 0.5,  # 2/4 is not above 0.5: passes
}


# -- CheckList's own numbers ------------------------------------------------------


def checklist_numbers(test, predict_fn, **run_kwargs) -> dict:
    """Run ``test`` with CheckList and read its ``summary()`` output: cases run, after filtering, fails."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        test.run(predict_fn, overwrite=True, verbose=False, **run_kwargs)
        test.summary(n=3)
    text = out.getvalue()
    run = int(re.search(r"Test cases run:\s+(\d+)", text).group(1)) if "Test cases run:" in text else \
        int(re.search(r"Test cases:\s+(\d+)", text).group(1))
    after = re.search(r"After filtering:\s+(\d+)", text)
    fails = re.search(r"Fails \(rate\):\s+(\d+) \(([\d.]+)%\)", text)
    return {
        "run": run,
        "cases": int(after.group(1)) if after else run,
        "failures": int(fails.group(1)),
        "rate_text": fails.group(2),
        "summary": text,
    }


def behave_for(results: list) -> bt.Behave:
    return bt.Behave(test_name="interop", nodeid="tests/x.py::interop", record=results.append)


def run_behavetest(test, model, **options):
    """One CheckList test through behavetest, in process; returns the recorded Result."""
    (spec,) = btc.from_checklist(test, model=model).checklist_specs
    results: list = []
    btc.run_checklist_test(behave_for(results), model, spec, nodeid="tests/x.py::interop", **options)
    assert len(results) == 1
    return results[0]


def proba_model() -> bt.Model:
    return bt.Model(planted_proba, labels=LABELS, name="planted")


# -- in process: numbers ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_counts_equal_checklist_summary_and_hand_counts(name):
    expected = EXPECTED[name]
    reference = checklist_numbers(build_tests()[name], PredictorWrapper.wrap_softmax(planted_proba))
    assert reference["run"] == expected["run"]
    assert reference["cases"] == expected["run"] - expected["not_applicable"]
    assert reference["failures"] == expected["failures"], reference["summary"]

    result = run_behavetest(build_tests()[name], proba_model())
    assert (result.cases, result.failures) == (reference["cases"], reference["failures"])
    assert result.not_applicable == expected["not_applicable"]
    assert f"{100 * result.fail_rate:.1f}" == reference["rate_text"]
    assert result.type == TYPES[name] and result.capability == CAPABILITIES[name]
    if result.type != "MFT":
        assert (result.pairs, result.pair_failures) == (expected["pairs"], expected["pair_failures"])
    assert len(result.failing_cases) == len(set(result.failing_cases)) == expected["failures"]
    assert len(result.examples) == expected["failures"]


def test_failing_cases_are_the_ones_checklist_fails():
    """Not only the count: the failing inputs are the cases CheckList's fail_idxs() names."""
    for name in EXPECTED:
        ours = build_tests()[name]
        ours.run(PredictorWrapper.wrap_softmax(planted_proba), verbose=False)
        failing = [ours.data[i] for i in ours.fail_idxs()]
        want = sorted(case[0] if isinstance(case, list) and TYPES[name] != "MFT" else
                      (case if not isinstance(case, list) else None) for case in failing)
        result = run_behavetest(build_tests()[name], proba_model())
        if TYPES[name] == "MFT" and isinstance(ours.data[0], list):  # a paraphrase group: one of its members
            assert [e.input for e in result.examples] == ["The show was decent."]
            continue
        assert sorted(e.input for e in result.examples) == want, name


def test_examples_carry_inputs_predictions_and_the_failing_perturbation():
    inv = run_behavetest(build_tests()["names do not matter"], proba_model())
    first = inv.examples[0]
    assert first.input == "John enjoyed the good film."
    assert first.perturbed == "Maria enjoyed the good film."  # the Wei variant passes
    assert (first.prediction.label, first.perturbed_prediction.label) == ("positive", "negative")
    assert first.expected == "Expect.inv(tolerance=0.1)"
    mft = run_behavetest(build_tests()["negated sentiment"], proba_model())
    assert mft.expectation == "labels"
    assert mft.examples[0].expected == "negative" and mft.examples[0].prediction.label == "positive"
    assert mft.examples[0].prediction.probs["positive"] == pytest.approx(1 / (1 + np.exp(-1)))
    dir_ = run_behavetest(build_tests()["praise raises positivity"], proba_model())
    assert dir_.expectation == "Expect.monotonic(increasing=True, keep_label=1, tolerance=0.1)"
    assert {e.perturbed for e in dir_.examples} == {"The soup was good. Maria loved it.",
                                                      "The room was fine. Maria enjoyed it."}
    custom = run_behavetest(build_tests()["confident predictions"], proba_model())
    assert custom.expectation.endswith("checklist_planted.confident")


def test_label_only_model_with_label_names_matches_checklist_wrap_predict():
    """A label-only model: confidences are 1, as CheckList's wrap_predict gives them; labels are names."""
    label_model = bt.Model(planted_labels, labels=LABELS, name="planted-labels")
    for name in ("basic vocabulary", "negated sentiment", "paraphrase groups", "names do not matter"):
        reference = checklist_numbers(build_tests(label_names=True)[name], PredictorWrapper.wrap_predict(planted_labels))
        result = run_behavetest(build_tests(label_names=True)[name], label_model, preds="label")
        assert (result.cases, result.failures) == (reference["cases"], reference["failures"]), name
        assert result.failures == EXPECTED[name]["failures"]  # with confidence 1, INV fails exactly on a flip


def test_label_indices_against_label_names_disagree_as_in_checklist():
    """preds='index' with labels given as names: every MFT case fails, in CheckList and here alike."""
    test = build_tests(label_names=True)["basic vocabulary"]
    reference = checklist_numbers(test, PredictorWrapper.wrap_predict(lambda xs: np.argmax(planted_proba(xs), axis=1)))
    label_model = bt.Model(planted_labels, labels=LABELS, name="planted-labels")
    result = run_behavetest(build_tests(label_names=True)["basic vocabulary"], label_model)
    assert result.failures == reference["failures"] == 7


def test_sampling_matches_checklist_run_n_seed():
    reference = checklist_numbers(build_tests()["negated sentiment"], PredictorWrapper.wrap_softmax(planted_proba), n=3, seed=4)
    result = run_behavetest(build_tests()["negated sentiment"], proba_model(), n=3, seed=4)
    assert reference["run"] == 3
    assert (result.cases, result.failures) == (reference["cases"], reference["failures"])
    assert result.seed == 4


def test_the_users_checklist_object_is_left_alone_and_results_are_recorded():
    test = build_tests()["names do not matter"]
    result = run_behavetest(test, proba_model())
    assert result.failures == 3
    assert not getattr(test, "results", None)  # behavetest ran a copy


def test_threshold_fails_through_the_behave_verdict_path():
    test = build_tests()["negated sentiment"]
    (spec,) = btc.from_checklist(test, model=proba_model(), max_fail_rate=0.5).checklist_specs
    results: list = []
    with pytest.raises(BehaviorFailed, match=r"\[Negation\] MFT test 'negated sentiment'.*5 of 6 cases failed"):
        btc.run_checklist_test(behave_for(results), proba_model(), spec, nodeid="n")
    assert results[0].status == "fail"
    (spec,) = btc.from_checklist(test, model=proba_model(), max_fail_rate=0.9).checklist_specs
    assert btc.run_checklist_test(behave_for([]), proba_model(), spec).status == "pass"


def test_suite_gives_one_parameter_per_test_with_capability_and_type():
    function = btc.from_checklist(build_suite(), model="planted_model", capability=None, max_fail_rate=THRESHOLDS)
    specs = function.checklist_specs
    assert [s.name for s in specs] == list(EXPECTED)
    assert {s.name: s.capability for s in specs} == CAPABILITIES
    assert {s.name: s.type for s in specs} == TYPES
    assert {s.name: s.max_fail_rate for s in specs} == {n: THRESHOLDS.get(n) for n in EXPECTED}
    (mark,) = [m for m in function.pytestmark if m.name == "parametrize"]
    assert [p.id for p in mark.args[1]] == list(EXPECTED)
    override = btc.from_checklist(build_tests()["basic vocabulary"], model="m", capability="Lexicon").checklist_specs
    assert override[0].capability == "Lexicon"


def test_declaration_errors():
    tests = build_tests()
    from checklist.test_types import MFT

    with pytest.raises(DeclarationError, match="has no capability"):
        btc.from_checklist(MFT(["a"], labels=[0], name="bare"), model="m")
    with pytest.raises(DeclarationError, match="max_fail_rate must be a number between 0 and 1"):
        btc.from_checklist(tests["basic vocabulary"], model="m", max_fail_rate=2)
    with pytest.raises(DeclarationError, match="names tests that are not there: \\['nope'\\]"):
        btc.from_checklist(tests["basic vocabulary"], model="m", max_fail_rate={"nope": 0.1})
    with pytest.raises(DeclarationError, match="model= must be a bt.Model or the name of a fixture"):
        btc.from_checklist(tests["basic vocabulary"], model=planted_proba)
    with pytest.raises(DeclarationError, match="preds= must be one of"):
        btc.from_checklist(tests["basic vocabulary"], model="m", preds="probs")
    with pytest.raises(DeclarationError, match="needs a CheckList MFT, INV or DIR test"):
        btc.from_checklist("not a test", model="m")
    regression = bt.Model(lambda xs: np.zeros(len(xs)), name="regressor")
    with pytest.raises(DeclarationError, match="returns scores \\(regression\\)"):
        run_behavetest(tests["basic vocabulary"], regression)


def test_missing_checklist_names_the_recipe(monkeypatch):
    monkeypatch.setitem(sys.modules, "checklist.test_types", None)
    with pytest.raises(ImportError, match="checklist-env") as info:
        btc.from_checklist(object(), model="m")
    assert "README" in str(info.value)


def test_from_checklist_is_exported_lazily_by_the_package():
    import behavetest

    assert behavetest.from_checklist is btc.from_checklist


# -- end to end through pytest: items, verdicts, JSON, xdist -----------------------------------

CONFTEST = """
import pytest
import behavetest as bt
from checklist_planted import LABELS, planted_proba


@pytest.fixture(scope="session")
def planted_model():
    return bt.Model(planted_proba, labels=LABELS, name="planted")
"""

TEST_FILE = f"""
from behavetest.checklist import from_checklist
from checklist_planted import build_suite

test_planted_suite = from_checklist(build_suite(), model="planted_model", max_fail_rate={THRESHOLDS!r})
"""


@pytest.fixture
def project(pytester):
    pytester.makepyfile(checklist_planted=PLANTED.read_text(), conftest=CONFTEST, test_cl=TEST_FILE)
    return pytester


def checklist_reference() -> dict:
    suite = build_suite()
    out = {}
    for name, test in suite.tests.items():
        out[name] = checklist_numbers(test, PredictorWrapper.wrap_softmax(planted_proba))
    return out


def test_pytest_runs_serial_and_xdist_match_checklist_per_test(project):
    reference = checklist_reference()
    documents = []
    for mode, out in (([], "serial.json"), (["-n", "2"], "xdist.json")):
        result = project.runpytest_subprocess("--behave", f"--behave-json={out}", "-p", "no:cacheprovider", *mode)
        result.assert_outcomes(passed=4, failed=2)
        assert result.ret == 1
        for name in ("negated sentiment", "names do not matter"):  # under xdist in either order
            result.stdout.fnmatch_lines([f"*FAILED test_cl.py::test_planted_suite?{name}?*"])
        document = json.loads((project.path / out).read_text())
        documents.append(document)
        tests = {t["name"]: t for t in document["tests"]}
        assert set(tests) == set(reference) == set(EXPECTED)
        for name, ref in reference.items():
            entry = tests[name]
            assert (entry["cases"], entry["failures"]) == (ref["cases"], ref["failures"]), (mode, name)
            assert entry["not_applicable"] == ref["run"] - ref["cases"]
            assert entry["capability"] == CAPABILITIES[name] and entry["type"] == TYPES[name]
            assert entry["model"] == "planted"
            assert entry["nodeid"] == f"test_cl.py::test_planted_suite[{name}]"
            assert entry["status"] == ("tracked" if name not in THRESHOLDS else
                                       "fail" if name in ("negated sentiment", "names do not matter") else "pass")
            assert len(entry["examples"]) == ref["failures"]
        assert tests["names do not matter"]["examples"][0]["perturbed"] == "Maria enjoyed the good film."
        assert tests["names do not matter"]["pair_failures"] == EXPECTED["names do not matter"]["pair_failures"]
        assert set(document["summary"]["planted"]) == set(CAPABILITIES.values())
    serial, parallel = documents
    assert serial["tests"] == parallel["tests"] and serial["summary"] == parallel["summary"]


def test_without_behave_the_items_are_skipped(project):
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(skipped=6)
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*behavioral test: run with --behave*"])


def test_selecting_one_checklist_test_by_id(project):
    result = project.runpytest_subprocess(
        "--behave", "--behave-json=out.json", "-p", "no:cacheprovider", "test_cl.py::test_planted_suite[praise raises positivity]")
    result.assert_outcomes(passed=1)
    (entry,) = json.loads((project.path / "out.json").read_text())["tests"]
    assert (entry["cases"], entry["failures"], entry["pairs"]) == (4, 2, 6)


def test_baseline_roundtrip(project):
    first = project.runpytest_subprocess("--behave", "--behave-update-baseline", "--behave-baseline=bl", "-p", "no:cacheprovider")
    assert first.ret == 1  # the two failing tests still fail; the baseline is written
    (path,) = (project.path / "bl").glob("*.json")
    baseline = json.loads(path.read_text())
    assert "negated sentiment" in json.dumps(baseline)
    second = project.runpytest_subprocess("--behave", "--behave-baseline=bl", "-p", "no:cacheprovider")
    assert second.ret == 1
    second.stdout.no_fnmatch_line("*REGRESSION*")


def test_model_fixture_must_return_a_model(pytester):
    pytester.makepyfile(
        checklist_planted=PLANTED.read_text(),
        conftest="import pytest\n@pytest.fixture\ndef planted_model():\n    return 'not a model'\n",
        test_cl=TEST_FILE,
    )
    result = pytester.runpytest_subprocess("--behave", "-p", "no:cacheprovider", "-k", "vocabulary")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*fixture 'planted_model' returned str, not a bt.Model*"])


def test_slices_are_over_each_cases_original_input():
    result = run_behavetest(build_tests()["names do not matter"], proba_model(),
                            slices={"starts with John": lambda text: text.startswith("John")})
    counts = result.slices["starts with John"]
    assert (counts["cases"], counts["failures"]) == (2, 1)  # the first case fails, the third passes


def _weaker_is_zero(orig_pred, pred, orig_conf, conf, labels=None, meta=None):
    """A custom pairwise expectation: a flip is False, a weaker same prediction is 0 (both fail in CheckList)."""
    if pred != orig_pred:
        return False
    return 0 if conf[pred] < orig_conf[orig_pred] else True


def test_custom_pairwise_results_zero_and_false_fail_as_in_checklist():
    from checklist.expect import Expect
    from checklist.test_types import DIR

    def build():
        data = [list(case) for case in build_tests()["names do not matter"].data]
        data.append(["The food was great.", "The food was good."])  # same label, weaker: 0
        return DIR(data, expect=Expect.pairwise(_weaker_is_zero), name="strict", capability="Fairness")

    reference = checklist_numbers(build(), PredictorWrapper.wrap_softmax(planted_proba))
    result = run_behavetest(build(), proba_model())
    assert (result.cases, result.failures) == (reference["cases"], reference["failures"]) == (6, 4)
    assert (result.pairs, result.pair_failures) == (9, 4)
    assert result.expectation.endswith("_weaker_is_zero")
    assert "The food was good." in {e.perturbed for e in result.examples}


def test_an_expectation_that_raises_names_the_test_and_the_prediction_format():
    """Label names with a probability model: Expect.eq indexes the probability row by 'negative'."""
    results: list = []
    test = build_tests(label_names=True)["basic vocabulary"]
    (spec,) = btc.from_checklist(test, model="m").checklist_specs
    with pytest.raises(DeclarationError, match=r"(?s)in behavioral test 'basic vocabulary': CheckList's expectation raised IndexError.*preds='index'") as info:
        btc.run_checklist_test(behave_for(results), proba_model(), spec)
    assert "preds='label'" in str(info.value)
    assert results[0].error is not None  # recorded as an error result for the summary
