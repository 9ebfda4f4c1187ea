"""Behavioral tests of VADER, a rule-based sentiment model (MFT, INV and DIR tests).

Run from the repository root with ``pytest --behave examples/sentiment_vader``.
Thresholds (``max_fail_rate``) are what a user of a sentiment model for movie
reviews would ask for; tests without one are tracked: measured and reported,
never failed. See README.md for the rates VADER gets and what they mean.
"""

from __future__ import annotations

import itertools

import pytest

import behavetest as bt

# --- Vocabulary ---------------------------------------------------------------

POSITIVE_WORDS = [
    "wonderful", "excellent", "brilliant", "delightful", "charming", "hilarious", "beautiful",
    "superb", "clever", "gripping", "moving", "riveting", "stunning", "heartfelt", "masterful",
]
NEGATIVE_WORDS = [
    "awful", "terrible", "boring", "dull", "dreadful", "pointless", "bland", "shallow",
    "tedious", "mediocre", "forgettable", "clumsy", "predictable", "lifeless", "messy",
]
THINGS = ["film", "script", "ending", "performance", "soundtrack", "dialogue"]
FRAMES = ["The {thing} was {word}.", "What a {word} {thing}.", "I found the {thing} {word}."]


def _word_sentences(words: list[str]) -> list[str]:
    return [f.format(thing=t, word=w) for w, t, f in itertools.product(words, THINGS, FRAMES)]


def test_sentiment_words(behave, sentiment):
    """Sentences built around one common review adjective get that adjective's polarity."""
    positive, negative = _word_sentences(POSITIVE_WORDS), _word_sentences(NEGATIVE_WORDS)
    behave.mft(sentiment, positive + negative,
               labels=["positive"] * len(positive) + ["negative"] * len(negative),
               capability="Vocabulary", max_fail_rate=0.10)


NEUTRAL_DESCRIPTIONS = [
    "It is a war drama set in 1944.",
    "It is a horror film about a haunted house.",
    "A crime story set in Chicago.",
    "The film is a western starring two brothers.",
    "A science fiction film about a mission to Mars.",
    "It is a courtroom drama about a murder trial.",
    "A documentary about the history of jazz.",
    "The story follows a detective in 1950s Los Angeles.",
    "It is an animated film about a family of bears.",
    "A musical set in a New York high school.",
    "The movie is about a heist at a casino.",
    "A biopic of a nineteenth-century painter.",
    "It is a thriller set on a submarine.",
    "The film tells the story of a prison escape.",
    "A romantic comedy set in Paris.",
    "It is a disaster movie about an earthquake.",
    "The film is about two sisters who run a bakery.",
    "A sports drama about a boxing coach.",
    "The plot centres on a missing painting.",
    "It is a ghost story set in a lighthouse.",
]


def test_plot_descriptions_are_neutral(behave, sentiment):
    """Describing a film's genre or premise carries no opinion about the film."""
    behave.mft(sentiment, NEUTRAL_DESCRIPTIONS, expect=bt.expect.label("neutral"),
               capability="Vocabulary", max_fail_rate=0.10)


def test_labeled_reviews(behave, sentiment, labeled_reviews):
    """The example's reviews get the label a reader gives them (accuracy, tracked)."""
    texts = [text for text, _ in labeled_reviews]
    behave.mft(sentiment, texts, labels=[label for _, label in labeled_reviews], capability="Vocabulary")


PRAISE = [" I loved it.", " Highly recommended.", " What a great film.", " The cast is excellent."]
CRITICISM = [" I hated it.", " Avoid it.", " What a terrible film.", " The cast is awful."]


def test_praise_raises_positive(behave, sentiment, reviews):
    """Appending praise never lowers P(positive) by more than 0.05."""
    behave.dir(sentiment, reviews, perturb=bt.perturb.append(PRAISE), samples=2,
               expect=bt.expect.increase("positive", tolerance=0.05),
               capability="Vocabulary", max_fail_rate=0.05)


def test_criticism_raises_negative(behave, sentiment, reviews):
    """Appending criticism never lowers P(negative) by more than 0.05."""
    behave.dir(sentiment, reviews, perturb=bt.perturb.append(CRITICISM), samples=2,
               expect=bt.expect.increase("negative", tolerance=0.05),
               capability="Vocabulary", max_fail_rate=0.05)


# --- Negation -----------------------------------------------------------------

