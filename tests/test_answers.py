"""Models that answer in text: output="text", answer/same_answer/judge, QA templates, and answers in every report."""

from __future__ import annotations

import json

import numpy  # noqa: F401  (imported before any pytester run; see conftest.py)
import pytest

import behavetest as bt
from behavetest.expect._answers import normalize_answer


def first_word(rows):
    """A planted QA model: always answers the first word of the context."""
    return [row["context"].split()[0].strip(".,") for row in rows]


QA = bt.Model(first_word, output="text", name="first-word")
ROWS = [{"context": "Ana met Ben in Lima.", "question": "Who met Ben?"},
        {"context": "Ana met Ben in Lima.", "question": "Who did Ana meet?"},
        {"context": "The train left at noon.", "question": "When did the train leave?"}]


def run(method, *args, **kwargs):
    return getattr(bt.Behave(test_name="t"), method)(*args, capability="Coref", **kwargs)


def test_squad_normalisation_and_its_options():
    assert normalize_answer("The  Eiffel-Tower!") == "eiffeltower"
    assert normalize_answer("an Apple, a day") == "apple day"
    assert normalize_answer("The Apple", ignore_case=False) == "Apple"
    assert normalize_answer("the Apple", ignore_articles=False) == "the apple"
    assert normalize_answer("U.S.", ignore_punctuation=False) == "u.s."


def test_answer_equals_contains_regex_one_of():
    answers = bt.Model(lambda xs: ["The Eiffel Tower.", "paris", "", "42 km"][: len(xs)], output="text")
    inputs = ["q1", "q2", "q3", "q4"]

    def check(expectation):
        result = run("mft", answers, inputs, expect=expectation)
        passing = [x for x, ok in zip(inputs, expectation.check(answers, answers.predict(inputs), inputs)) if ok]
        assert result.failures == len(inputs) - len(passing)
        return passing

    assert check(bt.expect.answer(equals="eiffel tower")) == ["q1"]
    assert check(bt.expect.answer(equals="eiffel tower", ignore_articles=False)) == []
    assert check(bt.expect.answer(contains="Tower")) == ["q1"]
    assert check(bt.expect.answer(regex=r"^\d+ km$")) == ["q4"]
    assert check(bt.expect.answer(one_of=["Paris", "Lyon"])) == ["q2"]
    assert check(bt.expect.answer(equals="")) == ["q3"]
    assert check(bt.expect.answer(contains="tower", regex="Eiffel")) == ["q1"]
    assert check(bt.expect.answer(regex="eiffel", ignore_case=False)) == []


def test_expected_answers_may_depend_on_the_input():
    result = run("mft", QA, ROWS[:2], expect=bt.expect.answer(equals=lambda row: row["question"].split()[-1].strip("?")))
    assert (result.cases, result.failures) == (2, 2)
    result = run("mft", QA, ROWS[:2], expect=bt.expect.answer(one_of=lambda row: row["context"].split()[:3]))
    assert (result.cases, result.failures) == (2, 0)


def test_a_qa_template_checks_its_answers_and_shows_them_when_failing():
    t = bt.template({"context": "{first_name1} met {first_name2}.", "question": "Who met {first_name2}?"},
                    answer="{first_name1}", first_name=["Ana", "Ben", "Eve"])
    t2 = bt.template({"context": "{first_name1} met {first_name2}.", "question": "Who did {first_name1} meet?"},
                     answer="{first_name2}", first_name=["Ana", "Ben", "Eve"])
    assert run("mft", QA, t).failures == 0
    with pytest.raises(bt.BehaviorFailed) as failed:
        run("mft", QA, t + t2, max_fail_rate=0.1)
    message = str(failed.value)
    assert "6 of 12 cases failed" in message
    assert "-> answer 'Ana' (expected Ben)" in message


def test_inv_defaults_to_the_same_answer_for_text_models():
    result = run("inv", QA, ROWS, perturb=bt.perturb.typos(1).on("question"), samples=2)
    assert result.expectation == "same_answer()" and result.failures == 0
    result = run("inv", QA, ROWS, perturb=bt.perturb.prepend("Today ").on("context"))
    assert result.failures == 3
    example = result.examples[0]
    assert example.prediction.answer == "Ana" and example.perturbed_prediction.answer == "Today"
    assert example.to_dict()["perturbed_prediction"] == {"answer": "Today"}


