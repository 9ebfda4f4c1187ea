"""The ``behavetest`` command line, called as ``main([...])`` (and once as a real subprocess).

Run files are built from real results: ``Behave`` measures small models in-process
and the document is assembled exactly as the plugin assembles ``--behave-json``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import behavetest as bt
from behavetest._gate.baseline import BaselineDir
from behavetest._measure.runner import Behave
from behavetest._report.summary import render, sort_results, summarize
from behavetest.cli import main
from fixtures.models import LABELS, flips_on


def run_document(bad_every: int = 10, *, seed: int = 0, only: str | None = None, model_name: str = "alpha") -> dict:
    """A --behave-json document for a model that fails on every ``bad_every``-th input."""
    model = bt.Model(flips_on(lambda x: int(x.split()[1]) % bad_every == 0), labels=LABELS, name=model_name)
    results = []
    for test, capability, n in (("test_negation", "Negation", 200), ("test_vocab", "Vocabulary", 100)):
        if only and only != test:
            continue
        behave = Behave(test_name=test, nodeid=f"tests/test_s.py::{test}", record=results.append)
        behave._generator.seed = seed
        behave.mft(model, [f"{test} {i}" for i in range(n)], labels=["positive"] * n, capability=capability)
    dicts = sort_results(r.to_dict() for r in results)
    return {"schema_version": 1, "behavetest_version": bt.__version__, "seed": seed,
            "summary": summarize(dicts), "tests": dicts}


def write(path: Path, document) -> str:
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n" if not isinstance(document, str) else document)
    return str(path)


def test_show_prints_the_terminal_table(tmp_path, capsys):
    document = run_document()
    assert main(["show", write(tmp_path / "run.json", document)]) == 0
    out = capsys.readouterr().out
    assert out == render(document["tests"]) + "\n"
    assert "Negation" in out and "10.0%" in out
    assert main(["show", "--details", str(tmp_path / "run.json")]) == 0
    assert capsys.readouterr().out == render(document["tests"], details=True) + "\n"


@pytest.mark.parametrize("content,message", [
    (None, "behavetest: error: *file {path} does not exist"),
    ("{not json", "behavetest: error: *file {path} is not valid JSON (line 1, column 2: *"),
    ("[1, 2]", "behavetest: error: {path} is not a behavetest run file (--behave-json output)*"),
    ('{"schema_version": 2, "tests": []}', "behavetest: error: run file {path} has schema_version 2; *"),
    ('{"schema_version": 1, "tests": [{"model": "m"}]}', "behavetest: error: run file {path} is corrupt: *"),
])
def test_bad_run_files_give_a_clear_error_naming_the_file(tmp_path, capsys, content, message):
    import fnmatch

    path = tmp_path / "run.json"
    if content is not None:
        path.write_text(content)
    for argv in (["show", str(path)], ["diff", str(path), str(path)], ["merge", str(path), "-o", str(tmp_path / "o.json")],
                 ["html", str(path), "-o", str(tmp_path / "r.html")]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert fnmatch.fnmatch(err.strip(), message.format(path=path)), err
        assert "Traceback" not in err
    assert not (tmp_path / "o.json").exists() and not (tmp_path / "r.html").exists()


def test_usage_errors_exit_2(capsys):
    for argv in ([], ["frobnicate"], ["merge", "a.json"], ["diff", "a.json"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        assert "behavetest: error:" in capsys.readouterr().err


def test_diff_exit_codes_against_run_files_and_baselines(tmp_path, capsys):
    base = write(tmp_path / "base.json", run_document(10))
    same = write(tmp_path / "same.json", run_document(10))
    worse = write(tmp_path / "worse.json", run_document(5))  # 10% -> 20%: 20 more failing cases in Negation
    assert main(["diff", base, same]) == 0
    assert "behavetest: no significant regression against the baseline" in capsys.readouterr().out

    assert main(["diff", base, worse, "--json", str(tmp_path / "cmp.json")]) == 1
    out = capsys.readouterr().out
    assert ("behavetest: REGRESSION alpha / Negation / test_negation: fail rate 10.0% -> 20.0% (+10.0 pp, McNemar p="
            in out)
    assert "behavetest: REGRESSION alpha / Vocabulary / test_vocab: fail rate 10.0% -> 20.0%" in out
    comparison = json.loads((tmp_path / "cmp.json").read_text())
    assert len(comparison["regressions"]) == 2
    assert comparison["models"]["alpha"]["tests"]["tests/test_s.py::test_negation::test_negation"]["regressed"] == 20
    # A tolerance of 10 pp accepts a 10 pp rise.
    assert main(["diff", base, worse, "--tolerance", "10"]) == 0
    capsys.readouterr()

    # BASE as a baseline directory and as one baseline file give the same verdict.
    directory = BaselineDir(tmp_path / "bl")
    directory.update(run_document(10)["tests"])
    assert main(["diff", str(tmp_path / "bl"), worse]) == 1
    assert main(["diff", str(tmp_path / "bl" / "alpha.json"), worse]) == 1
    assert main(["diff", str(tmp_path / "bl"), same]) == 0
    capsys.readouterr()

    # A model the baseline does not know: reported, exit 0.
    other = write(tmp_path / "other.json", run_document(2, model_name="gamma"))
    assert main(["diff", str(tmp_path / "bl"), other]) == 0
    assert "behavetest: no baseline for model gamma" in capsys.readouterr().out

    # A different seed leaves an MFT's cases as they were: still compared case by case.
    reseeded = write(tmp_path / "reseeded.json", run_document(5, seed=3))
    assert main(["diff", base, reseeded]) == 1
    assert "REGRESSION alpha / Negation / test_negation" in capsys.readouterr().out
    # A changed declaration (here the expectation, so the config digest) is not comparable, never a regression.
    changed = run_document(5)
    for t in changed["tests"]:
        t["config"] = "0" * 16
    assert main(["diff", base, write(tmp_path / "changed.json", changed)]) == 0
    assert "not comparable: its configuration changed" in capsys.readouterr().out

    assert main(["diff", base, worse, "--alpha", "2"]) == 2
    assert "behavetest: error: the significance level must be" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["diff", str(tmp_path / "empty"), worse]) == 2
    assert "has no *.json baseline files" in capsys.readouterr().err
    corrupt = tmp_path / "bl" / "alpha.json"
    corrupt.write_text('{"format": "behavetest-baseline", "schema_version": 1}')
    assert main(["diff", str(tmp_path / "bl"), worse]) == 2
    assert f"baseline file {corrupt} is corrupt" in capsys.readouterr().err


def test_merge_shards(tmp_path, capsys):
    full = run_document(10)
    a = write(tmp_path / "a.json", run_document(10, only="test_negation"))
    b = write(tmp_path / "b.json", run_document(10, only="test_vocab"))
    out = tmp_path / "all.json"
    assert main(["merge", a, b, a, "-o", str(out)]) == 0  # an identical duplicate is fine
    merged = json.loads(out.read_text())
    assert merged["tests"] == full["tests"]
    assert merged["summary"] == summarize(full["tests"]) == full["summary"]
    assert (merged["seed"], merged["schema_version"]) == (0, 1)
    assert out.read_text() == json.dumps(merged, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    capsys.readouterr()


@pytest.mark.parametrize("change,message", [
    ("conflict", "cannot merge: * and * both have test 'tests/test_s.py::test_negation::test_negation' of model 'alpha' "
                 "with different results"),
    ("seed", "cannot merge * and *: different seed (0 and 1)*"),
    ("schema", "run file * has schema_version 2; *"),
])
def test_merge_refuses_mismatched_shards(tmp_path, capsys, change, message):
    import fnmatch

    a = run_document(10, only="test_negation")
    if change == "conflict":
        b = run_document(5, only="test_negation")
    elif change == "seed":
        b = run_document(10, only="test_vocab")
        b["seed"] = 1
    else:
        b = run_document(10, only="test_vocab")
        b["schema_version"] = 2
    out = tmp_path / "all.json"
    assert main(["merge", write(tmp_path / "a.json", a), write(tmp_path / "b.json", b), "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("behavetest: error: ") and fnmatch.fnmatch(err, "behavetest: error: " + message), err
    assert not out.exists()


def test_html_without_the_renderer_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "behavetest._report.html", None)  # as if the module were absent
    assert main(["html", write(tmp_path / "run.json", run_document()), "-o", str(tmp_path / "r.html")]) == 2
    assert "behavetest: error: the HTML report is not available" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_html_writes_the_rendered_report(tmp_path, capsys):
    html = pytest.importorskip("behavetest._report.html")
    document = run_document()
    assert main(["html", write(tmp_path / "run.json", document), "-o", str(tmp_path / "sub" / "r.html")]) == 0
    assert (tmp_path / "sub" / "r.html").read_text(encoding="utf-8") == html.render_html(document)


def test_console_script(tmp_path):
    pyproject = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    assert 'behavetest = "behavetest.cli:main"' in pyproject.split("[project.scripts]")[1].split("[")[0]
    path = write(tmp_path / "run.json", run_document())
    done = subprocess.run([sys.executable, "-c", "import sys; from behavetest.cli import main; sys.exit(main())",
                           "show", path], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "Negation" in done.stdout, done.stderr
    done = subprocess.run([sys.executable, "-c", "import sys; from behavetest.cli import main; sys.exit(main())",
                           "show", str(tmp_path / "missing.json")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("behavetest: error: run file ")


def _all_commands(path: Path, tmp_path: Path) -> list[list[str]]:
    return [["show", str(path)], ["diff", str(path), str(path)], ["merge", str(path), "-o", str(tmp_path / "o.json")],
            ["html", str(path), "-o", str(tmp_path / "r.html")]]


@pytest.mark.parametrize("content, needle", [
    ("[" * 100_000 + "]" * 100_000, "nests too deeply to be a behavetest file"),
    ('{"schema_version": 1, "tests": ' + "[" * 50_000 + "]" * 50_000 + "}", "nests too deeply"),
])
def test_deeply_nested_files_are_one_line_errors(tmp_path, capsys, content, needle):
    path = tmp_path / "run.json"
    path.write_text(content)
    for argv in _all_commands(path, tmp_path):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert needle in err and "\n" not in err and "Traceback" not in err, err


def test_a_run_file_lacking_optional_fields_is_a_one_line_error(tmp_path, capsys):
    document = run_document()
    for t in document["tests"]:
        del t["status"], t["ci"]
    path = Path(write(tmp_path / "run.json", document))
    for argv in _all_commands(path, tmp_path):
        code = main(argv)
        err = capsys.readouterr().err.strip()
        assert code in (0, 2) and "Traceback" not in err and len(err.splitlines()) <= 1, err
        if code == 2:
            assert err.startswith(f"behavetest: error: {path}")


def test_incomplete_run_files_cannot_gate_or_merge_and_say_so(tmp_path, capsys):
    document = {**run_document(), "complete": False, "incomplete_reason": "interrupted"}
    path = Path(write(tmp_path / "run.json", document))
    for argv in _all_commands(path, tmp_path):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.strip()
        assert "incomplete run (interrupted)" in err and len(err.splitlines()) == 1, err
    assert not (tmp_path / "o.json").exists()
    assert "Incomplete run (interrupted)" in (tmp_path / "r.html").read_text()


def test_a_deeply_nested_baseline_file_is_a_usage_error_not_an_internal_error(tmp_path):
    from behavetest._gate.baseline import BaselineError

    (tmp_path / "m.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(BaselineError, match="nests too deeply"):
        BaselineDir(tmp_path).validate_all()
