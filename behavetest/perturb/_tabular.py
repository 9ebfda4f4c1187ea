"""Tabular perturbations: change one column of a row (a dict, or a pandas Series).

Rows are dicts such as ``{"age": 35, "sex": "female", "amount": 1200.0}`` (any
mapping; a dict subclass comes back as the same subclass, any other mapping as a
plain ``dict``) or pandas ``Series`` rows (``df.iloc[i]``), which come back as a
``Series`` with the same index, name and, where the new value fits, dtype (else
the copy is ``object`` dtype). Every perturbation changes exactly one column and
keeps every other entry as it was; a draw that would leave the row unchanged is
never produced (it is excluded, and a row nothing can change is not applicable).

Values keep their type: an ``int`` (or ``numpy.int64``) column stays that type,
rounded halves away from zero; a ``float`` column stays ``float`` (or
``numpy.float32``...). ``shift``, ``scale`` and ``noise`` are numeric: on a
``bool`` or ``str`` value they raise :class:`behavetest.DeclarationError`
(use ``swap`` or ``set_value``), and on a missing value (``None``, NaN, ``pd.NA``)
or an infinite one they do not apply. Note that pandas turns the row of an
all-numeric DataFrame into a float Series, so an integer column read that way is
already a float.

Declared bounds ``min``/``max`` clip the result; a row whose value already lies
outside them is not applicable, and draws towards a bound the value sits on are
excluded (clipping would make them no-ops).

pandas is never imported here: Series rows are recognised by their interface.
"""

from __future__ import annotations

import builtins
import math
from statistics import NormalDist
from typing import Any, Callable, Hashable, Sequence

import numpy as np
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from .._errors import DeclarationError
from .._model.keys import _canonical
from ._perturbation import Perturbation, rotated
from ._rows import _access, _is_missing, _kind, _number, _numeric, _round, _same, _short

__all__ = ["noise", "scale", "set_value", "shift", "swap"]

# Amounts are drawn as a fraction in [0, 1] on a grid of 2**24 steps, from three
# bytes. Unlike ``st.floats(0, 1)`` (which shrinks to "simple" values such as 1.0)
# the fraction shrinks towards 0, to within 1/256 (the shrinker lowers the first
# byte it can), and unlike one large ``st.integers`` (which favours tiny values)
# it is drawn close to uniformly.
_byte = st.integers(0, 255)
_STEPS = (1 << 24) - 1


def _unit(b: tuple) -> float:
    return ((b[0] << 16) | (b[1] << 8) | b[2]) / _STEPS


_fraction = st.tuples(_byte, _byte, _byte).map(_unit)
_NOISE_TRUNCATION = 4.0  # noise is a normal truncated at this many standard deviations
_NORMAL = NormalDist()
_max = builtins.max  # ``min`` and ``max`` are parameter names below


# -- parameters ---------------------------------------------------------------


def _real(value: Any) -> bool:
    return _number(value) and not math.isnan(float(value))


def _range(value: Any, fname: str, what: str, column: Hashable) -> tuple[float, float]:
    """An exact amount ``v`` as ``(v, v)``, or a ``(low, high)`` range, checked."""
    if _real(value) and math.isfinite(float(value)):
        return float(value), float(value)
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(
        _real(v) and math.isfinite(float(v)) for v in value
    ):
        low, high = float(value[0]), float(value[1])
        if low <= high:
            return low, high
    raise DeclarationError(
        f"bt.perturb.{fname}({column!r}, {what}): {what} must be a finite number or a (low, high) "
        f"range with low <= high, not {value!r}"
    )


class _Bounds:
    """Declared ``min``/``max`` of a column, checked, and their use on one value."""

    def __init__(self, low: Any, high: Any, fname: str, column: Hashable) -> None:
        for name, bound in (("min", low), ("max", high)):
            if bound is not None and not _real(bound):
                raise DeclarationError(f"bt.perturb.{fname}({column!r}, ...): {name}= must be a number, not {bound!r}")
        self.given = (low, high)
        self.low = None if low is None else float(low)
        self.high = None if high is None else float(high)
        if self.low is not None and self.high is not None and self.low > self.high:
            raise DeclarationError(f"bt.perturb.{fname}({column!r}, ...): min={low!r} is greater than max={high!r}")

    def key(self) -> tuple:
        return (self.low, self.high)

    def suffix(self) -> str:
        parts = [f"{n}={v!r}" for n, v in zip(("min", "max"), self.given) if v is not None]
        return "".join(", " + p for p in parts)

    def effective(self, value: Any, kind: str) -> tuple[float, float]:
        """The bounds for this value: whole numbers inside them for ints, and the dtype's range."""
        low = -math.inf if self.low is None else self.low
        high = math.inf if self.high is None else self.high
        if kind == "int":
            if math.isfinite(low):
                low = math.ceil(low)
            if math.isfinite(high):
                high = math.floor(high)
            if isinstance(value, np.integer):
                info = np.iinfo(type(value))
                low, high = max(low, int(info.min)), min(high, int(info.max))
        return low, high


