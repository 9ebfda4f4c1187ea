"""Baseline files: one reviewable JSON file per model, written atomically and merged, never pruned.

A baseline file ``<dir>/<model>.json`` looks like::

    {
      "format": "behavetest-baseline",
      "model": "vader",
      "schema_version": 1,
      "tests": {
        "tests/test_sentiment.py::test_negation::test_negation": {
          "capability": "Negation",
          "cases": 40,
          "cases_digest": "4f0c...",
          "config": "9dac893d521da465",
          "failing_cases": ["0a1b2c3d4e5f6071", ...],
          "failures": 12,
          "name": "test_negation",
          "nodeid": "tests/test_sentiment.py::test_negation",
          "seed": 0,
          "slices": {"short": {"cases": 10, "failures": 2}},
          "type": "MFT"
        }
      }
    }

Tests are keyed by ``nodeid + "::" + name`` (one pytest test may declare several
behavioral tests). Keys are sorted, counts are integers, there are no timestamps
or machine details, so a baseline change reads well in a git diff. Standard
library and ``filelock`` only: the ``behavetest`` command line uses this module too.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Iterable, Mapping

BASELINE_SCHEMA_VERSION = 1
BASELINE_FORMAT = "behavetest-baseline"
RUN_SCHEMA_VERSION = 1
DEFAULT_BASELINE_DIR = "behave_baselines"
LOCK_TIMEOUT = 300.0  # seconds an update waits for another run's update of the same directory
REGENERATE = "regenerate it with `pytest --behave --behave-update-baseline` (after deleting or restoring the file)"

_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class BaselineError(Exception):
    """A baseline or run file that cannot be used; the message names the file and the fix."""


def result_key(result: Mapping[str, Any]) -> str:
    return f"{result['nodeid']}::{result['name']}"


def baseline_filename(model: str) -> str:
    """``<model>.json`` for plain names; other names are sanitised and get a digest, so no two models collide."""
    if _SAFE.fullmatch(model) and len(model) <= 100:
        return f"{model}.json"
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", model).strip("._-")[:60] or "model"
    return f"{safe}-{hashlib.blake2b(model.encode('utf-8', 'surrogatepass'), digest_size=4).hexdigest()}.json"


def entry_from_result(result: Mapping[str, Any]) -> dict[str, Any]:
    """What a baseline keeps of one result (``Result.to_dict()``): counts and case identities, integers only."""
    return {
        "nodeid": result["nodeid"],
        "name": result["name"],
        "type": result["type"],
        "capability": result["capability"],
        "config": result["config"],
        "seed": int(result.get("seed") or 0),
        "cases": int(result["cases"]),
        "failures": int(result["failures"]),
        # A JSON report that left failing ids out cannot pair cases: compare its counts only.
        "cases_digest": "" if result.get("failing_cases_omitted") else result.get("cases_digest") or "",
        "failing_cases": sorted(result.get("failing_cases") or []),
        "slices": {
            name: {"cases": int(s["cases"]), "failures": int(s["failures"])}
            for name, s in sorted((result.get("slices") or {}).items())
        },
    }


def entries_by_model(results: Iterable[Mapping[str, Any]], *, keep_errors: bool) -> dict[str, dict[str, dict[str, Any]]]:
    """Results grouped as ``{model: {test key: entry}}``; errored results are marked (or left out)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for r in results:
        errored = r.get("error") is not None or r.get("status") == "error"
        if errored and not keep_errors:
            continue
        entry = entry_from_result(r)
        if errored:
            entry["error"] = True
        out.setdefault(r["model"], {})[result_key(r)] = entry
    return out


def baseline_document(model: str, tests: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "format": BASELINE_FORMAT,
        "schema_version": BASELINE_SCHEMA_VERSION,
        "model": model,
        "tests": {key: dict(tests[key]) for key in sorted(tests)},
    }


