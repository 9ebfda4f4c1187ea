"""The built-in ``tabular`` suite: behavioral tests built from the roles of a model's columns.

A suite file extends it and says which column plays which role::

    # credit.behave.yaml
    extends: tabular
    model: credit_model:model
    params:
      rows: credit_model:test_rows          # module:function (or attribute) giving dict rows or a DataFrame
      label: good                           # the label whose probability monotonicity is about
      monotone_increasing: {checking_balance: 100}      # column: step (or [low, high] steps)
      monotone_decreasing: {duration: 6, credit_amount: 1000}
      irrelevant: {job: [0, 1, 2, 3]}       # column: values the prediction must not depend on
      protected: {sex: [male, female]}      # column: values swapped counterfactually
      noise: {age: 1, credit_amount: 50}    # column: standard deviation of small noise
      bounds: {age: [18, 100], duration: [1, 72]}   # clip shifts and noise ([low, null] is open)
      rules:
        - name: tiny_short_loans_are_good
          where: {credit_amount: [0, 1000], duration: [0, 12]}
          expect: {label: good}
      tolerance: {Monotonicity: 0.01}       # optional, see below
      max_fail_rate: {Monotonicity: 0.05, Fairness: 0.02}   # or one number for every test
      samples: 3
      slices: {young: {age: [0, 25]}, female: {sex: female}}

Params (only ``rows`` and at least one role are required):

==========================  ===================================================================
``rows``                    ``module:attribute``: a list of dict rows, a DataFrame, or a function
                            returning one; resolved when the tests run (the suite file's folder is
                            importable), once per suite
``label``                   the favourable label; needed by monotone features and by an
                            Invariance tolerance
``monotone_increasing``     ``column: step``; DIR test ``increasing_<column>``: adding ``step`` (a
                            number, or ``[low, high]`` to draw steps from) must not lower
                            P(label) by more than the Monotonicity tolerance
``monotone_decreasing``     the same, ``decreasing_<column>``: adding ``step`` must not raise P(label)
``irrelevant``              ``column: [values]``; INV test ``irrelevant_<column>``: setting the column
                            to each other value keeps the label (or, with an Invariance tolerance,
                            keeps P(label) within it)
``protected``               ``column: [values]`` (two or more); INV test ``protected_<column>``
                            (capability Fairness): swapping to each other value keeps the label
``noise``                   ``column: sd``; INV test ``noise_<column>`` (capability Stability):
                            Gaussian-like noise of that standard deviation keeps the label
``bounds``                  ``column: [low, high]`` (either may be null) for monotone and noise
                            columns: perturbed values are clipped to them, rows outside them are
                            not applicable
``rules``                   MFT tests ``rule_<name>`` (capability Rules): ``{name, where, expect,
                            max_fail_rate}``; the rows matching ``where`` must satisfy ``expect``
                            (any expectation of the suite format, e.g. ``{label: good}``)
``tolerance``               ``{Monotonicity: 0.01, Invariance: null}`` (the defaults)
``max_fail_rate``           a number for every test, or ``{capability: number}``; without one a
                            test is tracked
``samples``                 perturbations per row for noise and for ``[low, high]`` steps (default
                            3); value swaps always try every other value
``slices``                  ``name: {column: predicate, ...}``, every predicate must hold
==========================  ===================================================================

A column predicate (in ``where`` and ``slices``) is ``[low, high]``, two numbers:
an inclusive range (either end may be null); a list of values (``[female]``,
``[own, rent, free]``); one value (``female``); or ``{in: [0, 3]}`` for a list of
two numbers. Missing values (None, NaN) match no predicate.

Every check of the params happens when the suite file is loaded, with the line of
the bad value; the columns are checked against the rows when they are loaded.
"""

from __future__ import annotations

import math
import numbers
from pathlib import Path
from typing import Any, Callable, Mapping

from behavetest._errors import BehaveError
from behavetest._model.keys import _canonical
from behavetest._suites.loader import SuiteError, SuiteTest
from behavetest.capabilities._params import ParamsBuilder

CAPABILITIES = ("Monotonicity", "Invariance", "Fairness", "Stability", "Rules")
ROLES = ("monotone_increasing", "monotone_decreasing", "irrelevant", "protected", "noise")
KEYS = ("rows", "label", *ROLES, "bounds", "rules", "tolerance", "max_fail_rate", "samples", "slices")
RULE_KEYS = ("name", "where", "expect", "max_fail_rate")
DEFAULT_TOLERANCE = {"Monotonicity": 0.01, "Invariance": None}
DEFAULT_SAMPLES = 3

