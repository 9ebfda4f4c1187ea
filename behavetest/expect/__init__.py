"""Expectations: what a prediction (MFT) or a pair of predictions (INV, DIR) must satisfy.

Single-prediction expectations (``label``, ``label_in``, ``not_label``, ``prob``,
``score``) judge one prediction; in ``behave.inv`` and ``behave.dir`` they judge
the prediction for the perturbed input. Pairwise expectations (``same_label``,
``prob_within``, ``increase``, ``decrease``) compare the prediction for the
original input (*before*) with the one for its perturbation (*after*).
``custom`` takes a function of one prediction (MFT) or of two (INV, DIR).

Models that answer in text (``output="text"``) have ``answer``, ``same_answer``
and ``judge``; ranking models (``output="ranking"``) ``in_top_k``,
``not_in_top_k``, ``top_k_overlap``, ``rank_improves`` and ``rank_worsens``.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .._errors import DeclarationError
from .._model.model import PROBA, SCORE, Model
from .._model.prediction import Prediction, Predictions
from ._base import Expectation, _Pairwise, _bounds, _column, _need, _need_labels, _tolerance

__all__ = [
    "Expectation", "label", "label_in", "not_label", "prob", "score", "same_label",
    "prob_within", "increase", "decrease", "custom",
    "answer", "same_answer", "judge",
    "in_top_k", "not_in_top_k", "top_k_overlap", "rank_improves", "rank_worsens",
    "invariant", "monotonic", "diff_up", "diff_down",
]


class _Labels(Expectation):
    def __init__(self, description: str, labels: tuple, negate: bool) -> None:
        super().__init__(description)
        self.labels, self.negate = labels, negate

    def check(self, model, preds, inputs):
        _need_labels(model, self.description)
        wanted = [model.label_index(lab) for lab in self.labels]
        hit = np.isin(preds.label_idx, wanted)
        return ~hit if self.negate else hit


def label(expected: Any) -> Expectation:
    """The predicted label is ``expected``.

    >>> expect.label("negative")   # "This is not a good movie." -> negative
    """
    return _Labels(f"label({expected!r})", (expected,), negate=False)


def label_in(*expected: Any) -> Expectation:
    """The predicted label is one of ``expected``: ``label_in("neutral", "negative")``."""
    if not expected:
        raise DeclarationError("expect.label_in needs at least one label")
    return _Labels(f"label_in({', '.join(map(repr, expected))})", expected, negate=False)


def not_label(unexpected: Any) -> Expectation:
    """The predicted label is anything but ``unexpected``: ``not_label("positive")``."""
    return _Labels(f"not_label({unexpected!r})", (unexpected,), negate=True)


class _Prob(Expectation):
    def __init__(self, label: Any, ge: float | None, le: float | None) -> None:
        _bounds(ge, le, "prob")
        super().__init__(f"prob({label!r}, ge={ge}, le={le})")
        self.label, self.ge, self.le = label, ge, le

    def check(self, model, preds, inputs):
        _need(model, PROBA, "prob")
        p = preds.proba[:, model.label_index(self.label)]
        ok = np.ones(len(p), dtype=bool)
        if self.ge is not None:
            ok &= p >= self.ge
        if self.le is not None:
            ok &= p <= self.le
        return ok


def prob(label: Any, *, ge: float | None = None, le: float | None = None) -> Expectation:
    """The probability of ``label`` lies in [ge, le]: ``prob("positive", ge=0.7)``."""
    return _Prob(label, ge, le)


class _Score(Expectation):
    def __init__(self, ge: float | None, le: float | None) -> None:
        _bounds(ge, le, "score")
        super().__init__(f"score(ge={ge}, le={le})")
        self.ge, self.le = ge, le

    def check(self, model, preds, inputs):
        _need(model, SCORE, "score")
        ok = np.ones(len(preds.score), dtype=bool)
        if self.ge is not None:
            ok &= preds.score >= self.ge
        if self.le is not None:
            ok &= preds.score <= self.le
        return ok


def score(*, ge: float | None = None, le: float | None = None) -> Expectation:
    """A regression model's score lies in [ge, le]: ``score(ge=0.0, le=100.0)``."""
    return _Score(ge, le)


class _SameLabel(_Pairwise):
    def check_pairs(self, model, before, after, originals, perturbed):
        _need_labels(model, "same_label()")
        return before.label_idx == after.label_idx


