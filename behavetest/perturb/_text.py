"""Character- and format-level text perturbations: typos, OCR errors, misspellings, case, punctuation, noise.

Most perturbations here are *edits*: a text offers candidate places, each a span
with the replacements allowed there (never the span itself, so every draw changes
the text). A draw picks a count, then places left to right with at least one
untouched character between two edits, then a replacement for each. Counts shrink
towards the smallest, places towards the first, replacements towards the first
listed (the simplest). Characters outside the edited spans are kept exactly.
"""

from __future__ import annotations

import bisect
import importlib.util
import re
from typing import Any, Callable, Sequence, Union

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from .._errors import DeclarationError
from ._perturbation import Perturbation
from . import _resources as res
from ._basic import _text

# A replacement is a tuple of alternatives, simplest first, or a strategy drawing one.
Options = Union[tuple, SearchStrategy]
Place = tuple  # (start, end, Options)

WORD = re.compile(r"[^\W\d_]+")
WORD_APOSTROPHE = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


def count(n: Any, name: str) -> tuple[int, int]:
    low, high = (n, n) if not isinstance(n, tuple) else n
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)) or not 1 <= low <= high:
        raise DeclarationError(f"bt.perturb.{name}(n): n must be a positive integer or a (low, high) range, not {n!r}")
    return low, high


def require(name: str, package: str) -> None:
    """Fail at declaration, not mid-run, when an optional package is missing."""
    if importlib.util.find_spec(package) is None:
        raise DeclarationError(f"bt.perturb.{name} needs the optional package {package!r}; install it with {res.EXTRA}")


