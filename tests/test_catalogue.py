"""The indicator catalogue chooses each indicator's chart from its data alone."""

from __future__ import annotations

import pandas as pd
import pytest

from shanxi_analysis import catalogue, datasets


def _facts(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"entity_id": e, "period": p} for e, p in rows])


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("a", "2019"), ("a", "2020")], "trend"),
        ([("a", "2019Q1"), ("a", "2020Q1"), ("b", "2020")], "trend"),
        ([("a", "2019"), ("a", "2020Q1")], "card"),  # a year and a quarter are no line
        ([("a", "2019"), ("b", "2019")], "compare"),
        ([("a", "2019"), ("b", "2020Q1")], "compare"),
        ([("a", "2019")], "card"),
        ([("a", None), ("a", "")], "card"),  # undated figures
        ([("a", None), ("b", None)], "compare"),
    ],
)
def test_the_chart_type_follows_the_data(rows, expected):
    assert catalogue.chart_type(_facts(*rows)) == expected


def test_every_indicator_with_facts_has_an_entry_in_theme_order():
    entries = catalogue.entries("en")
    assert {e.indicator_id for e in entries} == set(datasets.facts()["indicator_id"])
    order = list(datasets.THEMES)
    themes = [order.index(e.theme) for e in entries]
    assert themes == sorted(themes)
    for e in entries:
        chart = catalogue.chart(e, "en")
        assert (chart is None) == (e.chart_type == "card")
        if chart is not None:
            plotted = {
                r["fact_id"]
                for rows in chart.to_dict()["datasets"].values()
                for r in rows
                if "fact_id" in r
            }
            assert plotted <= set(e.facts["fact_id"]) and plotted


def test_a_figure_added_later_changes_the_chart_with_no_code():
    facts = datasets.facts("en")
    mines = facts[facts["indicator_id"] == "coal_mines"]
    assert catalogue.chart_type(mines) == "card"
    later = mines.iloc[[0]].assign(
        fact_id="fictional-coal-mines-2023", period="2023", source_id="liaowang-2021"
    )
    grown = pd.concat([facts, later], ignore_index=True)
    entry = next(e for e in catalogue.entries("en", grown) if e.indicator_id == "coal_mines")
    assert entry.chart_type == "trend" and len(entry.facts) == 2
    assert catalogue.chart(entry, "en") is not None
