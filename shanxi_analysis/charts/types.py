"""Chart types that choose their rows by meaning: indicator, entity, period, source.

Each function has the form ``f(data=None, *, <selection>, lang="zh", title=None, note=None,
aside=None)`` and returns an Altair chart. ``data`` is :func:`shanxi_analysis.datasets.facts`,
a filtered copy, or a DataFrame of your own with the columns of :data:`FACT_COLUMNS`
(``indicator_id``, ``entity_id``, ``period``, ``base_value``, ``base_unit``, ``qualifier``,
``kind``, ``source_id``, ``quote``). Axis titles, units and magnitudes come from the data's
metadata through :mod:`shanxi_analysis.formatting`; labels follow ``lang``; the citation line
names exactly the sources of the rows plotted. ``title`` replaces the default title;
``note`` adds a line under it; ``aside`` names indicators whose latest figures are written
above the plot as side notes (their quotes in the tooltip, their sources in the citation).

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
from ._base import (
    ACCENT,
    COAL,
    INK,
    MUTED,
    PALETTE,
    SOFT,
    Selection,
    as_ids,
    fact_tooltip,
    finish,
    pick,
    plot_frame,
    quote_tooltip,
    source_tooltip,
    tr,
)

__all__ = ["change", "compare", "composition", "gap", "share", "tiles", "trend"]

DERIVED = "#9a7b1c"  # a darker solar yellow, readable as text: values the chart computed
_LOWER, _UPPER = ("more_than", "at_least"), ("at_most", "less_than")
_MAX_DOTS = 200

# ---------------------------------------------------------------- the path every type shares


def _years(period: str) -> tuple[float, float]:
    """Return the start and end of a period as fractional years (``2020Q1`` -> 2020.0, 2020.25)."""
    out = []
    for part in str(period).split("/"):
        m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?|(\d{4})([QH])([1-4])", part)
        if not m:
            raise ValueError(
                f"period {period!r} is not YYYY, YYYY-MM, YYYY-MM-DD, YYYYQn or YYYYHn"
            )
        if m.group(4):
            year, size, n = int(m.group(4)), 0.25 if m.group(5) == "Q" else 0.5, int(m.group(6))
            out.append((year + (n - 1) * size, year + n * size))
        elif m.group(2):
            start = int(m.group(1)) + (int(m.group(2)) - 1) / 12
            out.append((start, start + 1 / 12))
        else:
            out.append((float(m.group(1)), float(m.group(1)) + 1))
    return out[0][0], out[-1][1]


def _end(period) -> float:
    """A period's end in years; an undated figure counts as the oldest."""
    return _years(period)[1] if isinstance(period, str) and period else float("-inf")


def _latest(rows: pd.DataFrame, by: list[str], order: Selection = None) -> pd.DataFrame:
    """Each group's latest row (ties keep the first), in the order of the indicators
    ``order`` when given."""
    rows = rows.assign(_end=[_end(p) for p in rows["period"]])
    rows = rows.sort_values("_end", kind="stable").groupby(by, sort=False).tail(1)
    if order is None:
        return rows
    at = {i: n for n, i in enumerate(as_ids(order))}
    return rows.sort_values("indicator_id", key=lambda s: s.map(at), kind="stable")


def _periods_text(rows: pd.DataFrame, lang: str) -> str:
    ordered = sorted({p for p in rows["period"] if isinstance(p, str) and p}, key=_years)
    if len(ordered) < 2:
        return formatting.period(ordered[0], lang) if ordered else ""
    first, last = _years(ordered[0])[0], _years(ordered[-1])[1]
    return formatting.period(f"{int(first)}/{int(last) - (last % 1 == 0)}", lang)


def _scaled(rows: pd.DataFrame, lang: str, chart: str, name: str = "") -> tuple[pd.DataFrame, str]:
    """Add ``shown`` (the value in the axis's magnitude); return the axis title: ``name`` (or
    the first row's short name) and the unit. The rows must share one unit."""
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


def _paren(text: str, detail: str, lang: str, comma: bool = False) -> str:
    """``text（detail）`` in Chinese; ``text (detail)`` in English, or ``text, detail`` with
    ``comma``; ``text`` alone without a detail."""
    if not detail:
        return text
    if lang == "zh":
        return f"{text}（{detail}）"
    return f"{text}, {detail}" if comma else f"{text} ({detail})"


def _colour(field: str, domain: list[str], title: str | None = None, legend=True) -> alt.Color:
    return alt.Color(
        f"{field}:N",
        scale=alt.Scale(domain=domain, range=list((PALETTE * 3)[: max(len(domain), 1)])),
        title=title,
        legend=alt.Legend(orient="bottom") if legend and len(domain) > 1 else None,
    )


def _row_axis(field: str, order: list[str]) -> alt.Y:
    """A y axis of named rows in ``order``, without ticks or domain."""
    axis = alt.Axis(ticks=False, domain=False)  # labelLimit: the theme's axisY
    return alt.Y(f"{field}:N", sort=order, title=None, axis=axis)


def _bounds(rows: pd.DataFrame, x: alt.X, y: alt.Y) -> list[alt.Chart]:
    """Shaded ranges where a bound's true value may lie: from zero up to an upper bound
    (不足 30%, 900 座以内), from a lower bound (超过 600) a quarter beyond it."""
    bounds = rows[rows["qualifier"].isin(_UPPER + _LOWER)]
    if bounds.empty:
        return []
    upper, shown = bounds["qualifier"].isin(_UPPER), bounds["shown"]
    bounds = bounds.assign(lo=shown.where(~upper, 0.0), hi=shown.where(upper, shown * 1.25))
    return [
        alt.Chart(bounds)
        .mark_rule(strokeWidth=14, opacity=0.25, color=MUTED)
        .encode(x=x, y=alt.Y("lo:Q", scale=alt.Scale(zero=True)), y2="hi:Q")
    ]


def _bound_note(rows: pd.DataFrame, lang: str) -> str | None:
    if rows["qualifier"].isin(_UPPER + _LOWER).any():
        return tr(
            lang,
            "空心点：原文给出的是上限或下限，真实值在阴影范围内",
            "Hollow point: the text gives a bound, and the true value lies in the shaded range",
        )
    return None


def _when(row, lang: str) -> str:
    """A row's period, then its kind unless actual: ``2025 年 · 目标``, ``2025 · target``."""
    kind = row.kind_label if row.kind != "actual" else ""
    return " · ".join(filter(None, (formatting.period(row.period, lang), kind)))


