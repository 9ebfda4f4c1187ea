"""VADER behind a real model server, as the ``bt.Model`` the suites in this folder run against.

``vader()`` connects to the server this folder's ``conftest.py`` started (its URL is in
``$VADER_SERVER_URL``, which pytest-xdist workers inherit). Run without that conftest, it
starts a server of its own, stopped when the process exits. ``$VADER_PROTOCOL`` picks
the protocol: ``open-inference`` (default) or ``mlflow``.
"""

from __future__ import annotations

import atexit
import functools
import os
import sys
from pathlib import Path

import behavetest as bt

HERE = Path(__file__).resolve().parent
LABELS = ["negative", "neutral", "positive"]
PROMPT = "Classify the sentiment of this movie review as one of: {labels}. Answer with the label only.\nText: {input}"


def server_url() -> str:
    url = os.environ.get("VADER_SERVER_URL")
    if url:
        return url
    sys.path.insert(0, str(HERE))
    import vader_server

    handle = vader_server.start()
    atexit.register(handle.stop)
    os.environ["VADER_SERVER_URL"] = handle.url
    return handle.url


@functools.lru_cache(maxsize=None)
def vader() -> bt.Model:
    """The served VADER (its probabilities: negative, neutral, positive)."""
    protocol = os.environ.get("VADER_PROTOCOL", "open-inference")
    return bt.Model.http(server_url(), protocol=protocol, model="vader", labels=LABELS, name="vader-served",
                         batch_size=32, concurrency=8, timeout=10.0)


@functools.lru_cache(maxsize=None)
def vader_chat() -> bt.Model:
    """The same server's chat endpoint used as a prompted classifier (an LLM stand-in)."""
    return bt.Model.http(server_url() + "/v1", protocol="openai-chat", model="vader-chat", labels=LABELS,
                         prompt=PROMPT, concurrency=16, name="vader-chat")
