"""Suites: turning validated suite files into behavioral tests, for pytest and for ``bt.run``."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any, Callable

from .. import expect as _expect
from .. import perturb as _perturb
from .._errors import BehaveError, DeclarationError, NotApplicableToModel
from .._model.model import Model
from ..perturb._perturbation import Perturbation, as_perturbation
from .loader import Suite, SuiteError, SuiteTest, load_suite

EXPECTATIONS = {n for n in _expect.__all__ if n != "Expectation"}
PERTURBATIONS = {n for n in _perturb.__all__ if n != "Perturbation"}


def resolve(reference: str, *, base: Path | None = None) -> Any:
    """Import ``module:attribute`` (the suite's folder is importable too)."""
    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise DeclarationError(f"{reference!r} is not a 'module:attribute' reference")
    if base is not None and str(base) not in sys.path:
        sys.path.insert(0, str(base))
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise DeclarationError(f"cannot import {module_name!r} for {reference!r}: {exc}") from exc
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
    except (BehaveError, TypeError, ValueError) as exc:
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
    except (BehaveError, TypeError, ValueError) as exc:
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


class BuiltTest:
    """A suite test with its expectation, perturbation and slices built, ready to run."""

    def __init__(self, suite: Suite, test: SuiteTest) -> None:
        base = Path(suite.path).parent
        self.suite, self.test, self.base = suite, test, base
        self.expect = build_expectation(test, test.expect, base)
        self.perturb = build_perturbation(test, test.perturb, base)
        self.slice_refs = {**suite.slices, **test.slices}

    def inputs(self) -> Any:
        if callable(self.test.inputs):  # rows a Python-built suite resolves when the test runs
            return self.test.inputs()
        if self.test.inputs is not None:
            return self.test.inputs
        from .._cases.template import template

        built = None
        for spec in self.test.template or []:
            spec = dict(spec)
            try:
                one = template(spec.pop("text"), **spec)
            except BehaveError as exc:
                raise self.test.error("template", str(exc)) from None
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
        cache[reference] = resolve_model(reference, base=base)
    return cache[reference]


class SuiteItem(pytest.Function):
    """A suite test as a pytest item, reported at its line in the suite file."""

    def reportinfo(self):
        built: BuiltTest = self.obj.built
        return self.path, built.test.line - 1, f"{built.suite.name}::{built.test.name}"


class SuiteFile(pytest.File):
    """A suite file; each of its tests becomes a :class:`SuiteItem`."""

    def collect(self):
        _, built_tests = build_suite(self.path)
        for built in built_tests:
            item = SuiteItem.from_parent(self, name=built.test.name, callobj=_test_function(built))
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
