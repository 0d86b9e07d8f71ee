"""Charts of opening-up, investment and talent: the development zones' weight in Shanxi's
foreign investment and trade, growth against the reference averages, and the demonstration
zone's talent and partners."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import formatting
from ._base import (
    ACCENT,
    GREEN,
    SOLAR,
    VIOLET,
    fact_tooltip,
    finish,
    latest_fact_ids,
    plot_frame,
    qualified,
    select,
    span_label,
    tr,
)
from .types import gap, share

DERIVED = "#9a7b1c"  # a darker solar yellow, readable as text on white


def _short(value: float, qualifier: str) -> str:
    """A number (thousands separators in both languages) with its qualifier as a sign."""
    return qualified(formatting.number(value, "en"), qualifier)


def zone_share_of_province(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return the development zones' share of Shanxi's foreign investment and foreign trade
    against a 100% track (a :func:`share`), with the provincial totals they imply."""
    return share(
        data,
        part=["fdi_utilised", "foreign_trade"],
        share=["fdi_share_of_province", "foreign_trade_share_of_province"],
        entity="shanxi-dev-zones",
        lang=lang,
        title=tr(
            lang,
            "开发区在全省利用外资和进出口中的占比",
            "The development zones' share of Shanxi's foreign investment and trade",
        ),
    )


zone_share_of_province.theme = "opening_talent"


def growth_vs_average(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return growth rates against their reference averages (a :func:`gap`): the zones
    against the province, Shanxi against the nation; references are derived from the gaps
    the articles state."""
    return gap(
        data,
        rate=["fdi_growth_yoy", "imports_decline_yoy", "foreign_trade_growth_yoy"],
        gap=[
            "fdi_growth_gap_vs_province",
            "imports_growth_gap_vs_province",
            "foreign_trade_growth_gap_vs_national",
        ],
        lang=lang,
        title=tr(
            lang,
            "增速与平均水平：开发区对全省，山西对全国",
            "Growth against the average: the zones against Shanxi, Shanxi against China",
        ),
    )


growth_vs_average.theme = "opening_talent"


# ---------------------------------------------------------------- talent and partners

_TALENT = (
    # (fact, label) : one dot per university / workstation / researcher
    ("university_partners", ("合作高校（所）", "Partner universities")),
    ("academician_workstations", ("院士工作站（个）", "Academician workstations")),
    (
        "national_talent_programme_members",
        ("入选国家重大人才工程（位）", "Researchers in national talent programmes"),
    ),
)
_PROJECTS = "investment_projects_signed"
_PROJECTS_SHARE = "investment_projects_signed_share"
_DOTS_PER_ROW = 60


def talent_and_partners(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return the demonstration zone's talent base as rows of dots (one dot per university,
    workstation or researcher; "+" where the text says "more than") and, below it, the
    projects signed with three regions as a share of all projects signed (a 0–100% track).

    No axis mixes units: each row counts its own thing, the track is a share.
    """
    df = plot_frame(data, lang)
    chosen = latest_fact_ids(
        df, [i for i, _ in _TALENT] + [_PROJECTS, _PROJECTS_SHARE], chart="talent_and_partners"
    )
    talent = [(chosen[i], label) for i, label in _TALENT]
    projects, projects_share = chosen[_PROJECTS], chosen[_PROJECTS_SHARE]
    facts = select(df, list(chosen.values()), chart="talent_and_partners").set_index("fact_id")
    li = 0 if lang == "zh" else 1
    width_units = max(_DOTS_PER_ROW, *(int(facts.loc[f, "base_value"]) for f, _ in talent))
    dots, heads = [], []
    y = 0.0
    colours = [ACCENT, GREEN, VIOLET]
    for fact_id, label in talent:
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
    p, s = facts.loc[projects], facts.loc[projects_share]
    y += 0.2
    track_y = y + 0.9
    share = float(s["base_value"])
    at_least = str(s["qualifier"]) in ("more_than", "at_least")
    share_rows = pd.DataFrame(
        [
            {
                **s.to_dict(),
                "fact_id": projects_share,
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
