"""The perturbation protocol: a function from one input to a Hypothesis strategy of perturbed inputs."""

from __future__ import annotations

import functools
from typing import Any, Callable, Hashable

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from .._errors import DeclarationError, NotApplicable

StrategyFn = Callable[[Any], "SearchStrategy[Any] | None"]
Choose = Callable[[int, int], int]
SamplerFn = Callable[[Any], "Callable[[Choose], Any] | None"]


class Perturbation:
    """A perturbation: maps one input to a Hypothesis strategy of perturbed versions of it.

    ``strategy(value)`` returns ``None`` when the perturbation does not apply to
    ``value`` (no name to swap, no digit to change); drawing may also raise
    :class:`NotApplicable`. Such inputs are reported as not applicable, never as
    passes. Perturbations compose: ``a | b`` draws from either, and
    :func:`behavetest.perturb.chain` applies several in order.

    ``key`` identifies the perturbation with its parameters; perturbations with a
    key share generated cases across tests of a session.

    Instead of ``fn`` a perturbation may give a ``sampler``: ``sampler(value)``
    returns ``None`` when it does not apply, or a function that builds one
    perturbed value from integer choices, ``choose(low, high)``, and may call
    ``hypothesis.errors.UnsatisfiedAssumption`` to reject a draw. Its strategy draws each choice as
    ``st.integers(low, high)``; case generation makes the same choices without
    the strategy machinery, which is several times cheaper.
    """

    def __init__(self, fn: StrategyFn | None = None, *, name: str, key: Hashable | None = None,
                 shrinkable: bool = True, sampler: SamplerFn | None = None):
        if (fn is None) == (sampler is None):
            raise DeclarationError(f"perturbation {name}: give exactly one of a strategy function or sampler=")
        self._fn = fn if fn is not None else _sampled(sampler)
        self.sampler = sampler
        self.name = name
        self.key = key
        self.shrinkable = shrinkable

    def __repr__(self) -> str:
        return self.name

    def strategy(self, value: Any) -> SearchStrategy[Any] | None:
        result = self._fn(value)
        if result is not None and not isinstance(result, SearchStrategy):
            raise DeclarationError(
                f"perturbation {self.name} returned {type(result).__name__} for an input; it must "
                "return a Hypothesis strategy of perturbed inputs (or None when it does not apply)"
            )
        return result

    __call__ = strategy

    def __or__(self, other: "Perturbation | StrategyFn") -> "Perturbation":
        return any_of(self, other)

    def on(self, part: Hashable) -> "Perturbation":
        """This perturbation applied to one part of dict or tuple inputs: ``typos(1).on("question")``, ``.on(0)``."""
        from ._parts import on

        return on(self, part)

    def on_both(self) -> "Perturbation":
        """The same change in both parts of a pair (QQP: a name swapped in both questions)."""
        from ._parts import on_both

        return on_both(self)


def _sampled(sampler: SamplerFn) -> StrategyFn:
    def strategy(value: Any) -> SearchStrategy[Any] | None:
        sample = sampler(value)
        if sample is None:
            return None
        return st.composite(lambda draw: sample(lambda low, high: draw(st.integers(low, high))))()

    return strategy


def rotated(options: tuple, value: Any) -> tuple:
    """``options`` rotated by an amount derived from ``value``'s content.

    Hypothesis always draws the simplest option (the first) first, and the case
    generator drops that first draw so that it does not bias every input the same
    way. Rotating a short list of options per input makes each input start, and
    shrink, at a different option, so over many inputs every option is drawn.
    """
    from .._model.keys import stable_int

    if len(options) < 2:
        return options
    k = stable_int("options", value) % len(options)
    return options[k:] + options[:k]


def as_perturbation(value: Any, *, where: str = "perturb") -> Perturbation:
    """Accept a ``Perturbation`` or any function from one input to a strategy."""
    if isinstance(value, Perturbation):
        return value
    factory = _factory_name(value)
    if factory is not None:
        example = _example_arguments(factory, value)
        raise DeclarationError(f"bt.perturb.{factory} is a factory: call it, e.g. bt.perturb.{factory}({example})")
    if callable(value):
        try:
            key = ("function", value) if hash(value) is not None else None  # the same function shares its cases
        except TypeError:
            key = None
        return Perturbation(value, name=getattr(value, "__name__", repr(value)), key=key)
    raise DeclarationError(
        f"{where}= must be a perturbation (e.g. bt.perturb.typos(1)) or a function from one "
        f"input to a Hypothesis strategy, not {type(value).__name__}"
    )


