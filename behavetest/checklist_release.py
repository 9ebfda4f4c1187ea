"""Reading CheckList's released suites (dill pickles written under Python 3.7) without running their pickled code.

CheckList's ``release_suites/`` files are ``TestSuite`` objects pickled by dill with
``recurse=True``: every test's expectation is a closure built by CheckList's
``Expect`` helpers, stored as Python 3.7 code objects, which Python 3.8 and later
cannot even build (``TypeError: code expected at least 16 arguments, got 15``).

:func:`read_checklist_suite` unpickles such a file with a restricted unpickler:
only plain data is built for real (containers, numpy arrays, CheckList's test and
suite objects as attribute holders); code objects, functions, cells, modules and
any other global become inert stand-ins that record their arguments, and nothing
in the file is ever called. Each test's expectation is then recognised from its
stand-ins: which ``Expect`` helper made it (``testcase`` around ``single`` or
``pairwise``, and ``eq``, ``inv`` or ``monotonic`` inside) and the parameters held in
its closure, or the ``diff_up`` / ``diff_down`` functions of CheckList's sentiment
suite with the tolerance in their constants. :func:`load_checklist_suite` rebuilds
real CheckList tests whose expectations come from CheckList's own ``Expect``
helpers with those parameters, ready for :func:`behavetest.from_checklist`. A test
whose expectation is anything else is refused, by name, with what it is.
"""

from __future__ import annotations

import io
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._errors import DeclarationError

__all__ = ["read_checklist_suite", "load_checklist_suite", "ChecklistRecipe"]

_DATA = {
    ("collections", "OrderedDict"), ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "complex"),
    ("builtins", "bytearray"), ("builtins", "slice"), ("builtins", "range"),
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "scalar"),
}
_CLASSES = {("checklist.test_types", "MFT"): "MFT", ("checklist.test_types", "INV"): "INV",
            ("checklist.test_types", "DIR"): "DIR", ("checklist.test_suite", "TestSuite"): "TestSuite"}


class Inert:
    """A stand-in for anything the file names that is not plain data: it records, never runs."""

    module = name = ""
    args: tuple = ()
    state: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = args

    @property
    def items(self) -> dict:
        return self.__dict__.setdefault("_items", {})

    def __setstate__(self, state: Any) -> None:
        self.state = state

    def __setitem__(self, key: Any, value: Any) -> None:
        self.items[key] = value

    def append(self, value: Any) -> None:
        self.items[len(self.items)] = value

    def __repr__(self) -> str:
        return f"<{self.module}.{self.name} (not run)>"


class Record(Inert):
    """A CheckList test or suite, or a Munch: its pickled attributes, in ``attributes``."""

    @property
    def attributes(self) -> dict[str, Any]:
        state = self.state
        if isinstance(state, tuple) and len(state) == 2:  # (dict state, slot state)
            state = {**(state[0] or {}), **(state[1] or {})}
        return dict(state or {}) | {str(k): v for k, v in self.items.items()}


@dataclass
class Code:
    """A pickled code object, kept as data: its name, file, constants, names and variables."""

    name: str
    filename: str
    consts: tuple
    names: tuple
    varnames: tuple
    freevars: tuple
    fields: int = 0  # how many fields the file gave: 15 for Python 3.7

    @classmethod
    def from_args(cls, *args: Any) -> "Code":
        # 3.7: 15 arguments; 3.8-3.10 insert posonlyargcount after argcount; 3.11+ add qualname and the exception table.
        given = len(args)
        if len(args) == 15:
            args = (args[0], 0, *args[1:])
        if len(args) < 16:
            raise DeclarationError(f"a pickled code object has {len(args)} fields; expected those of Python 3.7 or later")
        consts, names, varnames, filename, name = args[7], args[8], args[9], args[10], args[11]
        freevars = args[14] if len(args) == 16 else args[-2]
        return cls(str(name), str(filename), tuple(consts), tuple(names), tuple(varnames), tuple(freevars), given)


@dataclass
class Function:
    """A pickled function: its code and the values in its closure (by free variable), never callable."""

    code: Any
    name: str
    closure: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        code = self.code
        where = f" (from {code.filename})" if isinstance(code, Code) and code.filename else ""
        return f"function {self.name!r}{where}"


class Cell:
    def __init__(self, value: Any = None) -> None:
        self.cell_contents = value


def _create_function(code: Any, globals_: Any = None, name: Any = None, defaults: Any = None, closure: Any = None,
                     *rest: Any) -> Function:
    free = code.freevars if isinstance(code, Code) else ()
    cells = list(closure or ())
    values = {var: (c.cell_contents if isinstance(c, Cell) else c) for var, c in zip(free, cells)}
    return Function(code, str(name or getattr(code, "name", "?")), values)