def match_case(source: str, target: str) -> str:
    """``target`` in the case pattern of ``source``: DO NOT -> DON'T, Do not -> Don't."""
    letters = [c for c in source if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return target.upper()
    if source[:1].isupper():
        return target[:1].upper() + target[1:]
    return target


class _Plan:
    """For places sorted by start: how many non-touching edits fit from each place on."""

    def __init__(self, places: list[Place]) -> None:
        starts = [p[0] for p in places]
        size = len(places)
        self.next = [bisect.bisect_right(starts, p[1]) for p in places]
        self.fit = [0] * size
        self.best = [0] * (size + 1)
        for i in range(size - 1, -1, -1):
            self.fit[i] = 1 + self.best[self.next[i]]
            self.best[i] = max(self.fit[i], self.best[i + 1])


@st.composite
def _edits(draw: Callable, text: str, places: list[Place], plan: _Plan, low: int, high: int) -> str:
    k = draw(st.integers(low, min(high, plan.best[0])))
    chosen, pos = [], 0
    for j in range(k):
        candidates = [i for i in range(pos, len(places)) if plan.fit[i] >= k - j]
        i = candidates[draw(st.integers(0, len(candidates) - 1))]
        start, end, options = places[i]
        if isinstance(options, SearchStrategy):
            new = draw(options)
        else:
            new = options[draw(st.integers(0, len(options) - 1))]
        chosen.append((start, end, new))
        pos = plan.next[i]
    return apply(text, chosen)


def apply(text: str, edits: Sequence[tuple[int, int, str]]) -> str:
    out, last = [], 0
    for start, end, new in edits:
        out += [text[last:start], new]
        last = end
    out.append(text[last:])
    return "".join(out)


def edit_strategy(text: str, places: list[Place], low: int = 1, high: int = 1) -> SearchStrategy[str] | None:
    """Draw ``low..high`` non-touching edits among ``places``; None when fewer than ``low`` fit."""
    places = sorted((p for p in places if isinstance(p[2], SearchStrategy) or p[2]), key=lambda p: (p[0], p[1]))
    plan = _Plan(places)
    if plan.best[0] < low:
        return None
    return _edits(text, places, plan, low, high)


def edits(name: str, n: Any, find: Callable[[str], list[Place]], *, params: str | None = None) -> Perturbation:
    """A perturbation making ``n`` edits among the places ``find(text)`` offers."""
    low, high = count(n, name)

    def strategy(value: Any) -> SearchStrategy[str] | None:
        text = _text(value, name)
        return edit_strategy(text, find(text), low, high)

    shown = repr(n) + (f", {params}" if params else "")
    return Perturbation(strategy, name=f"{name}({shown})", key=(name, low, high, params))


def _letters(text: str, min_word: int = 1):
    for m in WORD.finditer(text):
        if len(m.group()) >= min_word:
            yield from range(m.start(), m.end())


# --- characters --------------------------------------------------------------------------


def keyboard_typos(n: int | tuple[int, int] = 1) -> Perturbation:
    """``n`` letters or digits replaced by a neighbouring key: ``"great"`` -> ``"grwat"``.

    Neighbours come from nlpaug's US keyboard map (letters stay letters, digits
    digits, case is kept). Shrinks towards fewer typos, earlier in the text, and
    the first neighbour listed.
    """
    require("keyboard_typos", "nlpaug")

    def find(text: str) -> list[Place]:
        board = res.keyboard()
        return [(i, i + 1, tuple(match_case(c, v) for v in board[c.lower()])) for i, c in enumerate(text) if c.lower() in board]

    return edits("keyboard_typos", n, find)


def ocr(n: int | tuple[int, int] = 1) -> Perturbation:
    """``n`` characters replaced by one OCR confuses them with: ``"100 rooms"`` -> ``"1O0 rooms"``.

    Confusions are nlpaug's OCR table used both ways (``0``/``o``/``O``, ``1``/``l``/``I``,
    ``8``/``s`` ...); texts without such characters are not applicable. Shrinks
    towards fewer, earlier changes and the first confusion listed.
    """
    require("ocr", "nlpaug")

    def find(text: str) -> list[Place]:
        table = res.ocr()
        return [(i, i + 1, table[c]) for i, c in enumerate(text) if c in table]

    return edits("ocr", n, find)


def char_delete(n: int | tuple[int, int] = 1) -> Perturbation:
    """``n`` letters deleted from words of two or more letters: ``"great"`` -> ``"grat"``.

    Shrinks towards fewer deletions, earlier in the text.
    """
    return edits("char_delete", n, lambda text: [(i, i + 1, ("",)) for i in _letters(text, 2)])


def char_duplicate(n: int | tuple[int, int] = 1) -> Perturbation:
    """``n`` letters typed twice: ``"great"`` -> ``"greeat"``. Shrinks towards fewer, earlier ones."""
    return edits("char_duplicate", n, lambda text: [(i, i + 1, (text[i] * 2,)) for i in _letters(text)])


def char_insert(n: int | tuple[int, int] = 1) -> Perturbation:
    """``n`` stray letters typed after a letter, each a keyboard neighbour of it: ``"great"`` -> ``"grewat"``.

    Neighbours come from nlpaug's keyboard map; case follows the letter before.
    Shrinks towards fewer insertions, earlier in the text, and the first neighbour.
    """
    require("char_insert", "nlpaug")

    def find(text: str) -> list[Place]:
        board = res.keyboard()
        return [
            (i + 1, i + 1, tuple(match_case(text[i], v) for v in board[text[i].lower()]))
            for i in _letters(text)
            if text[i].lower() in board
        ]

    return edits("char_insert", n, find)


def misspell(n: int | tuple[int, int] = 1) -> Perturbation:
    """``n`` words replaced by a real misspelling of them: ``"definitely"`` -> ``"definately"``.

    Misspellings come from nlpaug's list of common English misspellings, for
    words of three or more letters, leaving out "misspellings" that are words
    of the list themselves (``good`` -> ``got``); the word's case pattern is kept. Shrinks towards fewer words, earlier in the
    text, and the misspelling closest to the word.
    """
    require("misspell", "nlpaug")

    def find(text: str) -> list[Place]:
        table = res.misspellings()
        out = []
        for m in WORD.finditer(text):
            options = table.get(m.group().lower()) if len(m.group()) >= 3 else None
            if options:
                word = m.group()
                cased = tuple(dict.fromkeys(match_case(word, o) for o in options if match_case(word, o) != word))
                if cased:
                    out.append((m.start(), m.end(), cased))
        return out

    return edits("misspell", n, find)


# --- case, punctuation, whitespace ------------------------------------------------------------


def _whole(name: str, fn: Callable[[str], str]) -> Perturbation:
    def strategy(value: Any):
        text = _text(value, name)
        new = fn(text)
        return None if new == text else st.just(new)

    return Perturbation(strategy, name=f"{name}()", key=(name,))


def lowercase() -> Perturbation:
    """The whole text in lower case: ``"Great Movie"`` -> ``"great movie"``; one value, nothing to shrink.

    Not applicable to texts already in lower case.
    """
    return _whole("lowercase", str.lower)


def uppercase() -> Perturbation:
    """The whole text in upper case: ``"Great movie"`` -> ``"GREAT MOVIE"``; one value, nothing to shrink."""
    return _whole("uppercase", str.upper)


def case_change(n: int | tuple[int, int] = 1) -> Perturbation:
    """``n`` words recased to lower, upper or title case: ``"a great movie"`` -> ``"a GREAT movie"``.

    Only words with a cased letter, and only changes that alter them. Shrinks
    towards fewer, earlier words and lower case, then upper, then title case.
    """

    def find(text: str) -> list[Place]:
        out = []
        for m in WORD_APOSTROPHE.finditer(text):
            w = m.group()
            forms = (w.lower(), w.upper(), w[:1].upper() + w[1:].lower())
            options = tuple(f for f in dict.fromkeys(forms) if f != w and len(f) == len(w))
            if options:
                out.append((m.start(), m.end(), options))
        return out

    return edits("case_change", n, find)


_END = re.compile(r"[.!?]+$")


def end_punctuation() -> Perturbation:
    """Strip the final punctuation, or add some where there is none: ``"Great movie!"`` -> ``"Great movie"``.

    A text ending in ``.``, ``!`` or ``?`` loses it (or gets ``.``/``!`` instead);
    one ending in a letter or digit gets ``.`` or ``!``. Shrinks towards
    stripping, or adding a full stop. Texts ending otherwise (an emoticon, a quote)
    are not applicable.
    """

    def find(text: str) -> list[Place]:
        body = text.rstrip()
        m = _END.search(body)
        if m:
            options = tuple(o for o in ("", ".", "!") if o != m.group())
            return [(m.start(), m.end(), options)]
        if body and body[-1].isalnum():
            return [(len(body), len(body), (".", "!"))]
        return []

    def strategy(value: Any):
        text = _text(value, "end_punctuation")
        return edit_strategy(text, find(text))

    return Perturbation(strategy, name="end_punctuation()", key=("end_punctuation",))


_MARKS = re.compile(r"[,;:.!?]")
_FACE = set("()[]<>-=^*'\"DPpOo3/\\|")


def strip_punctuation(n: int | tuple[int, int] = 1) -> Perturbation:
    """``n`` punctuation marks (``, ; : . ! ?``) removed: ``"Well, it was fine."`` -> ``"Well it was fine."``.

    Marks inside numbers (``3.5``, ``1,000``) and in emoticons (``:)``, ``;-)``)
    are left alone. Shrinks towards fewer marks, earlier in the text.
    """

    def find(text: str) -> list[Place]:
        out = []
        for m in _MARKS.finditer(text):
            i = m.start()
            before, after = text[i - 1 : i], text[i + 1 : i + 2]
            if before.isdigit() and after.isdigit():
                continue
            if text[i] in ":;" and after in _FACE and after:
                continue
            out.append((i, i + 1, ("",)))
        return out

    return edits("strip_punctuation", n, find)


_SPACES = re.compile(r"\s+")


def whitespace(n: int | tuple[int, int] = 1, *, remove: bool = False) -> Perturbation:
    """``n`` extra spaces at the start, end or next to a space: ``"a good film"`` -> ``"a good  film"``.

    With ``remove=True`` a space between two words may also be deleted
    (``"a goodfilm"``). Shrinks towards fewer changes, earlier in the text, and
    an added space rather than a removed one.
    """
    if not isinstance(remove, bool):
        raise DeclarationError(f"bt.perturb.whitespace: remove must be True or False, not {remove!r}")

    def find(text: str) -> list[Place]:
        out = []
        if text and not text[0].isspace():
            out.append((0, 0, (" ",)))
        for m in _SPACES.finditer(text):
            run = m.group()
            inner = 0 < m.start() and m.end() < len(text) and text[m.start() - 1].isalnum() and text[m.end()].isalnum()
            out.append((m.start(), m.end(), (run + " ", "") if remove and inner else (run + " ",)))
        if text and not text[-1].isspace():
            out.append((len(text), len(text), (" ",)))
        return out

    return edits("whitespace", n, find, params="remove=True" if remove else "")


# --- irrelevant prefixes and suffixes ----------------------------------------------------------

_LOWER = "abcdefghijklmnopqrstuvwxyz"
_TLDS = ("com", "org", "net", "io", "co")


def _chars(alphabet: str, min_size: int, max_size: int) -> SearchStrategy[str]:
    # Indices rather than st.text: Hypothesis mixes string literals found in the user's own
    # modules into st.text draws, which would make the draws depend on what a process imported.
    return st.lists(st.integers(0, len(alphabet) - 1), min_size=min_size, max_size=max_size).map(
        lambda ix: "".join(alphabet[i] for i in ix)
    )


def _affix(name: str, at: str, piece: SearchStrategy[str]) -> Perturbation:
    if at not in ("end", "start", "either"):
        raise DeclarationError(f"bt.perturb.{name}: at must be 'end', 'start' or 'either', not {at!r}")
    sides = ("end", "start") if at == "either" else (at,)

    def attach(text: str, side: str, affix: str) -> str:
        if side == "end":
            return text + ("" if not text or text[-1].isspace() else " ") + affix
        return affix + ("" if not text or text[0].isspace() else " ") + text

    def strategy(value: Any):
        text = _text(value, name)
        return st.tuples(st.sampled_from(sides), piece).map(lambda sa: attach(text, *sa))

    return Perturbation(strategy, name=f"{name}(at={at!r})", key=(name, at))


def add_url(at: str = "end") -> Perturbation:
    """An irrelevant URL added at the ``"end"``, ``"start"`` or ``"either"``: ``"Loved it https://bkqz.com"``.

    Domains are random letters with a common top-level domain, sometimes with a
    path. Shrinks towards ``"https://aaa.com"`` at the end.
    """
    label = _chars(_LOWER, 3, 10)
    path = st.lists(_chars(_LOWER + "0123456789", 1, 8), max_size=2)
    url = st.builds(
        lambda d, t, p: f"https://{d}.{t}" + "".join("/" + s for s in p), label, st.sampled_from(_TLDS), path
    )
    return _affix("add_url", at, url)


def add_handle(at: str = "start") -> Perturbation:
    """An @handle added at the ``"start"``, ``"end"`` or ``"either"``: ``"@kwt_9 Loved it"``.

    Shrinks towards ``"@a"`` at the start.
    """
    handle = st.builds(lambda a, b: "@" + a + b, st.sampled_from(_LOWER), _chars(_LOWER + "0123456789_", 0, 14))
    return _affix("add_handle", at, handle)


def add_hashtag(at: str = "end") -> Perturbation:
    """A #hashtag added at the ``"end"``, ``"start"`` or ``"either"``: ``"Loved it #qzrt"``.

    Shrinks towards ``"#a"`` at the end.
    """
    tag = st.builds(lambda a, b: "#" + a + b, st.sampled_from(_LOWER), _chars(_LOWER + "0123456789", 0, 14))
    return _affix("add_hashtag", at, tag)