NEGATED_POSITIVE = [
    "The movie is not good.",
    "The film was not funny.",
    "I did not like the ending.",
    "It's not a great movie.",
    "The story wasn't interesting.",
    "I can't say I enjoyed it.",
    "The jokes are never funny.",
    "I would not recommend it.",
    "The cast is not charming.",
    "The movie isn't worth your time.",
    "It never becomes exciting.",
    "I don't think the acting was good.",
    "Nothing about this film was enjoyable.",
    "No one in the cast is convincing.",
    "It is hardly a masterpiece.",
    "I didn't find the characters likable.",
    "Not one scene made me laugh.",
    "This is not what I would call a good film.",
    "I expected to love it, but I did not.",
    "None of the performances are memorable.",
]

NEGATED_NEGATIVE = [
    "The film is not bad.",
    "It wasn't boring at all.",
    "The ending is not terrible.",
    "I don't hate it.",
    "The acting is not awful.",
    "The story is never dull.",
    "I did not dislike the music.",
    "The sequel isn't a disaster.",
    "It is not the worst film of the year.",
    "The jokes are not stupid.",
    "I was not disappointed.",
    "The second half is not a mess.",
]

NEGATED_NEUTRAL = [
    "This is not a movie about sharks.",
    "The director is not French.",
    "The film does not have subtitles.",
    "It was not shot in black and white.",
    "There is no narrator.",
    "The story does not take place in Ohio.",
    "It isn't the first film in the series.",
    "The main character is not a taxi driver.",
    "It is not a sequel.",
    "There are no songs in it.",
    "None of the actors are American.",
    "The camera never leaves the apartment.",
    "The film was made without a studio.",
    "Nobody in the cast had acted before.",
    "The story does not end in a wedding.",
    "It was not released in cinemas.",
]


def test_negated_positive_is_negative(behave, sentiment):
    """Negating praise makes a negative review."""
    behave.mft(sentiment, NEGATED_POSITIVE, expect=bt.expect.label("negative"),
               capability="Negation", max_fail_rate=0.10)


def test_negated_negative_is_not_negative(behave, sentiment):
    """Negating criticism makes a review that is at least not negative."""
    behave.mft(sentiment, NEGATED_NEGATIVE, expect=bt.expect.not_label("negative"),
               capability="Negation", max_fail_rate=0.10)


def test_negated_neutral_is_neutral(behave, sentiment):
    """Negating a plain fact leaves it neutral."""
    behave.mft(sentiment, NEGATED_NEUTRAL, expect=bt.expect.label("neutral"),
               capability="Negation", max_fail_rate=0.10)


# --- Robustness ---------------------------------------------------------------

def test_typos(behave, sentiment, reviews):
    """One swapped pair of letters does not change the label (3 typo'd versions per review)."""
    behave.inv(sentiment, reviews, perturb=bt.perturb.typos(1), samples=3,
               capability="Robustness", max_fail_rate=0.10)


ASIDES = [
    " I saw it last Tuesday.",
    " I saw it on a plane.",
    " I watched it with a friend.",
    " We went to the late showing.",
    " It was raining that evening.",
    " I read the book years ago.",
]


def test_irrelevant_aside(behave, sentiment, reviews):
    """An unrelated remark about the viewing does not change the label."""
    behave.inv(sentiment, reviews, perturb=bt.perturb.append(ASIDES), samples=3,
               capability="Robustness", max_fail_rate=0.05)


OPENERS = ["Honestly, ", "So, ", "Okay, ", "In short: ", "Well, "]


def test_openers(behave, sentiment, reviews):
    """A conversational opener does not change the label."""
    lowered = [r if r.startswith("I ") else r[0].lower() + r[1:] for r in reviews]
    behave.inv(sentiment, lowered, perturb=bt.perturb.prepend(OPENERS), samples=3,
               capability="Robustness", max_fail_rate=0.05)


# --- Fairness -----------------------------------------------------------------

NAME_SENTENCES = [
    "Anna plays the lead.",
    "Anna wrote and directed the film.",
    "The film follows Anna through one long night.",
    "Anna gives a good performance.",
    "The story is told from Anna's point of view.",
    "Anna plays a nurse who moves to the city.",
    "Anna's character is the weak link.",
    "I went to see it because Anna is in it.",
    "Anna is fine in a small role.",
    "The best scene belongs to Anna.",
    "Anna composed the score.",
    "Anna plays the villain.",
    "Anna is the reason to watch it.",
    "Anna plays a teacher in a small village.",
    "Anna's last scene is the strongest.",
    "Anna produced the film.",
    "I have seen Anna in three films this year.",
    "Anna edited the film.",
    "Anna and her brother run a restaurant in the film.",
    "Anna seems lost in the role.",
    "The camera stays on Anna for the whole final scene.",
    "Anna sings two songs.",
    "Anna is convincing as a lawyer.",
    "Anna plays a pilot.",
]

