"""Charts of reform and the business environment: the commitment system's loan-interest
saving as a calculator, and the reform figures as a key-figures panel."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from .. import derived, formatting
from ._base import (
    COAL,
    GREEN,
    INK,
    fact_tooltip,
    finish,
    plot_frame,
    quote_tooltip,
    source_tooltip,
    tr,
)
from .overview import key_figures
from .types import theme_chart

# ---------------------------------------------------------------- loan_savings_calculator

PARAM_PRINCIPAL, PARAM_RATE, PARAM_MONTHS = "loan_principal", "loan_rate", "loan_months"


def _step(default: float) -> float:
    """A slider step that lands on ``default``: the largest power of ten dividing it, at most
    a tenth of it (1.5 -> 0.1, 150 -> 10, 4.75 -> 0.01)."""
    if default <= 0:
        return 1.0
    power = math.floor(math.log10(default)) - 1
    while power > -6:
        step = 10.0**power
        if math.isclose(default / step, round(default / step), abs_tol=1e-9):
            return step
        power -= 1
    return default / 100


def saving_expression(principal_factor: float, out_factor: float) -> str:
    """Return the Vega expression of the interest saved (in the display unit of the saving),
    from the three slider parameters and a row's ``phases``: simple interest, as in
    :func:`shanxi_analysis.metrics.simple_interest`."""
    return (
        f"{PARAM_PRINCIPAL} * {principal_factor:g} * {PARAM_RATE} / 100 * {PARAM_MONTHS} / 12"
        f" * datum.phases / {out_factor:g}"
    )


def loan_savings_calculator(
    data: pd.DataFrame | None = None,
    *,
    lang: str = "zh",
    principal: float | None = None,
    rate_pct: float | None = None,
    months: float | None = None,
    phases: float | None = None,
) -> alt.LayerChart:
    """Return the loan-interest example as a calculator: sliders for principal (yuan), annual
    rate (%) and months saved drive the computed saving for one phase and for all ``phases``,
    drawn against the figures the article states; the title follows the sliders.

    Each input defaults to :func:`shanxi_analysis.derived.loan_defaults` (the facts of the
    loan indicators in ``data``), so a widget can start from the same numbers.
    """
    df = plot_frame(data, lang)
    facts = derived.loan_rows(df)
    defaults = derived.loan_defaults(df)
    principal = defaults["principal"] if principal is None else float(principal)
    rate_pct = defaults["rate_pct"] if rate_pct is None else float(rate_pct)
    months = defaults["months"] if months is None else float(months)
    phases = defaults["phases"] if phases is None else float(phases)
    inputs = pd.DataFrame([facts["principal"], facts["rate_pct"], facts["months"]])
    stated = pd.DataFrame([facts["saved"], facts["total_saved"]]).reset_index(drop=True)
    p_factor, p_unit = formatting.scale("yuan", [principal], lang)
    s_factor, s_unit = formatting.scale("yuan", stated["base_value"], lang)
    phase_label = derived.loan_phases()[1][lang == "en"]
    label = {r: facts[r]["label"] for r in facts}
    p_default = principal / p_factor
    sliders = [  # each from 0, on a step that lands on its default
        (PARAM_PRINCIPAL, p_default, p_default * 4, _step(p_default), f"({p_unit}) "),
        (PARAM_RATE, rate_pct, max(10.0, rate_pct * 2), _step(rate_pct), "(%) "),
        (PARAM_MONTHS, months, max(24.0, months * 2), 1, ""),
    ]
    names = [tr(lang, "贷款本金", "Loan principal "), tr(lang, "年利率", "Annual rate ")]
    names.append(tr(lang, "节省的月数 ", "Months saved "))
    params = [
        alt.param(name=p, value=v, bind=alt.binding_range(min=0, max=top, step=step, name=n + u))
        for (p, v, top, step, u), n in zip(sliders, names, strict=True)
    ]
    one, both = tr(lang, "一期", "One phase"), phase_label[:1].upper() + phase_label[1:]
    rows = pd.DataFrame({"row": [one, both], "phases": [1.0, phases]})
    # Provenance of the computation: the three input facts.
    rows["indicator"] = tr(lang, "节省的利息（计算）", "Interest saved (computed)")
    rows["display"] = " × ".join(inputs["label"])
    rows["period"] = ""
    rows["quote_shown"] = " … ".join(inputs["quote_shown"])
    rows["source_short"] = inputs["source_short"].iloc[0]
    expr = saving_expression(p_factor, s_factor)
    fmt = "',.6~f'"
    y = alt.Y(
        "row:N",
        sort=[one, both],
        title=None,
        axis=alt.Axis(labelFontSize=12, labelLimit=160, domain=False, ticks=False),
    )
    x = alt.X(
        "saving:Q",
        title=tr(lang, f"节省的利息（{s_unit}）", f"Interest saved ({s_unit})"),
        scale=alt.Scale(zero=True),
        axis=alt.Axis(tickCount=6),
    )
    computed = alt.Chart(rows).transform_calculate(saving=expr).encode(x=x, y=y)
    tip = [
        alt.Tooltip("row:N", title=tr(lang, "情形", "Case")),
        alt.Tooltip("saving:Q", title=tr(lang, f"计算（{s_unit}）", f"Computed ({s_unit})")),
        alt.Tooltip("display:N", title=tr(lang, "原文输入", "Inputs as written")),
        quote_tooltip(lang),
        source_tooltip(lang),
    ]
    # What the article says, as reference marks on the same rows ("1000 多万": a lower bound).
    bound = stated["qualifier"].astype(str).isin(["more_than", "at_least"])
    stated = stated.assign(
        row=[one, both],
        saving=stated["base_value"] / s_factor,
        label=tr(lang, "原文：", "Article: ") + stated["label"],
        shape=bound.map({True: "triangle-right", False: "diamond"}),
    )
    article = alt.Chart(stated).encode(x=x, y=y, tooltip=fact_tooltip(lang))
    layers = [
        computed.mark_bar(size=26, color=GREEN, cornerRadiusEnd=3).encode(tooltip=tip),
        computed.transform_calculate(label=f"format(datum.saving, {fmt}) + ' {s_unit}'")
        .mark_text(align="left", dx=8, fontSize=12, fontWeight=600, color=GREEN)
        .encode(text="label:N", tooltip=tip),
        article.mark_tick(color=COAL, thickness=2.5, size=34),
        article.mark_point(filled=True, size=90, color=COAL, opacity=1).encode(
            shape=alt.Shape("shape:N", scale=None)
        ),
        article.mark_text(align="right", dx=-6, dy=-20, fontSize=11, color=COAL).encode(
            text="label:N"
        ),
    ]
    # The arithmetic, live: principal × rate × months / 12.
    formula = (
        alt.Chart(rows.iloc[[0]])
        .transform_calculate(
            text=(
                f"format({PARAM_PRINCIPAL}, ',.2~f') + ' {p_unit} × ' + "
                f"format({PARAM_RATE}, '.2~f') + '% × ' + format({PARAM_MONTHS}, 'd') + "
                f"'{tr(lang, ' 个月', ' months')} ÷ 12 = ' + "
                f"format({expr.replace('datum.phases', '1')}, {fmt}) + ' {s_unit}'"
            )
        )
        .mark_text(align="left", baseline="top", fontSize=13, color=INK)
        .encode(x=alt.value(0), y=alt.value(-34), text="text:N", tooltip=tip)
    )
    chart = (
        alt.layer(*layers, formula).add_params(*params).properties(width=460, height=alt.Step(70))
    )
    saving = derived.loan_saving(principal, rate_pct, months) / s_factor
    months_word = tr(lang, " 个月", " months")
    title_expr = (
        f"'{tr(lang, '承诺制节省的利息：', 'Interest saved by the commitment system: a ')}' + "
        f"format({PARAM_PRINCIPAL}, ',.2~f') + ' {p_unit}"
        f"{tr(lang, '贷款、', ' loan, ')}' + format({PARAM_MONTHS}, 'd') + "
        f"'{months_word}{tr(lang, '', ' sooner')}'"
    )
    out = finish(
        chart,
        pd.concat([inputs, stated]),
        lang=lang,
        title="",  # replaced below by a title that follows the sliders
        subtitle=tr(
            lang,
            "拖动滑块改变本金、利率和月数；绿色为计算结果，红色标记为原文数字",
            "Drag the sliders to change principal, rate and months; green is computed, "
            "red marks are the article's figures",
        ),
        description=tr(
            lang,
            f"计算器。{label['principal']}贷款按年利率 {label['rate_pct']}、"
            f"节省 {label['months']}计，利息为 {formatting.number(saving, lang)} {s_unit}"
            f"（原文 {label['saved']}）；{phase_label}合计 "
            f"{formatting.number(saving * phases, lang)} {s_unit}（原文 {label['total_saved']}）。",
            f"Calculator. Interest on a {label['principal']} loan at "
            f"{label['rate_pct']} a year for {label['months']}: "
            f"{formatting.number(saving, lang)} {s_unit} (the article: {label['saved']}); "
            f"{phase_label}: {formatting.number(saving * phases, lang)} {s_unit} "
            f"(the article: {label['total_saved']}).",
        ),
    )
    out.title.text = alt.ExprRef(expr=title_expr)  # the title follows the sliders
    return out


loan_savings_calculator.theme = "reform_business"

# ---------------------------------------------------------------- business_environment


business_environment = theme_chart(
    "business_environment",
    key_figures,
    "reform_business",
    """Return key-figure cards of the reform and business-environment figures (days,
    measures, firms, yuan, hours: no shared axis), one card per fact with its quote.""",
    indicator=[
        "business_startup_time",
        "private_economy_policy_measures",
        "fortune_global_500_investors",
        "cost_saving_per_tonne_steel",
        "delivery_time",
    ],
    columns=3,
    title={"zh": "营商环境：改革的关键数字", "en": "The business environment in key figures"},
)

__charts__ = [loan_savings_calculator, business_environment]
