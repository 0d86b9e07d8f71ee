"""Chart types that choose their rows by meaning: indicator, entity, period, source.

Each function has the form ``f(data=None, *, <selection>, lang="zh", title=None, note=None,
aside=None)`` and returns an Altair chart. ``data`` is
:func:`shanxi_analysis.datasets.facts`, a filtered copy, or a DataFrame of your own with the
columns of :data:`shanxi_analysis.datasets.FACT_COLUMNS` (``indicator_id``, ``entity_id``,
``period``, ``base_value``, ``base_unit``, ``qualifier``, ``kind``, ``source_id``,
``quote``). Axis titles, units and magnitudes come from the data's metadata through
:mod:`shanxi_analysis.formatting`; labels follow ``lang``; the citation line names exactly
the sources of the rows plotted. ``title`` replaces the default title; ``note`` adds a line
under it; ``aside`` names indicators whose latest figures are written above the plot as side
notes (their quotes in the tooltip, their sources in the citation).

>>> from shanxi_analysis.charts import trend
>>> chart = trend(indicator="high_tech_enterprises", lang="en")
>>> chart.to_dict()["title"]["text"]
'High-tech enterprises, 2015–2020'
"""

from __future__ import annotations

import functools
import inspect
import json
import re
import textwrap
from collections.abc import Callable

import altair as alt
import pandas as pd

from .. import checks, datasets, derived, formatting
from ..datasets import Selection, as_ids, granularity, latest, period_end, period_span, pick
from ..htmlsafe import vega_string
from ._base import (
    ACCENT,
    COAL,
    INK,
    MUTED,
    PALETTE,
    PHONE,
    SOFT,
    fact_tooltip,
    finish,
    fit_lines,
    plot_frame,
    provenance,
    quote_tooltip,
    source_tooltip,
    text_width,
    tooltips,
    tr,
)
from .overview import key_figures

__all__ = ["change", "compare", "composition", "gap", "share", "tiles", "trend"]

DERIVED = "#9a7b1c"  # a darker solar yellow, readable as text: values the chart computed
_LOWER, _UPPER = ("more_than", "at_least"), ("at_most", "less_than")
_MAX_DOTS = 200
_WIDE = 480  # the width of compare's plot, in pixels
_SIDES = (("", "center", 0, -13), ("left", "right", -10, 0), ("right", "left", 10, 0))
_BOUND_WORDS = {"more_than": ("超过", "more than "), "at_most": ("至多", "at most ")}
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_BOUND_WORDS["approx"] = ("约", "about ")


def _scaled(rows: pd.DataFrame, lang: str, chart: str, name: str = "") -> tuple[pd.DataFrame, str]:
    """The rows (of one unit) with ``shown`` in the axis's magnitude, and the axis title."""
    units = sorted(set(rows["base_unit"]))
    if len(units) != 1:
        raise ValueError(f"{chart}: the rows selected mix units ({', '.join(units)}); select one")
    factor, label = formatting.scale(units[0], rows["base_value"], lang)
    written = set(rows["unit"].dropna()) if "unit" in rows else set()
    if lang == "zh" and factor == 1 and len(written) == 1 and label != "%":
        label = written.pop()  # the article's own counter word: 家, 座
    if lang == "en" and not label:
        label = str(rows["noun_en"].iloc[0])
    title = _paren(name or str(rows["short"].iloc[0]), label, lang)
    return rows.assign(shown=rows["base_value"] / factor), title


def _in_zh(*names: str) -> bool:
    """Whether every name is written in Chinese, so that a Chinese phrase may be built around
    it (山西省所占比重); a name in Latin letters (Shanxi Province) is never glued into Chinese
    words but set apart in a field of its own (占比：Shanxi Province)."""
    return all(_HAN.search(str(n)) for n in names)


def _paren(text: str, detail: str, lang: str, comma: bool = False) -> str:
    """``text（detail）``, ``text (detail)`` or with ``comma`` ``text, detail``; bare ``text``."""
    if not detail:
        return text
    if lang == "zh":
        return f"{text}（{detail}）"
    return f"{text}, {detail}" if comma else f"{text} ({detail})"


def _when(row, lang: str) -> str:
    """A row's period, then its kind unless actual: ``2025 年 · 目标``, ``2025 · target``."""
    kind = row.kind_label if row.kind != "actual" else ""
    return " · ".join(filter(None, (formatting.period(row.period, lang), kind)))


def _colour(field: str, domain: list, title: str | None = None, legend=True) -> alt.Color:
    """The palette's colours for the values ``domain`` of ``field``; a legend when several."""
    scale = alt.Scale(domain=domain, range=list((PALETTE * 3)[: max(len(domain), 1)]))
    legend = alt.Legend(orient="bottom") if legend and len(domain) > 1 else None
    return alt.Color(f"{field}:N", sort=domain, scale=scale, title=title, legend=legend)


def _row_axis(field: str, order: list[str], names_above: bool = False) -> alt.Y:
    """A y axis of named rows in ``order``, without ticks or domain (labelLimit: the theme's);
    with ``names_above``, without its labels on a phone, where :func:`_names_above` writes
    each row's name above its mark."""
    labels = f"{PHONE} ? '' : datum.label" if names_above else alt.Undefined
    axis = alt.Axis(ticks=False, domain=False, labelExpr=labels)
    return alt.Y(f"{field}:N", sort=order, title=None, axis=axis)


_SHIFT, _THIN = 7, 14
"""On a phone, a row's mark moves this far down (px), in the lower half of its row, and a bar
is this thick: the upper half holds the row's name (:func:`_names_above`)."""


def _on_phone(phone, laptop) -> alt.ExprRef:
    """A mark property that is ``phone`` on a phone and ``laptop`` elsewhere."""
    return alt.expr(f"{PHONE} ? {phone} : {laptop}")


def _value_axis(**style) -> alt.Axis:
    """An x axis of bars whose title, on a phone, starts at the plot's left edge: centred under
    a plot narrowed by the labels after its bars, a long title would run off the chart."""
    return alt.Axis(titleAnchor=_on_phone("'start'", "'middle'"), **style)


def _names_above(base: alt.Chart, field: str) -> alt.Chart:
    """On a phone, each row's name (``field`` of the rows of ``base``, whose y is the rows)
    above its mark, from the plot's left edge: the plot's whole width for the name and for
    the bars, instead of a third beside them. A name longer than the plot ends in "…" (whole
    in the tooltip): its row holds one line above the bar."""
    rows = base.data.assign(row_name=base.data[field])
    # at the value 0 of the bars' axis (their left edge), on one line
    named = base.properties(data=rows).transform_filter(PHONE).encode(x=alt.X(datum=0))
    style = dict(align="left", baseline="bottom", dy=-2, limit=alt.ExprRef("width"))
    return _text(named, "row_name", **style)


def _text(base: alt.Chart, field: str = "label", **style) -> alt.Chart:
    """A figure's label beside its mark: ``field`` in small ink text, restyled by ``style``."""
    return base.mark_text(**{"fontSize": 11, "color": INK, **style}).encode(text=f"{field}:N")


