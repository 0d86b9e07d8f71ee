"""Chart types that choose their rows by meaning: indicator, entity, period, source.

Each function has the form ``f(data=None, *, <selection>, lang="zh", title=None, note=None,
aside=None)`` and returns an Altair chart. ``data`` is :func:`shanxi_analysis.datasets.facts`,
a filtered copy, or a DataFrame of your own with the columns of :data:`FACT_COLUMNS`
(``indicator_id``, ``entity_id``, ``period``, ``base_value``, ``base_unit``, ``qualifier``,
``kind``, ``source_id``, ``quote``). Axis titles, units and magnitudes come from the data's
metadata through :mod:`shanxi_analysis.formatting`; labels follow ``lang``; the citation line
names exactly the sources of the rows plotted. ``note`` adds a line under the title;
``aside`` names indicators whose latest figures are written as side notes in the plot (with
their quotes in the tooltip and their sources in the citation).

>>> from shanxi_analysis.charts import trend
>>> chart = trend(indicator="high_tech_enterprises", lang="en")
>>> chart.to_dict()["title"]["text"]
'High-tech enterprises, 2015–2020'
"""

from __future__ import annotations

import json
import re

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
    fact_tooltip,
    finish,
    pick,
    plot_frame,
    quote_tooltip,
    source_names,
    source_tooltip,
    tr,
    wrap,
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


