"""The tabular perturbation catalog: shift, scale, noise, set_value, swap."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

import behavetest as bt
from behavetest._cases.generate import Generator
from behavetest._model.keys import cache_key

P = bt.perturb
PROPERTY = settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
FIND = settings(database=None, deadline=None, max_examples=100, phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck))


def generate(perturbation, rows, samples=3, seed=1):
    """Perturbed versions of each row, drawn the way the runner draws them."""
    return [g.values for g in Generator(seed=seed).generate(perturbation, rows, [cache_key(r) for r in rows], samples)]


def round_half_away(x: float) -> int:
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def assert_one_column_changed(row, out, column):
    """``out`` is ``row`` with exactly ``column`` changed, of the same type, other values untouched."""
    assert type(out) is type(row)
    assert list(out) == list(row)
    for k in row:
        if k != column:
            assert out[k] is row[k], k
    assert cache_key(out[column]) != cache_key(row[column])
    if row[column] is not None:
        assert type(out[column]) is type(row[column])


# -- rows for the property tests ---------------------------------------------------

ints = st.integers(-10_000, 10_000)
floats = st.floats(-1e6, 1e6).map(lambda x: round(x, 3))  # no subnormals: float32 rounds them coarsely
rows = st.fixed_dictionaries(
    {
        "age": st.one_of(ints, ints.map(np.int64), ints.map(np.int32)),
        "amount": st.one_of(floats, floats.map(np.float64), floats.map(np.float32)),
        "sex": st.sampled_from(["male", "female", "nonbinary"]),
        "member": st.booleans(),
        "note": st.none() | st.text(max_size=3),
    }
)
bounds = st.tuples(st.none() | st.floats(-2e4, 2e4).map(lambda b: round(b, 3)), st.none() | st.floats(-2e4, 2e4).map(lambda b: round(b, 3))).map(
    lambda b: b if None in b or b[0] <= b[1] else (b[1], b[0])
)
amount_ranges = st.tuples(st.floats(-3000, 3000), st.floats(-3000, 3000)).map(tuple).map(sorted).map(tuple)


def effective_bounds(value, lo, hi, is_int):
    low = -math.inf if lo is None else lo
    high = math.inf if hi is None else hi
    if is_int:
        low = math.ceil(low) if math.isfinite(low) else low
        high = math.floor(high) if math.isfinite(high) else high
        if isinstance(value, np.integer):
            info = np.iinfo(type(value))
            low, high = max(low, int(info.min)), min(high, int(info.max))
    return low, high


def clipped(new, low, high):
    """At a bound, up to float32 rounding."""
    return any(math.isfinite(b) and abs(new - b) <= 1e-6 * max(1.0, abs(b)) for b in (low, high))


def possible_results(value, is_int, raw_results, low, high):
    """The distinct changed values among ``raw_results`` after rounding (int) and clipping."""
    out = set()
    for raw in raw_results:
        new = round_half_away(raw) if is_int else raw
        new = min(max(new, low), high)
        new = type(value)(int(new) if is_int else new)
        if cache_key(new) != cache_key(value) and math.isfinite(float(new)):
            out.add(float(new))
    return out


@PROPERTY
@given(row=rows, column=st.sampled_from(["age", "amount"]), by=st.one_of(st.floats(-3000, 3000).filter(bool), amount_ranges),
       bnd=bounds, data=st.data())
def test_shift_changes_one_column_by_an_amount_in_range_within_bounds(row, column, by, bnd, data):
    if by == (0.0, 0.0):
        by = 1.0
    p = P.shift(column, by, min=bnd[0], max=bnd[1])
    value, is_int = row[column], column == "age"
    low_amt, high_amt = by if isinstance(by, tuple) else (by, by)
    low, high = effective_bounds(value, *bnd, is_int)
    inside = low <= value <= high
    # Amounts as the perturbation rounds them on int columns: whole numbers, and 0.5 rounds away from 0.
    grid = np.linspace(low_amt, high_amt, 401).tolist() + [low_amt, high_amt]
    if is_int:
        candidates = [int(value) + round_half_away(a) for a in grid]
        candidates += [int(value) + k for k in range(round_half_away(low_amt), round_half_away(high_amt) + 1)]
    else:
        candidates = [value + a for a in grid]
    reachable = possible_results(value, is_int, candidates, low, high) if inside else set()
    strategy = p.strategy(row)
    if strategy is None:
        assert not reachable
        return
    out = data.draw(strategy)
    assert_one_column_changed(row, out, column)
    new = out[column]
    assert inside and low <= float(new) <= high
    change = float(new) - float(value)
    assert (change > 0 and high_amt > 0) or (change < 0 and low_amt < 0)
    if not clipped(float(new), low, high):  # the change is a drawn amount (rounded on an int column)
        slack = 0.5 if is_int else 1e-6 * (1.0 + abs(float(value)) + 3000)  # float32 keeps ~7 digits
        assert low_amt - slack <= change <= high_amt + slack
        if is_int:
            assert change == int(change) and change != 0


@PROPERTY
@given(row=rows, column=st.sampled_from(["age", "amount"]),
       factor=st.one_of(st.floats(-3, 3).filter(lambda f: f != 1), st.tuples(st.floats(-3, 3), st.floats(-3, 3)).map(sorted).map(tuple)),
       bnd=bounds, data=st.data())
def test_scale_multiplies_one_column_within_bounds(row, column, factor, bnd, data):
    if factor == (1.0, 1.0):
        factor = 2.0
    p = P.scale(column, factor, min=bnd[0], max=bnd[1])
    value, is_int = row[column], column == "age"
    low_f, high_f = factor if isinstance(factor, tuple) else (factor, factor)
    low, high = effective_bounds(value, *bnd, is_int)
    inside = low <= value <= high
    grid = np.linspace(low_f, high_f, 401).tolist() + [low_f, high_f]
    reachable = possible_results(value, is_int, [float(value) * f for f in grid], low, high) if inside else set()
    strategy = p.strategy(row)
    if strategy is None:
        assert not reachable
        return
    out = data.draw(strategy)
    assert_one_column_changed(row, out, column)
    new = float(out[column])
    assert inside and low <= new <= high
    if not clipped(new, low, high):
        lo_v, hi_v = sorted((float(value) * low_f, float(value) * high_f))
        slack = (0.5 if is_int else 0) + 1e-6 * abs(float(value))
        assert lo_v - slack <= new <= hi_v + slack


@PROPERTY
@given(row=rows, column=st.sampled_from(["age", "amount"]), sd=st.floats(0.01, 500), bnd=bounds, data=st.data())
def test_noise_changes_one_column_by_at_most_four_sd(row, column, sd, bnd, data):
    p = P.noise(column, sd, min=bnd[0], max=bnd[1])
    value, is_int = row[column], column == "age"
    low, high = effective_bounds(value, *bnd, is_int)
    strategy = p.strategy(row)
    if strategy is None:
        cannot_move = low == high or (is_int and sd <= 0.125)
        assert not (low <= value <= high) or cannot_move
        return
    out = data.draw(strategy)
    assert_one_column_changed(row, out, column)
    new = float(out[column])
    assert low <= new <= high
    change = abs(new - float(value))
    assert change <= 4 * sd + (0.5 if is_int else 1e-6 * max(1.0, abs(float(value))) + 0.01 * sd)
    if is_int:
        assert change >= 1 and change == int(change)


@PROPERTY
@given(row=rows, values=st.lists(st.sampled_from(["male", "female", "nonbinary", "other"]), min_size=1, max_size=4), data=st.data())
def test_set_value_sets_another_of_the_values(row, values, data):
    strategy = P.set_value("sex", values).strategy(row)
    others = [v for v in values if v != row["sex"]]
    if strategy is None:
        assert not others
        return
    out = data.draw(strategy)
    assert_one_column_changed(row, out, "sex")
    assert out["sex"] in others


@PROPERTY
@given(row=rows, values=st.lists(st.sampled_from(["male", "female", "nonbinary", "other"]), min_size=2, max_size=4, unique=True),
       data=st.data())
def test_swap_only_applies_to_rows_with_one_of_the_values(row, values, data):
    strategy = P.swap("sex", values).strategy(row)
    if row["sex"] not in values:
        assert strategy is None
        return
    out = data.draw(strategy)
    assert_one_column_changed(row, out, "sex")
    assert out["sex"] in values and out["sex"] != row["sex"]


@PROPERTY
@given(row=rows, data=st.data())
def test_swap_and_set_value_keep_bool_and_numpy_types(row, data):
    out = data.draw(P.swap("member", [True, False]).strategy(row))
    assert_one_column_changed(row, out, "member")
    assert out["member"] is (not row["member"])
    out = data.draw(P.set_value("age", [7, 8.0]).strategy(row))  # 8.0 becomes the column's int type
    assert_one_column_changed(row, out, "age")
    assert out["age"] in (7, 8)


# -- generation through the runner's generator: deterministic, one column, distinct -----

BASE_ROWS = [
    {"age": 35, "sex": "female", "amount": 1200.0, "member": True},
    {"age": np.int64(70), "sex": "male", "amount": np.float32(5.5), "member": False},
    {"age": 18, "sex": "nonbinary", "amount": 0.0, "member": False},
    {"age": 99, "sex": "male", "amount": None, "member": True},
]
CATALOG = [
    P.shift("age", 5),
    P.shift("age", (-3, 3), min=18, max=99),
    P.shift("amount", (100, 5000)),
    P.scale("amount", (0.5, 2.0)),
    P.scale("age", 1.1),
    P.noise("amount", 100.0, min=0),
    P.noise("age", 2),
    P.set_value("sex", ["male", "female", "other"]),
    P.swap("sex", ["male", "female"]),
]


@pytest.mark.parametrize("perturbation", CATALOG, ids=repr)
def test_same_seed_same_perturbations_and_only_one_column_changes(perturbation):
    column = perturbation.key[1]
    first = generate(perturbation, BASE_ROWS, samples=4, seed=1)
    again = generate(perturbation, BASE_ROWS, samples=4, seed=1)
    assert [[cache_key(v) for v in vs] for vs in first] == [[cache_key(v) for v in vs] for vs in again]
    for row, values in zip(BASE_ROWS, first):
        assert len({cache_key(v) for v in values}) == len(values)
        for out in values:
            assert_one_column_changed(row, out, column)


def test_different_seeds_draw_different_amounts():
    rows = [{"income": 1000.0 * i} for i in range(10)]
    p = P.shift("income", (1, 1000))
    a, b = generate(p, rows, samples=3, seed=1), generate(p, rows, samples=3, seed=2)
    assert [[cache_key(v) for v in vs] for vs in a] != [[cache_key(v) for v in vs] for vs in b]


def test_not_applicable_rows():
    row = {"age": 99, "sex": "nonbinary", "amount": None, "score": math.nan, "flag": True}
    assert P.shift("amount", 10).strategy(row) is None  # missing value
    assert P.noise("score", 1.0).strategy(row) is None  # NaN
    assert P.swap("sex", ["male", "female"]).strategy(row) is None  # not one of the values
    assert P.set_value("sex", "nonbinary").strategy(row) is None  # nothing differs
    assert P.shift("age", 5, max=99).strategy(row) is None  # at the bound: clipping would be a no-op
    assert P.shift("age", (1, 5), max=99).strategy(row) is None
    assert P.scale("age", (0.1, 0.9), min=99).strategy(row) is None
    assert P.shift("age", 1, max=50).strategy(row) is None  # already outside the bounds
    assert P.shift("age", 0.4).strategy(row) is None  # rounds to no change on an int column
    assert P.scale("age", 1.004).strategy(row) is None  # 99 * 1.004 = 99.396 rounds back to 99
    assert P.scale("amount", 2).strategy({"amount": 0.0}) is None  # 0 never changes
    assert P.noise("age", 0.1).strategy(row) is None  # sd too small to move an int
    # Towards the bound only the other direction remains.
    values = generate(P.shift("age", (-5, 5), max=99), [row], samples=6)[0]
    assert values and all(94 <= v["age"] < 99 for v in values)


def test_int_columns_round_half_away_from_zero_and_clip():
    row = {"age": 40, "n": np.int8(120)}
    assert generate(P.shift("age", 2.5), [row])[0] == [{"age": 43, "n": np.int8(120)}]
    assert generate(P.shift("age", -2.5), [row])[0] == [{"age": 37, "n": np.int8(120)}]
    assert generate(P.scale("age", 1.5, max=55), [row])[0] == [{"age": 55, "n": np.int8(120)}]
    out = generate(P.shift("n", 100), [row])[0]  # clipped to int8's range
    assert out == [{"age": 40, "n": np.int8(127)}] and type(out[0]["n"]) is np.int8
    assert generate(P.set_value("age", 41.0), [row])[0][0]["age"] == 41
    assert type(generate(P.set_value("age", 41.0), [row])[0][0]["age"]) is int


def test_exact_shift_and_scale_values():
    row = {"income": 52000.0, "sex": "female"}
    assert generate(P.shift("income", 1000), [row]) == [[{"income": 53000.0, "sex": "female"}]]
    assert generate(P.scale("income", 0.5, min=30000), [row]) == [[{"income": 30000.0, "sex": "female"}]]
    assert generate(P.swap("sex", ["male", "female"]), [row]) == [[{"income": 52000.0, "sex": "male"}]]
    numpy_str = generate(P.swap("sex", ["male", "female"]), [{"sex": np.str_("male")}])[0][0]["sex"]
    assert numpy_str == "female" and type(numpy_str) is np.str_


def test_noise_is_roughly_gaussian():
    rows = [{"x": 1000.0 * i} for i in range(60)]
    z = np.array([(v["x"] - r["x"]) / 10 for r, vs in zip(rows, generate(P.noise("x", 10.0), rows, samples=10)) for v in vs])
    assert len(z) >= 500
    assert np.all(z != 0) and np.all(np.abs(z) <= 4.001)
    assert 0.55 <= np.mean(np.abs(z) < 1) <= 0.8  # a normal: 0.68
    assert 0.85 <= np.mean(np.abs(z) < 2) <= 0.99  # a normal: 0.95
    assert abs(np.mean(z)) < 0.2 and 0.85 < np.std(z) < 1.3


# -- shrinking -----------------------------------------------------------------------


def minimal(perturbation, row, condition=lambda out: True):
    return find(perturbation.strategy(row), condition, settings=FIND)


def test_shrinks_towards_the_smallest_change():
    row = {"age": 40, "income": 1200.0, "sex": "female"}
    assert minimal(P.shift("income", (100, 5000)), row)["income"] == 1300.0
    assert minimal(P.shift("income", (-5000, -100)), row)["income"] == 1100.0
    assert minimal(P.shift("age", (-10, 10)), row)["age"] == 41
    assert minimal(P.shift("age", (-10, 10)), row, lambda r: r["age"] < 40)["age"] == 39
    crossing = minimal(P.shift("income", (100, 5000)), row, lambda r: r["income"] > 3200)["income"]
    assert 3200 < crossing <= 3200 + 4900 / 256 + 1
    assert 1200 < minimal(P.scale("income", (0.5, 2.0)), row)["income"] <= 1200 * 1.0001
    assert 0 < minimal(P.noise("income", 10.0), row)["income"] - 1200 <= 0.05
    assert minimal(P.noise("age", 3.0), row)["age"] == 41
    # Option lists are rotated per row (so every option is drawn across rows); they shrink to the row's first.
    from behavetest.perturb._perturbation import rotated

    assert minimal(P.set_value("sex", ["female", "male", "other"]), row)["sex"] == rotated(("male", "other"), row)[0]
    assert minimal(P.swap("sex", ["nonbinary", "male", "female"]), row)["sex"] == rotated(("nonbinary", "male"), row)[0]


def test_every_option_of_a_swap_is_drawn_across_rows():
    from behavetest._cases.generate import Generator
    from behavetest._model.keys import cache_key

    rows = [{"sex": "female", "income": 1000.0 + i} for i in range(60)]
    generated = Generator(seed=0).generate(P.swap("sex", ["female", "male", "nonbinary"]), rows,
                                           [cache_key(r) for r in rows], 1)
    drawn = {g.values[0]["sex"] for g in generated}
    assert drawn == {"male", "nonbinary"}


# -- declarations --------------------------------------------------------------------


def test_missing_column_names_the_column_and_the_available_ones():
    with pytest.raises(bt.DeclarationError, match=r"'incme' is not in the row; its columns are \['age', 'income'\]"):
        P.shift("incme", 10).strategy({"age": 3, "income": 1.0})
    pd = pytest.importorskip("pandas")
    with pytest.raises(bt.DeclarationError, match=r"'sexx'.*\['age', 'sex'\]"):
        P.swap("sexx", ["a", "b"]).strategy(pd.Series({"age": 3, "sex": "a"}))


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: P.shift("x", 0), "never change"),
        (lambda: P.shift("x", (5, 1)), "low <= high"),
        (lambda: P.shift("x", "10"), "finite number"),
        (lambda: P.shift("x", math.inf), "finite number"),
        (lambda: P.shift("x", True), "finite number"),
        (lambda: P.shift("x", 1, min=5, max=1), "greater than max"),
        (lambda: P.shift("x", 1, min="0"), "min= must be a number"),
        (lambda: P.scale("x", 1), "never change"),
        (lambda: P.noise("x", 0), "positive finite"),
        (lambda: P.noise("x", -1.0), "positive finite"),
        (lambda: P.swap("sex", ["male"]), "at least two"),
        (lambda: P.swap("sex", ["male", "male"]), "at least two"),
        (lambda: P.set_value("sex", []), "at least one"),
        (lambda: P.set_value("sex", {"a", "b"}), "not a set"),
    ],
)
def test_bad_declarations(make, match):
    with pytest.raises(bt.DeclarationError, match=match):
        make()


@pytest.mark.parametrize(
    "perturbation, match",
    [
        (P.shift("sex", 1), "holds str values.*swap"),
        (P.noise("member", 1.0), "holds bool values.*swap"),
        (P.scale("when", 2.0), "not a number"),
        (P.set_value("age", "old"), "'old' .*does not fit"),
        (P.set_value("age", 2.5), "2.5 .*does not fit"),
        (P.set_value("member", 1), "does not fit"),
        (P.swap("sex", ["male", "female", 3]), "does not fit"),
    ],
    ids=repr,
)
def test_wrong_column_types_are_declaration_errors(perturbation, match):
    row = {"age": 30, "sex": "male", "member": True, "when": object()}
    with pytest.raises(bt.DeclarationError, match=match):
        perturbation.strategy(row)


def test_non_row_inputs_are_declaration_errors():
    with pytest.raises(bt.DeclarationError, match="table rows .* str"):
        P.shift("x", 1).strategy("a movie review")


def test_names_and_keys():
    assert repr(P.shift("income", 1000)) == "shift('income', 1000)"
    assert repr(P.shift("age", (-5, 5), min=0, max=120)) == "shift('age', (-5, 5), min=0, max=120)"
    assert repr(P.scale("amount", [0.5, 2])) == "scale('amount', (0.5, 2))"
    assert repr(P.noise("income", 500, min=0)) == "noise('income', 500.0, min=0)"
    assert repr(P.swap("sex", ["male", "female"])) == "swap('sex', ['male', 'female'])"
    assert repr(P.set_value("country", "US")) == "set_value('country', ['US'])"
    keys = [p.key for p in CATALOG] + [P.shift("age", 6).key, P.shift("age", 5, max=80).key, P.shift("agee", 5).key,
                                        P.swap("member", [True, False]).key, P.swap("member", [1, 0]).key]
    assert len(set(keys)) == len(keys)  # hashable, and different for different parameters
    assert P.shift("age", 5).key == P.shift("age", 5.0).key == P.shift("age", (5, 5)).key
    assert P.swap("sex", ["male", "female"]).key == P.swap("sex", ("male", "female")).key


# -- pandas Series rows ---------------------------------------------------------------


def test_series_rows_come_back_as_series():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"age": [35, 70], "sex": ["female", "male"], "income": [52000.0, 31000.5]})
    row = df.iloc[0]
    for p in (P.shift("age", (1, 3)), P.noise("income", 100.0), P.swap("sex", ["male", "female"])):
        for out in generate(p, [row], samples=3)[0]:
            column = p.key[1]
            assert isinstance(out, pd.Series) and out.name == row.name and list(out.index) == list(row.index)
            assert out.dtype == row.dtype
            for k in row.index:
                if k != column:
                    assert out[k] == row[k] and type(out[k]) is type(row[k])
            assert out[column] != row[column] and type(out[column]) is type(row[column])
    ints = df[["age"]].iloc[1]  # an int64 Series: stays int64
    assert generate(P.shift("age", 2), [ints])[0][0].dtype == np.int64
    assert generate(P.shift("age", 2), [ints])[0][0]["age"] == 72
    missing = generate(P.set_value("age", None), [ints])[0][0]  # None does not fit int64: the copy is object
    assert missing.dtype == object and missing["age"] is None and ints["age"] == 70


# -- end to end: a planted-bug model with exactly known failures ---------------------------

SEXES, REGIONS, INCOMES, AGES = ["male", "female", "nonbinary"], ["north", "south"], [30000.0, 49500.0, 70000.0], [30, 60, 70]
GRID = [
    {"age": a, "sex": s, "region": r, "income": i} for s in SEXES for r in REGIONS for i in INCOMES for a in AGES
]


def planted(rows):
    """Approves incomes of 50000 and more, except: flipped for women in the north, denied over 65."""
    out = []
    for r in rows:
        p = 0.8 if r["income"] >= 50000 else 0.2
        if r["sex"] == "female" and r["region"] == "north":
            p = 1 - p
        if r["age"] > 65:
            p = min(p, 0.1)
        out.append([p, 1 - p])
    return out


def planted_model():
    return bt.Model(planted, labels=["approve", "deny"], name="planted")


def test_planted_bug_inv_swap():
    result = bt.Behave(test_name="t").inv(planted_model(), GRID, perturb=P.swap("sex", ["male", "female"]), capability="Fairness")
    # 36 male/female rows apply, 18 nonbinary do not; the 12 under-65 northern ones flip.
    assert (result.cases, result.not_applicable, result.failures, result.pairs, result.pair_failures) == (36, 18, 12, 36, 12)
    assert all(e.input["region"] == "north" and e.input["age"] <= 65 for e in result.examples)


def test_planted_bug_dir_shift_and_mft():
    behave = bt.Behave(test_name="t")
    result = behave.dir(planted_model(), GRID, perturb=P.shift("income", 1000), expect=bt.expect.increase("approve"), capability="Monotonicity")
    # Only 49500 -> 50500 crosses the threshold; it lowers P(approve) for under-65 northern women: 2 rows.
    assert (result.cases, result.failures) == (54, 2)
    assert sorted(e.input["age"] for e in result.examples) == [30, 60]
    truth = ["approve" if r["income"] >= 50000 else "deny" for r in GRID]
    result = behave.mft(planted_model(), GRID, labels=truth, capability="Vocabulary")
    assert (result.cases, result.failures) == (54, 12)  # 6 flipped northern women under 65, 6 rich over 65


def test_planted_bug_range_shift_and_noise_are_exact_whatever_is_drawn():
    behave = bt.Behave(test_name="t")
    result = behave.inv(planted_model(), GRID, perturb=P.shift("age", (10, 20), max=85), samples=3, capability="Robustness")
    # 30 -> 40..50 never crosses 65, 70 -> 80..85 stays above; 60 -> 70..80 always does: the 7 approved at 60 flip.
    assert (result.cases, result.failures) == (54, 7)
    assert all(e.input["age"] == 60 and 70 <= e.perturbed["age"] <= 80 for e in result.examples)
    # Noise is truncated at 4 sd = 400: 49500 never reaches 50000.
    result = behave.inv(planted_model(), GRID, perturb=P.noise("income", 100.0, min=0), samples=5, capability="Robustness")
    assert (result.cases, result.failures) == (54, 0) and result.pairs == 54 * 5


def test_planted_bug_minimal_counterexample_is_the_smallest_shift():
    result = bt.Behave(test_name="t").dir(
        planted_model(), GRID, perturb=P.shift("income", (100, 5000)), expect=bt.expect.increase("approve"), capability="Monotonicity"
    )
    assert result.failures == 2
    for e in result.examples:
        assert e.input["income"] == 49500.0 and e.minimal is not None
        assert 500 <= e.minimal["income"] - 49500.0 <= 500 + 4900 / 256 + 1  # the threshold is 500 away


def test_planted_bug_with_dataframe_and_series_inputs():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(GRID)
    as_frame = bt.Behave(test_name="t").inv(planted_model(), df, perturb=P.swap("sex", ["male", "female"]), capability="Fairness")
    as_dicts = bt.Behave(test_name="t").inv(planted_model(), GRID, perturb=P.swap("sex", ["male", "female"]), capability="Fairness")
    as_series = bt.Behave(test_name="t").inv(
        planted_model(), [df.iloc[i] for i in range(len(df))], perturb=P.swap("sex", ["male", "female"]), capability="Fairness"
    )
    for result in (as_frame, as_series):
        assert (result.cases, result.failures, result.failing_cases) == (as_dicts.cases, as_dicts.failures, as_dicts.failing_cases)
    assert isinstance(as_series.examples[0].perturbed, pd.Series)


# -- end to end: a scikit-learn Pipeline over DataFrames --------------------------------


@pytest.fixture(scope="module")
def credit():
    pd = pytest.importorskip("pandas")
    pytest.importorskip("sklearn")
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 80, n),
            "sex": rng.choice(["male", "female"], n),
            "region": rng.choice(["north", "south", "east"], n),
            "income": rng.normal(50000, 15000, n).round(2),
        }
    )
    score = frame["income"] / 1000 + 0.2 * frame["age"] + 3 * (frame["sex"] == "male") + rng.normal(0, 5, n)
    y = np.where(score > 60, "approve", "deny")
    pipeline = Pipeline(
        [
            ("prep", ColumnTransformer([
                ("cat", OneHotEncoder(handle_unknown="ignore"), ["sex", "region"]),
                ("num", StandardScaler(), ["age", "income"]),
            ])),
            ("clf", LogisticRegression(max_iter=1000)),
        ]
    ).fit(frame.iloc[:300], y[:300])
    test = frame.iloc[300:].reset_index(drop=True)
    test.loc[:4, "sex"] = "nonbinary"  # unseen by the encoder, and not among swap's values
    return pipeline, test, y[300:]


def test_sklearn_pipeline_inv_swap_matches_direct_predictions(credit):
    pipeline, test, _ = credit
    swapped = test.assign(sex=test["sex"].map({"male": "female", "female": "male"}).fillna(test["sex"]))
    flips = int((pipeline.predict(test) != pipeline.predict(swapped))[5:].sum())
    assert 0 < flips < 95  # the model learned a sex effect: some cases fail, not all
    results = []
    numpy_rows = [dict(zip(test.columns, values)) for values in zip(*(test[c].to_numpy() for c in test.columns))]
    assert type(numpy_rows[0]["age"]) is np.int64 and type(numpy_rows[0]["income"]) is np.float64
    for inputs in (test, test.to_dict("records"), numpy_rows):
        result = bt.Behave(test_name="t").inv(bt.Model(pipeline), inputs, perturb=P.swap("sex", ["male", "female"]), capability="Fairness")
        assert (result.cases, result.not_applicable, result.failures) == (95, 5, flips)
        results.append(result.failing_cases)
    assert results[0] == results[1] == results[2]


def test_sklearn_pipeline_dir_shift_income(credit):
    pipeline, test, y = credit
    approve = list(pipeline.classes_).index("approve")
    coef = pipeline.named_steps["clf"].coef_[0]
    names = list(pipeline.named_steps["prep"].get_feature_names_out())
    income_effect = coef[names.index("num__income")] * (1 if approve == 1 else -1)
    assert income_effect > 0
    model = bt.Model(pipeline)
    behave = bt.Behave(test_name="t")
    result = behave.dir(model, test, perturb=P.shift("income", 1000), expect=bt.expect.increase("approve"), capability="Monotonicity")
    assert (result.cases, result.failures) == (100, 0)
    before = pipeline.predict_proba(test)[:, approve]
    after = pipeline.predict_proba(test.assign(income=test["income"] + 1000))[:, approve]
    result = behave.dir(model, test, perturb=P.shift("income", 1000), expect=bt.expect.decrease("approve"), capability="Monotonicity")
    assert result.failures == int((after > before).sum()) > 90
    result = behave.mft(model, test, labels=list(y), capability="Accuracy")
    assert result.failures == int((pipeline.predict(test) != y).sum())
    result = behave.inv(model, test, perturb=P.noise("age", 2.0, min=18, max=100), samples=3, capability="Robustness",
                        expect=bt.expect.prob_within(0.2))
    assert result.cases == 100 and result.failures == 0  # a 1-8 year change moves P by far less than 0.2


def test_sklearn_pipeline_with_series_rows(credit):
    pipeline, test, _ = credit
    rows = [test.iloc[i] for i in range(5, 25)]
    result = bt.Behave(test_name="t").inv(bt.Model(pipeline), rows, perturb=P.swap("sex", ["male", "female"]), capability="Fairness")
    assert result.cases == 20


def test_pandas_is_not_imported_by_behavetest():
    import subprocess

    code = "import behavetest, sys; behavetest.perturb.shift('x', 1).strategy({'x': 1}); print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
