"""Every page of a full build as readers meet it on a phone (390 px) and a laptop (1280 px):
axe-core (the maintained axe-playwright-python package, which bundles it) finds no serious
or critical violation, and the keyboard meets controls only, each once. The browser checks
are grouped so that each page is opened once per width."""

from __future__ import annotations

import re

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


# ---------------------------------------------------------------- downloads and trust


def _csv(link) -> tuple[list[str], list[dict]]:
    import base64
    import csv
    import io

    data = base64.b64decode(link["href"].split("base64,", 1)[1]).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(data))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_charts_csv_holds_its_figures_in_exactly_the_tidy_columns(built_reports, lang):
    from bs4 import BeautifulSoup

    from shanxi_analysis import datasets
    from shanxi_analysis.report.html import TIDY_COLUMNS

    facts = datasets.facts(lang)
    indicators = set(facts["indicator"])
    curated = {
        (f["indicator"], f["entity"], f["period"] or "", f["value"], f["unit"], f["quote"])
        for f in facts.to_dict("records")
    }
    checked = 0
    for path in sorted((built_reports / lang).glob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        links = soup.select(".sx-download a[download$='.csv']")
        assert links, path.name
        for link in links:
            header, rows = _csv(link)
            assert header == list(TIDY_COLUMNS) and rows, (path.name, header)
            for row in rows:
                if row["indicator"] not in indicators:
                    continue  # an event or a place: no curated figure to compare with
                key = (row["indicator"], row["entity"], row["period"], float(row["value"]))
                assert (*key, row["unit"], row["quote"]) in curated, (path.name, row)
                checked += 1
    assert checked >= 10


def test_each_page_names_its_data_version_newest_source_description_and_icon(built_reports):
    from bs4 import BeautifulSoup

    from shanxi_analysis.report.html import data_digest

    digest = data_digest()[:12]
    for path in [*sorted(built_reports.glob("*/*.html")), built_reports / "index.html"]:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        footer = " ".join(f.get_text(" ") for f in soup.find_all("footer"))
        assert digest in footer and re.search(r"20\d\d(-\d\d-\d\d)?", footer), path.name
        meta = soup.find("meta", attrs={"name": "description"})
        assert meta is not None and len(meta["content"]) >= 20, path.name
        icon = soup.find("link", rel="icon")
        assert icon is not None and icon["href"].startswith("data:image/svg+xml,"), path.name
        charts = soup.select(".sx-chart")
        for kind in ("png", "svg"):
            buttons = soup.select(f"button[data-sx-export={kind}]")
            assert sorted(b["data-sx-chart"] for b in buttons) == sorted(c["id"] for c in charts)
            assert all(b.get_text(strip=True) for b in buttons)


def test_the_named_buttons_download_a_charts_png_and_svg(browser, built_reports):
    page = _open(browser, built_reports / "en" / "01-coal-energy.html", 1280)
    for kind, magic in (("png", b"\x89PNG"), ("svg", b"<svg")):
        with page.expect_download() as info:
            page.locator(f"button[data-sx-export={kind}]").first.click()
        download = info.value
        assert download.suggested_filename.endswith(f"-chart-1.{kind}")
        assert open(download.path(), "rb").read()[:4] == magic
    page.close()
