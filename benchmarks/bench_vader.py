"""Overhead of ``pytest --behave`` against raw model inference, on a VADER suite of 10k and 100k cases.

For each size N this script:

1. synthesizes N/2 MFT inputs and N/2 INV originals (distinct movie-review-like
   sentences built from word lists and templates, deterministically),
2. writes a temporary test directory (pytest.ini, conftest.py with VADER wrapped in
   ``bt.Model``, a test file with 5 MFT and 5 INV tests using ``bt.perturb.typos(1)``)
   and runs ``pytest --behave --behave-json`` on it in a subprocess: T_suite,
3. in this process, draws the same perturbations with ``behavetest._cases.generate.Generator``
   (the same seed, inputs and samples): T_gen,
4. runs VADER's ``predict_proba`` over exactly the unique inputs the suite needs
   (MFT inputs, INV originals and their perturbations), in batches of 256: T_raw,
5. runs the same directory without ``--behave`` (tests collected, then skipped):
   T_startup, pytest's own start-up and collection.

The ratios divide by T_raw alone: generation is work behavetest does for the user
and belongs in what the user pays, never in the denominator (T_gen is shown on its own).

Counting follows the issue: an MFT case is one input, an INV case one original.
The suite's JSON gives back the counts, and the generated conftest records how
often the model was called and with how many inputs.

    python benchmarks/bench_vader.py                 # 10,000 and 100,000 cases
    python benchmarks/bench_vader.py --quick         # 1,000 cases, a smoke run
    python benchmarks/bench_vader.py --sizes 20000 --samples 3 --profile

This is a script, not a test: nothing here is collected by ``pytest``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BATCH_SIZE = 256
TESTS_PER_KIND = 5
TARGET_RATIO = 3.0  # the first-run target for T_suite / T_raw

# --- input synthesis ---------------------------------------------------------------
# Written for this benchmark. Sentences are indexed: sentence(i) decodes i in a mixed
# radix over the lists below after a fixed affine permutation, so consecutive indices
# differ in several words and every index below the product gives a distinct sentence.

SUBJECTS = [
    "The film", "The movie", "The sequel", "The remake", "The documentary", "The series finale",
    "The pilot episode", "The animated feature", "The thriller", "The comedy", "The drama",
    "The musical", "The script", "The soundtrack", "The ending", "The opening scene", "The cast",
    "The lead performance", "The supporting cast", "The dialogue", "The cinematography", "The editing",
    "The score", "The plot", "The second act", "The final twist", "The villain", "The director's cut",
    "The short film", "The biopic", "The western", "The romance", "The horror movie", "The heist movie",
    "The war epic", "The courtroom drama", "The coming-of-age story", "The space opera",
    "The mockumentary", "The period piece",
]
POSITIVE = [
    "wonderful", "excellent", "brilliant", "delightful", "charming", "hilarious", "beautiful", "superb",
    "clever", "smart", "funny", "lovely", "touching", "exciting", "thrilling", "impressive", "fantastic",
    "great", "good", "enjoyable", "fun", "sweet", "elegant", "inspiring", "remarkable", "stunning",
    "gorgeous", "witty", "warm", "fresh",
]
NEGATIVE = [
    "awful", "terrible", "boring", "dull", "dreadful", "bad", "weak", "stupid", "annoying", "ugly",
    "painful", "confusing", "disappointing", "lazy", "silly", "horrible", "messy", "poor", "lame",
    "sloppy", "cheap", "tiresome", "pathetic", "bland", "stale", "awkward", "clumsy", "hollow",
    "irritating", "depressing",
]
NEUTRAL = [
    "long", "short", "quiet", "slow-paced", "black-and-white", "subtitled", "dialogue-heavy", "low-budget",
    "two hours long", "set in winter", "shot on film", "based on a novel", "set in the 1980s",
    "filmed in Canada", "mostly silent", "told in flashbacks", "in Spanish", "made for television",
    "ninety minutes long", "shot in one location",
]
ADVERBS = [
    "", "very ", "really ", "quite ", "rather ", "truly ", "fairly ", "surprisingly ", "somewhat ",
    "extremely ", "pretty ", "almost ", "mostly ", "a bit ", "genuinely ", "oddly ",
]
TEMPLATES = [
    "{subject} is {adverb}{adjective}.",
    "{subject} was {adverb}{adjective}, {tail}.",
    "I thought {subject_lower} was {adverb}{adjective}.",
    "Honestly, {subject_lower} felt {adverb}{adjective}.",
    "{subject} turned out {adverb}{adjective} {tail}.",
    "My friends found {subject_lower} {adverb}{adjective}.",
    "We all agreed that {subject_lower} is {adverb}{adjective}.",
    "{subject} seemed {adverb}{adjective} to me, {tail}.",
    "In the end, {subject_lower} is {adverb}{adjective}.",
    "Critics say {subject_lower} is {adverb}{adjective}, {tail}.",
    "{subject} looks {adverb}{adjective}, {tail}.",
    "If you ask me, {subject_lower} is {adverb}{adjective}.",
]
TAILS = [
    "at least for me", "in my opinion", "on the whole", "from start to finish", "for the most part",
    "as far as I can tell", "after a slow start", "on a second viewing", "despite the hype",
    "like the trailer promised", "even on a small screen", "for a Tuesday night", "as I expected",
    "unlike the first one", "compared with the book", "in the cinema", "at the festival",
    "on the flight home", "with the director's commentary", "in the extended version",
]
ADJECTIVES = [(w, "positive") for w in POSITIVE] + [(w, "negative") for w in NEGATIVE] + [(w, "neutral") for w in NEUTRAL]
RADIX = [len(TEMPLATES), len(SUBJECTS), len(ADJECTIVES), len(ADVERBS), len(TAILS)]
SPACE = math.prod(RADIX)  # 12 * 40 * 80 * 16 * 20 = 12,288,000 distinct sentences
MULTIPLIER = 7_919_993  # coprime with SPACE, so i -> (i * MULTIPLIER + OFFSET) % SPACE is a permutation
OFFSET = 104_729


def sentence(i: int) -> tuple[str, str]:
    """The i-th synthesized sentence and the label of its adjective."""
    n = (i * MULTIPLIER + OFFSET) % SPACE
    digits = []
    for r in RADIX:
        n, d = divmod(n, r)
        digits.append(d)
    t, s, a, d, tl = digits
    subject = SUBJECTS[s]
    adjective, label = ADJECTIVES[a]
    text = TEMPLATES[t].format(subject=subject, subject_lower=subject[0].lower() + subject[1:],
                               adverb=ADVERBS[d], adjective=adjective, tail=TAILS[tl])
    return text, label


def synthesize(cases: int) -> dict[str, list]:
    """N/2 MFT inputs with labels and N/2 INV originals, all distinct."""
    n_mft = cases // 2
    n_inv = cases - n_mft
    rows = [sentence(i) for i in range(n_mft + n_inv)]
    assert len({text for text, _ in rows}) == len(rows), "synthesized sentences must be distinct"
    return {
        "mft": [text for text, _ in rows[:n_mft]],
        "mft_labels": [label for _, label in rows[:n_mft]],
        "inv": [text for text, _ in rows[n_mft:]],
    }


# --- the model (the same code is written into the generated conftest) ---------------

MODEL_SOURCE = '''
import numpy as np
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

LABELS = ["negative", "neutral", "positive"]
_analyzer = SentimentIntensityAnalyzer()


def predict_proba(texts):
    """VADER's compound score as (negative, neutral, positive) probabilities, as in examples/sentiment_vader."""
    c = np.array([_analyzer.polarity_scores(t)["compound"] for t in texts], dtype=float)
    logits = np.stack([10.0 * (-c - 0.04995), np.zeros_like(c), 10.0 * (c - 0.04995)], axis=1)
    logits -= logits.max(axis=1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)
