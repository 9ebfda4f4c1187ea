"""The Markdown report: a summary of a ``--behave-json`` document fit for a pull-request comment.

:func:`render_markdown` gives, in this order: a headline, the baseline
regressions (when the document has a baseline comparison), a capability table per
model, the models side by side, the capability x slice table, and up to
:data:`EXAMPLES_PER_TEST` failing examples per failing test. The text stays under
:data:`MAX_BYTES` (GitHub rejects comments over 65,536 characters): examples, then
slice tables, then table rows are left out, each with a note saying so.

Every string from the document is escaped for a table cell: Markdown and HTML
punctuation is backslash-escaped, ``|`` cannot end a cell, newlines become
``<br>``, and ``@`` gets a zero-width space after it so that a test input such as
``@someone`` does not notify a GitHub user.

:func:`append_step_summary` appends the Markdown to ``$GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

import os
import re
from typing import Any, Mapping

from .._measure.result import column_changes
from .view import (Report, baseline_p, baseline_rate, ci_text, comparison_rows, p_text, pp, prediction_text,
                    read_document, regression_rows, value_text)
from .svg import clip, pct
from .weak_slices import markdown_lines, regressions_markdown

MAX_BYTES = 60_000
EXAMPLES_PER_TEST = 3
MAX_CELL_CHARS = 160
STATUS_TEXT = {"pass": "\u2705 pass", "fail": "\u274c FAIL", "error": "\u26a0\ufe0f ERROR", "tracked": "tracked",
               "n/a": "n/a"}
VERDICT_TEXT = {"regressed": "\U0001f53a regressed", "improved": "\u2705 improved"}
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$])")


def md(value: Any, limit: int | None = MAX_CELL_CHARS) -> str:
    """Text made safe for a Markdown table cell (and for headings): shown literally, on one line."""
    text = str(value)
    if limit is not None:
        text = clip(text, limit)
    text = _SPECIAL.sub(r"\\\1", text)
    text = text.replace("@", "@\u200b")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", "<br>").replace("\t", " ")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(headers: list[str], align: str, rows: list[list[str]]) -> list[str]:
    """A GitHub table; ``align`` has one letter per column: l(eft) or r(ight)."""
    rule = ["---:" if a == "r" else ":---" for a in align]
    return [_row(headers), _row(rule), *(_row(r) for r in rows)]


def _size(lines: list[str]) -> int:
    return sum(len(line.encode("utf-8")) + 1 for line in lines)


class _Budget:
    """Collects blocks of lines while they fit in the byte budget; remembers what it left out."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.lines: list[str] = []
        self.left_out: list[str] = []

    def fits(self, block: list[str], reserve: int = 0) -> bool:
        return _size(self.lines) + _size(block) + reserve <= self.limit

    def add(self, block: list[str], what: str, reserve: int = 600) -> bool:
        if self.fits(block, reserve):
            self.lines.extend(block)
            return True
        self.left_out.append(what)
        return False


def _headline(r: Report) -> list[str]:
    counts = r.counts
    n = len(r.tests)
    failing = counts["fail"] + counts["error"]
    if not n:
        head = "No behavioral tests ran."
    elif failing:
        head = f"**\u274c {failing} of {n} behavioral tests failing**"
    else:
        head = f"**\u2705 all {n} behavioral tests pass or are tracked**"
    parts = [f"{counts[s]} {s}" for s in ("fail", "error", "pass", "tracked", "n/a") if counts[s]]
    meta = [f"{len(r.models)} model{'s' if len(r.models) != 1 else ''}",
            f"{len(r.capabilities)} capabilit{'ies' if len(r.capabilities) != 1 else 'y'}"]
    if r.seed is not None:
        meta.append(f"seed {md(r.seed)}")
    meta.append(f"behavetest {md(r.version)}")
    warning = [f"**\u26a0\ufe0f {md(r.incomplete_text)}**", ""] if r.incomplete_text else []
    return ["## Behavioral test report", "", *warning, head + (f" ({', '.join(parts)})" if parts else ""), "",
            " \u00b7 ".join(meta), ""]


