"""Loading and validating declarative suite files (YAML), with errors that give file, line and fix.

The format is documented in docs/suites.md (messages name README sections: a wheel has no docs/).
The YAML is read as bounded, plain data
(see :mod:`.yaml_bounded`) and every value is checked before any test runs, so a bad
file fails collection with one clear error, never a traceback from deep inside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .builtin import builtin_suites, python_suites
from .yaml_bounded import Node, SuiteError, read_yaml

TYPES = ("MFT", "INV", "DIR")
TEST_KEYS = {
    "name", "capability", "type", "inputs", "template", "labels", "expect", "perturb",
    "samples", "max_fail_rate", "slices", "marks",
}
SUITE_KEYS = {"version", "suite", "model", "slices", "tests", "description", "extends", "params"}
TEMPLATE_KEYS = {"text", "label", "answer", "n", "seed"}


_NAME = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
REFERENCE = re.compile(f"{_NAME}:{_NAME}")


def is_reference(value: Any) -> bool:
    """``value`` has the shape of a ``module:attribute`` reference (nothing is imported)."""
    return isinstance(value, str) and REFERENCE.fullmatch(value) is not None


def _compose(path: Path, text: str) -> Node:
    root = read_yaml(path, text)
    if root is None:
        raise SuiteError(path, 1, "the file is empty", "add a top-level 'tests:' list (see 'Suite files' in behavetest's README)")
    return root


@dataclass
class SuiteTest:
    """One validated test of a suite file."""

    path: str
    line: int
    name: str
    capability: str
    type: str
    inputs: list | Callable[[], list] | None = None  # a callable (Python-built suites) is called at run time
    template: list[dict[str, Any]] | None = None
    labels: list | None = None
    expect: Any = None
    perturb: Any = None
    samples: int = 1
    max_fail_rate: float | None = None
    slices: dict[str, Any] = field(default_factory=dict)  # name: 'module:predicate', or a predicate (Python-built)
    marks: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)

    def error(self, key: str, message: str, fix: str = "") -> SuiteError:
        return SuiteError(self.path, self.lines.get(key, self.line), f"test {self.name!r}: {message}", fix)


@dataclass
class Suite:
    """A validated suite file."""

    path: str
    name: str
    tests: list[SuiteTest]
    model: Any = None
    model_line: int | None = None
    slices: dict[str, Any] = field(default_factory=dict)


def load_suite(path: Path | str) -> Suite:
    """Read and validate a suite file; raises :class:`SuiteError` naming file, line and fix."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SuiteError(path, None, f"cannot read the file: {exc}") from None
    return parse_suite(path, text)


def parse_suite(path: Path | str, text: str) -> Suite:
    path = Path(path)
    root = _compose(path, text)
    if not isinstance(root.value, dict):
        raise SuiteError(path, root.line, "the top level must be a mapping with a 'tests:' list", "start the file with 'tests:'")
    top = root.value
    _unknown(path, top, SUITE_KEYS, "the suite")
    version = top.get("version")
    if version is not None and version.value != 1:
        raise SuiteError(path, version.line, f"unsupported version {version.value!r}", "use 'version: 1'")
    inherited = _extends(path, top)
    tests_node = top.get("tests")
    if tests_node is None and not inherited:
        raise SuiteError(path, root.line, "no 'tests:' list", "add 'tests:' with at least one test")
    if tests_node is not None and (not isinstance(tests_node.value, list) or not tests_node.value):
        raise SuiteError(path, tests_node.line, "'tests' must be a non-empty list of tests", "write each test as '- name: ...'")
    tests, names = [], set()
    for node in inherited + (tests_node.value if tests_node is not None else []):
        test = node if isinstance(node, SuiteTest) else _test(path, node)
        if test.name in names:
            raise SuiteError(path, test.lines["name"], f"duplicate test name {test.name!r}", "give every test a unique name")
        names.add(test.name)
        tests.append(test)
    name = _string(path, top["suite"], "suite") if "suite" in top else path.name.split(".")[0]
    model = top.get("model")
    model_value = None
    if model is not None:
        model_value = model.plain()
        ok = is_reference(model_value) or (
            isinstance(model_value, dict) and set(model_value) == {"fixture"} and isinstance(model_value["fixture"], str)
        )
        if not ok:
            raise SuiteError(path, model.line, f"model must be 'module:attribute' or {{fixture: name}}, not {model_value!r}",
                             "e.g. 'model: mypkg.models:sentiment' or 'model: {fixture: sentiment}'")
    slices = _slices(path, top.get("slices"), "the suite")
    return Suite(str(path), name, tests, model_value, model.line if model else None, slices)


