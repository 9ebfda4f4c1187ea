"""The HTML and Markdown reports, rendered from the ``--behave-json`` document.

Two kinds of document: one built here from ``Result(...).to_dict()`` objects and a
real baseline comparison (every count chosen by hand, so every number the reports
must show is known), and one written by a real ``pytest --behave --behave-json``
run through pytester. Expected intervals come from scipy, independently of
behavetest's own Wilson interval.
"""

from __future__ import annotations

import copy
import json
import re

import numpy  # noqa: F401  (imported before any pytester run; see conftest.py)
import pytest
from scipy.stats import binomtest

from behavetest._gate.baseline import entries_by_model
from behavetest._gate.regression import compare
from behavetest._report.html import render_html
from behavetest._report.markdown import MAX_BYTES, append_step_summary, render_markdown
from behavetest._model.prediction import Prediction
from behavetest._measure.result import Example, Result

# Inputs that must never reach the page as markup. The script payload would set a marker attribute if it ran.
SCRIPT_PAYLOAD = "<script>document.documentElement.setAttribute('data-xss','1')</script>"
IMG_PAYLOAD = "<img src=x onerror=\"document.documentElement.setAttribute('data-xss','2')\">"
QUOTES_PAYLOAD = '"quotes" & <b>tags</b>'
ALERT_PAYLOAD = "<script>alert(1)</script>"
PIPE_INPUT = "left|right\nsecond line @octocat"
WEIRD_CAPABILITY = "Robustness & <Typos>"
WEIRD_SLICE = 'has "<not>"'


def ci_text(k: int, n: int) -> str:
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return f"{ci.low:.1%} \u2013 {ci.high:.1%}"


def with_rates(s: dict) -> dict:
    """A slice's counts as the runner writes them: with rate and (scipy's) Wilson interval."""
    ci = binomtest(s["failures"], s["cases"]).proportion_ci(confidence_level=0.95, method="wilson")
    return {**s, "fail_rate": s["failures"] / s["cases"], "ci": [float(ci.low), float(ci.high)]}


def P(label: str, pos: float) -> Prediction:
    return Prediction(input=None, label=label, probs={"negative": 1 - pos, "positive": pos})


def results(vocab_failures: int = 40, digest: str = "new") -> list[dict]:
    """Two models, four capabilities; m-alpha fails Vocabulary (40 of 200 above 10%) and has an errored test."""
    vocab_examples = [
        Example(SCRIPT_PAYLOAD, P("negative", 0.2), expected="positive"),
        Example(ALERT_PAYLOAD, P("negative", 0.3), expected="positive"),
        Example(QUOTES_PAYLOAD, P("positive", 0.9), expected="negative"),
        Example(IMG_PAYLOAD, P("positive", 0.8), expected="negative"),
        Example(PIPE_INPUT, P("positive", 0.6), expected="negative"),
    ]
    typo_examples = [
        Example("bad movie", P("negative", 0.2), "bda movie", P("positive", 0.7), expected="same_label()",
                minimal="abd movie", minimal_prediction=P("positive", 0.7)),
        Example("I hate <it>", P("negative", 0.2), "I htae <it>", P("positive", 0.7), expected="same_label()"),
    ]
    row = {"age": 42, "income": "<b>50k</b>", "region": "north"}
    out = [
        Result(name="test_vocab", nodeid="tests/test_m.py::test_vocab[m-alpha]", model="m-alpha", capability="Vocabulary",
               type="MFT", cases=200, failures=vocab_failures, max_fail_rate=0.1, expectation="labels",
               examples=vocab_examples, cases_digest=digest,
               slices={"short": {"cases": 120, "failures": 30}, WEIRD_SLICE: {"cases": 40, "failures": 8}}),
        Result(name="test_typos", nodeid="tests/test_m.py::test_typos[m-alpha]", model="m-alpha",
               capability=WEIRD_CAPABILITY, type="INV", cases=50, failures=5, pairs=150, pair_failures=6,
               not_applicable=3, samples=3, perturbation="typos(1)", expectation="same_label()",
               examples=typo_examples, slices={"short": {"cases": 30, "failures": 3}}),
        Result(name="test_credit", nodeid="tests/test_m.py::test_credit[m-alpha]", model="m-alpha",
               capability="Fairness", type="MFT", cases=10, failures=1, expectation="label('approve')",
               examples=[Example(row, Prediction(input=None, label="deny"), expected="approve")]),
        Result(name="test_broken", nodeid="tests/test_m.py::test_broken[m-alpha]", model="m-alpha",
               capability="Fairness", type="MFT", cases=0, failures=0, max_fail_rate=0.2,
               error="in behavioral test 'test_broken': model raised <ValueError>"),
        Result(name="test_vocab", nodeid="tests/test_m.py::test_vocab[m-beta]", model="m-beta", capability="Vocabulary",
               type="MFT", cases=200, failures=10, max_fail_rate=0.1, expectation="labels",
               slices={"short": {"cases": 120, "failures": 6}}),
        Result(name="test_typos", nodeid="tests/test_m.py::test_typos[m-beta]", model="m-beta",
               capability=WEIRD_CAPABILITY, type="INV", cases=50, failures=20, pairs=150, pair_failures=30,
               samples=3, perturbation="typos(1)", expectation="same_label()"),
    ]
    dicts = [r.to_dict() for r in out]
    for d in dicts:
        d["slices"] = {name: with_rates(s) for name, s in d["slices"].items()}
    return dicts


