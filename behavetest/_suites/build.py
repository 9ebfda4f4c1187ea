"""Suites: turning validated suite files into behavioral tests, for pytest and for ``bt.run``."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any, Callable

from .. import expect as _expect
from .. import perturb as _perturb
from .._errors import BehaveError, BehaviorFailed, DeclarationError, NotApplicableToModel
from .._text import terminal_text
from .._model.model import Model
from ..perturb._perturbation import Perturbation, as_perturbation
from .loader import Suite, SuiteError, SuiteTest, is_reference, load_suite

EXPECTATIONS = {n for n in _expect.__all__ if n != "Expectation"}
PERTURBATIONS = {n for n in _perturb.__all__ if n != "Perturbation"}


def resolve(reference: str, *, base: Path | None = None) -> Any:
    """Import ``module:attribute``; the suite's folder is importable while its modules are imported."""
    if not is_reference(reference):
        raise DeclarationError(f"{reference!r} is not a 'module:attribute' reference")
    module_name, _, attribute = reference.partition(":")
    added = base is not None and str(base) not in sys.path
    if added:
        sys.path.insert(0, str(base))
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise DeclarationError(f"cannot import {module_name!r} for {reference!r}: {exc}") from exc
    except Exception as exc:
        raise DeclarationError(f"importing {module_name!r} for {reference!r} raised {type(exc).__name__}: {exc}") from exc
    finally:
        if added:
            try:
                sys.path.remove(str(base))
            except ValueError:
                pass
    for part in attribute.split("."):
        if not hasattr(obj, part):
            raise DeclarationError(f"module {module_name!r} has no attribute {attribute!r} (from {reference!r})")
        obj = getattr(obj, part)
    return obj


def resolve_model(reference: str, *, base: Path | None = None) -> Model:
    """A ``bt.Model`` from ``module:attribute``: the model itself, or a factory returning one."""
    obj = resolve(reference, base=base)
    if not isinstance(obj, Model) and callable(obj):
        obj = obj()
    if not isinstance(obj, Model):
        raise DeclarationError(f"{reference!r} must be a bt.Model or a function returning one, not {type(obj).__name__}")
    return obj


def _call(fn: Callable[..., Any], value: Any, *, spread_lists: bool) -> Any:
    if isinstance(value, dict):
        return fn(**value)
    if isinstance(value, list) and spread_lists:
        return fn(*value)
    return fn() if value is None else fn(value)


def _one_key(test: SuiteTest, key: str, spec: dict) -> tuple[str, Any]:
    if len(spec) != 1:
        raise test.error(key, f"{key} must have exactly one name, got {sorted(spec)}", f"write e.g. '{key}: {{name: argument}}'")
    return next(iter(spec.items()))


def _bad(test: SuiteTest, key: str, what: str, exc: Exception) -> SuiteError:
    """A suite error at the test's ``key`` line, unless ``exc`` already is one."""
    return exc if isinstance(exc, SuiteError) else test.error(key, f"{what}: {exc}")


def build_expectation(test: SuiteTest, spec: Any, base: Path) -> _expect.Expectation | None:
    if spec is None:
        return None
    try:
        if isinstance(spec, str):
            spec = {spec: None}
        if not isinstance(spec, dict):
            raise test.error("expect", f"expect must be a name or a one-key mapping, not {spec!r}", "e.g. 'expect: {label: negative}'")
        name, value = _one_key(test, "expect", spec)
        if ":" in name or (name == "custom" and isinstance(value, str)):
            target = resolve(value if name == "custom" else name, base=base)
            if isinstance(target, _expect.Expectation):
                return target
            if name != "custom" and value is not None:
                target = _call(target, value, spread_lists=True)
                if isinstance(target, _expect.Expectation):
                    return target
            return _expect.custom(target)
        if name not in EXPECTATIONS:
            raise test.error("expect", f"unknown expectation {name!r}", f"use one of {sorted(EXPECTATIONS)} or 'module:function'")
        return _call(getattr(_expect, name), value, spread_lists=True)
    except Exception as exc:  # any failure to build from the file's values is the file's error, at its line
        raise _bad(test, "expect", f"bad expectation {spec!r}", exc) from None


