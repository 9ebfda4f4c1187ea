"""Every sentence the built-in sentiment suite generates follows a small grammar and lexicon rule set.

The rules catch what a reader notices first: an article English needs and the template
left out ("ordered from Netherlands"), a country that no longer exists, "a"/"an"
before the wrong sound, an uncountable noun counted ("What a wonderful food!"), and
an adjective that cannot describe its noun ("The pizza was not helpful.",
"The mattress is digital."). They run over every case the suite's templates
produce (every combination of each template's values, or 600 of them where there
are more, not only the sampled cases) and over
the countries the NER test swaps in.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from behavetest import DeclarationError
from behavetest._cases.template import template
from behavetest._suites.build import build_suite

SUITE = Path(__file__).resolve().parents[1] / "capabilities" / "sentiment.behave.yaml"
SAMPLE = 600

NEEDS_THE = ("United Kingdom", "United States", "Netherlands", "Bahamas", "Philippines", "Maldives", "Gambia",
             "United Arab Emirates", "Czech Republic", "Dominican Republic", "Central African Republic",
             "Solomon Islands", "Marshall Islands", "Comoros", "Democratic Republic of the Congo")
OBSOLETE_OR_UNINHABITED = ("Libyan Arab Jamahiriya", "Netherlands Antilles", "Heard Island", "McDonald Islands",
                           "Bouvet Island", "Yugoslavia", "Serbia and Montenegro", "Czechoslovakia", "Soviet Union",
                           "USSR", "Zaire", "Swaziland", "Burma", "East Germany", "Holy See", "Antarctica",
                           "French Southern Territories", "British Indian Ocean Territory", "Minor Outlying Islands",
                           "Svalbard", "South Georgia", "Pitcairn")
UNCOUNTABLE = ("food", "service", "coffee", "delivery", "advice", "luggage", "furniture", "information", "music")
PEOPLE = {"staff", "waiter", "waiters", "waitress", "guide", "guides", "host", "hosts", "driver", "drivers", "nurse",
          "nurses", "receptionist", "server", "plumber", "dentist", "mechanic", "electrician", "crew", "team", "service"}
FOR_PEOPLE = ("helpful", "unhelpful", "friendly", "unfriendly", "polite", "impolite", "rude", "kind", "arrogant",
              "attentive", "careless", "impatient", "welcoming", "unwelcoming", "lazy", "dismissive", "hostile")
FOR_SITTING = ("comfortable", "uncomfortable", "spacious", "cramped")
SITTING = {"room", "bed", "bathroom", "apartment", "hotel", "cabin", "sofa", "mattress", "seat", "chair", "flight",
           "jacket", "car"}
FOR_DEVICES = ("digital", "electric", "electronic")
DEVICES = {"phone", "laptop", "blender", "camera", "lamp", "kettle", "toaster", "heater"}
A_BEFORE_VOWEL_OK = ("one", "once", "uni", "use", "usu", "eu", "uga", "ukr", "uru")  # "a Ugandan", "a Ukrainian"
AN_BEFORE_CONSONANT_OK = ("hour", "honest", "honor", "honour", "heir")


_SENTENCE = re.compile(r"[A-Z\"'].*[.!?]$", re.S)
_SPACES = re.compile(r"  |\s[,.;!?]")
_DOUBLED = re.compile(r"\b(\w+) \1\b", re.I)
_ARTICLE = re.compile(r"\b([Aa]n?) ([A-Za-z]+)")
_COUNTRY = re.compile(r"(?:\b(\w+) )?(" + "|".join(map(re.escape, NEEDS_THE)) + r")\b")
_GONE = re.compile("|".join(map(re.escape, OBSOLETE_OR_UNINHABITED)))
_COUNTED = re.compile(rf"\b(?:[Aa]n?) (?:\w+ )?({'|'.join(UNCOUNTABLE)})\b|\b[Tt]his ({'|'.join(UNCOUNTABLE)}) "
                      r"is(?:n't| not)? an? \w+ one\b")
_PAIRINGS = []
for _adjectives, _nouns, _what in ((FOR_PEOPLE, PEOPLE, "people"), (FOR_SITTING, SITTING, "places to sit or stay"),
                                   (FOR_DEVICES, DEVICES, "devices")):
    _adj = "|".join(_adjectives)
    _PAIRINGS.append((re.compile(rf"\b(?:[Tt]he|[Tt]his|[Oo]ur) (\w+) (?:was|were|is|are)(?: not|n't)? (?:an? |more |less )?({_adj})\b"),
                      re.compile(rf"\b[Aa]n? ({_adj}) (\w+)"), _nouns, _what))


def problems(text: str) -> list[str]:
    """What is wrong with one generated sentence (empty if nothing)."""
    out = []
    if not _SENTENCE.match(text):
        out.append("not a sentence (capital letter first, a full stop, ! or ? last)")
    if _SPACES.search(text):
        out.append("stray spaces")
    if _DOUBLED.search(text):
        out.append("a doubled word")
    for m in _ARTICLE.finditer(text):
        article, word = m.group(1).lower(), m.group(2).lower()
        if article == "a" and word[0] in "aeiou" and not word.startswith(A_BEFORE_VOWEL_OK):
            out.append(f"'a {m.group(2)}': an")
        if article == "an" and word[0] not in "aeiou" and not word.startswith(AN_BEFORE_CONSONANT_OK):
            out.append(f"'an {m.group(2)}': a")
    for m in _COUNTRY.finditer(text):
        if (m.group(1) or "").lower() != "the":
            out.append(f"{m.group(2)!r} without 'the'")
    out += [f"{m.group()!r} is not a current, inhabited country" for m in _GONE.finditer(text)]
    out += [f"'{m.group(1) or m.group(2)}' counted" for m in _COUNTED.finditer(text)]
    for after, before, nouns, what in _PAIRINGS:
        pairs = [(m.group(1), m.group(2)) for m in after.finditer(text)]
        pairs += [(m.group(2), m.group(1)) for m in before.finditer(text)]
        out += [f"'{a}' describes {what}, not a {noun}" for noun, a in pairs if noun.lower() not in nouns]
    return out


@pytest.mark.parametrize("text, wrong", [
    ("The pizza was not helpful.", "describes people"),
    ("This camera isn't a comfortable one.", "places to sit"),
    ("The pizza was comfortable.", "places to sit"),
    ("The mattress is digital.", "devices"),
    ("The tea I ordered from Netherlands arrived late.", "without 'the'"),
    ("The tea I ordered from Libyan Arab Jamahiriya arrived late.", "not a current"),
    ("What a wonderful food!", "counted"),
    ("This food isn't a good one.", "counted"),
    ("We had a awful time.", "an"),
    ("It was an great day.", "a"),
    ("the food was good.", "not a sentence"),
    ("The the food was good.", "doubled"),
])
def test_the_rules_catch_what_they_are_for(text, wrong):
    found = problems(text)
    if wrong is None:
        assert found == [], found
    else:
        assert any(wrong in p for p in found), found


@pytest.mark.parametrize("text", [
    "The staff were not helpful.", "We stayed at the hotel in the Netherlands.", "It took an hour.",
    "The tea I ordered from the United Kingdom arrived quickly and in perfect condition.",
    "The Bahamas are lovely.", "The room was comfortable.", "The lamp is electric.",
    "A useful app.", "The food was great.",
])
def test_the_rules_accept_good_english(text):
    assert problems(text) == []


def all_cases(built) -> list[str]:
    """Every text a test's templates can produce (the full product), or its inputs."""
    if built.test.inputs is not None:
        return [x for x in built.test.inputs if isinstance(x, str)]
    texts = []
    for spec in built.test.template or []:
        spec = {k: v for k, v in spec.items() if k not in ("n", "seed")}
        text = spec.pop("text")
        try:  # a large sample where the product is large (name lexicons), else every combination
            texts += template(text, n=SAMPLE, **spec).inputs
        except DeclarationError:  # fewer than SAMPLE combinations
            texts += template(text, **spec).inputs
    return texts


