"""``Model``: the model under test behind a deduplicating, batching prediction cache."""

from __future__ import annotations

from typing import Any, Callable, Hashable, Mapping, Sequence

import numpy as np

from .._errors import DeclarationError, ModelError
from . import cache as _cache
from .keys import cache_key, digest
from .prediction import Predictions

PROBA, LABEL, SCORE, TEXT, RANKING = "proba", "label", "score", "text", "ranking"
OUTPUTS = (TEXT, RANKING)
_UNSET = object()
PROBA_SUM_TOLERANCE = 0.01  # how far a row of probabilities may sum from 1 (rounded outputs pass)


def _definition_site() -> str:
    """``file:line`` of the user code that made the model (the first frame outside behavetest)."""
    import os
    import sys

    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame = sys._getframe(2)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package + os.sep):
        frame = frame.f_back
    if frame is None:
        return "?"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def _within(fn: Callable[[Any], Any], arg: Any, timeout: float, error: Callable[[], Exception]) -> Any:
    """``fn(arg)`` in a daemon thread; ``error()`` is raised when it takes longer than ``timeout`` seconds."""
    import threading

    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = fn(arg)
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="behavetest-model-call", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise error()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _builtin(value: Any) -> Any:
    item = getattr(value, "item", None)
    return item() if callable(item) and getattr(value, "shape", None) == () else value


