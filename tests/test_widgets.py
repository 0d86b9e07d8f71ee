"""Widget logic, driven as a user would: set a control's value, read what the output shows."""

from __future__ import annotations

import asyncio
import re

import pytest

from shanxi_analysis import charts, datasets, jupyter, metrics, notebook, widgets
from shanxi_analysis.charts.reform import PARAM_MONTHS, PARAM_PRINCIPAL, PARAM_RATE

FACTS = datasets.facts("zh")


def _rows(html: str) -> int:
    return html.count("<tr") - 1  # minus the header row


def _dataset(spec: dict) -> list[dict]:
    """Every fact a chart spec plots, once each (its layers may hold them in several sets)."""
    rows = [r for values in spec["datasets"].values() for r in values if "fact_id" in r]
    return list({r["fact_id"]: r for r in rows}.values())


# ---------------------------------------------------------------- fact browser


def test_fact_browser_filters_by_words_theme_source_and_kind():
    b = widgets.FactBrowser("zh")
    everything = len(b.results())
    assert everything == len(FACTS)
    b.search.value = "煤矿"
    hits = b.results()
    assert 0 < len(hits) < everything
    assert hits["quote"].str.contains("煤矿").all()
    assert "全省煤矿数量减至 900 座以内" in b.table.value
    assert _rows(b.table.value) == len(hits)
    b.search.value = ""
    b.theme.value = "development_zones"
    assert (b.results()["theme"] == "development_zones").all()
    b.source.value = "liaowang-2021"
    assert (b.results()["source_id"] == "liaowang-2021").all()
    assert b.results()["fact_id"].tolist() == ["lw-dev-zones-2021"]
    b.kind.value = "target"
    assert b.results().empty


def test_fact_browser_searches_as_you_type():
    b = widgets.FactBrowser("zh")
    assert b.search.continuous_update  # each keystroke reaches Python, no Enter needed
    b.search.value = "外资"
    expected = FACTS[FACTS["quote"].str.contains("外资")]
    assert _rows(b.table.value) == len(expected) > 0
    assert f"<b>{len(expected)}</b> 条事实" in b.count.value


def test_typing_in_a_running_kernel_waits_for_a_pause():
    async def typing():
        b = widgets.FactBrowser("zh")
        before = b.table.value
        for text in ("煤", "煤矿"):
            b.search.value = text
        assert b.table.value == before  # nothing redrawn while the keys come
        await asyncio.sleep(widgets.SEARCH_DELAY * 3)
        return b

    b = asyncio.run(typing())
    assert _rows(b.table.value) == len(FACTS[FACTS["quote"].str.contains("煤矿")])


def test_filters_show_all_as_a_label_not_a_blank():
    b = widgets.FactBrowser("zh")
    for control in (b.theme, b.source, b.kind):
        assert control.label == "全部", control.description
    b.lang.value = "en"
    assert [c.label for c in (b.theme, b.source, b.kind)] == ["All", "All", "All"]
    b.kind.value = "target"
    b.lang.value = "zh"
    assert b.kind.label == datasets.KIND_LABELS["target"][0]


def test_the_count_says_how_many_are_shown_and_the_rest_can_be_seen():
    b = widgets.FactBrowser("zh", limit=40)
    assert "显示第 <b>1–40</b> 条 / 89 条事实" in b.count.value
    assert _rows(b.table.value) == 40
    assert b.previous.disabled and not b.next.disabled
    first_page = b.table.value
    b.next.click()
    assert "显示第 <b>41–80</b> 条 / 89 条事实" in b.count.value and b.table.value != first_page
    b.next.click()
    assert _rows(b.table.value) == 9 and b.next.disabled and not b.previous.disabled
    b.kind.value = "actual"  # new matches start on their first page
    assert b.page == 0 and "<b>1–40</b>" in b.count.value
    b.kind.value = ""
    assert b.more.layout.display != "none" and "89" in b.more.description
    b.more.click()
    assert _rows(b.table.value) == 89 and "<b>89</b> 条事实" in b.count.value
    b.more.click()
    assert _rows(b.table.value) == 40
    b.search.value = "煤矿"  # fewer than the limit: no button
    assert b.more.layout.display == "none"
    assert "（全部 89 条中）" in b.count.value


