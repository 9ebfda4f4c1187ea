"""Run existing CheckList tests (``MFT``, ``INV``, ``DIR``, ``TestSuite``) as behavetest items under pytest.

In a test file::

    import behavetest as bt
    from my_checklist_tests import suite          # a checklist.test_suite.TestSuite

    test_sentiment_suite = bt.from_checklist(suite, model="sentiment_model", max_fail_rate=0.2)

gives one pytest item per CheckList test (``test_sentiment_suite[<CheckList test name>]``),
each a behavioral test: skipped without ``--behave``, reported in the behavioral summary,
``--behave-json``, JUnit properties and baselines, and runnable under pytest-xdist.

The numbers are CheckList's own. Each item predicts the test's examples with the
``bt.Model`` (cached and batched like every behavetest test), hands the predicted label
indices and probabilities to CheckList's ``run_from_preds_confs`` on a copy of the test, and
reads CheckList's verdicts back: a case fails when CheckList's ``fail_idxs()`` lists it, and
cases that CheckList filters out (every expectation result ``None``) are *not applicable*.
So ``failures`` equals the ``Fails (rate)`` count of CheckList's ``summary()`` and ``cases``
its denominator, whatever the test's ``Expect`` function and ``agg_fn``. For INV/DIR, where a
case is ``[original, perturbation, ...]``, the per-perturbation counts are kept as ``pairs`` /
``pair_failures``.

This module imports ``checklist`` only when :func:`from_checklist` is called; behavetest itself
never needs it. Install it with the README's recipe (``.ci/checklist-env``): a plain
``pip install checklist`` fails in a fresh environment.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

import pytest

from ._errors import DeclarationError
from ._model.model import LABEL, PROBA, SCORE, Model

__all__ = ["from_checklist"]

INSTALL_HINT = (
    "behavetest.checklist needs the 'checklist' package (0.0.11) with its test modules importable. "
    "A plain 'pip install checklist' fails in a fresh environment (its setup.py installs jupyter and "
    "needs notebook<7 while building); follow 'Running CheckList tests' in behavetest's README, or run "
    "'.ci/checklist-env VENV' from the behavetest repository to create a virtual environment with it."
)
TYPES = ("MFT", "INV", "DIR")
PRED_FORMATS = ("index", "label")
_FORMAT_TEXT = {"index": "label indices (preds='index')", "label": "label values (preds='label')"}
MAX_EXAMPLES = 10
_WRAPPERS = ("Expect.test.", "Expect.testcase.", "Expect.single.", "Expect.pairwise.", "Expect.wrap_slice.")


def _checklist():
    """CheckList's test classes, imported on first use (never ``checklist.perturb`` or ``checklist.editor``)."""
    try:
        from checklist.test_suite import TestSuite
        from checklist.test_types import DIR, INV, MFT
    except ImportError as exc:
        raise ImportError(f"{INSTALL_HINT}\n  (import failed: {exc})") from exc
    return MFT, INV, DIR, TestSuite


@dataclass(frozen=True)
class _Spec:
    """One CheckList test to run as one pytest item."""

    name: str
    test: Any
    type: str
    capability: str
    max_fail_rate: float | None

    def __repr__(self) -> str:  # what pytest shows for the parameter
        return f"<CheckList {self.type} {self.name!r}>"