def _aside(df: pd.DataFrame, aside: Selection, lang: str, chart: str) -> pd.DataFrame:
    """The latest figure of each ``aside`` indicator (and kind), as a line of ``text``."""
    if aside is None:
        return df.iloc[:0].assign(text="")
    rows = _latest(pick(df, what=chart, indicator=aside), ["indicator_id", "kind"], aside)
    colon = "：" if lang == "zh" else ": "
    text = [_paren(r.short, _when(r, lang), lang) + colon + r.label for r in rows.itertuples()]
    return rows.assign(text=text)


def _done(df: pd.DataFrame, lang: str, **how) -> alt.LayerChart:
    """Finish a chart type: its ``layers`` at ``size``, with the ``aside`` notes above them;
    ``title`` (or the ``default``); ``note`` and the ``notes`` (``None`` skipped) as one
    subtitle line; the citation of the ``rows`` plotted and of the notes; a description:
    ``what`` the chart is, then its ``items``."""
    side = _aside(df, how["aside"], lang, how["chart"])
    layers = how["layers"] + [  # the latest last, just above the plot
        alt.Chart(side.iloc[[i]])
        .mark_text(  # at most the plot's width: shortened on a phone (whole in the tooltip)
            align="left", baseline="bottom", fontSize=12, color=SOFT, limit=alt.ExprRef("width")
        )
        .encode(x=alt.value(0), y=alt.value(-10 - 18 * (len(side) - 1 - i)), text="text:N")
        .encode(tooltip=fact_tooltip(lang))
        for i in range(len(side))
    ]
    sep = "；" if lang == "zh" else "; "
    items = sep.join([*how["items"], *side["text"]])
    width, height = how["size"]
    return finish(
        alt.layer(*layers).properties(width=width, height=height),
        pd.concat([how["rows"], side]),
        lang=lang,
        title=how["title"] or how["default"],
        subtitle=sep.join(n for n in [how["note"], *how["notes"]] if n) or None,
        description=f"{how['what']}：{items}。" if lang == "zh" else f"{how['what']}: {items}.",
    )


_SHARED = [
    inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
    for name, default, kind in (
        ("entity", None, "Selection"),
        ("period", None, "Selection"),
        ("source", None, "Selection"),
        ("lang", "zh", "str"),
        ("title", None, "str | None"),
        ("note", None, "str | None"),
        ("aside", None, "Selection"),
    )
]


