"""Drawing perturbed cases from Hypothesis strategies, deterministically per input and seed."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Hashable, Iterator

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable, UnsatisfiedAssumption

from .._errors import DeclarationError, NotApplicable
from .._model.keys import cache_key, stable_int
from ..perturb._perturbation import Perturbation


def _settings(examples: int) -> settings:
    # Pinned so that a laptop and CI (where Hypothesis picks its "ci" profile) draw the same cases.
    return settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=False,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
        report_multiple_bugs=False,
        verbosity=Verbosity.quiet,
    )


@contextmanager
def isolated_from_source_constants() -> Iterator[None]:
    """Keep Hypothesis from mixing constants found in the user's own modules into draws.

    Hypothesis sometimes (about 5% of draws) substitutes a constant taken from the
    local source files that happen to be imported. That makes the cases for a
    seed depend on which modules a process has loaded and on unrelated edits to a
    conftest, which a measuring tool cannot accept. Hypothesis offers no public
    switch, so its lookup is replaced by an empty set while behavetest draws; if
    its internals move, nothing is patched and the determinism tests say so.
    """
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - a future Hypothesis
        yield
        return
    lookup = getattr(providers, "_get_local_constants", None)
    cache = getattr(getattr(providers, "CONSTANTS_CACHE", None), "cache", None)
    constants = getattr(providers, "Constants", None)
    if lookup is None or cache is None or constants is None:  # pragma: no cover
        yield
        return
    empty = constants()
    cache.clear()
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = lookup
        cache.clear()


class Generated:
    """Perturbed cases for one original input: distinct, each different from the original."""

    __slots__ = ("values", "noops")

    def __init__(self, values: list, noops: int) -> None:
        self.values = values
        self.noops = noops


class Generator:
    """Draws up to ``samples`` perturbations per input; caches them for the session.

    Each input is perturbed by its own Hypothesis run seeded from the session seed
    and the input's content alone, so an input gets the same perturbations in
    every run, process and test, whatever else is in the test.

    Hypothesis always tries the simplest example first (a typo in the first
    character, the first suffix of a list). To keep that from biasing every
    input's first sample, one extra example is drawn and the simplest one is
    dropped, unless the perturbation has no more than ``samples`` values.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._cache: dict[Hashable, Generated] = {}

    def generate(self, perturb: Perturbation, originals: list, keys: list, samples: int) -> list[Generated]:
        out: dict[Hashable, Generated] = {}
        drawn: list = []
        state: dict[str, Any] = {}

        @_settings(samples + 1)
        @given(st.data())
        def draw(data: st.DataObject) -> None:
            try:
                drawn.append(data.draw(state["strategy"]))
            except UnsatisfiedAssumption:
                raise
            except NotApplicable:
                pass
            except Exception as exc:  # never let it escape: Hypothesis would start shrinking
                state.setdefault("error", exc)

        # With the database off no key is needed, but Hypothesis would hash draw's source
        # for one on every run: a quarter of the generation time.
        draw._hypothesis_internal_database_key = None  # type: ignore[attr-defined]

        with isolated_from_source_constants():
            for original, key in zip(originals, keys):
                if key in out:
                    continue
                cache_id = None if perturb.key is None else (perturb.key, key, samples)
                cached = self._cache.get(cache_id) if cache_id is not None else None
                if cached is None:
                    cached = self._one(perturb, original, key, samples, draw, drawn, state)
                    if cache_id is not None:
                        self._cache[cache_id] = cached
                out[key] = cached
        return [out[key] for key in keys]

    def _one(self, perturb, original, key, samples, draw, drawn, state) -> Generated:
        strategy = perturb.strategy(original)
        if strategy is None:
            return Generated([], 0)
        drawn.clear()
        state["strategy"] = strategy
        try:
            seed(stable_int(self.seed, key))(draw)()
        except Unsatisfiable:
            return Generated([], 0)
        error = state.pop("error", None)
        if error is not None:
            raise DeclarationError(
                f"perturbation {perturb!r} raised {type(error).__name__}: {error}\n"
                f"  on input: {original!r}"
            ) from error
        values = drawn[1 : samples + 1] if len(drawn) > samples else list(drawn)
        seen: dict[Hashable, Any] = {}
        noops = 0
        for value in values:
            k = cache_key(value)
            if k == key:
                noops += 1
            elif k not in seen:
                seen[k] = value
        return Generated(list(seen.values()), noops)
