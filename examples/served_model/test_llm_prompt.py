"""A prompted classifier behind an OpenAI-compatible chat endpoint, tested like any other model."""

import pytest

import behavetest as bt
from served import vader_chat


@pytest.fixture(scope="session")
def chat():
    return vader_chat()


def test_negated_praise(behave, chat):
    template = bt.template("The {thing} was not {adj}.", thing=["plot", "acting", "music"],
                           adj=["good", "great", "enjoyable"])
    behave.mft(chat, template, expect=bt.expect.label("negative"), capability="Negation")


def test_typos_keep_the_answer(behave, chat):
    reviews = ["A moving, funny film.", "Dull and far too long.", "The acting is superb.", "I hated every minute."]
    behave.inv(chat, reviews, perturb=bt.perturb.typos(1), samples=3, capability="Robustness")
