"""Chart types that choose their rows by meaning: indicator, entity, period, source.

Each function has the form ``f(data=None, *, <selection>, lang="zh", title=None, ...)`` and
returns an Altair chart. ``data`` is :func:`shanxi_analysis.datasets.facts`, a filtered copy,
or a DataFrame of your own with the columns of :data:`FACT_COLUMNS` (``indicator_id``,
``entity_id``, ``period``, ``base_value``, ``base_unit``, ``qualifier``, ``kind``,
``source_id``, ``quote``). Axis titles, units and magnitudes come from the data's metadata
through :mod:`shanxi_analysis.formatting`; labels follow ``lang``; the citation line names
exactly the sources of the rows plotted.

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

from .. import datasets, derived, formatting
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
    tr,
)

__all__ = ["change", "compare", "composition", "gap", "share", "trend"]

_LOWER_BOUNDS = ("more_than", "at_least")
DERIVED = "#9a7b1c"  # a darker solar yellow, readable as text: values the chart computed
_UPPER_BOUNDS = ("at_most", "less_than")


# ---------------------------------------------------------------- helpers shared by the types


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


def _position(period: str) -> float:
    """A period's place on a time axis: a year at its number, a part of a year at its middle,
    an interval at its end year."""
    start, end = _years(period)
    if "/" in str(period):
        return end - 1
    return start if end - start == 1 else (start + end) / 2


def _one_unit(rows: pd.DataFrame, chart: str) -> str:
    units = sorted(set(rows["base_unit"]))
    if len(units) != 1:
        raise ValueError(f"{chart}: the rows selected mix units ({', '.join(units)}); select one")
    return units[0]


def _axis_title(name: str, unit_label: str, lang: str) -> str:
    if not unit_label:
        return name
    return f"{name}（{unit_label}）" if lang == "zh" else f"{name} ({unit_label})"


def _scaled(rows: pd.DataFrame, lang: str, noun: str = "") -> tuple[pd.DataFrame, str]:
    """Add ``shown`` (the value in the axis's magnitude); return the unit label of the axis."""
    unit = str(rows["base_unit"].iloc[0])
    factor, label = formatting.scale(unit, rows["base_value"], lang)
    out = rows.copy()
    out["shown"] = out["base_value"] / factor
    written = set(out["unit"].dropna()) if "unit" in out else set()
    if lang == "zh" and factor == 1 and len(written) == 1 and label != "%":
        label = written.pop()  # the article's own counter word: 家, 座
    if lang == "en" and not label:
        label = noun
    return out, label


def _periods_text(rows: pd.DataFrame, lang: str) -> str:
    ordered = sorted({p for p in rows["period"] if isinstance(p, str) and p}, key=_years)
    if not ordered:  # undated figures
        return ""
    if len(ordered) == 1:
        return formatting.period(ordered[0], lang)
    first, last = _years(ordered[0])[0], _years(ordered[-1])[1]
    return formatting.period(f"{int(first)}/{int(last) - (last % 1 == 0)}", lang)


def _latest(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Keep each group's latest row (ties keep the first)."""
    ends = [_years(p)[1] if isinstance(p, str) and p else float("-inf") for p in rows["period"]]
    order = rows.assign(_end=ends)  # an undated figure counts as the oldest
    return order.sort_values("_end", kind="stable").groupby(by, sort=False).tail(1)


def _colour(field: str, domain: list[str], title: str | None, legend: bool = True) -> alt.Color:
    return alt.Color(
        f"{field}:N",
        scale=alt.Scale(domain=domain, range=list(PALETTE[: max(len(domain), 1)])),
        title=title,
        legend=alt.Legend(orient="bottom") if legend and len(domain) > 1 else None,
    )


def _row_axis(field: str, order: list[str]) -> alt.Y:
    """A y axis of named rows (entities, comparisons) in ``order``, without ticks or domain."""
    return alt.Y(
        f"{field}:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelLimit=260, ticks=False, domain=False),
    )


def _fill_when_exact(field: str, domain: list[str]) -> alt.FillValue:
    """Filled in the series' colour when exact, white (a hollow mark) for a bound or estimate."""
    colour = alt.Color(
        f"{field}:N",
        legend=None,
        scale=alt.Scale(domain=domain, range=list(PALETTE[: len(domain)])),
    )
    return alt.condition("datum.exact", colour, alt.value("white"))


def _selected(data, lang: str, chart: str, **selection) -> tuple[pd.DataFrame, str]:
    """The rows of one indicator that ``selection`` picks, in the axis's magnitude
    (``shown``), and the axis's unit label."""
    rows = pick(plot_frame(data, lang), chart=chart, **selection)
    _one_unit(rows, chart)
    return _scaled(rows, lang, str(rows["noun_en"].iloc[0]))


def _bound_marks(rows: pd.DataFrame, x: alt.X, y: alt.Y) -> list[alt.Chart]:
    """Shaded ranges where a bound's true value may lie: from zero up to an upper bound
    (不足 30%, 900 座以内), from a lower bound (超过 600) a quarter beyond it."""
    bounds = rows[rows["qualifier"].isin(_UPPER_BOUNDS + _LOWER_BOUNDS)].copy()
    if bounds.empty:
        return []
    upper = bounds["qualifier"].isin(_UPPER_BOUNDS)
    bounds["lo"] = bounds["shown"].where(~upper, 0.0)
    bounds["hi"] = bounds["shown"].where(upper, bounds["shown"] * 1.25)
    return [
        alt.Chart(bounds)
        .mark_rule(strokeWidth=14, opacity=0.25, color=MUTED)
        .encode(x=x, y=alt.Y("lo:Q", scale=alt.Scale(zero=True)), y2="hi:Q")
    ]


def _done(
    chart: alt.TopLevelMixin,
    rows: pd.DataFrame,
    lang: str,
    *,
    title: str | None,
    default: tuple[str, str],
    notes: tuple[str | None, ...],
    what: tuple[str, str],
    items: tuple[list[str], list[str]],
) -> alt.TopLevelMixin:
    """Finish a chart type: its title (``title`` or the ``default`` pair), the notes given
    (``None`` skipped) as one subtitle line, the citation of ``rows``, and a description
    for screen readers: what the chart is, then its items."""
    zh = lang == "zh"
    kept = [n for n in notes if n]
    return finish(
        chart,
        rows,
        lang=lang,
        title=title or default[not zh],
        subtitle=("；" if zh else "; ").join(kept) or None,
        description=f"{what[0]}：{'；'.join(items[0])}。"
        if zh
        else f"{what[1]}: {'; '.join(items[1])}.",
    )


def _bound_note(rows: pd.DataFrame, lang: str) -> str | None:
    if not rows["qualifier"].isin(_UPPER_BOUNDS + _LOWER_BOUNDS).any():
        return None
    return tr(
        lang,
        "空心点：原文给出的是上限或下限，真实值在阴影范围内",
        "Hollow point: the text gives a bound, and the true value lies in the shaded range",
    )


# ---------------------------------------------------------------- trend


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
) -> alt.LayerChart:
    """Return one indicator over periods, for one or several entities.

    Actual figures are filled marks joined by a line; targets, plans and estimates are open
    marks on a dashed line; a figure given as a bound (不足 30%, 超过 600) is an open mark
    with an arrow; a period that is an interval (``2016/2020``) is a span. Each source has
    its colour (each entity its colour and each source its shape, when there are several
    entities); two sources that give different values for the same entity and period are
    joined by a red rule and named in the subtitle.
    """
    rows, unit_label = _selected(
        data, lang, "trend", indicator=indicator, entity=entity, period=period, source=source
    )
    rows["x"] = [_position(p) for p in rows["period"]]
    rows["x_start"] = [_years(p)[0] for p in rows["period"]]
    rows["x_end"] = [_years(p)[1] - ("/" in p) for p in rows["period"]]
    rows["interval"] = rows["period"].str.contains("/")
    rows["exact"] = (rows["qualifier"] == "none") & (rows["kind"] == "actual")
    rows["line_kind"] = [
        tr(lang, "实际", "actual")
        if k == "actual"
        else tr(lang, "目标或预计", "target or estimate")
        for k in rows["kind"]
    ]
    rows["period_text"] = [formatting.period(p, lang) for p in rows["period"]]
    several = rows["entity_id"].nunique() > 1
    series_field = "entity" if several else "source_short"
    series = list(dict.fromkeys(rows[series_field]))
    colour = _colour(series_field, series, tr(lang, "主体", "Entity") if several else None)
    lo = min(rows["x_start"].min(), rows["x"].min())
    hi = max(
        rows.loc[rows["interval"], "x_end"].max() if rows["interval"].any() else lo, rows["x"].max()
    )
    pad = max((hi - lo) * 0.08, 0.4)
    x_scale = alt.Scale(domain=[lo - pad, hi + pad], nice=False, zero=False)
    x = alt.X(
        "x:Q",
        title=None,
        scale=x_scale,
        axis=alt.Axis(format="d", tickMinStep=1, grid=False),
    )
    y = alt.Y(
        "shown:Q",
        title=_axis_title(str(rows["short"].iloc[0]), unit_label, lang),
        scale=alt.Scale(zero=True, nice=True),
    )
    tooltip = fact_tooltip(lang, alt.Tooltip("kind_label:N", title=tr(lang, "类型", "Kind")))
    detail = ["entity:N", "source_short:N", "line_kind:N"]
    points = rows[~rows["interval"]]
    # a target or estimate continues its series' last actual figure with a dashed line
    bridges = []
    for _, g in points.groupby(["entity_id", "source_id"], sort=False):
        actual, ahead = g[g["kind"] == "actual"], g[g["kind"] != "actual"]
        if len(actual) and len(ahead):
            bridge = actual.loc[[actual["x"].idxmax()]].copy()
            bridge["line_kind"] = ahead["line_kind"].iloc[0]
            bridges.append(bridge)
    points = pd.concat([points, *bridges])
    # labels of a second source stand to the right, so disagreeing figures stay legible
    group = rows.groupby(["entity_id", "period"])["source_id"]
    shared = group.transform("nunique") > 1
    first = rows["source_id"] == group.transform("first")
    rows["aside"] = [
        "" if not sh else ("left" if f else "right") for sh, f in zip(shared, first, strict=True)
    ]
    layers = [
        alt.Chart(points)
        .mark_line(strokeWidth=2.2)
        .encode(
            x=x,
            y=y,
            color=colour,
            detail=detail,
            strokeDash=alt.StrokeDash(
                "line_kind:N",
                scale=alt.Scale(
                    domain=[
                        tr(lang, "实际", "actual"),
                        tr(lang, "目标或预计", "target or estimate"),
                    ],
                    range=[[1, 0], [5, 4]],
                ),
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
        .encode(
            x=x,
            y=y,
            color=colour,
            fill=_fill_when_exact(series_field, series),
            shape=alt.Shape(
                "source_short:N",
                title=tr(lang, "来源", "Source"),
                legend=alt.Legend(
                    orient="bottom", symbolStrokeColor=INK, symbolFillColor=INK, symbolOpacity=1
                ),
            )
            if several and rows["source_id"].nunique() > 1
            else alt.value("circle"),
            tooltip=tooltip,
        ),
        alt.Chart(rows[rows["aside"] == ""])
        .mark_text(dy=-13, fontSize=11, color=INK)
        .encode(x=x, y=y, text="label:N", tooltip=tooltip),
        *(
            alt.Chart(rows[rows["aside"] == side])
            .mark_text(align=align, dx=dx, fontSize=11, color=INK)
            .encode(x=x, y=y, text="label:N", tooltip=tooltip)
            for side, align, dx in (("left", "right", -10), ("right", "left", 10))
        ),
    ]
    layers = _bound_marks(rows, x, y) + layers
    disagree = _disagreements(rows)
    subtitle = _bound_note(rows, lang)
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
        notes = [subtitle] if subtitle else []
        notes += list(disagree["note"])
        subtitle = "；".join(notes) if lang == "zh" else "; ".join(notes)
    name = str(rows["indicator"].iloc[0])
    entities = list(dict.fromkeys(rows["entity"]))
    when = _periods_text(rows, lang)
    return _done(
        alt.layer(*layers).properties(width=520, height=280),
        rows,
        lang,
        title=title,
        default=(f"{name}（{when}）", f"{name}, {when}"),
        notes=(note, subtitle),
        what=(
            f"折线图：{'、'.join(entities)}的{name}",
            f"Line chart of {name} for {', '.join(entities)}",
        ),
        items=(
            [f"{r.period_text} {r.label}（{r.source_short}）" for r in rows.itertuples()],
            [f"{r.period_text}: {r.label} ({r.source_short})" for r in rows.itertuples()],
        ),
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
    indicator: str,
    entity: Selection = None,
    period: Selection = None,
    source: Selection = None,
    by: str = "entity",
    lang: str = "zh",
    title: str | None = None,
    note: str | None = None,
) -> alt.LayerChart:
    """Return one indicator across entities (``by="entity"``) or sources (``by="source"``) as
    bars, largest first; each bar is its group's latest figure unless ``period`` says which.
    Bounds and approximate figures are drawn lighter, with their qualifier in the label."""
    if by not in ("entity", "source"):
        raise ValueError(f"compare: by must be 'entity' or 'source', got {by!r}")
    rows, unit_label = _selected(
        data, lang, "compare", indicator=indicator, entity=entity, period=period, source=source
    )
    rows = _latest(rows, ["entity_id" if by == "entity" else "source_id"])
    rows["group"] = rows["entity"] if by == "entity" else rows["source_short"]
    rows["exact"] = rows["qualifier"] == "none"
    order = list(rows.sort_values("shown", ascending=False)["group"])
    y = _row_axis("group", order)
    x = alt.X(
        "shown:Q",
        title=_axis_title(str(rows["short"].iloc[0]), unit_label, lang),
        scale=alt.Scale(domain=[0, float(rows["shown"].max()) * 1.2 or 1], nice=False),
        axis=alt.Axis(grid=False),
    )
    tooltip = fact_tooltip(lang, alt.Tooltip("entity:N", title=tr(lang, "主体", "Entity")))
    bars = (
        alt.Chart(rows)
        .mark_bar(
            height=min(28, max(10, 200 // max(len(rows), 1))), color=ACCENT, cornerRadiusEnd=2
        )
        .encode(
            x=x,
            y=y,
            opacity=alt.condition("datum.exact", alt.value(1), alt.value(0.5)),
            tooltip=tooltip,
        )
    )
    labels = (
        alt.Chart(rows)
        .mark_text(align="left", dx=5, fontSize=11, color=INK)
        .encode(x=x, y=y, text="label:N", tooltip=tooltip)
    )
    name = str(rows["indicator"].iloc[0])
    when = _periods_text(rows, lang)
    return _done(
        alt.layer(bars, labels).properties(width=480, height=max(80, 34 * len(rows))),
        rows,
        lang,
        title=title,
        default=(f"{name}（{when}）", f"{name}, {when}"),
        notes=(note,),
        what=("条形图", "Bar chart"),
        items=(
            [f"{r.group} {r.label}" for r in rows.itertuples()],
            [f"{r.group}: {r.label}" for r in rows.itertuples()],
        ),
    )


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
) -> alt.Chart:
    """Return parts against a whole as stacked bars, one bar per breakdown.

    ``parts`` is a list of indicators (one breakdown) or a list of such lists (several
    breakdowns of the same whole); or ``rule`` names a ``part_whole`` rule of
    :mod:`shanxi_analysis.checks`, whose parts and whole it draws. When the parts fall short
    of the ``whole``, the rest is drawn as an unitemised segment; the whole is read at the
    parts' period. ``names`` labels the breakdowns. Clicking a legend entry highlights its
    part.
    """
    df = plot_frame(data, lang)
    if rule is not None:
        breakdowns, whole_rows, extras = _rule_parts(df, rule, lang)
    else:
        if parts is None:
            raise ValueError("composition: give parts (indicators) or rule (a part_whole rule id)")
        groups = [parts] if isinstance(parts, str) or isinstance(parts[0], str) else parts
        breakdowns = []
        for group in groups:
            got = pick(
                df,
                chart="composition",
                indicator=list(group),
                entity=entity,
                period=period,
                source=source,
            )
            got = _latest(got, ["indicator_id"])
            got["_order"] = got["indicator_id"].map({g: i for i, g in enumerate(group)})
            breakdowns.append(got.sort_values("_order"))
        whole_rows = None
        if whole:
            at = period if period is not None else sorted(set(breakdowns[0]["period"]))
            whole_rows = pick(
                df, chart="composition", indicator=whole, entity=entity, period=at, source=source
            )
            whole_rows = _latest(whole_rows, ["indicator_id"])
        extras = []
    frames = []
    for i, part_rows in enumerate(breakdowns):
        part_rows = part_rows.copy()
        part_rows["part"] = part_rows["short"]
        part_rows["breakdown"] = (
            names[i] if names and i < len(names) else _breakdown_name(i, len(breakdowns), lang)
        )
        frames.append(part_rows)
        if whole_rows is not None and not whole_rows.empty:
            rest = float(whole_rows["base_value"].iloc[0]) - float(part_rows["base_value"].sum())
            if rest > 0:
                filler = whole_rows.iloc[[0]].copy()
                filler["base_value"] = rest
                filler["part"] = tr(lang, "未分项", "Not itemised")
                filler["label"] = formatting.number(rest, lang)
                filler["breakdown"] = part_rows["breakdown"].iloc[0]
                frames.append(filler)
    for extra in extras:
        extra["breakdown"] = frames[-1]["breakdown"].iloc[0]
        frames.append(extra)
    rows = pd.concat(frames, ignore_index=True)
    _one_unit(rows, "composition")
    rows, unit_label = _scaled(rows, lang, str(rows["noun_en"].iloc[0]))
    rows["order"] = range(len(rows))
    domain = list(dict.fromkeys(rows["part"]))
    pick_part = alt.selection_point(fields=["part"], bind="legend")
    total_name = (
        str(whole_rows["short"].iloc[0]) if whole_rows is not None and len(whole_rows) else ""
    )
    x_title = _axis_title(total_name or str(rows["short"].iloc[0]), unit_label, lang)
    bars = (
        alt.Chart(rows)
        .mark_bar(height=34)
        .encode(
            y=alt.Y("breakdown:N", title=None, sort=None),
            x=alt.X("shown:Q", stack="zero", title=x_title),
            color=alt.Color(
                "part:N",
                sort=domain,
                scale=alt.Scale(domain=domain, range=list((PALETTE * 3)[: len(domain)])),
                title=tr(lang, "类别", "Category"),
                legend=alt.Legend(columns=3, orient="bottom"),
            ),
            order=alt.Order("order:Q"),
            opacity=alt.condition(pick_part, alt.value(1), alt.value(0.3)),
            tooltip=fact_tooltip(lang, alt.Tooltip("part:N", title=tr(lang, "类别", "Category"))),
        )
        .add_params(pick_part)
        .properties(width=520, height=max(70, 60 * len(breakdowns)))
    )
    plotted = pd.concat([rows, whole_rows]) if whole_rows is not None else rows
    when = _periods_text(rows, lang)
    described = "；".join(
        f"{b}：" + "、".join(f"{r.part} {r.label}" for r in g.itertuples())
        for b, g in rows.groupby("breakdown", sort=False)
    )
    total_text = (
        f"{whole_rows['label'].iloc[0]}" if whole_rows is not None and len(whole_rows) else ""
    )
    name = total_name or rows["short"].iloc[0]
    total = [tr(lang, f"合计 {total_text}", f"{total_text} in all")] if total_text else []
    return _done(
        bars,
        plotted,
        lang,
        title=title,
        default=(f"{name}的构成（{when}）", f"{name}: composition, {when}"),
        notes=(note,),
        what=("横向堆积条形图", "Stacked bar chart"),
        items=([described, *total], [described, *total]),
    )


def _breakdown_name(i: int, n: int, lang: str) -> str:
    if n == 1:
        return tr(lang, "构成", "Parts")
    return tr(lang, f"分法 {i + 1}", f"Breakdown {i + 1}")


def _rule_parts(df: pd.DataFrame, rule_id: str, lang: str):
    """The parts and whole of a part-whole rule of :mod:`checks`, from ``df``'s rows."""
    from .. import checks

    rule = checks.rule(rule_id)
    if rule.kind != "part_whole":
        raise ValueError(f"composition: rule {rule_id!r} is a {rule.kind} rule, not part_whole")
    by_id = df.set_index("fact_id")
    missing = [f for f in rule.fact_ids() if f not in by_id.index]
    if missing:
        raise ValueError(
            f"composition: rule {rule_id!r} reads fact(s) the data lacks: {', '.join(missing)}"
        )
    parts = by_id.loc[[p for p in rule.parts if isinstance(p, str)]].reset_index()
    whole = by_id.loc[[rule.whole]].reset_index()
    extras = []
    for constant in (p for p in rule.parts if not isinstance(p, str)):
        row = whole.copy()
        row["base_value"] = float(constant)
        row["part"] = rule.constants.get(str(constant), (str(constant), str(constant)))[
            lang == "en"
        ]
        row["label"] = formatting.number(float(constant), lang)
        extras.append(row)
    return [parts], whole, extras


# ---------------------------------------------------------------- share


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
) -> alt.LayerChart:
    """Return shares of a whole as bars against a 100% track.

    ``share`` names the indicator(s) in percent; ``part`` the matching indicator(s) of the
    absolute part (same entity and period, in the same order). When both are known the
    implied whole (``part ÷ share``, from :mod:`shanxi_analysis.derived`) is written beside
    the track and carries its inputs in the tooltip.
    """
    df = plot_frame(data, lang)
    shares = pick(df, chart="share", indicator=share, entity=entity, period=period, source=source)
    if set(shares["base_unit"]) != {"percent"}:
        raise ValueError("share: the share indicator must be in percent")
    parts_ids = _as_ids(part)
    share_ids = _as_ids(share)
    if parts_ids and len(parts_ids) != len(share_ids):
        raise ValueError("share: give one part indicator for each share indicator")
    partner = dict(zip(share_ids, parts_ids, strict=False)) if parts_ids else {}
    pool = (
        pick(df, chart="share", indicator=parts_ids, entity=entity, period=period)
        if parts_ids
        else None
    )
    rows, used = [], [shares]
    for r in shares.to_dict("records"):
        row = {**r, "share": float(r["base_value"]), "part_label": "", "whole_label": ""}
        if pool is not None:
            match = pool[
                (pool["indicator_id"] == partner.get(r["indicator_id"]))
                & (pool["entity_id"] == r["entity_id"])
                & (pool["period"] == r["period"])
            ]
            if not match.empty:
                used.append(match.iloc[[0]])
                p = match.iloc[0]
                whole = derived.implied_total(float(p["base_value"]), row["share"])
                whole_text = formatting.figure(
                    whole,
                    p["base_unit"],
                    "approx",
                    lang,
                    style="label",
                    digits=derived.digits_of(r["indicator_id"], 3),
                )
                row["part_label"] = f"{p['short']} {p['label']}"
                row["whole_label"] = tr(
                    lang, f"全部 {whole_text}（推算）", f"whole {whole_text} (implied)"
                )
                row["fact_id"] = f"{r['fact_id']};{p['fact_id']}"
                row["measure"] = str(p["short"])
        row.setdefault("measure", str(r["short"]))
        row["row_label"] = (
            f"{row['measure']} · {r['entity']}"
            if shares["entity_id"].nunique() > 1
            else row["measure"]
        )
        rows.append(row)
    rows = pd.DataFrame(rows)
    rows["full"] = 100.0
    rows["share_text"] = rows["label"]
    order = list(rows["row_label"])
    y = _row_axis("row_label", order)
    track_scale = alt.Scale(domain=[0, 100], nice=False)
    x = alt.X(
        "share:Q",
        title=tr(lang, "占比（%）", "Share (%)"),
        scale=track_scale,
        axis=alt.Axis(values=[0, 25, 50, 75, 100], grid=False),
    )
    tooltip = fact_tooltip(
        lang,
        alt.Tooltip("part_label:N", title=tr(lang, "部分", "Part")),
        alt.Tooltip("whole_label:N", title=tr(lang, "推算的整体", "Implied whole")),
    )
    track = (
        alt.Chart(rows)
        .mark_bar(height=26, color="#ececec")
        .encode(x=alt.X("full:Q", scale=track_scale, title=tr(lang, "占比（%）", "Share (%)")), y=y)
    )
    filled = alt.Chart(rows).mark_bar(height=26, color=ACCENT).encode(x=x, y=y, tooltip=tooltip)
    inside = (
        alt.Chart(rows)
        .mark_text(align="right", dx=-6, color="white", fontWeight=700)
        .encode(x=x, y=y, text="share_text:N", tooltip=tooltip)
    )
    beyond = (
        alt.Chart(rows)
        .mark_text(align="left", dx=6, dy=-22, fontSize=11, color=SOFT)
        .encode(x=alt.value(0), y=y, text="part_label:N")
    )
    whole_text = (
        alt.Chart(rows)
        .mark_text(align="right", dy=-22, fontSize=11, color=SOFT)
        .encode(x=alt.value(520), y=y, text="whole_label:N")
    )
    when = _periods_text(rows, lang)
    entities = (
        "、".join(dict.fromkeys(rows["entity"]))
        if lang == "zh"
        else ", ".join(dict.fromkeys(rows["entity"]))
    )
    plotted = pd.concat(used)
    items = [f"{r.row_label} {r.share_text} {r.whole_label}" for r in rows.itertuples()]
    return _done(
        alt.layer(track, filled, inside, beyond, whole_text).properties(
            width=520, height=max(90, 70 * len(rows))
        ),
        plotted,
        lang,
        title=title,
        default=(f"{entities}所占比重（{when}）", f"Shares held by {entities}, {when}"),
        notes=(note,),
        what=("占比条形图", "Share bars"),
        items=(items, items),
    )


def _as_ids(value: Selection) -> list[str]:
    return [] if value is None else ([value] if isinstance(value, str) else list(value))


# ---------------------------------------------------------------- change


def change(
    data: pd.DataFrame | None = None,
    *,
    indicator: str,
    periods: Selection = None,
    entity: Selection = None,
    source: Selection = None,
    lang: str = "zh",
    title: str | None = None,
    note: str | None = None,
) -> alt.LayerChart:
    """Return the first and last period of one indicator as a slope, per entity, with the
    change and its rate (in points for a percentage; with the compound yearly rate when the
    periods are whole years more than one apart)."""
    rows, unit_label = _selected(
        data, lang, "change", indicator=indicator, entity=entity, period=periods, source=source
    )
    unit = str(rows["base_unit"].iloc[0])
    rows["_end"] = [_years(p)[1] for p in rows["period"]]
    ends = []
    for _, g in rows.groupby("entity_id", sort=False):
        g = g.sort_values("_end", kind="stable")
        if len(g) < 2:
            continue
        first, last = g.iloc[0].copy(), g.iloc[-1].copy()
        first["end"], last["end"] = "before", "after"
        step = derived.change(first, last)
        same = isinstance(first.get("unit"), str) and first.get("unit") == last.get("unit")
        written = first["unit"] if lang == "zh" and same else None
        if written:
            step["written"] = float(last["value"]) - float(first["value"])
        last["change_label"] = _change_text(step, unit, lang, _bound_of(first, last), written)
        first["change_label"] = ""
        ends += [first, last]
    if not ends:
        raise ValueError("change: no entity has two periods of this indicator in the data selected")
    rows = pd.DataFrame(ends).reset_index(drop=True)
    rows["period_text"] = [formatting.period(p, lang) for p in rows["period"]]
    rows["side"] = [
        tr(lang, "之前", "before") if e == "before" else tr(lang, "之后", "after")
        for e in rows["end"]
    ]
    rows["x_label"] = rows["period_text"]
    sorted_periods = list(dict.fromkeys(rows.sort_values("_end")["x_label"]))
    several = rows["entity_id"].nunique() > 1
    names = list(dict.fromkeys(rows["entity"]))
    colour = _colour("entity", names, tr(lang, "主体", "Entity"), several)
    # periods in time order at 0, 1, ...: the change is written at the middle of its slope
    rows["pos"] = rows["x_label"].map({p: i for i, p in enumerate(sorted_periods)})
    last = len(sorted_periods) - 1
    names_expr = " : ".join(
        f"datum.value == {i} ? {json.dumps(p, ensure_ascii=False)}"
        for i, p in enumerate(sorted_periods)
    )
    x = alt.X(
        "pos:Q",
        title=None,
        scale=alt.Scale(domain=[-0.4, last + 0.4], nice=False, zero=False),
        axis=alt.Axis(
            values=list(range(last + 1)),
            labelExpr=f"{names_expr} : ''",
            domain=False,
            ticks=False,
            grid=False,
        ),
    )
    y = alt.Y(
        "shown:Q",
        title=_axis_title(str(rows["short"].iloc[0]), unit_label, lang),
        scale=alt.Scale(zero=True),
    )
    tooltip = fact_tooltip(lang, alt.Tooltip("entity:N", title=tr(lang, "主体", "Entity")))
    rows["exact"] = rows["qualifier"] == "none"
    line = (
        alt.Chart(rows).mark_line(strokeWidth=3).encode(x=x, y=y, color=colour, detail="entity:N")
    )
    dots = (
        alt.Chart(rows)
        .mark_point(size=160, strokeWidth=2.5, opacity=1, filled=False)
        .encode(
            x=x,
            y=y,
            color=colour,
            fill=_fill_when_exact("entity", names),
            tooltip=tooltip,
        )
    )
    values = (
        alt.Chart(rows)
        .mark_text(dy=-16, fontSize=13, fontWeight=600, color=INK)
        .encode(x=x, y=y, text="label:N", tooltip=tooltip)
    )
    middles = rows.groupby("entity", sort=False).agg(
        pos=("pos", "mean"),
        shown=("shown", "mean"),
        text=("change_label", "max"),
        rise=("shown", lambda v: v.iloc[-1] >= v.iloc[0]),
    )
    # under the middle of its slope, on the side the line leaves empty
    delta = [
        alt.Chart(middles[middles["rise"] == rise].reset_index())
        .mark_text(align=align, dx=dx, dy=16, fontSize=13, color=ACCENT, fontWeight=600)
        .encode(x=x, y=y, text="text:N")
        for rise, align, dx in ((True, "left", 6), (False, "right", -6))
    ]
    chart = alt.layer(*_bound_marks(rows, x, y), line, dots, values, *delta).properties(
        width=420, height=260
    )
    name = str(rows["indicator"].iloc[0])
    pairs = rows[rows["end"] == "after"]
    span = " → ".join(sorted_periods[:1] + sorted_periods[-1:])
    items = [f"{r.entity} {r.change_label}" for r in pairs.itertuples()]
    return _done(
        chart,
        rows,
        lang,
        title=title,
        default=(f"{name}：{span}", f"{name}: {span}"),
        notes=(note, _bound_note(rows, lang)),
        what=("斜率图", "Slope chart"),
        items=(items, items),
    )


def _bound_of(first: pd.Series, last: pd.Series) -> str:
    """The qualifier a change inherits from bounds at either end (``none`` when exact)."""
    words = set()
    for row, sign in ((first, -1), (last, 1)):
        q = row["qualifier"]
        if q in _UPPER_BOUNDS:
            words.add("at_most" if sign > 0 else "more_than")
        elif q in _LOWER_BOUNDS:
            words.add("more_than" if sign > 0 else "at_most")
        elif q == "approx":
            words.add("approx")
    return words.pop() if len(words) == 1 else ("approx" if words else "none")


def _change_text(
    step: dict, unit: str, lang: str, bound: str = "none", written: str | None = None
) -> str:
    word = {
        "more_than": tr(lang, "超过", "more than "),
        "at_most": tr(lang, "至多", "at most "),
        "approx": tr(lang, "约", "about "),
    }.get(bound, "")
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
    rate = formatting.percent(step["growth"], lang, signed=True)
    text = f"{diff}（{rate}）" if lang == "zh" else f"{diff} ({rate})"
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
) -> alt.LayerChart:
    """Return rates against their reference, with the gap in percentage points.

    Either ``gap`` names the indicator(s) stating how many points the rate is above its
    reference (the reference is then implied: rate − gap, marked as derived), or
    ``reference`` names the entity whose same rate is the reference. An indicator written as
    a decline (``positive_means`` = ``fall``) is turned into a signed growth rate first.
    """
    df = plot_frame(data, lang)
    rates = pick(df, chart="gap", indicator=rate, entity=entity, period=period, source=source)
    if reference is not None:
        rates = rates[rates["entity_id"] != reference]
    falls = set(datasets.indicators("en").query("positive_means == 'fall'")["indicator_id"])
    rate_ids, gap_ids = _as_ids(rate), _as_ids(gap)
    if gap_ids and len(gap_ids) != len(rate_ids):
        raise ValueError("gap: give one gap indicator for each rate indicator")
    pairs = dict(zip(rate_ids, gap_ids, strict=False))
    rows = []
    for r in rates.to_dict("records"):
        signed = -r["base_value"] if r["indicator_id"] in falls else r["base_value"]
        if gap_ids:
            g = df[
                (df["indicator_id"] == pairs[r["indicator_id"]])
                & (df["entity_id"] == r["entity_id"])
                & (df["period"] == r["period"])
            ]
            if g.empty:
                continue
            g = g.iloc[0]
            diff = float(g["base_value"])
            ref = derived.implied_rate(diff, signed)
            ref_name = tr(lang, "参照（推算）", "reference (implied)")
            facts = f"{r['fact_id']};{g['fact_id']}"
        else:
            g = df[
                (df["indicator_id"] == r["indicator_id"])
                & (df["entity_id"] == reference)
                & (df["period"] == r["period"])
            ]
            if g.empty:
                continue
            g = g.iloc[0]
            ref = -g["base_value"] if g["indicator_id"] in falls else float(g["base_value"])
            diff = signed - ref
            ref_name = str(g["entity"])
            facts = f"{r['fact_id']};{g['fact_id']}"
        row_label = (
            f"{r['short']}（{formatting.period(r['period'], lang)}）"
            if lang == "zh"
            else f"{r['short']} ({formatting.period(r['period'], lang)})"
        )
        for who, value, is_ref in ((r["entity"], signed, False), (ref_name, ref, True)):
            provenance = g if is_ref else r
            rows.append(
                {
                    **r,
                    **{
                        c: provenance[c]
                        for c in ("source_id", "source_title", "source_short")
                        if c in provenance
                    },
                    "row_label": row_label,
                    "who": who,
                    "rate": value,
                    "is_ref": is_ref,
                    "rate_text": f"{value:+.1f}%",
                    "gap_text": "" if is_ref else formatting.points(diff, lang),
                    "fact_id": facts,
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
    spans = rows.pivot_table(
        index="row_label", columns="is_ref", values="rate", aggfunc="first"
    ).reset_index()
    spans.columns = ["row_label", "own", "ref"]
    link = (
        alt.Chart(spans)
        .mark_rule(strokeWidth=3, color="#c9c9c9")
        .encode(x="own:Q", x2="ref:Q", y=y)
    )
    zero = alt.Chart(pd.DataFrame({"z": [0]})).mark_rule(color="#9a9a9a").encode(x="z:Q")
    dots = (
        alt.Chart(rows)
        .mark_point(size=150, strokeWidth=2.5, opacity=1, filled=False)
        .encode(
            x=x,
            y=y,
            color=alt.condition("datum.is_ref", alt.value(DERIVED), alt.value(ACCENT)),
            fill=alt.condition("datum.is_ref", alt.value("white"), alt.value(ACCENT)),
            tooltip=tooltip,
        )
    )
    rows["text"] = [
        f"{r.who} {r.rate_text}"
        if r.is_ref
        else (f"{r.rate_text}（{r.gap_text}）" if lang == "zh" else f"{r.rate_text} ({r.gap_text})")
        for r in rows.itertuples()
    ]
    texts = [
        alt.Chart(rows[rows["is_ref"] == is_ref])
        .mark_text(dy=dy, fontSize=11, color=colour)
        .encode(x=x, y=y, text="text:N", tooltip=tooltip)
        for is_ref, dy, colour in ((False, -17, ACCENT), (True, 19, DERIVED))
    ]
    layers = [zero, link, dots, *texts]
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
        layers = [
            lay.encode(opacity=alt.value(1) if lay is zero else alt.OpacityValue(value=shown))
            for lay in layers
        ]
        layers[0] = layers[0].add_params(focus)
    chart = alt.layer(*layers).properties(width=520, height=max(100, 70 * len(order)))
    stated = rows[~rows["is_ref"]]
    return _done(
        chart,
        rows,
        lang,
        title=title,
        default=("增速与参照之差（百分点）", "Growth against its reference, in percentage points"),
        notes=(
            note,
            tr(
                lang,
                "实心：原文数值；空心：由原文给出的差距（百分点）推算的参照值"
                if gap_ids
                else "实心：原文数值；空心：参照主体的原文数值",
                "Filled: as stated; hollow: the reference, derived from the stated gap in "
                "percentage points"
                if gap_ids
                else "Filled: as stated; hollow: the reference entity, as stated",
            ),
        ),
        what=("哑铃图", "Dumbbell chart"),
        items=(
            [f"{r.row_label} {r.rate_text}，{r.gap_text}" for r in stated.itertuples()],
            [f"{r.row_label} {r.rate_text}, {r.gap_text}" for r in stated.itertuples()],
        ),
    )
