"""The pytest plugin: options, the ``behave`` fixture, results on reports, the behavioral summary.

Everything heavy (numpy, Hypothesis, the library itself) is imported only when a
behavioral test runs or a summary is printed, so a plain ``pytest`` run pays nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from ._errors import NotApplicableToModel
from ._gate.baseline import DEFAULT_BASELINE_DIR, RUN_SCHEMA_VERSION
from ._text import plain, safe_text, terminal_text
from ._gate.regression import CORRECTIONS, DEFAULT_ALPHA, DEFAULT_TOLERANCE_PP
from ._model.cache_run import RunCache, deactivate as deactivate_cache

SKIP_REASON = "behavioral test: run with --behave"
SCHEMA_VERSION = RUN_SCHEMA_VERSION  # of the --behave-json document
DEFAULT_SEED = 0
DEFAULT_SHRINK_BUDGET = 200
DEFAULT_DISCOVER_Q = 0.05  # kept equal to behavetest._measure.discover.DEFAULT_Q (tested)


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
    group.addoption("--behave-baseline", default=None, metavar="DIR",
                    help="compare the run with the baselines in DIR (one JSON file per model) and fail on a "
                         "significant regression; also where --behave-update-baseline writes; "
                         f"ini: behave_baseline_dir (default {DEFAULT_BASELINE_DIR}/)")
    group.addoption("--behave-update-baseline", action="store_true", default=False,
                    help="write this run's results into the baseline directory (merged: tests that did not run "
                         "keep their entries); implies --behave")
    group.addoption("--behave-regression-tolerance", default=None, metavar="PP",
                    help="a significant rise in fail rate of at most PP percentage points is not a regression "
                         f"(default {DEFAULT_TOLERANCE_PP:g}); ini: behave_regression_tolerance")
    group.addoption("--behave-regression-alpha", default=None, metavar="ALPHA",
                    help=f"significance level of the regression gate (default {DEFAULT_ALPHA:g}); "
                         "ini: behave_regression_alpha")
    group.addoption("--behave-regression-correction", default=None, choices=CORRECTIONS,
                    help="multiple-comparison correction across the compared tests: holm (default; the chance of "
                         "a false alarm on an unchanged model stays below alpha) or none (alpha per test); "
                         "ini: behave_regression_correction")
    group.addoption("--behave-slices", action="store_true", default=False,
                    help="add the capability x slice table to the behavioral summary")
    group.addoption("--behave-discover", action="store_true", default=None,
                    help="find weak slices: slices of a test's cases failing significantly more often than the rest, "
                         "with false-discovery control; shown per capability in the summary and the reports; "
                         "ini: behave_discover")
    group.addoption("--behave-discover-q", default=None, metavar="Q",
                    help=f"false-discovery rate of slice discovery (Benjamini-Hochberg over every candidate slice; "
                         f"default {DEFAULT_DISCOVER_Q:g}); ini: behave_discover_q")
    group.addoption("--behave-html", default=None, metavar="PATH",
                    help="write a self-contained HTML report (charts, slices, baseline, examples); ini: behave_html")
    group.addoption("--behave-md", default=None, metavar="PATH",
                    help="write a Markdown summary (appended to $GITHUB_STEP_SUMMARY too when set); ini: behave_md")
    group.addoption("--behave-model", default=None, metavar="MODULE:ATTR",
                    help="the bt.Model (or a function returning one) that suite files are run against")
    group.addoption("--behave-suite", action="append", default=[], metavar="NAME",
                    help="run a suite file or a built-in suite by name (e.g. sentiment); repeatable")
    group.addoption("--behave-cache-dir", default=None, metavar="DIR",
                    help="directory of the persistent prediction cache (default: behavetest/ in pytest's cache "
                         "directory); ini: behave_cache_dir")
    group.addoption("--behave-no-cache", action="store_true", default=None,
                    help="do not read or write the persistent prediction cache; ini: behave_no_cache")
    group.addoption("--behave-clear-cache", action="store_true", default=None,
                    help="empty the persistent prediction cache before the run; ini: behave_clear_cache")
    parser.addini("behave", type="bool", default=False, help="run behavioral tests (like --behave)")
    parser.addini("behave_discover", type="bool", default=False, help="find weak slices (like --behave-discover)")
    parser.addini("behave_discover_q", default=str(DEFAULT_DISCOVER_Q), help="false-discovery rate of slice discovery")
    parser.addini("behave_cache_dir", default="", help="directory of the persistent prediction cache, relative to the ini file")
    parser.addini("behave_no_cache", type="bool", default=False, help="do not use the persistent prediction cache")
    parser.addini("behave_clear_cache", type="bool", default=False, help="empty the prediction cache before each run")
    parser.addini("behave_html", default="", help="write the HTML report to this path")
    parser.addini("behave_md", default="", help="write the Markdown summary to this path")
    parser.addini("behave_baseline_dir", default="",
                  help=f"baseline directory, relative to the ini file (default {DEFAULT_BASELINE_DIR}); "
                       "when set, runs with --behave are compared with it")
    parser.addini("behave_regression_tolerance", default=str(DEFAULT_TOLERANCE_PP),
                  help="tolerated rise in fail rate, in percentage points")
    parser.addini("behave_regression_alpha", default=str(DEFAULT_ALPHA), help="significance level of the regression gate")
    parser.addini("behave_regression_correction", default="holm", help="holm or none")
    parser.addini("behave_shrink_budget", default=str(DEFAULT_SHRINK_BUDGET),
                  help="model calls per test spent shrinking failures")
    parser.addini("behave_seed", default=str(DEFAULT_SEED), help="seed for generated perturbations")
    parser.addini("behave_json", default="", help="write behavioral results as JSON to this path")


class BehaveSession:
    """Per-run state (in ``config.stash``) and the hooks that need it."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        cli_dir = config.getoption("behave_baseline")
        ini_dir = config.getini("behave_baseline_dir")
        self.update_baseline = bool(config.getoption("behave_update_baseline"))
        # The baseline flags only make sense for a behavioral run, so they switch it on.
        self.enabled = bool(config.getoption("behave") or config.getini("behave") or cli_dir or self.update_baseline)
        if cli_dir:
            self.baseline_dir: Path = Path(cli_dir)
        else:
            base = config.inipath.parent if config.inipath else config.rootpath
            self.baseline_dir = base / (ini_dir or DEFAULT_BASELINE_DIR)
        self.compare_baseline = bool(cli_dir or ini_dir)
        self.tolerance_pp = _float_option(config, "behave_regression_tolerance", 0.0, 100.0, closed=True)
        self.alpha = _float_option(config, "behave_regression_alpha", 0.0, 1.0, closed=False)
        self.correction = config.getoption("behave_regression_correction") or config.getini("behave_regression_correction")
        if self.correction not in CORRECTIONS:
            raise pytest.UsageError(f"ini option behave_regression_correction must be one of "
                                    f"{', '.join(CORRECTIONS)}, not {self.correction!r}")
        self.comparison: dict[str, Any] | None = None
        self.baseline_messages: list[tuple[str, bool]] = []  # (line, red)
        self.seed = _int_option(config, "behave_seed", minimum=None)
        budget = _int_option(config, "behave_shrink_budget", minimum=0)
        self.shrink_budget = 0 if config.getoption("behave_no_shrink") else budget
        self.json_path = _path_option(config, "behave_json")
        self.html_path = _path_option(config, "behave_html")
        self.md_path = _path_option(config, "behave_md")
        self.slices = bool(config.getoption("behave_slices"))
        self.discover = bool(config.getoption("behave_discover") or config.getini("behave_discover"))
        self.discover_q = _float_option(config, "behave_discover_q", 0.0, 1.0, closed=False)
        self._discovery: dict[str, Any] | None = None
        self.slice_comparison: dict[str, Any] | None = None
        self.details = bool(config.getoption("behave_details") or config.getoption("verbose") > 0)
        self.results: list[dict[str, Any]] = []
        self.not_applicable: list[str] = []  # suite tests skipped as not applicable to the model, and why
        self.written: list[Path] = []
        self.problems: list[str] = []  # errors in behavetest itself: each is one red line and fails the run
        self.collection_errors = 0
        self.crashed: list[str] = []  # node ids whose xdist worker died while running them
        self.nodes_down: list[str] = []
        self.behavioral: set[str] = set()  # node ids of behavioral tests that started (controller side)
        self.interrupted: str | None = None
        self.session: pytest.Session | None = None
        self.tests_done = 0
        self.models: dict[str, Any] = {}  # every bt.Model the session's tests used, by name
        self._generator = None
        self.is_worker = hasattr(config, "workerinput")
        self.cache = RunCache(config, enabled=self.enabled, is_worker=self.is_worker)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error) -> None:
        if error is not None:
            self.nodes_down.append(str(getattr(getattr(node, "gateway", None), "id", node)))
        stats = getattr(node, "workeroutput", {}).get("behave_cache")
        if stats:
            self.cache.add(stats)

    def generator(self):
        if self._generator is None:
            from ._cases.generate import Generator

            self._generator = Generator(seed=self.seed)
        return self._generator

    def replay_store(self):
        cache = getattr(self.config, "cache", None)
        if cache is None:
            return None
        from ._cases.replay import ReplayStore

        return ReplayStore(cache)

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.session = session
        if self.enabled and self.config.getoption("behave_model", None):
            from ._suites.build import start_model

            start_model(self.config)
        if self.is_worker or not self.enabled or not (self.compare_baseline or self.update_baseline):
            return
        from ._gate.baseline import BaselineDir, BaselineError

        try:  # fail fast, before any model runs, on a corrupt baseline file
            BaselineDir(self.baseline_dir).validate_all()
        except BaselineError as exc:
            raise pytest.UsageError(f"behavetest: {exc}") from None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session):
        try:
            return (yield)
        finally:
            if not self.is_worker and self.enabled and self.compare_baseline:
                self._compare(session)

    def _compare(self, session: pytest.Session) -> None:
        try:
            self._compare_results(session)
        except Exception as exc:  # a bug in behavetest must not pass for a clean gate
            self.problem("could not compare with the baseline", exc)

    def _compare_results(self, session: pytest.Session) -> None:
        """Compare with the baseline on the controller, after every result arrived; fail on a regression."""
        from ._gate.baseline import BaselineDir, BaselineError, entries_by_model
        from ._gate.regression import compare

        directory = BaselineDir(self.baseline_dir)
        new = entries_by_model(self.results, keep_errors=True)
        try:
            base = {model: directory.load(model) for model in new}
        except BaselineError as exc:
            self.baseline_messages.append((f"behavetest: {exc}", True))
            session.testsfailed += 1
            return
        self.comparison = compare(base, new, alpha=self.alpha, tolerance_pp=self.tolerance_pp,
                                  correction=self.correction)
        self.comparison["directory"] = str(self.baseline_dir)
        self.comparison["files"] = {m: directory.path(m).name for m in new}
        self.comparison["gate"] = not self.update_baseline
        if self.comparison["regressions"] and not self.update_baseline:
            session.testsfailed += 1
        if self.discover:
            from ._measure.slice_compare import compare_slices

            earlier = [{**entry, "model": model} for model, entries in base.items() for entry in (entries or {}).values()]
            compared = compare_slices(earlier, self.results, q=self.discover_q)
            if compared.compared or compared.skipped:  # nothing to say on a first run without a baseline
                self.slice_comparison = compared.to_dict()

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
        from ._measure.check import Checks, measure_checks

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
            from ._measure.runner import failure_message

            raise BehaviorFailed(failure_message(result))
        return outcome

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        if call.excinfo is not None and self.enabled and not item.config.getoption("fulltrace", False):
            _hide_internals(call.excinfo)
        report = yield
        if not self.enabled:
            return report
        if call.when == "setup" and _is_behavioral(item):
            report.behave_test = True  # tells the controller which crashed tests were behavioral
        if call.when == "call":
            results = item.stash.get(RESULTS_KEY, None)
            if results:
                try:
                    _attach(report, item, results)
                except Exception as exc:  # never lose a result silently: the test fails, saying why
                    report.behave = None
                    report.outcome = "failed"
                    report.longrepr = f"behavetest: could not carry this test's behavioral results: {_error_text(exc)}"
        if report.failed and self.is_worker:
            _safe_longrepr(report)
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.is_worker:
            return
        if report.when == "call":
            self.results.extend(getattr(report, "behave", None) or ())
            if report.skipped:
                self.not_applicable += [why for key, why in report.user_properties
                                        if key == NotApplicableToModel.PROPERTY]
        elif report.when == "setup" and getattr(report, "behave_test", False):
            self.behavioral.add(report.nodeid)
        elif report.when == "teardown":
            self.tests_done += 1
        elif report.when == "???":  # xdist: the worker died while running this test
            self.crashed.append(report.nodeid)
            if report.nodeid in self.behavioral and self.enabled:
                self.results.append(crashed_result(report.nodeid, str(report.longrepr)))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed and not self.is_worker:
            self.collection_errors += 1

    def pytest_keyboard_interrupt(self, excinfo) -> None:
        self.interrupted = str(excinfo.value)

    def incomplete_reason(self) -> str | None:
        """Why this run's results do not cover every selected test, or None for a complete run."""
        reasons = []
        session = self.session
        stopped = self.interrupted
        if stopped is None and session is not None and (session.shouldfail or session.shouldstop):
            if self.tests_done < len(session.items):
                stopped = str(session.shouldfail or session.shouldstop)
        if stopped is not None:
            if "stopping after" in stopped:
                reasons.append(f"stopped early by -x/--maxfail ({stopped})")
            else:
                reasons.append("interrupted" + (f" ({stopped})" if stopped else ""))
        if self.crashed:
            reasons.append(f"worker crashed while running {', '.join(self.crashed)}")
        elif self.nodes_down:
            reasons.append(f"worker crashed ({', '.join(self.nodes_down)})")
        if self.collection_errors:
            n = self.collection_errors
            reasons.append(f"{n} collection error{'s' if n != 1 else ''}")
        return "; ".join(reasons) or None

    def problem(self, what: str, exc: BaseException | None = None) -> None:
        """An error in behavetest's own machinery: one red line at the end, and the run fails."""
        self.problems.append(f"behavetest: {what}" + (f": {_error_text(exc)}" if exc is not None else ""))
        self.fail_session()

    def fail_session(self) -> None:
        if self.session is not None and self.session.exitstatus == 0:
            self.session.exitstatus = pytest.ExitCode.TESTS_FAILED

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter, exitstatus: int, config: pytest.Config):
        # Outside pytest's own wrapper, so the summary comes after its "short test summary info".
        try:
            return (yield)
        finally:
            if not self.is_worker and self.enabled:
                try:
                    self._write_summary(terminalreporter)
                except Exception as exc:
                    self.problem("could not render the behavioral summary", exc)
                for line in self.problems:
                    terminalreporter.write_line(terminal_text(line, one_line=True), red=True)

    def _write_summary(self, terminalreporter) -> None:
        from ._report.summary import render

        write = _TerminalLines(terminalreporter)
        terminalreporter.write_sep("=", "behavioral summary")
        reason = self.incomplete_reason()
        if reason is not None:
            write(f"behavetest: INCOMPLETE RUN ({reason}): the results below cover only the tests that ran", red=True)
        skipped = [f"behavetest: skipped, {why}" for why in sorted(self.not_applicable)]
        if not self.results:
            for line in ["no behavioral tests ran", *skipped]:
                write(line)
            return
        write(render(self.results, details=self.details, slices=self.slices))
        for line in skipped:
            write(line)
        if self.discover:
            from ._measure.discover import render_discovery

            write("")
            write(render_discovery(self.discovery()))
        if self.slice_comparison is not None:
            from ._measure.slice_compare import render_slice_comparison

            write("")
            write(render_slice_comparison(self.slice_comparison))
        for line in self.cache.lines():
            write(line)
        if self.comparison is not None:
            from ._gate.regression import render_comparison

            write("")
            for line in render_comparison(self.comparison, str(self.baseline_dir)).splitlines():
                write(line, red=line.startswith("behavetest: REGRESSION"))
            if self.comparison["regressions"]:
                if self.comparison["gate"]:
                    write("behavetest: failing the session (exit code 1) because of the regression(s) above", red=True)
                else:
                    write("behavetest: not failing: --behave-update-baseline accepts these results as the new baseline")
        for line, red in self.baseline_messages:
            write(line, red=red)
        for path in self.written:
            write(f"behavioral report written to {path}")

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.is_worker and self.enabled:
            self.config.workeroutput["behave_cache"] = self.cache.worker_stats()
        if self.is_worker or not self.enabled:
            return
        self.session = session
        reason = self.incomplete_reason()
        if reason is not None:
            self.fail_session()
        if self.comparison is not None:
            self.comparison["complete"] = reason is None
        if self.update_baseline:
            try:
                self._update_baseline(session, reason)
            except Exception as exc:
                self.problem("baseline not updated", exc)
        if self.json_path is None and self.html_path is None and self.md_path is None:
            return
        from ._report.writers import write_reports

        try:
            document = self.document(incomplete_reason=reason)
        except Exception as exc:
            self.problem("could not assemble the behavioral report", exc)
            return
        self.written, errors = write_reports(document, json_path=self.json_path, html_path=self.html_path,
                                             md_path=self.md_path)
        for error in errors:
            self.problem(error)

    def _update_baseline(self, session: pytest.Session, incomplete: str | None) -> None:
        """Merge this run's results into the baseline files (controller or serial process only)."""
        from ._gate.baseline import BaselineDir, BaselineError

        if incomplete is not None or session.exitstatus in (pytest.ExitCode.INTERRUPTED,
                                                            pytest.ExitCode.INTERNAL_ERROR):
            why = incomplete or "the run was interrupted"
            self.baseline_messages.append((f"behavetest: baseline not updated: the run is incomplete ({why}); "
                                           "nothing was written, run the whole selection again", True))
            self.fail_session()
            return
        if not self.results:
            self.baseline_messages.append(("behavetest: baseline not updated: no behavioral tests ran", False))
            return
        try:
            written = BaselineDir(self.baseline_dir).update(self.results)
        except (BaselineError, OSError) as exc:
            self.baseline_messages.append((f"behavetest: baseline not updated: {exc}", True))
            self.fail_session()
            return
        models = sorted({r["model"] for r in self.results})
        if written:
            for path in written:
                self.baseline_messages.append((f"behavetest: baseline written: {path}", False))
        else:
            self.baseline_messages.append(
                (f"behavetest: baseline for {', '.join(models)} in {self.baseline_dir} unchanged", False))

    def discovery(self) -> dict[str, Any]:
        """The run's weak slices, found once on the controller from every result's case attributes."""
        if self._discovery is None:
            from ._measure.discover import discover

            self._discovery = discover(self.results, q=self.discover_q).to_dict()
        return self._discovery

    def document(self, *, incomplete_reason: str | None = None) -> dict[str, Any]:
        from . import __version__
        from ._report.summary import sort_results, summarize

        results = sort_results(self.results)
        return {
            "schema_version": SCHEMA_VERSION,
            "behavetest_version": __version__,
            "complete": incomplete_reason is None,
            "incomplete_reason": incomplete_reason,
            "seed": self.seed,
            "summary": summarize(results),
            "tests": results,
            **({"baseline": self.comparison} if self.comparison is not None else {}),
            **({"discovery": self.discovery()} if self.discover else {}),
            **({"slice_comparison": self.slice_comparison} if self.slice_comparison is not None else {}),
        }


