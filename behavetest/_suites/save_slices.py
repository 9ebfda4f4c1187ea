"""Adding declared slices to a suite file (``behavetest slices save``), keeping the rest of the file as written.

Each slice is written under the suite's top-level ``slices:`` as
``name: {where: [{field: ..., op: ..., value: ...}]}``, the predicate form of the
JSON report's discoveries. The file's other lines and comments are kept byte for
byte; the result is parsed again before it is written, so a file is never left invalid.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping, Sequence

from .._errors import BehaveError
from .loader import SuiteError, parse_suite

_TOP_SLICES = re.compile(r"^slices:[ \t]*(#.*)?$")


def slice_name(text: str) -> str:
    """A readable identifier for a slice from its text: ``age<25 and sex=female`` -> ``age_lt_25_and_sex_female``."""
    for op, word in ((">=", "_ge_"), ("<", "_lt_"), ("=", "_")):
        text = text.replace(op, word)
    return re.sub(r"[^0-9A-Za-z.]+", "_", text).strip("_").lower() or "slice"


def _entry(name: str, predicate: Sequence[Mapping[str, Any]], indent: str) -> list[str]:
    import yaml

    key = yaml.safe_dump(name, default_flow_style=True).strip()
    if key.endswith("..."):  # a bare scalar document marker
        key = key[:-3].strip()
    where = yaml.safe_dump([dict(c) for c in predicate], default_flow_style=True, sort_keys=False, width=10**6).strip()
    return [f"{indent}{key}:", f"{indent}  where: {where}"]


def add_slices(path: Path, slices: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """Add ``slices`` (name -> predicate) to the suite file at ``path``; returns the new text (not written)."""
    text = path.read_text(encoding="utf-8")
    suite = parse_suite(path, text)
    taken = sorted(set(slices) & set(suite.slices))
    if taken:
        raise BehaveError(f"{path} already declares slice{'s' if len(taken) > 1 else ''} {', '.join(taken)}; "
                          "choose another name with --name, or remove the old one")
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if _TOP_SLICES.match(line)), None)
    if start is None:
        if re.search(r"^slices\s*:", text, re.M):
            raise BehaveError(f"{path}: its top-level 'slices:' is written inline; put each slice on its own line "
                              "under 'slices:' and try again")
        body = [entry for name, pred in slices.items() for entry in _entry(name, pred, "  ")]
        new_lines = [*lines, *([""] if lines and lines[-1].strip() else []), "slices:", *body]
    else:
        end = start + 1
        indent = None
        while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t#"):
            if indent is None and lines[end].strip() and not lines[end].lstrip().startswith("#"):
                indent = lines[end][: len(lines[end]) - len(lines[end].lstrip())]
            end += 1
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        body = [entry for name, pred in slices.items() for entry in _entry(name, pred, indent or "  ")]
        new_lines = [*lines[:end], *body, *lines[end:]]
    new_text = "\n".join(new_lines) + "\n"
    try:
        parse_suite(path, new_text)
    except SuiteError as exc:  # pragma: no cover - a bug here, never a user's mistake
        raise BehaveError(f"adding the slices would make {path} invalid ({exc}); the file was not changed") from None
    return new_text
