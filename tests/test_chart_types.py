"""The chart types choose rows by meaning and work on any DataFrame of facts: the package's,
a synthetic one they have never seen (hypothesis), and a new source added to a copy of the
data directory. Every article and figure in this module is fictional, written for the test."""

from __future__ import annotations

import csv
import hashlib
import re
import string

import altair as alt
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from shanxi_analysis import charts, datasets, render
from shanxi_analysis.charts._base import citation_text

CJK = ("\u4e00", "\u9fff")


def _has_cjk(text: str) -> bool:
    return any(CJK[0] <= ch <= CJK[1] for ch in text)


def _title(spec: dict) -> str:
    return spec["title"]["text"]


# ---------------------------------------------------------------- synthetic facts

_words = st.text(alphabet=string.ascii_lowercase, min_size=3, max_size=8)
_zh_words = st.text(alphabet="甲乙丙丁戊己庚辛壬癸山水木火土金", min_size=2, max_size=5)
QUALIFIERS = ("none", "approx", "more_than", "at_most", "less_than", "at_least")


@st.composite
def frames(draw, kind: str, lang: str | None = None, names: str | None = None):
    """A DataFrame of facts for one chart type, with names in a language: ``(df, lang, spec)``
    where ``spec`` holds the selection keywords of the chart call. ``lang`` fixes the chart's
    language, ``names`` that of the names (by default the chart's)."""
    lang = lang or draw(st.sampled_from(datasets.LANGS))
    name = _zh_words if (names or lang) == "zh" else _words
    n_ent = draw(st.integers(1, 3))
    entities = [f"ent-{draw(_words)}-{i}" for i in range(n_ent)]
    ent_names = {e: f"{draw(name)}{i}" for i, e in enumerate(entities)}
    n_src = draw(st.integers(1, 2))
    sources = [f"src-{draw(_words)}-{i}" for i in range(n_src)]
    titles = {s: f"Fictional Gazette {i} {draw(_words)}" for i, s in enumerate(sources)}
    unit = draw(st.sampled_from(["yuan", "count", "tonne", "kWh"]))
    rows: list[dict] = []

    def fact(indicator, label, entity, period, value, base_unit=unit, qualifier="none", src=None):
        src = src or draw(st.sampled_from(sources))
        rows.append(
            {
                "fact_id": f"f{len(rows)}",
                "indicator_id": indicator,
                "indicator": label,
                "entity_id": entity,
                "entity": ent_names[entity],
                "period": period,
                "base_value": value,
                "base_unit": base_unit,
                "qualifier": qualifier,
                "kind": draw(st.sampled_from(["actual", "actual", "estimate", "target"])),
                "source_id": src,
                "source_title": titles[src],
                "quote": f"fictional sentence {len(rows)}",
            }
        )

    values = st.floats(1, 5e9, allow_nan=False)
    years = sorted(draw(st.sets(st.integers(1990, 2040), min_size=2, max_size=4)))
    ind, ind_label = f"ind_{draw(_words)}", draw(name)
    spec: dict = {}
    if kind in ("trend", "change", "compare"):
        # compare draws one period, change the first and last: give it only those
        shown = {"trend": years, "change": years[:1] + years[-1:], "compare": years[:1]}[kind]
        for e in entities:
            for y in shown:
                q = draw(st.sampled_from(QUALIFIERS))
                fact(ind, ind_label, e, str(y), draw(values), qualifier=q)
        spec = {"indicator": ind}
    elif kind == "composition":
        parts = [f"{ind}_{i}" for i in range(draw(st.integers(2, 4)))]
        e, y = entities[0], str(years[0])
        amounts = [draw(values) for _ in parts]
        for p, v in zip(parts, amounts, strict=True):
            fact(p, f"{draw(name)}{p[-1]}", e, y, v)
        fact(ind, ind_label, e, y, sum(amounts) + draw(st.floats(0, 1e9)))
        spec = {"parts": parts, "whole": ind}
    elif kind == "share":
        for e in entities:
            y = str(draw(st.sampled_from(years)))
            fact(ind, ind_label, e, y, draw(values))
            fact(f"{ind}_share", draw(name), e, y, draw(st.floats(1, 99)), "percent")
        spec = {"part": ind, "share": f"{ind}_share"}
    elif kind == "gap":
        for e in entities:
            y = str(years[-1])
            fact(ind, ind_label, e, y, draw(st.floats(-60, 200)), "percent")
            fact(f"{ind}_gap", draw(name), e, y, draw(st.floats(-50, 150)), "percentage_point")
        spec = {"rate": ind, "gap": f"{ind}_gap"}
    elif kind == "indicators":  # several indicators side by side, in units of their own
        units = draw(st.lists(st.sampled_from(["yuan", "count", "tonne", "percent"]), min_size=2))
        for i, u in enumerate(units[:4]):
            q = draw(st.sampled_from(QUALIFIERS))
            fact(f"{ind}_{i}", draw(name), entities[0], str(years[0]), draw(values), u, q)
        spec = {"indicator": [r["indicator_id"] for r in rows], "by": "indicator"}
        spec["dots"] = draw(st.booleans()) and all(r["base_value"] <= 200 for r in rows)
        if spec["dots"]:
            for r in rows:
                r["base_value"] = float(int(r["base_value"]))
    return pd.DataFrame(rows), lang, spec


