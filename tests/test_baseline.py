"""Baselines and the regression gate end to end through pytester, serially and under ``-n 2``.

The suite's models read their planted bugs from ``planted.json`` (rewriting a data
file between runs is safe; rewriting the test module could reuse a stale .pyc):

* model ``alpha``: 200 inputs ``item {i}`` all labelled "pos"; it says "neg" for
  ``i % 10`` in ``planted["alpha_bad"]`` (default {0}: 20 failing cases, 10%).
  Two tests: ``test_negation`` (capability Negation) and ``test_vocab``
  (capability Vocabulary, 100 inputs ``word {i}``, fails on ``i % 4 == 0``: 25).
* model ``beta v2`` (a name that needs sanitising): one MFT over 50 inputs, fails on
  ``i % 5 == 0`` (10 cases), and an INV test whose ``samples`` comes from the file.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import numpy  # noqa: F401  (imported before any in-process pytester run; see plugin-pitfalls.md)
import pytest
from scipy.stats import binomtest

import behavetest  # noqa: F401
# Loaded once here: pytester's in-process runs unload the modules a run imports, and a
# second run would otherwise get a second Model class (see plugin-pitfalls.md).
import behavetest._measure.check  # noqa: F401
import behavetest._gate.regression  # noqa: F401
import behavetest._measure.runner  # noqa: F401
import behavetest._report.summary  # noqa: F401
import behavetest.perturb  # noqa: F401
from behavetest._gate.baseline import baseline_filename
from behavetest._model.keys import cache_key, case_ids

MODES = [pytest.param([], id="serial"), pytest.param(["-n", "2"], id="xdist")]

SUITE = '''
import json, pathlib
import behavetest as bt
from planted_models import flips_on

PLANTED = json.loads((pathlib.Path(__file__).parent / "planted.json").read_text())

def alpha_fn(texts):
    out = []
    for t in texts:
        i = int(t.split()[1])
        bad = (i % 10 in PLANTED["alpha_bad"]) if t.startswith("item") else (i % 4 == 0)
        out.append([0.9, 0.1] if bad else [0.1, 0.9])
    return out

beta_fn = flips_on(lambda t: "bad" in t or t.endswith("0") or t.endswith("5"))

alpha = bt.Model(alpha_fn, labels=["neg", "pos"], name="alpha")
beta = bt.Model(beta_fn, labels=["neg", "pos"], name="beta v2")

def test_negation(behave):
    behave.mft(alpha, [f"item {i}" for i in range(200)], labels=["pos"] * 200, capability="Negation")

def test_vocab(behave):
    behave.mft(alpha, [f"word {i}" for i in range(100)], labels=["pos"] * 100, capability="Vocabulary")

def test_beta(behave):
    behave.mft(beta, [f"thing {i}" for i in range(50)], labels=["pos"] * 50, capability="Vocabulary")

def test_beta_typos(behave):
    behave.inv(beta, ["a bad movie", "a fine film", "truly bad acting", "great fun"],
               perturb=bt.perturb.typos(), samples=PLANTED["beta_samples"], capability="Robustness")
'''

KEYS = {"format", "model", "schema_version", "tests"}
ENTRY_KEYS = {"capability", "cases", "cases_digest", "config", "failing_cases", "failures", "name", "nodeid",
              "seed", "slices", "type"}


@pytest.fixture
def suite(planted_pytester):
    pytester = planted_pytester
    pytester.makepyfile(test_suite=SUITE)
    plant(pytester)
    return pytester


def plant(pytester, alpha_bad=(0,), beta_samples=1):
    (pytester.path / "planted.json").write_text(json.dumps({"alpha_bad": list(alpha_bad), "beta_samples": beta_samples}))


def run(pytester, *args):
    result = pytester.runpytest("-p", "no:cacheprovider", "--behave", *args)
    text = "\n".join(result.outlines + result.errlines)
    assert "INTERNALERROR" not in text and "Traceback" not in text, text
    return result


def files(pytester, directory="bl") -> dict[str, bytes]:
    d = pytester.path / directory
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())} if d.exists() else {}


def alpha_ids(failing_mod):
    keys = [cache_key(f"item {i}") for i in range(200)]
    ids = case_ids("test_suite.py::test_negation::test_negation", keys, ["pos"] * 200)
    return sorted(ids[i] for i in range(200) if i % 10 in failing_mod)


@pytest.mark.parametrize("mode", MODES)
def test_baseline_workflow(suite, mode):
    pytester = suite
    # 1. no baseline yet: reported as missing, exit 0
    result = run(pytester, *mode, "--behave-baseline", "bl", "--behave-json", "out.json")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["behavetest: no baseline for model alpha: nothing to compare*",
                                 "behavetest: no baseline for model beta v2: nothing to compare*"])
    assert json.loads((pytester.path / "out.json").read_text())["baseline"]["models"]["alpha"]["status"] == "no baseline"

    # 2. update: one reviewable file per model
    result = run(pytester, *mode, "--behave-update-baseline", "--behave-baseline", "bl")
    assert result.ret == 0
    written = files(pytester)
    assert sorted(written) == sorted(["alpha.json", baseline_filename("beta v2")])
    assert baseline_filename("beta v2").startswith("beta_v2-")
    text = written["alpha.json"].decode()
    doc = json.loads(text)
    assert text == json.dumps(doc, indent=2, sort_keys=True) + "\n"
    assert set(doc) == KEYS and doc["schema_version"] == 1 and doc["model"] == "alpha"
    assert sorted(doc["tests"]) == ["test_suite.py::test_negation::test_negation", "test_suite.py::test_vocab::test_vocab"]
    neg = doc["tests"]["test_suite.py::test_negation::test_negation"]
    assert set(neg) == ENTRY_KEYS
    assert (neg["type"], neg["capability"], neg["cases"], neg["failures"]) == ("MFT", "Negation", 200, 20)
    assert neg["failing_cases"] == alpha_ids({0})  # the identifiers of exactly the planted failures
    assert doc["tests"]["test_suite.py::test_vocab::test_vocab"]["failures"] == 25
    beta = json.loads(written[baseline_filename("beta v2")])
    assert beta["model"] == "beta v2" and beta["tests"]["test_suite.py::test_beta::test_beta"]["failures"] == 10
    assert beta["tests"]["test_suite.py::test_beta_typos::test_beta_typos"]["type"] == "INV"
    result.stdout.fnmatch_lines(["behavetest: baseline written: *alpha.json"])
    if mode:  # the -n 2 update wrote exactly the bytes a serial update writes
        assert run(pytester, "--behave-update-baseline", "--behave-baseline", "serial").ret == 0
        assert files(pytester, "serial") == written

    # 3. rerun: no change, exit 0, files untouched
    result = run(pytester, *mode, "--behave-baseline", "bl", "--behave-json", "out.json")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["baseline comparison against bl *", "behavetest: no significant regression against the baseline"])
    comparison = json.loads((pytester.path / "out.json").read_text())["baseline"]
    verdicts = {k: t["verdict"] for m in comparison["models"].values() for k, t in m["tests"].items()}
    assert set(verdicts.values()) == {"not significant"} and len(verdicts) == 4
    assert files(pytester) == written

    # 4. a worse model: 20 more failing cases in Negation -> exit 1 and a regression line
    plant(pytester, alpha_bad=(0, 1, 2))
    result = run(pytester, *mode, "--behave-baseline", "bl", "--behave-json", "out.json")
    assert result.ret == 1
    result.stdout.fnmatch_lines([
        "behavetest: REGRESSION alpha / Negation / test_negation: fail rate 10.0% -> 30.0% "
        "(+20.0 pp, McNemar p=*, Holm-adjusted *, 40 cases regressed, 0 improved)",
        "behavetest: 1 significant regression(s) against the baseline",
        "behavetest: failing the session (exit code 1)*",
    ])
    result.assert_outcomes(passed=4)  # every pytest test passed: the gate alone fails the run
    comparison = json.loads((pytester.path / "out.json").read_text())["baseline"]
    neg = comparison["models"]["alpha"]["tests"]["test_suite.py::test_negation::test_negation"]
    assert neg["regressed_cases"] == sorted(set(alpha_ids({0, 1, 2})) - set(alpha_ids({0})))
    assert neg["improved_cases"] == [] and neg["p_value"] == pytest.approx(0.5 ** 40)
    assert comparison["regressions"] == [{"model": "alpha", "capability": "Negation",
                                          "test": "test_suite.py::test_negation::test_negation"}]
    if not mode:  # a tolerance above the rise lets it through
        assert run(pytester, "--behave-baseline", "bl", "--behave-regression-tolerance", "20").ret == 0

    # 5. a -k subset update: only test_negation's entry changes, every other entry is kept
    result = run(pytester, *mode, "--behave-update-baseline", "--behave-baseline", "bl", "-k", "negation")
    assert result.ret == 0
    after = files(pytester)
    assert after[baseline_filename("beta v2")] == written[baseline_filename("beta v2")]
    old, new = json.loads(written["alpha.json"]), json.loads(after["alpha.json"])
    assert new["tests"]["test_suite.py::test_vocab::test_vocab"] == old["tests"]["test_suite.py::test_vocab::test_vocab"]
    assert new["tests"]["test_suite.py::test_negation::test_negation"]["failures"] == 60
    # a partial comparison reports the other tests as not run, not as regressions
    result = run(pytester, "--behave-baseline", "bl", "-k", "negation", "--behave-json", "out.json")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["behavetest: alpha: 1 baseline test(s) not run in this session*"])
    models = json.loads((pytester.path / "out.json").read_text())["baseline"]["models"]
    assert models["alpha"]["not_run"] == ["test_suite.py::test_vocab::test_vocab"]

    # 6. a changed configuration (samples 1 -> 3): "not comparable", never a regression
    plant(pytester, alpha_bad=(0, 1, 2), beta_samples=3)
    result = run(pytester, *mode, "--behave-baseline", "bl", "--behave-json", "out.json")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["behavetest: beta v2 / Robustness / test_beta_typos: not comparable: "
                                 "its configuration changed*"])
    models = json.loads((pytester.path / "out.json").read_text())["baseline"]["models"]
    assert models["beta v2"]["tests"]["test_suite.py::test_beta_typos::test_beta_typos"]["verdict"] == "not comparable"
    assert not [p for p in (pytester.path / "bl").iterdir() if p.name.startswith(".")]  # no temporary files left


def test_ini_baseline_dir_compares_and_updates(suite):
    pytester = suite
    pytester.makeini("[pytest]\nbehave_baseline_dir = baselines/ci\nbehave_regression_alpha = 0.01\n")
    assert run(pytester, "--behave-update-baseline").ret == 0
    assert (pytester.path / "baselines" / "ci" / "alpha.json").exists()
    plant(pytester, alpha_bad=(0, 1))
    result = run(pytester)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["baseline comparison against *ci (alpha 0.01, *",
                                 "behavetest: REGRESSION alpha / Negation / test_negation: fail rate 10.0% -> 20.0% *"])
    # updating accepts the regression: reported, not failing, and the new counts are written
    result = run(pytester, "--behave-update-baseline")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["behavetest: REGRESSION alpha / Negation / test_negation: *",
                                 "behavetest: not failing: --behave-update-baseline accepts these results*"])
    assert run(pytester).ret == 0


@pytest.mark.parametrize("content,message", [
    ("{", "*baseline file *alpha.json is not valid JSON (line 1*"),
    ('{"format": "behavetest-baseline", "schema_version": 99, "model": "alpha", "tests": {}}',
     "*baseline file *alpha.json has schema_version 99, but this behavetest reads version 1; regenerate it with*"),
    ('{"format": "behavetest-baseline", "schema_version": 1, "model": "alpha", "tests": {"x": {"cases": "3"}}}',
     "*baseline file *alpha.json is corrupt or not a behavetest baseline: test 'x' *--behave-update-baseline*"),
])
def test_corrupt_baseline_is_a_clear_usage_error(suite, content, message):
    pytester = suite
    (pytester.path / "bl").mkdir()
    (pytester.path / "bl" / "alpha.json").write_text(content)
    for extra in ([], ["--behave-update-baseline"]):
        result = run(pytester, "--behave-baseline", "bl", *extra)
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        result.stderr.fnmatch_lines([message])
    assert (pytester.path / "bl" / "alpha.json").read_text() == content  # never overwritten


@pytest.mark.parametrize("args,message", [
    (["--behave-regression-tolerance", "abc"], "*--behave-regression-tolerance must be a number, not 'abc'*"),
    (["--behave-regression-tolerance", "-1"], "*--behave-regression-tolerance must be [[]0, 100], not '-1'*"),
    (["--behave-regression-alpha", "1"], "*--behave-regression-alpha must be strictly between 0 and 1, not '1'*"),
])
def test_bad_gate_options(suite, args, message):
    result = run(suite, "--behave-baseline", "bl", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


@pytest.mark.parametrize("mode", MODES)
def test_junit_properties(suite, mode):
    pytester = suite
    pytester.makepyfile(test_two='''
import behavetest as bt
m = bt.Model(lambda xs: [[0.9, 0.1] if x.endswith("0") else [0.1, 0.9] for x in xs], labels=["neg", "pos"], name="m")

def test_two_results(behave):
    behave.mft(m, [f"a {i}" for i in range(10)], labels=["pos"] * 10, capability="A", name="first")
    behave.mft(m, [f"b {i}" for i in range(30)], labels=["pos"] * 30, capability="B", name="second")
''')
    result = run(pytester, *mode, "--junitxml", "junit.xml")
    assert result.ret == 0
    assert "record_property" not in result.stdout.str()  # no xunit2 warning
    cases = {tc.get("name"): {p.get("name"): p.get("value") for p in tc.iter("property")}
             for tc in ET.parse(pytester.path / "junit.xml").getroot().iter("testcase")}
    def ci(k, n):
        c = binomtest(k, n).proportion_ci(method="wilson")
        return float(c.low), float(c.high)

    neg = cases["test_negation"]
    assert (neg["behave_cases"], neg["behave_failures"]) == ("200", "20")
    assert float(neg["behave_fail_rate"]) == pytest.approx(0.1)
    assert (float(neg["behave_ci_low"]), float(neg["behave_ci_high"])) == pytest.approx(ci(20, 200), rel=1e-5)
    assert cases["test_vocab"]["behave_failures"] == "25"
    two = cases["test_two_results"]
    assert (two["behave_cases"], two["behave_failures"]) == ("40", "4")  # pooled ("a 0"; "b 0", "b 10", "b 20")
    assert (two["behave_cases[first]"], two["behave_failures[first]"]) == ("10", "1")
    assert (two["behave_cases[second]"], two["behave_failures[second]"]) == ("30", "3")
    assert float(two["behave_fail_rate[second]"]) == pytest.approx(0.1)
