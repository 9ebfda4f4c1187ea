"""Templates: many test cases from one sentence with placeholders (CheckList's syntax).

>>> t = bt.template("{first_name} is {a:adj} {profession}.", adj=["honest", "good"],
...                 profession=["doctor", "umpire"], label="positive", n=100, seed=0)
>>> t[0].text, t[0].fills, t[0].label, t[0].meta   # with Faker 40's names
('Abebi is a good doctor.', {'first_name': 'Abebi', 'adj': 'good', 'profession': 'doctor'},
 'positive', {'first_name': {'gender': 'female', 'origin': 'Nigeria'}})

Syntax
------
``{name}``
    filled from the keyword argument ``name=[...]``, or else from the built-in
    lexicon ``name`` (see :func:`behavetest.lexicon`). A placeholder used twice
    gets the same value in both places.
``{a:name}``, ``{an:name}`` (``{A:name}``, ``{An:name}`` capitalized)
    the value preceded by the article correct English uses before it (see
    :func:`article`); ``fills`` holds the value without the article.
``{name1}``, ``{name2}``, ...
    when there is no ``name1`` keyword or lexicon: values of ``name`` that are
    all different from each other within a case.
``{{`` and ``}}``
    literal braces.

Which cases
-----------
Without ``n`` the template gives the full Cartesian product of its placeholders'
values, in the order of ``itertools.product`` over the placeholders in order of
first appearance (values in keyword order, lexicons sorted). Products larger than
:data:`MAX_PRODUCT` are refused: pass ``n=``. With ``n`` it gives ``n`` distinct
fills drawn uniformly without replacement from the product, in product order.
The draw indexes into the product space (mixed-radix decoding), so it never builds
the product, and its random generator is seeded with
``behavetest._model.keys.stable_int(text, seed)``: the same sample in every process,
whatever ``PYTHONHASHSEED`` is (unlike CheckList).

Labels
------
``label=`` is the expected label of every case of the template. ``t1 + t2``
concatenates templates, each case keeping its own label, so a test can mix cases
with different expected labels; ``behave.mft(model, template, capability=...)``
takes the expected labels from ``template.labels`` when neither ``expect=`` nor
``labels=`` is given (``labels`` is None, and an error, if some case has no label).
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Sequence, overload

from . import lexicons as _lexicons
from .._errors import DeclarationError
from .._model.keys import cache_key, stable_int

#: Largest full product ``bt.template`` builds without ``n=``.
MAX_PRODUCT = 100_000


# -- cases and templates -------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One filled template.

    ``text``: the sentence; ``fills``: placeholder -> value (numbered placeholders
    under their own key, ``first_name1``; article placeholders without the
    article); ``label``: the template's expected label or None; ``meta``: for
    values drawn from a built-in lexicon that has attributes, placeholder -> the
    value's attributes (``{"first_name": {"gender": "female", "origin": "Kenya"}}``).
    """

    text: Any
    fills: dict[str, Any] = field(default_factory=dict)
    label: Any = None
    meta: dict[str, dict[str, str]] = field(default_factory=dict)
    answer: str | None = None

    @property
    def input(self) -> Any:
        """What the model is given: the text, or the tuple or dict of a structured template."""
        return self.text

    def __str__(self) -> str:
        return self.text if isinstance(self.text, str) else repr(self.text)


