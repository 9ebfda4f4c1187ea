"""The built-in recommendation suite (capabilities/recommendation.py) on planted recommenders with known answers."""

from __future__ import annotations

import textwrap

import pytest

import behavetest as bt
from behavetest._suites.loader import SuiteError, load_suite

MODULE = '''
GENRES = {1: "drama", 2: "drama", 3: "drama", 4: "comedy", 5: "comedy", 6: "comedy", 7: "horror", 8: "horror",
          9: "adult", 10: "adult", 11: "drama", 12: "comedy"}
catalog = {item: {"genre": g, "adult": g == "adult"} for item, g in GENRES.items()}
test_users = [{"user": 1, "history": [(1, 5), (4, 2)]}, {"user": 2, "history": [(7, 4)], "child": True},
              {"user": 3, "history": [(9, 5), (2, 3), (5, 4)]}, {"user": 4, "history": [(12, 1)], "child": True}]


def recommend(users, *, exclude_seen=True, protect_children=True):
    out = []
    for user in users:
        liked = [GENRES[i] for i, r in user["history"] if r >= 4]
        seen = {i for i, _ in user["history"]}
        scores = {i: (13 - i) + 3 * liked.count(g) for i, g in GENRES.items()
                  if not (exclude_seen and i in seen) and not (protect_children and user.get("child") and g == "adult")}
        out.append(sorted(scores, key=lambda i: (-scores[i], i))[:5])
    return out
'''

SUITE = '''
extends: recommendation
params:
  users: planted_rec:test_users
  items: planted_rec:catalog
  k: 5
  ratings: [1, 5]
  genre: genre
  genres: [comedy, horror]
  restricted:
    - {name: no_adult_titles_for_children, users: {child: true}, items: {adult: true}}
  max_fail_rate: {Relevance: 0.0, Safety: 0.0}
  samples: 2
  slices: {children: {child: true}}
'''


@pytest.fixture
def suite(tmp_path, monkeypatch):
    (tmp_path / "planted_rec.py").write_text(MODULE)
    path = tmp_path / "rec.behave.yaml"
    path.write_text(SUITE)
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib
    import sys

    yield path, importlib.import_module("planted_rec")
    sys.modules.pop("planted_rec", None)  # other tests re-import every loaded module in subprocesses


def results(path, recommend) -> dict:
    run = bt.run(str(path), bt.Model(recommend, output="ranking", name="planted"))
    return {r.name: r for r in run.results}


def test_the_suite_has_a_test_per_role(suite):
    path, _ = suite
    tests = {t.name: (t.capability, t.type) for t in load_suite(path).tests}
    assert tests == {
        "never_recommends_seen": ("Relevance", "MFT"),
        "restricted_no_adult_titles_for_children": ("Safety", "MFT"),
        "unrelated_interaction": ("Stability", "INV"),
        "history_order": ("Stability", "INV"),
        "removed_interaction": ("Stability", "INV"),
        "more_comedy": ("Personalization", "DIR"),
        "more_horror": ("Personalization", "DIR"),
    }


def test_a_careful_recommender_passes_relevance_safety_and_personalization(suite):
    path, module = suite
    r = results(path, module.recommend)
    assert (r["never_recommends_seen"].cases, r["never_recommends_seen"].failures) == (4, 0)
    assert (r["restricted_no_adult_titles_for_children"].cases, r["restricted_no_adult_titles_for_children"].failures) == (2, 0)
    assert (r["more_comedy"].cases, r["more_comedy"].failures) == (4, 0)
    assert (r["more_horror"].cases, r["more_horror"].failures) == (3, 0)  # user 2 saw horror item 7: one left to add
    assert r["history_order"].failures == 0  # the planted model ignores order
    assert r["history_order"].cases == 2  # users with one interaction cannot be reordered: not applicable
    assert r["removed_interaction"].cases == 2  # one interaction is always kept
    assert r["never_recommends_seen"].slices["children"]["cases"] == 2
    assert all(res.passed for res in r.values())


def test_planted_defects_fail_exactly_their_tests(suite):
    path, module = suite
    leaky = results(path, lambda users: module.recommend(users, exclude_seen=False))
    # In the top 5 again: user 1's item 1, user 2's item 7 (a liked genre), user 3's item 2; user 4's 12 ranks 12th.
    assert leaky["never_recommends_seen"].failures == 3 and leaky["never_recommends_seen"].status == "fail"
    assert leaky["restricted_no_adult_titles_for_children"].failures == 0
    unsafe = results(path, lambda users: [[10] + r[:4] for r in module.recommend(users)])  # pins an adult title
    assert unsafe["restricted_no_adult_titles_for_children"].failures == 2
    assert unsafe["never_recommends_seen"].failures == 0


def test_bad_params_name_their_line(tmp_path):
    bad = tmp_path / "bad.behave.yaml"
    bad.write_text(textwrap.dedent(SUITE).replace("  k: 5", "  k: five"))
    with pytest.raises(SuiteError, match=r"bad.behave.yaml:6: recommendation params: k must be a positive integer"):
        load_suite(bad)
    bad.write_text(SUITE.replace("  genres: [comedy, horror]\n", ""))
    with pytest.raises(SuiteError, match="genre and genres go together"):
        load_suite(bad)
    bad.write_text(SUITE.replace("users: {child: true}, items", "users: {child: true}, who: 1, items"))
    with pytest.raises(SuiteError, match="needs exactly name, users and items"):
        load_suite(bad)