def build_document(with_baseline: bool = True) -> dict:
    from behavetest._report.summary import sort_results, summarize

    tests = sort_results(results())
    doc = {"schema_version": 1, "behavetest_version": "0.1.0", "seed": 0, "summary": summarize(tests), "tests": tests}
    if with_baseline:
        # m-alpha's Vocabulary failed 2 of 200 in the baseline (other cases: Fisher); m-beta has no baseline.
        base = entries_by_model([r for r in results(vocab_failures=2, digest="old") if r["model"] == "m-alpha"],
                                keep_errors=False)
        comparison = compare({"m-alpha": base["m-alpha"], "m-beta": None}, entries_by_model(tests, keep_errors=True))
        comparison.update(directory="behave_baselines", gate=True)
        doc["baseline"] = comparison
    return json.loads(json.dumps(doc))


@pytest.fixture(scope="module")
def document() -> dict:
    return build_document()


@pytest.fixture(scope="module")
def page(document) -> str:
    return render_html(document)


def text_of(page: str) -> str:
    """The page without its tags (entities kept), to look for numbers next to each other."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


# -- HTML ----------------------------------------------------------------------------------


def test_html_is_one_page_with_language_title_and_charts(page):
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert page.count("<html") == 1 and page.rstrip().endswith("</html>")
    assert "<title>behavetest report: m-alpha, m-beta</title>" in page
    charts = re.findall(r"<svg class=\"chart\".*?</svg>", page, flags=re.S)
    # One overview chart per model, the side-by-side chart, the baseline chart of m-alpha.
    assert len(charts) == 4
    assert all("<rect" in c or "<circle" in c for c in charts)
    assert all(re.search(r"<title id=\"[^\"]+\">[^<]+</title><desc", c) for c in charts)
    assert 'class="threshold"' in page  # max_fail_rate marks
    assert 'class="whisker"' in page  # interval whiskers
    assert "<caption>" in page and '<th scope="col"' in page and '<th scope="row"' in page


def test_html_shows_every_model_capability_slice_and_test(page, document):
    for model in ("m-alpha", "m-beta"):
        assert f'Model <span class="name">{model}</span>' in page
    for capability in ("Vocabulary", "Fairness", "Robustness &amp; &lt;Typos&gt;"):
        assert f"<h4>{capability}</h4>" in page
    assert '<th scope="col">short</th>' in page
    assert '<th scope="col">has &quot;&lt;not&gt;&quot;</th>' in page
    for t in document["tests"]:
        assert f'<span class="tname">{t["name"]}</span>' in page
        assert f"<dd>{t['nodeid']}</dd>" in page


def test_html_numbers(page):
    text = text_of(page)
    # m-alpha Vocabulary: 40 of 200, threshold 10%, failing; m-beta: 10 of 200, passing.
    assert f"Vocabulary 1 200 40 20.0% {ci_text(40, 200)} 10.0% \u2717 FAIL" in text
    assert f"Vocabulary 1 200 10 5.0% {ci_text(10, 200)} 10.0% \u2713 pass" in text
    # Fairness pools a tracked test (1 of 10) and an errored one (0 cases): status error.
    assert f"Fairness 2 10 1 10.0% {ci_text(1, 10)} - ! ERROR" in text
    # The slice matrix: m-alpha Vocabulary "short" 30 of 120; the odd slice 8 of 40; m-beta short 6 of 120.
    for k, n in ((30, 120), (8, 40), (6, 120), (3, 30)):
        assert f"{k / n:.1%} {ci_text(k, n)} n={n}" in text
    # The INV test's pair counts and inapplicable inputs.
    assert f"6 of 150 failed (4.0%, 95% CI {ci_text(6, 150)})" in text
    assert "3 inputs (no perturbation changed them)" in text
    # Models side by side.
    assert f"20.0% {ci_text(40, 200)} \u2717 FAIL 5.0% {ci_text(10, 200)} \u2713 pass" in text
    # Chart tooltips carry the numbers too.
    assert f"<title>Vocabulary / m-beta: 10 of 200 cases failed, fail rate 5.0%, 95% CI {ci_text(10, 200)}" in page


def test_html_baseline(page, document):
    text = text_of(page)
    assert document["baseline"]["regressions"], "the planted regression must be significant"
    # The alert at the top names the regression, before the overview.
    alert = page.index('role="alert"')
    assert alert < page.index('id="overview"')
    assert "m-alpha / Vocabulary / test_vocab</strong>: fail rate 1.0% \u2192 20.0% (+19.0 pp" in page
    # The comparison table: before, now, change, test, verdict.
    assert "Vocabulary test_vocab 1.0% 20.0% +19.0 pp - Fisher" in text
    assert '<span class="verdict v-regressed">\u25b2 regressed</span>' in page
    assert "No baseline for this model" in page  # m-beta
    # The test card shows its own comparison.
    assert "<dt>baseline</dt><dd>1.0% \u2192 20.0% (+19.0 pp, p = " in page


def test_html_escapes_every_string(page):
    for raw in (SCRIPT_PAYLOAD, ALERT_PAYLOAD, QUOTES_PAYLOAD, IMG_PAYLOAD, "<b>50k</b>", "<Typos>", '"<not>"',
                "<ValueError>", "<it>"):
        assert raw not in page
    assert page.count("<script") == 1  # the report's own
    assert page.count("<img") == 0 and page.count("<b>") == 0
    assert "&lt;script&gt;document.documentElement.setAttribute(&#x27;data-xss&#x27;,&#x27;1&#x27;)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;quotes&quot; &amp; &lt;b&gt;tags&lt;/b&gt;" in page
    # In SVG: labels and titles of the odd capability.
    assert re.search(r"<svg class=\"chart\"[^>]*>.*Robustness &amp; &lt;Typos&gt;.*</svg>", page, flags=re.S)
    assert "<title>Robustness &amp; &lt;Typos&gt;: " in page
    # The tabular row is a key=value table with the value escaped.
    assert '<table class="kv"><tr><th scope="row">age</th><td>42</td></tr>' in page
    assert "<td>&lt;b&gt;50k&lt;/b&gt;</td>" in page
    # Every attribute value is quoted or a bare id/number: nothing from the document opens a tag.
    for tag in re.findall(r"<([a-zA-Z]+)[\s>]", page):
        assert tag in {"html", "head", "meta", "title", "style", "body", "main", "header", "h1", "h2", "h3", "h4", "h5",
                       "p", "ul", "li", "span", "div", "a", "nav", "section", "article", "figure", "figcaption",
                       "svg", "desc", "line", "text", "g", "rect", "path", "circle", "table", "caption", "thead",
                       "tbody", "tr", "th", "td", "details", "summary", "dl", "dt", "dd", "pre", "mark", "code", "em",
                       "strong", "footer", "script"}, tag


def test_html_is_self_contained(page):
    assert not re.search(r"\b(src|href|xlink:href|action|data)\s*=\s*[\"']?\s*(https?:)?//", page, flags=re.I)
    assert "http://" not in page and "https://" not in page
    assert "@import" not in page and "url(" not in page
    assert "<link" not in page and "<iframe" not in page
    assert all(h.startswith("#") for h in re.findall(r'href="([^"]*)"', page))
    assert 'http-equiv="Content-Security-Policy" content="default-src &#x27;none&#x27;;' in page


def test_html_shows_minimal_failing_perturbations(page):
    assert "<th scope=\"col\">minimal failing perturbation</th>" in page
    # original and its prediction, the minimal perturbation (changes marked) and its prediction, then the sampled one.
    row = re.search(r'<td><span class="input">bad movie</span></td>(.*?)</tr>', page).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert len(cells) == 5
    assert text_of(cells[0]).strip() == "negative (0.80)"  # the probability of the predicted label
    assert re.sub(r"<[^>]+>", "", cells[1]) == "abd movie" and "<mark>" in cells[1]
    assert text_of(cells[2]).strip() == "positive (0.70)"
    assert re.sub(r"<[^>]+>", "", cells[3]) == "bda movie" and "<mark>" in cells[3]
    assert text_of(cells[4]).strip() == "positive (0.70)"
    # The second example has no minimal perturbation: dashes, then the sampled one, escaped.
    row = re.search(r'<td><span class="input">I hate &lt;it&gt;</span></td>(.*?)</tr>', page).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert '<span class="none">-</span>' == cells[1] == cells[2]
    assert re.sub(r"<[^>]+>", "", cells[3]) == "I htae &lt;it&gt;"


def test_html_is_deterministic(document):
    shuffled = copy.deepcopy(document)
    shuffled["tests"].reverse()
    shuffled["summary"] = dict(reversed(list(shuffled["summary"].items())))
    a, b = render_html(document), render_html(copy.deepcopy(document))
    assert a == b
    assert render_html(shuffled) == a


def test_html_open_state(page):
    # Failing and errored tests are expanded, passing ones are not.
    assert re.search(r'<details class="test" id="test-\d+" open><summary><span class="badge s-fail">', page)
    assert re.search(r'<details class="test" id="test-\d+" open><summary><span class="badge s-error">', page)
    assert re.search(r'<details class="test" id="test-\d+"><summary><span class="badge s-pass">', page)


@pytest.mark.parametrize("doc", [
    {},
    {"tests": []},
    {"tests": None, "summary": None, "baseline": None},
    {"tests": [{}]},
    {"tests": [{"name": "t", "model": "m", "capability": "c"}]},
    {"tests": [{"name": "t", "model": "m", "capability": "c", "cases": 4, "failures": 1, "examples": "nope",
                "slices": None, "ci": "bad", "status": "weird", "max_fail_rate": "x"}]},
    {"tests": [{"name": "t", "model": "m", "capability": "c", "cases": 4, "failures": 1,
                "examples": [{"input": {"a": [1, 2]}}, {"perturbed": None}, {"prediction": "x"}, 3],
                "slices": {"s": {"cases": 2}, "bad": 5}}],
     "baseline": {"models": {"m": 3, "n": {"status": "compared", "tests": {"k": {"verdict": "regressed"}},
                                             "capabilities": {"c": {"tests": 2, "base": None, "new": {"cases": 2}}}}},
                  "regressions": "x", "alpha": "?"}},
    {"summary": {"m": {"c": {"tests": 1, "cases": 3, "failures": 1}}}},
])
def test_missing_optional_keys_do_not_crash(doc):
    page = render_html(doc)
    md = render_markdown(doc)
    assert page.rstrip().endswith("</html>") and md.startswith("## Behavioral test report")
    if doc.get("tests") == [{"name": "t", "model": "m", "capability": "c"}]:
        assert "tracked" in page and "no applicable cases" in page


def test_summary_only_document_uses_the_summary():
    page = render_html({"summary": {"m": {"c": {"tests": 1, "cases": 3, "failures": 1, "status": "fail"}}}})
    assert f"c 1 3 1 33.3% {ci_text(1, 3)}" in text_of(page)


def test_render_html_rejects_a_non_document():
    with pytest.raises(TypeError, match="JSON document"):
        render_html([1, 2])  # type: ignore[arg-type]


# -- Markdown ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def markdown(document) -> str:
    return render_markdown(document)


def test_markdown_tables(markdown):
    lines = markdown.splitlines()
    assert lines[0] == "## Behavioral test report"
    assert "**\u274c 2 of 6 behavioral tests failing** (1 fail, 1 error, 1 pass, 3 tracked)" in markdown
    assert "### Model: m-alpha" in lines and "### Model: m-beta" in lines
    header = "| capability | tests | cases | failed | fail rate | 95% CI | max | status |"
    assert lines.count(header) == 2
    assert f"| Vocabulary | 1 | 200 | 40 | 20.0% | {ci_text(40, 200)} | 10.0% | \u274c FAIL |" in lines
    assert f"| Vocabulary | 1 | 200 | 10 | 5.0% | {ci_text(10, 200)} | 10.0% | \u2705 pass |" in lines
    assert f"| Robustness \\& \\<Typos\\> | 1 | 50 | 20 | 40.0% | {ci_text(20, 50)} | - | tracked |" in lines
    # Models side by side, and the capability x slice table with the escaped slice name.
    assert (f"| Vocabulary | 20.0% ({ci_text(40, 200)}) \u274c FAIL | 5.0% ({ci_text(10, 200)}) \u2705 pass |"
            in lines)
    assert "| capability | all cases | has \"\\<not\\>\" | short |" in lines
    assert (f"| Vocabulary | 20.0% ({ci_text(40, 200)}, n=200) | 20.0% ({ci_text(8, 40)}, n=40) | "
            f"25.0% ({ci_text(30, 120)}, n=120) |") in lines
    # Every table row has as many cells as its header.
    for i, line in enumerate(lines):
        if line.startswith("| :---") or line.startswith("| ---:"):
            width = len(re.split(r"(?<!\\)\|", lines[i - 1]))
            j = i + 1
            while j < len(lines) and lines[j].startswith("|"):
                assert len(re.split(r"(?<!\\)\|", lines[j])) == width, lines[j]
                j += 1


def test_markdown_regressions_first(markdown):
    top = markdown.index("### \U0001f53a 1 significant regression against the baseline")
    assert top < markdown.index("### Model: m-alpha")
    assert "| m-alpha | Vocabulary | test\\_vocab | 1.0% | 20.0% | +19.0 pp |" in markdown
    assert "No baseline yet for: m-beta." in markdown


def test_markdown_examples_and_escaping(markdown):
    section = markdown[markdown.index("### Failing tests"):]
    # Only failing and errored tests; at most three examples each, with a note for the rest.
    assert "\u274c FAIL m-alpha \u00b7 Vocabulary \u00b7 test\\_vocab** (MFT): 40 of 200 failed, 20.0%" in section
    assert "\u26a0\ufe0f ERROR m-alpha \u00b7 Fairness \u00b7 test\\_broken**" in section
    assert "> in behavioral test 'test\\_broken': model raised \\<ValueError\\>" in section
    assert "test\\_credit" not in section and "test\\_typos" not in section
    assert "_2 more failing examples in the HTML/JSON report._" in section
    assert "| \\<script\\>document.documentElement.setAttribute('data-xss','1')\\</script\\> | negative (0.80) | positive |" in section
    assert "| \\<script\\>alert(1)\\</script\\> |" in section
    assert "| \"quotes\" \\& \\<b\\>tags\\</b\\> | positive (0.90) | negative |" in section
    for raw in (SCRIPT_PAYLOAD, ALERT_PAYLOAD, QUOTES_PAYLOAD, "<b>", "<Typos>"):
        assert raw not in markdown
    # The only raw HTML is the report's own (collapsible blocks); every "<" from the document is escaped.
    assert set(re.findall(r"(?<!\\)<[a-z/]+", markdown)) <= {"<br", "<details", "</details", "<summary", "</summary"}


def test_markdown_cell_escaping():
    from behavetest._report.markdown import md

    assert md(PIPE_INPUT) == "left\\|right<br>second line @\u200boctocat"
    assert md("a_b*c`d[e](f) ~g~ $x$ \\") == "a\\_b\\*c\\`d\\[e\\](f) \\~g\\~ \\$x\\$ \\\\"
    assert md("x" * 500).endswith("\u2026") and len(md("x" * 500)) == 160


def test_markdown_perturbation_examples():
    doc = build_document(with_baseline=False)
    for t in doc["tests"]:
        if t["name"] == "test_typos" and t["model"] == "m-alpha":
            t.update(max_fail_rate=0.05, status="fail")
    md = render_markdown(doc)
    assert "| original | prediction | minimal failing perturbation | prediction |" in md
    assert "| bad movie | negative (0.80) | abd movie | positive (0.70) |" in md
    assert "| I hate \\<it\\> | negative (0.80) | I htae \\<it\\> (sampled) | positive (0.70) |" in md
    assert "Baseline" not in md


def test_markdown_stays_under_the_limit():
    doc = build_document(with_baseline=False)
    base = doc["tests"][0]
    many = []
    for i in range(400):
        t = copy.deepcopy(base)
        t.update(name=f"test_{i:03d}", nodeid=f"t.py::test_{i:03d}", capability=f"Capability {i % 40:02d}",
                 status="fail", examples=[{"input": "long input " * 30 + str(j), "prediction": {"label": "x"},
                                           "expected": "y"} for j in range(5)])
        many.append(t)
    doc["tests"] = many
    doc.pop("summary")
    md = render_markdown(doc)
    assert len(md.encode("utf-8")) <= MAX_BYTES
    assert "_Truncated to stay under 60 KB:" in md
    assert "examples of test\\_" in md
    # The capability table (40 rows) is whole; examples were cut first.
    assert md.count("| Capability ") == 40
    assert md == render_markdown(copy.deepcopy(doc))
    small = render_markdown(doc, max_bytes=20_000)
    assert len(small.encode("utf-8")) <= 20_000


def test_markdown_is_deterministic(document):
    shuffled = copy.deepcopy(document)
    shuffled["tests"].reverse()
    assert render_markdown(document) == render_markdown(shuffled) == render_markdown(copy.deepcopy(document))


def test_append_step_summary(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    assert append_step_summary("## hello\n") is False
    target = tmp_path / "summary.md"
    target.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    assert append_step_summary("## hello\n") is True
    assert append_step_summary("## again") is True
    assert target.read_text(encoding="utf-8") == "earlier step\n\n## hello\n\n## again\n"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", "")
    assert append_step_summary("x") is False


# -- a document from a real run ----------------------------------------------------------

SUITE = '''
import pytest
import behavetest as bt

def keywords(texts):
    return [[0.8, 0.2] if any(w in t for w in ("bad", "awful", "not")) else [0.3, 0.7] for t in texts]

def strict(texts):
    return [[0.8, 0.2] if any(w in t for w in ("bad", "awful", "not", "<script>")) else [0.3, 0.7] for t in texts]

MODELS = [bt.Model(keywords, labels=["negative", "positive"], name="kw"),
          bt.Model(strict, labels=["negative", "positive"], name="kw-strict")]

@pytest.fixture(params=MODELS, ids=lambda m: m.name)
def model(request):
    return request.param

SLICES = {"short": lambda x: len(x.split()) < 3, "with <tag>": lambda x: "<" in x}
POS = ["good", "a great film", "I loved it", "<script>document.documentElement.setAttribute('data-xss','1')</script> fine"]
NEG = ["bad", "awful acting", "boring", "dull plot"]

def test_vocab(behave, model):
    behave.mft(model, POS + NEG, labels=["positive"] * 4 + ["negative"] * 4, capability="Vocabulary",
               max_fail_rate=0.9, slices=SLICES)

def test_negation(behave, model):
    behave.mft(model, ["not good", "never good", "good"], expect=bt.expect.label("negative"),
               capability="Negation", slices=SLICES)
'''


@pytest.fixture(scope="module")
def run_document(tmp_path_factory) -> dict:
    import subprocess
    import sys

    where = tmp_path_factory.mktemp("run")
    (where / "test_suite.py").write_text(SUITE, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "--behave",
                           "--behave-json", "out.json", "-q", "test_suite.py"], cwd=where, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((where / "out.json").read_text(encoding="utf-8"))


def test_reports_of_a_real_run(run_document):
    doc = run_document
    page, md = render_html(doc), render_markdown(doc)
    text = text_of(page)
    assert sorted(doc["summary"]) == ["kw", "kw-strict"]
    for model, caps in doc["summary"].items():
        for cap, s in caps.items():
            expected = f"{cap} {s['tests']} {s['cases']} {s['failures']} {s['failures'] / s['cases']:.1%} " \
                       f"{ci_text(s['failures'], s['cases'])}"
            assert expected in text
            assert (f"| {cap} | {s['tests']} | {s['cases']} | {s['failures']} | {s['failures'] / s['cases']:.1%} | "
                    f"{ci_text(s['failures'], s['cases'])} |") in md
    # Hand-worked counts: keywords misses "boring" and "dull plot" (2 of 8); strict also calls the script input
    # negative (3 of 8). Negation: "never good" and "good" fail for both models (2 of 3).
    assert (doc["summary"]["kw"]["Vocabulary"]["failures"], doc["summary"]["kw-strict"]["Vocabulary"]["failures"]) == (2, 3)
    assert '<th scope="col">with &lt;tag&gt;</th>' in page and "| capability | all cases | short | with \\<tag\\> |" in md
    assert "short" in page
    # Slice "with <tag>": only the script input, which kw-strict gets wrong.
    assert f"100.0% {ci_text(1, 1)} n=1" in text and f"0.0% {ci_text(0, 1)} n=1" in text
    assert "<script>document" not in page and "&lt;script&gt;document.documentElement" in page
    assert "<svg class=\"chart\"" in page
    assert render_html(json.loads(json.dumps(doc))) == page


# --------------------------------------------------------------------------------------
# Bounded JSON: failing case identifiers are capped per test, with a count of the rest
# --------------------------------------------------------------------------------------

def test_the_json_report_caps_failing_case_ids_and_counts_the_rest(tmp_path):
    from behavetest._gate.baseline import entry_from_result, load_entries
    from behavetest._gate.regression import compare_test
    from behavetest._report.writers import FAILING_IDS_KEPT, write_reports

    ids = sorted(f"{i:016x}" for i in range(FAILING_IDS_KEPT + 1500))
    big = Result(name="t", nodeid="f.py::t", model="m", capability="C", type="INV", cases=5000,
                 failures=len(ids), seed=0).to_dict()
    big.update(failing_cases=ids, cases_digest="d" * 32)
    small = {**big, "name": "u", "failing_cases": ids[:3], "failures": 3}
    document = {"schema_version": 1, "tests": [big, small]}
    path = tmp_path / "run.json"
    write_reports(document, json_path=path)
    written = json.loads(path.read_text(encoding="utf-8"))
    first, second = written["tests"]
    assert first["failing_cases"] == ids[:FAILING_IDS_KEPT] and first["failing_cases_omitted"] == 1500
    assert first["failures"] == len(ids)  # the counts are exact, only the list is shortened
    assert second["failing_cases"] == ids[:3] and "failing_cases_omitted" not in second
    assert big["failing_cases"] == ids  # the results themselves (and so the baselines) keep every id
    # a capped run file cannot pair cases with a baseline: its comparison uses the counts (Fisher)
    assert entry_from_result(first)["cases_digest"] == "" and entry_from_result(big)["cases_digest"] == "d" * 32
    assert compare_test(entry_from_result(big), entry_from_result(first))["test"] == "fisher"
    assert compare_test(entry_from_result(big), entry_from_result(big))["test"] == "mcnemar"
    assert load_entries(path, keep_errors=True)[0]["m"]
