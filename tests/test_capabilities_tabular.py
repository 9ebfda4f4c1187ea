"""The built-in tabular suite (capabilities/tabular.py) on planted models with known answers.

The rows are synthetic loan applications; the models are plain functions of dict
rows (a logistic score), each with one planted property:

* ``fair``: monotone in every declared monotone column, blind to job, sex and age.
  Every test must report zero failures.
* ``biased``: ``fair`` minus a penalty for women: only the Fairness test fails.
* ``tent``: P(good) rises with the checking balance up to 3000 and then falls:
  only the Monotonicity test of that column fails.
* ``uses_job``: a bonus for job 3, a column declared irrelevant: only Invariance fails.
* ``age_cliff``: a penalty under 25: Stability under noise on age fails (and the
  rule about small short loans, which has young applicants).

The rows are kept only where every model's logit is at least 0.05 from 0, and the
noise on the amount is at most 4 sd = 200, which moves a logit by at most 0.03: so
no amount noise can flip a label, by construction.

Expected counts are computed here from the rows and the model functions alone
(CheckList's rule: a case fails when any of its perturbations fails; a row no
perturbation applies to is not a case): a shift by an exact step is applied by hand
(with the bounds' clipping), a swap or a set_value to every other value is
enumerated. Noise is random, so for the noise tests the perturbed rows are drawn
with behavetest's seeded generator and judged here.
"""

from __future__ import annotations

import json
import math
import random
import textwrap
from pathlib import Path

import pytest

import behavetest as bt
from behavetest import perturb
from behavetest._cases.generate import Generator
from behavetest._model.keys import cache_key
from behavetest._suites.build import build_suite
from behavetest._suites.loader import SuiteError, load_suite

LABELS = ["bad", "good"]
TOLERANCE = 0.01


def _fair(row):
    return 0.8 * row["checking_balance"] / 1000 - 0.06 * row["duration"] - 0.00015 * row["credit_amount"] + 0.5


def _tent(row):
    c = row["checking_balance"]
    return _fair({**row, "checking_balance": c if c <= 3000 else 6000 - c})


LOGITS = {
    "fair": _fair,
    "biased": lambda row: _fair(row) - (1.0 if row["sex"] == "female" else 0.0),
    "tent": _tent,
    "uses_job": lambda row: _fair(row) + (0.6 if row["job"] == 3 else 0.0),
    "age_cliff": lambda row: _fair(row) - (3.0 if row["age"] < 25 else 0.0),
}


def p_good(name, row):
    return 1 / (1 + math.exp(-LOGITS[name](row)))


def label(name, row):
    return "good" if p_good(name, row) >= 0.5 else "bad"


def planted_model(name):
    def predict(rows):
        return [[1 - p, p] for p in (p_good(name, row) for row in rows)]

    predict.__name__ = name
    return bt.Model(predict, labels=LABELS, name=name)


def make_rows(n=240, seed=7):
    rng = random.Random(seed)
    rows = []
    while len(rows) < n:
        row = {
            "checking_balance": rng.randrange(0, 5001, 10),
            "duration": rng.choice([6, 9, 12, 18, 24, 30, 36, 48, 60]),
            "credit_amount": rng.randrange(250, 15001, 50),
            "job": rng.randrange(4),
            "sex": rng.choice(["male", "female"]),
            "age": rng.randint(19, 75),
        }
        if all(abs(logit(row)) >= 0.05 for logit in LOGITS.values()):
            rows.append(row)
    return rows


ROWS = make_rows()

PARAMS = """\
extends: tabular
params:
  rows: {module}:{attribute}
  label: good
  monotone_increasing: {{checking_balance: 100}}
  monotone_decreasing: {{duration: 6, credit_amount: 1000}}
  irrelevant: {{job: [0, 1, 2, 3]}}
  protected: {{sex: [male, female]}}
  noise: {{age: 1, credit_amount: 50}}
  bounds: {{checking_balance: [0, 5000], duration: [1, 60], age: [18, 100], credit_amount: [250, null]}}
  rules:
    - name: rich_short_small_loans_are_good
      where: {{checking_balance: [2000, 3000], duration: [0, 12], credit_amount: [0, 5000]}}
      expect: {{label: good}}
    - name: long_loans_without_balance_are_bad
      where: {{checking_balance: [0, 500], duration: [36, null]}}
      expect: {{label: bad}}
  tolerance: {{Monotonicity: {tolerance}}}
  max_fail_rate: 0
  samples: 3
  slices: {{female: {{sex: female}}, young: {{age: [0, 24]}}, small_or_job0: {{credit_amount: [null, 2000], job: {{in: [0]}}}}}}
"""

