"""Behavioral tests of the sliding-window reader, written with behavetest's QA support."""

import behavetest as bt

JOBS = bt.template({"context": "{first_name} is {a:profession} from {city}.", "question": "What is {first_name}'s job?"},
                   answer="{profession}", n=40, seed=1)
ROWS = [{"context": "Ana is a pilot who flies to Lima.", "question": "Where does Ana fly?", "answers": ["Lima"]},
        {"context": "The museum opens at nine on Sundays.", "question": "When does the museum open?",
         "answers": ["nine", "at nine"]},
        {"context": "Ben sold his old bicycle to Chloe.", "question": "What did Ben sell?",
         "answers": ["bicycle", "his old bicycle", "old bicycle"]}]


def gold(row):
    return row["answers"]


def test_jobs(behave, reader):
    behave.mft(reader, JOBS, capability="Taxonomy", max_fail_rate=0.1)


def test_answers_are_one_of(behave, reader):
    # The reader takes the word next to the matching words: "pilot" (next to "Ana"), "sold" (next to "Ben").
    behave.mft(reader, ROWS, expect=bt.expect.answer(one_of=gold),
               capability="Vocabulary", max_fail_rate=0.34)


def test_typos_in_the_question(behave, reader):
    behave.inv(reader, JOBS, perturb=bt.perturb.typos(1).on("question"), samples=2, capability="Robustness",
               max_fail_rate=0.1)


def test_the_same_new_name_everywhere(behave, reader):
    behave.inv(reader, JOBS, perturb=bt.perturb.names().on_both(), capability="NER", max_fail_rate=0.05)