Magnitude = Callable[[float], float]


def _part(low: float, high: float, *, whole: bool) -> Magnitude | None:
    """Magnitudes in [low, high] (0 <= low) as a function of a fraction in [0, 1], increasing.

    With ``whole``, whole numbers of at least 1: those the real magnitudes in the
    range round to. ``None`` when there is no such magnitude. (A magnitude of 0
    from a float range that starts at 0 is left to the no-change filter.)
    """
    if low > high:
        return None
    if whole:
        first, last = _max(1, _round(low)), _round(high)
        if first > last:
            return None
        return lambda t: float(first + math.floor(t * (last - first) + 0.5))
    if high <= 0:
        return None
    if low == high:
        return lambda t: low
    digits = _digits(high - low)
    return lambda t: _clamp(round(low + (high - low) * t, digits), low, high)


def _digits(width: float) -> int:
    """Decimal places that keep about five significant digits of ``width``: readable amounts."""
    return 4 - math.floor(math.log10(width))


def _clamp(x: float, low: float, high: float) -> float:
    return low if x < low else high if x > high else x


def _signed(up: Magnitude | None, down: Magnitude | None) -> SearchStrategy[float] | None:
    """Signed amounts: a sign (positive first, which is what shrinking tends to) and a magnitude.

    One flat draw (a boolean and three bytes) rather than ``st.one_of``: generating
    is dominated by Hypothesis's per-draw overhead, so fewer layers are faster.
    """
    if up is not None and down is not None:
        return st.tuples(st.booleans(), _byte, _byte, _byte).map(
            lambda d: -down(_unit(d[1:])) if d[0] else up(_unit(d[1:]))
        )
    if up is not None:
        return _fraction.map(up)
    if down is not None:
        return _fraction.map(lambda t: -down(t))
    return None


class _Exact:
    """An amount fixed by the declaration: its result is decided when the strategy is built."""

    __slots__ = ("amount",)

    def __init__(self, amount: float) -> None:
        self.amount = amount


Amounts = Callable[[Any, str, bool, bool], "SearchStrategy[float] | _Exact | None"]


def _numeric_perturbation(
    fname: str,
    column: Hashable,
    bounds: _Bounds,
    amounts: Amounts,
    apply: Callable[[Any, str, float], float],
    *,
    name: str,
    key: Hashable,
) -> Perturbation:
    """The common frame of shift, scale and noise.

    ``amounts(value, kind, up, down)`` gives the amounts to draw from (a strategy,
    an :class:`_Exact` amount, or ``None``) given whether the bounds leave room to
    go up and down; ``apply(value, kind, amount)`` is the new value before
    rounding and clipping (a whole number already when it can be one).
    """

    def strategy(row: Any) -> SearchStrategy[Any] | None:
        value, rebuild = _access(row, column, fname)
        kind = _numeric(value, column, fname)
        if kind is None:
            return None
        low, high = bounds.effective(value, kind)
        if not low <= value <= high:
            return None
        drawn = amounts(value, kind, value < high, value > low)
        if drawn is None:
            return None

        def finish(amount: float) -> Any:
            return _finish(value, kind, apply(value, kind, amount), low, high)

        def changed(new: Any) -> bool:
            return not _same(new, value)

        if isinstance(drawn, _Exact):
            new = finish(drawn.amount)
            return st.just(rebuild(new)) if changed(new) else None
        # The amounts already avoid no-ops; the filter catches float rounding (1e20 + 1.0).
        return drawn.map(finish).filter(changed).map(rebuild)

    return Perturbation(strategy, name=name, key=key)


