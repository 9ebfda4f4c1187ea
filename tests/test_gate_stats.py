"""The regression gate's statistics: exact p-values checked against scipy, and the gate simulated.

The simulations call the library-level comparison (``behavetest._gate.regression.compare``) on
baseline entries built from simulated case outcomes, exactly as the plugin does
with real results. Seeds are fixed, so these tests are deterministic; their
thresholds still carry margins from binomial bounds, so they would hold for other
seeds too.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom, binomtest, fisher_exact

from behavetest._gate.baseline import entries_by_model
from behavetest._gate.regression import (
    ERROR,
    IMPROVED,
    NEW,
    NOT_COMPARABLE,
    NOT_SIGNIFICANT,
    REGRESSED,
    WITHIN_TOLERANCE,
    binom_half_sf,
    compare,
    fisher_regression_p,
    holm,
    hypergeom_sf,
    mcnemar_regression_p,
    regression_lines,
)

ALPHA = 0.05
SIMULATIONS = 2000
IDS = [f"{i:016x}" for i in range(2000)]


# -- p-values against scipy ---------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 5, 17, 60, 301])
def test_binomial_tail_matches_scipy(n):
    for k in range(0, n + 1, max(1, n // 25)):
        want = binomtest(k, n, 0.5, alternative="greater").pvalue
        assert binom_half_sf(k, n) == pytest.approx(want, rel=1e-9, abs=1e-300)


def test_binomial_tail_edges_and_large_n():
    assert binom_half_sf(0, 0) == 1.0  # no discordant cases: no evidence at all
    assert binom_half_sf(1, 0) == 0.0
    for k in (12400, 12500, 12600, 13000):  # n above the exact-integer limit: the log-space path
        assert binom_half_sf(k, 25000) == pytest.approx(binom.sf(k - 1, 25000, 0.5), rel=1e-7)


def test_mcnemar_is_the_one_sided_binomial_on_discordant_cases():
    assert mcnemar_regression_p(7, 0) == pytest.approx(0.5 ** 7)
    assert mcnemar_regression_p(0, 7) == 1.0
    assert mcnemar_regression_p(9, 3) == pytest.approx(binomtest(9, 12, 0.5, alternative="greater").pvalue)


def test_fisher_matches_scipy_on_a_grid_of_tables():
    rng = np.random.default_rng(1)
    tables = [(0, 10, 0, 10), (0, 10, 10, 10), (10, 10, 0, 10), (1, 1, 0, 1), (3, 40, 9, 35), (50, 500, 100, 500)]
    tables += [(int(rng.integers(0, c0 + 1)), int(c0), int(rng.integers(0, c1 + 1)), int(c1))
               for c0, c1 in rng.integers(1, 300, size=(40, 2))]
    for bf, bc, nf, nc in tables:
        want = fisher_exact([[nf, nc - nf], [bf, bc - bf]], alternative="greater").pvalue
        assert fisher_regression_p(bf, bc, nf, nc) == pytest.approx(want, rel=1e-8, abs=1e-300), (bf, bc, nf, nc)


def test_fisher_large_counts_use_the_log_path_and_still_match_scipy():
    bf, bc, nf, nc = 1500, 15000, 1620, 15000
    want = fisher_exact([[nf, nc - nf], [bf, bc - bf]], alternative="greater").pvalue
    assert fisher_regression_p(bf, bc, nf, nc) == pytest.approx(want, rel=1e-6)
    assert hypergeom_sf(0, 10, 3, 4) == 1.0 and hypergeom_sf(4, 10, 3, 4) == 0.0
    with pytest.raises(ValueError):
        fisher_regression_p(5, 4, 0, 4)


def test_holm_adjustment_by_hand():
    # sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, then max(0.06, 0.04*1) = 0.06
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])  # 0.5 * 2 caps at 1; monotone after that
    assert holm([0.01, 0.5]) == pytest.approx([0.02, 0.5])
    assert holm([]) == []


# -- simulated runs -------------------------------------------------------------------


def result(name, failed_mask, *, digest="same", capability="Cap", config="cfg", nodeid="t.py::test", model="m"):
    failed = np.flatnonzero(failed_mask)
    return {
        "name": name, "nodeid": nodeid, "model": model, "capability": capability, "type": "MFT",
        "config": config, "cases": len(failed_mask), "failures": len(failed), "status": "tracked", "error": None,
        "cases_digest": digest, "failing_cases": [IDS[i] for i in failed], "slices": {},
    }


def gate(base_results, new_results, **settings):
    return compare(entries_by_model(base_results, keep_errors=False),
                   entries_by_model(new_results, keep_errors=True), **settings)


def false_alarm_bound(simulations: int, alpha: float) -> int:
    """The largest alarm count still consistent with a true rate of ``alpha`` (one-sided, 0.1% level)."""
    return int(binom.ppf(0.999, simulations, alpha))


@pytest.mark.parametrize("n,p", [(500, 0.1), (60, 0.3)])
def test_paired_gate_false_alarm_rate_at_most_alpha(n, p):
    """An unchanged model whose case outcomes are reseeded (Bernoulli(p) per case and run), same cases."""
    rng = np.random.default_rng(2024 + n)
    alarms = 0
    for _ in range(SIMULATIONS):
        verdict = gate([result("t", rng.random(n) < p)], [result("t", rng.random(n) < p)])
        alarms += bool(verdict["regressions"])
    # With a true rate of 5%, more alarms than the bound happen with probability < 0.1%.
    assert alarms <= false_alarm_bound(SIMULATIONS, ALPHA), alarms
    assert alarms > 0  # the test is not trivially silent: it does raise alarms by chance


@pytest.mark.parametrize("n,p", [(500, 0.1), (60, 0.3)])
def test_unpaired_gate_false_alarm_rate_at_most_alpha(n, p):
    """An unchanged model, resampled cases (different case sets): Fisher's exact test."""
    rng = np.random.default_rng(7 + n)
    alarms = 0
    for i in range(SIMULATIONS):
        base = result("t", rng.random(n) < p, digest=f"a{i}")
        new = result("t", rng.random(n) < p, digest=f"b{i}")
        alarms += bool(gate([base], [new])["regressions"])
    assert alarms <= false_alarm_bound(SIMULATIONS, ALPHA), alarms
    assert alarms > 0