def _check(chart, df: pd.DataFrame, lang: str) -> None:
    assert isinstance(chart, alt.Chart | alt.LayerChart)
    spec = chart.to_dict(validate=True)
    svg = render.to_svg(chart, check_glyphs=False)
    assert "<svg" in svg
    citation = citation_text(spec)
    assert citation.startswith("来源：" if lang == "zh" else "Source: ")
    plotted = set(df["source_title"])
    for title in plotted:
        assert title in citation
    for title in datasets.sources(lang)["title"]:
        assert title not in citation, "a package source the chart did not plot"
    assert _has_cjk(_title(spec)) == (lang == "zh")


SETTINGS = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(
    "kind", ["trend", "compare", "composition", "share", "change", "gap", "indicators"]
)
def test_chart_type_draws_facts_it_has_never_seen(kind):
    @SETTINGS
    @given(frames(kind))
    def run(case):
        df, lang, spec = case
        chart = charts.CHART_TYPES.get(kind, charts.compare)(df, lang=lang, **spec)
        _check(chart, df, lang)

    run()


# a Latin word (and its digits) written against a Chinese character: "Shanxi Province所占比重"
_GLUED = re.compile(r"[A-Za-z]\d*[\u4e00-\u9fff]|[\u4e00-\u9fff][A-Za-z]")


@pytest.mark.parametrize("kind", ["trend", "compare", "composition", "share", "change", "gap"])
def test_a_chinese_chart_never_glues_an_english_name_into_its_words(kind):
    """A user's own table named only in English, drawn in Chinese: the names stand apart."""

    @settings(SETTINGS, phases=[Phase.explicit, Phase.generate])  # a failure needs no shrinking
    @given(frames(kind, lang="zh", names="en"))
    def run(case):
        df, lang, spec = case
        chart = charts.CHART_TYPES.get(kind, charts.compare)(df, lang=lang, **spec).to_dict()
        for text in (_title(chart), chart["description"]):
            assert not _GLUED.search(text), text

    run()


def test_a_users_frame_needs_the_documented_columns():
    df = pd.DataFrame({"indicator_id": ["x"], "entity_id": ["y"], "period": ["2020"]})
    with pytest.raises(ValueError, match=r"missing column.*base_value.*needs indicator_id"):
        charts.trend(df, indicator="x")


def test_a_bad_value_is_named_with_its_row():
    df = datasets.facts().head(3).copy()
    df["base_value"] = df["base_value"].astype(object)
    df.loc[1, "base_value"] = "12,5"
    with pytest.raises(ValueError, match=r"row 2 .* 'base_value': '12,5' is not a finite number"):
        charts.trend(df, indicator=df.loc[0, "indicator_id"])


def test_an_unknown_selection_names_what_the_data_has():
    with pytest.raises(ValueError, match="trend: no row with indicator nothing_here; the data"):
        charts.trend(indicator="nothing_here")


# ---------------------------------------------------------------- on the package's own data


