"""Slice discovery: the few slices of a test's cases that fail significantly more often than the rest.

Candidates (per test, over its applicable cases, from :mod:`.features`' columns):
every categorical value (``adj=helpful``), every numeric cut in both directions
(``age<25``, ``age>=25``; cuts at every distinct value when there are at most
:data:`MAX_DISTINCT_CUTS`, else at the deciles), and every conjunction of two of
them on different fields (or an interval on one numeric field). A candidate needs
``min_support`` cases, and a conjunction must be smaller than both of its parts.

Statistics: each candidate's failures are compared with the rest of the test's
cases by a one-sided exact (hypergeometric, Fisher) test. Benjamini-Hochberg
controls the false-discovery rate at ``q`` over every candidate of every test of
the run. Candidates that could not reach ``p <= q`` even if all their cases failed
(Tarone's minimum attainable p-value, which depends only on their size) are not
counted. Pruning never drops a candidate from that count: a conjunction whose parts
have too few failures to make it significant, one that fails no more often than
each of its parts (SliceLine's bound: it is a subset of a larger slice at least as
weak), or one whose failure rate is not ``min_effect`` above the rest, is counted
but its p-value is not computed (it cannot be reported), which only makes the
adjustment conservative.

Findings: the significant slices of a test are ranked by the lower end of their
failure rate's 95% Wilson interval; a slice sharing failing cases with a
higher-ranked one (or with a slice already listed under it) is listed under it
(nested, containing or overlapping) instead of as a finding of its own, and findings that differ only in the value of one
categorical field are merged (``adj in {arrogant, helpful}``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .._errors import BehaveError
from .features import CATEGORY, _builtin
from .predicates import Condition, conjunction_text
from .stats import benjamini_hochberg, hypergeom_sf, hypergeom_sf_many, log_factorials, min_attainable_p, wilson

DEFAULT_Q = 0.05
DEFAULT_MIN_SUPPORT = 10
DEFAULT_MIN_EFFECT = 0.05
MAX_DISTINCT_CUTS = 64
QUANTILES = np.arange(1, 10) / 10
EXAMPLES = 3
RELATED = 10  # related slices listed per finding (all are counted)


@dataclass
class _Test:
    """One test's candidates: atoms (single conditions) and the counts needed for the tests."""

    key: dict[str, Any]
    failed: np.ndarray
    conditions: list[Condition]
    masks: np.ndarray  # (cases, atoms) bool
    inputs: list[str]
    counted: int = 0
    ranked: list[tuple[tuple[int, ...], int, int, float]] | None = None  # (atoms, n, f, p)


def _atoms(columns: Mapping[str, Mapping[str, Any]], n: int, min_support: int):
    conditions: list[Condition] = []
    masks: list[np.ndarray] = []
    seen: set[bytes] = set()

    def add(cond: Condition, mask: np.ndarray) -> None:
        size = int(mask.sum())
        if size < min_support or size >= n:
            return
        key = np.packbits(mask).tobytes()
        if key in seen:  # the same cases under another name (a declared slice equal to a fill)
            return
        seen.add(key)
        conditions.append(cond)
        masks.append(mask)

    for name, col in columns.items():
        if col["kind"] == CATEGORY:
            codes = np.asarray(col["codes"], dtype=np.int64)
            counts = np.bincount(codes[codes >= 0], minlength=len(col["values"]))
            for i in np.flatnonzero(counts >= min_support):
                add(Condition(name, "==", col["values"][i]), codes == i)
            continue
        data = np.array([np.nan if v is None else v for v in col["data"]], dtype=float)
        present = data[~np.isnan(data)]
        distinct = np.unique(present)
        if len(distinct) < 2:
            continue
        cuts = distinct[1:] if len(distinct) <= MAX_DISTINCT_CUTS else np.unique(
            np.quantile(present, QUANTILES, method="higher"))
        with np.errstate(invalid="ignore"):
            for c in cuts[cuts > distinct[0]]:
                value = _builtin(float(c))
                add(Condition(name, "<", value), data < c)
                add(Condition(name, ">=", value), data >= c)
    matrix = np.column_stack(masks) if masks else np.zeros((n, 0), dtype=bool)
    return conditions, matrix


