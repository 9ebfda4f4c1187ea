"""The package tree follows the flow of a run: no module imports a later stage, and no imports go in a circle.

Stages, from the bottom: text safety → errors → model → perturb → cases and expect → measure → gate →
report and suites → the entry points (plugin, cli, checklist, notebook, the package itself).
Stages of the same rank sit beside each other and do not import each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import behavetest

PACKAGE = Path(behavetest.__file__).parent

RANKS = {
    "_text": -1,
    "_errors": 0,
    "_model": 1,
    "perturb": 2,
    "_cases": 3,
    "expect": 3,
    "_measure": 4,
    "_gate": 5,
    "_report": 6,
    "_suites": 6,
}
ENTRY_RANK = 7  # plugin, cli, checklist, checklist_release, _notebook, capabilities
PUBLIC_API_RANK = 8  # behavetest/__init__.py re-exports from every stage


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(("behavetest", *parts))


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def rank(module: str) -> int:
    if module == "behavetest":
        return PUBLIC_API_RANK
    return RANKS.get(stage(module), ENTRY_RANK)


def imports(path: Path) -> set[str]:
    """Every behavetest module ``path`` imports, at module level or inside functions."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("behavetest."))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if not target.startswith("behavetest"):
                continue
            for alias in node.names:  # ``from . import expect`` imports a module
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
    return {m for m in found if m != "behavetest" and m != module}


MODULES = {module_name(p) for p in PACKAGE.rglob("*.py")}
GRAPH = {module_name(p): imports(p) for p in PACKAGE.rglob("*.py")}


def test_every_module_sits_in_a_known_stage_or_is_an_entry_point():
    entry = {m for m in MODULES if rank(m) == ENTRY_RANK}
    assert {stage(m) for m in entry} <= {"plugin", "cli", "checklist", "checklist_release", "_notebook"}


def test_no_import_runs_to_a_later_stage_or_sideways():
    upward = [
        f"{source} imports {target}"
        for source, targets in GRAPH.items()
        for target in targets
        if target in MODULES and stage(target) != stage(source) and rank(target) >= rank(source)
    ]
    assert upward == []


def test_no_import_circle():
    state: dict[str, int] = {}
    path: list[str] = []
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(GRAPH.get(module, ())):
            if state.get(target) == 1:
                circles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module)
    assert circles == []


def test_the_checker_sees_imports_at_every_depth():
    """Guard the guard: a known lazy, two-dots import must be found."""
    assert "behavetest._report.summary" in GRAPH["behavetest.plugin"]
    assert "behavetest._errors" in GRAPH["behavetest._measure.runner"]
    assert "behavetest.expect" in GRAPH["behavetest._measure.runner"]
