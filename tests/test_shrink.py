"""Minimal failing perturbations: shrinking finds the known smallest change, within its budget."""

import pytest

import behavetest as bt
from behavetest._cases.generate import Generator
from fixtures.models import LABELS, Counting, flips_on

SENTENCES = ["a really good film with great acting", "the good parts outweigh the slow middle",
             "not as good as the first one but still worth it"]


def flips_when_good_is_touched():
    counting = Counting(flips_on(lambda t: "good" not in t))
    return bt.Model(counting, labels=LABELS, name="planted"), counting.batches


def only_typo_inside_good(original: str, minimal: str) -> bool:
    changed = [i for i, (a, b) in enumerate(zip(original, minimal)) if a != b]
    start = original.index("good")
    return len(minimal) == len(original) and len(changed) == 2 and changed[1] == changed[0] + 1 \
        and start <= changed[0] and changed[1] < start + 4


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_a_typo_anywhere_shrinks_to_a_single_typo_inside_the_word(seed):
    model, _ = flips_when_good_is_touched()
    behave = bt.Behave(test_name="t", generator=Generator(seed=seed), shrink_budget=200)
    result = behave.inv(model, SENTENCES, perturb=bt.perturb.typos((1, 4)), samples=3, capability="Robustness")
    shrunk = [e for e in result.examples if e.minimal is not None]
    assert shrunk, "some perturbation touched 'good' and was shrunk"
    for example in shrunk:
        assert only_typo_inside_good(example.input, example.minimal), (example.input, example.minimal)
        assert example.minimal_prediction.label == "negative" and example.prediction.label == "positive"


def test_shrinking_stays_within_its_budget_and_can_be_turned_off():
    model, calls = flips_when_good_is_touched()
    behave = bt.Behave(test_name="t", generator=Generator(seed=0), shrink_budget=0)
    result = behave.inv(model, SENTENCES, perturb=bt.perturb.typos((1, 4)), samples=3, capability="Robustness")
    measured = len(calls)
    assert result.failures > 0 and all(e.minimal is None for e in result.examples)

    model, calls = flips_when_good_is_touched()
    behave = bt.Behave(test_name="t", generator=Generator(seed=0), shrink_budget=5)
    behave.inv(model, SENTENCES, perturb=bt.perturb.typos((1, 4)), samples=3, capability="Robustness")
    assert len(calls) - measured <= 5 + 3  # the budget, plus one call per shrunk example for its prediction


def test_the_failure_message_shows_the_minimal_perturbation():
    model, _ = flips_when_good_is_touched()
    behave = bt.Behave(test_name="t", generator=Generator(seed=0))
    with pytest.raises(bt.BehaviorFailed, match="minimal failing perturbation 'a really ogod film with great acting'"):
        behave.inv(model, SENTENCES, perturb=bt.perturb.typos((1, 4)), samples=3, capability="Robustness",
                   max_fail_rate=0.0)
