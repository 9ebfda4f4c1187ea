"""The pair, QA and recommender examples: their models work, and the built-in suites find their known failures."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

import behavetest as bt

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(folder: str, name: str, monkeypatch):
    """Import an example's module by its own name (its suite file names it), removed from sys.modules afterwards."""
    pytest.importorskip("sklearn")
    monkeypatch.syspath_prepend(str(EXAMPLES / folder))
    monkeypatch.delitem(sys.modules, name, raising=False)
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)
    return module


def by_name(run) -> dict:
    return {r.name: r for r in run.results}


def test_the_qqp_model_learns_its_patterns_and_is_exactly_symmetric(monkeypatch):
    qqp = load("qqp_tfidf", "qqp_model", monkeypatch)
    pairs, labels = qqp.training_pairs(400, seed=99)  # other draws of the same patterns
    proba = qqp.predict_proba(pairs)
    accuracy = sum(qqp.LABELS[i] == y for i, y in zip(proba.argmax(axis=1), labels)) / len(labels)
    assert accuracy >= 0.95
    swapped = qqp.predict_proba([p[::-1] for p in pairs])
    assert abs(proba - swapped).max() < 1e-12


def test_the_qqp_suite_finds_the_name_blind_spot(monkeypatch):
    qqp = load("qqp_tfidf", "qqp_model", monkeypatch)
    r = by_name(bt.run("qqp", qqp.model))
    assert r["logic_symmetry"].failures == 0
    name = r["ner_name_changed_in_one"]
    assert name.cases >= 50 and name.failures / name.cases >= 0.9
    assert r["ner_name_changed_in_both"].failures == 0


def test_the_reader_answers_from_the_window_and_fails_what_the_suite_says(monkeypatch):
    reader = load("qa_baseline", "reader", monkeypatch)
    assert reader.answer("Ana is a doctor from Lima.", "What is Ana's job?") == "doctor"
    assert reader.answer("The museum opens at nine.", "When does the museum open?") == "nine"
    r = by_name(bt.run("qa", reader.model))
    assert r["ner_person_renamed_everywhere"].failures == 0
    assert r["robust_unrelated_sentence_in_the_context"].failures == 0
    for name in ("coref_he_and_she", "temporal_used_to_be", "negation_in_the_question"):
        assert r[name].failures == r[name].cases > 0, name  # a window of words cannot do these at all


def test_the_recommender_suite_on_nmf(monkeypatch):
    movies = load("recommender_mf", "movie_model", monkeypatch)
    users = movies.test_users()
    first = movies.recommend(users)
    assert first == movies.recommend(users) and all(len(r) == movies.K for r in first)
    r = by_name(bt.run(str(EXAMPLES / "recommender_mf" / "movies.behave.yaml"), movies.recommender))
    assert (r["never_recommends_seen"].cases, r["never_recommends_seen"].failures) == (48, 0)
    assert (r["restricted_no_adult_titles_for_children"].cases, r["restricted_no_adult_titles_for_children"].failures) == (8, 0)
    assert r["removed_interaction"].status == "fail" and r["unrelated_interaction"].failures > 0
    assert all(r[f"more_{g}"].passed for g in ("action", "comedy", "drama", "animation", "documentary"))