Predicate = Callable[[Any], bool]


def build(params: Any, *, path: str, line: int, lines: dict[tuple, int] | None = None) -> list[SuiteTest]:
    """The tests declared by ``params`` (see the module's docstring); raises SuiteError naming the line."""
    return _Builder(params, path, line, lines or {}).tests()


class _Builder(ParamsBuilder):
    suite = "tabular"
    needs = "mapping columns to roles"
    example = "{rows: mymodule:rows, label: good, protected: {sex: [male, female]}}"

    def __init__(self, params: Any, path: str, line: int, lines: dict[tuple, int]) -> None:
        super().__init__(params, path, line, lines)
        # Columns the rows must have, each with the line that declares it.
        self.columns: dict[str, int] = {}

    # -- building ----------------------------------------------------------------

    def tests(self) -> list[SuiteTest]:
        p = self.params
        for key in p:
            if key not in KEYS:
                raise self.error((key,), f"unknown key {key!r}", f"use one of: {', '.join(KEYS)}")
        if "rows" not in p:
            raise self.error((), "no 'rows'", "add 'rows: mymodule:test_rows' (a function or list of dict rows, or a DataFrame)")
        rows = p["rows"]
        if not isinstance(rows, str) or ":" not in rows or rows.startswith(":") or rows.endswith(":"):
            raise self.error(("rows",), f"rows must be a 'module:attribute' reference, not {rows!r}",
                             "e.g. 'rows: credit_model:test_rows'")
        if not any(p.get(role) for role in ROLES) and not p.get("rules"):
            raise self.error((), "no roles: declare at least one of " + ", ".join(ROLES) + " or rules",
                             "e.g. 'protected: {sex: [male, female]}'")
        self.samples = self._samples()
        self.tolerance = self._tolerance()
        self.rates = self._rates()
        self.label = p.get("label")
        if self.label is not None and not isinstance(self.label, (str, int, float, bool)):
            raise self.error(("label",), f"label must be one label of the model, not {self.label!r}", "e.g. 'label: good'")
        slices = self._slices()
        roles = {role: self._role(role) for role in ROLES}
        both = set(roles["monotone_increasing"]) & set(roles["monotone_decreasing"])
        if both:
            column = sorted(both)[0]
            raise self.error(("monotone_decreasing", column), f"column {column!r} is declared both increasing and decreasing",
                             "keep it in one of monotone_increasing and monotone_decreasing")
        bounds = self._bounds(set(roles["monotone_increasing"]) | set(roles["monotone_decreasing"]) | set(roles["noise"]))
        needs_label = bool(roles["monotone_increasing"] or roles["monotone_decreasing"]) or self.tolerance["Invariance"] is not None
        if needs_label and self.label is None:
            raise self.error((), "monotone features and an Invariance tolerance are about the probability of a label, "
                             "but no 'label' is given", "add 'label: <the favourable label>', e.g. 'label: good'")

        self.rows = _Rows(rows, self.path, self.line(("rows",)), self.columns)
        out: list[SuiteTest] = []
        for role, up in (("monotone_increasing", True), ("monotone_decreasing", False)):
            for column, step in roles[role].items():
                out.append(self._test(
                    (role, column), f"{'increasing' if up else 'decreasing'}_{column}", "Monotonicity", "DIR",
                    perturb={"shift": {"column": column, "by": step, **bounds.get(column, {})}},
                    expect={"increase" if up else "decrease": {"label": self.label, "tolerance": self.tolerance["Monotonicity"]}},
                    samples=self.samples if isinstance(step, list) else 1,
                ))
        invariance = "same_label" if self.tolerance["Invariance"] is None else {
            "prob_within": {"tolerance": self.tolerance["Invariance"], "label": self.label}}
        for column, values in roles["irrelevant"].items():
            out.append(self._test(("irrelevant", column), f"irrelevant_{column}", "Invariance", "INV",
                                  perturb={"set_value": {"column": column, "values": values}},
                                  expect=invariance, samples=len(values)))
        for column, values in roles["protected"].items():
            out.append(self._test(("protected", column), f"protected_{column}", "Fairness", "INV",
                                  perturb={"swap": {"column": column, "values": values}},
                                  expect="same_label", samples=len(values) - 1))
        for column, sd in roles["noise"].items():
            out.append(self._test(("noise", column), f"noise_{column}", "Stability", "INV",
                                  perturb={"noise": {"column": column, "sd": sd, **bounds.get(column, {})}},
                                  expect="same_label", samples=self.samples))
        out += self._rules()
        for test in out:
            test.slices = dict(slices)
        return out

    def _test(self, at: tuple, name: str, capability: str, kind: str, *, perturb: Any = None, expect: Any,
              samples: int = 1, inputs: Any = None, rate: float | None = None) -> SuiteTest:
        line = self.line(at)
        return SuiteTest(
            self.path, line, name, capability, kind,
            inputs=inputs or self.rows, expect=expect, perturb=perturb, samples=samples,
            max_fail_rate=self.rates.get(capability) if rate is None else rate,
            lines={"name": line, "perturb": line, "expect": line, "inputs": self.line(("rows",))},
        )

    # -- values --------------------------------------------------------------------

    def _mapping(self, key: str) -> dict:
        value = self.params.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error((key,), f"{key} must map column names to values, not {value!r}",
                             f"e.g. '{key}: {_EXAMPLES.get(key, '{column: value}')}'")
        return value

    def _role(self, role: str) -> dict[str, Any]:
        out = {}
        for column, value in self._mapping(role).items():
            at = (role, column)
            self.columns.setdefault(column, self.line(at))
            if role.startswith("monotone"):
                out[column] = self._step(at, column, value)
            elif role == "noise":
                if not _finite(value) or value <= 0:
                    raise self.error(at, f"noise for {column!r} must be a positive standard deviation, not {value!r}",
                                     f"e.g. '{column}: 1'")
                out[column] = value
            else:
                values = value if isinstance(value, list) else None
                least = 2 if role == "protected" else 1
                if (values is None or len(values) < least or len({repr(_canonical(v)) for v in values}) != len(values)
                        or not all(isinstance(v, (str, int, float, bool)) or v is None for v in values)):
                    what = "two or more different values to swap between" if role == "protected" else "a list of different values"
                    raise self.error(at, f"{role} {column!r} needs {what}, not {value!r}",
                                     f"e.g. '{column}: {_EXAMPLES[role + '_values']}'")
                out[column] = values
        return out

    def _step(self, at: tuple, column: str, value: Any) -> Any:
        if _finite(value) and value > 0:
            return value
        if isinstance(value, list) and len(value) == 2 and all(_finite(v) for v in value) and 0 < value[0] <= value[1]:
            return list(value)
        raise self.error(at, f"the step of {column!r} must be a positive number or a [low, high] range of them, not {value!r}",
                         f"e.g. '{column}: 100' or '{column}: [50, 500]'")

    def _bounds(self, numeric: set[str]) -> dict[str, dict[str, float]]:
        out = {}
        for column, value in self._mapping("bounds").items():
            at = ("bounds", column)
            if column not in numeric:
                raise self.error(at, f"bounds for {column!r}, which is neither monotone nor noisy (bounds clip shifts and noise)",
                                 "remove it, or fix the column's name")
            ok = isinstance(value, list) and len(value) == 2 and all(v is None or _finite(v) for v in value)
            if ok and None not in value and value[0] > value[1]:
                ok = False
            if not ok or value == [None, None]:
                raise self.error(at, f"bounds of {column!r} must be [low, high] (either may be null), not {value!r}",
                                 f"e.g. '{column}: [0, 100]' or '{column}: [0, null]'")
            out[column] = {k: v for k, v in zip(("min", "max"), value) if v is not None}
        return out

    def _samples(self) -> int:
        value = self.params.get("samples", DEFAULT_SAMPLES)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise self.error(("samples",), f"samples must be a positive integer, not {value!r}", "e.g. 'samples: 3'")
        return value

    def _tolerance(self) -> dict[str, float | None]:
        out = dict(DEFAULT_TOLERANCE)
        for capability, value in self._mapping("tolerance").items():
            at = ("tolerance", capability)
            if capability not in out:
                raise self.error(at, f"no tolerance for {capability!r}", "use Monotonicity and Invariance")
            if value is None and capability == "Invariance":
                continue
            if not _finite(value) or not 0 <= value < 1:
                raise self.error(at, f"the {capability} tolerance must be a probability from 0 to below 1, not {value!r}",
                                 f"e.g. '{capability}: 0.02'")
            out[capability] = value
        return out

    def _rate(self, at: tuple, value: Any) -> float:
        if not _finite(value) or not 0 <= value <= 1:
            raise self.error(at, f"max_fail_rate must be a number from 0 to 1, not {value!r}", "e.g. 'max_fail_rate: 0.05'")
        return float(value)

    def _rates(self) -> dict[str, float]:
        value = self.params.get("max_fail_rate")
        if value is None:
            return {}
        if not isinstance(value, dict):
            rate = self._rate(("max_fail_rate",), value)
            return {capability: rate for capability in CAPABILITIES}
        out = {}
        for capability, rate in value.items():
            if capability not in CAPABILITIES:
                raise self.error(("max_fail_rate", capability), f"no capability {capability!r} in the tabular suite",
                                 f"use one of: {', '.join(CAPABILITIES)}")
            out[capability] = self._rate(("max_fail_rate", capability), rate)
        return out

    def _slices(self) -> dict[str, Predicate]:
        out = {}
        for name, spec in self._mapping("slices").items():
            out[name] = self._row_predicate(("slices", name), spec, f"slice {name!r}")
        return out

    def _row_predicate(self, at: tuple, spec: Any, what: str) -> Predicate:
        if not isinstance(spec, dict) or not spec:
            raise self.error(at, f"{what} must map columns to predicates, not {spec!r}",
                             "e.g. '{age: [0, 25]}' (a range), '{sex: [female]}' (values), '{housing: own}'")
        tests = []
        for column, predicate in spec.items():
            self.columns.setdefault(column, self.line((*at, column)))
            tests.append(_column_predicate(column, predicate, lambda message, c=column: self.error((*at, c), f"{what}: {message}",
                         f"e.g. '{c}: [0, 25]' (an inclusive range), '{c}: [a, b, c]' (values) or '{c}: {{in: [0, 3]}}'")))

        def predicate(row: Any) -> bool:
            return all(test(row) for test in tests)

        predicate.__name__ = what
        return predicate

    def _rules(self) -> list[SuiteTest]:
        rules = self.params.get("rules")
        if rules is None:
            return []
        if not isinstance(rules, list):
            raise self.error(("rules",), "rules must be a list of {name, where, expect}",
                             "write each rule as '- name: ...' with 'where:' and 'expect:'")
        out, names = [], set()
        for i, rule in enumerate(rules):
            at = ("rules", i)
            if not isinstance(rule, dict):
                raise self.error(at, f"a rule must be a mapping with name, where and expect, not {rule!r}")
            for key in rule:
                if key not in RULE_KEYS:
                    raise self.error((*at, key), f"unknown key {key!r} in a rule", f"use one of: {', '.join(RULE_KEYS)}")
            for key in ("name", "where", "expect"):
                if key not in rule:
                    raise self.error(at, f"a rule has no {key!r}", f"add '{key}: ...' to it")
            name = rule["name"]
            if not isinstance(name, str) or not name.strip():
                raise self.error((*at, "name"), f"a rule's name must be a non-empty string, not {name!r}")
            if name in names:
                raise self.error((*at, "name"), f"duplicate rule name {name!r}", "give every rule a unique name")
            names.add(name)
            where = self._row_predicate((*at, "where"), rule["where"], f"rule {name!r}")
            rate = self._rate((*at, "max_fail_rate"), rule["max_fail_rate"]) if "max_fail_rate" in rule else None
            test = self._test((*at, "name"), f"rule_{name}", "Rules", "MFT", expect=rule["expect"],
                              inputs=self.rows.matching(where, name, self.line((*at, "where"))), rate=rate)
            test.lines["expect"] = self.line((*at, "expect"))
            out.append(test)
        return out