def _cooccurrence(x: np.ndarray) -> np.ndarray:
    """``x.T @ x`` for a boolean matrix, exactly, as popcounts of packed bit columns.

    Bit operations rather than a BLAS product: as fast for these sizes, and immune to
    a multithreaded BLAS crawling on a busy machine.
    """
    bits = np.packbits(x, axis=0).T.copy()  # (atoms, bytes)
    if bits.shape[1] % 8:
        bits = np.pad(bits, ((0, 0), (0, 8 - bits.shape[1] % 8)))
    words = bits.view(np.uint64)
    k = words.shape[0]
    out = np.zeros((k, k), dtype=np.int64)
    for i in range(k):
        out[i, i:] = _popcount(words[i] & words[i:]).sum(axis=1)
    return out


def _popcount(a: np.ndarray) -> np.ndarray:
    count = getattr(np, "bitwise_count", None)
    if count is not None:
        return count(a)
    return _BYTE_BITS[a.view(np.uint8)].reshape(*a.shape, 8).sum(axis=-1)  # numpy < 2.0


_BYTE_BITS = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


class Packed:
    """Case sets as packed bits (eight cases a byte): the masks of thousands of slices stay cheap."""

    def __init__(self, masks: np.ndarray) -> None:
        self.n = masks.shape[0]
        self.atoms = np.packbits(masks, axis=0).T.copy()  # (atoms, bytes)

    def of(self, atoms: Sequence[int]) -> np.ndarray:
        out = self.atoms[atoms[0]].copy()
        for a in atoms[1:]:
            out &= self.atoms[a]
        return out

    def pack(self, mask: np.ndarray) -> np.ndarray:
        return np.packbits(mask)

    def unpack(self, bits: np.ndarray) -> np.ndarray:
        return np.unpackbits(bits, count=self.n).astype(bool)


def count(bits: np.ndarray) -> int:
    return int(_popcount(bits).sum())


