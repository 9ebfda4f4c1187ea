"""Declarations are checked where they are made, and a user's mistake reads as one short error."""

from __future__ import annotations

import time

import pytest

import behavetest as bt
from behavetest._measure.runner import Behave

QUIET = ["-p", "no:faker", "-p", "no:benchmark", "-p", "no:cacheprovider"]


def fixed(texts):
    return [[0.2, 0.8] for _ in texts]


def model(**kwargs) -> bt.Model:
    return bt.Model(fixed, labels=["neg", "pos"], **kwargs)


@pytest.mark.parametrize("name", [7, "", "  ", ["a"]])
def test_model_name_must_be_a_string(name):
    with pytest.raises(bt.DeclarationError, match=r"bt.Model: name= must be a non-empty string"):
        model(name=name)


@pytest.mark.parametrize("kwargs, needle", [
    (dict(multi_label="yes"), "multi_label= must be True or False"),
    (dict(timeout=0), "timeout= must be a positive number of seconds"),
    (dict(timeout="5"), "timeout= must be a positive number of seconds"),
])
def test_model_options_are_checked(kwargs, needle):
    with pytest.raises(bt.DeclarationError, match=needle):
        model(**kwargs)


@pytest.mark.parametrize("kwargs, needle", [
    (dict(name=5), r"behave.mft: name= must be a non-empty string, not 5"),
    (dict(capability=5), r"behave.mft needs capability=, a non-empty name such as 'Negation', not 5"),
])
def test_test_name_and_capability_must_be_strings(kwargs, needle):
    behave = Behave(test_name="t")
    with pytest.raises(bt.DeclarationError, match=needle):
        behave.mft(model(), ["x"], expect=bt.expect.label("pos"), **{"capability": "C", **kwargs})


@pytest.mark.parametrize("row", [[0.9, 0.95], [0.0, 0.0], [0.5, 0.4]])
def test_probabilities_must_sum_to_one(row):
    behave = Behave(test_name="t")
    bad = bt.Model(lambda texts: [row for _ in texts], labels=["neg", "pos"], name="bad")
    with pytest.raises(bt.ModelError) as info:
        behave.mft(bad, ["first", "second"], expect=bt.expect.label("pos"), capability="C", name="sums")
    message = str(info.value)
    assert "in behavioral test 'sums'" in message and "model 'bad'" in message
    assert f"returned probabilities {row} that sum to" in message and "row 0 of a batch of 2" in message
    assert "offending input: 'first'" in message and "multi_label=True" in message


def test_rounded_probabilities_and_multi_label_models_pass():
    behave = Behave(test_name="t")
    rounded = bt.Model(lambda texts: [[0.33, 0.33, 0.33] for _ in texts], labels=["a", "b", "c"], name="rounded")
    assert behave.mft(rounded, ["x"], expect=bt.expect.label("a"), capability="C").cases == 1
    tags = bt.Model(lambda texts: [[0.9, 0.95] for _ in texts], labels=["a", "b"], name="tags", multi_label=True)
    assert behave.mft(tags, ["x"], expect=bt.expect.label("b"), capability="C").failures == 0


def test_a_model_that_hangs_times_out_naming_the_batch():
    def hangs(texts):
        time.sleep(30)

    behave = Behave(test_name="t")
    slow = bt.Model(hangs, labels=["neg", "pos"], name="slow", timeout=0.5, batch_size=4)
    start = time.monotonic()
    with pytest.raises(bt.ModelError) as info:
        behave.mft(slow, ["first", "b", "c"], expect=bt.expect.label("pos"), capability="C")
    assert time.monotonic() - start < 10
    assert "model 'slow' did not answer a batch of 3 inputs within timeout=0.5 s" in str(info.value)
    assert "first input of the batch: 'first'" in str(info.value)


def test_a_factory_passed_uncalled_says_how_to_call_it():
    behave = Behave(test_name="t")
    with pytest.raises(bt.DeclarationError) as info:
        behave.inv(model(), ["I thought the game was lovely."], perturb=bt.perturb.typos, capability="C")
    assert str(info.value).endswith("bt.perturb.typos is a factory: call it, e.g. bt.perturb.typos(1)")


def _make(name: str) -> bt.Model:
    return model(name=name)


def test_two_different_models_with_one_name_are_an_error_naming_both():
    behave = Behave(test_name="t", models={})
    first = bt.Model(fixed, labels=["neg", "pos"], name="twin")
    second = bt.Model(fixed, labels=["neg", "pos"], name="twin")  # another line: another definition
    behave.mft(first, ["x"], expect=bt.expect.label("pos"), capability="C")
    with pytest.raises(bt.DeclarationError) as info:
        behave.mft(second, ["x"], expect=bt.expect.label("pos"), capability="C")
    message = str(info.value)
    assert "two different models are named 'twin'" in message
    assert message.count("test_declarations.py:") == 2 and first.defined_at != second.defined_at


def test_one_definition_made_again_is_the_same_model():
    behave = Behave(test_name="t", models={})
    for _ in range(2):  # a function-scoped fixture makes its model once per test
        behave.mft(_make("again"), ["x"], expect=bt.expect.label("pos"), capability="C")


MODELS = """
import behavetest as bt


def good():
    return bt.Model(lambda texts: [[0.2, 0.8] for _ in texts], labels=["negative", "positive"], name="good")
"""


def test_a_bad_behave_model_is_one_usage_error(pytester):
    pytester.makepyfile(models=MODELS)
    result = pytester.runpytest_subprocess(*QUIET, "--behave", "--behave-suite", "sentiment",
                                           "--behave-model", "models:goood")
    assert result.ret == 4
    errors = [line for line in result.errlines if line.strip()]
    assert len(errors) == 1, result.errlines
    assert errors[0].startswith("ERROR: --behave-model models:goood: module 'models' has no attribute 'goood'")


def test_a_bad_declaration_shows_the_users_line_not_behavetests(pytester):
    pytester.makepyfile(test_bad="""
        import behavetest as bt

        def test_bad(behave):
            model = bt.Model(lambda texts: [[0.5, 0.4] for _ in texts], labels=["n", "p"], name="m")
            behave.mft(model, ["x"], expect=bt.expect.label("p"), capability="C")  # the user's line
    """)
    short = pytester.runpytest_subprocess(*QUIET, "--behave")
    short.assert_outcomes(failed=1)
    text = "\n".join(short.outlines)
    assert "# the user's line" in text and "sum to 0.9" in text
    assert "_model/model.py" not in text and "_measure/runner.py" not in text
    full = pytester.runpytest_subprocess(*QUIET, "--behave", "--full-trace")
    assert "_measure/runner.py" in "\n".join(full.outlines)
