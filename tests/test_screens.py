"""Every page of a full build as readers meet it on a phone (390 px) and a laptop (1280 px):
axe-core (the maintained axe-playwright-python package, which bundles it) finds no serious
or critical violation, and the keyboard meets controls only, each once. The browser checks
are grouped so that each page is opened once per width."""

from __future__ import annotations

import pytest
from chromium import launch

WIDTHS = (390, 1280)
CONTROLS = "a[href], button, select, input, textarea, summary, [role=button]"

_SETTLED = (
    "[...document.querySelectorAll('.sx-chart')].every(e =>"
    " e.querySelector('canvas, svg.marks') || e.textContent.startsWith('Chart not drawn'))"
    " && [...document.querySelectorAll('.sx-facttable')]"
    ".every(t => t.classList.contains('sx-ready'))"
)


@pytest.fixture(scope="module")
def browser():
    with launch() as b:
        yield b


def _pages(out):
    return [*sorted(out.glob("*/*.html")), out / "index.html"]


def _open(browser, path, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function(_SETTLED, timeout=30_000)
    # Charts turn interactive as they come into view: scroll through the page, so that axe
    # sees what a reader who reads to the end sees.
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height + 900, 900):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(60)
    page.wait_for_timeout(600)
    page.wait_for_function(_SETTLED, timeout=30_000)
    return page


def test_axe_finds_no_serious_violation_on_any_page_at_either_width(browser, built_reports):
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    found = []
    for width in WIDTHS:
        for path in _pages(built_reports):
            page = _open(browser, path, width)
            try:
                result = axe.run(page).response
            finally:
                page.close()
            found += [
                (width, path.name, v["id"], v["impact"], [n["html"][:120] for n in v["nodes"][:3]])
                for v in result["violations"]
                if v["impact"] in ("serious", "critical")
            ]
    assert found == []


@pytest.mark.parametrize("name", ["index.html", "en/00-overview.html", "zh/indicators.html"])
def test_the_keyboard_meets_each_control_once_and_nothing_else(browser, built_reports, name):
    page = _open(browser, built_reports / name, 1280)
    page.evaluate("window.scrollTo(0, 0)")
    controls = page.evaluate(
        f"[...document.querySelectorAll('{CONTROLS}')]"
        ".filter(e => e.getClientRects().length && !e.closest('[hidden]') && !e.disabled"
        " && !e.classList.contains('disabled') && e.tabIndex >= 0).length"
    )
    met, others = [], []
    for _ in range(controls + 5):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement;"
            " if (!e || e === document.body) return null;"
            " if (!e.dataset.sxSeen) e.dataset.sxSeen = String(Math.random());"
            f" return [e.matches('{CONTROLS}'), e.dataset.sxSeen, e.outerHTML.slice(0, 120)]; }})()"
        )
        if focused is None:  # past the last control, focus leaves the page
            break
        is_control, seen, html = focused
        if not is_control:
            others.append(html)
        elif seen in met:
            break  # wrapped round
        else:
            met.append(seen)
    page.close()
    assert others == []
    assert len(met) == controls