def _points(base: alt.Chart, colour, size: int, filled_size: int, shape=None, stroke=2.5) -> list:
    """Points filled where ``exact``, else hollow; only the filled draw a ``shape`` legend."""
    shape = shape or alt.value("circle")
    quiet = shape.legend(None) if isinstance(shape, alt.Shape) else shape
    full = base.transform_filter("datum.exact").mark_point(size=filled_size, opacity=1, filled=True)
    hollow = base.transform_filter("!datum.exact")
    hollow = hollow.mark_point(size=size, strokeWidth=stroke, opacity=1, filled=False)
    hollow = hollow.encode(color=colour, shape=quiet, fill=alt.value("white"))
    return [full.encode(color=colour, shape=shape), hollow]


def _bound_note(rows: pd.DataFrame, lang: str) -> str | None:
    """The note that says how a bound is drawn, where the rows hold one."""
    if not rows["qualifier"].isin(_UPPER + _LOWER).any():
        return None
    zh = "空心点：原文给出的是上限或下限，真实值在阴影范围内"
    en = "Hollow point: the text gives a bound, and the true value lies in the shaded range"
    return tr(lang, zh, en)


def _bounds(rows: pd.DataFrame, x: alt.X, y: alt.Y) -> list:
    """Shaded ranges where a bound's true value may lie (to 不足 30%, beyond 超过 600)."""
    bounds = rows[rows["qualifier"].isin(_UPPER + _LOWER)]
    if bounds.empty:
        return []
    upper, shown = bounds["qualifier"].isin(_UPPER), bounds["shown"]
    bounds = bounds.assign(lo=shown.where(~upper, 0.0), hi=shown.where(upper, shown * 1.25))
    rule = alt.Chart(bounds).mark_rule(strokeWidth=14, opacity=0.25, color=MUTED)
    return [rule.encode(x=x, y=alt.Y("lo:Q", scale=alt.Scale(zero=True)), y2="hi:Q")]


def _bars(rows: pd.DataFrame, y: alt.Y, x: alt.X, tip: list, text: dict, height: int, **encode):
    """Bars on the rows ``y`` labelled at their end (``text``: field, style), of ``encode``;
    on a phone, thinner, under their names (``y`` from :func:`_row_axis` with names_above)."""
    base = alt.Chart(rows).encode(x=x, y=y, tooltip=tip)
    thin = dict(height=_on_phone(_THIN, height), yOffset=_on_phone(_SHIFT, 0))
    bars = base.mark_bar(cornerRadiusEnd=2, **thin).encode(**encode)
    style = {"field": "label", "align": "left", "dx": 5, "dy": _on_phone(_SHIFT, 0), **text}
    return [bars, _text(base, **style), _names_above(base, y.to_dict()["field"])]


def _menu(layers: list, name: str, options: list, value, prompt: str, follow, labels=None):
    """``layers`` under a dropdown of ``options`` (offline too); ``follow(layer, param)``."""
    select = alt.binding_select(options=options, labels=labels or alt.Undefined, name=prompt)
    param = alt.param(name=name, value=value, bind=select)
    layers = [follow(lay, param) for lay in layers]
    return [layers[0].add_params(param), *layers[1:]]


def _chart_type(draw: Callable[..., tuple]) -> Callable[..., alt.LayerChart]:
    """A chart type (``data``, ``draw``'s keywords, those of ``chart``) of ``draw(df, lang, sel,
    **own)``, which returns its layers, the rows they plot, size, title, what the chart is, its
    items and notes; the type adds the ``aside`` figures, the citation and the description."""

    def chart(
        data=None,
        *,
        entity: Selection = None,
        period: Selection = None,
        source: Selection = None,
        lang: str = "zh",
        title: str | None = None,
        note: str | None = None,
        aside: Selection = None,
        **how,
    ):
        df = plot_frame(data, lang)
        sel = {"entity": entity, "period": period, "source": source}
        layers, rows, size, default, what, items, notes = draw(df, lang, sel, **how)
        sep, colon = ("；", "：") if lang == "zh" else ("; ", ": ")
        side = df.iloc[:0].assign(text="")
        if aside is not None:
            # the chart's entities and sources only: a county's figure never notes a province's
            side = pick(df, what=draw.__name__, indicator=aside, entity=entity, source=source)
            side = latest(side, ["indicator_id", "kind"], aside)
            side["text"] = [_paren(r.short, _when(r, lang), lang) for r in side.itertuples()]
            side["text"] += colon + side["label"]
        style, tip = dict(align="left", baseline="bottom", fontSize=12), fact_tooltip(lang)
        for i in range(len(side)):  # the latest last, just above the plot
            y = alt.value(-10 - 18 * (len(side) - 1 - i))  # at most the plot's width (a phone's)
            note_i = alt.Chart(side.iloc[[i]]).encode(x=alt.value(0), y=y, tooltip=tip)
            layers.append(_text(note_i, "text", color=SOFT, limit=alt.ExprRef("width"), **style))
        items = sep.join([*items, *side["text"]])
        return finish(
            alt.layer(*layers).properties(width=size[0], height=size[1]),
            pd.concat([rows, side]),
            lang=lang,
            title=title or default,
            subtitle=sep.join(n for n in [note, *notes] if n) or None,
            description=f"{what}{colon}{items}{'。' if lang == 'zh' else '.'}",
        )

    shared = list(inspect.signature(chart).parameters.values())
    functools.update_wrapper(chart, draw)
    own = list(inspect.signature(draw).parameters.values())[3:]
    signature = inspect.Signature([shared[0], *own, *shared[1:-1]])
    chart.__signature__ = signature.replace(return_annotation="alt.LayerChart")
    return chart


