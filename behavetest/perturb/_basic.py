"""The first text perturbations: typos, appended or prepended text, word replacement."""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

from hypothesis.errors import UnsatisfiedAssumption
from hypothesis import strategies as st

from .._errors import DeclarationError
from ._parts import get_part, put_parts
from ._perturbation import Perturbation, rotated


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise DeclarationError(f"bt.perturb.{name} perturbs text, but an input is {type(value).__name__}: {value!r}")
    return value


_PAIR = re.compile(r"(?=([^\W\d_])(?!\1)[^\W\d_])")  # a word character, not a digit or "_", then a different one


def _swappable(text: str) -> list[int]:
    starts = [m.start() for m in _PAIR.finditer(text)]
    if text.isascii():  # there the pattern's letters are exactly str.isalpha's
        return starts
    return [i for i in starts if text[i].isalpha() and text[i + 1].isalpha()]


def typos(n: int | tuple[int, int] = 1) -> Perturbation:
    """``n`` typos, each swapping two adjacent, different letters inside a word.

    ``"This is great"`` may become ``"This is graet"``. ``n`` is a count or a
    ``(low, high)`` range of counts. Places are drawn among the swappable letter
    pairs and never overlap, so every draw changes the text in that many places;
    texts with fewer than ``low`` such places are not applicable. Examples shrink
    towards fewer typos, earlier in the text.
    """
    low, high = (n, n) if not isinstance(n, (tuple, list)) or len(n) != 2 else n
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)) or not 1 <= low <= high:
        raise DeclarationError(f"bt.perturb.typos(n): n must be a positive integer or a (low, high) range, not {n!r}")

    def sampler(value: Any):
        text = _text(value, "typos")
        places = _swappable(text)
        if len(places) < low:
            return None

        def sample(choose):
            count = low if low == high else choose(low, high)
            # Duplicates are merged rather than forbidden: unique draws shrink less well.
            chosen = sorted({places[choose(0, len(places) - 1)] for _ in range(count)})
            if len(chosen) < low or any(b - a <= 1 for a, b in zip(chosen, chosen[1:])):
                raise UnsatisfiedAssumption("typos too close together")
            return _swap(text, chosen)

        return sample

    return Perturbation(sampler=sampler, name=f"typos({n if low == high else (low, high)!r})", key=("typos", low, high))


def _swap(text: str, places: list[int]) -> str:
    chars = list(text)
    for i in places:
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def _texts(value: str | Sequence[str], name: str) -> tuple[str, ...]:
    texts = (value,) if isinstance(value, str) else tuple(value)
    if not texts or not all(isinstance(t, str) for t in texts):
        raise DeclarationError(f"bt.perturb.{name} needs a string or a non-empty list of strings, not {value!r}")
    return texts


def append(text_or_texts: str | Sequence[str]) -> Perturbation:
    """Add one of the given texts at the end: ``append(" I loved it.")``.

    With a list, each perturbation draws one of them; every option is drawn across
    inputs, and shrinking goes towards an option fixed per input.
    """
    texts = _texts(text_or_texts, "append")

    def sampler(value: Any):
        text, options = _text(value, "append"), rotated(texts, value)
        return lambda choose: text + options[choose(0, len(options) - 1)]

    return Perturbation(sampler=sampler, name=f"append({text_or_texts!r})", key=("append", texts))


def prepend(text_or_texts: str | Sequence[str]) -> Perturbation:
    """Add one of the given texts at the start: ``prepend("Honestly, ")``."""
    texts = _texts(text_or_texts, "prepend")

    def sampler(value: Any):
        text, options = _text(value, "prepend"), rotated(texts, value)
        return lambda choose: options[choose(0, len(options) - 1)] + text

    return Perturbation(sampler=sampler, name=f"prepend({text_or_texts!r})", key=("prepend", texts))


def replace(mapping: Mapping[str, str | Sequence[str]]) -> Perturbation:
    """Replace a whole word or phrase by one of its alternatives, everywhere it occurs.

    ``replace({"Chicago": ["Denver", "Boston"], "good": "nice"})`` draws one key
    present in the text and one of its replacements. Matching is case-sensitive
    and on word boundaries; texts with no key are not applicable. A replacement
    equal to the key changes nothing and is not counted.
    """
    if not isinstance(mapping, Mapping) or not mapping:
        raise DeclarationError(f"bt.perturb.replace needs a non-empty mapping, not {mapping!r}")
    table = {k: _texts(v, "replace") for k, v in mapping.items()}
    patterns = {k: re.compile(r"(?<!\w)" + re.escape(k) + r"(?!\w)") for k in table}

    def strategy(value: Any):
        text = _text(value, "replace")
        present = tuple(k for k, pat in patterns.items() if pat.search(text))
        if not present:
            return None
        return st.sampled_from(rotated(present, text)).flatmap(
            lambda k: st.sampled_from(rotated(table[k], text)).map(lambda r: patterns[k].sub(lambda _: r, text))
        )

    return Perturbation(
        strategy,
        name=f"replace({mapping!r})",
        key=("replace", tuple((k, v) for k, v in table.items())),
    )


def swap_parts(a: Hashable = 0, b: Hashable = 1) -> Perturbation:
    """Exchange two parts of an input: ``(q1, q2)`` becomes ``(q2, q1)`` (QQP's symmetry);
    ``swap_parts("question1", "question2")`` for dict inputs. Not applicable when both parts are equal."""

    def strategy(value: Any):
        first, second = get_part(value, a, "swap_parts"), get_part(value, b, "swap_parts")
        if first == second:
            return None
        return st.just(put_parts(value, {a: second, b: first}))

    return Perturbation(strategy, name=f"swap_parts({a!r}, {b!r})", key=("swap_parts", a, b), shrinkable=False)
