"""Charts of emerging industries and innovation: high-tech enterprises, the science and
technology pipeline, and the industry clusters by tier."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import datasets, formatting
from ._base import (
    ACCENT,
    COAL,
    GREEN,
    INK,
    MUTED,
    SOFT,
    SOLAR,
    fact_tooltip,
    finish,
    plot_frame,
    quote_tooltip,
    scale_for,
    source_tooltip,
    table_frame,
    tr,
    wrap,
    written,
)
from ._base import (
    pick as pick_rows,
)
from .types import change

# ---------------------------------------------------------------- high_tech_growth


def high_tech_growth(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return Shanxi's high-tech enterprises from 2015 to 2020 (a :func:`change`), with the
    change, its rate and the compound annual growth rate."""
    return change(data, indicator="high_tech_enterprises", entity="shanxi", lang=lang)


high_tech_growth.theme = "emerging_industry"

# ---------------------------------------------------------------- innovation_pipeline

# Groups of indicators that share a unit; the dropdown shows one group at a time, so counts of
# different things and money never share an axis.
_PIPELINE = (
    (
        ("重大科技项目（个）", "Major S&T projects (count)"),
        ("major_sci_tech_projects_released", "major_sci_tech_projects_approved"),
        "projects",
    ),
    (
        ("项目资金（亿元）", "Project money (100 million yuan)"),
        ("rd_investment", "expected_new_output"),
        "",
    ),
    (
        ("智创城（个）", "Smart innovation cities (count)"),
        ("smart_innovation_cities",),
        "cities",
    ),
    (
        ("智创城入驻企业（家）", "Firms in the smart innovation cities (count)"),
        ("smart_innovation_city_firms",),
        "firms",
    ),
)
_BATCHES = "major_sci_tech_project_batches"
_KIND_WORDS = {"plan": ("布局建设", "planned"), "actual": ("已建成", "built")}


def innovation_pipeline(
    data: pd.DataFrame | None = None, *, lang: str = "zh", group: int = 0
) -> alt.LayerChart:
    """Return bars of the science-and-technology pipeline (projects, money, smart innovation
    cities, firms), one unit group at a time through a dropdown; ``group`` picks the default."""
    df = plot_frame(data, lang)
    li = 0 if lang == "zh" else 1
    if not 0 <= group < len(_PIPELINE):
        raise ValueError(f"group must be 0–{len(_PIPELINE) - 1}, got {group!r}")
    order = [i for _, indicators, _ in _PIPELINE for i in indicators]
    rows = pick_rows(df, chart="innovation_pipeline", indicator=[*order, _BATCHES])
    batches = rows[rows["indicator_id"] == _BATCHES].iloc[0]
    rows = rows[rows["indicator_id"] != _BATCHES].copy()
    rows["_at"] = rows["indicator_id"].map({i: n for n, i in enumerate(order)})
    rows["_kind"] = rows["kind"].map({k: n for n, k in enumerate(_KIND_WORDS)}).fillna(9)
    rows = rows.sort_values(["_at", "_kind"], kind="stable").reset_index(drop=True)
    group_of = {i: names[li] for names, indicators, _ in _PIPELINE for i in indicators}
    noun_of = {i: noun for _, indicators, noun in _PIPELINE for i in indicators}
    rows["group"] = rows["indicator_id"].map(group_of)
    rows["order"] = range(len(rows))
    kinds = rows["kind"].astype(str)
    items = []
    for (_, r), kind in zip(rows.iterrows(), kinds, strict=True):
        name = r["indicator"]
        if r["indicator_id"] == "smart_innovation_cities" and kind in _KIND_WORDS:
            name = tr(lang, f"{name}：", f"{name}: ") + _KIND_WORDS[kind][li]
        if r["indicator_id"] == "major_sci_tech_projects_approved":
            name = tr(
                lang,
                f"{name}（分 {formatting.number(batches['value'], lang)} 批）",
                f"{name} (in {formatting.number(batches['value'], lang)} batches)",
            )
        period = str(r["period"] or "")
        if period and period != "None":
            name += f" · {period.replace('/', '–')}"
        items.append(name)
    rows["item"] = items
    rows["label"] = [written(r, lang, noun_of[r["indicator_id"]]) for _, r in rows.iterrows()]
    # Bars in each group's own display unit (亿元 for the money), read from the data.
    shown = []
    for g in rows["group"].unique():
        part = rows[rows["group"] == g]
        factor, _ = scale_for(str(part["base_unit"].iloc[0]), part["base_value"], lang)
        shown += list(part["base_value"] / factor)
    rows["shown"] = shown
    options = [names[li] for names, _, _ in _PIPELINE]
    pick = alt.param(
        name="pipeline_group",
        value=options[group],
        bind=alt.binding_select(options=options, name=tr(lang, "查看：", "Show: ")),
    )
    base = alt.Chart(rows).transform_filter(alt.datum.group == pick)
    y = alt.Y("item:N", sort=list(rows["item"]), title=None, axis=None)
    x = alt.X("shown:Q", axis=None, title=None, scale=alt.Scale(zero=True, nice=False))
    tip = fact_tooltip(lang, alt.Tooltip("group:N", title=tr(lang, "类别", "Group")))
    bars = base.mark_bar(size=26, color=ACCENT, cornerRadiusEnd=3).encode(
        x=x,
        y=y,
        color=alt.Color(
            "kind_label:N",
            title=None,
            scale=alt.Scale(
                domain=[datasets.KIND_LABELS[k][li] for k in ("actual", "plan", "estimate")],
                range=[ACCENT, MUTED, SOLAR],
            ),
            legend=alt.Legend(orient="bottom", title=tr(lang, "性质", "Kind")),
        ),
        tooltip=tip,
    )
    values = base.mark_text(align="left", dx=6, fontSize=14, fontWeight=600, color=INK).encode(
        x=x, y=y, text="label:N", tooltip=tip
    )
    names = base.mark_text(align="left", dy=-22, fontSize=12, color=SOFT).encode(
        x=alt.value(0), y=y, text="item:N", tooltip=tip
    )
    chart = (
        alt.layer(bars, values, names).add_params(pick).properties(width=460, height=alt.Step(64))
    )
    sep, colon = ("、", "：") if lang == "zh" else (", ", ": ")
    parts = [
        g
        + colon
        + sep.join(
            f"{item} {label}"
            for item, label in rows.loc[rows["group"] == g, ["item", "label"]].itertuples(
                index=False
            )
        )
        for g in options
    ]
    return finish(
        chart,
        [*rows["source_id"], batches["source_id"]],
        lang=lang,
        title=tr(lang, "山西的科技创新：项目、资金与智创城", "Shanxi's innovation pipeline"),
        subtitle=tr(
            lang,
            "用下拉菜单切换类别：单位不同的数字不放在同一坐标轴上",
            "Use the dropdown to switch groups: figures in different units never share an axis",
        ),
        description=tr(
            lang,
            "条形图，每次显示一类（单位相同）。" + "；".join(parts) + "。",
            "Bar chart showing one group (one unit) at a time. " + "; ".join(parts) + ".",
        ),
    )