def _chart_type(draw: Callable[..., dict]) -> Callable[..., alt.LayerChart]:
    """Make a chart type of ``draw(df, lang, sel, **options)``, which returns the layers, the
    rows they plot and how to finish them (see :func:`_done`). The chart type takes ``data``,
    ``draw``'s own keywords, the selection shared by every type (``entity``, ``period``,
    ``source``: ids or lists, handed to ``draw`` as ``sel``), ``lang``, ``title``, ``note``
    and ``aside``."""

    @functools.wraps(draw)
    def chart(data=None, *, entity=None, period=None, source=None, lang="zh", **how):
        df = plot_frame(data, lang)
        sel = {"entity": entity, "period": period, "source": source}
        shared = {k: how.pop(k, None) for k in ("title", "note", "aside")}
        return _done(df, lang, chart=draw.__name__, **shared, **draw(df, lang, sel, **how))

    own = list(inspect.signature(draw).parameters.values())[3:]
    data = inspect.Parameter("data", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
    chart.__signature__ = inspect.Signature(
        [data, *own, *_SHARED], return_annotation="alt.LayerChart"
    )
    return chart


def _join(names, lang: str) -> str:
    """``names`` joined as ``lang`` joins a list: ``甲、乙`` or ``A, B``."""
    return ("、" if lang == "zh" else ", ").join(dict.fromkeys(names))


# ---------------------------------------------------------------- trend


@_chart_type
def trend(df: pd.DataFrame, lang: str, sel: dict, *, indicator: str) -> dict:
    """Return one indicator over periods, for one or several entities.

    Actual figures are filled marks joined by a line; targets, plans and estimates are open
    marks on a dashed line; a figure given as a bound (不足 30%, 超过 600) is an open mark
    over the range its true value may take; a period that is an interval (``2016/2020``) is
    a span. Periods of different lengths (years, quarters) are never joined by one line.
    Each source has its colour (each entity its colour and each source its shape, when there
    are several entities); two sources that give different values for the same entity and
    period are joined by a red rule and named in the subtitle.
    """
    sel = {"indicator": indicator, **sel}
    rows, y_title = _scaled(pick(df, what="trend", **sel), lang, "trend")
    spans = [_years(p) for p in rows["period"]]
    interval = rows["period"].str.contains("/")
    kinds = [tr(lang, "实际", "actual"), tr(lang, "目标或预计", "target or estimate")]
    rows = rows.assign(
        interval=interval,
        x_start=[s for s, _ in spans],
        x_end=[e - i for (_, e), i in zip(spans, interval, strict=True)],
        x=[
            e - 1 if i else (s if e - s == 1 else (s + e) / 2)
            for (s, e), i in zip(spans, interval, strict=True)
        ],
        grain=[
            "/" if i else re.sub(r"\d", "", p)
            for p, i in zip(rows["period"], interval, strict=True)
        ],
        exact=(rows["qualifier"] == "none") & (rows["kind"] == "actual"),
        line_kind=[kinds[k != "actual"] for k in rows["kind"]],
        period_text=[formatting.period(p, lang) for p in rows["period"]],
    )
    if rows["grain"].nunique() > 1:  # years and quarters on one axis: say which is which
        rows["label"] = rows["label"] + " · " + rows["period_text"]
    # labels of a second source for the same period stand to the right, the first's to the left
    same = rows.groupby(["entity_id", "period"])["source_id"]
    first = rows["source_id"] == same.transform("first")
    rows["side"] = [
        "" if n < 2 else ("left" if f else "right")
        for n, f in zip(same.transform("nunique"), first, strict=True)
    ]
    several = rows["entity_id"].nunique() > 1
    field = "entity" if several else "source_short"
    series = list(dict.fromkeys(rows[field]))
    colour = _colour(field, series, tr(lang, "主体", "Entity") if several else None)
    lo = min(rows["x_start"].min(), rows["x"].min())
    hi = max(rows.loc[interval, "x_end"].max() if interval.any() else lo, rows["x"].max())
    pad = max((hi - lo) * 0.08, 0.4)
    x_scale = alt.Scale(domain=[lo - pad, hi + pad], nice=False, zero=False)
    x = alt.X(
        "x:Q", title=None, scale=x_scale, axis=alt.Axis(format="d", tickMinStep=1, grid=False)
    )
    y = alt.Y("shown:Q", title=y_title, scale=alt.Scale(zero=True))
    tip = fact_tooltip(lang, alt.Tooltip("kind_label:N", title=tr(lang, "类型", "Kind")))
    base = alt.Chart(rows).encode(x=x, y=y, tooltip=tip)
    # a target or estimate continues its series' last actual figure with a dashed line
    points, bridges = rows[~interval], []
    for _, g in points.groupby(["entity_id", "source_id", "grain"], sort=False):
        actual, ahead = g[g["kind"] == "actual"], g[g["kind"] != "actual"]
        if len(actual) and len(ahead):
            bridges.append(actual.loc[[actual["x"].idxmax()]].assign(line_kind=kinds[1]))
    dash = alt.StrokeDash(
        "line_kind:N",
        scale=alt.Scale(domain=kinds, range=[[1, 0], [5, 4]]),
        title=None,
        legend=alt.Legend(orient="bottom") if (rows["kind"] != "actual").any() else None,
    )
    shape = alt.value("circle")
    if several and rows["source_id"].nunique() > 1:  # filled symbols: sources are shapes
        legend = alt.Legend(orient="bottom", symbolFillColor=INK, symbolStrokeColor=INK)
        shape = alt.Shape("source_short:N", title=tr(lang, "来源", "Source"), legend=legend)
    layers = [
        *_bounds(rows, x, y),
        alt.Chart(pd.concat([points, *bridges]))
        .mark_line(strokeWidth=2.2)
        .encode(x=x, y=y, color=colour, strokeDash=dash)
        .encode(detail=["entity:N", "source_short:N", "line_kind:N", "grain:N"]),
        base.transform_filter("datum.interval")
        .mark_rule(strokeWidth=5, opacity=0.55, strokeCap="round")
        .encode(x=alt.X("x_start:Q", scale=x_scale, title=None), x2="x_end:Q", color=colour),
        # exact figures filled, the others hollow; the filled ones draw the source legend
        base.transform_filter("datum.exact")
        .mark_point(size=90, opacity=1, filled=True)
        .encode(color=colour, shape=shape),
        base.transform_filter("!datum.exact")
        .mark_point(size=90, strokeWidth=2, opacity=1, filled=False)
        .encode(
            color=colour,
            fill=alt.value("white"),
            shape=shape if shape == alt.value("circle") else shape.legend(None),
        ),
        *(
            base.transform_filter(f"datum.side == '{side}'")
            .mark_text(align=align, dx=dx, dy=dy, fontSize=11, color=INK)
            .encode(text="label:N")
            for side, align, dx, dy in (
                ("", "center", 0, -13),
                ("left", "right", -10, 0),
                ("right", "left", 10, 0),
            )
        ),
    ]
    notes = [_bound_note(rows, lang)]
    disagree = _disagreements(rows)
    if len(disagree):
        layers.append(
            alt.Chart(disagree)
            .mark_rule(color=COAL, strokeDash=[3, 2], strokeWidth=2)
            .encode(x=x, y="low:Q", y2="high:Q")
            .encode(tooltip=alt.Tooltip("note:N", title=tr(lang, "不一致", "Disagreement")))
        )
        notes += list(disagree["note"])
    name, entities = str(rows["indicator"].iloc[0]), _join(rows["entity"], lang)
    return dict(
        layers=layers,
        rows=rows,
        size=(520, 280),
        default=_paren(name, _periods_text(rows, lang), lang, comma=True),
        notes=notes,
        what=tr(lang, f"折线图：{entities}的{name}", f"Line chart of {name} for {entities}"),
        items=[f"{r.period_text} {r.label} ({r.source_short})" for r in rows.itertuples()],
    )


def _disagreements(rows: pd.DataFrame) -> pd.DataFrame:
    """Entity-periods where sources give different values: the low and high value shown."""
    out, several = [], rows["entity_id"].nunique() > 1
    for _, g in rows.groupby(["entity_id", "period"], sort=False):
        if g["source_id"].nunique() > 1 and g["base_value"].nunique() > 1:
            low, high = g.loc[g["shown"].idxmin()], g.loc[g["shown"].idxmax()]
            who = f"{low['entity']} " if several else ""
            note = (
                f"{who}{low['period_text']}: {low['source_short']} {low['label']}, "
                f"{high['source_short']} {high['label']}"
            )
            out.append({"x": low["x"], "low": low["shown"], "high": high["shown"], "note": note})
    return pd.DataFrame(out)


# ---------------------------------------------------------------- compare


@_chart_type
def compare(
    df: pd.DataFrame,
    lang: str,
    sel: dict,
    *,
    indicator: Selection,
    by: str = "entity",
    dots: bool = False,
    group: int = 0,
) -> dict:
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
    sel = {"indicator": indicator, **sel}
    rows = _latest(pick(df, what="compare", **sel), keys[by], indicator)
    kinds = [v[lang == "en"] for k, v in datasets.KIND_LABELS.items() if k in set(rows["kind"])]
    if by == "indicator":  # in the order asked, each indicator's kinds in the order of kinds
        at = {i: n * 10 for n, i in enumerate(as_ids(indicator))}
        rows = rows.sort_values(
            "kind",
            key=lambda k: rows["indicator_id"].map(at) + k.map(list(datasets.KIND_LABELS).index),
        )
    # each row of dots counts its own thing; bars of different things never share an axis
    rows["unit_group"] = rows["base_unit"] + " " + rows["noun_en"]
    groups = [_scaled(g, lang, "compare") for _, g in rows.groupby("unit_group", sort=False)]
    if dots:
        groups = [(rows.assign(shown=rows["base_value"]), "")]
    rows = pd.concat(g.assign(unit_name=name) for g, name in groups)
    names = [name for _, name in groups]
    if not 0 <= group < len(names):
        raise ValueError(f"compare: group must be 0–{len(names) - 1}, got {group!r}")
    rows["group"] = (
        [_paren(r.short, _when(r, lang), lang) for r in rows.itertuples()]
        if by == "indicator"
        else rows["entity" if by == "entity" else "source_short"]
    )
    if by != "indicator":
        rows = rows.sort_values("shown", ascending=False)
    y = _row_axis("group", list(rows["group"]))
    tip = fact_tooltip(lang, alt.Tooltip("entity:N", title=tr(lang, "主体", "Entity")))
    if dots:
        layers = _dots(rows, y, tip)
    else:
        one = len(names) == 1
        domain = [0, float(rows["shown"].max() or 1) * 1.2] if one else alt.Undefined
        x = alt.X(
            "shown:Q",
            title=names[0] if one else None,
            scale=alt.Scale(domain=domain, nice=False),
            axis=alt.Axis(grid=False) if one else None,
        )
        base = alt.Chart(rows).encode(x=x, y=y, tooltip=tip)
        bars = base.mark_bar(height=min(28, max(10, 200 // len(rows))), cornerRadiusEnd=2)
        lighter = alt.condition("datum.qualifier == 'none'", alt.value(1), alt.value(0.5))
        colour = _colour("kind_label", kinds, tr(lang, "性质", "Kind"))
        layers = [
            bars.encode(color=colour, opacity=lighter),
            base.mark_text(align="left", dx=5, fontSize=11, color=INK).encode(text="label:N"),
        ]
    if len(names) > 1:  # one group at a time, through a dropdown that works offline
        bind = alt.binding_select(options=names, name=tr(lang, "查看：", "Show: "))
        shown = alt.param(name="unit_group", value=names[group], bind=bind)
        layers = [lay.transform_filter(alt.datum.unit_name == shown) for lay in layers]
        layers[0] = layers[0].add_params(shown)
    name = str(rows["indicator" if by != "indicator" else "short"].iloc[0])
    what = tr(lang, "点阵图", "Dot rows") if dots else tr(lang, "条形图", "Bar chart")
    return dict(
        layers=layers,
        rows=rows,
        size=(480, alt.Step(34) if len(names) > 1 else max(80, 34 * len(rows))),
        default=_paren(name, _periods_text(rows, lang), lang, comma=True),
        notes=[],
        what=what,
        items=[f"{r.group} {r.label}" for r in rows.itertuples()],
    )


def _dots(rows: pd.DataFrame, y: alt.Y, tip: list) -> list[alt.Chart]:
    """One dot per unit of each row's count, a "+" after a lower bound, then the figure."""
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
    x = alt.X(
        "k:Q", axis=None, title=None, scale=alt.Scale(domain=[0, float(rows["end"].max()) + 8])
    )
    colour = _colour("group", list(rows["group"]), legend=False)
    return [
        alt.Chart(units)
        .transform_lookup(lookup="fact_id", from_=lookup)
        .mark_circle(size=40, opacity=1)
        .encode(x=x, y=y, color=colour, tooltip=tip),
        alt.Chart(rows[rows["plus"]].assign(k=rows["n"] + 0.5))
        .mark_text(fontSize=15, fontWeight=700)
        .encode(x=x, y=y, text=alt.value("+"), color=colour, tooltip=tip),
        alt.Chart(rows.assign(k=rows["end"]))
        .mark_text(align="left", fontSize=13, fontWeight=600)
        .encode(x=x, y=y, text="label:N", color=colour, tooltip=tip),
    ]


# ---------------------------------------------------------------- composition


@_chart_type
def composition(
    df: pd.DataFrame,
    lang: str,
    sel: dict,
    *,
    parts: Selection | list[list[str]] = None,
    whole: str | None = None,
    rule: str | None = None,
    names: list[str] | None = None,
) -> dict:
    """Return parts against a whole as stacked bars, one bar per breakdown, each part
    labelled with its figure where it has room.

    ``parts`` is a list of indicators (one breakdown) or a list of such lists (several
    breakdowns of the same whole); or ``rule`` names a ``part_whole`` rule of
    :mod:`shanxi_analysis.checks`, whose parts and whole it draws. When the parts fall short
    of the ``whole``, the rest is drawn as an unitemised segment; the whole is read at the
    parts' period. ``names`` labels the breakdowns. Clicking a legend entry highlights its
    part.
    """
    if rule is not None:
        groups, whole_rows = _rule_parts(df, rule, lang)
    elif parts is None:
        raise ValueError("composition: give parts (indicators) or rule (a part_whole rule id)")
    else:
        groups = [parts] if isinstance(parts, str) or isinstance(parts[0], str) else parts
        pick_ = lambda i: pick(df, what="composition", indicator=i, **sel)  # noqa: E731
        groups = [_latest(pick_(g), ["indicator_id"], g) for g in groups]
        # the whole is read at the parts' period
        sel = {**sel, "period": sel["period"] or sorted(set(groups[0]["period"]))}
        whole_rows = df.iloc[:0]
        if whole:
            whole_rows = pick_(whole)
            whole_rows = _latest(whole_rows, ["indicator_id"])
    frames = []
    for i, part_rows in enumerate(groups):
        name = tr(lang, "构成", "Parts")
        if len(groups) > 1:
            name = tr(lang, f"分法 {i + 1}", f"Breakdown {i + 1}")
        name = names[i] if names and i < len(names) else name
        if "part" not in part_rows:
            part_rows = part_rows.assign(part=part_rows["short"])
        rest = float(whole_rows["base_value"].sum()) - float(part_rows["base_value"].sum())
        if len(whole_rows) and rest > 1e-9:
            label = formatting.number(rest, lang)
            filler = whole_rows.iloc[[0]].assign(base_value=rest, label=label)
            part_rows = pd.concat(
                [part_rows, filler.assign(part=tr(lang, "未分项", "Not itemised"))]
            )
        frames.append(part_rows.assign(breakdown=name))
    whole_name = str(whole_rows["short"].iloc[0]) if len(whole_rows) else ""
    rows, x_title = _scaled(pd.concat(frames, ignore_index=True), lang, "composition", whole_name)
    ends = rows.groupby("breakdown", sort=False)["shown"]
    rows = rows.assign(order=range(len(rows)), x_mid=ends.cumsum() - rows["shown"] / 2)
    rows["inside"] = rows["label"].where(rows["shown"] / ends.transform("sum") > 0.07, "")
    domain = list(dict.fromkeys(rows["part"]))
    chosen = alt.selection_point(fields=["part"], bind="legend")
    whole_counts = (rows["shown"] % 1 == 0).all()  # no half parks on the axis
    x = alt.X(
        "shown:Q",
        stack="zero",
        axis=alt.Axis(tickMinStep=1) if whole_counts else alt.Undefined,
        title=x_title,
    )
    y = alt.Y("breakdown:N", title=None, sort=None)
    tip = fact_tooltip(lang, alt.Tooltip("part:N", title=tr(lang, "类别", "Category")))
    colour = alt.Color(
        "part:N",
        sort=domain,
        scale=alt.Scale(domain=domain, range=list((PALETTE * 3)[: len(domain)])),
        title=tr(lang, "类别", "Category"),
        legend=alt.Legend(columns=3, orient="bottom", labelLimit=320),
    )
    base = alt.Chart(rows).encode(y=y, tooltip=tip)
    layers = [
        base.mark_bar(height=34)
        .encode(x=x, color=colour, order=alt.Order("order:Q"))
        .encode(opacity=alt.condition(chosen, alt.value(1), alt.value(0.3)))
        .add_params(chosen),
        base.mark_text(color="white", fontSize=11, fontWeight=600).encode(
            x="x_mid:Q", text="inside:N"
        ),
    ]
    described = [
        f"{b}：" + "、".join(f"{r.part} {r.label}" for r in g.itertuples())
        for b, g in rows.groupby("breakdown", sort=False)
    ]
    if len(whole_rows):
        total = whole_rows["label"].iloc[0]
        described.append(tr(lang, f"合计 {total}", f"{total} in all"))
    name, when = whole_name or str(rows["short"].iloc[0]), _periods_text(rows, lang)
    return dict(
        layers=layers,
        rows=pd.concat([rows, whole_rows]),
        size=(520, max(70, 60 * len(groups))),
        default=f"{name}的构成（{when}）" if lang == "zh" else f"{name}: composition, {when}",
        notes=[],
        what=tr(lang, "横向堆积条形图", "Stacked bar chart"),
        items=described,
    )


def _rule_parts(df: pd.DataFrame, rule_id: str, lang: str) -> tuple[list, pd.DataFrame]:
    """The parts and whole of a part-whole rule of :mod:`checks`, from ``df``'s rows."""
    rule = checks.rule(rule_id)
    if rule.kind != "part_whole":
        raise ValueError(f"composition: rule {rule_id!r} is a {rule.kind} rule, not part_whole")
    by_id = df.set_index("fact_id")
    missing = [f for f in rule.fact_ids() if f not in by_id.index]
    if missing:
        raise ValueError(
            f"composition: rule {rule_id!r} reads fact(s) the data lacks: {', '.join(missing)}"
        )
    whole = by_id.loc[[rule.whole]].reset_index()
    parts = [
        by_id.loc[[p]].reset_index().pipe(lambda r: r.assign(part=r["short"]))
        if isinstance(p, str)  # a number the rule states, e.g. the park named on its own
        else whole.assign(
            base_value=float(p),
            part=rule.constants.get(str(p), (str(p), str(p)))[lang == "en"],
            label=formatting.number(float(p), lang),
        )
        for p in rule.parts
    ]
    return [pd.concat(parts, ignore_index=True)], whole


# ---------------------------------------------------------------- share


def _partners(df, rows, ids: list[str], other: list[str], chart: str) -> list:
    """For each row of ``rows`` (of the indicators ``ids``), the row of the matching
    ``other`` indicator with the same entity and period, or ``None``."""
    if other and len(other) != len(ids):
        raise ValueError(f"{chart}: give one matching indicator for each of {', '.join(ids)}")
    match = dict(zip(ids, other, strict=False))
    keys = df.set_index(["indicator_id", "entity_id", "period"])
    out = []
    for r in rows.itertuples():
        key = (match.get(r.indicator_id), r.entity_id, r.period)
        out.append(keys.loc[[key]].reset_index().iloc[0] if key in keys.index else None)
    return out


@_chart_type
def share(
    df: pd.DataFrame, lang: str, sel: dict, *, part: Selection = None, share: Selection
) -> dict:
    """Return shares of a whole as bars against a 100% track.

    ``share`` names the indicator(s) in percent; ``part`` the matching indicator(s) of the
    absolute part (same entity and period, in the same order). When both are known the
    implied whole (``part ÷ share``, from :mod:`shanxi_analysis.derived`) is written beside
    the track and carries its inputs in the tooltip.
    """
    shares = pick(df, what="share", indicator=share, **sel)
    if set(shares["base_unit"]) != {"percent"}:
        raise ValueError("share: the share indicator must be in percent")
    several = shares["entity_id"].nunique() > 1
    rows, used = [], [shares]
    partners = _partners(df, shares, as_ids(share), as_ids(part) or [], "share")
    for r, p in zip(shares.to_dict("records"), partners, strict=True):
        row = {
            **r,
            "share": r["base_value"],
            "part_label": "",
            "whole_label": "",
            "measure": r["short"],
        }
        if p is not None:
            used.append(p.to_frame().T)
            whole = derived.implied_total(float(p["base_value"]), row["share"])
            digits = derived.digits_of(r["indicator_id"], 3)
            text = formatting.figure(
                whole, p["base_unit"], "approx", lang, style="label", digits=digits
            )
            row.update(
                part_label=f"{p['short']} {p['label']}",
                whole_label=tr(lang, f"全部 {text}（推算）", f"whole {text} (implied)"),
                fact_id=f"{r['fact_id']};{p['fact_id']}",
                measure=str(p["short"]),
            )
        row["row_label"] = f"{row['measure']} · {r['entity']}" if several else row["measure"]
        rows.append(row)
    rows = pd.DataFrame(rows).assign(full=100.0)
    y = _row_axis("row_label", list(rows["row_label"]))
    track, x_title = alt.Scale(domain=[0, 100], nice=False), tr(lang, "占比（%）", "Share (%)")
    ticks = alt.Axis(values=[0, 25, 50, 75, 100], grid=False)
    x = alt.X("share:Q", title=x_title, scale=track, axis=ticks)
    tip = fact_tooltip(
        lang,
        alt.Tooltip("part_label:N", title=tr(lang, "部分", "Part")),
        alt.Tooltip("whole_label:N", title=tr(lang, "推算的整体", "Implied whole")),
    )
    base = alt.Chart(rows).encode(y=y)
    layers = [
        base.mark_bar(height=26, color="#ececec").encode(
            x=alt.X("full:Q", scale=track, title=x_title)
        ),
        base.mark_bar(height=26, color=ACCENT).encode(x=x, tooltip=tip),
        base.mark_text(align="right", dx=-6, color="white", fontWeight=700).encode(
            x=x, text="label:N", tooltip=tip
        ),
        *(  # the part's words at the left, the whole's at the right end of the track,
            # each in at most half the width (a phone's width truncates them, not the bars)
            base.mark_text(
                align=align, dy=-22, fontSize=11, color=SOFT, limit=alt.ExprRef("width * 0.49")
            ).encode(x=alt.value(at), text=f"{field}:N")
            for field, align, at in (("part_label", "left", 6), ("whole_label", "right", "width"))
        ),
    ]
    when, entities = _periods_text(rows, lang), _join(rows["entity"], lang)
    return dict(
        layers=layers,
        rows=pd.concat(used),
        size=(520, max(90, 70 * len(rows))),
        default=tr(lang, f"{entities}所占比重（{when}）", f"Shares held by {entities}, {when}"),
        notes=[],
        what=tr(lang, "占比条形图", "Share bars"),
        items=[f"{r.row_label} {r.label} {r.whole_label}" for r in rows.itertuples()],
    )


# ---------------------------------------------------------------- change


@_chart_type
def change(df: pd.DataFrame, lang: str, sel: dict, *, indicator: str, bars: bool = False) -> dict:
    """Return the first and last period of one indicator, per entity, with the change and
    its rate (in points for a percentage; with the compound yearly rate when the periods are
    whole years more than one apart): a slope, or with ``bars=True`` a bar before and a bar
    after, each named by its period and source (for two figures that are not one series,
    such as the counts of two articles)."""
    sel = {"indicator": indicator, **sel}
    rows, y_title = _scaled(pick(df, what="change", **sel), lang, "change")
    unit, ends = str(rows["base_unit"].iloc[0]), []
    for _, g in rows.assign(_end=[_end(p) for p in rows["period"]]).groupby(
        "entity_id", sort=False
    ):
        if len(g) > 1:
            g = g.sort_values("_end", kind="stable").iloc[[0, -1]]
            first, last = g.iloc[0], g.iloc[-1]
            step = derived.change(first, last)
            same = isinstance(first.get("unit"), str) and first.get("unit") == last.get("unit")
            written = first["unit"] if lang == "zh" and same else None
            if written:
                step["written"] = float(last["value"]) - float(first["value"])
            text = _change_text(step, unit, lang, _bound_of(first, last), written)
            ends.append(g.assign(change_label=["", text]))
    if not ends:
        raise ValueError("change: no entity has two periods of this indicator in the data selected")
    rows = pd.concat(ends, ignore_index=True).sort_values("_end", kind="stable")
    rows["exact"] = rows["qualifier"] == "none"
    rows["x_label"] = [formatting.period(p, lang) for p in rows["period"]]
    span = " → ".join(dict.fromkeys(rows["x_label"]))
    if bars and rows["source_id"].nunique() > 1:
        rows["x_label"] += " · " + rows["source_short"]
    order = list(dict.fromkeys(rows["x_label"]))
    rows["pos"] = rows["x_label"].map(order.index)
    entities = list(dict.fromkeys(rows["entity"]))
    colour = _colour("entity", entities, tr(lang, "主体", "Entity"))
    y = alt.Y("shown:Q", title=y_title, scale=alt.Scale(zero=True))
    tip = fact_tooltip(lang, alt.Tooltip("entity:N", title=tr(lang, "主体", "Entity")))
    if bars:
        layers, size = _before_after(rows, y_title, colour, tip), (480, max(110, 50 * len(rows)))
    else:
        layers, size = _slope(rows, order, y, colour, entities, tip), (420, 260)
    name = str(rows["indicator"].iloc[0])
    what = (
        tr(lang, "前后对比条形图", "Before and after bars")
        if bars
        else tr(lang, "斜率图", "Slope chart")
    )
    return dict(
        layers=layers,
        rows=rows,
        size=size,
        default=f"{name}：{span}" if lang == "zh" else f"{name}: {span}",
        notes=[_bound_note(rows, lang)],
        what=what,
        items=[f"{r.entity} {r.change_label}" for r in rows.itertuples() if r.change_label],
    )


def _slope(rows, order, y, colour, entities, tip) -> list[alt.Chart]:
    """Periods in time order at 0, 1, ...; the change written by the middle of its slope."""
    names = " : ".join(
        f"datum.value == {i} ? {json.dumps(p, ensure_ascii=False)}" for i, p in enumerate(order)
    )
    axis = alt.Axis(
        values=list(range(len(order))),
        labelExpr=f"{names} : ''",
        domain=False,
        ticks=False,
        grid=False,
    )
    scale = alt.Scale(domain=[-0.4, len(order) - 0.6], nice=False, zero=False)
    x = alt.X("pos:Q", title=None, scale=scale, axis=axis)
    middles = rows.groupby("entity", sort=False).agg(
        pos=("pos", "mean"),
        shown=("shown", "mean"),
        text=("change_label", "max"),
        rise=("shown", lambda v: v.iloc[-1] >= v.iloc[0]),
    )
    hollow = alt.condition(
        "datum.exact", _colour("entity", entities, legend=False), alt.value("white")
    )
    base = alt.Chart(rows).encode(x=x, y=y)
    return [
        *_bounds(rows, x, y),
        base.mark_line(strokeWidth=3).encode(color=colour, detail="entity:N"),
        base.mark_point(size=160, strokeWidth=2.5, opacity=1, filled=False).encode(
            color=colour, fill=hollow, tooltip=tip
        ),
        base.mark_text(dy=-16, fontSize=13, fontWeight=600, color=INK).encode(
            text="label:N", tooltip=tip
        ),
        # under the middle of its slope, on the side the line leaves empty
        *(
            alt.Chart(middles[middles["rise"] == rise].reset_index())
            .mark_text(align=align, dx=dx, dy=16, fontSize=13, color=ACCENT, fontWeight=600)
            .encode(x=x, y=y, text="text:N")
            for rise, align, dx in ((True, "left", 6), (False, "right", -6))
        ),
    ]


def _before_after(rows, x_title, colour, tip) -> list[alt.Chart]:
    """A bar per period (and source), the later one labelled with the change as well."""
    several = rows["entity_id"].nunique() > 1
    rows = rows.assign(row=rows["x_label"] + (" · " + rows["entity"] if several else ""))
    rows["text"] = [
        f"{a}   {c}".strip() for a, c in zip(rows["label"], rows["change_label"], strict=True)
    ]
    scale = alt.Scale(domain=[0, float(rows["shown"].max()) * 1.45], nice=False)
    x = alt.X("shown:Q", title=x_title, scale=scale, axis=alt.Axis(grid=False, tickCount=5))
    later = alt.condition(f"datum.pos == {rows['pos'].max()}", alt.value(1), alt.value(0.55))
    base = alt.Chart(rows).encode(x=x, y=_row_axis("row", list(rows["row"])), tooltip=tip)
    return [
        base.mark_bar(height=28, cornerRadiusEnd=2).encode(color=colour, opacity=later),
        base.mark_text(align="left", dx=6, fontSize=13, fontWeight=600, color=INK).encode(
            text="text:N"
        ),
    ]


def _bound_of(first: pd.Series, last: pd.Series) -> str:
    """The qualifier a change inherits from bounds at either end (``none`` when exact)."""
    words = set()
    for q, later in ((first["qualifier"], False), (last["qualifier"], True)):
        if q in _UPPER + _LOWER:
            words.add("at_most" if (q in _UPPER) == later else "more_than")
        elif q == "approx":
            words.add("approx")
    return words.pop() if len(words) == 1 else ("approx" if words else "none")


def _change_text(step: dict, unit: str, lang: str, bound: str, written: str | None) -> str:
    """The change as a label: bound word, signed difference, rate and yearly rate."""
    words = {
        "more_than": ("超过", "more than "),
        "at_most": ("至多", "at most "),
        "approx": ("约", "about "),
    }
    word = words.get(bound, ("", ""))[lang == "en"]
    if unit == "percent":
        return (word + " " if word and lang == "zh" else word) + formatting.points(
            step["difference"], lang
        )
    diff = formatting.figure(
        step["difference"],
        unit,
        "none",
        lang,
        style="card",
        unit=written,
        value=step.get("written"),
    )
    diff = word + (diff if diff.startswith("-") else "+" + diff)
    if step["growth"] is None or bound != "none":
        return diff
    text = _paren(diff, formatting.percent(step["growth"], lang, signed=True), lang)
    if step.get("cagr") is not None:
        yearly = formatting.percent(step["cagr"], lang, signed=True)
        text += f"，年均 {yearly}" if lang == "zh" else f", {yearly} a year"
    return text


# ---------------------------------------------------------------- gap


@_chart_type
def gap(
    df: pd.DataFrame,
    lang: str,
    sel: dict,
    *,
    rate: Selection,
    gap: Selection = None,
    reference: str | None = None,
) -> dict:
    """Return rates against their reference, with the gap in percentage points.

    Either ``gap`` names the indicator(s) stating how many points the rate is above its
    reference (the reference is then implied: rate − gap, marked as derived), or
    ``reference`` names the entity whose same rate is the reference. An indicator written as
    a decline (``positive_means`` = ``fall``) is turned into a signed growth rate first.
    """
    rates = pick(df, what="gap", indicator=rate, **sel)
    falls = set(datasets.indicators("en").query("positive_means == 'fall'")["indicator_id"])
    if reference is not None:
        rates = rates[rates["entity_id"] != reference]
        refs = rates.assign(entity_id=reference)
        matches = _partners(df, refs, as_ids(rate), as_ids(rate), "gap")
    else:
        matches = _partners(df, rates, as_ids(rate), as_ids(gap) or [], "gap")
    rows = []
    for r, g in zip(rates.to_dict("records"), matches, strict=True):
        if g is None:
            continue
        signed = -r["base_value"] if r["indicator_id"] in falls else r["base_value"]
        if reference is None:
            ref = derived.implied_rate(float(g["base_value"]), signed)
            ref_name = tr(lang, "参照（推算）", "reference (implied)")
        else:
            ref = -g["base_value"] if g["indicator_id"] in falls else float(g["base_value"])
            ref_name = str(g["entity"])
        gap_text = formatting.points(signed - ref, lang)
        for who, value, is_ref in ((r["entity"], signed, False), (ref_name, ref, True)):
            cited = {
                c: (g if is_ref else r)[c]
                for c in ("source_id", "source_title", "source_short")
                if c in r
            }
            rate_text = f"{value:+.1f}%"
            rows.append(
                {
                    **r,
                    **cited,
                    "row_label": _paren(r["short"], formatting.period(r["period"], lang), lang),
                    "who": who,
                    "rate": value,
                    "is_ref": is_ref,
                    "rate_text": rate_text,
                    "gap_text": "" if is_ref else gap_text,
                    "text": f"{who} {rate_text}" if is_ref else _paren(rate_text, gap_text, lang),
                    "fact_id": f"{r['fact_id']};{g['fact_id']}",
                }
            )
    if not rows:
        raise ValueError("gap: no rate in the selection has a matching gap or reference row")
    rows = pd.DataFrame(rows)
    order = list(dict.fromkeys(rows["row_label"]))
    lo, hi = float(rows["rate"].min()), float(rows["rate"].max())
    pad = max((hi - lo) * 0.12, 2)
    scale = alt.Scale(domain=[min(lo - pad, 0), hi + pad], nice=False)
    x = alt.X("rate:Q", title=tr(lang, "同比增速（%）", "Growth year on year (%)"), scale=scale)
    y = _row_axis("row_label", order)
    tip = fact_tooltip(
        lang,
        alt.Tooltip("who:N", title=tr(lang, "主体", "Entity")),
        alt.Tooltip("rate_text:N", title=tr(lang, "增速", "Rate")),
    )
    spans = rows.pivot_table(index="row_label", columns="is_ref", values="rate", aggfunc="first")
    spans = spans.reset_index().set_axis(["row_label", "own", "ref"], axis=1)
    derived_colour = alt.condition("datum.is_ref", alt.value(DERIVED), alt.value(ACCENT))
    base = alt.Chart(rows).encode(x=x, y=y, tooltip=tip)
    layers = [
        alt.Chart(spans)
        .mark_rule(strokeWidth=3, color="#c9c9c9")
        .encode(x="own:Q", x2="ref:Q", y=y),
        base.mark_point(size=150, strokeWidth=2.5, opacity=1, filled=False).encode(
            color=derived_colour,
            fill=alt.condition("datum.is_ref", alt.value("white"), alt.value(ACCENT)),
        ),
        *(
            base.transform_filter(f"{'' if is_ref else '!'}datum.is_ref")
            .mark_text(dy=dy, fontSize=11, color=colour)
            .encode(text="text:N")
            for is_ref, dy, colour in ((False, -17, ACCENT), (True, 19, DERIVED))
        ),
    ]
    if len(order) > 1:  # a dropdown to focus on one comparison (works offline, in the page)
        bind = alt.binding_select(
            options=["all", *order],
            labels=[tr(lang, "全部", "all"), *order],
            name=tr(lang, "比较：", "Comparison: "),
        )
        focus = alt.param(name="focus", value="all", bind=bind)
        shown = alt.expr("focus == 'all' || focus == datum.row_label ? 1 : 0.15")
        layers = [lay.encode(opacity=alt.OpacityValue(value=shown)) for lay in layers]
        layers[0] = layers[0].add_params(focus)
    zero = alt.Chart(pd.DataFrame({"z": [0]})).mark_rule(color="#9a9a9a").encode(x="z:Q")
    hollow = tr(lang, "参照主体的原文数值", "the reference entity, as stated")
    if reference is None:
        derived_from = "the reference, derived from the stated gap in percentage points"
        hollow = tr(lang, "由原文给出的差距（百分点）推算的参照值", derived_from)
    return dict(
        layers=[zero, *layers],
        rows=rows,
        size=(520, max(100, 70 * len(order))),
        default=tr(
            lang, "增速与参照之差（百分点）", "Growth against its reference, in percentage points"
        ),
        notes=[tr(lang, "实心：原文数值；空心：", "Filled: as stated; hollow: ") + hollow],
        what=tr(lang, "哑铃图", "Dumbbell chart"),
        items=[
            f"{r.row_label} {r.rate_text}, {r.gap_text}" for r in rows[~rows["is_ref"]].itertuples()
        ],
    )


# ---------------------------------------------------------------- tiles


def _light(colour: str) -> bool:
    """Whether dark text reads better than white on ``colour`` (``#rrggbb``)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b > 150


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
    df["source_short"] = df["source_id"].map(datasets.source_names(lang)).fillna(df["source_id"])
    order, colours = list(dict.fromkeys(df[column])), list(dict.fromkeys(df[colour]))
    fills = dict(zip(colours, PALETTE * (len(colours) // len(PALETTE) + 1), strict=False))
    df["ink"] = [INK if _light(fills[c]) else "white" for c in df[colour]]
    # long English names wrap onto two lines; Vega stacks extra lines below the anchor
    df["shown"] = [
        textwrap.fill(str(n), 17, max_lines=2, placeholder="…") if lang == "en" else str(n)
        for n in df[text]
    ]
    df["lines"] = df["shown"].str.count("\n") + 1
    chosen = alt.selection_point(fields=[colour], bind="legend")
    x = alt.X(f"{column}:N", sort=order, title=None, axis=None, scale=alt.Scale(paddingInner=0.08))
    y = alt.Y("slot:O", axis=None, title=None, scale=alt.Scale(paddingInner=0.12))
    tip = [
        *(alt.Tooltip(f"{f}:N", title=tr(lang, zh, en)) for f, zh, en in tooltip),
        alt.Tooltip(f"{column}:N", title=tr(lang, "分组", "Group")),
        quote_tooltip(lang, "quote"),
        source_tooltip(lang),
    ]
    legend = alt.Legend(orient="bottom", columns=3, symbolType="square")
    scale = alt.Scale(domain=colours, range=list(fills.values()))
    base = alt.Chart(df).encode(x=x, y=y, tooltip=tip)
    layers = [
        base.mark_rect(cornerRadius=3)
        .encode(color=alt.Color(f"{colour}:N", title=None, scale=scale, legend=legend))
        .encode(opacity=alt.condition(chosen, alt.value(1), alt.value(0.2)))
        .add_params(chosen),
        *(
            base.transform_filter(f"datum.lines == {n}")
            .mark_text(fontSize=10.5, limit=104, lineBreak="\n", lineHeight=12, dy=-(n - 1) * 6)
            .encode(text="shown:N", color=alt.Color("ink:N", scale=None))
            for n in sorted(df["lines"].unique())
        ),
        alt.Chart(df.drop_duplicates(column))
        .mark_text(baseline="bottom", fontSize=11, lineBreak="\n", lineHeight=14, dy=-28, color=INK)
        .encode(x=x, y=alt.value(-6), text=f"{column}:N"),
    ]
    sep = "、" if lang == "zh" else ", "
    items = [f"{c.replace(chr(10), ' ')}: {sep.join(df.loc[df[column] == c, text])}" for c in order]
    return finish(
        alt.layer(*layers).properties(width=560, height=alt.Step(26 if lang == "zh" else 32)),
        df,
        lang=lang,
        title=title,
        subtitle=note,
        description=tr(lang, f"方格图，共 {len(df)} 格。", f"Tile matrix of {len(df)} tiles. ")
        + "; ".join(items),
    )


# ---------------------------------------------------------------- named theme charts


def _in(lang: str, value):
    """``value`` in ``lang``: a ``{"zh": ..., "en": ...}`` pair picked, a list item by item."""
    if isinstance(value, dict) and set(value) == {"zh", "en"}:
        return value[datasets.check_lang(lang)]
    return [_in(lang, v) for v in value] if isinstance(value, list) else value


def theme_chart(name: str, chart_type: Callable, theme: str, doc: str, **options) -> Callable:
    """Return the named theme chart ``name(data=None, *, lang="zh", **more)``: ``chart_type``
    configured by ``options`` (words as ``{"zh": ..., "en": ...}`` pairs) and ``more``.
    ``theme`` is the theme it belongs to, ``doc`` its docstring."""

    def chart(data: pd.DataFrame | None = None, *, lang: str = "zh", **more) -> alt.LayerChart:
        return chart_type(data, lang=lang, **{k: _in(lang, v) for k, v in options.items()}, **more)

    chart.__name__ = chart.__qualname__ = name
    chart.__doc__, chart.theme = doc, theme
    return chart
