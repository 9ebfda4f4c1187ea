"""The Hypothesis internals case generation relies on are where behavetest expects them, and behave as assumed.

If one of these fails after a Hypothesis upgrade, do not loosen the test: adapt
behavetest/_cases/_hypothesis.py (the only module touching Hypothesis internals),
then widen TESTED there and the pin in pyproject.toml.
"""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import pytest
from hypothesis import strategies as st

import behavetest as bt
from behavetest._cases import _hypothesis as internals
from behavetest._cases.generate import Generator

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parents[1]


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def _bounds(spec: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    low = re.search(r">=\s*([\d.]+)", spec)
    high = re.search(r"<\s*([\d.]+)", spec)
    assert low and high, f"expected a '>=X,<Y' range, got {spec!r}"
    return _version(low.group(1)), _version(high.group(1))


def test_installed_hypothesis_is_in_the_tested_range_and_pyproject_pins_it():
    installed = _version(importlib.metadata.version("hypothesis"))
    low, high = _bounds(internals.TESTED)
    assert low <= installed < high, (
        f"Hypothesis {importlib.metadata.version('hypothesis')} is outside the range behavetest's generation "
        f"was tested with ({internals.TESTED}); run this file's tests and adapt behavetest/_cases/_hypothesis.py"
    )
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [d for d in project["project"]["dependencies"] if re.match(r"hypothesis\b", d)]
    assert pins == [f"hypothesis{internals.TESTED}"], pins


def test_the_internals_used_exist_with_the_expected_shape():
    from hypothesis.internal.conjecture import providers

    assert callable(providers._get_local_constants), "hypothesis moved providers._get_local_constants"
    assert hasattr(providers.CONSTANTS_CACHE, "cache"), "hypothesis changed providers.CONSTANTS_CACHE"
    assert len(providers.Constants()) == 0, "hypothesis changed providers.Constants"
    source = internals.SeededSource()
    source.reseed(1, fresh=True)
    assert isinstance(source.integer(0, 9), int)
    assert isinstance(source.draw(st.text(max_size=3).map(str.upper)), str)  # map needs a build context
    with pytest.raises(internals.Invalid):
        source.draw(st.integers(0, 3).filter(lambda i: i > 9))
    assert isinstance(source.draw(st.booleans()), bool)  # a fresh data object after the rejected draw


def test_isolation_replaces_the_local_constant_lookup_and_restores_it():
    from hypothesis.internal.conjecture import providers

    before = providers._get_local_constants
    with internals.isolated_from_source_constants():
        assert providers._get_local_constants is not before
        assert len(providers._get_local_constants()) == 0
    assert providers._get_local_constants is before


@pytest.mark.parametrize("low,high", [(0, 5), (0, 127), (0, 128), (3, 200), (-1000, 10**6)])
def test_integer_choices_are_drawn_as_st_integers_draws_them(low, high):
    """The fast path skips the strategy machinery, not the distribution: same seed, same integers."""
    fast, slow = internals.SeededSource(), internals.SeededSource()
    for seed in range(50):
        fast.reseed(seed, fresh=False)
        slow.reseed(seed, fresh=True)
        assert [fast.integer(low, high) for _ in range(20)] == [slow.draw(st.integers(low, high)) for _ in range(20)]


def test_a_samplers_strategy_draws_what_generation_draws():
    """typos() is defined by a sampler: its public strategy and the generator's fast path agree choice by choice."""
    texts = [f"the acting in part {i} was wonderful and moving" for i in range(40)]
    for n in (1, (1, 3)):
        p = bt.perturb.typos(n)
        for seed, text in enumerate(texts):
            fast, slow = internals.SeededSource(), internals.SeededSource()
            fast.reseed(seed, fresh=False)
            slow.reseed(seed, fresh=True)
            sample, strategy = p.sampler(text), p.strategy(text)
            for _ in range(3):
                try:
                    expected = slow.draw(strategy)
                except internals.Invalid:
                    expected = "rejected"
                try:
                    got = sample(fast.integer)
                except Exception as exc:  # a rejected draw
                    assert type(exc).__name__ == "UnsatisfiedAssumption"
                    got = "rejected"
                assert got == expected, (n, seed, text)
                if got == "rejected":
                    break  # the strategy path starts a fresh data object here: the streams part


def test_a_shared_data_object_gives_the_cases_of_a_fresh_one():
    """Integer choices share one data object across inputs; an input's cases must not notice."""
    texts = [f"review number {i} was quite good" for i in range(300)]
    shared = Generator(seed=5).generate(bt.perturb.typos((1, 3)), texts, list(texts), 3)
    alone = [Generator(seed=5).generate(bt.perturb.typos((1, 3)), [t], [t], 3)[0] for t in texts]
    assert [g.values for g in shared] == [g.values for g in alone]
    assert all(len(g.values) == 3 for g in shared)


def test_the_module_is_the_only_one_importing_hypothesis_internals():
    package = ROOT / "behavetest"
    users = sorted(str(p.relative_to(ROOT)) for p in package.rglob("*.py")
                   if re.search(r"hypothesis\.(internal|control|strategies\._internal)", p.read_text(encoding="utf-8")))
    assert users == ["behavetest/_cases/_hypothesis.py"], users

