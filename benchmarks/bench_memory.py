"""Memory and time of one large INV test: peak RSS and time per case from 10,000 to 1,000,000 inputs.

One test, ``behave.inv(model, inputs, perturb=bt.perturb.typos(1))``, with a cheap
model (a checksum of each text into numpy, so the model costs little, behavetest's
own memory and time show, and about half of all cases fail), in a fresh ``pytest --behave`` process per
size. Reported per size: the process's peak RSS (``wait4``), its wall and CPU time,
the same without start-up (the directory run without ``--behave``), and time per case.

    python benchmarks/bench_memory.py                         # 10k, 100k, 1M inputs
    python benchmarks/bench_memory.py --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_inv_vader import INPUTS_FIXTURE, TEST_FILE  # noqa: E402
from bench_vader import _remove, sentence  # noqa: E402

TARGET_RSS_MB, TARGET_SLOPE = 1024, 1.2

CONFTEST = '''
import json
import os
import zlib

import numpy as np
import pytest

import behavetest as bt


def predict_proba(texts):
    """Positive for about half of all texts (a checksum of the text): cheap, and a typo flips it half the time."""
    n = np.fromiter((zlib.crc32(t.encode()) for t in texts), dtype=np.int64, count=len(texts))
    p = (n % 2 == 0).astype(float) * 0.8 + 0.1
    return np.stack([1 - p, p], axis=1)


@pytest.fixture(scope="session")
def model():
    return bt.Model(predict_proba, labels=["negative", "positive"], name="lengths", batch_size=4096)
''' + INPUTS_FIXTURE


def run(directory: Path, args: list[str]) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak RSS MiB, exit code) of one pytest process."""
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTEST_ADDOPTS", None)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-o", f"cache_dir={directory / '.cache'}",
           *args, str(directory)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=directory, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def measure(n: int, seed: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench_memory_{n}_"))
    (tmp / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (tmp / "test_inv.py").write_text(TEST_FILE.format(model="model", samples=1), encoding="utf-8")
    (tmp / "inputs.json").write_text(json.dumps([sentence(i)[0] for i in range(n)]), encoding="utf-8")
    json_path = tmp / "results.json"
    load = os.getloadavg()[0]
    wall, cpu, rss, code = run(tmp, ["--behave", f"--behave-seed={seed}", f"--behave-json={json_path}"])
    if code not in (0, 1) or not json_path.exists():
        sys.exit(f"pytest failed at {n:,} inputs (exit {code})")
    report_kib = json_path.stat().st_size / 1024
    (test,) = json.loads(json_path.read_text(encoding="utf-8"))["tests"]
    start_wall, start_cpu, start_rss, _ = run(tmp, [])  # the same process without --behave: start-up
    _remove(tmp)
    return {"inputs": n, "cases": test["cases"], "failures": test["failures"], "wall": wall, "cpu": cpu, "rss": rss,
            "startup_wall": start_wall, "startup_cpu": start_cpu, "startup_rss": start_rss, "report_kib": report_kib,
            "us_per_case": (wall - start_wall) / n * 1e6, "cpu_us_per_case": (cpu - start_cpu) / n * 1e6,
            "load": load, "load_end": os.getloadavg()[0]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from tabulate import tabulate

    results = []
    for n in args.sizes:
        print(f"measuring {n:,} inputs ...", file=sys.stderr, flush=True)
        results.append(measure(n, args.seed))
    print(f"\nINV typos(1), samples=1, a checksum model into numpy; seed {args.seed}; {os.cpu_count()} CPUs; "
          f"Python {sys.version.split()[0]}")
    print(tabulate([[f"{r['inputs']:,}", f"{r['load']:.1f}–{r['load_end']:.1f}", f"{r['failures']:,}",
                     f"{r['rss']:.0f}", f"{r['startup_rss']:.0f}", f"{r['wall']:.2f}", f"{r['startup_wall']:.2f}",
                     f"{r['us_per_case']:.1f}", f"{r['cpu_us_per_case']:.1f}", f"{r['report_kib']:.0f}"] for r in results],
                   headers=["inputs", "load", "failures", "peak RSS MiB", "start-up RSS MiB", "wall s", "start-up s",
                            "µs/case (net)", "CPU µs/case (net)", "JSON KiB"], colalign=("right",) * 10))
    first, last = results[0], results[-1]
    for r in results:
        verdict = "within" if r["rss"] <= TARGET_RSS_MB else "ABOVE"
        print(f"{r['inputs']:,} inputs: peak RSS {r['rss']:.0f} MiB is {verdict} the target {TARGET_RSS_MB} MiB")
    if len(results) > 1:
        slope = last["cpu_us_per_case"] / first["cpu_us_per_case"]
        print(f"CPU time per case at {last['inputs']:,} / at {first['inputs']:,}: {slope:.2f} "
              f"({'within' if slope <= TARGET_SLOPE else 'ABOVE'} the target {TARGET_SLOPE})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
