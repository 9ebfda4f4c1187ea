"""Word-level text perturbations from small closed word classes: contractions, negation, gender, numbers.

The word lists here are closed classes (auxiliaries, pronouns, kinship and title
words), short enough to write by hand; open classes come from packages (see
``_resources``).
"""

from __future__ import annotations

import re
from typing import Any

from hypothesis import strategies as st

from .._errors import DeclarationError
from ._perturbation import Perturbation
from ._basic import _text
from ._text import Place, edit_strategy, edits, match_case

_APOSTROPHE = "'\u2019"

# expanded form -> contraction; the first expansion listed for a contraction is the one used to expand it.
_CONTRACTIONS = {
    "cannot": "can't", "can not": "can't", "do not": "don't", "does not": "doesn't", "did not": "didn't",
    "is not": "isn't", "are not": "aren't", "was not": "wasn't", "were not": "weren't", "have not": "haven't",
    "has not": "hasn't", "had not": "hadn't", "will not": "won't", "would not": "wouldn't", "could not": "couldn't",
    "should not": "shouldn't", "must not": "mustn't", "need not": "needn't",
    "I am": "I'm", "you are": "you're", "we are": "we're", "they are": "they're", "it is": "it's", "he is": "he's",
    "she is": "she's", "that is": "that's", "there is": "there's", "what is": "what's", "who is": "who's",
    "where is": "where's", "here is": "here's",
    "I have": "I've", "you have": "you've", "we have": "we've", "they have": "they've",
    "I will": "I'll", "you will": "you'll", "he will": "he'll", "she will": "she'll", "it will": "it'll",
    "we will": "we'll", "they will": "they'll", "that will": "that'll",
    "I would": "I'd", "you would": "you'd", "he would": "he'd", "she would": "she'd", "we would": "we'd",
    "they would": "they'd",
}
_EXPANSIONS: dict[str, str] = {}
for _long, _short in _CONTRACTIONS.items():
    _EXPANSIONS.setdefault(_short.lower(), _long)


def _phrase_pattern(phrases) -> re.Pattern:
    alternatives = sorted(phrases, key=lambda p: (-len(p), p))  # longest first: "can not" before "not"
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+").replace("'", f"[{_APOSTROPHE}]") for p in alternatives)
    return re.compile(rf"(?<![\w{_APOSTROPHE}])(?:{body})(?![\w{_APOSTROPHE}])", re.IGNORECASE)


_CONTRACTIBLE = _phrase_pattern(_CONTRACTIONS)
_EXPANDABLE = _phrase_pattern(_EXPANSIONS)
_NEXT_WORD = re.compile(r"\s+([^\W\d_]+)")


def _normal(phrase: str) -> str:
    return re.sub(r"\s+", " ", phrase.replace("\u2019", "'")).lower()


def contractions(n: int | tuple[int, int] = 1) -> Perturbation:
    """``n`` expanded forms contracted: ``"I do not like it"`` -> ``"I don't like it"``.

    Covers negated auxiliaries (``cannot``, ``will not`` ...) and pronoun plus
    auxiliary (``it is``, ``we have``, ``I would`` ...), keeping the case pattern.
    A pronoun form is contracted only before another word (never ``"what it's."``).
    Shrinks towards fewer changes, earlier in the text.
    """

    def find(text: str) -> list[Place]:
        out = []
        lowered = {k.lower(): v for k, v in _CONTRACTIONS.items()}
        for m in _CONTRACTIBLE.finditer(text):
            phrase = _normal(m.group())
            short = lowered[phrase]
            if not phrase.endswith(("not", "cannot")) and not _NEXT_WORD.match(text, m.end()):
                continue
            out.append((m.start(), m.end(), (match_case(m.group(), short),)))
        return out

    return edits("contractions", n, find)


