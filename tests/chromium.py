"""Open pages in Debian's headless Chromium (through playwright, never a downloaded
browser) and report what a reader would meet: dialogs, script errors, requests that leave
the file, and how many charts were drawn."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from shanxi_analysis.report.pdf import QUIET

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = list(QUIET)


@dataclass
class Visit:
    """What opening one page showed."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    charts: int = 0
    drawn: int = 0
    not_drawn: list[str] = field(default_factory=list)
    pwned: bool = False
    scroll_width: int = 0
    chart_widths: list[tuple[int, int]] = field(default_factory=list)
    """Per chart: the width of its element (the text column) and of what was drawn."""


@contextlib.contextmanager
def launch():
    """Yield a headless Chromium; skip (fail under CI) where it is missing."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; CI must have Debian's chromium")
        pytest.skip("Debian's chromium is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def bring_charts_to_life(page) -> None:
    """Scroll each chart into view, as a reader does: a chart arrives as a static picture and
    turns interactive when it comes into view."""
    for i in range(page.evaluate("document.querySelectorAll('.sx-chart').length")):
        chart = f"document.querySelectorAll('.sx-chart')[{i}]"
        page.evaluate(f"{chart}.scrollIntoView()")
        # stay until it has begun turning live (a reader's glance, on a loaded machine)
        page.wait_for_function(
            f"{chart}.querySelector('.vega-embed') || !{chart}.querySelector('.sx-static')"
            f" || {chart}.textContent.startsWith('Chart not drawn')",
            timeout=30_000,
        )
    page.evaluate("window.scrollTo(0, 0)")


def open_page(browser, path: Path, *, width: int = 1100, wait_ms: int = 30_000) -> Visit:
    """Open ``path``, wait until every chart is drawn (or says it was not) and every fact
    table is searchable, and return what
    the page did. Dialogs are dismissed and recorded."""
    visit = Visit()
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.on("request", lambda r: visit.requests.append(r.url))
    page.on("console", lambda m: visit.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: visit.errors.append(str(e)))

    def on_dialog(dialog) -> None:
        visit.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        page.goto(path.as_uri(), wait_until="load")
        visit.charts = page.evaluate("document.querySelectorAll('.sx-chart').length")
        bring_charts_to_life(page)
        settled = (
            "[...document.querySelectorAll('.sx-chart')].every(e =>"
            " (e.querySelector('.vega-embed canvas, .vega-embed svg.marks')"
            " && !e.querySelector('.sx-static'))"
            " || e.textContent.startsWith('Chart not drawn'))"
            " && [...document.querySelectorAll('.sx-facttable')]"
            ".every(t => t.classList.contains('sx-ready'))"  # fact tables set up too
        )
        page.wait_for_function(settled, timeout=wait_ms)
        visit.drawn = page.evaluate(
            "document.querySelectorAll('.sx-chart canvas, .sx-chart svg.marks').length"
        )
        visit.not_drawn = page.evaluate(
            "[...document.querySelectorAll('.sx-chart')]"
            ".filter(e => !e.querySelector('canvas, svg.marks')).map(e => e.textContent)"
        )
        visit.pwned = page.evaluate("window.__pwned !== undefined")
        visit.scroll_width = page.evaluate("document.documentElement.scrollWidth")
        visit.chart_widths = [
            tuple(pair)
            for pair in page.evaluate(
                "[...document.querySelectorAll('.sx-chart')].map(e => {"
                " const d = e.querySelector('canvas, svg.marks');"
                " return [Math.round(e.getBoundingClientRect().width),"
                " Math.round(d ? d.getBoundingClientRect().width : 0)]; })"
            )
        ]
    finally:
        page.close()
    visit.requests = [u for u in visit.requests if not u.startswith(("file:", "data:", "blob:"))]
    return visit


def wait_for_jupyter(base: str, token: str, proc: subprocess.Popen, seconds: float) -> None:
    """Wait until the Jupyter server at ``base`` answers, or fail once ``seconds`` have
    passed or its process ``proc`` has ended."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("JupyterLab did not start") from None
            time.sleep(0.5)
