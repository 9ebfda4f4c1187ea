"""The regression gate: exact significance tests for a change in failure rate, and the comparison itself.

Two runs of one test are compared in one of two ways:

* **paired** (both runs saw exactly the same cases, equal ``cases_digest``): the
  exact McNemar test. Only the discordant cases carry information: ``b`` cases
  that passed before and fail now (regressed), ``c`` that failed before and pass
  now (improved). Under "no change" each discordant case is a fair coin, so the
  one-sided p-value for a regression is ``P(X >= b)`` with ``X ~ Binomial(b + c, 1/2)``.
* **unpaired** (the case sets differ, e.g. a template or the inputs changed, or an
  INV/DIR test ran with another seed, so its perturbations are fresh draws from the
  same perturbation): Fisher's exact test on the 2x2 table (failures and passes, before and now),
  one-sided, ``P(X >= f_new)`` with ``X`` hypergeometric given the margins. It is
  exact for every count (no normal approximation at small n) and conservative, so
  the false-alarm rate stays at or below the nominal level.

Multiple comparisons: every test and every capability compared in a run is one
hypothesis ("it regressed"); the p-values are adjusted with Holm's step-down
method across all of them (``correction="holm"``, the default), which keeps the
probability of failing CI on an unchanged model at or below ``alpha`` however many
tests a suite has. ``correction="none"`` applies ``alpha`` to each test separately.

A *regression* is a hypothesis whose (adjusted) p-value is at most ``alpha`` and
whose failure rate rose by more than ``tolerance_pp`` percentage points. Everything
here uses the standard library only.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any, Mapping

DEFAULT_ALPHA = 0.05
DEFAULT_TOLERANCE_PP = 0.0
CORRECTIONS = ("holm", "none")
_EXACT_LIMIT = 20000  # above this many trials, tails are summed in floating point from log terms

# Verdicts of one test (and of one capability).
REGRESSED = "regressed"
IMPROVED = "improved"
NOT_SIGNIFICANT = "not significant"
WITHIN_TOLERANCE = "within tolerance"
NOT_COMPARABLE = "not comparable"
NOT_RUN = "not run"
NEW = "new"
ERROR = "error"


# -- exact tests -------------------------------------------------------------------


def binom_half_sf(k: int, n: int) -> float:
    """``P(X >= k)`` for ``X ~ Binomial(n, 1/2)``, exact (integer arithmetic) up to large ``n``."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if n <= _EXACT_LIMIT:
        term, total = math.comb(n, k), 0
        for i in range(k, n + 1):
            total += term
            term = term * (n - i) // (i + 1)
        return min(1.0, total / (1 << n))
    logs = [_log_comb(n, i) - n * math.log(2) for i in range(k, n + 1)]
    return min(1.0, math.exp(_logsumexp(logs)))


def mcnemar_regression_p(regressed: int, improved: int) -> float:
    """One-sided exact McNemar p-value for "more cases regressed than improved"."""
    return binom_half_sf(regressed, regressed + improved)


def hypergeom_sf(k: int, total: int, successes: int, draws: int) -> float:
    """``P(X >= k)`` for ``X`` hypergeometric: ``draws`` from ``total`` items of which ``successes`` are marked."""
    low, high = max(0, draws - (total - successes)), min(draws, successes)
    if k <= low:
        return 1.0
    if k > high:
        return 0.0
    if total <= _EXACT_LIMIT:
        # comb(successes, x) * comb(failures, draws - x), updated exactly from x to x + 1.
        failures = total - successes
        a, b, num = math.comb(successes, k), math.comb(failures, draws - k), 0
        for x in range(k, high + 1):
            num += a * b
            if x < high:
                a = a * (successes - x) // (x + 1)
                b = b * (draws - x) // (failures - draws + x + 1)
        return min(1.0, num / math.comb(total, draws))
    base = _log_comb(total, draws)
    logs = [_log_comb(successes, x) + _log_comb(total - successes, draws - x) - base for x in range(k, high + 1)]
    return min(1.0, math.exp(_logsumexp(logs)))