class Template(Sequence[Case]):
    """The cases of one or more templates: a sequence of :class:`Case`.

    ``inputs`` (the texts), ``labels`` and ``fills`` are parallel lists for
    ``behave.mft/inv/dir``; ``t1 + t2`` concatenates.
    """

    __slots__ = ("_cases",)

    def __init__(self, cases: Iterable[Case] = ()) -> None:
        cases = tuple(cases)
        for case in cases:
            if not isinstance(case, Case):
                raise DeclarationError(f"a Template holds Case objects, not {type(case).__name__}")
        self._cases = cases

    @property
    def cases(self) -> list[Case]:
        return list(self._cases)

    @property
    def inputs(self) -> list[str]:
        """The texts, one per case: what the model is given."""
        return [case.text for case in self._cases]

    @property
    def labels(self) -> list[Any] | None:
        """The expected labels, one per case; None when any case has no label."""
        if any(case.label is None for case in self._cases):
            return None
        return [case.label for case in self._cases]

    @property
    def answers(self) -> list[str] | None:
        """The expected answers of a QA template, one per case; None when any case has none."""
        if not self._cases or any(case.answer is None for case in self._cases):
            return None
        return [case.answer for case in self._cases]

    @property
    def fills(self) -> list[dict[str, Any]]:
        return [dict(case.fills) for case in self._cases]

    @property
    def meta(self) -> list[dict[str, dict[str, str]]]:
        return [{k: dict(v) for k, v in case.meta.items()} for case in self._cases]

    def __len__(self) -> int:
        return len(self._cases)

    @overload
    def __getitem__(self, index: int) -> Case: ...
    @overload
    def __getitem__(self, index: slice) -> Template: ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Template(self._cases[index])
        return self._cases[index]

    def __iter__(self) -> Iterator[Case]:
        return iter(self._cases)

    def __add__(self, other: Any) -> Template:
        if not isinstance(other, Template):
            return NotImplemented
        return Template(self._cases + other._cases)

    def __radd__(self, other: Any) -> Template:
        if other == 0:  # sum([t1, t2, t3])
            return self
        return NotImplemented

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Template) and self._cases == other._cases

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        if not self._cases:
            return "Template(0 cases)"
        labels = sorted({repr(c.label) for c in self._cases})
        more = f", labels {', '.join(labels[:5])}{', ...' if len(labels) > 5 else ''}"
        if self._cases[0].answer is not None:
            more += f", answers e.g. {self._cases[0].answer!r}"
        return f"Template({len(self._cases)} cases, e.g. {self._cases[0].text!r}{more})"


# -- articles ------------------------------------------------------------------------

# Words spelled with a vowel but spoken with a consonant ("you", "wuh"): take "a".
_CONSONANT_SOUND_PREFIXES = (
    "eu", "ewe",  # European, euphemism, ewe
    "unan", "unic", "unif", "union", "uniq", "unis", "unit", "univ",  # unanimous, unicorn, uniform, unique, unit, university
    "ubiq", "uga", "ukr", "uku", "ura", "ure", "uri", "uro", "uru",  # ubiquitous, Ugandan, Ukrainian, ukulele, uranium, urine, Uruguayan
    "usa", "use", "usu", "uten", "uter", "util", "uto", "uvu",  # usable, useful, usual, utensil, utility, utopia, uvula
)
# Words spelled with "h" but spoken with a vowel: take "an".
_SILENT_H_PREFIXES = ("heir", "honest", "honor", "honour", "hour")
# Letters whose English name starts with a vowel sound: "an F", "an MBA", "an X-ray".
_VOWEL_SOUND_LETTERS = frozenset("AEFHILMNORSX")
# Upper-case abbreviations read as words, not letter by letter.
_SPOKEN_ACRONYMS = {
    "AIDS": "an", "ASEAN": "an", "FIFA": "a", "IKEA": "an", "LASER": "a", "NAFTA": "a", "NASA": "a",
    "NATO": "a", "OPEC": "an", "OSHA": "an", "RADAR": "a", "SCUBA": "a", "UEFA": "a", "UNESCO": "a",
    "UNICEF": "a",
}
_NUMBER = re.compile(r"\d[\d,]*")
_WORD = re.compile(r"[^\W_]+")


def article(word: str) -> str:
    """"a" or "an" for ``word``, by how it is spoken, not spelled.

    The rules, in order, applied to the first word (leading quotes and brackets skipped):

    1. Numbers: "an" when spoken with "eight", "eleven" or "eighteen" first: "an 8",
       "an 80", "an 11", "an 18", "an 18,000", "an 1800s" (four digits read in pairs
       as years are); else "a" ("a 1", "a 100", "a 1,800").
    2. A single letter ("an F", "an X-ray", "a U-turn") or an initialism, a word in
       capitals (a plural "s" allowed): by the name of its first letter, "an MBA",
       "an FBI", "an HR", "a UFO", "a BBC"; except a short list of acronyms read as
       words ("a NASA", "an OPEC", "a UNESCO").
    3. Silent "h": words starting with hour, honest, honor, honour, heir ("an hour",
       "an honorable", "an heiress").
    4. Vowel letters spoken as consonants: "eu" and "ewe" ("a European"), "u" spoken
       "you" in the listed prefixes ("a university", "a unicorn", "a useful", "a
       Ugandan", but "an umbrella", "an unusual", "an uninformed"), "one" and "once"
       ("a one-way", "a once-famous").
    5. Otherwise "an" before a, e, i, o, u (accents ignored: "an Élodie"), else "a".

    Not covered: regional usage ("an herb" in American English), rare exceptions
    to rule 4 outside the listed prefixes (an "Euler" spoken "oiler").
    """
    if not isinstance(word, str):
        raise DeclarationError(f"an article needs a string, not {type(word).__name__} {word!r}")
    text = word.lstrip(" \t\"'“‘«([{¿¡")
    number = _NUMBER.match(text)
    if number:
        return _number_article(number.group())
    match = _WORD.match(text)
    if match is None:
        raise DeclarationError(f"cannot choose 'a' or 'an' for {word!r}: it has no word")
    token = match.group()
    plain = "".join(c for c in unicodedata.normalize("NFKD", token) if not unicodedata.combining(c))
    if len(token) == 1:
        return "an" if plain.upper() in _VOWEL_SOUND_LETTERS else "a"
    letters = plain[:-1] if plain.endswith("s") and len(plain) > 2 else plain
    if letters.isupper():
        if letters in _SPOKEN_ACRONYMS:
            return _SPOKEN_ACRONYMS[letters]
        if letters[0].isdigit():
            return _number_article(re.match(r"\d+", letters).group())
        return "an" if letters[0] in _VOWEL_SOUND_LETTERS else "a"
    low = plain.lower()
    if low.startswith(_SILENT_H_PREFIXES):
        return "an"
    if low.startswith(_CONSONANT_SOUND_PREFIXES) or low in ("one", "once"):
        return "a"
    return "an" if low[0] in "aeiou" else "a"


