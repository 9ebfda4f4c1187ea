"""Rankings: output="ranking" models, top-k expectations, rank moves, and perturbations of a user's history."""

from __future__ import annotations

import json

import numpy  # noqa: F401  (imported before any pytester run; see conftest.py)
import pytest

import behavetest as bt
from behavetest._cases.generate import Generator
from behavetest._model.keys import cache_key

GENRES = {1: "drama", 2: "drama", 3: "drama", 4: "comedy", 5: "comedy", 6: "comedy", 7: "horror", 8: "horror",
          9: "adult", 10: "adult"}
POPULARITY = {item: 11 - item for item in GENRES}  # item 1 is the most popular


def recommend(users, *, exclude_seen=True, k=5):
    """A planted recommender: popularity, plus 3 per liked (rating >= 4) item of the same genre; no adult titles
    for children."""
    out = []
    for user in users:
        liked = [GENRES[i] for i, r in user["history"] if r >= 4]
        seen = {i for i, _ in user["history"]}
        scores = {i: POPULARITY[i] + 3 * liked.count(g) for i, g in GENRES.items()
                  if not (exclude_seen and i in seen) and not (user.get("child") and g == "adult")}
        out.append(sorted(scores, key=lambda i: (-scores[i], i))[:k])
    return out


RECOMMENDER = bt.Model(recommend, output="ranking", name="planted")
USERS = [{"user": 1, "history": [(1, 5), (4, 2)]}, {"user": 2, "history": [(7, 4)], "child": True},
         {"user": 3, "history": [(9, 5), (2, 3), (5, 4)]}]


def seen(user):
    return [item for item, _ in user["history"]]


def run(method, model, inputs, **kwargs):
    return getattr(bt.Behave(test_name="t"), method)(model, inputs, capability="Ranking", **kwargs)


def draw(perturbation, inputs, samples=3):
    return [g.values for g in Generator(0).generate(perturbation, inputs, [cache_key(x) for x in inputs], samples)]


def test_in_and_not_in_top_k():
    assert run("mft", RECOMMENDER, USERS, expect=bt.expect.not_in_top_k(seen)).failures == 0
    leaky = bt.Model(lambda users: recommend(users, exclude_seen=False), output="ranking", name="leaky")
    result = run("mft", leaky, USERS, expect=bt.expect.not_in_top_k(seen, k=5))
    assert result.failures == 3  # each gets a seen item back: 1 (popular), 7 (a liked genre), 2 and 5
    assert run("mft", leaky, USERS, expect=bt.expect.not_in_top_k(seen, k=2)).failures == 1  # only user 1's item 1
    assert result.examples[0].prediction.ranking[:2] == (1, 2)
    children = [u for u in USERS if u.get("child")]
    assert run("mft", RECOMMENDER, children, expect=bt.expect.not_in_top_k([9, 10])).failures == 0
    assert run("mft", RECOMMENDER, USERS, expect=bt.expect.in_top_k(2, k=1)).failures == 2
    # top 3: [2, 3, 5], [1, 2, 3], [1, 4, 3]
    assert run("mft", RECOMMENDER, USERS, expect=bt.expect.in_top_k([2, 3], k=3)).failures == 1
    assert run("mft", RECOMMENDER, USERS, expect=bt.expect.in_top_k([3, 4], k=3)).failures == 2
    assert run("mft", RECOMMENDER, USERS, expect=bt.expect.in_top_k([2, 4], k=3, require="any")).failures == 0
    assert run("mft", RECOMMENDER, USERS, expect=bt.expect.in_top_k(lambda user: user["user"], k=3)).failures == 1


def test_top_k_overlap_counts_jaccard_exactly():
    before = bt.Model(lambda xs: [[1, 2, 3, 4] if x == "a" else [1, 2, 3, 5] for x in xs], output="ranking")
    result = run("inv", before, ["a"], perturb=bt.perturb.replace({"a": "b"}),
                 expect=bt.expect.top_k_overlap(min_jaccard=0.6, k=4))
    assert result.failures == 0  # 3 shared of 5: 0.6
    result = run("inv", before, ["a"], perturb=bt.perturb.replace({"a": "b"}),
                 expect=bt.expect.top_k_overlap(min_jaccard=0.61, k=4))
    assert result.failures == 1
    assert run("inv", before, ["a"], perturb=bt.perturb.replace({"a": "b"}),
               expect=bt.expect.top_k_overlap(min_jaccard=1.0, k=3)).failures == 0


def test_rating_a_genre_highly_moves_it_up():
    comedies = [i for i, g in GENRES.items() if g == "comedy"]
    result = run("dir", RECOMMENDER, USERS, perturb=bt.perturb.add_genre_items("comedy", GENRES, rating=5),
                 expect=bt.expect.rank_improves(lambda before, after: [i for i in comedies if i not in seen(after)]))
    assert (result.cases, result.failures) == (3, 0)
    worse = run("dir", RECOMMENDER, USERS, perturb=bt.perturb.add_genre_items("comedy", GENRES, rating=5),
                expect=bt.expect.rank_worsens(lambda before, after: [i for i in comedies if i not in seen(after)]))
    assert worse.failures == 3