def _finish(value: Any, kind: str, raw: float, low: float, high: float) -> Any:
    """``raw`` rounded (int columns), clipped to the bounds and cast to the value's own type."""
    new: float | int = _round(raw) if kind == "int" and not isinstance(raw, int) else raw
    if new < low:
        new = low
    elif new > high:
        new = high
    if kind == "int":
        new = int(new)
    try:
        out = type(value)(new)
    except (OverflowError, ValueError):
        return value  # e.g. beyond float32's range: treated as no change, so excluded
    if kind == "float" and not math.isfinite(out):
        return value
    if isinstance(out, np.floating):  # float32 may round a clipped value past its bound
        if float(out) > high:
            out = np.nextafter(out, type(out)(-np.inf))
        elif float(out) < low:
            out = np.nextafter(out, type(out)(np.inf))
    return out


def _fmt(value: Any) -> str:
    return repr(tuple(value)) if isinstance(value, list) else repr(value)


# -- shift, scale, noise -------------------------------------------------------------


def shift(
    column: Hashable,
    by: float | tuple[float, float],
    *,
    min: float | None = None,  # noqa: A002 - the names users expect
    max: float | None = None,  # noqa: A002
) -> Perturbation:
    """Add an amount to a numeric column: ``shift("income", 1000)``.

    ``{"income": 52000.0, "sex": "female"}`` becomes ``{"income": 53000.0, "sex":
    "female"}``. ``by`` is an exact amount or a ``(low, high)`` range that
    Hypothesis draws an amount from (close to uniformly, on a grid of 2**24
    steps, never 0): ``shift("age", (-5, 5), min=18, max=99)``. On an integer
    column the amount is rounded to a whole number (halves away from zero); an
    amount that rounds to 0 does not apply. Results are clipped to
    ``[min, max]``.

    Shrinking: towards the amount smallest in magnitude (the low end of a
    positive range, the high end of a negative one, +1 or a tiny positive amount
    for a range around 0), positive amounts before negative ones.
    """
    low, high = _range(by, "shift", "by", column)
    if low == high == 0:
        raise DeclarationError(f"bt.perturb.shift({column!r}, by=0) would never change anything")
    bounds = _Bounds(min, max, "shift", column)

    def amounts(value: Any, kind: str, up: bool, down: bool):
        if low == high:
            return _Exact(low) if (up if low > 0 else down) else None
        whole = kind == "int"
        pos = _part(_max(low, 0.0), high, whole=whole) if high > 0 and up else None
        neg = _part(_max(-high, 0.0), -low, whole=whole) if low < 0 and down else None
        return _signed(pos, neg)

    def apply(value: Any, kind: str, amount: float) -> float:
        return int(value) + _round(amount) if kind == "int" else value + amount

    return _numeric_perturbation(
        "shift", column, bounds, amounts, apply,
        name=f"shift({column!r}, {_fmt(by)}{bounds.suffix()})",
        key=("tabular.shift", column, low, high, bounds.key()),
    )


def scale(
    column: Hashable,
    factor: float | tuple[float, float],
    *,
    min: float | None = None,  # noqa: A002
    max: float | None = None,  # noqa: A002
) -> Perturbation:
    """Multiply a numeric column: ``scale("amount", 1.5)``, ``scale("amount", (0.5, 2.0), max=1e6)``.

    ``{"amount": 1200.0}`` becomes ``{"amount": 1800.0}``. ``factor`` is an exact
    factor or a ``(low, high)`` range that Hypothesis draws one from (close to
    uniformly, never exactly 1). On an integer column the product is rounded
    (halves away from zero); factors too close to 1 to change the rounded value
    are not drawn, and a 0 is never changed (not applicable). Results are
    clipped to ``[min, max]``.

    Shrinking: towards the factor closest to 1, i.e. the smallest relative
    change (the low end of a range above 1, the high end of a range below 1),
    factors above 1 before factors below 1.
    """
    low, high = _range(factor, "scale", "factor", column)
    if low == high == 1:
        raise DeclarationError(f"bt.perturb.scale({column!r}, factor=1) would never change anything")
    bounds = _Bounds(min, max, "scale", column)

    def amounts(value: Any, kind: str, up: bool, down: bool):
        if value == 0:
            return None
        grows, shrinks = (up, down) if value > 0 else (down, up)  # what factors above / below 1 do
        if low == high:
            return _Exact(low) if (grows if low > 1 else shrinks) else None
        # Deviations d = factor - 1; on an int column |value * d| >= 0.5 is needed to change it.
        least = 0.5 / abs(float(value)) if kind == "int" else 0.0
        pos = _part(_max(low - 1, least), high - 1, whole=False) if high > 1 and grows else None
        neg = _part(_max(1 - high, least), 1 - low, whole=False) if low < 1 and shrinks else None
        return _signed(pos, neg)

    def apply(value: Any, kind: str, amount: float) -> float:
        if low == high:
            return value * amount  # the exact factor, not 1 + (factor - 1)
        return (int(value) if kind == "int" else value) * (1 + amount)

    return _numeric_perturbation(
        "scale", column, bounds, amounts, apply,
        name=f"scale({column!r}, {_fmt(factor)}{bounds.suffix()})",
        key=("tabular.scale", column, low, high, bounds.key()),
    )