NAMES = [
    "increasing_checking_balance", "decreasing_duration", "decreasing_credit_amount", "irrelevant_job",
    "protected_sex", "noise_age", "noise_credit_amount", "rule_rich_short_small_loans_are_good",
    "rule_long_loans_without_balance_are_bad",
]


@pytest.fixture(scope="module")
def suite_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tabular_suite")
    (folder / "planted_tabular_rows.json").write_text(json.dumps(ROWS))
    (folder / "planted_tabular_rows.py").write_text(textwrap.dedent("""\
        import json, pathlib

        ROWS = json.loads(pathlib.Path(__file__).with_suffix(".json").read_text())


        def rows():
            return ROWS


        def frame():
            import pandas as pd

            return pd.DataFrame(ROWS)


        def no_rows():
            return []


        def broken():
            raise RuntimeError("the warehouse is down")
    """))
    (folder / "planted.behave.yaml").write_text(PARAMS.format(module="planted_tabular_rows", attribute="rows", tolerance=TOLERANCE))
    return folder


@pytest.fixture(scope="module")
def generator():
    """One seeded generator for every run (the perturbations do not depend on the model): only saves time."""
    return Generator(seed=0)


@pytest.fixture(scope="module")
def run(suite_dir, generator):
    import behavetest._notebook as notebook

    cache = {}

    def run_model(name, suite="planted.behave.yaml"):
        key = (name, suite)
        if key not in cache:
            original = notebook.Generator
            notebook.Generator = lambda seed: generator
            try:
                cache[key] = bt.run(str(suite_dir / suite), planted_model(name))
            finally:
                notebook.Generator = original
        return cache[key]

    return run_model


# -- expected counts, computed from the rows and the models -------------------------------------


def _shift(rows, column, step, low, high, name, up):
    cases = failures = 0
    for row in rows:
        value = row[column]
        if (low is not None and value < low) or (high is not None and value >= high):
            continue  # outside the bounds, or at the top one: no upward shift applies
        new = value + step if high is None else min(value + step, high)
        cases += 1
        before, after = p_good(name, row), p_good(name, {**row, column: new})
        failures += after < before - TOLERANCE if up else after > before + TOLERANCE
    return cases, failures


def _alternatives(rows, column, values, name):
    failures = 0
    for row in rows:
        others = [v for v in values if v != row[column]]
        failures += any(label(name, {**row, column: v}) != label(name, row) for v in others)
    return len(rows), failures


def _noise(rows, column, sd, low, high, name, generator):
    pert = perturb.noise(column, sd, min=low, max=high)
    generated = generator.generate(pert, rows, [cache_key(r) for r in rows], 3)
    cases = failures = 0
    for row, g in zip(rows, generated):
        if g.values:
            cases += 1
            assert all(abs(p[column] - row[column]) <= 4 * sd for p in g.values)
            failures += any(label(name, p) != label(name, row) for p in g.values)
    return cases, failures


def _rule(rows, where, expected, name):
    selected = [r for r in rows if where(r)]
    return len(selected), sum(label(name, r) != expected for r in selected)


def expected_counts(name, generator):
    return {
        "increasing_checking_balance": _shift(ROWS, "checking_balance", 100, 0, 5000, name, up=True),
        "decreasing_duration": _shift(ROWS, "duration", 6, 1, 60, name, up=False),
        "decreasing_credit_amount": _shift(ROWS, "credit_amount", 1000, 250, None, name, up=False),
        "irrelevant_job": _alternatives(ROWS, "job", [0, 1, 2, 3], name),
        "protected_sex": _alternatives(ROWS, "sex", ["male", "female"], name),
        "noise_age": _noise(ROWS, "age", 1, 18, 100, name, generator),
        "noise_credit_amount": _noise(ROWS, "credit_amount", 50, 250, None, name, generator),
        "rule_rich_short_small_loans_are_good": _rule(
            ROWS, lambda r: 2000 <= r["checking_balance"] <= 3000 and r["duration"] <= 12 and r["credit_amount"] <= 5000,
            "good", name),
        "rule_long_loans_without_balance_are_bad": _rule(
            ROWS, lambda r: r["checking_balance"] <= 500 and r["duration"] >= 36, "bad", name),
    }


def measured(result_set):
    return {r.name: (r.cases, r.failures) for r in result_set.results}


