"""Aggregating results (plain dicts) per model and capability, and rendering the terminal summary."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Iterable

from .._measure.stats import wilson

STATUS_ORDER = ("error", "fail", "pass", "tracked", "n/a")


def sort_results(results: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Results in a run-independent order (xdist finishes tests in any order)."""
    return sorted(results, key=lambda r: (r["model"], r["capability"], r["nodeid"], r["name"]))


def capability_status(tests: Iterable[tuple[str, int]]) -> str:
    """A capability's status from its tests' ``(status, failures)``.

    ``error`` or ``fail`` if a test has it; ``tracked`` if a test without a threshold
    has failures (the capability's rate then holds failures no threshold judged, so
    it must not read "pass"); else ``pass``, ``tracked``, or ``n/a`` without tests.
    """
    tests = list(tests)
    present = {status for status, _ in tests}
    if any(status == "tracked" and failures for status, failures in tests) and not present & {"error", "fail"}:
        return "tracked"
    return next((s for s in ("error", "fail", "pass", "tracked") if s in present), "n/a")


def summarize(results: Iterable[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per model, per capability: tests, pooled cases and failures, rate, Wilson interval, status."""
    groups: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for r in results:
        groups[r["model"]][r["capability"]].append(r)
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for model in sorted(groups):
        out[model] = {}
        for capability in sorted(groups[model]):
            tests = groups[model][capability]
            cases = sum(t["cases"] for t in tests)
            failures = sum(t["failures"] for t in tests)
            out[model][capability] = {
                "tests": len(tests),
                "cases": cases,
                "failures": failures,
                "fail_rate": failures / cases if cases else None,
                "ci": list(wilson(failures, cases)),
                "status": capability_status((t["status"], t["failures"]) for t in tests),
            }
    return out


def summarize_slices(results: Iterable[dict[str, Any]]) -> dict[str, dict[str, dict[str, dict[str, Any]]]]:
    """Per model, capability and slice: cases and failures pooled over the capability's tests."""
    pooled: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(lambda: [0, 0])))
    for r in results:
        for name, counts in (r.get("slices") or {}).items():
            cell = pooled[r["model"]][r["capability"]][name]
            cell[0] += counts["cases"]
            cell[1] += counts["failures"]
    return {
        model: {
            cap: {
                name: {"cases": c, "failures": f, "fail_rate": f / c if c else None, "ci": list(wilson(f, c))}
                for name, (c, f) in sorted(slices.items())
            }
            for cap, slices in sorted(caps.items())
        }
        for model, caps in sorted(pooled.items())
    }


def render_slices(results: list[dict[str, Any]]) -> str:
    """The capability x slice table: one row per model, capability and slice."""
    from tabulate import tabulate

    rows = [
        [model, cap, name, s["cases"], s["failures"], _rate(s["fail_rate"]), _ci(s["ci"], s["cases"])]
        for model, caps in summarize_slices(results).items()
        for cap, slices in caps.items()
        for name, s in slices.items()
    ]
    if not rows:
        return "no slices were declared"
    return tabulate(rows, headers=["model", "capability", "slice", "cases", "failed", "fail rate", "95% CI"],
                    colalign=("left", "left", "left", "right", "right", "right", "right"))


def render_comparison(summary: dict[str, dict[str, dict[str, Any]]]) -> str:
    """Models side by side: one row per capability, a fail-rate column per model."""
    from tabulate import tabulate

    models = sorted(summary)
    capabilities = sorted({cap for caps in summary.values() for cap in caps})
    rows = []
    for cap in capabilities:
        row = [cap]
        for model in models:
            s = summary[model].get(cap)
            row.append("-" if s is None or not s["cases"] else
                       f"{_rate(s['fail_rate'])} ({_ci(s['ci'], s['cases'])}) {_status(s['status'])}")
        rows.append(row)
    return tabulate(rows, headers=["capability", *models], colalign=("left", *["right"] * len(models)))


def _rate(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.1%}"


def _ci(ci: list[float], cases: int) -> str:
    return "-" if not cases else f"{ci[0]:.1%} - {ci[1]:.1%}"


def _status(status: str) -> str:
    return status.upper() if status in ("fail", "error") else status


def render(results: list[dict[str, Any]], *, details: bool = False, slices: bool = False, examples: int = 3) -> str:
    """The "behavioral summary" text.

    A table per model (a row per capability), then the models side by side when
    there are several, the capability x slice table with ``slices``, and a row per
    test with failing examples with ``details``.
    """
    from tabulate import tabulate

    results = sort_results(results)
    summary = summarize(results)
    lines: list[str] = []
    for model, capabilities in summary.items():
        rows = [
            [cap, s["tests"], s["cases"], s["failures"], _rate(s["fail_rate"]), _ci(s["ci"], s["cases"]), _status(s["status"])]
            for cap, s in capabilities.items()
        ]
        lines.append(f"model: {model}")
        lines.append(
            tabulate(rows, headers=["capability", "tests", "cases", "failed", "fail rate", "95% CI", "status"],
                     colalign=("left", "right", "right", "right", "right", "right", "left"))
        )
        if details:
            lines.append("")
            lines.extend(_details([r for r in results if r["model"] == model], examples))
        lines.append("")
    if len(summary) > 1:
        lines += ["models side by side (fail rate, 95% CI, status):", render_comparison(summary), ""]
    if slices:
        lines += ["capability x slice:", render_slices(results), ""]
    return "\n".join(lines).rstrip("\n")


def _details(results: list[dict[str, Any]], examples: int) -> list[str]:
    from tabulate import tabulate

    rows = []
    for r in results:
        limit = "-" if r["max_fail_rate"] is None else f"{r['max_fail_rate']:.1%}"
        rows.append([r["capability"], r["name"], r["type"], r["cases"], r["failures"], _rate(r["fail_rate"]),
                     _ci(r["ci"], r["cases"]), limit, _status(r["status"])])
    out = [tabulate(rows, headers=["capability", "test", "type", "cases", "failed", "fail rate", "95% CI", "max", "status"],
                    colalign=("left", "left", "left", "right", "right", "right", "right", "right", "left"))]
    for r in results:
        shown = r["examples"][:examples]
        if r.get("error"):
            out.append(f"  {r['name']}: {r['error'].splitlines()[0]}")
        if r.get("replay"):
            rp = r["replay"]
            out.append(f"  {r['name']}: replayed {rp['cases']} earlier failures: {rp['still_failing']} still fail, "
                       f"{rp['now_passing']} now pass (not counted in the rate)")
            for pair in (rp.get("pairs") or [])[:examples]:
                out.append(f"    {pair['status']}: {_clip(pair['input'])} -> {_clip(pair['perturbed'])}")
        if r["not_applicable"]:
            why = (f"not applicable to {r['perturbation']}" if r.get("perturbation")
                   else "filtered out by the expectation (CheckList's 'After filtering')")
            out.append(f"  {r['name']}: {r['not_applicable']} inputs {why}")
        if shown:
            out.append(f"  {r['name']} ({r['capability']}), failing examples:")
            out.extend(f"    {_example(e)}" for e in shown)
    return out


def answer_or_ranking_text(p: dict[str, Any]) -> str | None:
    """``answer "Paris"`` or ``ranking [3, 17, 5]`` for text and ranking models, else None."""
    if isinstance(p.get("answer"), str):
        return "answer " + json.dumps(p["answer"], ensure_ascii=False)
    if isinstance(p.get("ranking"), list):
        return "ranking [" + ", ".join(map(str, p["ranking"])) + "]"
    return None


def _pred(p: dict[str, Any]) -> str:
    text = answer_or_ranking_text(p)
    if text is not None:
        return text
    if "score" in p:
        return f"score={p['score']:.3g}"
    if "probs" in p:
        return f"{p['label']} ({p['probs'][str(p['label'])]:.2f})"
    return str(p.get("label"))


def _clip(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _example(e: dict[str, Any]) -> str:
    from .._measure.result import column_changes

    text = f"{_clip(e['input'])} -> {_pred(e['prediction'])}"
    if "perturbed" not in e and e.get("expected") is not None:
        text += f" (expected {e['expected']})"
    for field, prefix in (("minimal", "minimal: "), ("perturbed", "")):
        if field in e:
            changed = column_changes(e["input"], e[field])
            shown = _clip(e[field]) if changed is None else changed
            return text + f"  |  {prefix}{shown} -> {_pred(e[field + '_prediction'])}"
    return text