def expansions(n: int | tuple[int, int] = 1) -> Perturbation:
    """``n`` contractions expanded: ``"I don't like it"`` -> ``"I do not like it"``.

    ``'s`` and ``'d`` are read as *is* and *would*, but as *has* and *had* before
    ``been`` (and ``'s`` as *has* before ``got``); ``can't`` becomes ``cannot``.
    Curly apostrophes are recognised. Shrinks towards fewer changes, earlier in the text.
    """

    def find(text: str) -> list[Place]:
        out = []
        for m in _EXPANDABLE.finditer(text):
            short = _normal(m.group())
            long = _EXPANSIONS[short]
            nxt = _NEXT_WORD.match(text, m.end())
            following = nxt.group(1).lower() if nxt else ""
            if short.endswith("'s") and following in ("been", "got"):
                long = long.rsplit(" ", 1)[0] + " has"
            elif short.endswith("'d") and following in ("been", "better"):
                long = long.rsplit(" ", 1)[0] + " had"
            out.append((m.start(), m.end(), (match_case(m.group(), long),)))
        return out

    return edits("expansions", n, find)


# --- negation ---------------------------------------------------------------------------------

_COPULAS = ("am", "is", "are", "was", "were")
_MODALS = ("can", "could", "will", "would", "shall", "should", "must", "may", "might")
_PERFECT = ("has", "have", "had")
_SUBJECTS_S = ("it", "he", "she", "that", "there", "what", "who", "here")
_NEGATIVE = ("not", "never", "no", "nothing", "nobody", "none", "neither", "nor")
_AUX = re.compile(
    rf"(?<![\w{_APOSTROPHE}])(?:(?P<aux>{'|'.join(_COPULAS + _MODALS + _PERFECT)})"
    rf"|(?P<subj>{'|'.join(_SUBJECTS_S)})[{_APOSTROPHE}]s|\w+[{_APOSTROPHE}](?:re|m))(?![\w{_APOSTROPHE}])",
    re.IGNORECASE,
)


def _sentence_start(text: str, i: int) -> bool:
    before = text[:i].rstrip()
    return not before or before[-1] in ".!?\n"


def _in_question(text: str, i: int) -> bool:
    end = re.compile(r"[.!?\n]").search(text, i)
    return end is not None and end.group() == "?"


def negation() -> Perturbation:
    """``not`` inserted after the auxiliary of a simple sentence: ``"The food is good."`` -> ``"The food is not good."``.

    Auxiliaries: forms of *be* (also ``it's``, ``we're``, ``I'm``), modals
    (``can`` becomes ``cannot``) and *have* before ``been``. Skipped: an
    auxiliary opening a sentence or inside a question, one already negated, and
    one not followed by a word. Texts with no such auxiliary are not applicable. Shrinks
    towards the first auxiliary in the text.
    """

    def find(text: str) -> list[Place]:
        out = []
        for m in _AUX.finditer(text):
            nxt = _NEXT_WORD.match(text, m.end())
            aux = (m.group("aux") or "").lower()
            if not nxt or nxt.group(1).lower() in _NEGATIVE or _in_question(text, m.end()):
                continue
            if aux and (_sentence_start(text, m.start()) or m.group().istitle()):
                continue  # a question ("Is it good?") or a name ("Will", "May")
            if aux in _PERFECT and nxt.group(1).lower() != "been":
                continue
            word = "not" if aux == "can" else " not"
            out.append((m.end(), m.end(), (word.upper() if m.group().isupper() and len(m.group()) > 1 else word,)))
        return out

    def strategy(value: Any):
        text = _text(value, "negation")
        return edit_strategy(text, find(text))

    return Perturbation(strategy, name="negation()", key=("negation",))


# --- gender -----------------------------------------------------------------------------------

_PRONOUNS = {"he": "she", "she": "he", "him": "her", "himself": "herself", "herself": "himself", "hers": "his"}
_NOUN_PAIRS = (
    ("man", "woman"), ("men", "women"), ("boy", "girl"), ("boys", "girls"), ("father", "mother"),
    ("fathers", "mothers"), ("dad", "mom"), ("dads", "moms"), ("son", "daughter"), ("sons", "daughters"),
    ("brother", "sister"), ("brothers", "sisters"), ("husband", "wife"), ("husbands", "wives"),
    ("boyfriend", "girlfriend"), ("boyfriends", "girlfriends"), ("uncle", "aunt"), ("uncles", "aunts"),
    ("nephew", "niece"), ("nephews", "nieces"), ("grandfather", "grandmother"), ("grandson", "granddaughter"),
    ("king", "queen"), ("kings", "queens"), ("prince", "princess"), ("gentleman", "lady"),
    ("gentlemen", "ladies"), ("sir", "madam"), ("male", "female"), ("males", "females"), ("guy", "gal"),
    ("actor", "actress"), ("actors", "actresses"), ("waiter", "waitress"), ("waiters", "waitresses"),
    ("mr", "ms"), ("boyhood", "girlhood"), ("brotherhood", "sisterhood"), ("fatherhood", "motherhood"),
)
_NOUNS = {a: b for a, b in _NOUN_PAIRS} | {b: a for a, b in _NOUN_PAIRS} | {"mrs": "mr", "lady": "gentleman"}
# Words after which "her" is an object (-> "him") rather than a possessive (-> "his").
_NOT_A_NOUN = frozenset(
    "a an the to and or but nor so yet for of in on at by with from into about as than that this these those "
    "up down out off over back away again too very all some any every each no more most much many if when "
    "because while though although before after since until yesterday today tomorrow now then there here "
    "is was are were be been will would can could should".split()
)
_GENDERED = re.compile(r"(?<![\w'\u2019])[^\W\d_]+(?!\w)")