def test_paired_gate_detects_a_planted_10_point_regression():
    rng = np.random.default_rng(5)
    runs, detected = 500, 0
    for _ in range(runs):
        comparison = gate([result("t", rng.random(500) < 0.10)], [result("t", rng.random(500) < 0.20)])
        t = comparison["models"]["m"]["tests"]["t.py::test::t"]
        assert t["test"] == "mcnemar"
        detected += t["verdict"] == REGRESSED
    assert detected / runs >= 0.9


def test_unpaired_gate_detects_a_planted_10_point_regression():
    rng = np.random.default_rng(6)
    runs, detected = 500, 0
    for i in range(runs):
        base = result("t", rng.random(500) < 0.10, digest=f"a{i}")
        new = result("t", rng.random(500) < 0.20, digest=f"b{i}")
        t = gate([base], [new])["models"]["m"]["tests"]["t.py::test::t"]
        assert t["test"] == "fisher"
        detected += t["verdict"] == REGRESSED
    assert detected / runs >= 0.9


def test_holm_keeps_the_suite_false_alarm_rate_at_alpha_where_per_test_alpha_does_not():
    """20 unchanged tests: per-test alpha fails CI far more often than alpha; Holm does not."""
    rng = np.random.default_rng(11)
    runs, tests, n = 400, 20, 100
    alarms = {"holm": 0, "none": 0}
    for _ in range(runs):
        base = [result(f"t{j}", rng.random(n) < 0.2, capability=f"C{j}") for j in range(tests)]
        new = [result(f"t{j}", rng.random(n) < 0.2, capability=f"C{j}") for j in range(tests)]
        for correction in alarms:
            alarms[correction] += bool(gate(base, new, correction=correction)["regressions"])
    assert alarms["holm"] <= false_alarm_bound(runs, ALPHA), alarms
    assert alarms["none"] > 3 * alarms["holm"], alarms


# -- verdicts ---------------------------------------------------------------------------


def mask(n, failing):
    out = np.zeros(n, dtype=bool)
    out[list(failing)] = True
    return out