def _extends(path: Path, top: dict[str, Node]) -> list[SuiteTest]:
    """The tests of the built-in suite named by ``extends:``, built with ``params:`` where it takes them.

    A built-in suite is a YAML file in ``behavetest.capabilities`` (its tests are
    included as they are) or a Python module there with ``build(params, *, path, line, lines)``
    returning :class:`SuiteTest` objects (such as ``tabular``, whose tests come from
    the columns' roles given in ``params``). ``line`` is the line of ``extends:``;
    ``lines`` maps key paths in ``params`` to their lines (``("rules", 0, "where")``,
    ``()`` for ``params:`` itself) so that errors can name the line of the bad value.
    """
    node = top.get("extends")
    params = top.get("params")
    if node is None:
        if params is not None:
            raise SuiteError(path, params.line, "'params' is only for suites that use 'extends:'", "add 'extends: <suite>'")
        return []
    name = _string(path, node, "extends")
    import importlib


    yaml_suites = builtin_suites()
    if name in yaml_suites:
        if params is not None:
            raise SuiteError(path, params.line, f"the built-in suite {name!r} takes no params")
        return load_suite(yaml_suites[name]).tests
    try:
        module = importlib.import_module(f"behavetest.capabilities.{name}")
    except ImportError:
        module = None
    if module is None or not callable(getattr(module, "build", None)):
        raise SuiteError(path, node.line, f"no built-in suite {name!r}",
                         f"use one of {sorted([*yaml_suites, *python_suites()])}")
    return module.build(params.plain() if params is not None else {}, path=str(path), line=node.line,
                        lines=_lines(params) if params is not None else {})


def _lines(node: Node, at: tuple = ()) -> dict[tuple, int]:
    """The line of every value under ``node`` by its key path: ``{("rules", 0, "where"): 14, ...}``."""
    out = {at: node.line}
    if isinstance(node.value, dict):
        for key, child in node.value.items():
            out.update(_lines(child, (*at, key)))
    elif isinstance(node.value, list):
        for i, child in enumerate(node.value):
            out.update(_lines(child, (*at, i)))
    return out


def _unknown(path: Path, mapping: dict[str, Node], allowed: set[str], what: str) -> None:
    for key, node in mapping.items():
        if key not in allowed:
            raise SuiteError(path, node.line, f"unknown key {key!r} in {what}", f"use one of: {', '.join(sorted(allowed))}")


def _string(path: Path, node: Node, key: str) -> str:
    if not isinstance(node.value, str) or not node.value.strip():
        raise SuiteError(path, node.line, f"{key!r} must be a non-empty string, not {node.value!r}")
    return node.value


def _slices(path: Path, node: Node | None, what: str) -> dict[str, Any]:
    if node is None:
        return {}
    if not isinstance(node.value, dict):
        raise SuiteError(path, node.line, f"slices of {what} must map names to 'module:function' predicates")
    out: dict[str, Any] = {}
    for name, ref in node.value.items():
        if isinstance(ref.value, dict):
            out[name] = _field_slice(path, name, ref)
            continue
        if not is_reference(ref.value):
            raise SuiteError(path, ref.line, f"slice {name!r} must be a 'module:function' reference or a "
                             f"'where:' list of conditions, not {ref.value!r}",
                             "write e.g. 'short: mypkg.slices:is_short' or "
                             "'young: {where: [{field: age, op: \"<\", value: 25}]}'")
        out[name] = ref.value
    return out


def _field_slice(path: Path, name: str, ref: Node) -> Any:
    """A slice by conditions on case attributes, as ``behavetest slices save`` writes it."""
    from .._errors import DeclarationError
    from .._measure.predicates import FieldSlice

    spec = ref.plain()
    if set(spec) != {"where"}:
        raise SuiteError(path, ref.line, f"slice {name!r} given as a mapping needs exactly one key, 'where', "
                         f"not {sorted(spec)}", "e.g. 'young: {where: [{field: age, op: \"<\", value: 25}]}'")
    try:
        return FieldSlice.from_spec(spec["where"], f"slice {name!r}")
    except DeclarationError as exc:
        raise SuiteError(path, ref.line, str(exc)) from None


