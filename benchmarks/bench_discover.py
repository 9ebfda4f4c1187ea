"""Cost of slice discovery: the built-in sentiment suite's run, and a 100,000-row tabular test.

    python benchmarks/bench_discover.py                 # both, 3 repeats each
    python benchmarks/bench_discover.py --only tabular --repeats 1

Sentiment: the built-in ``sentiment`` suite against VADER (``examples/sentiment_vader``),
run through the same loop as ``bt.run``. Predictions and generated cases are warmed up
first, then each repeat runs the suite once with case attributes off and once with them
on (so the difference is what recording the attributes costs), and then times
``bt.discover`` on the results. "added" = (run with attributes - run without) + discovery.

Tabular: 100,000 synthetic rows with 20 features (10 categorical with 2-8 values,
10 numeric, half of them integers with few distinct values), failures planted in
``sex=female and age<25`` on top of 5% random ones; times ``case_columns`` (the
attributes) and ``discover`` on the result.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class Clock:
    """Wall and CPU seconds of a block (on a shared machine the CPU time is the steadier figure)."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    def __str__(self) -> str:
        return f"{self.wall:.2f} s ({self.cpu:.2f} s CPU)"


def sentiment_run(model, *, discover: bool):
    from behavetest._errors import BehaveError, BehaviorFailed
    from behavetest._measure.runner import Behave
    from behavetest._notebook import _generators
    from behavetest._cases.generate import Generator
    from behavetest._suites.build import build_suite
    from behavetest._suites.builtin import find_suite

    _, built_tests = build_suite(find_suite("sentiment"))
    generator = _generators.setdefault(0, Generator(seed=0))
    results = []
    for built in built_tests:
        behave = Behave(test_name=built.test.name, nodeid=f"{built.suite.path}::{built.test.name}",
                        generator=generator, record=results.append, shrink_budget=0, discover=discover)
        try:
            built.run(behave, model)
        except (BehaviorFailed, BehaveError):
            pass
    return results


def bench_sentiment(repeats: int) -> None:
    import behavetest as bt
    from examples.sentiment_vader.vader_model import vader

    model = vader()
    sentiment_run(model, discover=True)  # warm: predictions cached on the model, cases in the generator
    for i in range(repeats):
        with Clock() as without:
            plain = sentiment_run(model, discover=False)
        with Clock() as with_attributes:
            recorded = sentiment_run(model, discover=True)
        with Clock() as discovery:
            found = bt.discover(recorded)
        cases = sum(r.cases for r in plain)
        added = with_attributes.cpu - without.cpu + discovery.cpu
        print(f"sentiment repeat {i + 1}: {len(plain)} tests, {cases} cases; run without attributes {without}, "
              f"with {with_attributes}; discover {discovery} over {found.candidates} candidates, "
              f"{len(found.findings)} findings; added {added:.2f} s CPU")


def tabular_rows(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    columns = {
        "sex": rng.choice(["female", "male"], n),
        "age": rng.integers(18, 71, n),
        "housing": rng.choice(["own", "rent", "free"], n),
        "job": rng.integers(0, 4, n),
        "purpose": rng.choice(["car", "tv", "furniture", "business", "education", "repairs", "vacation", "other"], n),
        "checking": rng.choice(["none", "little", "moderate", "rich"], n),
        "savings": rng.choice(["little", "moderate", "quite rich", "rich"], n),
        "region": rng.choice(["north", "south", "east", "west", "centre"], n),
        "channel": rng.choice(["web", "branch", "phone"], n),
        "foreign": rng.choice([True, False], n),
        "dependents": rng.integers(0, 5, n),
        "years_employed": rng.integers(0, 40, n),
        "existing_credits": rng.integers(1, 5, n),
        "residence_years": rng.integers(1, 30, n),
        "installment_rate": rng.integers(1, 50, n),
    }
    for name, scale in (("amount", 3000.0), ("duration", 12.0), ("income", 20000.0), ("debt_ratio", 0.2),
                        ("score", 100.0)):
        columns[name] = np.round(rng.gamma(2.0, scale, n), 2)
    keys = list(columns)
    rows = [{k: columns[k][i].item() for k in keys} for i in range(n)]
    failed = (columns["sex"] == "female") & (columns["age"] < 25) | (rng.random(n) < 0.05)
    return rows, failed


def bench_tabular(repeats: int, n: int) -> None:
    import behavetest as bt
    from behavetest._measure.features import case_columns

    rows, failed = tabular_rows(n)
    for i in range(repeats):
        with Clock() as attributes:
            columns = case_columns(rows)
        result = {"model": "m", "capability": "C", "nodeid": "bench", "name": "tabular",
                  "case_table": {"failed": failed.astype(int).tolist(), "columns": columns, "failing_inputs": []}}
        with Clock() as discovery:
            found = bt.discover(result)
        head = found.findings[0]["slice"] if found.findings else "-"
        print(f"tabular repeat {i + 1}: {n} rows x {len(rows[0])} features; attributes {attributes}, "
              f"discover {discovery} over {found.candidates} candidates; {len(found.findings)} findings, "
              f"first: {head}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["sentiment", "tabular"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    if args.only in (None, "sentiment"):
        bench_sentiment(args.repeats)
    if args.only in (None, "tabular"):
        bench_tabular(args.repeats, args.rows)


if __name__ == "__main__":
    main()
