"""The outcome of one behavioral test: counts, rates, intervals, verdict and failing examples."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .._model.prediction import Prediction
from .._text import shorten
from .stats import wilson

PASS, FAIL, TRACKED, ERROR, NOT_APPLICABLE = "pass", "fail", "tracked", "error", "n/a"


def _jsonable(value: Any) -> Any:
    """Inputs as plain builtins, so results survive JSON and xdist's wire."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and hasattr(value, "index"):  # a pandas row keeps its column names
        return _jsonable(to_dict())
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return _jsonable(tolist())
    if callable(to_dict):
        return _jsonable(to_dict())
    return repr(value)


def _plain(value: Any) -> Any:
    item = getattr(value, "item", None)  # numpy scalars read as 3, not np.int64(3)
    return item() if callable(item) and not isinstance(value, (str, bytes)) else value


def shown(value: Any) -> str:
    """An input as the terminal shows it; a row's numpy values read as plain numbers."""
    from collections.abc import Mapping

    if isinstance(value, Mapping):
        return shorten(repr({k: _plain(v) for k, v in value.items()}))
    return shorten(repr(value))


def column_changes(before: Any, after: Any) -> str | None:
    """For two row mappings, the changed columns as ``column: before → after``; None for other inputs."""
    from collections.abc import Mapping

    if not (isinstance(before, Mapping) and isinstance(after, Mapping)):
        return None

    def shown(row: Mapping, k: Any) -> str:
        return repr(_plain(row[k])) if k in row else "(absent)"

    columns = list(before) + [k for k in after if k not in before]
    changes = [f"{k}: {shown(before, k)} \u2192 {shown(after, k)}" for k in columns
               if k not in before or k not in after or not _same(before[k], after[k])]
    return ", ".join(changes) or "no column changed"


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return a is b


@dataclass(frozen=True)
class Example:
    """A failing case: the input and its prediction, and for INV/DIR the perturbation that failed."""

    input: Any
    prediction: Prediction
    perturbed: Any = None
    perturbed_prediction: Prediction | None = None
    expected: Any = None
    minimal: Any = None
    minimal_prediction: Prediction | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"input": _jsonable(self.input), "prediction": self.prediction.to_dict()}
        if self.perturbed_prediction is not None:
            out["perturbed"] = _jsonable(self.perturbed)
            out["perturbed_prediction"] = self.perturbed_prediction.to_dict()
        if self.expected is not None:
            out["expected"] = _jsonable(self.expected)
        if self.minimal_prediction is not None:
            out["minimal"] = _jsonable(self.minimal)
            out["minimal_prediction"] = self.minimal_prediction.to_dict()
        return out

    def __str__(self) -> str:
        want = "" if self.expected is None else f" (expected {shorten(str(self.expected))})"
        if self.perturbed_prediction is None:
            return f"{shown(self.input)} -> {self.prediction}{want}"
        if self.minimal_prediction is not None:
            changed = column_changes(self.input, self.minimal)
            return (f"{shown(self.input)} -> minimal failing perturbation {changed or shown(self.minimal)} "
                    f"({self.prediction} before, {self.minimal_prediction} after)")
        changed = column_changes(self.input, self.perturbed)
        return (f"{shown(self.input)} -> {changed or shown(self.perturbed)} "
                f"({self.prediction} before, {self.perturbed_prediction} after)")