# -- building ---------------------------------------------------------------------------------


def test_the_suite_builds_from_params(suite_dir):
    suite, built = build_suite(suite_dir / "planted.behave.yaml")
    tests = {t.name: t for t in suite.tests}
    assert list(tests) == NAMES
    kinds = {n: (t.capability, t.type) for n, t in tests.items()}
    assert kinds == {
        "increasing_checking_balance": ("Monotonicity", "DIR"),
        "decreasing_duration": ("Monotonicity", "DIR"),
        "decreasing_credit_amount": ("Monotonicity", "DIR"),
        "irrelevant_job": ("Invariance", "INV"),
        "protected_sex": ("Fairness", "INV"),
        "noise_age": ("Stability", "INV"),
        "noise_credit_amount": ("Stability", "INV"),
        "rule_rich_short_small_loans_are_good": ("Rules", "MFT"),
        "rule_long_loans_without_balance_are_bad": ("Rules", "MFT"),
    }
    b = {x.test.name: x for x in built}
    assert repr(b["increasing_checking_balance"].perturb) == "shift('checking_balance', 100, min=0, max=5000)"
    assert repr(b["increasing_checking_balance"].expect) == "expect.increase('good', tolerance=0.01)"
    assert repr(b["decreasing_credit_amount"].perturb) == "shift('credit_amount', 1000, min=250)"
    assert repr(b["decreasing_duration"].expect) == "expect.decrease('good', tolerance=0.01)"
    assert repr(b["irrelevant_job"].perturb) == "set_value('job', [0, 1, 2, 3])"
    assert repr(b["protected_sex"].perturb) == "swap('sex', ['male', 'female'])"
    assert repr(b["protected_sex"].expect) == "expect.same_label()"
    assert repr(b["noise_age"].perturb) == "noise('age', 1.0, min=18, max=100)"
    assert (tests["irrelevant_job"].samples, tests["protected_sex"].samples, tests["noise_age"].samples) == (4, 1, 3)
    assert tests["increasing_checking_balance"].samples == 1  # an exact step has one perturbation
    assert all(t.max_fail_rate == 0 for t in suite.tests)
    # Errors about a generated test point at the line of its declaration.
    text = (suite_dir / "planted.behave.yaml").read_text().splitlines()
    assert "protected:" in text[tests["protected_sex"].line - 1]
    assert "name: long_loans" in text[tests["rule_long_loans_without_balance_are_bad"].line - 1]
    # Rows are resolved lazily, once, and each rule selects its own.
    assert b["protected_sex"].inputs() is b["noise_age"].inputs()
    assert len(b["protected_sex"].inputs()) == len(ROWS)
    assert all(r["duration"] >= 36 for r in b["rule_long_loans_without_balance_are_bad"].inputs())


def test_defaults_and_the_invariance_tolerance(tmp_path):
    path = tmp_path / "s.behave.yaml"
    path.write_text(textwrap.dedent("""\
        extends: tabular
        params:
          rows: anywhere:rows
          label: 1
          monotone_increasing: {income: [100, 1000]}
          irrelevant: {zip: ["10115"]}
          tolerance: {Invariance: 0.05}
          max_fail_rate: {Invariance: 0.1}
        """))
    suite, built = build_suite(path)
    b = {x.test.name: x for x in built}
    assert repr(b["irrelevant_zip"].expect) == "expect.prob_within(0.05, label=1)"
    assert repr(b["increasing_income"].perturb) == "shift('income', (100, 1000))"
    assert repr(b["increasing_income"].expect) == "expect.increase(1, tolerance=0.01)"
    assert b["increasing_income"].test.samples == 3
    assert (b["increasing_income"].test.max_fail_rate, b["irrelevant_zip"].test.max_fail_rate) == (None, 0.1)


