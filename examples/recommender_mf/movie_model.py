"""A movie recommender: scikit-learn's NMF matrix factorisation on a seeded, MovieLens-shaped ratings set.

No MovieLens download: ``ratings()`` generates (user, movie, rating) triples with a
fixed seed, shaped like MovieLens (ratings 1-5, a few dozen ratings per user,
popular and unpopular movies, users who prefer some genres). 600 users train the
factorisation; ``test_users()`` are 40 other users of the same population plus 8
child profiles who watch animation.

The recommender folds a user's history into the factor space (``NMF.transform``
of the user's rating row), scores every movie, drops what the user has seen and,
for child profiles, the titles marked adult, and returns the top ``K`` movie ids.
``recommender`` is the ``bt.Model`` (``output="ranking"``) for behavetest.
"""

from __future__ import annotations

import functools
import random

import numpy as np

import behavetest as bt

SEED = 0
K = 10
GENRES = ["Action", "Comedy", "Drama", "Horror", "Romance", "Animation", "Thriller", "Documentary"]
N_MOVIES, N_USERS = 160, 600


@functools.cache
def catalog() -> dict[int, dict]:
    """Movie id -> {genre, adult, quality}; about one Horror or Thriller title in three is adult-rated."""
    rng = random.Random(SEED)
    movies = {}
    for movie in range(1, N_MOVIES + 1):
        genre = GENRES[(movie - 1) % len(GENRES)]
        adult = genre in ("Horror", "Thriller") and rng.random() < 0.35
        movies[movie] = {"genre": genre, "adult": adult, "quality": round(rng.gauss(0, 0.6), 3)}
    return movies


def _user(rng: random.Random, *, child: bool = False) -> tuple[dict, list[tuple[int, int]]]:
    movies = catalog()
    liked = ["Animation"] if child else rng.sample(GENRES, 2)
    taste = {g: (1.2 if g in liked else rng.gauss(-0.3, 0.5)) for g in GENRES}
    pool = [m for m, a in movies.items() if not (child and (a["adult"] or a["genre"] in ("Horror", "Thriller")))]
    weights = [2.5 if movies[m]["genre"] in liked else 1.0 for m in pool]
    seen: dict[int, int] = {}
    for _ in range(rng.randint(8, 40)):
        movie = rng.choices(pool, weights)[0]
        score = 3.2 + taste[movies[movie]["genre"]] + movies[movie]["quality"] + rng.gauss(0, 0.7)
        seen[movie] = int(min(5, max(1, round(score))))
    return {"child": child}, list(seen.items())


@functools.cache
def ratings() -> list[tuple[int, int, int]]:
    """(user, movie, rating) triples of the training users."""
    rng = random.Random(SEED + 1)
    out = []
    for user in range(N_USERS):
        _, history = _user(rng)
        out += [(user, movie, rating) for movie, rating in history]
    return out


def test_users() -> list[dict]:
    rng = random.Random(SEED + 2)
    users = []
    for i in range(48):
        attributes, history = _user(rng, child=i >= 40)
        users.append({"user": 10_000 + i, **attributes, "history": history})
    return users


@functools.cache
def factorisation():
    from sklearn.decomposition import NMF

    matrix = np.zeros((N_USERS, N_MOVIES))
    for user, movie, rating in ratings():
        matrix[user, movie - 1] = rating
    nmf = NMF(n_components=12, init="nndsvda", max_iter=400, random_state=SEED)
    nmf.fit(matrix)
    return nmf


def recommend(users) -> list[list[int]]:
    nmf = factorisation()
    movies = catalog()
    rows = np.zeros((len(users), N_MOVIES))
    for i, user in enumerate(users):
        for movie, rating in user["history"]:
            rows[i, movie - 1] = rating
    scores = nmf.transform(rows) @ nmf.components_
    out = []
    for user, row in zip(users, scores):
        seen = {movie for movie, _ in user["history"]}
        order = np.argsort(-row, kind="stable") + 1
        allowed = [int(m) for m in order if m not in seen and not (user.get("child") and movies[int(m)]["adult"])]
        out.append(allowed[:K])
    return out


recommender = bt.Model(recommend, output="ranking", name="nmf-12", batch_size=64)
