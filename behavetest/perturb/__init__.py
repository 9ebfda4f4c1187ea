"""Perturbations for INV and DIR tests, built on Hypothesis strategies.

A perturbation maps one input to a Hypothesis strategy of perturbed inputs; any
such function works where a perturbation is expected. Compose them with
``a | b`` (either), :func:`chain` (all, in order) and :func:`any_of`.
"""

from ._perturbation import Perturbation, any_of, chain
from ._basic import append, prepend, replace, swap_parts, typos
from ._tabular import noise, scale, set_value, shift, swap
from ._history import add_genre_items, add_interaction, change_rating, remove_interaction, reorder_interactions
from ._names import cities, countries, names
from ._nlpaug import nlpaug
from ._text import (
    add_handle, add_hashtag, add_url, case_change, char_delete, char_duplicate, char_insert, end_punctuation,
    keyboard_typos, lowercase, misspell, ocr, strip_punctuation, uppercase, whitespace,
)
from ._words import contractions, expansions, gender_swap, negation, numbers

__all__ = [
    "Perturbation", "add_genre_items", "add_interaction", "change_rating", "remove_interaction", "reorder_interactions",
    "add_handle", "add_hashtag", "add_url", "any_of", "append", "case_change", "chain",
    "char_delete", "char_duplicate", "char_insert", "cities", "contractions", "countries", "end_punctuation",
    "expansions", "gender_swap", "keyboard_typos", "lowercase", "misspell", "names", "negation", "nlpaug",
    "noise", "numbers", "ocr", "prepend", "replace", "scale", "set_value", "shift", "strip_punctuation",
    "swap", "swap_parts", "typos", "uppercase", "whitespace",
]