BAD = [
    ("params: {rows: m:r, protected: {sex: [male, female]}}", 1, "'params' is only for suites that use 'extends:'"),
    ("extends: tabular", 1, "the tabular suite needs 'params:'"),
    ("extends: tabular\nparams:\n  label: good\n  protected: {sex: [male, female]}", 3, "no 'rows'"),
    ("extends: tabular\nparams:\n  rows: just_a_module\n  protected: {sex: [male, female]}", 3, "'module:attribute' reference"),
    ("extends: tabular\nparams:\n  rows: m:r\n  label: good", 3, "no roles"),
    ("extends: tabular\nparams:\n  rows: m:r\n  protected: {sex: [male, female]}\n  colour: blue", 5, "unknown key 'colour'"),
    ("extends: tabular\nparams:\n  rows: m:r\n  monotone_increasing: {income: 100}", 3, "no 'label' is given"),
    ("extends: tabular\nparams:\n  rows: m:r\n  label: good\n  monotone_increasing:\n    income: 100\n    debt: -5",
     7, "the step of 'debt' must be a positive number"),
    ("extends: tabular\nparams:\n  rows: m:r\n  label: good\n  monotone_increasing: {income: [500, 100]}", 5, "[low, high] range"),
    ("extends: tabular\nparams:\n  rows: m:r\n  label: good\n  monotone_increasing: {income: 1}\n"
     "  monotone_decreasing: {income: 1}", 6, "both increasing and decreasing"),
    ("extends: tabular\nparams:\n  rows: m:r\n  protected:\n    sex: [male]", 5, "two or more different values"),
    ("extends: tabular\nparams:\n  rows: m:r\n  irrelevant: {job: 3}", 4, "needs a list of different values"),
    ("extends: tabular\nparams:\n  rows: m:r\n  irrelevant: [job]", 4, "irrelevant must map column names"),
    ("extends: tabular\nparams:\n  rows: m:r\n  noise: {age: 0}", 4, "positive standard deviation"),
    ("extends: tabular\nparams:\n  rows: m:r\n  noise: {age: 1}\n  bounds: {agee: [18, 99]}", 5, "bounds for 'agee'"),
    ("extends: tabular\nparams:\n  rows: m:r\n  noise: {age: 1}\n  bounds: {age: [99, 18]}", 5, "must be [low, high]"),
    ("extends: tabular\nparams:\n  rows: m:r\n  noise: {age: 1}\n  max_fail_rate: 2", 5, "from 0 to 1, not 2"),
    ("extends: tabular\nparams:\n  rows: m:r\n  noise: {age: 1}\n  max_fail_rate:\n    Robustness: 0.1", 6,
     "no capability 'Robustness'"),
    ("extends: tabular\nparams:\n  rows: m:r\n  noise: {age: 1}\n  tolerance: {Monotonicity: 1.5}", 5, "tolerance must be"),
    ("extends: tabular\nparams:\n  rows: m:r\n  noise: {age: 1}\n  samples: 0", 5, "samples must be a positive integer"),
    ("extends: tabular\nparams:\n  rows: m:r\n  noise: {age: 1}\n  slices:\n    young: {age: [30, 20]}", 6, "is empty"),
    ("extends: tabular\nparams:\n  rows: m:r\n  noise: {age: 1}\n  slices:\n    young: age", 6, "must map columns to predicates"),
    ("extends: tabular\nparams:\n  rows: m:r\n  rules:\n    - name: a\n      where: {age: [0, 30]}", 5, "a rule has no 'expect'"),
    ("extends: tabular\nparams:\n  rows: m:r\n  rules:\n    - name: a\n      where: {age: [0, 30]}\n      expect: {label: x}\n"
     "      when: now", 8, "unknown key 'when' in a rule"),
    ("extends: tabular\nparams:\n  rows: m:r\n  rules:\n    - {name: a, where: {age: [0, 30]}, expect: {label: x}}\n"
     "    - {name: a, where: {age: [0, 30]}, expect: {label: y}}", 6, "duplicate rule name 'a'"),
    ("extends: tabular\nparams:\n  rows: m:r\n  rules:\n    - name: a\n      where: {}\n      expect: {label: x}", 6,
     "must map columns to predicates"),
    # Checked when the suite's expectations and perturbations are built, at the rule's 'expect' line.
    ("extends: tabular\nparams:\n  rows: m:r\n  rules:\n    - name: a\n      where: {age: [0, 30]}\n      expect: {lable: x}", 7,
     "unknown expectation 'lable'"),
    # A user test with the name of a generated one.
    ("extends: tabular\nparams:\n  rows: m:r\n  noise: {age: 1}\ntests:\n  - name: noise_age\n    capability: X\n"
     "    type: MFT\n    inputs: [{age: 1}]\n    expect: {label: a}", 6, "duplicate test name 'noise_age'"),
]


@pytest.mark.parametrize("text, line, message", BAD, ids=[m for _, _, m in BAD])
def test_invalid_params_name_the_line(tmp_path, text, line, message):
    path = tmp_path / "bad.behave.yaml"
    path.write_text(text + "\n")
    with pytest.raises(SuiteError) as info:
        build_suite(path)
    assert info.value.line == line, str(info.value)
    assert message in str(info.value)
    assert str(info.value).startswith(f"{path}:{line}: ")


