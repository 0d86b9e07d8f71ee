"""Behaviour of the development-zone and opening-up charts: what they compute and show, not
just that they render (the overview charts: test_charts_overview.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from shanxi_analysis import charts, datasets, derived, metrics
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


_TALENT = ("university_partners", "academician_workstations", "national_talent_programme_members")


def test_talent_dots_count_what_the_text_says_with_a_plus_for_more_than():
    spec = _spec(charts.talent_and_partners(lang="en"))
    circles = next(u for u in _units(spec) if _mark(u) == "circle")
    per_fact = pd.Series([r["fact_id"] for r in _rows(spec, circles)]).value_counts()
    plus = [
        r
        for u in _units(spec)
        if _mark(u) == "text" and u["encoding"]["text"].get("value") == "+"
        for r in _rows(spec, u)
    ]
    facts = datasets.facts()
    talent = facts[facts["indicator_id"].isin(_TALENT)]["fact_id"]
    assert len(talent) == len(_TALENT)  # chosen by indicator
    for fact_id in talent:
        assert per_fact[fact_id] == _base(fact_id)
    more_than = {f for f in talent if str(datasets.fact(f)["qualifier"]) == "more_than"}
    assert {r["fact_id"] for r in plus} == more_than


def test_talent_writes_the_projects_signed_beside_the_dots():
    spec = _spec(charts.talent_and_partners(lang="en"))
    notes = [r for u in _units(spec) if _mark(u) == "text" for r in _rows(spec, u) if "text" in r]
    assert [r["fact_id"] for r in notes] == [
        "lw-investment-projects-three-regions",
        "lw-investment-projects-three-regions-share",
    ]
    assert "3,426" in notes[0]["text"] and notes[1]["text"].endswith("≥30%")
    assert "3,426" in spec["description"]


def test_talent_dots_follow_a_users_count():
    edited = _edited("lw-demo-zone-academician-workstations", 12)
    spec = _spec(charts.talent_and_partners(edited, lang="en"))
    circles = next(u for u in _units(spec) if _mark(u) == "circle")
    rows = [
        r for r in _rows(spec, circles) if r["fact_id"] == "lw-demo-zone-academician-workstations"
    ]
    assert len(rows) == 12


# ---------------------------------------------------------------- zones


def _bars(spec: dict) -> list[dict]:
    return [r for u in _units(spec) if _mark(u) == "bar" for r in _rows(spec, u)]


def test_demo_zone_parks_draws_the_parts_of_the_rule_against_the_total():
    spec = _spec(charts.demo_zone_parks(lang="en"))
    bars = {r["part"]: r["shown"] for r in _bars(spec)}
    assert bars["National-level zones"] == _base("dz-demo-zone-national-parks")
    assert bars["Provincial-level zones"] == _base("dz-demo-zone-provincial-parks")
    named = [p for p in bars if p.startswith("Shanxi University Town")]
    assert len(named) == 1 and bars[named[0]] == 1
    assert sum(bars.values()) == _base("dz-demo-zone-parks-total")
    assert "8 parks in all" in spec["description"]


def test_demo_zone_parks_follows_a_users_count():
    edited = _edited("dz-demo-zone-national-parks", 3, lang="en")
    bars = {r["part"]: r["shown"] for r in _bars(_spec(charts.demo_zone_parks(edited, lang="en")))}
    assert bars["National-level zones"] == 3
    assert bars["Not itemised"] == 1  # 3 + 3 + 1 fall one short of the 8 parks stated


def test_dev_zones_change_cites_both_articles_and_computes_the_change():
    spec = _spec(charts.dev_zones_change(lang="en"))
    citation = citation_text(spec)
    for sid in ("demozone-2020", "liaowang-2021"):
        title = datasets.sources("en").set_index("source_id").loc[sid, "title_en"]
        assert title in citation
    assert [r["shown"] for r in _bars(spec)] == [83, 88]
    rate = metrics.growth(83, 88)
    assert f"+5 ({rate:+.1%})" in spec["description"]
    assert derived.text("dev_zones_added", "en") == "5"
