"""The HTML report: one self-contained static page rendered from the ``--behave-json`` document.

:func:`render_html` takes the document (a dict, as ``json.load`` returns it) and
returns the page. The page needs nothing from the network: CSS and the small
script are inline, the charts are inline SVG, fonts are the system's. Every
string that comes from the document is escaped with ``html.escape`` where it is
written (text, attributes, SVG titles). The same document gives the same bytes.

The document is read through :func:`behavetest._report.view.read_document`, the
tolerant view that the Markdown renderer shares.
"""

from __future__ import annotations

import difflib
from typing import Any, Iterable, Mapping

from .view import (STATUSES, Report, _count, _interval, _number, _scalar, _text, baseline_p, baseline_rate,
                           ci_text, comparison_rows, p_text, pp, prediction_text, read_document, regression_rows,
                           value_text)
from .html_assets import CSP, CSS, SCRIPT
from .weak_slices import html_section, regressions_html
from .svg import MODEL_COLOURS, STATUS_COLOURS, Bar, Change, change_chart, esc, legend, pct, rate_chart

STATUS_TEXT = {"pass": "\u2713 pass", "fail": "\u2717 FAIL", "error": "! ERROR", "tracked": "\u25e6 tracked",
               "n/a": "n/a"}
VERDICT_TEXT = {"regressed": "\u25b2 regressed", "improved": "\u25bc improved", "within tolerance": "within tolerance"}
MAX_EXAMPLES = 10  # per test in the HTML report
MAX_VALUE_CHARS = 2000  # an input longer than this is cut (with a note) in the report


# -- HTML building blocks ----------------------------------------------------------------


def _badge(status: str) -> str:
    return f'<span class="badge s-{esc(status.replace("/", ""))}">{esc(STATUS_TEXT.get(status, status))}</span>'


def _verdict(verdict: Any) -> str:
    v = _text(verdict, "-")
    cls = v.replace(" ", "-") if v in ("regressed", "improved", "within tolerance", "not significant") else "other"
    return f'<span class="verdict v-{esc(cls)}">{esc(VERDICT_TEXT.get(v, v))}</span>'


def _cut(text: str) -> tuple[str, bool]:
    return (text, False) if len(text) <= MAX_VALUE_CHARS else (text[:MAX_VALUE_CHARS], True)


def _diff_html(before: str, after: str) -> str:
    """``after`` with the characters that differ from ``before`` marked (each piece escaped)."""
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        piece = esc(after[j1:j2])
        if op == "equal":
            out.append(piece)
        elif op == "delete":
            out.append(f'<mark class="gap" title="{esc("removed: " + before[i1:i2])}"></mark>')
        else:
            out.append(f"<mark>{piece}</mark>")
    return "".join(out)


def _value_html(value: Any, original: Any = None, *, compare: bool = False) -> str:
    """An input for a table cell; strings keep their whitespace, dict rows become a key=value table.

    With ``compare``, what changed relative to ``original`` is highlighted.
    """
    if value is None and not compare:
        return '<span class="none">-</span>'
    if isinstance(value, dict):
        rows = []
        for k, v in value.items():
            changed = compare and isinstance(original, dict) and (k not in original or original[k] != v)
            cell = esc(_cut(value_text(v) if isinstance(v, (dict, list)) else _scalar(v))[0])
            rows.append(f'<tr{" class=changed" if changed else ""}><th scope="row">{esc(k)}</th>'
                        f'<td>{f"<mark>{cell}</mark>" if changed else cell}</td></tr>')
        return f'<table class="kv">{"".join(rows)}</table>'
    text, cut = _cut(value if isinstance(value, str) else value_text(value))
    if compare and isinstance(original, str) and isinstance(value, str):
        body = _diff_html(_cut(original)[0], text)
    else:
        body = esc(text)
    more = f' <span class="note">(cut at {MAX_VALUE_CHARS} characters)</span>' if cut else ""
    return f'<span class="input">{body}</span>{more}'


