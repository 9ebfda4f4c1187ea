"""Inline SVG charts for the HTML report: failure-rate bars with intervals, and before/after dumbbells.

Every function returns a complete ``<svg>`` element as a string. Every piece of
text that reaches the markup (labels, tooltips, titles) goes through
:func:`esc`, including text inside ``<title>`` and attribute values. The charts
are plain shapes with fixed coordinates, so the same rows give the same bytes.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Sequence

# Status colours (always shown next to a text label, never alone).
STATUS_COLOURS = {
    "pass": "#2e7d32",
    "fail": "#c62828",
    "error": "#6a1b9a",
    "tracked": "#546e7a",
    "n/a": "#9e9e9e",
}
# Verdicts of a baseline comparison.
VERDICT_COLOURS = {
    "regressed": "#c62828",
    "within tolerance": "#ef6c00",
    "improved": "#2e7d32",
    "not significant": "#546e7a",
}
# Model colours for side-by-side charts (colour-blind friendly, Okabe-Ito order).
MODEL_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000")

LABEL_WIDTH = 250
PLOT_WIDTH = 470
VALUE_WIDTH = 180
WIDTH = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
ROW = 24
BAR = 14
TOP = 26
BOTTOM = 10


def esc(value: object) -> str:
    """HTML-escape any value (quotes included), for text content and attribute values alike."""
    return html.escape(str(value), quote=True)


def pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.1%}"


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _x(rate: float) -> float:
    return LABEL_WIDTH + PLOT_WIDTH * min(1.0, max(0.0, rate))


def _n(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros (stable text)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@dataclass(frozen=True)
class Bar:
    """One row of a rate chart; ``heading`` rows carry only their label."""

    label: str
    rate: float | None = None
    low: float | None = None
    high: float | None = None
    threshold: float | None = None
    colour: str = STATUS_COLOURS["tracked"]
    value: str = ""
    tooltip: str = ""
    heading: bool = False
    indent: int = 0
    strong: bool = False


def _axis(height: float) -> list[str]:
    out = []
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = _n(_x(tick))
        out.append(f'<line class="grid" x1="{x}" y1="{TOP - 6}" x2="{x}" y2="{_n(height - BOTTOM)}"/>')
        out.append(f'<text class="tick" x="{x}" y="{TOP - 10}" text-anchor="middle">{tick:.0%}</text>')
    return out


def _frame(title: str, desc: str, height: float, body: list[str], uid: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {_n(height)}" '
        f'width="{WIDTH}" height="{_n(height)}" role="img" aria-labelledby="{esc(uid)}-t {esc(uid)}-d">'
        f'<title id="{esc(uid)}-t">{esc(title)}</title><desc id="{esc(uid)}-d">{esc(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def rate_chart(bars: Sequence[Bar], *, title: str, desc: str, uid: str) -> str:
    """Horizontal failure-rate bars (0-100%) with 95% interval whiskers and threshold marks."""
    height = TOP + ROW * len(bars) + BOTTOM
    body = _axis(height)
    for i, bar in enumerate(bars):
        y = TOP + ROW * i
        mid = y + ROW / 2
        label_x = 6 + 14 * bar.indent
        cls = "label heading" if bar.heading else ("label strong" if bar.strong else "label")
        limit = max(8, (LABEL_WIDTH - label_x - 8) // 7)
        body.append(f'<g class="row"><title>{esc(bar.tooltip or bar.label)}</title>')
        body.append(f'<text class="{cls}" x="{label_x}" y="{_n(mid + 4)}">{esc(clip(bar.label, limit))}</text>')
        if bar.heading:
            body.append("</g>")
            continue
        if bar.rate is None:
            body.append(f'<text class="value" x="{LABEL_WIDTH + 4}" y="{_n(mid + 4)}">no applicable cases</text></g>')
            continue
        width = max(0.0, _x(bar.rate) - LABEL_WIDTH)
        body.append(f'<rect class="bar" x="{LABEL_WIDTH}" y="{_n(mid - BAR / 2)}" width="{_n(max(width, 1.5))}" '
                    f'height="{BAR}" fill="{esc(bar.colour)}"/>')
        if bar.low is not None and bar.high is not None:
            x1, x2 = _n(_x(bar.low)), _n(_x(bar.high))
            body.append(f'<path class="whisker" d="M{x1} {_n(mid)}H{x2}M{x1} {_n(mid - 5)}V{_n(mid + 5)}'
                        f'M{x2} {_n(mid - 5)}V{_n(mid + 5)}"/>')
        if bar.threshold is not None:
            tx = _n(_x(bar.threshold))
            body.append(f'<path class="threshold" d="M{tx} {_n(y + 2)}V{_n(y + ROW - 2)}"/>')
            body.append(f'<path class="threshold-tip" d="M{_n(_x(bar.threshold) - 4)} {_n(y + 1)}h8l-4 5z"/>')
        body.append(f'<text class="value" x="{LABEL_WIDTH + PLOT_WIDTH + 10}" y="{_n(mid + 4)}">'
                    f'{esc(bar.value)}</text></g>')
    return _frame(title, desc, height, body, uid)


def legend(items: Sequence[tuple[str, str]], *, uid: str, title: str) -> str:
    """A one-line legend: (colour, label) swatches, plus the interval and threshold marks."""
    parts, x = [], 6
    for colour, label in items:
        text = clip(label, 30)
        parts.append(f'<rect class="swatch" x="{x}" y="5" width="12" height="12" fill="{esc(colour)}"/>'
                     f'<text class="tick" x="{x + 17}" y="15">{esc(text)}</text>')
        x += 30 + 7 * len(text)
    parts.append(f'<path class="whisker" d="M{x} 11H{x + 24}M{x} 6V16M{x + 24} 6V16"/>'
                 f'<text class="tick" x="{x + 30}" y="15">95% interval</text>')
    x += 120
    parts.append(f'<path class="threshold" d="M{x + 4} 4V18"/><path class="threshold-tip" d="M{x} 3h8l-4 5z"/>'
                 f'<text class="tick" x="{x + 14}" y="15">max fail rate</text>')
    width = max(WIDTH, x + 110)
    return (f'<svg class="legend" viewBox="0 0 {width} 22" width="{width}" '
            f'height="22" role="img" aria-labelledby="{esc(uid)}-t"><title id="{esc(uid)}-t">{esc(title)}</title>'
            + "".join(parts) + "</svg>")


@dataclass(frozen=True)
class Change:
    """One row of a before/after chart."""

    label: str
    before: float | None
    after: float | None
    verdict: str
    value: str = ""
    tooltip: str = ""


def change_chart(changes: Sequence[Change], *, title: str, desc: str, uid: str) -> str:
    """Before -> after failure rates: a hollow dot (baseline), a filled dot (now), an arrow between."""
    height = TOP + ROW * len(changes) + BOTTOM
    body = _axis(height)
    for i, c in enumerate(changes):
        mid = TOP + ROW * i + ROW / 2
        colour = VERDICT_COLOURS.get(c.verdict, "#757575")
        body.append(f'<g class="row"><title>{esc(c.tooltip or c.label)}</title>')
        body.append(f'<text class="label" x="6" y="{_n(mid + 4)}">{esc(clip(c.label, 34))}</text>')
        if c.before is not None and c.after is not None:
            xb, xa = _x(c.before), _x(c.after)
            if abs(xa - xb) > 6:
                end = xa - 5 if xa > xb else xa + 5
                body.append(f'<path class="change" stroke="{esc(colour)}" d="M{_n(xb)} {_n(mid)}H{_n(end)}"/>')
            body.append(f'<circle class="before" cx="{_n(xb)}" cy="{_n(mid)}" r="4.5"/>')
            body.append(f'<circle class="after" cx="{_n(xa)}" cy="{_n(mid)}" r="4.5" fill="{esc(colour)}"/>')
        body.append(f'<text class="value" x="{LABEL_WIDTH + PLOT_WIDTH + 10}" y="{_n(mid + 4)}">{esc(c.value)}</text></g>')
    return _frame(title, desc, height, body, uid)
