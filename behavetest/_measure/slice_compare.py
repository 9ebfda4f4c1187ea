"""Per-slice comparison of two versions of a model: the slices whose failure rate rose significantly.

Both versions must have run the same cases (matched by their stable identifiers).
In a slice, a case *regressed* if it passed before and fails now, and *improved* the
other way round. Each candidate slice (the same candidates as :mod:`.discover`, from
the new run's case attributes) is tested by the one-sided exact sign test on its
changed cases (McNemar's test: with ``d`` changed cases of which ``r`` regressed,
``p = P(Binomial(d, 1/2) >= r)``). Benjamini-Hochberg controls the false-discovery
rate at ``q`` over every candidate of every compared test; a candidate with fewer
changed cases than ``log2(1/q)`` can never reach ``p <= q`` and is not counted (this
depends only on which cases changed, not on the direction, so it is a valid
Tarone-style restriction). A reported slice's failure rate rose by at least
``min_effect``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from .._errors import BehaveError
from .._model.keys import set_digest
from .discover import (DEFAULT_MIN_EFFECT, DEFAULT_MIN_SUPPORT, DEFAULT_Q, EXAMPLES, Packed, _atoms, _p, _results,
                       atoms_of, candidate_item, count, enumerate_slices, group, related_entries, wilson_low)
from .features import take
from .stats import benjamini_hochberg, binom_sf


def _key(r: Mapping[str, Any]) -> str:
    return f"{r.get('nodeid')}::{r.get('name')}"


def _before_outcomes(before: Mapping[str, Any], ids: list[str]) -> tuple[np.ndarray, np.ndarray, str | None]:
    """Which of ``ids`` the earlier version ran, and which of those failed (or why they cannot be compared)."""
    table = before.get("case_table")
    if table:
        failed = dict(zip(table["ids"], table["failed"]))
        common = np.array([i in failed for i in ids], dtype=bool)
        return common, np.array([bool(failed.get(i, 0)) for i in ids], dtype=bool), None
    if before.get("cases_digest") and before.get("cases_digest") == set_digest(ids):
        failing = set(before.get("failing_cases") or [])
        return np.ones(len(ids), dtype=bool), np.array([i in failing for i in ids], dtype=bool), None
    return np.zeros(len(ids), dtype=bool), np.zeros(len(ids), dtype=bool), "the versions ran different cases"


def _pairs(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[tuple[dict, dict]]:
    if len(before) == 1 and len(after) == 1:
        return [(before[0], after[0])]  # two results handed over directly: two models on one test
    earlier: dict[str, list[dict]] = {}
    for r in before:
        earlier.setdefault(_key(r), []).append(r)
    out = []
    for r in after:
        found = earlier.get(_key(r), [])
        same_model = [b for b in found if b.get("model") == r.get("model")]
        match = same_model or (found if len(found) == 1 else [])
        if match:
            out.append((match[0], r))
    return out


def compare_slices(
    before: Any,
    after: Any,
    *,
    q: float = DEFAULT_Q,
    min_support: int = DEFAULT_MIN_SUPPORT,
    min_effect: float = DEFAULT_MIN_EFFECT,
) -> "SliceComparison":
    """The slices whose failure rate rose significantly from ``before`` to ``after``.

    ``after`` is anything :func:`behavetest.discover` takes, with case attributes
    (``--behave-discover``); ``before`` too, or baseline entries (which keep the
    failing cases' identifiers). Tests are matched by node id and name; two single
    results (two models on the same test) are compared directly.
    """
    if not (isinstance(q, (int, float)) and 0 < q < 1):
        raise BehaveError(f"compare_slices: q must be between 0 and 1 (exclusive), not {q!r}")
    old, new = _results(before), _results(after)
    tests, skipped = [], []
    for b, a in _pairs(old, new):
        table = a.get("case_table")
        if not table:
            skipped.append({"name": a.get("name"), "nodeid": a.get("nodeid"), "reason": "no case attributes"})
            continue
        common, was_failed, reason = _before_outcomes(b, table["ids"])
        if reason or not common.any():
            skipped.append({"name": a.get("name"), "nodeid": a.get("nodeid"), "reason": reason or "no common cases"})
            continue
        rows = np.flatnonzero(common)
        failed = np.asarray(table["failed"], dtype=bool)
        tests.append(_Compared(b, a, rows, was_failed[rows], failed[rows], take(table["columns"], rows),
                               _failing_inputs(table), _failing_inputs(b.get("case_table"))))
    d_min = math.ceil(math.log2(1 / q))
    cache: dict[tuple[int, int], float] = {}
    flat = []
    counted = 0
    for t in tests:
        conditions, masks = _atoms(t.columns, len(t.rows), min_support)
        t.conditions, t.masks = conditions, masks
        if not conditions or not t.regressed.any():
            continue
        members, n, (r, i) = enumerate_slices(masks, conditions, min_support, [t.regressed, t.improved])
        d = r + i
        testable = d >= d_min
        counted += int(testable.sum())
        rise = (r - i) / np.maximum(n, 1)
        for idx in np.flatnonzero(testable & (rise >= min_effect)).tolist():
            key = (int(r[idx]), int(d[idx]))
            if key not in cache:
                cache[key] = binom_sf(*key)
            if cache[key] <= q:
                flat.append((t, atoms_of(members[idx]), int(n[idx]), int(r[idx]), cache[key]))
    adjusted = benjamini_hochberg([f[-1] for f in flat], counted) if flat else []
    chosen: dict[int, list] = {}
    for f, adj in zip(flat, list(adjusted)):
        if adj <= q:
            chosen.setdefault(id(f[0]), []).append((*f[1:], float(adj)))
    findings = [entry for t in tests if id(t) in chosen for entry in t.findings(chosen[id(t)])]
    return SliceComparison(findings=findings, candidates=counted, compared=len(tests), skipped=skipped,
                           q=float(q), min_support=min_support, min_effect=float(min_effect))


def _failing_inputs(table: Mapping[str, Any] | None) -> dict[str, str]:
    """Failing inputs of a case table by case identifier."""
    if not table:
        return {}
    rows = np.flatnonzero(np.asarray(table["failed"], dtype=bool))
    return {table["ids"][i]: text for i, text in zip(rows.tolist(), table.get("failing_inputs") or [])}


@dataclass
class _Compared:
    before: dict[str, Any]
    after: dict[str, Any]
    rows: np.ndarray
    was_failed: np.ndarray
    failed: np.ndarray
    columns: dict[str, Any]
    after_inputs: dict[str, str]
    before_inputs: dict[str, str]
    conditions: Any = None
    masks: Any = None

    @property
    def regressed(self) -> np.ndarray:
        return self.failed & ~self.was_failed

    @property
    def improved(self) -> np.ndarray:
        return self.was_failed & ~self.failed

    def findings(self, chosen: list) -> list[dict[str, Any]]:
        regressed, improved = self.regressed, self.improved
        packed = Packed(self.masks)
        up, down = packed.pack(regressed), packed.pack(improved)
        scores = wilson_low([c[2] for c in chosen], [c[1] for c in chosen]).tolist()
        items = [candidate_item(self.conditions, packed, atoms, score, n=n, p=p, p_adjusted=adj)
                 for (atoms, n, r, p, adj), score in zip(chosen, scores)]

        def p_of(bits: np.ndarray) -> float:
            return binom_sf(count(bits & up), count(bits & (up | down)))

        ids = [self.after["case_table"]["ids"][i] for i in self.rows.tolist()]
        out = []
        for rank, head in enumerate(group(items, up, p_of), 1):
            mask = packed.unpack(head["mask"])
            n, before_f, after_f = int(mask.sum()), int((mask & self.was_failed).sum()), int((mask & self.failed).sum())
            out.append({
                "model": self.after.get("model"), "model_before": self.before.get("model"),
                "capability": self.after.get("capability"), "nodeid": self.after.get("nodeid"),
                "name": self.after.get("name"), "rank": rank, "slice": head["text"],
                "predicate": [c.to_dict() for c in head["conditions"]], "cases": n,
                "before_failures": before_f, "after_failures": after_f,
                "before_fail_rate": before_f / n, "after_fail_rate": after_f / n,
                "regressed": int((mask & regressed).sum()), "improved": int((mask & improved).sum()),
                "p": head["p"], "p_adjusted": head["p_adjusted"],
                "regressed_examples": self._examples(mask & regressed, ids, self.after_inputs),
                "improved_examples": self._examples(mask & improved, ids, self.before_inputs),
                "related": related_entries(head, lambda m: {"regressed": count(m & up), "improved": count(m & down)}),
                "related_count": head["related_count"],
            })
        return out

    @staticmethod
    def _examples(mask: np.ndarray, ids: list[str], inputs: Mapping[str, str]) -> list[str]:
        out = []
        for i in np.flatnonzero(mask).tolist():
            text = inputs.get(ids[i], f"case {ids[i]}")
            out.append(text)
            if len(out) == EXAMPLES:
                break
        return out


@dataclass
class SliceComparison:
    """The slices that regressed between two versions (:func:`compare_slices`)."""

    findings: list[dict[str, Any]]
    candidates: int
    compared: int
    skipped: list[dict[str, Any]]
    q: float
    min_support: int
    min_effect: float

    def to_dict(self) -> dict[str, Any]:
        return {"q": self.q, "min_support": self.min_support, "min_effect": self.min_effect,
                "candidates": self.candidates, "compared": self.compared, "skipped": self.skipped,
                "findings": self.findings}

    def __len__(self) -> int:
        return len(self.findings)

    def __str__(self) -> str:
        return render_slice_comparison(self.to_dict())


def comparison_line(f: Mapping[str, Any]) -> str:
    return (f"{f['slice']}: {f['before_failures']}/{f['cases']} -> {f['after_failures']}/{f['cases']} failed "
            f"({f['before_fail_rate']:.1%} -> {f['after_fail_rate']:.1%}), {f['regressed']} regressed, "
            f"{f['improved']} improved, p_adj={_p(f['p_adjusted'])}")


def render_slice_comparison(comparison: Mapping[str, Any]) -> str:
    found = comparison["findings"]
    lines = [f"slices that regressed: {len(found)} among {comparison['candidates']} candidate slices of "
             f"{comparison['compared']} compared tests (exact sign test on the cases that changed, "
             f"Benjamini-Hochberg q={comparison['q']:g})"]
    for f in found:
        versions = f"{f['model_before']} -> {f['model']}" if f.get("model_before") != f.get("model") else f["model"]
        lines.append(f"  [{f['capability']}] {f['name']} ({versions}): {comparison_line(f)}")
    for s in comparison.get("skipped") or []:
        lines.append(f"  not compared: {s['name']} ({s['reason']})")
    return "\n".join(lines)
