"""Predictions: one model output (``Prediction``) and a batch of them as arrays (``Predictions``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

#: Items of a ranking kept in reports and messages.
SHOWN_ITEMS = 10


@dataclass(frozen=True)
class Prediction:
    """What the model said about one input.

    ``label`` is the predicted label (the most probable one for probability
    models, ties going to the first declared label), ``probs`` maps each label to
    its probability (``None`` unless the model returns probabilities),
    ``score`` is the output of a regression model, ``answer`` the string of a
    ``output="text"`` model and ``ranking`` the item ids, best first, of an
    ``output="ranking"`` model (each ``None`` for other models).
    """

    input: Any
    label: Any = None
    probs: dict[Any, float] | None = None
    score: float | None = None
    answer: str | None = None
    ranking: tuple | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.label is not None:
            out["label"] = self.label
        if self.probs is not None:
            out["probs"] = {str(k): round(float(v), 6) for k, v in self.probs.items()}
        if self.score is not None:
            out["score"] = round(float(self.score), 6)
        if self.answer is not None:
            out["answer"] = self.answer
        if self.ranking is not None:
            out["ranking"] = [v if type(v) in (str, int, float, bool) else repr(v) for v in self.ranking[:SHOWN_ITEMS]]
        return out

    def __str__(self) -> str:
        if self.answer is not None:
            return f"answer {self.answer!r}"
        if self.ranking is not None:
            more = ", ..." if len(self.ranking) > SHOWN_ITEMS else ""
            return f"ranking [{', '.join(map(repr, self.ranking[:SHOWN_ITEMS]))}{more}]"
        if self.score is not None:
            return f"score={self.score:.3g}"
        if self.probs is not None:
            return f"{self.label} ({self.probs[self.label]:.2f})"
        return str(self.label)


class Predictions:
    """Predictions for a sequence of inputs, held as arrays for vectorised checks.

    Exactly one of ``proba`` (n, k) and ``score`` (n,) is set for probability and
    regression models; ``label_idx`` (n,) indexes ``labels`` for every model with labels;
    ``answer`` (strings) and ``ranking`` (tuples of item ids) are object arrays (n,).
    """

    __slots__ = ("labels", "label_idx", "proba", "score", "answer", "ranking")

    def __init__(self, labels: Sequence[Any], label_idx=None, proba=None, score=None, answer=None, ranking=None):
        self.labels = labels
        self.label_idx = label_idx
        self.proba = proba
        self.score = score
        self.answer = answer
        self.ranking = ranking

    def __len__(self) -> int:
        for arr in (self.score, self.label_idx, self.answer, self.ranking):
            if arr is not None:
                return len(arr)
        return 0

    def take(self, rows: np.ndarray) -> "Predictions":
        pick = lambda a: None if a is None else a[rows]  # noqa: E731
        return Predictions(self.labels, pick(self.label_idx), pick(self.proba), pick(self.score),
                           pick(self.answer), pick(self.ranking))

    def at(self, i: int, input: Any = None) -> Prediction:
        label = None if self.label_idx is None else self.labels[int(self.label_idx[i])]
        probs = None
        if self.proba is not None:
            probs = {lab: float(p) for lab, p in zip(self.labels, self.proba[i])}
        score = None if self.score is None else float(self.score[i])
        answer = None if self.answer is None else self.answer[i]
        ranking = None if self.ranking is None else self.ranking[i]
        return Prediction(input=input, label=label, probs=probs, score=score, answer=answer, ranking=ranking)
