"""One run's use of the persistent prediction cache: where it lives, start-up, and the summary's counts.

Cheap to import (the plugin holds one per session); the SQLite store itself is
imported only when a behavioral run starts it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

CACHE_FILE = "predictions.sqlite"


def _location(config: pytest.Config) -> tuple[Path | None, str]:
    """Where the prediction cache lives, or None and why it is off."""
    if config.getoption("behave_no_cache") or config.getini("behave_no_cache"):
        return None, "--behave-no-cache"
    cli_dir, ini_dir = config.getoption("behave_cache_dir"), config.getini("behave_cache_dir")
    if cli_dir:
        return Path(cli_dir) / CACHE_FILE, ""
    if ini_dir:
        base = config.inipath.parent if config.inipath else config.rootpath
        return base / ini_dir / CACHE_FILE, ""
    cache = getattr(config, "cache", None)
    if cache is None:
        return None, "pytest's cacheprovider is disabled; pass --behave-cache-dir DIR"
    return cache.mkdir("behavetest") / CACHE_FILE, ""


class RunCache:
    def __init__(self, config: pytest.Config, *, enabled: bool, is_worker: bool) -> None:
        self.config = config
        self.is_worker = is_worker
        self.path, self.off_reason = _location(config) if enabled else (None, "")
        self.stats: dict[str, Any] = {"hits": 0, "new": 0, "uncached": []}
        self.messages: list[str] = []

    def start(self) -> None:
        from . import cache

        cache.STATS = cache.CacheStats()
        if self.path is None:
            return
        if not self.is_worker:  # before any worker starts: clear on request, rebuild a corrupt file
            clear = bool(self.config.getoption("behave_clear_cache") or self.config.getini("behave_clear_cache"))
            rebuilt = cache.prepare(self.path, clear=clear)
            if rebuilt:
                self.config.issue_config_time_warning(cache.CacheWarning(rebuilt), stacklevel=2)
                self.messages.append(rebuilt)
        cache.activate(self.path)

    def worker_stats(self) -> dict[str, Any]:
        """This worker's counts, for ``config.workeroutput``."""
        from . import cache

        return cache.STATS.to_dict()

    def add(self, stats: dict[str, Any]) -> None:
        self.stats["hits"] += stats["hits"]
        self.stats["new"] += stats["new"]
        self.stats["uncached"] += [n for n in stats["uncached"] if n not in self.stats["uncached"]]

    def lines(self) -> list[str]:
        """The summary's account of the persistent prediction cache."""
        cache = sys.modules.get("behavetest._model.cache")
        if cache is not None:  # this process's own predictions (all of them in a serial run)
            self.add(cache.STATS.to_dict())
            cache.STATS = cache.CacheStats()
        hits, new = self.stats["hits"], self.stats["new"]
        if self.path is None:
            lines = [f"prediction cache: off ({self.off_reason}); {new:,} predictions made"]
        else:
            lines = [f"prediction cache: {hits:,} predictions from the cache, {new:,} new ({self.path})"]
        lines += [f"prediction cache: model {name!r} is a plain callable without version=, so its predictions are "
                  f"not cached across runs; give bt.Model(..., version=\"...\") to cache them"
                  for name in self.stats["uncached"]]
        return lines + self.messages


def deactivate() -> None:
    """Stop using the store (at unconfigure), if this process ever opened it."""
    cache = sys.modules.get("behavetest._model.cache")
    if cache is not None:
        cache.activate(None)
