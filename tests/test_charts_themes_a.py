"""Behaviour of the coal/energy, emerging-industry and reform charts: what they compute and
show, not just that they render."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from shanxi_analysis import charts, datasets, derived, formatting, metrics, render
from shanxi_analysis.charts import reform

LANGS = ("zh", "en")


def _layers(spec: dict) -> list[dict]:
    """Every unit spec of a (possibly layered) chart spec."""
    out = []
    for layer in spec.get("layer", [spec]):
        out += _layers(layer) if "layer" in layer else [layer]
    return out


def _mark(layer: dict) -> str:
    mark = layer["mark"]
    return mark["type"] if isinstance(mark, dict) else mark


def _rows(spec: dict, layer: dict) -> list[dict]:
    data = layer.get("data", spec.get("data"))
    if "values" in data:
        return data["values"]
    return spec["datasets"][data["name"]]


def _layer_data(spec: dict, mark: str) -> list[list[dict]]:
    return [_rows(spec, lay) for lay in _layers(spec) if _mark(lay) == mark]


def _fact(fact_id: str) -> pd.Series:
    return datasets.fact(fact_id)


def _edited(fact_id: str, value: float, lang: str = "en", **extra) -> pd.DataFrame:
    """The package's facts with one fact's value (and base value) changed."""
    df = datasets.facts(lang)
    i = df.index[df["fact_id"] == fact_id][0]
    ratio = df.at[i, "base_value"] / df.at[i, "value"]
    df.at[i, "value"] = value
    df.at[i, "base_value"] = value * ratio
    for k, v in extra.items():
        df.at[i, k] = v
    return df


# ---------------------------------------------------------------- the loan calculator


def _evaluate(expr: str, params: dict[str, float], phases: float) -> float:
    """Evaluate the Vega expression of the saving in Python (it is plain arithmetic)."""
    py = expr.replace("datum.phases", repr(phases))
    for name, value in params.items():
        py = re.sub(rf"\b{name}\b", repr(value), py)
    assert re.fullmatch(r"[0-9eE.+\-*/() ]+", py), py
    return eval(py)  # checked above to be arithmetic only


@pytest.mark.parametrize("lang", LANGS)
def test_calculator_sliders_default_to_the_facts_and_compute_simple_interest(lang):
    spec = charts.loan_savings_calculator(lang=lang).to_dict()
    params = {p["name"]: p for p in spec["params"]}
    principal = _fact("lw-loan-principal")["base_value"]
    rate = _fact("lw-loan-benchmark-rate")["base_value"]
    months = _fact("lw-loan-months-saved")["base_value"]
    p_factor = 1e8 if lang == "zh" else 1e6  # 亿元 / million yuan
    assert params[reform.PARAM_PRINCIPAL]["value"] == pytest.approx(principal / p_factor)
    assert params[reform.PARAM_RATE]["value"] == pytest.approx(rate)
    assert params[reform.PARAM_MONTHS]["value"] == pytest.approx(months)
    for p in params.values():
        bind = p["bind"]
        assert bind["input"] == "range"
        assert bind["min"] <= p["value"] <= bind["max"]
        steps = (p["value"] - bind["min"]) / bind["step"]
        assert steps == pytest.approx(round(steps)), "the default must sit on a slider step"

    (bar,) = [lay for lay in _layers(spec) if _mark(lay) == "bar"]
    (calc,) = [t for t in bar["transform"] if t.get("as") == "saving"]
    values = {name: p["value"] for name, p in params.items()}
    s_factor = 1e4 if lang == "zh" else 1e6  # 万元 / million yuan
    expected = metrics.simple_interest(principal, rate, months)
    by_row = {r["row"]: r["phases"] for r in _rows(spec, bar)}
    one_phase, two_phases = by_row.values()
    assert one_phase == 1
    assert _evaluate(calc["calculate"], values, one_phase) * s_factor == pytest.approx(expected)
    assert _evaluate(calc["calculate"], values, two_phases) * s_factor == pytest.approx(
        metrics.scale(expected, 2.0)
    )
    # ... and the computed one-phase saving is the article's figure.
    assert expected == pytest.approx(_fact("lw-loan-interest-saved")["base_value"])


@pytest.mark.parametrize("lang", LANGS)
def test_calculator_draws_the_articles_figures_as_references(lang):
    spec = charts.loan_savings_calculator(lang=lang).to_dict()
    ticks = _layer_data(spec, "tick")[0]
    s_factor = 1e4 if lang == "zh" else 1e6
    assert [r["fact_id"] for r in ticks] == ["lw-loan-interest-saved", "lw-loan-total-saved"]
    assert [r["saving"] * s_factor for r in ticks] == pytest.approx(
        [_fact("lw-loan-interest-saved")["base_value"], _fact("lw-loan-total-saved")["base_value"]]
    )
    points = _layer_data(spec, "point")[0]
    # "1000 多万元" is a lower bound: drawn as a right-pointing triangle, labelled 1000+.
    assert points[0]["shape"] == "diamond" and points[1]["shape"] == "triangle-right"
    assert ("1,000+ 万元" if lang == "zh" else "10+ million yuan") in points[1]["label"]


def test_calculator_takes_its_inputs_as_keywords_and_its_title_follows_the_sliders():
    chart = charts.loan_savings_calculator(lang="en", principal=3e8, months=12, phases=3)
    spec = chart.to_dict()
    params = {p["name"]: p["value"] for p in spec["params"]}
    assert params[reform.PARAM_PRINCIPAL] == 300 and params[reform.PARAM_MONTHS] == 12
    assert {r["phases"] for r in _layer_data(spec, "bar")[0]} == {1.0, 3.0}
    expr = spec["title"]["text"]["expr"]
    assert reform.PARAM_PRINCIPAL in expr and reform.PARAM_MONTHS in expr
    drawn = render.svg_text(charts.to_svg(chart))
    assert "a 300 million yuan loan, 12 months sooner" in drawn
    defaults = derived.loan_defaults()
    assert derived.loan_saving(**defaults) == pytest.approx(
        derived.value("loan_interest_check") * defaults["phases"]
    )


def test_calculator_follows_a_users_data():
    df = _edited("lw-loan-months-saved", 6)
    spec = charts.loan_savings_calculator(df, lang="en").to_dict()
    params = {p["name"]: p["value"] for p in spec["params"]}
    assert params[reform.PARAM_MONTHS] == 6


# ---------------------------------------------------------------- energy


def _all_rows(spec: dict, mark: str) -> list[dict]:
    return [r for rows in _layer_data(spec, mark) for r in rows]


@pytest.mark.parametrize("lang", LANGS)
def test_coal_slope_shows_less_than_as_a_hollow_point_with_its_range(lang):
    spec = charts.coal_before_after(lang=lang).to_dict()
    start, end = _layer_data(spec, "point")[0]
    assert not start["exact"]  # 不足 30%: a hollow point
    assert end["exact"]
    assert start["label"].startswith("不足" if lang == "zh" else "<")
    ranges = _all_rows(spec, "rule")
    assert [(r["lo"], r["hi"]) for r in ranges] == [(0.0, 30.0)]
    # under 30% to 68%: the rise is a bound too, never an exact 38 points
    assert ("超过 +38 个百分点" if lang == "zh" else "more than +38 pp") in spec["description"]


def test_coal_slope_with_an_exact_start_has_no_range_and_a_filled_point():
    df = _edited("lw-advanced-coal-capacity-share-2015", 25, qualifier="none")
    spec = charts.coal_before_after(df, lang="en").to_dict()
    start = _layer_data(spec, "point")[0][0]
    assert start["exact"] and start["shown"] == 25
    assert not _all_rows(spec, "rule")
    assert "+43 pp" in spec["description"] and "more than" not in spec["description"]


@pytest.mark.parametrize("lang", LANGS)
def test_wind_solar_share_draws_the_share_and_the_implied_total(lang):
    spec = charts.wind_solar_share(lang=lang).to_dict()
    track, filled = _layer_data(spec, "bar")
    share = _fact("lw-wind-solar-share-2021-06")["base_value"]
    assert [r["share"] for r in filled] == [share] and track[0]["full"] == 100
    total = metrics.implied_total(_fact("lw-wind-solar-capacity-2021-06")["base_value"], share)
    # Shown to three significant figures, the precision of the 31.2% it is derived from,
    # and the same text as the narrative's derived value.
    shown = "10,800 万千瓦" if lang == "zh" else "108 GW"
    assert metrics.significant(total, 3) / (1e4 if lang == "zh" else 1e6) == pytest.approx(
        float(shown.split()[0].replace(",", ""))
    )
    assert shown in filled[0]["whole_label"]
    assert derived.text("wind_solar_total_capacity", lang) in filled[0]["whole_label"]
    tips = [t["field"] for lay in _layers(spec) for t in lay["encoding"].get("tooltip", [])]
    assert "whole_label" in tips and "quote_shown" in tips


def test_wind_solar_share_follows_a_users_data():
    df = _edited("lw-wind-solar-share-2021-06", 40)
    filled = _layer_data(charts.wind_solar_share(df, lang="en").to_dict(), "bar")[1]
    assert [r["share"] for r in filled] == [40]


@pytest.mark.parametrize("lang", LANGS)
def test_equivalences_show_three_vehicle_alternatives_not_a_sum(lang):
    spec = charts.equivalences(lang=lang).to_dict()
    (fleets,) = _layer_data(spec, "bar")
    assert [r["fact_id"] for r in fleets] == [
        "lw-h2-supply-buses",
        "lw-h2-supply-logistics-vehicles",
        "lw-h2-supply-heavy-trucks",
    ]
    word = "或" if lang == "zh" else "or"
    assert [r["left"].startswith(word) for r in fleets] == [False, True, True]
    total = sum(r["base_value"] for r in fleets)
    assert f"{total:g}" not in spec["description"] and f"{total:,.0f}" not in spec["description"]
    per_home = metrics.per_unit(
        _fact("lw-panda-solar-output")["base_value"],
        _fact("lw-panda-solar-households")["base_value"],
    )
    texts = [r for rows in _layer_data(spec, "text") for r in rows if r.get("per_home")]
    assert texts and all(
        formatting.number(metrics.significant(per_home, 2), lang) in r["per_home"] for r in texts
    )


def test_equivalences_name_a_missing_group_of_indicators():
    df = datasets.facts("en")
    df = df[~df["indicator_id"].str.startswith("hydrogen_supply")]
    with pytest.raises(ValueError, match="equivalences: no row with indicator hydrogen_supply_"):
        charts.equivalences(df, lang="en")


def test_equivalences_name_one_missing_indicator_and_take_the_latest_of_two_sources():
    df = datasets.facts("en")
    with pytest.raises(ValueError, match=r"equivalences: no row with indicator households_equi"):
        charts.equivalences(df[df["indicator_id"] != "households_equivalent"], lang="en")
    # a second (fictional) source also gives the households, for a later year: it is the one
    homes = datasets.facts("zh").query("indicator_id == 'households_equivalent'")
    later = homes.assign(fact_id="fictional-homes", source_id="my-notes", period="2030")
    later = later.assign(value=5.0, base_value=50000.0, quote="(fictional)")
    spec = charts.equivalences(pd.concat([datasets.facts("zh"), later])).to_dict()
    assert "相当于 5 万个家庭一年的用电量（推算每户约 1,600 千瓦时）" in spec["description"]


# ---------------------------------------------------------------- emerging industry


@pytest.mark.parametrize("lang", LANGS)
def test_high_tech_growth_labels_the_change_and_the_cagr(lang):
    spec = charts.high_tech_growth(lang=lang).to_dict()
    rate = metrics.cagr(720, 3188, 5)
    assert f"{rate * 100:.1f}%" in spec["description"]
    assert derived.text("high_tech_cagr", lang).lstrip("+") in spec["description"]
    points = _layer_data(spec, "point")[0]
    assert [p["shown"] for p in points] == [720, 3188]
    # the 2025 target of the strategic emerging industries stands beside, as a target
    target = _fact("lw-sei-gdp-share-2025-target")
    texts = [r for rows in _layer_data(spec, "text") for r in rows]
    (note,) = [r for r in texts if r.get("fact_id") == target.name]
    assert "2025" in note["text"] and ("目标" in note["text"] or "target" in note["text"])


def test_high_tech_growth_follows_a_users_data():
    df = _edited("lw-high-tech-firms-2020", 4000)
    spec = charts.high_tech_growth(df, lang="en").to_dict()
    assert [p["shown"] for p in _layer_data(spec, "point")[0]] == [720, 4000]
    assert f"{metrics.cagr(720, 4000, 5) * 100:.1f}%" in spec["description"]
    assert "4,000 firms" in [p["label"] for p in _layer_data(spec, "point")[0]]


@pytest.mark.parametrize("lang", LANGS)
def test_innovation_pipeline_switches_unit_groups_with_a_dropdown(lang):
    spec = charts.innovation_pipeline(lang=lang).to_dict()
    params = spec.get("params", []) + [p for lay in _layers(spec) for p in lay.get("params", [])]
    (param,) = [p for p in params if p["name"] == "unit_group"]
    options = param["bind"]["options"]
    assert param["bind"]["input"] == "select" and len(options) == 4
    assert param["value"] == options[0]
    (bars,) = _layer_data(spec, "bar")
    groups = {}
    for r in bars:
        groups.setdefault(r["unit_name"], set()).add(_fact(r["fact_id"])["base_unit"])
    assert set(groups) == set(options)
    assert all(len(units) == 1 for units in groups.values()), "one unit per group"
    (bar,) = [lay for lay in _layers(spec) if _mark(lay) == "bar"]
    assert any("unit_group" in str(t.get("filter")) for t in bar["transform"])
    firms = next(r for r in bars if r["fact_id"] == "lw-smart-innovation-city-firms")
    assert "600+" in firms["label"]
    # the batches are written beside the bars, with their quote
    notes = [r for rows in _layer_data(spec, "text") for r in rows if "text" in r]
    assert [r["fact_id"] for r in notes] == ["lw-sci-projects-batches"]
    chart = charts.innovation_pipeline(lang=lang, group=2).to_dict()
    params = chart.get("params", []) + [p for lay in _layers(chart) for p in lay.get("params", [])]
    assert next(p for p in params if p["name"] == "unit_group")["value"] == options[2]
    with pytest.raises(ValueError, match="group must be"):
        charts.innovation_pipeline(lang=lang, group=9)


@pytest.mark.parametrize("lang", LANGS)
def test_cluster_tiers_has_one_tile_per_cluster_and_a_legend_selection(lang):
    clusters = datasets.clusters(lang)
    spec = charts.cluster_tiers(lang=lang).to_dict()
    (tiles,) = _layer_data(spec, "rect")
    assert sorted((t["name"], t["mention"]) for t in tiles) == sorted(
        zip(clusters["name"], clusters["mention"], strict=True)
    )
    assert len({(t["list"], t["slot"]) for t in tiles}) == len(clusters), "no overlaps"
    (tile_layer,) = [lay for lay in _layers(spec) if _mark(lay) == "rect"]
    params = spec.get("params", []) + tile_layer.get("params", [])
    (sel,) = [p for p in params if isinstance(p.get("select"), dict)]
    assert sel["bind"] == "legend" and sel["select"]["fields"] == ["tier_label"]
    tips = {t["field"] for t in tile_layer["encoding"]["tooltip"]}
    assert {"mention", "quote", "source_short"} <= tips
    untiered = [t for t in tiles if t["mention"] == "智能制造"]
    assert untiered[0]["tier_label"] == ("未标明层级" if lang == "zh" else "Tier not stated")


def test_cluster_tiers_follows_a_users_table():
    clusters = datasets.clusters("en")
    fewer = clusters[clusters["group"] != "ten-billion"]
    (tiles,) = _layer_data(charts.cluster_tiers(fewer, lang="en").to_dict(), "rect")
    assert len(tiles) == len(fewer)
    with pytest.raises(ValueError, match="missing column"):
        charts.cluster_tiers(pd.DataFrame({"x": [1]}), lang="en")
    # a tier left empty, as a spreadsheet writes it: "tier not stated", like a missing one
    typed = clusters.astype({"tier": object})
    typed.loc[typed.index[0], "tier"] = ""
    (tiles,) = _layer_data(charts.cluster_tiers(typed, lang="en").to_dict(), "rect")
    assert tiles[0]["tier_label"] == datasets.labels("clusters.tier", "en").at["unstated", "name"]
    typed.loc[typed.index[0], "tier"] = "gold"
    with pytest.raises(ValueError, match=r"unknown tier\(s\) gold"):
        charts.cluster_tiers(typed, lang="en")


# ---------------------------------------------------------------- reform


@pytest.mark.parametrize("lang", LANGS)
def test_business_environment_is_a_panel_of_quoted_figures_without_a_shared_axis(lang):
    spec = charts.business_environment(lang=lang).to_dict()
    tiles = _layer_data(spec, "rect")[0]
    ids = [t["fact_id"] for t in tiles]
    assert {"lw-business-startup-days", "lw-fortune-global-500-investors"} <= set(ids)
    assert all(t["quote_shown"] for t in tiles)
    for lay in _layers(spec):
        for channel in ("x", "y"):
            enc = lay["encoding"].get(channel, {})
            assert enc.get("field") not in ("base_value", "shown", "value"), (
                "different units must not share an axis"
            )
    big = {t["fact_id"]: t["big"] for t in tiles}
    assert big["lw-steel-savings-per-tonne"].startswith("≥")


# ---------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("qualifier", "zh", "en"),
    [
        ("none", "600 家", "600 firms"),
        ("more_than", "600+ 家", "600+ firms"),
        ("less_than", "不足 600 家", "<600 firms"),
        ("approx", "约 600 家", "about 600 firms"),
        ("at_least", "≥600 家", "≥600 firms"),
    ],
)
def test_labels_keep_their_qualifier(qualifier, zh, en):
    kw = {"style": "label", "value": 600.0, "unit": "家", "noun": "firms"}
    assert formatting.figure(600.0, "count", qualifier, "zh", **kw) == zh
    assert formatting.figure(600.0, "count", qualifier, "en", **kw) == en


def test_labels_use_english_magnitudes():
    kw = {"style": "label", "value": 15685.0, "unit": "万吨"}
    assert formatting.figure(156850000.0, "tonne", "none", "en", **kw) == "156.85 million tonnes"
    assert formatting.figure(156850000.0, "tonne", "none", "zh", **kw) == "15,685 万吨"
    assert formatting.scale("yuan", [1.5e8], "en") == (1e6, "million yuan")


def test_a_saved_calculator_page_is_titled_in_words_not_with_its_expression(tmp_path):
    page = charts.save(charts.loan_savings_calculator(lang="en"), tmp_path / "loan.html")
    title = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8")).group(1)
    assert title.startswith("Calculator. Interest on a") and "expr" not in title
    assert len(title) <= 90


def test_cluster_tiers_leave_the_year_of_a_source_of_ones_own_empty():
    clusters = datasets.clusters("en").head(3).assign(source_id="my-notes")  # fictional source
    (tiles,) = _layer_data(charts.cluster_tiers(clusters, lang="en").to_dict(), "rect")
    assert {t["list"].split("\n")[2] for t in tiles} == {""}
