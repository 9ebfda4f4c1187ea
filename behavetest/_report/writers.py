"""Writing the report files of a run (JSON, HTML, Markdown), each atomically, from one document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .._gate.baseline import write_text_atomic
from .._text import safe_text

FAILING_IDS_KEPT = 1000  # failing case identifiers per test in the JSON report; the rest are counted


def bounded(document: dict[str, Any]) -> dict[str, Any]:
    """The JSON report's document with at most ``FAILING_IDS_KEPT`` failing case ids per test.

    A test with more keeps the first ones (in sorted order) and says how many it
    left out in ``failing_cases_omitted``, so the report's size is bounded per test.
    Baselines keep every identifier (they come from the results, not from this file).
    """
    tests = []
    for t in document.get("tests", []):
        ids = t.get("failing_cases") or []
        if len(ids) > FAILING_IDS_KEPT:
            t = {**t, "failing_cases": ids[:FAILING_IDS_KEPT], "failing_cases_omitted": len(ids) - FAILING_IDS_KEPT}
        tests.append(t)
    return {**document, "tests": tests}


def write_reports(
    document: dict[str, Any],
    *,
    json_path: Path | None = None,
    html_path: Path | None = None,
    md_path: Path | None = None,
) -> tuple[list[Path], list[str]]:
    """Write the requested reports; returns the paths written and one message per failure.

    The Markdown summary is also appended to ``$GITHUB_STEP_SUMMARY`` when that is set.
    A report that cannot be rendered or written never stops the others. The document's
    strings must be UTF-8 encodable (``_text.plain`` makes them so).
    """
    written: list[Path] = []
    errors: list[str] = []

    def write(path: Path | None, what: str, render) -> None:
        if path is None:
            return
        try:
            write_text_atomic(path, render())
        except OSError as exc:
            errors.append(f"could not write the {what} report {path}: {exc}")
        except Exception as exc:  # a rendering bug must fail the run, not pass for a written report
            errors.append(f"could not render the {what} report {path}: {type(exc).__name__}: {safe_text(str(exc))}")
        else:
            written.append(path)

    write(json_path, "JSON", lambda: json.dumps(bounded(document), indent=2, sort_keys=True) + "\n")
    if html_path is not None:
        from .html import render_html

        write(html_path, "HTML", lambda: render_html(document))
    if md_path is not None:
        from .markdown import append_step_summary, render_markdown

        markdown: list[str] = []
        write(md_path, "Markdown", lambda: markdown.append(render_markdown(document)) or markdown[0])
        if markdown:
            try:
                append_step_summary(markdown[0])
            except (OSError, UnicodeError) as exc:
                errors.append(f"could not append to $GITHUB_STEP_SUMMARY: {exc}")
    return written, errors