def _number_article(digits: str) -> str:
    groups = digits.rstrip(",").split(",")
    head = groups[0]
    if head.startswith("8"):
        return "an"
    if len(groups) > 1:
        return "an" if head in ("11", "18") else "a"
    spoken_in_pairs = len(head) % 3 == 2 or len(head) == 4  # 11, 18 | 11,000 | 1800 (eighteen hundred)
    return "an" if spoken_in_pairs and head[:2] in ("11", "18") else "a"


def with_article(value: str, capital: bool = False) -> str:
    art = article(value)
    return f"{art.capitalize() if capital else art} {value}"


# -- parsing -------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"(?:(?P<art>a|an|A|An):)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)")
_NUMBERED = re.compile(r"(?P<base>[A-Za-z_](?:[A-Za-z0-9_]*[A-Za-z_])?)(?P<num>\d+)")


@dataclass(frozen=True)
class _Hole:
    name: str
    article: str | None  # None, "a" (lower case) or "A" (capitalized)


def parse(text: str) -> list[str | _Hole]:
    """Split a template into literal text and placeholders; ``{{``/``}}`` are literal braces."""
    parts: list[str | _Hole] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "{" and text.startswith("{{", i):
            literal.append("{")
            i += 2
        elif ch == "}" and text.startswith("}}", i):
            literal.append("}")
            i += 2
        elif ch == "{":
            end = text.find("}", i + 1)
            inner_open = text.find("{", i + 1)
            if end < 0 or (0 <= inner_open < end):
                raise DeclarationError(
                    f"template {text!r}: unbalanced '{{' at position {i}; close the placeholder with '}}' "
                    "or write '{{' for a literal brace"
                )
            inner = text[i + 1:end]
            match = _PLACEHOLDER.fullmatch(inner)
            if match is None:
                raise DeclarationError(
                    f"template {text!r}: {{{inner}}} is not a placeholder; write {{name}}, {{a:name}} or {{an:name}} "
                    "with name a Python identifier"
                )
            if literal:
                parts.append("".join(literal))
                literal = []
            art = match.group("art")
            parts.append(_Hole(match.group("name"), None if art is None else ("A" if art[0] == "A" else "a")))
            i = end + 1
        elif ch == "}":
            raise DeclarationError(
                f"template {text!r}: unbalanced '}}' at position {i}; write '}}}}' for a literal brace"
            )
        else:
            literal.append(ch)
            i += 1
    if literal:
        parts.append("".join(literal))
    return parts


# -- the product space ---------------------------------------------------------------


@dataclass
class _Source:
    """The values a placeholder base draws from."""

    name: str
    values: list[Any]
    attributes: list[Mapping[str, str]] | None  # per value, for lexicon values


@dataclass
class _Slot:
    """One dimension of the product: a distinct placeholder name."""

    name: str
    source: _Source
    group: str | None  # numbered placeholders of one base draw distinct values
    rank: int  # position within its group (0 for ungrouped)


