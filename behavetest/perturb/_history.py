"""Perturbations of a user's history for recommenders: add, remove or reorder interactions, change a rating.

A history is a list (or tuple) of interactions, or a dict input holding one under
``field`` (``{"user": 7, "history": [...]}``). An interaction is an item id, an
``(item, rating)`` pair, or a dict with ``"item"`` and ``"rating"`` keys; added
interactions take the shape of those already there. Every other part of the
input is kept exactly; a draw that would leave the history unchanged is never made.
"""

from __future__ import annotations

import builtins
import math
from typing import Any, Callable, Hashable, Mapping, Sequence

from hypothesis import strategies as st

from .._errors import DeclarationError
from ._perturbation import Perturbation, rotated


def _split(value: Any, field: str, name: str) -> tuple[list, Callable[[list], Any]]:
    if isinstance(value, dict):
        if field not in value:
            raise DeclarationError(f"bt.perturb.{name}: the input has no {field!r} key (its keys are {list(value)!r}); "
                                   f"pass field= naming the key of the history")
        history = value[field]
        rebuild_outer = lambda h: {**value, field: h}  # noqa: E731
    else:
        history, rebuild_outer = value, (lambda h: h)
    if isinstance(history, (str, bytes, dict)) or not isinstance(history, (list, tuple)):
        raise DeclarationError(f"bt.perturb.{name} perturbs a history (a list of interactions), not {type(history).__name__}: {history!r}")
    kind = type(history)
    return list(history), lambda h: rebuild_outer(kind(h))


def _item(interaction: Any) -> Any:
    if isinstance(interaction, dict):
        return interaction.get("item")
    if isinstance(interaction, (tuple, list)):
        return interaction[0] if interaction else None
    return interaction


def _rating(interaction: Any) -> Any:
    if isinstance(interaction, dict):
        return interaction.get("rating")
    if isinstance(interaction, (tuple, list)) and len(interaction) >= 2:
        return interaction[1]
    return None


def _with_rating(interaction: Any, rating: Any) -> Any:
    if isinstance(interaction, dict):
        return {**interaction, "rating": rating}
    out = list(interaction)
    out[1] = rating
    return type(interaction)(out)


def _new(history: list, item: Any, rating: Any, name: str) -> Any:
    rated = [x for x in history if _rating(x) is not None]
    if rating is None:
        if rated:
            raise DeclarationError(f"bt.perturb.{name}: the history has ratings ({history[0]!r}); give rating= for the "
                                   "added interactions")
        return item
    example = rated[0] if rated else None
    if isinstance(example, dict):
        return {"item": item, "rating": rating}
    if isinstance(example, list):
        return [item, rating]
    return (item, rating)


def _ratings(rating: Any, name: str) -> tuple | None:
    if rating is None:
        return None
    values = tuple(rating) if isinstance(rating, (list, tuple)) else (rating,)
    if not values or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values):
        raise DeclarationError(f"bt.perturb.{name}: rating must be a number or a list of numbers, not {rating!r}")
    return values


def _count(n: Any, name: str) -> int:
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise DeclarationError(f"bt.perturb.{name}: n must be a positive integer, not {n!r}")
    return n


def _adder(candidates_of: Callable[[Any, set], list], rating: Any, n: int, field: str, name: str, key: Hashable) -> Perturbation:
    ratings = _ratings(rating, name)

    def strategy(value: Any):
        history, rebuild = _split(value, field, name)
        seen = {_item(x) for x in history}
        candidates = rotated(tuple(c for c in candidates_of(value, seen) if c not in seen), value)
        if len(candidates) < n:
            return None
        rating_draw = st.just(None) if ratings is None else st.sampled_from(rotated(ratings, value))
        picks = st.lists(st.tuples(st.sampled_from(candidates), rating_draw), min_size=n, max_size=n,
                         unique_by=lambda pair: pair[0])
        return picks.map(lambda pairs: rebuild(history + [_new(history, item, r, name) for item, r in pairs]))

    return Perturbation(strategy, name=name, key=key)


def add_interaction(items: Sequence[Any] | Callable[[Any], Sequence[Any]], *, rating: Any = None, n: int = 1,
                    field: str = "history") -> Perturbation:
    """``n`` interactions with items the user has not interacted with, drawn from ``items`` (a catalog list, or a
    function of the input giving one), appended as the most recent; ``rating`` (a number or a list to draw from)
    is required when the history has ratings. Shrinks towards the first candidates."""
    n = _count(n, "add_interaction")
    if callable(items):
        catalog = lambda value, seen: list(items(value))  # noqa: E731
        key = None
    else:
        fixed = list(items)
        catalog, key = (lambda value, seen: fixed), ("add_interaction", tuple(map(repr, fixed)), repr(rating), n, field)
    shown = getattr(items, "__name__", "items") if callable(items) else f"{len(fixed)} items"
    return _adder(catalog, rating, n, field, f"add_interaction({shown}, rating={rating!r}, n={n})", key)


