"""Slice discovery: exact statistics, planted weak slices found, no slices found on a model without any."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

import behavetest as bt
from behavetest._cases.template import Case
from behavetest._measure.discover import DEFAULT_Q, discover
from behavetest._measure.features import case_columns
from behavetest._measure.predicates import FieldSlice, parse_conditions
from behavetest._measure.stats import benjamini_hochberg, binom_sf, hypergeom_sf, hypergeom_sf_many, min_attainable_p


def exact_sf(f: int, n: int, failures: int, total: int) -> float:
    denominator = math.comb(total, n)
    return float(sum(Fraction(math.comb(failures, k) * math.comb(total - failures, n - k), denominator)
                     for k in range(f, min(n, failures) + 1)))


@pytest.mark.parametrize("f,n,failures,total", [(0, 5, 3, 10), (3, 5, 3, 10), (5, 20, 10, 100), (30, 40, 60, 400),
                                                (12, 12, 200, 3000), (1, 300, 2, 3000), (2, 2, 2, 3000)])
def test_hypergeometric_tail_is_exact(f, n, failures, total):
    want = exact_sf(f, n, failures, total)
    assert hypergeom_sf(f, n, failures, total) == pytest.approx(want, rel=1e-9, abs=1e-300)
    assert hypergeom_sf_many([f], [n], failures, total)[0] == pytest.approx(want, rel=1e-9, abs=1e-300)


def test_vectorised_tail_matches_the_exact_sum_everywhere():
    rng = np.random.default_rng(1)
    total, failures = 300, 40
    n = rng.integers(1, total, 300)
    f = np.array([rng.integers(0, min(x, failures) + 1) for x in n])
    got = hypergeom_sf_many(f, n, failures, total)
    want = np.array([exact_sf(a, b, failures, total) for a, b in zip(f, n)])
    np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-15)
    # the smallest attainable p-value is the probability that every failure lands in the slice, or the slice all fails
    assert min_attainable_p([5], failures, total)[0] == pytest.approx(exact_sf(5, 5, failures, total), rel=1e-9)
    assert min_attainable_p([200], failures, total)[0] == pytest.approx(exact_sf(40, 200, failures, total), rel=1e-9)


def test_sign_test_and_benjamini_hochberg():
    assert binom_sf(8, 10) == pytest.approx(sum(math.comb(10, k) for k in range(8, 11)) / 1024)
    assert binom_sf(0, 5) == 1.0 and binom_sf(6, 5) == 0.0
    p = np.array([0.01, 0.04, 0.03, 0.5])
    # sorted 0.01, 0.03, 0.04, 0.5 -> 0.04, 0.0533, 0.0533, 0.5
    np.testing.assert_allclose(benjamini_hochberg(p), [0.04, 0.16 / 3, 0.16 / 3, 0.5])
    # hypotheses left out still count
    np.testing.assert_allclose(benjamini_hochberg([0.01], m=10), [0.1])


# -- planted models ------------------------------------------------------------------

def credit_rows(seed: int, n: int = 400) -> list[dict]:
    rng = np.random.default_rng(seed)
    return [{"sex": str(rng.choice(["female", "male"])), "age": int(rng.integers(18, 71)),
             "housing": str(rng.choice(["own", "rent", "free"])), "job": int(rng.integers(0, 4)),
             "income": round(float(rng.normal(50, 15)), 2)} for _ in range(n)]


def run_of(columns: dict, failed: np.ndarray, name: str = "t", inputs: list | None = None) -> dict:
    failing = [str(x) for x, f in zip(inputs, failed) if f] if inputs else []
    return {"model": "m", "capability": "C", "nodeid": f"test_x.py::{name}", "name": name, "type": "MFT",
            "case_table": {"failed": failed.astype(int).tolist(), "columns": columns, "failing_inputs": failing}}


def nested_in(finding: dict, columns: dict, n: int, planted: np.ndarray) -> bool:
    mask = FieldSlice(parse_conditions(finding["predicate"], "finding")).mask(columns, n)
    return mask.any() and not (mask & ~planted).any()


def test_planted_tabular_slice_is_found_and_nothing_else():
    exact = nested = 0
    for seed in range(100):
        rows = credit_rows(seed)
        columns = case_columns(rows)
        planted = np.array([r["sex"] == "female" and r["age"] < 25 for r in rows])
        found = discover([run_of(columns, planted)]).findings
        if len(found) == 1 and nested_in(found[0], columns, len(rows), planted):
            nested += 1
            exact += found[0]["slice"] == "age<25 and sex=female"
    assert nested >= 95
    assert exact >= 90


ADJECTIVES = ["good", "great", "helpful", "kind", "friendly", "honest", "arrogant", "rude", "unfriendly", "boring",
              "brilliant", "careful", "clever", "lazy", "polite", "calm", "cruel", "nice", "smart", "warm"]
NATIONALITIES = ["American", "British", "Chinese", "Indian", "Mexican", "Nigerian", "German", "Brazilian", "Kenyan",
                 "Japanese", "French", "Egyptian", "Turkish", "Polish"]
PLANTED = {"helpful", "arrogant", "unfriendly"}


def sentiment_cases(seed: int, n: int = 500) -> list[Case]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        adj, nat = str(rng.choice(ADJECTIVES)), str(rng.choice(NATIONALITIES))
        gender = str(rng.choice(["female", "male"]))
        name = {"female": "Maria", "male": "John"}[gender]
        out.append(Case(f"{name} is a {adj} {nat} person.", {"first_name": name, "adj": adj, "nationality": nat},
                        "positive", {"first_name": {"gender": gender}}))
    return out


class Source:
    def __init__(self, cases):
        self.cases = cases


def test_planted_sentiment_adjectives_are_found_as_one_slice():
    hits = 0
    for seed in range(100):
        cases = sentiment_cases(seed)
        texts = [c.text for c in cases]
        columns = case_columns(texts, Source(cases))
        assert len(columns["adj"]["values"]) > 12  # more values than the declared-slice table ever shows
        planted = np.array([c.fills["adj"] in PLANTED for c in cases])
        found = discover([run_of(columns, planted, inputs=texts)]).findings
        if len(found) == 1 and nested_in(found[0], columns, len(cases), planted):
            hits += 1
            if found[0]["slice"].startswith("adj in"):
                assert set(found[0]["predicate"][0]["value"]) <= PLANTED
    assert hits >= 95
    finding = found[0]
    assert finding["predicate"] == [{"field": "adj", "op": "in", "value": sorted(PLANTED, key=finding["predicate"][0]["value"].index)}]
    assert finding["failures"] == finding["cases"] == int(planted.sum())
    assert finding["examples"] and all(any(a in e for a in PLANTED) for e in finding["examples"])
    assert {r["relation"] for r in finding["related"]} <= {"part", "nested", "contains", "overlaps"}


def test_null_model_reports_a_slice_in_at_most_q_of_runs():
    runs_with_findings = 0
    for seed in range(200):
        rng = np.random.default_rng(10_000 + seed)
        rows = credit_rows(10_000 + seed, n=300)
        failed = rng.random(len(rows)) < 0.15
        runs_with_findings += bool(discover([run_of(case_columns(rows), failed)]).findings)
    assert runs_with_findings / 200 <= DEFAULT_Q


def test_discovery_is_deterministic_and_order_independent():
    rows = credit_rows(3)
    planted = np.array([r["sex"] == "female" and r["age"] < 25 for r in rows])
    a = run_of(case_columns(rows), planted, "a")
    b = run_of(case_columns(rows), np.array([r["housing"] == "rent" and r["job"] == 0 for r in rows]), "b")
    first = discover([a, b]).to_dict()
    assert first == discover([b, a]).to_dict()  # xdist delivers results in any order
    assert [f["name"] for f in first["findings"]] == ["a", "b"]


def test_benjamini_hochberg_runs_across_all_tests_of_the_run():
    rows = credit_rows(4, n=300)
    planted = np.array([r["sex"] == "female" and r["age"] < 25 for r in rows])
    one = discover([run_of(case_columns(rows), planted)])
    many = discover([run_of(case_columns(rows), planted)] +
                    [run_of(case_columns(rows), np.random.default_rng(i).random(300) < 0.2, f"n{i}") for i in range(5)])
    assert many.candidates > one.candidates
    planted_finding = next(f for f in many.findings if f["name"] == "t")
    assert planted_finding["p_adjusted"] > one.findings[0]["p_adjusted"]
    assert planted_finding["p"] == one.findings[0]["p"]


def test_bad_settings_are_refused():
    with pytest.raises(bt.BehaveError, match="q must be"):
        discover([], q=0)
    with pytest.raises(bt.BehaveError, match="min_support"):
        discover([], min_support=0)
    with pytest.raises(bt.BehaveError, match="cannot find results"):
        discover(42)