def test_verdicts_tolerance_and_regression_line():
    base = [result("neg", mask(200, range(20)), capability="Negation")]
    worse = [result("neg", mask(200, range(10, 60)), capability="Negation")]  # 10% -> 25%: 40 regressed, 10 improved
    c = gate(base, worse)
    t = c["models"]["m"]["tests"]["t.py::test::neg"]
    assert (t["verdict"], t["regressed"], t["improved"], t["delta_pp"]) == (REGRESSED, 40, 10, pytest.approx(15.0))
    assert t["regressed_cases"] == IDS[20:60] and t["improved_cases"] == IDS[:10]
    assert t["p_value"] == pytest.approx(binomtest(40, 50, 0.5, alternative="greater").pvalue)
    assert regression_lines(c) == [
        f"behavetest: REGRESSION m / Negation / neg: fail rate 10.0% -> 25.0% (+15.0 pp, McNemar "
        f"p={t['p_value']:.2g}, 40 cases regressed, 10 improved)"
    ]
    assert gate(base, worse, tolerance_pp=15.0)["models"]["m"]["tests"]["t.py::test::neg"]["verdict"] == WITHIN_TOLERANCE
    assert gate(base, worse, tolerance_pp=14.9)["regressions"]
    assert gate(worse, base)["models"]["m"]["tests"]["t.py::test::neg"]["verdict"] == IMPROVED
    assert gate(base, base)["models"]["m"]["tests"]["t.py::test::neg"]["verdict"] == NOT_SIGNIFICANT


def test_not_comparable_new_not_run_error_and_missing_baseline():
    base = [result("a", mask(100, range(5))), result("b", mask(100, range(5))), result("gone", mask(100, []))]
    new = [result("a", mask(100, range(60)), config="other"),  # much worse, but measured differently
           result("b", mask(100, range(60))),
           result("fresh", mask(100, range(60)))]
    new[1]["error"], new[1]["status"] = "ModelError: boom", "error"
    c = gate(base, new)
    tests = c["models"]["m"]["tests"]
    assert tests["t.py::test::a"]["verdict"] == NOT_COMPARABLE and "configuration changed" in tests["t.py::test::a"]["reason"]
    assert tests["t.py::test::b"]["verdict"] == ERROR
    assert tests["t.py::test::fresh"]["verdict"] == NEW
    assert c["models"]["m"]["not_run"] == ["t.py::test::gone"]
    assert c["regressions"] == [] and c["hypotheses"] == 0
    other = gate([], [result("a", mask(10, range(9)), model="x")])
    assert other["models"]["x"]["status"] == "no baseline" and other["regressions"] == []


def test_capability_pools_its_tests():
    """Four tests each a little worse (not significant alone) are significant pooled: a capability regression."""
    # per test 25 cases regressed and 15 improved (one-sided p = 0.077); pooled 100 vs 60 (p = 0.00098)
    base = [result(f"t{j}", mask(400, range(40)), nodeid=f"t.py::test{j}") for j in range(4)]
    new = [result(f"t{j}", mask(400, range(15, 65)), nodeid=f"t.py::test{j}") for j in range(4)]
    c = gate(base, new)
    tests = c["models"]["m"]["tests"]
    assert all(t["verdict"] == NOT_SIGNIFICANT for t in tests.values()), [t["p_adjusted"] for t in tests.values()]
    cap = c["models"]["m"]["capabilities"]["Cap"]
    assert (cap["tests"], cap["regressed"], cap["improved"], cap["verdict"]) == (4, 100, 60, REGRESSED)
    assert cap["p_value"] == pytest.approx(binomtest(100, 160, 0.5, alternative="greater").pvalue)
    assert cap["p_adjusted"] == pytest.approx(5 * cap["p_value"])  # Holm over 4 tests + 1 capability
    assert c["regressions"] == [{"model": "m", "capability": "Cap", "test": None}]
    assert regression_lines(c)[0].startswith("behavetest: REGRESSION m / Cap (all 4 compared tests pooled): "
                                             "fail rate 10.0% -> 12.5% (+2.5 pp, McNemar p=")


def test_an_improvement_shows_the_p_value_of_the_improvement():
    from behavetest._gate.regression import shown_p

    base = np.zeros(100, dtype=bool)
    base[:40] = True
    new = np.zeros(100, dtype=bool)
    new[:5] = True
    entry = gate([result("t", base)], [result("t", new)])["models"]["m"]["tests"]["t.py::test::t"]
    assert entry["verdict"] == "improved"
    assert entry["p_adjusted"] == pytest.approx(1.0)  # the regression hypothesis: nothing there
    assert shown_p(entry) == pytest.approx(binom.sf(34, 35, 0.5))  # 35 improved, 0 regressed: 0.5 ** 35