@dataclass
class Result:
    """What one ``behave.mft`` / ``inv`` / ``dir`` call measured.

    ``cases`` counts the applicable cases (inputs for MFT; originals with at
    least one perturbation that changed them for INV/DIR) and ``failures`` those
    that failed; an INV/DIR case fails if any of its perturbations fails, and the
    per-pair counts are kept in ``pairs`` / ``pair_failures``. ``ci`` and
    ``pair_ci`` are 95% Wilson intervals. ``not_applicable`` counts originals no
    perturbation applied to.
    """

    name: str
    nodeid: str
    model: str
    capability: str
    type: str
    cases: int
    failures: int
    pairs: int = 0
    pair_failures: int = 0
    not_applicable: int = 0
    noops: int = 0
    max_fail_rate: float | None = None
    seed: int = 0
    samples: int | None = None
    expectation: str = ""
    perturbation: str | None = None
    unique_inputs: int = 0
    examples: list[Example] = field(default_factory=list)
    error: str | None = None
    replay: dict[str, Any] | None = None
    slices: dict[str, dict[str, Any]] = field(default_factory=dict)
    cases_digest: str = ""
    failing_cases: list[str] = field(default_factory=list)
    predicted: int = 0
    model_calls: int = 0
    case_table: dict[str, Any] | None = None  # per-case attributes and outcomes, recorded for slice discovery

    @property
    def fail_rate(self) -> float | None:
        return self.failures / self.cases if self.cases else None

    @property
    def ci(self) -> tuple[float, float]:
        return wilson(self.failures, self.cases)

    @property
    def pair_fail_rate(self) -> float | None:
        return self.pair_failures / self.pairs if self.pairs else None

    @property
    def pair_ci(self) -> tuple[float, float]:
        return wilson(self.pair_failures, self.pairs)

    @property
    def status(self) -> str:
        if self.error is not None:
            return ERROR
        if self.max_fail_rate is None:
            return TRACKED
        if self.cases == 0:
            return FAIL
        return FAIL if self.failures / self.cases > self.max_fail_rate else PASS

    @property
    def passed(self) -> bool:
        return self.status in (PASS, TRACKED)

    @property
    def config_digest(self) -> str:
        """The test's declaration: what two runs must share to be compared (not its inputs, threshold or seed).

        The seed only decides which perturbations are drawn; the gate compares runs with
        different seeds as fresh draws of the same cases (see ``_gate/regression.py``).
        """
        from .._model.keys import digest

        return digest(self.type, self.expectation, self.perturbation, self.samples).hex()

    def _repr_html_(self) -> str:
        """A small table for Jupyter: counts, rate, interval, verdict and the first failing examples."""
        from html import escape

        rate = "-" if self.fail_rate is None else f"{self.fail_rate:.1%}"
        low, high = self.ci
        rows = [("test", self.name), ("model", self.model), ("capability", self.capability), ("type", self.type),
                ("cases", f"{self.cases} ({self.failures} failed)"), ("fail rate", f"{rate} (95% CI {low:.1%} - {high:.1%})"),
                ("status", self.status)]
        rows += [(f"example {i + 1}", str(e)) for i, e in enumerate(self.examples[:3])]
        body = "".join(f"<tr><th style='text-align:left'>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
        return f"<table>{body}</table>"

    def to_dict(self) -> dict[str, Any]:
        """The result as plain builtins (JSON, xdist), without run-dependent cost figures."""
        out = {
            "name": self.name,
            "nodeid": self.nodeid,
            "model": self.model,
            "capability": self.capability,
            "type": self.type,
            "cases": self.cases,
            "failures": self.failures,
            "fail_rate": self.fail_rate,
            "ci": list(self.ci),
            "not_applicable": self.not_applicable,
            "max_fail_rate": self.max_fail_rate,
            "status": self.status,
            "seed": self.seed,
            "expectation": self.expectation,
            "unique_inputs": self.unique_inputs,
            "examples": [e.to_dict() for e in self.examples],
            "error": self.error,
            "slices": self.slices,
            "cases_digest": self.cases_digest,
            "config": self.config_digest,
            "failing_cases": self.failing_cases,
        }
        if self.case_table is not None:
            out["case_table"] = self.case_table
        if self.type != "MFT":
            out.update(
                pairs=self.pairs,
                pair_failures=self.pair_failures,
                pair_fail_rate=self.pair_fail_rate,
                pair_ci=list(self.pair_ci),
                noops=self.noops,
                samples=self.samples,
                perturbation=self.perturbation,
                replay=self.replay,
            )
        return out
