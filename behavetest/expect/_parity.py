"""Native equivalents of CheckList's common expectations: ``Expect.inv(tolerance)``, ``Expect.monotonic`` (with
its filtering) and the ``diff_up`` / ``diff_down`` functions of CheckList's sentiment suite."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._errors import DeclarationError
from .._model.model import LABEL, PROBA, Model
from ._base import Expectation, _need, _need_labels, _Pairwise, _tolerance


class _Invariant(_Pairwise):
    def __init__(self, tolerance: float) -> None:
        _tolerance(tolerance, "invariant")
        super().__init__(f"invariant(tolerance={tolerance})")
        self.tolerance = tolerance

    def check_pairs(self, model, before, after, originals, perturbed):
        _need_labels(model, "invariant")
        same = before.label_idx == after.label_idx
        if model.kind == LABEL:
            return same
        _need(model, PROBA, "invariant")
        rows = np.arange(len(same))
        moved = np.abs(after.proba[rows, before.label_idx] - before.proba[rows, before.label_idx])
        return same | (moved <= self.tolerance)


def invariant(tolerance: float = 0.0) -> Expectation:
    """CheckList's ``Expect.inv(tolerance)``: the label stays the same, or the probability of the original
    label moves by at most ``tolerance`` (a label-only model must keep its label)."""
    return _Invariant(tolerance)


class _Monotonic(_Pairwise):
    def __init__(self, label: Any, increasing: bool, tolerance: float) -> None:
        _tolerance(tolerance, "monotonic")
        if not isinstance(increasing, bool):
            raise DeclarationError(f"expect.monotonic: increasing must be True or False, not {increasing!r}")
        shown = "" if label is None else f"{label!r}, "
        super().__init__(f"monotonic({shown}increasing={increasing}, tolerance={tolerance})")
        self.label, self.increasing, self.tolerance = label, increasing, tolerance

    def _columns(self, model: Model, before) -> np.ndarray:
        _need(model, PROBA, "monotonic")
        if self.label is None:
            return before.label_idx  # the original prediction's label, per pair
        return np.full(len(before.label_idx), model.label_index(self.label))

    def _probabilities(self, model, before, after):
        columns = self._columns(model, before)
        rows = np.arange(len(columns))
        return before.proba[rows, columns], after.proba[rows, columns]

    def filter_pairs(self, model, before, after, originals, perturbed):
        was, _ = self._probabilities(model, before, after)
        if self.increasing:
            return ~(was <= self.tolerance)
        return ~(was >= 1 - self.tolerance)

    def check_pairs(self, model, before, after, originals, perturbed):
        was, now = self._probabilities(model, before, after)
        diff = now - was
        ok = diff + self.tolerance >= 0 if self.increasing else diff - self.tolerance <= 0
        return ok | ~self.filter_pairs(model, before, after, originals, perturbed)


def monotonic(label: Any = None, *, increasing: bool = True, tolerance: float = 0.0) -> Expectation:
    """CheckList's ``Expect.monotonic``: P(``label``) (the original prediction's label when None) must not fall
    (``increasing=False``: rise) by more than ``tolerance``. As in CheckList, a pair whose original probability
    is at most ``tolerance`` (decreasing: at least 1 - ``tolerance``) is filtered out: not applicable, not a pass."""
    return _Monotonic(label, increasing, tolerance)


class _Diff(_Pairwise):
    def __init__(self, tolerance: float, up_label: Any, down_label: Any, up: bool) -> None:
        name = "diff_up" if up else "diff_down"
        _tolerance(tolerance, name)
        super().__init__(f"{name}(tolerance={tolerance}, up={up_label!r}, down={down_label!r})")
        self.tolerance, self.up_label, self.down_label, self.up, self.name = tolerance, up_label, down_label, up, name

    def check_pairs(self, model, before, after, originals, perturbed):
        _need(model, PROBA, self.name)
        u, d = model.label_index(self.up_label), model.label_index(self.down_label)
        change = (after.proba[:, u] - before.proba[:, u]) - (after.proba[:, d] - before.proba[:, d])
        return change + self.tolerance >= 0 if self.up else change - self.tolerance <= 0


def diff_up(tolerance: float = 0.1, *, up: Any = "positive", down: Any = "negative") -> Expectation:
    """CheckList's sentiment ``diff_up``: the change of P(``up``) minus the change of P(``down``) is at
    least -``tolerance`` (the prediction moves towards ``up``, within the tolerance)."""
    return _Diff(tolerance, up, down, up=True)


def diff_down(tolerance: float = 0.1, *, up: Any = "positive", down: Any = "negative") -> Expectation:
    """CheckList's sentiment ``diff_down``: the change of P(``up``) minus the change of P(``down``) is at
    most ``tolerance`` (the prediction moves towards ``down``)."""
    return _Diff(tolerance, up, down, up=False)