def fisher_regression_p(base_failures: int, base_cases: int, new_failures: int, new_cases: int) -> float:
    """One-sided Fisher exact p-value for "the new failure rate is higher than the baseline's"."""
    _check_counts(base_failures, base_cases)
    _check_counts(new_failures, new_cases)
    return hypergeom_sf(new_failures, base_cases + new_cases, base_failures + new_failures, new_cases)


def holm(pvalues: list[float]) -> list[float]:
    """Holm step-down adjusted p-values (monotone, capped at 1), in the order given."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [1.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


def _check_counts(failures: int, cases: int) -> None:
    if not (0 <= failures <= cases):
        raise ValueError(f"failures must be between 0 and cases, got {failures} of {cases}")


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _logsumexp(values: list[float]) -> float:
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))


# -- comparing two runs --------------------------------------------------------------
#
# Both sides are "entries": per model, per test key (nodeid + "::" + name), a dict
# with type, capability, config, cases, failures, cases_digest, failing_cases and
# slices (see _baseline.entry_from_result); the new side may carry "error": True.


def _rate(failures: int, cases: int) -> float | None:
    return failures / cases if cases else None


def _pp(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else round(100.0 * (after - before), 10)


def compare_test(base: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """The comparison of one test present in both runs (before any correction or verdict)."""
    out: dict[str, Any] = {
        "nodeid": new["nodeid"],
        "name": new["name"],
        "capability": new["capability"],
        "type": new["type"],
        "base": {"cases": base["cases"], "failures": base["failures"], "fail_rate": _rate(base["failures"], base["cases"])},
        "new": {"cases": new["cases"], "failures": new["failures"], "fail_rate": _rate(new["failures"], new["cases"])},
        "delta_pp": None,
        "test": None,
        "p_value": None,
        "p_improvement": None,
        "regressed": None,
        "improved": None,
        "regressed_cases": None,
        "improved_cases": None,
        "slices": {},
        "reason": None,
    }
    if new.get("error"):
        out["verdict"], out["reason"] = ERROR, "the test errored in this run"
        return out
    if base["config"] != new["config"]:
        out["verdict"] = NOT_COMPARABLE
        if "seed" not in base:
            out["reason"] = ("the baseline entry was recorded by an earlier behavetest, whose configuration digest "
                             "included the seed; record it again with --behave-update-baseline")
        else:
            out["reason"] = (f"its configuration changed (config {base['config']} -> {new['config']}: type, expectation, "
                             "perturbation or samples)")
        return out
    if base["capability"] != new["capability"]:
        out["verdict"] = NOT_COMPARABLE
        out["reason"] = f"its capability changed ({base['capability']!r} -> {new['capability']!r})"
        return out
    if not base["cases"] or not new["cases"]:
        out["verdict"], out["reason"] = NOT_COMPARABLE, "no applicable cases in one of the runs"
        return out
    out["delta_pp"] = _pp(out["base"]["fail_rate"], out["new"]["fail_rate"])
    fresh = new["type"] != "MFT" and base.get("seed", 0) != new.get("seed", 0)
    if fresh:
        out["reason"] = (f"seed {base.get('seed', 0)} -> {new.get('seed', 0)}: the perturbations are fresh draws, "
                         "compared unpaired")
    if not fresh and base.get("cases_digest") and base["cases_digest"] == new.get("cases_digest"):
        before, after = set(base["failing_cases"]), set(new["failing_cases"])
        regressed, improved = sorted(after - before), sorted(before - after)
        out.update(test="mcnemar", regressed=len(regressed), improved=len(improved),
                   regressed_cases=regressed, improved_cases=improved,
                   p_value=mcnemar_regression_p(len(regressed), len(improved)),
                   p_improvement=mcnemar_regression_p(len(improved), len(regressed)))
    else:
        out.update(test="fisher",
                   p_value=fisher_regression_p(base["failures"], base["cases"], new["failures"], new["cases"]),
                   p_improvement=fisher_regression_p(new["failures"], new["cases"], base["failures"], base["cases"]))
    for name in sorted(set(base.get("slices") or {}) | set(new.get("slices") or {})):
        b = (base.get("slices") or {}).get(name)
        n = (new.get("slices") or {}).get(name)
        out["slices"][name] = {
            "base": None if b is None else {"cases": b["cases"], "failures": b["failures"]},
            "new": None if n is None else {"cases": n["cases"], "failures": n["failures"]},
            "delta_pp": None if b is None or n is None else _pp(_rate(b["failures"], b["cases"]), _rate(n["failures"], n["cases"])),
        }
    return out


def compare_capability(pairs: list[tuple[Mapping[str, Any], Mapping[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """Pool a capability's comparable tests: summed counts; McNemar on summed discordants if all are paired."""
    bc = sum(b["cases"] for b, _, _ in pairs)
    bf = sum(b["failures"] for b, _, _ in pairs)
    nc = sum(n["cases"] for _, n, _ in pairs)
    nf = sum(n["failures"] for _, n, _ in pairs)
    out: dict[str, Any] = {
        "tests": len(pairs),
        "base": {"cases": bc, "failures": bf, "fail_rate": _rate(bf, bc)},
        "new": {"cases": nc, "failures": nf, "fail_rate": _rate(nf, nc)},
        "delta_pp": _pp(_rate(bf, bc), _rate(nf, nc)),
        "test": None, "p_value": None, "p_improvement": None, "regressed": None, "improved": None,
    }
    if not pairs:
        return out
    if all(t["test"] == "mcnemar" for _, _, t in pairs):
        # Case identifiers include the test, so the tests' case sets are disjoint and the discordants add up.
        reg = sum(t["regressed"] for _, _, t in pairs)
        imp = sum(t["improved"] for _, _, t in pairs)
        out.update(test="mcnemar", regressed=reg, improved=imp,
                   p_value=mcnemar_regression_p(reg, imp), p_improvement=mcnemar_regression_p(imp, reg))
    else:
        out.update(test="fisher", p_value=fisher_regression_p(bf, bc, nf, nc),
                   p_improvement=fisher_regression_p(nf, nc, bf, bc))
    return out


