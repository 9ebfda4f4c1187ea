"""Canonical keys for model inputs: one for the prediction cache, one stable across processes."""

from __future__ import annotations

import hashlib
from typing import Any, Hashable


def cache_key(value: Any) -> Hashable:
    """A hashable key equal for equal inputs; strings are their own key (the fast path)."""
    if type(value) is str:
        return value
    return ("k", _canonical(value))


def _canonical(value: Any) -> Hashable:
    kind = type(value)
    if kind in (str, bytes, bool, type(None)):
        return (kind.__name__, value)
    if kind in (int, float):
        return ("nan",) if value != value else ("num", value)  # NaN != NaN would defeat the cache
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), _canonical(v)) for k, v in value.items())))
    if isinstance(value, (tuple, list)):
        return (kind.__name__, tuple(_canonical(v) for v in value))
    item = getattr(value, "item", None)
    shape = getattr(value, "shape", None)
    if shape == () and callable(item):  # numpy scalar
        return _canonical(item())
    if shape is not None and hasattr(value, "tobytes") and hasattr(value, "dtype"):
        return ("ndarray", str(value.dtype), tuple(shape), value.tobytes())
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):  # a pandas Series row
        return _canonical(to_dict())
    try:
        hash(value)
    except TypeError:
        raise TypeError(
            f"cannot use {kind.__name__} values as model inputs: they are neither hashable "
            "nor one of str, number, tuple, list, dict or numpy array"
        ) from None
    return (kind.__qualname__, value)


def digest(*parts: Any, size: int = 8) -> bytes:
    """A digest of ``parts`` that is the same in every process and on every machine."""
    h = hashlib.blake2b(digest_size=size)
    for part in parts:
        h.update(repr(_canonical(part)).encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.digest()


def stable_int(*parts: Any) -> int:
    """A 64-bit integer derived from ``parts``, stable across processes (unlike ``hash``)."""
    return int.from_bytes(digest(*parts), "big")


def case_ids(test_id: str, keys: list, extras: list | None = None) -> list[str]:
    """Identifiers of a test's cases from the test and each case's content (16 hex digits).

    The same test over the same inputs gives the same identifiers in every run,
    process and machine, so two runs can be compared case by case.
    """
    prefix = test_id.encode("utf-8", "surrogatepass") + b"\x00"
    extras = extras if extras is not None else [None] * len(keys)
    out = []
    for key, extra in zip(keys, extras):
        body = repr(key if extra is None else (key, extra)).encode("utf-8", "surrogatepass")
        out.append(hashlib.blake2b(prefix + body, digest_size=8).hexdigest())
    return out


def set_digest(ids: list[str]) -> str:
    """A digest of a set of case identifiers: equal digests mean both runs saw the same cases."""
    return hashlib.blake2b("\n".join(sorted(set(ids))).encode(), digest_size=16).hexdigest()