class _TerminalLines:
    """Writes lines to the terminal with user-supplied control characters escaped."""

    def __init__(self, terminalreporter) -> None:
        self.reporter = terminalreporter

    def __call__(self, text: str, **markup: bool) -> None:
        for line in text.split("\n"):
            self.reporter.write_line(terminal_text(line, one_line=True), **markup)


def _hide_internals(excinfo: pytest.ExceptionInfo) -> None:
    """A user's mistake (bad declaration, model output, suite) shows the user's lines, not behavetest's."""
    from ._errors import BehaveError, BehaviorFailed

    if not isinstance(excinfo.value, (BehaveError, BehaviorFailed)):
        return
    package = str(Path(__file__).parent) + os.sep
    last_user, tb = None, excinfo.tb
    while tb is not None:
        if not os.path.abspath(tb.tb_frame.f_code.co_filename).startswith(package):
            last_user = tb
        tb = tb.tb_next
    if last_user is not None and last_user.tb_next is not None:
        last_user.tb_next = None  # the frames below the user's last line are behavetest's
        excinfo.traceback = type(excinfo.traceback)(excinfo.tb)


def _is_behavioral(item: pytest.Item) -> bool:
    return "behave" in getattr(item, "fixturenames", ()) or item.get_closest_marker("behave") is not None


