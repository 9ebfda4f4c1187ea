"""Templates and lexicons: syntax, articles, product and sampling, metadata, labels, errors."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

from behavetest import DeclarationError
from behavetest._cases import lexicons as _lexicons
from behavetest._cases.template import MAX_PRODUCT, Case, Template, _decode, _radices, _resolve, article, parse, template

REQUIRED_LEXICONS = {
    "first_name", "male_first_name", "female_first_name", "last_name", "city", "country", "nationality",
    "religion", "profession", "positive_adj", "negative_adj", "neutral_adj", "positive_verb", "negative_verb",
    "positive_noun", "negative_noun", "number",
}


# -- articles --------------------------------------------------------------------------

ARTICLES = [
    # plain vowel / consonant
    ("apple", "an"), ("umbrella", "an"), ("idea", "an"), ("year", "a"), ("horse", "a"), ("hotel", "a"),
    # silent h
    ("honest", "an"), ("hour", "an"), ("hourly", "an"), ("heir", "an"), ("heiress", "an"), ("honorable", "an"),
    ("honour", "an"),
    # u spoken "you", eu, ewe, one
    ("university", "a"), ("unicorn", "a"), ("uniform", "a"), ("unique", "a"), ("unanimous", "a"), ("useful", "a"),
    ("usual", "a"), ("utopia", "a"), ("Ugandan", "a"), ("Ukrainian", "a"), ("Uruguayan", "a"),
    ("unusual", "an"), ("uninformed", "an"), ("unimportant", "an"), ("utter", "an"), ("Uzbek", "an"), ("urban", "an"),
    ("European", "a"), ("euphemism", "a"), ("ewe", "a"),
    ("one-way", "a"), ("one", "a"), ("once-famous", "a"), ("onerous", "an"),
    # initialisms and letters
    ("MBA", "an"), ("FBI", "an"), ("HR", "an"), ("NBA", "an"), ("SUV", "an"), ("MRI", "an"), ("LLM", "an"),
    ("MBAs", "an"), ("UFO", "a"), ("UK", "a"), ("BBC", "a"), ("USB", "a"), ("PhD", "a"),
    ("NASA", "a"), ("OPEC", "an"), ("UNESCO", "a"),
    ("F", "an"), ("A", "an"), ("B", "a"), ("X-ray", "an"), ("U-turn", "a"), ("T-shirt", "a"), ("e-mail", "an"),
    # numbers
    ("8", "an"), ("8th", "an"), ("11", "an"), ("11th", "an"), ("18", "an"), ("80", "an"), ("800", "an"),
    ("8,000", "an"), ("18,000", "an"), ("11,500", "an"), ("1800s", "an"), ("1", "a"), ("7", "a"), ("100", "a"),
    ("110", "a"), ("1,800", "a"), ("180", "a"), ("2018", "a"),
    # accents, quotes, capitals, multi-word values
    ("Élodie", "an"), ("Ümit", "an"), ('"honest"', "an"), ("(excellent)", "an"), ("Honest", "an"),
    ("iPhone", "an"), ("university lecturer", "a"), ("hotel manager", "a"), ("old friend", "an"),
]


@pytest.mark.parametrize(("word", "expected"), ARTICLES)
def test_article_table(word, expected):
    assert article(word) == expected


def test_article_placeholders_render_article_and_keep_bare_fill():
    t = template("{A:adj} idea and {an:adj} plan, {a:noun}.", adj=["honest", "good"], noun=["hour", "university", "MBA"])
    assert t.inputs == [
        "An honest idea and an honest plan, an hour.",
        "An honest idea and an honest plan, a university.",
        "An honest idea and an honest plan, an MBA.",
        "A good idea and a good plan, an hour.",
        "A good idea and a good plan, a university.",
        "A good idea and a good plan, an MBA.",
    ]
    assert t[0].fills == {"adj": "honest", "noun": "hour"}


def test_article_of_nothing_is_an_error():
    with pytest.raises(DeclarationError, match="no word"):
        article("...")
    with pytest.raises(DeclarationError, match="string"):
        article(8)


# -- full product ----------------------------------------------------------------------


def test_full_product_is_exact_and_in_product_order():
    adj = ["good", "evil", "odd"]
    prof = ["doctor", "umpire", "nurse", "actor"]
    t = template("{name} is {a:adj} {prof}.", name=["Ann", "Bo"], adj=adj, prof=prof)
    assert isinstance(t, Template) and len(t) == 2 * 3 * 4
    expected = [
        {"name": n, "adj": a, "prof": p} for n, a, p in itertools.product(["Ann", "Bo"], adj, prof)
    ]
    assert t.fills == expected
    assert t.inputs[:3] == ["Ann is a good doctor.", "Ann is a good umpire.", "Ann is a good nurse."]
    assert t.inputs[4] == "Ann is an evil doctor."
    assert len(set(t.inputs)) == len(t)


def test_repeated_placeholder_gets_the_same_value_and_literal_braces():
    t = template("{x} loves {x} {{not a placeholder}}", x=["A", "B"])
    assert t.inputs == ["A loves A {not a placeholder}", "B loves B {not a placeholder}"]
    assert template("no placeholders").inputs == ["no placeholders"]


def test_single_values_and_repeats_in_keyword_lists():
    t = template("{a} {b}", a="x", b=["y", "z", "y", 1, 1])
    assert t.inputs == ["x y", "x z", "x 1"]
    assert t[2].fills == {"a": "x", "b": 1}  # the value itself, not its text


def test_numbered_placeholders_take_distinct_values_from_a_keyword_list():
    adj = ["good", "bad", "odd", "new"]
    t = template("{adj1}, {adj2} and {adj3}; {adj1} again", adj=adj)
    assert len(t) == 4 * 3 * 2
    triples = [(c.fills["adj1"], c.fills["adj2"], c.fills["adj3"]) for c in t]
    assert triples == list(itertools.permutations(adj, 3))  # all of them, each once, in order
    assert all(c.text.endswith(f"; {c.fills['adj1']} again") for c in t)
    assert set(t[0].fills) == {"adj1", "adj2", "adj3"}


def test_decode_matches_itertools_for_mixed_groups():
    text = "{x1} {y} {x2} {z1} {z2}"
    values = {"x": list("abcd"), "y": ["p", "q"], "z": list("uvw")}
    parts = [p for p in parse(text) if not isinstance(p, str)]
    slots = _resolve(text, parts, values)
    radices = _radices(slots)
    assert radices == [4, 2, 3, 3, 2]
    got = []
    for i in range(4 * 2 * 3 * 3 * 2):
        idx = _decode(i, slots, radices)
        got.append(tuple(s.source.values[k] for s, k in zip(slots, idx)))
    want = [
        (x1, y, x2, z1, z2)
        for x1, y, x2, z1, z2 in itertools.product("abcd", "pq", "abcd", "uvw", "uvw")
        if x1 != x2 and z1 != z2
    ]
    assert sorted(got) == sorted(want) and len(set(got)) == len(got)


# -- sampling --------------------------------------------------------------------------

WORDS = {"p": [f"p{i}" for i in range(10)], "q": [f"q{i}" for i in range(10)], "r": [f"r{i}" for i in range(10)]}


def test_sample_has_exact_size_distinct_fills_from_the_product():
    full = template("{p} {q} {r}", **WORDS)
    t = template("{p} {q} {r}", n=137, seed=5, **WORDS)
    assert len(t) == 137
    assert len(set(t.inputs)) == 137
    assert set(t.inputs) <= set(full.inputs)
    assert t.inputs == [x for x in full.inputs if x in set(t.inputs)]  # product order
    assert len({c.fills["p"] for c in t}) == 10  # spread over the whole space, not a prefix of it


def test_sample_is_seeded():
    a = template("{p} {q} {r}", n=20, seed=1, **WORDS)
    assert a == template("{p} {q} {r}", n=20, seed=1, **WORDS)
    assert a.inputs != template("{p} {q} {r}", n=20, seed=2, **WORDS).inputs
    assert template("{p} {q} {r}", n=1000, seed=3, **WORDS) == template("{p} {q} {r}", **WORDS)  # n = size: all


def test_numbered_sample_keeps_values_distinct():
    t = template("{adj1} {adj2} {adj3}", adj=[str(i) for i in range(6)], n=100, seed=0)
    assert len(t) == 100 and len(set(t.inputs)) == 100
    assert all(len({c.fills["adj1"], c.fills["adj2"], c.fills["adj3"]}) == 3 for c in t)


def test_huge_product_is_sampled_without_materializing_it():
    big = {f"w{i}": [f"{i}_{j}" for j in range(1000)] for i in range(10)}  # 10**30 combinations
    text = " ".join("{" + k + "}" for k in big)
    t = template(text, n=300, seed=0, **big)
    assert len(t) == 300 and len(set(t.inputs)) == 300
    assert len({c.fills["w0"] for c in t}) > 100  # the most significant digit varies too
    with pytest.raises(DeclarationError, match="pass n="):
        template(text, **big)


def test_sample_is_the_same_in_other_processes_whatever_the_hash_seed():
    code = textwrap.dedent(
        """
        import json
        from behavetest._cases.template import template
        t = template("{name1} and {name2} are {a:adj} {profession}s", name=["Ann", "Bo", "Cy", "Di"],
                     adj=["honest", "odd", "good"], n=25, seed=7)
        u = template("{p} {q} {r}", p=list("abcdefghij"), q=list("klmnopqrst"), r=list("uvwxyz0123"), n=40, seed="s")
        print(json.dumps([t.inputs, u.inputs]))
        """
    )
    here = json.loads(_run(code, "0"))
    assert len(here[0]) == 25 and len(here[1]) == 40
    for hash_seed in ("1", "12345"):
        assert json.loads(_run(code, hash_seed)) == here


def test_faker_sample_is_the_same_in_other_processes():
    pytest.importorskip("faker")
    code = textwrap.dedent(
        """
        import json
        from behavetest._cases.template import template
        t = template("{first_name1} met {first_name2} from {city}.", n=20, seed=3)
        print(json.dumps([t.inputs, t.meta]))
        """
    )
    assert json.loads(_run(code, "0")) == json.loads(_run(code, "999"))


def _run(code: str, hash_seed: str) -> str:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


# -- labels, metadata, Template --------------------------------------------------------


def test_labels_propagate_and_templates_concatenate():
    pos = template("This is {a:adj} movie.", adj=["good", "excellent"], label="positive")
    neg = template("This is {a:adj} movie.", adj=["bad", "awful", "odd"], label="negative")
    assert pos.labels == ["positive", "positive"]
    both = pos + neg
    assert isinstance(both, Template) and len(both) == 5
    assert both.inputs == pos.inputs + neg.inputs
    assert both.labels == ["positive", "positive", "negative", "negative", "negative"]
    assert [c.label for c in both] == both.labels
    unlabeled = template("{x}", x=["a"])
    assert unlabeled.labels is None and (both + unlabeled).labels is None
    assert sum([pos, neg]) == both
    assert isinstance(both[1:3], Template) and both[1:3].labels == ["positive", "negative"]
    assert template("{x}", x=["a"], label=0).labels == [0]
    assert "5 cases" in repr(both)


def test_case_is_a_frozen_dataclass():
    case = template("{x}!", x=["hi"], label="greeting")[0]
    assert isinstance(case, Case) and str(case) == "hi!"
    assert (case.text, case.fills, case.label, case.meta) == ("hi!", {"x": "hi"}, "greeting", {})
    with pytest.raises(dataclasses.FrozenInstanceError):
        case.text = "bye"


def test_keyword_lists_override_lexicons_and_carry_no_meta():
    t = template("{positive_adj} {profession}", positive_adj=["fine"], profession=["baker"])
    assert t.inputs == ["fine baker"] and t.meta == [{}]


def test_lexicon_values_without_attributes_fill_but_carry_no_meta():
    t = template("{a:profession}")
    assert t.inputs == [f"{article(p)} {p}" for p in _lexicons.lexicon("profession")]
    assert "an umpire" in t.inputs and "a university lecturer" in t.inputs and "an usher" in t.inputs
    assert t.meta == [{}] * len(t)


def test_meta_gives_the_lexicon_attributes_of_each_drawn_value():
    pytest.importorskip("faker")
    t = template("{first_name1} and {female_first_name} live in {city} ({adj}).", adj=["x"], n=200, seed=1)
    names = _lexicons.entries("first_name")
    cities = _lexicons.entries("city")
    for case in t:
        assert case.meta["first_name1"] == names[case.fills["first_name1"]]
        assert case.meta["female_first_name"]["gender"] == "female"
        assert case.meta["city"] == cities[case.fills["city"]] and set(case.meta["city"]) == {"country"}
        assert "adj" not in case.meta
        assert set(case.meta["first_name1"]) == {"gender", "origin"}
    assert len({c.meta["first_name1"]["origin"] for c in t}) > 3


def test_numbered_lexicon_placeholders_are_distinct():
    pytest.importorskip("faker")
    t = template("{first_name1} and {first_name2} are friends.", n=2000, seed=0)
    assert len(t) == 2000
    assert all(c.fills["first_name1"] != c.fills["first_name2"] for c in t)
    assert set(t[0].meta) == {"first_name1", "first_name2"}
    small = template("{first_name1} and {first_name2}", first_name=["Ann", "Bo", "Cy"])
    assert len(small) == 6 and all(c.fills["first_name1"] != c.fills["first_name2"] for c in small)


# -- lexicons --------------------------------------------------------------------------


def test_lexicon_names_and_shipped_lists():
    names = _lexicons.lexicon()
    assert REQUIRED_LEXICONS <= set(names) and names == sorted(names)
    for name in ("positive_adj", "negative_adj", "neutral_adj", "positive_verb", "negative_verb",
                 "positive_noun", "negative_noun", "profession", "religion", "nationality"):
        values = _lexicons.lexicon(name)
        assert len(values) >= 10 and len(set(values)) == len(values)
        assert values == sorted(values, key=_lexicons.sort_key)
    assert not set(_lexicons.lexicon("positive_adj")) & set(_lexicons.lexicon("negative_adj"))
    assert _lexicons.lexicon("number")[:3] == ["2", "3", "4"] and _lexicons.lexicon("number")[-1] == "100"
    values = _lexicons.lexicon("positive_adj")
    values.append("mutated")
    assert "mutated" not in _lexicons.lexicon("positive_adj")  # a copy


def test_unknown_lexicon_lists_the_names():
    with pytest.raises(DeclarationError, match="no built-in lexicon 'colour'.*positive_adj"):
        _lexicons.lexicon("colour")


def test_faker_lexicons():
    pytest.importorskip("faker")
    first = _lexicons.entries("first_name")
    male, female = set(_lexicons.lexicon("male_first_name")), set(_lexicons.lexicon("female_first_name"))
    assert len(male) > 500 and len(female) > 500 and not male & female
    assert male | female <= set(first)
    assert all(first[v]["gender"] == "male" for v in male)
    assert {a["gender"] for a in first.values()} <= {"male", "female", "unisex"}
    assert first["Mary"]["gender"] == "female" and first["John"]["gender"] == "male"
    assert first["Mary"]["origin"] == "United States"  # en_US is the first locale that lists it
    assert {"Nigeria", "India", "Germany"} <= {a["origin"] for a in first.values()}
    assert all(re.fullmatch(r"[^\W\d_]+(?:[ '’-][^\W\d_]+)*", v) for v in first)  # no "Hans D.", no digits
    assert not any("." in v for v in _lexicons.lexicon("last_name"))
    assert "Smith" in _lexicons.lexicon("last_name")
    assert _lexicons.entries("city")["Mumbai"] == {"country": "India"}
    countries = _lexicons.lexicon("country")
    assert {"France", "Nigeria", "Slovakia"} <= set(countries) and not any("(" in c for c in countries)


def test_missing_faker_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "faker", None)  # makes "import faker" raise ImportError
    _lexicons.clear_cache()
    try:
        with pytest.raises(DeclarationError, match=r"behavetest\[text\]"):
            _lexicons.lexicon("first_name")
        with pytest.raises(DeclarationError, match=r"\{city\}.*behavetest\[text\]"):
            template("I live in {city}.")
        assert "good" in _lexicons.lexicon("positive_adj")  # shipped lists need no Faker
        assert "first_name" in _lexicons.lexicon()
    finally:
        _lexicons.clear_cache()


def test_importing_behavetest_does_not_import_faker():
    code = (
        "import sys, behavetest, behavetest._cases.template, behavetest._cases.lexicons\n"
        "behavetest._cases.template.template('{a:positive_adj} {number}', n=3)\n"
        "assert 'faker' not in sys.modules, 'faker imported'\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


# -- errors ----------------------------------------------------------------------------


def test_unknown_placeholder_names_it_the_template_and_the_choices():
    with pytest.raises(DeclarationError) as info:
        template("{first_name} is {a:adjective} {profession}.", adj=["good"])
    message = str(info.value)
    assert "{adjective}" in message and "{first_name} is {a:adjective} {profession}." in message
    assert "adj" in message and "positive_adj" in message and "first_name" in message


def test_article_needs_string_values():
    with pytest.raises(DeclarationError, match=r"\{a:x\}.*3"):
        template("{a:x}", x=["apple", 3])
    with pytest.raises(DeclarationError, match="non-empty"):
        template("{a:x}", x=[""])


@pytest.mark.parametrize("text", ["{x", "x}", "{x {y}", "{x}}", "a {x} b {"])
def test_unbalanced_braces(text):
    with pytest.raises(DeclarationError, match="unbalanced"):
        template(text, x=["1"], y=["2"])


@pytest.mark.parametrize("text", ["{}", "{1x}", "{the:x}", "{x y}", "{a:}"])
def test_malformed_placeholders(text):
    with pytest.raises(DeclarationError, match="not a placeholder"):
        template(text, x=["1"])


def test_n_errors():
    with pytest.raises(DeclarationError, match="n=7 but it has only 6"):
        template("{x} {y}", x=[1, 2], y=[1, 2, 3], n=7)
    for bad in (0, -1, 2.5, True, "3"):
        with pytest.raises(DeclarationError, match="positive integer"):
            template("{x}", x=[1], n=bad)


def test_other_declaration_errors():
    with pytest.raises(DeclarationError, match="3 different values of adj.*only 2"):
        template("{adj1} {adj2} {adj3}", adj=["a", "b"])
    with pytest.raises(DeclarationError, match="profesion="):
        template("{profession}", profesion=["baker"])
    with pytest.raises(DeclarationError, match="is a set"):
        template("{x}", x={"a", "b"})
    with pytest.raises(DeclarationError, match="empty"):
        template("{x}", x=[])
    with pytest.raises(DeclarationError, match="template string"):
        template(["{x}", 3], x=["a"])
    with pytest.raises(DeclarationError, match="template string"):
        template(5)
    assert MAX_PRODUCT == 100_000
