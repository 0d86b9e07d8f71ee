"""Behaviour of the development-zone and opening-up charts: what they compute and show, not
just that they render (the overview charts: test_charts_overview.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from shanxi_analysis import charts, datasets, derived, metrics
from shanxi_analysis.charts import opening
from shanxi_analysis.charts._base import citation_text

LANGS = ("zh", "en")


def _spec(chart) -> dict:
    return chart.to_dict()


def _units(spec: dict) -> list[dict]:
    """Every unit spec of a (possibly layered) chart spec."""
    out = []
    for layer in spec.get("layer", [spec]):
        out += _units(layer) if "layer" in layer else [layer]
    return out


def _rows(spec: dict, unit: dict) -> list[dict]:
    data = unit.get("data", spec.get("data"))
    if "values" in data:
        return data["values"]
    return spec["datasets"][data["name"]]


def _mark(unit: dict) -> str:
    mark = unit["mark"]
    return mark["type"] if isinstance(mark, dict) else mark


def _params(spec: dict) -> list[dict]:
    out = list(spec.get("params", []))
    for unit in _units(spec):
        out += unit.get("params", [])
    return out


def _edited(fact_id: str, value: float, lang: str = "en") -> pd.DataFrame:
    """The package's facts with one fact's value (and base value) changed."""
    df = datasets.facts(lang)
    i = df.index[df["fact_id"] == fact_id][0]
    ratio = df.at[i, "base_value"] / df.at[i, "value"]
    df.at[i, "value"] = value
    df.at[i, "base_value"] = value * ratio
    return df


def _base(fact_id: str) -> float:
    return datasets.base_value(fact_id)


# ---------------------------------------------------------------- growth_vs_average


def _growth(spec: dict) -> dict[tuple[str, bool], float]:
    rows = [r for u in _units(spec) if _mark(u) == "point" for r in _rows(spec, u)]
    # each point carries the facts it comes from: the stated rate first, then its gap
    return {(r["fact_id"].split(";")[0], r["is_ref"]): r["rate"] for r in rows}


def test_growth_vs_average_derives_the_reference_rates():
    got = _growth(_spec(charts.growth_vs_average(lang="en")))
    fdi = _base("dz-dev-zones-fdi-growth-2020q1")
    assert got[("dz-dev-zones-fdi-growth-2020q1", False)] == pytest.approx(fdi)
    assert got[("dz-dev-zones-fdi-growth-2020q1", True)] == pytest.approx(
        metrics.implied_rate(_base("dz-dev-zones-fdi-growth-gap-2020q1"), fdi)
    )
    # the decline is stored as 1.6 (indicator written as a fall) and plotted as -1.6
    decline = -_base("dz-dev-zones-imports-decline-2020q1")
    assert got[("dz-dev-zones-imports-decline-2020q1", False)] == pytest.approx(decline)
    assert got[("dz-dev-zones-imports-decline-2020q1", True)] == pytest.approx(
        metrics.implied_rate(_base("dz-dev-zones-imports-growth-gap-2020q1"), decline)
    )
    # the chart and the narrative give the same national rate
    assert got[("lw-foreign-trade-growth-2020", True)] == pytest.approx(
        derived.value("national_trade_growth_2020")
    )


def test_growth_vs_average_marks_derived_values():
    spec = _spec(charts.growth_vs_average(lang="en"))
    assert "hollow: the reference, derived" in " ".join(spec["title"]["subtitle"])
    rows = [r for u in _units(spec) if _mark(u) == "point" for r in _rows(spec, u)]
    assert all("implied" in r["who"] for r in rows if r["is_ref"])


def test_growth_vs_average_has_a_dropdown_over_the_comparisons():
    spec = _spec(charts.growth_vs_average(lang="zh"))
    focus = next(p for p in _params(spec) if p["name"] == "focus")
    assert focus["bind"]["input"] == "select"
    assert len(focus["bind"]["options"]) == 4 and focus["bind"]["options"][0] == "all"
    assert focus["value"] == "all"


def test_growth_vs_average_follows_a_users_facts():
    edited = _edited("dz-dev-zones-fdi-growth-gap-2020q1", 100.0)
    got = _growth(_spec(charts.growth_vs_average(edited, lang="en")))
    assert got[("dz-dev-zones-fdi-growth-2020q1", True)] == pytest.approx(
        _base("dz-dev-zones-fdi-growth-2020q1") - 100
    )


# ---------------------------------------------------------------- zone_share_of_province


def _share_rows(spec: dict) -> list[dict]:
    return [r for u in _units(spec) if _mark(u) == "bar" for r in _rows(spec, u)][2:]


def test_zone_share_of_province_tooltips_carry_the_implied_totals():
    spec = _spec(charts.zone_share_of_province(lang="zh"))
    rows = _share_rows(spec)
    assert [r["share"] for r in rows] == [61.5, 69.0]
    # the same implied total as the narrative's derived value
    assert derived.text("shanxi_trade_2019_from_share", "zh") in rows[1]["whole_label"]
    assert "推算" in rows[1]["whole_label"]
    tooltip_fields = {
        t["field"]
        for u in _units(spec)
        for t in u["encoding"].get("tooltip", [])
        if isinstance(t, dict)
    }
    assert {"whole_label", "part_label", "quote_shown", "source_short"} <= tooltip_fields


def test_zone_share_of_province_follows_a_users_facts():
    edited = _edited("dz-dev-zones-fdi-share-2019", 50.0)
    rows = _share_rows(_spec(charts.zone_share_of_province(edited, lang="en")))
    assert rows[0]["share"] == 50.0
    implied = metrics.implied_total(_base("dz-dev-zones-fdi-2019"), 50.0)
    assert f"{implied / 1e9:,.4g} billion yuan" in rows[0]["whole_label"]


# ---------------------------------------------------------------- talent_and_partners


def test_talent_dots_count_what_the_text_says_with_a_plus_for_more_than():
    spec = _spec(charts.talent_and_partners(lang="en"))
    circles = next(u for u in _units(spec) if _mark(u) == "circle")
    dots = [r for r in _rows(spec, circles) if not r["plus"]]
    plus = [r for r in _rows(spec, circles) if r["plus"]]
    per_fact = pd.Series([r["fact_id"] for r in dots]).value_counts()
    facts = datasets.facts()
    talent = facts[facts["indicator_id"].isin([i for i, _ in opening._TALENT])]["fact_id"]
    assert len(talent) == len(opening._TALENT)  # chosen by indicator
    for fact_id in talent:
        assert per_fact[fact_id] == _base(fact_id)
    more_than = {f for f in talent if str(datasets.fact(f)["qualifier"]) == "more_than"}
    assert {r["fact_id"] for r in plus} == more_than


def test_talent_share_track_is_its_own_scale():
    spec = _spec(charts.talent_and_partners(lang="zh"))
    bars = [u for u in _units(spec) if _mark(u) == "bar"]
    share = _rows(spec, bars[0])[0]
    assert share["x2"] / share["full"] == pytest.approx(
        _base("lw-investment-projects-three-regions-share") / 100
    )
    assert share["share_text"] == "≥30%"


# ---------------------------------------------------------------- zones


def test_demo_zone_parks_draws_one_named_square_per_park():
    spec = _spec(charts.demo_zone_parks(lang="zh"))
    squares = next(u for u in _units(spec) if _mark(u) == "square")
    rows = _rows(spec, squares)
    assert len(rows) == _base("dz-demo-zone-parks-total")
    by_fact = pd.Series([r["fact_id"] for r in rows]).value_counts()
    assert by_fact["dz-demo-zone-national-parks"] == _base("dz-demo-zone-national-parks")
    assert by_fact["dz-demo-zone-provincial-parks"] == _base("dz-demo-zone-provincial-parks")
    names = {r["park"] for r in rows}
    ents = datasets.entities("zh")
    assert "山西大学城产业园区" in names
    assert names <= set(ents.loc[ents["parent_id"] == "demo-zone", "name"])


def test_demo_zone_parks_follows_a_users_count():
    edited = _edited("dz-demo-zone-national-parks", 5, lang="en")
    spec = _spec(charts.demo_zone_parks(edited, lang="en"))
    squares = next(u for u in _units(spec) if _mark(u) == "square")
    rows = [r for r in _rows(spec, squares) if r["fact_id"] == "dz-demo-zone-national-parks"]
    assert len(rows) == 5
    assert rows[-1]["park"] == "(not named in the text)"


def test_dev_zones_change_cites_both_articles_and_computes_the_change():
    spec = _spec(charts.dev_zones_change(lang="en"))
    citation = citation_text(spec)
    for sid in ("demozone-2020", "liaowang-2021"):
        title = datasets.sources("en").set_index("source_id").loc[sid, "title_en"]
        assert title in citation
    points = next(_rows(spec, u) for u in _units(spec) if _mark(u) == "point")
    assert [r["shown"] for r in points] == [83, 88]
    rate = metrics.growth(83, 88)
    assert f"+5 ({rate:+.1%})" in spec["description"]
    assert derived.text("dev_zones_added", "en") == "5"