def from_checklist(
    test_or_suite: Any,
    *,
    model: str | Model,
    capability: str | None = None,
    max_fail_rate: float | Mapping[str, float] | None = None,
    preds: str = "index",
    n: int | None = None,
    seed: int | None = None,
    slices: Mapping[str, Callable[[Any], bool]] | None = None,
) -> Callable[..., None]:
    """A pytest test function running CheckList test(s) with behavetest's reporting.

    Assign the return value to a module-level name starting with ``test``::

        test_negation = bt.from_checklist(suite, model="sentiment", max_fail_rate=0.1)

    ``test_or_suite``: a CheckList ``MFT``, ``INV`` or ``DIR``, a ``TestSuite``, or a list of
    tests; one pytest item per test, with the test's (or the suite's) name as its id.
    ``model``: the name of a fixture returning a ``bt.Model`` (session scope shares its
    prediction cache between items), or a ``bt.Model``. ``capability``: overrides each test's
    own capability (a suite's tests carry theirs). ``max_fail_rate``: one threshold for every
    test, or a mapping from test name to threshold; a test without one is tracked, never
    failed (CheckList itself has no thresholds). ``preds``: what CheckList's expectations
    receive as predictions: ``"index"`` (the label's position in ``model.labels``, as
    CheckList's ``PredictorWrapper.wrap_softmax`` gives; the default) or ``"label"`` (the
    label values themselves, for tests whose labels are class names). Confidences are the
    probability rows of a probability model and 1.0 for a label-only model, as CheckList's
    wrappers give them. ``n`` and ``seed`` sample test cases as CheckList's ``run(n=, seed=)``
    does. ``slices`` maps slice names to predicates over each case's (original) input.
    """
    MFT, INV, DIR, TestSuite = _checklist()
    if isinstance(model, str):
        if not model.isidentifier():
            raise DeclarationError(f"from_checklist: model= must name a fixture, {model!r} is not a valid fixture name")
    elif not isinstance(model, Model):
        raise DeclarationError(
            f"from_checklist: model= must be a bt.Model or the name of a fixture returning one, not {type(model).__name__}"
        )
    if preds not in PRED_FORMATS:
        raise DeclarationError(f"from_checklist: preds= must be one of {PRED_FORMATS}, not {preds!r}")
    if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 1):
        raise DeclarationError(f"from_checklist: n= must be a positive number of test cases, not {n!r}")
    if slices is not None and not isinstance(slices, Mapping):
        raise DeclarationError(f"from_checklist: slices= must be a dict of name -> predicate, not {type(slices).__name__}")

    specs = [_spec(name, test, info, capability, max_fail_rate, (MFT, INV, DIR))
             for name, test, info in _tests(test_or_suite, TestSuite, (MFT, INV, DIR))]
    if isinstance(max_fail_rate, Mapping):
        unknown = sorted(set(max_fail_rate) - {s.name for s in specs})
        if unknown:
            raise DeclarationError(f"from_checklist: max_fail_rate names tests that are not there: {unknown}; "
                                   f"the tests are {[s.name for s in specs]}")
    options = {"preds": preds, "n": n, "seed": seed, "slices": dict(slices) if slices else None}

    @pytest.mark.behave
    @pytest.mark.parametrize("checklist_test", [pytest.param(s, id=s.name) for s in specs])
    def checklist_test_function(behave: Any, request: pytest.FixtureRequest, checklist_test: _Spec) -> None:
        __tracebackhide__ = True
        bt_model = request.getfixturevalue(model) if isinstance(model, str) else model
        if not isinstance(bt_model, Model):
            raise DeclarationError(f"fixture {model!r} returned {type(bt_model).__name__}, not a bt.Model")
        run_checklist_test(behave, bt_model, checklist_test, nodeid=request.node.nodeid, **options)

    checklist_test_function.checklist_specs = specs  # type: ignore[attr-defined]
    return checklist_test_function


def _tests(obj: Any, suite_type: type, test_types: tuple) -> list[tuple[str, Any, Mapping]]:
    """``(name, test, info)`` for a test, a suite (its names and info) or an iterable of tests."""
    if isinstance(obj, suite_type):
        if not obj.tests:
            raise DeclarationError("from_checklist: the TestSuite has no tests")
        return [(name, test, obj.info.get(name, {})) for name, test in obj.tests.items()]
    if isinstance(obj, test_types):
        return [(_name(obj, 0), obj, {})]
    if isinstance(obj, Iterable) and not isinstance(obj, (str, bytes, Mapping)):
        items = list(obj)
        if not items:
            raise DeclarationError("from_checklist: got an empty list of tests")
        bad = [type(t).__name__ for t in items if not isinstance(t, test_types)]
        if bad:
            raise DeclarationError(f"from_checklist: a list must hold CheckList MFT/INV/DIR tests, not {bad[0]}")
        return [(_name(t, i), t, {}) for i, t in enumerate(items)]
    raise DeclarationError(
        f"from_checklist needs a CheckList MFT, INV or DIR test, a TestSuite or a list of tests, not {type(obj).__name__}"
    )


def _name(test: Any, index: int) -> str:
    name = getattr(test, "name", None)
    return str(name) if name else f"{type(test).__name__}{index}"


def _spec(name: str, test: Any, info: Mapping, capability: Any, max_fail_rate: Any, classes: tuple) -> _Spec:
    from ._measure.runner import validate_declaration

    kind = next(k for k, cls in zip(TYPES, classes) if isinstance(test, cls))
    cap = capability if capability is not None else (info.get("capability") or getattr(test, "capability", None))
    if cap is None:
        raise DeclarationError(
            f"CheckList test {name!r} has no capability; give it one (MFT(..., capability='Negation') or "
            "suite.add(test, capability=...)) or pass capability= to from_checklist"
        )
    threshold = max_fail_rate.get(name) if isinstance(max_fail_rate, Mapping) else max_fail_rate
    validate_declaration(f"from_checklist (CheckList test {name!r})", cap, threshold)
    data = getattr(test, "data", None)
    if data is None or len(data) == 0:
        raise DeclarationError(f"CheckList test {name!r} has no data (test cases)")
    return _Spec(name=name, test=test, type=kind, capability=cap, max_fail_rate=threshold)