def same_label() -> Expectation:
    """The perturbed input gets the same label as the original (INV's default)."""
    return _SameLabel("same_label()")


class _Within(_Pairwise):
    def __init__(self, tolerance: float, label: Any) -> None:
        _tolerance(tolerance, "prob_within")
        super().__init__(f"prob_within({tolerance}" + ("" if label is None else f", label={label!r}") + ")")
        self.tolerance, self.label = tolerance, label

    def check_pairs(self, model, before, after, originals, perturbed):
        if model.kind == SCORE or self.label is not None:
            b = _column(model, before, self.label, "prob_within")
            a = _column(model, after, self.label, "prob_within")
            return np.abs(a - b) <= self.tolerance
        _need(model, PROBA, "prob_within")
        return np.abs(after.proba - before.proba).max(axis=1) <= self.tolerance


def prob_within(tolerance: float, label: Any = None) -> Expectation:
    """The prediction moves by at most ``tolerance``.

    With ``label``, only that label's probability is compared; without it, every
    label's probability (or a regression model's score) is.
    ``prob_within(0.1)``: no probability moves by more than 0.1.
    """
    return _Within(tolerance, label)


class _Monotone(_Pairwise):
    def __init__(self, label: Any, tolerance: float, up: bool) -> None:
        name = "increase" if up else "decrease"
        _tolerance(tolerance, name)
        super().__init__(f"{name}({'' if label is None else repr(label) + ', '}tolerance={tolerance})")
        self.label, self.tolerance, self.up, self.name = label, tolerance, up, name

    def check_pairs(self, model, before, after, originals, perturbed):
        b = _column(model, before, self.label, self.name)
        a = _column(model, after, self.label, self.name)
        return a >= b - self.tolerance if self.up else a <= b + self.tolerance


def increase(label: Any = None, tolerance: float = 0.0) -> Expectation:
    """The perturbation must not lower P(``label``) by more than ``tolerance``.

    ``increase("positive", tolerance=0.05)``: appending " I loved it." may lower
    P(positive) by 0.05 at most. For a regression model leave ``label`` out: the
    score must not drop by more than ``tolerance``.
    """
    return _Monotone(label, tolerance, up=True)


def decrease(label: Any = None, tolerance: float = 0.0) -> Expectation:
    """The perturbation must not raise P(``label``) (or the score) by more than ``tolerance``."""
    return _Monotone(label, tolerance, up=False)


class _Custom(Expectation):
    def __init__(self, fn: Callable[..., bool]) -> None:
        super().__init__(f"custom({getattr(fn, '__name__', repr(fn))})")
        self.fn = fn

    def _call(self, *args: Prediction) -> bool:
        result = self.fn(*args)
        if not isinstance(result, (bool, np.bool_)):
            raise DeclarationError(
                f"expect.{self.description} must return True or False, returned {result!r}"
            )
        return bool(result)

    def check(self, model, preds, inputs):
        return np.fromiter(
            (self._call(preds.at(i, x)) for i, x in enumerate(inputs)), dtype=bool, count=len(inputs)
        )

    def check_pairs(self, model, before, after, originals, perturbed):
        pairs = zip(originals, perturbed)
        return np.fromiter(
            (self._call(before.at(i, o), after.at(i, p)) for i, (o, p) in enumerate(pairs)),
            dtype=bool,
            count=len(originals),
        )


def custom(fn: Callable[..., bool]) -> Expectation:
    """Any check written as a function returning True (pass) or False (fail).

    In ``behave.mft`` it is called with one :class:`Prediction`; in ``behave.inv``
    and ``behave.dir`` with two, the original's and the perturbation's. Each
    ``Prediction`` carries its ``input``, ``label``, ``probs`` and ``score``:

    >>> expect.custom(lambda before, after: after.probs["positive"] >= before.probs["positive"])
    """
    if not callable(fn):
        raise DeclarationError(f"expect.custom needs a function, not {type(fn).__name__}")
    return _Custom(fn)


from ._answers import answer, judge, same_answer  # noqa: E402  (they build on the classes above)
from ._rankings import in_top_k, not_in_top_k, rank_improves, rank_worsens, top_k_overlap  # noqa: E402
from ._parity import diff_down, diff_up, invariant, monotonic  # noqa: E402