def _prediction_html(p: Any) -> str:
    text = prediction_text(p)
    detail = ""
    if isinstance(p, dict) and isinstance(p.get("probs"), dict):
        detail = ", ".join(f"{k}: {prediction_num(v)}" for k, v in p["probs"].items())
    title = f' title="{esc(detail)}"' if detail else ""
    return f'<span class="pred"{title}>{esc(text)}</span>'


def prediction_num(v: Any) -> str:
    n = _number(v)
    return "-" if n is None else f"{n:.3f}"


def _table(headers: list[str], rows: list[list[str]], *, caption: str = "", cls: str = "grid",
           numeric: Iterable[int] = (), row_headers: int = 1) -> str:
    """A table from already-escaped cells; the first ``row_headers`` cells of a row are row headers."""
    numeric = set(numeric)

    def align(i: int) -> str:
        return ' class="num"' if i in numeric else ""

    head = "".join(f'<th scope="col"{align(i)}>{h}</th>' for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            if cell.startswith("<td") or cell.startswith("<th"):
                cells.append(cell)
            elif i < row_headers:
                cells.append(f'<th scope="row"{align(i)}>{cell}</th>')
            else:
                cells.append(f"<td{align(i)}>{cell}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    cap = f"<caption>{caption}</caption>" if caption else ""
    return (f'<div class="scroll"><table class="{cls}">{cap}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


class _Ids:
    """Stable element ids: a prefix and a running number, in rendering order."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}-{self.n}"


# -- sections ----------------------------------------------------------------------------


def _header(r: Report) -> str:
    counts = r.counts
    n = len(r.tests)
    failing = counts["fail"] + counts["error"]
    if not n:
        headline = "No behavioral tests in this run."
        cls = "s-na"
    elif failing:
        headline = f"{failing} of {n} behavioral tests failing"
        cls = "s-fail"
    else:
        headline = f"All {n} behavioral tests pass or are tracked"
        cls = "s-pass"
    chips = "".join(f'<li>{_badge(s)} <span class="count">{counts[s]}</span></li>' for s in STATUSES if counts[s])
    seed = "" if r.seed is None else f" \u00b7 seed {esc(r.seed)}"
    regressions = ""
    if r.baseline is not None:
        regs = regression_rows(r.baseline)
        listed = r.baseline.get("regressions")
        total = len(listed) if isinstance(listed, list) else len(regs)
        if total:
            items = "".join(
                f'<li><strong>{esc(x["model"])} / {esc(x["capability"])} / {esc(x["test"])}</strong>: fail rate '
                f'{esc(pct(baseline_rate(x["entry"], "base")))} \u2192 {esc(pct(baseline_rate(x["entry"], "new")))} '
                f'({esc(pp(x["entry"].get("delta_pp")))}, p = {esc(p_text(baseline_p(x["entry"])))})</li>'
                for x in regs)
            regressions = (f'<div class="alert" role="alert"><h2>\u25b2 {total} significant regression'
                           f'{"s" if total != 1 else ""} against the baseline</h2><ul>{items}</ul>'
                           f'<p><a href="#baseline">Baseline comparison</a></p></div>')
    return (f'<header><h1>Behavioral test report</h1>'
            f'<p class="meta">behavetest {esc(r.version)} \u00b7 schema {esc(r.schema_version)}{seed} \u00b7 '
            f'{len(r.models)} model{"s" if len(r.models) != 1 else ""} \u00b7 '
            f'{len(r.capabilities)} capabilit{"ies" if len(r.capabilities) != 1 else "y"} \u00b7 {n} tests</p>'
            f'{_incomplete(r)}<p class="headline {cls}">{esc(headline)}</p><ul class="chips">{chips}</ul>'
            f'{regressions}</header>')


def _incomplete(r: Report) -> str:
    if not r.incomplete_text:
        return ""
    return f'<div class="alert" role="alert"><h2>\u26a0 {esc(r.incomplete_text)}</h2></div>'


def _nav(r: Report, *, weak: bool = False) -> str:
    links = [("overview", "Overview")]
    if len(r.models) > 1:
        links.append(("comparison", "Models side by side"))
    if r.slice_names:
        links.append(("slices", "Capability \u00d7 slice"))
    if weak:
        links.append(("weak-slices", "Weak slices"))
    if r.baseline is not None:
        links.append(("baseline", "Baseline"))
    links.append(("tests", "Tests and failing examples"))
    items = "".join(f'<li><a href="#{i}">{esc(t)}</a></li>' for i, t in links)
    return f'<nav aria-label="Sections"><ul>{items}</ul></nav>'


def _bar_value(s: Mapping[str, Any]) -> str:
    if not s["cases"]:
        return "no cases"
    return f"{pct(s['fail_rate'])}  ({s['failures']}/{s['cases']})"


def _tooltip(label: str, s: Mapping[str, Any], threshold: float | None = None, status: str | None = None) -> str:
    text = (f"{label}: {s['failures']} of {s['cases']} cases failed, fail rate {pct(s['fail_rate'])}, "
            f"95% CI {ci_text(s['ci'], s['cases'])}")
    if threshold is not None:
        text += f", max fail rate {pct(threshold)}"
    if status:
        text += f", {status}"
    return text


def _overview(r: Report, ids: _Ids) -> str:
    out = ['<section id="overview"><h2>Overview</h2>'
           '<p class="explain">Failure rate per capability (pooled over its tests) and per test. Bars show the rate, '
           'whiskers the 95% Wilson interval, the dark tick the test\'s <code>max_fail_rate</code>. '
           'Tests without a threshold are <em>tracked</em>: measured, never failed.</p>']
    out.append(legend([(STATUS_COLOURS[s], STATUS_TEXT[s]) for s in ("pass", "fail", "tracked", "error")],
                      uid=ids("legend"), title="Legend: bar colour is the status"))
    for model in r.models:
        caps = r.summary[model]
        bars: list[Bar] = []
        for cap, s in caps.items():
            threshold = r.threshold(model, cap)
            bars.append(Bar(cap, s["fail_rate"], s["ci"][0], s["ci"][1], threshold,
                            STATUS_COLOURS.get(s["status"], "#9e9e9e"), _bar_value(s),
                            _tooltip(cap, s, threshold, s["status"]), strong=True))
            tests = r.tests_of(model, cap)
            if len(tests) > 1 or (tests and tests[0]["name"] != cap):
                for t in tests:
                    bars.append(Bar(t["name"], t["fail_rate"], t["ci"][0], t["ci"][1], t["max_fail_rate"],
                                    STATUS_COLOURS.get(t["status"], "#9e9e9e"), _bar_value(t),
                                    _tooltip(f"{t['name']} ({t['type']})", t, t["max_fail_rate"], t["status"]),
                                    indent=1))
        rows = []
        for cap, s in caps.items():
            threshold = r.threshold(model, cap)
            rows.append([esc(cap), str(s["tests"]), str(s["cases"]), str(s["failures"]), esc(pct(s["fail_rate"])),
                         esc(ci_text(s["ci"], s["cases"])), esc(pct(threshold)) if threshold is not None else "-",
                         _badge(s["status"])])
        chart = rate_chart(bars, title=f"Failure rates of model {model}",
                           desc=f"Failure rate with 95% interval per capability and test of model {model}",
                           uid=ids("chart"))
        out.append(f'<article class="model"><h3>Model <span class="name">{esc(model)}</span></h3>'
                   f'<figure>{chart}<figcaption>Failure rate per capability (bold) and test (indented), '
                   f'model {esc(model)}</figcaption></figure>'
                   + _table(["capability", "tests", "cases", "failed", "fail rate", "95% CI", "max", "status"], rows,
                            caption=f"Capabilities of model {esc(model)}", numeric=range(1, 7))
                   + "</article>")
    if not r.models:
        out.append("<p>No behavioral tests ran.</p>")
    out.append("</section>")
    return "".join(out)


def _comparison(r: Report, ids: _Ids) -> str:
    if len(r.models) < 2:
        return ""
    colours = {m: MODEL_COLOURS[i % len(MODEL_COLOURS)] for i, m in enumerate(r.models)}
    bars: list[Bar] = []
    rows = []
    for cap in r.capabilities:
        bars.append(Bar(cap, heading=True))
        row = [esc(cap)]
        for model in r.models:
            s = r.summary[model].get(cap)
            if s is None:
                row.append('<span class="none">not run</span>')
                continue
            threshold = r.threshold(model, cap)
            bars.append(Bar(model, s["fail_rate"], s["ci"][0], s["ci"][1], threshold, colours[model], _bar_value(s),
                            _tooltip(f"{cap} / {model}", s, threshold, s["status"]), indent=1))
            row.append(f'<span class="rate">{esc(pct(s["fail_rate"]))}</span> '
                       f'<span class="ci">{esc(ci_text(s["ci"], s["cases"]))}</span> {_badge(s["status"])}')
        rows.append(row)
    chart = rate_chart(bars, title="Failure rate per capability, models side by side",
                       desc="For each capability, one bar per model with its 95% interval", uid=ids("chart"))
    return ('<section id="comparison"><h2>Models side by side</h2>'
            '<p class="explain">The same capabilities measured on each model. Overlapping intervals mean the '
            'difference may be noise.</p>'
            + legend([(colours[m], m) for m in r.models], uid=ids("legend"), title="Legend: bar colour is the model")
            + f"<figure>{chart}<figcaption>Failure rate per capability and model</figcaption></figure>"
            + _table(["capability", *(esc(m) for m in r.models)], rows,
                     caption="Fail rate, 95% CI and status per capability and model", numeric=range(1, len(r.models) + 1))
            + "</section>")


def _heat(rate: float | None) -> str:
    """A background from near-white (0%) to strong red (100%); the text stays readable on it."""
    if rate is None:
        return ""
    light = 97 - 37 * min(1.0, max(0.0, rate))
    return f' style="background:hsl(4,78%,{light:.0f}%)"'


def _slice_cell(s: Mapping[str, Any] | None) -> str:
    if s is None:
        return '<td class="cell empty"><span class="none">-</span></td>'
    title = (f"{s['failures']} of {s['cases']} cases failed; 95% CI {ci_text(s['ci'], s['cases'])}"
             if s["cases"] else "no applicable cases")
    return (f'<td class="cell"{_heat(s["fail_rate"])} title="{esc(title)}">'
            f'<span class="rate">{esc(pct(s["fail_rate"]))}</span>'
            f'<span class="ci">{esc(ci_text(s["ci"], s["cases"]))}</span>'
            f'<span class="n">n={s["cases"]}</span></td>')


def _slices(r: Report) -> str:
    if not r.slice_names:
        return ""
    several = len(r.models) > 1
    headers = ["capability", *(["model"] if several else []), "all cases", *(esc(n) for n in r.slice_names)]
    rows = []
    for cap in r.capabilities:
        models = [m for m in r.models if cap in r.summary[m]]
        for i, model in enumerate(models):
            row = []
            if i == 0:
                span = f' rowspan="{len(models)}"' if several and len(models) > 1 else ""
                row.append(f'<th scope="row"{span}>{esc(cap)}</th>')
            if several:
                row.append(f'<th scope="row" class="sub">{esc(model)}</th>')
            row.append(_slice_cell(r.summary[model][cap]))
            cells = r.slices.get(model, {}).get(cap, {})
            row.extend(_slice_cell(cells.get(n)) for n in r.slice_names)
            rows.append(row)
    table = _table(headers, rows, cls="grid matrix",
                   caption="Fail rate, 95% Wilson interval and number of cases per capability and slice, pooled "
                           "over the capability's tests (darker is worse; - means no case fell in the slice)")
    return ('<section id="slices"><h2>Capability \u00d7 slice</h2>'
            '<p class="explain">Where in the data each capability fails. A slice is a named subset of the inputs; '
            'small slices have wide intervals.</p>' + table + "</section>")


def _baseline(r: Report, ids: _Ids) -> str:
    b = r.baseline
    if b is None:
        return ""
    settings = []
    if b.get("directory") is not None:
        settings.append(f"against <code>{esc(b['directory'])}</code>")
    if _number(b.get("alpha")) is not None:
        settings.append(f"significance level {esc(format(b['alpha'], 'g'))}")
    hyp = _count(b.get("hypotheses"))
    holm = b.get("correction") == "holm" and hyp > 1
    if holm:
        settings.append(f"p-values Holm-adjusted over {hyp} comparisons")
    elif b.get("correction") == "none":
        settings.append("p-values not adjusted for multiple comparisons")
    if _number(b.get("tolerance_pp")) is not None:
        settings.append(f"tolerance {esc(format(b['tolerance_pp'], 'g'))} pp")
    regs = b.get("regressions")
    n_regs = len(regs) if isinstance(regs, list) else len(regression_rows(b))
    verdict = (f'<p class="headline s-fail">{n_regs} significant regression{"s" if n_regs != 1 else ""}</p>' if n_regs
               else '<p class="headline s-pass">No significant regression against the baseline'
               + (' among the tests that ran (the run is incomplete)' if not r.complete else '') + '</p>')
    out = [f'<section id="baseline"><h2>Baseline comparison</h2>{verdict}'
           f'<p class="explain">{"; ".join(settings) + "." if settings else ""} Change is in percentage points (pp); '
           'p is the one-sided p-value for a regression (exact McNemar test when both runs saw the same cases, '
           'Fisher\'s exact test otherwise), adjusted for multiple comparisons where stated.</p>']
    models = b.get("models") if isinstance(b.get("models"), dict) else {}
    all_rows = comparison_rows(b)
    for model in sorted(models, key=str):
        m = models[model]
        if not isinstance(m, dict):
            continue
        out.append(f'<article class="model"><h3>Model <span class="name">{esc(model)}</span></h3>')
        if m.get("status") == "no baseline":
            out.append('<p class="note">No baseline for this model yet: this run records it.</p></article>'
                       if b.get("gate") is False else
                       '<p class="note">No baseline for this model: nothing to compare '
                       '(create one with <code>--behave-update-baseline</code>).</p></article>')
            continue
        caps = m.get("capabilities") if isinstance(m.get("capabilities"), dict) else {}
        changes = []
        for cap in sorted(caps, key=str):
            c = caps[cap]
            if not isinstance(c, dict):
                continue
            before, after = baseline_rate(c, "base"), baseline_rate(c, "new")
            v = _text(c.get("verdict"), "-")
            changes.append(Change(str(cap), before, after, v, f"{pct(before)} \u2192 {pct(after)} ({pp(c.get('delta_pp'))})",
                                  f"{cap}: {pct(before)} \u2192 {pct(after)}, {pp(c.get('delta_pp'))}, "
                                  f"p = {p_text(baseline_p(c))}, {v}"))
        if changes:
            chart = change_chart(changes, title=f"Baseline vs now, per capability, model {model}",
                                 desc="Hollow dot: baseline fail rate; filled dot: this run", uid=ids("chart"))
            out.append(f'<figure>{chart}<figcaption>Fail rate per capability: baseline (hollow) \u2192 this run '
                       f'(filled; colour is the verdict), model {esc(model)}</figcaption></figure>')
        rows = []
        for row in (x for x in all_rows if x["model"] == str(model)):
            e = row["entry"]
            cases = "-"
            if e.get("regressed") is not None:
                cases = f"+{_count(e.get('regressed'))} / \u2212{_count(e.get('improved'))}"
            test_kind = {"mcnemar": "McNemar", "fisher": "Fisher"}.get(e.get("test"), _text(e.get("test"), "-"))
            reason = f'<div class="note">{esc(e["reason"])}</div>' if e.get("reason") else ""
            name = f"<strong>{esc(row['test'])}</strong>" if row["pooled"] else esc(row["test"])
            rows.append([esc(row["capability"]), name, esc(pct(baseline_rate(e, "base"))),
                         esc(pct(baseline_rate(e, "new"))), esc(pp(e.get("delta_pp"))), esc(cases), esc(test_kind),
                         esc(p_text(baseline_p(e))), _verdict(e.get("verdict")) + reason])
        if rows:
            out.append(_table(["capability", "test", "before", "now", "change", "cases +/\u2212", "test",
                               "p (Holm-adjusted)" if holm else "p", "verdict"], rows, caption=f"Per test and capability, model {esc(model)}",
                              numeric=range(2, 8), row_headers=2))
        not_run = m.get("not_run")
        if isinstance(not_run, list) and not_run:
            out.append(f'<p class="note">{len(not_run)} baseline test(s) not run in this session '
                       "(kept in the baseline, not compared).</p>")
        out.append("</article>")
    out.append("</section>")
    return "".join(out)


def _examples(t: Mapping[str, Any]) -> str:
    examples = t["examples"][:MAX_EXAMPLES]
    if not examples:
        return ""
    pairwise = any("perturbed" in e or "minimal" in e for e in examples)
    rows = []
    for i, e in enumerate(examples, 1):
        original = e.get("input")
        if pairwise:
            minimal = e.get("minimal_prediction") is not None or "minimal" in e
            rows.append([str(i), _value_html(original), _prediction_html(e.get("prediction")),
                         _value_html(e.get("minimal"), original, compare=True) if minimal else '<span class="none">-</span>',
                         _prediction_html(e.get("minimal_prediction")) if minimal else '<span class="none">-</span>',
                         _value_html(e.get("perturbed"), original, compare=True) if "perturbed" in e
                         else '<span class="none">-</span>',
                         _prediction_html(e.get("perturbed_prediction")) if "perturbed" in e
                         else '<span class="none">-</span>'])
        else:
            expected = e.get("expected")
            rows.append([str(i), _value_html(original), _prediction_html(e.get("prediction")),
                         esc(expected) if expected is not None else '<span class="none">-</span>'])
    if pairwise:
        headers = ["#", "original", "prediction", "minimal failing perturbation", "prediction",
                   "sampled failing perturbation", "prediction"]
        note = ('Changes from the original are <mark>highlighted</mark>. The minimal failing perturbation is the '
                'smallest change found that still breaks the expectation.')
    else:
        headers = ["#", "input", "prediction", "expected"]
        note = ""
    more = len(t["examples"]) - len(examples)
    extra = f" ({more} more not shown)" if more > 0 else ""
    return (f'<h5>Failing examples{esc(extra)}</h5>' + (f'<p class="explain">{note}</p>' if note else "")
            + _table(headers, rows, cls="grid examples", numeric=(0,)))


def _test_card(r: Report, t: Mapping[str, Any], tid: str) -> str:
    facts: list[tuple[str, str]] = [
        ("cases", f"{t['failures']} of {t['cases']} failed"),
        ("fail rate", f"{pct(t['fail_rate'])} (95% CI {ci_text(t['ci'], t['cases'])})"),
        ("max fail rate", pct(t["max_fail_rate"]) if t["max_fail_rate"] is not None else "none (tracked)"),
    ]
    if t.get("nodeid"):
        facts.append(("test", t["nodeid"]))
    if t.get("expectation"):
        facts.append(("expectation", str(t["expectation"])))
    if t.get("perturbation"):
        samples = f" ({t['samples']} sample{'s' if t['samples'] != 1 else ''} per input)" if isinstance(
            t.get("samples"), int) and not isinstance(t.get("samples"), bool) else ""
        facts.append(("perturbation", f"{t['perturbation']}{samples}"))
    pairs = _count(t.get("pairs"))
    if pairs:
        pf = _count(t.get("pair_failures"))
        facts.append(("perturbation pairs", f"{pf} of {pairs} failed ({pct(pf / pairs)}, 95% CI "
                                            f"{ci_text(_interval(t.get('pair_ci'), pf, pairs), pairs)})"))
    if t["not_applicable"]:
        why = "(no perturbation changed them)" if t.get("perturbation") else "(filtered out by the expectation)"
        facts.append(("not applicable", f"{t['not_applicable']} inputs {why}"))
    replay = t.get("replay")
    if isinstance(replay, dict):
        facts.append(("replayed earlier failures",
                      f"{_count(replay.get('cases'))}: {_count(replay.get('still_failing'))} still fail, "
                      f"{_count(replay.get('now_passing'))} now pass (not counted in the rate)"))
    if t.get("seed") is not None:
        facts.append(("seed", str(t["seed"])))
    comparison = r.baseline_test(t)
    if comparison is not None:
        before, after = baseline_rate(comparison, "base"), baseline_rate(comparison, "new")
        verdict = _text(comparison.get("verdict"), "-")
        if before is None and after is None:
            reason = comparison.get("reason")
            facts.append(("baseline", verdict + (f" ({reason})" if reason else "")))
        else:
            facts.append(("baseline", f"{pct(before)} \u2192 {pct(after)} ({pp(comparison.get('delta_pp'))}, "
                                      f"p = {p_text(baseline_p(comparison))}, {verdict})"))
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts)
    error = f'<pre class="error">{esc(t["error"])}</pre>' if t.get("error") else ""
    slices = ""
    if t["slices"]:
        rows = [[esc(n), str(s["cases"]), str(s["failures"]), esc(pct(s["fail_rate"])), esc(ci_text(s["ci"], s["cases"]))]
                for n, s in t["slices"].items()]
        slices = "<h5>Slices</h5>" + _table(["slice", "cases", "failed", "fail rate", "95% CI"], rows,
                                            cls="grid compact", numeric=range(1, 5))
    is_open = " open" if t["status"] in ("fail", "error") or t["examples"] and t["status"] != "pass" else ""
    kind = f'<span class="type">{esc(t["type"])}</span> ' if t["type"] else ""
    return (f'<details class="test" id="{tid}"{is_open}><summary>{_badge(t["status"])} {kind}'
            f'<span class="tname">{esc(t["name"])}</span> <span class="rate">{esc(pct(t["fail_rate"]))}</span> '
            f'<span class="ci">({t["failures"]}/{t["cases"]})</span></summary>'
            f'<div class="body"><dl>{dl}</dl>{error}{slices}{_examples(t)}</div></details>')


def _tests(r: Report) -> str:
    out = ['<section id="tests"><h2>Tests and failing examples</h2>'
           '<p class="explain">Failing and errored tests, and tracked tests with failures, are expanded.</p>']
    n = 0
    for model in r.models:
        out.append(f'<article class="model"><h3>Model <span class="name">{esc(model)}</span></h3>')
        for cap in r.summary[model]:
            tests = r.tests_of(model, cap)
            if not tests:
                continue
            out.append(f"<h4>{esc(cap)}</h4>")
            for t in tests:
                n += 1
                out.append(_test_card(r, t, f"test-{n}"))
        out.append("</article>")
    out.append("</section>")
    return "".join(out)


def render_html(document: Mapping[str, Any]) -> str:
    """The self-contained HTML report of a ``--behave-json`` document."""
    r = read_document(document)
    ids = _Ids()
    title = "behavetest report"
    if r.models:
        title += ": " + ", ".join(r.models)
    weak = html_section(document, ids) + regressions_html(document)
    body = (_header(r) + _nav(r, weak=bool(weak)) + _overview(r, ids) + _comparison(r, ids) + _slices(r) + weak
            + _baseline(r, ids) + _tests(r))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}\n"
        f'<footer>Generated by behavetest {esc(r.version)} from its JSON results (schema {esc(r.schema_version)}). '
        "Intervals are 95% Wilson score intervals. This page is self-contained and works offline.</footer>\n"
        f"</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )
