"""A served model as a prediction function: concurrent JSON requests with retries, timeouts and clear errors.

httpx and tenacity (the ``http`` extra) are imported when the first request goes out,
never by a plain pytest run.
"""

from __future__ import annotations

import email.utils
import os
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any, Mapping, Sequence
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from .._errors import DeclarationError, ModelError
from .protocols import BUILTIN, HttpProtocol, ProtocolError

DEFAULT_BATCH = 64
RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
EXCERPT = 300


def _short(value: Any, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def public_url(url: str) -> str:
    """``url`` without user info, query or fragment (where credentials tend to hide)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    base = parts.path.rstrip("/")
    full = base if not path or base.endswith(path) else base + path
    return urlunsplit((parts.scheme, parts.netloc, full, parts.query, parts.fragment))


def _url_secrets(url: str) -> list[str]:
    parts = urlsplit(url)
    values = [parts.password or ""] + [v for _, v in parse_qsl(parts.query)]
    return [v for v in values if v]


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class HttpClient:
    """Sends batches to a served model; a callable ``list -> predictions`` for :class:`behavetest.Model`.

    ``calls`` counts requests that got an answer, ``retries`` the retried attempts,
    ``in_flight`` the requests on the wire now.
    """

    def __init__(
        self,
        url: str,
        *,
        protocol: str | HttpProtocol,
        name: str,
        labels: Sequence[Any] | None = None,
        batch_size: int | None = None,
        concurrency: int = 8,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        headers: Mapping[str, str] | None = None,
        env_headers: Mapping[str, str] | None = None,
        api_key_env: str | None = None,
        model: str | None = None,
        output: str | None = None,
        **options: Any,
    ) -> None:
        if isinstance(protocol, str):
            factory = BUILTIN.get(protocol)
            if factory is None:
                raise DeclarationError(
                    f"unknown protocol {protocol!r}; use one of {sorted(BUILTIN)} or a bt.HttpProtocol(request=..., response=...)"
                )
            try:
                protocol = factory(labels=labels, model=model, output=output, **options)
            except (TypeError, ValueError) as exc:
                raise DeclarationError(f"bt.Model.http({public_url(url)!r}): {exc}") from None
        elif not isinstance(protocol, HttpProtocol):
            raise DeclarationError(f"protocol must be a name or a bt.HttpProtocol, not {type(protocol).__name__}")
        elif options:
            raise DeclarationError(f"options {sorted(options)} only apply to built-in protocols")
        for label, value, low in (("concurrency", concurrency, 1), ("retries", retries, 0)):
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise DeclarationError(f"{label} must be an integer >= {low}, not {value!r}")
        if not (isinstance(timeout, (int, float)) and timeout > 0):
            raise DeclarationError(f"timeout must be a positive number of seconds, not {timeout!r}")
        if not url.startswith(("http://", "https://")):
            raise DeclarationError(f"url must start with http:// or https://, not {public_url(url)!r}")
        self.protocol = protocol
        self.url = _with_path(url, protocol.path)
        self.name = name
        self.model = model
        self.output = output
        size = batch_size if batch_size is not None else DEFAULT_BATCH
        self.batch_size = min(size, protocol.max_batch) if protocol.max_batch else size
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise DeclarationError(f"batch_size must be a positive integer, not {batch_size!r}")
        self.concurrency, self.timeout, self.retries = concurrency, float(timeout), retries
        self.backoff, self.max_backoff = backoff, max_backoff
        self._headers = dict(headers or {})
        self._env_headers = dict(env_headers or {})
        if api_key_env:
            self._env_headers.setdefault("Authorization", api_key_env)
            self._bearer = {"Authorization"}
        else:
            self._bearer = set()
        self._client = None
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self.calls = self.retries_done = self.in_flight = 0

    def behave_fingerprint(self) -> tuple:
        """What identifies the served model for the prediction cache (never the credentials)."""
        return ("http", public_url(self.url), self.protocol.name, self.model, self.output)

    def where(self) -> str:
        return f"served model {self.name!r} ({self.protocol.name}, POST {public_url(self.url)})"

    def _secrets(self) -> list[str]:
        values = [v for v in self._headers.values() if v] + _url_secrets(self.url)
        values += [os.environ.get(var, "") for var in self._env_headers.values()]
        return [v for v in values if len(v) >= 4]

    def redact(self, text: str) -> str:
        for secret in self._secrets():
            text = text.replace(secret, "***")
        return text

    def _request_headers(self) -> dict[str, str]:
        out = {"Content-Type": "application/json", **self._headers}
        for header, var in self._env_headers.items():
            value = os.environ.get(var)
            if value is None:
                raise ModelError(f"{self.where()}: the environment variable {var} (for the {header} header) is not set")
            out[header] = f"Bearer {value}" if header in self._bearer else value
        return out

    def _ensure(self):
        if self._client is None:
            try:
                import httpx
            except ImportError:
                raise ModelError(f"{self.where()} needs httpx: pip install 'behavetest[http]'") from None
            limits = httpx.Limits(max_connections=self.concurrency, max_keepalive_connections=self.concurrency)
            self._client = httpx.Client(timeout=self.timeout, limits=limits)
            self._pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="behavetest-http")
        return self._client

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._client.close()
            self._client, self._pool = None, None

    def __call__(self, batch: list) -> list:
        self._ensure()
        chunks = [batch[i : i + self.batch_size] for i in range(0, len(batch), self.batch_size)]
        if len(chunks) == 1:
            return self._send(chunks[0])
        futures = [self._pool.submit(self._send, chunk) for chunk in chunks]
        done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in pending:
            future.cancel()
        out: list = []
        for future in futures:  # in order; the first chunk that failed raises
            if future.cancelled():
                continue
            out.extend(future.result())
        return out

    def _send(self, chunk: list) -> list:
        import tenacity

        headers = self._request_headers()
        try:
            body = self.protocol.request(chunk)
        except Exception as exc:
            raise ModelError(f"{self.where()}: could not encode the request: {type(exc).__name__}: {exc}\n"
                             f"  first input of the batch: {_short(chunk[0])}") from None

        def wait_for(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception()
            delay = min(self.max_backoff, self.backoff * 2 ** (state.attempt_number - 1))
            after = getattr(exc, "retry_after", None)
            return min(max(delay, after), max(self.max_backoff, self.timeout)) if after is not None else delay

        def count_retry(state: tenacity.RetryCallState) -> None:
            with self._lock:
                self.retries_done += 1

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.retries + 1),
            retry=tenacity.retry_if_exception_type(_Retryable),
            wait=wait_for,
            before_sleep=count_retry,
            reraise=True,
        )
        try:
            response = retrying(self._post, headers, body)
        except _Retryable as exc:
            attempts = self.retries + 1
            raise ModelError(
                f"{self.where()}: {self.redact(str(exc))} (gave up after {attempts} attempt{'s' if attempts > 1 else ''})\n"
                f"  first input of the batch: {_short(chunk[0])}\n"
                f"  raise retries= or timeout= if the service is only slow or busy"
            ) from None
        return self._decode(response, chunk)

    def _post(self, headers: dict, body: Any):
        import httpx

        with self._lock:
            self.in_flight += 1
        try:
            response = self._client.post(self.url, json=body, headers=headers)
        except httpx.TimeoutException:
            raise _Retryable(f"no answer within the timeout of {self.timeout:g} s") from None
        except httpx.TransportError as exc:
            raise _Retryable(f"could not connect: {type(exc).__name__}: {exc}") from None
        finally:
            with self._lock:
                self.in_flight -= 1
        if response.status_code in RETRY_STATUS:
            raise _Retryable(f"HTTP {response.status_code}: {self._excerpt(response.text)}",
                             _retry_after(response.headers.get("Retry-After")))
        with self._lock:
            self.calls += 1
        return response

    def _excerpt(self, text: str) -> str:
        text = self.redact(" ".join(text.split()))
        return text if len(text) <= EXCERPT else text[:EXCERPT] + "..."

    def _decode(self, response, chunk: list) -> list:
        first = f"\n  first input of the batch: {_short(chunk[0])}"
        status = response.status_code
        if status >= 400:
            raise ModelError(f"{self.where()}: HTTP {status}: {self._excerpt(response.text)}{first}")
        try:
            body = response.json()
        except ValueError:
            raise ModelError(f"{self.where()}: HTTP {status} with a body that is not JSON: "
                             f"{self._excerpt(response.text)}{first}") from None
        try:
            predictions = self.protocol.response(body, chunk)
        except ProtocolError as exc:
            raise ModelError(f"{self.where()}: {self.redact(str(exc))}\n  response: {self._excerpt(response.text)}{first}") from None
        except Exception as exc:
            raise ModelError(f"{self.where()}: could not read the response ({type(exc).__name__}: {exc})\n"
                             f"  response: {self._excerpt(response.text)}{first}") from None
        if not isinstance(predictions, (list, tuple)) or len(predictions) != len(chunk):
            count = len(predictions) if isinstance(predictions, (list, tuple)) else type(predictions).__name__
            raise ModelError(f"{self.where()}: {count} predictions for a batch of {len(chunk)} inputs\n"
                             f"  response: {self._excerpt(response.text)}{first}")
        return list(predictions)
