"""Reading a suite file's YAML as plain, bounded data: every value with its line, every refusal with ``file:line``.

Suite files are JSON-like data. Refused, each with the line it is on:

- aliases (``*name``) that together expand to more than :data:`MAX_ALIAS_VALUES`
  values ("billion laughs"), and an alias inside its own anchor (a list containing itself);
- nesting deeper than :data:`MAX_DEPTH` mappings and lists;
- explicit tags other than ``!!str``, ``!!int``, ``!!float``, ``!!bool``, ``!!null``,
  ``!!seq`` and ``!!map``, and a tagged value its tag does not fit (``!!int 0.1``);
- values YAML cannot build (``2020-13-45``), merge keys (``<<``), non-string keys.

PyYAML's C parser is used when it is installed (a 10 MB file reads in a few seconds).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .._errors import BehaveError

MAX_DEPTH = 64
MAX_ALIAS_VALUES = 100_000
_CORE = "tag:yaml.org,2002:"
ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "seq", "map")}
_SURROGATE = re.compile("[\ud800-\udfff]")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")


class SuiteError(BehaveError):
    """A suite file is malformed; the message names the file, the line and the fix."""

    def __init__(self, path: Path | str, line: int | None, message: str, fix: str = "") -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}" + (f"\n  fix: {fix}" if fix else ""))
        self.path, self.line = str(path), line


class Node:
    """A YAML value with the line it starts on (1-based)."""

    __slots__ = ("value", "line")

    def __init__(self, value: Any, line: int) -> None:
        self.value, self.line = value, line

    def plain(self) -> Any:
        """The value with line information stripped, recursively."""
        v = self.value
        if isinstance(v, dict):
            return {k: n.plain() for k, n in v.items()}
        if isinstance(v, list):
            return [n.plain() for n in v]
        return v


def _yaml():
    import yaml

    fast = getattr(yaml, "CSafeLoader", None)
    return yaml, fast or yaml.SafeLoader


def read_yaml(path: Path, text: str) -> Node | None:
    """The document of ``text`` as :class:`Node` values (None for an empty file)."""
    yaml, loader_class = _yaml()
    bad = _SURROGATE.search(text)
    if bad is not None:
        raise SuiteError(path, text.count("\n", 0, bad.start()) + 1,
                         f"the text holds a lone surrogate ({bad.group().encode('utf-8', 'backslashreplace').decode()})",
                         "save the file as valid UTF-8")
    try:
        return _Builder(path, yaml).build(yaml.parse(text, Loader=loader_class))
    except Exception as exc:
        if not type(exc).__module__.startswith("yaml"):  # (a YAMLError, possibly of an earlier import of yaml)
            raise
        mark = getattr(exc, "problem_mark", None)
        position = getattr(exc, "position", None)  # a reader error: a character YAML does not allow
        line = mark.line + 1 if mark is not None else (text.count("\n", 0, position) + 1 if position is not None else 1)
        problem = getattr(exc, "problem", None) or str(exc)
        raise SuiteError(path, line, f"not valid YAML: {problem}", "check indentation, quotes and colons") from None


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag


class _Frame:
    """A mapping or list being read: its values so far, its size and depth with aliases expanded."""

    __slots__ = ("node", "anchor", "key", "key_line", "values", "below")

    def __init__(self, node: Node, anchor: str | None) -> None:
        self.node, self.anchor = node, anchor
        self.key: Any = _NO_KEY
        self.key_line = 0
        self.values = self.below = 0


_NO_KEY = object()
_MAP, _SEQ = _CORE + "map", _CORE + "seq"


class _Builder:
    """Builds :class:`Node` values straight from the parser's events, refusing what suite files may not hold.

    Each collection's size (its values, aliases counted as what they expand to) and
    depth are tallied as the events stream past, so an alias's cost is known when
    it is met; nothing is expanded before it passed the budget.
    """

    def __init__(self, path: Path, yaml: Any) -> None:
        self.path, self.yaml = path, yaml
        self.constructor = yaml.constructor.SafeConstructor()
        self.resolver = yaml.resolver.Resolver()
        self.anchors: dict[str, tuple[Node, int, int]] = {}  # node, values, depth below
        self.stack: list[_Frame] = []
        self.expanded = 0
        self.root: Node | None = None
        self.documents = 0

    def error(self, line: int, message: str, fix: str = "") -> SuiteError:
        return SuiteError(self.path, line, message, fix)

    def build(self, events: Any) -> Node | None:
        yaml = self.yaml
        for event in events:
            line = event.start_mark.line + 1
            kind = type(event).__name__  # by name: a re-imported yaml module keeps its C parser's classes
            if kind == "ScalarEvent":
                self.scalar_event(event, line)
            elif kind in ("MappingStartEvent", "SequenceStartEvent"):
                self.check_tag(event.tag, line, _MAP if kind == "MappingStartEvent" else _SEQ)
                node = Node({} if kind == "MappingStartEvent" else [], line)
                if len(self.stack) >= MAX_DEPTH:
                    raise self.error(line, f"the values nest deeper than {MAX_DEPTH} levels",
                                     "suite files are flat data: keep lists and mappings shallow")
                self.stack.append(_Frame(node, event.anchor))
            elif kind in ("MappingEndEvent", "SequenceEndEvent"):
                frame = self.stack.pop()
                if frame.anchor is not None:
                    self.anchors[frame.anchor] = (frame.node, frame.values + 1, frame.below + 1)
                self.add(frame.node, frame.values + 1, frame.below + 1, frame.node.line)
            elif kind == "AliasEvent":
                self.alias_event(event, line)
            elif kind == "DocumentStartEvent":
                self.documents += 1
                if self.documents > 1:
                    raise self.error(line, "a suite file holds one YAML document, not several (a second '---')",
                                     "split it into one file per suite")
        return self.root

    def check_tag(self, tag: str | None, line: int, expected: str) -> None:
        if tag is None or tag == "!":
            return
        if tag not in ALLOWED_TAGS:
            raise self.error(line, f"the YAML tag {_short_tag(tag)} is not allowed in suite files",
                             "suite files hold plain data: strings, numbers, true/false, null, lists, mappings")
        if (tag in (_MAP, _SEQ) or expected in (_MAP, _SEQ)) and tag != expected:
            raise self.error(line, f"the YAML tag {_short_tag(tag)} does not fit this value", "remove the tag")

    def alias_event(self, event: Any, line: int) -> None:
        if any(frame.anchor == event.anchor for frame in self.stack):
            raise self.error(line, f"the alias *{event.anchor} is inside its own anchor (a value containing itself)",
                             "write the value out in full")
        if event.anchor not in self.anchors:
            raise self.error(line, f"the alias *{event.anchor} has no anchor &{event.anchor} before it")
        node, values, below = self.anchors[event.anchor]
        self.expanded += values
        if self.expanded > MAX_ALIAS_VALUES:
            raise self.error(line, f"YAML aliases expand to more than {MAX_ALIAS_VALUES:,} values (at *{event.anchor})",
                             "use fewer aliases, or write the values out")
        self.add(node, values, below, line)

    def scalar_event(self, event: Any, line: int) -> None:
        node = Node(self.scalar(event, line), line)
        if event.anchor is not None:
            self.anchors[event.anchor] = (node, 1, 0)
        self.add(node, 1, 0, line)

    def add(self, node: Node, values: int, below: int, line: int) -> None:
        """Put ``node`` into the collection being read (as its next value or key)."""
        if not self.stack:
            self.root = node
            return
        frame = self.stack[-1]
        frame.values += values
        frame.below = max(frame.below, below)
        if len(self.stack) + below > MAX_DEPTH:
            raise self.error(line, f"the values nest deeper than {MAX_DEPTH} levels (through an alias)",
                             "suite files are flat data: keep lists and mappings shallow")
        parent = frame.node.value
        if type(parent) is dict and frame.key is _NO_KEY:
            frame.key, frame.key_line = self.key(node, line), line
            return
        if node.value is _MERGE:  # '<<' as a value is just text
            node.value = "<<"
        if type(parent) is list:
            parent.append(node)
        else:
            parent[frame.key] = node
            frame.key = _NO_KEY

    def key(self, node: Node, line: int) -> str:
        key = node.value
        if isinstance(key, (dict, list)):
            raise self.error(line, "a mapping key must be a plain value, not a list or mapping")
        if key is _MERGE:
            raise self.error(line, "merge keys (<<) are not allowed in suite files", "write the keys out in full")
        if not isinstance(key, str):
            raise self.error(line, f"keys must be strings, not {key!r}", "quote it")
        if key in self.stack[-1].node.value:
            raise self.error(line, f"duplicate key {key!r}", "remove one of them")
        return key

    def scalar(self, event: Any, line: int) -> Any:
        value, tag = event.value, event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return value  # quoted, or a block scalar: a string
            tag = self.resolver.resolve(self.yaml.ScalarNode, value, (True, False))
            if tag == _CORE + "str":
                return value
            if tag == _CORE + "merge":
                return _MERGE
            if tag not in ALLOWED_TAGS:  # a date, '=': kept as the text it is
                return value
        else:
            self.check_tag(tag, line, _CORE + "str")
            if tag == _CORE + "str":
                return value
            implicit = self.resolver.resolve(self.yaml.ScalarNode, value, (True, False))
            fits = implicit == tag or (tag == _CORE + "float" and (implicit == _CORE + "int" or _FLOAT.fullmatch(value)))
            if not fits:
                raise self.error(line, f"{value!r} is not a valid {_short_tag(tag)} value",
                                 "remove the tag, or give a value of that type")
        node = self.yaml.ScalarNode(tag, value, event.start_mark, event.end_mark)
        try:
            return self.constructor.yaml_constructors[tag](self.constructor, node)
        except Exception as exc:
            raise self.error(line, f"bad value {value!r}: {exc}", "quote it to make it a string") from None


class _Merge(str):
    """The plain scalar ``<<`` (YAML's merge key)."""


_MERGE = _Merge("<<")