def _swap_word(text: str, m: re.Match, nouns: bool) -> str | None:
    word = m.group()
    low = word.lower()
    nxt = _NEXT_WORD.match(text, m.end())
    following = nxt.group(1).lower() if nxt else ""
    if low == "his":
        new = "her" if following and following not in _NOT_A_NOUN else "hers"
    elif low == "her":
        new = "his" if following and following not in _NOT_A_NOUN else "him"
    elif low in _PRONOUNS:
        new = _PRONOUNS[low]
    elif nouns and low in _NOUNS:
        new = _NOUNS[low]
    else:
        return None
    return match_case(word, new)


def gender_swap(*, nouns: bool = True) -> Perturbation:
    """Every gendered pronoun and word flipped: ``"He thanked his wife"`` -> ``"She thanked her husband"``.

    Pronouns (he/she, him/her, his/her/hers, himself/herself) and, unless
    ``nouns=False``, gendered nouns and titles (man/woman, father/mother,
    Mr/Ms, actor/actress ...) are all swapped at once so the text stays
    consistent; ``her`` becomes ``his`` before a noun and ``him`` otherwise.
    Names are left alone (chain with :func:`names`). One value, nothing to shrink.
    """
    if not isinstance(nouns, bool):
        raise DeclarationError(f"bt.perturb.gender_swap: nouns must be True or False, not {nouns!r}")

    def strategy(value: Any):
        text = _text(value, "gender_swap")
        out, last = [], 0
        for m in _GENDERED.finditer(text):
            new = _swap_word(text, m, nouns)
            if new is not None:
                out += [text[last : m.start()], new]
                last = m.end()
        if not out:
            return None
        return st.just("".join(out) + text[last:])

    return Perturbation(strategy, name=f"gender_swap(nouns={nouns})", key=("gender_swap", nouns))


# --- numbers ----------------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w]|[.,]\d)")


def _renumber(token: str, delta: int, down: bool) -> str:
    whole, _, frac = token.partition(".")
    digits = whole.replace(",", "") + frac
    value = int(digits)
    new = value - delta if down and value - delta >= 0 else value + delta
    text = str(new).zfill(len(frac) + 1)
    if len(whole) > 1 and whole[0] == "0":  # keep zero padding: 007 -> 008
        text = text.zfill(len(digits))
    head, tail = (text[: len(text) - len(frac)], text[len(text) - len(frac) :]) if frac else (text, "")
    if "," in whole:
        head = f"{int(head):,}"
    return head + ("." + tail if frac else "")


def numbers(n: int | tuple[int, int] = 1) -> Perturbation:
    """``n`` numbers changed by up to half their value: ``"3 stars out of 5"`` -> ``"4 stars out of 5"``.

    Integers and decimals (``3.50`` changes in its last digit), with thousands
    separators kept (``1,000`` -> ``1,017``); digits inside words (``mp3``) and
    version-like strings are left alone. Shrinks towards fewer numbers, earlier
    in the text, and an increase by one unit of the last digit.
    """

    def find(text: str) -> list[Place]:
        out = []
        for m in _NUMBER.finditer(text):
            token = m.group()
            value = int(token.replace(",", "").replace(".", ""))
            change = st.builds(
                lambda d, down, t=token: _renumber(t, d, down), st.integers(1, max(1, value // 2)), st.booleans()
            )
            out.append((m.start(), m.end(), change))
        return out

    return edits("numbers", n, find)
