"""What installing behavetest costs a plain pytest run: 50 ordinary tests with and without the plugin.

Runs ``pytest -q`` on a temporary directory of 50 trivial tests, alternating
``-p no:behavetest`` and the plugin loaded (without ``--behave``), and reports the
median wall time of each and their difference (target: at most 30 ms).

    python benchmarks/bench_plugin_overhead.py            # 15 runs of each
    python benchmarks/bench_plugin_overhead.py --runs 5
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

TARGET_MS = 30.0
TESTS = "\n\n".join(f"def test_{i}():\n    assert {i} + 1 == {i + 1}" for i in range(50)) + "\n"


def run(directory: Path, extra: list[str]) -> float:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTEST_ADDOPTS", None)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra, str(directory)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=directory, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0 or "50 passed" not in proc.stdout:
        sys.exit(f"pytest failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_overhead_") as tmp:
        directory = Path(tmp)
        (directory / "test_plain.py").write_text(TESTS, encoding="utf-8")
        (directory / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        run(directory, [])  # warm the file system cache
        load = os.getloadavg()[0]
        without, with_plugin = [], []
        for _ in range(args.runs):
            without.append(run(directory, ["-p", "no:behavetest"]))
            with_plugin.append(run(directory, []))
        load_end = os.getloadavg()[0]
    a, b = statistics.median(without), statistics.median(with_plugin)
    # the median of paired differences: both runs of a pair saw about the same machine load
    paired = statistics.median(w - o for w, o in zip(with_plugin, without)) * 1000
    print(f"50 plain tests, {args.runs} alternating runs each; load {load:.1f}–{load_end:.1f} (1 min average)")
    print(f"  -p no:behavetest   median {a * 1000:7.1f} ms")
    print(f"  plugin loaded      median {b * 1000:7.1f} ms")
    print(f"  difference of medians {1000 * (b - a):+.1f} ms; median paired difference {paired:+.1f} ms "
          f"({'within' if paired <= TARGET_MS else 'ABOVE'} the target {TARGET_MS:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
