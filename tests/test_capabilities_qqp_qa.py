"""The built-in qqp and qa suites: their shape, their grammar, and exact results on planted models."""

from __future__ import annotations

import re
import string
from pathlib import Path

import numpy  # noqa: F401  (imported before any pytester run; see conftest.py)
import pytest

import behavetest as bt
from behavetest._cases.template import article
from behavetest._suites.build import build_suite
from behavetest.expect._answers import normalize_answer

CAPABILITIES = Path(__file__).resolve().parents[1] / "capabilities"
QQP_CAPABILITIES = {"Vocabulary", "Taxonomy", "Robustness", "NER", "Temporal", "Negation", "Coref", "SRL", "Logic"}
QA_CAPABILITIES = QQP_CAPABILITIES - {"Logic"}  # CheckList tests no Logic for SQuAD


def inputs_of(name: str) -> dict[str, tuple[object, list]]:
    _, built = build_suite(CAPABILITIES / f"{name}.behave.yaml")
    out = {}
    for b in built:
        source = b.inputs()
        items = source.inputs if hasattr(source, "inputs") else list(source)
        out[b.test.name] = (b.test, items, getattr(source, "answers", None) or getattr(source, "labels", None))
    return out


@pytest.fixture(scope="module")
def qqp():
    return inputs_of("qqp")


@pytest.fixture(scope="module")
def qa():
    return inputs_of("qa")


def texts(value) -> list[str]:
    return list(value.values()) if isinstance(value, dict) else list(value)


def check_grammar(text: str) -> None:
    assert text[0].isupper() or text[0].isdigit(), text
    assert "  " not in text and text == text.strip(), text
    assert text[-1] in ".?", text
    for match in re.finditer(r"\b([Aa]n?) ([\w-]+)", text):
        before = text[: match.start()].split()
        if before and before[-1][0].isupper() and before[-1] not in ("Is", "Was", "Does", "Did", "There"):
            continue  # inside a place name ("Spittal an der Drau")
        assert match.group(1).lower() == article(match.group(2)), text


def test_shapes(qqp, qa):
    assert {t.capability for t, _, _ in qqp.values()} == QQP_CAPABILITIES
    assert {t.capability for t, _, _ in qa.values()} == QA_CAPABILITIES
    for suite in (qqp, qa):
        for capability in {t.capability for t, _, _ in suite.values()}:
            kinds = {t.type for t, _, _ in suite.values() if t.capability == capability}
            assert kinds, capability
        assert any(t.max_fail_rate is not None for t, _, _ in suite.values())
    assert len(qqp) >= 20 and len(qa) >= 15


def test_qqp_inputs_are_grammatical_question_pairs(qqp):
    for test, items, _ in qqp.values():
        for pair in items:
            assert len(pair) == 2 and all(isinstance(q, str) for q in pair), (test.name, pair)
            for question in pair:
                assert question.endswith("?"), (test.name, question)
                check_grammar(question)


def test_qa_inputs_are_grammatical_and_answers_are_spans_of_the_context(qa):
    for test, items, answers in qa.values():
        for i, row in enumerate(items):
            assert set(row) == {"context", "question"}, test.name
            assert row["question"].endswith("?") and row["context"].endswith(".")
            for text in texts(row):
                check_grammar(text)
            if answers is not None:
                assert normalize_answer(answers[i]) in normalize_answer(row["context"]), (test.name, row, answers[i])
        if test.type == "MFT":
            assert answers is not None and len(answers) == len(items), test.name


def bag_of_words(pairs):
    """A planted duplicate detector: duplicate exactly when both questions use the same set of words."""
    words = lambda q: frozenset(q.lower().translate(str.maketrans("", "", string.punctuation)).split())  # noqa: E731
    return [[0.0, 1.0] if words(a) == words(b) else [1.0, 0.0] for a, b in pairs]


def last_word(rows):
    """A planted reader: answers the last word of the context."""
    return [row["context"].rstrip(".").split()[-1] for row in rows]


@pytest.fixture(scope="module")
def qqp_run():
    model = bt.Model(bag_of_words, labels=["not_duplicate", "duplicate"], name="bag-of-words")
    return {r.name: r for r in bt.run("qqp", model).results}


@pytest.fixture(scope="module")
def qa_run():
    return {r.name: r for r in bt.run("qa", bt.Model(last_word, output="text", name="last-word")).results}


def test_qqp_on_a_bag_of_words_model(qqp_run, qqp):
    r = qqp_run
    assert not any(res.error for res in r.values()), [res.error for res in r.values() if res.error]
    assert r["logic_symmetry"].failures == 0 and r["logic_symmetry"].cases == len(qqp["logic_symmetry"][1])
    assert r["logic_a_question_duplicates_itself"].failures == 0
    assert r["srl_order_of_a_comparison_does_not_matter"].failures == 0
    asym = r["srl_asymmetric_comparison"]
    assert asym.failures == asym.cases == 60  # same words, opposite meaning: the blind spot of a bag of words
    roles = r["srl_passive_with_roles_swapped"]
    assert roles.failures == 0  # "helped" is not "help": different words
    assert r["coref_he_versus_she"].failures == 0  # {he, her} and {she, him} differ
    assert r["negation_simple"].failures == 0


def test_qa_on_a_last_word_model(qa_run, qa):
    r = qa_run
    assert not any(res.error for res in r.values())
    taxonomy = r["taxonomy_profession_versus_nationality"]
    _, rows, answers = qa["taxonomy_profession_versus_nationality"]
    two_word_jobs = sum(" " in a for row, a in zip(rows, answers) if row["question"].endswith("job?"))
    # jobs end the sentence, nationalities never do; of a two-word job ("police officer") only the last word
    assert (taxonomy.cases, taxonomy.failures) == (120, 60 + two_word_jobs)
    renamed = r["ner_person_renamed_everywhere"]
    # the city ends the sentence, whatever the name; names the name swap does not know are not applicable
    assert renamed.failures == 0 and renamed.cases + renamed.not_applicable == 80 and renamed.cases >= 70
    added = r["robust_unrelated_sentence_in_the_context"]
    assert added.cases == 120 and added.failures == 120
    assert added.examples[0].perturbed_prediction.answer in ("week", "said", "town")


def test_the_suites_run_by_name_under_pytest(pytester):
    pytester.makepyfile(planted_readers='''
import behavetest as bt
reader = bt.Model(lambda rows: [r["context"].rstrip(".").split()[-1] for r in rows], output="text", name="last-word")
''')
    result = pytester.runpytest_subprocess("--behave", "--behave-suite", "qa", "--behave-model", "planted_readers:reader",
                                           "-k", "taxonomy or renamed", "-p", "no:cacheprovider")
    out = result.stdout.str()
    assert result.ret == 1 and "2 failed" not in out
    assert "taxonomy_profession_versus_nationality" in out and "answer" in out
