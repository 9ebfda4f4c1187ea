"""Built-in lexicons for templates: word lists, each value with optional attributes.

Two sources, both loaded lazily on first use and cached for the process:

* ``behavetest/data/lexicons.json`` (shipped with the package): small closed-class
  lists written for behavetest — sentiment-bearing adjectives, verbs and nouns,
  neutral adjectives and nouns, professions, religions (followers, as nouns),
  nationalities and current countries with their region (countries with "the" where
  English uses it: "the Netherlands"); plus ``number``, the integers 2–100 as strings.
* Faker's locale providers (the optional ``text`` extra): first names with their
  gender and origin, last names with their origin, and real city names with their
  country. Only Latin-script values are kept, so that they fit English templates.
  ``import behavetest`` never imports Faker.

Attributes (``{"gender": "female", "origin": "Nigeria"}``) end up in
``Case.meta`` and are the basis of per-attribute slices. Attribute values are
plain strings, so they travel in pytest reports as they are.

Names come from the locales in :data:`NAME_LOCALES`, in that order. A name listed by
several locales takes its ``origin`` from the first of them (so a name common in the
United States and Ireland has origin "United States"); its ``gender`` is "female" or
"male" when every locale that lists it agrees, else "unisex". ``male_first_name`` and
``female_first_name`` hold only the names whose gender is unambiguous.

The contents of the Faker-based lexicons depend on the installed Faker version
(locales missing from an older Faker are skipped); for a given Faker version they
are the same in every process, sorted the same way.
"""

from __future__ import annotations

import functools
import importlib
import json
import re
import unicodedata
from importlib import resources
from typing import Any, Mapping

from .._errors import DeclarationError

#: Faker locales whose first and last names make up the name lexicons: (locale, country).
NAME_LOCALES: tuple[tuple[str, str], ...] = (
    ("en_US", "United States"),
    ("en_GB", "United Kingdom"),
    ("en_IE", "Ireland"),
    ("en_IN", "India"),
    ("en_KE", "Kenya"),
    ("de_DE", "Germany"),
    ("fr_FR", "France"),
    ("es_ES", "Spain"),
    ("es_MX", "Mexico"),
    ("it_IT", "Italy"),
    ("pt_BR", "Brazil"),
    ("nl_NL", "Netherlands"),
    ("pl_PL", "Poland"),
    ("sv_SE", "Sweden"),
    ("tr_TR", "Turkey"),
    ("yo_NG", "Nigeria"),
    ("ig_NG", "Nigeria"),
    ("ha_NG", "Nigeria"),
    ("tw_GH", "Ghana"),
    ("zu_ZA", "South Africa"),
    ("id_ID", "Indonesia"),
)

#: Faker locales whose address providers list real city names: (locale, country).
CITY_LOCALES: tuple[tuple[str, str], ...] = (
    ("en_IN", "India"),
    ("en_BD", "Bangladesh"),
    ("de_DE", "Germany"),
    ("de_AT", "Austria"),
    ("de_CH", "Switzerland"),
    ("pl_PL", "Poland"),
    ("pt_PT", "Portugal"),
    ("ro_RO", "Romania"),
    ("sv_SE", "Sweden"),
    ("hr_HR", "Croatia"),
    ("id_ID", "Indonesia"),
)

_FAKER_LEXICONS = ("city", "female_first_name", "first_name", "last_name", "male_first_name")
_NUMBER = "number"
_EXTRA = "pip install 'behavetest[text]' (or pip install 'faker>=20')"
_WORDLIKE = re.compile(r"[^\W\d_]+(?:(?:[ '\-’.]|\. )[^\W\d_]+)*\.?")

Entries = dict  # value -> attributes (a dict of str -> str, possibly empty), in sorted order


def names() -> list[str]:
    """The names of the built-in lexicons, sorted (never imports Faker)."""
    return sorted(set(_json_lexicons()) | set(_FAKER_LEXICONS) | {_NUMBER})


def lexicon(name: str | None = None) -> list[str]:
    """The built-in lexicons: with no name, their names; with a name, its values, sorted.

    >>> bt.lexicon()                 # ['city', 'country', 'female_first_name', ...]
    >>> bt.lexicon("positive_adj")   # ['admirable', 'amazing', ...]

    Numbers sort numerically, everything else by case-folded text. The Faker-based
    lexicons (names, cities) need the ``text`` extra; without Faker they
    raise :class:`behavetest.DeclarationError` saying what to install.
    """
    if name is None:
        return names()
    return list(entries(name))


def exists(name: str) -> bool:
    return name in _FAKER_LEXICONS or name == _NUMBER or name in _json_lexicons()