def build_perturbation(test: SuiteTest, spec: Any, base: Path) -> Perturbation | None:
    if spec is None:
        return None
    try:
        if isinstance(spec, str):
            if ":" not in spec:
                spec = {spec: None}
            else:
                return as_perturbation(resolve(spec, base=base))
        if not isinstance(spec, dict):
            raise test.error("perturb", f"perturb must be a name or a one-key mapping, not {spec!r}", "e.g. 'perturb: {typos: 1}'")
        if "part" in spec or "on_both" in spec:
            return _on_part(test, dict(spec), base)
        name, value = _one_key(test, "perturb", spec)
        if name in ("chain", "any_of"):
            if not isinstance(value, list) or not value:
                raise test.error("perturb", f"{name} needs a list of perturbations")
            return getattr(_perturb, name)(*(build_perturbation(test, part, base) for part in value))
        if ":" in name:
            return as_perturbation(_call(resolve(name, base=base), value, spread_lists=False))
        if name not in PERTURBATIONS:
            raise test.error("perturb", f"unknown perturbation {name!r}", f"use one of {sorted(PERTURBATIONS)} or 'module:function'")
        return _call(getattr(_perturb, name), value, spread_lists=False)
    except Exception as exc:  # any failure to build from the file's values is the file's error, at its line
        raise _bad(test, "perturb", f"bad perturbation {spec!r}", exc) from None


def _on_part(test: SuiteTest, spec: dict, base: Path) -> Perturbation:
    """``{typos: 1, part: question}`` (``.on("question")``; YAML reads a bare ``on`` key as true) or
    ``{names: null, on_both: true}``: a perturbation of parts of the input."""
    part, both = spec.pop("part", None), spec.pop("on_both", False)
    if both not in (True, False) or (both and part is not None):
        raise test.error("perturb", "give either 'part: <part>' or 'on_both: true', not both",
                         "e.g. 'perturb: {typos: 1, part: question}' or 'perturb: {names: null, on_both: true}'")
    if not spec:
        raise test.error("perturb", "'part' needs the perturbation to apply", "e.g. 'perturb: {typos: 1, part: question}'")
    inner = build_perturbation(test, spec, base)
    return inner.on_both() if both else inner.on(part)


def expectation_references(spec: Any) -> list[str]:
    """The ``module:function`` references of an ``expect:`` value (imported only when the test runs)."""
    if isinstance(spec, str):
        return [spec] if ":" in spec else []
    if not isinstance(spec, dict) or len(spec) != 1:
        return []
    name, value = next(iter(spec.items()))
    if ":" in name:
        return [name]
    return [value] if name == "custom" and isinstance(value, str) else []


def perturbation_references(spec: Any) -> list[str]:
    """The ``module:function`` references of a ``perturb:`` value, in chains and alternatives too."""
    if isinstance(spec, str):
        return [spec] if ":" in spec else []
    if isinstance(spec, dict):
        spec = {k: v for k, v in spec.items() if k not in ("part", "on_both")}  # .on(part): the rest is the perturbation
    if not isinstance(spec, dict) or len(spec) != 1:
        return []
    name, value = next(iter(spec.items()))
    if name in ("chain", "any_of") and isinstance(value, list):
        return [ref for part in value for ref in perturbation_references(part)]
    return [name] if ":" in name else []


def _check_references(test: SuiteTest, key: str, references: list[str]) -> None:
    for ref in references:
        if not is_reference(ref):
            raise test.error(key, f"{ref!r} is not a 'module:function' reference",
                             "write e.g. 'mypkg.checks:is_polite' (dotted module, colon, dotted attribute)")


_UNBUILT = object()


