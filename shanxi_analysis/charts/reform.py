"""Charts of reform and the business environment: the commitment system's loan-interest
saving as a calculator, and the reform figures as a key-figures panel."""

from __future__ import annotations

import math
import textwrap
from decimal import Decimal

import altair as alt
import pandas as pd

from .. import derived, formatting
from ..htmlsafe import vega_string as _quoted
from . import _base as kit
from ._base import COAL, GREEN, INK, PHONE, fact_tooltip, finish, plot_frame, tr
from .types import figure

# ---------------------------------------------------------------- loan_savings_calculator

PARAM_PRINCIPAL, PARAM_RATE, PARAM_MONTHS = "loan_principal", "loan_rate", "loan_months"
_SLIDERS = (  # parameter, words (zh, en), top: its default times (at least), step (None: _step)
    (PARAM_PRINCIPAL, "贷款本金({unit}) ", "Loan principal ({unit}) ", 4, 0.0, None),
    (PARAM_RATE, "年利率(%) ", "Annual rate (%) ", 2, 10.0, None),
    (PARAM_MONTHS, "节省的月数 ", "Months saved ", 2, 24.0, 1),
)


def _step(default: float) -> float:
    """A slider step that lands on ``default``: the largest power of ten dividing it, at most
    a tenth of it (1.5 -> 0.1, 150 -> 10, 4.75 -> 0.01)."""
    digits = Decimal(repr(round(default, 6))).normalize().as_tuple().exponent
    return 10.0 ** min(digits, math.floor(math.log10(default)) - 1 if default > 0 else 0)


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
    facts, asked = derived.loan_rows(df), derived.loan_defaults(df)
    given = {"principal": principal, "rate_pct": rate_pct, "months": months, "phases": phases}
    asked.update({k: float(v) for k, v in given.items() if v is not None})
    phases = asked["phases"]
    inputs = pd.DataFrame([facts[k] for k in ("principal", "rate_pct", "months")])
    stated = pd.DataFrame([facts["saved"], facts["total_saved"]]).reset_index(drop=True)
    p_factor, p_unit = formatting.scale("yuan", [asked["principal"]], lang)
    s_factor, s_unit = formatting.scale("yuan", stated["base_value"], lang)
    starts = [asked["principal"] / p_factor, asked["rate_pct"], asked["months"]]
    params = []  # each slider from 0, on a step that lands on its default
    for (name, zh, en, times, least, step), v in zip(_SLIDERS, starts, strict=True):
        words, top = tr(lang, zh, en).format(unit=p_unit), max(least, v * times)
        bind = alt.binding_range(min=0, max=top, step=step or _step(v), name=words)
        params.append(alt.param(name=name, value=v, bind=bind))
    phase_words = derived.loan_phases()[1][lang == "en"]  # "two phases (× 2)"
    one, both = tr(lang, "一期", "One phase"), phase_words[:1].upper() + phase_words[1:]
    rows = pd.DataFrame({"row": [one, both], "phases": [1.0, phases]})
    rows["display"] = " × ".join(inputs["label"])  # the computation's provenance: its inputs
    rows["quote_shown"] = " … ".join(inputs["quote_shown"])
    rows["source_short"] = inputs["source_short"].iloc[0]
    expr, fmt, unit = saving_expression(p_factor, s_factor), "',.6~f'", f" {s_unit}"
    axis = alt.Axis(labelFontSize=12, labelLimit=160, domain=False, ticks=False)
    y = alt.Y("row:N", sort=[one, both], title=None, axis=axis)
    x_title = tr(lang, f"节省的利息（{s_unit}）", f"Interest saved ({s_unit})")
    x = alt.X("saving:Q", title=x_title, scale=alt.Scale(zero=True), axis=alt.Axis(tickCount=6))
    tip = [
        alt.Tooltip("row:N", title=tr(lang, "情形", "Case")),
        alt.Tooltip("saving:Q", title=tr(lang, f"计算（{s_unit}）", f"Computed ({s_unit})")),
        *kit.tooltips(lang, ("display", "原文输入", "Inputs as written")),
        kit.quote_tooltip(lang),
        kit.source_tooltip(lang),
    ]
    calc = {"saving": expr, "label": f"format(datum.saving, {fmt}) + {_quoted(unit)}"}
    calc = alt.Chart(rows).transform_calculate(**calc).encode(x=x, y=y, tooltip=tip)
    bound = stated["qualifier"].astype(str).isin(["more_than", "at_least"])  # "1000 多万"
    stated["row"], stated["saving"] = [one, both], stated["base_value"] / s_factor
    stated["label"] = tr(lang, "原文：", "Article: ") + stated["label"]
    stated["shape"] = bound.map({True: "triangle-right", False: "diamond"})
    article = alt.Chart(stated).encode(x=x, y=y, tooltip=fact_tooltip(lang))  # what it says
    shape, label = alt.Shape("shape:N", scale=None), alt.Text("label:N")
    bold = {"fontSize": 12, "fontWeight": 600}
    # Vega expressions of the sliders' values as text, for the formula and the title
    principal_text = f"format({PARAM_PRINCIPAL}, ',.2~f') + {_quoted(' ' + p_unit)}"
    months_text = f"format({PARAM_MONTHS}, 'd') + {_quoted(tr(lang, ' 个月', ' months'))}"
    rate_text = f"format({PARAM_RATE}, '.2~f') + '%'"
    one_saved = f"format({expr.replace('datum.phases', '1')}, {fmt}) + {_quoted(unit)}"
    times = "' × '"
    # the arithmetic, live: principal × rate × months ÷ 12 = saving; on a phone in two
    # lines, the division starting the second, in a smaller font
    formula = f"[{principal_text} + {times} + {rate_text} + {times} + {months_text}"
    formula += f", '÷ 12 = ' + {one_saved}]"
    layers = [
        calc.mark_bar(size=26, color=GREEN, cornerRadiusEnd=3),
        calc.mark_text(align="left", dx=8, color=GREEN, **bold).encode(text=label),
        article.mark_tick(color=COAL, thickness=2.5, size=34),
        article.mark_point(filled=True, size=90, color=COAL, opacity=1).encode(shape=shape),
        article.mark_text(align="right", dx=-6, dy=-20, fontSize=11, color=COAL).encode(text=label),
        alt.Chart(rows.iloc[[0]])
        .transform_calculate(text=f"{PHONE} ? {formula} : join({formula}, ' ')")
        .mark_text(align="left", baseline="top", fontSize=alt.expr(f"{PHONE} ? 12 : 13"))
        .encode(color=alt.value(INK))
        .encode(x=alt.value(0), y=alt.value(-34), text="text:N", tooltip=tip),
    ]
    chart = alt.layer(*layers).add_params(*params).properties(width=460, height=alt.Step(70))
    lead = tr(lang, "承诺制节省的利息：", "Interest saved by the commitment system: ")
    # the title follows the sliders: "a 1.5 亿元 loan, 9 months sooner"
    a, loan, sooner = map(
        _quoted, {"zh": ("", "贷款、", ""), "en": ("a ", " loan, ", " sooner")}[lang]
    )
    line = f"{a} + {principal_text} + {loan} + {months_text} + {sooner}"
    narrow = ", ".join(map(_quoted, textwrap.wrap(lead, 24)))  # on a phone, the lead wraps
    title = alt.ExprRef(f"{PHONE} ? [{narrow}, {line}] : {_quoted(lead)} + {line}")
    saving = derived.loan_saving(asked["principal"], asked["rate_pct"], asked["months"]) / s_factor
    said = {r: facts[r]["label"] for r in facts}  # the figures as written, and as computed
    said["one"], said["all"] = (formatting.number(saving * k, lang) + unit for k in (1, phases))
    text = tr(
        lang,
        "计算器。{principal}贷款按年利率 {rate_pct}、节省 {months}计，利息为 {one}"
        "（原文 {saved}）；{phases}合计 {all}（原文 {total_saved}）。",
        "Calculator. Interest on a {principal} loan at {rate_pct} a year for {months}: {one} "
        "(the article: {saved}); {phases}: {all} (the article: {total_saved}).",
    ).format(**said, phases=phase_words)
    note = tr(
        lang,
        "拖动滑块改变本金、利率和月数；绿色为计算结果，红色标记为原文数字",
        "Drag the sliders to change principal, rate and months; green is computed, "
        "red marks are the article's figures",
    )
    sources = pd.concat([inputs, stated])
    return finish(chart, sources, lang=lang, title=title, subtitle=note, description=text)


# ---------------------------------------------------------------- business_environment


business_environment = figure(
    "business_environment",
    """Return key-figure cards of the reform and business-environment figures (days,
    measures, firms, yuan, hours: no shared axis), one card per fact with its quote.""",
)
