"""The reports as a reader meets them, in Chromium: on a phone (390 px) and a laptop
(1280 px) no page scrolls sideways, every chart is drawn and fits the text column, and a
wide screen gives the charts its width; printed to PDF, every chart is there, with the CJK
font embedded."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup
from chromium import launch, open_page

from shanxi_analysis import report

WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def browser():
    with launch() as b:
        yield b


def _pages(out):
    return [*sorted(out.glob("*/*.html")), out / "index.html"]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_screen_and_draws_every_chart(browser, built_reports, width):
    for path in _pages(built_reports):
        visit = open_page(browser, path, width=width)
        assert visit.errors == [] and visit.requests == [], (path.name, visit)
        assert visit.charts == visit.drawn and visit.not_drawn == [], (path.name, visit)
        assert visit.scroll_width <= width, (path.name, width, visit.scroll_width)
        for chart, drawn in visit.chart_widths:
            assert drawn <= chart + 1, (path.name, width, chart, drawn)


def test_charts_use_the_width_of_a_wide_screen(browser, built_reports):
    narrow = open_page(browser, built_reports / "en" / "01-coal-energy.html", width=390)
    wide = open_page(browser, built_reports / "en" / "01-coal-energy.html", width=1280)
    assert all(drawn <= 390 for _, drawn in narrow.chart_widths)
    assert all(drawn >= 800 for _, drawn in wide.chart_widths), wide.chart_widths


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is missing; 'make test' installs poppler-utils")
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return found


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    result = report.build(["coal-energy"], out=out, pdf=True, progress=False)
    assert result.ok and [p.status for p in result.pdfs] == ["built", "built"], [
        (p.output.name, p.status, p.message) for p in result.pdfs
    ]
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_has_the_text_every_chart_and_embedded_fonts(pdfs, lang):
    pdf = pdfs / lang / "01-coal-energy.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(
        [_poppler("pdftotext"), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    folded = re.sub(r"\s+", "", text)
    assert "煤炭" in folded  # Chinese text on both pages (the quotes, at least)
    page = (pdfs / lang / "01-coal-energy.html").read_text(encoding="utf-8")
    titles = [
        json.loads(m.group(1))["title"]["text"]
        for m in re.finditer(
            r'<script id="sx-vega-\d+-spec" type="application/json">(.*?)</script>',
            page,
            flags=re.S,
        )
    ]
    assert len(titles) >= 2
    for title in titles:  # each chart was drawn: its title is in the PDF, as text
        first = title[0] if isinstance(title, list) else title
        assert re.sub(r"\s+", "", first)[:12] in folded, first
    # The fact table prints whole (the page shows ten rows at a time): one row per fact,
    # each naming its source, between the table's heading and the next one.
    soup = BeautifulSoup(page, "html.parser")
    table = soup.select_one("table.sx-facts")
    rows = table.select("tbody tr")
    assert len(rows) > 10
    heading = table.find_previous("h2").get_text(strip=True)
    after = table.find_next("h2").get_text(strip=True)
    part = text.split(heading, 1)[1].split(after, 1)[0]
    assert part.count({"zh": "瞭望", "en": "Liaowang"}[lang]) == len(rows)
    fonts = subprocess.run(
        [_poppler("pdffonts"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # emb column


def test_pdf_is_skipped_with_a_message_without_chromium(tmp_path, monkeypatch, capsys):
    from shanxi_analysis.cli import main
    from shanxi_analysis.report import pdf

    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(tmp_path / "no-chromium"))
    out = tmp_path / "out"
    assert main(["report", "coal-energy", "--lang", "en", "--pdf", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "no PDF written: Chromium was not found" in err
    assert not (out / "en" / "01-coal-energy.pdf").exists()


# ---------------------------------------------------------------- one language at a time


def _visible_sections(page) -> list[str]:
    return page.evaluate(
        "[...document.querySelectorAll('[data-sx-lang]')].filter(s => !s.hidden)"
        ".map(s => s.getAttribute('data-sx-lang'))"
    )


def test_the_index_opens_in_the_readers_language_and_remembers_a_switch(browser, built_reports):
    index = (built_reports / "index.html").as_uri()
    if True:
        for locale, expected in (("zh-CN", "zh"), ("en-GB", "en")):
            context = browser.new_context(locale=locale)
            page = context.new_page()
            page.goto(index)
            assert _visible_sections(page) == [expected]
            assert page.evaluate("document.documentElement.lang") == expected
            other = "en" if expected == "zh" else "zh"
            page.click(f'button[data-sx-set="{other}"]')
            assert _visible_sections(page) == [other]
            assert page.get_attribute(f'button[data-sx-set="{other}"]', "aria-pressed") == "true"
            # Remembered: Chromium commits local storage asynchronously, so a reader who
            # comes back (here: reloads, for up to ten seconds) finds the choice.
            for _ in range(20):
                page.wait_for_timeout(500)
                page.reload()
                if _visible_sections(page) == [other]:
                    break
            assert _visible_sections(page) == [other]
            titles = page.locator(f'[data-sx-lang="{other}"] article h2').all_inner_texts()
            assert len(titles) == len(set(titles)) == 7  # each theme once, and the indicators
            context.close()


def test_the_other_language_link_lands_on_the_same_section(browser, built_reports):
    if True:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto((built_reports / "zh" / "01-coal-energy.html").as_uri())
        page.evaluate("document.getElementById('section-3').scrollIntoView()")
        page.click("a[data-sx-other]")
        page.wait_for_load_state("load")
        assert page.url.endswith("/en/01-coal-energy.html#section-3")
        heading = page.evaluate(
            "document.getElementById('section-3').nextElementSibling.textContent"
        )
        zh = (built_reports / "zh" / "01-coal-energy.html").read_text(encoding="utf-8")
        assert zh.count('class="sx-anchor"') == page.locator("a.sx-anchor").count() >= 5
        assert heading.strip()


# ---------------------------------------------------------------- sources once, linked


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_fact_is_in_the_sources_once_and_charts_and_rows_link_to_it(built_reports, lang):

    for path in sorted((built_reports / lang).glob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        entries = soup.select("ol.sx-sources > li")
        ids = [li["id"] for li in entries]
        assert ids and len(ids) == len(set(ids)), path.name  # each fact once
        quotes = [li.get_text() for li in entries]

        def bare(text: str) -> str:  # inner quotation marks are nested (“‘十三五’…”)
            return re.sub("[“”‘’]", "", text)

        for li, text in zip(entries, quotes, strict=True):
            fid = li["id"].removeprefix("fact-")
            from shanxi_analysis import datasets

            quote = datasets.fact(fid)["quote"]
            assert bare(text).count(bare(quote)) == 1, (path.name, fid)  # the quote, once
            if lang == "en":
                assert bare(datasets.fact(fid)["quote_en"]) in bare(text)
        articles = soup.select("h3.sx-article")
        assert 1 <= len(articles) == len(soup.select("ol.sx-sources"))
        cites = soup.select(".sx-cite a")
        assert cites, path.name
        for a in [*cites, *soup.select("table.sx-facts a[href^='#fact-']")]:
            assert a["href"][1:] in ids, (path.name, a["href"])


# ---------------------------------------------------------------- accessible

_CONTRAST = """() => {
  function rgb(c) { const m = c.match(/[\\d.]+/g).map(Number); return m; }
  function lum(c) {
    const [r, g, b] = rgb(c).slice(0, 3).map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  function background(el) {
    for (let e = el; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (c && rgb(c).length >= 3 && (rgb(c)[3] === undefined || rgb(c)[3] > 0)) return c;
    }
    return 'rgb(255, 255, 255)';
  }
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || el.closest('svg, script, style, [hidden]')) continue;
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden' || st.display === 'none' || el.getClientRects().length === 0)
      continue;
    const a = lum(st.color), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const large = parseFloat(st.fontSize) >= 24 ||
      (parseFloat(st.fontSize) >= 18.66 && parseInt(st.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) bad.push([n.textContent.trim().slice(0, 30), st.color,
      background(el), ratio.toFixed(2)]);
  }
  return bad;
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_contrast_and_chart_descriptions(browser, built_reports, lang):
    for path in [*sorted((built_reports / lang).glob("*.html")), built_reports / "index.html"]:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(path.as_uri())
        page.wait_for_function(
            "[...document.querySelectorAll('.sx-chart')].every(c => c.querySelector('svg'))"
        )
        assert page.evaluate(_CONTRAST) == [], path.name  # WCAG AA for text
        labels = page.evaluate(
            "[...document.querySelectorAll('.sx-chart')].map(c => {"
            " const d = c.matches('[role=graphics-document]') ? c"
            " : c.querySelector('[role=graphics-document]');"
            " return d ? d.getAttribute('aria-label') || '' : ''; })"
        )
        assert all(len(label) >= 10 for label in labels), (path.name, labels)
        page.close()


@pytest.mark.parametrize("name", ["index.html", "en/03-reform-business.html"])
def test_a_keyboard_reaches_every_control(browser, built_reports, name):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((built_reports / name).as_uri())
    page.wait_for_timeout(500)
    page.wait_for_function(
        "[...document.querySelectorAll('.sx-facttable')]"
        ".every(t => t.classList.contains('sx-ready'))"
    )
    controls = page.evaluate(  # all but what is off now (the fact table's "previous" on page 1)
        "[...document.querySelectorAll('a[href], button, select, input, summary')]"
        ".filter(e => e.getClientRects().length && !e.closest('[hidden]')"
        " && !e.disabled && !e.classList.contains('disabled'))"
        ".map((e, i) => { e.dataset.sxControl = i; return e.outerHTML.slice(0, 100); })"
    )
    assert controls
    reached = set()
    for _ in range(3 * len(controls) + 20):  # other focusable things (charts) come too
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.dataset.sxControl"))
        if len(reached) > len(controls):
            break
    missed = [c for i, c in enumerate(controls) if str(i) not in reached]
    assert missed == [], missed
    page.close()


# ---------------------------------------------------------------- the indicator page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_indicator_page_finds_indicators_without_a_kernel(browser, built_reports, lang):
    from shanxi_analysis import datasets

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((built_reports / lang / "indicators.html").as_uri())
    visible = "[...document.querySelectorAll('.sx-indicator')].filter(s => !s.hidden).length"
    total = page.evaluate("document.querySelectorAll('.sx-indicator').length")
    assert total == datasets.facts()["indicator_id"].nunique()
    assert page.evaluate(visible) == total
    page.fill("#sx-filter-text", "煤矿" if lang == "zh" else "coal mines")
    found = page.evaluate(visible)
    assert 1 <= found < total
    assert page.is_visible("#indicator-coal_mines")
    assert f"{found}" in page.inner_text("#sx-filter-count")
    page.fill("#sx-filter-text", "")
    page.select_option("#sx-filter-theme", "development_zones")
    themes = page.evaluate(
        "[...new Set([...document.querySelectorAll('.sx-indicator')].filter(s => !s.hidden)"
        ".map(s => s.dataset.theme))]"
    )
    assert themes == ["development_zones"]
    # Every theme page links to it.
    theme_page = (built_reports / lang / "01-coal-energy.html").read_text(encoding="utf-8")
    assert 'href="indicators.html"' in theme_page
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_fact_table_searches_filters_sorts_pages_and_links_to_sources(
    browser, built_reports, width, tmp_path
):
    from shanxi_analysis import datasets

    facts = datasets.facts("en")
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto((built_reports / "en" / "00-overview.html").as_uri())
    page.wait_for_function("document.querySelector('.sx-facttable.sx-ready')")
    table = "table.sx-facts tbody tr"

    def rows() -> list[dict]:
        return page.eval_on_selector_all(
            table, "rs => rs.map(r => ({...r.dataset, text: r.innerText}))"
        )

    assert len(rows()) == 10  # a page of ten
    assert page.inner_text(".dt-info") == f"1–10 of {len(facts)} facts"
    page.fill(".dt-search input", "hydrogen")
    page.wait_for_timeout(300)
    found = rows()
    assert 0 < len(found) < 10 and all("hydrogen" in r["text"].lower() for r in found)
    page.fill(".dt-search input", "")
    for menu, column in (("kind", "kind"), ("theme", "theme"), ("source", "source_id")):
        value = facts[column].value_counts().index[-1]  # the rarest, to see a change
        page.select_option(f"select[data-filter={menu}]", value)
        page.wait_for_timeout(200)
        found = rows()
        expected = (facts[column] == value).sum()
        assert len(found) == min(expected, 10) and all(r[menu] == value for r in found)
        assert f"of {expected} facts" in page.inner_text(".dt-info")
        page.select_option(f"select[data-filter={menu}]", "")
    page.select_option("select[data-filter=period]", "2020")
    page.wait_for_timeout(200)
    assert {r["period"] for r in rows()} == {"2020"}
    page.select_option("select[data-filter=period]", "")
    page.select_option(".dt-length select", "-1")  # every row on one page
    page.click("table.sx-facts thead th:nth-child(2)")  # sort by period
    page.wait_for_timeout(200)
    periods = [r.get("period", "") for r in rows()]  # facts with no period come first
    assert len(periods) == len(facts) and periods == sorted(periods)
    assert periods != [p or "" for p in facts["period"]]  # the order changed
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # printed (or saved as PDF) while searched and filtered, the table prints whole
    page.select_option(".dt-length select", "10")
    page.fill(".dt-search input", "hydrogen")
    page.select_option("select[data-filter=kind]", "estimate")
    page.wait_for_timeout(200)
    assert 0 < len(rows()) < 10
    pdf = tmp_path / "printed.pdf"
    page.pdf(path=str(pdf))
    printed = subprocess.run(
        [_poppler("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    part = printed.split("Explore the data", 1)[1].split("Consistency checks", 1)[0]
    assert part.count("Liaowang") + part.count("unidentified") == len(facts)
    assert len(rows()) < 10 and page.input_value(".dt-search input") == "hydrogen"  # as before
    page.fill(".dt-search input", "")
    page.select_option("select[data-filter=kind]", "")
    link = page.eval_on_selector(f"{table} td a", "a => a.getAttribute('href')")
    page.click(f"{table} td a")
    assert page.evaluate("location.hash") == link
    assert page.evaluate(f"document.getElementById({link[1:]!r}) !== null")
    page.close()


def test_an_altair_snippet_on_a_page_finds_the_packed_libraries_and_loads_nothing(
    browser, tmp_path
):
    import altair as alt
    import pandas as pd

    from shanxi_analysis.report import html

    chart = alt.Chart(pd.DataFrame({"a": [1, 2]})).mark_bar().encode(x="a:Q")
    with alt.renderers.enable("html"):  # Altair's own snippet, which would load from a CDN
        bundle = chart._repr_mimebundle_()
    snippet = (bundle[0] if isinstance(bundle, tuple) else bundle)["text/html"]
    assert "maybeLoadScript" in snippet
    path = tmp_path / "snippet.html"
    path.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>{html.vega_bootstrap()}</head>"
        f"<body>{snippet}</body></html>",
        encoding="utf-8",
    )
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_selector("[id^=altair-viz] svg.marks, [id^=altair-viz] canvas", timeout=30_000)
    assert [u for u in requests if not u.startswith(("file:", "blob:", "data:"))] == []
    page.close()