# Common given names, by country where they are common.
NAMES = {
    "english": ["Olivia", "Amelia", "Isla", "Mia", "Lily", "Grace", "Oliver", "George", "Harry", "Jack"],
    "indian": ["Priya", "Ananya", "Lakshmi", "Kavya", "Aarav", "Rahul", "Vijay", "Arjun", "Rohan", "Sanjay"],
    "spanish": ["Lucia", "Carmen", "Pilar", "Rosario", "Dolores", "Javier", "Pablo", "Diego", "Alejandro", "Sergio"],
    "nigerian": ["Ngozi", "Chioma", "Blessing", "Precious", "Funmilayo", "Emeka", "Tunde", "Chinedu", "Godwin", "Goodluck"],
}


@pytest.mark.parametrize("origin", sorted(NAMES))
def test_name_swap(behave, sentiment, origin):
    """Who plays or made the film does not change the label (5 names per sentence)."""
    behave.inv(sentiment, NAME_SENTENCES, perturb=bt.perturb.replace({"Anna": NAMES[origin]}), samples=5,
               capability="Fairness", name=f"name_swap[{origin}]", max_fail_rate=0.05)


CITY_SENTENCES = [
    "The film is set in Chicago.",
    "It was shot in Chicago over one winter.",
    "A love story set in Chicago.",
    "The Chicago scenes are the best part.",
    "The chase through Chicago is dull.",
    "It follows a family that moves to Chicago.",
    "Chicago looks beautiful in it.",
    "I saw it at a festival in Chicago.",
    "The director grew up in Chicago.",
    "The last act takes place in Chicago.",
]

# Some of the world's largest cities.
CITIES = ["Tokyo", "Delhi", "Shanghai", "Cairo", "Mumbai", "Beijing", "Dhaka", "Osaka", "Karachi", "Istanbul",
          "Kolkata", "Manila", "Lagos", "Moscow", "London", "Paris", "Lima", "Bangkok", "Jakarta", "Seoul"]


def test_city_swap(behave, sentiment):
    """Where the film is set or shot does not change the label."""
    behave.inv(sentiment, CITY_SENTENCES, perturb=bt.perturb.replace({"Chicago": CITIES}), samples=5,
               capability="Named entities", max_fail_rate=0.05)


# --- Intensity ----------------------------------------------------------------

INTENSIFIERS = ["very", "really", "extremely", "incredibly", "truly"]


def test_intensified_praise(behave, sentiment):
    """'The film was good.' -> 'The film was very good.' does not lower P(positive)."""
    inputs = [f"The {t} was {w}." for w in POSITIVE_WORDS for t in THINGS]
    behave.dir(sentiment, inputs, perturb=bt.perturb.replace({"was": [f"was {i}" for i in INTENSIFIERS]}),
               samples=2, expect=bt.expect.increase("positive"), capability="Intensity", max_fail_rate=0.05)


def test_intensified_criticism(behave, sentiment):
    """'The film was dull.' -> 'The film was really dull.' does not lower P(negative)."""
    inputs = [f"The {t} was {w}." for w in NEGATIVE_WORDS for t in THINGS]
    behave.dir(sentiment, inputs, perturb=bt.perturb.replace({"was": [f"was {i}" for i in INTENSIFIERS]}),
               samples=2, expect=bt.expect.increase("negative"), capability="Intensity", max_fail_rate=0.05)


# --- Temporal -----------------------------------------------------------------

CHANGED_MINDS = [
    ("I used to hate this show, but now I love it.", "positive"),
    ("I used to love this show, but now I hate it.", "negative"),
    ("I used to love this series. Now it bores me.", "negative"),
    ("I used to hate this series. Now I love it.", "positive"),
    ("At first I disliked the film, now I adore it.", "positive"),
    ("At first I enjoyed the film, now I find it tiresome.", "negative"),
    ("The early seasons were great; the new ones are terrible.", "negative"),
    ("The early seasons were weak; the new ones are excellent.", "positive"),
    ("It started well and then it fell apart.", "negative"),
    ("It started slowly but became wonderful.", "positive"),
    ("I was sceptical going in, and I came out a fan.", "positive"),
    ("I was excited going in, and I came out disappointed.", "negative"),
]


def test_changed_minds(behave, sentiment):
    """When a reviewer changed their mind, the present opinion counts."""
    behave.mft(sentiment, [t for t, _ in CHANGED_MINDS], labels=[l for _, l in CHANGED_MINDS],
               capability="Temporal")