@_chart_type
def trend(df, lang, sel, *, indicator: str) -> tuple:
    """Return one indicator over periods, for one or several entities.

    Actual figures are filled marks joined by a line; targets, plans and estimates are open
    marks on a dashed line; a figure given as a bound (不足 30%, 超过 600) is an open mark
    over the range its true value may take; a period that is an interval (``2016/2020``) is
    a span. Periods of different lengths (years, quarters) are never joined by one line.
    Each source has its colour (each entity its colour and each source its shape, when there
    are several entities); two sources that give different values for the same entity and
    period are joined by a red rule and named in the subtitle.
    """
    rows, y_title = _scaled(pick(df, what="trend", indicator=indicator, **sel), lang, "trend")
    spans = pd.DataFrame(
        [period_span(p) for p in rows["period"]], columns=["s", "e"], index=rows.index
    )
    interval = rows["period"].str.contains("/")
    middle = spans.mean(axis=1).where(spans["e"] - spans["s"] != 1, spans["s"])
    kinds = [tr(lang, "实际", "actual"), tr(lang, "目标或预计", "target or estimate")]
    rows = rows.assign(
        interval=interval,
        x_start=spans["s"],
        x_end=spans["e"] - interval,
        x=(spans["e"] - 1).where(interval, middle),  # a year at its start, a quarter mid-way
        grain=rows["period"].map(granularity),  # never one line across grains
        exact=(rows["qualifier"] == "none") & (rows["kind"] == "actual"),
        line_kind=[kinds[k != "actual"] for k in rows["kind"]],
        period_text=[formatting.period(p, lang) for p in rows["period"]],
    )
    if rows["grain"].nunique() > 1:  # years and quarters on one axis: say which is which
        rows["label"] = rows["label"] + " · " + rows["period_text"]
    # labels of a second source for the same period stand to the right, the first's to the left
    same = rows.groupby(["entity_id", "period"])["source_id"]
    first = (rows["source_id"] == same.transform("first")).map({True: "left", False: "right"})
    rows["side"] = first.where(same.transform("nunique") > 1, "")
    several = rows["entity_id"].nunique() > 1
    field, who = ("entity", tr(lang, "主体", "Entity")) if several else ("source_short", None)
    colour = _colour(field, list(dict.fromkeys(rows[field])), who)
    pad = max((rows["x"].max() - rows["x_start"].min()) * 0.08, 0.4)
    scale = alt.Scale(domain=[rows["x_start"].min() - pad, rows["x"].max() + pad], nice=False)
    x = alt.X("x:Q", title=None, scale=scale, axis=alt.Axis(format="d", tickMinStep=1, grid=False))
    y = alt.Y("shown:Q", title=y_title, scale=alt.Scale(zero=True))
    tip = fact_tooltip(lang, *tooltips(lang, ("kind_label", "类型", "Kind")))
    base = alt.Chart(rows).encode(x=x, y=y, tooltip=tip)
    # a target or estimate continues its series' last actual figure with a dashed line
    points, bridges = rows[~interval], []
    for _, g in points.groupby(["entity_id", "source_id", "grain"], sort=False):
        actual = g[g["kind"] == "actual"]
        if len(actual) and (g["kind"] != "actual").any():
            bridges.append(actual.loc[[actual["x"].idxmax()]].assign(line_kind=kinds[1]))
    legend = alt.Legend(orient="bottom") if (rows["kind"] != "actual").any() else None
    dash_scale = alt.Scale(domain=kinds, range=[[1, 0], [5, 4]])
    dash = alt.StrokeDash("line_kind:N", scale=dash_scale, title=None, legend=legend)
    shape = None
    if several and rows["source_id"].nunique() > 1:  # filled symbols: sources are shapes
        legend = alt.Legend(orient="bottom", symbolFillColor=INK, symbolStrokeColor=INK)
        shape = alt.Shape("source_short:N", title=tr(lang, "来源", "Source"), legend=legend)
    bounds, bound_note = _bounds(rows, x, y), _bound_note(rows, lang)
    line = alt.Chart(pd.concat([points, *bridges])).mark_line(strokeWidth=2.2)
    line = line.encode(x=x, y=y, color=colour, strokeDash=dash)
    line = line.encode(detail=["entity:N", "source_short:N", "line_kind:N", "grain:N"])
    span = base.transform_filter("datum.interval")
    span = span.mark_rule(strokeWidth=5, opacity=0.55, strokeCap="round")
    span = span.encode(x=alt.X("x_start:Q", scale=scale, title=None), x2="x_end:Q", color=colour)
    layers = [*bounds, line, span, *_points(base, colour, 90, 90, shape, 2)]
    for side, align, dx, dy in _SIDES:  # labels above, or beside when two sources share a period
        labelled = base.transform_filter(f"datum.side == {vega_string(side)}")
        layers.append(_text(labelled, align=align, dx=dx, dy=dy))
    clash = []  # entity-periods where sources differ: the low and the high figure
    for _, g in rows.groupby(["entity_id", "period"], sort=False):
        if g["source_id"].nunique() > 1 and g["base_value"].nunique() > 1:
            low, high = g.loc[g["shown"].idxmin()], g.loc[g["shown"].idxmax()]
            said = ", ".join(f"{r['source_short']} {r['label']}" for r in (low, high))
            note = f"{low['entity'] + ' ' if several else ''}{low['period_text']}: {said}"
            clash.append({"x": low["x"], "low": low["shown"], "high": high["shown"], "note": note})
    if clash:
        ruled = pd.DataFrame(clash)
        rule = alt.Chart(ruled).mark_rule(color=COAL, strokeDash=[3, 2], strokeWidth=2)
        tip = alt.Tooltip("note:N", title=tr(lang, "不一致", "Disagreement"))
        layers.append(rule.encode(x=x, y="low:Q", y2="high:Q", tooltip=tip))
    name, names = str(rows["indicator"].iloc[0]), dict.fromkeys(rows["entity"])
    entities = tr(lang, "、", ", ").join(names)
    title = _paren(name, formatting.periods(rows["period"], lang), lang, comma=True)
    zh = f"折线图：{entities}的{name}" if _in_zh(*names, name) else f"折线图：{name}（{entities}）"
    what = tr(lang, zh, f"Line chart of {name} for {entities}")
    items = [f"{r.period_text} {r.label} ({r.source_short})" for r in rows.itertuples()]
    notes = [bound_note, *(c["note"] for c in clash)]
    return layers, rows, (520, 280), title, what, items, notes


