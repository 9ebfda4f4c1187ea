"""Start one VADER server process for the whole run (on the controller, before pytest-xdist starts its workers)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import vader_server  # noqa: E402

_SERVER: list = []


def pytest_configure(config) -> None:
    if hasattr(config, "workerinput") or os.environ.get("VADER_SERVER_URL"):
        return  # a worker (it inherits the URL), or a server someone else runs
    handle = vader_server.start()
    _SERVER.append(handle)
    os.environ["VADER_SERVER_URL"] = handle.url


def pytest_unconfigure(config) -> None:
    while _SERVER:
        _SERVER.pop().stop()
        os.environ.pop("VADER_SERVER_URL", None)
