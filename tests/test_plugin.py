"""The pytest plugin, end to end, through pytester: every integration test runs serially and under ``-n 2``.

The suites below use small models with planted bugs; every count asserted here was
worked out by hand from the model's code (see the comments next to each suite).
"""

from __future__ import annotations

import importlib
import json
import math
import pkgutil
import re
import shutil

import numpy  # noqa: F401  (imported before any in-process pytester run; see plugin-pitfalls.md)
import pytest
from scipy.stats import binomtest

import behavetest


def _preload_behavetest() -> None:
    """Import every behavetest module before the first in-process pytester run.

    pytester's in-process runs unload the modules a run imported; with the package's
    lazy exports, a later run would then see two different ``Model`` classes (one cached
    in ``behavetest``'s namespace, one freshly imported by ``_runner``).
    """
    for info in pkgutil.walk_packages(behavetest.__path__, "behavetest."):
        try:
            importlib.import_module(info.name)
        except Exception:  # optional extras; not needed by these tests
            pass


_preload_behavetest()

# Unrelated third-party plugins installed here (Faker's is slow to import) are left out of inner runs.
QUIET = ["-p", "no:faker", "-p", "no:benchmark"]
MODES = [pytest.param(QUIET, id="serial"), pytest.param([*QUIET, "-n", "2"], id="xdist")]
SKIP_REASON = "behavioral test: run with --behave"


def wilson_ref(k: int, n: int) -> list[float]:
    """The 95% Wilson interval, computed by scipy (independently of behavetest._measure.stats)."""
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return [float(ci.low), float(ci.high)]


def ci_text(k: int, n: int) -> str:
    low, high = wilson_ref(k, n)
    return f"{low:.1%} - {high:.1%}"


def summary_lines(result) -> list[str]:
    """The lines of the "behavioral summary" section (up to the next ===== separator)."""
    lines = result.outlines
    starts = [i for i, line in enumerate(lines) if re.fullmatch(r"=+ behavioral summary =+", line)]
    assert len(starts) == 1, f"expected exactly one behavioral summary, found {len(starts)}:\n" + "\n".join(lines)
    out = []
    for line in lines[starts[0] + 1 :]:
        if re.fullmatch(r"=+( .* =+)?", line):
            break
        out.append(line)
    return out


def table(lines: list[str], first_header: str) -> list[list[str]]:
    """The rows of the tabulate table whose header starts with ``first_header``, as lists of cells."""
    for i, line in enumerate(lines):
        cells = re.split(r"\s{2,}", line.strip())
        if cells and cells[0] == first_header and set(lines[i + 1].replace(" ", "")) == {"-"}:
            rows = [cells]
            for row in lines[i + 2 :]:
                if not row.strip() or row[0].isspace():
                    break
                rows.append(re.split(r"\s{2,}", row.strip()))
            return rows
    raise AssertionError(f"no table starting with {first_header!r} in:\n" + "\n".join(lines))


def load_json(pytester, name: str = "out.json") -> dict:
    return json.loads((pytester.path / name).read_text(encoding="utf-8"))


def by_name(document: dict) -> dict[str, dict]:
    tests = {t["name"]: t for t in document["tests"]}
    assert len(tests) == len(document["tests"]), "duplicate test names in the JSON"
    return tests


def assert_no_internal_error(result) -> None:
    text = "\n".join(result.outlines + result.errlines)
    assert "INTERNALERROR" not in text, text
    assert result.ret not in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR), text


# --------------------------------------------------------------------------------------
# The planted-bug suite
#
# notblind: negative (0.9) iff the text contains "bad", else positive (0.9). It ignores "not".
#
# test_negation_mft  MFT, expect negative on 5 texts; only "bad, not good" contains "bad":
#                    5 cases, 4 failures (80%) > 10%  -> FAIL
# test_vocab_mft     MFT with labels; "awful" is not "bad" so it is called positive:
#                    4 cases, 1 failure (25%) <= 25%  -> pass (the threshold is not exceeded)
# test_robust_inv    INV, append one of " a"/" b"/" c"/" d", 3 samples: appending never adds
#                    or removes "bad": 4 cases, 12 pairs (3 distinct per input), 0 failures -> pass
# test_negation_dir  DIR, replace "good" by "bad" or "not good" (2 samples = both options),
#                    expect negative: "... bad ..." passes, "... not good ..." fails; "bad day"
#                    has no "good" (not applicable): 2 cases, 2 failures, 4 pairs, 2 pair
#                    failures, 1 not applicable; no threshold -> tracked
# test_ordinary      an ordinary test, never touched by the plugin
# --------------------------------------------------------------------------------------