def test_fact_browser_filters_by_period_and_sorts():
    b = widgets.FactBrowser("en", limit=200)
    b.period.value = "2020"
    assert set(b.results()["period"]) == {"2020"}
    assert _rows(b.table.value) == (FACTS["period"] == "2020").sum() > 1
    assert b.period.label == "2020"
    b.period.value = ""
    b.order.value = "period"
    ordered = b.results()["period"]
    undated = FACTS["period"].isna().sum()
    assert undated > 0 and ordered.tail(undated).isna().all()  # undated facts come last
    periods = ordered.dropna().tolist()
    assert periods == sorted(periods) and periods != FACTS["period"].dropna().tolist()
    b.order.value = "-period"
    assert b.results()["period"].dropna().tolist() == sorted(periods, reverse=True)
    b.order.value = "indicator"
    names = b.results()["indicator"].tolist()
    assert names == sorted(names)
    b.order.value = ""
    assert b.results()["fact_id"].tolist() == FACTS["fact_id"].tolist()


def test_no_match_says_so_and_names_the_filters():
    b = widgets.FactBrowser("en")
    b.search.value = "zeppelin"
    assert "<table" not in b.table.value
    assert "No fact matches" in b.table.value and "zeppelin" in b.table.value
    assert "none matches" in b.count.value
    b.search.value = ""
    b.theme.value = "development_zones"
    b.source.value = "liaowang-2021"
    b.kind.value = "target"
    assert b.results().empty
    assert f"Kind: {datasets.KIND_LABELS['target'][1]}" in b.table.value
    assert f"Theme: {datasets.THEMES['development_zones'][1]}" in b.table.value


def test_fact_browser_switches_language_and_keeps_the_filters():
    b = widgets.FactBrowser("zh", theme="opening_talent")
    b.search.value = "外资"
    zh_hits = b.results()["fact_id"].tolist()
    b.lang.value = "en"
    assert b.theme.value == "opening_talent" and b.search.value == "外资"
    assert dict(b.theme.options)["Opening-up, investment and talent"] == "opening_talent"
    assert "Indicator" in b.table.value and "<th>指标</th>" not in b.table.value
    assert b.results()["fact_id"].tolist() == zh_hits  # the Chinese words still match
    b.search.value = "foreign investment"
    en_hits = b.results()
    assert len(en_hits) > 0
    assert en_hits["quote_en"].str.lower().str.contains("foreign investment").all()
    assert "830 million yuan" in b.table.value


# ---------------------------------------------------------------- indicator explorer


def test_indicators_are_picked_by_theme():
    e = widgets.IndicatorExplorer("zh")
    themes = [v for _, v in e.theme.options]
    assert set(themes) == set(FACTS["theme"])  # every theme that has facts, in reading order
    assert themes == [t for t in datasets.THEMES if t in themes]
    seen = set()
    for theme in themes:
        e.theme.value = theme
        ids = {v for _, v in e.indicator.options}
        assert ids == set(FACTS.loc[FACTS["theme"] == theme, "indicator_id"])
        assert (
            e.chart.to_dict()["title"]["text"]
            == dict((v, k) for k, v in e.indicator.options)[e.indicator.value]
        )
        seen |= ids
    assert seen == set(FACTS["indicator_id"])
    assert max(len(FACTS.loc[FACTS["theme"] == t, "indicator_id"].unique()) for t in themes) < 81


def test_indicator_explorer_redraws_for_the_chosen_indicator():
    e = widgets.IndicatorExplorer("en", theme="development_zones")
    e.indicator.value = "planned_area"
    first = e.chart.to_dict()
    assert [r["fact_id"] for r in _dataset(first)] == ["dz-demo-zone-planned-area"]
    e.indicator.value = "dev_zones_total"
    spec = e.chart.to_dict()
    assert spec["title"]["text"] == "Development zones at provincial level and above"
    rows = _dataset(spec)
    assert sorted(r["fact_id"] for r in rows) == ["dz-dev-zones-total-2020", "lw-dev-zones-2021"]
    assert "Liaowang" in charts.citation_text(spec) and "newspaper" in charts.citation_text(spec)
    assert e.view.spec["title"]["text"] == spec["title"]["text"]  # the chart on screen
    assert "全省煤矿" not in e.quotes.value and "山西将 88 个省级以上开发区" in e.quotes.value
    e.lang.value = "zh"
    assert e.chart.to_dict()["title"]["text"] == "省级以上开发区"


