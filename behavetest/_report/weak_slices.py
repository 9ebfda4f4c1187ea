"""The "weak slices" sections of the HTML and Markdown reports, from the document's ``discovery``.

The document's ``discovery`` is what :func:`behavetest.discover` gives as a dict;
an absent or malformed one gives no section. Every string is escaped by the caller's
escaping function (``esc`` for HTML, ``md`` for Markdown).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from .svg import STATUS_COLOURS, Bar, esc, pct, rate_chart
from .view import ci_text, p_text

SLICE_COLOUR = STATUS_COLOURS["fail"]
REST_COLOUR = STATUS_COLOURS["tracked"]
MAX_FINDINGS_MD = 10


def findings(document: Mapping[str, Any]) -> tuple[Mapping[str, Any] | None, list[Mapping[str, Any]]]:
    discovery = document.get("discovery")
    if not isinstance(discovery, Mapping) or not isinstance(discovery.get("findings"), list):
        return None, []
    good = [f for f in discovery["findings"] if isinstance(f, Mapping) and {"slice", "cases", "failures", "ci",
            "rest_cases", "rest_failures", "p_adjusted", "model", "capability", "name"} <= set(f)]
    return discovery, good


def settings_text(discovery: Mapping[str, Any], count: int) -> str:
    return (f"{count} weak slice{'' if count == 1 else 's'} among {discovery.get('candidates', '?')} candidate slices "
            f"of {discovery.get('tests', '?')} tests: each fails significantly more often than the rest of its test "
            f"(one-sided exact test, Benjamini-Hochberg false-discovery rate q={discovery.get('q', '?')}, at least "
            f"{discovery.get('min_support', '?')} cases and {pct(discovery.get('min_effect'))} above the rest).")


def _rest(f: Mapping[str, Any]) -> tuple[float | None, list[float]]:
    from .._measure.stats import wilson

    n, k = int(f["rest_cases"]), int(f["rest_failures"])
    return (k / n if n else None), list(wilson(k, n))


def html_section(document: Mapping[str, Any], uid: Callable[[str], str]) -> str:
    discovery, found = findings(document)
    if discovery is None:
        return ""
    out = ['<section id="weak-slices"><h2>Weak slices</h2>',
           f'<p class="explain">{esc(settings_text(discovery, len(found)))}</p>']
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for f in found:
        groups.setdefault((str(f["model"]), str(f["capability"])), []).append(f)
    for (model, capability), items in sorted(groups.items()):
        bars: list[Bar] = []
        for f in items:
            rest_rate, rest_ci = _rest(f)
            rate = f["failures"] / f["cases"] if f["cases"] else None
            bars.append(Bar(f"{f['name']}", heading=True))
            bars.append(Bar(str(f["slice"]), rate, f["ci"][0], f["ci"][1], colour=SLICE_COLOUR,
                            value=f"{pct(rate)}  ({f['failures']}/{f['cases']})", indent=1,
                            tooltip=f"{f['slice']}: {f['failures']} of {f['cases']} failed, 95% CI "
                                    f"{ci_text(f['ci'], f['cases'])}, adjusted p {p_text(f['p_adjusted'])}"))
            bars.append(Bar("rest of the test", rest_rate, rest_ci[0], rest_ci[1], colour=REST_COLOUR,
                            value=f"{pct(rest_rate)}  ({f['rest_failures']}/{f['rest_cases']})", indent=1,
                            tooltip=f"the other {f['rest_cases']} cases: {f['rest_failures']} failed"))
        chart = rate_chart(bars, title=f"Weak slices of {capability}, model {model}",
                           desc="Failure rate of each weak slice (red) against the rest of its test (grey), "
                                "with 95% intervals", uid=uid("weak"))
        out.append(f'<article class="model"><h3>{esc(capability)} <span class="name">({esc(model)})</span></h3>'
                   f"<figure>{chart}<figcaption>Weak slices (red) against the rest of their test (grey)"
                   "</figcaption></figure>")
        for f in items:
            out.append(_html_finding(f))
        out.append("</article>")
    if not found:
        out.append("<p>No slice fails significantly more often than the rest of its test.</p>")
    out.append("</section>")
    return "".join(out)


def _html_finding(f: Mapping[str, Any]) -> str:
    parts = [f"<details><summary><strong>{esc(f['name'])}</strong>: <code>{esc(f['slice'])}</code> "
             f"{esc(f['failures'])}/{esc(f['cases'])} failed ({esc(pct(f['failures'] / f['cases'] if f['cases'] else None))}, "
             f"95% CI {esc(ci_text(f['ci'], f['cases']))}), adjusted p {esc(p_text(f['p_adjusted']))}</summary>"]
    examples = [e for e in f.get("examples") or [] if isinstance(e, str)]
    if examples:
        parts.append("<p>Failing cases in the slice:</p><ul>" + "".join(f"<li><code>{esc(e)}</code></li>" for e in examples)
                     + "</ul>")
    related = [r for r in f.get("related") or [] if isinstance(r, Mapping) and "slice" in r]
    if related:
        more = int(f.get("related_count") or len(related)) - len(related)
        parts.append("<p>Related slices (listed under this finding, not as findings of their own):</p><ul>"
                     + "".join(f"<li>{esc(r.get('relation', ''))}: <code>{esc(r['slice'])}</code> "
                               f"{esc(r.get('failures', '?'))}/{esc(r.get('cases', '?'))} failed</li>" for r in related)
                     + (f"<li>and {more} more</li>" if more > 0 else "") + "</ul>")
    parts.append("</details>")
    return "".join(parts)


def markdown_lines(document: Mapping[str, Any], md: Callable[..., str]) -> list[str]:
    discovery, found = findings(document)
    if discovery is None:
        return []
    out = ["### Weak slices", "", md(settings_text(discovery, len(found)), None), ""]
    if found:
        out += ["| capability | test | slice | failed | rate (95% CI) | rest | adjusted p |",
                "| --- | --- | --- | ---: | ---: | ---: | ---: |"]
        for f in found[:MAX_FINDINGS_MD]:
            rest_rate, _ = _rest(f)
            rate = f["failures"] / f["cases"] if f["cases"] else None
            out.append(f"| {md(f['capability'])} | {md(f['name'])} | {md(f['slice'])} | {f['failures']}/{f['cases']} | "
                       f"{pct(rate)} ({ci_text(f['ci'], f['cases'])}) | {pct(rest_rate)} | {p_text(f['p_adjusted'])} |")
        if len(found) > MAX_FINDINGS_MD:
            out += ["", f"_{len(found) - MAX_FINDINGS_MD} more in the HTML/JSON report._"]
        out.append("")
    return out


def _regressions(document: Mapping[str, Any]) -> tuple[Mapping[str, Any] | None, list[Mapping[str, Any]]]:
    comparison = document.get("slice_comparison")
    if not isinstance(comparison, Mapping) or not isinstance(comparison.get("findings"), list):
        return None, []
    need = {"slice", "cases", "before_failures", "after_failures", "regressed", "improved", "p_adjusted", "name",
            "capability"}
    return comparison, [f for f in comparison["findings"] if isinstance(f, Mapping) and need <= set(f)]


def _regression_cells(f: Mapping[str, Any]) -> list[str]:
    n = f["cases"]
    return [f"{f['before_failures']}/{n} \u2192 {f['after_failures']}/{n}",
            f"{pct(f['before_failures'] / n if n else None)} \u2192 {pct(f['after_failures'] / n if n else None)}",
            str(f["regressed"]), str(f["improved"]), p_text(f["p_adjusted"])]


def regressions_html(document: Mapping[str, Any]) -> str:
    comparison, found = _regressions(document)
    if comparison is None:
        return ""
    head = "".join(f"<th>{h}</th>" for h in ("capability", "test", "slice", "failed before \u2192 now", "rate",
                                                "regressed", "improved", "adjusted p"))
    rows = []
    for f in found:
        examples = "".join(f"<li>regressed: <code>{esc(e)}</code></li>" for e in f.get("regressed_examples") or [])
        examples += "".join(f"<li>improved: <code>{esc(e)}</code></li>" for e in f.get("improved_examples") or [])
        cells = [esc(f["capability"]), esc(f["name"]), f"<code>{esc(f['slice'])}</code>"
                 + (f"<ul>{examples}</ul>" if examples else ""), *(esc(c) for c in _regression_cells(f))]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    body = (f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            if rows else "<p>No slice's failure rate rose significantly.</p>")
    return ('<section id="slice-regressions"><h2>Slices that regressed against the baseline</h2>'
            f'<p class="explain">{esc(_regression_settings(comparison, len(found)))}</p>{body}</section>')


def _regression_settings(comparison: Mapping[str, Any], count: int) -> str:
    return (f"{count} slice{'' if count == 1 else 's'} whose failure rate rose significantly, among "
            f"{comparison.get('candidates', '?')} candidate slices of {comparison.get('compared', '?')} compared tests "
            f"(one-sided exact sign test on the cases that changed, Benjamini-Hochberg q={comparison.get('q', '?')}).")


def regressions_markdown(document: Mapping[str, Any], md: Callable[..., str]) -> list[str]:
    comparison, found = _regressions(document)
    if comparison is None:
        return []
    out = ["### Slices that regressed", "", md(_regression_settings(comparison, len(found)), None), ""]
    if found:
        out += ["| capability | test | slice | failed before \u2192 now | rate | regressed | improved | adjusted p |",
                "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"]
        out += [f"| {md(f['capability'])} | {md(f['name'])} | {md(f['slice'])} | " + " | ".join(_regression_cells(f)) + " |"
                for f in found[:MAX_FINDINGS_MD]]
        out.append("")
    return out
