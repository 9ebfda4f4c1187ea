"""The reports' view of a run document, shared by the HTML and Markdown renderers.

:func:`read_document` is tolerant: missing optional keys get defaults, rates and
intervals are recomputed from counts where absent, and the capability x slice
matrix is pooled from the tests' per-slice counts. The formatting helpers turn
rates, intervals, p-values, predictions and inputs into short text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from .._measure.stats import wilson
from .summary import answer_or_ranking_text, capability_status

STATUSES = ("error", "fail", "pass", "tracked", "n/a")


# -- reading the document --------------------------------------------------------------


def _count(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return max(0, value)
    if isinstance(value, float) and value.is_integer():
        return max(0, int(value))
    return 0


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if value != value else float(value)  # NaN -> None


def _interval(value: Any, failures: int, cases: int) -> tuple[float, float]:
    if isinstance(value, (list, tuple)) and len(value) == 2:
        low, high = _number(value[0]), _number(value[1])
        if low is not None and high is not None:
            return (low, high)
    return wilson(failures, cases)


def _rates(raw: Mapping[str, Any]) -> dict[str, Any]:
    """cases, failures, fail_rate and ci of a test, capability or slice entry, filled in from counts."""
    cases, failures = _count(raw.get("cases")), _count(raw.get("failures"))
    failures = min(failures, cases) if cases else failures
    rate = _number(raw.get("fail_rate"))
    if rate is None and cases:
        rate = failures / cases
    return {"cases": cases, "failures": failures, "fail_rate": rate if cases else None,
            "ci": _interval(raw.get("ci"), failures, cases)}


def _status(value: Any, fallback: str = "n/a") -> str:
    return value if isinstance(value, str) and value in STATUSES else fallback


def _text(value: Any, default: str) -> str:
    return default if value is None or value == "" else str(value)


def _derived_status(t: Mapping[str, Any], cases: int, failures: int) -> str:
    if t.get("error"):
        return "error"
    limit = _number(t.get("max_fail_rate"))
    if limit is None:
        return "tracked"
    if not cases:
        return "fail"
    return "fail" if failures / cases > limit else "pass"


def _test(raw: Mapping[str, Any]) -> dict[str, Any]:
    t = dict(raw)
    t.update(_rates(raw))
    t["name"] = _text(raw.get("name"), _text(raw.get("nodeid"), "(unnamed test)"))
    t["nodeid"] = _text(raw.get("nodeid"), "")
    t["model"] = _text(raw.get("model"), "(unnamed model)")
    t["capability"] = _text(raw.get("capability"), "(no capability)")
    t["type"] = _text(raw.get("type"), "")
    t["status"] = _status(raw.get("status"), _derived_status(raw, t["cases"], t["failures"]))
    t["max_fail_rate"] = _number(raw.get("max_fail_rate"))
    t["not_applicable"] = _count(raw.get("not_applicable"))
    examples = raw.get("examples")
    t["examples"] = [e for e in examples if isinstance(e, dict)] if isinstance(examples, list) else []
    slices = raw.get("slices")
    t["slices"] = ({str(k): _rates(v) for k, v in sorted(slices.items(), key=lambda kv: str(kv[0])) if isinstance(v, dict)}
                   if isinstance(slices, dict) else {})
    return t


@dataclass
class Report:
    """The document as the renderers read it (see :func:`read_document`)."""

    version: str
    schema_version: str
    seed: Any
    tests: list[dict[str, Any]]
    summary: dict[str, dict[str, dict[str, Any]]]
    slices: dict[str, dict[str, dict[str, dict[str, Any]]]]
    baseline: dict[str, Any] | None
    models: list[str] = field(default_factory=list)
    capabilities: list[str] = field(default_factory=list)
    slice_names: list[str] = field(default_factory=list)
    complete: bool = True
    incomplete_reason: str = ""

    @property
    def incomplete_text(self) -> str:
        """The headline of an incomplete run (said before anything else), or ''."""
        if self.complete:
            return ""
        reason = f" ({self.incomplete_reason})" if self.incomplete_reason else ""
        return f"Incomplete run{reason}: the results cover only the tests that ran."

    def tests_of(self, model: str, capability: str | None = None) -> list[dict[str, Any]]:
        return [t for t in self.tests if t["model"] == model and (capability is None or t["capability"] == capability)]

    def threshold(self, model: str, capability: str) -> float | None:
        """The capability's max_fail_rate when all its tests share one (else None)."""
        limits = {t["max_fail_rate"] for t in self.tests_of(model, capability)}
        return limits.pop() if len(limits) == 1 else None

    def baseline_test(self, t: Mapping[str, Any]) -> dict[str, Any] | None:
        """The baseline comparison of one test, if the document has one."""
        own = t.get("baseline")
        if isinstance(own, dict):
            return own
        tests = _dig(self.baseline, "models", t["model"], "tests")
        if not isinstance(tests, dict):
            return None
        found = tests.get(f"{t['nodeid']}::{t['name']}")
        return found if isinstance(found, dict) else None

    @property
    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in STATUSES}
        for t in self.tests:
            out[t["status"]] += 1
        return out


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def read_document(document: Mapping[str, Any]) -> Report:
    """A tolerant, sorted view of a ``--behave-json`` document."""
    if not isinstance(document, Mapping):
        raise TypeError(f"a behavetest report needs the JSON document (a dict), not {type(document).__name__}")
    raw_tests = document.get("tests")
    tests = [_test(t) for t in raw_tests if isinstance(t, dict)] if isinstance(raw_tests, list) else []
    tests.sort(key=lambda t: (t["model"], t["capability"], t["nodeid"], t["name"]))
    summary: dict[str, dict[str, dict[str, Any]]] = {}
    for t in tests:
        cap = summary.setdefault(t["model"], {}).setdefault(t["capability"], {"tests": 0, "cases": 0, "failures": 0,
                                                                              "statuses": []})
        cap["tests"] += 1
        cap["cases"] += t["cases"]
        cap["failures"] += t["failures"]
        cap["statuses"].append((t["status"], t["failures"]))
    for caps in summary.values():
        for name, cap in caps.items():
            caps[name] = {"tests": cap["tests"], **_rates(cap), "status": capability_status(cap["statuses"])}
    given = document.get("summary")
    if isinstance(given, dict):  # the document's own summary wins where it has an entry
        for model, caps in given.items():
            if not isinstance(caps, dict):
                continue
            for cap, entry in caps.items():
                if isinstance(entry, dict):
                    old = summary.setdefault(str(model), {}).get(str(cap), {})
                    summary[str(model)][str(cap)] = {
                        "tests": _count(entry.get("tests", old.get("tests", 0))), **_rates(entry),
                        "status": _status(entry.get("status"), old.get("status", "n/a"))}
    summary = {m: dict(sorted(caps.items())) for m, caps in sorted(summary.items())}
    pooled: dict[str, dict[str, dict[str, list[int]]]] = {}
    for t in tests:
        for name, s in t["slices"].items():
            cell = pooled.setdefault(t["model"], {}).setdefault(t["capability"], {}).setdefault(name, [0, 0])
            cell[0] += s["cases"]
            cell[1] += s["failures"]
    slices = {m: {c: {n: _rates({"cases": v[0], "failures": v[1]}) for n, v in sorted(ss.items())}
                  for c, ss in sorted(cs.items())} for m, cs in sorted(pooled.items())}
    baseline = document.get("baseline")
    seed = document.get("seed")
    return Report(
        version=_text(document.get("behavetest_version"), "?"),
        schema_version=_text(document.get("schema_version"), "?"),
        seed=seed if isinstance(seed, (int, str)) and not isinstance(seed, bool) else None,
        tests=tests,
        summary=summary,
        slices=slices,
        baseline=baseline if isinstance(baseline, dict) else None,
        models=sorted(summary),
        capabilities=sorted({c for caps in summary.values() for c in caps}),
        slice_names=sorted({n for caps in slices.values() for ss in caps.values() for n in ss}),
        complete=document.get("complete") is not False,
        incomplete_reason=_text(document.get("incomplete_reason"), ""),
    )