def test_each_indicator_is_drawn_by_a_new_chart_widget_in_the_same_place():
    # The browser draws a changed spec asynchronously: of two quick changes to one widget the
    # slower drawing can land last (a JupyterLab test saw the first indicator's chart stay
    # under the second's name). A new widget per chart cannot be overtaken by an old one.
    e = widgets.IndicatorExplorer("zh", theme="coal_energy")
    first, place = e.view, list(e.children).index(e.view)
    e.indicator.value = "advanced_coal_capacity_share"
    assert e.view is not first and e.children[place] is e.view
    assert first.comm is None  # closed: the browser drops it
    assert e.view.spec["title"]["text"] == e.chart.to_dict()["title"]["text"]
    assert sum(isinstance(c, type(e.view)) for c in e.children) == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_qualified_figures_are_drawn_as_qualified(lang):
    e = widgets.IndicatorExplorer(lang, theme="coal_energy")
    e.indicator.value = "advanced_coal_capacity_share"  # two periods: the trend chart
    spec = e.chart.to_dict()
    rows = {r["fact_id"]: r for r in _dataset(spec)}
    bound = rows["lw-advanced-coal-capacity-share-2015"]
    exact = rows["lw-advanced-coal-capacity-share-2020"]
    assert bound["label"] == ("不足 30%" if lang == "zh" else "<30%")  # the one formatter
    assert (bound["exact"], exact["exact"]) == (False, True)
    layers = [(u["mark"], u.get("encoding", {}), u.get("transform", [])) for u in spec["layer"]]
    # a bound is a hollow point over the shaded range where its true value lies
    hollow = [m for m, _, t in layers if m["type"] == "point" and {"filter": "!datum.exact"} in t]
    assert hollow and hollow[0]["filled"] is False
    assert any(m["type"] == "rule" and "y2" in enc for m, enc, _ in layers)
    # "约" (about), its only figure: a card with its qualifier in the label, not one bar
    approx = FACTS[FACTS["fact_id"] == "lw-panda-solar-output"].iloc[0]
    e.theme.value = approx["theme"]
    e.indicator.value = approx["indicator_id"]
    spec = e.chart.to_dict()
    (row,) = [r for r in _dataset(spec) if r["fact_id"] == approx["fact_id"]]
    assert row["big"].startswith("约" if lang == "zh" else "about")
    assert not [u for u in spec["layer"] if u["mark"]["type"] == "bar"]


def test_each_quote_is_shown_once_without_doubled_marks():
    e = widgets.IndicatorExplorer("zh", theme="opening_talent")
    for indicator in [v for _, v in e.indicator.options]:
        e.indicator.value = indicator
        items = re.findall(r"<li>(.*?)</li>", e.quotes.value, flags=re.S)
        rows = e.rows()
        assert len(items) == len(rows)
        for item, quote in zip(items, rows["quote"], strict=True):
            assert item.count(quote.replace("&", "&amp;").replace("<", "&lt;")) == 1, item
            assert "““" not in item and "””" not in item


def test_a_click_on_the_chart_narrows_the_quotes_to_that_fact():
    e = widgets.IndicatorExplorer("zh", theme="coal_energy")
    e.indicator.value = "advanced_coal_capacity_share"
    both = e.rows()["fact_id"].tolist()
    assert len(both) == 2 and e.quotes.value.count("<li>") == 2
    # What the chart's JavaScript sends back when a bar is clicked.
    e.view._vl_selections = {
        widgets.PICK: {"value": {"vlPoint": {"or": [{"fact_id": both[0]}]}}, "store": []}
    }
    assert e.selected == [both[0]]
    assert e.quotes.value.count("<li>") == 1 and "不足30%" in e.quotes.value
    e.view._vl_selections = {widgets.PICK: {"value": None, "store": []}}  # double-click
    assert e.selected == [] and e.quotes.value.count("<li>") == 2
    # A new indicator keeps listening to clicks on its new chart.
    e.indicator.value = "coal_mines"
    (only,) = e.rows()["fact_id"]
    e.view._vl_selections = {
        widgets.PICK: {"value": {"vlPoint": {"or": [{"fact_id": only}]}}, "store": []}
    }
    assert e.selected == [only]