def _given_values(name: str, value: Any, text: str) -> list[Any]:
    if isinstance(value, (set, frozenset)):
        raise DeclarationError(
            f"template {text!r}: {name}= is a set, whose order changes between processes; give a list (e.g. sorted({name}))"
        )
    if isinstance(value, Mapping):
        raise DeclarationError(f"template {text!r}: {name}= must be a list of values, not a {type(value).__name__}")
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        values = [value]  # a single value
    else:
        values = list(value)
    if not values:
        raise DeclarationError(f"template {text!r}: {name}= is empty; give at least one value")
    seen, unique = set(), []
    for v in values:  # drop repeats, keeping the first: repeated values would repeat cases
        key = cache_key(v)
        if key not in seen:
            seen.add(key)
            unique.append(v)
    return unique


def _resolve(text: str, holes: list[_Hole], given: dict[str, Any]) -> list[_Slot]:
    sources: dict[str, _Source] = {}
    used: set[str] = set()

    def source(base: str) -> _Source | None:
        if base in sources:
            return sources[base]
        if base in given:
            src = _Source(base, _given_values(base, given[base], text), None)
        elif _lexicons.exists(base):
            try:
                entries = _lexicons.entries(base)
            except DeclarationError as exc:  # e.g. Faker is not installed
                raise DeclarationError(f"template {text!r}, placeholder {{{base}}}: {exc}") from None
            values = list(entries)
            attrs = [entries[v] for v in values]
            src = _Source(base, values, attrs if any(attrs) else None)
        else:
            return None
        used.add(base)
        sources[base] = src
        return src

    slots: dict[str, _Slot] = {}
    group_sizes: dict[str, int] = {}
    for hole in holes:
        if hole.name in slots:
            continue
        src = source(hole.name)
        group = None
        if src is None:
            numbered = _NUMBERED.fullmatch(hole.name)
            if numbered is not None:
                src = source(numbered.group("base"))
                group = numbered.group("base")
        if src is None:
            raise DeclarationError(
                f"template {text!r}: no values for placeholder {{{hole.name}}}; pass {hole.name}=[...] or use a "
                f"built-in lexicon. Keyword arguments given: {', '.join(sorted(given)) or '(none)'}. "
                f"Built-in lexicons: {', '.join(_lexicons.names())}"
            )
        rank = group_sizes.get(group, 0) if group else 0
        if group:
            group_sizes[group] = rank + 1
        slots[hole.name] = _Slot(hole.name, src, group, rank)
    unused = sorted(set(given) - used)
    if unused:
        raise DeclarationError(
            f"template {text!r} has no placeholder for keyword argument(s) {', '.join(u + '=' for u in unused)}; "
            f"its placeholders are {', '.join('{' + s + '}' for s in slots) or '(none)'}"
        )
    for base, k in group_sizes.items():
        m = len(sources[base].values)
        if k > m:
            raise DeclarationError(
                f"template {text!r} needs {k} different values of {base} (numbered placeholders) but {base} has only {m}"
            )
    for hole in holes:
        if hole.article is not None:
            for value in slots[hole.name].source.values:
                if not isinstance(value, str) or not value.strip():
                    raise DeclarationError(
                        f"template {text!r}: {{a:{hole.name}}} needs non-empty string values to choose 'a' or 'an', "
                        f"but {slots[hole.name].source.name} has {value!r}"
                    )
    return list(slots.values())


def _radices(slots: list[_Slot]) -> list[int]:
    # A group's k-th member picks among the values its earlier members left: m, m-1, ...
    return [len(slot.source.values) - slot.rank for slot in slots]


def _decode(index: int, slots: list[_Slot], radices: list[int]) -> list[int]:
    """The value index of each slot for product index ``index`` (last slot fastest)."""
    digits = [0] * len(slots)
    for pos in range(len(slots) - 1, -1, -1):
        index, digits[pos] = divmod(index, radices[pos])
    taken: dict[str, list[int]] = {}
    out = []
    for slot, digit in zip(slots, digits):
        if slot.group is None:
            out.append(digit)
            continue
        used = taken.setdefault(slot.group, [])
        value = digit
        for u in sorted(used):  # the digit-th value among those not used yet
            if u <= value:
                value += 1
        used.append(value)
        out.append(value)
    return out


def _sample(size: int, n: int, rng: random.Random) -> list[int]:
    """``n`` distinct indices below ``size``, uniformly (Floyd's algorithm), sorted; O(n) for any size."""
    chosen: set[int] = set()
    for j in range(size - n, size):
        t = rng.randrange(j + 1)
        chosen.add(j if t in chosen else t)
    return sorted(chosen)


# -- the public function -------------------------------------------------------------