def compare(
    base: Mapping[str, Mapping[str, Mapping[str, Any]] | None],
    new: Mapping[str, Mapping[str, Mapping[str, Any]]],
    *,
    alpha: float = DEFAULT_ALPHA,
    tolerance_pp: float = DEFAULT_TOLERANCE_PP,
    correction: str = "holm",
) -> dict[str, Any]:
    """Compare the new run's entries with the baseline's, model by model.

    ``base[model]`` is None (or absent) when there is no baseline for the model.
    Returns plain builtins: settings, the number of regressions, and per model its
    status, per-test and per-capability comparisons with verdicts.
    """
    check_settings(alpha, tolerance_pp, correction)
    models: dict[str, Any] = {}
    hypotheses: list[dict[str, Any]] = []
    single: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for model in sorted(new):
        entries = new[model]
        baseline = base.get(model)
        if baseline is None:
            models[model] = {"status": "no baseline", "tests": {}, "capabilities": {}, "not_run": []}
            continue
        tests: dict[str, Any] = {}
        pooled: dict[str, list] = defaultdict(list)
        for key in sorted(entries):
            entry = entries[key]
            if key not in baseline:
                tests[key] = {"nodeid": entry["nodeid"], "name": entry["name"], "capability": entry["capability"],
                              "type": entry["type"], "verdict": NEW, "reason": "not in the baseline"}
                continue
            result = compare_test(baseline[key], entry)
            tests[key] = result
            if result["p_value"] is not None:
                hypotheses.append(result)
                pooled[entry["capability"]].append((baseline[key], entry, result))
        capabilities = {}
        for capability in sorted({e["capability"] for e in entries.values()}):
            cap = compare_capability(pooled.get(capability, []))
            capabilities[capability] = cap
            if cap["tests"] >= 2:
                hypotheses.append(cap)
            elif cap["tests"] == 1:
                single.append((cap, pooled[capability][0][2]))  # the same hypothesis as its only test
            else:
                cap["verdict"] = NOT_COMPARABLE
        not_run = sorted(set(baseline) - set(entries))
        models[model] = {"status": "compared", "tests": tests, "capabilities": capabilities, "not_run": not_run}
    raw = [h["p_value"] for h in hypotheses]
    raw_improvement = [h["p_improvement"] for h in hypotheses]
    adjusted = holm(raw) if correction == "holm" else list(raw)
    adjusted_improvement = holm(raw_improvement) if correction == "holm" else list(raw_improvement)
    for h, p, q in zip(hypotheses, adjusted, adjusted_improvement):
        h["p_adjusted"], h["p_improvement_adjusted"] = p, q
        h["verdict"] = _verdict(h, p, q, alpha, tolerance_pp)
    for cap, test in single:
        cap["p_adjusted"], cap["verdict"] = test["p_adjusted"], test["verdict"]
        cap["p_improvement_adjusted"] = test["p_improvement_adjusted"]
    regressions = []
    for model, m in models.items():
        for key, t in m["tests"].items():
            if t["verdict"] == REGRESSED:
                regressions.append({"model": model, "capability": t["capability"], "test": key})
        for cap, c in m["capabilities"].items():
            if c["verdict"] == REGRESSED and c["tests"] >= 2:
                regressions.append({"model": model, "capability": cap, "test": None})
    return {
        "alpha": alpha,
        "tolerance_pp": tolerance_pp,
        "correction": correction,
        "hypotheses": len(hypotheses),
        "regressions": regressions,
        "models": models,
    }


