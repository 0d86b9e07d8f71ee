"""Every page of a full build as readers meet it on a phone (390 px) and a laptop (1280 px):
axe-core (the maintained axe-playwright-python package, which bundles it) finds no serious
or critical violation, and the keyboard meets controls only, each once. The browser checks
are grouped so that each page is opened once per width."""

from __future__ import annotations

import re

import pytest
from chromium import bring_charts_to_life, launch

WIDTHS = (390, 1280)
CONTROLS = "a[href], button, select, input, textarea, summary, [role=button]"

_SETTLED = (
    "[...document.querySelectorAll('.sx-chart')].every(e =>"
    " (e.querySelector('.vega-embed canvas, .vega-embed svg.marks')"
    " && !e.querySelector('.sx-static'))"
    " || e.textContent.startsWith('Chart not drawn'))"
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
    # Charts turn interactive as they come into view: scroll through the page, so that axe
    # sees what a reader who reads to the end sees.
    bring_charts_to_life(page)
    page.wait_for_function(_SETTLED, timeout=30_000)
    page.wait_for_timeout(300)
    return page


# What a chart's text looks like on screen, read from the drawn SVG's text boxes: a text cut
# by the chart's box, two texts drawn over each other (more than 15% of the smaller), or a
# text drawn under 8 px. Text drawn at size 0 is hidden on purpose and not counted.
CHART_TEXT = """() => {
  const problems = [];
  document.querySelectorAll('.sx-chart').forEach(chart => {
    const svg = chart.querySelector('.vega-embed svg.marks') || chart.querySelector('svg');
    if (!svg) { problems.push([chart.id, 'not drawn']); return; }
    const s = svg.getBoundingClientRect(), c = chart.getBoundingClientRect();
    const left = Math.max(s.left, c.left), right = Math.min(s.right, c.right);
    const top = s.top, bottom = s.bottom;
    const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()
      && getComputedStyle(t).visibility !== 'hidden' && getComputedStyle(t).display !== 'none'
      && parseFloat(t.getAttribute('opacity') ?? '1') > 0
      && parseFloat(getComputedStyle(t).opacity) > 0);
    const boxes = texts.map(t => t.getBoundingClientRect());
    texts.forEach((t, i) => {
      const r = boxes[i], name = t.textContent.trim().slice(0, 40);
      if (!r.width || !r.height) return;
      const ctm = t.getScreenCTM();
      const px = parseFloat(getComputedStyle(t).fontSize) * (ctm ? Math.abs(ctm.a) : 1);
      if (px === 0) return;  // drawn at size 0: hidden on purpose
      if (px < 8) problems.push([chart.id, 'small', name, +px.toFixed(1)]);
      if (r.left < left - 1 || r.right > right + 1 || r.top < top - 1 || r.bottom > bottom + 1)
        problems.push([chart.id, 'cut', name]);
      for (let j = 0; j < i; j++) {
        const q = boxes[j];
        const w = Math.min(r.right, q.right) - Math.max(r.left, q.left);
        const h = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);
        if (w > 1 && h > 1 && w * h > 0.15 * Math.min(r.width * r.height, q.width * q.height))
          problems.push([chart.id, 'overlap', name, texts[j].textContent.trim().slice(0, 40)]);
      }
    });
  });
  return problems;
}"""

AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}


def test_every_page_at_390_and_1280_px(browser, built_reports):
    """axe-core finds no serious or critical violation; nothing scrolls sideways; every chart
    is drawn; no chart text is under 8 px, and none is cut or overlaps another: at 390 px,
    every chart has re-laid out for the phone."""
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    found, text = [], []
    for width in WIDTHS:
        for path in _pages(built_reports):
            page = _open(browser, path, width)
            try:
                # axe's default rules, and the WCAG 2.2 target size (24 px) that Lighthouse checks
                result = axe.run(page, options=AXE_OPTIONS).response
                scroll = page.evaluate("document.documentElement.scrollWidth")
                problems = page.evaluate(CHART_TEXT)
            finally:
                page.close()
            found += [
                (width, path.name, v["id"], v["impact"], [n["html"][:120] for n in v["nodes"][:3]])
                for v in result["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            assert scroll <= width, (path.name, width, scroll)
            text += [(width, path.parent.name, path.name, *p) for p in problems]
    assert found == []
    assert text == []


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


# ---------------------------------------------------------------- static first, and print


def test_each_chart_is_a_static_svg_in_the_html_before_any_script(built_reports):
    from bs4 import BeautifulSoup

    for path in sorted(built_reports.glob("*/*.html")):
        text = path.read_text(encoding="utf-8")
        soup = BeautifulSoup(text, "html.parser")
        charts = soup.select(".sx-chart")
        assert charts, path.name
        for chart in charts:
            svg = chart.select_one(":scope > .sx-static > svg")
            assert svg is not None, (path.name, chart["id"])
            assert len(svg.get("aria-label", "")) >= 10 and svg.find("text") is not None
            # the picture comes before the chart's own scripts in the page's bytes
            picture_at = text.index(f'id="{chart["id"]}"')
            assert picture_at < text.index(f'id="{chart["id"]}-spec"'), path.name
        assert len(text.encode("utf-8")) <= 1.5 * 1024 * 1024, path.name


def _headings(html: str) -> set[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    return {
        re.sub(r"\s+", " ", h.get_text(" ", strip=True)).rstrip("¶ ")
        for h in soup.select("main h1, main h2, main h3, main h4")
        if not h.find_parent("nav")
    } - {""}


@pytest.mark.parametrize("name", ["00-overview", "01-coal-energy"])
def test_no_printed_page_ends_with_a_heading(built_reports, tmp_path, name):
    import shutil
    import subprocess

    from shanxi_analysis.report import pdf

    chromium = pdf.chromium()
    tool = shutil.which("pdftotext")
    if chromium is None or tool is None:
        pytest.skip("chromium or pdftotext (poppler-utils) is missing")
    for lang in ("zh", "en"):
        page = built_reports / lang / f"{name}.html"
        target = tmp_path / f"{lang}-{name}.pdf"
        pdf.print_pdf(page, target, browser=chromium)
        headings = _headings(page.read_text(encoding="utf-8"))
        assert headings
        n = 1
        stranded = []
        while True:
            run = subprocess.run(
                [tool, "-layout", "-f", str(n), "-l", str(n), str(target), "-"],
                capture_output=True,
                text=True,
            )
            if run.returncode != 0:
                break
            lines = [re.sub(r"\s+", " ", ln).strip() for ln in run.stdout.splitlines()]
            lines = [ln for ln in lines if ln]
            if lines and lines[-1] in headings:
                stranded.append((lang, n, lines[-1]))
            n += 1
        assert n > 2, (lang, name)  # pages were read
        assert stranded == []
        # No page but the last is left mostly blank (by a heading or a chart that moved on):
        # the lowest word on each reaches at least 70% of the page's height.
        boxes = subprocess.run(
            [tool, "-bbox", str(target), "-"], capture_output=True, text=True, check=True
        ).stdout
        filled = []
        for part in boxes.split("<page ")[1:]:
            height = float(re.search(r'height="([\d.]+)"', part).group(1))
            bottoms = [float(y) for y in re.findall(r'yMax="([\d.]+)"', part)]
            filled.append(max(bottoms, default=0) / height)
        assert len(filled) == n - 1
        assert [(i, round(f, 2)) for i, f in enumerate(filled[:-1], 1) if f < 0.7] == [], lang
