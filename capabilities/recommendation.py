"""The built-in ``recommendation`` suite: behavioral tests of a recommender built from user and item roles.

A suite file extends it and says where the users and the catalog are::

    # movies.behave.yaml
    extends: recommendation
    model: movie_model:recommender          # a bt.Model(..., output="ranking")
    params:
      users: movie_model:test_users         # module:attribute: a list of user dicts (or a function returning one)
      items: movie_model:catalog            # item id -> attributes, e.g. {genre: Drama, adult: false}
      k: 10                                 # the length of the list judged (default 10)
      ratings: [1, 5]                       # the rating scale; leave out for implicit feedback
      genre: genre                          # the item attribute the personalisation tests follow
      genres: [Comedy, Drama, Horror]       # its values to test (one DIR test each)
      restricted:                           # items some users must never get
        - {name: no_adult_titles_for_children, users: {child: true}, items: {adult: true}}
      min_jaccard: 0.7                      # Stability: the top k shares at least this much (default 0.7)
      max_fail_rate: {Relevance: 0.0, Safety: 0.0}   # or one number for every test
      samples: 3
      slices: {heavy_users: {n_ratings: [50, null]}}

A user is a dict holding its history under ``history`` (a list of item ids, or
of ``(item, rating)`` pairs on the rating scale); any other keys (``child``, an id)
are the user's attributes, which ``restricted`` and ``slices`` match like the
tabular suite's column predicates (a user or item without the attribute matches none).

The tests, each with its capability:

==============================  ================  ==================================================
``never_recommends_seen``       Relevance         MFT: no item of the user's history is in the top k
``restricted_<name>``           Safety            MFT: users matching ``users`` get no item matching
                                                  ``items`` in the top k
``unrelated_interaction``       Stability         INV: one more interaction (an item drawn from the
                                                  catalog, rated in the middle of the scale) keeps
                                                  the top k's Jaccard overlap at ``min_jaccard`` or more
``history_order``               Stability         INV: the same history in another order, the same
                                                  overlap bound
``removed_interaction``         Stability         INV: one interaction fewer, the same overlap bound
``more_<genre>``                Personalization   DIR (one per value in ``genres``): two more items of
                                                  the genre, rated at the top of the scale, never push
                                                  the genre's best-ranked unseen item down
==============================  ================  ==================================================

Every check of the params happens when the suite file is loaded, with the line of
the bad value; users and items are read when the tests run.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Callable

from behavetest._suites.loader import SuiteError, SuiteTest
from behavetest.capabilities._params import ParamsBuilder
from behavetest.capabilities.tabular import _column_predicate, _finite

CAPABILITIES = ("Relevance", "Safety", "Stability", "Personalization")
KEYS = ("users", "items", "k", "ratings", "genre", "genres", "restricted", "min_jaccard", "max_fail_rate", "samples",
        "slices")


def build(params: Any, *, path: str, line: int, lines: dict[tuple, int] | None = None) -> list[SuiteTest]:
    """The tests declared by ``params`` (see the module's docstring); raises SuiteError naming the line."""
    return _Builder(params, path, line, lines or {}).tests()


class _Lazy:
    """A ``module:attribute`` reference resolved once, when a test first needs it."""

    def __init__(self, reference: str, path: str, line: int, what: str, check: Callable[[Any], str | None]) -> None:
        self.reference, self.path, self.line, self.what, self.check = reference, path, line, what, check
        self._value: Any = None

    def __call__(self) -> Any:
        if self._value is None:
            from behavetest._suites.build import resolve

            value = resolve(self.reference, base=Path(self.path).parent)
            value = value() if callable(value) else value
            problem = self.check(value)
            if problem:
                raise SuiteError(self.path, self.line, f"recommendation params: {self.what} {self.reference!r} {problem}")
            self._value = value
        return self._value


def _users_problem(value: Any) -> str | None:
    if not isinstance(value, (list, tuple)) or not value:
        return f"must give a non-empty list of user dicts, not {type(value).__name__}"
    for user in value:
        if not isinstance(user, dict) or not isinstance(user.get("history"), (list, tuple)):
            return f"holds {user!r}, which is not a dict with a 'history' list"
    return None


def _items_problem(value: Any) -> str | None:
    if not isinstance(value, dict) or not value:
        return f"must give a non-empty mapping item id -> attributes, not {type(value).__name__}"
    bad = next((v for v in value.values() if not isinstance(v, dict)), None)
    return None if bad is None else f"maps an item to {bad!r}, not a dict of attributes"


class _Builder(ParamsBuilder):
    suite = "recommendation"
    needs = "naming the users and the items"
    example = "{users: mymodule:users, items: mymodule:catalog}"

    def _reference(self, key: str, check: Callable[[Any], str | None]) -> _Lazy:
        value = self.params.get(key)
        if not isinstance(value, str) or value.count(":") != 1 or value.startswith(":") or value.endswith(":"):
            raise self.error((key,), f"{key} must be a 'module:attribute' reference, not {value!r}",
                             f"e.g. '{key}: movie_model:{'test_users' if key == 'users' else 'catalog'}'")
        return _Lazy(value, self.path, self.line((key,)), key, check)

    def tests(self) -> list[SuiteTest]:
        p = self.params
        for key in p:
            if key not in KEYS:
                raise self.error((key,), f"unknown key {key!r}", f"use one of: {', '.join(KEYS)}")
        users = self._reference("users", _users_problem)
        items = self._reference("items", _items_problem)
        k = p.get("k", 10)
        if not isinstance(k, int) or isinstance(k, bool) or k < 1:
            raise self.error(("k",), f"k must be a positive integer, not {k!r}", "e.g. 'k: 10'")
        ratings = p.get("ratings")
        if ratings is not None and not (isinstance(ratings, list) and len(ratings) == 2 and all(map(_finite, ratings))
                                        and ratings[0] < ratings[1]):
            raise self.error(("ratings",), f"ratings must be the scale [lowest, highest], not {ratings!r}", "e.g. 'ratings: [1, 5]'")
        jaccard = p.get("min_jaccard", 0.7)
        if not _finite(jaccard) or not 0 <= jaccard <= 1:
            raise self.error(("min_jaccard",), f"min_jaccard must be a number from 0 to 1, not {jaccard!r}", "e.g. 'min_jaccard: 0.7'")
        samples = p.get("samples", 3)
        if not isinstance(samples, int) or isinstance(samples, bool) or samples < 1:
            raise self.error(("samples",), f"samples must be a positive integer, not {samples!r}", "e.g. 'samples: 3'")
        rates = self._rates()
        slices = {name: self._predicate(("slices", name), spec, f"slice {name!r}")
                  for name, spec in self._mapping("slices").items()}
        middle = None if ratings is None else _middle(ratings)
        top = None if ratings is None else ratings[1]

        def catalog() -> list:
            return list(items())

        def seen(user: dict) -> list:
            return [x[0] if isinstance(x, (list, tuple)) else x.get("item") if isinstance(x, dict) else x
                    for x in user["history"]]

        seen.__name__ = "the user's history"

        def test(at, name, capability, kind, *, expect, perturb=None, inputs=None, n=1) -> SuiteTest:
            line = self.line(at)
            return SuiteTest(self.path, line, name, capability, kind, inputs=inputs or users, expect=expect,
                             perturb=perturb, samples=n, max_fail_rate=rates.get(capability), slices=dict(slices),
                             lines={"name": line, "perturb": line, "expect": line, "inputs": self.line(("users",))})

        overlap = {"top_k_overlap": {"min_jaccard": jaccard, "k": k}}
        out = [test((), "never_recommends_seen", "Relevance", "MFT", expect={"not_in_top_k": {"items": seen, "k": k}})]
        for i, rule in enumerate(self._restricted()):
            at = ("restricted", i)
            who = self._predicate((*at, "users"), rule["users"], f"restricted {rule['name']!r} users")
            what = self._predicate((*at, "items"), rule["items"], f"restricted {rule['name']!r} items")
            forbidden = _Forbidden(items, what)
            out.append(test((*at, "name"), f"restricted_{rule['name']}", "Safety", "MFT",
                            expect={"not_in_top_k": {"items": forbidden, "k": k}},
                            inputs=_Matching(users, who, self.path, self.line((*at, "users")), rule["name"])))
        out.append(test((), "unrelated_interaction", "Stability", "INV", expect=overlap, n=samples,
                        perturb={"add_interaction": {"items": _Catalog(catalog), "rating": middle}}))
        out.append(test((), "history_order", "Stability", "INV", expect=overlap, n=samples,
                        perturb={"reorder_interactions": None}))
        out.append(test((), "removed_interaction", "Stability", "INV", expect=overlap, n=samples,
                        perturb={"remove_interaction": None}))
        genre, values = p.get("genre"), p.get("genres")
        if (genre is None) != (values is None):
            raise self.error(("genre" if genre is not None else "genres",), "genre and genres go together",
                             "give 'genre: <item attribute>' and 'genres: [values to test]'")
        if genre is not None:
            if not isinstance(genre, str):
                raise self.error(("genre",), f"genre must name an item attribute, not {genre!r}", "e.g. 'genre: genre'")
            if not isinstance(values, list) or not values or len(set(map(repr, values))) != len(values):
                raise self.error(("genres",), f"genres must be a list of distinct genre values, not {values!r}",
                                 "e.g. 'genres: [Comedy, Drama]'")
            table = _Genres(items, genre)
            for i, value in enumerate(values):
                name = "".join(c if c.isalnum() else "_" for c in str(value)).strip("_").lower() or f"genre_{i}"
                out.append(test(("genres", i), f"more_{name}", "Personalization", "DIR", n=samples,
                                perturb={"add_genre_items": {"genre": value, "genres": table, "n": 2, "rating": top}},
                                expect={"rank_improves": {"items": _Unseen(table, value, seen), "by": 0, "k": k}}))
        return out

    def _mapping(self, key: str) -> dict:
        value = self.params.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error((key,), f"{key} must be a mapping, not {value!r}")
        return value

    def _restricted(self) -> list[dict]:
        rules = self.params.get("restricted") or []
        if not isinstance(rules, list):
            raise self.error(("restricted",), "restricted must be a list of {name, users, items}")
        names = set()
        for i, rule in enumerate(rules):
            if not isinstance(rule, dict) or set(rule) != {"name", "users", "items"}:
                raise self.error(("restricted", i), f"a restricted rule needs exactly name, users and items, not {rule!r}",
                                 "e.g. '{name: no_adult_titles_for_children, users: {child: true}, items: {adult: true}}'")
            if not isinstance(rule["name"], str) or not rule["name"].isidentifier() or rule["name"] in names:
                raise self.error(("restricted", i, "name"), f"restricted names must be unique identifiers, not {rule['name']!r}")
            names.add(rule["name"])
        return rules

    def _predicate(self, at: tuple, spec: Any, what: str) -> Callable[[Any], bool]:
        if not isinstance(spec, dict) or not spec:
            raise self.error(at, f"{what} must map attributes to predicates, not {spec!r}", "e.g. '{child: true}'")
        tests = [_column_predicate(column, predicate, lambda message, c=column: self.error((*at, c), f"{what}: {message}"))
                 for column, predicate in spec.items()]

        columns = list(spec)

        def predicate(row: Any) -> bool:
            return all(c in row for c in columns) and all(t(row) for t in tests)

        predicate.__name__ = what
        return predicate

    def _rates(self) -> dict[str, float]:
        value = self.params.get("max_fail_rate")
        if value is None:
            return {}
        pairs = value.items() if isinstance(value, dict) else [(c, value) for c in CAPABILITIES]
        out = {}
        for capability, rate in pairs:
            at = ("max_fail_rate", capability) if isinstance(value, dict) else ("max_fail_rate",)
            if capability not in CAPABILITIES:
                raise self.error(at, f"no capability {capability!r} in the recommendation suite", f"use one of: {', '.join(CAPABILITIES)}")
            if not _finite(rate) or not 0 <= rate <= 1:
                raise self.error(at, f"max_fail_rate must be a number from 0 to 1, not {rate!r}", "e.g. 'max_fail_rate: 0.05'")
            out[capability] = float(rate)
        return out


def _middle(ratings: list) -> float:
    low, high = ratings
    mid = (low + high) / 2
    return int(mid) if all(isinstance(v, int) for v in ratings) and mid == math.floor(mid) else mid


class _Catalog:
    """The catalog's item ids, read when the perturbation first needs them."""

    def __init__(self, catalog: Callable[[], list]) -> None:
        self.catalog = catalog
        self.__name__ = "the catalog"

    def __call__(self, user: Any) -> list:
        return self.catalog()


class _Forbidden:
    """The items matching a restricted rule's item predicate."""

    def __init__(self, items: _Lazy, matches: Callable[[Any], bool]) -> None:
        self.items, self.matches = items, matches
        self.__name__ = matches.__name__
        self._ids: list | None = None

    def __call__(self, user: Any) -> list:
        if self._ids is None:
            self._ids = [item for item, attributes in self.items().items() if self.matches(attributes)]
        return self._ids


class _Matching:
    """The users a restricted rule applies to, selected when the test runs."""

    def __init__(self, users: _Lazy, matches: Callable[[Any], bool], path: str, line: int, name: str) -> None:
        self.users, self.matches, self.path, self.line, self.name = users, matches, path, line, name

    def __call__(self) -> list:
        chosen = [u for u in self.users() if self.matches(u)]
        if not chosen:
            raise SuiteError(self.path, self.line, f"recommendation params: no user matches restricted {self.name!r}",
                             "check the users predicate against the users' attributes")
        return chosen


class _Genres:
    """Item id -> genre (or genres), read from the catalog when first needed."""

    def __init__(self, items: _Lazy, attribute: str) -> None:
        self.items, self.attribute = items, attribute
        self._table: dict | None = None

    def __call__(self) -> dict:
        if self._table is None:
            catalog = self.items()
            missing = next((item for item, attributes in catalog.items() if self.attribute not in attributes), None)
            if missing is not None:
                raise SuiteError(self.items.path, self.items.line,
                                 f"recommendation params: item {missing!r} has no {self.attribute!r} attribute")
            self._table = {item: attributes[self.attribute] for item, attributes in catalog.items()}
        return self._table


class _Unseen:
    """The items of one genre that are not in the perturbed user's history."""

    def __init__(self, genres: _Genres, value: Any, seen: Callable[[Any], list]) -> None:
        self.genres, self.value, self.seen = genres, value, seen
        self.__name__ = f"unseen {value} items"

    def __call__(self, before: Any, after: Any) -> list:
        have = set(self.seen(after))
        return [i for i, g in self.genres().items()
                if (self.value in g if isinstance(g, (list, tuple)) else g == self.value) and i not in have]
