"""The shared planted models in fixtures/ have exactly the bugs they are documented to have."""

from __future__ import annotations

import json

import numpy as np
import pytest

import behavetest as bt
from behavetest._cases.generate import Generator
from behavetest._measure.runner import Behave
from fixtures import models


def behave() -> Behave:
    return Behave(test_name="t", nodeid="t.py::t", record=lambda r: None, generator=Generator(seed=0))


def test_notblind_ignores_negation(negation_blind, labeled_reviews):
    texts = [t for t, _ in labeled_reviews]
    got = [negation_blind.predict(texts).at(i).label for i in range(len(texts))]
    # right wherever "bad" decides; wrong on "not a bad way" and "not a good movie"
    assert got == ["positive", "positive", "negative", "negative", "positive", "positive"]
    result = behave().mft(negation_blind, texts, labels=[label for _, label in labeled_reviews], capability="N")
    assert (result.cases, result.failures) == (6, 3)


def test_typo_blind_loses_its_opinion_words_to_a_typo(typo_blind):
    result = behave().inv(typo_blind, ["good", "awful"], perturb=bt.perturb.typos(1), samples=3, capability="R")
    assert (result.cases, result.failures) == (2, 2)  # every typo of a lone opinion word is a new word
    kept = behave().inv(typo_blind, ["good plot", "awful plot"], perturb=bt.perturb.replace({"plot": "story"}),
                        capability="R")
    assert kept.failures == 0


def test_name_biased_turns_a_name_negative(name_biased):
    texts = ["Chidi cooked a lovely meal.", "Anna cooked a lovely meal.", "Emeka's food was bad."]
    assert [name_biased.predict(texts).at(i).label for i in range(3)] == ["negative", "positive", "negative"]
    result = behave().inv(name_biased, ["Anna cooked a lovely meal."],
                          perturb=bt.perturb.replace({"Anna": list(models.BIASED_NAMES)}), samples=3, capability="F")
    assert (result.cases, result.failures, result.pairs, result.pair_failures) == (1, 1, 3, 3)


def test_random_model_is_stable_and_unrelated_to_the_text(random_model):
    texts = [f"review {i}" for i in range(400)]
    p = random_model.predict(texts).proba[:, 1]
    assert np.array_equal(p, models.random_model(texts)[:, 1])
    assert 0.4 < p.mean() < 0.6 and 0.2 < p.std() < 0.35  # uniform on [0, 1]: mean 1/2, sd 0.29


def test_the_broken_models_break_as_documented(broken_models, raising_model):
    assert sorted(broken_models) == ["fragile", "labeller", "logits", "nan_model", "short_model"]
    with pytest.raises(ValueError, match="boom"):
        models.fragile(["fine", "boom"])
    assert raising_model.predict(["fine"]).at(0).label == "positive"
    assert np.isnan(models.nan_model(["nan"])[0]).all() and len(models.short_model(["a", "b"])) == 1
    assert list(models.labeller(["meh", "ok"])) == ["neutral", "positive"] and models.logits(["x"])[0][0] > 1


def test_words_blind_is_negative_exactly_on_its_words():
    blind = models.words_blind(("helpful", "rude"))
    texts = ["Ann is a helpful person.", "Bob is a rude one.", "Unhelpful, not helpful-ish.", "Cem is kind."]
    assert list(blind(texts)) == ["negative", "negative", "positive", "positive"]
    assert len(models.ADJECTIVES) == len(set(models.ADJECTIVES)) == 20 and {"helpful", "rude"} <= set(models.ADJECTIVES)


def test_counting_records_batches():
    counting = models.Counting(models.notblind)
    model = bt.Model(counting, labels=models.LABELS, batch_size=2)
    model.predict(["a", "b", "c", "a"])
    assert counting.batches == [["a", "b"], ["c"]] and counting.seen == ["a", "b", "c"]


def test_the_suite_snippet_runs_against_a_planted_model(suite_snippet, negation_blind):
    run = bt.run(str(suite_snippet("negation")), negation_blind)
    by_name = {r.name: r for r in run.results}
    assert (by_name["negated_praise"].cases, by_name["negated_praise"].failures) == (4, 4)
    assert by_name["typos_keep_label"].failures == 0
    with pytest.raises(LookupError, match="negation"):
        suite_snippet("nonexistent")


def test_planted_pytester_lets_inner_runs_import_the_planted_models(planted_pytester):
    planted_pytester.makeconftest("""
import pytest
import behavetest as bt
from planted_models import LABELS, notblind

@pytest.fixture(scope="session")
def model():
    return bt.Model(notblind, labels=LABELS, name="notblind")
""")
    planted_pytester.makepyfile(test_inner="""
def test_negation(behave, model):
    behave.mft(model, ["not good", "bad"], labels=["negative", "negative"], capability="Negation")
""")
    result = planted_pytester.runpytest_subprocess("--behave", "-p", "no:cacheprovider", "--behave-json", "out.json")
    assert result.ret == 0
    (test,) = json.loads((planted_pytester.path / "out.json").read_text())["tests"]
    assert (test["cases"], test["failures"]) == (2, 1)
