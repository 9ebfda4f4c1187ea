"""The persistent prediction cache: predictions on disk, keyed by (model identity, input key).

One SQLite file in WAL mode (standard library), shared by pytest-xdist workers and by
concurrent runs. The API is small on purpose:

* ``PredictionStore(path)``: ``get(identity, keys, kind, width)`` -> ``{key: payload}``,
  ``put(identity, rows)``, ``clear()``; identities and keys are bytes, payloads are
  bytes (``encode``/``decode`` convert model outputs).
* ``prepare(path, clear=...)`` (once per run, before workers start) rebuilds a corrupt
  file with a warning; ``activate(path)`` makes the store the one every ``bt.Model`` uses
  in this process; ``STATS`` counts predictions served from it and computed anew.

A model takes part when it has an identity (see ``Model.identity``): ``version=`` or a
fingerprint its target computes. Anything that goes wrong with the file turns the
cache off for the process with a warning; a cached value is never trusted over the model
when it does not decode to the shape the model needs.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np

SCHEMA = 1
FILENAME = "predictions.sqlite"
_PARAMS = 500  # keys per SELECT (below SQLite's host-parameter limit)


class CacheWarning(UserWarning):
    """The prediction cache was corrupt or unusable; it was rebuilt or switched off."""


@dataclass
class CacheStats:
    hits: int = 0
    new: int = 0
    uncached: list[str] = field(default_factory=list)  # models predicting without an identity

    def to_dict(self) -> dict[str, Any]:
        return {"hits": self.hits, "new": self.new, "uncached": list(self.uncached)}

    def add(self, other: dict[str, Any]) -> None:
        self.hits += int(other.get("hits", 0))
        self.new += int(other.get("new", 0))
        self.uncached.extend(n for n in other.get("uncached", ()) if n not in self.uncached)


STATS = CacheStats()
_ACTIVE: "PredictionStore | None" = None


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=60.0, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 60000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("CREATE TABLE IF NOT EXISTS meta (schema INTEGER NOT NULL)")
    conn.execute("CREATE TABLE IF NOT EXISTS predictions (model BLOB NOT NULL, key BLOB NOT NULL, "
                 "kind TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (model, key)) WITHOUT ROWID")
    conn.execute("BEGIN IMMEDIATE")
    try:
        rows = conn.execute("SELECT schema FROM meta").fetchall()
        if not rows:
            conn.execute("INSERT INTO meta VALUES (?)", (SCHEMA,))
        elif rows != [(SCHEMA,)]:
            raise sqlite3.DatabaseError(f"schema {rows} is not {SCHEMA}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return conn


class PredictionStore:
    """Predictions on disk; safe to share between threads, processes and concurrent runs."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = _connect(self.path)
        self._lock = threading.Lock()

    def get(self, identity: bytes, keys: list[bytes], kind: str | None) -> dict[bytes, tuple[str, bytes]]:
        """The stored ``(kind, payload)`` of those of ``keys`` that are cached (of ``kind`` when given)."""
        found: dict[bytes, tuple[str, bytes]] = {}
        with self._lock:
            for start in range(0, len(keys), _PARAMS):
                part = keys[start : start + _PARAMS]
                marks = ",".join("?" * len(part))
                for key, row_kind, value in self._conn.execute(
                    f"SELECT key, kind, value FROM predictions WHERE model = ? AND key IN ({marks})", (identity, *part)
                ):
                    if kind is None or row_kind == kind:
                        found[key] = (row_kind, value)
        return found

    def put(self, identity: bytes, rows: Iterable[tuple[bytes, str, bytes]]) -> None:
        rows = [(identity, key, kind, value) for key, kind, value in rows]
        if not rows:
            return
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany("INSERT OR REPLACE INTO predictions VALUES (?, ?, ?, ?)", rows)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def clear(self) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM predictions")

    def count(self) -> int:
        with self._lock:
            return self._conn.execute("SELECT COUNT(*) FROM predictions").fetchone()[0]

    def check(self) -> None:
        """Raise ``sqlite3.DatabaseError`` unless SQLite finds the file sound."""
        with self._lock:
            result = self._conn.execute("PRAGMA quick_check").fetchall()
        if result != [("ok",)]:
            raise sqlite3.DatabaseError("; ".join(str(r[0]) for r in result[:3]))

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(f"{path}{suffix}")
        except FileNotFoundError:
            pass


def prepare(path: Path, *, clear: bool = False) -> str | None:
    """Once per run, in the controller (or the only process): clear on request, rebuild a corrupt file.

    Returns the warning to show when the file had to be rebuilt.
    """
    path = Path(path)
    try:
        store = PredictionStore(path)
        try:
            store.check()
            if clear:
                store.clear()
        finally:
            store.close()
    except sqlite3.DatabaseError as exc:
        _remove(path)
        PredictionStore(path).close()
        return f"behavetest: the prediction cache {path} was unreadable ({exc}); rebuilt it empty"
    return None


def activate(path: Path | None) -> None:
    """Make the store at ``path`` the one ``bt.Model`` uses in this process (``None``: no persistent cache)."""
    global _ACTIVE
    if _ACTIVE is not None:
        _ACTIVE.close()
    _ACTIVE = None
    if path is not None:
        try:
            _ACTIVE = PredictionStore(path)
        except (sqlite3.Error, OSError) as exc:
            disable(exc)


def active() -> PredictionStore | None:
    return _ACTIVE


def disable(exc: BaseException) -> None:
    """Stop using the store for the rest of the process, with a warning (it is never trusted after an error)."""
    global _ACTIVE
    where = _ACTIVE.path if _ACTIVE is not None else "the prediction cache"
    _ACTIVE = None
    warnings.warn(CacheWarning(f"behavetest: prediction cache {where} switched off for this process: "
                               f"{type(exc).__name__}: {exc}"), stacklevel=3)


def encode(kind: str, row: Any, label: Any = None) -> bytes | None:
    """The payload of one validated prediction; ``None`` when it cannot be stored faithfully."""
    if kind == "label":
        if type(label) not in (str, int, bool) and not (type(label) is float and label == label):
            return None
        return json.dumps(label).encode()
    if kind == "text":
        return json.dumps(row).encode() if type(row) is str else None
    if kind == "ranking":  # item ids that JSON keeps exactly
        return json.dumps(list(row)).encode() if all(type(i) in (str, int) for i in row) else None
    return np.asarray(row, dtype="<f8").tobytes()


def decode(kind: str, payloads: list[bytes], width: int | None) -> np.ndarray | list | None:
    """Payloads back as an (n, width) array, an (n,) array, or a list of labels; ``None`` if any is malformed."""
    try:
        if kind == "label":
            return [json.loads(p) for p in payloads]
        if kind in ("text", "ranking"):
            values = [json.loads(p) for p in payloads]
            if not all(isinstance(v, str) if kind == "text" else isinstance(v, list) for v in values):
                return None
            out = np.empty(len(values), dtype=object)
            for i, v in enumerate(values):
                out[i] = v if kind == "text" else tuple(v)
            return out
        size = 8 * (width or 1)
        if any(len(p) != size for p in payloads):
            return None
        values = np.frombuffer(b"".join(payloads), dtype="<f8").astype(float)
        return values.reshape(len(payloads), width) if kind == "proba" else values
    except ValueError:
        return None
