"""Fault injection through real pytest subprocesses: crashes, interrupts, hostile text, broken machinery.

Each test checks the three things a CI gate must get right: the exit status, what the
reports say (complete or not), and that no baseline is lost or half-written.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

QUIET = ["-p", "no:faker", "-p", "no:benchmark", "-p", "no:cacheprovider"]
MODES = [pytest.param([], id="serial"), pytest.param(["-n", "2"], id="xdist")]
REPORTS = ["--behave-json", "run.json", "--behave-html", "run.html", "--behave-md", "run.md"]

CONFTEST = """
import os, pathlib, time
import pytest
import behavetest as bt


def planted(texts):
    for t in texts:
        if "CRASH" in t:
            os._exit(1)  # the worker process dies inside a model call
        if "SLOW" in t:
            pathlib.Path("started").touch()
            time.sleep(60)
    return [[0.9, 0.1] if "bad" in t else [0.1, 0.9] for t in texts]


@pytest.fixture(scope="session")
def model():
    return bt.Model(planted, labels=["negative", "positive"], name=os.environ.get("MODEL_NAME", "planted").replace("<LONE>", "\\ud800"))
"""

OK_TESTS = """
import pytest
import behavetest as bt


@pytest.mark.parametrize("i", range(4))
def test_ok(behave, model, i):
    behave.mft(model, [f"bad {i}", f"so bad {i}"], expect=bt.expect.label("negative"), capability="Vocabulary",
               max_fail_rate=0.0)
"""


def _run(pytester: pytest.Pytester, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", *QUIET, *args], cwd=pytester.path, capture_output=True,
                          text=True, errors="backslashreplace", timeout=300, env={**os.environ, **(env or {})})


def _json(pytester: pytest.Pytester, name: str = "run.json") -> dict:
    return json.loads((pytester.path / name).read_text(encoding="utf-8"))


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.rglob("*.tmp"))


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_ok=OK_TESTS)
    return pytester


def _baseline(project: pytest.Pytester) -> bytes:
    done = _run(project, "--behave-update-baseline")
    assert done.returncode == 0, done.stdout + done.stderr
    return (project.path / "behave_baselines" / "planted.json").read_bytes()


def test_worker_crash_under_xdist_keeps_the_baseline_and_marks_the_run_incomplete(project):
    before = _baseline(project)
    project.makepyfile(test_crash="""
        import behavetest as bt

        def test_crash(behave, model):
            behave.mft(model, ["CRASH now"], expect=bt.expect.label("negative"), capability="Vocabulary")
    """)
    (project.path / "test_ok.py").write_text(OK_TESTS.replace('f"bad {i}"', 'f"fine {i}"'))  # would change entries
    done = _run(project, "-n", "2", "--behave-update-baseline", *REPORTS)
    out = done.stdout
    assert done.returncode != 0, out
    assert (project.path / "behave_baselines" / "planted.json").read_bytes() == before
    assert "baseline not updated: the run is incomplete (worker crashed while running test_crash.py::test_crash)" in out
    assert "behavetest: INCOMPLETE RUN (worker crashed" in out
    document = _json(project)
    assert document["complete"] is False
    assert "worker crashed while running test_crash.py::test_crash" in document["incomplete_reason"]
    crashed = [t for t in document["tests"] if t["nodeid"] == "test_crash.py::test_crash"]
    assert [t["status"] for t in crashed] == ["error"]
    assert "crashed" in crashed[0]["error"]
    assert "Incomplete run (worker crashed" in (project.path / "run.md").read_text(encoding="utf-8")
    assert "Incomplete run (worker crashed" in (project.path / "run.html").read_text(encoding="utf-8")
    assert _leftovers(project.path) == []


def test_sigint_mid_run_marks_every_report_incomplete_and_writes_no_baseline(project):
    before = _baseline(project)
    project.makepyfile(test_slow="""
        import behavetest as bt

        def test_slow(behave, model):
            behave.mft(model, ["SLOW"], expect=bt.expect.label("negative"), capability="Vocabulary")
    """)
    process = subprocess.Popen([sys.executable, "-m", "pytest", *QUIET, "--behave-update-baseline", *REPORTS],
                               cwd=project.path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (project.path / "started").exists():
            assert process.poll() is None and time.monotonic() < deadline, "the slow test never started"
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 2, out
    assert "behavetest: INCOMPLETE RUN (interrupted)" in out
    assert "baseline not updated: the run is incomplete (interrupted)" in out
    assert (project.path / "behave_baselines" / "planted.json").read_bytes() == before
    document = _json(project)
    assert (document["complete"], document["incomplete_reason"]) == (False, "interrupted")
    assert len(document["tests"]) == 4  # the tests that finished are kept
    markdown = (project.path / "run.md").read_text(encoding="utf-8")
    assert markdown.index("Incomplete run (interrupted)") < markdown.index("behavioral tests")
    assert "Incomplete run (interrupted)" in (project.path / "run.html").read_text(encoding="utf-8")
    assert _leftovers(project.path) == []


@pytest.mark.parametrize("mode", MODES)
def test_stopped_early_by_maxfail_is_incomplete(project, mode):
    project.makepyfile(test_a_fail="""
        import behavetest as bt

        def test_fail(behave, model):
            behave.mft(model, ["fine"], expect=bt.expect.label("negative"), capability="Vocabulary",
                       max_fail_rate=0.0)
    """)
    done = _run(project, *mode, "-x", "--behave-update-baseline", "--behave-json", "run.json")
    assert done.returncode != 0
    document = _json(project)
    assert document["complete"] is False
    assert "stopped early by -x/--maxfail" in document["incomplete_reason"]
    assert not (project.path / "behave_baselines").exists()
    assert "baseline not updated: the run is incomplete (stopped early by -x/--maxfail" in done.stdout


def test_a_complete_run_says_so(project):
    done = _run(project, "--behave", "--behave-json", "run.json")
    assert done.returncode == 0, done.stdout
    document = _json(project)
    assert (document["complete"], document["incomplete_reason"]) == (True, None)
    assert "INCOMPLETE" not in done.stdout


@pytest.mark.parametrize("mode", MODES)
def test_collection_error_is_incomplete(project, mode):
    project.makepyfile(test_broken="import nonexistent_module_for_this_test\n")
    done = _run(project, *mode, "--behave", "--continue-on-collection-errors", "--behave-json", "run.json")
    assert done.returncode != 0
    document = _json(project)
    assert document["complete"] is False
    assert document["incomplete_reason"] == "1 collection error"


SURROGATE_TESTS = """
import behavetest as bt


