"""Charts of reform and the business environment: the commitment system's loan-interest
saving as a calculator, and the reform figures as a key-figures panel."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from .. import checks
from ._base import (
    ACCENT,
    COAL,
    GREEN,
    INK,
    SOFT,
    en_scale,
    fact_tooltip,
    facts_frame,
    finish,
    num,
    quote_tooltip,
    scale_for,
    select,
    source_tooltip,
    tr,
    with_plot_columns,
    wrap,
    written,
)

# ---------------------------------------------------------------- loan_savings_calculator

_PRINCIPAL, _RATE, _MONTHS = "lw-loan-principal", "lw-loan-benchmark-rate", "lw-loan-months-saved"
_SAVED, _TOTAL = "lw-loan-interest-saved", "lw-loan-total-saved"
PARAM_PRINCIPAL, PARAM_RATE, PARAM_MONTHS = "loan_principal", "loan_rate", "loan_months"


def _phases() -> tuple[float, tuple[str, str]]:
    """The number of phases and its label, from the check that reads the same sentence."""
    rule = next(r for r in checks.RULES if r.rule_id == "loan-two-phases")
    factor = next(a for a in rule.derive.args if not isinstance(a, str))
    return float(factor), rule.constants[str(float(factor))]


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


def _slider(name: str, value: float, maximum: float, step: float, label: str) -> alt.Parameter:
    """A parameter bound to a slider from 0 to ``maximum``."""
    return alt.param(
        name=name,
        value=value,
        bind=alt.binding_range(min=0, max=maximum, step=step, name=label),
    )


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
    rate: float | None = None,
    months: float | None = None,
) -> alt.LayerChart:
    """Return the loan-interest example as a calculator: sliders for principal, annual rate and
    months saved (defaulting to the article's figures) drive the computed saving for one and
    for both phases, drawn against the figures the article states.

    ``principal`` (yuan), ``rate`` (% a year) and ``months`` start the sliders elsewhere; the
    title follows them (the widget calculator redraws the chart with its own sliders' values).
    """
    df = facts_frame(data, lang)
    inputs = with_plot_columns(
        select(df, (_PRINCIPAL, _RATE, _MONTHS), chart="loan_savings_calculator"), lang
    )
    stated = with_plot_columns(select(df, (_SAVED, _TOTAL), chart="loan_savings_calculator"), lang)
    principal_row, rate_row, months_row = (inputs.iloc[i] for i in range(3))
    unit_for = scale_for if lang == "zh" else (lambda u, v, _lang: en_scale(u, v))
    p_factor, p_unit = unit_for("yuan", [principal_row["base_value"]], lang)
    s_factor, s_unit = unit_for("yuan", stated["base_value"], lang)
    p_default = float(principal_row["base_value"] if principal is None else principal) / p_factor
    r_default = float(rate_row["base_value"] if rate is None else rate)
    m_default = float(months_row["base_value"] if months is None else months)
    # The article's wording while the inputs are the article's; the inputs' numbers otherwise.
    principal_text = (
        written(principal_row, lang) if principal is None else f"{num(p_default, lang)} {p_unit}"
    )
    rate_text = written(rate_row, lang) if rate is None else f"{num(r_default, lang)}%"
    months_text = (
        written(months_row, lang)
        if months is None
        else tr(lang, f"{num(m_default, lang)} 个月", f"{num(m_default, lang)} months")
    )
    phases, phase_label = _phases()
    li = 0 if lang == "zh" else 1

    p_param = _slider(
        PARAM_PRINCIPAL,
        p_default,
        p_default * 4,
        _step(p_default),
        tr(lang, f"贷款本金（{p_unit}） ", f"Loan principal ({p_unit}) "),
    )
    r_param = _slider(
        PARAM_RATE,
        r_default,
        max(10.0, r_default * 2),
        _step(r_default),
        tr(lang, "年利率（%） ", "Annual rate (%) "),
    )
    m_param = _slider(
        PARAM_MONTHS,
        m_default,
        max(24.0, m_default * 2),
        1,
        tr(lang, "节省的月数 ", "Months saved "),
    )
    one, both = tr(lang, "一期", "One phase"), phase_label[li][:1].upper() + phase_label[li][1:]
    rows = pd.DataFrame(
        {
            "row": [one, both],
            "phases": [1.0, phases],
        }
    )
    # Provenance of the computation: the three input facts.
    rows["indicator"] = tr(lang, "节省的利息（计算）", "Interest saved (computed)")
    rows["display"] = tr(lang, " × ", " × ").join(written(r, lang) for _, r in inputs.iterrows())
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
    computed = alt.Chart(rows).transform_calculate(saving=expr)
    tip = [
        alt.Tooltip("row:N", title=tr(lang, "情形", "Case")),
        alt.Tooltip("saving:Q", title=tr(lang, f"计算（{s_unit}）", f"Computed ({s_unit})")),
        alt.Tooltip("display:N", title=tr(lang, "原文输入", "Inputs as written")),
        quote_tooltip(lang),
        source_tooltip(lang),
    ]
    bars = computed.mark_bar(size=26, color=GREEN, cornerRadiusEnd=3).encode(x=x, y=y, tooltip=tip)
    bar_labels = (
        computed.transform_calculate(label=f"format(datum.saving, {fmt}) + ' {s_unit}'")
        .mark_text(align="left", dx=8, fontSize=12, fontWeight=600, color=GREEN)
        .encode(x=x, y=y, text="label:N", tooltip=tip)
    )
    # What the article says, as reference marks on the same rows.
    stated = stated.copy()
    stated["row"] = [one, both]
    stated["saving"] = stated["base_value"] / s_factor
    stated["label"] = [
        tr(lang, "原文：", "Article: ") + written(r, lang) for _, r in stated.iterrows()
    ]
    stated["shape"] = [
        "triangle-right" if str(q) in ("more_than", "at_least") else "diamond"
        for q in stated["qualifier"]
    ]
    ref_tip = fact_tooltip(lang)
    ref_rules = (
        alt.Chart(stated)
        .mark_tick(color=COAL, thickness=2.5, size=34)
        .encode(x=x, y=y, tooltip=ref_tip)
    )
    ref_points = (
        alt.Chart(stated)
        .mark_point(filled=True, size=90, color=COAL, opacity=1)
        .encode(x=x, y=y, shape=alt.Shape("shape:N", scale=None), tooltip=ref_tip)
    )
    ref_labels = (
        alt.Chart(stated)
        .mark_text(align="right", dx=-6, dy=-20, fontSize=11, color=COAL)
        .encode(x=x, y=y, text="label:N", tooltip=ref_tip)
    )
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
        alt.layer(bars, bar_labels, ref_rules, ref_points, ref_labels, formula)
        .add_params(p_param, r_param, m_param)
        .properties(width=460, height=alt.Step(70))
    )
    saved, total = stated.iloc[0], stated.iloc[1]
    return finish(
        chart,
        list(inputs["source_id"]) + list(stated["source_id"]),
        lang=lang,
        title=tr(
            lang,
            f"承诺制节省的利息：{principal_text}贷款、{months_text}",
            f"Interest saved by the commitment system: a {principal_text} loan, "
            f"{months_text} sooner",
        ),
        subtitle=tr(
            lang,
            "拖动滑块改变本金、利率和月数；绿色为计算结果，红色标记为原文数字",
            "Drag the sliders to change principal, rate and months; green is computed, "
            "red marks are the article's figures",
        ),
        description=tr(
            lang,
            f"计算器。{principal_text}贷款按年利率 {rate_text}、"
            f"节省 {months_text}计，利息为 {num(saved['saving'], lang)} {s_unit}"
            f"（原文 {written(saved, lang)}）；{phase_label[0]}合计 "
            f"{num(saved['saving'] * phases, lang)} {s_unit}（原文 {written(total, lang)}）。",
            f"Calculator. Interest on a {principal_text} loan at "
            f"{rate_text} a year for {months_text}: "
            f"{num(saved['saving'], lang)} {s_unit} (the article: {written(saved, lang)}); "
            f"{phase_label[1]}: {num(saved['saving'] * phases, lang)} {s_unit} "
            f"(the article: {written(total, lang)}).",
        ),
    )


loan_savings_calculator.theme = "reform_business"

# ---------------------------------------------------------------- business_environment

# Each tile: the fact, its caption and the English noun of a count. The figures come from the
# facts; only the words are written here.
_KEY_FIGURES = (
    ("lw-business-startup-days", ("企业开办时间（省市两级）", "Time to start a business"), ""),
    (
        "lw-private-economy-measures-30",
        ("支持民营经济发展政策", "Private-economy support package"),
        "measures",
    ),
    (
        "lw-private-economy-measures-23",
        ("支持民营经济发展政策（新）", "Newer private-economy package"),
        "measures",
    ),
    (
        "lw-fortune-global-500-investors",
        ("在晋投资兴业的世界 500 强企业", "Fortune Global 500 firms investing in Shanxi"),
        "firms",
    ),
    (
        "lw-steel-savings-per-tonne",
        ("晋南钢铁：每吨钢节省成本", "Jinnan Steel: cost saved per tonne"),
        "",
    ),
    (
        "lw-steel-delivery-hours",
        ("晋南钢铁：送达时间", "Jinnan Steel: delivery time"),
        "",
    ),
)
_COLUMNS = 3


def business_environment(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return a key-figures panel of the reform and business-environment figures (days,
    measures, firms, yuan, hours: no shared axis), one tile per fact with its quote."""
    df = facts_frame(data, lang)
    li = 0 if lang == "zh" else 1
    ids = [f for f, _, _ in _KEY_FIGURES]
    rows = with_plot_columns(select(df, ids, chart="business_environment"), lang)
    radius = select(df, ["lw-steel-delivery-radius"], chart="business_environment").iloc[0]
    captions = {f: c[li] for f, c, _ in _KEY_FIGURES}
    # The delivery caption names the radius: take it from its own fact, not from the words.
    radius_text = written(radius, lang)
    captions["lw-steel-delivery-hours"] = tr(
        lang, f"晋南钢铁：{radius_text}内送达", f"Jinnan Steel: delivery within {radius_text}"
    )
    rows["caption"] = rows["fact_id"].map(captions)
    rows["caption_shown"] = [wrap(c, 30) if lang == "en" else c for c in rows["caption"]]
    nouns = {f: n for f, _, n in _KEY_FIGURES}
    rows["big"] = [written(r, lang, nouns[r["fact_id"]]) for _, r in rows.iterrows()]
    rows["col"] = [i % _COLUMNS for i in range(len(rows))]
    rows["line"] = [i // _COLUMNS for i in range(len(rows))]
    x = alt.X("col:O", axis=None, title=None, scale=alt.Scale(paddingInner=0.06))
    y = alt.Y("line:O", axis=None, title=None, scale=alt.Scale(paddingInner=0.1))
    tip = fact_tooltip(lang)
    tiles = alt.Chart(rows).mark_rect(color="#f1f4f7", cornerRadius=4).encode(x=x, y=y, tooltip=tip)
    big = (
        alt.Chart(rows)
        .mark_text(dy=-12, fontSize=26 if lang == "zh" else 24, fontWeight=600, color=ACCENT)
        .encode(x=x, y=y, text="big:N", tooltip=tip)
    )
    caption = (
        alt.Chart(rows)
        .mark_text(dy=22, fontSize=11, color=SOFT, limit=172, lineBreak="\n", lineHeight=14)
        .encode(x=x, y=y, text="caption_shown:N", tooltip=tip)
    )
    chart = alt.layer(tiles, big, caption).properties(width=540, height=240)
    sep = "；" if lang == "zh" else "; "
    facts_text = sep.join(f"{c}: {b}" for c, b in zip(rows["caption"], rows["big"], strict=True))
    return finish(
        chart,
        [*rows["source_id"], radius["source_id"]],
        lang=lang,
        title=tr(lang, "营商环境：改革的关键数字", "The business environment in key figures"),
        subtitle=tr(
            lang,
            "单位各不相同，故不共用坐标轴；悬停可看原文",
            "Different units, so no shared axis; hover for the quote",
        ),
        description=tr(
            lang,
            f"关键数字面板，共 {len(rows)} 项。{facts_text}。",
            f"Key-figures panel of {len(rows)} figures. {facts_text}.",
        ),
    )


business_environment.theme = "reform_business"

__charts__ = [loan_savings_calculator, business_environment]
