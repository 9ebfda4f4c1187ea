"""The HTML report in a real headless browser (Debian's Chromium, no download at run time).

Chromium loads the report from a file with networking features off, dumps the DOM
after the page's script ran, logs the console to stderr, and takes a screenshot.
Checks: the charts are in the DOM and the page's script counted their shapes (it
sets ``data-charts``), nothing was printed to the console (no error, no CSP
violation, no uncaught exception), the ``<script>`` test inputs are text in a
table cell and did not run (they would set ``data-xss``). Skipped only when no
Chromium binary is installed (CI installs it: apt-get install -y chromium).
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from behavetest._report.html import render_html

from test_reports import build_document  # noqa: E402  (tests/ is on sys.path under pytest's default import mode)

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-extensions", "--disable-default-apps", "--hide-scrollbars",
         "--enable-logging=stderr", "--v=0"]
SCREENSHOT_DIR_ENV = "BEHAVETEST_SCREENSHOT_DIR"  # keep the screenshot there (to look at it)


def browser() -> str:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no Chromium binary (apt-get install -y chromium)")


def run_browser(tmp_path: Path, url: str, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    env = {**os.environ, "HOME": str(tmp_path)}  # no writes to the real home (crashpad, fontconfig cache)
    return subprocess.run([browser(), *FLAGS, f"--user-data-dir={profile}", *extra, url], capture_output=True,
                          text=True, timeout=180, env=env, stdin=subprocess.DEVNULL)


def console_lines(stderr: str) -> list[str]:
    """Lines Chromium logged for the page's console (every level is logged as ``CONSOLE``)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line
            or "Content Security Policy" in line]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_html(build_document()), encoding="utf-8")
    return path


def test_console_check_catches_errors(tmp_path):
    """The console check can fail: a page with an uncaught error and a console.error is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html lang="en"><body><script>console.error("oops"); missing();</script></body></html>',
                   encoding="utf-8")
    proc = run_browser(tmp_path, bad.as_uri(), "--dump-dom")
    lines = console_lines(proc.stderr)
    assert any('"oops"' in line for line in lines), proc.stderr
    assert any("Uncaught ReferenceError" in line for line in lines), proc.stderr


def test_report_renders_charts_without_console_errors(tmp_path, report):
    proc = run_browser(tmp_path, report.as_uri(), "--dump-dom")
    assert proc.returncode == 0, proc.stderr
    dom = proc.stdout
    assert console_lines(proc.stderr) == [], "\n".join(console_lines(proc.stderr))
    # The page's own script ran (it is allowed by hash by the page's CSP) and counted the chart shapes.
    root = re.search(r"<html[^>]*>", dom).group(0)
    assert 'data-report-ready="1"' in root
    drawn = int(re.search(r'data-charts="(\d+)"', root).group(1))
    assert drawn >= 10
    assert drawn == len(re.findall(r"<rect class=\"bar\"|<circle class=\"(?:before|after)\"", dom))
    assert len(re.findall(r"<svg class=\"chart\"", dom)) == 4
    # The buttons the script adds exist.
    assert ">Expand all</button>" in dom and ">Collapse all</button>" in dom


def test_script_inputs_are_text_and_do_not_run(tmp_path, report):
    proc = run_browser(tmp_path, report.as_uri(), "--dump-dom")
    dom = proc.stdout
    root = re.search(r"<html[^>]*>", dom).group(0)
    assert "data-xss" not in root  # neither the <script> nor the <img onerror> payload ran
    # In the serialised DOM, text is escaped again: the payload sits in a table cell as text.
    payload = ("&lt;script&gt;document.documentElement.setAttribute('data-xss','1')&lt;/script&gt;")
    assert re.search(r'<td><span class="input">' + re.escape(payload) + r"</span></td>", dom)
    assert '<td><span class="input">&lt;script&gt;alert(1)&lt;/script&gt;</span></td>' in dom
    assert "<td><span class=\"input\">\"quotes\" &amp; &lt;b&gt;tags&lt;/b&gt;</span></td>" in dom
    # The only script element in the live DOM is the report's own; no <img>, no <b> came from an input.
    assert len(re.findall(r"<script\b", dom)) == 1
    assert "<img" not in dom and "<b>" not in dom


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_screenshot(tmp_path, report):
    out_dir = Path(os.environ.get(SCREENSHOT_DIR_ENV) or tmp_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    shot = out_dir / "behavetest-report.png"
    if shot.exists():
        shot.unlink()
    proc = run_browser(tmp_path, report.as_uri(), f"--screenshot={shot}", "--window-size=1280,2000")
    assert proc.returncode == 0, proc.stderr
    assert console_lines(proc.stderr) == []
    assert png_size(shot) == (1280, 2000)
    # A blank page compresses to a few kilobytes; the report's text, tables and charts do not.
    assert shot.stat().st_size > 60_000
