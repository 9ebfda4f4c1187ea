"""Structured inputs: perturbations of one part (.on), of both parts of a pair (.on_both), swapped parts, templates."""

import pytest
from hypothesis import strategies as st

import behavetest as bt
from behavetest._cases.generate import Generator
from behavetest._cases.shrink import shrink
from behavetest._model.keys import cache_key

PAIRS = [("Is John a doctor?", "Is John a physician?"), ("How old is Mary?", "What is the age of Mary?"),
         ("Where does Ana live?", "Which city is Ana from?")]


def draw(perturbation, inputs, samples=3, seed=0):
    return [g.values for g in Generator(seed).generate(perturbation, inputs, [cache_key(x) for x in inputs], samples)]


def test_on_changes_only_the_named_part_of_tuples_and_dicts():
    for values, original in zip(draw(bt.perturb.typos(1).on(1), PAIRS), PAIRS):
        assert values
        for first, second in values:
            assert first == original[0] and second != original[1] and len(second) == len(original[1])
    rows = [{"context": "John is a doctor in Lima.", "question": "Who is a doctor?"}]
    (values,) = draw(bt.perturb.typos(1).on("question"), rows)
    assert values and all(v["context"] == rows[0]["context"] and v["question"] != rows[0]["question"] for v in values)
    assert all(list(v) == ["context", "question"] for v in values)


def test_on_a_missing_part_is_a_declaration_error_naming_the_parts():
    with pytest.raises(bt.DeclarationError, match=r"no part 'answer'; its parts are \['context', 'question'\]"):
        draw(bt.perturb.typos(1).on("answer"), [{"context": "a b", "question": "c d"}])
    with pytest.raises(bt.DeclarationError, match="dict or tuple input"):
        draw(bt.perturb.typos(1).on(0), ["just a string"])


def test_on_both_makes_the_same_change_in_both_parts():
    values = draw(bt.perturb.names().on_both(), PAIRS[:2])
    for (original_a, original_b), drawn in zip(PAIRS, values):
        name = "John" if "John" in original_a else "Mary"
        assert drawn
        for a, b in drawn:
            new = a.split()[1] if name == "John" else a.split()[-1].rstrip("?")
            assert new != name and a == original_a.replace(name, new) and b == original_b.replace(name, new)
    appended = draw(bt.perturb.append(" Thanks.").on_both(), PAIRS[:1])
    assert appended == [[("Is John a doctor? Thanks.", "Is John a physician? Thanks.")]]
    prepended = draw(bt.perturb.prepend("Hi, ").on_both(), PAIRS[:1])
    assert prepended == [[("Hi, Is John a doctor?", "Hi, Is John a physician?")]]


def test_on_both_is_not_applicable_where_the_other_part_has_nothing_to_change():
    # A typo in "doctor" cannot be made in "Is John a physician?"; only typos in shared words survive.
    for values in draw(bt.perturb.typos(1).on_both(), PAIRS[:1], samples=10):
        for a, b in values:
            changed = [w for w in a.split() if w not in PAIRS[0][0].split()]
            assert len(changed) == 1 and changed[0] in b
    assert draw(bt.perturb.replace({"doctor": "nurse"}).on_both(), PAIRS[:1]) == [[]]


def test_swap_parts_exchanges_parts_and_skips_identical_ones():
    assert draw(bt.perturb.swap_parts(), [("a b", "c d"), ("same", "same")]) == [[("c d", "a b")], []]
    rows = [{"question1": "x?", "question2": "y?", "id": 3}]
    assert draw(bt.perturb.swap_parts("question1", "question2"), rows) == [[{"question1": "y?", "question2": "x?", "id": 3}]]


def test_part_perturbations_share_cases_only_with_the_same_part():
    a, b = bt.perturb.typos(1).on(0), bt.perturb.typos(1).on(1)
    assert a.key != b.key and a.key == bt.perturb.typos(1).on(0).key
    assert bt.perturb.typos(1).on_both().key != a.key


def test_pair_templates_fill_both_parts_with_the_same_values():
    t = bt.template(("How old is {first_name}?", "What is the age of {first_name}?"), label="duplicate",
                    first_name=["Ana", "Ben"])
    assert t.inputs == [("How old is Ana?", "What is the age of Ana?"), ("How old is Ben?", "What is the age of Ben?")]
    assert t.labels == ["duplicate", "duplicate"] and t.fills[0] == {"first_name": "Ana"}


def test_qa_templates_give_dict_inputs_and_filled_answers():
    t = bt.template({"context": "{first_name} is {a:job}.", "question": "What is {first_name}?"},
                    answer="{a:job}", first_name=["Ana"], job=["doctor", "engineer"])
    assert t.inputs == [{"context": "Ana is a doctor.", "question": "What is Ana?"},
                        {"context": "Ana is an engineer.", "question": "What is Ana?"}]
    assert t.answers == ["a doctor", "an engineer"] and t.labels is None
    with pytest.raises(bt.DeclarationError, match=r"uses \{city\}, which the text does not"):
        bt.template({"context": "{first_name} is here.", "question": "Who?"}, answer="{city}", first_name=["Ana"])
    assert bt.template("{x}", x=["a"]).answers is None


def test_a_pair_model_is_tested_with_on_both_and_swapped_parts():
    def duplicate(pairs):  # "duplicate" when both questions share their first three words
        return [[0.1, 0.9] if a.split()[:3] == b.split()[:3] else [0.9, 0.1] for a, b in pairs]

    model = bt.Model(duplicate, labels=["different", "duplicate"], name="prefix")
    behave = bt.Behave(test_name="t")
    result = behave.inv(model, PAIRS, perturb=bt.perturb.swap_parts(), capability="Logic")
    assert (result.cases, result.failures) == (3, 0)
    result = behave.inv(model, PAIRS, perturb=bt.perturb.typos(1).on(0), samples=3, capability="Robustness")
    assert result.failures == 1 and result.examples[0].input == PAIRS[0]


def test_shrinking_skips_draws_that_are_not_applicable():
    @bt.perturbation
    def sometimes(draw, text):
        i = draw(st.integers(0, 10))
        if i % 2:
            raise bt.NotApplicable("odd")
        return text + " x" * i

    model = bt.Model(lambda xs: [[1.0, 0.0] if " x x" in x else [0.0, 1.0] for x in xs], labels=["a", "b"])
    assert shrink(model, sometimes, bt.expect.same_label(), "hello", seed=0, budget=50) == "hello x x"
    behave = bt.Behave(test_name="t")
    result = behave.inv(model, ["hello", "hi"], perturb=sometimes, samples=3, capability="Robustness")
    assert result.failures == 2 and all(e.minimal is not None and e.minimal.endswith(" x x") for e in result.examples)
