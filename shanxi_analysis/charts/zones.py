"""Charts of the development zones and the demonstration zone."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import datasets, metrics
from ._base import (
    ACCENT,
    GREEN,
    INK,
    MUTED,
    VIOLET,
    fact_tooltip,
    facts_frame,
    finish,
    select,
    tr,
    with_plot_columns,
)

_LEVEL = ("dz-dev-zones-national-2020", "dz-dev-zones-provincial-2020")
_TYPE = (
    "dz-dev-zones-industrial-2020",
    "dz-dev-zones-eco-tourism-2020",
    "dz-dev-zones-agricultural-2020",
)
_PART_LABELS = {
    "dz-dev-zones-national-2020": ("国家级", "National"),
    "dz-dev-zones-provincial-2020": ("省级", "Provincial"),
    "dz-dev-zones-industrial-2020": ("工业类", "Industrial"),
    "dz-dev-zones-eco-tourism-2020": ("生态文化旅游类", "Eco-cultural tourism"),
    "dz-dev-zones-agricultural-2020": ("现代农业产业类", "Modern agriculture"),
}


def dev_zones_composition(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.Chart:
    """Return stacked bars of Shanxi's 83 development zones (2020) by level and by type.

    Clicking a legend entry highlights that part.
    """
    df = facts_frame(data, lang)
    rows = with_plot_columns(select(df, _LEVEL + _TYPE, chart="dev_zones_composition"), lang)
    li = 0 if lang == "zh" else 1
    rows["part"] = rows["fact_id"].map(lambda f: _PART_LABELS[f][li])
    rows["breakdown"] = [
        tr(lang, "按级别", "By level") if f in _LEVEL else tr(lang, "按类型", "By type")
        for f in rows["fact_id"]
    ]
    rows["order"] = range(len(rows))
    pick = alt.selection_point(fields=["part"], bind="legend")
    chart = (
        alt.Chart(rows)
        .mark_bar(height=34)
        .encode(
            y=alt.Y("breakdown:N", title=None, sort=None),
            x=alt.X(
                "base_value:Q",
                stack="zero",
                title=tr(lang, "开发区数量（个）", "Development zones (count)"),
            ),
            color=alt.Color(
                "part:N",
                sort=list(rows["part"]),
                title=tr(lang, "类别", "Category"),
                legend=alt.Legend(columns=3),
            ),
            order=alt.Order("order:Q"),
            opacity=alt.condition(pick, alt.value(1), alt.value(0.3)),
            tooltip=fact_tooltip(lang, alt.Tooltip("part:N", title=tr(lang, "类别", "Category"))),
        )
        .add_params(pick)
        .properties(width=520, height=120)
    )
    period = rows["period"].iloc[0]
    total = select(df, ["dz-dev-zones-total-2020"], chart="dev_zones_composition").iloc[0]
    parts = {
        b: "、".join(f"{r.part} {r.value:g}" for r in rows[rows["breakdown"] == b].itertuples())
        if lang == "zh"
        else ", ".join(
            f"{r.value:g} {r.part.lower()}" for r in rows[rows["breakdown"] == b].itertuples()
        )
        for b in rows["breakdown"].unique()
    }
    desc = (
        "；".join(f"{b}：{p}" for b, p in parts.items())
        if lang == "zh"
        else "; ".join(f"{b.lower()}: {p}" for b, p in parts.items())
    )
    return finish(
        chart,
        rows["source_id"],
        lang=lang,
        title=tr(
            lang,
            f"山西省级以上开发区的构成（{period} 年）",
            f"Shanxi's development zones at provincial level and above ({period})",
        ),
        description=tr(
            lang,
            f"横向堆积条形图。{desc}；合计 {total.value:g} 个。",
            f"Stacked bar chart. {desc}; {total.value:g} in all.",
        ),
    )


dev_zones_composition.theme = "development_zones"


# ---------------------------------------------------------------- the demonstration zone's parks

_PARK_GROUPS = (
    # (fact giving the count, its label); the last group's count is the total minus the others
    ("dz-demo-zone-national-parks", ("国家级开发区", "National-level zones")),
    ("dz-demo-zone-provincial-parks", ("省级开发区", "Provincial-level zones")),
    ("dz-demo-zone-parks-total", ("单独列出", "Listed separately")),
)
_PARKS_TOTAL = "dz-demo-zone-parks-total"
_PARK_TYPES = ("development_zone", "park")


def _named_parks(quote: str, lang: str) -> list[str]:
    """Names (in ``lang``) of the demonstration zone's parks mentioned in ``quote``, in the
    order the quote names them."""
    ents = datasets.entities(lang)
    ents = ents[(ents["parent_id"] == "demo-zone") & ents["type"].isin(_PARK_TYPES)]
    found = [(quote.find(r.mention), r.name) for r in ents.itertuples() if r.mention in quote]
    return [name for _, name in sorted(found)]


def demo_zone_parks(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return a unit chart of the parks merged into the demonstration zone: one square per
    park, grouped by level, each labelled with its name.

    The number of squares in a group is the fact's count (the last group: the total minus the
    others); names come from ``datasets.entities`` (parks of ``demo-zone`` that the group's
    quote names); a square the quote does not name is labelled as such.
    """
    df = facts_frame(data, lang)
    ids = [f for f, _ in _PARK_GROUPS]
    facts = with_plot_columns(select(df, ids, chart="demo_zone_parks"), lang).set_index("fact_id")
    li = 0 if lang == "zh" else 1
    counts = {f: int(facts.loc[f, "base_value"]) for f in ids[:-1]}
    counts[_PARKS_TOTAL] = int(facts.loc[_PARKS_TOTAL, "base_value"]) - sum(counts.values())
    unnamed = tr(lang, "（原文未列名）", "(not named in the text)")
    rows, y = [], 0.0
    for g, (fact_id, labels) in enumerate(_PARK_GROUPS):
        names = _named_parks(facts.loc[fact_id, "quote"], lang)
        n = max(counts[fact_id], 0)
        for i in range(n):
            rows.append(
                {
                    "fact_id": fact_id,
                    "group": labels[li],
                    "group_order": g,
                    "park": names[i] if i < len(names) else unnamed,
                    "y": y,
                    "first": i == 0,
                    "count_label": f"{n}",
                    "group_label": labels[li],
                }
            )
            y += 1
        y += 0.8  # a gap between groups
    units = pd.DataFrame(rows)
    units = units.merge(facts.reset_index(), on="fact_id", how="left")
    height = max(140, int(y * 26))
    pick = alt.selection_point(fields=["group"], on="pointerover", clear="pointerout")
    colour = alt.Color(
        "group:N",
        scale=alt.Scale(domain=[g[1][li] for g in _PARK_GROUPS], range=[ACCENT, GREEN, VIOLET]),
        legend=None,
    )
    y_enc = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[-0.6, max(y - 0.5, 1)], reverse=True))
    x_scale = alt.Scale(domain=[0, 100])
    tooltip = fact_tooltip(
        lang,
        alt.Tooltip("park:N", title=tr(lang, "园区", "Park")),
        alt.Tooltip("group:N", title=tr(lang, "类别", "Group")),
    )
    base = alt.Chart().encode(y=y_enc, tooltip=tooltip)
    squares = (
        base.mark_square(size=260, opacity=1)
        .encode(
            x=alt.X("sq_x:Q", axis=None, scale=x_scale),
            color=colour,
            opacity=alt.condition(pick, alt.value(1), alt.value(0.35)),
        )
        .transform_calculate(sq_x="31")
        .add_params(pick)
    )
    names = (
        base.mark_text(align="left", dx=14, fontSize=12, color=INK)
        .encode(x=alt.X("sq_x:Q", axis=None, scale=x_scale), text="park:N")
        .transform_calculate(sq_x="31")
    )
    heads = alt.Chart().transform_filter(alt.datum.first)
    big = (
        heads.mark_text(align="left", baseline="middle", fontSize=28, fontWeight=700)
        .encode(
            x=alt.X("num_x:Q", axis=None, scale=x_scale),
            y=y_enc,
            text="count_label:N",
            color=colour,
            tooltip=tooltip,
        )
        .transform_calculate(num_x="0")
    )
    group_text = (
        heads.mark_text(align="left", baseline="top", fontSize=11, color="#3a3a3a", dy=16)
        .encode(
            x=alt.X("num_x:Q", axis=None, scale=x_scale),
            y=y_enc,
            text="group_label:N",
            tooltip=tooltip,
        )
        .transform_calculate(num_x="0")
    )
    chart = alt.layer(squares, names, big, group_text, data=units).properties(
        width=520, height=height
    )
    total = facts.loc[_PARKS_TOTAL]
    parts = [
        (labels[li], int((units["fact_id"] == f).sum()), units.loc[units["fact_id"] == f, "park"])
        for f, labels in _PARK_GROUPS
    ]
    if lang == "zh":
        desc = "；".join(f"{g} {n} 个：{'、'.join(p)}" for g, n, p in parts)
        description = f"单位图，每个方块代表一个园区。{desc}。合计 {total.value:g} 个。"
    else:
        desc = "; ".join(f"{g.lower()}, {n}: {', '.join(p)}" for g, n, p in parts)
        description = f"Unit chart, one square per park. {desc}. {total.value:g} in all."
    return finish(
        chart,
        units["source_id"],
        lang=lang,
        title=tr(
            lang,
            f"{total.value:g} 个园区整合为山西转型综改示范区（{total.period} 年）",
            f"{total.value:g} parks merged into Shanxi's demonstration zone ({total.period})",
        ),
        description=description,
    )


