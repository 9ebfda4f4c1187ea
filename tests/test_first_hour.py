"""What a new user meets first: the README's sample, status words, where the summary goes, the gate
across seeds, tabular failure messages, packaging and the warnings of custom perturbations."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy  # noqa: F401  (imported before any in-process pytester run; see plugin-pitfalls.md)
import pytest
from hypothesis import strategies as st

import behavetest as bt
import behavetest._gate.regression  # noqa: F401  (loaded once, before pytester's in-process runs)
import behavetest._measure.runner  # noqa: F401
import behavetest._report.summary  # noqa: F401
from behavetest._cases.generate import Generator
from behavetest._gate.regression import compare, render_comparison
from behavetest._measure.runner import Behave
from behavetest._report.html import render_html
from behavetest._report.markdown import render_markdown
from behavetest._report.summary import capability_status, render
from fixtures.models import LABELS, notblind

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
QUIET = ["-p", "no:cacheprovider", "-p", "no:faker", "-p", "no:benchmark"]


def behave() -> Behave:
    return Behave(test_name="test_x", nodeid="t.py::test_x", record=lambda r: None, generator=Generator(seed=0))


# -- the README's first sample ----------------------------------------------------------

def readme_files() -> dict[str, str]:
    blocks = re.findall(r"```python\n# (conftest\.py|test_sentiment\.py)\n(.*?)```", README, re.S)
    return {name: code for name, code in blocks}


def test_the_readme_sample_defines_every_fixture_it_uses():
    files = readme_files()
    assert sorted(files) == ["conftest.py", "test_sentiment.py"]
    defined = set(re.findall(r"@pytest\.fixture[^\n]*\ndef (\w+)", files["conftest.py"]))
    used = {arg.strip() for args in re.findall(r"^def test_\w+\(([^)]*)\)", files["test_sentiment.py"], re.M)
            for arg in args.split(",")}
    assert used - {"behave"} <= defined, used - defined
    assert '"compound"' in files["conftest.py"] and '"neu"' not in files["conftest.py"]


def test_the_readme_sample_runs_and_calls_negation_negative(pytester):
    pytest.importorskip("vaderSentiment")
    for name, code in readme_files().items():
        pytester.path.joinpath(name).write_text(code, encoding="utf-8")
    result = pytester.runpytest_subprocess(*QUIET, "--behave", "--behave-slices",
                                           "--behave-json", "out.json")
    assert result.ret in (0, 1), result.outlines
    tests = {t["name"]: t for t in json.loads((pytester.path / "out.json").read_text())["tests"]}
    assert sorted(tests) == ["test_negated_positive", "test_praise_raises_positive", "test_typos"]
    assert not any(t["error"] for t in tests.values())
    # With the compound mapping both negated sentences are negative (the neg/neu/pos sketch said neutral).
    assert (tests["test_negated_positive"]["cases"], tests["test_negated_positive"]["failures"]) == (2, 0)
    assert tests["test_typos"]["slices"]["short"]["cases"] == 2
    result.stdout.fnmatch_lines(["*capability x slice*", "*Robustness*short*"])


# -- status words ----------------------------------------------------------------------

@pytest.mark.parametrize("tests, status", [
    ([("pass", 0), ("tracked", 3)], "tracked"),   # failures only in a test no threshold judges
    ([("pass", 2), ("tracked", 0)], "pass"),
    ([("fail", 2), ("tracked", 3)], "fail"),
    ([("error", 0), ("tracked", 3)], "error"),
    ([("tracked", 0)], "tracked"),
    ([], "n/a"),
])
def test_capability_status(tests, status):
    assert capability_status(tests) == status


def document(results: list, comparison: dict | None = None) -> dict:
    from behavetest._report.summary import summarize

    doc = {"schema_version": 1, "behavetest_version": "x", "seed": 0, "summary": summarize(results), "tests": results}
    if comparison is not None:
        doc["baseline"] = comparison
    return doc


def test_a_capability_whose_failures_are_all_tracked_says_tracked_everywhere():
    model = bt.Model(notblind, labels=LABELS, name="m")
    runner = behave()
    judged = runner.mft(model, ["good", "fine"], expect=bt.expect.label("positive"), capability="Cap",
                        max_fail_rate=0.1, name="judged")
    tracked = runner.mft(model, ["bad", "bad one", "ok"], expect=bt.expect.label("positive"), capability="Cap",
                         name="tracked")
    results = [judged.to_dict(), tracked.to_dict()]
    row = next(line for line in render(results).splitlines() if line.startswith("Cap"))
    assert row.split()[-1] == "tracked" and "40.0%" in row
    html = render_html(document(results))
    assert re.search(r'<th scope="row">Cap</th>(<td[^>]*>[^<]*</td>)*<td><span class="badge s-tracked">', html)
    bars = re.findall(r'<rect class="bar"[^>]*fill="(#[0-9a-f]+)"', html)
    assert bars[0] == "#546e7a"  # the capability's bar is grey, not the green of pass
    md = render_markdown(document(results))
    assert re.search(r"\| Cap \|.*\| tracked \|", md)


def entry(failing: list[int], *, kind="MFT", seed=0, config="c", n=20, digest="d") -> dict:
    return {"nodeid": "t.py::t", "name": "t", "type": kind, "capability": "Cap", "config": config, "seed": seed,
            "cases": n, "failures": len(failing), "cases_digest": digest,
            "failing_cases": [f"{i:016x}" for i in failing], "slices": {}}


def test_a_change_that_is_not_significant_says_so_and_the_p_column_says_holm():
    base = {"m": {"a": entry([]), "b": entry([1])}}
    new = {"m": {"a": entry([1]), "b": entry([1])}}
    comparison = compare(base, new)
    assert {t["verdict"] for t in comparison["models"]["m"]["tests"].values()} == {"not significant"}
    text = render_comparison(comparison, "bl")
    assert "unchanged" not in text and "not significant" in text
    assert "p Holm-adjusted over 3 comparisons" in text
    assert re.search(r"cases \+/-\s+p \(Holm\)\s+verdict", text)
    html = render_html(document([], {**comparison, "directory": "bl", "gate": True}))
    assert "p (Holm-adjusted)" in html and "v-not-significant" in html
    single = render_comparison(compare({"m": {"a": entry([])}}, {"m": {"a": entry([1])}}), "bl")
    assert "Holm" not in single and "1 comparison" in single


def test_the_first_baseline_run_says_it_records_one():
    comparison = {**compare({"m": None}, {"m": {"a": entry([1])}}), "gate": False}
    text = render_comparison(comparison, "bl")
    assert "this run records it" in text and "create one" not in text
    assert "0 comparisons" not in text and "nothing to compare yet" in text
    html = render_html(document([], {**comparison, "directory": "bl"}))
    assert "this run records it" in html and "0 comparisons" not in html and "create one" not in html
    assert "this run records it" in render_markdown(document([], comparison))
    gating = render_comparison({**comparison, "gate": True}, "bl")
    assert "create one with --behave-update-baseline" in gating


# -- the gate and the seed -------------------------------------------------------------

def test_the_seed_counts_only_where_it_changes_the_cases():
    # MFT at another seed: the same cases, paired
    mft = compare({"m": {"a": entry([1, 2], seed=0)}}, {"m": {"a": entry([1, 2, 3], seed=1)}})["models"]["m"]["tests"]["a"]
    assert mft["test"] == "mcnemar" and mft["verdict"] == "not significant" and mft["reason"] is None
    # INV at another seed: fresh perturbations of the same originals, unpaired even with equal case digests
    inv = compare({"m": {"a": entry([1, 2], kind="INV", seed=0)}},
                  {"m": {"a": entry(list(range(12)), kind="INV", seed=1)}})["models"]["m"]["tests"]["a"]
    assert inv["test"] == "fisher" and inv["verdict"] == "regressed" and "seed 0 -> 1" in inv["reason"]
    same_seed = compare({"m": {"a": entry([1], kind="INV")}}, {"m": {"a": entry([1], kind="INV")}})
    assert same_seed["models"]["m"]["tests"]["a"]["test"] == "mcnemar"
    # a real change of the declaration stays not comparable
    changed = compare({"m": {"a": entry([1], config="c")}}, {"m": {"a": entry([1], config="other")}})
    assert changed["models"]["m"]["tests"]["a"]["verdict"] == "not comparable"
    old = {k: v for k, v in entry([1], config="c").items() if k != "seed"}
    legacy = compare({"m": {"a": old}}, {"m": {"a": entry([1], config="other")}})["models"]["m"]["tests"]["a"]
    assert legacy["verdict"] == "not comparable" and "record it again" in legacy["reason"]


def test_the_config_digest_leaves_the_seed_out():
    model = bt.Model(lambda xs: [[0.1, 0.9]] * len(xs), labels=["neg", "pos"], name="m")
    runs = []
    for seed in (0, 1):
        runner = Behave(test_name="t", nodeid="t.py::t", record=lambda r: None, generator=Generator(seed=seed))
        runs.append(runner.inv(model, ["a good film", "a bad film"], perturb=bt.perturb.typos(1), capability="C"))
    assert runs[0].seed != runs[1].seed and runs[0].config_digest == runs[1].config_digest
    runner = behave()
    other = runner.inv(model, ["a good film", "a bad film"], perturb=bt.perturb.typos(1), samples=2, capability="C")
    assert other.config_digest != runs[0].config_digest


SEEDED_SUITE = '''
import behavetest as bt
from planted_models import LABELS, flips_on

m = bt.Model(flips_on(lambda x: "bad" in x or x.endswith("0")), labels=LABELS, name="m")

def test_changed_minds(behave):
    behave.mft(m, [f"item {i}" for i in range(30)], labels=["positive"] * 30, capability="Vocabulary")

def test_typos(behave):
    behave.inv(m, ["a bad movie", "a fine film", "truly bad acting", "great fun"], perturb=bt.perturb.typos(),
               samples=2, capability="Robustness")
'''


@pytest.mark.parametrize("mode", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_a_run_at_another_seed_is_compared_not_given_up(planted_pytester, mode):
    pytester = planted_pytester
    pytester.makepyfile(test_seeded=SEEDED_SUITE)
    args = [*QUIET, "--behave", "--behave-baseline", "bl"]
    first = pytester.runpytest(*args, "--behave-update-baseline", "--behave-seed", "0")
    assert first.ret == 0
    first.stdout.fnmatch_lines(["behavetest: no baseline for model m yet: this run records it"])
    assert "0 comparisons" not in first.stdout.str()
    stored = json.loads((pytester.path / "bl" / "m.json").read_text())
    assert {e["seed"] for e in stored["tests"].values()} == {0}
    again = pytester.runpytest(*args, *mode, "--behave-seed", "1", "--behave-json", "out.json")
    assert again.ret == 0, again.outlines
    assert "not comparable" not in again.stdout.str()
    tests = json.loads((pytester.path / "out.json").read_text())["baseline"]["models"]["m"]["tests"]
    by_name = {t["name"]: t for t in tests.values()}
    assert by_name["test_changed_minds"]["test"] == "mcnemar"
    assert by_name["test_changed_minds"]["verdict"] == "not significant"
    assert by_name["test_typos"]["test"] == "fisher" and by_name["test_typos"]["verdict"] == "not significant"


# -- where the summary goes ------------------------------------------------------------

def test_the_behavioral_summary_comes_after_the_short_test_summary(pytester):
    pytester.makepyfile(test_order='''
import behavetest as bt
m = bt.Model(lambda xs: [[0.9, 0.1]] * len(xs), labels=["neg", "pos"], name="m")
def test_fails(behave):
    behave.mft(m, ["a", "b"], expect=bt.expect.label("pos"), capability="C", max_fail_rate=0.1)
''')
    result = pytester.runpytest(*QUIET, "--behave", "-rA")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*short test summary info*", "FAILED test_order.py::test_fails*",
                                 "*behavioral summary*", "model: m", "*C*FAIL*", "*1 failed*"])


# -- tabular failures --------------------------------------------------------------------

def test_a_tabular_failure_shows_the_row_once_and_the_changed_column():
    model = bt.Model(lambda rows: [[0.8, 0.2] if r["sex"] == "female" else [0.2, 0.8] for r in rows],
                     labels=["bad", "good"], name="credit")
    rows = [{"age": numpy.int64(30 + i), "sex": "male", "relationship": "Husband", "amount": 1000 * i}
            for i in range(5)]
    with pytest.raises(bt.BehaviorFailed) as info:
        behave().inv(model, rows, perturb=bt.perturb.swap("sex", ["male", "female"]), capability="Fairness",
                     max_fail_rate=0.0)
    message = str(info.value)
    lines = [line for line in message.splitlines() if "Husband" in line]
    assert lines and all(line.count("Husband") == 1 for line in lines), message
    assert all("sex: 'male' \u2192 'female'" in line for line in lines), message
    assert "np.int64" not in message


def test_details_show_changed_columns():
    e = {"input": {"a": 1, "sex": "male"}, "prediction": {"label": "good"},
         "perturbed": {"a": 1, "sex": "female"}, "perturbed_prediction": {"label": "bad"}}
    from behavetest._report.summary import _example

    text = _example(e)
    assert text.count("'a': 1") == 1 and "sex: 'male' \u2192 'female' -> bad" in text
    assert "'x' -> good  |  'y' -> bad" == _example({"input": "x", "prediction": {"label": "good"}, "perturbed": "y",
                                                       "perturbed_prediction": {"label": "bad"}})


# -- custom perturbations ----------------------------------------------------------------

def test_a_perturbation_that_never_draws_gives_no_hypothesis_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")

        @bt.perturbation
        def exclaim(draw, text):
            return text + "!"

        model = bt.Model(lambda xs: [[0.1, 0.9] if x.endswith("!") else [0.9, 0.1] for x in xs],
                         labels=["neg", "pos"], name="m")
        result = behave().inv(model, ["a", "b"], perturb=exclaim, samples=3, capability="C")
    assert (result.cases, result.failures, result.pairs) == (2, 2, 2)  # one fixed edit: one pair per input


def test_a_perturbation_returning_a_non_text_for_a_text_is_an_error():
    @bt.perturbation
    def count(draw, text):
        return draw(st.integers(0, 3))

    model = bt.Model(lambda xs: [[0.1, 0.9]] * len(xs), labels=["neg", "pos"], name="m")
    with pytest.raises(bt.DeclarationError, match=r"count\(\) turned the text 'a film' into int \d.*a str"):
        behave().inv(model, ["a film"], perturb=count, capability="C")


# -- packaging ---------------------------------------------------------------------------

def test_the_checkout_is_not_importable_from_elsewhere(tmp_path):
    code = ("import importlib.util as u, json; "
            "print(json.dumps({n: u.find_spec(n) is not None for n in ['conftest', 'fixtures', 'tests', 'examples']}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"conftest": False, "fixtures": False, "tests": False, "examples": False}


def test_messages_do_not_point_to_files_a_wheel_lacks():
    for path in (ROOT / "behavetest").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)
                      and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                assert "docs/" not in node.value, f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}"
    for section in re.findall(r"see '([^']+)' in behavetest's README", "\n".join(
            p.read_text(encoding="utf-8") for p in (ROOT / "behavetest").rglob("*.py"))):
        assert re.search(rf"^##+ {re.escape(section)}", README, re.M), section
