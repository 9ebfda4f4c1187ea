"""``pytest -n 2`` against a serial run: the built-in sentiment suite on VADER, and a CPU-bound suite.

Runs each project serially and with ``-n 2``, alternating, and reports the median
wall time and CPU time (``wait4``: the pytest process and its workers) of each.
Speed-up is serial wall / parallel wall (target ≥ 1.6 on an otherwise idle
2-core machine); the CPU ratio (parallel CPU / serial CPU) shows work that every
worker repeats, which no amount of idle cores hides.

    python benchmarks/bench_xdist.py              # 3 alternating runs of each
    python benchmarks/bench_xdist.py --runs 1
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.6

CPU_BOUND = '''
import behavetest as bt


def predict(texts):
    out = []
    for t in texts:
        h = 0
        for _ in range(400):  # pure-Python busy work per input: a model that costs CPU
            for c in t:
                h = (h * 31 + ord(c)) % 1_000_003
        out.append([0.4, 0.6] if h % 2 else [0.6, 0.4])
    return out


MODEL = bt.Model(predict, labels=["negative", "positive"], name="busy")
'''

CPU_TESTS = "\n\n".join(f'''
def test_inv_{k}(behave):
    behave.inv(MODEL, [f"review {{i}} of batch {k}, rather good" for i in range(150)],
               perturb=bt.perturb.typos(1), samples=2, capability="Robustness")''' for k in range(8)) + "\n"


def run(args: list[str], cwd: Path) -> tuple[float, float, int]:
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTEST_ADDOPTS", None)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", *args]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def compare(label: str, args: list[str], cwd: Path, runs: int) -> dict:
    serial, parallel = [], []
    load = os.getloadavg()[0]
    for _ in range(runs):
        serial.append(run(args, cwd))
        parallel.append(run([*args, "-n", "2"], cwd))
    codes = {r[2] for r in serial + parallel}
    if not codes <= {0, 1}:
        sys.exit(f"{label}: pytest exited with {sorted(codes)}")
    wall_s, wall_p = statistics.median(r[0] for r in serial), statistics.median(r[0] for r in parallel)
    cpu_s, cpu_p = statistics.median(r[1] for r in serial), statistics.median(r[1] for r in parallel)
    return {"label": label, "load": f"{load:.1f}–{os.getloadavg()[0]:.1f}", "wall_serial": wall_s,
            "wall_n2": wall_p, "speedup": wall_s / wall_p, "cpu_serial": cpu_s, "cpu_n2": cpu_p, "cpu_ratio": cpu_p / cpu_s}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    from tabulate import tabulate

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_xdist_") as tmp:
        suite = Path(tmp) / "suite"
        suite.mkdir()
        # the example's VADER model, importable as vader_model; --noconftest keeps the checkout's conftest out
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "examples" / "sentiment_vader"),
                                                                 os.environ.get("PYTHONPATH")]))
        rows.append(compare("built-in sentiment suite, VADER",
                            ["--noconftest", "--behave", "--behave-suite", "sentiment", "--behave-model",
                             "vader_model:vader"], suite, args.runs))
        busy = Path(tmp) / "busy"
        busy.mkdir()
        (busy / "test_busy.py").write_text(CPU_BOUND + CPU_TESTS, encoding="utf-8")
        rows.append(compare("8 CPU-bound INV tests", ["--behave", str(busy)], busy, args.runs))
    print(f"{args.runs} alternating runs each; {os.cpu_count()} CPUs")
    print(tabulate([[r["label"], r["load"], f"{r['wall_serial']:.2f}", f"{r['wall_n2']:.2f}", f"{r['speedup']:.2f}",
                     f"{r['cpu_serial']:.2f}", f"{r['cpu_n2']:.2f}", f"{r['cpu_ratio']:.2f}"] for r in rows],
                   headers=["project", "load", "serial s", "-n 2 s", "speed-up", "serial CPU s", "-n 2 CPU s",
                            "CPU -n 2 / serial"]))
    for r in rows:
        print(f"{r['label']}: speed-up {r['speedup']:.2f} ({'within' if r['speedup'] >= TARGET else 'BELOW'} "
              f"the target {TARGET})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