def _baseline(r: Report) -> list[str]:
    b = r.baseline
    if b is None:
        return []
    regs = regression_rows(b)
    listed = b.get("regressions")
    total = len(listed) if isinstance(listed, list) else len(regs)
    settings = []
    if b.get("directory") is not None:
        settings.append(f"against {md(b['directory'])}")
    if isinstance(b.get("alpha"), (int, float)):
        settings.append(f"alpha {b['alpha']:g}")
    holm = b.get("correction") == "holm" and isinstance(b.get("hypotheses"), int) and b["hypotheses"] > 1
    if holm:
        settings.append(f"p Holm-adjusted over {b['hypotheses']} comparisons")
    if isinstance(b.get("tolerance_pp"), (int, float)):
        settings.append(f"tolerance {b['tolerance_pp']:g} pp")
    where = f" ({', '.join(settings)})" if settings else ""
    out = []
    if total:
        out += [f"### \U0001f53a {total} significant regression{'s' if total != 1 else ''} against the baseline{where}", ""]
        rows = [[md(x["model"]), md(x["capability"]), md(x["test"]), pct(baseline_rate(x["entry"], "base")),
                 pct(baseline_rate(x["entry"], "new")), md(pp(x["entry"].get("delta_pp"))),
                 p_text(baseline_p(x["entry"]))] for x in regs]
        out += _table(["model", "capability", "test", "before", "now", "change", "p (Holm)" if holm else "p"], "lllrrrr",
                      rows) + [""]
    else:
        among = " among the tests that ran (the run is incomplete)" if not r.complete else ""
        out += [f"**Baseline:** no significant regression{among}{where}.", ""]
    others = [x for x in comparison_rows(b) if x["entry"].get("verdict") not in ("regressed", "not significant", None)]
    if others:
        rows = [[md(x["model"]), md(x["capability"]), md(x["test"]), pct(baseline_rate(x["entry"], "base")),
                 pct(baseline_rate(x["entry"], "new")), md(pp(x["entry"].get("delta_pp"))),
                 md(VERDICT_TEXT.get(str(x["entry"].get("verdict")), str(x["entry"].get("verdict"))))
                 + (f" ({md(x['entry']['reason'])})" if x["entry"].get("reason") else "")] for x in others]
        out += ["<details><summary>Other baseline changes</summary>", ""]
        out += _table(["model", "capability", "test", "before", "now", "change", "verdict"], "lllrrrl", rows)
        out += ["", "</details>", ""]
    models = b.get("models") if isinstance(b.get("models"), dict) else {}
    missing = sorted(str(m) for m, v in models.items() if isinstance(v, dict) and v.get("status") == "no baseline")
    if missing:
        out += [f"No baseline yet for: {', '.join(md(m) for m in missing)}"
                + (" (this run records it)." if b.get("gate") is False else "."), ""]
    return out


def _model_table(r: Report, model: str) -> list[str]:
    rows = []
    for cap, s in r.summary[model].items():
        threshold = r.threshold(model, cap)
        rows.append([md(cap), str(s["tests"]), str(s["cases"]), str(s["failures"]), pct(s["fail_rate"]),
                     ci_text(s["ci"], s["cases"]), pct(threshold) if threshold is not None else "-",
                     STATUS_TEXT.get(s["status"], md(s["status"]))])
    return ([f"### Model: {md(model)}", ""]
            + _table(["capability", "tests", "cases", "failed", "fail rate", "95% CI", "max", "status"], "lrrrrrrl", rows)
            + [""])


def _comparison(r: Report) -> list[str]:
    if len(r.models) < 2:
        return []
    rows = []
    for cap in r.capabilities:
        row = [md(cap)]
        for model in r.models:
            s = r.summary[model].get(cap)
            row.append("-" if s is None else
                       f"{pct(s['fail_rate'])} ({ci_text(s['ci'], s['cases'])}) {STATUS_TEXT.get(s['status'], md(s['status']))}")
        rows.append(row)
    return (["### Models side by side", "", "Fail rate (95% CI) and status per capability.", ""]
            + _table(["capability", *(md(m) for m in r.models)], "l" + "r" * len(r.models), rows) + [""])


def _slice_cell(s: Mapping[str, Any] | None) -> str:
    if s is None:
        return "-"
    return f"{pct(s['fail_rate'])} ({ci_text(s['ci'], s['cases'])}, n={s['cases']})"


def _slices(r: Report, model: str) -> list[str]:
    caps = r.slices.get(model)
    if not caps:
        return []
    names = sorted({n for ss in caps.values() for n in ss})
    rows = [[md(cap), _slice_cell(r.summary[model][cap]), *(_slice_cell(caps.get(cap, {}).get(n)) for n in names)]
            for cap in r.summary[model]]
    return ([f"**Capability \u00d7 slice, {md(model)}** (fail rate, 95% CI, cases)", ""]
            + _table(["capability", "all cases", *(md(n) for n in names)], "l" + "r" * (len(names) + 1), rows) + [""])