def test_trend_draws_bounds_and_intervals_as_such():
    spec = charts.trend(indicator="advanced_coal_capacity_share", lang="en").to_dict()
    rows = [r for rows in spec["datasets"].values() for r in rows]
    # 不足 30%: a hollow point with the range the true value may lie in
    assert any(r.get("lo") == 0 and r.get("hi") == 30 for r in rows)
    assert any(r.get("label") == "<30%" and r.get("exact") is False for r in rows)
    assert _title(spec) == "Share of advanced coal capacity, 2015–2020"
    assert "Hollow point" in spec["title"]["subtitle"][0]
    # 2016/2020: an interval, drawn as a span from its first to its last year
    spec = charts.trend(indicator="coal_overcapacity_cut", lang="en").to_dict()
    spans = [r for rows in spec["datasets"].values() for r in rows if "x_start" in r]
    assert [(r["x_start"], r["x_end"]) for r in spans] == [(2016.0, 2020.0)]


def test_change_reports_the_change_and_its_yearly_rate():
    spec = charts.change(indicator="high_tech_enterprises", lang="en").to_dict()
    assert "+2,468 (+342.8%), +34.7% a year" in spec["description"]


def _drawn(spec: dict, width: int) -> list[list[str]]:
    """The texts a chart draws at a plot width of ``width`` px (a page draws it at its
    column's width), each as its lines, read from the SVG that Vega renders."""
    import html

    import vl_convert as vlc

    svg = vlc.vegalite_to_svg({**spec, "width": width})
    texts = re.findall(r"<text\b[^>]*[^/]>(.*?)</text>", svg, re.S)  # not <text/>
    return [
        [html.unescape(t) for t in re.findall(r"<tspan[^>]*>(.*?)</tspan>", text) or [text]]
        for text in texts
    ]


def test_a_slope_on_a_phone_writes_its_change_in_lines_in_the_corner_the_rise_leaves_empty():
    spec = charts.change(indicator="high_tech_enterprises", lang="en").to_dict()
    laptop, phone = _drawn(spec, 420), _drawn(spec, 300)
    assert ["+2,468 (+342.8%), +34.7% a year"] in laptop
    assert ["+2,468 (+342.8%)", "+34.7% a year"] not in laptop
    assert ["+2,468 (+342.8%)", "+34.7% a year"] in phone
    assert ["+2,468 (+342.8%), +34.7% a year"] not in phone


def _row_names(spec: dict, width: int, name: str) -> list[str]:
    """How the texts that read ``name`` are anchored at a plot width of ``width`` px: "end"
    for a y axis's label, "start" for a name written from the plot's left edge."""
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg({**spec, "width": width})
    found = re.findall(r'<text[^>]*text-anchor="(\w+)"[^>]*>([^<]*)</text>', svg)
    return [anchor for anchor, text in found if text == name]


@pytest.mark.parametrize(
    ("figure", "name"),
    [
        ("dev_zones_change", "2021 · Liaowang Newsweekly, 2021-11-27"),
        ("talent_and_partners", "National talent programmes (2021)"),
        ("innovation_pipeline", "Projects approved (2019–2021)"),
    ],
)
def test_bars_and_dots_on_a_phone_write_each_rows_name_above_it(figure, name):
    charts.use_theme()  # a laptop's labels are long enough for these names
    spec = charts.CHARTS[figure](lang="en").to_dict()
    assert _row_names(spec, 480, name) == ["end"]  # beside its row, as the axis's label
    assert _row_names(spec, 300, name) == ["start"]  # above it, whole, from the left edge


def test_a_composition_on_a_phone_gives_a_narrow_parts_figure_in_its_legend_in_lines():
    spec = charts.dev_zones_composition(lang="en").to_dict()
    laptop, phone = _drawn(spec, 480), _drawn(spec, 300)
    # 6 of 83 zones: inside its bar on a laptop; on a phone, too narrow, in the legend
    assert laptop.count(["6 zones"]) == 2 and ["Eco-cultural tourism"] in laptop
    assert ["6 zones"] not in phone and ["77 zones"] in phone
    assert ["Eco-cultural tourism: 6 zones"] in phone and ["National: 6 zones"] in phone
    spec = charts.demo_zone_parks(lang="en").to_dict()
    long = [t for t in _drawn(spec, 300) if "Town Industrial" in " ".join(t)]
    assert len(long) == 1 and len(long[0]) > 1 and long[0][-1].endswith(": 1")


def test_composition_from_a_rule_draws_its_constant_part():
    spec = charts.composition(rule="demo-zone-parks", lang="en").to_dict()
    assert "Shanxi University Town Industrial Park" in spec["description"]


# ---------------------------------------------------------------- a new source, no new code

