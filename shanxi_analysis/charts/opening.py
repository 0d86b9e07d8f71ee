"""Charts of opening-up, investment and talent: the development zones' weight in Shanxi's
foreign investment and trade, growth against the reference averages, and the demonstration
zone's talent and partners."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import metrics
from ._base import (
    ACCENT,
    GREEN,
    INK,
    MUTED,
    SOFT,
    SOLAR,
    VIOLET,
    fact_tooltip,
    facts_frame,
    finish,
    num,
    period_label,
    qualified,
    scale_for,
    select,
    span_label,
    tr,
    with_plot_columns,
)

DERIVED = "#9a7b1c"  # a darker solar yellow, readable as text on white


def _short(value: float, qualifier: str) -> str:
    """A number (thousands separators in both languages) with its qualifier as a symbol."""
    return qualified(num(value, "en"), qualifier)


def _pct(x: float) -> str:
    return f"{x:.1f}%".replace("-", "−")


# ---------------------------------------------------------------- share of the province

_SHARES = (
    # (absolute value of the zones, their share of the province)
    ("dz-dev-zones-fdi-2019", "dz-dev-zones-fdi-share-2019"),
    ("dz-dev-zones-trade-2019", "dz-dev-zones-trade-share-2019"),
)


def _money(base_value: float, factor: float, unit: str, lang: str) -> str:
    """Money for a reader: ``58.3 亿元`` in Chinese, ``CNY 5.83 bn`` in English."""
    if lang == "zh":
        return f"{base_value / factor:,.1f} {unit}"
    if abs(base_value) >= 1e9:
        return f"CNY {base_value / 1e9:,.4g} bn"
    return f"CNY {base_value / 1e6:,.4g} m"


def zone_share_of_province(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return bars of the development zones' share of Shanxi's foreign investment and foreign
    trade (2019) against a 100% track, with the absolute values and the provincial totals they
    imply (``metrics.implied_total``) in the tooltips."""
    df = facts_frame(data, lang)
    ids = [f for pair in _SHARES for f in pair]
    facts = with_plot_columns(select(df, ids, chart="zone_share_of_province"), lang)
    facts = facts.set_index("fact_id")
    factor, unit = scale_for("yuan", [facts.loc[a, "base_value"] for a, _ in _SHARES], lang)
    rows = []
    for absolute, share in _SHARES:
        a, s = facts.loc[absolute], facts.loc[share]
        part, pct = float(a["base_value"]), float(s["base_value"])
        total = metrics.implied_total(part, pct)
        rows.append(
            {
                **s.to_dict(),
                "fact_id": share,
                "measure": a["indicator"],
                "share": pct,
                "full": 100.0,
                "share_label": _pct(pct),
                "absolute": a["display"]
                + ("" if lang == "zh" else f" ({_money(part, factor, unit, lang)})"),
                "implied_total": tr(
                    lang,
                    f"约 {_money(total, factor, unit, lang)}"
                    f"（推算：{part / factor:g} ÷ {s['value']:g}%）",
                    f"about {_money(total, factor, unit, lang)} (derived: "
                    f"{_money(part, factor, unit, lang)} ÷ {s['value']:g}%)",
                ),
                "total_label": tr(
                    lang,
                    f"全省约 {_money(total, factor, unit, lang)}（推算）",
                    f"whole province ≈ {_money(total, factor, unit, lang)} (derived)",
                ),
                "zone_label": tr(
                    lang,
                    f"开发区 {_money(part, factor, unit, lang)}",
                    f"zones {_money(part, factor, unit, lang)}",
                ),
                "total_value": total,
            }
        )
    rows = pd.DataFrame(rows)
    y = alt.Y("measure:N", sort=list(rows["measure"]), title=None, axis=None)
    x = alt.X(
        "share:Q",
        title=tr(lang, "占全省比重（%）", "Share of the province (%)"),
        scale=alt.Scale(domain=[0, 100], nice=False),
        axis=alt.Axis(values=[0, 25, 50, 75, 100], grid=False),
    )
    tooltip = fact_tooltip(
        lang,
        alt.Tooltip("absolute:N", title=tr(lang, "开发区绝对值", "The zones' value")),
        alt.Tooltip(
            "implied_total:N", title=tr(lang, "推算的全省总量", "Implied provincial total")
        ),
    )
    pick = alt.selection_point(fields=["measure"], on="pointerover", clear="pointerout")
    bar_height = 30
    track = (
        alt.Chart()
        .mark_bar(height=bar_height, color="#ececec")
        .encode(y=y, x=alt.X("full:Q", scale=alt.Scale(domain=[0, 100])), tooltip=tooltip)
    )
    bars = (
        alt.Chart()
        .mark_bar(height=bar_height)
        .encode(
            y=y,
            x=x,
            color=alt.Color("measure:N", scale=alt.Scale(range=[GREEN, ACCENT]), legend=None),
            opacity=alt.condition(pick, alt.value(1), alt.value(0.75)),
            tooltip=tooltip,
        )
        .add_params(pick)
    )
    share_text = (
        alt.Chart()
        .mark_text(align="right", dx=-8, color="white", fontSize=16, fontWeight=700)
        .encode(y=y, x=x, text="share_label:N", tooltip=tooltip)
    )
    zone_text = (
        alt.Chart()
        .mark_text(align="left", dx=8, color="white", fontSize=11)
        .encode(y=y, x=alt.datum(0), text="zone_label:N", tooltip=tooltip)
    )
    above = bar_height / 2 + 9
    heading = (
        alt.Chart()
        .mark_text(align="left", dy=-above, color=INK, fontSize=13, fontWeight=600)
        .encode(y=y, x=alt.datum(0), text="measure:N", tooltip=tooltip)
    )
    total_text = (
        alt.Chart()
        .mark_text(align="right", dy=-above, color=SOFT, fontSize=11)
        .encode(y=y, x=alt.X("full:Q"), text="total_label:N", tooltip=tooltip)
    )
    chart = alt.layer(
        track, bars, share_text, zone_text, heading, total_text, data=rows
    ).properties(width=520, height=78 * len(rows))
    period = rows["period"].iloc[0]
    parts = [(r.measure, r.share_label, r.absolute, r.total_label) for r in rows.itertuples()]
    if lang == "zh":
        desc = "；".join(f"{m}：{a}，占全省 {s}（{t}）" for m, s, a, t in parts)
    else:
        desc = "; ".join(f"{m.lower()}: {a}, {s} of the province ({t})" for m, s, a, t in parts)
    return finish(
        chart,
        rows["source_id"],
        lang=lang,
        title=tr(
            lang,
            f"开发区占山西利用外资和进出口的大头（{period} 年）",
            f"Development zones carry most of Shanxi's foreign investment and trade ({period})",
        ),
        subtitle=tr(
            lang,
            "灰色轨道为全省（100%）；全省总量由开发区数值与占比推算",
            "Grey track: the whole province (100%); provincial totals derived from the "
            "zones' values and shares",
        ),
        description=tr(lang, f"条形图。{desc}。", f"Bar chart. {desc}."),
    )


