"""Charts of coal and the energy transition: the coal industry's upgrade, wind and solar in
the power mix, and the article's equivalences (households, vehicle fleets)."""

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
    en_amount,
    fact_tooltip,
    facts_frame,
    finish,
    num,
    scale_for,
    select,
    significant,
    tr,
    with_plot_columns,
    written,
)


def _years(period: str) -> list[int]:
    return [int(p[:4]) for p in str(period).split("/")]


# ---------------------------------------------------------------- coal_before_after

_SHARE = ("lw-advanced-coal-capacity-share-2015", "lw-advanced-coal-capacity-share-2020")
_CUT, _MINES = "lw-coal-overcapacity-cut-2016-2020", "lw-coal-mines-2020"


def coal_before_after(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return a before/after slope of the share of advanced coal capacity (2015 → 2020), with
    the overcapacity closed and the number of mines as annotations.

    A start value that the text gives as "less than" is a hollow point with the range below it.
    """
    df = facts_frame(data, lang)
    rows = with_plot_columns(select(df, _SHARE, chart="coal_before_after"), lang)
    notes = with_plot_columns(select(df, (_CUT, _MINES), chart="coal_before_after"), lang)
    rows["year"] = [_years(p)[-1] for p in rows["period"]]
    rows["label"] = [written(r, lang) for _, r in rows.iterrows()]
    exact = rows["qualifier"].astype(str).isin(["none", "approx"])
    rows["fill"] = [ACCENT if e else "white" for e in exact]
    # The honest extent of a bound: "less than 30%" is anywhere from 0 up to 30.
    rows["lo"] = [
        0.0 if q in ("less_than", "at_most") else v
        for q, v in zip(rows["qualifier"].astype(str), rows["base_value"], strict=True)
    ]
    rows["hi"] = [
        100.0 if q in ("more_than", "at_least") else v
        for q, v in zip(rows["qualifier"].astype(str), rows["base_value"], strict=True)
    ]
    first, last = rows.iloc[0], rows.iloc[-1]
    gap = last["base_value"] - first["base_value"]
    lower_bound = str(first["qualifier"]) in ("less_than", "at_most")
    change = (
        tr(lang, f"提高 {num(gap, lang)} 个百分点以上", f"up by more than {num(gap, lang)} points")
        if lower_bound
        else tr(lang, f"提高 {num(gap, lang)} 个百分点", f"up by {num(gap, lang)} points")
    )
    pad = 1.9
    x = alt.X(
        "year:Q",
        title=None,
        scale=alt.Scale(domain=[first["year"] - pad, last["year"] + pad]),
        axis=alt.Axis(values=list(rows["year"]), format="d", grid=False, labelFontSize=13),
    )
    y_title = tr(lang, f"{first['indicator']}（%）", f"{first['indicator']} (%)")
    y = alt.Y(
        "base_value:Q",
        title=y_title,
        scale=alt.Scale(domain=[0, 100]),
        axis=alt.Axis(values=[0, 25, 50, 75, 100]),
    )
    tip = fact_tooltip(lang)
    base = alt.Chart(rows).encode(x=x, tooltip=tip)
    ranged = (
        base.transform_filter("datum.lo != datum.hi")
        .mark_bar(size=14, color=ACCENT, opacity=0.2, cornerRadius=2)
        .encode(y=alt.Y("lo:Q", title=y_title), y2="hi:Q")
    )
    line = base.mark_line(color=ACCENT, strokeDash=[6, 4], strokeWidth=2).encode(y=y)
    points = base.mark_point(
        filled=True, size=150, strokeWidth=2.5, stroke=ACCENT, opacity=1
    ).encode(y=y, fill=alt.Fill("fill:N", scale=None))
    left = (
        alt.Chart(rows.iloc[[0]])
        .mark_text(align="right", dx=-14, fontSize=16, fontWeight=600, color=ACCENT)
        .encode(x=x, y=y, text="label:N", tooltip=tip)
    )
    right = (
        alt.Chart(rows.iloc[[-1]])
        .mark_text(align="left", dx=14, fontSize=16, fontWeight=600, color=ACCENT)
        .encode(x=x, y=y, text="label:N", tooltip=tip)
    )
    mid = pd.DataFrame(
        {
            "year": [(first["year"] + last["year"]) / 2],
            "base_value": [(first["base_value"] + last["base_value"]) / 2],
            "text": [change],
        }
    )
    slope = (
        alt.Chart(mid)
        .mark_text(align="right", dx=-10, dy=-8, fontSize=12, color=SOFT, fontStyle="italic")
        .encode(x=x, y=y, text="text:N")
    )
    # Key figures from the same sentence block, drawn as text marks that carry their quotes.
    cut, mines = notes.iloc[0], notes.iloc[1]
    cut_years = _years(cut["period"])
    cut_text = tr(
        lang,
        f"{cut_years[0]}–{cut_years[-1]} 年累计化解过剩产能 {written(cut, lang)}",
        f"{written(cut, lang)} of excess capacity closed, {cut_years[0]}–{cut_years[-1]}",
    )
    if str(mines["qualifier"]) == "at_most":  # "900 座以内": within, i.e. at most
        bound = {**mines.to_dict(), "qualifier": "none"}
        mines_zh = f"{written(bound, 'zh')}以内" if lang == "zh" else ""
        mines_en = f"{written(bound, 'en', 'mines')} or fewer" if lang == "en" else ""
    else:
        mines_zh, mines_en = written(mines, lang), written(mines, lang, "mines")
    mines_text = tr(
        lang,
        f"{mines['period']} 年煤矿减至 {mines_zh}",
        f"Coal mines cut to {mines_en} by {mines['period']}",
    )
    notes["text"] = [cut_text, mines_text]
    annotations = [
        alt.Chart(notes.iloc[[i]])
        .mark_text(align="left", baseline="top", fontSize=12, color=INK if i == 0 else SOFT)
        .encode(x=alt.value(4), y=alt.value(4 + 20 * i), text="text:N", tooltip=tip)
        for i in range(len(notes))
    ]
    chart = alt.layer(ranged, line, points, left, right, slope, *annotations).properties(
        width=480, height=320
    )
    desc = tr(
        lang,
        f"斜率图。山西{first['indicator']}由 {first['period']} 年的{first['display']}"
        f"提高到 {last['period']} 年的 {last['display']}（{change}）。"
        f"{cut_text}；{mines_text}。",
        f"Slope chart. Shanxi's {first['indicator'].lower()} rose from "
        f"{first['display']} in {first['period']} to {last['display']} in {last['period']} "
        f"({change}). {cut_text}; {mines_text.lower()[0]}{mines_text[1:]}.",
    )
    return finish(
        chart,
        list(rows["source_id"]) + list(notes["source_id"]),
        lang=lang,
        title=tr(
            lang,
            f"{first['indicator']}：{first['year']} 年{first['label']} → "
            f"{last['year']} 年 {last['label']}",
            f"{first['indicator']}: {first['label']} in {first['year']}, "
            f"{last['label']} in {last['year']}",
        ),
        subtitle=tr(
            lang,
            f"空心点：原文为“{first['qualifier_label']}”，真实值在阴影范围内",
            f"Hollow point: the text says “{first['qualifier_label']}”; the true value lies "
            "in the shaded range",
        )
        if lower_bound
        else None,
        description=desc,
    )


coal_before_after.theme = "coal_energy"

# ---------------------------------------------------------------- wind_solar_share

_WS_CAP, _WS_SHARE = "lw-wind-solar-capacity-2021-06", "lw-wind-solar-share-2021-06"


def wind_solar_share(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return a part-to-whole bar of wind and solar in Shanxi's installed power capacity, the
    rest derived as 100 − share, with the implied total capacity in the tooltip."""
    df = facts_frame(data, lang)
    facts = with_plot_columns(select(df, (_WS_CAP, _WS_SHARE), chart="wind_solar_share"), lang)
    cap, share = facts.iloc[0], facts.iloc[1]
    # Derived from a share given to three figures: no more precise than that.
    total_kw = significant(
        metrics.implied_total(float(cap["base_value"]), float(share["base_value"])), 3
    )
    other_kw = significant(total_kw - float(cap["base_value"]), 3)
    factor, unit = scale_for("kW", [total_kw], lang)

    def capacity(kw: float, approx: bool) -> str:
        if lang == "zh":
            text = f"{num(kw / factor, lang, 5)} {unit}"
        else:
            n, u = en_amount(float(f"{kw:.5g}"), "kW")
            text = f"{n} {u}"
        return (tr(lang, "约 ", "about ") + text) if approx else text

    part_label = tr(lang, "风电 + 光伏", "Wind + solar")
    other_label = tr(lang, "其他电源（推算）", "Other sources (derived)")
    other_share = 100 - float(share["base_value"])
    rows = pd.DataFrame(
        [
            {
                **share.to_dict(),
                "part": part_label,
                "share": float(share["base_value"]),
                "capacity": written(cap, lang),
                "order": 0,
            },
            {
                **share.to_dict(),
                "indicator": tr(
                    lang, "其他电源装机占比（推算）", "Other sources' share of capacity (derived)"
                ),
                "display": tr(
                    lang,
                    f"100% − {written(share, lang)} = {num(other_share, lang)}%",
                    f"100% − {written(share, lang)} = {num(other_share, lang)}%",
                ),
                "part": other_label,
                "share": other_share,
                "capacity": capacity(other_kw, True),
                "order": 1,
            },
        ]
    )
    rows["total"] = capacity(total_kw, True)
    rows["share_text"] = [f"{num(v, lang)}%" for v in rows["share"]]
    rows["end"] = rows["share"].cumsum()
    rows["start"] = rows["end"] - rows["share"]
    rows["mid"] = (rows["start"] + rows["end"]) / 2
    tip = fact_tooltip(
        lang,
        alt.Tooltip("part:N", title=tr(lang, "部分", "Part")),
        alt.Tooltip("capacity:N", title=tr(lang, "装机容量", "Installed capacity")),
        alt.Tooltip(
            "total:N",
            title=tr(
                lang,
                "总装机（推算 = 装机 ÷ 占比）",
                "Total capacity (derived = capacity ÷ share)",
            ),
        ),
    )
    x_title = tr(lang, "占总装机的比重（%）", "Share of installed capacity (%)")
    bars = (
        alt.Chart(rows)
        .mark_bar(height=64, stroke="white", strokeWidth=2)
        .encode(
            x=alt.X(
                "start:Q",
                title=x_title,
                scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(values=[0, 25, 50, 75, 100], grid=False),
            ),
            x2="end:Q",
            color=alt.Color(
                "part:N",
                scale=alt.Scale(domain=[part_label, other_label], range=[GREEN, "#d9dde3"]),
                legend=None,
            ),
            tooltip=tip,
        )
    )
    rows["ink"] = ["white", INK]
    rows["caption"] = rows["part"] + " · " + rows["capacity"]
    text_color = alt.Color("ink:N", scale=None)
    top = (
        alt.Chart(rows)
        .mark_text(dy=-10, fontSize=17, fontWeight=600)
        .encode(x="mid:Q", text="share_text:N", color=text_color, tooltip=tip)
    )
    bottom = (
        alt.Chart(rows)
        .mark_text(dy=12, fontSize=11)
        .encode(x="mid:Q", text="caption:N", color=text_color, tooltip=tip)
    )
    chart = alt.layer(bars, top, bottom).properties(width=520, height=90)
    period = share["period"]
    return finish(
        chart,
        facts["source_id"],
        lang=lang,
        title=tr(
            lang,
            f"风电、光伏占山西总装机的 {written(share, lang)}（{period}）",
            f"Wind and solar are {written(share, lang)} of Shanxi's installed capacity ({period})",
        ),
        subtitle=tr(
            lang,
            f"风电、光伏装机 {written(cap, lang)}；由此推算总装机{capacity(total_kw, True)}",
            f"Wind and solar: {written(cap, lang)}; so total capacity is "
            f"{capacity(total_kw, True)} (derived)",
        ),
        description=tr(
            lang,
            f"部分与整体条形图。截至 {period}，风电、光伏装机 {written(cap, lang)}，"
            f"占总装机的 {written(share, lang)}；其他电源占 {num(other_share, lang)}%（推算）。"
            f"推算总装机{capacity(total_kw, True)}。",
            f"Part-to-whole bar. As of {period}, wind and solar capacity was "
            f"{written(cap, lang)}, {written(share, lang)} of the total; other sources "
            f"{num(other_share, lang)}% (derived). Implied total: {capacity(total_kw, True)}.",
        ),
    )


wind_solar_share.theme = "coal_energy"

# ---------------------------------------------------------------- equivalences

_PANDA = ("lw-panda-solar-output", "lw-panda-solar-households")
_FLEETS = {
    "lw-h2-supply-buses": ("公交车", "buses"),
    "lw-h2-supply-logistics-vehicles": ("物流车", "logistics vehicles"),
    "lw-h2-supply-heavy-trucks": ("重卡", "heavy trucks"),
}
_LABEL_GUTTER = 150


def equivalences(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return the article's equivalences: the Panda solar plant's output in households (with
    kWh per household derived) and the hydrogen project's output as one of three alternative
    vehicle fleets (或: alternatives, not a sum)."""
    df = facts_frame(data, lang)
    li = 0 if lang == "zh" else 1
    panda = with_plot_columns(select(df, _PANDA, chart="equivalences"), lang)
    fleets = with_plot_columns(select(df, tuple(_FLEETS), chart="equivalences"), lang)
    output, homes = panda.iloc[0], panda.iloc[1]
    # "about 8000 万千瓦时" over "3.4 万" households: two significant figures at most.
    per_home = significant(
        metrics.per_unit(float(output["base_value"]), float(homes["base_value"])), 2
    )
    per_home_text = tr(
        lang, f"约 {num(round(per_home), lang)} 千瓦时", f"about {num(round(per_home), lang)} kWh"
    )
    homes_text = written(homes, lang, "households")
    # Rows, top to bottom: plant, its equation, the derived per-household figure, the project,
    # then one bar per alternative fleet.
    h2_entity = fleets["entity"].iloc[0]
    panda_rows = pd.DataFrame(
        [
            {
                **output.to_dict(),
                "row": "a-head",
                "text": output["entity"],
                "style": "head",
            },
            {
                **output.to_dict(),
                "row": "b-equation",
                "text": tr(
                    lang,
                    f"年发电{written(output, lang)} ≈ {homes_text}家庭一年的用电量",
                    f"{written(output, lang)[:1].upper()}{written(output, lang)[1:]} a year "
                    "≈ a year's electricity "
                    f"for {homes_text}",
                ),
                "style": "body",
            },
            {
                **homes.to_dict(),
                "row": "c-per-home",
                "text": tr(
                    lang,
                    f"推算：每户每年{per_home_text}（{written(output, lang)} ÷ {homes_text}）",
                    f"Derived: {per_home_text} per household a year "
                    f"({written(output, lang)} ÷ {homes_text})",
                ),
                "style": "note",
            },
            {
                **fleets.iloc[0].to_dict(),
                "row": "d-head",
                "text": tr(lang, f"{h2_entity}氢能项目", f"{h2_entity}: hydrogen project"),
                "style": "head",
            },
            {
                **fleets.iloc[0].to_dict(),
                "row": "d-note",
                "text": tr(
                    lang,
                    "建成后，产氢可满足以下任一车队满负荷使用（“或”：三者择一，不可相加）",
                    "Once built, its hydrogen can run any one of these fleets at full load "
                    "(or: alternatives, not a sum)",
                ),
                "style": "note",
            },
        ]
    )
    panda_rows["per_home"] = per_home_text
    fleets["fleet"] = [_FLEETS[f][li] for f in fleets["fact_id"]]
    fleets["row"] = [f"e-{i}" for i in range(len(fleets))]
    fleets["left"] = [
        (name if i == 0 else tr(lang, f"或  {name}", f"or  {name}"))
        for i, name in enumerate(fleets["fleet"])
    ]
    fleets["label"] = [written(r, lang) for _, r in fleets.iterrows()]
    fleets["named"] = [
        written(r, lang, r["fleet"]) if lang == "en" else f"{written(r, lang)}{r['fleet']}"
        for _, r in fleets.iterrows()
    ]
    order = list(panda_rows["row"]) + list(fleets["row"])
    y = alt.Y("row:N", scale=alt.Scale(domain=order, paddingInner=0.25), axis=None, title=None)
    tip = fact_tooltip(lang)
    tip_panda = fact_tooltip(
        lang,
        alt.Tooltip(
            "per_home:N",
            title=tr(lang, "每户年用电（推算）", "Electricity per household (derived)"),
        ),
    )
    styles = {
        "head": {"fontSize": 13, "fontWeight": 600, "color": INK},
        "body": {"fontSize": 13, "color": INK},
        "note": {"fontSize": 11, "color": SOFT, "fontStyle": "italic"},
    }
    texts = [
        alt.Chart(panda_rows[panda_rows["style"] == s])
        .mark_text(align="left", dx=0 if s == "head" else 12, **style)
        .encode(x=alt.value(0), y=y, text="text:N", tooltip=tip_panda if s != "head" else tip)
        for s, style in styles.items()
    ]
    hover = alt.selection_point(on="pointerover", fields=["fleet"], empty=True, clear="pointerout")
    x = alt.X(
        "base_value:Q",
        axis=None,
        title=tr(lang, "车辆（台）", "Vehicles (count)"),
        scale=alt.Scale(range=[_LABEL_GUTTER, 450], domainMin=0, nice=False, zero=True),
    )
    bars = (
        alt.Chart(fleets)
        .mark_bar(cornerRadiusEnd=3, size=20)
        .encode(
            x=x,
            x2=alt.X2(datum=0),
            y=y,
            color=alt.condition(hover, alt.value(ACCENT), alt.value(MUTED)),
            tooltip=fact_tooltip(lang, alt.Tooltip("fleet:N", title=tr(lang, "车型", "Fleet"))),
        )
        .add_params(hover)
    )
    bar_labels = (
        alt.Chart(fleets)
        .mark_text(align="left", dx=6, fontSize=12, fontWeight=600, color=INK)
        .encode(x=x, y=y, text="label:N", tooltip=tip)
    )
    left_labels = (
        alt.Chart(fleets)
        .mark_text(align="right", dx=0, fontSize=12, color=INK)
        .encode(x=alt.value(_LABEL_GUTTER - 8), y=y, text="left:N", tooltip=tip)
    )
    chart = alt.layer(*texts, bars, bar_labels, left_labels).properties(width=540, height=250)
    alternatives = tr(lang, "、或 ", ", or ").join(fleets["named"])
    return finish(
        chart,
        list(panda["source_id"]) + list(fleets["source_id"]),
        lang=lang,
        title=tr(
            lang,
            "一座光伏电站、一个氢能项目：文中的等价换算",
            "One solar plant, one hydrogen project: the article's equivalences",
        ),
        description=tr(
            lang,
            f"等价关系图。{output['entity']}年发电{written(output, lang)}，相当于 {homes_text}"
            f"家庭一年的用电量（推算每户{per_home_text}）。{h2_entity}氢能项目建成后可满足 "
            f"{alternatives}满负荷使用，三者择一，不可相加。",
            f"Equivalences. The {output['entity']} generates {written(output, lang)} a year, "
            f"a year's electricity for {homes_text} (derived: {per_home_text} each). "
            f"{h2_entity}'s hydrogen project, once built, can run {alternatives} at full load: "
            "alternatives, not a sum.",
        ),
    )


equivalences.theme = "coal_energy"

__charts__ = [coal_before_after, wind_solar_share, equivalences]
