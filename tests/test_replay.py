"""Replay: failures remembered between runs are checked first and reported apart from the rate."""

import behavetest as bt
from behavetest._cases.generate import Generator
from behavetest._cases.replay import ReplayStore
from fixtures.models import LABELS, flips_on


class FakeCache:
    """The two methods of pytest's config.cache that the store uses."""

    def __init__(self):
        self.data = {}

    def get(self, key, default):
        return self.data.get(key, default)

    def set(self, key, value):
        self.data[key] = value


def model(predicate):
    return bt.Model(flips_on(predicate), labels=LABELS, name="m")


REVIEWS = ["good film", "great acting", "lovely score", "fine plot"]


def run(m, store, generator):
    behave = bt.Behave(test_name="t", nodeid="x.py::t", generator=generator, replay=store, shrink_budget=0)
    return behave.inv(m, REVIEWS, perturb=bt.perturb.append([" !", " ?"]), samples=2, capability="Robustness")


def test_earlier_failures_are_replayed_and_reported_without_changing_the_rate():
    store, generator = ReplayStore(FakeCache()), Generator(seed=0)
    first = run(model(lambda t: t.endswith("?")), store, generator)
    assert first.replay is None and first.failures == 4  # every review gets " ?" among its two samples

    fixed = run(model(lambda t: False), store, generator)
    assert fixed.failures == 0 and fixed.cases == 4
    assert fixed.replay["cases"] == 4 and fixed.replay["now_passing"] == 4 and fixed.replay["still_failing"] == 0
    assert {p["perturbed"] for p in fixed.replay["pairs"]} == {r + " ?" for r in REVIEWS}
    assert {p["status"] for p in fixed.replay["pairs"]} == {"now passing"}

    broken = run(model(lambda t: t.endswith("?")), store, generator)
    assert broken.failures == first.failures  # the rate is measured as before
    assert broken.replay is None  # the fixed run remembered no failures, so nothing is replayed


def test_a_store_ignores_another_tests_entries():
    cache = FakeCache()
    ReplayStore(cache).save("a", [("x", "y")])
    assert ReplayStore(cache).load("a") == [("x", "y")]
    assert ReplayStore(cache).load("b") == []