def test_rank_moves_count_items_leaving_the_list_as_below_it():
    model = bt.Model(lambda xs: [[1, 2, 3] if x == "a" else [2, 3, 4] for x in xs], output="ranking")
    swap = bt.perturb.replace({"a": "b"})
    assert run("dir", model, ["a"], perturb=swap, expect=bt.expect.rank_worsens(1)).failures == 0
    assert run("dir", model, ["a"], perturb=swap, expect=bt.expect.rank_improves(2)).failures == 0
    assert run("dir", model, ["a"], perturb=swap, expect=bt.expect.rank_improves(2, by=2)).failures == 1
    assert run("dir", model, ["a"], perturb=swap, expect=bt.expect.rank_improves(4, by=1)).failures == 0
    assert run("dir", model, ["a"], perturb=swap, expect=bt.expect.rank_improves(9, by=0)).failures == 0
    assert run("dir", model, ["a"], perturb=swap, expect=bt.expect.rank_improves(9, by=1)).failures == 1


def test_history_perturbations_keep_the_rest_of_the_input():
    user = {"user": 1, "history": [(1, 5), (4, 2), (7, 3)], "child": False}
    for values, name in ((draw(bt.perturb.add_interaction([1, 2, 3], rating=4), [user])[0], "add"),
                         (draw(bt.perturb.remove_interaction(), [user])[0], "remove"),
                         (draw(bt.perturb.reorder_interactions(), [user])[0], "reorder"),
                         (draw(bt.perturb.change_rating(by=1, max=5), [user])[0], "rating")):
        assert values, name
        for v in values:
            assert v["user"] == 1 and v["child"] is False and v["history"] != user["history"], name
            if name == "add":
                assert v["history"][:3] == user["history"] and v["history"][3] in ((2, 4), (3, 4))
            if name == "remove":
                assert len(v["history"]) == 2 and all(x in user["history"] for x in v["history"])
            if name == "reorder":
                assert sorted(v["history"]) == sorted(user["history"])
            if name == "rating":
                changed = [(a, b) for a, b in zip(user["history"], v["history"]) if a != b]
                assert len(changed) == 1 and changed[0][1][1] == changed[0][0][1] + 1 and changed[0][0][0] != 1
    implicit = [[3, 1], [2]]
    added = draw(bt.perturb.add_interaction([1, 2, 3]), implicit)
    assert added[0] == [[3, 1, 2]] and sorted(added[1]) == [[2, 1], [2, 3]]
    removed = draw(bt.perturb.remove_interaction(), implicit)
    assert sorted(removed[0]) == [[1], [3]] and removed[1] == []
    dicts = [[{"item": 1, "rating": 2.0}]]
    assert draw(bt.perturb.change_rating(to=[2.0, 4.5]), dicts) == [[[{"item": 1, "rating": 4.5}]]]


def test_history_perturbations_say_what_is_wrong():
    with pytest.raises(bt.DeclarationError, match="has ratings"):
        draw(bt.perturb.add_interaction([2]), [[(1, 5)]])
    with pytest.raises(bt.DeclarationError, match="no 'history' key"):
        draw(bt.perturb.remove_interaction(), [{"items": [1, 2]}])
    with pytest.raises(bt.DeclarationError, match="no item has the genre 'western'"):
        bt.perturb.add_genre_items("western", GENRES)
    with pytest.raises(bt.DeclarationError, match="exactly one of to="):
        bt.perturb.change_rating()


def test_ranking_models_are_declared_and_validated():
    with pytest.raises(bt.ModelError, match="ranked an item twice"):
        bt.Model(lambda xs: [[1, 1] for _ in xs], output="ranking").predict(["a"])
    with pytest.raises(bt.ModelError, match="as a ranking; a ranking is a list of item ids"):
        bt.Model(lambda xs: ["abc" for _ in xs], output="ranking").predict(["a"])
    with pytest.raises(bt.DeclarationError, match="returns rankings; say how much they may change"):
        run("inv", RECOMMENDER, USERS, perturb=bt.perturb.remove_interaction())
    with pytest.raises(bt.DeclarationError, match="use expect.in_top_k"):
        run("mft", RECOMMENDER, USERS, expect=bt.expect.label(1))
    with pytest.raises(bt.DeclarationError, match="must take \\(original, perturbed\\)"):
        bt.expect.rank_improves(lambda user: 1)
    with pytest.raises(bt.DeclarationError, match="min_jaccard must be a number in \\[0, 1\\]"):
        bt.expect.top_k_overlap(min_jaccard=2, k=3)


CONFTEST = '''
import pytest
import behavetest as bt

@pytest.fixture(scope="session")
def recommender():
    return bt.Model(lambda users: [list(range(1, 13)) for _ in users], output="ranking", name="popularity")
'''

TESTS = '''
import behavetest as bt

USERS = [{"user": 1, "history": [1, 5]}, {"user": 2, "history": [7]}]

def test_never_seen(behave, recommender):
    behave.mft(recommender, USERS, expect=bt.expect.not_in_top_k(lambda u: u["history"], k=5),
               capability="Taxonomy", max_fail_rate=0.0)
'''


@pytest.mark.parametrize("workers", [[], ["-n", "2"]])
def test_rankings_reach_the_terminal_and_the_reports(pytester, workers):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_rec=TESTS)
    result = pytester.runpytest_subprocess("--behave", "--behave-details", "--behave-json=run.json",
                                           "--behave-md=run.md", *workers)
    assert result.ret == 1
    out = result.stdout.str()
    assert "-> ranking [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ...] (expected not_in_top_k(<lambda>, k=5))" in out
    assert "-> ranking [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]" in out  # the summary keeps the first 10 items
    doc = json.loads((pytester.path / "run.json").read_text())
    (test,) = doc["tests"]
    assert test["failures"] == 1 and test["examples"][0]["prediction"] == {"ranking": list(range(1, 11))}
    assert "| ranking \\[1, 2, 3, 4, 5, 6, 7, 8, 9, 10\\] |" in (pytester.path / "run.md").read_text()