# -- formatting helpers (shared with the Markdown report) ------------------------------


def ci_text(ci: tuple[float, float] | list[float], cases: int) -> str:
    return "-" if not cases else f"{ci[0]:.1%} \u2013 {ci[1]:.1%}"


def pp(delta: Any) -> str:
    d = _number(delta)
    return "-" if d is None else f"{d:+.1f} pp"


def p_text(p: Any) -> str:
    p = _number(p)
    if p is None:
        return "-"
    return f"{p:.2g}" if p < 0.001 else f"{p:.3f}"


def prediction_text(p: Any) -> str:
    """``positive (0.70)``, ``score=0.123``, the label, an answer or a ranking; tolerant of any shape."""
    if not isinstance(p, dict):
        return "-" if p is None else str(p)
    structured = answer_or_ranking_text(p)
    if structured is not None:
        return structured
    score = _number(p.get("score"))
    if score is not None:
        return f"score={score:.3g}"
    label = p.get("label")
    probs = p.get("probs")
    if isinstance(probs, dict) and label is not None:
        prob = _number(probs.get(str(label)))
        if prob is not None:
            return f"{label} ({prob:.2f})"
    return "-" if label is None else str(label)


def value_text(value: Any) -> str:
    """An input as one line of text: strings as they are, dict rows as ``key=value, ...``."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return ", ".join(f"{k}={value_text(v) if isinstance(v, (dict, list)) else _scalar(v)}" for k, v in value.items())
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _scalar(v: Any) -> str:
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)


def baseline_rate(entry: Any, side: str) -> float | None:
    """The before ("base") or after ("new") fail rate of a comparison entry, in either of the likely shapes."""
    if not isinstance(entry, dict):
        return None
    block = entry.get(side)
    if isinstance(block, dict):
        rate = _number(block.get("fail_rate"))
        if rate is None and _count(block.get("cases")):
            rate = _count(block.get("failures")) / _count(block.get("cases"))
        return rate
    return _number(entry.get(f"{side}_fail_rate"))


def baseline_p(entry: Mapping[str, Any]) -> Any:
    from .._gate.regression import shown_p

    return shown_p(entry)


def comparison_rows(baseline: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Flat rows of a baseline comparison: per model, its tests and its pooled capabilities (2+ tests)."""
    rows = []
    models = baseline.get("models")
    if not isinstance(models, dict):
        return rows
    for model in sorted(models, key=str):
        m = models[model]
        if not isinstance(m, dict):
            continue
        tests = m.get("tests") if isinstance(m.get("tests"), dict) else {}
        for key in sorted(tests, key=str):
            t = tests[key]
            if isinstance(t, dict):
                rows.append({"model": str(model), "capability": _text(t.get("capability"), "-"),
                             "test": _text(t.get("name"), str(key)), "pooled": False, "entry": t})
        caps = m.get("capabilities") if isinstance(m.get("capabilities"), dict) else {}
        for cap in sorted(caps, key=str):
            c = caps[cap]
            if isinstance(c, dict) and _count(c.get("tests")) >= 2:
                rows.append({"model": str(model), "capability": str(cap), "test": f"(all {_count(c.get('tests'))} tests)",
                             "pooled": True, "entry": c})
    rows.sort(key=lambda r: (r["model"], r["capability"], r["pooled"], r["test"]))
    return rows


def regression_rows(baseline: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [r for r in comparison_rows(baseline) if r["entry"].get("verdict") == "regressed"]
