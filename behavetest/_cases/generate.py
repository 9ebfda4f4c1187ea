"""Drawing perturbed cases from Hypothesis strategies, deterministically per input and seed."""

from __future__ import annotations

from typing import Any, Callable, Hashable

from hypothesis.errors import UnsatisfiedAssumption

from .._errors import DeclarationError, NotApplicable
from .._model.keys import cache_key, stable_int
from ..perturb._perturbation import Perturbation
from ._hypothesis import Invalid, SeededSource, isolated_from_source_constants

__all__ = ["Generated", "Generator"]


class Generated:
    """Perturbed cases for one original input: distinct, each different from the original."""

    __slots__ = ("values", "noops")

    def __init__(self, values: list, noops: int) -> None:
        self.values = values
        self.noops = noops


CACHED_INPUTS = 200_000  # inputs whose cases are kept for later tests; beyond, cases are drawn again (same values)


def attempts(samples: int) -> int:
    """Draws allowed per input: duplicates and rejected draws are drawn again, within this bound."""
    return 4 * samples + 20


class Generator:
    """Draws up to ``samples`` perturbations per input; caches them for the session (up to ``CACHED_INPUTS``).

    Each input's perturbations are drawn from one Hypothesis data object seeded
    from the session seed and the input's content alone, so an input gets the
    same perturbations in every run, process and test, whatever else is in the
    test. Each of the ``samples`` draws gives a new distinct value, a no-op (a
    value equal to the input) or nothing (the draw raised ``NotApplicable``); a
    duplicate or rejected draw is drawn again, up to :func:`attempts` draws, so
    a perturbation with fewer values than ``samples`` gives all it has.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._cache: dict[Hashable, Generated] = {}
        self._source = SeededSource()

    def generate(self, perturb: Perturbation, originals: list, keys: list, samples: int) -> list[Generated]:
        out: dict[Hashable, Generated] = {}
        with isolated_from_source_constants():
            for original, key in zip(originals, keys):
                if key in out:
                    continue
                cache_id = None if perturb.key is None else (perturb.key, key, samples)
                cached = self._cache.get(cache_id) if cache_id is not None else None
                if cached is None:
                    cached = self._one(perturb, original, key, samples)
                    if cache_id is not None and len(self._cache) < CACHED_INPUTS:
                        self._cache[cache_id] = cached
                out[key] = cached
        return [out[key] for key in keys]

    def _one(self, perturb: Perturbation, original: Any, key: Hashable, samples: int) -> Generated:
        seed = stable_int(self.seed, key)
        if perturb.sampler is None:
            strategy = perturb.strategy(original)
            if strategy is None:
                return Generated([], 0)
            self._source.reseed(seed, fresh=True)
            return self._draws(perturb, original, key, samples, lambda: self._source.draw(strategy))
        sample = perturb.sampler(original)
        if sample is None:
            return Generated([], 0)
        integer = self._source.integer
        self._source.reseed(seed, fresh=False)
        return self._draws(perturb, original, key, samples, lambda: sample(integer))

    @staticmethod
    def _draws(perturb, original, key, samples: int, draw: Callable[[], Any]) -> Generated:
        seen: dict[Hashable, Any] = {}
        noops = filled = 0
        for _ in range(attempts(samples)):
            if filled >= samples:
                break
            try:
                value = draw()
            except (Invalid, UnsatisfiedAssumption):
                continue
            except NotApplicable:
                filled += 1
                continue
            except Exception as exc:
                raise DeclarationError(
                    f"perturbation {perturb!r} raised {type(exc).__name__}: {exc}\n  on input: {original!r}"
                ) from exc
            k = cache_key(value)
            if k == key:
                if not noops:  # the input itself is one value: a repeat is a duplicate
                    noops, filled = 1, filled + 1
            elif k not in seen:
                seen[k] = value
                filled += 1
        return Generated(list(seen.values()), noops)
