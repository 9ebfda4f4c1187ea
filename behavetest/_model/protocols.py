"""Wire protocols of served models: how a batch becomes a JSON request and a JSON response becomes predictions.

A protocol is two functions (:class:`HttpProtocol`): ``request(batch)`` returns the
JSON body for a list of inputs, and ``response(body, batch)`` returns one prediction
per input (a row of probabilities, a float score, or a label) from the decoded JSON
answer. Raising :class:`ProtocolError` in ``response`` reports a malformed answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence


class ProtocolError(ValueError):
    """A response that does not follow the protocol; the message says what was expected."""


@dataclass(frozen=True)
class HttpProtocol:
    """A JSON-over-HTTP protocol: ``request(batch) -> body`` and ``response(body, batch) -> predictions``.

    ``path`` is appended to the model's URL; ``max_batch`` caps the inputs per request
    (1 for chat endpoints); ``name`` goes into the model's cache fingerprint.
    """

    request: Callable[[list], Any]
    response: Callable[[Any, list], Sequence[Any]]
    path: str = ""
    name: str = "custom"
    max_batch: int | None = None


def _field(body: Any, *names: str) -> Any:
    value = body
    for name in names:
        if not isinstance(value, dict) or name not in value:
            raise ProtocolError(f"the response has no {'.'.join(names)!r} field")
        value = value[name]
    return value


def _rows(batch: list) -> tuple[list[str], list[list[Any]]]:
    columns = list(dict.fromkeys(str(k) for row in batch for k in row))
    return columns, [[row.get(c) for c in columns] for row in batch]


def mlflow(*, labels: Sequence[Any] | None = None, **_: Any) -> HttpProtocol:
    """MLflow's scoring server: ``POST /invocations`` with ``inputs`` (or ``dataframe_split`` for dict rows)."""

    def request(batch: list) -> Any:
        if all(isinstance(x, dict) for x in batch):
            columns, data = _rows(batch)
            return {"dataframe_split": {"columns": columns, "data": data}}
        return {"inputs": batch}

    def response(body: Any, batch: list) -> Sequence[Any]:
        predictions = _field(body, "predictions") if isinstance(body, dict) else body
        if isinstance(predictions, dict):  # a DataFrame answered column-wise: {"negative": [...], ...}
            predictions = _columns_to_rows(predictions, labels)
        if not isinstance(predictions, list):
            raise ProtocolError(f"'predictions' is {type(predictions).__name__}, not a list")
        if predictions and all(isinstance(p, dict) for p in predictions):  # records: [{"negative": 0.1, ...}]
            predictions = [_record_row(p, labels) for p in predictions]
        return predictions

    return HttpProtocol(request, response, path="/invocations", name="mlflow")


def _columns_to_rows(columns: dict, labels: Sequence[Any] | None) -> list:
    names = [str(lab) for lab in labels] if labels is not None else list(columns)
    missing = [n for n in names if n not in columns]
    if missing:
        raise ProtocolError(f"the predictions have no column(s) {missing} for the model's labels")
    return [list(row) for row in zip(*(columns[n] for n in names))]


def _record_row(record: dict, labels: Sequence[Any] | None) -> Any:
    if labels is None:
        raise ProtocolError("the predictions are records; pass labels=[...] naming their probability fields")
    missing = [str(lab) for lab in labels if str(lab) not in record]
    if missing:
        raise ProtocolError(f"a prediction record {record!r} lacks the label field(s) {missing}")
    return [record[str(lab)] for lab in labels]


_DATATYPES = {bool: "BOOL", int: "INT64", float: "FP64", str: "BYTES"}


def _tensor(name: str, values: list) -> dict:
    first = values[0]
    if isinstance(first, (list, tuple)):
        flat = [v for row in values for v in row]
        shape = [len(values), len(first)]
    else:
        flat, shape = list(values), [len(values)]
    kinds = {type(v) for v in flat}
    datatype = "FP64" if kinds <= {int, float} and float in kinds else _DATATYPES.get(next(iter(kinds)), "BYTES")
    if datatype == "BYTES":
        flat = [v if isinstance(v, str) else str(v) for v in flat]
    return {"name": name, "shape": shape, "datatype": datatype, "data": flat}


def open_inference(*, model: str | None = None, input_name: str = "text", output_name: str | None = None,
                   **_: Any) -> HttpProtocol:
    """The Open Inference Protocol v2 (KServe, Triton, MLServer): ``POST /v2/models/{model}/infer``.

    Text goes as one BYTES tensor named ``input_name`` of shape [n]; numeric rows as an
    FP64 tensor [n, d]; dict rows as one tensor per column. The output tensor
    ``output_name`` (or the first one) is [n] labels or scores, or [n, k] probabilities.
    """
    if not model:
        raise ValueError("protocol 'open-inference' needs model='<served model name>' (the {name} in /v2/models/{name}/infer)")

    def request(batch: list) -> Any:
        if all(isinstance(x, dict) for x in batch):
            columns, data = _rows(batch)
            tensors = [_tensor(c, [row[i] for row in data]) for i, c in enumerate(columns)]
        else:
            tensors = [_tensor(input_name, batch)]
        return {"inputs": tensors}

    def response(body: Any, batch: list) -> Sequence[Any]:
        outputs = _field(body, "outputs")
        if not isinstance(outputs, list) or not outputs:
            raise ProtocolError("'outputs' is not a non-empty list of tensors")
        chosen = outputs[0] if output_name is None else next(
            (t for t in outputs if isinstance(t, dict) and t.get("name") == output_name), None)
        if chosen is None:
            names = [t.get("name") for t in outputs if isinstance(t, dict)]
            raise ProtocolError(f"no output tensor named {output_name!r}; the server returned {names}")
        shape, data = _field(chosen, "shape"), _field(chosen, "data")
        if not isinstance(shape, list) or not isinstance(data, list) or not 1 <= len(shape) <= 2:
            raise ProtocolError(f"output tensor shape {shape!r} is not [n] or [n, k]")
        if math.prod(shape) != len(data):
            raise ProtocolError(f"output tensor of shape {shape} carries {len(data)} values")
        if len(shape) == 1:
            return data
        k = shape[1]
        return [data[i * k : (i + 1) * k] for i in range(shape[0])]

    return HttpProtocol(request, response, path=f"/v2/models/{model}/infer", name="open-inference")