_FACTORY_EXAMPLES = {
    "append": "[' I loved it.']", "prepend": "['Well, ']", "replace": "{'good': ['great']}",
    "noise": "'age', sd=1.0", "scale": "'income', 1.1", "shift": "'age', 1", "set_value": "'country', 'DE'",
    "swap": "'gender', ['f', 'm']", "nlpaug": "augmenter",
}


def _example_arguments(name: str, factory: Callable[..., Any]) -> str:
    import inspect

    if name in _FACTORY_EXAMPLES:
        return _FACTORY_EXAMPLES[name]
    params = list(inspect.signature(factory).parameters.values())
    if params and params[0].name == "n":
        return "1"
    required = [p for p in params if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    return "" if not required else "..."


def _factory_name(value: Any) -> str | None:
    """The name of a bt.perturb factory passed without calling it, else None."""
    import inspect

    name = getattr(value, "__name__", "")
    if not inspect.isfunction(value) or name.startswith("_") or name in ("chain", "any_of") \
            or not value.__module__.startswith("behavetest.perturb."):
        return None
    returns = inspect.signature(value).return_annotation
    return name if returns in ("Perturbation", Perturbation) else None


def perturbation(fn: Callable[..., Any] | None = None, *, shrinkable: bool = True):
    """Turn a function written in ``st.composite`` style into a :class:`Perturbation`.

    The function receives Hypothesis's ``draw`` and one input, and returns the
    perturbed input; it may raise :class:`behavetest.NotApplicable`::

        @bt.perturbation
        def shout(draw, text):
            words = text.split()
            if not words:
                raise bt.NotApplicable("no words")
            i = draw(st.integers(0, len(words) - 1))
            return " ".join(w.upper() if j == i else w for j, w in enumerate(words))

    Draws shrink as Hypothesis shrinks them (integers towards 0, lists towards short).
    A function that never calls ``draw`` is a fixed edit with one perturbed value.
    """

    def wrap(func: Callable[..., Any]) -> Perturbation:
        def drawing(draw: Callable[[SearchStrategy[Any]], Any], value: Any) -> Any:
            # Calls func with draw whether or not func uses it: a perturbation that never draws
            # (one fixed edit) is fine here, and Hypothesis would warn about it on st.composite(func).
            return func(draw, value)

        composite = st.composite(drawing)

        @functools.wraps(func)
        def strategy(value: Any) -> SearchStrategy[Any]:
            return composite(value)

        # The function object is the key: every test using this perturbation shares its cases.
        return Perturbation(strategy, name=f"{func.__name__}()", key=("perturbation", func), shrinkable=shrinkable)

    return wrap(fn) if fn is not None else wrap


def _key(parts: tuple[Perturbation, ...], op: str) -> Hashable | None:
    keys = tuple(p.key for p in parts)
    return None if None in keys else (op, keys)


def any_of(*perturbations: Perturbation | StrategyFn) -> Perturbation:
    """Draw from any one of ``perturbations`` that applies to the input."""
    parts = tuple(as_perturbation(p) for p in perturbations)
    if not parts:
        raise DeclarationError("any_of needs at least one perturbation")

    def strategy(value: Any) -> SearchStrategy[Any] | None:
        options = [s for s in (p.strategy(value) for p in parts) if s is not None]
        return st.one_of(options) if options else None

    return Perturbation(
        strategy,
        name=" | ".join(map(repr, parts)),
        key=_key(parts, "any_of"),
        shrinkable=all(p.shrinkable for p in parts),
    )


def chain(*perturbations: Perturbation | StrategyFn) -> Perturbation:
    """Apply every one of ``perturbations`` in order; not applicable if any step is not."""
    parts = tuple(as_perturbation(p) for p in perturbations)
    if not parts:
        raise DeclarationError("chain needs at least one perturbation")

    @st.composite
    def chained(draw: Callable[[SearchStrategy[Any]], Any], value: Any) -> Any:
        for part in parts:
            step = part.strategy(value)
            if step is None:
                raise NotApplicable(f"{part!r} does not apply")
            value = draw(step)
        return value

    def strategy(value: Any) -> SearchStrategy[Any] | None:
        first = parts[0].strategy(value)
        return None if first is None else chained(value)

    return Perturbation(
        strategy,
        name=f"chain({', '.join(map(repr, parts))})",
        key=_key(parts, "chain"),
        shrinkable=all(p.shrinkable for p in parts),
    )
