"""``Behave``: declares and measures MFT, INV and DIR tests (the object behind the ``behave`` fixture)."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .. import expect as _expect
from .._errors import BehaveError, BehaviorFailed, DeclarationError
from .._cases.generate import Generator
from .._model.keys import cache_key, case_ids, set_digest
from .._model.model import RANKING, TEXT, Model
from ..expect._answers import answers_match
from ..perturb._perturbation import as_perturbation
from .._model.prediction import Predictions
from .._cases.replay import ReplayStore
from .features import case_columns, input_text, take
from .result import FAIL, Example, Result
from .._cases.shrink import shrink
from .slices import declared_slices, membership, slice_counts
from .._cases.template import Template

MAX_EXAMPLES = 10
SHOWN_EXAMPLES = 5


class Behave:
    """Runs behavioral tests for one pytest test and records their results.

    Use it through the ``behave`` fixture; each call returns a :class:`Result`
    and, when ``max_fail_rate`` is set and exceeded, fails the test.
    """

    def __init__(
        self,
        *,
        test_name: str,
        nodeid: str = "",
        generator: Generator | None = None,
        record: Callable[[Result], None] | None = None,
        shrink_budget: int = 200,
        shrink_cases: int = 3,
        replay: ReplayStore | None = None,
        discover: bool = False,
        models: dict[str, Model] | None = None,
    ) -> None:
        self._test_name = test_name
        self._nodeid = nodeid
        self._generator = generator or Generator(seed=0)
        self._record = record or (lambda result: None)
        self._shrink_budget = shrink_budget
        self._shrink_cases = shrink_cases
        self._replay = replay
        self._discover = discover
        self._models = models  # the session's models by name: one name, one model
        self._names: set[str] = set()

    def mft(
        self,
        model: Model,
        inputs: Sequence[Any],
        *,
        expect: _expect.Expectation | None = None,
        labels: Sequence[Any] | None = None,
        capability: str,
        name: str | None = None,
        max_fail_rate: float | None = None,
        slices: Mapping[str, Callable[[Any], bool]] | None = None,
    ) -> Result:
        """Minimum functionality: every input must satisfy ``expect``, or get its label from ``labels``.

        >>> behave.mft(model, ["This is not a good movie."], expect=bt.expect.label("negative"),
        ...            capability="Negation", max_fail_rate=0.1)
        """
        __tracebackhide__ = True
        if expect is None and labels is None:
            # a template whose cases carry their expected labels, or a QA template's answers
            labels = getattr(inputs, "labels", None) or getattr(inputs, "answers", None)
        source = inputs
        inputs = self._inputs(inputs, "mft")
        if (expect is None) == (labels is None):
            raise DeclarationError("behave.mft needs exactly one of expect= (for every input) or labels= (one per input)")
        if labels is not None:
            labels = list(labels)
            if len(labels) != len(inputs):
                raise DeclarationError(f"behave.mft got {len(inputs)} inputs but {len(labels)} labels; give one label per input")
        else:
            self._expectation(expect, "mft")
        result = self._new(model, "MFT", capability, name, max_fail_rate, expect, labels)
        keys = [cache_key(x) for x in inputs]
        result.unique_inputs = len(set(keys))
        with self._measuring(model, result):
            preds = model._predict_keys(inputs, keys)
            if labels is not None and model.kind == TEXT:
                ok = np.array([answers_match(got, want) for got, want in zip(preds.answer, labels)], dtype=bool)
            elif labels is not None:
                if model.kind == RANKING:
                    raise DeclarationError(f"behave.mft: model {model.name!r} returns rankings, which have no labels; "
                                           "use expect=bt.expect.in_top_k(...) or not_in_top_k(...)")
                wanted = np.array([model.label_index(lab) for lab in labels])
                ok = preds.label_idx == wanted
            else:
                ok = self._as_bool(expect.check(model, preds, inputs), len(inputs), expect)
            self._score(result, keys, np.ones(len(inputs), dtype=bool), ~ok, slices, inputs, source, labels)
            result.examples = [
                Example(inputs[i], preds.at(i, inputs[i]), expected=labels[i] if labels is not None else expect.description)
                for i in np.flatnonzero(~ok)[:MAX_EXAMPLES]
            ]
        return self._finish(result)

    def inv(
        self,
        model: Model,
        inputs: Sequence[Any],
        *,
        perturb: Any,
        expect: _expect.Expectation | None = None,
        samples: int = 1,
        capability: str,
        name: str | None = None,
        max_fail_rate: float | None = None,
        slices: Mapping[str, Callable[[Any], bool]] | None = None,
    ) -> Result:
        """Invariance: up to ``samples`` perturbations of each input must keep ``expect`` (by default the
        same label, or for ``output="text"`` models the same answer)."""
        __tracebackhide__ = True
        if expect is None and isinstance(model, Model) and model.kind == RANKING:
            raise DeclarationError(f"behave.inv: model {model.name!r} returns rankings; say how much they may change, "
                                   "e.g. expect=bt.expect.top_k_overlap(min_jaccard=0.8, k=10)")
        expect = expect or (_expect.same_answer() if isinstance(model, Model) and model.kind == TEXT else _expect.same_label())
        return self._perturbed("INV", model, inputs, perturb, expect, samples, capability, name, max_fail_rate, slices)

    def dir(
        self,
        model: Model,
        inputs: Sequence[Any],
        *,
        perturb: Any,
        expect: _expect.Expectation,
        samples: int = 1,
        capability: str,
        name: str | None = None,
        max_fail_rate: float | None = None,
        slices: Mapping[str, Callable[[Any], bool]] | None = None,
    ) -> Result:
        """Directional expectation: each perturbation must move the prediction as ``expect`` says."""
        __tracebackhide__ = True
        if expect is None:
            raise DeclarationError("behave.dir needs expect=, e.g. bt.expect.increase('positive')")
        return self._perturbed("DIR", model, inputs, perturb, expect, samples, capability, name, max_fail_rate, slices)

    def _perturbed(self, kind, model, inputs, perturb, expect, samples, capability, name, max_fail_rate, slices) -> Result:
        __tracebackhide__ = True
        where = kind.lower()
        source = inputs
        inputs = self._inputs(inputs, where)
        perturbation = as_perturbation(perturb)
        self._expectation(expect, where)
        if not isinstance(samples, int) or isinstance(samples, bool) or samples < 1:
            raise DeclarationError(f"behave.{where}: samples must be a positive integer, not {samples!r}")
        result = self._new(model, kind, capability, name, max_fail_rate, expect, None)
        result.samples, result.perturbation = samples, repr(perturbation)
        keys = [cache_key(x) for x in inputs]
        with self._measuring(model, result):
            generated = self._generator.generate(perturbation, inputs, keys, samples)
            case_of, perturbed = [], []
            for i, g in enumerate(generated):
                _check_kind(perturbation, inputs[i], g.values)
                case_of.extend([i] * len(g.values))
                perturbed.extend(g.values)
                result.noops += g.noops
            case_of = np.asarray(case_of, dtype=np.intp)
            applicable = np.zeros(len(inputs), dtype=bool)
            applicable[case_of] = True
            pert_keys = [cache_key(x) for x in perturbed]
            result.unique_inputs = len(set(keys).union(pert_keys))
            test_id = f"{self._nodeid}::{result.name}::{model.name}::{kind}"
            replayed = self._replay.load(test_id) if self._replay is not None else []
            flat = [x for pair in replayed for x in pair]
            # Remembered failures go first, in the same batches as the measured cases.
            every = model._predict_keys(flat + inputs + perturbed, [cache_key(x) for x in flat] + keys + pert_keys)
            if replayed:
                result.replay = self._check_replay(model, expect, replayed, every)
            start = len(flat)
            before = every.take(start + case_of)
            after = every.take(np.arange(start + len(inputs), start + len(inputs) + len(perturbed)))
            originals = [inputs[i] for i in case_of]
            ok = self._as_bool(expect.check_pairs(model, before, after, originals, perturbed), len(perturbed), expect)
            keep = expect.filter_pairs(model, before, after, originals, perturbed)
            if keep is not None:  # pairs the expectation does not apply to count nowhere
                rows = np.flatnonzero(self._as_bool(keep, len(perturbed), expect))
                case_of, ok, before, after = case_of[rows], ok[rows], before.take(rows), after.take(rows)
                perturbed = [perturbed[i] for i in rows]
                applicable = np.zeros(len(inputs), dtype=bool)
                applicable[case_of] = True
            failed_cases = np.zeros(len(inputs), dtype=bool)
            failed_cases[case_of[~ok]] = True
            first = every.take(np.arange(start, start + len(inputs)))  # the originals' own predictions
            predicted = None if first.label_idx is None else [first.labels[int(i)] for i in first.label_idx]
            self._score(result, keys, applicable, failed_cases, slices, inputs, source, None, predicted)
            result.pairs, result.pair_failures = len(perturbed), int((~ok).sum())
            result.examples = self._pair_examples(inputs, perturbed, case_of, ok, before, after, expect)
            if self._replay is not None:
                self._replay.save(test_id, [(e.input, e.perturbed) for e in result.examples])
            if perturbation.shrinkable and self._shrink_budget > 0:
                result.examples = self._shrunk(model, perturbation, expect, result.examples)
        return self._finish(result)

    def _score(self, result, keys, applicable, failed, slices, inputs, source, labels, predicted=None) -> None:
        """Counts, per-slice counts and case identifiers of a measured test (and its case attributes)."""
        from .predicates import FieldSlice

        result.cases, result.failures = int(applicable.sum()), int((failed & applicable).sum())
        result.not_applicable = len(keys) - result.cases
        declared = declared_slices(slices)
        columns = None
        if self._discover or any(isinstance(p, FieldSlice) for p in declared.values()):
            columns = case_columns(inputs, source, expected=labels, predicted=predicted)
        members = membership(inputs, declared, source, columns)
        result.slices = slice_counts(members, applicable, failed)
        ids = case_ids(f"{self._nodeid}::{result.name}", keys, labels)
        result.cases_digest = set_digest([i for i, a in zip(ids, applicable) if a])
        result.failing_cases = sorted({ids[i] for i in np.flatnonzero(failed & applicable)})
        if self._discover:
            columns.update(case_columns([], declared={name: members[name] for name in declared}))
            rows = np.flatnonzero(applicable)
            result.case_table = {
                "ids": [ids[i] for i in rows.tolist()],
                "failed": failed[rows].astype(int).tolist(),
                "columns": take(columns, rows),
                "failing_inputs": [input_text(inputs[i]) for i in np.flatnonzero(failed & applicable).tolist()],
            }

    @staticmethod
    def _check_replay(model, expect, replayed, preds: Predictions) -> dict[str, Any]:
        """``preds`` starts with the replayed pairs, flattened: original, perturbed, original, ..."""
        originals = [a for a, _ in replayed]
        perturbed = [b for _, b in replayed]
        rows = np.arange(2 * len(replayed))
        ok = expect.check_pairs(model, preds.take(rows[0::2]), preds.take(rows[1::2]), originals, perturbed)
        pairs = [{"input": a, "perturbed": b, "status": "now passing" if passed else "still failing"}
                 for a, b, passed in zip(originals, perturbed, ok.tolist())]
        return {"cases": len(replayed), "still_failing": int((~ok).sum()), "now_passing": int(ok.sum()), "pairs": pairs}

    def _shrunk(self, model, perturbation, expect, examples: list[Example]) -> list[Example]:
        budget = self._shrink_budget
        out = []
        for i, example in enumerate(examples):
            if i < self._shrink_cases and budget > 0:
                start = model.calls
                minimal = shrink(model, perturbation, expect, example.input, seed=self._generator.seed, budget=budget)
                budget -= model.calls - start
                if minimal is not None:
                    example = replace(example, minimal=minimal, minimal_prediction=model.predict([minimal]).at(0, minimal))
            out.append(example)
        return out

    @staticmethod
    def _pair_examples(inputs, perturbed, case_of, ok, before: Predictions, after: Predictions, expect) -> list[Example]:
        examples, seen = [], set()
        for j in np.flatnonzero(~ok):
            case = int(case_of[j])
            if case in seen:
                continue
            seen.add(case)
            examples.append(Example(inputs[case], before.at(j, inputs[case]), perturbed[j], after.at(j, perturbed[j]), expect.description))
            if len(examples) == MAX_EXAMPLES:
                break
        return examples

    # -- helpers ---------------------------------------------------------------

    def _inputs(self, inputs: Any, where: str) -> list:
        if isinstance(inputs, Template):
            inputs = inputs.inputs
        if hasattr(inputs, "columns") and callable(getattr(inputs, "to_dict", None)):
            inputs = inputs.to_dict("records")  # a pandas DataFrame: one dict row per input
        if isinstance(inputs, (str, bytes)) or not hasattr(inputs, "__iter__"):
            raise DeclarationError(f"behave.{where} needs a list of inputs, not {type(inputs).__name__}")
        inputs = list(inputs)
        if not inputs:
            raise DeclarationError(f"behave.{where} got no inputs; give at least one")
        return inputs

    @staticmethod
    def _expectation(expect: Any, where: str) -> None:
        if not isinstance(expect, _expect.Expectation):
            raise DeclarationError(f"behave.{where}: expect= must be one of bt.expect's expectations, not {expect!r}")
        if where == "mft" and expect.pairwise:
            raise DeclarationError(
                f"expect.{expect.description} compares predictions before and after a perturbation; "
                "behave.mft judges single predictions (use label, prob, score, ... or custom)"
            )

    @staticmethod
    def _as_bool(ok: Any, n: int, expect: Any) -> np.ndarray:
        ok = np.asarray(ok)
        if ok.shape != (n,) or ok.dtype != bool:
            raise DeclarationError(f"expectation {expect!r} must give one True/False per case")
        return ok

    def _new(self, model, kind, capability, name, max_fail_rate, expect, labels) -> Result:
        if not isinstance(model, Model):
            raise DeclarationError(f"behave.{kind.lower()} needs a bt.Model as its first argument, not {type(model).__name__}")
        validate_declaration(f"behave.{kind.lower()}", capability, max_fail_rate)
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise DeclarationError(f"behave.{kind.lower()}: name= must be a non-empty string, not {name!r}")
        self._check_model_name(model)
        name = name or self._test_name
        if name in self._names:
            n = 2
            while f"{name}#{n}" in self._names:
                n += 1
            name = f"{name}#{n}"
        self._names.add(name)
        return Result(
            name=name,
            nodeid=self._nodeid,
            model=model.name,
            capability=capability,
            type=kind,
            cases=0,
            failures=0,
            max_fail_rate=max_fail_rate,
            seed=self._generator.seed,
            expectation=("answers" if model.kind == TEXT else "labels") if labels is not None else expect.description,
        )

    def _check_model_name(self, model: Model) -> None:
        if self._models is None:
            return
        known = self._models.setdefault(model.name, model)
        if known is not model and known.defined_at != model.defined_at:
            raise DeclarationError(
                f"two different models are named {model.name!r}: one made at {known.defined_at}, the other at "
                f"{model.defined_at}; give each its own bt.Model(..., name=...) (results and baselines are kept "
                "by model name)"
            )

    def _measuring(self, model: Model, result: Result):
        return _Measuring(self, model, result)

    def _finish(self, result: Result) -> Result:
        __tracebackhide__ = True
        self._record(result)
        if result.status == FAIL:
            raise BehaviorFailed(failure_message(result))
        return result


def validate_declaration(where: str, capability: Any, max_fail_rate: Any) -> None:
    if not isinstance(capability, str) or not capability.strip():
        raise DeclarationError(f"{where} needs capability=, a non-empty name such as 'Negation', not {capability!r}")
    if max_fail_rate is not None and not (
        isinstance(max_fail_rate, (int, float))
        and not isinstance(max_fail_rate, bool)
        and not math.isnan(max_fail_rate)
        and 0 <= max_fail_rate <= 1
    ):
        raise DeclarationError(f"{where}: max_fail_rate must be a number between 0 and 1, not {max_fail_rate!r}")


class _Measuring:
    """Counts model calls for a result and turns model errors into errors naming the test."""

    def __init__(self, behave: Behave, model: Model, result: Result) -> None:
        self.behave, self.model, self.result = behave, model, result

    def __enter__(self) -> None:
        self.calls, self.predicted = self.model.calls, self.model.predicted

    def __exit__(self, kind, exc, tb) -> bool:
        self.result.model_calls = self.model.calls - self.calls
        self.result.predicted = self.model.predicted - self.predicted
        if isinstance(exc, BehaveError):
            self.result.error = f"in behavioral test {self.result.name!r}: {exc}"
            self.behave._record(self.result)
            raise type(exc)(self.result.error) from exc.__cause__  # the model's own error, if any; not ours again
        return False


def _check_kind(perturbation: Any, original: Any, perturbed: Sequence[Any]) -> None:
    """A text must stay a text: a perturbation returning an int for a string is a bug, not an input."""
    if isinstance(original, str):
        wrong = next((v for v in perturbed if not isinstance(v, str)), None)
        if wrong is not None:
            raise DeclarationError(
                f"perturbation {perturbation!r} turned the text {original!r} into {type(wrong).__name__} {wrong!r}; "
                "a perturbation of a text must return the perturbed text (a str), or raise bt.NotApplicable"
            )


def failure_message(result: Result) -> str:
    """The message of a failed behavioral test: capability, rate against threshold, examples."""
    if result.cases == 0:
        return (
            f"[{result.capability}] {result.type} test {result.name!r} on model {result.model!r} had no "
            f"applicable cases ({result.not_applicable} inputs "
            + (f"not applicable to {result.perturbation}" if result.perturbation else "filtered out by the expectation")
            + "), so "
            f"max_fail_rate={result.max_fail_rate} cannot be checked"
        )
    low, high = result.ci
    lines = [
        f"[{result.capability}] {result.type} test {result.name!r} on model {result.model!r}: "
        f"{result.failures} of {result.cases} cases failed ({result.fail_rate:.1%}, 95% CI {low:.1%}-{high:.1%}), "
        f"above max_fail_rate={result.max_fail_rate:.1%}",
        f"expected: {result.expectation}",
        f"failing examples (first {min(SHOWN_EXAMPLES, len(result.examples))}):",
    ]
    lines += [f"  {example}" for example in result.examples[:SHOWN_EXAMPLES]]
    return "\n".join(lines)