def _verdict(h: dict[str, Any], p_regression: float, p_improvement: float, alpha: float, tolerance_pp: float) -> str:
    delta = h["delta_pp"] if h["delta_pp"] is not None else 0.0
    if p_regression <= alpha and delta > 0:
        return REGRESSED if delta > tolerance_pp else WITHIN_TOLERANCE
    if p_improvement <= alpha and delta < 0:
        return IMPROVED
    return NOT_SIGNIFICANT


def check_settings(alpha: Any, tolerance_pp: Any, correction: Any) -> None:
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not (0 < alpha < 1):
        raise ValueError(f"the significance level must be a number strictly between 0 and 1, not {alpha!r}")
    if (isinstance(tolerance_pp, bool) or not isinstance(tolerance_pp, (int, float))
            or math.isnan(tolerance_pp) or not (0 <= tolerance_pp <= 100)):
        raise ValueError(f"the regression tolerance must be between 0 and 100 percentage points, not {tolerance_pp!r}")
    if correction not in CORRECTIONS:
        raise ValueError(f"the multiple-comparison correction must be one of {', '.join(CORRECTIONS)}, not {correction!r}")


# -- rendering -----------------------------------------------------------------------


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.1%}"


def _p(p: float | None) -> str:
    if p is None:
        return "-"
    return f"{p:.2g}" if p < 0.001 else f"{p:.3f}"


def regression_lines(comparison: Mapping[str, Any]) -> list[str]:
    """One line per regression, e.g. ``REGRESSION vader / Negation / test_negation: fail rate 12.0% -> 31.5% (...)``."""
    lines = []
    for r in comparison["regressions"]:
        m = comparison["models"][r["model"]]
        if r["test"] is None:
            h = m["capabilities"][r["capability"]]
            where = f"{r['model']} / {r['capability']} (all {h['tests']} compared tests pooled)"
        else:
            h = m["tests"][r["test"]]
            where = f"{r['model']} / {r['capability']} / {h['name']}"
        stat = "McNemar" if h["test"] == "mcnemar" else "Fisher"
        p = f"{stat} p={_p(h['p_value'])}"
        if comparison["correction"] == "holm" and comparison["hypotheses"] > 1:
            p += f", Holm-adjusted {_p(h['p_adjusted'])}"
        extra = f", {h['regressed']} cases regressed, {h['improved']} improved" if h["test"] == "mcnemar" else ""
        lines.append(f"behavetest: REGRESSION {where}: fail rate {_pct(h['base']['fail_rate'])} -> "
                     f"{_pct(h['new']['fail_rate'])} ({h['delta_pp']:+.1f} pp, {p}{extra})")
    return lines


