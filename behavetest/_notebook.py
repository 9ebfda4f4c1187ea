"""Running a suite from Python without pytest (``bt.run``), with results that render in Jupyter."""

from __future__ import annotations

from typing import Any

from ._errors import BehaveError, BehaviorFailed, NotApplicableToModel
from ._cases.generate import Generator
from ._model.model import Model
from ._measure.result import Result
from ._measure.runner import Behave


class Run:
    """The results of :func:`run`: printable as the terminal summary, shown as HTML in Jupyter."""

    def __init__(self, results: list[Result], seed: int, not_applicable: list[str] | None = None) -> None:
        self.results = results
        self.seed = seed
        self.not_applicable = list(not_applicable or [])  # why each skipped suite test did not apply

    def document(self) -> dict[str, Any]:
        """The same JSON document ``pytest --behave --behave-json`` writes."""
        from . import __version__
        from ._report.summary import sort_results, summarize

        tests = sort_results(r.to_dict() for r in self.results)
        from ._measure.discover import discover

        return {"schema_version": 1, "behavetest_version": __version__, "seed": self.seed,
                "summary": summarize(tests), "tests": tests, "discovery": discover(tests).to_dict()}

    def __str__(self) -> str:
        from ._report.summary import render

        text = render(self.document()["tests"], details=True)
        return "\n".join([text, *self.not_applicable]) if self.not_applicable else text

    def _repr_html_(self) -> str:
        from ._report.html import render_html

        return render_html(self.document())


_generators: dict[int, Generator] = {}


def run(suite: str, model: Model, *, seed: int = 0, shrink_budget: int = 200) -> Run:
    """Run a suite (a built-in name such as ``"sentiment"`` or a suite file path) against ``model``.

    Thresholds are evaluated as under pytest, but a failing test does not raise:
    every test's result is collected. Errors in a test (a model that raises) are
    recorded on its result.
    """
    from ._suites.build import build_suite
    from ._suites.builtin import find_suite

    if not isinstance(model, Model):
        raise BehaveError(f"bt.run needs a bt.Model, not {type(model).__name__}")
    _, built_tests = build_suite(find_suite(suite))
    generator = _generators.setdefault(seed, Generator(seed=seed))  # cases are reused across calls
    results: list[Result] = []
    not_applicable: list[str] = []
    for built in built_tests:
        behave = Behave(test_name=built.test.name, nodeid=f"{built.suite.path}::{built.test.name}",
                        generator=generator, record=results.append, shrink_budget=shrink_budget,
                        discover=True)
        before = len(results)
        try:
            built.run(behave, model)
        except NotApplicableToModel as exc:
            not_applicable.append(str(exc))
        except (BehaviorFailed, BehaveError):
            if len(results) == before:  # failed before measuring: a declaration error, not a result
                raise
    return Run(results, seed, not_applicable)