@_chart_type
def compare(
    df, lang, sel, *, indicator: Selection, by: str = "entity", dots: bool = False, group: int = 0
) -> tuple:
    """Return one indicator across entities (``by="entity"``) or sources (``by="source"``),
    largest first, or several indicators in the order given (``by="indicator"``, each kind
    of figure on its own row), as bars; each bar is its group's latest figure unless
    ``period`` says which. Bounds and approximate figures are drawn lighter, with their
    qualifier in the label; targets and plans in their own colour.

    Figures in different units, or counting different things, never share an axis: a
    dropdown shows one such group at a time (``group`` picks the one shown first).
    ``dots=True`` draws each count as one dot per unit instead, "+" after the dots where
    the text gives a lower bound.
    """
    keys = {"entity": ["entity_id"], "source": ["source_id"], "indicator": ["indicator_id", "kind"]}
    if by not in keys:
        raise ValueError(f"compare: by must be 'entity', 'source' or 'indicator', got {by!r}")
    rows = latest(pick(df, what="compare", indicator=indicator, **sel), keys[by], indicator)
    kinds = [v[lang == "en"] for k, v in datasets.KIND_LABELS.items() if k in set(rows["kind"])]
    # each row of dots counts its own thing; bars of different things never share an axis
    rows["unit_group"] = rows["base_unit"] + " " + rows["noun_en"]
    groups = [_scaled(g, lang, "compare") for _, g in rows.groupby("unit_group", sort=False)]
    groups = [(rows.assign(shown=rows["base_value"]), "")] if dots else groups
    rows = pd.concat(g.assign(unit_name=n) for g, n in groups)
    names = [n for _, n in groups]
    if not 0 <= group < len(names):
        raise ValueError(f"compare: group must be 0–{len(names) - 1}, got {group!r}")
    if by == "indicator":
        rows["group"] = [_paren(r.short, _when(r, lang), lang) for r in rows.itertuples()]
    else:
        rows = rows.assign(group=rows["entity" if by == "entity" else "source_short"])
        marked = rows["kind"] != "actual"  # a target or estimate says so on its row
        rows.loc[marked, "group"] += " · " + rows.loc[marked, "kind_label"].astype(str)
        rows = rows.sort_values("shown", ascending=False)
    y = _row_axis("group", list(rows["group"]), names_above=True)
    one = len(names) == 1
    tip = fact_tooltip(lang, *tooltips(lang, ("entity", "主体", "Entity")))
    if dots:  # one dot per unit of each count, a "+" after a lower bound, then the figure
        counts = rows["base_value"]
        if (counts < 0).any() or (counts % 1 != 0).any() or counts.max() > _MAX_DOTS:
            raise ValueError(f"compare: dots need whole counts from 0 to {_MAX_DOTS}")
        rows = rows.assign(n=counts.astype(int), plus=rows["qualifier"].isin(_LOWER))
        rows["end"] = rows["n"] + rows["plus"] + 1
        units = rows.loc[rows.index.repeat(rows["n"]), ["fact_id", "group"]]
        units = units.assign(k=units.groupby(level=0).cumcount() + 0.5).reset_index(drop=True)
        # each dot carries its row's fact id; the tooltip's fields come once, from a lookup
        fields = [t.to_dict()["field"] for t in tip]
        lookup = alt.LookupData(data=rows[["fact_id", *fields]], key="fact_id", fields=fields)
        # room after the last dot for the figure: its width in pixels of the plot's
        room = [_WIDE / max(_WIDE - text_width(t, 13) - 12, 60) for t in rows["label"]]
        scale = alt.Scale(
            domain=[0, max(e * r for e, r in zip(rows["end"], room, strict=True))], nice=False
        )
        colour = _colour("group", list(rows["group"]), legend=False)
        enc = dict(x=alt.X("k:Q", axis=None, scale=scale), y=y, color=colour, tooltip=tip)
        dot = alt.Chart(units).transform_lookup(lookup="fact_id", from_=lookup).encode(**enc)
        plus = alt.Chart(rows[rows["plus"]].assign(k=rows["n"] + 0.5)).encode(**enc)
        lower = _on_phone(_SHIFT, 0)  # on a phone, under the row's name
        # on a phone a dot is narrower than the "+": it steps back, clear of the figure
        plus = plus.mark_text(fontSize=15, fontWeight=700, dy=lower, dx=_on_phone(-3, 0))
        plus = plus.encode(text=alt.value("+"))
        figure = alt.Chart(rows.assign(k=rows["end"])).encode(**enc)
        figure = _text(figure, align="left", fontSize=13, fontWeight=600, dy=lower)
        named = _names_above(alt.Chart(rows).encode(y=y, tooltip=tip), "group")
        # on a phone, smaller dots, so that each stays a dot of its own
        dots = dot.mark_circle(size=_on_phone(6, 40), opacity=1, yOffset=lower)
        layers = [dots, plus, figure, named]
    else:
        room = alt.Scale(domain=[0, float(rows["shown"].max() or 1) * 1.2], nice=False)
        axis, scale = (_value_axis(grid=False), room) if one else (None, alt.Scale(nice=False))
        x = alt.X("shown:Q", title=names[0] if one else None, scale=scale, axis=axis)
        lighter = alt.condition("datum.qualifier == 'none'", alt.value(1), alt.value(0.5))
        colour = _colour("kind_label", kinds, tr(lang, "性质", "Kind"))
        layers = _bars(rows, y, x, tip, {}, height=28, color=colour, opacity=lighter)  # of 34 px
    if not one:  # one group at a time

        def only(layer: alt.Chart, param: alt.Parameter) -> alt.Chart:
            return layer.transform_filter(alt.datum.unit_name == param)

        show = tr(lang, "查看：", "Show: ")
        layers = _menu(layers, "unit_group", names, names[group], show, only)
    name = str(rows["indicator" if by != "indicator" else "short"].iloc[0])
    title = _paren(name, formatting.periods(rows["period"], lang), lang, comma=True)
    what = tr(lang, "点阵图", "Dot rows") if dots else tr(lang, "条形图", "Bar chart")
    size = (_WIDE, max(80, 34 * len(rows)) if one else alt.Step(34))
    items = [f"{r.group} {r.label}" for r in rows.itertuples()]
    return layers, rows, size, title, what, items, []


@_chart_type
def composition(
    df,
    lang,
    sel,
    *,
    parts: Selection | list[list[str]] = None,
    whole: str | None = None,
    rule: str | None = None,
    names: list[str] | None = None,
) -> tuple:
    """Return parts against a whole as stacked bars, one bar per breakdown, each part
    labelled with its figure where it has room.

    ``parts`` is a list of indicators (one breakdown) or a list of such lists (several
    breakdowns of the same whole); or ``rule`` names a ``part_whole`` rule of
    :mod:`shanxi_analysis.checks`, whose parts and whole it draws. When the parts fall short
    of the ``whole``, the rest is drawn as an unitemised segment; the whole is read at the
    parts' period. ``names`` labels the breakdowns. Clicking a legend entry highlights its
    part.
    """
    if rule is not None:  # a part-whole rule of checks: its facts, and the numbers it states
        spec, by_id = checks.rule(rule), df.set_index("fact_id")
        if spec.kind != "part_whole":
            raise ValueError(f"composition: rule {rule!r} is a {spec.kind} rule, not part_whole")
        missing = ", ".join(f for f in spec.fact_ids() if f not in by_id.index)
        if missing:
            raise ValueError(f"composition: rule {rule!r} reads fact(s) the data lacks: {missing}")
        whole_rows, found = by_id.loc[[spec.whole]].reset_index(), []
        for part in spec.parts:  # a number is a part too: the park the text names on its own
            if isinstance(part, str):
                found.append(by_id.loc[[part]].reset_index())
                continue
            name = spec.constants.get(str(part), (str(part), str(part)))[lang == "en"]
            label = formatting.number(float(part), lang)
            found.append(whole_rows.assign(base_value=float(part), label=label, part=name))
        groups = [pd.concat(found, ignore_index=True)]
    elif parts is None:
        raise ValueError("composition: give parts (indicators) or rule (a part_whole rule id)")
    else:
        groups = [parts] if isinstance(parts, str) or isinstance(parts[0], str) else parts
        pick_ = functools.partial(pick, df, what="composition")
        groups = [latest(pick_(indicator=g, **sel), ["indicator_id"], g) for g in groups]
        whole_rows = df.iloc[:0]
        if whole:  # read at the parts' period
            at = sel["period"] or sorted(set(groups[0]["period"]))
            whole_rows = latest(pick_(indicator=whole, **{**sel, "period": at}), ["indicator_id"])
    frames, rest_part = [], tr(lang, "未分项", "Not itemised")
    for i, part_rows in enumerate(groups):
        name = tr(lang, f"分法 {i + 1}", f"Breakdown {i + 1}") if len(groups) > 1 else ""
        name = names[i] if names and i < len(names) else name or tr(lang, "构成", "Parts")
        part = part_rows.get("part", part_rows["short"]).fillna(part_rows["short"])
        frames.append(part_rows.assign(part=part, breakdown=name))
        rest = float(whole_rows["base_value"].sum()) - float(part_rows["base_value"].sum())
        if len(whole_rows) and rest > 1e-9:  # the rest, unitemised
            label = formatting.number(rest, lang)
            rest_row = whole_rows.iloc[[0]].assign(base_value=rest, label=label, part=rest_part)
            frames.append(rest_row.assign(breakdown=name))
    whole_name = str(whole_rows["short"].iloc[0]) if len(whole_rows) else ""
    rows, x_title = _scaled(pd.concat(frames, ignore_index=True), lang, "composition", whole_name)
    ends = rows.groupby("breakdown", sort=False)["shown"]
    rows = rows.assign(order=range(len(rows)), x_mid=ends.cumsum() - rows["shown"] / 2)
    rows["inside"] = rows["label"].where(rows["shown"] / ends.transform("sum") > 0.07, "")
    rows["inside_px"] = [text_width(t, 11) * 1.1 + 8 for t in rows["inside"]]
    chosen = alt.selection_point(fields=["part"], bind="legend")
    whole_counts = (rows["shown"] % 1 == 0).all()  # no half parks on the axis
    axis = alt.Axis(tickMinStep=1) if whole_counts else alt.Undefined
    colour = _colour("part", list(dict.fromkeys(rows["part"])), tr(lang, "类别", "Category"))
    # on a phone, the legend gives each part's figure too (a narrow part has no room for it
    # in its bar), in lines that fit the screen
    colon, phone_px = tr(lang, "：", ": "), 230
    figures = rows.groupby("part", sort=False)["label"].agg(" / ".join)
    said = {part: fit_lines(part + colon + fig, phone_px, 11) for part, fig in figures.items()}
    literal = ", ".join(
        f"{vega_string(p)}: [{', '.join(map(vega_string, lines))}]" for p, lines in said.items()
    )
    phone_label = f"{PHONE} ? ({{{literal}}}[datum.label] || datum.label) : datum.label"
    colour.legend = alt.Legend(columns=3, orient="bottom", labelLimit=320, labelExpr=phone_label)
    tip = fact_tooltip(lang, *tooltips(lang, ("part", "类别", "Category")))
    base = alt.Chart(rows).encode(y=alt.Y("breakdown:N", title=None, sort=None), tooltip=tip)
    x = alt.X("shown:Q", stack="zero", axis=axis, title=x_title)
    lit = alt.condition(chosen, alt.value(1), alt.value(0.3))
    bars = base.mark_bar(height=34).encode(x=x, color=colour, order=alt.Order("order:Q"))
    # a part's figure inside it where it has room (on a phone, measured against its width)
    fits = f"!({PHONE}) || scale('x', datum.shown) - scale('x', 0) >= datum.inside_px"
    inside = alt.condition(fits, alt.Text("inside:N"), alt.value(""))
    inside = base.mark_text(fontSize=11, color="white", fontWeight=600).encode(text=inside)
    inside = inside.encode(x="x_mid:Q")
    layers = [bars.encode(opacity=lit).add_params(chosen), inside]
    each = rows.groupby("breakdown", sort=False)
    colon, comma = tr(lang, "：", ": "), tr(lang, "、", ", ")
    items = [b + colon + comma.join(g["part"] + " " + g["label"]) for b, g in each]
    totals = [tr(lang, f"合计 {t}", f"{t} in all") for t in whole_rows["label"][:1]]
    name, when = whole_name or str(rows["short"].iloc[0]), formatting.periods(rows["period"], lang)
    zh = f"{name}的构成（{when}）" if _in_zh(name) else f"构成：{name}（{when}）"
    title = tr(lang, zh, f"{name}: composition, {when}")
    what = tr(lang, "横向堆积条形图", "Stacked bar chart")
    size = (520, max(70, 60 * len(groups)))
    return layers, pd.concat([rows, whole_rows]), size, title, what, items + totals, []