zone_share_of_province.theme = "opening_talent"


# ---------------------------------------------------------------- growth vs the average

_COMPARISONS = (
    # key, stated rate, gap in percentage points above the reference, labels
    (
        "fdi",
        "dz-dev-zones-fdi-growth-2020q1",
        "dz-dev-zones-fdi-growth-gap-2020q1",
        ("开发区利用外资", "Zones' foreign investment"),
        ("开发区", "Zones"),
        ("全省平均", "Provincial average"),
    ),
    (
        "imports",
        "dz-dev-zones-imports-decline-2020q1",
        "dz-dev-zones-imports-growth-gap-2020q1",
        ("开发区进口", "Zones' imports"),
        ("开发区", "Zones"),
        ("全省平均", "Provincial average"),
    ),
    (
        "trade",
        "lw-foreign-trade-growth-2020",
        "lw-foreign-trade-growth-gap-2020",
        ("山西外贸进出口", "Shanxi's foreign trade"),
        ("山西", "Shanxi"),
        ("全国", "National"),
    ),
)


def _signed_rate(row: pd.Series) -> tuple[float, bool]:
    """The rate to plot, and whether the fact stores a decline (a positive number that the
    words make negative, e.g. 下降 1.6%)."""
    decline = str(row["indicator_id"]).endswith("_decline_yoy")
    value = float(row["base_value"])
    return (-value if decline else value), decline


