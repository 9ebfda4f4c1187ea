"""Expectations on rankings (``output="ranking"`` models): items in or out of the top k, overlap, rank moves."""

from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np

from .._errors import DeclarationError
from .._model.model import RANKING, Model
from .._model.prediction import Predictions
from ._base import Expectation, _need, _Pairwise

Items = Any  # an item id, a list of ids, or a function of the input(s) returning either


def _k(k: Any, what: str, required: bool = False) -> int | None:
    if k is None and not required:
        return None
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise DeclarationError(f"expect.{what}: k must be a positive integer, not {k!r}")
    return k


def _items(spec: Items, args: tuple, what: str) -> list:
    value = spec(*args) if callable(spec) else spec
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    if value is None:
        raise DeclarationError(f"expect.{what}: the items function returned None; return an item id or a list of them")
    return [value]


def _shown(spec: Items) -> str:
    return getattr(spec, "__name__", None) or repr(spec) if callable(spec) else repr(spec)


def _arity(fn: Callable, want: int, what: str) -> None:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if not any(p.kind == p.VAR_POSITIONAL for p in params) and len(positional) != want:
        args = "(input)" if want == 1 else "(original, perturbed)"
        raise DeclarationError(f"expect.{what}: the items function must take {args}, but it takes {len(positional)} arguments")


class _InTopK(Expectation):
    def __init__(self, items: Items, k: int | None, negate: bool, require: str) -> None:
        name = "not_in_top_k" if negate else "in_top_k"
        if require not in ("all", "any"):
            raise DeclarationError(f"expect.{name}: require must be 'all' or 'any', not {require!r}")
        if callable(items):
            _arity(items, 1, name)
        self.k = _k(k, name)
        extra = "" if k is None else f", k={k}"
        extra += f", require={require!r}" if require != "all" and not negate else ""
        super().__init__(f"{name}({_shown(items)}{extra})")
        self.items, self.negate, self.require, self.name = items, negate, require, name

    def check(self, model: Model, preds: Predictions, inputs: list) -> np.ndarray:
        _need(model, RANKING, self.name)
        out = np.empty(len(inputs), dtype=bool)
        for i, (ranking, x) in enumerate(zip(preds.ranking, inputs)):
            top = set(ranking[: self.k] if self.k is not None else ranking)
            hits = [item in top for item in _items(self.items, (x,), self.name)]
            if self.negate:
                out[i] = not any(hits)
            else:
                out[i] = all(hits) if self.require == "all" else any(hits)
        return out


def in_top_k(items: Items, *, k: int | None = None, require: str = "all") -> Expectation:
    """The ranking's first ``k`` items (all of it without ``k``) include ``items`` (every one of them, or with
    ``require="any"`` at least one). ``items`` is an item id, a list, or a function of the input giving them."""
    return _InTopK(items, k, negate=False, require=require)


def not_in_top_k(items: Items, *, k: int | None = None) -> Expectation:
    """None of ``items`` is among the ranking's first ``k`` items: a child profile never gets an adult title,
    ``not_in_top_k(lambda user: [i for i, _ in user["history"]], k=10)`` never recommends what the user saw."""
    return _InTopK(items, k, negate=True, require="all")


class _Overlap(_Pairwise):
    def __init__(self, min_jaccard: float, k: int) -> None:
        if isinstance(min_jaccard, bool) or not isinstance(min_jaccard, (int, float)) or not 0 <= min_jaccard <= 1:
            raise DeclarationError(f"expect.top_k_overlap: min_jaccard must be a number in [0, 1], not {min_jaccard!r}")
        self.k = _k(k, "top_k_overlap", required=True)
        super().__init__(f"top_k_overlap(min_jaccard={min_jaccard}, k={k})")
        self.min_jaccard = min_jaccard

    def check_pairs(self, model, before, after, originals, perturbed):
        _need(model, RANKING, "top_k_overlap")
        out = np.empty(len(originals), dtype=bool)
        for i, (b, a) in enumerate(zip(before.ranking, after.ranking)):
            sb, sa = set(b[: self.k]), set(a[: self.k])
            union = sb | sa
            out[i] = (len(sb & sa) / len(union) if union else 1.0) >= self.min_jaccard
        return out


def top_k_overlap(*, min_jaccard: float, k: int) -> Expectation:
    """The top ``k`` before and after share at least ``min_jaccard`` of their items (|A∩B| / |A∪B|):
    adding an unrelated rating barely changes the list."""
    return _Overlap(min_jaccard, k)


def _rank(ranking: tuple, items: list, below: int) -> int:
    """The best position (0 first) of any of ``items``; ``below`` (just under the list) for items not in it."""
    positions = [ranking.index(item) for item in items if item in ranking[:below]]
    return min(positions) if positions else below


class _RankMove(_Pairwise):
    def __init__(self, items: Items, by: int, k: int | None, up: bool) -> None:
        self.name = "rank_improves" if up else "rank_worsens"
        if not isinstance(by, int) or isinstance(by, bool) or by < 0:
            raise DeclarationError(f"expect.{self.name}: by must be a whole number of places >= 0, not {by!r}")
        if callable(items):
            _arity(items, 2, self.name)
        self.k = _k(k, self.name)
        super().__init__(f"{self.name}({_shown(items)}, by={by}" + ("" if k is None else f", k={k}") + ")")
        self.items, self.by, self.up = items, by, up

    def check_pairs(self, model, before, after, originals, perturbed):
        _need(model, RANKING, self.name)
        out = np.empty(len(originals), dtype=bool)
        for i, (b, a) in enumerate(zip(before.ranking, after.ranking)):
            items = _items(self.items, (originals[i], perturbed[i]), self.name)
            below = self.k if self.k is not None else max(len(a), len(b))
            rb, ra = _rank(b, items, below), _rank(a, items, below)
            out[i] = ra <= rb - self.by if self.up else ra >= rb + self.by
        return out


def rank_improves(items: Items, *, by: int = 1, k: int | None = None) -> Expectation:
    """After the perturbation ``items`` rank at least ``by`` places higher (``by=0``: no lower).

    ``items`` is an item id, a list (their best rank counts), or a function of
    ``(original, perturbed)`` giving them: rating a movie highly moves similar
    movies up. An item missing from the ranking (or from its first ``k``) ranks
    just below it, so an item entering the list improves and one leaving it worsens.
    """
    return _RankMove(items, by, k, up=True)


def rank_worsens(items: Items, *, by: int = 1, k: int | None = None) -> Expectation:
    """After the perturbation ``items`` rank at least ``by`` places lower (``by=0``: no higher)."""
    return _RankMove(items, by, k, up=False)
