"""What installing behavetest costs a plain pytest run: 50 ordinary tests with and without the plugin.

Runs ``pytest -q`` on a temporary directory of 50 trivial tests, alternating
``-p no:behavetest`` and the plugin loaded (without ``--behave``), and reports the
median wall and CPU time (``wait4``) of each and the median paired difference
(target: at most 30 ms). On a loaded machine the CPU figure is the reliable one.

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


def run(directory: Path, extra: list[str]) -> tuple[float, float]:
    """(wall s, CPU s) of one pytest process."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTEST_ADDOPTS", None)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra, str(directory)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=directory, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.stdout.close()
    if os.waitstatus_to_exitcode(status) != 0 or "50 passed" not in out:
        sys.exit(f"pytest failed (status {status}):\n{out[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


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
    print(f"50 plain tests, {args.runs} alternating runs each; load {load:.1f}–{load_end:.1f} (1 min average)")
    for k, what in ((0, "wall"), (1, "CPU")):
        a = statistics.median(r[k] for r in without)
        b = statistics.median(r[k] for r in with_plugin)
        # the median of paired differences: both runs of a pair saw about the same machine load
        paired = statistics.median(w[k] - o[k] for w, o in zip(with_plugin, without)) * 1000
        print(f"  {what:4}: -p no:behavetest median {a * 1000:7.1f} ms, plugin loaded {b * 1000:7.1f} ms; "
              f"median paired difference {paired:+.1f} ms ({'within' if paired <= TARGET_MS else 'ABOVE'} "
              f"the target {TARGET_MS:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