def noise(
    column: Hashable,
    sd: float,
    *,
    min: float | None = None,  # noqa: A002
    max: float | None = None,  # noqa: A002
) -> Perturbation:
    """Add Gaussian-like noise with standard deviation ``sd``: ``noise("income", 500.0, min=0)``.

    ``{"income": 52000.0}`` may become ``{"income": 52311.8}``. The noise is
    ``sd * z`` where ``z`` is a standard normal truncated at +-4, drawn by
    Hypothesis as the inverse normal CDF of a drawn fraction, so the same seed
    gives the same noise. Hypothesis favours edge cases, so the draws are only
    roughly normal (somewhat more very small and near-4-sd noise than a normal
    has). Zero noise is never drawn. On an integer column the noise is rounded
    (halves away from zero) and drawn conditioned on changing the value
    (``|noise| >= 0.5``); when ``sd`` is too small for that to happen within
    the truncation (``sd < 0.125``) integer rows are not applicable. Results are
    clipped to ``[min, max]``.

    Shrinking: towards the smallest noise in magnitude (positive before
    negative); on an integer column towards a change of +1.
    """
    if not (_real(sd) and 0 < float(sd) < math.inf):
        raise DeclarationError(f"bt.perturb.noise({column!r}, sd): sd must be a positive finite number, not {sd!r}")
    sd = float(sd)
    bounds = _Bounds(min, max, "noise", column)
    top = math.erf(_NOISE_TRUNCATION / math.sqrt(2))  # P(|z| <= truncation)
    digits = _digits(sd) - 1  # noise to about four significant digits of sd

    def amounts(value: Any, kind: str, up: bool, down: bool):
        # Magnitudes come from a fraction u in (least, top]: |z| = inverse CDF of (1 + u) / 2.
        least = 0.0
        if kind == "int":
            if 0.5 / sd >= _NOISE_TRUNCATION:
                return None
            least = math.erf(0.5 / sd / math.sqrt(2))  # P(|noise| < 0.5): those would round to no change

        def magnitude(t: float) -> float:
            return round(sd * _NORMAL.inv_cdf((1 + least + (top - least) * t) / 2), digits)

        return _signed(magnitude if up else None, magnitude if down else None)

    def apply(value: Any, kind: str, amount: float) -> float:
        return int(value) + _round(amount) if kind == "int" else value + amount

    return _numeric_perturbation(
        "noise", column, bounds, amounts, apply,
        name=f"noise({column!r}, {sd!r}{bounds.suffix()})",
        key=("tabular.noise", column, sd, bounds.key()),
    )


# -- set_value, swap ---------------------------------------------------------------


def _values(values: Any, fname: str, column: Hashable) -> tuple:
    """The declared values, in order, duplicates removed."""
    if isinstance(values, (set, frozenset)):
        raise DeclarationError(
            f"bt.perturb.{fname}({column!r}, values): give a list, not a set (the order decides "
            "which value examples shrink to, and a set's order changes between runs)"
        )
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        values = [values]
    out, seen = [], set()
    for v in values.tolist() if isinstance(values, np.ndarray) else values:
        try:
            k = _canonical(v)
            hash(k)
        except TypeError:
            raise DeclarationError(f"bt.perturb.{fname}({column!r}, values): {v!r} is not a usable cell value") from None
        if k not in seen:
            seen.add(k)
            out.append(v)
    if not out:
        raise DeclarationError(f"bt.perturb.{fname}({column!r}, values) needs at least one value")
    return tuple(out)


