"""Widget logic, driven as a user would: set a control's value, read what the output shows."""

from __future__ import annotations

import pytest

from shanxi_analysis import datasets, metrics, notebook, widgets
from shanxi_analysis.charts._base import citation_text


def test_fact_browser_filters_by_words_theme_source_and_kind():
    b = widgets.FactBrowser("zh")
    everything = len(b.results())
    assert everything == len(datasets.facts())
    b.search.value = "煤矿"
    hits = b.results()
    assert 0 < len(hits) < everything
    assert hits["quote"].str.contains("煤矿").all()
    assert f"<b>{len(hits)}</b>" in b.count.value
    assert "全省煤矿数量减至 900 座以内" in b.table.value
    b.search.value = ""
    b.theme.value = "development_zones"
    assert (b.results()["theme"] == "development_zones").all()
    b.source.value = "liaowang-2021"
    assert (b.results()["source_id"] == "liaowang-2021").all()
    assert b.results()["fact_id"].tolist() == ["lw-dev-zones-2021"]
    b.kind.value = "target"
    assert b.results().empty and "<b>0</b>" in b.count.value


def test_fact_browser_switches_language_and_keeps_the_filters():
    b = widgets.FactBrowser("zh", theme="opening_talent")
    b.search.value = "外资"
    before = b.results()["fact_id"].tolist()
    b.lang.value = "en"
    assert b.theme.value == "opening_talent"
    assert dict(b.theme.options)["Opening-up, investment and talent"] == "opening_talent"
    assert "Indicator" in b.table.value and "<th>指标</th>" not in b.table.value
    b.search.value = "foreign investment"
    assert set(b.results()["fact_id"]) <= set(before) | set(b.results()["fact_id"])
    assert "830 million yuan" in b.table.value


def test_indicator_explorer_redraws_for_the_chosen_indicator():
    e = widgets.IndicatorExplorer("en", theme="development_zones")
    e.indicator.value = "planned_area"
    first = e.chart.to_dict()
    assert next(iter(first["datasets"].values()))[0]["fact_id"] == "dz-demo-zone-planned-area"
    e.indicator.value = "dev_zones_total"
    spec = e.chart.to_dict()
    assert spec != first
    assert spec["title"]["text"] == "Development zones at provincial level and above"
    rows = next(iter(spec["datasets"].values()))
    assert sorted(r["fact_id"] for r in rows) == ["dz-dev-zones-total-2020", "lw-dev-zones-2021"]
    assert "Liaowang" in citation_text(spec) and "newspaper" in citation_text(spec)
    assert "全省煤矿" not in e.citations.value and "山西将 88 个省级以上开发区" in e.citations.value
    e.lang.value = "zh"
    assert e.chart.to_dict()["title"]["text"] == "省级以上开发区"


def test_loan_calculator_defaults_to_the_article_and_recomputes():
    c = widgets.LoanCalculator("zh")
    assert c.principal.value == pytest.approx(datasets.base_value("lw-loan-principal") / 1e8)
    assert c.saving == pytest.approx(datasets.base_value("lw-loan-interest-saved"))
    assert "534.38 万元" in c.result.value and "1000 多万元" in c.result.value
    c.months.value = 12
    assert c.saving == pytest.approx(metrics.simple_interest(1.5e8, 4.75, 12))
    assert "712.50 万元" in c.result.value
    c.phases.value = 3
    assert "3 期合计 <b>2,137.50 万元</b>" in c.result.value


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