_EXAMPLES = {
    "monotone_increasing": "{income: 1000}",
    "monotone_decreasing": "{debt: 1000}",
    "irrelevant": "{zip_code: [10115, 80331]}",
    "protected": "{sex: [male, female]}",
    "noise": "{age: 1}",
    "bounds": "{age: [18, 100]}",
    "tolerance": "{Monotonicity: 0.01}",
    "slices": "{young: {age: [0, 25]}}",
    "irrelevant_values": "[a, b, c]",
    "protected_values": "[male, female]",
}


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _missing(value: Any) -> bool:
    """None, NaN (Python or numpy) or pandas' NA: a value no predicate matches."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral) and value != value


def _column_predicate(column: str, spec: Any, error: Callable[[str], SuiteError]) -> Predicate:
    """A test of one row's ``column``: an inclusive [low, high] range, a list of values, or one value."""
    if isinstance(spec, dict):
        if set(spec) != {"in"} or not isinstance(spec["in"], list) or not spec["in"]:
            raise error(f"{column!r}: {spec!r} is not a predicate (the only mapping form is {{in: [values]}})")
        spec = ("values", spec["in"])
    elif isinstance(spec, list) and len(spec) == 2 and all(v is None or _finite(v) for v in spec) and spec != [None, None]:
        low, high = (-math.inf if spec[0] is None else spec[0]), (math.inf if spec[1] is None else spec[1])
        if low > high:
            raise error(f"{column!r}: the range {spec!r} is empty (low > high)")

        def in_range(row: Any) -> bool:
            value = row[column]
            if _missing(value):
                return False
            if not isinstance(value, numbers.Real) or isinstance(value, bool):
                raise BehaveError(f"column {column!r} holds {value!r}, not a number, so it cannot be in the range {spec!r}; "
                                  "list its values instead, e.g. [a, b]")
            return low <= value <= high

        return in_range
    elif isinstance(spec, list):
        if not spec:
            raise error(f"{column!r}: an empty list of values matches nothing")
        spec = ("values", spec)
    elif isinstance(spec, (str, int, float, bool)):
        spec = ("values", [spec])
    else:
        raise error(f"{column!r}: {spec!r} is not a predicate")
    values = spec[1]
    if not all(isinstance(v, (str, int, float, bool)) for v in values):
        raise error(f"{column!r}: values must be plain values, not {values!r}")
    keys = {_canonical(v) for v in values}

    def in_values(row: Any) -> bool:
        value = row[column]
        return not _missing(value) and _canonical(value) in keys

    return in_values


