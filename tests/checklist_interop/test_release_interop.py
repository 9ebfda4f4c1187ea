"""A suite file in CheckList's released format, loaded without running its code, gives CheckList's own numbers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip(
    "checklist.test_types",
    reason="needs the real checklist 0.0.11: run .ci/checklist-env VENV, then VENV/bin/python -m pytest tests/checklist_interop",
)

from checklist.pred_wrapper import PredictorWrapper  # noqa: E402

from behavetest.checklist_release import load_checklist_suite  # noqa: E402

from checklist_planted import build_tests, planted_proba  # noqa: E402
from test_checklist_interop import checklist_numbers, proba_model, run_behavetest  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "behavetest_fixture_checklist_release", Path(__file__).resolve().parents[2] / "fixtures" / "checklist_release.py")
release = importlib.util.module_from_spec(_spec)  # not registered in sys.modules (see tests/test_examples.py)
_spec.loader.exec_module(release)

# The planted CheckList tests whose expectations the release format can hold, with the Expect call each used.
RECIPES = {
    "basic vocabulary": release.eq(),
    "negated sentiment": release.eq(),
    "names do not matter": release.inv(0.1),
    "praise raises positivity": release.monotonic(1, True, 0.1),
}


@pytest.fixture
def released(tmp_path):
    originals = build_tests()
    tests = []
    for name, expect in RECIPES.items():
        test = originals[name]
        kind = type(test).__name__
        tests.append(release.release_test(kind, name, data=test.data, labels=test.labels, meta=test.meta,
                                          expect=expect, capability=test.capability, description=test.description or ""))
    return load_checklist_suite(release.write_suite(tmp_path / "release.pkl", tests))


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_rebuilt_tests_give_the_numbers_of_the_originals(released, name):
    wrapped = PredictorWrapper.wrap_softmax(planted_proba)
    original = checklist_numbers(build_tests()[name], wrapped)
    rebuilt = checklist_numbers(released.tests[name], wrapped)
    assert {k: rebuilt[k] for k in ("run", "cases", "failures")} == {k: original[k] for k in ("run", "cases", "failures")}
    result = run_behavetest(released.tests[name], proba_model())
    assert (result.cases, result.failures) == (original["cases"], original["failures"])
