"""Minimal counterexamples: shrink a failing perturbation with Hypothesis within a model-call budget."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, find, settings
from hypothesis.errors import NoSuchExample, Unsatisfiable

from ._errors import NotApplicable
from ._generate import isolated_from_source_constants
from ._keys import cache_key, stable_int


class _OutOfBudget(Exception):
    pass


def shrink(model, perturbation, expect, original: Any, *, seed: int, budget: int) -> Any | None:
    """The simplest perturbation of ``original`` that still fails ``expect``, or ``None``.

    Hypothesis searches ``perturbation.strategy(original)`` for a failing value and
    shrinks it (fewer edits, earlier positions, the first option of a list). At
    most ``budget`` model calls are spent; when the budget runs out, the simplest
    failing value found so far is returned.
    """
    strategy = perturbation.strategy(original)
    if strategy is None or budget <= 0:
        return None
    original_key = cache_key(original)
    before = model.predict([original])
    start = model.calls
    best: list[Any] = []

    def fails(value: Any) -> bool:
        if model.calls - start >= budget:
            raise _OutOfBudget
        if cache_key(value) == original_key:
            return False
        after = model.predict([value])
        failed = not bool(expect.check_pairs(model, before, after, [original], [value])[0])
        if failed:
            best.append(value)
        return failed

    def condition(value: Any) -> bool:
        try:
            return fails(value)
        except NotApplicable:
            return False

    config = settings(
        max_examples=max(budget, 1),
        database=None,
        deadline=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
    )
    try:
        with isolated_from_source_constants():
            return find(strategy, condition, settings=config, random=random.Random(stable_int(seed, original_key)))
    except _OutOfBudget:
        return best[-1] if best else None
    except (NoSuchExample, Unsatisfiable):
        return None