# ---------------------------------------------------------------- loan calculator


def drawn_title(chart) -> str:
    """All the text Vega draws for the chart, its title with it (the title is an expression
    over the sliders, so only drawing it shows its words)."""
    from shanxi_analysis.render import svg_text, to_svg

    return svg_text(to_svg(chart, check_glyphs=False))


def test_the_loan_calculator_is_the_chart_with_python_sliders():
    c = widgets.LoanCalculator("zh")
    params = {p["name"]: p for p in charts.loan_savings_calculator(lang="zh").to_dict()["params"]}
    for name in (PARAM_PRINCIPAL, PARAM_RATE, PARAM_MONTHS):
        slider, bind = c.sliders[name], params[name]["bind"]
        assert slider.description == bind["name"].strip()  # the same labels
        assert (slider.value, slider.min, slider.max, slider.step) == (
            params[name]["value"],
            bind["min"],
            bind["max"],
            bind["step"],
        )
    assert all("bind" not in p for p in c.chart.to_dict()["params"])  # one set of sliders
    assert c.saving == pytest.approx(datasets.base_value("lw-loan-interest-saved"))
    assert "承诺制节省的利息：1.5 亿元贷款、9 个月" in drawn_title(c.chart)


def test_the_loan_calculator_title_and_numbers_follow_the_sliders():
    c = widgets.LoanCalculator("zh")
    c.sliders[PARAM_MONTHS].value = 12
    c.sliders[PARAM_PRINCIPAL].value = 3
    assert c.saving == pytest.approx(metrics.simple_interest(3e8, 4.75, 12))
    spec = c.chart.to_dict()
    assert "承诺制节省的利息：3 亿元贷款、12 个月" in drawn_title(c.chart)
    values = {p["name"]: p["value"] for p in spec["params"]}
    assert values == {PARAM_PRINCIPAL: 3, PARAM_RATE: 4.75, PARAM_MONTHS: 12}
    c.lang.value = "en"
    assert c.sliders[PARAM_MONTHS].description == "Months saved"
    assert "a 300 million yuan loan, 12 months sooner" in drawn_title(c.chart)


# ---------------------------------------------------------------- the page's widgets


def test_a_page_has_one_language_switch_for_all_its_widgets(monkeypatch):
    shown = []
    monkeypatch.setattr(notebook, "_display", shown.append)
    page = notebook.Page("reform_business", lang="zh", interactive=True)
    calculator = page.show(page.loan_calculator())
    page.explore()
    explorer, browser = (
        o for o in shown if isinstance(o, widgets.IndicatorExplorer | widgets.FactBrowser)
    )
    bars = [o for o in shown if isinstance(o, widgets.LanguageBar)]
    assert len(bars) == 1
    for widget in (calculator, explorer, browser):
        assert widget.lang is page.switch
        assert page.switch not in widget.children  # the switch is shown once, above them
    page.switch.value = "en"
    assert browser.theme.label == "Reform and the business environment"
    assert explorer.chart.to_dict()["title"]["text"].isascii()
    assert "Interest saved by the commitment system: a " in drawn_title(calculator.chart)
    assert "lw-loan-interest-saved" in page.used  # the calculator's facts are cited


def test_without_a_kernel_each_widget_leaves_a_hint():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    published = []
    monkey = shell.display_pub.publish
    shell.display_pub.publish = lambda data, metadata=None, **kw: published.append(data)
    try:
        widgets.FactBrowser("en")._ipython_display_()
    finally:
        shell.display_pub.publish = monkey
    style, view = published
    # Trusted, with no kernel: the style puts the hint where "model not found" would be.
    assert style["text/html"] == widgets.NO_KERNEL_STYLE
    assert (
        ":not(:has(*))" in style["text/html"] and "Run this cell to explore" in style["text/html"]
    )
    # Untrusted: JupyterLab shows the text form, which is the hint (not the whole table).
    assert "application/vnd.jupyter.widget-view+json" in view
    assert view["text/plain"] == f"▶ 事实检索 · Fact browser: {widgets.NO_KERNEL_HINT}"