ARTICLE_A = """FICTIONAL TEST ARTICLE A: the Lakeside bicycle survey.

This article is invented for a software test and reports nothing real.

在虚构的湖畔市，2018 年共享单车 1200 辆。

到 2019 年，湖畔市共享单车增至 1500 辆。

2020 年，湖畔市共享单车约 2000 辆。
"""

ARTICLE_B = """FICTIONAL TEST ARTICLE B: a second, disagreeing count.

This article is invented for a software test and reports nothing real.

另一份虚构统计称，2019 年湖畔市共享单车 1650 辆。
"""


def _add_source(data, source_id: str, name: str, text: str, mark: str) -> None:
    raw = data / "raw" / name
    raw.write_text(text, encoding="utf-8")
    digest = hashlib.sha256(raw.read_bytes()).hexdigest()
    with open(data / "sources.csv", "a", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerow(
            [
                source_id,
                f"虚构测试文章{mark}",
                f"Fictional test article {mark}",
                f"测试出版社{mark}",
                f"Test Press {mark} (fictional)",
                "Test Author",
                "2021",
                "year",
                "invented for a test",
                "zh",
                f"raw/{name}",
                "text",
                digest,
                "fictional, test only",
                "utf-8",
            ]
        )


def test_a_new_indicator_from_a_new_source_charts_with_no_new_code(tmp_data):
    data = tmp_data
    _add_source(data, "fiction-a", "fiction-a.txt", ARTICLE_A, "甲")
    _add_source(data, "fiction-b", "fiction-b.txt", ARTICLE_B, "乙")
    with open(data / "curated" / "indicators.csv", "a", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerow(
            [
                "shared_bicycles",
                "共享单车数量",
                "Shared bicycles",
                "共享单车",
                "Shared bicycles",
                "bicycles",
                "count",
                "",
                "rise",
                "overview",
                "Bicycles (fictional test indicator).",
                "共享单车的数量（虚构的测试指标）。",
            ]
        )
    blocks = {
        (s, q): int(b.block_no)
        for s in ("fiction-a", "fiction-b")
        for b in datasets._sources.load_blocks(s).itertuples()
        for q in ("1200 辆", "1500 辆", "约 2000 辆", "1650 辆")
        if q in b.text
    }
    rows = [
        ("fiction-a", "2018", "1200 辆", 1200, "none", "在虚构的湖畔市，2018 年共享单车 1200 辆"),
        ("fiction-a", "2019", "1500 辆", 1500, "none", "湖畔市共享单车增至 1500 辆"),
        ("fiction-a", "2020", "2000 辆", 2000, "approx", "湖畔市共享单车约 2000 辆"),
        ("fiction-b", "2019", "1650 辆", 1650, "none", "2019 年湖畔市共享单车 1650 辆"),
    ]
    with open(data / "curated" / "facts.csv", "a", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        for src, period, span, v, q, quote in rows:
            block = next(b for (s, q2), b in blocks.items() if s == src and span in q2)
            w.writerow(
                [
                    f"{src}-bicycles-{period}",
                    src,
                    block,
                    quote,
                    span,
                    f"(fictional) {quote}",
                    "shared_bicycles",
                    "shanxi",
                    period,
                    v,
                    "辆",
                    v,
                    "count",
                    q,
                    "actual",
                    "overview",
                    "",
                    "fictional test fact",
                ]
            )
    datasets.validate()
    for lang in datasets.LANGS:
        chart = charts.trend(indicator="shared_bicycles", lang=lang)
        spec = chart.to_dict(validate=True)
        citation = citation_text(spec)
        assert "fiction-" not in citation  # named by title, from the registry
        for mark in "甲乙":
            assert (
                "虚构测试文章" if lang == "zh" else "Fictional test article "
            ) + mark in citation
        subtitle = " ".join(spec["title"]["subtitle"])
        numbers = subtitle.replace(",", "")
        assert "1500" in numbers and "1650" in numbers, "the disagreement is named"
        assert "甲" in subtitle and "乙" in subtitle
        drawn = render.svg_text(charts.to_svg(chart))
        assert ("共享单车" if lang == "zh" else "Shared bicycles") in drawn


# ---------------------------------------------------------------- what the theme charts need


def _layers(spec: dict) -> list[dict]:
    return (
        [u for lay in spec.get("layer", [spec]) for u in _layers(lay)]
        if "layer" in spec
        else [spec]
    )


def _data(spec: dict, layer: dict) -> list[dict]:
    data = layer.get("data", spec.get("data"))
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


def test_trend_never_joins_a_year_and_a_quarter():
    spec = charts.trend(indicator="fdi_utilised", lang="en").to_dict()
    (line,) = [u for u in _layers(spec) if u["mark"]["type"] == "line"]
    detail = [d["field"] for d in line["encoding"]["detail"]]
    rows = _data(spec, line)
    assert {r["period"] for r in rows} == {"2019", "2020Q1"}
    series = {tuple(r[f] for f in detail) for r in rows}
    assert len(series) == 2, "the 2019 figure and the 2020Q1 figure are two series"
    assert any("Q1" in r["label"] for r in rows), "a quarter is labelled as one"


def test_trend_source_legend_draws_filled_symbols():
    rows = [
        {
            "indicator_id": "x",
            "entity_id": e,
            "period": str(y),
            "base_value": v,
            "base_unit": "count",
            "qualifier": "approx" if y == 2020 else "none",
            "kind": "actual",
            "source_id": s,
            "source_title": f"Fictional gazette {s}",
            "quote": "fictional sentence",
        }
        for e in ("a", "b")
        for s in ("s1", "s2")
        for y, v in ((2019, 10), (2020, 12))
    ]
    spec = charts.trend(pd.DataFrame(rows), indicator="x", lang="en").to_dict()
    import vl_convert as vlc

    legends = vlc.vegalite_to_vega(spec)["legends"]
    (source,) = [lg for lg in legends if lg.get("shape")]
    update = source.get("encode", {}).get("symbols", {}).get("update", {})
    assert update.get("fill", {}).get("value") != "white"
    assert update.get("stroke", {}).get("value") != "transparent"


def test_aside_writes_side_notes_with_their_quotes_and_sources():
    spec = charts.change(
        indicator="advanced_coal_capacity_share",
        aside=["coal_overcapacity_cut", "coal_mines"],
        lang="en",
    ).to_dict()
    notes = [r for u in _layers(spec) if u["mark"]["type"] == "text" for r in _data(spec, u)]
    notes = [r for r in notes if "text" in r and r.get("fact_id", "").startswith("lw-coal")]
    assert [r["fact_id"] for r in notes] == [
        "lw-coal-overcapacity-cut-2016-2020",
        "lw-coal-mines-2020",
    ]
    assert notes[0]["text"] == "Excess capacity eliminated (2016–2020): 156.85 million tonnes"
    assert "≤900" in notes[1]["text"] and "≤900" in spec["description"]
    # pinned above the plot (the change's label on a phone sits at x 0 too, on its own row)
    side = [u for u in _layers(spec) if u["encoding"].get("x") == {"value": 0}]
    side = [u for u in side if "value" in u["encoding"]["y"]]
    assert len(side) == 2
    assert all(any(t["field"] == "quote_shown" for t in u["encoding"]["tooltip"]) for u in side)


def test_compare_draws_counts_as_dots_and_refuses_what_is_not_a_count():
    df = pd.DataFrame(
        {
            "indicator_id": ["a", "b"],
            "entity_id": ["e", "e"],
            "period": ["2020", "2020"],
            "base_value": [3, 5],
            "base_unit": ["count", "person"],
            "qualifier": ["none", "more_than"],
            "kind": ["actual", "actual"],
            "source_id": ["s", "s"],
            "source_title": ["Fictional almanac", "Fictional almanac"],
            "quote": ["fictional one", "fictional two"],
        }
    )
    spec = charts.compare(df, indicator=["a", "b"], by="indicator", dots=True, lang="en").to_dict()
    (dots,) = [u for u in _layers(spec) if u["mark"]["type"] == "circle"]
    assert pd.Series([r["fact_id"] for r in _data(spec, dots)]).value_counts().to_dict() == {
        "row-1": 3,
        "row-2": 5,
    }
    with pytest.raises(ValueError, match="dots need whole counts"):
        charts.compare(
            df.assign(base_value=[3.5, 5]), indicator=["a", "b"], by="indicator", dots=True
        )


def test_change_as_bars_names_each_figure_by_period_and_source():
    spec = charts.change(indicator="dev_zones_total", bars=True, lang="en").to_dict()
    (bars,) = [u for u in _layers(spec) if u["mark"]["type"] == "bar"]
    rows = _data(spec, bars)
    assert [r["shown"] for r in rows] == [83, 88]
    assert rows[0]["row"].startswith("2020 · ") and rows[1]["row"].startswith("2021 · Liaowang")
    assert "+5 (+6.0%)" in rows[1]["text"]


@pytest.mark.parametrize("kind", ["trend", "share"])
def test_names_with_braces_are_text_not_templates(kind):
    @SETTINGS
    @given(frames(kind))
    def run(case):
        df, lang, spec = case
        df["entity"] = "{0} {} {name}"
        chart = charts.CHART_TYPES[kind](df, lang=lang, **spec)
        spec = chart.to_dict()
        assert "{0} {} {name}" in spec["description"] + spec["title"]["text"]

    run()


@SETTINGS
@given(
    st.lists(st.tuples(_words, _words, _zh_words), min_size=1, max_size=12),
    st.sampled_from(datasets.LANGS),
)
def test_tiles_draw_any_table_one_tile_a_row(items, lang):
    table = pd.DataFrame(
        {
            "group": [f"list {a[:2]}" for a, _, _ in items],
            "kind": [b[:1] for _, b, _ in items],
            "name": [c for _, _, c in items],
            "source_id": "fiction-tiles",
            "source_title": "Fictional register of tiles",
            "quote": "a fictional sentence",
        }
    )
    chart = charts.tiles(table, column="group", colour="kind", text="name", lang=lang, title="T")
    spec = chart.to_dict(validate=True)
    (rect,) = [u for u in _layers(spec) if u["mark"]["type"] == "rect"]
    tiles = _data(spec, rect)
    assert len(tiles) == len(table)
    assert len({(t["group"], t["slot"]) for t in tiles}) == len(table), "no two tiles overlap"
    # nor on a phone, where they flow into two columns under a header row per group
    phone = {(t["phone_col"], t["phone_row"]) for t in tiles}
    assert len(phone) == len(table) and {c for c, _ in phone} <= {0, 1}
    texts = {u["encoding"].get("text", {}).get("field"): u for u in _layers(spec)}
    header = texts["one_line"]
    heads = {h["phone_row"]: h["group"] for h in _data(spec, header)}
    assert len(heads) == table["group"].nunique() and not heads.keys() & {r for _, r in phone}
    for t in tiles:  # under its own group's header, the nearest above it
        assert heads[max(r for r in heads if r < t["phone_row"])] == t["group"]
    assert citation_text(spec).endswith("Fictional register of tiles")
    with pytest.raises(ValueError, match="missing column"):
        charts.tiles(
            table.drop(columns="quote"), column="group", colour="kind", text="name", title=""
        )


def test_tiles_on_a_phone_flow_into_two_columns_each_list_under_its_header():
    import vl_convert as vlc

    spec = charts.cluster_tiers(lang="en").to_dict()
    lists = len({t["list"] for t in _data(spec, _layers(spec)[0])})
    for width, columns in ((560, lists), (300, 2)):
        svg = vlc.vegalite_to_svg({**spec, "width": width})
        (rects,) = re.findall(r'class="mark-rect role-mark[^"]*"[^>]*>(.*?)</g>', svg, re.S)
        xs = {round(float(x)) for x in re.findall(r'd="M([\d.]+),', rects)}
        assert len(xs) == columns, width
    headers = [t for t in _drawn(spec, 300) if t and " · " in t[0] and t[0].startswith("Demo")]
    assert ["Demo zone · 2+9 · 11 · 2020"] in headers


@pytest.mark.parametrize("width", [300, 900])
def test_share_keeps_its_track_wide_in_a_narrow_column(width):
    """Fitted to a phone's column, the words over the track shorten; the track does not."""
    import re

    import vl_convert as vlc

    spec = charts.wind_solar_share(lang="zh").to_dict()
    spec.update(width=width, autosize={"type": "fit-x", "contains": "padding"})
    svg = vlc.vegalite_to_svg(spec, vl_version=render.VL_VERSION)
    (axis,) = re.findall(r'role-axis-domain"[^>]*>.*?<line[^>]*x2="([\d.]+)"', svg, re.S)[:1]
    assert float(axis) > width * 0.4  # before: 48 px of 324, the labels took the rest


def test_gap_against_a_reference_entity_gives_each_entity_its_row():
    # fictional growth rates of two towns and of their region, from two made-up sources
    rates = pd.DataFrame(
        {
            "indicator_id": ["ferry_growth"] * 3,
            "entity_id": ["lakeside", "hilltown", "region"],
            "period": ["2020"] * 3,
            "base_value": [8.0, 3.5, 5.0],
            "base_unit": ["percent"] * 3,
            "qualifier": ["none"] * 3,
            "kind": ["actual"] * 3,
            "source_id": ["town-survey", "town-survey", "region-yearbook"],
            "quote": ["(fictional)"] * 3,
            "source_title": ["Town survey", "Town survey", "Region yearbook"],
        }
    )
    spec = charts.gap(rates, rate="ferry_growth", reference="region", lang="en").to_dict()
    assert spec["description"] == (
        "Dumbbell chart: lakeside · ferry_growth (2020) +8.0%, +3 pp; "
        "hilltown · ferry_growth (2020) +3.5%, -1.5 pp."
    )
    # the reference is the region's own rate, as stated, and its source is cited
    assert citation_text(spec) == "Source: Town survey; Region yearbook"
    assert "the reference entity, as stated" in spec["title"]["subtitle"][0]


# ---------------------------------------------------------------- theme figures as data


def _edit_figures(data, edit) -> None:
    """Rewrite figures.csv in the data copy ``data`` with ``edit(rows)`` (a list of dicts)."""
    path = data / "curated" / "figures.csv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    edit(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_a_figures_words_and_rows_are_edited_in_the_data_with_no_code(tmp_data):
    def edit(rows):
        row = next(r for r in rows if r["figure_id"] == "dev_zones_change")
        row["title_en"] = "Zones counted twice (an edited title)"
        row["options"] = row["options"].replace('"bars": true', '"bars": false')

    _edit_figures(tmp_data, edit)
    spec = charts.dev_zones_change(lang="en").to_dict()
    assert spec["title"]["text"] == "Zones counted twice (an edited title)"
    assert spec["description"].startswith("Slope chart")  # no longer before/after bars


def test_a_figure_with_a_wrong_option_is_named_with_its_row(tmp_data):
    def edit(rows):
        row = next(r for r in rows if r["figure_id"] == "talent_and_partners")
        row["options"] = row["options"].replace('"dots": true', '"dot": true')

    _edit_figures(tmp_data, edit)
    with pytest.raises(ValueError, match=r"figures.csv, figure talent_and_partners \(compare\)"):
        charts.talent_and_partners(lang="zh")


@pytest.mark.parametrize("options", ['["indicator", "coal_mines"]', '{"indicator":'])
def test_options_that_are_not_a_json_object_are_refused_by_row_and_field(tmp_data, options):
    def edit(rows):
        rows[1]["options"] = options

    _edit_figures(tmp_data, edit)
    with pytest.raises(datasets.DataError, match=r"figures.csv.*row 3.*options.*not a JSON object"):
        datasets.figures()


def test_composition_names_its_breakdowns_and_lists_in_the_readers_language():
    levels = ["dev_zones_national", "dev_zones_provincial"]
    kinds = ["dev_zones_industrial", "dev_zones_eco_tourism", "dev_zones_agricultural"]
    spec = charts.composition(parts=[levels, kinds], whole="dev_zones_total", lang="en").to_dict()
    assert spec["description"].startswith(
        "Stacked bar chart: Breakdown 1: National 6 zones, Provincial 77 zones; Breakdown 2: "
    )
    spec = charts.composition(parts=levels, whole="dev_zones_total", lang="zh").to_dict()
    assert spec["description"] == "横向堆积条形图：构成：国家级 6 个、省级 77 个；合计 83 个。"


def test_a_chinese_chart_names_a_known_id_in_chinese_though_the_table_says_it_in_english():
    """A user's table (fictional figures) naming the package's ids in English only."""
    df = pd.DataFrame(
        {
            "indicator_id": ["coal_mines"],
            "indicator": ["Coal mines"],
            "entity_id": ["shanxi"],
            "entity": ["Shanxi Province"],
            "period": ["2030"],
            "base_value": [1.0],
            "base_unit": ["count"],
            "qualifier": ["none"],
            "kind": ["actual"],
            "source_id": ["my-notes"],
            "quote": ["(fictional)"],
        }
    )
    framed = datasets.fact_frame(df, "zh").loc[0]
    assert framed["entity"] == "山西省" and _has_cjk(framed["indicator"])
    assert datasets.fact_frame(df, "en").loc[0, "entity"] == "Shanxi Province"