def _latest(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Keep each group's latest row (ties keep the first)."""
    order = rows.assign(_end=[_end(p) for p in rows["period"]])
    return order.sort_values("_end", kind="stable").groupby(by, sort=False).tail(1)


def _periods_text(rows: pd.DataFrame, lang: str) -> str:
    ordered = sorted({p for p in rows["period"] if isinstance(p, str) and p}, key=_years)
    if len(ordered) < 2:
        return formatting.period(ordered[0], lang) if ordered else ""
    first, last = _years(ordered[0])[0], _years(ordered[-1])[1]
    return formatting.period(f"{int(first)}/{int(last) - (last % 1 == 0)}", lang)


def _select(data, lang: str, chart: str, **selection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All the facts ready to plot, and the rows ``selection`` picks from them."""
    df = plot_frame(data, lang)
    return df, pick(df, chart=chart, **selection)


def _scaled(rows: pd.DataFrame, lang: str, chart: str) -> tuple[pd.DataFrame, str]:
    """Add ``shown`` (the value in the axis's magnitude); return the axis's unit label. The
    rows must share one unit."""
    units = sorted(set(rows["base_unit"]))
    if len(units) != 1:
        raise ValueError(f"{chart}: the rows selected mix units ({', '.join(units)}); select one")
    factor, label = formatting.scale(units[0], rows["base_value"], lang)
    out = rows.assign(shown=rows["base_value"] / factor)
    written = set(out["unit"].dropna()) if "unit" in out else set()
    if lang == "zh" and factor == 1 and len(written) == 1 and label != "%":
        label = written.pop()  # the article's own counter word: 家, 座
    if lang == "en" and not label:
        label = str(out["noun_en"].iloc[0])
    return out, label


def _titled(name: str, detail: str, lang: str) -> str:
    """``name（detail）`` or ``name (detail)``; ``name`` alone without a detail."""
    if not detail:
        return name
    return f"{name}（{detail}）" if lang == "zh" else f"{name} ({detail})"


def _axis_title(rows: pd.DataFrame, unit_label: str, lang: str) -> str:
    return _titled(str(rows["short"].iloc[0]), unit_label, lang)


def _colour(field: str, domain: list[str], title: str | None, legend: bool = True) -> alt.Color:
    return alt.Color(
        f"{field}:N",
        scale=alt.Scale(domain=domain, range=list((PALETTE * 3)[: max(len(domain), 1)])),
        title=title,
        legend=alt.Legend(orient="bottom") if legend and len(domain) > 1 else None,
    )


def _row_axis(field: str, order: list[str]) -> alt.Y:
    """A y axis of named rows in ``order``, without ticks or domain."""
    return alt.Y(
        f"{field}:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelLimit=260, ticks=False, domain=False),
    )


def _hollow(field: str, domain: list[str]) -> alt.FillValue:
    """Filled in the series' colour when exact, white (a hollow mark) for a bound or estimate."""
    return alt.condition("datum.exact", _colour(field, domain, None, False), alt.value("white"))


def _bounds(rows: pd.DataFrame, x: alt.X, y: alt.Y) -> list[alt.Chart]:
    """Shaded ranges where a bound's true value may lie: from zero up to an upper bound
    (不足 30%, 900 座以内), from a lower bound (超过 600) a quarter beyond it."""
    bounds = rows[rows["qualifier"].isin(_UPPER + _LOWER)]
    if bounds.empty:
        return []
    upper = bounds["qualifier"].isin(_UPPER)
    bounds = bounds.assign(
        lo=bounds["shown"].where(~upper, 0.0),
        hi=bounds["shown"].where(upper, bounds["shown"] * 1.25),
    )
    return [
        alt.Chart(bounds)
        .mark_rule(strokeWidth=14, opacity=0.25, color=MUTED)
        .encode(x=x, y=alt.Y("lo:Q", scale=alt.Scale(zero=True)), y2="hi:Q")
    ]


def _bound_note(rows: pd.DataFrame, lang: str) -> str | None:
    if not rows["qualifier"].isin(_UPPER + _LOWER).any():
        return None
    return tr(
        lang,
        "空心点：原文给出的是上限或下限，真实值在阴影范围内",
        "Hollow point: the text gives a bound, and the true value lies in the shaded range",
    )


def _aside(df: pd.DataFrame, aside: Selection, lang: str, chart: str) -> pd.DataFrame:
    """The latest figure of each ``aside`` indicator (and kind), as a line of text."""
    if aside is None:
        return df.iloc[:0].assign(text="")
    rows = _latest(pick(df, chart=chart, indicator=aside), ["indicator_id", "kind"])
    rows = rows.assign(_o=rows["indicator_id"].map({i: n for n, i in enumerate(_as_ids(aside))}))
    rows = rows.sort_values("_o", kind="stable").reset_index(drop=True)
    sep = "：" if lang == "zh" else ": "
    rows["text"] = [
        _titled(
            r.short,
            " ".join(
                filter(
                    None, (formatting.period(r.period, lang), r.kind_label * (r.kind != "actual"))
                )
            ),
            lang,
        )
        + sep
        + r.label
        for r in rows.itertuples()
    ]
    return rows


def _done(
    layers: list,
    rows: pd.DataFrame,
    df: pd.DataFrame,
    lang: str,
    *,
    chart: str,
    size: tuple,
    title: str | None,
    default: str,
    notes: tuple[str | None, ...],
    what: str,
    items: list[str],
    aside: Selection = None,
) -> alt.LayerChart:
    """Finish a chart type: its layers with the ``aside`` notes drawn top left, its title
    (``title`` or ``default``), the notes given (``None`` skipped) as one subtitle line, the
    citation of the rows plotted, and a description for screen readers: ``what`` the chart
    is, then its items."""
    zh = lang == "zh"
    side = _aside(df, aside, lang, chart)
    # side notes stand above the plot, under the subtitle, the latest last
    layers += [
        alt.Chart(side.iloc[[i]])
        .mark_text(align="left", baseline="bottom", fontSize=12, color=SOFT)
        .encode(
            x=alt.value(0),
            y=alt.value(-10 - 18 * (len(side) - 1 - i)),
            text="text:N",
            tooltip=fact_tooltip(lang),
        )
        for i in range(len(side))
    ]
    items = items + list(side["text"])
    return finish(
        alt.layer(*layers).properties(width=size[0], height=size[1]),
        pd.concat([rows, side]),
        lang=lang,
        title=title or default,
        subtitle=("；" if zh else "; ").join(n for n in notes if n) or None,
        description=f"{what}：{'；'.join(items)}。" if zh else f"{what}: {'; '.join(items)}.",
    )


def _as_ids(value: Selection) -> list[str]:
    return [] if value is None else ([value] if isinstance(value, str) else list(value))


def _named(name: str, when: str, lang: str) -> str:
    """A default title: ``name（when）`` or ``name, when``."""
    return _titled(name, when, lang) if lang == "zh" else f"{name}, {when}"


def _words(lang: str, zh: str, en: str, names) -> str:
    return tr(lang, zh.format("、".join(names)), en.format(", ".join(names)))


# ---------------------------------------------------------------- trend


def _grain(period: str) -> str:
    """How fine a period is: an interval, a year, a half, a quarter, a month or a day."""
    return "interval" if "/" in period else re.sub(r"\d", "", period) or "year"


def trend(
    data: pd.DataFrame | None = None,
    *,
    indicator: str,
    entity: Selection = None,
    period: Selection = None,
    source: Selection = None,
    lang: str = "zh",
    title: str | None = None,
    note: str | None = None,
    aside: Selection = None,
) -> alt.LayerChart:
    """Return one indicator over periods, for one or several entities.

    Actual figures are filled marks joined by a line; targets, plans and estimates are open
    marks on a dashed line; a figure given as a bound (不足 30%, 超过 600) is an open mark
    over the range its true value may take; a period that is an interval (``2016/2020``) is
    a span. Periods of different lengths (years, quarters) are never joined by one line.
    Each source has its colour (each entity its colour and each source its shape, when there
    are several entities); two sources that give different values for the same entity and
    period are joined by a red rule and named in the subtitle.
    """
    df, rows = _select(
        data, lang, "trend", indicator=indicator, entity=entity, period=period, source=source
    )
    rows, unit_label = _scaled(rows, lang, "trend")
    spans = [_years(p) for p in rows["period"]]
    rows["interval"] = rows["period"].str.contains("/")
    rows["x_start"] = [s for s, _ in spans]
    rows["x_end"] = [e - i for (_, e), i in zip(spans, rows["interval"], strict=True)]
    rows["x"] = [
        e if i else (s if t - s == 1 else (s + t) / 2)
        for (s, t), e, i in zip(spans, rows["x_end"], rows["interval"], strict=True)
    ]
    rows["grain"] = [_grain(p) for p in rows["period"]]
    rows["exact"] = (rows["qualifier"] == "none") & (rows["kind"] == "actual")
    line_kinds = [tr(lang, "实际", "actual"), tr(lang, "目标或预计", "target or estimate")]
    rows["line_kind"] = [line_kinds[k != "actual"] for k in rows["kind"]]
    rows["period_text"] = [formatting.period(p, lang) for p in rows["period"]]
    several = rows["entity_id"].nunique() > 1
    field = "entity" if several else "source_short"
    series = list(dict.fromkeys(rows[field]))
    colour = _colour(field, series, tr(lang, "主体", "Entity") if several else None)
    lo = min(rows["x_start"].min(), rows["x"].min())
    hi = max(
        rows.loc[rows["interval"], "x_end"].max() if rows["interval"].any() else lo, rows["x"].max()
    )
    pad = max((hi - lo) * 0.08, 0.4)
    x_scale = alt.Scale(domain=[lo - pad, hi + pad], nice=False, zero=False)
    x = alt.X(
        "x:Q", title=None, scale=x_scale, axis=alt.Axis(format="d", tickMinStep=1, grid=False)
    )
    y = alt.Y("shown:Q", title=_axis_title(rows, unit_label, lang), scale=alt.Scale(zero=True))
    tooltip = fact_tooltip(lang, alt.Tooltip("kind_label:N", title=tr(lang, "类型", "Kind")))
    points = rows[~rows["interval"]]
    # a target or estimate continues its series' last actual figure with a dashed line
    bridges = []
    for _, g in points.groupby(["entity_id", "source_id", "grain"], sort=False):
        actual, ahead = g[g["kind"] == "actual"], g[g["kind"] != "actual"]
        if len(actual) and len(ahead):
            bridges.append(actual.loc[[actual["x"].idxmax()]].assign(line_kind=line_kinds[1]))
    # labels of a second source stand to the right, so disagreeing figures stay legible
    group = rows.groupby(["entity_id", "period"])["source_id"]
    first = rows["source_id"] == group.transform("first")
    rows["aside"] = [
        "" if n < 2 else ("left" if f else "right")
        for n, f in zip(group.transform("nunique"), first, strict=True)
    ]
    several_sources = several and rows["source_id"].nunique() > 1
    shape = (
        alt.Shape(
            "source_short:N",
            title=tr(lang, "来源", "Source"),
            legend=alt.Legend(orient="bottom", symbolFillColor=INK, symbolStrokeColor=INK),
        )
        if several_sources
        else alt.value("circle")
    )
    layers = [
        *_bounds(rows, x, y),
        alt.Chart(pd.concat([points, *bridges]))
        .mark_line(strokeWidth=2.2)
        .encode(
            x=x,
            y=y,
            color=colour,
            detail=["entity:N", "source_short:N", "line_kind:N", "grain:N"],
            strokeDash=alt.StrokeDash(
                "line_kind:N",
                scale=alt.Scale(domain=line_kinds, range=[[1, 0], [5, 4]]),
                title=None,
                legend=alt.Legend(orient="bottom") if (rows["kind"] != "actual").any() else None,
            ),
        ),
        alt.Chart(rows[rows["interval"]])
        .mark_rule(strokeWidth=5, opacity=0.55, strokeCap="round")
        .encode(
            x=alt.X("x_start:Q", scale=x_scale, title=None),
            x2="x_end:Q",
            y=y,
            color=colour,
            tooltip=tooltip,
        ),
        alt.Chart(rows)
        .mark_point(size=90, strokeWidth=2, opacity=1, filled=False)
        .encode(x=x, y=y, color=colour, fill=_hollow(field, series), shape=shape, tooltip=tooltip),
        *(
            alt.Chart(rows[rows["aside"] == side])
            .mark_text(align=align, dx=dx, dy=dy, fontSize=11, color=INK)
            .encode(x=x, y=y, text="label:N", tooltip=tooltip)
            for side, align, dx, dy in (
                ("", "center", 0, -13),
                ("left", "right", -10, 0),
                ("right", "left", 10, 0),
            )
        ),
    ]
    notes = [note, _bound_note(rows, lang)]
    disagree = _disagreements(rows)
    if not disagree.empty:
        layers.append(
            alt.Chart(disagree)
            .mark_rule(color=COAL, strokeDash=[3, 2], strokeWidth=2)
            .encode(
                x=x,
                y="low:Q",
                y2="high:Q",
                tooltip=alt.Tooltip("note:N", title=tr(lang, "不一致", "Disagreement")),
            )
        )
        notes += list(disagree["note"])
    name, when = str(rows["indicator"].iloc[0]), _periods_text(rows, lang)
    entities = list(dict.fromkeys(rows["entity"]))
    return _done(
        layers,
        rows,
        df,
        lang,
        chart="trend",
        size=(520, 280),
        title=title,
        default=_named(name, when, lang),
        notes=tuple(notes),
        what=_words(lang, f"折线图：{{}}的{name}", f"Line chart of {name} for {{}}", entities),
        items=[f"{r.period_text} {r.label} ({r.source_short})" for r in rows.itertuples()],
        aside=aside,
    )


def _disagreements(rows: pd.DataFrame) -> pd.DataFrame:
    """Entity-periods where sources give different values: the low and high value shown."""
    out = []
    for _, g in rows.groupby(["entity_id", "period"], sort=False):
        if g["source_id"].nunique() > 1 and g["base_value"].nunique() > 1:
            low, high = g.loc[g["shown"].idxmin()], g.loc[g["shown"].idxmax()]
            note = (
                f"{low['period_text']}: {low['source_short']} {low['label']}, "
                f"{high['source_short']} {high['label']}"
            )
            out.append({"x": low["x"], "low": low["shown"], "high": high["shown"], "note": note})
    return pd.DataFrame(out)


# ---------------------------------------------------------------- compare


def compare(
    data: pd.DataFrame | None = None,
    *,
    indicator: Selection,
    entity: Selection = None,
    period: Selection = None,
    source: Selection = None,
    by: str = "entity",
    dots: bool = False,
    group: int = 0,
    lang: str = "zh",
    title: str | None = None,
    note: str | None = None,
    aside: Selection = None,
) -> alt.LayerChart:
    """Return one indicator across entities (``by="entity"``) or sources (``by="source"``),
    or several indicators side by side (``by="indicator"``), as bars, largest first; each bar
    is its group's latest figure unless ``period`` says which. Bounds and approximate
    figures are drawn lighter, with their qualifier in the label.

    With ``by="indicator"``, figures that count different things or are in different units
    never share an axis: a dropdown shows one such group at a time (``group`` picks the one
    shown first). ``dots=True`` draws a count as one dot per unit (a "+" after the dots
    where the text gives a lower bound).
    """
    if by not in ("entity", "source", "indicator"):
        raise ValueError(f"compare: by must be 'entity', 'source' or 'indicator', got {by!r}")
    df, rows = _select(
        data, lang, "compare", indicator=indicator, entity=entity, period=period, source=source
    )
    key = {"entity": "entity_id", "source": "source_id", "indicator": "indicator_id"}[by]
    rows = _latest(rows, [key, "kind"] if by == "indicator" else [key])
    kinds = [k for k in datasets.KIND_LABELS if k in set(rows["kind"])]
    rows = rows.assign(
        _o=rows["indicator_id"].map({i: n for n, i in enumerate(_as_ids(indicator))}),
        _k=rows["kind"].map(kinds.index),
    ).sort_values(["_o", "_k"], kind="stable")
    # each row of dots counts its own thing; bars of different things never share an axis
    rows["unit_group"] = "" if dots else rows["base_unit"] + " " + rows["noun_en"]
    units = list(dict.fromkeys(rows["unit_group"]))
    if not 0 <= group < len(units):
        raise ValueError(f"compare: group must be 0–{len(units) - 1}, got {group!r}")
    frames = []
    for u in units if not dots else []:
        part, unit_label = _scaled(rows[rows["unit_group"] == u], lang, "compare")
        frames.append(part.assign(unit_name=_axis_title(part, unit_label, lang)))
    rows = pd.concat(frames) if frames else rows.assign(shown=rows["base_value"], unit_name="")
    rows["exact"] = (rows["qualifier"] == "none") & (rows["kind"] == "actual")
    if by == "indicator":
        details = [
            " · ".join(filter(None, (k if kind != "actual" else "", formatting.period(p, lang))))
            for k, kind, p in zip(rows["kind_label"], rows["kind"], rows["period"], strict=True)
        ]
        rows["group"] = [_titled(s, d, lang) for s, d in zip(rows["short"], details, strict=True)]
        order = list(rows["group"])
    else:
        rows["group"] = rows["entity"] if by == "entity" else rows["source_short"]
        order = list(rows.sort_values("shown", ascending=False)["group"])
    names = list(dict.fromkeys(rows["unit_name"]))
    y = _row_axis("group", order)
    tooltip = fact_tooltip(lang, alt.Tooltip("entity:N", title=tr(lang, "主体", "Entity")))
    top = float(rows["shown"].max()) or 1.0
    x_title = names[0] if len(names) == 1 else None
    if dots:
        layers, x = _dots(rows, y, tooltip)
    else:
        x = alt.X(
            "shown:Q",
            title=x_title,
            scale=alt.Scale(domain=[0, top * 1.2] if x_title else alt.Undefined, nice=False),
            axis=alt.Axis(grid=False) if x_title else None,
        )
        kinds = [datasets.KIND_LABELS[k][lang == "en"] for k in kinds]
        layers = [
            alt.Chart(rows)
            .mark_bar(height=min(28, max(10, 200 // len(rows))), cornerRadiusEnd=2)
            .encode(
                x=x,
                y=y,
                color=_colour("kind_label", kinds, tr(lang, "性质", "Kind")),
                opacity=alt.condition("datum.qualifier == 'none'", alt.value(1), alt.value(0.5)),
                tooltip=tooltip,
            ),
            alt.Chart(rows)
            .mark_text(align="left", dx=5, fontSize=11, color=INK)
            .encode(x=x, y=y, text="label:N", tooltip=tooltip),
        ]
    if len(names) > 1:  # one unit group at a time, through a dropdown that works offline
        shown = alt.param(
            name="unit_group",
            value=names[group],
            bind=alt.binding_select(options=names, name=tr(lang, "查看：", "Show: ")),
        )
        layers = [lay.transform_filter(alt.datum.unit_name == shown) for lay in layers]
        layers[0] = layers[0].add_params(shown)
    name = str(rows["indicator"].iloc[0]) if by != "indicator" else str(rows["short"].iloc[0])
    return _done(
        layers,
        rows,
        df,
        lang,
        chart="compare",
        size=(480, alt.Step(34) if len(names) > 1 else max(80, 34 * len(rows))),
        title=title,
        default=_named(name, _periods_text(rows, lang), lang),
        notes=(note,),
        what=tr(lang, "点阵图" if dots else "条形图", "Dot rows" if dots else "Bar chart"),
        items=[f"{r.group} {r.label}" for r in rows.itertuples()],
        aside=aside,
    )


def _dots(rows: pd.DataFrame, y: alt.Y, tooltip: list) -> tuple[list[alt.Chart], alt.X]:
    """One dot per unit of each row's count, a "+" after a lower bound, and the figure."""
    counts = rows["base_value"]
    if (counts < 0).any() or (counts % 1 != 0).any() or counts.max() > _MAX_DOTS:
        raise ValueError(f"compare: dots need whole counts from 0 to {_MAX_DOTS}")
    rows = rows.assign(n=counts.astype(int), plus=rows["qualifier"].isin(_LOWER))
    rows["end"] = rows["n"] + rows["plus"] + 1.2
    units = rows.loc[rows.index.repeat(rows["n"]), ["fact_id", "group"]]
    units["k"] = units.groupby(level=0).cumcount() + 0.5
    units = units.reset_index(drop=True)
    # each dot carries its row's fact id; the tooltip's fields come once, from a lookup
    fields = [t.to_dict()["field"] for t in tooltip]
    lookup = alt.LookupData(data=rows[["fact_id", *fields]], key="fact_id", fields=fields)
    x = alt.X(
        "k:Q", axis=None, title=None, scale=alt.Scale(domain=[0, float(rows["end"].max()) + 8])
    )
    palette = _colour("group", list(rows["group"]), None, False)
    return [
        alt.Chart(units)
        .transform_lookup(lookup="fact_id", from_=lookup)
        .mark_circle(size=40, opacity=1)
        .encode(x=x, y=y, color=palette, tooltip=tooltip),
        alt.Chart(rows[rows["plus"]].assign(k=rows["n"] + 0.5))
        .mark_text(fontSize=15, fontWeight=700)
        .encode(x=x, y=y, text=alt.value("+"), color=palette, tooltip=tooltip),
        alt.Chart(rows.assign(k=rows["end"]))
        .mark_text(align="left", fontSize=13, fontWeight=600)
        .encode(x=x, y=y, text="label:N", color=palette, tooltip=tooltip),
    ], x


# ---------------------------------------------------------------- composition


def composition(
    data: pd.DataFrame | None = None,
    *,
    parts: Selection | list[list[str]] = None,
    whole: str | None = None,
    rule: str | None = None,
    names: list[str] | None = None,
    entity: Selection = None,
    period: Selection = None,
    source: Selection = None,
    lang: str = "zh",
    title: str | None = None,
    note: str | None = None,
    aside: Selection = None,
) -> alt.LayerChart:
    """Return parts against a whole as stacked bars, one bar per breakdown, each part
    labelled with its figure where it has room.

    ``parts`` is a list of indicators (one breakdown) or a list of such lists (several
    breakdowns of the same whole); or ``rule`` names a ``part_whole`` rule of
    :mod:`shanxi_analysis.checks`, whose parts and whole it draws. When the parts fall short
    of the ``whole``, the rest is drawn as an unitemised segment; the whole is read at the
    parts' period. ``names`` labels the breakdowns. Clicking a legend entry highlights its
    part.
    """
    df = plot_frame(data, lang)
    if rule is not None:
        groups, whole_rows = _rule_parts(df, rule, lang)
    elif parts is None:
        raise ValueError("composition: give parts (indicators) or rule (a part_whole rule id)")
    else:
        groups = [parts] if isinstance(parts, str) or isinstance(parts[0], str) else parts
        sel = {"entity": entity, "source": source}
        groups = [
            _in_order(pick(df, chart="composition", indicator=list(g), period=period, **sel), g)
            for g in groups
        ]
        at = period if period is not None else sorted(set(groups[0]["period"]))
        whole_rows = (
            _latest(
                pick(df, chart="composition", indicator=whole, period=at, **sel), ["indicator_id"]
            )
            if whole
            else df.iloc[:0]
        )
    frames = []
    for i, part_rows in enumerate(groups):
        name = names[i] if names and i < len(names) else tr(lang, "构成", "Parts")
        if len(groups) > 1 and not names:
            name = tr(lang, f"分法 {i + 1}", f"Breakdown {i + 1}")
        part_rows = part_rows.assign(breakdown=name)
        part_rows["part"] = part_rows["part"] if "part" in part_rows else part_rows["short"]
        rest = float(whole_rows["base_value"].sum()) - float(part_rows["base_value"].sum())
        if len(whole_rows) and rest > 1e-9:
            part_rows = pd.concat(
                [
                    part_rows,
                    whole_rows.iloc[[0]].assign(
                        base_value=rest,
                        part=tr(lang, "未分项", "Not itemised"),
                        label=formatting.number(rest, lang),
                        breakdown=name,
                    ),
                ]
            )
        frames.append(part_rows)
    rows, unit_label = _scaled(pd.concat(frames, ignore_index=True), lang, "composition")
    rows["order"] = range(len(rows))
    rows["x_end"] = rows.groupby("breakdown", sort=False)["shown"].cumsum()
    rows["x_mid"] = rows["x_end"] - rows["shown"] / 2
    total = rows.groupby("breakdown", sort=False)["shown"].transform("sum")
    rows["inside"] = rows["label"].where(rows["shown"] / total > 0.07, "")
    domain = list(dict.fromkeys(rows["part"]))
    chosen = alt.selection_point(fields=["part"], bind="legend")
    whole_name = str(whole_rows["short"].iloc[0]) if len(whole_rows) else ""
    whole_counts = (rows["shown"] % 1 == 0).all()  # no half parks on the axis
    x = alt.X(
        "shown:Q",
        stack="zero",
        axis=alt.Axis(tickMinStep=1) if whole_counts else alt.Undefined,
        title=_titled(whole_name or str(rows["short"].iloc[0]), unit_label, lang),
    )
    y = alt.Y("breakdown:N", title=None, sort=None)
    tooltip = fact_tooltip(lang, alt.Tooltip("part:N", title=tr(lang, "类别", "Category")))
    layers = [
        alt.Chart(rows)
        .mark_bar(height=34)
        .encode(
            y=y,
            x=x,
            color=alt.Color(
                "part:N",
                sort=domain,
                scale=alt.Scale(domain=domain, range=list((PALETTE * 3)[: len(domain)])),
                title=tr(lang, "类别", "Category"),
                legend=alt.Legend(columns=3, orient="bottom", labelLimit=320),
            ),
            order=alt.Order("order:Q"),
            opacity=alt.condition(chosen, alt.value(1), alt.value(0.3)),
            tooltip=tooltip,
        )
        .add_params(chosen),
        alt.Chart(rows)
        .mark_text(color="white", fontSize=11, fontWeight=600)
        .encode(x="x_mid:Q", y=y, text="inside:N", tooltip=tooltip),
    ]
    described = [
        f"{b}：" + "、".join(f"{r.part} {r.label}" for r in g.itertuples())
        for b, g in rows.groupby("breakdown", sort=False)
    ]
    if len(whole_rows):
        described.append(
            tr(lang, f"合计 {whole_rows['label'].iloc[0]}", f"{whole_rows['label'].iloc[0]} in all")
        )
    name, when = whole_name or str(rows["short"].iloc[0]), _periods_text(rows, lang)
    return _done(
        layers,
        pd.concat([rows, whole_rows]),
        df,
        lang,
        chart="composition",
        size=(520, max(70, 60 * len(groups))),
        title=title,
        default=f"{name}的构成（{when}）" if lang == "zh" else f"{name}: composition, {when}",
        notes=(note,),
        what=tr(lang, "横向堆积条形图", "Stacked bar chart"),
        items=described,
        aside=aside,
    )


def _in_order(rows: pd.DataFrame, indicators) -> pd.DataFrame:
    """Each indicator's latest row, in the order of ``indicators``."""
    rows = _latest(rows, ["indicator_id"])
    return rows.assign(
        _o=rows["indicator_id"].map({i: n for n, i in enumerate(indicators)})
    ).sort_values("_o")


def _rule_parts(
    df: pd.DataFrame, rule_id: str, lang: str
) -> tuple[list[pd.DataFrame], pd.DataFrame]:
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
        by_id.loc[[p]].reset_index().assign(part=lambda r: r["short"])
        if isinstance(p, str)
        else whole.assign(
            base_value=float(p),
            part=rule.constants.get(str(p), (str(p), str(p)))[lang == "en"],
            label=formatting.number(float(p), lang),
        )
        for p in rule.parts
    ]
    return [pd.concat(parts, ignore_index=True)], whole


# ---------------------------------------------------------------- share


def _partners(df, rows, ids, other, chart, **selection) -> list:
    """For each row of ``rows`` (indicators ``ids``), the row of the matching ``other``
    indicator with the same entity and period, or ``None``."""
    if other and len(other) != len(ids):
        raise ValueError(f"{chart}: give one matching indicator for each of {', '.join(ids)}")
    pool = pick(df, chart=chart, indicator=other, **selection) if other else df.iloc[:0]
    match = dict(zip(ids, other, strict=False))
    out = []
    for r in rows.to_dict("records"):
        got = pool[
            (pool["indicator_id"] == match.get(r["indicator_id"]))
            & (pool["entity_id"] == r["entity_id"])
            & (pool["period"] == r["period"])
        ]
        out.append(None if got.empty else got.iloc[0])
    return out


def share(
    data: pd.DataFrame | None = None,
    *,
    part: Selection = None,
    share: Selection,
    entity: Selection = None,
    period: Selection = None,
    source: Selection = None,
    lang: str = "zh",
    title: str | None = None,
    note: str | None = None,
    aside: Selection = None,
) -> alt.LayerChart:
    """Return shares of a whole as bars against a 100% track.

    ``share`` names the indicator(s) in percent; ``part`` the matching indicator(s) of the
    absolute part (same entity and period, in the same order). When both are known the
    implied whole (``part ÷ share``, from :mod:`shanxi_analysis.derived`) is written beside
    the track and carries its inputs in the tooltip.
    """
    df, shares = _select(
        data, lang, "share", indicator=share, entity=entity, period=period, source=source
    )
    if set(shares["base_unit"]) != {"percent"}:
        raise ValueError("share: the share indicator must be in percent")
    matches = _partners(
        df, shares, _as_ids(share), _as_ids(part), "share", entity=entity, period=period
    )
    rows, used = [], [shares]
    for r, p in zip(shares.to_dict("records"), matches, strict=True):
        row = {
            **r,
            "share": float(r["base_value"]),
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
        several = shares["entity_id"].nunique() > 1
        row["row_label"] = f"{row['measure']} · {r['entity']}" if several else row["measure"]
        rows.append(row)
    rows = pd.DataFrame(rows).assign(full=100.0)
    y = _row_axis("row_label", list(rows["row_label"]))
    track = alt.Scale(domain=[0, 100], nice=False)
    x_title = tr(lang, "占比（%）", "Share (%)")
    x = alt.X(
        "share:Q",
        title=x_title,
        scale=track,
        axis=alt.Axis(values=[0, 25, 50, 75, 100], grid=False),
    )
    tooltip = fact_tooltip(
        lang,
        alt.Tooltip("part_label:N", title=tr(lang, "部分", "Part")),
        alt.Tooltip("whole_label:N", title=tr(lang, "推算的整体", "Implied whole")),
    )
    notes = [
        alt.Chart(rows)
        .mark_text(align=align, dy=-22, fontSize=11, color=SOFT)
        .encode(x=alt.value(at), y=y, text=f"{field}:N")
        for field, align, at in (("part_label", "left", 6), ("whole_label", "right", 520))
    ]
    layers = [
        alt.Chart(rows)
        .mark_bar(height=26, color="#ececec")
        .encode(x=alt.X("full:Q", scale=track, title=x_title), y=y),
        alt.Chart(rows).mark_bar(height=26, color=ACCENT).encode(x=x, y=y, tooltip=tooltip),
        alt.Chart(rows)
        .mark_text(align="right", dx=-6, color="white", fontWeight=700)
        .encode(x=x, y=y, text="label:N", tooltip=tooltip),
        *notes,
    ]
    entities = list(dict.fromkeys(rows["entity"]))
    when = _periods_text(rows, lang)
    return _done(
        layers,
        pd.concat(used),
        df,
        lang,
        chart="share",
        size=(520, max(90, 70 * len(rows))),
        title=title,
        default=_words(lang, f"{{}}所占比重（{when}）", f"Shares held by {{}}, {when}", entities),
        notes=(note,),
        what=tr(lang, "占比条形图", "Share bars"),
        items=[f"{r.row_label} {r.label} {r.whole_label}" for r in rows.itertuples()],
        aside=aside,
    )


# ---------------------------------------------------------------- change


def change(
    data: pd.DataFrame | None = None,
    *,
    indicator: str,
    periods: Selection = None,
    entity: Selection = None,
    source: Selection = None,
    bars: bool = False,
    lang: str = "zh",
    title: str | None = None,
    note: str | None = None,
    aside: Selection = None,
) -> alt.LayerChart:
    """Return the first and last period of one indicator, per entity, with the change and
    its rate (in points for a percentage; with the compound yearly rate when the periods are
    whole years more than one apart): a slope, or with ``bars=True`` a bar before and a bar
    after (for two figures that are not one series, e.g. from two articles)."""
    df, rows = _select(
        data, lang, "change", indicator=indicator, entity=entity, period=periods, source=source
    )
    rows, unit_label = _scaled(rows, lang, "change")
    unit = str(rows["base_unit"].iloc[0])
    ends = []
    for _, g in rows.assign(_end=[_end(p) for p in rows["period"]]).groupby(
        "entity_id", sort=False
    ):
        if len(g) > 1:
            g = g.sort_values("_end", kind="stable").iloc[[0, -1]].copy()
            first, last = g.iloc[0], g.iloc[-1]
            step = derived.change(first, last)
            same = isinstance(first.get("unit"), str) and first.get("unit") == last.get("unit")
            written = first["unit"] if lang == "zh" and same else None
            if written:
                step["written"] = float(last["value"]) - float(first["value"])
            g["change_label"] = [
                "",
                _change_text(step, unit, lang, _bound_of(first, last), written),
            ]
            ends.append(g)
    if not ends:
        raise ValueError("change: no entity has two periods of this indicator in the data selected")
    rows = pd.concat(ends, ignore_index=True)
    rows["exact"] = rows["qualifier"] == "none"
    rows["x_label"] = [formatting.period(p, lang) for p in rows["period"]]
    span = " → ".join(dict.fromkeys(rows.sort_values("_end", kind="stable")["x_label"]))
    if bars and rows["source_id"].nunique() > 1:
        rows["x_label"] = rows["x_label"] + " · " + rows["source_short"]
    order = list(dict.fromkeys(rows.sort_values("_end", kind="stable")["x_label"]))
    rows["pos"] = rows["x_label"].map({p: i for i, p in enumerate(order)})
    names = list(dict.fromkeys(rows["entity"]))
    colour = _colour("entity", names, tr(lang, "主体", "Entity"))
    y = alt.Y("shown:Q", title=_axis_title(rows, unit_label, lang), scale=alt.Scale(zero=True))
    tooltip = fact_tooltip(lang, alt.Tooltip("entity:N", title=tr(lang, "主体", "Entity")))
    if bars:
        layers, size = (
            _before_after(rows, order, y, colour, tooltip),
            (480, max(110, 50 * len(rows))),
        )
    else:
        layers, size = _slope(rows, order, y, colour, names, tooltip), (420, 260)
    name = str(rows["indicator"].iloc[0])
    return _done(
        layers,
        rows,
        df,
        lang,
        chart="change",
        size=size,
        title=title,
        default=f"{name}：{span}" if lang == "zh" else f"{name}: {span}",
        notes=(note, _bound_note(rows, lang)),
        what=tr(
            lang,
            "前后对比条形图" if bars else "斜率图",
            "Before and after bars" if bars else "Slope chart",
        ),
        items=[f"{r.entity} {r.change_label}" for r in rows.itertuples() if r.change_label],
        aside=aside,
    )


def _slope(rows, order, y, colour, names, tooltip) -> list[alt.Chart]:
    """Periods in time order at 0, 1, ...; the change written by the middle of its slope."""
    labels = " : ".join(
        f"datum.value == {i} ? {json.dumps(p, ensure_ascii=False)}" for i, p in enumerate(order)
    )
    x = alt.X(
        "pos:Q",
        title=None,
        scale=alt.Scale(domain=[-0.4, len(order) - 0.6], nice=False, zero=False),
        axis=alt.Axis(
            values=list(range(len(order))),
            labelExpr=f"{labels} : ''",
            domain=False,
            ticks=False,
            grid=False,
        ),
    )
    middles = rows.groupby("entity", sort=False).agg(
        pos=("pos", "mean"),
        shown=("shown", "mean"),
        text=("change_label", "max"),
        rise=("shown", lambda v: v.iloc[-1] >= v.iloc[0]),
    )
    return [
        *_bounds(rows, x, y),
        alt.Chart(rows).mark_line(strokeWidth=3).encode(x=x, y=y, color=colour, detail="entity:N"),
        alt.Chart(rows)
        .mark_point(size=160, strokeWidth=2.5, opacity=1, filled=False)
        .encode(x=x, y=y, color=colour, fill=_hollow("entity", names), tooltip=tooltip),
        alt.Chart(rows)
        .mark_text(dy=-16, fontSize=13, fontWeight=600, color=INK)
        .encode(x=x, y=y, text="label:N", tooltip=tooltip),
        # under the middle of its slope, on the side the line leaves empty
        *(
            alt.Chart(middles[middles["rise"] == rise].reset_index())
            .mark_text(align=align, dx=dx, dy=16, fontSize=13, color=ACCENT, fontWeight=600)
            .encode(x=x, y=y, text="text:N")
            for rise, align, dx in ((True, "left", 6), (False, "right", -6))
        ),
    ]


def _before_after(rows, order, y, colour, tooltip) -> list[alt.Chart]:
    """A bar per period (and source), the later one labelled with the change."""
    rows = rows.assign(
        row=rows["x_label"] + (" · " + rows["entity"] if rows["entity_id"].nunique() > 1 else "")
    )
    rows["text"] = [
        f"{lab}   {c}" if c else lab
        for lab, c in zip(rows["label"], rows["change_label"], strict=True)
    ]
    x = alt.X(
        "shown:Q",
        title=y.to_dict()["title"],
        scale=alt.Scale(domain=[0, float(rows["shown"].max()) * 1.45], nice=False),
        axis=alt.Axis(grid=False, tickCount=5),
    )
    bar_y = _row_axis("row", list(rows.sort_values("pos", kind="stable")["row"]))
    return [
        alt.Chart(rows)
        .mark_bar(height=28, cornerRadiusEnd=2)
        .encode(
            x=x,
            y=bar_y,
            color=colour,
            opacity=alt.condition(f"datum.pos == {len(order) - 1}", alt.value(1), alt.value(0.55)),
            tooltip=tooltip,
        ),
        alt.Chart(rows)
        .mark_text(align="left", dx=6, fontSize=13, fontWeight=600, color=INK)
        .encode(x=x, y=bar_y, text="text:N", tooltip=tooltip),
    ]


def _bound_of(first: pd.Series, last: pd.Series) -> str:
    """The qualifier a change inherits from bounds at either end (``none`` when exact)."""
    words = set()
    for row, sign in ((first, -1), (last, 1)):
        q = row["qualifier"]
        if q in _UPPER + _LOWER:
            words.add("at_most" if (q in _UPPER) == (sign > 0) else "more_than")
        elif q == "approx":
            words.add("approx")
    return words.pop() if len(words) == 1 else ("approx" if words else "none")


def _change_text(step: dict, unit: str, lang: str, bound: str, written: str | None) -> str:
    word = {
        "more_than": tr(lang, "超过 ", "more than "),
        "at_most": tr(lang, "至多 ", "at most "),
        "approx": tr(lang, "约 ", "about "),
    }.get(bound, "")
    if unit == "percent":
        return word + formatting.points(step["difference"], lang)
    diff = formatting.figure(
        step["difference"],
        unit,
        "none",
        lang,
        style="card",
        unit=written,
        value=step.get("written"),
    )
    diff = tr(lang, word.strip(), word) + (diff if diff.startswith("-") else "+" + diff)
    if step["growth"] is None or bound != "none":
        return diff
    text = _titled(diff, formatting.percent(step["growth"], lang, signed=True), lang)
    if step.get("cagr") is not None:
        yearly = formatting.percent(step["cagr"], lang, signed=True)
        text += f"，年均 {yearly}" if lang == "zh" else f", {yearly} a year"
    return text


# ---------------------------------------------------------------- gap


def gap(
    data: pd.DataFrame | None = None,
    *,
    rate: Selection,
    gap: Selection = None,
    reference: str | None = None,
    entity: Selection = None,
    period: Selection = None,
    source: Selection = None,
    lang: str = "zh",
    title: str | None = None,
    note: str | None = None,
    aside: Selection = None,
) -> alt.LayerChart:
    """Return rates against their reference, with the gap in percentage points.

    Either ``gap`` names the indicator(s) stating how many points the rate is above its
    reference (the reference is then implied: rate − gap, marked as derived), or
    ``reference`` names the entity whose same rate is the reference. An indicator written as
    a decline (``positive_means`` = ``fall``) is turned into a signed growth rate first.
    """
    df, rates = _select(
        data, lang, "gap", indicator=rate, entity=entity, period=period, source=source
    )
    falls = set(datasets.indicators("en").query("positive_means == 'fall'")["indicator_id"])
    if reference is not None:
        rates = rates[rates["entity_id"] != reference]
        ids = _as_ids(rate)
        matches = _partners(df, rates.assign(entity_id=reference), ids, ids, "gap")
    else:
        matches = _partners(df, rates, _as_ids(rate), _as_ids(gap), "gap")
    rows = []
    for r, g in zip(rates.to_dict("records"), matches, strict=True):
        if g is None:
            continue
        signed = -r["base_value"] if r["indicator_id"] in falls else r["base_value"]
        if reference is None:
            ref, ref_name = (
                derived.implied_rate(float(g["base_value"]), signed),
                tr(lang, "参照（推算）", "reference (implied)"),
            )
        else:
            ref = -g["base_value"] if g["indicator_id"] in falls else float(g["base_value"])
            ref_name = str(g["entity"])
        label = _titled(r["short"], formatting.period(r["period"], lang), lang)
        for who, value, is_ref in ((r["entity"], signed, False), (ref_name, ref, True)):
            cited = {
                c: (g if is_ref else r)[c]
                for c in ("source_id", "source_title", "source_short")
                if c in r
            }
            text = f"{value:+.1f}%"
            rows.append(
                {
                    **r,
                    **cited,
                    "row_label": label,
                    "who": who,
                    "rate": value,
                    "is_ref": is_ref,
                    "rate_text": text,
                    "gap_text": "" if is_ref else formatting.points(signed - ref, lang),
                    "text": f"{who} {text}"
                    if is_ref
                    else _titled(text, formatting.points(signed - ref, lang), lang),
                    "fact_id": f"{r['fact_id']};{g['fact_id']}",
                }
            )
    if not rows:
        raise ValueError("gap: no rate in the selection has a matching gap or reference row")
    rows = pd.DataFrame(rows)
    order = list(dict.fromkeys(rows["row_label"]))
    lo, hi = float(rows["rate"].min()), float(rows["rate"].max())
    pad = max((hi - lo) * 0.12, 2)
    x = alt.X(
        "rate:Q",
        title=tr(lang, "同比增速（%）", "Growth year on year (%)"),
        scale=alt.Scale(domain=[min(lo - pad, 0), hi + pad], nice=False),
    )
    y = _row_axis("row_label", order)
    tooltip = fact_tooltip(
        lang,
        alt.Tooltip("who:N", title=tr(lang, "主体", "Entity")),
        alt.Tooltip("rate_text:N", title=tr(lang, "增速", "Rate")),
    )
    spans = rows.pivot_table(index="row_label", columns="is_ref", values="rate", aggfunc="first")
    spans = spans.reset_index().set_axis(["row_label", "own", "ref"], axis=1)
    layers = [
        alt.Chart(spans)
        .mark_rule(strokeWidth=3, color="#c9c9c9")
        .encode(x="own:Q", x2="ref:Q", y=y),
        alt.Chart(rows)
        .mark_point(size=150, strokeWidth=2.5, opacity=1, filled=False)
        .encode(
            x=x,
            y=y,
            color=alt.condition("datum.is_ref", alt.value(DERIVED), alt.value(ACCENT)),
            fill=alt.condition("datum.is_ref", alt.value("white"), alt.value(ACCENT)),
            tooltip=tooltip,
        ),
        *(
            alt.Chart(rows[rows["is_ref"] == is_ref])
            .mark_text(dy=dy, fontSize=11, color=colour)
            .encode(x=x, y=y, text="text:N", tooltip=tooltip)
            for is_ref, dy, colour in ((False, -17, ACCENT), (True, 19, DERIVED))
        ),
    ]
    if len(order) > 1:  # a dropdown to focus on one comparison (works offline, in the page)
        focus = alt.param(
            name="focus",
            value="all",
            bind=alt.binding_select(
                options=["all", *order],
                labels=[tr(lang, "全部", "all"), *order],
                name=tr(lang, "比较：", "Comparison: "),
            ),
        )
        shown = alt.expr("focus == 'all' || focus == datum.row_label ? 1 : 0.15")
        layers = [lay.encode(opacity=alt.OpacityValue(value=shown)) for lay in layers]
        layers[0] = layers[0].add_params(focus)
    zero = alt.Chart(pd.DataFrame({"z": [0]})).mark_rule(color="#9a9a9a").encode(x="z:Q")
    derived_note = (
        (
            "由原文给出的差距（百分点）推算的参照值",
            "the reference, derived from the stated gap in percentage points",
        )
        if reference is None
        else ("参照主体的原文数值", "the reference entity, as stated")
    )
    return _done(
        [zero, *layers],
        rows,
        df,
        lang,
        chart="gap",
        size=(520, max(100, 70 * len(order))),
        title=title,
        default=tr(
            lang, "增速与参照之差（百分点）", "Growth against its reference, in percentage points"
        ),
        notes=(
            note,
            tr(
                lang,
                f"实心：原文数值；空心：{derived_note[0]}",
                f"Filled: as stated; hollow: {derived_note[1]}",
            ),
        ),
        what=tr(lang, "哑铃图", "Dumbbell chart"),
        items=[
            f"{r.row_label} {r.rate_text}, {r.gap_text}" for r in rows[~rows["is_ref"]].itertuples()
        ],
        aside=aside,
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
    df = table.reset_index(drop=True).assign(
        slot=lambda d: d.groupby(column, sort=False).cumcount(),
        source_short=lambda d: d["source_id"].map(source_names(lang)).fillna(d["source_id"]),
    )
    # long names wrap onto two lines; Vega stacks extra lines below the anchor, so lift them
    df["shown"] = [wrap(str(n), 17) if lang == "en" else str(n) for n in df[text]]
    df["lines"] = df["shown"].str.count("\n") + 1
    order, colours = list(dict.fromkeys(df[column])), list(dict.fromkeys(df[colour]))
    fills = dict(zip(colours, PALETTE, strict=False))
    df["ink"] = [INK if _light(fills[c]) else "white" for c in df[colour]]
    chosen = alt.selection_point(fields=[colour], bind="legend")
    x = alt.X(f"{column}:N", sort=order, title=None, axis=None, scale=alt.Scale(paddingInner=0.08))
    y = alt.Y("slot:O", axis=None, title=None, scale=alt.Scale(paddingInner=0.12))
    tip = [
        *(alt.Tooltip(f"{f}:N", title=tr(lang, zh, en)) for f, zh, en in tooltip),
        alt.Tooltip(f"{column}:N", title=tr(lang, "分组", "Group")),
        quote_tooltip(lang, "quote"),
        source_tooltip(lang),
    ]
    layers = [
        alt.Chart(df)
        .mark_rect(cornerRadius=3)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                f"{colour}:N",
                title=None,
                scale=alt.Scale(domain=colours, range=list(fills.values())),
                legend=alt.Legend(orient="bottom", columns=3, symbolType="square"),
            ),
            opacity=alt.condition(chosen, alt.value(1), alt.value(0.2)),
            tooltip=tip,
        )
        .add_params(chosen),
        *(
            alt.Chart(df[df["lines"] == n])
            .mark_text(
                fontSize=10.5,
                limit=104,
                lineBreak="\n",
                lineHeight=12,
                dy=-(n - 1) * 6,
            )
            .encode(x=x, y=y, text="shown:N", color=alt.Color("ink:N", scale=None), tooltip=tip)
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
