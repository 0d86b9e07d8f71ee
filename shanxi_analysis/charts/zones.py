"""Charts of the development zones and the demonstration zone."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import datasets
from ._base import (
    ACCENT,
    GREEN,
    INK,
    VIOLET,
    fact_tooltip,
    finish,
    latest_fact_ids,
    plot_frame,
    select,
    tr,
)
from .types import change, composition


def dev_zones_composition(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.Chart:
    """Return stacked bars of Shanxi's development zones by level and by type (a
    :func:`composition` of the zone-count indicators). Clicking a legend entry highlights
    that part."""
    return composition(
        data,
        parts=[
            ["dev_zones_national", "dev_zones_provincial"],
            ["dev_zones_industrial", "dev_zones_eco_tourism", "dev_zones_agricultural"],
        ],
        whole="dev_zones_total",
        entity="shanxi-dev-zones",
        names=[tr(lang, "按级别", "By level"), tr(lang, "按类型", "By type")],
        lang=lang,
    )


dev_zones_composition.theme = "development_zones"


# ---------------------------------------------------------------- the demonstration zone's parks

_PARK_GROUPS = (
    # (fact giving the count, its label); the last group's count is the total minus the others
    ("demo_zone_national_parks", ("国家级开发区", "National-level zones")),
    ("demo_zone_provincial_parks", ("省级开发区", "Provincial-level zones")),
    ("demo_zone_parks_total", ("单独列出", "Listed separately")),
)
_PARKS_TOTAL = "demo_zone_parks_total"
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
    df = plot_frame(data, lang)
    chosen = latest_fact_ids(df, [i for i, _ in _PARK_GROUPS], chart="demo_zone_parks")
    groups = [(chosen[i], labels) for i, labels in _PARK_GROUPS]
    ids, total_id = [f for f, _ in groups], chosen[_PARKS_TOTAL]
    facts = select(df, ids, chart="demo_zone_parks").set_index("fact_id")
    li = 0 if lang == "zh" else 1
    counts = {f: int(facts.loc[f, "base_value"]) for f in ids[:-1]}
    counts[total_id] = int(facts.loc[total_id, "base_value"]) - sum(counts.values())
    unnamed = tr(lang, "（原文未列名）", "(not named in the text)")
    rows, y = [], 0.0
    for g, (fact_id, labels) in enumerate(groups):
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
    total = facts.loc[total_id]
    parts = [
        (labels[li], int((units["fact_id"] == f).sum()), units.loc[units["fact_id"] == f, "park"])
        for f, labels in groups
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


def dev_zones_change(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return Shanxi's development zones at provincial level and above as counted by the two
    articles (a :func:`change`), with the change between them."""
    return change(
        data,
        indicator="dev_zones_total",
        entity="shanxi-dev-zones",
        lang=lang,
        note=tr(
            lang,
            "两篇报道各自的说法，不是同一统计的时间序列",
            "As stated by two articles, not one statistical series",
        ),
    )


dev_zones_change.theme = "development_zones"

__charts__ = [dev_zones_composition, demo_zone_parks, dev_zones_change]
