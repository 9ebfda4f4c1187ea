"""Served models: concurrency, the persistent cache and pytest-xdist against a real server that sleeps per request.

The server is ``examples/served_model/vader_server.py --delay D`` (VADER, D seconds of
sleep per inference request, requests counted on the server). Three measurements:

1. concurrency: ``bt.Model.http(..., batch_size=1, concurrency=16)`` predicting N distinct
   inputs, against the ideal N x D / 16 (and N x D sequentially);
2. cache: ``pytest --behave --behave-suite sentiment`` against the served model, twice
   with the same cache directory: wall times, and requests the server counted in each run;
3. xdist: the same suite on a cold cache, serially and with ``-n 2``.

    python benchmarks/bench_served.py                         # N=2000, D=0.02, suite at concurrency 4
    python benchmarks/bench_served.py --suite-concurrency 8 --only suite
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples" / "served_model"))

import vader_server  # noqa: E402

import behavetest as bt  # noqa: E402

MODEL_MODULE = '''
import os
import behavetest as bt

def model():
    return bt.Model.http(os.environ["BENCH_URL"], protocol="open-inference", model="vader",
                         labels=["negative", "neutral", "positive"], name="vader-served",
                         batch_size=int(os.environ["BENCH_BATCH"]), concurrency=int(os.environ["BENCH_CONCURRENCY"]))
'''


def concurrency(n: int, delay: float, workers: int) -> None:
    server = vader_server.start(delay=delay)
    try:
        model = bt.Model.http(server.url, protocol="open-inference", model="vader", labels=vader_server.LABELS,
                              batch_size=1, concurrency=workers)
        model.predict(["warm up"])
        start = time.perf_counter()
        model.predict([f"review number {i} was fine" for i in range(n)])
        wall = time.perf_counter() - start
        stats = server.stats()
    finally:
        server.stop()
    ideal = n * delay / workers
    print(f"concurrency: {n} inputs, batch 1, concurrency {workers}, {delay * 1000:g} ms/request: "
          f"{wall:.2f} s (ideal {ideal:.2f} s, ratio {wall / ideal:.2f}; sequential {n * delay:.0f} s); "
          f"server: {stats['requests'] - 1} requests, at most {stats['max_active']} at once")


def suite_run(workdir: Path, env: dict, *args: str) -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "--behave", "--behave-suite", "sentiment",
                           "--behave-model", "bench_model:model", "-p", "no:faker", "-q", *args],
                          cwd=workdir, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1) or "prediction cache" not in proc.stdout:
        raise SystemExit(f"the suite run failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
    line = next(l for l in proc.stdout.splitlines() if l.startswith("prediction cache"))
    print(f"    {' '.join(args) or '(serial)'}: {wall:.1f} s; {line}")
    return wall


def suite(delay: float, batch: int, workers: int, only: str) -> None:
    server = vader_server.start(delay=delay)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            (work / "bench_model.py").write_text(MODEL_MODULE)
            env = {**os.environ, "BENCH_URL": server.url, "BENCH_BATCH": str(batch), "BENCH_CONCURRENCY": str(workers)}
            print(f"suite: built-in sentiment suite, {delay * 1000:g} ms/request, batch {batch}, concurrency {workers} per process")
            if only in ("all", "cache"):
                cache = ["--behave-cache-dir", str(work / "cache")]
                r0 = server.stats()["requests"]
                cold = suite_run(work, env, *cache)
                r1 = server.stats()["requests"]
                warm = suite_run(work, env, *cache)
                r2 = server.stats()["requests"]
                print(f"  cache: cold {cold:.1f} s ({r1 - r0} requests), warm {warm:.1f} s ({r2 - r1} requests): "
                      f"{cold / warm:.1f}x faster")
            if only in ("all", "xdist"):
                serial = suite_run(work, env, "--behave-no-cache")
                parallel = suite_run(work, env, "--behave-no-cache", "-n", "2")
                print(f"  xdist: serial {serial:.1f} s, -n 2 {parallel:.1f} s: {serial / parallel:.2f}x faster")
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=2000)
    parser.add_argument("--delay", type=float, default=0.02)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--suite-batch", type=int, default=1)
    parser.add_argument("--suite-concurrency", type=int, default=4)
    parser.add_argument("--only", choices=["all", "concurrency", "suite", "cache", "xdist"], default="all")
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if args.only in ("all", "concurrency"):
        concurrency(args.inputs, args.delay, args.concurrency)
    if args.only != "concurrency":
        suite(args.delay, args.suite_batch, args.suite_concurrency, "all" if args.only == "suite" else args.only)


if __name__ == "__main__":
    main()