def test_judges_a_function_and_a_classifier():
    polite = bt.Model(lambda texts: [[0.9, 0.1] if "stupid" in t else [0.2, 0.8] for t in texts],
                      labels=["rude", "polite"], name="politeness")
    llm = bt.Model(lambda prompts: ["That is a stupid question." if "why" in p else "Happy to help." for p in prompts],
                   output="text", name="llm")
    prompts = ["why is the sky blue", "help me", "why not"]
    assert run("mft", llm, prompts, expect=bt.expect.judge(polite, label="polite")).failures == 2
    assert run("mft", llm, prompts, expect=bt.expect.judge(polite, label="rude", le=0.5)).failures == 2
    assert run("mft", llm, prompts, expect=bt.expect.judge(lambda prompt, answer: len(answer) < 20)).failures == 2
    assert run("mft", llm, prompts, expect=bt.expect.judge(lambda prompt, answer: len(answer), le=15)).failures == 2
    pair_judge = bt.Model(lambda pairs: ["ok" if a.startswith("Happy") or "why" not in q else "bad" for q, a in pairs],
                          name="pairs")
    assert run("mft", llm, prompts, expect=bt.expect.judge(pair_judge, label="ok", pair=True)).failures == 2
    with pytest.raises(bt.DeclarationError, match="needs label="):
        bt.expect.judge(polite)
    with pytest.raises(bt.DeclarationError, match="give ge= and/or le="):
        run("mft", llm, prompts, expect=bt.expect.judge(lambda prompt, answer: 3))


def test_text_models_are_declared_and_validated():
    with pytest.raises(bt.DeclarationError, match="output= must be 'text'"):
        bt.Model(first_word, output="answers")
    with pytest.raises(bt.DeclarationError, match="has no labels"):
        bt.Model(first_word, output="text", labels=["a"])
    with pytest.raises(bt.ModelError, match=r"returned 3 as an answer; answers must be strings.*\n  offending input: 'b'"):
        bt.Model(lambda xs: ["x" if x == "a" else 3 for x in xs], output="text").predict(["a", "b"])
    with pytest.raises(bt.ModelError, match="returned 1 for 2 inputs"):
        bt.Model(lambda xs: ["x"], output="text").predict(["a", "b"])
    with pytest.raises(bt.DeclarationError, match=r"returns text answers.*use expect.answer"):
        run("mft", QA, ROWS, expect=bt.expect.label("Ana"))
    with pytest.raises(bt.DeclarationError, match="needs a model that returns text answers"):
        run("mft", bt.Model(lambda xs: [[1.0] for _ in xs], labels=["x"]), ["a"], expect=bt.expect.answer(equals="x"))


CONFTEST = '''
import pytest
import behavetest as bt

@pytest.fixture(scope="session")
def qa():
    return bt.Model(lambda rows: [r["context"].split()[0].strip(".") for r in rows], output="text", name="first-word")
'''

TESTS = '''
import behavetest as bt

QA = bt.template({"context": "{first_name1} met {first_name2}.", "question": "Who did {first_name1} meet?"},
                 answer="{first_name2}", first_name=["Ana", "Ben", "Eve"])

def test_coref(behave, qa):
    behave.mft(qa, QA, capability="Coref", max_fail_rate=0.5)

def test_robust(behave, qa):
    behave.inv(qa, [{"context": "Ana met Ben.", "question": "Who met Ben?"}],
               perturb=bt.perturb.prepend("So ").on("context"), capability="Robustness", max_fail_rate=0.0)
'''


@pytest.mark.parametrize("workers", [[], ["-n", "2"]])
def test_answers_reach_the_terminal_and_every_report(pytester, workers):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_qa=TESTS)
    result = pytester.runpytest_subprocess("--behave", "--behave-details", "--behave-slices", "--behave-json=run.json",
                                           "--behave-md=run.md", "--behave-html=run.html", *workers)
    assert result.ret == 1
    out = result.stdout.str()
    assert "-> answer 'Ana' (expected Ben)" in out  # the failure message
    assert "Who did Ana meet?'} -> answer \"Ana\" (expected Ben)" in out  # the behavioral summary
    assert "-> answer \"Ana\"  |  minimal: context: 'Ana met Ben.' \u2192 'So Ana met Ben.' -> answer \"So\"" in out
    doc = json.loads((pytester.path / "run.json").read_text())
    coref = next(r for r in doc["tests"] if r["name"] == "test_coref")
    assert coref["cases"] == 6 and coref["failures"] == 6 and coref["expectation"] == "answers"
    assert coref["examples"][0]["prediction"]["answer"] in ("Ana", "Ben", "Eve")
    assert any(key.startswith("first_name1=") for key in coref["slices"])
    assert 'answer "So"' in (pytester.path / "run.md").read_text()
    assert "answer &quot;So&quot;" in (pytester.path / "run.html").read_text()


def test_baselines_and_the_gate_work_for_text_answers(pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_qa=TESTS.replace("max_fail_rate=0.5", "max_fail_rate=1.0").replace(
        "max_fail_rate=0.0", "max_fail_rate=1.0"))
    first = pytester.runpytest_subprocess("--behave", "--behave-baseline=base", "--behave-update-baseline")
    assert first.ret == 0
    again = pytester.runpytest_subprocess("--behave", "--behave-baseline=base")
    assert again.ret == 0
    better = pytester.path / "conftest.py"
    better.write_text(CONFTEST.replace('r["context"].split()[0]', 'r["context"].split()[-1]'))
    improved = pytester.runpytest_subprocess("--behave", "--behave-baseline=base")
    assert improved.ret == 0 and "improved" in improved.stdout.str()
