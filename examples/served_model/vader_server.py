"""VADER served over HTTP by a real server process, speaking three protocols, with fault injection.

Run it as a program (``python vader_server.py --port 0 [--delay 0.02]``): it prints
``listening on http://127.0.0.1:PORT`` once it accepts connections. Endpoints:

* ``POST /invocations``: MLflow's scoring server (``{"inputs": [...]}`` -> ``{"predictions": [[neg, neu, pos], ...]}``).
* ``POST /v2/models/vader/infer``: the Open Inference Protocol v2, a BYTES tensor in, an FP64 [n, 3] tensor out.
* ``POST /v1/chat/completions``: a stand-in for a prompted LLM: it classifies the text after the
  last ``Text:`` in the user message and answers with the label, with ``top_logprobs`` when asked.
* ``GET /v2/health/ready``, ``GET /_stats`` (inference requests served, most served at once), ``POST /_faults``
  (a list of faults, each used by one later inference request: ``status``, ``retry_after``,
  ``sleep``, ``body``, ``drop`` (predictions left out), ``answer`` (the chat answer)).

``start()`` runs it as a subprocess and returns a handle with ``url``, ``stats()``,
``faults(...)`` and ``stop()``; it needs only the standard library in the calling process.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = ["negative", "neutral", "positive"]


class VaderHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real model servers do
    server: "VaderServer"

    def log_message(self, *args) -> None:
        pass

    def _send(self, status: int, payload, headers: dict | None = None) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/v2/health/ready":
            self._send(200, {"ready": True})
        elif self.path == "/_stats":
            self._send(200, {"requests": self.server.requests, "max_active": self.server.max_active})
        else:
            self._send(404, {"error": f"no route {self.path}"})

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/_faults":
            with self.server.lock:
                self.server.faults.extend(json.loads(body))
            self._send(200, {"queued": len(self.server.faults)})
            return
        routes = {"/invocations": self.mlflow, "/v2/models/vader/infer": self.open_inference,
                  "/v1/chat/completions": self.chat}
        route = routes.get(self.path.split("?")[0])
        if route is None:
            self._send(404, {"error": f"no route {self.path}"})
            return
        with self.server.lock:
            self.server.requests += 1
            self.server.active += 1
            self.server.max_active = max(self.server.max_active, self.server.active)
            fault = self.server.faults.pop(0) if self.server.faults else {}
        try:
            self._answer(route, json.loads(body) if body.strip() else {}, fault)
        finally:
            with self.server.lock:
                self.server.active -= 1

    def _answer(self, route, request: dict, fault: dict) -> None:
        time.sleep(fault.get("sleep", self.server.delay))
        if "status" in fault:
            headers = {"Retry-After": str(fault["retry_after"])} if "retry_after" in fault else {}
            self._send(fault["status"], {"error": fault.get("body", "injected fault")}, headers)
        elif "body" in fault:
            self._send(200, fault["body"].encode())
        else:
            route(request, fault)

    def mlflow(self, request: dict, fault: dict) -> None:
        rows = self.server.proba(request["inputs"])
        self._send(200, {"predictions": rows[: len(rows) - fault.get("drop", 0)]})

    def open_inference(self, request: dict, fault: dict) -> None:
        tensor = request["inputs"][0]
        rows = self.server.proba(tensor["data"])[: len(tensor["data"]) - fault.get("drop", 0)]
        out = {"name": "probabilities", "shape": [len(rows), 3], "datatype": "FP64", "data": sum(rows, [])}
        self._send(200, {"model_name": "vader", "outputs": [out]})

    def chat(self, request: dict, fault: dict) -> None:
        message = request["messages"][-1]["content"]
        text = message.rsplit("Text:", 1)[-1].strip()
        probs = self.server.proba([text])[0]
        best = max(range(3), key=probs.__getitem__)
        choice = {"index": 0, "finish_reason": "stop",
                  "message": {"role": "assistant", "content": fault.get("answer", LABELS[best].capitalize())}}
        if request.get("logprobs"):
            top = [{"token": LABELS[i].capitalize(), "logprob": math.log(max(p, 1e-300))} for i, p in enumerate(probs)]
            choice["logprobs"] = {"content": [{"token": LABELS[best].capitalize(), "logprob": top[best]["logprob"],
                                               "top_logprobs": sorted(top, key=lambda t: -t["logprob"])}]}
        self._send(200, {"id": "chatcmpl-vader", "object": "chat.completion", "model": request.get("model"),
                         "choices": [choice]})


class VaderServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, delay: float) -> None:
        super().__init__(("127.0.0.1", port), VaderHandler)
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        sys.path.insert(0, str(HERE.parent / "sentiment_vader"))
        from vader_model import compound_to_proba

        self.analyzer, self.to_proba = SentimentIntensityAnalyzer(), compound_to_proba
        self.delay, self.faults, self.lock = delay, [], threading.Lock()
        self.requests = self.active = self.max_active = 0

    def handle_error(self, request, client_address) -> None:
        pass  # a client that timed out and hung up is not the server's problem

    def proba(self, texts: list) -> list[list[float]]:
        compound = [self.analyzer.polarity_scores(str(t))["compound"] for t in texts]
        return self.to_proba(compound).tolist()


class Handle:
    """A running server process: ``url``, ``stats()``, ``faults(list)``, ``stop()``."""

    def __init__(self, process: subprocess.Popen, url: str) -> None:
        self.process, self.url = process, url

    def _call(self, path: str, payload=None):
        data = None if payload is None else json.dumps(payload).encode()
        with urllib.request.urlopen(urllib.request.Request(self.url + path, data=data), timeout=10) as response:
            return json.loads(response.read())

    def stats(self) -> dict:
        return self._call("/_stats")

    def faults(self, faults: list[dict]) -> None:
        self._call("/_faults", faults)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(*, delay: float = 0.0, timeout: float = 60.0) -> Handle:
    """Start the server on a free port of 127.0.0.1 and wait until it is ready."""
    process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--port", "0", "--delay", str(delay)],
                               stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    line = process.stdout.readline()  # the server binds, then prints its address
    if not line.startswith("listening on "):
        process.kill()
        raise RuntimeError(f"the VADER server did not start (exit code {process.wait()}, said {line!r})")
    handle = Handle(process, line.split()[-1])
    while True:
        try:
            handle._call("/v2/health/ready")
            return handle
        except OSError:
            if time.monotonic() > deadline:
                handle.stop()
                raise RuntimeError(f"the VADER server at {handle.url} did not become ready") from None
            time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds each inference request sleeps")
    args = parser.parse_args()
    server = VaderServer(args.port, args.delay)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