def _partners(df, rows, ids: list[str], other: list[str], chart: str) -> list:
    """Each row's row of the matching ``other`` indicator, same entity and period, or None."""
    if other and len(other) != len(ids):
        raise ValueError(f"{chart}: give one matching indicator for each of {', '.join(ids)}")
    match = dict(zip(ids, other, strict=False))
    keys = df.set_index(["indicator_id", "entity_id", "period"])
    wanted = [(match.get(r.indicator_id), r.entity_id, r.period) for r in rows.itertuples()]
    return [keys.loc[[k]].reset_index().iloc[0] if k in keys.index else None for k in wanted]


@_chart_type
def share(df, lang, sel, *, part: Selection = None, share: Selection) -> tuple:
    """Return shares of a whole as bars against a 100% track.

    ``share`` names the indicator(s) in percent; ``part`` the matching indicator(s) of the
    absolute part (same entity and period, in the same order). When both are known the
    implied whole (``part ÷ share``, from :mod:`shanxi_analysis.derived`) is written beside
    the track and carries its inputs in the tooltip.
    """
    shares = pick(df, what="share", indicator=share, **sel)
    if set(shares["base_unit"]) != {"percent"}:
        raise ValueError("share: the share indicator must be in percent")
    partners = _partners(df, shares, as_ids(share), as_ids(part) or [], "share")
    rows = shares.assign(share=shares["base_value"], part_label="", whole_label="", full=100.0)
    rows["measure"] = rows["short"]
    for i, p in enumerate(partners):
        if p is not None:
            whole = derived.implied_total(float(p["base_value"]), rows.at[i, "share"])
            style = dict(style="label", digits=derived.digits_of(rows.at[i, "indicator_id"], 3))
            text = formatting.figure(whole, p["base_unit"], "approx", lang, **style)
            rows.loc[i, "whole_label"] = tr(lang, f"全部 {text}（推算）", f"whole {text} (implied)")
            rows.loc[i, ["part_label", "measure"]] = [f"{p['short']} {p['label']}", p["short"]]
            rows.loc[i, "fact_id"] += ";" + p["fact_id"]
    several = rows["entity_id"].nunique() > 1
    rows["row_label"] = rows["measure"] + (" · " + rows["entity"] if several else "")
    marked = rows["kind"] != "actual"  # a target or estimate says so on its row
    rows.loc[marked, "row_label"] += " · " + rows.loc[marked, "kind_label"].astype(str)
    track, x_title = alt.Scale(domain=[0, 100], nice=False), tr(lang, "占比（%）", "Share (%)")
    axis = alt.Axis(values=[0, 25, 50, 75, 100], grid=False)
    implied = ("part_label", "部分", "Part"), ("whole_label", "推算的整体", "Implied whole")
    base = alt.Chart(rows).encode(y=_row_axis("row_label", list(rows["row_label"])))
    filled = base.encode(x=alt.X("share:Q", title=x_title, scale=track, axis=axis))
    filled = filled.encode(tooltip=fact_tooltip(lang, *tooltips(lang, *implied)))
    # the part's words at the left, the whole's at the right end of the track, each in at
    # most half the width (a phone's width truncates them, not the bars)
    words = dict(dy=-22, color=SOFT, limit=alt.ExprRef("width * 0.49"))
    full = base.mark_bar(height=26, color="#ececec").encode(x=alt.X("full:Q", title=x_title))
    part_words = _text(base, "part_label", align="left", **words).encode(x=alt.value(6))
    whole_words = _text(base, "whole_label", align="right", **words).encode(x=alt.value("width"))
    label = _text(filled, align="right", dx=-6, color="white", fontWeight=700)
    layers = [full, filled.mark_bar(height=26, color=ACCENT), label, part_words, whole_words]
    used = pd.concat([shares, *(p.to_frame().T for p in partners if p is not None)])
    when, names = formatting.periods(rows["period"], lang), dict.fromkeys(rows["entity"])
    entities = tr(lang, "、", ", ").join(names)
    zh = f"{entities}所占比重（{when}）" if _in_zh(*names) else f"所占比重：{entities}（{when}）"
    title = tr(lang, zh, f"Shares held by {entities}, {when}")
    items = [f"{r.row_label} {r.label} {r.whole_label}" for r in rows.itertuples()]
    what = tr(lang, "占比条形图", "Share bars")
    size = (520, max(90, 70 * len(rows)))
    return layers, used, size, title, what, items, []


