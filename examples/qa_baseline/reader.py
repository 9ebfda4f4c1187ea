"""An extractive reader in the spirit of the SQuAD paper's sliding-window baseline.

For every candidate answer (a span of one to three context words that contains no
word of the question), the reader counts the question's words found in a window of
``WINDOW`` words on each side of the span, each weighted by how rare it is in the
context (rarer shared words count more; words match after dropping a plural "s"), and answers the best-scoring span; ties go
to the shorter, then the earlier span. It knows no grammar at all: it finds the
passage that looks like the question and takes a word next to it. That is a real
baseline, and behavetest's qa suite shows what it cannot do (negation, comparisons,
pronouns, who did what to whom).

``model`` is the ``bt.Model`` for behavetest: inputs are dicts
``{"context": ..., "question": ...}``, answers are strings (``output="text"``).
"""

from __future__ import annotations

import math
import re
from collections import Counter

import behavetest as bt

WINDOW = 3
MAX_SPAN = 3
_WORD = re.compile(r"[\w'-]+")
STOPWORDS = frozenset("a an the is are was were be do does did of to in on at by for with and or who whom what which "
                      "when where why how whose".split())


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _stem(word: str) -> str:
    """Lower case, no possessive, no plural or third-person "s": "lives" and "live" match."""
    word = word.lower().removesuffix("'s")
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def answer(context: str, question: str) -> str:
    tokens = _words(context)
    lower = [_stem(t) for t in tokens]
    asked = {_stem(w) for w in _words(question)} - STOPWORDS
    counts = Counter(lower)
    weight = {w: 1.0 + math.log(len(lower) / counts[w]) for w in counts}
    best, best_key = "", None
    for start in range(len(tokens)):
        for length in range(1, MAX_SPAN + 1):
            end = start + length
            if end > len(tokens):
                break
            span = lower[start:end]
            if any(w in asked or w in STOPWORDS for w in span):
                continue
            around = lower[max(0, start - WINDOW):start] + lower[end:end + WINDOW]
            score = sum(weight[w] for w in set(around) if w in asked)
            key = (-score, length, start)
            if best_key is None or key < best_key:
                best, best_key = " ".join(tokens[start:end]), key
    return best


def read(rows) -> list[str]:
    return [answer(row["context"], row["question"]) for row in rows]  # other keys (gold answers) are ignored


model = bt.Model(read, output="text", name="sliding-window")