def test_lone(behave, model):
    behave.mft(model, ["lone \\ud800 surrogate", "bad \\udfff end"], expect=bt.expect.label("negative"),
               capability="Cap \\ud801", name="name \\udc00", max_fail_rate=0.0)


def test_inv(behave, model):
    behave.inv(model, ["good \\ud800", "bad \\ud800"], perturb=bt.perturb.append([" \\udbff"]),
               capability="Robust \\ud802", max_fail_rate=0.0)
"""


@pytest.mark.parametrize("mode", MODES)
def test_lone_surrogates_in_inputs_and_names_with_every_report(pytester, mode):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_lone=SURROGATE_TESTS)
    done = _run(pytester, *mode, "--behave-update-baseline", *REPORTS, env={"MODEL_NAME": "model <LONE>"})
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "INTERNALERROR" not in out
    assert "1 failed, 1 passed" in out
    document = _json(pytester)
    lone = next(t for t in document["tests"] if t["nodeid"].endswith("test_lone"))
    assert (lone["name"], lone["capability"], lone["cases"], lone["failures"]) == \
        ("name \\udc00", "Cap \\ud801", 2, 1)
    assert lone["examples"][0]["input"] == "lone \\ud800 surrogate"
    for name in ("run.html", "run.md"):
        assert "\\ud801" in (pytester.path / name).read_text(encoding="utf-8")
    baselines = list((pytester.path / "behave_baselines").glob("*.json"))
    assert len(baselines) == 1
    entries = json.loads(baselines[0].read_text(encoding="utf-8"))["tests"]
    assert sorted(e["capability"] for e in entries.values()) == ["Cap \\ud801", "Robust \\ud802"]
    assert "'lone \\\\ud800 surrogate'" in out or "lone \\ud800 surrogate" in out


@pytest.mark.parametrize("mode", MODES)
def test_ansi_and_control_characters_never_reach_the_terminal_raw(pytester, mode):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_ansi="""
        import behavetest as bt

        def test_ansi(behave, model):
            behave.mft(model, ["\\x1b]0;title\\x07 \\x1b[2J input", "x" * 5000], expect=bt.expect.label("negative"),
                       capability="\\x1b[31mCap\\u202e", name="\\x1b]8;;http://x\\x1b\\\\link", max_fail_rate=0.0)
    """)
    done = _run(pytester, *mode, "--behave", "--color=no", "-v", env={"MODEL_NAME": "m\x1b[2Jodel"})
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b[31mCap\\u202e" in out
    assert "x" * 5001 not in out and "more characters)" in out


def test_a_report_that_cannot_be_rendered_fails_the_run_with_one_line(project):
    project.makeconftest(CONFTEST + """
