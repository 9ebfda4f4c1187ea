"""Behavioral tests of the TF-IDF duplicate-question model, written with behavetest's pair support."""

import behavetest as bt

PARAPHRASES = bt.template(("How do I learn {topic}?", "What is the best way to learn {topic}?"),
                          topic=["knitting", "Italian", "chemistry", "yoga", "poetry"], label="duplicate")
PAIRS = [("How old is Emma?", "What is the age of Emma?"), ("Where can I buy a cheap tent?", "Where can I sell a used tent?"),
         ("Is Liam a pilot?", "Does Liam work as a pilot?"), ("How do I learn chess?", "How do I teach chess?")]


def test_paraphrases_of_new_topics(behave, qqp):
    behave.mft(qqp, PARAPHRASES, capability="Vocabulary", max_fail_rate=0.2)


def test_typos_in_one_question(behave, qqp):
    behave.inv(qqp, PAIRS, perturb=bt.perturb.typos(1).on(0), samples=3, capability="Robustness", max_fail_rate=0.25)


def test_symmetry(behave, qqp):
    behave.inv(qqp, PAIRS, perturb=bt.perturb.swap_parts(), capability="Logic", max_fail_rate=0.0)


def test_the_same_new_name_in_both(behave, qqp):
    behave.inv(qqp, PAIRS[:3], perturb=bt.perturb.names().on_both(), samples=3, capability="NER", max_fail_rate=0.1)


def test_another_person_in_one_question(behave, qqp):
    # Names the vectorizer never saw carry no weight: the model misses that the person changed.
    behave.dir(qqp, [PAIRS[0], PAIRS[2]], perturb=bt.perturb.names().on(1), expect=bt.expect.label("not_duplicate"),
               samples=3, capability="NER", max_fail_rate=0.5)