@_chart_type
def change(df, lang, sel, *, indicator: str, bars: bool = False) -> tuple:
    """Return the first and last period of one indicator, per entity, with the change and
    its rate (in points for a percentage; with the compound yearly rate when the periods are
    whole years more than one apart): a slope, or with ``bars=True`` a bar before and a bar
    after, each named by its period and source (for two figures that are not one series,
    such as the counts of two articles)."""
    rows, y_title = _scaled(pick(df, what="change", indicator=indicator, **sel), lang, "change")
    rows = rows.assign(_end=rows["period"].map(period_end)).sort_values("_end", kind="stable")
    groups = rows.groupby("entity_id", sort=False)
    ends = [_with_change(g.iloc[[0, -1]], lang) for _, g in groups if len(g) > 1]
    if not ends:
        raise ValueError("change: no entity has two periods of this indicator in the data selected")
    rows = pd.concat(ends, ignore_index=True).sort_values("_end", kind="stable")
    rows["exact"] = rows["qualifier"] == "none"
    rows["x_label"] = [_when(r, lang) for r in rows.itertuples()]  # 2025 年 · 目标
    span = " → ".join(dict.fromkeys(rows["x_label"]))
    if bars and rows["source_id"].nunique() > 1:
        rows["x_label"] += " · " + rows["source_short"]
    order = list(dict.fromkeys(rows["x_label"]))
    rows["pos"] = rows["x_label"].map(order.index)
    entities = list(dict.fromkeys(rows["entity"]))
    colour = _colour("entity", entities, tr(lang, "主体", "Entity"))
    tip = fact_tooltip(lang, *tooltips(lang, ("entity", "主体", "Entity")))
    y = alt.Y("shown:Q", title=y_title, scale=alt.Scale(zero=True))
    if bars:  # a bar per period (and source), the later one labelled with the change as well
        rows["row"] = rows["x_label"] + (" · " + rows["entity"] if len(entities) > 1 else "")
        rows["text"] = (rows["label"] + "   " + rows["change_label"]).str.strip()
        scale = alt.Scale(domain=[0, float(rows["shown"].max()) * 1.45], nice=False)
        x = alt.X("shown:Q", title=y_title, scale=scale, axis=_value_axis(grid=False, tickCount=5))
        later = alt.condition(f"datum.pos == {rows['pos'].max()}", alt.value(1), alt.value(0.55))
        text = dict(field="text", dx=6, fontSize=13, fontWeight=600)
        y = _row_axis("row", list(rows["row"]), names_above=True)
        layers = _bars(rows, y, x, tip, text, height=28, color=colour, opacity=later)
        size = (480, max(110, 50 * len(rows)))
        what = tr(lang, "前后对比条形图", "Before and after bars")
        note = _bound_note(rows, lang)
    else:  # periods in time order at 0, 1, ...; the change by the middle of its slope
        names = f"{json.dumps(order, ensure_ascii=False)}[datum.value] || ''"
        at = list(range(len(order)))
        axis = alt.Axis(values=at, labelExpr=names, domain=False, ticks=False, grid=False)
        scale = alt.Scale(domain=[-0.4, len(order) - 0.6], nice=False, zero=False)
        x = alt.X("pos:Q", title=None, scale=scale, axis=axis)
        ends = rows.groupby("entity", sort=False)
        middles = ends[["pos", "shown"]].mean().assign(text=ends["change_label"].max())
        middles["lines"] = ends["change_lines"].max()
        middles["rise"] = ends["shown"].last() >= ends["shown"].first()
        middles["slot"] = ((~middles["rise"]).cumsum() - 1) * 18  # falling labels, one a line
        # on a phone, a label may take two lines
        middles["phone_slot"] = (middles.groupby("rise").cumcount()) * 34
        base = alt.Chart(rows).encode(x=x, y=y, tooltip=tip)
        middle = alt.Chart(middles.reset_index()).encode(x=x, y=y)
        bounds, note = _bounds(rows, x, y), _bound_note(rows, lang)
        mid = dict(field="text", dy=16, fontSize=13, color=ACCENT, fontWeight=600)
        line = alt.Chart(rows).mark_line(strokeWidth=3).encode(x=x, y=y, detail="entity:N")
        label = _text(base, dy=-16, fontSize=13, fontWeight=600)
        layers = [*bounds, line.encode(color=colour), *_points(base, colour, 160, 220), label]
        # under the middle of its slope, on the side the line leaves empty; on a phone, whose
        # narrow plot has no room beside the slope, in the upper left that a rise leaves empty,
        # in lines that fit the plot (the page breaks rows of text at a fixed place)
        top = {**mid, "dy": 0, "baseline": "top", "limit": alt.ExprRef("width")}
        rise = middle.transform_filter("datum.rise")
        laptop = rise.transform_calculate(said=f"{PHONE} ? '' : datum.text")
        layers.append(_text(laptop, align="left", dx=6, **{**mid, "field": "said"}))
        corner = rise.encode(x=alt.value(0), y=alt.Y("phone_slot:Q", scale=None, axis=None))
        corner = corner.transform_filter(PHONE)
        layers.append(_text(corner, align="left", lineBreak="\n", **{**top, "field": "lines"}))
        # a falling line leaves the upper right empty: its label goes there, right-aligned to
        # the plot's edge, so that it never runs over the y axis
        fall = alt.Chart(middles.reset_index()).transform_filter("!datum.rise")
        fall = fall.transform_calculate(
            said=f"{PHONE} ? datum.lines : datum.text",
            at=f"{PHONE} ? datum.phone_slot : datum.slot",
        )
        fall = fall.encode(x=alt.value("width"), y=alt.Y("at:Q", scale=None, axis=None))
        layers.append(_text(fall, align="right", lineBreak="\n", **{**top, "field": "said"}))
        size, what = (420, 260), tr(lang, "斜率图", "Slope chart")
    name = str(rows["indicator"].iloc[0])
    items = [f"{r.entity} {r.change_label}" for r in rows.itertuples() if r.change_label]
    title = f"{name}：{span}" if lang == "zh" else f"{name}: {span}"
    return layers, rows, size, title, what, items, [note]


def _with_change(ends: pd.DataFrame, lang: str) -> pd.DataFrame:
    """An entity's first and last row, the last labelled with the change: the bound its ends
    give it, the signed difference, and between exact ends its rate and yearly rate."""
    first, last = ends.iloc[0], ends.iloc[-1]
    step, quals = derived.change(first, last), (first["qualifier"], last["qualifier"])
    # a bound at the start bounds the change the other way: from under 30% it rose over 38 pp
    words = {"approx"} if "approx" in quals else set()
    for later, q in enumerate(quals):
        if q in _LOWER + _UPPER:
            words.add("more_than" if (q in _LOWER) == later else "at_most")
    bound = words.pop() if len(words) == 1 else ("approx" if words else "none")
    word = _BOUND_WORDS.get(bound, ("", ""))[lang == "en"]
    if first["base_unit"] == "percent":
        word += " " if word and lang == "zh" else ""
        text = word + formatting.points(step["difference"], lang)
        return ends.assign(change_label=["", text], change_lines=["", text])
    written = dict(lang=lang, style="card")  # in Chinese, as the article writes: 5 个
    if lang == "zh" and isinstance(first.get("unit"), str) and first["unit"] == last.get("unit"):
        written.update(unit=first["unit"], value=float(last["value"]) - float(first["value"]))
    diff = formatting.figure(step["difference"], first["base_unit"], **written)
    text = word + (diff if diff.startswith("-") else "+" + diff)
    if step["growth"] is not None and bound == "none":
        text = _paren(text, formatting.percent(step["growth"], lang, signed=True), lang)
    lines = text  # on a phone, the yearly rate has a line of its own
    if step["cagr"] is not None and bound == "none":
        yearly = formatting.percent(step["cagr"], lang, signed=True)
        text += f"，年均 {yearly}" if lang == "zh" else f", {yearly} a year"
        lines += f"\n年均 {yearly}" if lang == "zh" else f"\n{yearly} a year"
    return ends.assign(change_label=["", text], change_lines=["", lines])


