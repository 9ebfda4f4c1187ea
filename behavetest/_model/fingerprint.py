"""A digest of a fitted estimator's parameters: equal for an identical refit, in every process.

Walks the estimator's public attributes (hyper-parameters, fitted attributes, nested estimators, arrays, sparse matrices, dicts,
lists, sets in sorted order, functions by their code), so that neither object
addresses nor ``PYTHONHASHSEED`` change it. Objects it cannot read make it ``None``:
such a model is not cached across runs.
"""

from __future__ import annotations

import hashlib
import pickle
from typing import Any

_MAX_DEPTH = 12


class _Unreadable(Exception):
    pass


def estimator_digest(estimator: Any) -> bytes | None:
    h = hashlib.blake2b(digest_size=16)
    try:
        _feed(h, estimator, 0, set())
    except (_Unreadable, RecursionError):
        return None
    return h.digest()


def _feed(h, value: Any, depth: int, seen: set[int]) -> None:
    if depth > _MAX_DEPTH:
        raise _Unreadable
    kind = type(value)
    h.update(f"<{kind.__module__}.{kind.__qualname__}>".encode())
    if value is None or kind in (bool, int, float, complex, str, bytes):
        h.update(repr(value).encode("utf-8", "surrogatepass"))
        return
    if isinstance(value, type):
        h.update(f"{value.__module__}.{value.__qualname__}".encode())
        return
    if hasattr(value, "dtype") and hasattr(value, "tobytes") and hasattr(value, "shape"):
        if value.dtype.kind == "O":
            for item in value.ravel().tolist():
                _feed(h, item, depth + 1, seen)
        else:
            h.update(str(value.dtype).encode() + repr(tuple(value.shape)).encode())
            h.update(value.tobytes())
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            _feed(h, item, depth + 1, seen)
        return
    if isinstance(value, dict):
        for key in sorted(value, key=repr):
            _feed(h, key, depth + 1, seen)
            _feed(h, value[key], depth + 1, seen)
        return
    if isinstance(value, (set, frozenset)):
        for item in sorted(value, key=repr):
            _feed(h, item, depth + 1, seen)
        return
    code = getattr(value, "__code__", None)
    if code is not None:  # a function: its code and constants, not its address
        h.update(code.co_code + repr(code.co_consts).encode())
        return
    if id(value) in seen:
        raise _Unreadable
    state = getattr(value, "__dict__", None)
    if isinstance(state, dict) and callable(getattr(value, "get_params", None)):
        # scikit-learn's convention: hyper-parameters, and fitted attributes end in "_";
        # private attributes may hold object addresses (e.g. TfidfVectorizer._stop_words_id).
        state = {k: v for k, v in state.items() if not k.startswith("_")}
    if isinstance(state, dict):
        seen.add(id(value))
        _feed(h, state, depth + 1, seen)
        seen.discard(id(value))
        return
    try:
        h.update(pickle.dumps(value, protocol=4))
    except Exception:
        raise _Unreadable from None