def _test(path: Path, node: Node) -> SuiteTest:
    if not isinstance(node.value, dict):
        raise SuiteError(path, node.line, f"each test must be a mapping, not {type(node.value).__name__}",
                         "write '- name: ...' followed by its keys, indented")
    t = node.value
    _unknown(path, t, TEST_KEYS, "a test")
    for key in ("name", "capability", "type"):
        if key not in t:
            raise SuiteError(path, node.line, f"a test has no {key!r}", f"add '{key}: ...' to it")
    name = _string(path, t["name"], "name")
    test = SuiteTest(str(path), node.line, name, _string(path, t["capability"], "capability"), "", lines={k: n.line for k, n in t.items()})
    kind = t["type"].value
    if not isinstance(kind, str) or kind.upper() not in TYPES:
        raise test.error("type", f"type must be one of MFT, INV, DIR, not {kind!r}")
    test.type = kind.upper()
    if ("inputs" in t) == ("template" in t):
        raise test.error("name", "needs exactly one of 'inputs' (a list) and 'template'", "add 'inputs: [...]' or 'template: {text: ...}'")
    if "inputs" in t:
        inputs = t["inputs"].plain()
        if not isinstance(inputs, list) or not inputs:
            raise test.error("inputs", "'inputs' must be a non-empty list")
        test.inputs = inputs
    else:
        test.template = _templates(test, t["template"])
    if "labels" in t:
        if test.type != "MFT":
            raise test.error("labels", "'labels' is for MFT tests only", "use 'expect:' for INV and DIR")
        labels = t["labels"].plain()
        if not isinstance(labels, list) or test.inputs is None or len(labels) != len(test.inputs):
            raise test.error("labels", "'labels' must be a list with one label per input")
        if not all(_is_scalar(label) for label in labels):
            raise test.error("labels", "every label must be a plain value (a string, number or true/false)")
        test.labels = labels
    if test.type in ("INV", "DIR"):
        if "perturb" not in t:
            raise test.error("name", f"{test.type} tests need 'perturb:'", "e.g. 'perturb: {typos: 1}'")
        test.perturb = t["perturb"].plain()
        if not isinstance(test.perturb, (str, dict)) or not test.perturb:
            raise test.error("perturb", f"perturb must be a perturbation's name or a one-key mapping, not {test.perturb!r}",
                             "e.g. 'perturb: {typos: 1}'")
        if test.type == "DIR" and "expect" not in t:
            raise test.error("name", "DIR tests need 'expect:'", "e.g. 'expect: {increase: positive}'")
    elif "perturb" in t:
        raise test.error("perturb", "MFT tests take no perturbation", "use type INV or DIR, or remove 'perturb'")
    if test.type == "MFT" and "expect" not in t and test.labels is None and not _template_labels(test):
        raise test.error("name", "MFT tests need 'expect:', 'labels:' or a template 'label:'", "e.g. 'expect: {label: negative}'")
    if "expect" in t:
        test.expect = t["expect"].plain()
    if "samples" in t:
        samples = t["samples"].value
        if not isinstance(samples, int) or isinstance(samples, bool) or samples < 1:
            raise test.error("samples", f"samples must be a positive integer, not {samples!r}")
        test.samples = samples
    if "max_fail_rate" in t:
        rate = t["max_fail_rate"].value
        if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not 0 <= rate <= 1:
            raise test.error("max_fail_rate", f"max_fail_rate must be a number from 0 to 1, not {rate!r}", "e.g. 'max_fail_rate: 0.1'")
        test.max_fail_rate = float(rate)
    test.slices = _slices(path, t.get("slices"), f"test {name!r}")
    if "marks" in t:
        marks = t["marks"].plain()
        if not isinstance(marks, list) or not all(isinstance(m, str) and m.isidentifier() and not m.startswith("_")
                                                  for m in marks):
            raise test.error("marks", f"marks must be a list of marker names, not {marks!r}", "e.g. 'marks: [slow]'")
        test.marks = marks
    return test


def _templates(test: SuiteTest, node: Node) -> list[dict[str, Any]]:
    items = node.value if isinstance(node.value, list) else [node]
    out = []
    for item in items:
        spec = item.plain()
        if not isinstance(spec, dict) or not _template_text(spec.get("text")):
            raise SuiteError(test.path, item.line, f"test {test.name!r}: a template needs 'text:' (a string, a list "
                             "of strings for a pair, or a mapping of strings such as {context: ..., question: ...})",
                             "e.g. template: {text: '{first_name} is {a:adj} actor.', adj: [good, great]}")
        if "answer" in spec and not isinstance(spec["answer"], str):
            raise SuiteError(test.path, item.line, f"test {test.name!r}: a template's answer must be a string, "
                             f"not {spec['answer']!r}", "e.g. answer: '{first_name}'")
        for key, value in spec.items():
            if key in TEMPLATE_KEYS:
                continue
            if not isinstance(value, list) or not value:
                raise SuiteError(test.path, item.line, f"test {test.name!r}: template values for {key!r} must be a non-empty list")
        if "label" in spec and not _is_scalar(spec["label"]):
            raise SuiteError(test.path, item.line, f"test {test.name!r}: a template's label must be a plain value, "
                             f"not {spec['label']!r}", "e.g. 'label: negative'")
        n = spec.get("n")
        if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 1):
            raise SuiteError(test.path, item.line, f"test {test.name!r}: template n must be a positive integer, not {n!r}")
        out.append(spec)
    return out


def _template_text(text: Any) -> bool:
    if isinstance(text, str):
        return True
    parts = list(text.values()) if isinstance(text, dict) else text if isinstance(text, list) else None
    return bool(parts) and all(isinstance(p, str) for p in parts)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _template_labels(test: SuiteTest) -> bool:
    return bool(test.template) and all("label" in spec or "answer" in spec for spec in test.template)