def growth_rows(data: pd.DataFrame | None = None, *, lang: str = "zh") -> pd.DataFrame:
    """Return the rows :func:`growth_vs_average` plots: per comparison, the stated rate and
    the reference rate it implies (``metrics.implied_rate``)."""
    df = facts_frame(data, lang)
    ids = [f for c in _COMPARISONS for f in c[1:3]]
    facts = with_plot_columns(select(df, ids, chart="growth_vs_average"), lang)
    facts = facts.set_index("fact_id")
    li = 0 if lang == "zh" else 1
    rows = []
    for order, (key, stated_id, gap_id, what, who, ref) in enumerate(_COMPARISONS):
        stated, gap = facts.loc[stated_id], facts.loc[gap_id]
        rate, decline = _signed_rate(stated)
        implied = metrics.implied_rate(float(gap["base_value"]), rate)
        label = (
            f"{what[li]}（{period_label(stated['period'], lang)}）"
            if lang == "zh"
            else (f"{what[li]} ({period_label(stated['period'], lang)})")
        )
        note = ""
        if decline:
            note = tr(
                lang,
                f"原文为“下降 {stated['value']:g}%”，此处记为 {_pct(rate)}",
                f"the text says “down {stated['value']:g}%”, plotted as {_pct(rate)}",
            )
        common = {"key": key, "comparison": label, "order": order}
        rows.append(
            {
                **stated.to_dict(),
                **common,
                "fact_id": stated_id,
                "role": tr(lang, "原文数值", "Stated"),
                "who": who[li],
                "rate": rate,
                "point_label": f"{who[li]} {_pct(rate)}",
                "derived": False,
                "how": note or tr(lang, "原文数值", "as stated"),
            }
        )
        rows.append(
            {
                **gap.to_dict(),
                **common,
                "fact_id": gap_id,
                "role": tr(lang, "推算的参照值", "Derived reference"),
                "who": ref[li],
                "rate": implied,
                "point_label": tr(
                    lang,
                    f"{ref[li]} {_pct(implied)}（推算）",
                    f"{ref[li]} {_pct(implied)} (derived)",
                ),
                "derived": True,
                "how": tr(
                    lang,
                    f"推算：{_pct(rate)} − {gap['value']:g} 个百分点 = {_pct(implied)}",
                    f"derived: {_pct(rate)} − {gap['value']:g} pp = {_pct(implied)}",
                ),
            }
        )
    out = pd.DataFrame(rows)
    out["rate"] = out["rate"].round(10)
    return out


