"""Fixtures for the VADER example: the model under test and a set of short movie reviews.

VADER (Hutto & Gilbert, 2014) is a rule-based sentiment model: a lexicon of about
7,500 scored words plus rules for negation, intensifiers, "but", capitals and
punctuation. It ships its lexicon, so this example runs offline.

The model itself (VADER's compound score mapped to (negative, neutral, positive)
probabilities) is in ``vader_model.py``, which the built-in sentiment suite uses too;
its docstring explains the mapping.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

try:
    from vader_model import wrap  # this folder is on sys.path (pytest's default import mode)
except ImportError:  # pytest --import-mode=importlib does not put it there
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from vader_model import wrap


@pytest.fixture(scope="session")
def analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@pytest.fixture(scope="session")
def sentiment(analyzer):
    """VADER as a bt.Model returning (negative, neutral, positive) probabilities."""
    return wrap(analyzer)


# Short movie reviews written for this example, with the label a reader would give them.
LABELED_REVIEWS: list[tuple[str, str]] = [
    # positive
    ("A warm, funny film that earns every one of its tears.", "positive"),
    ("The cast is wonderful and the script is sharp.", "positive"),
    ("I loved the soundtrack and the way the city is filmed.", "positive"),
    ("An excellent thriller with a clever final twist.", "positive"),
    ("Her performance is the best thing I have seen this year.", "positive"),
    ("Beautifully shot and surprisingly tender.", "positive"),
    ("The jokes land and the pacing never drags.", "positive"),
    ("A delightful family movie that adults will enjoy too.", "positive"),
    ("Smart, stylish and a lot of fun.", "positive"),
    ("The dialogue feels natural and the characters are easy to care about.", "positive"),
    ("I left the theater smiling.", "positive"),
    ("One of the most charming comedies in a long time.", "positive"),
    ("The animation is gorgeous and the story is sweet.", "positive"),
    ("A brave, honest film about grief and friendship.", "positive"),
    ("The lead actor gives a superb performance.", "positive"),
    ("Great music, great costumes, great fun.", "positive"),
    ("The second half is thrilling from start to finish.", "positive"),
    ("A gentle and hopeful story that stays with you.", "positive"),
    ("I was impressed by how much care went into every scene.", "positive"),
    ("The documentary is informative and never dull.", "positive"),
    ("It is a pleasure to watch these two actors together.", "positive"),
    ("The ending is perfect.", "positive"),
    ("A strong debut from a talented young director.", "positive"),
    ("I laughed all the way through.", "positive"),
    ("The fight scenes are creative and exciting.", "positive"),
    ("An inspiring true story, told with real affection.", "positive"),
    ("The sequel is even better than the original.", "positive"),
    ("Every frame looks like a painting.", "positive"),
    ("I would happily watch it again.", "positive"),
    ("A clever, good-hearted comedy.", "positive"),
    ("The performances are excellent across the board.", "positive"),
    ("It made me want to call my parents.", "positive"),
    ("Easily the best animated film of the decade.", "positive"),
    ("The script is witty and the cast is having a blast.", "positive"),
    ("A lovely little film.", "positive"),
    ("The plot is gripping and the ending is moving.", "positive"),
    ("Highly recommended for anyone who likes a good mystery.", "positive"),
    ("The visuals are stunning.", "positive"),
    # negative
    ("The plot is a mess and the acting is wooden.", "negative"),
    ("I was bored after twenty minutes.", "negative"),
    ("A dull, lifeless remake of a much better film.", "negative"),
    ("The jokes are stale and the pacing is awful.", "negative"),
    ("This is the worst movie I have seen in years.", "negative"),
    ("The dialogue is clumsy and the characters are flat.", "negative"),
    ("Two hours of my life I will never get back.", "negative"),
    ("The ending makes no sense at all.", "negative"),
    ("A lazy sequel that only wants your money.", "negative"),
    ("The special effects look cheap.", "negative"),
    ("I hated every minute of it.", "negative"),
    ("The lead actor seems bored in every scene.", "negative"),
    ("A tedious, overlong drama.", "negative"),
    ("The story is predictable and the twist is obvious.", "negative"),
    ("Painfully unfunny.", "negative"),
    ("The music is annoying and far too loud.", "negative"),
    ("A disappointing film from a director I usually admire.", "negative"),
    ("The script is full of clichés.", "negative"),
    ("Nothing happens for the first hour.", "negative"),
    ("The romance feels forced and awkward.", "negative"),
    ("It is an ugly, cynical movie.", "negative"),
    ("The editing is sloppy and the sound is muddy.", "negative"),
    ("I wanted to walk out halfway through.", "negative"),
    ("A terrible waste of a great cast.", "negative"),
    ("The villain is silly rather than scary.", "negative"),
    ("The film is mediocre at best.", "negative"),
    ("Confusing, loud and far too long.", "negative"),
    ("The performances are weak and the script is worse.", "negative"),
    ("A forgettable comedy with no real laughs.", "negative"),
    ("The child actors are irritating.", "negative"),
    ("It is a sad waste of time.", "negative"),
    ("The second half falls apart completely.", "negative"),
    ("The characters are unlikable and the story is boring.", "negative"),
    ("An ugly, stupid and mean film.", "negative"),
    ("I regret paying for a ticket.", "negative"),
    # neutral
    ("The film is two hours and ten minutes long.", "neutral"),
    ("It opens in cinemas on Friday.", "neutral"),
    ("The story takes place in a small town in Ohio.", "neutral"),
    ("It is the third film in the series.", "neutral"),
    ("The movie was shot in black and white.", "neutral"),
    ("Most of the cast are newcomers.", "neutral"),
    ("The director also wrote the screenplay.", "neutral"),
    ("It is based on a novel from the 1970s.", "neutral"),
    ("The film follows a family over one summer.", "neutral"),
    ("There is a short scene after the credits.", "neutral"),
    ("The dialogue is mostly in Spanish with subtitles.", "neutral"),
    ("It is a remake of a French film.", "neutral"),
    ("The soundtrack was released as an album.", "neutral"),
    ("I watched it on a Sunday afternoon.", "neutral"),
    ("The movie is rated PG-13.", "neutral"),
    ("The main character is a taxi driver.", "neutral"),
    ("Filming took place over three months.", "neutral"),
    ("It premiered at a festival last spring.", "neutral"),
    ("The story is told in flashbacks.", "neutral"),
    ("The film is available on streaming services.", "neutral"),
    ("The runtime is about ninety minutes.", "neutral"),
    ("The cast includes several stage actors.", "neutral"),
    ("Half of the movie takes place on a train.", "neutral"),
    ("It is the director's fourth feature.", "neutral"),
    ("The music was written by a local composer.", "neutral"),
]


@pytest.fixture(scope="session")
def labeled_reviews() -> list[tuple[str, str]]:
    """(review, label) pairs: the reviews with the label a human reader would give."""
    return list(LABELED_REVIEWS)


@pytest.fixture(scope="session")
def reviews() -> list[str]:
    """About a hundred short movie reviews, positive, negative and neutral."""
    return [text for text, _ in LABELED_REVIEWS]
