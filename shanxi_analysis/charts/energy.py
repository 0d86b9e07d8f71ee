"""Charts of coal and the energy transition: the coal industry's upgrade, wind and solar in
the power mix, and the article's equivalences (households, vehicle fleets)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import derived, formatting
from ..datasets import pick
from ..metrics import significant
from ._base import ACCENT, INK, MUTED, SOFT, fact_tooltip, finish, plot_frame, tooltips, tr
from .types import figure

coal_before_after = figure(
    "coal_before_after",
    """Return the share of advanced coal capacity at the start and end of the 13th Five-Year
    Plan (a :func:`change`): a bound such as 不足 30% is a hollow point with its range, and
    the change is given as a bound too; the capacity closed and the mines left above it.""",
)

wind_solar_share = figure(
    "wind_solar_share",
    """Return wind and solar's share of Shanxi's installed power capacity against a 100%
    track (a :func:`share`), with the total capacity it implies.""",
)

# ---------------------------------------------------------------- equivalences

_PANDA = ("annual_power_generation", "households_equivalent")
_FLEETS = ("hydrogen_supply_buses", "hydrogen_supply_logistics_vehicles")
_FLEETS += ("hydrogen_supply_heavy_trucks",)
_GUTTER = 150  # pixels left of the bars, for the fleets' names


def equivalences(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return the article's equivalences: the Panda solar plant's output in households (with
    kWh per household derived) and the hydrogen project's output as one of three alternative
    vehicle fleets (或: alternatives, not a sum)."""
    df = plot_frame(data, lang)
    panda, fleets = (  # each group picked on its own, so a missing one is named
        pick(df, what="equivalences", indicator=list(ids)).set_index("indicator_id").loc[list(ids)]
        for ids in (_PANDA, _FLEETS)
    )
    fleets = fleets.reset_index()
    per_home = derived.get("kwh_per_household")  # one definition, with its precision
    kwh = significant(per_home.value(panda.set_index("fact_id")["base_value"]), per_home.digits)
    kwh = tr(lang, "约 {} 千瓦时", "about {} kWh").format(formatting.number(round(kwh), lang))
    (made, homes_text), plant = panda["label"], panda["entity"].iloc[0]
    project = tr(lang, "{}氢能项目", "{}: hydrogen project").format(fleets["entity"].iloc[0])
    fleets["fleet"] = fleets["short"] if lang == "zh" else fleets["short"].str.lower()
    fleets["row"] = [f"f{i}" for i in fleets.index]
    either = tr(lang, "或  ", "or  ")
    fleets["left"] = (either + fleets["fleet"]).where(fleets.index > 0, fleets["fleet"])
    alternatives = tr(lang, "、或 ", ", or ").join(fleets["label"] + tr(lang, fleets["fleet"], ""))
    title, equation, derived_text, note, text = tr(
        lang,
        [
            "一座光伏电站、一个氢能项目：文中的等价换算",
            f"年发电{made} ≈ {homes_text}家庭一年的用电量",
            f"推算：每户每年{kwh}（{made} ÷ {homes_text}）",
            "建成后，产氢可满足以下任一车队满负荷使用（“或”：三者择一，不可相加）",
            f"等价关系图。{plant}年发电{made}，相当于 {homes_text}家庭一年的用电量"
            f"（推算每户{kwh}）。{project}建成后可满足 {alternatives}满负荷使用，"
            "三者择一，不可相加。",
        ],
        [
            "One solar plant, one hydrogen project: the article's equivalences",
            f"{made[:1].upper()}{made[1:]} a year ≈ a year's electricity for {homes_text}",
            f"Derived: {kwh} per household a year ({made} ÷ {homes_text})",
            "Once built, its hydrogen can run any one of these fleets at full load "
            "(or: alternatives, not a sum)",
            f"Equivalences. The {plant} generates {made} a year, a year's electricity for "
            f"{homes_text} (derived: {kwh} each). {project}, once built, can run {alternatives} "
            "at full load: alternatives, not a sum.",
        ],
    )
    # Rows, top to bottom: the plant, its equation, the derived figure, the project, a note.
    lines = pd.concat([panda.iloc[[0, 0, 1]], fleets.iloc[[0, 0]]])
    lines = lines.assign(row=list("abcde"), text=[plant, equation, derived_text, project, note])
    lines["style"] = ["head", "body", "note", "head", "note"]
    lines["per_home"] = kwh
    rows = alt.Scale(domain=[*lines["row"], *fleets["row"]], paddingInner=0.25)
    y = alt.Y("row:N", scale=rows, axis=None)
    derived_tip = tooltips(
        lang, ("per_home", "每户年用电（推算）", "Electricity per household (derived)")
    )
    styles = {
        "head": {"fontSize": 13, "fontWeight": 600, "color": INK},
        "body": {"fontSize": 13, "color": INK, "dx": 12},
        "note": {"fontSize": 11, "color": SOFT, "fontStyle": "italic", "dx": 12},
    }
    texts = [
        alt.Chart(lines[lines["style"] == style])
        .mark_text(align="left", **marks)
        .encode(x=alt.value(0), y=y, text="text:N", tooltip=fact_tooltip(lang, *derived_tip))
        for style, marks in styles.items()
    ]
    hover = alt.selection_point(on="pointerover", fields=["fleet"], clear="pointerout")
    scale = alt.Scale(range=[_GUTTER, 450], domainMin=0, nice=False, zero=True)
    x = alt.X("base_value:Q", axis=None, scale=scale)
    fleet_tip = fact_tooltip(lang, alt.Tooltip("fleet:N", title=tr(lang, "车型", "Fleet")))
    base = alt.Chart(fleets).encode(y=y, tooltip=fact_tooltip(lang))
    lit = alt.condition(hover, alt.value(ACCENT), alt.value(MUTED))
    ink = {"fontSize": 12, "color": INK}
    layers = [
        *texts,
        base.mark_bar(cornerRadiusEnd=3, size=20)
        .encode(x=x, x2=alt.X2(datum=0), tooltip=fleet_tip, color=lit)
        .add_params(hover),
        base.mark_text(align="left", dx=6, fontWeight=600, **ink).encode(x=x, text="label:N"),
        base.mark_text(align="right", **ink).encode(x=alt.value(_GUTTER - 8), text="left:N"),
    ]
    chart = alt.layer(*layers).properties(width=540, height=250)
    return finish(chart, pd.concat([panda, fleets]), lang=lang, title=title, description=text)
