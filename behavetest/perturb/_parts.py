"""Perturbations of structured inputs: one named part of a dict or tuple, or the same change in both parts of a pair.

The results are built with ``type(inner)`` so that this module does not import the protocol it extends.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Hashable

from hypothesis import strategies as st

from .._errors import DeclarationError, NotApplicable

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_END = "\x00end"


def _parts_of(value: Any, where: str) -> list[Hashable]:
    if isinstance(value, dict):
        return list(value)
    if isinstance(value, (tuple, list)):
        return list(range(len(value)))
    raise DeclarationError(f"{where} perturbs a part of a dict or tuple input, but an input is {type(value).__name__}: {value!r}")


def get_part(value: Any, part: Hashable, where: str) -> Any:
    parts = _parts_of(value, where)
    if part not in parts:
        raise DeclarationError(
            f"{where}: the input has no part {part!r}; its parts are {parts!r}\n  input: {value!r}"
        )
    return value[part]


def put_parts(value: Any, changes: dict[Hashable, Any]) -> Any:
    if isinstance(value, dict):
        return {k: changes.get(k, v) for k, v in value.items()}
    return type(value)(changes.get(i, v) for i, v in enumerate(value))


def on(inner: Any, part: Hashable) -> Any:
    """``inner`` applied to ``value[part]`` only; every other part is kept as it is."""
    where = f"{inner!r}.on({part!r})"

    def strategy(value: Any):
        inner_strategy = inner.strategy(get_part(value, part, where))
        if inner_strategy is None:
            return None
        return inner_strategy.map(lambda new: put_parts(value, {part: new}))

    key = None if inner.key is None else ("on", part, inner.key)
    return type(inner)(strategy, name=where, key=key, shrinkable=inner.shrinkable)


def _edits(before: str, after: str) -> list[tuple[str, list[str], list[str], list[str]]]:
    """Token edits turning ``before`` into ``after``: (op, old tokens, new tokens, tokens just before)."""
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            if i1 == 0:
                anchor = []
            elif i1 == len(a):
                anchor = [_END]
            else:
                anchor = [t for t in a[:i1] if not t.isspace()][-1:]
            out.append((op, a[i1:i2], b[j1:j2], anchor))
    return out


def _find(tokens: list[str], seq: list[str], start: int = 0) -> int:
    for i in range(start, len(tokens) - len(seq) + 1):
        if tokens[i:i + len(seq)] == seq:
            return i
    return -1


def _apply(edits: list, text: str) -> str:
    """The same edits in another text: replaced and deleted tokens wherever they occur (all of them),
    insertions at the start, at the end, or after the same token; NotApplicable where they do not fit."""
    tokens = _TOKEN.findall(text)
    for op, old, new, anchor in edits:
        if op in ("replace", "delete"):
            at, found = 0, False
            while (i := _find(tokens, old, at)) >= 0:
                tokens[i:i + len(old)] = new
                at, found = i + len(new), True
            if not found:
                raise NotApplicable(f"the change of {''.join(old)!r} has nothing to change in {text!r}")
        elif not anchor:
            tokens[0:0] = new
        elif anchor == [_END]:
            tokens.extend(new)
        else:
            i = _find(tokens, anchor)
            if i < 0:
                raise NotApplicable(f"the insertion after {anchor[0]!r} has no place in {text!r}")
            tokens[i + 1:i + 1] = new
    return "".join(tokens)


def on_both(inner: Any) -> Any:
    """The same change in every text part of a pair (or dict): ``inner`` perturbs the first part, and its
    edits (words replaced or deleted everywhere, text inserted at the start, end or after the same word)
    are made in the others. Pairs where another part has nothing to make the change in are not applicable."""
    where = f"{inner!r}.on_both()"

    def text_parts(value: Any) -> list[Hashable]:
        parts = [p for p in _parts_of(value, where) if isinstance(value[p], str)]
        if len(parts) < 2:
            raise DeclarationError(f"{where} needs inputs with at least two text parts, got {value!r}")
        return parts

    @st.composite
    def both(draw, value: Any, first_strategy) -> Any:
        parts = text_parts(value)
        first = value[parts[0]]
        new_first = draw(first_strategy)
        edits = _edits(first, new_first)
        changes = {parts[0]: new_first}
        for part in parts[1:]:
            changes[part] = _apply(edits, value[part])
        return put_parts(value, changes)

    def strategy(value: Any):
        parts = text_parts(value)
        first_strategy = inner.strategy(value[parts[0]])
        return None if first_strategy is None else both(value, first_strategy)

    key = None if inner.key is None else ("on_both", inner.key)
    return type(inner)(strategy, name=where, key=key, shrinkable=inner.shrinkable)