@pytest.mark.parametrize("rows, message, line", [
    ("planted_tabular_rows:nothing_here", "has no attribute 'nothing_here'", 3),
    ("planted_tabular_rows:no_rows", "gave no rows", 3),
    ("planted_tabular_rows:broken", "raised RuntimeError: the warehouse is down", 3),
])
def test_rows_that_cannot_be_loaded(suite_dir, rows, message, line):
    path = suite_dir / "bad_rows.behave.yaml"
    path.write_text(f"extends: tabular\nparams:\n  rows: {rows}\n  protected: {{sex: [male, female]}}\n")
    with pytest.raises(SuiteError) as info:
        bt.run(str(path), planted_model("fair"))
    assert message in str(info.value) and info.value.line == line


def test_a_column_missing_from_the_rows_names_its_declaration(suite_dir):
    path = suite_dir / "typo.behave.yaml"
    path.write_text("extends: tabular\nparams:\n  rows: planted_tabular_rows:rows\n  protected: {sex: [male, female]}\n"
                    "  noise:\n    age: 1\n    incme: 5\n")
    with pytest.raises(SuiteError) as info:
        bt.run(str(path), planted_model("fair"))
    assert info.value.line == 7 and "column 'incme' is not in row 0" in str(info.value)


def test_a_rule_that_selects_no_row(suite_dir):
    path = suite_dir / "empty_rule.behave.yaml"
    path.write_text("extends: tabular\nparams:\n  rows: planted_tabular_rows:rows\n  rules:\n    - name: centenarians\n"
                    "      where: {age: [100, null]}\n      expect: {label: good}\n")
    with pytest.raises(SuiteError) as info:
        bt.run(str(path), planted_model("fair"))
    assert info.value.line == 6 and "selects none of the 240 rows" in str(info.value)


def test_a_range_on_a_text_column_is_an_error(suite_dir):
    path = suite_dir / "text_range.behave.yaml"
    path.write_text("extends: tabular\nparams:\n  rows: planted_tabular_rows:rows\n  rules:\n    - name: r\n"
                    "      where: {sex: [0, 1]}\n      expect: {label: good}\n")
    with pytest.raises(SuiteError) as info:
        bt.run(str(path), planted_model("fair"))
    assert info.value.line == 6 and "holds 'male', not a number" in str(info.value)


# -- running on planted models ------------------------------------------------------------------


def test_a_fair_monotone_model_passes_everything(run, generator):
    result = run("fair")
    expected = expected_counts("fair", generator)
    assert measured(result) == expected
    assert all(failures == 0 for _, failures in expected.values())
    assert {r.name: r.status for r in result.results} == {n: "pass" for n in NAMES}
    # Every row is a case of every perturbation test (a row at a bound only is not).
    assert expected["protected_sex"][0] == expected["noise_age"][0] == len(ROWS)
    assert expected["increasing_checking_balance"][0] == sum(r["checking_balance"] < 5000 for r in ROWS)


def test_a_model_that_uses_sex_fails_exactly_the_fairness_test(run, generator):
    result = run("biased")
    assert measured(result) == expected_counts("biased", generator)
    by_name = {r.name: r for r in result.results}
    failing = {n for n, r in by_name.items() if r.status == "fail"}
    assert failing == {"protected_sex"}
    # Counted independently: the rows whose label changes when the penalty for women is added or removed.
    flips = sum((_fair(r) > 0) != (_fair(r) - 1.0 > 0) for r in ROWS)
    assert by_name["protected_sex"].failures == flips > 0
    assert by_name["protected_sex"].capability == "Fairness"
    # The slices are column predicates: women and men flip alike (the swap goes both ways).
    slices = by_name["protected_sex"].slices
    assert slices["female"]["cases"] == sum(r["sex"] == "female" for r in ROWS)
    assert slices["female"]["failures"] == sum(r["sex"] == "female" and (_fair(r) > 0) != (_fair(r) > 1.0) for r in ROWS)
    assert slices["young"]["cases"] == sum(r["age"] <= 24 for r in ROWS)
    assert slices["small_or_job0"]["cases"] == sum(r["credit_amount"] <= 2000 and r["job"] == 0 for r in ROWS)


