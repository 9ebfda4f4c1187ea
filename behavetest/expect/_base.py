"""The expectation protocol and the checks every expectation module shares."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._errors import DeclarationError
from .._model.model import PROBA, RANKING, SCORE, TEXT, Model
from .._model.prediction import Predictions


class Expectation:
    """Base class: subclasses implement ``check`` (one prediction) or ``check_pairs``."""

    pairwise = False

    def __init__(self, description: str) -> None:
        self.description = description

    def __repr__(self) -> str:
        return f"expect.{self.description}"

    def check(self, model: Model, preds: Predictions, inputs: list) -> np.ndarray:
        raise NotImplementedError

    def check_pairs(
        self, model: Model, before: Predictions, after: Predictions, originals: list, perturbed: list
    ) -> np.ndarray:
        return self.check(model, after, perturbed)

    def filter_pairs(
        self, model: Model, before: Predictions, after: Predictions, originals: list, perturbed: list
    ) -> np.ndarray | None:
        """Which pairs the expectation applies to (None: all); the others are not applicable, as
        CheckList's filtered cases are. ``check_pairs`` passes the pairs it filters out."""
        return None


_RETURNS = {PROBA: "probabilities", SCORE: "scores", TEXT: "text answers (output='text')",
            RANKING: "rankings (output='ranking')"}
_INSTEAD = {
    SCORE: "use expect.score(...) or expect.prob_within(tolerance) instead",
    TEXT: "use expect.answer(...), expect.same_answer() or expect.judge(...) instead",
    RANKING: "use expect.in_top_k, not_in_top_k, top_k_overlap, rank_improves or rank_worsens instead",
}


def _need(model: Model, kind: str, what: str) -> None:
    if model.kind != kind:
        has = _RETURNS.get(model.kind or "", "labels")
        raise DeclarationError(
            f"expect.{what} needs a model that returns {_RETURNS[kind]}; model {model.name!r} returns {has}"
            + (f" ({_INSTEAD[model.kind]})" if model.kind in _INSTEAD and kind in (PROBA, SCORE) else "")
        )


def _need_labels(model: Model, what: str) -> None:
    if model.kind in _INSTEAD:
        raise DeclarationError(
            f"expect.{what} needs a model with labels; model {model.name!r} returns {_RETURNS[model.kind]} "
            f"({_INSTEAD[model.kind]})"
        )


def _bounds(ge: float | None, le: float | None, what: str) -> None:
    if ge is None and le is None:
        raise DeclarationError(f"expect.{what} needs ge=, le= or both")
    for bound in (ge, le):
        if bound is not None and not (isinstance(bound, (int, float)) and math.isfinite(bound)):
            raise DeclarationError(f"expect.{what} bounds must be finite numbers, not {bound!r}")


class _Pairwise(Expectation):
    pairwise = True

    def check(self, model, preds, inputs):
        raise DeclarationError(
            f"expect.{self.description} compares a prediction before and after a perturbation; "
            "use it with behave.inv or behave.dir, not behave.mft"
        )


def _column(model: Model, preds: Predictions, label: Any, what: str) -> np.ndarray:
    if model.kind == SCORE:
        if label is not None:
            raise DeclarationError(f"expect.{what}: model {model.name!r} returns scores; leave label=None")
        return preds.score
    _need(model, PROBA, what)
    if label is None:
        raise DeclarationError(f"expect.{what} needs the label whose probability it follows")
    return preds.proba[:, model.label_index(label)]


def _tolerance(tolerance: float, what: str) -> None:
    if not isinstance(tolerance, (int, float)) or not (0 <= tolerance < math.inf):
        raise DeclarationError(f"expect.{what}: tolerance must be a number >= 0, not {tolerance!r}")