def entries(name: str) -> Mapping[str, dict[str, str]]:
    """The values of lexicon ``name`` with their attributes (read-only by convention)."""
    if not isinstance(name, str):
        raise DeclarationError(f"a lexicon name is a string, not {type(name).__name__}")
    if name == _NUMBER:
        return _numbers()
    if name in _json_lexicons():
        return _json_lexicons()[name]
    if name in ("first_name", "male_first_name", "female_first_name"):
        return _first_names()[name]
    if name == "last_name":
        return _last_names()
    if name == "city":
        return _cities()
    raise DeclarationError(f"there is no built-in lexicon {name!r}; the built-in lexicons are: {', '.join(names())}")


# -- sorting and filtering -------------------------------------------------------


def sort_key(value: str) -> tuple:
    """Numbers numerically, then words by case-folded text; the same order everywhere."""
    if value.isdigit():
        return (0, int(value), value)
    folded = value.casefold()
    return (1, folded[4:] if folded.startswith("the ") else folded, value)  # "the Bahamas" among the Bs


def _sorted(raw: Mapping[str, dict[str, str]]) -> Entries:
    return {value: raw[value] for value in sorted(raw, key=sort_key)}


def _latin_word(value: Any) -> bool:
    """A name made of Latin-script letters (with spaces, hyphens, apostrophes, dots)."""
    if not isinstance(value, str) or not _WORDLIKE.fullmatch(value):
        return False
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in value)


# -- shipped word lists ------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _json_lexicons() -> dict[str, Entries]:
    text = resources.files("behavetest").joinpath("data/lexicons.json").read_text(encoding="utf-8")
    data = json.loads(text)
    if data.get("schema") != 1:
        raise RuntimeError(f"behavetest/data/lexicons.json has schema {data.get('schema')!r}, expected 1")
    out: dict[str, Entries] = {}
    for name, spec in data["lexicons"].items():
        values = spec["values"]
        raw = values if isinstance(values, dict) else {value: {} for value in values}
        out[name] = _sorted(raw)
    return out


@functools.lru_cache(maxsize=None)
def _numbers() -> Entries:
    return {str(i): {} for i in range(2, 101)}


# -- Faker-based lexicons ------------------------------------------------------------


def _faker_module(kind: str, locale: str | None = None) -> Any:
    """A Faker provider module, or None when this Faker version lacks that locale."""
    try:
        importlib.import_module("faker")
    except ImportError:
        raise DeclarationError(f"the built-in names, cities and countries come from Faker, which is not installed: {_EXTRA}") from None
    module = f"faker.providers.{kind}" + (f".{locale}" if locale else "")
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        return None


def _provider_list(module: Any, attribute: str, abbreviations: bool = False) -> list[str]:
    """A provider's list, Latin-script values only; names with dots are abbreviations ("Hans D.") or typos."""
    provider = getattr(module, "Provider", None)
    values = getattr(provider, attribute, None) if provider is not None else None
    if values is None:
        return []
    return [v for v in values if _latin_word(v) and (abbreviations or "." not in v)]  # dicts (name -> weight) iterate their names


@functools.lru_cache(maxsize=None)
def _first_names() -> dict[str, Entries]:
    genders: dict[str, set[str]] = {}
    origin: dict[str, str] = {}
    for locale, country in NAME_LOCALES:
        module = _faker_module("person", locale)
        if module is None:
            continue
        for gender, attribute in (("female", "first_names_female"), ("male", "first_names_male")):
            for value in _provider_list(module, attribute):
                genders.setdefault(value, set()).add(gender)
                origin.setdefault(value, country)
    if not origin:
        raise DeclarationError(f"the installed Faker has none of the locales behavetest takes names from; {_EXTRA}")
    everyone = {}
    for value, gender in genders.items():
        everyone[value] = {"gender": gender.pop() if len(gender) == 1 else "unisex", "origin": origin[value]}
    everyone = _sorted(everyone)
    return {
        "first_name": everyone,
        "female_first_name": {v: a for v, a in everyone.items() if a["gender"] == "female"},
        "male_first_name": {v: a for v, a in everyone.items() if a["gender"] == "male"},
    }


@functools.lru_cache(maxsize=None)
def _last_names() -> Entries:
    out: dict[str, dict[str, str]] = {}
    for locale, country in NAME_LOCALES:
        module = _faker_module("person", locale)
        if module is not None:
            for value in _provider_list(module, "last_names"):
                out.setdefault(value, {"origin": country})
    return _sorted(out)


@functools.lru_cache(maxsize=None)
def _cities() -> Entries:
    out: dict[str, dict[str, str]] = {}
    for locale, country in CITY_LOCALES:
        module = _faker_module("address", locale)
        if module is not None:
            for value in _provider_list(module, "cities", abbreviations=True):  # "St. Gallen"
                out.setdefault(value, {"country": country})
    return _sorted(out)


def clear_cache() -> None:
    """Forget loaded lexicons (for tests that change what is installed)."""
    for loader in (_json_lexicons, _numbers, _first_names, _last_names, _cities):
        loader.cache_clear()