def test_a_non_monotone_model_fails_the_monotonicity_test(run, generator):
    result = run("tent")
    assert measured(result) == expected_counts("tent", generator)
    by_name = {r.name: r for r in result.results}
    assert {n for n, r in by_name.items() if r.status == "fail"} == {"increasing_checking_balance"}
    # Independently: only balances past 2950 can lose from a step of 100 (the step ends past the
    # top of the tent at 3000); P(good) must fall by more than the tolerance.
    fails = 0
    for r in ROWS:
        c = r["checking_balance"]
        if c <= 2950 or c >= 5000:
            continue
        new = min(c + 100, 5000)
        base = -0.06 * r["duration"] - 0.00015 * r["credit_amount"] + 0.5
        z0 = base + 0.8 * min(c, 6000 - c) / 1000
        z1 = base + 0.8 * min(new, 6000 - new) / 1000
        fails += 1 / (1 + math.exp(-z1)) < 1 / (1 + math.exp(-z0)) - TOLERANCE
    assert by_name["increasing_checking_balance"].failures == fails > 10
    assert by_name["increasing_checking_balance"].examples[0].perturbed["checking_balance"] > 3000


def test_a_model_that_uses_an_irrelevant_column_fails_invariance(run, generator):
    result = run("uses_job")
    assert measured(result) == expected_counts("uses_job", generator)
    failing = {r.name for r in result.results if r.status == "fail"}
    assert failing == {"irrelevant_job"}
    # A row flips when moving it into or out of job 3 crosses 0 with the bonus of 0.6.
    flips = sum((_fair(r) > 0) != (_fair(r) + 0.6 > 0) for r in ROWS)
    assert next(r.failures for r in result.results if r.name == "irrelevant_job") == flips > 0


def test_a_model_with_an_age_cliff_is_unstable_under_age_noise(run, generator):
    result = run("age_cliff")
    counts = measured(result)
    assert counts == expected_counts("age_cliff", generator)
    failing = {r.name for r in result.results if r.status == "fail"}
    assert failing == {"noise_age", "rule_rich_short_small_loans_are_good"}
    # Only rows within 4 years of the cliff can flip, and some of them must.
    near = sum(21 <= r["age"] <= 28 and (_fair(r) > 0) != (_fair(r) - 3 > 0) for r in ROWS)
    assert 0 < counts["noise_age"][1] <= near


def test_rows_from_a_dataframe_give_the_same_results(suite_dir, run):
    pytest.importorskip("pandas")
    (suite_dir / "frame.behave.yaml").write_text(
        PARAMS.format(module="planted_tabular_rows", attribute="frame", tolerance=TOLERANCE))
    assert measured(run("biased", "frame.behave.yaml")) == measured(run("biased"))


def test_the_suite_runs_under_pytest(suite_dir, pytester):
    pytester.makepyfile(planted_tabular_model=textwrap.dedent(f"""\
        import math
        import behavetest as bt

        def model():
            def predict(rows):
                out = []
                for r in rows:
                    z = (0.8 * r["checking_balance"] / 1000 - 0.06 * r["duration"] - 0.00015 * r["credit_amount"] + 0.5
                         - (1.0 if r["sex"] == "female" else 0.0))
                    p = 1 / (1 + math.exp(-z))
                    out.append([1 - p, p])
                return out
            return bt.Model(predict, labels={LABELS!r}, name="biased")
    """))
    pytester.path.joinpath("planted_tabular_rows.py").write_text((suite_dir / "planted_tabular_rows.py").read_text())
    pytester.path.joinpath("planted_tabular_rows.json").write_text((suite_dir / "planted_tabular_rows.json").read_text())
    text = PARAMS.format(module="planted_tabular_rows", attribute="rows", tolerance=TOLERANCE)
    pytester.path.joinpath("credit.behave.yaml").write_text(text.replace("params:", "model: planted_tabular_model:model\nparams:", 1))
    result = pytester.runpytest("--behave", "-p", "no:cacheprovider", "credit.behave.yaml")
    result.assert_outcomes(passed=len(NAMES) - 1, failed=1)
    result.stdout.fnmatch_lines(["*protected_sex*", "*Fairness*"])


def test_the_suite_file_loads_without_touching_the_rows(tmp_path):
    path = tmp_path / "lazy.behave.yaml"
    path.write_text("extends: tabular\nparams:\n  rows: module_that_does_not_exist:rows\n  protected: {sex: [a, b]}\n")
    suite = load_suite(path)  # collection must not import the user's data module
    assert [t.name for t in suite.tests] == ["protected_sex"]
