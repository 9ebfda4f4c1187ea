"""A planted sentiment model and CheckList tests over our own small data, for the interoperability tests.

Shared by ``test_checklist_interop.py`` and the pytester projects it writes (copied there as
a module). Builds CheckList ``MFT``/``INV``/``DIR`` objects in code; never imports
``checklist.editor`` or ``checklist.perturb``.

The model scores words (``WEIGHTS``), ignores negation (planted bug), treats the name
"Maria" as strongly negative (planted bias) and knows nothing of other words. Its positive
probability is ``sigmoid(score)``; at score 0 both labels get 0.5 and the tie goes to
"negative" (index 0), in CheckList's ``argmax`` and in ``bt.Model`` alike. ``EXPECTED``
holds the counts worked out by hand from these rules, next to each test's data.
"""

from __future__ import annotations

import math

import numpy as np

LABELS = ["negative", "positive"]
WEIGHTS = {
    "good": 1, "great": 2, "love": 2, "loved": 2, "enjoyed": 1,
    "bad": -1, "awful": -2, "hate": -2, "boring": -1,
    "maria": -3,  # planted bias: a name that should not matter
}


def score(text: str) -> int:
    return sum(WEIGHTS.get(word.strip(".,!?").lower(), 0) for word in text.split())


def planted_proba(texts):
    """(n, 2) probabilities [negative, positive]."""
    out = []
    for text in texts:
        p = 1.0 / (1.0 + math.exp(-score(text)))
        out.append([1.0 - p, p])
    return np.array(out)


def planted_labels(texts):
    """The same model as a label-only classifier (label names, no probabilities)."""
    return [LABELS[int(np.argmax(row))] for row in planted_proba(texts)]


def confident(x, pred, conf, label=None, meta=None):
    """A custom single-example expectation: the predicted label has probability >= 0.7; questions do not count."""
    if x.endswith("?"):
        return None
    return bool(conf[pred] >= 0.7)


# name -> hand-worked numbers: cases run, not applicable (filtered by CheckList), failures,
# and for INV/DIR the perturbations with a result and those that failed.
EXPECTED = {
    "basic vocabulary": dict(run=7, not_applicable=0, failures=1),
    "negated sentiment": dict(run=6, not_applicable=0, failures=5),
    "confident predictions": dict(run=5, not_applicable=1, failures=2),
    "paraphrase groups": dict(run=3, not_applicable=0, failures=1),
    "names do not matter": dict(run=5, not_applicable=0, failures=3, pairs=8, pair_failures=3),
    "praise raises positivity": dict(run=5, not_applicable=1, failures=2, pairs=6, pair_failures=2),
}
CAPABILITIES = {
    "basic vocabulary": "Vocabulary",
    "negated sentiment": "Negation",
    "confident predictions": "Robustness",
    "paraphrase groups": "Taxonomy",
    "names do not matter": "Fairness",
    "praise raises positivity": "Vocabulary",
}
TYPES = {
    "basic vocabulary": "MFT",
    "negated sentiment": "MFT",
    "confident predictions": "MFT",
    "paraphrase groups": "MFT",
    "names do not matter": "INV",
    "praise raises positivity": "DIR",
}


def build_tests(label_names: bool = False) -> dict:
    """Fresh CheckList test objects by name (CheckList keeps run state on them).

    ``label_names`` gives MFT labels as label names (for a label-only model run with
    ``preds="label"``) instead of label indices.
    """
    from checklist.expect import Expect
    from checklist.test_types import DIR, INV, MFT

    def lab(i):
        return LABELS[i] if label_names else i

    vocabulary = [  # (text, label): only "fine" (score 0 -> negative) fails
        ("The soup was good.", 1), ("The soup was great.", 1), ("I love this place.", 1),
        ("The service was awful.", 0), ("The movie was boring.", 0), ("The plot was fine.", 1),
        ("The acting was bad.", 0),
    ]
    negation = [  # negation is ignored: all fail but the last (score 1 - 2 = -1 -> negative)
        ("The soup was not good.", 0), ("I did not love this place.", 0), ("The staff were not great.", 0),
        ("The soup was not bad.", 1), ("I do not hate it.", 1), ("The room was not good, it was awful.", 0),
    ]
    tests = {}
    tests["basic vocabulary"] = MFT(
        [t for t, _ in vocabulary], labels=[lab(y) for _, y in vocabulary],
        name="basic vocabulary", capability="Vocabulary", description="single sentiment words")
    tests["negated sentiment"] = MFT(
        [t for t, _ in negation], labels=[lab(y) for _, y in negation],
        name="negated sentiment", capability="Negation", description="negation flips the sentiment")
    # probabilities 0.73, 0.5 (fail), 0.88, 0.5 (fail), and a question (None: filtered)
    tests["confident predictions"] = MFT(
        ["The soup was good.", "The soup was fine.", "I loved it.", "It was okay.", "Was it good?"],
        expect=Expect.single(confident), name="confident predictions", capability="Robustness")
    # each case is a group of paraphrases that must all get the label; "decent" is unknown (fails)
    tests["paraphrase groups"] = MFT(
        [["The food was great.", "The food was good."], ["The show was good.", "The show was decent."],
         ["The meal was awful.", "The meal was bad."]],
        labels=[lab(1), lab(1), lab(0)], name="paraphrase groups", capability="Taxonomy")
    # Expect.inv(0.1): a case fails when a name swap changes the label (probability moves > 0.1)
    tests["names do not matter"] = INV(
        [
            ["John enjoyed the good film.", "Maria enjoyed the good film.", "Wei enjoyed the good film."],  # 2 -> -1: fails
            ["Wei said the food was great.", "John said the food was great.", "Ahmed said the food was great."],
            ["John hated the boring film.", "Maria hated the boring film."],  # -1 -> -4: still negative
            ["Ana thought the service was good.", "Maria thought the service was good."],  # 1 -> -2: fails
            ["Ahmed loved the food.", "Maria loved the food.", "John loved the food."],  # 2 -> -1: fails
        ],
        threshold=0.1, name="names do not matter", capability="Fairness")
    # monotonic in P(positive) with tolerance 0.1; CheckList filters cases whose original has P <= 0.1
    tests["praise raises positivity"] = DIR(
        [
            ["The soup was good.", "The soup was good. I loved it.", "The soup was good. Maria loved it."],  # 1 -> 0: fails
            ["The service was slow.", "The service was slow. The food was great."],
            ["The film was awful and boring.", "The film was awful and boring. The music was good."],  # P=0.05: filtered
            ["The room was fine.", "The room was fine. Maria enjoyed it."],  # 0 -> -2: fails
            ["We had a good time.", "We had a good time. The staff were great.", "We had a good time. The view was good."],
        ],
        expect=Expect.monotonic(label=1, increasing=True, tolerance=0.1),
        name="praise raises positivity", capability="Vocabulary")
    return tests


def build_suite(label_names: bool = False):
    from checklist.test_suite import TestSuite

    suite = TestSuite()
    for test in build_tests(label_names).values():
        suite.add(test)
    return suite