class BuiltTest:
    """A suite test, ready to run: checked at collection, its user code imported only when it runs.

    Built-in expectations and perturbations are built at collection (so their errors
    name the line before anything runs); those naming ``module:function`` are only
    checked for shape then, and imported when the test runs with ``--behave``.
    """

    def __init__(self, suite: Suite, test: SuiteTest) -> None:
        base = Path(suite.path).parent
        self.suite, self.test, self.base = suite, test, base
        self._expect = self._perturb = self._inputs = _UNBUILT
        expect_refs, perturb_refs = expectation_references(test.expect), perturbation_references(test.perturb)
        _check_references(test, "expect", expect_refs)
        _check_references(test, "perturb", perturb_refs)
        if not expect_refs:
            self._expect = build_expectation(test, test.expect, base)
        if not perturb_refs:
            self._perturb = build_perturbation(test, test.perturb, base)
        self.slice_refs = {**suite.slices, **test.slices}
        for name, ref in self.slice_refs.items():
            if isinstance(ref, str) and not is_reference(ref):
                raise test.error("slices", f"slice {name!r}: {ref!r} is not a 'module:function' reference",
                                 "write e.g. 'short: mypkg.slices:is_short'")
        if test.template is not None:
            self._inputs = self._template_inputs()  # data only: its errors belong to collection

    @property
    def expect(self) -> Any:
        if self._expect is _UNBUILT:
            self._expect = build_expectation(self.test, self.test.expect, self.base)
        return self._expect

    @property
    def perturb(self) -> Any:
        if self._perturb is _UNBUILT:
            self._perturb = build_perturbation(self.test, self.test.perturb, self.base)
        return self._perturb

    def inputs(self) -> Any:
        if callable(self.test.inputs):  # rows a Python-built suite resolves when the test runs
            return self.test.inputs()
        if self.test.inputs is not None:
            return self.test.inputs
        if self._inputs is _UNBUILT:
            self._inputs = self._template_inputs()
        return self._inputs

    def _template_inputs(self) -> Any:
        from .._cases.template import template

        built = None
        for spec in self.test.template or []:
            spec = dict(spec)
            try:
                one = template(spec.pop("text"), **spec)
            except (BehaveError, TypeError, ValueError, KeyError, IndexError) as exc:
                raise self.test.error("template", f"bad template: {exc}") from None
            built = one if built is None else built + one
        return built

    def expected_labels(self, inputs: Any) -> list[Any]:
        """The labels this test names: its expectation's, its ``labels:``, or its template cases'."""
        named = list(getattr(self.expect, "labels", None) or ())
        if getattr(self.expect, "label", None) is not None:
            named.append(self.expect.label)
        if self.test.type == "MFT" and self.expect is None:
            named += list(self.test.labels or getattr(inputs, "labels", None) or ())
        return list(dict.fromkeys(named))

    def run(self, behave: Any, model: Model) -> Any:
        """Run the test with a ``Behave`` object against ``model``; returns its ``Result``.

        Raises :class:`NotApplicableToModel`, before measuring anything, when the test
        expects a label that the model's declared labels do not include.
        """
        __tracebackhide__ = True
        t = self.test
        inputs = self.inputs()
        declared = model.declared_labels
        missing = [lab for lab in self.expected_labels(inputs) if declared is not None and lab not in declared]
        if missing:
            raise NotApplicableToModel(
                f"not applicable to model {model.name!r}: {t.name} expects the label "
                f"{', '.join(map(repr, missing))}, which the model does not have (its labels: {declared!r})"
            )
        slices = {name: resolve(ref, base=self.base) if isinstance(ref, str) else ref
                  for name, ref in self.slice_refs.items()}
        common = dict(capability=t.capability, name=t.name, max_fail_rate=t.max_fail_rate, slices=slices or None)
        if t.type == "MFT":
            return behave.mft(model, inputs, expect=self.expect, labels=t.labels, **common)
        method = behave.inv if t.type == "INV" else behave.dir
        return method(model, inputs, perturb=self.perturb, expect=self.expect, samples=t.samples, **common)