def _setattr(obj: Any, name: str, value: Any) -> None:
    if isinstance(obj, (Cell, Function, Inert)):
        object.__setattr__(obj, name, value)


_DILL = {"_create_code": Code.from_args, "_create_function": _create_function, "_create_cell": Cell,
         "_setattr": _setattr}


def _inert(module: str, name: str) -> type:
    return type(name, (Record if (module, name) in _CLASSES or name == "Munch" else Inert,), {"module": module, "name": name})


class _Unpickler(pickle.Unpickler):
    """Builds plain data for real and everything else as stand-ins; ``find_class`` never imports user code."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _DATA:
            return super().find_class(module, name)
        if module == "copyreg" and name == "_reconstructor":
            return _reconstructor
        if module in ("dill._dill", "dill.dill") and name in _DILL:
            return _DILL[name]
        return _inert(module, name)

    def persistent_load(self, pid: Any) -> Any:
        raise pickle.UnpicklingError(f"persistent id {pid!r}: not a CheckList suite file")


def _reconstructor(cls: Any, base: Any, state: Any) -> Any:
    if isinstance(cls, type) and issubclass(cls, Inert):
        return cls()
    raise pickle.UnpicklingError(f"copyreg._reconstructor of {cls!r}: not a CheckList suite file")


# -- recognising expectations ------------------------------------------------------


@dataclass(frozen=True)
class ChecklistRecipe:
    """How to rebuild one expectation with CheckList's ``Expect``: ``helper`` and its ``params``."""

    helper: str  # "eq", "inv", "monotonic", "diff_up", "diff_down"
    params: dict


def _is(fn: Any, name: str, free: tuple) -> bool:
    return isinstance(fn, Function) and isinstance(fn.code, Code) and fn.code.name == name \
        and tuple(sorted(fn.code.freevars)) == tuple(sorted(free))


def recognise(expect: Any) -> ChecklistRecipe:
    """The recipe of a pickled ``test.expect``; DeclarationError saying what it is when it is none of the known."""
    if not _is(expect, "expect", ("fn",)) or "iter_with_optional" not in expect.code.names:
        raise DeclarationError(f"its expectation is {_what(expect)}, not one made by Expect.testcase")
    wrapper = expect.closure["fn"]
    if not _is(wrapper, "expect_fn", ("fn",)):
        raise DeclarationError(f"its expectation wraps {_what(wrapper)}, not Expect.single or Expect.pairwise")
    pairwise = "orig_pred" in wrapper.code.varnames
    inner = wrapper.closure["fn"]
    if not pairwise and _is(inner, "ret_fn", ("val",)):
        return ChecklistRecipe("eq", {"val": _plain(inner.closure["val"])})
    if pairwise and _is(inner, "expect", ("tolerance",)) and inner.code.varnames[:1] == ("orig_pred",):
        return ChecklistRecipe("inv", {"tolerance": _plain(inner.closure["tolerance"])})
    if pairwise and _is(inner, "expect", ("increasing", "keep_label", "tolerance")):
        c = inner.closure
        return ChecklistRecipe("monotonic", {"label": _plain(c["keep_label"]), "increasing": bool(c["increasing"]),
                                             "tolerance": _plain(c["tolerance"])})
    if pairwise and isinstance(inner, Function) and isinstance(inner.code, Code) and inner.code.name in ("diff_up", "diff_down") \
            and not inner.code.freevars and "positive_change" in inner.code.names:
        numbers = [c for c in inner.code.consts if isinstance(c, float)]
        if len(numbers) == 1:
            return ChecklistRecipe(inner.code.name, {"tolerance": numbers[0]})
    helper = "Expect.pairwise" if pairwise else "Expect.single"
    raise DeclarationError(f"its expectation is {helper} of {_what(inner)}, which is not Expect.eq, Expect.inv, "
                           "Expect.monotonic or the sentiment suite's diff_up/diff_down")


def _what(value: Any) -> str:
    return value.describe() if isinstance(value, Function) else repr(value)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "shape", None) == ():
        return item()
    raise DeclarationError(f"a parameter of its expectation is {value!r}, not a plain value")


# -- reading and loading -----------------------------------------------------------


@dataclass
class ReadTest:
    """One test of a released suite: its pickled attributes and its expectation's recipe (or why there is none)."""

    name: str
    type: str
    attributes: dict
    recipe: ChecklistRecipe | None
    refused: str | None