def _structure(text: Any) -> tuple[Any, list[str]]:
    """The keys (a dict's, a tuple's positions, or None for one string) and texts of a template."""
    if isinstance(text, str):
        return None, [text]
    if isinstance(text, Mapping) and text and all(isinstance(k, str) and isinstance(v, str) for k, v in text.items()):
        return list(text), list(text.values())
    if isinstance(text, (tuple, list)) and text and all(isinstance(v, str) for v in text):
        return len(text), list(text)
    raise DeclarationError(
        f"bt.template needs a template string, a tuple of them (a pair of questions) or a dict of them "
        f"({{'context': ..., 'question': ...}}), not {type(text).__name__} {text!r}"
    )


def _fill(parts: list, fills: dict[str, Any]) -> str:
    pieces = []
    for part in parts:
        if isinstance(part, str):
            pieces.append(part)
            continue
        value = fills[part.name]
        text = str(value) if part.article is None else with_article(value, part.article == "A")
        if text.startswith("the ") and not "".join(pieces).strip(" \"'("):  # "the Netherlands" opening a sentence
            text = "The" + text[3:]
        pieces.append(text)
    return "".join(pieces)


def template(
    text: Any,
    /,
    *,
    label: Any = None,
    answer: str | None = None,
    n: int | None = None,
    seed: Any = 0,
    **values: Any,
) -> Template:
    """Test cases from a template in CheckList's syntax.

    >>> bt.template("{first_name} is {a:adj} {profession}.", adj=["honest", "evil"],
    ...             profession=["doctor", "umpire"], label="positive", n=50)

    ``{name}`` is filled from ``name=[...]`` or the built-in lexicon ``name``;
    ``{a:name}`` adds "a" or "an" as spoken English wants (:func:`article`);
    ``{name1}``, ``{name2}`` take different values of ``name``. Without ``n`` all
    combinations (at most :data:`MAX_PRODUCT`); with ``n``, ``n`` distinct
    combinations sampled with ``seed``, the same in every process. ``label`` is the
    expected label of every case. A single non-list value counts as a one-value
    list; repeated values are dropped.

    Structured inputs: ``text`` may be a tuple of template strings (a question
    pair) or a dict of them (``{"context": ..., "question": ...}``); the parts share
    their placeholders' values, and each case's input is the tuple or dict of
    filled texts. ``answer=`` is a template string of the expected answer (QA),
    filled with the same values: ``answer="{first_name}"``.
    """
    keys, texts = _structure(text)
    if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 1):
        raise DeclarationError(f"bt.template: n must be a positive integer, not {n!r}")
    if answer is not None and not isinstance(answer, str):
        raise DeclarationError(f"bt.template: answer= must be a template string, not {type(answer).__name__} {answer!r}")
    part_lists = [parse(t) for t in texts]
    holes = [part for parts in part_lists for part in parts if isinstance(part, _Hole)]
    answer_parts = parse(answer) if answer is not None else None
    if answer_parts is not None:
        known = {h.name for h in holes}
        unknown = sorted({p.name for p in answer_parts if isinstance(p, _Hole)} - known)
        if unknown:
            raise DeclarationError(
                f"template {text!r}: the answer {answer!r} uses {', '.join('{' + u + '}' for u in unknown)}, which the "
                "text does not; an answer can only use the text's placeholders"
            )
    slots = _resolve(text, holes, values)
    radices = _radices(slots)
    size = 1
    for r in radices:
        size *= r
    if n is None:
        if size > MAX_PRODUCT:
            raise DeclarationError(
                f"template {text!r} has {size:,} combinations of values, more than {MAX_PRODUCT:,}; "
                "pass n= to sample some of them"
            )
        indices: Iterable[int] = range(size)
    else:
        if n > size:
            raise DeclarationError(
                f"template {text!r}: n={n} but it has only {size:,} distinct combinations of values; "
                f"use n={size} or fewer (or leave n out for all of them)"
            )
        indices = _sample(size, n, random.Random(stable_int("behavetest.template", text, seed)))
    cases = []
    for index in indices:
        chosen = _decode(index, slots, radices)
        fills: dict[str, Any] = {}
        meta: dict[str, dict[str, str]] = {}
        for slot, k in zip(slots, chosen):
            fills[slot.name] = slot.source.values[k]
            if slot.source.attributes is not None and slot.source.attributes[k]:
                meta[slot.name] = dict(slot.source.attributes[k])
        filled = [_fill(parts, fills) for parts in part_lists]
        if keys is None:
            value: Any = filled[0]
        elif isinstance(keys, list):
            value = dict(zip(keys, filled))
        else:
            value = tuple(filled)
        case_answer = None if answer_parts is None else _fill(answer_parts, fills)
        cases.append(Case(value, fills, label, meta, case_answer))
    return Template(cases)
