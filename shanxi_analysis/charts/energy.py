"""Charts of coal and the energy transition: the coal industry's upgrade, wind and solar in
the power mix, and the article's equivalences (households, vehicle fleets)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import derived, formatting
from ._base import (
    ACCENT,
    INK,
    MUTED,
    SOFT,
    fact_tooltip,
    finish,
    pick,
    plot_frame,
    significant,
    tr,
    written,
)
from .types import change, share


def coal_before_after(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return the share of advanced coal capacity at the start and end of the 13th Five-Year
    Plan (a :func:`change`): a bound such as 不足 30% is a hollow point with its range, and
    the change is given as a bound too; the capacity closed and the mines left beside it."""
    return change(
        data,
        indicator="advanced_coal_capacity_share",
        entity="shanxi",
        aside=["coal_overcapacity_cut", "coal_mines"],
        lang=lang,
    )


coal_before_after.theme = "coal_energy"


def wind_solar_share(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return wind and solar's share of Shanxi's installed power capacity against a 100%
    track (a :func:`share`), with the total capacity it implies."""
    return share(
        data,
        part="wind_solar_capacity",
        share="wind_solar_capacity_share",
        entity="shanxi",
        lang=lang,
        title=tr(
            lang, "风电光伏在山西电力装机中的占比", "Wind and solar in Shanxi's power capacity"
        ),
    )


wind_solar_share.theme = "coal_energy"

# ---------------------------------------------------------------- equivalences

_PANDA = ("annual_power_generation", "households_equivalent")
_FLEETS = (
    "hydrogen_supply_buses",
    "hydrogen_supply_logistics_vehicles",
    "hydrogen_supply_heavy_trucks",
)
_LABEL_GUTTER = 150


def equivalences(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return the article's equivalences: the Panda solar plant's output in households (with
    kWh per household derived) and the hydrogen project's output as one of three alternative
    vehicle fleets (或: alternatives, not a sum)."""
    df = plot_frame(data, lang)
    panda, fleets = (
        pick(df, chart="equivalences", indicator=list(ids))
        .set_index("indicator_id")
        .loc[list(ids)]
        .reset_index()
        for ids in (_PANDA, _FLEETS)
    )
    output, homes = panda.iloc[0], panda.iloc[1]
    per_home_def = derived.get("kwh_per_household")  # one definition, with its precision
    per_home = significant(
        per_home_def.value(dict(zip(panda["fact_id"], panda["base_value"], strict=True))),
        per_home_def.digits,
    )
    per_home_text = tr(
        lang,
        f"约 {formatting.number(round(per_home), lang)} 千瓦时",
        f"about {formatting.number(round(per_home), lang)} kWh",
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
    fleets["fleet"] = fleets["short"] if lang == "zh" else fleets["short"].str.lower()
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
