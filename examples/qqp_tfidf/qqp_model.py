"""A duplicate-question model: logistic regression over TF-IDF features of question pairs.

There is no Quora data here (it would be a download): the training pairs are
generated, with a fixed seed, from paraphrase and contrast patterns written for
this example ("How do I learn X?" / "What is the best way to learn X?" are
duplicates; "... learn X?" / "... teach X?" are not). A pair's features are those
a classical QQP baseline uses: the element-wise product and the absolute
difference of the two questions' TF-IDF vectors (word uni- and bigrams), so the
model sees which words the questions share and which they do not.

``model`` is the ``bt.Model`` for behavetest (labels ``not_duplicate``,
``duplicate``; it takes pairs as tuples or lists of two strings).
"""

from __future__ import annotations

import functools
import random

import numpy as np

import behavetest as bt

SEED = 0
TOPICS = ["French", "guitar", "chess", "programming", "cooking", "swimming", "statistics", "painting", "Spanish",
          "piano", "photography", "karate", "drawing", "physics", "history", "marketing"]
ITEMS = ["laptop", "bicycle", "camera", "phone", "guitar", "sofa", "tent", "printer", "watch", "car"]
PEOPLE = ["Ana", "Ben", "Chloe", "David", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Liam"]
JOBS = ["doctor", "teacher", "lawyer", "nurse", "pilot", "chef", "engineer", "farmer"]

# (question one, question two, duplicate?) with {t}opic, {i}tem, {p}erson, {q} another person, {j}ob, {k} another job.
PATTERNS = [
    ("How do I learn {t}?", "What is the best way to learn {t}?", 1),
    ("How can I get better at {t}?", "How do I improve my {t}?", 1),
    ("Is it hard to learn {t}?", "How difficult is learning {t}?", 1),
    ("Where can I buy a cheap {i}?", "Where can I find an inexpensive {i}?", 1),
    ("Which {i} should I buy?", "What is the best {i} to buy?", 1),
    ("How old is {p}?", "What is the age of {p}?", 1),
    ("Where does {p} live?", "In which city does {p} live?", 1),
    ("Is {p} a {j}?", "Does {p} work as a {j}?", 1),
    ("How do I learn {t}?", "How do I teach {t}?", 0),
    ("How do I learn {t}?", "Why do people learn {t}?", 0),
    ("Where can I buy a cheap {i}?", "Where can I sell a used {i}?", 0),
    ("Which {i} should I buy?", "How do I repair my {i}?", 0),
    ("How old is {p}?", "How old is {q}?", 0),
    ("Where does {p} live?", "Where does {p} work?", 0),
    ("Is {p} a {j}?", "Is {p} a {k}?", 0),
    ("Is {p} a {j}?", "Is {q} a {j}?", 0),
    ("How do I learn {t}?", "Where can I buy a cheap {i}?", 0),
]


def training_pairs(n: int = 1200, seed: int = SEED) -> tuple[list[tuple[str, str]], list[str]]:
    """``n`` labelled pairs drawn from the patterns with a seeded generator (the same in every process)."""
    rng = random.Random(seed)
    pairs, labels = [], []
    for _ in range(n):
        one, two, duplicate = rng.choice(PATTERNS)
        p, q = rng.sample(PEOPLE, 2)
        j, k = rng.sample(JOBS, 2)
        fills = dict(t=rng.choice(TOPICS), i=rng.choice(ITEMS), p=p, q=q, j=j, k=k)
        pair = (one.format(**fills), two.format(**fills))
        if rng.random() < 0.5:
            pair = pair[::-1]
        pairs.append(pair)
        labels.append("duplicate" if duplicate else "not_duplicate")
    return pairs, labels


class PairFeatures:
    """TF-IDF of each question, combined into |a - b| and a * b (a fitted scikit-learn vectorizer inside)."""

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer = TfidfVectorizer(ngram_range=(1, 2), lowercase=True, sublinear_tf=True)

    def fit(self, pairs):
        self.vectorizer.fit([q for pair in pairs for q in pair])
        return self

    def transform(self, pairs):
        from scipy.sparse import hstack

        a = self.vectorizer.transform([pair[0] for pair in pairs])
        b = self.vectorizer.transform([pair[1] for pair in pairs])
        return hstack([abs(a - b), a.multiply(b)]).tocsr()


@functools.cache
def fitted():
    """The fitted features and classifier (trained on the first call, then cached)."""
    from sklearn.linear_model import LogisticRegression

    pairs, labels = training_pairs()
    features = PairFeatures().fit(pairs)
    classifier = LogisticRegression(C=10.0, max_iter=2000, random_state=SEED)
    classifier.fit(features.transform(pairs), labels)
    return features, classifier


def predict_proba(pairs) -> np.ndarray:
    features, classifier = fitted()
    proba = classifier.predict_proba(features.transform([tuple(p) for p in pairs]))
    order = [list(classifier.classes_).index(label) for label in LABELS]
    return proba[:, order]


LABELS = ["not_duplicate", "duplicate"]
model = bt.Model(predict_proba, labels=LABELS, name="qqp-tfidf-logreg")