def add_genre_items(genre: Any, genres: Mapping[Any, Any] | Callable[[], Mapping[Any, Any]], *, n: int = 1,
                    rating: Any = None, field: str = "history") -> Perturbation:
    """``n`` interactions with items of ``genre`` the user has not seen; ``genres`` maps each item to its genre or
    a list of genres (or is a function returning that mapping, read when first needed). Pairs with
    ``expect.rank_improves`` over the genre's items."""
    n = _count(n, "add_genre_items")
    found: list = []

    def matching(value: Any, seen: set) -> list:
        if not found:
            table = genres() if callable(genres) else genres
            if not isinstance(table, Mapping) or not table:
                raise DeclarationError(f"bt.perturb.add_genre_items needs genres=, a mapping item -> genre(s), not {table!r}")
            found.extend(item for item, g in table.items()
                         if (genre in g if isinstance(g, (list, tuple, set, frozenset)) else g == genre))
            if not found:
                raise DeclarationError(f"bt.perturb.add_genre_items: no item has the genre {genre!r}")
        return found

    if not callable(genres):
        matching(None, set())
    key = None if callable(genres) else ("add_genre_items", repr(genre), tuple(map(repr, found)), repr(rating), n, field)
    return _adder(matching, rating, n, field, f"add_genre_items({genre!r}, n={n}, rating={rating!r})", key)


def remove_interaction(n: int = 1, *, field: str = "history") -> Perturbation:
    """``n`` interactions removed (at least one is always kept); shrinks towards removing the oldest."""
    n = _count(n, "remove_interaction")

    def strategy(value: Any):
        history, rebuild = _split(value, field, "remove_interaction")
        if len(history) <= n:
            return None
        drop = st.lists(st.integers(0, len(history) - 1), min_size=n, max_size=n, unique=True)
        return drop.map(lambda ix: rebuild([x for i, x in enumerate(history) if i not in set(ix)]))

    return Perturbation(strategy, name=f"remove_interaction({n})", key=("remove_interaction", n, field))


def reorder_interactions(*, field: str = "history") -> Perturbation:
    """The same interactions in another order (a recommender of sets must not care; one of sequences may)."""

    def strategy(value: Any):
        history, rebuild = _split(value, field, "reorder_interactions")
        if len({repr(x) for x in history}) < 2:
            return None
        return st.permutations(history).filter(lambda p: p != history).map(rebuild)

    return Perturbation(strategy, name="reorder_interactions()", key=("reorder_interactions", field))


def change_rating(to: Any = None, *, by: float | None = None, min: float | None = None, max: float | None = None,
                  field: str = "history") -> Perturbation:
    """One rated interaction gets another rating: one of ``to`` (a number or list), or its rating plus ``by``
    clipped to [``min``, ``max``]. Histories without ratings are not applicable; shrinks towards the oldest."""
    if (to is None) == (by is None):
        raise DeclarationError("bt.perturb.change_rating needs exactly one of to= (new ratings) or by= (a change)")
    targets = _ratings(to, "change_rating")
    if by is not None and (isinstance(by, bool) or not isinstance(by, (int, float)) or not math.isfinite(by) or by == 0):
        raise DeclarationError(f"bt.perturb.change_rating: by must be a non-zero number, not {by!r}")

    def new_rating(old: Any) -> list:
        if targets is not None:
            return [t for t in targets if t != old]
        value = old + by
        value = value if min is None else builtins.max(value, min)
        value = value if max is None else builtins.min(value, max)
        return [value] if value != old else []

    def strategy(value: Any):
        history, rebuild = _split(value, field, "change_rating")
        options = [(i, r) for i, x in enumerate(history) if _rating(x) is not None for r in new_rating(_rating(x))]
        if not options:
            return None

        def apply(choice: tuple) -> Any:
            i, r = choice
            return rebuild([_with_rating(x, r) if j == i else x for j, x in enumerate(history)])

        return st.sampled_from(options).map(apply)

    shown = f"to={to!r}" if to is not None else f"by={by!r}"
    return Perturbation(strategy, name=f"change_rating({shown})", key=("change_rating", repr(to), by, min, max, field))