def read_checklist_suite(path: str | Path) -> list[ReadTest]:
    """The tests of a released CheckList suite file, read without running any pickled code."""
    data = Path(path).read_bytes()
    try:
        suite = _Unpickler(io.BytesIO(data)).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise DeclarationError(f"{path}: not a CheckList suite file that can be read safely: {exc}") from None
    if not isinstance(suite, Record) or suite.name != "TestSuite":
        raise DeclarationError(f"{path}: holds {suite!r}, not a CheckList TestSuite")
    tests = suite.attributes.get("tests")
    if not isinstance(tests, dict):
        raise DeclarationError(f"{path}: the TestSuite has no tests mapping")
    out = []
    for name, test in tests.items():
        if not isinstance(test, Record) or test.name not in ("MFT", "INV", "DIR"):
            out.append(ReadTest(str(name), "?", {}, None, f"it is {test!r}, not a CheckList MFT, INV or DIR"))
            continue
        attributes = test.attributes
        try:
            recipe, refused = recognise(attributes.get("expect")), None
            if not isinstance(attributes.get("agg_fn", "all"), str):
                raise DeclarationError(f"its aggregation is {_what(attributes['agg_fn'])}, not 'all' or 'all_except_first'")
        except DeclarationError as exc:
            recipe, refused = None, str(exc)
        out.append(ReadTest(str(name), test.name, attributes, recipe, refused))
    return out


def load_checklist_suite(path: str | Path, *, skip_unrebuildable: bool = False) -> Any:
    """A real CheckList ``TestSuite`` from a released suite file, each expectation rebuilt with CheckList's ``Expect``.

    Needs CheckList installed. Tests whose expectation cannot be rebuilt are an
    error listing each with its reason; with ``skip_unrebuildable=True`` they are
    left out and listed in the suite's ``behavetest_refused`` (name -> reason).
    """
    try:
        from checklist.expect import Expect
        from checklist.test_suite import TestSuite
        from checklist import test_types
    except ImportError:
        raise DeclarationError("loading a CheckList suite needs CheckList itself: see the README's recipe "
                               "(.ci/checklist-env) for installing checklist 0.0.11") from None
    read = read_checklist_suite(path)
    refused = {t.name: t.refused for t in read if t.refused is not None}
    if refused and not skip_unrebuildable:
        lines = "\n".join(f"  {name}: {why}" for name, why in refused.items())
        raise DeclarationError(f"{path}: {len(refused)} of {len(read)} tests cannot be rebuilt without running their "
                               f"pickled code:\n{lines}\npass skip_unrebuildable=True to load the others")
    suite = TestSuite()
    for t in read:
        if t.recipe is None:
            continue
        test = object.__new__(getattr(test_types, t.type))
        test.__dict__.update({k: _data(v) for k, v in t.attributes.items() if k != "expect"})
        test.expect = _rebuild(Expect, t.recipe)
        suite.tests[t.name] = test
        suite.info[t.name] = {k: getattr(test, k, None) for k in ("capability", "type", "description")}
        suite.info[t.name]["type"] = t.type.lower()
    suite.behavetest_refused = refused
    return suite


def _data(value: Any) -> Any:
    """Munch meta records back as dicts (CheckList reads them by key); anything inert stays inert."""
    if isinstance(value, Record) and value.name == "Munch":
        return {k: _data(v) for k, v in value.attributes.items()}
    if isinstance(value, list):
        return [_data(v) for v in value]
    return value


def _rebuild(Expect: Any, recipe: ChecklistRecipe) -> Any:
    p = recipe.params
    if recipe.helper == "eq":
        return Expect.eq(p["val"])
    if recipe.helper == "inv":
        return Expect.inv(p["tolerance"])
    if recipe.helper == "monotonic":
        return Expect.monotonic(label=p["label"], increasing=p["increasing"], tolerance=p["tolerance"])
    return Expect.pairwise(_sentiment_diff(p["tolerance"], up=recipe.helper == "diff_up"))


def _sentiment_diff(tolerance: float, *, up: bool):
    """The sentiment suite's diff_up / diff_down over (negative, neutral, positive) probabilities."""

    def diff(orig_pred, pred, orig_conf, conf, labels=None, meta=None):
        if getattr(orig_conf, "shape", (0,))[0] != 3:
            raise DeclarationError("diff_up/diff_down need probabilities of three labels (negative, neutral, positive)")
        change = orig_conf[0] - conf[0] + conf[2] - orig_conf[2]
        if up:
            return True if change + tolerance >= 0 else change + tolerance
        return True if change - tolerance <= 0 else -(change - tolerance)

    diff.__name__ = "diff_up" if up else "diff_down"
    return diff