@_chart_type
def gap(
    df, lang, sel, *, rate: Selection, gap: Selection = None, reference: str | None = None
) -> tuple:
    """Return rates against their reference, with the gap in percentage points.

    Either ``gap`` names the indicator(s) stating how many points the rate is above its
    reference (the reference is then implied: rate − gap, marked as derived), or
    ``reference`` names the entity whose same rate is the reference. An indicator written as
    a decline (``positive_means`` = ``fall``) is turned into a signed growth rate first.
    """
    rates = pick(df, what="gap", indicator=rate, **sel)
    rates = rates[rates["entity_id"] != reference].reset_index(drop=True)  # None: every entity
    matched = rates.assign(entity_id=reference) if reference else rates  # its same rate, or gap
    found = _partners(df, matched, as_ids(rate), as_ids(rate if reference else gap) or [], "gap")
    kept = [i for i, g in enumerate(found) if g is not None]
    if not kept:
        raise ValueError("gap: no rate in the selection has a matching gap or reference row")
    own = rates.iloc[kept].reset_index(drop=True)
    other = pd.DataFrame([found[i] for i in kept]).reset_index(drop=True).infer_objects()
    falls = datasets.indicators("en").query("positive_means == 'fall'")["indicator_id"]
    for f in (own, other):  # a decline is a growth rate below zero
        f["rate"] = f["base_value"].where(~f["indicator_id"].isin(falls), -f["base_value"])
    ref_rate = (
        other["rate"] if reference else derived.implied_rate(other["base_value"], own["rate"])
    )
    own["row_label"] = [_paren(r.short, _when(r, lang), lang) for r in own.itertuples()]
    named = own["entity"] + " · " + own["row_label"]  # several entities on one rate: a row each
    own["row_label"] = own["row_label"].where(~own["row_label"].duplicated(keep=False), named)
    own["gap_text"] = [formatting.points(d, lang) for d in own["rate"] - ref_rate]
    own["fact_id"] += ";" + other["fact_id"]
    cited = other[[c for c in ("source_id", "source_title", "source_short") if c in own]]
    ref_name = other["entity"] if reference else tr(lang, "参照（推算）", "reference (implied)")
    refs = own.assign(rate=ref_rate, who=ref_name, is_ref=True, gap_text="", **cited)
    rows = pd.concat([own.assign(who=own["entity"], is_ref=False), refs], ignore_index=True)
    rows["exact"] = ~rows["is_ref"]
    rows["rate_text"] = [f"{v:+.1f}%" for v in rows["rate"]]
    said = zip(rows["who"], rows["rate_text"], rows["gap_text"], rows["is_ref"], strict=True)
    rows["text"] = [f"{w} {t}" if r else _paren(t, g, lang) for w, t, g, r in said]
    order = list(dict.fromkeys(rows["row_label"]))
    lo, hi = float(rows["rate"].min()), float(rows["rate"].max())
    pad = max((hi - lo) * 0.12, 2)
    scale = alt.Scale(domain=[min(lo - pad, 0), hi + pad], nice=False)
    x = alt.X("rate:Q", title=tr(lang, "同比增速（%）", "Growth year on year (%)"), scale=scale)
    y = _row_axis("row_label", order)
    tip = fact_tooltip(
        lang, *tooltips(lang, ("who", "主体", "Entity"), ("rate_text", "增速", "Rate"))
    )
    base = alt.Chart(rows).encode(x=x, y=y, tooltip=tip)
    colour = alt.condition("datum.is_ref", alt.value(DERIVED), alt.value(ACCENT))
    line = alt.Chart(rows).mark_line(strokeWidth=3, color="#c9c9c9")
    line = line.encode(x=x, y=y, detail="row_label:N")
    # a label ends at its point in the right half of the axis, starts there in the left half,
    # so that it stays inside the plot however narrow the page makes it
    align = alt.expr(f"datum.rate > {(scale.domain[0] + scale.domain[1]) / 2} ? 'right' : 'left'")
    stated = _text(
        base.transform_filter("!datum.is_ref"), "text", dy=-17, color=ACCENT, align=align
    )
    implied = _text(
        base.transform_filter("datum.is_ref"), "text", dy=19, color=DERIVED, align=align
    )
    layers = [line, *_points(base, colour, 150, 210), stated, implied]
    if len(order) > 1:  # a dropdown to focus on one comparison
        shown = alt.expr("focus == 'all' || focus == datum.row_label ? 1 : 0.15")

        def dim(layer: alt.Chart, _param: alt.Parameter) -> alt.Chart:
            return layer.encode(opacity=alt.OpacityValue(value=shown))

        prompt, choices = tr(lang, "比较：", "Comparison: "), [tr(lang, "全部", "all"), *order]
        layers = _menu(layers, "focus", ["all", *order], "all", prompt, dim, choices)
    zero = alt.Chart(pd.DataFrame({"z": [0]})).mark_rule(color="#9a9a9a").encode(x="z:Q")
    hollow = tr(lang, "参照主体的原文数值", "the reference entity, as stated")
    if reference is None:
        derived_from = "the reference, derived from the stated gap in percentage points"
        hollow = tr(lang, "由原文给出的差距（百分点）推算的参照值", derived_from)
    note = tr(lang, "实心：原文数值；空心：", "Filled: as stated; hollow: ") + hollow
    title = "Growth against its reference, in percentage points"
    title = tr(lang, "增速与参照之差（百分点）", title)
    items = [f"{r.row_label} {r.rate_text}, {r.gap_text}" for r in rows.itertuples() if r.exact]
    what = tr(lang, "哑铃图", "Dumbbell chart")
    size = (520, max(100, 70 * len(order)))
    return [zero, *layers], rows, size, title, what, items, [note]


_PHONE_TILES = 2
"""How many columns of tiles a phone shows."""


