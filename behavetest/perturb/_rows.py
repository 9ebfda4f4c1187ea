"""Reading and writing one column of a tabular row (dict or pandas Series), and classifying its value."""

from __future__ import annotations

import copy
import math
from typing import Any, Callable, Hashable

import numpy as np

from .._errors import DeclarationError
from .._model.keys import _canonical


# -- rows --------------------------------------------------------------------


def _is_series(row: Any) -> bool:
    return (
        getattr(row, "ndim", None) == 1
        and hasattr(row, "index")
        and callable(getattr(row, "to_dict", None))
        and not hasattr(row, "columns")
    )


def _access(row: Any, column: Hashable, fname: str) -> tuple[Any, Callable[[Any], Any]]:
    """The row's value in ``column`` and a function building a copy with a new value there."""
    if isinstance(row, dict) or (hasattr(row, "keys") and hasattr(row, "__getitem__") and not _is_series(row)):
        try:
            present = column in row
        except TypeError:
            present = False
        if not present:
            raise DeclarationError(
                f"bt.perturb.{fname}: column {column!r} is not in the row; its columns are {list(row)!r}"
            )

        def rebuild(new: Any) -> Any:
            out = copy.copy(row) if isinstance(row, dict) else dict(row)
            out[column] = new
            return out

        return row[column], rebuild
    if _is_series(row):
        if column not in row.index:
            raise DeclarationError(
                f"bt.perturb.{fname}: column {column!r} is not in the row; its columns are {list(row.index)!r}"
            )

        def rebuild_series(new: Any) -> Any:
            out = row.copy()
            try:
                out[column] = new
            except (TypeError, ValueError):
                out = None
            if out is None or out.dtype != row.dtype:  # never upcast the other entries silently
                out = row.astype(object)
                out[column] = new
            return out

        return row[column], rebuild_series
    raise DeclarationError(
        f"bt.perturb.{fname} perturbs table rows (dicts or pandas Series), but an input is "
        f"{type(row).__name__}: {_short(row)}"
    )


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# -- values ------------------------------------------------------------------


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, (float, np.floating)):
        return bool(np.isnan(value))
    return type(value).__name__ in ("NAType", "NaTType")


def _kind(value: Any) -> str:
    """``missing``, ``bool``, ``int``, ``float``, ``str`` or ``other``."""
    if _is_missing(value):
        return "missing"
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, np.integer)):
        return "int"
    if isinstance(value, (float, np.floating)):
        return "float"
    if isinstance(value, str):
        return "str"
    return "other"


def _number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _numeric(value: Any, column: Hashable, fname: str) -> str | None:
    """``"int"`` or ``"float"`` for a finite number; ``None`` (not applicable) for a missing one."""
    kind = _kind(value)
    if kind == "missing":
        return None
    if kind not in ("int", "float"):
        hint = "use bt.perturb.swap or bt.perturb.set_value" if kind in ("bool", "str") else "it is not a number"
        raise DeclarationError(
            f"bt.perturb.{fname}({column!r}, ...) changes numbers, but the column holds "
            f"{type(value).__name__} values such as {_short(value)}; {hint}"
        )
    if kind == "float" and not math.isfinite(value):
        return None
    return kind


def _round(x: float) -> int:
    """Round halves away from zero (Python's ``round`` goes to even, so 0.5 would not change an int)."""
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def _same(a: Any, b: Any) -> bool:
    """Equal as model inputs: the cache's notion (``1 == 1.0 == numpy.int64(1)``, ``True`` is not ``1``)."""
    if _is_missing(a) and _is_missing(b):
        return True
    return _canonical(a) == _canonical(b)