def test_page_records_the_facts_it_uses():
    page = notebook.Page("reform_business", lang="en", interactive=False)
    page.text(zh="{fact:lw-loan-principal}", en="Loan of {fact:lw-loan-principal}.")
    assert page.used == ["lw-loan-principal"]
    table = page.sources_table()
    assert table["fact_id"].tolist() == ["lw-loan-principal"]
    assert table["figure"].item() == "150 million yuan"
    assert "项目贷款 1.5 亿元" in table["quote"].item()
    checks = page.checks_table()
    assert set(checks["rule_id"]) == {"loan-interest", "loan-two-phases"}
    assert {"lw-loan-interest-saved", "lw-loan-principal"} <= set(page.used)


def test_page_parameters_are_checked():
    with pytest.raises(ValueError, match="allowed values: zh, en"):
        notebook.Page("coal_energy", lang="fr")
    with pytest.raises(ValueError, match="allowed values: True, False"):
        notebook.Page("coal_energy", lang="zh", interactive="yes")
    with pytest.raises(ValueError, match="theme must be one of"):
        notebook.Page("tourism", lang="zh")
    with pytest.raises(ValueError, match="lang must be one of"):
        widgets.FactBrowser("fr")


# ---------------------------------------------------------------- display in a notebook


def test_amounts_display_without_scientific_notation():
    zones = FACTS[FACTS["theme"] == "development_zones"]
    html = jupyter.frame_html(zones[["indicator", "base_value", "base_unit"]])
    assert "47,500,000,000" in html and "yuan" in html
    assert not re.search(r"\d\.\d+e\+\d", html)
    assert "4.750000e+10" in zones[["base_value"]].to_html()  # what pandas alone shows
    other = jupyter.frame_html(zones[["indicator"]].assign(ratio=0.5))  # not a package column
    assert "0.5" in other


def test_charts_use_the_offline_renderer_in_a_kernel():
    import altair as alt

    jupyter.use_offline_renderer()
    try:
        bundle, meta = alt.renderers.get()(charts.dev_zones_composition(lang="en").to_dict())
    finally:
        alt.renderers.enable("default")
    spec = bundle[jupyter.VEGA_MIME]
    assert spec["$schema"].endswith("/vega/v5.json")  # what JupyterLab's own renderer draws
    assert "text/html" not in bundle  # no script, so nothing to block when untrusted
    assert meta[jupyter.VEGA_MIME]["embed_options"]["actions"]["editor"] is False


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sources_section_quotes_each_fact_once(monkeypatch, lang):
    shown = []
    monkeypatch.setattr(notebook, "_display", shown.append)
    page = notebook.Page("coal_energy", lang=lang, interactive=False)
    page.text(zh="{fact:lw-coal-overcapacity-cut-2016-2020}", en="{fact:lw-coal-mines-2020}")
    page.text(zh="{fact:lw-coal-mines-2020}", en="{fact:lw-coal-overcapacity-cut-2016-2020}")
    page.sources()
    section = shown[-1].data
    items = re.findall(r'<li id="fact-[^"]+"><b>.*?</li>', section, flags=re.S)
    assert len(items) == 2

    def bare(text: str) -> str:
        return re.sub("[“”‘’]", "", text)

    for fid, item in zip(page.used, items, strict=True):
        assert bare(item).count(bare(datasets.cite(fid).quote)) == 1, item
        assert "““" not in item
    # A quote that opens with its own marks is shown with nested ones, not doubled.
    assert ("“‘十三五’期间" if lang == "zh" else "(“十三五”期间") in section


@pytest.mark.parametrize("name", ["places_map", "policy_timeline"])
def test_compact_data_draws_the_same_chart(name):
    """Datasets travel as one JSON string each (small saved notebooks); Vega draws the same."""
    import json

    import vl_convert as vlc

    spec = charts.CHARTS[name](lang="zh").to_dict()
    full = vlc.vegalite_to_vega(spec, vl_version=jupyter.COMPILE_VL_VERSION)
    compact = jupyter.vega_bundle(spec)[0][jupyter.VEGA_MIME]
    inline = [d for d in compact["data"] if "values" in d]
    assert inline and all(isinstance(d["values"], str) for d in inline)
    assert len(json.dumps(compact, indent=1)) < len(json.dumps(full, indent=1))
    assert vlc.vega_to_svg(compact) == vlc.vega_to_svg(full)