innovation_pipeline.theme = "emerging_industry"

# ---------------------------------------------------------------- cluster_tiers

_TIERS = {
    "signature": ("标志性引领性", "Signature, leading", ACCENT),
    "advantage": ("优势特色", "Distinctive advantage", GREEN),
    "hundred_billion": ("千亿级", "Hundred-billion-yuan", COAL),
    "ten_billion": ("百亿级", "Ten-billion-yuan", SOLAR),
    "": ("未标明层级", "Tier not stated", MUTED),
}
_GROUPS = {
    "2+9": ("“2+9”", "2+9"),
    "4-hundred-billion": ("千亿级", "hundred-billion"),
    "standalone": ("单列", "named alone"),
    "ten-billion": ("百亿级", "ten-billion"),
    "provincial-flagship": ("主攻方向", "flagships"),
}
_ZONES = {"demo-zone": ("示范区", "Demo zone"), "shanxi": ("全省", "Province")}
_DARK_TEXT = {SOLAR, MUTED}
_NAME_LINE = 12


def cluster_tiers(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return a tile matrix of the industry clusters: one tile per cluster, one column per list
    (2020 "2+9", 2021 hundred-billion and ten-billion, the province's flagships), coloured by
    tier; clicking the legend highlights a tier."""
    needed = ("cluster_id", "tier", "group", "zone_entity_id", "source_id", "mention", "quote")
    df = table_frame(
        data, lang, datasets.clusters, needed, chart="cluster_tiers", localized="name"
    ).reset_index(drop=True)
    li = 0 if lang == "zh" else 1
    tier = df["tier"].astype(object).where(df["tier"].notna(), "").astype(str)
    unknown = sorted(set(tier) - set(_TIERS))
    if unknown:
        raise ValueError(f"cluster_tiers: unknown tier(s) {', '.join(unknown)}")
    df["tier_label"] = [_TIERS[t][li] for t in tier]
    df["ink"] = [INK if _TIERS[t][2] in _DARK_TEXT else "white" for t in tier]
    reg = datasets.sources(lang).set_index("source_id")
    year = {s: str(reg.loc[s, "published"])[:4] if s in reg.index else "" for s in reg.index}
    entities = datasets.entities(lang).set_index("entity_id")["name"]
    columns = {}
    keys = ["group", "zone_entity_id", "source_id"]
    counts = df.groupby(keys, sort=False).size()
    for key in counts.index:
        g, zone, source = key
        lines = [
            _ZONES.get(zone, (entities.get(zone, zone),) * 2)[li],
            f"{_GROUPS.get(g, (g, g))[li]} · {counts[key]}",
            year.get(source, ""),
        ]
        columns[key] = "\n".join(lines)  # always three lines, so headers align
    df["column"] = [columns[k] for k in df[keys].itertuples(index=False, name=None)]
    df["slot"] = df.groupby("column", sort=False).cumcount()
    df["source_short"] = [
        f"{reg.loc[s, 'publisher'].split('（')[0].split(' (')[0]} {reg.loc[s, 'published']}"
        if s in reg.index
        else s
        for s in df["source_id"]
    ]
    # English names are long: wrap them onto two lines inside the tile.
    df["shown"] = [wrap(n, 17) if lang == "en" else n for n in df["name"]]
    order = list(columns.values())
    heads = df.drop_duplicates("column").copy()
    heads["name"] = heads["column"].str.replace("\n", " ")
    tiers_present = [t for t in _TIERS if t in set(tier)]
    pick = alt.selection_point(fields=["tier_label"], bind="legend")
    x = alt.X("column:N", sort=order, title=None, axis=None, scale=alt.Scale(paddingInner=0.08))
    y = alt.Y("slot:O", axis=None, title=None, scale=alt.Scale(paddingInner=0.12))
    tip = [
        alt.Tooltip("name:N", title=tr(lang, "产业集群", "Cluster")),
        alt.Tooltip("tier_label:N", title=tr(lang, "层级", "Tier")),
        alt.Tooltip("column:N", title=tr(lang, "清单", "List")),
        alt.Tooltip("mention:N", title=tr(lang, "原文写法", "As written")),
        quote_tooltip(lang, "quote"),
        source_tooltip(lang),
    ]
    tiles = (
        alt.Chart(df)
        .mark_rect(cornerRadius=3)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "tier_label:N",
                title=tr(lang, "层级", "Tier"),
                scale=alt.Scale(
                    domain=[_TIERS[t][li] for t in tiers_present],
                    range=[_TIERS[t][2] for t in tiers_present],
                ),
                legend=alt.Legend(orient="bottom", columns=3, symbolType="square"),
            ),
            opacity=alt.condition(pick, alt.value(1), alt.value(0.2)),
            tooltip=tip,
        )
        .add_params(pick)
    )
    # Vega stacks extra lines below the anchor, so two-line names are lifted by half a line.
    df["lines"] = df["shown"].str.count("\n") + 1
    names = [
        alt.Chart(df[df["lines"] == n])
        .mark_text(
            fontSize=10.5 if lang == "zh" else 10,
            limit=104,
            lineBreak="\n",
            lineHeight=_NAME_LINE,
            dy=-(n - 1) * _NAME_LINE / 2,
        )
        .encode(
            x=x,
            y=y,
            text="shown:N",
            color=alt.Color("ink:N", scale=None),
            opacity=alt.condition(pick, alt.value(1), alt.value(0.35)),
            tooltip=tip,
        )
        for n in sorted(df["lines"].unique())
    ]
    header = (
        alt.Chart(heads)
        .mark_text(baseline="bottom", fontSize=11, lineBreak="\n", lineHeight=14, dy=-28, color=INK)
        .encode(
            x=x,
            y=alt.value(-6),
            text="column:N",
            tooltip=[
                alt.Tooltip("name:N", title=tr(lang, "清单", "List")),
                quote_tooltip(lang, "quote"),
                source_tooltip(lang),
            ],
        )
    )
    step = 26 if lang == "zh" else 32
    chart = alt.layer(tiles, *names, header).properties(width=560, height=alt.Step(step))
    sep = "、" if lang == "zh" else ", "
    desc_parts = [
        f"{c.replace(chr(10), ' ')}：{sep.join(df.loc[df['column'] == c, 'name'])}"
        if lang == "zh"
        else f"{c.replace(chr(10), ' ')}: {sep.join(df.loc[df['column'] == c, 'name'])}"
        for c in order
    ]
    return finish(
        chart,
        df["source_id"],
        lang=lang,
        title=tr(lang, "山西产业集群：层级与清单", "Shanxi's industry clusters by tier and list"),
        subtitle=tr(
            lang,
            "每格一个集群；列为原文中的一份清单（地区、清单名 · 个数、年份）；点击图例突出一个层级",
            "One tile per cluster; each column is one list in the text (area, list · count, "
            "year); click the legend to highlight a tier",
        ),
        description=tr(
            lang,
            f"方格图，共 {len(df)} 个集群。" + "；".join(desc_parts) + "。",
            f"Tile matrix of {len(df)} clusters. " + "; ".join(desc_parts) + ".",
        ),
    )


cluster_tiers.theme = "emerging_industry"


__charts__ = [high_tech_growth, innovation_pipeline, cluster_tiers]