def _short(value: Any, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _from_transformers(target: Any) -> bool:
    """A transformers pipeline or model given straight to ``bt.Model`` (recognised without importing transformers)."""
    return type(target).__module__.startswith("transformers.") and hasattr(target, "__call__")


def _is_row(value: Any) -> bool:
    """A dict row, or a pandas Series row (recognised without importing pandas)."""
    return isinstance(value, dict) or (
        getattr(value, "ndim", None) == 1 and hasattr(value, "index") and callable(getattr(value, "to_dict", None))
    )


class Model:
    """The model under test.

    ``target`` is a scikit-learn estimator (its ``predict_proba`` and ``classes_``
    are used when present, else ``predict``) or any callable that takes a list of
    inputs and returns an (n, k) array of probabilities, a 1-D array of labels,
    or a 1-D array of float scores (regression). ``output="text"`` declares a
    model that answers with a string per input (an extracted span, an LLM's
    reply); ``output="ranking"`` one that returns a ranked list of item ids per
    input (a recommender's top k), best first.

    Every input is predicted at most once per session: requests are deduplicated,
    sent to the model in batches of ``batch_size`` and cached, so tests that share
    inputs share predictions.

    >>> model = Model(lambda texts: [[0.1, 0.9] for _ in texts], labels=["neg", "pos"])
    >>> model.predict(["fine"]).at(0).label
    'pos'
    """

    def __init__(
        self,
        target: Any,
        *,
        labels: Sequence[Any] | None = None,
        name: str | None = None,
        batch_size: int = 256,
        version: str | None = None,
        output: str | None = None,
        multi_label: bool = False,
        timeout: float | None = None,
    ) -> None:
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise DeclarationError(f"bt.Model: name= must be a non-empty string, not {name!r}")
        if version is not None and not isinstance(version, str):
            raise DeclarationError(f"version must be a string, not {version!r}")
        if not isinstance(multi_label, bool):
            raise DeclarationError(f"bt.Model: multi_label= must be True or False, not {multi_label!r}")
        if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                                    or not timeout > 0):
            raise DeclarationError(f"bt.Model: timeout= must be a positive number of seconds, not {timeout!r}")
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise DeclarationError(f"batch_size must be a positive integer, not {batch_size!r}")
        if output is not None and output not in OUTPUTS:
            raise DeclarationError(
                f"output= must be 'text' (a string per input) or 'ranking' (a ranked list of item ids per input), "
                f"not {output!r}; leave it out for probabilities, labels or scores"
            )
        if output is not None and labels is not None:
            raise DeclarationError(f"a model with output={output!r} has no labels; leave labels= out")
        self._kind: str | None = None
        if _from_transformers(target):
            self.__dict__.update(Model.transformers(target, name=name, version=version, batch_size=batch_size).__dict__)
            return
        self._estimator = not callable(target) or hasattr(target, "predict")
        classes = getattr(target, "classes_", None)
        if callable(getattr(target, "predict_proba", None)) and classes is not None:
            self._fn: Callable[[list], Any] = target.predict_proba
            self._kind = PROBA
        elif callable(getattr(target, "predict", None)):
            self._fn = target.predict
            self._kind = LABEL if classes is not None else SCORE
        elif callable(target):
            self._fn = target
            self._estimator = False
        else:
            raise DeclarationError(
                f"Model target must be a callable or an estimator with predict/predict_proba, "
                f"not {type(target).__name__}"
            )
        if output is not None:
            self._kind, classes = output, None
        if labels is None and classes is not None:
            labels = list(classes)
        if labels is not None:
            labels = [_builtin(v) for v in labels]
            if len(set(map(repr, labels))) != len(labels):
                raise DeclarationError(f"labels must be distinct, got {labels!r}")
        self._labels: list[Any] | None = labels
        self._fixed_labels = labels is not None
        self._label_pos = {v: i for i, v in enumerate(labels)} if labels is not None else None
        self.name: str = name or str(getattr(target, "__name__", None) or type(target).__name__)
        self.version = version
        self.multi_label, self.timeout = multi_label, timeout
        self.defined_at = _definition_site()
        self._target = target
        self._identity: Any = _UNSET
        self.batch_size = batch_size
        self._index: dict[Hashable, int] = {}
        self._chunks: list[np.ndarray] = []
        self._values: np.ndarray | None = None
        self.calls = 0
        self.predicted = 0

    @classmethod
    def transformers(
        cls,
        target: Any,
        *,
        tokenizer: Any = None,
        device: Any = None,
        batch_size: int = 32,
        max_length: int | None = None,
        name: str | None = None,
        version: str | None = None,
    ) -> "Model":
        """A transformers text classifier: a pipeline, or a model with its ``tokenizer`` (moved to ``device``).

        Every class's probability (``top_k=None``) in the order of the config's ``id2label``,
        which gives the labels; ``batch_size`` texts go through the network at a time.
        ``bt.Model(pipeline)`` is the same with the defaults.
        """
        from .transformers import TransformersTarget

        adapter = TransformersTarget(target, tokenizer=tokenizer, device=device, batch_size=batch_size,
                                     max_length=max_length)
        return cls(adapter, labels=adapter.labels, name=name or adapter.__name__, batch_size=batch_size, version=version)

    @classmethod
    def http(
        cls,
        url: str,
        *,
        protocol: Any,
        labels: Sequence[Any] | None = None,
        name: str | None = None,
        batch_size: int | None = None,
        concurrency: int = 8,
        timeout: float = 30.0,
        retries: int = 3,
        headers: Mapping[str, str] | None = None,
        env_headers: Mapping[str, str] | None = None,
        api_key_env: str | None = None,
        model: str | None = None,
        version: str | None = None,
        output: str | None = None,
        **options: Any,
    ) -> "Model":
        """A model served over HTTP: ``protocol`` is "mlflow", "open-inference", "openai-chat" or a bt.HttpProtocol.

        ``output="text"`` or ``"ranking"`` declares what the server answers, as for ``bt.Model``
        (with "openai-chat", ``output="text"`` takes the reply itself as the answer).

        Batches of ``batch_size`` inputs go out ``concurrency`` at a time; connection errors,
        timeouts, 429 and 5xx answers are retried ``retries`` times with exponential backoff
        (honouring ``Retry-After``). ``headers`` are sent as given; ``env_headers`` maps a
        header to the environment variable holding its value and ``api_key_env`` names the
        variable of a bearer token. Neither ever appears in an error, report or cache key.
        See docs/served-models.md for the protocols' options (``model``, ``prompt``, ...).
        """
        from .http import HttpClient, public_url

        client = HttpClient(url, protocol=protocol, labels=labels, name=name or model or public_url(url),
                            batch_size=batch_size, concurrency=concurrency, timeout=timeout, retries=retries,
                            headers=headers, env_headers=env_headers, api_key_env=api_key_env, model=model,
                            output=output, **options)
        outer = max(1024, client.batch_size * client.concurrency * 8)
        return cls(client, labels=labels, name=client.name, batch_size=outer, version=version, output=output)

    def __repr__(self) -> str:
        if self._kind in OUTPUTS:
            return f"Model(name={self.name!r}, output={self._kind!r}, batch_size={self.batch_size})"
        return f"Model(name={self.name!r}, labels={self._labels!r}, batch_size={self.batch_size})"

    @property
    def declared_labels(self) -> list[Any] | None:
        """The labels given with ``labels=`` (or an estimator's ``classes_``); None when they are only seen."""
        return list(self._labels) if self._fixed_labels else None

    @property
    def labels(self) -> list[Any] | None:
        """The declared labels, or those seen so far for label models declared without them."""
        return self._labels

    @property
    def kind(self) -> str | None:
        """``"proba"``, ``"label"`` or ``"score"``, known once the model has answered; ``"text"`` or
        ``"ranking"`` as declared with ``output=``."""
        return self._kind

    @property
    def identity(self) -> bytes | None:
        """What the persistent prediction cache knows this model by; ``None``: not cached across runs.

        ``version=`` when given, else a fingerprint of the target: its ``behave_fingerprint()``
        (served and transformers models), or a digest of a scikit-learn estimator's fitted
        parameters. A plain callable without ``version=`` has none. The name and the
        declared labels are part of it.
        """
        if self._identity is _UNSET:
            self._identity = self._compute_identity()
        return self._identity

    def _compute_identity(self) -> bytes | None:
        fingerprint = getattr(self._target, "behave_fingerprint", None)
        if self.version is not None:
            parts: Any = ("version", self.version)
        elif callable(fingerprint):
            parts = ("fingerprint", fingerprint())
        elif self._estimator:
            from .fingerprint import estimator_digest

            fitted = estimator_digest(self._target)
            if fitted is None:
                return None
            parts = ("estimator", fitted)
        else:
            return None
        labels = self._labels if self._fixed_labels else None
        return digest(self.name, parts, labels, size=16)

    def label_index(self, label: Any) -> int:
        """Position of ``label`` in :attr:`labels`; -1 for a label not (yet) seen."""
        if self._label_pos is None:
            return -1
        pos = self._label_pos.get(_builtin(label))
        if pos is None and self._fixed_labels:
            raise DeclarationError(
                f"{label!r} is not one of model {self.name!r}'s labels {self._labels!r}"
            )
        return -1 if pos is None else pos

    def predict(self, inputs: Sequence[Any]) -> Predictions:
        """Predictions for ``inputs``, from the cache where possible."""
        inputs = list(inputs)
        return self._predict_keys(inputs, [cache_key(x) for x in inputs])

    def _predict_keys(self, inputs: list, keys: list) -> Predictions:
        index = self._index
        todo: dict[Hashable, Any] = {}
        for key, value in zip(keys, inputs):
            if key not in index and key not in todo:
                todo[key] = value
        if todo:
            pending_keys = list(todo)
            pending = list(todo.values())
            store = self._store()
            digests = [digest(k, size=16) for k in pending_keys] if store is not None else None
            if store is not None:
                pending_keys, pending, digests = self._from_store(store, pending_keys, pending, digests)
            for start in range(0, len(pending), self.batch_size):
                batch = pending[start : start + self.batch_size]
                values = self._call(batch)
                self._append(pending_keys[start : start + self.batch_size], values)
                if store is not None:
                    self._to_store(store, digests[start : start + self.batch_size], values)
            self._values = None
        if self._values is None:
            self._values = np.concatenate(self._chunks) if len(self._chunks) > 1 else self._chunks[0]
            self._chunks = [self._values]
        rows = np.fromiter(map(index.__getitem__, keys), dtype=np.intp, count=len(keys))
        values = self._values[rows]
        labels = self._labels or []
        if self._kind == PROBA:
            return Predictions(labels, label_idx=values.argmax(axis=1), proba=values)
        if self._kind == LABEL:
            return Predictions(labels, label_idx=values.astype(np.intp))
        if self._kind == TEXT:
            return Predictions(labels, answer=values)
        if self._kind == RANKING:
            return Predictions(labels, ranking=values)
        return Predictions(labels, score=values)

    def _append(self, keys: list, values: np.ndarray) -> None:
        base = sum(len(c) for c in self._chunks)
        self._chunks.append(values)
        for offset, key in enumerate(keys):
            self._index[key] = base + offset

    def _store(self) -> "_cache.PredictionStore | None":
        store = _cache.active()
        if store is None:
            return None
        if self.identity is None:
            if self.name not in _cache.STATS.uncached:
                _cache.STATS.uncached.append(self.name)
            return None
        return store

    def _from_store(self, store, keys: list, inputs: list, digests: list) -> tuple[list, list, list]:
        """Take what the persistent cache holds; return the keys, inputs and digests still to predict."""
        try:
            hits = store.get(self.identity, digests, self._kind)
        except _cache.sqlite3.Error as exc:
            _cache.disable(exc)
            return keys, inputs, digests
        if not hits:
            return keys, inputs, digests
        kind = self._kind or next(iter(hits.values()))[0]
        rows = [i for i, d in enumerate(digests) if d in hits and hits[d][0] == kind]
        width = len(self._labels) if self._labels is not None and self._fixed_labels else None
        if kind == PROBA and width is None:
            return keys, inputs, digests
        decoded = _cache.decode(kind, [hits[digests[i]][1] for i in rows], width)
        if decoded is None:
            return keys, inputs, digests
        try:
            if kind == LABEL:
                values = self._validate_labels(np.array(decoded + [None], dtype=object)[:-1], [inputs[i] for i in rows])
            else:
                values = decoded
                self._kind = kind
        except ModelError:  # a stored label the model no longer declares: predict again
            return keys, inputs, digests
        self._append([keys[i] for i in rows], values)
        _cache.STATS.hits += len(rows)
        taken = set(rows)
        keep = [i for i in range(len(keys)) if i not in taken]
        return [keys[i] for i in keep], [inputs[i] for i in keep], [digests[i] for i in keep]

    def _to_store(self, store, digests: list, values: np.ndarray) -> None:
        kind = self._kind
        rows = []
        for d, row in zip(digests, values):
            payload = _cache.encode(kind, row, self._labels[int(row)] if kind == LABEL else None)
            if payload is not None:
                rows.append((d, kind, payload))
        try:
            store.put(self.identity, rows)
        except _cache.sqlite3.Error as exc:
            _cache.disable(exc)

    def _call(self, batch: list) -> np.ndarray:
        self.calls += 1
        self.predicted += len(batch)
        _cache.STATS.new += len(batch)
        return self._validate(self._answer(batch), batch)

    def _answer(self, batch: list) -> Any:
        """The model's raw answer to ``batch``, within ``timeout`` seconds when one is set."""
        try:
            prepared = self._prepare(batch)
            if self.timeout is None:
                return self._fn(prepared)
            return _within(self._fn, prepared, self.timeout, lambda: ModelError(
                f"model {self.name!r} did not answer a batch of {len(batch)} inputs within timeout={self.timeout:g} s"
                f"\n  first input of the batch: {_short(batch[0])}"))
        except ModelError:
            raise
        except Exception as exc:
            offender = self._find_offender(batch)
            raise ModelError(
                f"model {self.name!r} raised {type(exc).__name__}: {exc}\n"
                f"  offending input: {_short(offender)}"
            ) from exc

    def _prepare(self, batch: list) -> Any:
        if not self._estimator or all(type(x) is str for x in batch):
            return batch
        if all(_is_row(x) for x in batch):
            try:
                import pandas as pd
            except ImportError:
                raise ModelError(
                    f"model {self.name!r} is an estimator given dict rows; install pandas "
                    "so they can be passed as a DataFrame"
                ) from None
            rows = [x if isinstance(x, dict) else x.to_dict() for x in batch]
            columns = getattr(self._target_columns(), "tolist", lambda: None)()
            if columns is not None:
                missing = sorted({str(c) for row in rows for c in columns if c not in row})
                if missing:
                    raise ModelError(
                        f"model {self.name!r} needs the columns {missing}, which some input rows lack\n"
                        f"  first input of the batch: {_short(batch[0])}"
                    )
            return pd.DataFrame(rows, columns=columns)
        return np.asarray(batch)

    def _target_columns(self):
        owner = getattr(self._fn, "__self__", None)
        return getattr(owner, "feature_names_in_", None)

    def _find_offender(self, batch: list) -> Any:
        """Bisect ``batch`` (log2 extra calls) for one input on which the model raises."""
        while len(batch) > 1:
            half = batch[: len(batch) // 2]
            try:
                self._fn(self._prepare(half))
            except Exception:
                batch = half
            else:
                batch = batch[len(batch) // 2 :]
        return batch[0]

    def _validate(self, raw: Any, batch: list) -> np.ndarray:
        where = f"model {self.name!r}"
        if self._kind in OUTPUTS:
            return self._validate_outputs(raw, batch)
        try:
            out = np.asarray(raw)
        except Exception as exc:
            raise ModelError(f"{where} returned {type(raw).__name__}, not an array: {exc}") from None
        n = len(batch)
        if out.ndim == 0 or out.shape[0] != n:
            raise ModelError(
                f"{where} returned shape {out.shape} for {n} inputs; expected ({n}, k) "
                f"probabilities, or ({n},) labels or scores\n  first input of the batch: {_short(batch[0])}"
            )
        if out.ndim == 2 and self._kind != LABEL and self._kind != SCORE:
            return self._validate_proba(out, batch)
        if out.ndim == 1:
            if self._kind == PROBA:
                raise ModelError(f"{where} returned ({n},) values but earlier returned probabilities")
            if self._kind == SCORE or (self._kind is None and self._labels is None and out.dtype.kind == "f"):
                self._kind = SCORE
                bad = np.flatnonzero(~np.isfinite(out.astype(float)))
                if len(bad):
                    raise ModelError(f"{where} returned {out[bad[0]]} as a score\n  offending input: {_short(batch[bad[0]])}")
                return out.astype(float)
            return self._validate_labels(out, batch)
        raise ModelError(
            f"{where} returned shape {out.shape}; expected ({n}, k) probabilities, or ({n},) labels "
            f"or scores\n  first input of the batch: {_short(batch[0])}"
        )

    def _validate_proba(self, out: np.ndarray, batch: list) -> np.ndarray:
        where = f"model {self.name!r}"
        if self._labels is None:
            raise ModelError(
                f"{where} returned an {out.shape} array of probabilities but declares no labels; "
                f"pass labels=[...] naming its {out.shape[1]} columns to bt.Model"
            )
        if out.shape[1] != len(self._labels):
            raise ModelError(
                f"{where} returned {out.shape[1]} probability columns but declares "
                f"{len(self._labels)} labels {self._labels!r}"
            )
        try:
            out = out.astype(float)
        except (TypeError, ValueError):
            raise ModelError(f"{where} returned non-numeric probabilities ({out.dtype})") from None
        finite = np.isfinite(out).all(axis=1)
        in_range = ((out >= -1e-9) & (out <= 1 + 1e-9)).all(axis=1)
        bad = np.flatnonzero(~(finite & in_range))
        if len(bad):
            row = bad[0]
            why = "NaN or infinite" if not finite[row] else "outside [0, 1] (logits? apply a softmax)"
            raise ModelError(
                f"{where} returned probabilities {out[row].tolist()} that are {why}\n"
                f"  offending input: {_short(batch[row])}"
            )
        if not self.multi_label:
            sums = out.sum(axis=1)
            off = np.flatnonzero(np.abs(sums - 1.0) > PROBA_SUM_TOLERANCE + 1e-9)
            if len(off):
                row = off[0]
                raise ModelError(
                    f"{where} returned probabilities {out[row].tolist()} that sum to {sums[row]:.6g}, not 1 "
                    f"(tolerance {PROBA_SUM_TOLERANCE:g}; row {row} of a batch of {len(batch)})\n"
                    f"  offending input: {_short(batch[row])}\n"
                    "  fix: return one probability per label that sum to 1 (a softmax), or declare "
                    "bt.Model(..., multi_label=True) when each label has its own probability"
                )
        self._kind = PROBA
        return out

    def _validate_labels(self, out: np.ndarray, batch: list) -> np.ndarray:
        self._kind = LABEL
        if self._labels is None:
            self._labels, self._label_pos = [], {}
        pos = self._label_pos
        idx = np.empty(len(out), dtype=float)
        for i, value in enumerate(out.tolist()):
            j = pos.get(value)
            if j is None:
                if self._fixed_labels or (isinstance(value, float) and value != value):
                    raise ModelError(
                        f"model {self.name!r} returned label {value!r}, which is not one of its "
                        f"declared labels {self._labels!r}\n  offending input: {_short(batch[i])}"
                    )
                j = pos[value] = len(self._labels)
                self._labels.append(value)
            idx[i] = j
        return idx

    def _validate_outputs(self, raw: Any, batch: list) -> np.ndarray:
        """Answers (strings) or rankings (sequences of hashable item ids) as a 1-D object array."""
        where = f"model {self.name!r} (output={self._kind!r})"
        want = "a string" if self._kind == TEXT else "a ranked list of item ids"
        if isinstance(raw, (str, bytes)) or not hasattr(raw, "__len__") or len(raw) != len(batch):
            size = len(raw) if hasattr(raw, "__len__") and not isinstance(raw, (str, bytes)) else type(raw).__name__
            raise ModelError(
                f"{where} returned {size} for {len(batch)} inputs; it must return one value ({want}) per input\n"
                f"  first input of the batch: {_short(batch[0])}"
            )
        out = np.empty(len(batch), dtype=object)
        for i, value in enumerate(raw):
            value = _builtin(value)
            if self._kind == TEXT:
                if not isinstance(value, str):
                    raise ModelError(f"{where} returned {_short(value)} as an answer; answers must be strings "
                                     f"(\"\" for no answer)\n  offending input: {_short(batch[i])}")
                out[i] = value
                continue
            if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
                raise ModelError(f"{where} returned {_short(value)} as a ranking; a ranking is a list of item ids, "
                                 f"best first\n  offending input: {_short(batch[i])}")
            items = tuple(_builtin(v) for v in value)
            try:
                distinct = len(set(items)) == len(items)
            except TypeError:
                raise ModelError(f"{where} returned unhashable item ids in {_short(items)}\n"
                                 f"  offending input: {_short(batch[i])}") from None
            if not distinct:
                raise ModelError(f"{where} ranked an item twice in {_short(items)}\n  offending input: {_short(batch[i])}")
            out[i] = items
        return out