def _attach(report: pytest.TestReport, item: pytest.Item, results: list) -> None:
    # Plain builtins with encodable strings only: the report travels to the xdist controller as is.
    report.behave = plain([r.to_dict() for r in results])
    # JUnit reads properties from the teardown report, which copies item.user_properties
    # (on the worker, so this works under xdist too).
    item.user_properties.extend(junit_properties(report.behave))


def _safe_longrepr(report: pytest.TestReport) -> None:
    """A failure text with lone surrogates (from the user's own assertion, say) cannot cross xdist's wire."""
    text = str(report.longrepr)
    if safe_text(text) is not text:
        report.longrepr = safe_text(text)


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {safe_text(str(exc))}"


def crashed_result(nodeid: str, message: str) -> dict[str, Any]:
    """The error result standing for a behavioral test whose xdist worker died while running it."""
    name = nodeid.rsplit("::", 1)[-1]
    return {
        "name": name, "nodeid": nodeid, "model": "(unknown: worker crashed)", "capability": "(unknown)",
        "type": "?", "cases": 0, "failures": 0, "fail_rate": None, "ci": [0.0, 1.0], "not_applicable": 0,
        "max_fail_rate": None, "status": "error", "seed": None, "expectation": "", "unique_inputs": 0,
        "examples": [], "error": safe_text(message), "slices": {}, "cases_digest": "", "config": "",
        "failing_cases": [],
    }