class _Rows:
    """The suite's rows, resolved from ``module:attribute`` on first use and checked against the declared columns."""

    def __init__(self, reference: str, path: str, line: int, columns: dict[str, int]) -> None:
        self.reference, self.path, self.line, self.columns = reference, path, line, columns
        self._rows: list | None = None

    def error(self, message: str, line: int | None = None, fix: str = "") -> SuiteError:
        return SuiteError(self.path, self.line if line is None else line, f"tabular params: {message}", fix)

    def __call__(self) -> list:
        if self._rows is None:
            self._rows = self._load()
        return self._rows

    def _load(self) -> list:
        from behavetest._suites.build import resolve

        try:
            obj = resolve(self.reference, base=Path(self.path).parent)
        except BehaveError as exc:
            raise self.error(f"rows: {exc}", fix="name a module importable from the suite's folder") from None
        if callable(obj) and not hasattr(obj, "columns"):
            try:
                obj = obj()
            except Exception as exc:
                raise self.error(f"rows: {self.reference}() raised {type(exc).__name__}: {exc}") from exc
        if hasattr(obj, "columns") and callable(getattr(obj, "to_dict", None)):
            obj = obj.to_dict("records")
        if isinstance(obj, (str, bytes, Mapping)) or not hasattr(obj, "__iter__"):
            raise self.error(f"rows: {self.reference} gave {type(obj).__name__}, not a list of rows or a DataFrame")
        rows = list(obj)
        if not rows:
            raise self.error(f"rows: {self.reference} gave no rows")
        for i, row in enumerate(rows):
            if not isinstance(row, Mapping):
                raise self.error(f"rows: row {i} of {self.reference} is {type(row).__name__}, not a dict of column values")
            for column, line in self.columns.items():
                if column not in row:
                    raise self.error(f"column {column!r} is not in row {i} of {self.reference}; its columns are {sorted(map(str, row))}",
                                     line, "fix the column's name")
        return rows

    def matching(self, predicate: Predicate, rule: str, line: int) -> Callable[[], list]:
        cache: list = []

        def rows() -> list:
            if not cache:
                try:
                    selected = [row for row in self() if predicate(row)]
                except BehaveError as exc:
                    if isinstance(exc, SuiteError):
                        raise
                    raise self.error(f"rule {rule!r}: {exc}", line) from None
                if not selected:
                    raise self.error(f"rule {rule!r} selects none of the {len(self())} rows", line,
                                     "widen its 'where', or check the rows")
                cache.append(selected)
            return cache[0]

        return rows
