"""What the suites built from ``params:`` share: the line of a key path, and errors that name it."""

from __future__ import annotations

from typing import Any

from behavetest._suites.loader import SuiteError


class ParamsBuilder:
    """Base of a built-in suite's builder: ``params`` with the lines of their key paths (see ``_extends``)."""

    suite = ""
    needs = ""  # what the error for missing params says the suite needs
    example = ""

    def __init__(self, params: Any, path: str, line: int, lines: dict[tuple, int]) -> None:
        self.path, self.extends_line, self.lines = path, line, lines
        if not isinstance(params, dict) or not params:
            raise self.error((), f"the {self.suite} suite needs 'params:' {self.needs}", f"add e.g. 'params: {self.example}'")
        self.params = params

    def line(self, at: tuple) -> int:
        while at not in self.lines and at:
            at = at[:-1]
        return self.lines.get(at, self.extends_line)

    def error(self, at: tuple, message: str, fix: str = "") -> SuiteError:
        return SuiteError(self.path, self.line(at), f"{self.suite} params: {message}", fix)