def _path_option(config: pytest.Config, name: str) -> Path | None:
    value = config.getoption(name) or config.getini(name)
    return Path(value) if value else None


def _number(value: float | None) -> str:
    return "nan" if value is None else f"{value:.6g}"


def junit_properties(results: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """JUnit properties of a pytest test's behavioral results (strings, as JUnit stores them).

    One result: ``behave_cases``, ``behave_failures``, ``behave_fail_rate``,
    ``behave_ci_low``, ``behave_ci_high``. Several: those pooled over the results,
    then the same names suffixed with ``[<result name>]`` for each result.
    """
    from ._measure.stats import wilson

    def props(cases: int, failures: int, suffix: str = "") -> list[tuple[str, str]]:
        low, high = wilson(failures, cases)
        return [(f"behave_cases{suffix}", str(cases)), (f"behave_failures{suffix}", str(failures)),
                (f"behave_fail_rate{suffix}", _number(failures / cases if cases else None)),
                (f"behave_ci_low{suffix}", _number(low)), (f"behave_ci_high{suffix}", _number(high))]

    out = props(sum(r["cases"] for r in results), sum(r["failures"] for r in results))
    if len(results) > 1:
        for r in results:
            out += props(r["cases"], r["failures"], f"[{r['name']}]")
    return out


def _float_option(config: pytest.Config, name: str, low: float, high: float, *, closed: bool) -> float:
    raw = config.getoption(name)
    flag = "--" + name.replace("_", "-")
    if raw is None:
        raw, flag = config.getini(name), f"ini option {name}"
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise pytest.UsageError(f"{flag} must be a number, not {raw!r}") from None
    inside = low <= value <= high if closed else low < value < high
    if not inside:
        interval = f"[{low:g}, {high:g}]" if closed else f"strictly between {low:g} and {high:g}"
        raise pytest.UsageError(f"{flag} must be {interval}, not {raw!r}")
    return value


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
    if session.enabled:
        session.cache.start()
    suites = config.getoption("behave_suite")
    if suites:
        from ._errors import BehaveError
        from ._suites.builtin import find_suite

        try:
            paths = [str(find_suite(name).resolve()) for name in suites]
        except BehaveError as exc:
            raise pytest.UsageError(f"--behave-suite: {exc}") from None
        explicit = config.args_source == pytest.Config.ArgsSource.ARGS
        config.args[:] = [*config.args, *paths] if explicit else paths


def pytest_unconfigure(config: pytest.Config) -> None:
    deactivate_cache()


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if not file_path.name.endswith((".behave.yaml", ".behave.yml")):
        return None
    from ._suites.build import SuiteFile
    from ._suites.builtin import builtin_suites

    builtin = {p.resolve(): name for name, p in builtin_suites().items()}
    name = builtin.get(file_path.resolve())
    if name is not None:  # the same node ids on every machine, wherever the package is installed
        return SuiteFile.from_parent(parent, path=file_path, nodeid=f"behavetest.capabilities/{name}")
    return SuiteFile.from_parent(parent, path=file_path)


@pytest.fixture
def behave(request: pytest.FixtureRequest):
    """Declare behavioral tests: ``behave.mft``, ``behave.inv`` and ``behave.dir``."""
    from ._measure.runner import Behave

    session = request.config.stash[SESSION_KEY]
    results = request.node.stash.setdefault(RESULTS_KEY, [])
    return Behave(
        test_name=request.node.name,
        nodeid=request.node.nodeid,
        generator=session.generator(),
        record=results.append,
        shrink_budget=session.shrink_budget,
        replay=session.replay_store(),
        discover=session.discover,
        models=session.models,
    )
