"""Wrapping any nlpaug augmenter as a perturbation, seeded by Hypothesis and without tokenizer damage."""

from __future__ import annotations

import difflib
import random
from typing import Any

from hypothesis import strategies as st

from .._errors import DeclarationError, NotApplicable
from ._perturbation import Perturbation
from ._basic import _text


def nlpaug(augmenter: Any, *, name: str | None = None) -> Perturbation:
    """Any nlpaug augmenter as a perturbation: ``nlpaug(nac.KeyboardAug())`` turns ``"lovely :)"`` into ``"lobely :)"``.

    Each draw seeds Python's ``random`` and NumPy's global generator from a
    Hypothesis-drawn integer around one ``augment`` call (the previous states are
    restored), so draws are reproducible. nlpaug re-joins tokens after
    augmenting (``"lovely :)"`` comes back as ``"lovely:)"``, ``"can't"`` as
    ``"can ' t"``); whitespace it changed next to punctuation, or merely
    normalised, is put back as in the input, so only its real edits remain.
    A draw that leaves the text unchanged is not applicable. Not shrinkable: a
    smaller seed is not a simpler augmentation.
    """
    if not callable(getattr(augmenter, "augment", None)):
        raise DeclarationError(
            f"bt.perturb.nlpaug needs an nlpaug augmenter (with an augment method), not {type(augmenter).__name__}"
        )
    label = name or f"nlpaug({type(augmenter).__name__})"

    def run(text: str, seed: int) -> str:
        import numpy as np

        saved, saved_np = random.getstate(), np.random.get_state()
        try:
            random.seed(seed)
            np.random.seed(seed)
            out = augmenter.augment(text)
        finally:
            random.setstate(saved)
            np.random.set_state(saved_np)
        if isinstance(out, (list, tuple)):
            out = out[0] if out else text
        if not isinstance(out, str):
            raise DeclarationError(f"{label}: augment() returned {type(out).__name__}, not text")
        new = restore_spacing(text, out)
        if new == text:
            raise NotApplicable(f"{label} left the text unchanged")
        return new

    def strategy(value: Any):
        text = _text(value, "nlpaug")
        return st.integers(0, 2**32 - 1).map(lambda seed: run(text, seed))

    # The key holds the augmenter itself (hashed by identity), so it cannot be confused with another one.
    try:
        key = ("nlpaug", augmenter, name)
        hash(key)
    except TypeError:
        key = None
    return Perturbation(strategy, name=label, key=key, shrinkable=False)


def restore_spacing(original: str, augmented: str) -> str:
    """``augmented`` with the whitespace a tokenizer round trip changed put back as in ``original``.

    The two texts are aligned on their non-whitespace characters. Between two
    characters of the output, the output's whitespace is kept where it is part of
    an edit (a word inserted, split or joined); the input's is used where the
    whitespace touches punctuation or was only normalised (two spaces to one, a
    newline to a space).
    """
    pa = [i for i, c in enumerate(original) if not c.isspace()]
    pb = [j for j, c in enumerate(augmented) if not c.isspace()]
    if not pa or not pb:
        return augmented
    a = "".join(original[i] for i in pa)
    b = "".join(augmented[j] for j in pb)
    align: list[int | None] = [None] * len(b)
    for tag, i1, i2, j1, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                align[j1 + k] = i1 + k

    def gap_before(i: int) -> str:  # the input's whitespace before its i-th non-space character
        return original[pa[i - 1] + 1 if i else 0 : pa[i]]

    def gap_after(i: int) -> str:
        return original[pa[i] + 1 : pa[i + 1] if i + 1 < len(pa) else len(original)]

    out = [gap_before(0) if align[0] == 0 else augmented[: pb[0]]]
    for k in range(len(b)):
        if k:
            left, right = align[k - 1], align[k]
            words = b[k - 1].isalnum() and b[k].isalnum()
            gap = augmented[pb[k - 1] + 1 : pb[k]]
            if left is not None and right == left + 1:
                was = gap_before(right)
                if was != gap and not (words and (not was or not gap)):
                    gap = was
            elif not words and (left is not None or right is not None):
                gap = gap_before(right) if right is not None else gap_after(left)
            out.append(gap)
        out.append(b[k])
    last = align[-1]
    out.append(gap_after(last) if last == len(a) - 1 else augmented[pb[-1] + 1 :])
    return "".join(out)
