"""Reading CheckList's released-suite format without running pickled code (fixtures/checklist_release.py writes it)."""

from __future__ import annotations

import importlib.util
import os
import pickle
from pathlib import Path

import pytest

import behavetest as bt
from behavetest.checklist_release import ChecklistRecipe, read_checklist_suite


def _fixture_module():
    """fixtures/checklist_release.py, loaded without registering it in sys.modules (see tests/test_examples.py)."""
    path = Path(__file__).resolve().parents[1] / "fixtures" / "checklist_release.py"
    spec = importlib.util.spec_from_file_location("behavetest_fixture_checklist_release", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


release = _fixture_module()


class Touch:
    """Unpickled naively, this would run a shell command that creates ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return os.system, (f"touch {self.path}",)


def suite_tests():
    return [
        release.release_test("MFT", "basic vocabulary", data=["good", "bad"], labels=[2, 0], expect=release.eq(),
                             capability="Vocabulary"),
        release.release_test("MFT", "always neutral", data=["a", "b"], expect=release.eq(1), capability="Vocabulary"),
        release.release_test("INV", "typos", data=[["good", "godo"]], expect=release.inv(0.1), capability="Robustness"),
        release.release_test("DIR", "more positive", data=[["ok", "ok!"]], expect=release.monotonic(2, True, 0.05),
                             capability="Vocabulary"),
        release.release_test("DIR", "praise", data=[["ok", "ok, love it"]], expect=release.diff(True, 0.1),
                             capability="Vocabulary"),
        release.release_test("DIR", "complaints", data=[["ok", "ok, hate it"]], expect=release.diff(False, 0.05),
                             capability="Vocabulary"),
        release.release_test("INV", "custom", data=[["a", "b"]], expect=release.custom(), capability="NER"),
    ]


def test_the_fixture_holds_python_37_code_objects_in_dill_closures(tmp_path):
    path = release.write_suite(tmp_path / "suite.pkl", suite_tests())
    data = path.read_bytes()
    assert all(name in data for name in (b"dill._dill", b"_create_code", b"_create_function", b"_create_cell",
                                         b"checklist.test_types", b"checklist.test_suite"))
    (first, *_) = read_checklist_suite(path)
    assert first.attributes["expect"].code.fields == 15  # the 3.7 layout, which 3.8+ cannot build as code


def test_expectations_are_recognised_with_their_parameters(tmp_path):
    read = {t.name: t for t in read_checklist_suite(release.write_suite(tmp_path / "suite.pkl", suite_tests()))}
    assert read["basic vocabulary"].recipe == ChecklistRecipe("eq", {"val": None})
    assert read["always neutral"].recipe == ChecklistRecipe("eq", {"val": 1})
    assert read["typos"].recipe == ChecklistRecipe("inv", {"tolerance": 0.1})
    assert read["more positive"].recipe == ChecklistRecipe("monotonic", {"label": 2, "increasing": True, "tolerance": 0.05})
    assert read["praise"].recipe == ChecklistRecipe("diff_up", {"tolerance": 0.1})
    assert read["complaints"].recipe == ChecklistRecipe("diff_down", {"tolerance": 0.05})
    assert read["typos"].type == "INV" and read["typos"].attributes["data"] == [["good", "godo"]]
    custom = read["custom"]
    assert custom.recipe is None
    assert "Expect.pairwise of function 'changed_pred' (from <ipython-input-7-81bd>)" in custom.refused


def test_nothing_in_the_file_is_run(tmp_path):
    marker = tmp_path / "ran"
    path = release.write_suite(tmp_path / "suite.pkl", suite_tests(), extra=Touch(marker))
    read_checklist_suite(path)
    assert not marker.exists()
    assert b"system" in path.read_bytes()  # the call really is in the file


def test_files_that_are_not_suites_are_refused(tmp_path):
    other = tmp_path / "other.pkl"
    other.write_bytes(pickle.dumps({"tests": 3}))
    with pytest.raises(bt.DeclarationError, match="not a CheckList TestSuite"):
        read_checklist_suite(other)
    other.write_bytes(b"not a pickle")
    with pytest.raises(bt.DeclarationError, match="not a CheckList suite file that can be read safely"):
        read_checklist_suite(other)


def test_loading_needs_checklist_and_refuses_what_it_cannot_rebuild(tmp_path):
    from behavetest.checklist_release import load_checklist_suite

    path = release.write_suite(tmp_path / "suite.pkl", suite_tests())
    try:
        import checklist.expect  # noqa: F401
    except ImportError:
        with pytest.raises(bt.DeclarationError, match="needs CheckList itself"):
            load_checklist_suite(path)
        return
    with pytest.raises(bt.DeclarationError, match=r"1 of 7 tests cannot be rebuilt[\s\S]*custom: its expectation"):
        load_checklist_suite(path)
    suite = load_checklist_suite(path, skip_unrebuildable=True)
    assert list(suite.tests) == [t.name for t in suite_tests()][:-1] and set(suite.behavetest_refused) == {"custom"}
