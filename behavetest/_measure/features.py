"""What behavetest knows about each case of a test, as columns: the attributes slices are made of.

A column is plain builtins (it travels on xdist's wire and into the JSON report):
``{"kind": "category", "values": [...], "codes": [...]}`` with code -1 for a
missing value, or ``{"kind": "number", "data": [...]}`` with ``None`` for a missing
value. Column names:

- template fills by placeholder (``adj``), and lexicon attributes of fills
  (``first_name.gender``), however many values they have;
- the fields of dict rows (``sex``, ``age``): numbers with more than
  :data:`MAX_NUMBER_CATEGORIES` distinct values are numeric, everything else categorical;
- facts about text inputs: ``text.words`` (number of words), ``text.negation``,
  ``text.number``, ``text.name`` and ``text.place`` (whether the text has a negation
  word, a digit, a first name or a place from the built-in lexicons; the last two
  only when the ``text`` extra's lexicons are installed);
- ``expected``: the expected label (MFT with per-case labels); ``prediction``: the
  model's label for the original input (INV and DIR; for MFT it would restate the verdict);
- ``slice.NAME``: membership of each declared slice.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any, Mapping, Sequence

import numpy as np

CATEGORY, NUMBER = "category", "number"
MAX_NUMBER_CATEGORIES = 12
NEGATION = re.compile(r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without|cannot)\b|n['’]t\b", re.I)
DIGIT = re.compile(r"\d")
CAPITALISED = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)?")


def category(values: Sequence[Any]) -> dict[str, Any]:
    """A categorical column: distinct values in first-seen order, and one code per case (-1 = missing)."""
    index: dict[Any, int] = {}
    codes = []
    for v in values:
        kind = type(v)
        if kind is str or kind is int or kind is bool:  # the common cases, without conversion
            key = v
        elif _missing(v):
            codes.append(-1)
            continue
        else:
            key = _builtin(v)
        code = index.get(key)
        if code is None:
            code = index[key] = len(index)
        codes.append(code)
    return {"kind": CATEGORY, "values": list(index), "codes": codes}


def number(values: Sequence[Any]) -> dict[str, Any]:
    return {"kind": NUMBER, "data": [None if _missing(v) else float(v) for v in values]}


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _builtin(v: Any) -> Any:
    if type(v) in (str, int, bool):
        return v
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return int(v) if float(v).is_integer() else float(v)
    return str(v)


def _field(values: list[Any]) -> dict[str, Any]:
    kinds = {type(v) for v in values}
    numeric = kinds <= {int, float, type(None)} or (
        all(k is type(None) or _is_number_type(k) for k in kinds))
    if numeric and (kinds - {type(None)}):
        distinct = {v for v in values if v is not None and v == v}
        if len(distinct) > MAX_NUMBER_CATEGORIES:
            return number(values)
    return category(values)


def _is_number_type(kind: type) -> bool:
    return issubclass(kind, (int, float, np.integer, np.floating)) and not issubclass(kind, (bool, np.bool_))


def case_columns(
    inputs: Sequence[Any],
    source: Any = None,
    *,
    expected: Sequence[Any] | None = None,
    predicted: Sequence[Any] | None = None,
    declared: Mapping[str, np.ndarray] | None = None,
) -> dict[str, dict[str, Any]]:
    """The columns of a test's cases (one entry per input, in input order)."""
    out: dict[str, dict[str, Any]] = {}
    cases = getattr(source, "cases", None)
    if cases is not None and len(cases) == len(inputs):
        fills = [getattr(c, "fills", None) or {} for c in cases]
        for placeholder in sorted({p for f in fills for p in f}):
            out[placeholder] = category([f.get(placeholder) for f in fills])
        metas = [getattr(c, "meta", None) or {} for c in cases]
        pairs = sorted({(p, a) for m in metas for p, attrs in m.items() for a in attrs})
        for placeholder, attribute in pairs:
            out[f"{placeholder}.{attribute}"] = category([m.get(placeholder, {}).get(attribute) for m in metas])
    if inputs and all(isinstance(x, Mapping) for x in inputs):
        for key in sorted({str(k) for x in inputs for k in x}, key=str):
            if key not in out:
                out[key] = _field([_get(x, key) for x in inputs])
    elif inputs and all(isinstance(x, str) for x in inputs):
        out.update(text_columns(inputs))
    if expected is not None:
        out["expected"] = category(list(expected))
    if predicted is not None:
        out["prediction"] = category(list(predicted))
    for name, members in sorted((declared or {}).items()):
        out[f"slice.{name}"] = category([bool(b) for b in members])
    return out


def _get(row: Mapping, key: str) -> Any:
    if key in row:
        return row[key]
    return next((v for k, v in row.items() if str(k) == key), None)


def text_columns(texts: Sequence[str]) -> dict[str, dict[str, Any]]:
    out = {
        "text.words": number([len(t.split()) for t in texts]),
        "text.negation": category([NEGATION.search(t) is not None for t in texts]),
        "text.number": category([DIGIT.search(t) is not None for t in texts]),
    }
    for name, words in (("text.name", _lexicon_words(("first_name",))),
                        ("text.place", _lexicon_words(("city", "country", "nationality")))):
        if words:
            out[name] = category([_mentions(t, words) for t in texts])
    return out


def _mentions(text: str, words: frozenset[str]) -> bool:
    for match in CAPITALISED.finditer(text):
        phrase = match.group(0).rstrip(".’'")
        if phrase in words or phrase.split()[0] in words:
            return True
    return False


@functools.cache
def _lexicon_words(names: tuple[str, ...]) -> frozenset[str]:
    from .._cases import lexicons
    from .._errors import DeclarationError

    words: set[str] = set()
    for name in names:
        try:
            words.update(lexicons.entries(name))
        except (DeclarationError, ImportError):
            continue  # the lexicon needs the text extra: this fact is left out
    return frozenset(words)


def input_text(value: Any, limit: int = 160) -> str:
    """A short text for an input, for the examples of a discovered slice."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, Mapping):
        text = ", ".join(f"{k}={v}" for k, v in value.items())
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def take(columns: Mapping[str, dict[str, Any]], rows: np.ndarray) -> dict[str, dict[str, Any]]:
    """The columns restricted to ``rows`` (e.g. the applicable cases)."""
    out = {}
    for name, col in columns.items():
        if col["kind"] == CATEGORY:
            codes = np.asarray(col["codes"], dtype=np.int64)[rows]
            out[name] = {"kind": CATEGORY, "values": col["values"], "codes": codes.tolist()}
        else:
            out[name] = {"kind": NUMBER, "data": [col["data"][i] for i in rows.tolist()]}
    return out