# -- running one CheckList test -------------------------------------------------


def run_checklist_test(
    behave: Any,
    model: Model,
    spec: _Spec,
    *,
    nodeid: str = "",
    preds: str = "index",
    n: int | None = None,
    seed: int | None = None,
    slices: Mapping[str, Callable[[Any], bool]] | None = None,
):
    """Run one CheckList test against ``model`` and record its result through ``behave``."""
    __tracebackhide__ = True
    import numpy as np

    from ._model.keys import cache_key, case_ids, set_digest
    from ._measure.result import Example, Result
    from ._measure.slices import declared_slices, membership, slice_counts

    test = copy.copy(spec.test)  # CheckList stores results on the test: leave the user's object alone
    test.results = None
    result = Result(
        name=spec.name,
        nodeid=nodeid,
        model=model.name,
        capability=spec.capability,
        type=spec.type,
        cases=0,
        failures=0,
        max_fail_rate=spec.max_fail_rate,
        seed=0 if seed is None else int(seed),
        expectation=describe_expectation(test),
    )
    with behave._measuring(model, result):
        examples, case_of = test.example_list_and_indices(n, seed=seed)
        case_of = np.asarray(case_of, dtype=np.intp)
        keys = [cache_key(x) for x in examples]
        result.unique_inputs = len(set(keys))
        predictions = model._predict_keys(list(examples), keys)
        pred_values, confs = _preds_confs(model, predictions, preds, spec.name)
        try:
            test.run_from_preds_confs(pred_values, confs, overwrite=True)
        except Exception as exc:
            raise DeclarationError(
                f"CheckList's expectation raised {type(exc).__name__}: {exc}\n"
                f"  behavetest gave it predictions as {_FORMAT_TEXT[preds]} and confidences as "
                f"{'probability rows' if model.kind == PROBA else '1.0 (a label-only model)'}, as CheckList's "
                "PredictorWrapper does; tests whose labels are class names need preds='label' (with a label-only "
                "model for Expect.eq, which indexes probability rows by the label)"
            ) from exc

        # CheckList's verdicts, per test case that was run (positions in run order).
        run_cases = list(range(len(test.data))) if test.run_idxs is None else [int(i) for i in test.run_idxs]
        failed_pos = {int(i) for i in test.fail_idxs()}
        filtered_pos = {int(i) for i in test.filtered_idxs()}
        applicable = np.array([p not in filtered_pos for p in range(len(run_cases))], dtype=bool)
        failed = np.array([p in failed_pos for p in range(len(run_cases))], dtype=bool)
        result.cases = int(applicable.sum())
        result.failures = int(failed.sum())
        result.not_applicable = len(run_cases) - result.cases

        rows = {}  # data index -> positions of its examples in the flat prediction list
        for j, d in enumerate(case_of.tolist()):
            rows.setdefault(d, []).append(j)
        originals = [_original(test.data[d]) for d in run_cases]
        labels = [_label(test, d) for d in run_cases]
        case_keys = [cache_key(test.data[d]) for d in run_cases]
        ids = case_ids(f"{nodeid}::{spec.name}", case_keys, labels if test.labels is not None else None)
        result.cases_digest = set_digest([i for i, a in zip(ids, applicable) if a])
        result.failing_cases = sorted({ids[p] for p in np.flatnonzero(failed)})
        result.slices = slice_counts(membership(originals, declared_slices(slices), None), applicable, failed)

        expect_results = test.results.expect_results
        if spec.type != "MFT":
            result.pairs, result.pair_failures = _pair_counts(expect_results, applicable, rows, run_cases)
        result.examples = []
        for p in np.flatnonzero(failed):
            d = run_cases[p]
            if not rows.get(d) or len(result.examples) == MAX_EXAMPLES:
                continue
            result.examples.append(
                _example(Example, model, predictions, test.data[d], rows.get(d, []), _at(expect_results, p),
                         spec.type, labels[p], result.expectation)
            )
    return behave._finish(result)


def _preds_confs(model: Model, predictions: Any, preds: str, name: str) -> tuple[Any, Any]:
    """Predictions and confidences as CheckList's ``PredictorWrapper`` gives them."""
    import numpy as np

    if model.kind == SCORE:
        raise DeclarationError(
            f"CheckList test {name!r}: model {model.name!r} returns scores (regression); CheckList tests "
            "need a classifier returning labels or probabilities"
        )
    index = np.asarray(predictions.label_idx)
    if preds == "label":
        labels = model.labels or []
        values: Any = [labels[int(i)] for i in index]
    else:
        values = index
    if model.kind == PROBA:
        return values, np.asarray(predictions.proba)  # wrap_softmax: argmax and the probability rows
    assert model.kind == LABEL
    return values, np.ones(len(index))  # wrap_predict: confidence 1 for every prediction


