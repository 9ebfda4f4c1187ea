"""Replay: failing perturbations remembered between runs (in pytest's cache) and checked again."""

from __future__ import annotations

import json
from typing import Any

PREFIX = "behavetest/replay/"
LIMIT = 20


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


class ReplayStore:
    """Remembers up to ``LIMIT`` failing (original, perturbed) pairs per behavioral test.

    Backed by pytest's cache (``.pytest_cache``), one key per test, written only by
    the process that ran that test. Inputs that are not JSON values are not kept.
    """

    def __init__(self, cache: Any) -> None:
        self._cache = cache

    @staticmethod
    def _key(test_id: str) -> str:
        from .._model.keys import digest

        return PREFIX + digest(test_id).hex()

    def load(self, test_id: str) -> list[tuple[Any, Any]]:
        stored = self._cache.get(self._key(test_id), None)
        if not isinstance(stored, dict) or stored.get("test") != test_id:
            return []
        pairs = stored.get("pairs")
        if not isinstance(pairs, list):
            return []
        return [(p[0], p[1]) for p in pairs if isinstance(p, list) and len(p) == 2]

    def save(self, test_id: str, pairs: list[tuple[Any, Any]]) -> None:
        kept = [[a, b] for a, b in pairs if _jsonable(a) and _jsonable(b)][:LIMIT]
        self._cache.set(self._key(test_id), {"test": test_id, "pairs": kept})
