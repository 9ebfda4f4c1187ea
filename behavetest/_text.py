"""Text that can be written anywhere: lone surrogates escaped, terminal control characters escaped, long text cut.

Standard library only (the baseline module and the command line use it too).
"""

from __future__ import annotations

import re
from typing import Any

MAX_SHOWN = 300  # characters of one user-supplied value in a terminal line

# C0 controls (but tab and newline), DEL, C1 controls, and the Unicode line/paragraph
# separators and bidirectional overrides that rearrange what a terminal shows.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def safe_text(text: str) -> str:
    """``text`` with every code point UTF-8 cannot encode (lone surrogates) written as ``\\ud800``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str, *, one_line: bool = False) -> str:
    """``text`` safe for a terminal: control characters (ANSI escapes, ...) shown as ``\\x1b``; newlines kept
    unless ``one_line``."""
    pattern = _CONTROL_ONE_LINE if one_line else _CONTROL
    return pattern.sub(_escape, safe_text(text))


def shorten(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` cut to about ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit:,} more characters)"


def plain(value: Any) -> Any:
    """``value`` as JSON builtins whose strings are all UTF-8 encodable (what xdist's wire and files need)."""
    kind = type(value)
    if kind is str:
        return safe_text(value)
    if value is None or kind in (int, float, bool):
        return value
    if isinstance(value, dict):
        return {safe_text(str(k)): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "shape", None) == ():  # a numpy scalar
        return plain(item())
    if isinstance(value, (int, float)):
        return float(value) if isinstance(value, float) else int(value)
    return safe_text(repr(value))
