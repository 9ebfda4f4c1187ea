"""Minimal counterexamples: shrink a failing perturbation with Hypothesis within a model-call budget."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, find, reject, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException, NoSuchExample, Unsatisfiable

from .._errors import NotApplicable
from ._hypothesis import isolated_from_source_constants
from .._model.keys import cache_key, stable_int


def shrink(model, perturbation, expect, original: Any, *, seed: int, budget: int) -> Any | None:
    """The simplest perturbation of ``original`` that still fails ``expect``, or ``None``.

    Hypothesis searches ``perturbation.strategy(original)`` for a failing value and
    shrinks it (fewer edits, earlier positions, the first option of a list). At
    most ``budget`` model calls are spent: once it runs out no further value counts
    as failing, so the search ends with the simplest failing value found so far.
    """
    inner = perturbation.strategy(original)
    if inner is None or budget <= 0:
        return None

    @st.composite
    def applicable(draw: Any) -> Any:
        try:
            return draw(inner)
        except NotApplicable:
            reject()  # a draw the perturbation does not apply to is no example, not an error

    strategy = applicable()
    original_key = cache_key(original)
    before = model.predict([original])
    start = model.calls
    best: list[Any] = []

    answers: dict[Any, bool] = {}  # Hypothesis re-checks a failure: it must get the same answer

    def fails(value: Any) -> bool:
        key = cache_key(value)
        if key in answers:
            return answers[key]
        if key == original_key or model.calls - start >= budget:
            return False  # out of budget: nothing new counts as failing, so shrinking winds down
        after = model.predict([value])
        failed = not bool(expect.check_pairs(model, before, after, [original], [value])[0])
        answers[key] = failed
        if failed:
            best.append(value)
        return failed

    config = settings(
        max_examples=max(budget, 1),
        database=None,
        deadline=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
    )
    try:
        with isolated_from_source_constants():
            return find(strategy, fails, settings=config, random=random.Random(stable_int(seed, original_key)))
    except (NoSuchExample, Unsatisfiable):
        return best[-1] if best else None
    except HypothesisException:  # e.g. a perturbation that draws differently on replay
        return best[-1] if best else None