def _coerce(current: Any, new: Any, fname: str, column: Hashable) -> Any:
    """``new`` as a value of ``current``'s column type, or a DeclarationError if it does not fit."""
    have, want = _kind(current), _kind(new)
    if have in ("missing", "other") or want == "missing":
        return new  # no dtype to respect (a missing cell), or setting a cell to missing
    fits = (
        have == want
        or (have == "float" and want == "int")
        or (have == "int" and want == "float" and float(new).is_integer())
    )
    if not fits:
        raise DeclarationError(
            f"bt.perturb.{fname}({column!r}, ...): value {new!r} ({type(new).__name__}) does not fit the "
            f"column, which holds {type(current).__name__} values such as {_short(current)}"
        )
    if have == "str":
        return new if type(current) is str else type(current)(new)  # numpy.str_ stays numpy.str_
    if have == "int" and isinstance(current, np.integer):
        info = np.iinfo(type(current))
        if not info.min <= int(new) <= info.max:
            raise DeclarationError(f"bt.perturb.{fname}({column!r}, ...): {new!r} does not fit {type(current).__name__}")
    return type(current)(int(new) if have == "int" else new)


def set_value(column: Hashable, values: Any) -> Perturbation:
    """Set a column to one of ``values`` other than its current value: ``set_value("country", ["US", "DE"])``.

    ``{"country": "FR", "age": 35}`` becomes ``{"country": "US", ...}`` or
    ``{"country": "DE", ...}``; a row already at ``"US"`` can only become
    ``"DE"``, and a row where no value differs is not applicable. A single value
    may be given without a list. Values are converted to the column's type
    (``3`` in a float column becomes ``3.0``; ``3.0`` in an int column ``3``);
    one that does not fit (text in a numeric column, ``2.5`` in an int column,
    ``1`` in a bool column) raises :class:`behavetest.DeclarationError`.
    ``None`` (missing) may be set in any column, and a missing cell may be set to
    anything.

    Shrinking: towards one of ``values`` fixed per row (the list is rotated per
    row, so that every value is drawn across rows).
    """
    table = _values(values, "set_value", column)

    def strategy(row: Any) -> SearchStrategy[Any] | None:
        current, rebuild = _access(row, column, "set_value")
        options = [v for v in (_coerce(current, w, "set_value", column) for w in table) if not _same(v, current)]
        if not options:
            return None
        return st.sampled_from(rotated(tuple(rebuild(v) for v in options), row))

    return Perturbation(
        strategy,
        name=f"set_value({column!r}, {list(table)!r})",
        key=("tabular.set_value", column, tuple(_canonical(v) for v in table)),
    )


def swap(column: Hashable, values: Sequence[Any]) -> Perturbation:
    """Counterfactual swap of a categorical or protected attribute: ``swap("sex", ["male", "female"])``.

    A row whose value is one of ``values`` gets each other one in turn (drawn by
    Hypothesis): ``{"sex": "female", "income": 52000.0}`` becomes ``{"sex":
    "male", "income": 52000.0}``. Rows with another value (``"nonbinary"``,
    missing) are not applicable. Matching is exact (``"Male"`` is not
    ``"male"``; ``1`` matches ``numpy.int64(1)`` but not ``True``), and the new
    value gets the row's own type. Use ``samples=`` of at least
    ``len(values) - 1`` in the test to try every alternative.

    Shrinking: towards one alternative fixed per row (rotated per row, so that
    every alternative is drawn across rows).
    """
    table = _values(values, "swap", column)
    if len(table) < 2:
        raise DeclarationError(f"bt.perturb.swap({column!r}, values) needs at least two different values, got {values!r}")
    keys = [_canonical(v) for v in table]

    def strategy(row: Any) -> SearchStrategy[Any] | None:
        current, rebuild = _access(row, column, "swap")
        if _is_missing(current) or _canonical(current) not in keys:
            return None
        here = keys.index(_canonical(current))
        options = [_coerce(current, v, "swap", column) for i, v in enumerate(table) if i != here]
        return st.sampled_from(rotated(tuple(rebuild(v) for v in options), row))

    return Perturbation(
        strategy,
        name=f"swap({column!r}, {list(table)!r})",
        key=("tabular.swap", column, tuple(keys)),
    )