demo_zone_parks.theme = "development_zones"


# ---------------------------------------------------------------- zones counted in two articles

_CHANGE = ("dz-dev-zones-total-2020", "lw-dev-zones-2021")


def dev_zones_change(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return bars of Shanxi's development zones at provincial level and above as counted by
    the 2020 article and by the 2021 article, with the change between them.

    The Taiyuan area's GDP against the national ETDZ average is left out: it is money, not a
    count of zones, and would need a second axis.
    """
    df = facts_frame(data, lang)
    rows = with_plot_columns(select(df, _CHANGE, chart="dev_zones_change"), lang)
    reg = datasets.sources(lang).set_index("source_id")
    rows["article"] = [tr(lang, f"{p} 年报道", f"{p} article") for p in rows["period"].astype(str)]
    rows["publisher"] = [
        reg.loc[s, "publisher"].split("（")[0].split(" (")[0] for s in rows["source_id"]
    ]
    rows["bar_label"] = [f"{v:g}" for v in rows["base_value"]]
    first, last = rows.iloc[0], rows.iloc[-1]
    change = last.base_value - first.base_value
    rate = metrics.growth(first.base_value, last.base_value)
    rows["change_label"] = ""
    rows.loc[rows.index[-1], "change_label"] = (
        f"{change:+g} 个（{rate:+.1%}）" if lang == "zh" else f"{change:+g} ({rate:+.1%})"
    )
    y = alt.Y(
        "article:N",
        sort=list(rows["article"]),
        title=None,
        axis=alt.Axis(labelFontSize=12, labelPadding=8, domain=False, ticks=False),
    )
    x = alt.X(
        "base_value:Q",
        title=tr(lang, "省级以上开发区（个）", "Zones at provincial level and above (count)"),
        scale=alt.Scale(domain=[0, float(rows["base_value"].max()) * 1.18], nice=False),
        axis=alt.Axis(grid=False, tickCount=5),
    )
    pick = alt.selection_point(fields=["article"], on="pointerover", clear="pointerout")
    tooltip = fact_tooltip(
        lang,
        alt.Tooltip("article:N", title=tr(lang, "报道", "Article")),
        alt.Tooltip("publisher:N", title=tr(lang, "出处", "Publisher")),
    )
    bars = (
        alt.Chart()
        .mark_bar(height=30, cornerRadiusEnd=2)
        .encode(
            y=y,
            x=x,
            color=alt.Color("article:N", scale=alt.Scale(range=[MUTED, ACCENT]), legend=None),
            opacity=alt.condition(pick, alt.value(1), alt.value(0.6)),
            tooltip=tooltip,
        )
        .add_params(pick)
    )
    values = (
        alt.Chart()
        .mark_text(align="right", dx=-8, color="white", fontSize=15, fontWeight=700)
        .encode(y=y, x=x, text="bar_label:N", tooltip=tooltip)
    )
    delta = (
        alt.Chart()
        .mark_text(align="left", dx=8, color=ACCENT, fontSize=13, fontWeight=600)
        .encode(y=y, x=x, text="change_label:N", tooltip=tooltip)
    )
    chart = alt.layer(bars, values, delta, data=rows).properties(width=520, height=130)
    return finish(
        chart,
        rows["source_id"],
        lang=lang,
        title=tr(
            lang,
            f"山西省级以上开发区：{first.base_value:g} 个 → {last.base_value:g} 个",
            f"Shanxi's development zones at provincial level and above: "
            f"{first.base_value:g} → {last.base_value:g}",
        ),
        subtitle=tr(
            lang,
            f"两篇报道各自的说法（{first.period} 年、{last.period} 年），不是同一统计的时间序列",
            f"As stated by two articles ({first.period} and {last.period}), "
            "not one statistical series",
        ),
        description=tr(
            lang,
            f"条形图。{first.period} 年报道：{first.base_value:g} 个；{last.period} 年报道："
            f"{last.base_value:g} 个；增加 {change:g} 个（{rate:+.1%}）。",
            f"Bar chart. The {first.period} article: {first.base_value:g}; the {last.period} "
            f"article: {last.base_value:g}; {change:+g} ({rate:+.1%}).",
        ),
    )


dev_zones_change.theme = "development_zones"

__charts__ = [dev_zones_composition, demo_zone_parks, dev_zones_change]