def _is_case_list(value: Any) -> bool:
    import numpy as np

    return type(value) in (list, np.ndarray)


def _original(case: Any) -> Any:
    """What a case is about: the input of an MFT case, the original of an INV/DIR case."""
    return case[0] if _is_case_list(case) and len(case) else case


def _label(test: Any, d: int) -> Any:
    labels = test.labels
    if labels is None:
        return None
    import numpy as np

    value = labels[d] if type(labels) in (list, np.ndarray) else labels
    return value.item() if hasattr(value, "item") and getattr(value, "shape", None) == () else value


def _at(expect_results: Any, p: int) -> Any:
    try:
        return expect_results[p]
    except (IndexError, TypeError, KeyError):
        return None


def _fails(value: Any) -> bool:
    """One example's expectation result failed: CheckList counts ``<= 0`` / ``False`` as failing, ``None`` as not applicable."""
    return value is not None and not bool(value > 0)


def _pair_counts(expect_results: Any, applicable: Any, rows: dict, run_cases: list) -> tuple[int, int]:
    """Perturbations (every example after a case's original) with a result, and those that failed."""
    pairs = failures = 0
    for p, d in enumerate(run_cases):
        if not applicable[p]:
            continue
        values = _at(expect_results, p)
        if not _is_case_list(values) or len(values) != len(rows.get(d, [])):
            continue
        for value in list(values)[1:]:
            if value is not None:
                pairs += 1
                failures += _fails(value)
    return pairs, failures


def _example(example_cls, model, predictions, case, rows, values, kind, label, expectation):
    """A failing case as a behavetest ``Example``: the original and the first failing perturbation."""
    expected = _label_name(model, label) if label is not None else expectation
    values = list(values) if _is_case_list(values) and len(values) == len(rows) else None
    if not _is_case_list(case):
        return example_cls(case, predictions.at(rows[0], case), expected=expected)
    items = list(case)
    if kind == "MFT" or len(items) == 1:  # an MFT case holding several inputs: show the first failing one
        k = next((i for i, v in enumerate(values or []) if _fails(v)), 0)
        return example_cls(items[k], predictions.at(rows[k], items[k]), expected=expected)
    k = next((i for i, v in enumerate(values or []) if i > 0 and _fails(v)), None)
    if k is None:  # a custom agg_fn failed the case: show its worst-scored perturbation
        scored = [(v, i) for i, v in enumerate(values or []) if i > 0 and v is not None]
        k = min(scored, key=lambda t: float(t[0]))[1] if scored else 1
    return example_cls(items[0], predictions.at(rows[0], items[0]), items[k],
                       predictions.at(rows[k], items[k]), expected)


def _label_name(model: Model, label: Any) -> Any:
    labels = model.labels or []
    if isinstance(label, int) and not isinstance(label, bool) and 0 <= label < len(labels) and label not in labels:
        return labels[label]
    return label


def describe_expectation(test: Any) -> str:
    """A stable description of a CheckList test's expectation, e.g. ``Expect.inv(tolerance=0.1)``."""
    if getattr(test, "labels", None) is not None and type(test).__name__ == "MFT" and _describe(test.expect) == "Expect.eq(val=None)":
        text = "labels"
    else:
        text = _describe(test.expect)
    agg = test.agg_fn
    default = "all" if type(test).__name__ == "MFT" else "all_except_first"
    if agg != default:
        text += f", agg_fn={agg if isinstance(agg, str) else _describe(agg)}"
    return text


def _describe(fn: Any, depth: int = 0) -> str:
    qualname = getattr(fn, "__qualname__", None) or type(fn).__name__
    code = getattr(fn, "__code__", None)
    cells = getattr(fn, "__closure__", None) or ()
    free = dict(zip(code.co_freevars, (c.cell_contents for c in cells))) if code is not None else {}
    if qualname.startswith(_WRAPPERS) and depth < 8:
        inner = [v for v in free.values() if callable(v)]
        if len(inner) == 1:
            return _describe(inner[0], depth + 1)
    if qualname.startswith("Expect.") and "<locals>" in qualname:
        params = ", ".join(f"{k}={v!r}" for k, v in sorted(free.items())
                           if v is None or type(v) in (int, float, bool, str))
        return f"{qualname.split('.<locals>')[0]}({params})"
    module = getattr(fn, "__module__", None)
    return f"{module}.{qualname}" if module else qualname
