"""The same MFT, INV and DIR cases on VADER: behavetest's native API against CheckList 0.0.11.

Needs the real CheckList, which the main environment does not have: build the
environment once with ``.ci/checklist-env VENV`` and install VADER there
(``VENV/bin/pip install vaderSentiment tabulate``), then

    VENV/bin/python benchmarks/bench_checklist.py             # 3 alternating repetitions
    VENV/bin/python benchmarks/bench_checklist.py --n 500 --repeat 1

The cases (sentences synthesized as in bench_vader.py):

- MFT: ``n`` labelled sentences, the label from the sentence's adjective;
- INV: ``n`` originals with 3 typos each (CheckList: a seeded swap of two adjacent
  letters, as its ``Perturb.add_typos`` does, generated beforehand and included in
  its time; behavetest: ``bt.perturb.typos(1)``, ``samples=3``);
- DIR: ``n`` originals with 2 appended sentences each, P(positive) must not drop by
  more than 0.1 (CheckList ``Expect.monotonic``; behavetest ``bt.expect.increase``).

Each side is timed in this process from building its tests to having every
result, with a fresh model wrapper (no predictions carried over) and the same
VADER function; imports are not included. CheckList runs ``test.run`` with its
``PredictorWrapper.wrap_softmax``. behavetest is timed twice: as a user runs it
(shrinking the first failures of each INV/DIR test, which CheckList does not do)
and with ``shrink_budget=0``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_vader import MODEL_SOURCE, sentence  # noqa: E402

TARGET = 0.5
PRAISE = [" I loved it.", " The music was great."]


def data(n: int) -> dict:
    rows = [sentence(i) for i in range(3 * n)]
    return {"mft": [t for t, _ in rows[:n]], "mft_labels": [y for _, y in rows[:n]],
            "inv": [t for t, _ in rows[n:2 * n]], "dir": [t for t, _ in rows[2 * n:]]}


def _typo(text: str, rng: random.Random) -> str:
    i = rng.randrange(len(text) - 1)
    chars = list(text)
    chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def run_checklist(d: dict, predict_proba, labels: list[str]) -> tuple[float, float]:
    from checklist.expect import Expect
    from checklist.pred_wrapper import PredictorWrapper
    from checklist.test_types import DIR, INV, MFT

    cpu, start = time.process_time(), time.perf_counter()
    rng = random.Random(0)
    wrapped = PredictorWrapper.wrap_softmax(predict_proba)
    index = {name: i for i, name in enumerate(labels)}
    tests = [
        MFT(d["mft"], labels=[index[y] for y in d["mft_labels"]], name="mft", capability="Vocabulary"),
        INV([[t] + [_typo(t, rng) for _ in range(3)] for t in d["inv"]], name="inv", capability="Robustness"),
        DIR([[t] + [t + p for p in PRAISE] for t in d["dir"]], name="dir", capability="Vocabulary",
            expect=Expect.monotonic(label=index["positive"], increasing=True, tolerance=0.1)),
    ]
    for test in tests:
        test.run(wrapped, overwrite=True, verbose=False)
    return time.perf_counter() - start, time.process_time() - cpu


def run_behavetest(d: dict, predict_proba, labels: list[str], shrink_budget: int = 200) -> tuple[float, float]:
    import behavetest as bt
    from behavetest._cases.generate import Generator

    cpu, start = time.process_time(), time.perf_counter()
    model = bt.Model(predict_proba, labels=labels, name="vader", batch_size=256)
    behave = bt.Behave(test_name="bench", generator=Generator(seed=0), shrink_budget=shrink_budget)
    behave.mft(model, d["mft"], labels=d["mft_labels"], capability="Vocabulary")
    behave.inv(model, d["inv"], perturb=bt.perturb.typos(1), samples=3, capability="Robustness")
    behave.dir(model, d["dir"], perturb=bt.perturb.append(PRAISE), samples=2,
               expect=bt.expect.increase("positive", tolerance=0.1), capability="Vocabulary")
    return time.perf_counter() - start, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="inputs per test (default 2,000)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    namespace: dict = {}
    exec(compile(MODEL_SOURCE, "bench_model", "exec"), namespace)
    predict_proba, labels = namespace["predict_proba"], namespace["LABELS"]
    d = data(args.n)
    predict_proba(d["mft"][:256])  # VADER's lazy set-up, paid once for both
    import behavetest._measure.runner  # noqa: F401  (imports are not timed: numpy, Hypothesis)
    import checklist.test_types  # noqa: F401
    run_checklist(data(20), predict_proba, labels)  # first-use set-up of both, untimed
    run_behavetest(data(20), predict_proba, labels)

    load = os.getloadavg()[0]
    ours, lean, theirs = [], [], []
    for _ in range(args.repeat):
        theirs.append(run_checklist(d, predict_proba, labels))
        ours.append(run_behavetest(d, predict_proba, labels))
        lean.append(run_behavetest(d, predict_proba, labels, shrink_budget=0))
    print(f"MFT {args.n:,} + INV {args.n:,}x3 typos + DIR {args.n:,}x2 on VADER, {args.repeat} alternating runs; "
          f"load {load:.1f}–{os.getloadavg()[0]:.1f}")
    print(f"  CheckList 0.0.11:             {', '.join(f'{w:.2f} ({c:.2f} CPU)' for w, c in theirs)} s")
    for label, times in (("behavetest:                  ", ours), ("behavetest, shrink budget 0: ", lean)):
        ratios = [statistics.median(o[k] / t[k] for o, t in zip(times, theirs)) for k in (0, 1)]
        print(f"  {label}{', '.join(f'{w:.2f} ({c:.2f} CPU)' for w, c in times)} s; / CheckList (median of paired "
              f"ratios): wall {ratios[0]:.2f}, CPU {ratios[1]:.2f} (target {TARGET})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
