"""Every Hypothesis internal behavetest uses, in one place.

Generation draws each input's perturbations from one seeded ``ConjectureData``
instead of running Hypothesis's engine per input (about 30 times cheaper). None
of this is public API: it was written against the Hypothesis versions in
``TESTED`` (pinned in pyproject.toml), and ``tests/test_hypothesis_internals.py``
fails loudly when any of it moves.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Iterator

from hypothesis.control import BuildContext
from hypothesis.errors import StopTest, UnsatisfiedAssumption
from hypothesis.internal.conjecture import providers
from hypothesis.internal.conjecture.data import ConjectureData
from hypothesis.strategies import SearchStrategy

TESTED = ">=6.155,<6.171"  # tested with 6.155.2 and 6.170.29


class Invalid(Exception):
    """A draw Hypothesis rejected (a filter or ``assume`` that did not hold, or too much data)."""


class SeededSource:
    """Draws from a ``ConjectureData`` whose random stream is reseeded for every input.

    What is drawn after ``reseed(seed)`` is a pure function of the seed. Strategy
    draws get a fresh data object per input (a strategy may keep state on it,
    e.g. ``st.shared``). Integer choices go straight to the data object's
    provider, which keeps no state between draws, so one data object serves
    every input: creating one costs as much as ten choices.
    """

    __slots__ = ("_random", "_data", "_context", "_provider")

    def __init__(self) -> None:
        self._random = random.Random(0)
        self._renew()

    def _renew(self) -> None:
        self._data = ConjectureData(random=self._random)
        self._context = BuildContext(self._data, wrapped_test=None)
        self._provider = self._data.provider

    def reseed(self, seed: int, *, fresh: bool) -> None:
        self._random.seed(seed)
        if fresh:
            self._renew()

    def draw(self, strategy: SearchStrategy[Any]) -> Any:
        """One value of ``strategy``; raises :class:`Invalid` for a rejected draw."""
        try:
            with self._context:
                return self._data.draw(strategy)
        except (StopTest, UnsatisfiedAssumption):
            self._renew()  # the stream goes on: still a pure function of the seed
            raise Invalid from None

    def integer(self, low: int, high: int) -> int:
        """An integer drawn exactly as ``st.integers(low, high)`` draws it (same random stream, same value)."""
        return self._provider.draw_integer(low, high, weights=_weights(low, high), shrink_towards=0)


@lru_cache(maxsize=4096)
def _weights(low: int, high: int) -> dict[int, float] | None:
    """The extra weight ``st.integers`` gives to the bounds and near-bounds of a wide range."""
    if high - low <= 127:
        return None
    return {low: 2 / 128, low + 1: 1 / 128, high - 1: 1 / 128, high: 2 / 128}


@contextmanager
def isolated_from_source_constants() -> Iterator[None]:
    """Keep Hypothesis from mixing constants found in the user's own modules into draws.

    Hypothesis sometimes (about 5% of draws) substitutes a constant taken from the
    local source files that happen to be imported. That makes the cases for a
    seed depend on which modules a process has loaded and on unrelated edits to a
    conftest, which a measuring tool cannot accept. Hypothesis offers no public
    switch, so its lookup is replaced by an empty set while behavetest draws.
    """
    lookup = providers._get_local_constants
    cache = providers.CONSTANTS_CACHE.cache
    empty = providers.Constants()
    cache.clear()
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = lookup
        cache.clear()
