"""What a user pays for one INV test: ``pytest --behave`` against raw VADER inference on the same inputs.

One test, ``behave.inv(vader, inputs, perturb=bt.perturb.typos(1), samples=3)`` over
N synthesized review sentences (default 50,000), in a temporary directory:

1. T_suite: a whole ``pytest --behave`` process, first run (fresh cache directory),
2. T_rerun: the same process again, nothing changed (the cache directory kept),
3. T_raw: VADER's ``predict_proba`` in batches of 256 over exactly the unique inputs
   the test needs (originals and their perturbations), in this process, warmed up,
4. generation alone: ``Generator(seed).generate(typos(1), ...)`` for the same
   originals, in this process: microseconds per generated case (wall and CPU).

The ratios put only model inference in the denominator: generation, batching,
bookkeeping and pytest's start-up are what behavetest costs the user.

    python benchmarks/bench_inv_vader.py                    # 50,000 inputs, 3 repetitions
    python benchmarks/bench_inv_vader.py --inputs 5000 --repeat 1   # a smoke run
    python benchmarks/bench_inv_vader.py --model-version vader-3.3.2  # predictions cached between runs
    python benchmarks/bench_inv_vader.py --generation-only  # µs per generated case, samples 1 and 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_vader import BATCH_SIZE, MODEL_SOURCE, _remove, run_pytest, sentence  # noqa: E402

TARGET_FIRST, TARGET_RERUN, TARGET_GEN_US = 3.0, 1.5, 40.0

INPUTS_FIXTURE = '''

@pytest.fixture(scope="session")
def inputs():
    with open(os.path.join(os.path.dirname(__file__), "inputs.json"), encoding="utf-8") as f:
        return json.load(f)
'''

CONFTEST = '''
import json
import os

import pytest

import behavetest as bt
from bench_model import LABELS, predict_proba


@pytest.fixture(scope="session")
def vader():
    return bt.Model(predict_proba, labels=LABELS, name="vader", batch_size={batch_size}{version})


''' + INPUTS_FIXTURE

TEST_FILE = '''
import behavetest as bt


def test_typos(behave, {model}, inputs):
    behave.inv({model}, inputs, perturb=bt.perturb.typos(1), samples={samples}, capability="Robustness")
'''


def write_suite(directory: Path, inputs: list[str], samples: int, version: str | None = None) -> None:
    (directory / "pytest.ini").write_text("[pytest]\naddopts = -p no:randomly\n", encoding="utf-8")
    (directory / "bench_model.py").write_text(MODEL_SOURCE, encoding="utf-8")
    conftest = CONFTEST.replace("{batch_size}", str(BATCH_SIZE))
    (directory / "conftest.py").write_text(conftest.replace("{version}", f", version={version!r}" if version else ""),
                                           encoding="utf-8")
    (directory / "test_inv.py").write_text(TEST_FILE.format(model="vader", samples=samples), encoding="utf-8")
    (directory / "inputs.json").write_text(json.dumps(inputs), encoding="utf-8")


def generation(inputs: list[str], seed: int, samples: int) -> tuple[list[str], float, float]:
    """The perturbed inputs, and microseconds per generated case (wall, CPU) for a fresh generator."""
    import behavetest as bt
    from behavetest._cases.generate import Generator

    generator = Generator(seed=seed)
    cpu, start = time.process_time(), time.perf_counter()
    generated = generator.generate(bt.perturb.typos(1), inputs, list(inputs), samples)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    perturbed = [v for g in generated for v in g.values]
    return perturbed, wall / len(perturbed) * 1e6, cpu / len(perturbed) * 1e6


def raw_inference(unique: list[str]) -> tuple[float, float]:
    namespace: dict = {}
    exec(compile(MODEL_SOURCE, "bench_model", "exec"), namespace)
    predict_proba = namespace["predict_proba"]
    predict_proba(unique[:BATCH_SIZE])  # VADER's first call pays for lazy set-up
    cpu, start = time.process_time(), time.perf_counter()
    for i in range(0, len(unique), BATCH_SIZE):
        predict_proba(unique[i:i + BATCH_SIZE])
    return time.perf_counter() - start, time.process_time() - cpu


def measure(n: int, seed: int, samples: int, version: str | None) -> dict:
    inputs = [sentence(i)[0] for i in range(n)]
    load = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="bench_inv_vader_"))
    write_suite(tmp, inputs, samples, version)
    json_path = tmp / "results.json"
    flags = ["--behave", f"--behave-seed={seed}", f"--behave-json={json_path}"]
    t_suite, c_suite, proc = run_pytest(tmp, flags)
    if proc.returncode not in (0, 1) or not json_path.exists():
        sys.exit(f"pytest failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    (test,) = json.loads(json_path.read_text(encoding="utf-8"))["tests"]
    t_rerun, c_rerun, proc = run_pytest(tmp, flags)
    perturbed, gen_wall, gen_cpu = generation(inputs, seed, samples)
    unique = list(dict.fromkeys(inputs + perturbed))
    if len(unique) != test["unique_inputs"]:
        sys.exit(f"the suite saw {test['unique_inputs']} unique inputs, this script {len(unique)}")
    t_raw, c_raw = raw_inference(unique)
    _remove(tmp)
    return {
        "inputs": n, "unique": len(unique), "pairs": test["pairs"], "t_suite": t_suite, "t_rerun": t_rerun,
        "t_raw": t_raw, "first": t_suite / t_raw, "rerun": t_rerun / t_raw,
        "cpu_first": c_suite / c_raw, "cpu_rerun": c_rerun / c_raw, "gen_us": gen_wall, "gen_cpu_us": gen_cpu, "load": load,
        "load_end": os.getloadavg()[0], "exit": proc.returncode,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=50_000)
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="repetitions; medians are reported")
    parser.add_argument("--generation-only", action="store_true",
                        help="only time generation (samples 1 and 3, median of --repeat runs), no pytest runs")
    parser.add_argument("--model-version", default=None, metavar="V",
                        help="declare bt.Model(..., version=V): predictions persist in behavetest's cache between runs")
    args = parser.parse_args(argv)

    from tabulate import tabulate

    if args.generation_only:
        inputs = [sentence(i)[0] for i in range(args.inputs)]
        load = os.getloadavg()[0]
        for samples in (1, 3):
            timings = [generation(inputs, args.seed, samples)[1:] for _ in range(args.repeat)]
            wall, cpu = (statistics.median(t[k] for t in timings) for k in (0, 1))
            print(f"typos(1), samples={samples}, {args.inputs:,} inputs: {wall:.1f} µs per generated case "
                  f"({cpu:.1f} µs CPU), median of {args.repeat}; target {TARGET_GEN_US:.0f}")
        print(f"load {load:.1f}–{os.getloadavg()[0]:.1f} (1 min average)")
        return 0
    runs = []
    for k in range(args.repeat):
        print(f"run {k + 1}/{args.repeat}: {args.inputs:,} inputs ...", file=sys.stderr, flush=True)
        runs.append(measure(args.inputs, args.seed, args.samples, args.model_version))
    rows = [[k + 1, f"{r['load']:.1f}–{r['load_end']:.1f}", f"{r['unique']:,}", f"{r['t_suite']:.2f}",
             f"{r['t_rerun']:.2f}", f"{r['t_raw']:.2f}", f"{r['first']:.2f}", f"{r['rerun']:.2f}",
             f"{r['cpu_first']:.2f}", f"{r['cpu_rerun']:.2f}", f"{r['gen_us']:.1f}", f"{r['gen_cpu_us']:.1f}"]
            for k, r in enumerate(runs)]
    med = {key: statistics.median(r[key] for r in runs) for key in ("first", "rerun", "cpu_first", "cpu_rerun", "gen_us", "gen_cpu_us")}
    rows.append(["median", "", "", "", "", "", f"{med['first']:.2f}", f"{med['rerun']:.2f}",
                 f"{med['cpu_first']:.2f}", f"{med['cpu_rerun']:.2f}", f"{med['gen_us']:.1f}", f"{med['gen_cpu_us']:.1f}"])
    cached = f"version={args.model_version!r} (persistent prediction cache)" if args.model_version else "no version="
    print(f"\nINV typos(1), samples={args.samples}, {args.inputs:,} VADER inputs, {cached}, seed {args.seed}, batch {BATCH_SIZE}; "
          f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
    print(tabulate(rows, headers=["run", "load (1 min)", "unique inputs", "T_suite s", "T_rerun s", "T_raw s",
                                  "T_suite/T_raw", "T_rerun/T_raw", "same in CPU s", "rerun in CPU s",
                                  "gen µs/case", "gen CPU µs/case"],
                   colalign=("right",) * 12))
    for label, value, target in (("first run", med["first"], TARGET_FIRST), ("rerun", med["rerun"], TARGET_RERUN),
                                 ("first run, CPU", med["cpu_first"], TARGET_FIRST),
                                 ("rerun, CPU", med["cpu_rerun"], TARGET_RERUN),
                                 ("generation µs/case", med["gen_us"], TARGET_GEN_US),
                                 ("generation CPU µs/case", med["gen_cpu_us"], TARGET_GEN_US)):
        print(f"{label}: {value:.2f} ({'within' if value <= target else 'ABOVE'} the target {target})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
