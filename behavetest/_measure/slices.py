"""Slices: named subsets of a test's cases, each with its own failure rate.

Per test: ``slices={"short": lambda x: len(x.split()) < 8}``. For the whole
session: ``bt.slice("has_negation", predicate)`` in a conftest. Template cases are
sliced by the lexicon attributes of their fills (``first_name.gender=female``) and
by the value of placeholders with few values (``adj=great``).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import numpy as np

from .._errors import DeclarationError
from .stats import wilson

Predicate = Callable[[Any], bool]
_session: dict[str, Predicate] = {}
MAX_VALUE_SLICES = 12


def slice(name: str, predicate: Predicate) -> Predicate:  # noqa: A001 - the public name users expect
    """Register a slice applied to every behavioral test of the session; returns ``predicate``.

    ``bt.slice("has_negation", lambda text: " not " in f" {text} ")``. A predicate
    gets each original input and returns True when the input belongs to the slice.
    Inputs of other kinds (dict rows in a text predicate) should return False.
    """
    _check_name(name)
    if not callable(predicate):
        raise DeclarationError(f"bt.slice({name!r}, predicate): predicate must be callable")
    _session[name] = predicate
    return predicate


def session_slices() -> dict[str, Predicate]:
    return dict(_session)


def _check_name(name: Any) -> None:
    if not isinstance(name, str) or not name.strip():
        raise DeclarationError(f"a slice needs a non-empty string name, not {name!r}")


def declared_slices(slices: Mapping[str, Predicate] | None) -> dict[str, Predicate]:
    """The session's slices and a test's own ``slices=``, checked."""
    declared = dict(_session)
    if slices is not None:
        if not isinstance(slices, Mapping):
            raise DeclarationError(f"slices= must be a dict of name -> predicate, not {type(slices).__name__}")
        declared.update(slices)
    for name, predicate in declared.items():
        _check_name(name)
        if not callable(predicate):
            raise DeclarationError(f"slice {name!r}: the predicate must be callable, not {predicate!r}")
    return declared


def membership(inputs: list, declared: Mapping[str, Predicate], source: Any,
               columns: Mapping[str, Any] | None = None) -> dict[str, np.ndarray]:
    """For each slice, which inputs belong to it (declared slices, then template slices).

    A slice declared by conditions on case attributes (a ``FieldSlice``, as
    ``behavetest slices save`` writes them) is judged on ``columns``.
    """
    from .predicates import FieldSlice

    out: dict[str, np.ndarray] = {}
    for name, predicate in declared.items():
        if isinstance(predicate, FieldSlice):
            out[name] = predicate.mask(columns or {}, len(inputs))
            continue
        out[name] = np.fromiter((_member(name, predicate, x) for x in inputs), dtype=bool, count=len(inputs))
    out.update(template_slices(source))
    return out


def _member(name: str, predicate: Predicate, value: Any) -> bool:
    try:
        return bool(predicate(value))
    except Exception as exc:
        raise DeclarationError(
            f"slice {name!r} raised {type(exc).__name__}: {exc}\n  on input: {value!r}\n"
            "  a slice predicate must return True or False for every input of the tests it applies to"
        ) from exc


def template_slices(source: Any) -> dict[str, np.ndarray]:
    """Slices of template cases: by lexicon attributes of each fill, and by values of small placeholders."""
    cases = getattr(source, "cases", None)
    if cases is None:
        return {}
    keys: list[list[str]] = []
    for case in cases:
        names = []
        for placeholder, attributes in sorted((getattr(case, "meta", None) or {}).items()):
            for attribute, value in sorted(attributes.items()):
                names.append(f"{placeholder}.{attribute}={value}")
        keys.append(names)
    fills = [getattr(case, "fills", None) or {} for case in cases]
    for placeholder in sorted({p for f in fills for p in f}):
        values = {str(f[placeholder]) for f in fills if placeholder in f}
        if 1 < len(values) <= MAX_VALUE_SLICES:
            for names, f in zip(keys, fills):
                if placeholder in f:
                    names.append(f"{placeholder}={f[placeholder]}")
    out: dict[str, np.ndarray] = {}
    for i, names in enumerate(keys):
        for name in names:
            out.setdefault(name, np.zeros(len(keys), dtype=bool))[i] = True
    return out


def slice_counts(members: dict[str, np.ndarray], applicable: np.ndarray, failed: np.ndarray) -> dict[str, dict[str, Any]]:
    """Per slice: applicable cases, failures, failure rate and 95% Wilson interval (plain builtins)."""
    out = {}
    for name in sorted(members):
        inside = members[name] & applicable
        cases, failures = int(inside.sum()), int((inside & failed).sum())
        out[name] = {
            "cases": cases,
            "failures": failures,
            "fail_rate": failures / cases if cases else None,
            "ci": list(wilson(failures, cases)),
        }
    return out
