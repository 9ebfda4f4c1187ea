"""VADER as a ``bt.Model``: the one copy of the example's score-to-probability mapping.

Used by this folder's ``conftest.py`` (the ``sentiment`` fixture) and, through the
``vader`` factory, by the built-in sentiment suite from the repository root:

    pytest --behave --behave-suite sentiment --behave-model examples.sentiment_vader.vader_model:vader

From scores to probabilities
----------------------------
VADER's ``compound`` score c lies in [-1, 1], and its authors' convention for a
three-way decision is: positive if c >= 0.05, negative if c <= -0.05, neutral in
between. This module turns c into a probability row (negative, neutral, positive)
with a softmax over three logits that encode exactly that convention:

    logit(negative) = K * (-c - T)      logit(neutral) = 0      logit(positive) = K * (c - T)

* The most probable label is the conventional one: positive wins exactly when
  c > T, negative exactly when c < -T. VADER rounds ``compound`` to 4 decimals, so
  T = 0.04995 (between 0.0499 and 0.0500) reproduces "c >= 0.05" without ties.
* P(positive) rises and P(negative) falls monotonically with c, so the DIR tests'
  ``increase("positive")`` and ``decrease("positive")`` are statements about c.
* K = 10 sets how confident the row is: at |c| = 0.5 the winning label gets
  about 0.99, at |c| = T it ties with neutral at 0.5.
* Rows are finite (|logits| <= 11), lie in [0, 1] and sum to 1.

VADER's ``neg``/``neu``/``pos`` proportions are not used: they measure how much of
the text is neutral, so "The movie was good." would come out as neutral.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

import behavetest as bt

NAME = "vader"
LABELS = ["negative", "neutral", "positive"]
THRESHOLD = 0.04995
TEMPERATURE = 10.0


def compound_to_proba(compound: np.ndarray) -> np.ndarray:
    """(n,) compound scores -> (n, 3) probabilities for LABELS (see the module docstring)."""
    c = np.asarray(compound, dtype=float)
    logits = np.stack([TEMPERATURE * (-c - THRESHOLD), np.zeros_like(c), TEMPERATURE * (c - THRESHOLD)], axis=1)
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


def wrap(analyzer: Any) -> bt.Model:
    """A ``SentimentIntensityAnalyzer`` as a bt.Model returning (negative, neutral, positive) probabilities."""

    def predict_proba(texts: list[str]) -> np.ndarray:
        compound = [analyzer.polarity_scores(text)["compound"] for text in texts]
        return compound_to_proba(np.array(compound, dtype=float))

    return bt.Model(predict_proba, labels=LABELS, name=NAME)


@functools.lru_cache(maxsize=None)
def vader() -> bt.Model:
    """VADER with its bundled lexicon, as a bt.Model named "vader" (built once per process)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return wrap(SentimentIntensityAnalyzer())