CONFTEST = """
import pytest
import behavetest as bt
from planted_models import notblind


@pytest.fixture(scope="session")
def sentiment():
    return bt.Model(notblind, labels=["negative", "positive"], name="notblind")
"""

SUITE = """
import behavetest as bt


def test_negation_mft(behave, sentiment):
    behave.mft(sentiment, ["not good", "not great", "not a good film", "not nice", "bad, not good"],
               expect=bt.expect.label("negative"), capability="Negation", max_fail_rate=0.1)


def test_vocab_mft(behave, sentiment):
    behave.mft(sentiment, ["good", "bad", "great", "awful"],
               labels=["positive", "negative", "positive", "negative"],
               capability="Vocabulary", max_fail_rate=0.25)


def test_robust_inv(behave, sentiment):
    behave.inv(sentiment, ["good film", "bad film", "fine day", "bad day"],
               perturb=bt.perturb.append([" a", " b", " c", " d"]), samples=3,
               capability="Robustness", max_fail_rate=0.0)


def test_negation_dir(behave, sentiment):
    behave.dir(sentiment, ["good film", "so good", "bad day"],
               perturb=bt.perturb.replace({"good": ["bad", "not good"]}), samples=2,
               expect=bt.expect.label("negative"), capability="Negation")


def test_ordinary():
    assert 1 + 1 == 2
"""

PROBS_POS = {"negative": 0.1, "positive": 0.9}
PROBS_NEG = {"negative": 0.9, "positive": 0.1}

EXPECTED = {
    "test_negation_mft": dict(type="MFT", capability="Negation", cases=5, failures=4, not_applicable=0,
                              max_fail_rate=0.1, status="fail"),
    "test_vocab_mft": dict(type="MFT", capability="Vocabulary", cases=4, failures=1, not_applicable=0,
                           max_fail_rate=0.25, status="pass"),
    "test_robust_inv": dict(type="INV", capability="Robustness", cases=4, failures=0, not_applicable=0,
                            pairs=12, pair_failures=0, noops=0, samples=3, max_fail_rate=0.0, status="pass"),
    "test_negation_dir": dict(type="DIR", capability="Negation", cases=2, failures=2, not_applicable=1,
                              pairs=4, pair_failures=2, noops=0, samples=2, max_fail_rate=None, status="tracked"),
}

# capability -> (tests, cases, failures, status as printed)
CAPABILITIES = {
    "Negation": (2, 7, 6, "FAIL"),
    "Robustness": (1, 4, 0, "pass"),
    "Vocabulary": (1, 4, 1, "pass"),
}


@pytest.fixture
def suite(planted_pytester):
    pytester = planted_pytester
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_suite=SUITE)
    return pytester


REASONS_CONFTEST = CONFTEST + """

REASONS = []


def pytest_runtest_logreport(report):
    if report.skipped:
        REASONS.append((report.nodeid, report.longrepr[2]))


def pytest_terminal_summary(terminalreporter):
    for nodeid, reason in sorted(REASONS):
        terminalreporter.write_line(f"REASON {nodeid} | {reason}")
"""


@pytest.mark.parametrize("mode", MODES)
def test_skipped_without_behave(suite, mode):
    suite.makeconftest(REASONS_CONFTEST)
    result = suite.runpytest(*mode, "-rs", "--behave-json", "out.json")
    result.assert_outcomes(passed=1, skipped=4)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([f"SKIPPED [[]4[]] *: {SKIP_REASON}"])
    # the reason is exactly the documented one, on every behavioral test
    reasons = sorted(line for line in result.outlines if line.startswith("REASON "))
    assert reasons == sorted(f"REASON test_suite.py::{name} | Skipped: {SKIP_REASON}" for name in EXPECTED)
    assert not any("behavioral summary" in line for line in result.outlines)
    assert not (suite.path / "out.json").exists()


