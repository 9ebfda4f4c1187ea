"""The built-in suites shipped in ``capabilities/`` (installed as ``behavetest.capabilities``), by name."""

from __future__ import annotations

from pathlib import Path

from .._errors import DeclarationError

SUITE_SUFFIXES = (".behave.yaml", ".behave.yml")


def is_suite_file(path: Path) -> bool:
    return path.name.endswith(SUITE_SUFFIXES)


def builtin_suites() -> dict[str, Path]:
    """The suites shipped in ``capabilities/`` (installed as ``behavetest.capabilities``), by name."""
    from importlib.resources import files

    folder = files("behavetest.capabilities")
    return {
        entry.name.split(".")[0]: Path(str(entry))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(SUITE_SUFFIXES)
    }


def find_suite(name_or_path: str) -> Path:
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return path
    suites = builtin_suites()
    if name_or_path not in suites and name_or_path in python_suites():
        raise DeclarationError(
            f"the built-in suite {name_or_path!r} is built from your columns' roles: write a suite file with "
            f"'extends: {name_or_path}' and 'params:' (see 'Suite files' in behavetest's README) and pass its path instead"
        )
    if name_or_path not in suites:
        raise DeclarationError(
            f"no suite {name_or_path!r}: give a suite file path or one of the built-in suites {sorted(suites)}"
        )
    return suites[name_or_path]


def python_suites() -> list[str]:
    """Names of the built-in suites written in Python (they need ``params``)."""
    import pkgutil

    import behavetest.capabilities as package

    return sorted(m.name for m in pkgutil.iter_modules(package.__path__)
                  if not m.name.startswith("_") and not m.name.endswith("_support"))
