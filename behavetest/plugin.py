"""The pytest plugin: options, the ``behave`` fixture, results on reports, the behavioral summary.

Everything heavy (numpy, Hypothesis, the library itself) is imported only when a
behavioral test runs or a summary is printed, so a plain ``pytest`` run pays nothing.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

SKIP_REASON = "behavioral test: run with --behave"
SCHEMA_VERSION = 1
DEFAULT_SEED = 0
DEFAULT_SHRINK_BUDGET = 200


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("behave", "behavioral testing of models (behavetest)")
    group.addoption("--behave", action="store_true", default=None,
                    help="run behavioral tests (those using the 'behave' fixture or marked 'behave'); ini: behave")
    group.addoption("--behave-seed", type=int, default=None, metavar="N",
                    help=f"seed for generated perturbations (default {DEFAULT_SEED}); ini: behave_seed")
    group.addoption("--behave-details", action="store_true", default=False,
                    help="add a row per behavioral test, with failing examples, to the summary (also on with -v)")
    group.addoption("--behave-json", default=None, metavar="PATH",
                    help="write every behavioral result to PATH as JSON; ini: behave_json")
    group.addoption("--behave-shrink-budget", type=int, default=None, metavar="N",
                    help=f"model calls per test spent shrinking failures to minimal perturbations "
                         f"(default {DEFAULT_SHRINK_BUDGET}); ini: behave_shrink_budget")
    group.addoption("--behave-no-shrink", action="store_true", default=False,
                    help="do not shrink failing perturbations to minimal ones")
    parser.addini("behave", type="bool", default=False, help="run behavioral tests (like --behave)")
    parser.addini("behave_shrink_budget", default=str(DEFAULT_SHRINK_BUDGET),
                  help="model calls per test spent shrinking failures")
    parser.addini("behave_seed", default=str(DEFAULT_SEED), help="seed for generated perturbations")
    parser.addini("behave_json", default="", help="write behavioral results as JSON to this path")


class BehaveSession:
    """Per-run state (in ``config.stash``) and the hooks that need it."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.enabled = bool(config.getoption("behave") or config.getini("behave"))
        self.seed = _int_option(config, "behave_seed", minimum=None)
        budget = _int_option(config, "behave_shrink_budget", minimum=0)
        self.shrink_budget = 0 if config.getoption("behave_no_shrink") else budget
        json_path = config.getoption("behave_json") or config.getini("behave_json")
        self.json_path = Path(json_path) if json_path else None
        self.details = bool(config.getoption("behave_details") or config.getoption("verbose") > 0)
        self.results: list[dict[str, Any]] = []
        self._generator = None
        self.is_worker = hasattr(config, "workerinput")

    def generator(self):
        if self._generator is None:
            from ._generate import Generator

            self._generator = Generator(seed=self.seed)
        return self._generator

    def replay_store(self):
        cache = getattr(self.config, "cache", None)
        if cache is None:
            return None
        from ._replay import ReplayStore

        return ReplayStore(cache)

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        if self.enabled:
            return
        skip = pytest.mark.skip(reason=SKIP_REASON)
        for item in items:
            if "behave" in getattr(item, "fixturenames", ()) or item.get_closest_marker("behave"):
                item.add_marker(skip)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        marker = item.get_closest_marker("behave")
        if not self.enabled or marker is None or "capability" not in marker.kwargs:
            return (yield)
        from ._check import Checks, measure_checks

        obj = getattr(item, "obj", None)
        if getattr(obj, "is_hypothesis_test", False):
            from hypothesis import seed

            seed(self.seed)(obj)  # the same examples, hence the same rate, in every run
        with Checks() as checks:
            outcome = yield
        result = measure_checks(checks, item, marker.kwargs, seed=self.seed)
        item.stash.setdefault(RESULTS_KEY, []).append(result)
        if result.status == "fail":
            from ._errors import BehaviorFailed
            from ._runner import failure_message

            raise BehaviorFailed(failure_message(result))
        return outcome

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        if call.when == "call":
            results = item.stash.get(RESULTS_KEY, None)
            if results:
                # Plain builtins only: the report travels to the xdist controller as is.
                report.behave = [r.to_dict() for r in results]
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not self.is_worker and report.when == "call":
            self.results.extend(getattr(report, "behave", None) or ())

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter, exitstatus: int, config: pytest.Config) -> None:
        if self.is_worker or not self.enabled:
            return
        from ._summary import render

        terminalreporter.write_sep("=", "behavioral summary")
        if not self.results:
            terminalreporter.write_line("no behavioral tests ran")
            return
        terminalreporter.write_line(render(self.results, details=self.details))
        if self.json_path is not None:
            terminalreporter.write_line(f"behavioral results written to {self.json_path}")

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.is_worker or not self.enabled or self.json_path is None:
            return
        try:
            write_json_atomic(self.json_path, self.document())
        except OSError as exc:
            self.json_path = None
            reporter = session.config.pluginmanager.get_plugin("terminalreporter")
            if reporter is not None:
                reporter.write_line(f"behavetest: could not write --behave-json file: {exc}", red=True)
            if session.exitstatus == 0:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def document(self) -> dict[str, Any]:
        from . import __version__
        from ._summary import sort_results, summarize

        results = sort_results(self.results)
        return {
            "schema_version": SCHEMA_VERSION,
            "behavetest_version": __version__,
            "seed": self.seed,
            "summary": summarize(results),
            "tests": results,
        }


def write_json_atomic(path: Path, document: Any) -> None:
    """Write ``document`` as reviewable JSON via a temporary file and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _int_option(config: pytest.Config, name: str, *, minimum: int | None) -> int:
    value = config.getoption(name)
    flag = "--" + name.replace("_", "-")
    if value is None:
        raw = config.getini(name)
        flag = f"ini option {name}"
        try:
            value = int(raw)
        except ValueError:
            raise pytest.UsageError(f"{flag} must be an integer, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise pytest.UsageError(f"{flag} must be at least {minimum}, not {value}")
    return value


SESSION_KEY = pytest.StashKey[BehaveSession]()
RESULTS_KEY = pytest.StashKey[list]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "behave: a behavioral test; skipped unless --behave (or ini behave = true) is given",
    )
    session = BehaveSession(config)
    if session.enabled and config.getoption("dist", None) == "each":
        raise pytest.UsageError("--behave cannot be combined with --dist each: every worker would count every test")
    config.stash[SESSION_KEY] = session
    config.pluginmanager.register(session, "behavetest-session")


@pytest.fixture
def behave(request: pytest.FixtureRequest):
    """Declare behavioral tests: ``behave.mft``, ``behave.inv`` and ``behave.dir``."""
    from ._runner import Behave

    session = request.config.stash[SESSION_KEY]
    results = request.node.stash.setdefault(RESULTS_KEY, [])
    return Behave(
        test_name=request.node.name,
        nodeid=request.node.nodeid,
        generator=session.generator(),
        record=results.append,
        shrink_budget=session.shrink_budget,
        replay=session.replay_store(),
    )