@pytest.fixture(scope="module")
def built_tests():
    pytest.importorskip("faker")
    return build_suite(SUITE)[1]


def test_every_sentence_of_the_sentiment_suite_follows_the_rules(built_tests):
    bad = {}
    for built in built_tests:
        for text in all_cases(built):
            found = problems(text)
            if found:
                bad.setdefault(built.test.name, []).append((text, found))
    assert not bad, "\n".join(f"{name}: {len(v)} sentences, e.g. {v[0]}" for name, v in bad.items())


def test_every_country_the_ner_test_swaps_in_follows_the_rules(built_tests):
    from behavetest._cases.generate import Generator
    from behavetest._model.keys import cache_key
    from behavetest.perturb._names import _country_pool

    (ner,) = [b for b in built_tests if b.test.name == "ner_countries_keep_label"]
    inputs = ner.inputs().inputs
    generated = Generator(seed=0).generate(ner.perturb, inputs, [cache_key(x) for x in inputs], 5)
    perturbed = [v for g in generated for v in g.values]
    assert len(perturbed) >= len(inputs)
    for text in inputs + perturbed:
        assert problems(text) == [], text
    for country in _country_pool():  # every replacement it can draw, in the test's sentence
        text = f"The tea I ordered from {country} arrived quickly and in perfect condition."
        assert problems(text) == [], text
