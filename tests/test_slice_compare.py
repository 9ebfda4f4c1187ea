"""Per-slice comparison of two versions: planted slice regressions are found, symmetric changes are not."""

from __future__ import annotations

import json

import numpy  # noqa: F401  (imported before any in-process pytester run; see plugin-pitfalls.md)
import numpy as np
import pytest

import behavetest as bt
from behavetest._measure.discover import DEFAULT_Q
from behavetest._measure.features import case_columns
from behavetest._measure.predicates import FieldSlice, parse_conditions
from behavetest.cli import main

from test_discover import credit_rows

QUIET = ["-p", "no:faker", "-p", "no:benchmark"]


def versions(seed: int, *, planted: bool, n: int = 400) -> tuple[dict, dict, np.ndarray, dict]:
    """Two runs of one test: 5% of cases change between them, as often for the better as for the worse;
    with ``planted``, every case with sex=female and age<25 fails in the new version."""
    rng = np.random.default_rng(seed)
    rows = credit_rows(seed, n)
    columns = case_columns(rows)
    before = rng.random(n) < 0.1
    after = before.copy()
    changed, worse = rng.random(n) < 0.05, rng.random(n) < 0.5
    before[changed], after[changed] = ~worse[changed], worse[changed]
    young_women = np.array([r["sex"] == "female" and r["age"] < 25 for r in rows])
    if planted:
        after[young_women] = True
    ids = [f"{seed}-{i}" for i in range(n)]

    def run(failed: np.ndarray, model: str) -> dict:
        return {"model": model, "capability": "Fairness", "nodeid": "test_credit.py::t", "name": "t",
                "case_table": {"ids": ids, "failed": failed.astype(int).tolist(), "columns": columns,
                               "failing_inputs": [str(r) for r, f in zip(rows, failed) if f]}}

    return run(before, "v1"), run(after, "v2"), young_women, columns


def test_a_planted_slice_regression_is_found_and_nothing_else():
    found_it = 0
    for seed in range(100):
        before, after, planted, columns = versions(seed, planted=True)
        found = bt.compare_slices(before, after).findings
        if len(found) == 1:
            mask = FieldSlice(parse_conditions(found[0]["predicate"], "x")).mask(columns, len(planted))
            found_it += bool(mask.any() and not (mask & ~planted).any())
    assert found_it >= 95
    f = found[0]
    assert (f["model_before"], f["model"]) == ("v1", "v2")
    assert f["after_failures"] - f["before_failures"] == f["regressed"] - f["improved"]
    assert f["regressed_examples"] and all("'sex': 'female'" in e for e in f["regressed_examples"])


def test_symmetric_changes_report_a_slice_in_at_most_q_of_runs():
    reported = sum(bool(bt.compare_slices(*versions(1000 + s, planted=False)[:2]).findings) for s in range(200))
    assert reported / 200 <= DEFAULT_Q


def test_baseline_entries_are_compared_by_their_failing_case_identifiers():
    from behavetest._gate.baseline import entry_from_result
    from behavetest._model.keys import set_digest

    before, after, _, _ = versions(3, planted=True)
    entry = {**before, "type": "MFT", "config": "c", "cases": 400, "failures": sum(before["case_table"]["failed"]),
             "cases_digest": set_digest(before["case_table"]["ids"]),
             "failing_cases": [i for i, f in zip(before["case_table"]["ids"], before["case_table"]["failed"]) if f]}
    entry = {**entry_from_result(entry), "model": "v1"}
    assert bt.compare_slices([entry], [after]).findings == bt.compare_slices([before], [after]).findings
    changed = {**entry, "cases_digest": "something else"}
    result = bt.compare_slices([changed], [after])
    assert result.findings == [] and result.skipped == [{"name": "t", "nodeid": "test_credit.py::t",
                                                          "reason": "the versions ran different cases"}]


SUITE = '''
import os
import pytest
import behavetest as bt
from planted_models import ADJECTIVES as ADJ, words_blind

@pytest.fixture(scope="session")
def model():
    broken = ("helpful",) if os.environ["PLANTED_VERSION"] == "2" else ()
    return bt.Model(words_blind(broken), labels=["negative", "positive"], name="planted")


def test_identity(behave, model):
    cases = bt.template("{who} is {a:adj} {nat} person.", who=["Ann", "Bob", "Cem", "Dee"], adj=ADJ,
                        nat=["Kenyan", "Polish", "Mexican", "Indian", "Greek"], label="positive")
    behave.mft(model, cases, capability="Fairness")
'''


@pytest.mark.parametrize("mode", [pytest.param(QUIET, id="serial"), pytest.param([*QUIET, "-n", "2"], id="xdist")])
def test_against_the_baseline_the_regressed_slice_is_named(planted_pytester, monkeypatch, mode, capsys):
    planted_pytester.makepyfile(test_planted=SUITE)
    monkeypatch.setenv("PLANTED_VERSION", "1")
    first = planted_pytester.runpytest(*mode, "--behave", "--behave-discover", "--behave-update-baseline",
                               "--behave-baseline", "base", "--behave-json", "v1.json")
    assert first.ret == 0
    monkeypatch.setenv("PLANTED_VERSION", "2")
    second = planted_pytester.runpytest(*mode, "--behave", "--behave-discover", "--behave-baseline", "base",
                                "--behave-json", "v2.json", "--behave-html", "v2.html", "--behave-md", "v2.md")
    out = second.stdout.str()
    # 4 people x 5 nationalities with "helpful": 20 cases passed before and fail now
    assert ("  [Fairness] test_identity (planted): adj=helpful: 0/20 -> 20/20 failed (0.0% -> 100.0%), "
            "20 regressed, 0 improved, p_adj=") in out, out
    assert "slices that regressed: 1 among" in out
    document = json.loads((planted_pytester.path / "v2.json").read_text())
    [finding] = document["slice_comparison"]["findings"]
    assert finding["predicate"] == [{"field": "adj", "op": "==", "value": "helpful"}]
    assert len(finding["regressed_examples"]) == 3 and finding["improved_examples"] == []
    page = (planted_pytester.path / "v2.html").read_text().split('<section id="slice-regressions">')[1].split("</section>")[0]
    assert "<code>adj=helpful</code>" in page and page.count("<li>regressed: <code>") == 3
    assert "0/20 \u2192 20/20" in page
    markdown = (planted_pytester.path / "v2.md").read_text()
    assert "| Fairness | test\\_identity | adj=helpful | 0/20 \u2192 20/20 | 0.0% \u2192 100.0% | 20 | 0 |" in markdown
    # the same comparison from the two run files
    capsys.readouterr()
    assert main(["slices", "compare", str(planted_pytester.path / "v1.json"), str(planted_pytester.path / "v2.json")]) == 1
    assert "adj=helpful: 0/20 -> 20/20 failed" in capsys.readouterr().out
    assert main(["slices", "compare", str(planted_pytester.path / "v1.json"), str(planted_pytester.path / "v1.json")]) == 0