def tiles(
    table: pd.DataFrame,
    *,
    column: str,
    colour: str,
    text: str,
    lang: str = "zh",
    title: str,
    note: str | None = None,
    tooltip: tuple[tuple[str, str, str], ...] = (),
) -> alt.LayerChart:
    """Return one tile per row of ``table`` (any table with ``source_id`` and ``quote``), in
    columns by the field ``column`` (its values are the headers, lines split by ``\\n``),
    coloured by the field ``colour`` and labelled with the field ``text``; clicking the
    legend highlights one colour. ``tooltip`` adds ``(field, zh title, en title)`` entries.
    """
    missing = [c for c in (column, colour, text, "source_id", "quote") if c not in table]
    if missing:
        raise ValueError(f"tiles: table is missing column(s) {', '.join(missing)}")
    df = table.reset_index(drop=True)
    df[[column, colour, text]] = df[[column, colour, text]].astype(str)  # categories too
    df["slot"] = df.groupby(column, sort=False).cumcount()
    df = provenance(df, lang)  # a source of one's own by its title, else its id
    order, colours = list(dict.fromkeys(df[column])), list(dict.fromkeys(df[colour]))
    # on a phone the columns flow into _PHONE_TILES columns: each list a block of rows, its
    # header on the first, one line; elsewhere, one column per list, headers above the plot
    df["col"] = df[column].map(order.index)
    blocks = 1 + (df.groupby(column, sort=False).size() + _PHONE_TILES - 1) // _PHONE_TILES
    first = (blocks.cumsum() - blocks).reindex(order)
    df["phone_col"] = df["slot"] % _PHONE_TILES
    df["phone_row"] = df[column].map(first) + 1 + df["slot"] // _PHONE_TILES
    where = {
        "at_col": f"{PHONE} ? datum.phone_col : datum.col",
        "at_row": f"{PHONE} ? datum.phone_row : datum.slot",
    }
    fills = dict(zip(colours, PALETTE * (len(colours) // len(PALETTE) + 1), strict=False))
    rgb = {c: [int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in PALETTE}  # dark text if light
    light = {c: 0.299 * r + 0.587 * g + 0.114 * b > 150 for c, (r, g, b) in rgb.items()}
    df["ink"] = [INK if light[fills[c]] else "white" for c in df[colour]]
    # long English names wrap onto two lines; Vega stacks extra lines below the anchor
    wrap = (lambda n: textwrap.fill(n, 17, max_lines=2, placeholder="…")) if lang == "en" else str
    df["shown"] = df[text].map(wrap)
    df["lines"] = df["shown"].str.count("\n") + 1
    chosen = alt.selection_point(fields=[colour], bind="legend")
    cols = dict(title=None, axis=None, scale=alt.Scale(paddingInner=0.08))
    x = alt.X("at_col:O", **cols)
    y = alt.Y("at_row:O", axis=None, title=None, scale=alt.Scale(paddingInner=0.12))
    tip = [*tooltips(lang, *tooltip, (column, "分组", "Group")), quote_tooltip(lang, "quote")]
    base = alt.Chart(df).transform_calculate(**where)
    base = base.encode(x=x, y=y, tooltip=[*tip, source_tooltip(lang)])
    legend = alt.Legend(orient="bottom", columns=3, symbolType="square")
    scale = alt.Scale(domain=colours, range=list(fills.values()))
    lit = alt.condition(chosen, alt.value(1), alt.value(0.2))
    rect = base.mark_rect(cornerRadius=3).encode(opacity=lit)
    names = base.encode(text="shown:N", color=alt.Color("ink:N", scale=None))
    style = dict(fontSize=10.5, limit=104, lineBreak="\n", lineHeight=12)
    heads = df.drop_duplicates(column).assign(phone_col=0, phone_row=lambda h: h["phone_row"] - 1)
    heads["one_line"] = heads[column].str.replace("\n", " · ")
    heads = alt.Chart(heads).transform_calculate(**where).encode(x=x)
    above = heads.transform_filter(f"!({PHONE})").encode(y=alt.value(-6))
    header = dict(baseline="bottom", lineBreak="\n", lineHeight=14, dy=-28)
    # on a phone, on its block's first row, from the block's left edge
    inline = heads.transform_filter(PHONE).encode(x=alt.X("at_col:O", bandPosition=0, **cols), y=y)
    rect = rect.encode(color=alt.Color(f"{colour}:N", title=None, scale=scale, legend=legend))
    layers = [rect.add_params(chosen), _text(above, column, **header)]
    layers.append(_text(inline, "one_line", align="left", fontSize=12, fontWeight=600))
    for n in sorted(df["lines"].unique()):  # a name of n lines, lifted by half its extra lines
        lines = names.transform_filter(f"datum.lines == {n}")
        layers.append(lines.mark_text(dy=-(n - 1) * 6, **style))
    sep = "、" if lang == "zh" else ", "
    items = [f"{c.replace(chr(10), ' ')}: {sep.join(df.loc[df[column] == c, text])}" for c in order]
    description = tr(lang, f"方格图，共 {len(df)} 格。", f"Tile matrix of {len(df)} tiles. ")
    return finish(
        alt.layer(*layers).properties(width=560, height=alt.Step(26 if lang == "zh" else 32)),
        df,
        lang=lang,
        title=title,
        subtitle=note,
        description=description + "; ".join(items),
    )


def _in(lang: str, value):
    """``value`` in ``lang``: a ``{"zh": ..., "en": ...}`` pair picked, a list item by item."""
    if isinstance(value, dict) and set(value) == {"zh", "en"}:
        return value[datasets.check_lang(lang)]
    return [_in(lang, v) for v in value] if isinstance(value, list) else value


def figure(name: str, doc: str) -> Callable[..., alt.LayerChart]:
    """Return the theme figure ``name(data=None, *, lang="zh", **more)``: the chart type of its
    row in ``figures.csv`` with that row's options and words (read at each call, so an edit
    shows at once), and ``more`` over them. ``doc`` is its docstring."""

    def chart(data: pd.DataFrame | None = None, *, lang: str = "zh", **more) -> alt.LayerChart:
        table = datasets.figures(lang)
        if name not in table.index:
            raise ValueError(f"figures.csv has no row for the figure {name!r}")
        draw, options = _figure_call(table.loc[name], lang)
        options.update(more)
        try:
            inspect.signature(draw).bind(data, lang=lang, **options)
        except TypeError as e:
            raise ValueError(f"figures.csv, figure {name} ({draw.__name__}): {e}") from None
        try:
            return draw(data, lang=lang, **options)
        except ValueError as e:
            raise ValueError(f"figures.csv, figure {name} ({draw.__name__}): {e}") from None

    chart.__name__ = chart.__qualname__ = name
    chart.__doc__ = doc
    return chart


CHART_TYPES = {f.__name__: f for f in (trend, compare, composition, share, change, gap)}
"""The chart types that choose rows by meaning, and work on any DataFrame of facts."""


def _figure_call(row: pd.Series, lang: str) -> tuple[Callable[..., alt.LayerChart], dict]:
    """The chart type of a row of ``figures.csv`` and its keyword arguments in ``lang``."""
    draw = {**CHART_TYPES, "key_figures": key_figures}[row["chart_type"]]
    words = {k: row[k] for k in ("title", "note") if isinstance(row[k], str)}
    return draw, {**{k: _in(lang, v) for k, v in row["options"].items()}, **words}


def figure_problems() -> list[datasets.DataError]:
    """Return why a row of ``figures.csv`` cannot be drawn, one error per row and field, each
    naming its file, row and field: an option (or a title or note) its chart type does not
    take, a required one missing, or a value the chart type refuses. Each figure's call is
    checked in both languages, and it is drawn in the last."""
    path, problems = datasets.resource_path("figures"), []
    for lang in datasets.LANGS:
        for row_no, (name, row) in enumerate(datasets.figures(lang).iterrows(), start=2):
            draw, options = _figure_call(row, lang)
            params = inspect.signature(draw).parameters
            takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
            unknown = [k for k in options if k not in params and not takes_any]
            field = "options"
            if unknown:
                field = f"{unknown[0]}_{lang}" if unknown[0] in ("title", "note") else field
                problem = f"{draw.__name__} takes no {unknown[0]!r}"
                expected = "one of " + ", ".join(p for p in params if p not in ("data", "lang"))
                if any((p.row, p.field) == (row_no, field) for p in problems):
                    continue  # an option, said once for both languages
            elif any(p.row == row_no for p in problems):
                continue
            else:
                try:
                    inspect.signature(draw).bind(None, lang=lang, **options)
                    if lang == datasets.LANGS[-1]:  # the chart the options make, once
                        draw(None, lang=lang, **options)
                    continue
                except (TypeError, ValueError, KeyError) as e:
                    problem, expected = f"{draw.__name__}: {e}", None
            problems.append(
                datasets.DataError(
                    path, f"figure {name}: {problem}", row=row_no, field=field, expected=expected
                )
            )
    return problems
