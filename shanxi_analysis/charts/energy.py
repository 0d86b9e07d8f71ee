"""Charts of coal and the energy transition: the coal industry's upgrade, wind and solar in
the power mix, and the article's equivalences (households, vehicle fleets)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import derived, formatting
from ..datasets import latest, pick
from ..metrics import significant
from ._base import ACCENT, INK, MUTED, SOFT, fact_tooltip, finish, plot_frame
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
_FLEETS = (
    "hydrogen_supply_buses",
    "hydrogen_supply_logistics_vehicles",
    "hydrogen_supply_heavy_trucks",
)
_GUTTER = 150  # pixels left of the bars, for the fleets' names


def _latest_of(df: pd.DataFrame, ids: tuple[str, ...], entity: str) -> pd.DataFrame:
    """The latest row of each indicator of ``ids`` about ``entity``, in that order; each
    missing one named."""
    rows = pick(df, what="equivalences", indicator=list(ids), entity=entity)
    rows = latest(rows, ["indicator_id"], ids)
    missing = [i for i in ids if i not in set(rows["indicator_id"])]
    if missing:
        raise ValueError(f"equivalences: no row with indicator {', '.join(missing)}")
    return rows.reset_index(drop=True)


def equivalences(
    data: pd.DataFrame | None = None,
    *,
    lang: str = "zh",
    plant: str = "datong-panda-solar",
    project: str = "meijin-huasheng",
) -> alt.LayerChart:
    """Return the article's equivalences: the Panda solar plant's output in households (with
    kWh per household derived) and the hydrogen project's output as one of three alternative
    vehicle fleets (或: alternatives, not a sum). ``plant`` and ``project`` are the entities
    whose figures these are."""
    df = plot_frame(data, lang)
    panda, fleets = _latest_of(df, _PANDA, plant), _latest_of(df, _FLEETS, project)
    per_home = derived.get("kwh_per_household")  # one definition, with its precision
    inputs = dict(zip(per_home.fact_ids(), panda["base_value"], strict=True))  # those shown
    kwh = significant(per_home.value(inputs), per_home.digits)
    kwh = formatting.number(round(kwh), lang)
    kwh = f"约 {kwh} 千瓦时" if lang == "zh" else f"about {kwh} kWh"
    made, homes, plant = panda.at[0, "label"], panda.at[1, "label"], panda.at[0, "entity"]
    names = fleets["short"] if lang == "zh" else fleets["short"].str.lower()
    words = {
        "zh": {
            "title": "一座光伏电站、一个氢能项目：文中的等价换算",
            "equation": f"年发电{made} ≈ {homes}家庭一年的用电量",
            "derived": f"推算：每户每年{kwh}（{made} ÷ {homes}）",
            "project": f"{fleets.at[0, 'entity']}氢能项目",
            "note": "建成后，产氢可满足以下任一车队满负荷使用（“或”：三者择一，不可相加）",
            "or": "或  ",
            "alternatives": "、或 ".join(fleets["label"] + names),
            "fleet": "车型",
            "per_home": "每户年用电（推算）",
        },
        "en": {
            "title": "One solar plant, one hydrogen project: the article's equivalences",
            "equation": f"{made[:1].upper()}{made[1:]} a year ≈ a year's electricity for {homes}",
            "derived": f"Derived: {kwh} per household a year ({made} ÷ {homes})",
            "project": f"{fleets.at[0, 'entity']}: hydrogen project",
            "note": "Once built, its hydrogen can run any one of these fleets at full load "
            "(or: alternatives, not a sum)",
            "or": "or  ",
            "alternatives": ", or ".join(fleets["label"]),
            "fleet": "Fleet",
            "per_home": "Electricity per household (derived)",
        },
    }[lang]
    text = {
        "zh": f"等价关系图。{plant}年发电{made}，相当于 {homes}家庭一年的用电量"
        f"（推算每户{kwh}）。{words['project']}建成后可满足 {words['alternatives']}"
        "满负荷使用，三者择一，不可相加。",
        "en": f"Equivalences. The {plant} generates {made} a year, a year's electricity for "
        f"{homes} (derived: {kwh} each). {words['project']}, once built, can run "
        f"{words['alternatives']} at full load: alternatives, not a sum.",
    }[lang]
    # Rows, top to bottom: the plant, its equation, the derived figure, the project, a note.
    lines = pd.concat([panda.iloc[[0, 0, 1]], fleets.iloc[[0, 0]]])
    said = [plant, words["equation"], words["derived"], words["project"], words["note"]]
    lines = lines.assign(row=list("abcde"), text=said, per_home=kwh)
    lines["style"] = ["head", "body", "note", "head", "note"]
    fleets = fleets.assign(fleet=names, row=[f"f{i}" for i in fleets.index])
    fleets["left"] = (words["or"] + names).where(fleets.index > 0, names)
    rows = alt.Scale(domain=[*lines["row"], *fleets["row"]], paddingInner=0.25)
    y = alt.Y("row:N", scale=rows, axis=None)
    derived_tip = alt.Tooltip("per_home:N", title=words["per_home"])
    styles = {
        "head": {"fontSize": 13, "fontWeight": 600, "color": INK},
        "body": {"fontSize": 13, "color": INK, "dx": 12},
        "note": {"fontSize": 11, "color": SOFT, "fontStyle": "italic", "dx": 12},
    }
    texts = [
        alt.Chart(lines[lines["style"] == style])
        .mark_text(align="left", **marks)
        .encode(x=alt.value(0), y=y, text="text:N", tooltip=fact_tooltip(lang, derived_tip))
        for style, marks in styles.items()
    ]
    hover = alt.selection_point(on="pointerover", fields=["fleet"], clear="pointerout")
    scale = alt.Scale(range=[_GUTTER, 450], domainMin=0, nice=False, zero=True)
    x = alt.X("base_value:Q", axis=None, scale=scale)
    fleet_tip = fact_tooltip(lang, alt.Tooltip("fleet:N", title=words["fleet"]))
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
    sources = pd.concat([panda, fleets])
    return finish(chart, sources, lang=lang, title=words["title"], description=text)