def growth_vs_average(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return a dumbbell chart of growth rates against the reference average each one is
    compared with (zones vs province, Shanxi vs China), the references derived from the
    stated gaps; a dropdown focuses one comparison and rescales the axis to it."""
    rows = growth_rows(data, lang=lang)
    keys = list(dict.fromkeys(rows["key"]))
    labels = list(dict.fromkeys(rows["comparison"]))
    focus = alt.param(
        name="focus",
        value="all",
        bind=alt.binding_select(
            options=["all", *keys],
            labels=[tr(lang, "全部", "All"), *labels],
            name=tr(lang, "聚焦：", "Focus: "),
        ),
    )
    y = alt.Y(
        "comparison:N",
        sort=labels,
        title=None,
        axis=alt.Axis(labelFontSize=12, labelLimit=220, domain=False, ticks=False, grid=True),
    )
    x = alt.X(
        "rate:Q",
        title=tr(lang, "同比增速（%）", "Year-on-year change (%)"),
        scale=alt.Scale(zero=True, nice=True),
        axis=alt.Axis(format="~s"),
    )
    role_domain = list(dict.fromkeys(rows["role"]))
    tooltip = fact_tooltip(
        lang,
        alt.Tooltip("who:N", title=tr(lang, "对象", "Who")),
        alt.Tooltip("rate:Q", title=tr(lang, "绘图值（%）", "Plotted (%)"), format=".1f"),
        alt.Tooltip("how:N", title=tr(lang, "说明", "How")),
    )
    base = alt.Chart().transform_filter("focus == 'all' || datum.key == focus")
    zero = alt.Chart().mark_rule(color="#9a9a9a", strokeWidth=1).encode(x=alt.datum(0))
    link = base.mark_line(color=MUTED, strokeWidth=3, opacity=0.6).encode(
        y=y, x=x, detail="key:N", tooltip=tooltip
    )
    dots = base.mark_point(size=150, strokeWidth=2.5, opacity=1, filled=False).encode(
        y=y,
        x=x,
        stroke=alt.Stroke(
            "role:N", scale=alt.Scale(domain=role_domain, range=[ACCENT, DERIVED]), legend=None
        ),
        fill=alt.Fill(
            "role:N", scale=alt.Scale(domain=role_domain, range=[ACCENT, "white"]), legend=None
        ),
        tooltip=tooltip,
    )
    stated_text = (
        base.transform_filter("!datum.derived")
        .mark_text(dy=-16, fontSize=11, color=ACCENT, fontWeight=600)
        .encode(y=y, x=x, text="point_label:N", tooltip=tooltip)
    )
    derived_text = (
        base.transform_filter("datum.derived")
        .mark_text(dy=17, fontSize=11, color=DERIVED)
        .encode(y=y, x=x, text="point_label:N", tooltip=tooltip)
    )
    chart = (
        alt.layer(zero, link, dots, stated_text, derived_text, data=rows)
        .add_params(focus)
        .properties(width=520, height=70 * len(keys))
    )
    pairs = rows.pivot_table(index="comparison", columns="derived", values="rate", sort=False)
    if lang == "zh":
        desc = "；".join(
            f"{c}：{_pct(r[False])}，参照 {_pct(r[True])}" for c, r in pairs.iterrows()
        )
    else:
        desc = "; ".join(f"{c}: {_pct(r[False])} vs {_pct(r[True])}" for c, r in pairs.iterrows())
    return finish(
        chart,
        rows["source_id"],
        lang=lang,
        title=tr(
            lang,
            "增速与参照平均水平：开发区对全省，山西对全国",
            "Growth against the average: the zones against Shanxi, Shanxi against China",
        ),
        subtitle=tr(
            lang,
            "实心点为原文数值；空心点为参照平均，由原文所说高出的百分点推算",
            "Filled: as stated; hollow: the reference average, derived from the stated gap "
            "in percentage points",
        ),
        description=tr(
            lang,
            f"哑铃图（参照值为推算）。{desc}。",
            f"Dumbbell chart (references derived). {desc}.",
        ),
    )


growth_vs_average.theme = "opening_talent"


# ---------------------------------------------------------------- talent and partners

_TALENT = (
    # (fact, label) : one dot per university / workstation / researcher
    ("lw-demo-zone-university-partners", ("合作高校（所）", "Partner universities")),
    ("lw-demo-zone-academician-workstations", ("院士工作站（个）", "Academician workstations")),
    (
        "lw-demo-zone-national-talent",
        ("入选国家重大人才工程（位）", "Researchers in national talent programmes"),
    ),
)
_PROJECTS = "lw-investment-projects-three-regions"
_PROJECTS_SHARE = "lw-investment-projects-three-regions-share"
_DOTS_PER_ROW = 60


def talent_and_partners(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return the demonstration zone's talent base as rows of dots (one dot per university,
    workstation or researcher; "+" where the text says "more than") and, below it, the
    projects signed with three regions as a share of all projects signed (a 0–100% track).

    No axis mixes units: each row counts its own thing, the track is a share.
    """
    df = facts_frame(data, lang)
    ids = [f for f, _ in _TALENT] + [_PROJECTS, _PROJECTS_SHARE]
    facts = with_plot_columns(select(df, ids, chart="talent_and_partners"), lang)
    facts = facts.set_index("fact_id")
    li = 0 if lang == "zh" else 1
    width_units = max(_DOTS_PER_ROW, *(int(facts.loc[f, "base_value"]) for f, _ in _TALENT))
    dots, heads = [], []
    y = 0.0
    colours = [ACCENT, GREEN, VIOLET]
    for fact_id, label in _TALENT:
        f = facts.loc[fact_id]
        n = int(f["base_value"])
        heads.append(
            {
                **f.to_dict(),
                "fact_id": fact_id,
                "x": 0.0,
                "y": y,
                "text": label[li],
                "number": _short(float(f["base_value"]), f["qualifier"]),
                "group": label[li],
            }
        )
        y += 0.75
        for k in range(n):
            dots.append({"fact_id": fact_id, "source_id": f["source_id"], "x": k + 0.5, "y": y})
        if str(f["qualifier"]) in ("more_than", "at_least"):
            dots.append(
                {
                    "fact_id": fact_id,
                    "source_id": f["source_id"],
                    "x": n + 0.5,
                    "y": y,
                    "plus": True,
                }
            )
        y += 1.25
    dots = pd.DataFrame(dots)
    dots["plus"] = dots.get("plus", pd.Series(False, index=dots.index)).fillna(False).astype(bool)
    heads = pd.DataFrame(heads)
    # Each dot carries only its position and fact; the tooltip fields come from a lookup, so
    # the spec holds each quote once rather than once per dot.
    shown = ["indicator", "display", "period", "quote_shown", "source_short", "group"]
    lookup = alt.LookupData(data=heads[["fact_id", *shown]], key="fact_id", fields=shown)

    # The share of projects: its own 0–100% track, drawn across the same width.
    p, s = facts.loc[_PROJECTS], facts.loc[_PROJECTS_SHARE]
    y += 0.2
    track_y = y + 0.9
    share = float(s["base_value"])
    at_least = str(s["qualifier"]) in ("more_than", "at_least")
    share_rows = pd.DataFrame(
        [
            {
                **s.to_dict(),
                "fact_id": _PROJECTS_SHARE,
                "x": 0.0,
                "x2": width_units * share / 100,
                "full": float(width_units),
                "y": track_y,
                "share_text": _short(share, s["qualifier"]) + "%",
                "head": tr(
                    lang,
                    f"与京津冀、长三角、粤港澳大湾区签约招商项目 {p['value']:,.0f} 个，"
                    f"占同期签约总数 {_short(share, s['qualifier'])}%"
                    f"（{span_label(str(s['period']), 'zh')}）",
                    f"{p['value']:,.0f} investment projects signed with Beijing–Tianjin–Hebei, "
                    "the Yangtze Delta and the Greater Bay Area\n"
                    f"({span_label(str(s['period']), 'en')}): {_short(share, s['qualifier'])}% "
                    "of all projects signed",
                ),
                "head_y": y,
                "projects": p["display"],
            }
        ]
    )
    height = int((track_y + 0.8) * 34)
    x_scale = alt.Scale(domain=[0, width_units + 2], nice=False)
    y_scale = alt.Scale(domain=[-0.6, track_y + 0.6], reverse=True, nice=False)
    X = lambda f: alt.X(f, axis=None, scale=x_scale)  # noqa: E731
    Y = lambda f: alt.Y(f, axis=None, scale=y_scale)  # noqa: E731
    tooltip = fact_tooltip(lang)
    pick = alt.selection_point(fields=["group"], on="pointerover", clear="pointerout")
    group_colour = alt.Color(
        "group:N",
        scale=alt.Scale(domain=[t[1][li] for t in _TALENT], range=colours),
        legend=None,
    )
    dot_layer = (
        alt.Chart(dots)
        .transform_lookup(lookup="fact_id", from_=lookup)
        .transform_filter("!datum.plus")
        .mark_circle(size=38, opacity=1)
        .encode(
            x=X("x:Q"),
            y=Y("y:Q"),
            color=group_colour,
            opacity=alt.condition(pick, alt.value(1), alt.value(0.35)),
            tooltip=tooltip,
        )
        .add_params(pick)
    )
    plus_layer = (
        alt.Chart(dots)
        .transform_lookup(lookup="fact_id", from_=lookup)
        .transform_filter("datum.plus")
        .mark_text(fontSize=15, fontWeight=700, dx=1)
        .encode(x=X("x:Q"), y=Y("y:Q"), text=alt.value("+"), color=group_colour, tooltip=tooltip)
    )
    head_text = (
        alt.Chart(heads)
        .mark_text(align="left", baseline="middle", fontSize=12, color="#3a3a3a", dx=34)
        .encode(x=X("x:Q"), y=Y("y:Q"), text="text:N", tooltip=tooltip)
    )
    head_num = (
        alt.Chart(heads)
        .mark_text(align="left", baseline="middle", fontSize=17, fontWeight=700)
        .encode(x=X("x:Q"), y=Y("y:Q"), text="number:N", color=group_colour, tooltip=tooltip)
    )
    share_tooltip = fact_tooltip(
        lang,
        alt.Tooltip("projects:N", title=tr(lang, "签约项目", "Projects signed")),
    )
    track = (
        alt.Chart(share_rows)
        .mark_bar(height=22, color="#ececec")
        .encode(x=X("x:Q"), x2="full:Q", y=Y("y:Q"), tooltip=share_tooltip)
    )
    filled = (
        alt.Chart(share_rows)
        .mark_bar(height=22, color=SOLAR)
        .encode(x=X("x:Q"), x2="x2:Q", y=Y("y:Q"), tooltip=share_tooltip)
    )
    layers = [dot_layer, plus_layer, head_num, head_text, track, filled]
    if at_least:
        # "三成以上": the bar may run further; an open arrow says so.
        layers.append(
            alt.Chart(share_rows)
            .mark_text(align="left", baseline="middle", fontSize=11, color="#7a6420", dx=3)
            .encode(x=X("x2:Q"), y=Y("y:Q"), text=alt.value("▶"), tooltip=share_tooltip)
        )
    layers += [
        alt.Chart(share_rows)
        .mark_text(
            align="right", baseline="middle", fontSize=13, fontWeight=700, dx=-6, color="#3a2f0b"
        )
        .encode(x=X("x2:Q"), y=Y("y:Q"), text="share_text:N", tooltip=share_tooltip),
        alt.Chart(share_rows)
        .mark_text(
            align="left",
            baseline="bottom",
            fontSize=12,
            color="#3a3a3a",
            lineBreak="\n",
            dy=8 - 15 * share_rows["head"].iloc[0].count("\n"),
        )
        .encode(x=X("x:Q"), y=Y("head_y:Q"), text="head:N", tooltip=share_tooltip),
        alt.Chart(share_rows)
        .mark_text(align="right", baseline="middle", fontSize=10, color="#7a7a7a", dx=-6)
        .encode(x=X("full:Q"), y=Y("y:Q"), text=alt.value("100%"), tooltip=share_tooltip),
    ]
    chart = alt.layer(*layers).properties(width=520, height=height)
    parts = [(h.text, h.number) for h in heads.itertuples()]
    sr = share_rows.iloc[0]
    if lang == "zh":
        desc = "；".join(f"{t} {n}" for t, n in parts)
        description = f"点阵图，每点代表一所高校、一个工作站或一位科研人员。{desc}。{sr['head']}。"
    else:
        desc = "; ".join(f"{t.lower()}: {n}" for t, n in parts)
        description = (
            f"Dot rows, one dot per university, workstation or researcher: {desc}. {sr['head']}."
        )
    period = heads["period"].iloc[0]
    return finish(
        chart,
        list(heads["source_id"]) + list(share_rows["source_id"]),
        lang=lang,
        title=tr(
            lang,
            f"人才与合作：综改示范区的高校、院士与人才（{period} 年）",
            f"Talent and partners: the demonstration zone's universities and researchers "
            f"({period})",
        ),
        subtitle=tr(
            lang,
            "每点一个单位；“+”表示原文为“余”（超过）。下方为招商签约项目占比",
            "One dot per unit; “+” where the text says “more than”. Below: share of "
            "investment projects signed",
        ),
        description=description,
    )


talent_and_partners.theme = "opening_talent"

__charts__ = [zone_share_of_province, growth_vs_average, talent_and_partners]