def build_suite(path: Path | str) -> tuple[Suite, list[BuiltTest]]:
    suite = load_suite(path)
    return suite, [BuiltTest(suite, t) for t in suite.tests]


# -- pytest collection -------------------------------------------------------

import pytest  # noqa: E402  (pytest is always present; kept below the suite logic it serves)

_MODELS = pytest.StashKey[dict]()


def _suite_model(request: pytest.FixtureRequest, built: BuiltTest) -> Model:
    config = request.config
    cache = config.stash.setdefault(_MODELS, {})
    reference = config.getoption("behave_model", None)
    base = built.base
    if reference is None:
        reference = built.suite.model
        if reference is None:
            raise built.test.error(
                "name", "no model to test",
                "pass --behave-model module:attribute, or set 'model:' in the suite ('module:attribute' or {fixture: name})",
            )
        if isinstance(reference, dict):
            model = request.getfixturevalue(reference["fixture"])
            if not isinstance(model, Model):
                raise SuiteError(built.suite.path, built.suite.model_line,
                                 f"fixture {reference['fixture']!r} returned {type(model).__name__}, not a bt.Model")
            return model
    else:
        base = Path(str(config.rootpath))
    if reference not in cache:
        try:
            cache[reference] = resolve_model(reference, base=base)
        except DeclarationError as exc:  # said once per test in one line, not one traceback per test
            where = "--behave-model" if base != built.base else f"{built.suite.path}:{built.suite.model_line}: model"
            cache[reference] = DeclarationError(f"{where} {reference!r}: {exc}")
    model = cache[reference]
    if isinstance(model, Exception):
        raise model
    return model


def start_model(config: pytest.Config) -> None:
    """Resolve ``--behave-model`` once, at start-up: a bad one is one usage error, not one error per test."""
    reference = config.getoption("behave_model", None)
    if reference is None:
        return
    try:
        model = resolve_model(reference, base=Path(str(config.rootpath)))
    except BehaveError as exc:
        raise pytest.UsageError(f"--behave-model {reference}: {exc}") from None
    config.stash.setdefault(_MODELS, {})[reference] = model


class SuiteItem(pytest.Function):
    """A suite test as a pytest item, reported at its line in the suite file."""

    def reportinfo(self):
        built: BuiltTest = self.obj.built
        return self.path, built.test.line - 1, terminal_text(f"{built.suite.name}::{built.test.name}", one_line=True)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, (BehaveError, BehaviorFailed)) and not self.config.getoption("fulltrace", False):
            built: BuiltTest = self.obj.built
            return f"{built.suite.path}:{built.test.line}: {excinfo.value}"  # the user's line is the suite's
        return super().repr_failure(excinfo)


class SuiteFile(pytest.File):
    """A suite file; each of its tests becomes a :class:`SuiteItem`."""

    def collect(self):
        _, built_tests = build_suite(self.path)
        for built in built_tests:
            item = SuiteItem.from_parent(self, name=terminal_text(built.test.name, one_line=True),
                                       callobj=_test_function(built))
            item.add_marker(pytest.mark.behave)
            for mark in built.test.marks:
                item.add_marker(getattr(pytest.mark, mark))
            yield item

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, BehaveError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


def _test_function(built: BuiltTest) -> Callable[..., None]:
    def behavioral_suite_test(behave: Any, request: pytest.FixtureRequest) -> None:
        __tracebackhide__ = True
        try:
            built.run(behave, _suite_model(request, built))
        except NotApplicableToModel as exc:  # a skip the behavioral summary lists (see plugin.py)
            request.node.user_properties.append((NotApplicableToModel.PROPERTY, str(exc)))
            pytest.skip(str(exc))

    behavioral_suite_test.built = built  # type: ignore[attr-defined]
    return behavioral_suite_test
