"""Native equivalents of CheckList's Expect.inv, Expect.monotonic (with its filtering) and diff_up / diff_down.

Every verdict is checked against a per-pair reference written from CheckList's definitions
(tests/checklist_interop checks the same pairs against CheckList's own functions)."""

from __future__ import annotations

import numpy as np
import pytest

import behavetest as bt

LABELS = ["negative", "neutral", "positive"]
# (before, after) probabilities of one original and its perturbation each; the perturbation appends "!".
PAIRS = [
    ([0.1, 0.2, 0.7], [0.1, 0.1, 0.8]),    # same label, positive up
    ([0.1, 0.2, 0.7], [0.2, 0.4, 0.4]),    # positive -> neutral (the tie at 0.4 goes to the first label)
    ([0.5, 0.3, 0.2], [0.45, 0.2, 0.35]),  # same label, moves up
    ([0.2, 0.5, 0.3], [0.3, 0.3, 0.4]),    # neutral -> positive, P(neutral) drops 0.2
    ([0.05, 0.05, 0.9], [0.1, 0.05, 0.85]),  # P(positive) falls 0.05
    ([0.92, 0.05, 0.03], [0.96, 0.02, 0.02]),
]
TEXTS = [f"text {i}" for i in range(len(PAIRS))]
TABLE = {**{t: b for t, (b, _) in zip(TEXTS, PAIRS)}, **{t + "!": a for t, (_, a) in zip(TEXTS, PAIRS)}}
MODEL = bt.Model(lambda xs: np.array([TABLE[x] for x in xs]), labels=LABELS, name="table")


def run(expect):
    return bt.Behave(test_name="t", shrink_budget=0).dir(MODEL, TEXTS, perturb=bt.perturb.append("!"), expect=expect,
                                                          capability="Parity")


def reference_inv(b, a, tolerance):  # CheckList: same prediction, or |conf[orig_pred] change| <= tolerance
    o = int(np.argmax(b))
    return int(np.argmax(a)) == o or abs(a[o] - b[o]) <= tolerance


def reference_monotonic(b, a, label, increasing, tolerance):  # None: filtered out
    col = int(np.argmax(b)) if label is None else LABELS.index(label)
    if increasing and b[col] <= tolerance or not increasing and b[col] >= 1 - tolerance:
        return None
    diff = a[col] - b[col]
    return diff + tolerance >= 0 if increasing else diff - tolerance <= 0


def reference_diff(b, a, tolerance, up):
    change = b[0] - a[0] + a[2] - b[2]
    return change + tolerance >= 0 if up else change - tolerance <= 0


def counts(verdicts):
    kept = [v for v in verdicts if v is not None]
    return len(kept), sum(not v for v in kept)


@pytest.mark.parametrize("tolerance", [0.0, 0.05, 0.1, 0.25])
def test_invariant(tolerance):
    result = run(bt.expect.invariant(tolerance))
    assert (result.cases, result.failures) == counts([reference_inv(b, a, tolerance) for b, a in PAIRS])
    assert result.expectation == f"invariant(tolerance={tolerance})"


@pytest.mark.parametrize("label,increasing,tolerance", [(None, True, 0.0), ("positive", True, 0.0),
                                                        ("positive", True, 0.05), ("negative", False, 0.1),
                                                        (None, False, 0.1), ("neutral", True, 0.05)])
def test_monotonic_with_filtering(label, increasing, tolerance):
    verdicts = [reference_monotonic(b, a, label, increasing, tolerance) for b, a in PAIRS]
    result = run(bt.expect.monotonic(label, increasing=increasing, tolerance=tolerance))
    assert (result.cases, result.failures) == counts(verdicts)
    assert result.not_applicable == verdicts.count(None)


def test_filtering_really_filters():
    verdicts = [reference_monotonic(b, a, "neutral", True, 0.05) for b, a in PAIRS]
    assert verdicts.count(None) == 2  # the cases above: P(neutral) 0.05 twice
    result = run(bt.expect.monotonic("neutral", increasing=True, tolerance=0.05))
    assert result.not_applicable == 2 and result.cases == 4


@pytest.mark.parametrize("tolerance", [0.0, 0.1])
@pytest.mark.parametrize("up", [True, False])
def test_diff_up_and_down(tolerance, up):
    expect = bt.expect.diff_up(tolerance) if up else bt.expect.diff_down(tolerance)
    result = run(expect)
    assert (result.cases, result.failures) == counts([reference_diff(b, a, tolerance, up) for b, a in PAIRS])


def test_parity_expectations_need_probabilities_or_labels():
    labels_only = bt.Model(lambda xs: ["negative" for _ in xs], labels=LABELS, name="labels")
    result = bt.Behave(test_name="t").inv(labels_only, TEXTS, perturb=bt.perturb.append("!"),
                                          expect=bt.expect.invariant(0.1), capability="Parity")
    assert result.failures == 0
    with pytest.raises(bt.DeclarationError, match="needs a model that returns probabilities"):
        bt.Behave(test_name="t").dir(labels_only, TEXTS, perturb=bt.perturb.append("!"),
                                     expect=bt.expect.monotonic("positive"), capability="Parity")
    with pytest.raises(bt.DeclarationError, match="tolerance must be a number >= 0"):
        bt.expect.diff_up(-1)