def _examples(t: Mapping[str, Any]) -> list[str]:
    head = (f"**{STATUS_TEXT.get(t['status'], md(t['status']))} {md(t['model'])} \u00b7 {md(t['capability'])} \u00b7 "
            f"{md(t['name'])}** ({md(t['type'])}): {t['failures']} of {t['cases']} failed, {pct(t['fail_rate'])} "
            f"(95% CI {ci_text(t['ci'], t['cases'])})")
    if t["max_fail_rate"] is not None:
        head += f", max {pct(t['max_fail_rate'])}"
    out = [head, ""]
    if t.get("error"):
        out += [f"> {md(str(t['error']).strip().splitlines()[0] if str(t['error']).strip() else t['error'])}", ""]
    shown = t["examples"][:EXAMPLES_PER_TEST]
    if shown:
        if any("perturbed" in e or "minimal" in e for e in shown):
            rows = []
            for e in shown:
                has_min = "minimal" in e or e.get("minimal_prediction") is not None
                changed = e.get("minimal") if has_min else e.get("perturbed")
                changed_pred = e.get("minimal_prediction") if has_min else e.get("perturbed_prediction")
                shown = column_changes(e.get("input"), changed) or value_text(changed)
                rows.append([md(value_text(e.get("input"))), md(prediction_text(e.get("prediction"))),
                             md(shown) + ("" if has_min else " (sampled)"), md(prediction_text(changed_pred))])
            out += _table(["original", "prediction", "minimal failing perturbation", "prediction"], "llll", rows)
        else:
            rows = [[md(value_text(e.get("input"))), md(prediction_text(e.get("prediction"))),
                     md(e.get("expected")) if e.get("expected") is not None else "-"] for e in shown]
            out += _table(["input", "prediction", "expected"], "lll", rows)
        more = len(t["examples"]) - len(shown)
        if more > 0:
            out += ["", f"_{more} more failing example{'s' if more != 1 else ''} in the HTML/JSON report._"]
        out.append("")
    return out


def render_markdown(document: Mapping[str, Any], *, max_bytes: int = MAX_BYTES) -> str:
    """The Markdown summary of a ``--behave-json`` document, at most ``max_bytes`` bytes of UTF-8."""
    r = read_document(document)
    out = _Budget(max_bytes)
    out.add(_headline(r), "the headline", reserve=0)
    baseline = _baseline(r)
    if baseline and not out.add(baseline, "the baseline comparison"):
        out.left_out.pop()
        kept = 0  # at least the first lines (the regressions), however many there are
        while kept < len(baseline) and out.fits([baseline[kept]], 600):
            out.lines.append(baseline[kept])
            kept += 1
        out.lines.append("")
        out.left_out.append("part of the baseline comparison")
    for model in r.models:
        block = _model_table(r, model)
        if not out.fits(block, 600):
            header, rows = block[:4], block[4:-1]
            if not out.add(header, f"the table of model {model}"):
                continue
            kept = 0
            while kept < len(rows) and out.fits([rows[kept]], 600):
                out.lines.append(rows[kept])
                kept += 1
            out.lines.append("")
            out.left_out.append(f"{len(rows) - kept} of {len(rows)} rows of the table of model {model}")
            continue
        out.add(block, f"the table of model {model}")
    out.add(_comparison(r), "the models side by side")
    if r.slice_names:
        for model in r.models:
            out.add(_slices(r, model), f"the slice table of model {model}")
    out.add(markdown_lines(document, md), "the weak slices")
    out.add(regressions_markdown(document, md), "the slices that regressed")
    failing = [t for t in r.tests if t["status"] in ("fail", "error")]
    if failing:
        out.add(["### Failing tests", ""], "the failing tests")
        for t in failing:
            out.add(_examples(t), f"examples of {t['name']}")
    if out.left_out:
        n = len(out.left_out)
        limit = f"{max_bytes // 1000} KB" if max_bytes >= 10_000 else f"{max_bytes} bytes"
        out.lines += ["", "---", "",
                      f"_Truncated to stay under {limit}: {n} part{'s' if n != 1 else ''} left out "
                      f"({md(', '.join(out.left_out[:5]), 300)}{', ...' if n > 5 else ''}). "
                      "See the HTML or JSON report for everything._", ""]
    return "\n".join(out.lines).rstrip("\n") + "\n"


def append_step_summary(markdown: str) -> bool:
    """Append ``markdown`` to the file named by ``GITHUB_STEP_SUMMARY``; False when the variable is unset.

    Raises ``OSError`` when the file cannot be written.
    """
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return False
    with open(path, "a", encoding="utf-8") as handle:
        if handle.tell() > 0:
            handle.write("\n")
        handle.write(markdown if markdown.endswith("\n") else markdown + "\n")
    return True
