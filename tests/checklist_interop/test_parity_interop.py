"""bt.expect.invariant / monotonic / diff_up / diff_down give CheckList's own verdicts, pair by pair."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip(
    "checklist.expect",
    reason="needs the real checklist 0.0.11: run .ci/checklist-env VENV, then VENV/bin/python -m pytest tests/checklist_interop",
)

from checklist.expect import Expect  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_parity import LABELS, PAIRS, run  # noqa: E402

import behavetest as bt  # noqa: E402


def checklist_verdicts(pairwise_fn):
    """CheckList's per-pair results: True, False (or a negative number) or None (filtered)."""
    out = []
    for b, a in PAIRS:
        b, a = np.array(b), np.array(a)
        v = pairwise_fn(int(np.argmax(b)), int(np.argmax(a)), b, a)
        out.append(None if v is None else bool(v is True or (not isinstance(v, bool) and v > 0)))
    return out


def inner(expect_fn):
    """The (orig_pred, pred, orig_conf, conf, ...) function Expect.pairwise wraps, found in its closures."""
    todo = [expect_fn]
    while todo:
        fn = todo.pop()
        if getattr(fn, "__code__", None) is not None and fn.__code__.co_varnames[:1] == ("orig_pred",):
            return fn
        todo += [c.cell_contents for c in getattr(fn, "__closure__", None) or () if callable(c.cell_contents)]
    raise AssertionError("no pairwise function inside the expectation")


def counts(verdicts):
    kept = [v for v in verdicts if v is not None]
    return len(kept), sum(not v for v in kept)


@pytest.mark.parametrize("tolerance", [0.0, 0.05, 0.1, 0.25])
def test_invariant_is_expect_inv(tolerance):
    assert counts(checklist_verdicts(inner(Expect.inv(tolerance)))) == (lambda r: (r.cases, r.failures))(
        run(bt.expect.invariant(tolerance)))


@pytest.mark.parametrize("label,increasing,tolerance", [(None, True, 0.0), ("positive", True, 0.05),
                                                        ("negative", False, 0.1), ("neutral", True, 0.05)])
def test_monotonic_is_expect_monotonic(label, increasing, tolerance):
    index = None if label is None else LABELS.index(label)
    theirs = checklist_verdicts(inner(Expect.monotonic(label=index, increasing=increasing, tolerance=tolerance)))
    ours = run(bt.expect.monotonic(label, increasing=increasing, tolerance=tolerance))
    assert counts(theirs) == (ours.cases, ours.failures) and theirs.count(None) == ours.not_applicable