def wilson_low(f: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The lower ends of 95% Wilson intervals, vectorised (as :func:`wilson`)."""
    from .stats import Z95

    f, n = np.asarray(f, dtype=float), np.maximum(np.asarray(n, dtype=float), 1)
    p, z2 = f / n, Z95 * Z95
    low = (p + z2 / (2 * n) - Z95 * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))) / (1 + z2 / n)
    return np.where(f == 0, 0.0, np.maximum(low, 0.0))


def enumerate_slices(x: np.ndarray, conditions: Sequence[Condition], min_support: int,
                     subsets: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Every candidate: single atoms and pairs of atoms (smaller than both parts, on different fields).

    Returns the atoms of each candidate as a (k, 2) array (-1 for a single atom), its
    number of cases, and its number of cases in each of ``subsets`` (boolean rows).
    """
    n1 = x.sum(axis=0).astype(np.int64)
    members = [np.column_stack([np.arange(len(n1)), np.full(len(n1), -1)])]
    sizes = [n1]
    counts = [[x[rows].sum(axis=0).astype(np.int64)] for rows in subsets]
    if x.shape[1] > 1:
        i, j = np.triu_indices(x.shape[1], k=1)
        n2 = _cooccurrence(x)[i, j]
        keep = (n2 >= min_support) & (n2 < n1[i]) & (n2 < n1[j]) & _different_fields(conditions, i, j)
        i, j = i[keep], j[keep]
        members.append(np.column_stack([i, j]))
        sizes.append(n2[keep])
        for c, rows in zip(counts, subsets):
            c.append(_cooccurrence(x[rows])[i, j])
    return np.concatenate(members), np.concatenate(sizes), [np.concatenate(c) for c in counts]


def atoms_of(member: np.ndarray) -> tuple[int, ...]:
    return tuple(int(a) for a in member if a >= 0)


def _candidates(test: _Test, q: float, min_support: int, min_effect: float, logfact) -> None:
    """Count the testable candidates of ``test`` and compute p-values of those that could be reported."""
    N, F = len(test.failed), int(test.failed.sum())
    members, n, (f,) = enumerate_slices(test.masks, test.conditions, min_support, [test.failed])
    testable = min_attainable_p(n, F, N, logfact) <= q
    test.counted = int(testable.sum())
    # The failure floor: fewer failures than this cannot give p <= q, whatever the size (Tarone).
    floor = _failure_floor(F, N, q, logfact)
    rest_rate = (F - f) / np.maximum(N - n, 1)
    effect = f / np.maximum(n, 1) - rest_rate
    ranked = np.flatnonzero(testable & (f >= floor) & (effect >= min_effect) & _beats_parts(members, n, f))
    p = hypergeom_sf_many(f[ranked], n[ranked], F, N, logfact)
    # Only p <= q can be rejected, and those rank before every other p: the rest need only be counted.
    ranked, p = ranked[p <= q], p[p <= q]
    test.ranked = [(atoms_of(members[i]), int(n[i]), int(f[i]), float(pv)) for i, pv in zip(ranked.tolist(), p.tolist())]


def _beats_parts(members: np.ndarray, n: np.ndarray, f: np.ndarray) -> np.ndarray:
    """A pair is worth reporting only if it fails more often than each of its parts (SliceLine's pruning).

    Otherwise it is a subset of a part that is at least as weak and larger, which is
    where it would be listed anyway; it still counts in the adjustment.
    """
    singles = members[:, 1] < 0
    rate = f / np.maximum(n, 1)
    single_rate = np.zeros(int(singles.sum()))
    single_rate[members[singles, 0]] = rate[singles]
    out = np.ones(len(n), dtype=bool)
    pairs = ~singles
    i, j = members[pairs, 0], members[pairs, 1]
    out[pairs] = (rate[pairs] > single_rate[i]) & (rate[pairs] > single_rate[j])
    return out


def _different_fields(conditions: Sequence[Condition], i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Pairs on different fields, or opposite numeric cuts of one field (an interval)."""
    field = np.array([c.field for c in conditions], dtype=object)
    op = np.array([c.op for c in conditions], dtype=object)
    same = field[i] == field[j]
    interval = same & (op[i] != op[j]) & np.isin(op[i], ["<", ">="])
    return ~same | interval


def _failure_floor(F: int, N: int, q: float, logfact) -> int:
    for k in range(1, F + 1):
        if hypergeom_sf(k, k, F, N, logfact) <= q:
            return k
    return F + 1


def discover(
    source: Any,
    *,
    q: float = DEFAULT_Q,
    min_support: int = DEFAULT_MIN_SUPPORT,
    min_effect: float = DEFAULT_MIN_EFFECT,
) -> "Discovery":
    """The weak slices of a run: slices failing significantly more often than the rest of their test.

    ``source`` is a :class:`~behavetest.Result` (or a list of them), what
    :func:`behavetest.run` returns, a run document (the ``--behave-json`` file's
    content) or the path of such a file. Results need their case attributes, which
    are recorded when discovery is on (``--behave-discover``, always in ``bt.run``).

    ``q`` is the false-discovery rate controlled over all candidate slices of the
    run (Benjamini-Hochberg), ``min_support`` the fewest cases a slice may have and
    ``min_effect`` how much higher (absolute) its failure rate must be than the rest's.
    """
    if not (isinstance(q, (int, float)) and 0 < q < 1):
        raise BehaveError(f"discover: q must be between 0 and 1 (exclusive), not {q!r}")
    if not (isinstance(min_support, int) and min_support >= 1):
        raise BehaveError(f"discover: min_support must be a positive integer, not {min_support!r}")
    if not (isinstance(min_effect, (int, float)) and 0 <= min_effect < 1):
        raise BehaveError(f"discover: min_effect must be in [0, 1), not {min_effect!r}")
    results = sorted(_results(source), key=lambda r: tuple(str(r.get(k)) for k in ("model", "capability", "nodeid", "name")))
    tests: list[_Test] = []
    skipped = 0
    for r in results:
        table = r.get("case_table")
        if not table:
            skipped += 1
            continue
        failed = np.asarray(table["failed"], dtype=bool)
        N, F = len(failed), int(failed.sum())
        key = {k: r.get(k) for k in ("model", "capability", "nodeid", "name", "type")}
        conditions, masks = _atoms(table["columns"], N, min_support) if 0 < F < N else ([], None)
        tests.append(_Test(key, failed, conditions, masks, list(table.get("failing_inputs") or [])))
    for test in tests:
        if test.conditions:
            _candidates(test, q, min_support, min_effect, log_factorials(len(test.failed)))
    m = sum(t.counted for t in tests)
    flat = [(t, c) for t in tests for c in (t.ranked or [])]
    adjusted = benjamini_hochberg([c[3] for _, c in flat], m) if flat else []
    chosen: dict[int, list[tuple[tuple[int, ...], int, int, float, float]]] = {}
    for (t, c), adj in zip(flat, list(adjusted)):
        if adj <= q:
            chosen.setdefault(id(t), []).append((*c, float(adj)))
    findings = []
    for t in tests:
        if id(t) in chosen:
            findings.extend(_findings(t, chosen[id(t)]))
    return Discovery(findings=findings, candidates=m, tests=len(tests), without_attributes=skipped,
                     q=float(q), min_support=min_support, min_effect=float(min_effect))


def _results(source: Any) -> list[dict[str, Any]]:
    if isinstance(source, (str, Path)):
        try:
            source = json.loads(Path(source).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BehaveError(f"discover: cannot read the run file {source}: {exc}") from None
    if isinstance(source, Mapping) and "tests" not in source and "name" in source:
        return [source]  # one result as a dict
    if isinstance(source, Mapping):
        tests = source.get("tests")
        if not isinstance(tests, list):
            raise BehaveError("discover: a run document needs a 'tests' list (write one with --behave-json)")
        return [t for t in tests if isinstance(t, Mapping)]
    results = getattr(source, "results", None)
    if results is not None:
        source = results
    if hasattr(source, "to_dict") and hasattr(source, "failures"):
        source = [source]
    if isinstance(source, Iterable):
        out = []
        for r in source:
            d = r.to_dict() if hasattr(r, "to_dict") else r
            if not isinstance(d, Mapping):
                raise BehaveError(f"discover: expected results, not {type(r).__name__}")
            out.append(d)
        return out
    raise BehaveError(f"discover: cannot find results in {type(source).__name__}; pass a Result, bt.run's "
                      "output, a run document or a --behave-json file")


def _slice_stats(mask: np.ndarray, failed: np.ndarray) -> dict[str, Any]:
    n, f = int(mask.sum()), int((mask & failed).sum())
    rest_n, rest_f = len(failed) - n, int(failed.sum()) - f
    return {"cases": n, "failures": f, "fail_rate": f / n if n else None, "ci": list(wilson(f, n)),
            "rest_cases": rest_n, "rest_failures": rest_f, "rest_fail_rate": rest_f / rest_n if rest_n else None}


def _findings(test: _Test, chosen: list) -> list[dict[str, Any]]:
    failed = test.failed
    packed = Packed(test.masks)
    failed_bits = packed.pack(failed)
    total_failed = int(failed.sum())
    scores = wilson_low([c[2] for c in chosen], [c[1] for c in chosen]).tolist()
    items = [candidate_item(test.conditions, packed, atoms, score, n=n, p=p, p_adjusted=adj)
             for (atoms, n, f, p, adj), score in zip(chosen, scores)]
    heads = group(items, failed_bits, lambda bits: hypergeom_sf(count(bits & failed_bits), count(bits),
                                                                total_failed, len(failed)))
    out = []
    for rank, head in enumerate(heads, 1):
        mask = packed.unpack(head["mask"])
        entry = {**test.key, "rank": rank, "slice": head["text"],
                 "predicate": [c.to_dict() for c in head["conditions"]],
                 **_slice_stats(mask, failed), "p": head["p"], "p_adjusted": head["p_adjusted"],
                 "examples": _examples(test, mask),
                 "related": related_entries(head, lambda m: {"failures": count(m & failed_bits)}),
                 "related_count": head["related_count"]}
        entry["fail_rate"] = entry["failures"] / entry["cases"]
        out.append(entry)
    return out


def candidate_item(conditions: Sequence[Condition], packed: Packed, atoms: tuple[int, ...], score: float, *,
                   n: int, **extra: Any) -> dict[str, Any]:
    """A significant slice for :func:`group`; its ``mask`` is packed (see :class:`Packed`)."""
    return _Item(conditions=tuple(conditions[a] for a in atoms), mask=packed.of(atoms), score=score, n=n,
                 atoms=atoms, **extra)


class _Item(dict):
    """A slice under consideration; its text is made only when shown (thousands may be significant)."""

    def __missing__(self, key: str) -> Any:
        if key == "text":
            self["text"] = conjunction_text(self["conditions"])
            return self["text"]
        raise KeyError(key)


def group(items: list[dict[str, Any]], key_rows: np.ndarray, p_of: Any) -> list[dict[str, Any]]:
    """Significant slices as findings: ranked by score; one sharing ``key_rows`` cases with a better one goes under it.

    Masks and ``key_rows`` are packed bits (:class:`Packed`).

    "Sharing" is with the finding's own cases or with those of a slice already under it,
    so the parts of one weak region end up in one finding even when they are disjoint.

    Findings differing only in one categorical value are then merged (``p_of(mask)``
    gives the merged slice's raw p-value).
    """
    items = sorted(items, key=lambda d: (-d["score"], len(d["conditions"]), -d["n"], d["atoms"]))
    heads: list[dict[str, Any]] = []
    for item in items:
        keys = item["mask"] & key_rows
        for head in heads:
            if (keys & head["covered"]).any():
                head["related_count"] += 1
                head["covered"] |= keys
                if len(head["related"]) < RELATED:
                    head["related"].append((_relation(item["mask"], head["mask"]), item))
                break
        else:
            item["related"], item["related_count"], item["covered"] = [], 0, keys.copy()
            heads.append(item)
    return _merge_values(heads, p_of)


def related_entries(head: Mapping[str, Any], counts: Any) -> list[dict[str, Any]]:
    return [{"relation": rel, "slice": it["text"], "predicate": [c.to_dict() for c in it["conditions"]],
             "cases": count(it["mask"]), **counts(it["mask"]), "p_adjusted": it["p_adjusted"]}
            for rel, it in head["related"]]


def _relation(mask: np.ndarray, head: np.ndarray) -> str:
    if not (mask & ~head).any():
        return "nested"
    if not (head & ~mask).any():
        return "contains"
    return "overlaps"


def _merge_values(heads: list[dict[str, Any]], p_of: Any) -> list[dict[str, Any]]:
    """Findings that differ only in the value of one categorical field become one ``field in {...}`` finding."""
    groups: dict[tuple, list[int]] = {}
    for idx, head in enumerate(heads):
        for c in head["conditions"]:
            if c.op == "==":
                others = tuple(sorted((str(o) for o in head["conditions"] if o is not c)))
                groups.setdefault((c.field, others), []).append(idx)
    merged_into: dict[int, int] = {}
    out: list[dict[str, Any]] = []
    for (field, _), idxs in sorted(groups.items(), key=lambda kv: min(kv[1])):
        idxs = [i for i in idxs if i not in merged_into]
        if len(idxs) < 2:
            continue
        parts = [heads[i] for i in idxs]
        others = [c for c in parts[0]["conditions"] if not (c.field == field and c.op == "==")]
        values = tuple(next(c.value for c in p["conditions"] if c.field == field and c.op == "==") for p in parts)
        conds = (*others, Condition(field, "in", values))
        mask = np.bitwise_or.reduce([p["mask"] for p in parts])
        related = [("part", p) for p in parts] + [r for p in parts for r in p["related"]]
        count = len(parts) + sum(p["related_count"] for p in parts)
        head = {"conditions": conds, "mask": mask, "text": conjunction_text(conds), "related": related[:RELATED],
                "related_count": count,
                "p": p_of(mask),
                "p_adjusted": max(p["p_adjusted"] for p in parts), "position": min(idxs)}
        for i in idxs:
            merged_into[i] = len(out)
        out.append(head)
    for idx, head in enumerate(heads):
        if idx not in merged_into:
            head["position"] = idx
            out.append(head)
    out.sort(key=lambda h: h["position"])
    return out


def _examples(test: _Test, mask: np.ndarray) -> list[str]:
    rows = np.flatnonzero(test.failed)
    inside = np.flatnonzero(mask[rows])[:EXAMPLES]
    return [test.inputs[i] for i in inside.tolist() if i < len(test.inputs)]


@dataclass
class Discovery:
    """The weak slices found in a run (:func:`discover`), with the settings that found them."""

    findings: list[dict[str, Any]]
    candidates: int
    tests: int
    without_attributes: int
    q: float
    min_support: int
    min_effect: float

    def to_dict(self) -> dict[str, Any]:
        return {"q": self.q, "min_support": self.min_support, "min_effect": self.min_effect,
                "candidates": self.candidates, "tests": self.tests, "without_attributes": self.without_attributes,
                "findings": self.findings}

    def __len__(self) -> int:
        return len(self.findings)

    def __str__(self) -> str:
        return render_discovery(self.to_dict())

    def _repr_html_(self) -> str:
        from html import escape

        head = "".join(f"<th>{h}</th>" for h in ("test", "slice", "failed", "rate (95% CI)", "rest", "p adj."))
        rows = []
        for f in self.findings:
            low, high = f["ci"]
            cells = (f["name"], f["slice"], f"{f['failures']}/{f['cases']}",
                     f"{f['fail_rate']:.1%} ({low:.1%}-{high:.1%})", _rate(f["rest_fail_rate"]), _p(f["p_adjusted"]))
            rows.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")
        return f"<p>{escape(settings_line(self.to_dict()))}</p><table><tr>{head}</tr>{''.join(rows)}</table>"


def slice_line(finding: Mapping[str, Any]) -> str:
    """One line for a finding: the slice, its failures, rate and interval against the rest, adjusted p."""
    low, high = finding["ci"]
    rest_text = _rate(finding.get("rest_fail_rate"))
    more = f" (+{finding['related_count']} related)" if finding.get("related_count") else ""
    return (f"{finding['slice']}: {finding['failures']}/{finding['cases']} failed "
            f"({finding['fail_rate']:.1%}, 95% CI {low:.1%}-{high:.1%}) vs {rest_text} of the other "
            f"{finding['rest_cases']}, p_adj={_p(finding['p_adjusted'])}{more}")


def _rate(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.1%}"


def settings_line(discovery: Mapping[str, Any]) -> str:
    found = len(discovery["findings"])
    return (f"{found} weak slice{'' if found == 1 else 's'} among {discovery['candidates']} candidate slices of "
            f"{discovery['tests']} tests (Benjamini-Hochberg, false-discovery rate q={discovery['q']:g}; "
            f"at least {discovery['min_support']} cases and {discovery['min_effect']:.0%} above the rest)")


def render_discovery(discovery: Mapping[str, Any], *, per_capability: int = 5) -> str:
    """The terminal's "weak slices" section: per model and capability, one line per finding."""
    lines = [f"weak slices: {settings_line(discovery)}"]
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for f in discovery["findings"]:
        groups.setdefault((f["model"], f["capability"]), []).append(f)
    for (model, capability), found in sorted(groups.items()):
        lines.append(f"  {capability} ({model})")
        for f in found[:per_capability]:
            lines.append(f"    {f['name']}: {slice_line(f)}")
        if len(found) > per_capability:
            lines.append(f"    ... and {len(found) - per_capability} more (see the JSON or HTML report)")
    if discovery.get("without_attributes"):
        lines.append(f"  ({discovery['without_attributes']} results without case attributes were not searched)")
    return "\n".join(lines)


def _p(p: float) -> str:
    return "<1e-300" if p <= 0 else (f"{p:.2g}" if p < 0.001 else f"{p:.3f}")