@pytest.mark.parametrize("mode", MODES)
def test_ini_behave_true_runs_them_and_v_adds_details(suite, mode):
    suite.makeini("[pytest]\nbehave = true\nbehave_seed = 7\nbehave_json = out.json\n")
    result = suite.runpytest(*mode, "-v")
    result.assert_outcomes(passed=4, failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    document = load_json(suite)  # written through the ini option behave_json
    assert sorted(by_name(document)) == sorted(EXPECTED)
    assert document["seed"] == 7 and {t["seed"] for t in document["tests"]} == {7}  # ini behave_seed
    _assert_details(summary_lines(result))


@pytest.mark.parametrize("mode", MODES)
def test_mark_behave_opt_in(pytester, mode):
    """@pytest.mark.behave opts a test into the behavioral group without using the fixture."""
    pytester.makepyfile(test_marked="""
        import pytest

        @pytest.mark.behave
        def test_marked():
            pass

        @pytest.mark.behave
        class TestGroup:
            def test_in_class(self):
                pass

        def test_plain():
            pass
    """)
    result = pytester.runpytest(*mode, "-rs")
    result.assert_outcomes(passed=1, skipped=2)
    assert sum(line.endswith(f": {SKIP_REASON}") for line in result.outlines if line.startswith("SKIPPED")) == 2
    result = pytester.runpytest(*mode, "--behave")
    result.assert_outcomes(passed=3)
    assert result.ret == pytest.ExitCode.OK


@pytest.mark.parametrize("mode", MODES)
def test_ordinary_tests_untouched(pytester, mode):
    """Ordinary passing and failing tests behave exactly as without the plugin, with or without --behave."""
    pytester.makepyfile(test_plain="""
        import pytest

        def test_ok():
            pass

        def test_broken():
            assert 2 + 2 == 5

        @pytest.mark.skip(reason="own reason")
        def test_own_skip():
            pass
    """)
    for extra in ([], ["--behave"]):
        result = pytester.runpytest(*mode, "-rs", *extra)
        result.assert_outcomes(passed=1, failed=1, skipped=1)
        assert result.ret == pytest.ExitCode.TESTS_FAILED
        result.stdout.fnmatch_lines(["*assert (2 + 2) == 5*", "SKIPPED [[]1[]] *: own reason"])
        assert SKIP_REASON not in result.stdout.str()
        if extra:
            assert summary_lines(result) == ["no behavioral tests ran"]


@pytest.mark.parametrize("mode", MODES)
def test_planted_bugs_exact_numbers(suite, mode):
    """One run: exact JSON, the summary table, --behave-details rows and the failure message."""
    result = suite.runpytest(*mode, "--behave", "--behave-json", "out.json", "--behave-details")
    assert_no_internal_error(result)
    result.assert_outcomes(passed=4, failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    document = load_json(suite)
    assert document["schema_version"] == 1
    assert document["seed"] == 0
    tests = by_name(document)
    assert sorted(tests) == sorted(EXPECTED), "every behavioral test, passing ones included, is in the JSON"
    for name, want in EXPECTED.items():
        got = tests[name]
        assert got["model"] == "notblind"
        assert got["nodeid"] == f"test_suite.py::{name}"
        assert got["seed"] == 0
        assert got["error"] is None
        for key, value in want.items():
            assert got[key] == value, (name, key, got[key], value)
        assert type(got["cases"]) is int and type(got["failures"]) is int
        assert got["fail_rate"] == pytest.approx(want["failures"] / want["cases"], abs=1e-12)
        assert got["ci"] == pytest.approx(wilson_ref(want["failures"], want["cases"]), abs=1e-9)
        if want["type"] != "MFT":
            assert got["pair_fail_rate"] == pytest.approx(want["pair_failures"] / want["pairs"], abs=1e-12)
            assert got["pair_ci"] == pytest.approx(wilson_ref(want["pair_failures"], want["pairs"]), abs=1e-9)

    mft = tests["test_negation_mft"]
    assert [e["input"] for e in mft["examples"]] == ["not good", "not great", "not a good film", "not nice"]
    for example in mft["examples"]:
        assert example["prediction"]["label"] == "positive"
        assert example["prediction"]["probs"] == pytest.approx(PROBS_POS)
    vocab = tests["test_vocab_mft"]
    assert [(e["input"], e["prediction"]["label"], e["expected"]) for e in vocab["examples"]] == [
        ("awful", "positive", "negative")
    ]
    assert tests["test_robust_inv"]["examples"] == []
    assert tests["test_robust_inv"]["unique_inputs"] == 16  # 4 originals + 12 distinct perturbations
    dir_ = tests["test_negation_dir"]
    assert [(e["input"], e["perturbed"]) for e in dir_["examples"]] == [
        ("good film", "not good film"), ("so good", "so not good")
    ]
    for example in dir_["examples"]:
        assert example["prediction"]["probs"] == pytest.approx(PROBS_POS)
        assert example["perturbed_prediction"]["label"] == "positive"
        assert example["perturbed_prediction"]["probs"] == pytest.approx(PROBS_POS)

    summary = document["summary"]["notblind"]
    assert sorted(summary) == sorted(CAPABILITIES)
    for capability, (n_tests, cases, failures, status) in CAPABILITIES.items():
        s = summary[capability]
        assert (s["tests"], s["cases"], s["failures"], s["status"]) == (n_tests, cases, failures, status.lower())
        assert s["fail_rate"] == pytest.approx(failures / cases, abs=1e-12)
        assert s["ci"] == pytest.approx(wilson_ref(failures, cases), abs=1e-9)

    lines = summary_lines(result)
    assert lines[0] == "model: notblind"
    rows = table(lines, "capability")
    assert rows[0] == ["capability", "tests", "cases", "failed", "fail rate", "95% CI", "status"]
    expected_rows = [
        [cap, str(t), str(c), str(f), f"{f / c:.1%}", ci_text(f, c), status]
        for cap, (t, c, f, status) in CAPABILITIES.items()
    ]
    assert rows[1:] == expected_rows
    result.stdout.fnmatch_lines([
        "*behavioral summary*",
        "model: notblind",
        "capability*tests*cases*failed*fail rate*95% CI*status",
        "Negation * 2 * 7 * 6 * 85.7% * 48.7% - 97.4% * FAIL",
        "Robustness * 1 * 4 * 0 * 0.0% * 0.0% - 49.0% * pass",
        "Vocabulary * 1 * 4 * 1 * 25.0% * 4.6% - 69.9% * pass",
    ])
    _assert_details(lines)
    # the failing test's message names the capability and shows its failing examples with predictions
    result.stdout.fnmatch_lines([
        "*Negation*MFT test 'test_negation_mft' on model 'notblind': 4 of 5 cases failed (80.0%*above max_fail_rate=10.0%*",
        "*'not good' -> positive (0.90)*",
        "*'not nice' -> positive (0.90)*",
    ])


def _assert_details(lines: list[str]) -> None:
    rows = table(lines, "capability")  # the capability table comes first
    assert len(rows) == 4
    details = None
    for i, line in enumerate(lines):
        if line.startswith("capability") and re.split(r"\s{2,}", line.strip())[1] == "test":
            details = table(lines[i:], "capability")
    assert details is not None, "\n".join(lines)
    assert details[0] == ["capability", "test", "type", "cases", "failed", "fail rate", "95% CI", "max", "status"]
    assert details[1:] == [
        ["Negation", "test_negation_dir", "DIR", "2", "2", "100.0%", ci_text(2, 2), "-", "tracked"],
        ["Negation", "test_negation_mft", "MFT", "5", "4", "80.0%", ci_text(4, 5), "10.0%", "FAIL"],
        ["Robustness", "test_robust_inv", "INV", "4", "0", "0.0%", ci_text(0, 4), "0.0%", "pass"],
        ["Vocabulary", "test_vocab_mft", "MFT", "4", "1", "25.0%", ci_text(1, 4), "25.0%", "pass"],
    ]
    text = "\n".join(lines)
    # up to 3 failing examples per test: the MFT has 4 failures, only the first 3 are shown
    assert "'not good' -> positive (0.90)" in text
    assert "'not a good film' -> positive (0.90)" in text
    assert "'not nice'" not in text
    assert "'awful' -> positive (0.90)" in text
    assert "'good film' -> positive (0.90)" in text and "'not good film' -> positive (0.90)" in text
    assert "test_negation_dir: 1 inputs not applicable" in text


@pytest.mark.parametrize("mode", MODES)
def test_exit_code_zero_when_only_passing_or_tracked(suite, mode):
    """The tracked DIR test fails 100% of its cases but has no threshold: it never fails the run."""
    result = suite.runpytest(*mode, "--behave", "-k", "not negation_mft", "--behave-json", "out.json")
    if "-n" in mode:
        result.assert_outcomes(passed=4)  # xdist's controller does not report deselections
    else:
        result.assert_outcomes(passed=4, deselected=1)
    assert result.ret == pytest.ExitCode.OK
    assert not any(line.startswith("capability") and " test " in line for line in summary_lines(result))
    tests = by_name(load_json(suite))
    assert sorted(tests) == ["test_negation_dir", "test_robust_inv", "test_vocab_mft"]
    assert tests["test_negation_dir"]["status"] == "tracked"
    assert tests["test_negation_dir"]["fail_rate"] == 1.0
    rows = table(summary_lines(result), "capability")
    assert rows[1] == ["Negation", "1", "2", "2", "100.0%", ci_text(2, 2), "tracked"]


def test_serial_and_xdist_identical(suite):
    """The JSON document and the summary section are the same, serially and under -n 2."""
    outputs = {}
    for name, mode in (("serial", QUIET), ("xdist", [*QUIET, "-n", "2"])):
        result = suite.runpytest(*mode, "--behave", "--behave-details", "--behave-json", f"{name}.json")
        result.assert_outcomes(passed=4, failed=1)
        outputs[name] = (load_json(suite, f"{name}.json"), summary_lines(result))
        shutil.rmtree(suite.path / ".pytest_cache", ignore_errors=True)  # no replay in the second run
    serial, xdist = outputs["serial"], outputs["xdist"]
    assert serial[0] == xdist[0]
    assert [line for line in serial[1] if "written to" not in line] == [
        line for line in xdist[1] if "written to" not in line
    ]


# --------------------------------------------------------------------------------------
# Determinism: seeds
# --------------------------------------------------------------------------------------

SEED_SUITE = """
import behavetest as bt
import pytest

ORIGINALS = ["the acting was wonderful", "a charming little story", "painfully predictable plot",
             "superb photography throughout", "the dialogue sparkles"]


def exact(texts):
    # a planted bug: anything that is not one of the originals is called negative
    return [[0.1, 0.9] if t in ORIGINALS else [0.9, 0.1] for t in texts]


@pytest.fixture(scope="session")
def brittle():
    return bt.Model(exact, labels=["negative", "positive"], name="brittle")


def test_typos(behave, brittle):
    behave.inv(brittle, ORIGINALS, perturb=bt.perturb.typos(1), samples=2, capability="Robustness")


def test_suffix(behave, brittle):
    behave.inv(brittle, ORIGINALS, perturb=bt.perturb.append([" !", " ?", " ..."]), samples=1,
               capability="Robustness", max_fail_rate=0.5)
"""


def _strip_replay(document: dict) -> dict:
    document = json.loads(json.dumps(document))
    for test in document["tests"]:
        test.pop("replay", None)
    return document


def _perturbed(document: dict) -> list:
    return sorted(e["perturbed"] for t in document["tests"] if t["name"] == "test_typos" for e in t["examples"])


@pytest.mark.parametrize("mode", MODES)
def test_same_seed_same_json_different_seed_different_cases(pytester, mode):
    """Two separate processes with the same seed write byte-identical JSON; another seed draws other typos."""
    pytester.makepyfile(test_seed=SEED_SUITE)

    def run(*args, subprocess=False):
        if subprocess:
            result = pytester.runpytest_subprocess(*mode, "--behave", "--cache-clear", *args)
        else:
            result = pytester.runpytest(*mode, "--behave", "--cache-clear", *args)
        assert_no_internal_error(result)
        # every perturbation fails, so test_suffix (threshold 50%) fails: 5/5 cases
        result.assert_outcomes(passed=1, failed=1)
        assert result.ret == pytest.ExitCode.TESTS_FAILED
        return result

    # a fresh interpreter where Hypothesis picks its "ci" settings profile ...
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CI", "true")
        run("--behave-json", "a.json", subprocess=True)
    # ... and this one, whose Hypothesis has already run other tests
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("CI", raising=False)
        run("--behave-json", "b.json")
    text_a = (pytester.path / "a.json").read_text(encoding="utf-8")
    assert text_a == (pytester.path / "b.json").read_text(encoding="utf-8")
    a = json.loads(text_a)
    tests = by_name(a)
    # every typo changes an original, and the model calls every non-original negative
    assert (tests["test_typos"]["cases"], tests["test_typos"]["failures"]) == (5, 5)
    assert (tests["test_typos"]["pairs"], tests["test_typos"]["pair_failures"]) == (10, 10)
    assert (tests["test_suffix"]["cases"], tests["test_suffix"]["failures"]) == (5, 5)
    assert len(_perturbed(a)) == 5

    run("--behave-json", "c.json", "--behave-seed", "1")
    c = load_json(pytester, "c.json")
    assert c["seed"] == 1 and all(t["seed"] == 1 for t in c["tests"])
    assert _perturbed(c) != _perturbed(a), "a different --behave-seed must draw different typos"
    assert (by_name(c)["test_typos"]["cases"], by_name(c)["test_typos"]["failures"]) == (5, 5)



@pytest.mark.parametrize("mode", MODES)
def test_rerun_with_cache_measures_the_same(pytester, mode):
    """A second run in the same directory (pytest cache kept) measures exactly the same numbers."""
    pytester.makepyfile(test_seed=SEED_SUITE)
    first = pytester.runpytest(*mode, "--behave", "--behave-json", "a.json")
    second = pytester.runpytest(*mode, "--behave", "--behave-json", "b.json")
    for result in (first, second):
        result.assert_outcomes(passed=1, failed=1)
    assert _strip_replay(load_json(pytester, "a.json")) == _strip_replay(load_json(pytester, "b.json"))


# --------------------------------------------------------------------------------------
# Cost: deduplication, batching and the session-wide cache
# --------------------------------------------------------------------------------------

COUNTING_CONFTEST = """
import json, os
import pytest
import behavetest as bt
from planted_models import Counting, notblind

counting = Counting(notblind)


@pytest.fixture(scope="session")
def counted():
    model = bt.Model(counting, labels=["negative", "positive"], name="counted", batch_size={batch_size})
    model.log = counting.batches
    yield model
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with open(f"calls-{{worker}}.json", "w") as f:
        json.dump(counting.batches, f)
"""


def _calls(pytester) -> dict[str, list[list[str]]]:
    return {p.name: json.loads(p.read_text()) for p in sorted(pytester.path.glob("calls-*.json"))}


@pytest.mark.parametrize("mode", MODES)
def test_prediction_cache_shared_across_tests(planted_pytester, mode):
    pytester = planted_pytester
    pytester.makeconftest(COUNTING_CONFTEST.format(batch_size=256))
    pytester.makepyfile(test_cache="""
        import behavetest as bt

        def test_a(behave, counted):
            r = behave.mft(counted, ["x", "y", "z", "x"], expect=bt.expect.label("positive"), capability="C")
            assert (r.cases, r.failures, r.unique_inputs) == (4, 0, 3)

        def test_b(behave, counted):
            r = behave.mft(counted, ["y", "z", "w"], expect=bt.expect.label("positive"), capability="C")
            assert r.cases == 3

        def test_c(behave, counted):
            r = behave.inv(counted, ["x", "w"], perturb=bt.perturb.append(" bad"), capability="C")
            assert (r.cases, r.failures, r.pairs, r.pair_failures) == (2, 2, 2, 2)
    """)
    # --dist loadfile keeps the file on one worker, so the cache is shared under -n 2 as well
    extra = ["--dist", "loadfile"] if "-n" in mode else []
    result = pytester.runpytest(*mode, *extra, "--behave", "--behave-no-shrink", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
    calls = _calls(pytester)
    assert len(calls) == 1, calls
    (batches,) = calls.values()
    # test_a: one call for x, y, z; test_b: only w is new; test_c: only the two perturbations are new
    assert batches == [["x", "y", "z"], ["w"], ["x bad", "w bad"]]


BIG_SUITE = """
import math
import behavetest as bt

N, BATCH = 500, 32


def test_big(behave, counted):
    inputs = [f"review number {{i}}" for i in range(N)]
    r = behave.inv(counted, inputs, perturb=bt.perturb.append([" a", " b", " c", " d"]), samples=3,
                   capability="Robustness", max_fail_rate=0.0)
    CALLS = counted.log
    seen = [x for batch in CALLS for x in batch]
    assert len(seen) == len(set(seen)), "an input was sent to the model twice"
    assert len(seen) == N + 3 * N == r.unique_inputs
    assert len(CALLS) <= math.ceil(len(set(seen)) / BATCH)
    assert all(len(batch) <= BATCH for batch in CALLS)
    assert (r.cases, r.failures, r.pairs, r.pair_failures, r.not_applicable) == (N, 0, 3 * N, 0, 0)
    assert (r.model_calls, r.predicted) == (len(CALLS), len(seen))
"""


@pytest.mark.parametrize("mode", MODES)
def test_call_bound_through_pytest(planted_pytester, mode):
    """Under pytest: N inputs x 3 samples call the model at most ceil(unique inputs / batch_size) times."""
    pytester = planted_pytester
    pytester.makeconftest(COUNTING_CONFTEST.format(batch_size=32))
    pytester.makepyfile(test_big=BIG_SUITE.format())
    result = pytester.runpytest(*mode, "--behave", "--behave-json", "out.json")
    result.assert_outcomes(passed=1)
    (batches,) = _calls(pytester).values()
    assert len(batches) == math.ceil(2000 / 32) == 63
    (big,) = load_json(pytester)["tests"]
    assert (big["cases"], big["failures"], big["pairs"], big["unique_inputs"]) == (500, 0, 1500, 2000)


# --------------------------------------------------------------------------------------
# xdist wire types
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_numpy_inputs_and_outputs_travel_as_builtins(pytester, mode):
    """numpy inputs, numpy scalar labels and float32 outputs must reach the controller as builtins."""
    pytester.makepyfile(test_tabular="""
        import numpy as np
        import pytest
        import behavetest as bt

        def credit(rows):
            # planted bug: rejects everyone younger than 30, whatever their income
            return np.array([[0.8, 0.2] if r["age"] < 30 else [0.2, 0.8] for r in rows], dtype=np.float32)

        @pytest.fixture(scope="session")
        def model():
            return bt.Model(credit, labels=[np.str_("reject"), np.str_("accept")], name="credit")

        ROWS = [{"age": np.int64(a), "income": np.float64(i)} for a, i in [(25, 9.5), (45, 9.5), (28, 1.0), (60, 1.0)]]

        def test_rich_accepted(behave, model):
            # only the first row fails: 25 years old with a high income is rejected (1 of 4 > 20%)
            behave.mft(model, ROWS, labels=["accept", "accept", "reject", "accept"], capability="Fairness",
                       max_fail_rate=0.2)

        def test_arrays(behave, model):
            rows = [np.array([1.0, 2.0]), np.array([3.0, 4.0])]
            m = bt.Model(lambda xs: np.array([0.5, 1.5]) * len(xs) / len(xs), name="scores")
            behave.mft(m, rows, expect=bt.expect.score(ge=1.0), capability="Range")
    """)
    result = pytester.runpytest(*mode, "--behave", "--behave-json", "out.json", "--behave-details")
    assert_no_internal_error(result)
    result.assert_outcomes(passed=1, failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    tests = by_name(load_json(pytester))
    fair = tests["test_rich_accepted"]
    assert (fair["cases"], fair["failures"], fair["status"]) == (4, 1, "fail")
    assert fair["examples"][0]["input"] == {"age": 25, "income": 9.5}
    assert fair["examples"][0]["prediction"]["label"] == "reject"
    assert fair["examples"][0]["prediction"]["probs"] == pytest.approx({"reject": 0.8, "accept": 0.2})
    scores = tests["test_arrays"]
    assert (scores["cases"], scores["failures"], scores["status"]) == (2, 1, "tracked")
    assert scores["examples"][0]["input"] == [1.0, 2.0]
    assert scores["examples"][0]["prediction"]["score"] == 0.5


def test_dist_each_refused(suite):
    result = suite.runpytest(*QUIET, "-n", "2", "--dist", "each", "--behave")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--dist each*"])


@pytest.mark.parametrize("mode", MODES)
def test_bad_seed_option_is_a_usage_error(suite, mode):
    suite.makeini("[pytest]\nbehave_seed = abc\n")
    result = suite.runpytest(*mode, "--behave")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*behave_seed must be an integer*"])