def openai_chat(*, model: str | None = None, labels: Sequence[Any] | None = None, prompt: str | None = None,
                system: str | None = None, logprobs: bool | None = None, top_logprobs: int = 5,
                max_tokens: int | None = None, output: str | None = None, **_: Any) -> HttpProtocol:
    """An OpenAI-compatible ``/chat/completions`` endpoint (one input per request), as a prompted classifier
    or, with ``output="text"``, as a model whose answer is its reply.

    ``prompt`` contains ``{input}`` (and may contain ``{labels}``). A classifier's answer is
    matched to a label ignoring case, surrounding spaces, quotes and final punctuation; with
    ``logprobs`` (on unless ``False``) the first answer token's ``top_logprobs`` give
    probabilities over the labels, without them the model returns labels. A text model's
    reply is the answer as it came (``max_tokens`` defaults to 8 for labels, 256 for text).
    """
    if output == "text":
        return _openai_text(model=model, prompt=prompt, system=system, max_tokens=max_tokens or 256)
    if labels is None or len(labels) < 2:
        raise ValueError("protocol 'openai-chat' needs labels=[...] (at least two) to parse answers into, "
                         "or output='text' for a model whose reply is the answer")
    _check_chat(model, prompt)
    names = [str(lab) for lab in labels]
    listed = ", ".join(names)

    def request(batch: list) -> Any:
        body = _chat_request(model, prompt.replace("{labels}", listed), system, batch[0], max_tokens or 8)
        if logprobs is not False:
            body.update(logprobs=True, top_logprobs=top_logprobs)
        return body

    def response(body: Any, batch: list) -> Sequence[Any]:
        choices, answer = _chat_answer(body)
        label = parse_label(answer, names)
        if label is None:
            raise ProtocolError(
                f"the answer {answer[:200]!r} is not one of the labels {names} "
                f"(for the input {str(batch[0])[:200]!r}); reword the prompt so the model answers with a label only"
            )
        tokens = (choices[0].get("logprobs") or {}).get("content") if isinstance(choices[0], dict) else None
        if logprobs is False or not tokens:
            if logprobs is True:
                raise ProtocolError("the response has no logprobs; pass logprobs=False to use the answers as labels")
            return [labels[label]]
        return [label_probabilities(tokens[0].get("top_logprobs") or [], names, label)]

    return HttpProtocol(request, response, path="/chat/completions", name="openai-chat", max_batch=1)


def _check_chat(model: str | None, prompt: str | None) -> None:
    if not prompt or "{input}" not in prompt:
        raise ValueError("protocol 'openai-chat' needs prompt='... {input} ...' (a template with {input})")
    if not model:
        raise ValueError("protocol 'openai-chat' needs model='<model name>' as the endpoint expects it")


def _chat_request(model: str, prompt: str, system: str | None, value: Any, max_tokens: int) -> dict:
    text = prompt.replace("{input}", str(value))
    messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": text}]
    return {"model": model, "messages": messages, "temperature": 0, "max_tokens": max_tokens}


def _chat_answer(body: Any) -> tuple[list, str]:
    choices = _field(body, "choices")
    if not isinstance(choices, list) or not choices:
        raise ProtocolError("'choices' is not a non-empty list")
    answer = _field(choices[0], "message", "content")
    if not isinstance(answer, str):
        raise ProtocolError(f"the answer is {type(answer).__name__}, not text")
    return choices, answer


def _openai_text(*, model: str | None, prompt: str | None, system: str | None, max_tokens: int) -> HttpProtocol:
    _check_chat(model, prompt)

    def request(batch: list) -> Any:
        return _chat_request(model, prompt, system, batch[0], max_tokens)

    def response(body: Any, batch: list) -> Sequence[Any]:
        return [_chat_answer(body)[1]]

    return HttpProtocol(request, response, path="/chat/completions", name="openai-chat", max_batch=1)


def _normalise(text: str) -> str:
    return text.strip().strip("\"'`*.!:;,").strip().casefold()


def parse_label(answer: str, names: Sequence[str]) -> int | None:
    """Index of the label the answer names, or None when it names none (or several)."""
    wanted = _normalise(answer)
    hits = [i for i, name in enumerate(names) if _normalise(name) == wanted]
    return hits[0] if len(hits) == 1 else None


def label_probabilities(top: list, names: Sequence[str], answered: int) -> list[float]:
    """Probabilities over ``names`` from the first token's top logprobs (a token counts for the labels it starts)."""
    mass = [0.0] * len(names)
    folded = [_normalise(n) for n in names]
    for entry in top:
        token = _normalise(str(entry.get("token", ""))) if isinstance(entry, dict) else ""
        if not token:
            continue
        matches = [i for i, name in enumerate(folded) if name.startswith(token)]
        if len(matches) == 1:
            mass[matches[0]] += math.exp(float(entry.get("logprob", -math.inf)))
    total = sum(mass)
    if total <= 0:
        return [1.0 if i == answered else 0.0 for i in range(len(names))]
    return [m / total for m in mass]


BUILTIN = {"mlflow": mlflow, "open-inference": open_inference, "openai-chat": openai_chat}