import behavetest._report.html as html


def broken(document):
    raise RuntimeError("planted rendering bug")


html.render_html = broken
""")
    done = _run(project, "--behave", *REPORTS)
    assert done.returncode == 1, done.stdout
    assert "behavetest: could not render the HTML report run.html: RuntimeError: planted rendering bug" in done.stdout
    assert (project.path / "run.json").exists() and (project.path / "run.md").exists()
    assert not (project.path / "run.html").exists()


@pytest.mark.parametrize("mode", MODES)
def test_results_that_cannot_be_carried_fail_the_test(project, mode):
    project.makeconftest(CONFTEST + """
from behavetest._measure.result import Result


def broken(self):
    raise ValueError("planted serialisation bug")


Result.to_dict = broken
""")
    done = _run(project, *mode, "--behave")
    assert done.returncode == 1, done.stdout
    assert "could not carry this test's behavioral results: ValueError: planted serialisation bug" in done.stdout
    assert "4 failed" in done.stdout


def test_a_summary_that_cannot_be_rendered_fails_the_run(project):
    project.makeconftest(CONFTEST + """
import behavetest._report.summary as summary


def broken(*args, **kwargs):
    raise KeyError("planted")


summary.render = broken
""")
    done = _run(project, "--behave")
    assert done.returncode == 1, done.stdout
    assert "behavetest: could not render the behavioral summary: KeyError: 'planted'" in done.stdout


def test_two_concurrent_baseline_updates_keep_both_sets_of_entries(project):
    project.makeconftest(CONFTEST + """
import behavetest._gate.baseline as baseline

_write = baseline.write_text_atomic


def slow_write(path, text):  # widen the window between reading the old file and replacing it
    time.sleep(float(os.environ["WRITE_DELAY"]))
    _write(path, text)


baseline.write_text_atomic = slow_write
""")
    project.makepyfile(test_more="""
        import behavetest as bt

        def test_more(behave, model):
            behave.mft(model, ["bad more"], expect=bt.expect.label("negative"), capability="More")
    """)
    command = [sys.executable, "-m", "pytest", *QUIET, "--behave-update-baseline"]
    env = {**os.environ, "WRITE_DELAY": "3"}
    processes = [subprocess.Popen([*command, target], cwd=project.path, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True) for target in ("test_ok.py", "test_more.py")]
    outputs = [p.communicate(timeout=300)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    tests = json.loads((project.path / "behave_baselines" / "planted.json").read_text())["tests"]
    assert sorted(tests) == sorted([f"test_ok.py::test_ok[{i}]::test_ok[{i}]" for i in range(4)]
                                   + ["test_more.py::test_more::test_more"])
    assert _leftovers(project.path) == []


def test_an_update_waiting_too_long_for_the_lock_says_so(tmp_path):
    from behavetest._gate.baseline import BaselineDir, BaselineError

    directory = BaselineDir(tmp_path / "base")
    result = {"nodeid": "t.py::t", "name": "t", "type": "MFT", "capability": "C", "config": "c", "cases": 1,
              "failures": 0, "model": "m", "status": "pass"}
    with directory.lock():
        with pytest.raises(BaselineError, match="stayed locked by another run for 0.2 s"):
            directory.update([result], timeout=0.2)
    assert directory.update([result]) == [directory.path("m")]