def dumps(document: Any) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` through a temporary file in the same directory and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes files private; reports and baselines are not
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- reading ---------------------------------------------------------------------


def read_json(path: Path, what: str) -> Any:
    """Parse a JSON file, turning every failure into a :class:`BaselineError` naming the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{what} {path} does not exist") from None
    except IsADirectoryError:
        raise BaselineError(f"{what} {path} is a directory, not a JSON file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read {what} {path}: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{what} {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise BaselineError(f"{what} {path} nests too deeply to be a behavetest file") from None


def _int(value: Any) -> bool:
    return type(value) is int and value >= 0


def validate_entry(key: str, entry: Any) -> str | None:
    """Why ``entry`` is not a valid baseline entry, or None."""
    if not isinstance(entry, dict):
        return f"test {key!r} is not an object"
    for field, kind in (("nodeid", str), ("name", str), ("type", str), ("capability", str), ("config", str),
                        ("cases_digest", str), ("failing_cases", list), ("slices", dict)):
        if not isinstance(entry.get(field), kind):
            return f"test {key!r} has no valid {field!r}"
    if "seed" in entry and type(entry["seed"]) is not int:
        return f"test {key!r} has no valid 'seed' (an integer)"
    if not (_int(entry.get("cases")) and _int(entry.get("failures")) and entry["failures"] <= entry["cases"]):
        return f"test {key!r} needs integer 'cases' and 'failures' with failures <= cases"
    if not all(isinstance(i, str) for i in entry["failing_cases"]):
        return f"test {key!r}: 'failing_cases' must be a list of strings"
    for name, s in entry["slices"].items():
        if not (isinstance(s, dict) and _int(s.get("cases")) and _int(s.get("failures"))):
            return f"test {key!r}: slice {name!r} needs integer 'cases' and 'failures'"
    return None


def validate_baseline(document: Any, path: Path) -> dict[str, Any]:
    """Check a parsed baseline file; raise :class:`BaselineError` naming the file and the fix."""
    def bad(why: str) -> BaselineError:
        return BaselineError(f"baseline file {path} is corrupt or not a behavetest baseline: {why}; {REGENERATE}")

    if not isinstance(document, dict) or document.get("format") != BASELINE_FORMAT:
        raise bad(f"it has no \"format\": \"{BASELINE_FORMAT}\" field")
    version = document.get("schema_version")
    if version != BASELINE_SCHEMA_VERSION:
        raise BaselineError(
            f"baseline file {path} has schema_version {version!r}, but this behavetest reads version "
            f"{BASELINE_SCHEMA_VERSION}; {REGENERATE}"
        )
    if not isinstance(document.get("model"), str) or not isinstance(document.get("tests"), dict):
        raise bad("it needs a string 'model' and an object 'tests'")
    for key, entry in document["tests"].items():
        why = validate_entry(key, entry)
        if why:
            raise bad(why)
    return document


def load_baseline_file(path: Path) -> dict[str, Any]:
    return validate_baseline(read_json(path, "baseline file"), Path(path))


class BaselineDir:
    """The baseline directory: one file per model."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, model: str) -> Path:
        return self.directory / baseline_filename(model)

    def load(self, model: str) -> dict[str, dict[str, Any]] | None:
        """The model's entries, or None when it has no baseline file."""
        path = self.path(model)
        if not path.exists():
            return None
        document = load_baseline_file(path)
        if document["model"] != model:
            raise BaselineError(
                f"baseline file {path} belongs to model {document['model']!r}, not {model!r} "
                f"(two model names map to one file?); {REGENERATE}"
            )
        return document["tests"]

    def validate_all(self) -> None:
        """Check every baseline file in the directory (fail fast, before any model runs)."""
        if not self.directory.exists():
            return
        if not self.directory.is_dir():
            raise BaselineError(f"baseline directory {self.directory} is not a directory")
        for path in sorted(self.directory.glob("*.json")):
            load_baseline_file(path)

    def lock_path(self) -> Path:
        """The lock file of the directory: in the temporary folder, so the baseline folder holds only baselines."""
        where = str(self.directory.resolve()).encode("utf-8", "surrogatepass")
        return Path(tempfile.gettempdir()) / f"behavetest-baseline-{hashlib.blake2b(where, digest_size=8).hexdigest()}.lock"

    def lock(self, timeout: float = LOCK_TIMEOUT):
        """An exclusive lock on the directory (for every process on this machine), held for read-merge-write."""
        from filelock import FileLock

        return FileLock(str(self.lock_path()), timeout=timeout)

    def update(self, results: Iterable[Mapping[str, Any]], *, timeout: float = LOCK_TIMEOUT) -> list[Path]:
        """Merge the results into the models' files; entries of tests that did not run are kept.

        Errored results are not written (their entries stay as they were). The whole
        read-merge-write holds the directory's lock, so concurrent updaters keep each
        other's entries. Returns the files whose content changed.
        """
        from filelock import Timeout

        try:
            with self.lock(timeout):
                return self._update(results)
        except Timeout:
            raise BaselineError(
                f"baseline directory {self.directory} stayed locked by another run for {timeout:g} s "
                f"(lock file {self.lock_path()}); try again when it has finished"
            ) from None

    def _update(self, results: Iterable[Mapping[str, Any]]) -> list[Path]:
        written = []
        for model, entries in sorted(entries_by_model(results, keep_errors=False).items()):
            path = self.path(model)
            tests = dict(self.load(model) or {})
            tests.update(entries)
            text = dumps(baseline_document(model, tests))
            if path.exists() and path.read_text(encoding="utf-8") == text:
                continue
            write_text_atomic(path, text)
            written.append(path)
        return written


# -- sources for `behavetest diff` ---------------------------------------------------------


def validate_run(document: Any, path: Path) -> dict[str, Any]:
    """Check a parsed ``--behave-json`` document."""
    if not isinstance(document, dict) or not isinstance(document.get("tests"), list) or "schema_version" not in document:
        raise BaselineError(f"{path} is not a behavetest run file (--behave-json output): no 'schema_version' and 'tests' list")
    if document["schema_version"] != RUN_SCHEMA_VERSION:
        raise BaselineError(f"run file {path} has schema_version {document['schema_version']!r}; "
                            f"this behavetest reads version {RUN_SCHEMA_VERSION}")
    for i, t in enumerate(document["tests"]):
        if not isinstance(t, dict) or not isinstance(t.get("model"), str):
            raise BaselineError(f"run file {path}: test #{i + 1} is not a result object with a 'model'")
        try:
            why = validate_entry(result_key(t), entry_from_result(t))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            why = f"test #{i + 1} lacks a field ({exc})"
        if why:
            raise BaselineError(f"run file {path} is corrupt: {why}")
    return document


def load_entries(path: Path, *, keep_errors: bool) -> tuple[dict[str, dict[str, dict[str, Any]]], str]:
    """Entries per model from a baseline directory, a baseline file or a run JSON; and which it was."""
    path = Path(path)
    if path.is_dir():
        out = {}
        files = sorted(path.glob("*.json"))
        if not files:
            raise BaselineError(f"baseline directory {path} has no *.json baseline files")
        for f in files:
            document = load_baseline_file(f)
            if document["model"] in out:
                raise BaselineError(f"baseline directory {path} has two files for model {document['model']!r}")
            out[document["model"]] = document["tests"]
        return out, "baseline directory"
    document = read_json(path, "file")
    if isinstance(document, dict) and document.get("format") == BASELINE_FORMAT:
        document = validate_baseline(document, path)
        return {document["model"]: document["tests"]}, "baseline file"
    document = validate_run(document, path)
    return entries_by_model(document["tests"], keep_errors=keep_errors), "run file"