'''

CONFTEST = '''
import json
import os

import pytest

import behavetest as bt
from bench_model import LABELS, predict_proba

CALLS = []


def _counted(texts):
    CALLS.append(len(texts))
    return predict_proba(texts)


@pytest.fixture(scope="session")
def vader():
    return bt.Model(_counted, labels=LABELS, name="vader", batch_size={batch_size})


@pytest.fixture(scope="session")
def data():
    with open(os.path.join(os.path.dirname(__file__), "inputs.json"), encoding="utf-8") as f:
        return json.load(f)


def pytest_sessionfinish(session):
    if not hasattr(session.config, "workerinput"):
        with open(os.path.join(os.path.dirname(__file__), "calls.json"), "w") as f:
            json.dump(CALLS, f)
'''

TEST_FILE = '''
import pytest

import behavetest as bt

CHUNKS = {chunks}
SAMPLES = {samples}


def _chunk(values, k):
    size = -(-len(values) // CHUNKS)
    return values[k * size:(k + 1) * size]


@pytest.mark.parametrize("k", range(CHUNKS))
def test_mft(behave, vader, data, k):
    behave.mft(vader, _chunk(data["mft"], k), labels=_chunk(data["mft_labels"], k), capability="Vocabulary")


@pytest.mark.parametrize("k", range(CHUNKS))
def test_inv_typos(behave, vader, data, k):
    behave.inv(vader, _chunk(data["inv"], k), perturb=bt.perturb.typos(1), samples=SAMPLES, capability="Robustness")
'''


def write_suite(directory: Path, data: dict, samples: int) -> None:
    (directory / "pytest.ini").write_text("[pytest]\naddopts = -p no:randomly\n", encoding="utf-8")
    (directory / "bench_model.py").write_text(MODEL_SOURCE, encoding="utf-8")
    (directory / "conftest.py").write_text(CONFTEST.replace("{batch_size}", str(BATCH_SIZE)), encoding="utf-8")
    (directory / "test_bench.py").write_text(
        TEST_FILE.replace("{chunks}", str(TESTS_PER_KIND)).replace("{samples}", str(samples)), encoding="utf-8")
    (directory / "inputs.json").write_text(json.dumps(data), encoding="utf-8")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_pytest(directory: Path, args: list[str], profile: Path | None = None) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run pytest on ``directory``: (wall seconds, CPU seconds of the child, the process)."""
    cmd = [sys.executable]
    if profile is not None:
        cmd += ["-m", "cProfile", "-o", str(profile)]
    cmd += ["-m", "pytest", "-q", "-o", f"cache_dir={directory / '.cache'}", *args, str(directory)]
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTEST_ADDOPTS", None)
    cpu, start = _children_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, cwd=directory, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, _children_cpu() - cpu, proc


def measure(cases: int, seed: int, samples: int, profile: bool, no_shrink: bool, keep: bool) -> dict:
    import behavetest as bt
    from behavetest._cases.generate import Generator
    from behavetest._model.keys import cache_key

    data = synthesize(cases)
    tmp = Path(tempfile.mkdtemp(prefix=f"bench_vader_{cases}_"))
    write_suite(tmp, data, samples)
    json_path = tmp / "results.json"
    flags = ["--behave", f"--behave-seed={seed}", f"--behave-json={json_path}"] + (["--behave-no-shrink"] if no_shrink else [])

    # 1. the suite, in a real pytest process
    t_suite, c_suite, proc = run_pytest(tmp, flags)
    if proc.returncode not in (0, 1) or not json_path.exists():
        sys.exit(f"pytest failed (exit {proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    document = json.loads(json_path.read_text(encoding="utf-8"))
    calls = json.loads((tmp / "calls.json").read_text(encoding="utf-8"))
    tests = document["tests"]
    suite_cases = sum(t["cases"] + t["not_applicable"] for t in tests)

    # 3. perturbation generation alone, the same Generator call the INV tests make
    chunks = [data["inv"][k * -(-len(data["inv"]) // TESTS_PER_KIND):(k + 1) * -(-len(data["inv"]) // TESTS_PER_KIND)]
              for k in range(TESTS_PER_KIND)]
    generator = Generator(seed=seed)
    perturbation = bt.perturb.typos(1)
    cpu, start = time.process_time(), time.perf_counter()
    generated = [generator.generate(perturbation, chunk, [cache_key(x) for x in chunk], samples) for chunk in chunks]
    t_gen, c_gen = time.perf_counter() - start, time.process_time() - cpu
    perturbed = [v for chunk in generated for g in chunk for v in g.values]

    # 4. raw batched inference over exactly the unique inputs of the suite
    unique = list(dict.fromkeys(itertools.chain(data["mft"], data["inv"], perturbed)))
    namespace: dict = {}
    exec(compile(MODEL_SOURCE, "bench_model", "exec"), namespace)
    predict_proba = namespace["predict_proba"]
    predict_proba(unique[:BATCH_SIZE])  # warm-up: VADER's first call pays for lazy set-up
    cpu, start = time.process_time(), time.perf_counter()
    for i in range(0, len(unique), BATCH_SIZE):
        predict_proba(unique[i:i + BATCH_SIZE])
    t_raw, c_raw = time.perf_counter() - start, time.process_time() - cpu

    # 5. start-up and collection: the same files without --behave (every test skipped)
    t_startup, c_startup, _ = run_pytest(tmp, [])

    result = {
        "cases": suite_cases,
        "cases_requested": cases,
        "unique": len(unique),
        "unique_suite": sum(t["unique_inputs"] for t in tests),
        "t_suite": t_suite,
        "t_raw": t_raw,
        "t_gen": t_gen,
        "t_startup": t_startup,
        # Only model inference in the denominator: generation is part of what the user pays.
        "ratio": t_suite / t_raw,
        "ratio_net": (t_suite - t_startup) / t_raw,
        "cpu_suite": c_suite,
        "cpu_ratio": c_suite / c_raw,
        "cpu_ratio_net": (c_suite - c_startup) / c_raw,
        "calls": len(calls),
        "calls_batched": sum(1 for n in calls if n > 1),
        "calls_single": sum(1 for n in calls if n == 1),
        "predicted": sum(calls),
        "min_calls": math.ceil(len(unique) / BATCH_SIZE),
        "failures": sum(t["failures"] for t in tests),
        "exit": proc.returncode,
        "dir": str(tmp),
    }
    if profile:
        prof = tmp / "suite.prof"
        t_prof, _, _ = run_pytest(tmp, flags, profile=prof)
        result["t_profiled"] = t_prof
        result["profile"] = str(prof)
    if not keep and not profile:
        _remove(tmp)
    return result


def _remove(directory: Path) -> None:
    for path in sorted(directory.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    directory.rmdir()


def print_profile(path: str, limit: int = 25) -> None:
    stats = pstats.Stats(path)
    print(f"\nprofile {path}: top functions by cumulative time")
    stats.sort_stats("cumulative").print_stats(limit)
    print("behavetest's own functions by internal time")
    stats.sort_stats("tottime").print_stats("behavetest", limit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="suite sizes in cases")
    parser.add_argument("--quick", action="store_true", help="one suite of 1,000 cases (a smoke run)")
    parser.add_argument("--seed", type=int, default=0, help="--behave-seed for the suite and the generator")
    parser.add_argument("--samples", type=int, default=1, help="perturbations per INV original (default 1)")
    parser.add_argument("--no-shrink", action="store_true", help="pass --behave-no-shrink to the suite")
    parser.add_argument("--profile", action="store_true", help="run the suite once more under cProfile and print it")
    parser.add_argument("--keep", action="store_true", help="keep the generated test directories")
    args = parser.parse_args(argv)
    sizes = [1_000] if args.quick else args.sizes
    if any(n < 2 * TESTS_PER_KIND or n > SPACE for n in sizes):
        parser.error(f"sizes must be between {2 * TESTS_PER_KIND} and {SPACE}")

    from tabulate import tabulate

    rows, results = [], []
    for n in sizes:
        print(f"measuring {n:,} cases ...", file=sys.stderr, flush=True)
        r = measure(n, args.seed, args.samples, args.profile, args.no_shrink, args.keep)
        results.append(r)
        rows.append([
            f"{r['cases']:,}", f"{r['unique']:,}", f"{r['t_suite']:.2f}", f"{r['t_raw']:.2f}", f"{r['t_gen']:.2f}",
            f"{r['t_startup']:.2f}", f"{r['ratio']:.3f}", f"{r['ratio_net']:.3f}", f"{r['cpu_ratio']:.3f}",
            f"{r['calls_batched']:,} (+{r['calls_single']} single)", f"{r['min_calls']:,}",
        ])
    print(f"\nVADER suite: half MFT, half INV typos(1) with samples={args.samples}; seed {args.seed}; "
          f"batch size {BATCH_SIZE}; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}"
          + ("; --behave-no-shrink" if args.no_shrink else ""))
    print(tabulate(rows, headers=[
        "cases", "unique inputs", "T_suite s", "T_raw s", "T_gen s", "T_startup s",
        "T_suite/T_raw", "(T_suite-T_startup)/T_raw", "same in CPU time",
        "model calls", "ceil(unique/256)",
    ], colalign=("right",) * 11))
    for r in results:
        if r["unique"] != r["unique_suite"] or r["predicted"] - r["calls_single"] != r["unique"]:
            print(f"note ({r['cases']:,} cases): the suite reported {r['unique_suite']:,} unique inputs and "
                  f"predicted {r['predicted']:,} inputs; recomputed here: {r['unique']:,}")
        verdict = "within" if r["ratio"] <= TARGET_RATIO else "ABOVE"
        print(f"{r['cases']:,} cases: CPU seconds: suite {r['cpu_suite']:.2f}; "
              f"CPU ratio {r['cpu_ratio']:.3f}, without start-up {r['cpu_ratio_net']:.3f}")
        print(f"{r['cases']:,} cases: ratio {r['ratio']:.3f} is {verdict} the target {TARGET_RATIO}; "
              f"{r['failures']:,} behavioral failures; pytest exit {r['exit']}")
        if "profile" in r:
            print_profile(r["profile"])
            print(f"(profiled run: {r['t_profiled']:.2f} s; directory kept: {r['dir']})")
        elif args.keep:
            print(f"(directory kept: {r['dir']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