def shown_p(entry: Mapping[str, Any]) -> Any:
    """The p-value behind a verdict: of the improvement for "improved", of the regression otherwise."""
    if entry.get("verdict") == IMPROVED:
        return entry.get("p_improvement_adjusted", entry.get("p_improvement"))
    return entry.get("p_adjusted", entry.get("p_value"))


def render_comparison(comparison: Mapping[str, Any], source: str) -> str:
    """The "baseline comparison" block: a row per compared test, then notes and regression lines."""
    from tabulate import tabulate

    n = comparison["hypotheses"]
    holm_ = comparison["correction"] == "holm" and n > 1
    if not n:
        lines = [f"baseline comparison against {source}: nothing to compare yet"]
    else:
        corr = (f"p Holm-adjusted over {n} comparisons" if holm_ else
                "1 comparison" if n == 1 else "p not adjusted for multiple comparisons")
        lines = [f"baseline comparison against {source} (alpha {comparison['alpha']:g}, {corr}; "
                 f"tolerance {comparison['tolerance_pp']:g} pp):"]
    recording = comparison.get("gate") is False
    rows, notes = [], []
    for model, m in comparison["models"].items():
        if m["status"] == "no baseline":
            notes.append(f"behavetest: no baseline for model {model} yet: this run records it" if recording else
                         f"behavetest: no baseline for model {model}: nothing to compare "
                         "(create one with --behave-update-baseline)")
            continue
        for key, t in m["tests"].items():
            if t["verdict"] in (NEW,):
                notes.append(f"behavetest: {model} / {t['capability']} / {t['name']}: new test, not in the baseline")
                continue
            if t["verdict"] in (NOT_COMPARABLE, ERROR):
                notes.append(f"behavetest: {model} / {t['capability']} / {t['name']}: {t['verdict']}: {t['reason']}")
            change = "-" if t.get("delta_pp") is None else f"{t['delta_pp']:+.1f} pp"
            cases = "-" if t.get("regressed") is None else f"+{t['regressed']} / -{t['improved']}"
            rows.append([model, t["capability"], t["name"], _pct(t["base"]["fail_rate"]), _pct(t["new"]["fail_rate"]),
                         change, cases, _p(shown_p(t)), t["verdict"]])
        for cap, c in m["capabilities"].items():
            if c["tests"] >= 2:  # a capability with one compared test is that test's row
                cases = "-" if c.get("regressed") is None else f"+{c['regressed']} / -{c['improved']}"
                rows.append([model, cap, f"(all {c['tests']})", _pct(c["base"]["fail_rate"]), _pct(c["new"]["fail_rate"]),
                             f"{c['delta_pp']:+.1f} pp", cases, _p(shown_p(c)), c["verdict"]])
        if m["not_run"]:
            notes.append(f"behavetest: {model}: {len(m['not_run'])} baseline test(s) not run in this session "
                         "(kept in the baseline, not compared)")
    if rows:
        p_head = "p (Holm)" if holm_ else "p"
        lines.append(tabulate(rows, headers=["model", "capability", "test", "base", "now", "change", "cases +/-", p_head,
                                             "verdict"],
                              colalign=("left", "left", "left", "right", "right", "right", "right", "right", "left"),
                              disable_numparse=True))
    lines.extend(notes)
    lines.extend(regression_lines(comparison))
    n = len(comparison["regressions"])
    among = "" if comparison.get("complete", True) else " among the tests that ran (the run is incomplete)"
    lines.append(f"behavetest: {n} significant regression(s) against the baseline{among}" if n else
                 f"behavetest: no significant regression against the baseline{among}")
    return "\n".join(lines)
