"""Slice predicates over case columns: conditions such as ``adj=helpful`` or ``age<25``, and their conjunctions.

The machine-readable form (JSON report, suite files) is a list of conditions,
each ``{"field": ..., "op": ..., "value": ...}`` with ``op`` one of ``==``,
``in`` (a list of values), ``<`` and ``>=`` (numbers). A case belongs to the slice
when it meets every condition; a case whose field is missing meets none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from .._errors import DeclarationError
from .features import CATEGORY

OPS = ("==", "in", "<", ">=")


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "op": self.op, "value": list(self.value) if self.op == "in" else self.value}

    def __str__(self) -> str:
        if self.op == "==":
            return f"{self.field}={_show(self.value)}"
        if self.op == "in":
            return f"{self.field} in {{{', '.join(_show(v) for v in self.value)}}}"
        return f"{self.field}{self.op}{_show(self.value)}"

    def mask(self, columns: Mapping[str, Mapping[str, Any]], n: int) -> np.ndarray:
        col = columns.get(self.field)
        if col is None:
            return np.zeros(n, dtype=bool)
        if col["kind"] == CATEGORY:
            wanted = list(self.value) if self.op == "in" else [self.value]
            if self.op not in ("==", "in"):
                raise DeclarationError(f"slice condition {self}: {self.field!r} is categorical; use == or in")
            hits = [i for i, v in enumerate(col["values"]) if any(_same(v, w) for w in wanted)]
            return np.isin(np.asarray(col["codes"], dtype=np.int64), hits)
        data = np.array([np.nan if v is None else v for v in col["data"]], dtype=float)
        with np.errstate(invalid="ignore"):
            if self.op == "<":
                return data < float(self.value)
            if self.op == ">=":
                return data >= float(self.value)
            wanted = [float(w) for w in (self.value if self.op == "in" else [self.value])]
            return np.isin(data, wanted)


def _same(a: Any, b: Any) -> bool:
    return a == b or str(a) == str(b)


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def parse_conditions(spec: Any, where: str) -> tuple[Condition, ...]:
    """Conditions from their machine-readable form (a list of field/op/value mappings)."""
    if not isinstance(spec, (list, tuple)) or not spec:
        raise DeclarationError(f"{where}: 'where' must be a non-empty list of conditions, "
                               "e.g. [{field: adj, op: '==', value: helpful}]")
    out = []
    for item in spec:
        if not isinstance(item, Mapping) or set(item) != {"field", "op", "value"}:
            raise DeclarationError(f"{where}: each condition is a mapping with exactly field, op and value, not {item!r}")
        field, op, value = item["field"], item["op"], item["value"]
        if not isinstance(field, str) or not field:
            raise DeclarationError(f"{where}: a condition's field must be a non-empty string, not {field!r}")
        if op not in OPS:
            raise DeclarationError(f"{where}: unknown op {op!r} in {item!r}; use one of {', '.join(OPS)}")
        if op == "in":
            if not isinstance(value, (list, tuple)) or not value:
                raise DeclarationError(f"{where}: op 'in' needs a non-empty list of values, not {value!r}")
            value = tuple(value)
        elif op in ("<", ">=") and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise DeclarationError(f"{where}: op {op!r} needs a number, not {value!r}")
        out.append(Condition(field, op, value))
    return tuple(out)


def conjunction_text(conditions: Sequence[Condition]) -> str:
    return " and ".join(str(c) for c in conditions)


class FieldSlice:
    """A declared slice defined by conditions on case attributes (what ``behavetest slices save`` writes).

    Unlike a predicate function it is judged on the case's columns (template fills,
    row fields, text facts), not on the raw input.
    """

    def __init__(self, conditions: Sequence[Condition]) -> None:
        self.conditions = tuple(conditions)

    @classmethod
    def from_spec(cls, spec: Any, where: str) -> "FieldSlice":
        return cls(parse_conditions(spec, where))

    def mask(self, columns: Mapping[str, Mapping[str, Any]], n: int) -> np.ndarray:
        out = np.ones(n, dtype=bool)
        for c in self.conditions:
            out &= c.mask(columns, n)
        return out

    def __call__(self, value: Any) -> bool:
        raise DeclarationError(f"slice {self} is judged on case attributes, not on a single input")

    def __repr__(self) -> str:
        return f"FieldSlice({conjunction_text(self.conditions)})"

    __str__ = lambda self: conjunction_text(self.conditions)  # noqa: E731
