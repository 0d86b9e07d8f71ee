"""Narrative text whose figures come from the data.

A template is prose with placeholders, and no figure typed by hand:

* ``{fact:ID}``: the fact as a reader should see it (Chinese: as written in the article,
  ``约 8000 万千瓦时``; English: converted to readable units, ``about 80 million kWh``);
* ``{period:ID}``: the fact's period;
* ``{calc:NAME}``: a value derived from the facts by :data:`CALCULATIONS`;
* ``{indicator:ID}``: an indicator's name.

>>> render("先进产能占比提高到{fact:lw-advanced-coal-capacity-share-2020}。", "zh")
'先进产能占比提高到 68%。'
>>> render("Coal mines: {fact:lw-coal-mines-2020}.", "en")
'Coal mines: at most 900.'
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import datasets, metrics

_HAN_THEN_LATIN = re.compile(r"([\u4e00-\u9fff])([0-9A-Za-z])")
_LATIN_THEN_HAN = re.compile(r"([0-9A-Za-z%])([\u4e00-\u9fff])")
_PLACEHOLDER = re.compile(r"\{(fact|period|calc|indicator):([A-Za-z0-9_\-]+)\}")

_ZH_QUALIFIER = {
    "approx": "约{}",
    "more_than": "超过{}",
    "at_least": "{}以上",
    "at_most": "{}以内",
    "less_than": "不足{}",
}
_EN_QUALIFIER = {
    "approx": "about {}",
    "more_than": "more than {}",
    "at_least": "at least {}",
    "at_most": "at most {}",
    "less_than": "less than {}",
}
# base unit → [(minimum magnitude, divisor, English unit)], largest first
_EN_UNITS: dict[str, list[tuple[float, float, str]]] = {
    "yuan": [(1e9, 1e9, "billion yuan"), (1e6, 1e6, "million yuan"), (0, 1, "yuan")],
    "tonne": [(1e6, 1e6, "million tonnes"), (1e3, 1e3, "thousand tonnes"), (0, 1, "tonnes")],
    "kW": [(1e6, 1e6, "GW"), (1e3, 1e3, "MW"), (0, 1, "kW")],
    "kWh": [(1e9, 1e9, "billion kWh"), (1e6, 1e6, "million kWh"), (0, 1, "kWh")],
    "kV": [(0, 1, "kV")],
    "m2": [(1e6, 1e6, "km²"), (0, 1, "m²")],
    "m": [(1e3, 1e3, "km"), (0, 1, "m")],
    "percent": [(0, 1, "%")],
    "percentage_point": [(0, 1, "percentage points")],
    "day": [(0, 1, "days")],
    "hour": [(0, 1, "hours")],
    "month": [(0, 1, "months")],
    "year": [(0, 1, "years")],
    "person": [(0, 1, "")],  # the sentence says who: "60 researchers"
    "rank": [(0, 1, "")],
    "count": [(1e6, 1e6, "million"), (0, 1, "")],
}


def _number(x: float) -> str:
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.3f}".rstrip("0").rstrip(".")


def _span_matches(span: str, value: float | None) -> bool:
    """Whether the span still says ``value`` (a user may have edited the value alone)."""
    digits = re.search(r"[0-9][0-9,]*(?:\.[0-9]+)?", span)
    if digits is None or value is None:
        return True  # written in Chinese numerals (三成): nothing to compare
    return float(digits.group(0).replace(",", "")) == float(value)


def figure_of(
    base_value: float,
    base_unit: str,
    qualifier: str,
    lang: str,
    *,
    span: str | None = None,
    value: float | None = None,
    unit: str | None = None,
) -> str:
    """Return a figure for a reader in ``lang`` with its qualifier.

    Chinese keeps the figure as the article writes it (``span``, else ``value`` and
    ``unit``); English converts the base value into readable units (``156.85 million
    tonnes``, ``31st``).

    >>> figure_of(150580000000, "yuan", "none", "en")
    '150.58 billion yuan'
    >>> figure_of(900, "count", "at_most", "zh", span="900 座")
    '900 座以内'
    """
    q = str(qualifier)
    if lang == "zh":
        if isinstance(span, str) and span and _span_matches(span, value):
            text = span
        elif base_unit == "rank":
            text = f"第{_number(value or 0)}{unit or '位'}"
        else:
            text = f"{_number(value or 0)}{unit or ''}"
        if q == "more_than" and ("多" in text or "余" in text):
            return text
        return _ZH_QUALIFIER.get(q, "{}").format(text)
    base = float(base_value)
    if base_unit == "rank":
        n = int(base)
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        text = f"{n}{suffix}"
    else:
        text = _number(base)
        for minimum, divisor, label in _EN_UNITS.get(base_unit, [(0, 1, base_unit)]):
            if abs(base) >= minimum:
                number = _number(base / divisor)
                if number == "1" and label in ("days", "hours", "months", "years", "tonnes"):
                    label = label[:-1]
                text = f"{number}%" if label == "%" else f"{number} {label}".strip()
                break
    return _EN_QUALIFIER.get(q, "{}").format(text)


def figure(fact_id: str, lang: str) -> str:
    """Return a fact's figure for a reader in ``lang``, with its qualifier."""
    datasets._check_lang(lang)
    f = datasets.fact(fact_id)
    return figure_of(
        f["base_value"],
        f["base_unit"],
        f["qualifier"],
        lang,
        span=f["span"],
        value=f["value"],
        unit=f["unit"],
    )


def _v(fact_id: str) -> float:
    return datasets.base_value(fact_id)


def _pct(x: float) -> str:
    return f"{x:.1f}%"


CALCULATIONS: dict[str, Callable[[str], str]] = {
    "high_tech_cagr": lambda lang: _pct(
        100 * metrics.cagr(_v("lw-high-tech-firms-2015"), _v("lw-high-tech-firms-2020"), 5)
    ),
    "high_tech_multiple": lambda lang: (
        f"{_v('lw-high-tech-firms-2020') / _v('lw-high-tech-firms-2015'):.1f}"
    ),
    "national_trade_growth_2020": lambda lang: _pct(
        metrics.implied_rate(
            _v("lw-foreign-trade-growth-gap-2020"), _v("lw-foreign-trade-growth-2020")
        )
    ),
    "province_fdi_growth_2020q1": lambda lang: _pct(
        metrics.implied_rate(
            _v("dz-dev-zones-fdi-growth-gap-2020q1"), _v("dz-dev-zones-fdi-growth-2020q1")
        )
    ),
    "province_imports_change_2020q1": lambda lang: _pct(
        -_v("dz-dev-zones-imports-decline-2020q1") - _v("dz-dev-zones-imports-growth-gap-2020q1")
    ),
    # Four significant figures: enough to show how closely the two articles agree.
    "shanxi_trade_2019_from_share": lambda lang: _money(
        metrics.significant(
            metrics.implied_total(
                _v("dz-dev-zones-trade-2019"), _v("dz-dev-zones-trade-share-2019")
            ),
            4,
        ),
        lang,
    ),
    "shanxi_trade_2019_from_growth": lambda lang: _money(
        metrics.significant(
            metrics.implied_previous(
                _v("lw-foreign-trade-2020"), _v("lw-foreign-trade-growth-2020")
            ),
            4,
        ),
        lang,
    ),
    "loan_interest_check": lambda lang: _money(
        metrics.simple_interest(
            _v("lw-loan-principal"), _v("lw-loan-benchmark-rate"), _v("lw-loan-months-saved")
        ),
        lang,
    ),
    "dev_zones_added": lambda lang: _number(
        _v("lw-dev-zones-2021") - _v("dz-dev-zones-total-2020")
    ),
    # "about 8000 万千瓦时" over "3.4 万" households: two significant figures at most.
    "kwh_per_household": lambda lang: _number(
        metrics.significant(
            metrics.per_unit(_v("lw-panda-solar-output"), _v("lw-panda-solar-households")), 2
        )
    ),
    "wind_solar_total_capacity": lambda lang: _capacity(
        metrics.implied_total(
            _v("lw-wind-solar-capacity-2021-06"), _v("lw-wind-solar-share-2021-06")
        ),
        lang,
    ),
}
"""Derived values a narrative may cite, each computed from facts by a metric."""


def _capacity(kw: float, lang: str) -> str:
    kw = metrics.significant(kw, 3)  # from a share given to three figures (31.2%)
    return f"{_number(kw / 1e4)}万千瓦" if lang == "zh" else f"{_number(kw / 1e6)} GW"


def _money(yuan: float, lang: str) -> str:
    """Money as the figures around it are written (up to three decimals, as ``figure``)."""
    if lang == "zh":
        return f"{_number(yuan / 1e8)}亿元" if yuan >= 1e8 else f"{_number(yuan / 1e4)}万元"
    return figure_of(yuan, "yuan", "none", "en")


_MONTHS = "January February March April May June July August September October November December"
_ZH_QUARTERS = "一二三四"


def _one_period(p: str, lang: str) -> str:
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", p)
    if m:
        y, mo, d = m.groups()
        if lang == "zh":
            return f"{y} 年" + (f" {int(mo)} 月" if mo else "") + (f" {int(d)} 日" if d else "")
        if mo:
            month = _MONTHS.split()[int(mo) - 1]
            return f"{int(d)} {month} {y}" if d else f"{month} {y}"
        return y
    q = re.fullmatch(r"(\d{4})Q([1-4])", p)
    if q:
        y, n = q.groups()
        return f"{y} 年{_ZH_QUARTERS[int(n) - 1]}季度" if lang == "zh" else f"Q{n} {y}"
    h = re.fullmatch(r"(\d{4})H([12])", p)
    if h:
        y, n = h.groups()
        return f"{y} 年{'上' if n == '1' else '下'}半年" if lang == "zh" else f"H{n} {y}"
    return p


def period_text(period: object, lang: str) -> str:
    """Return a period (``2021-06``, ``2020Q1``, ``2016/2020``) as a reader writes it.

    >>> period_text("2016/2020", "en"), period_text("2020Q1", "zh")
    ('2016–2020', '2020 年一季度')
    """
    if period is None or (isinstance(period, float) and period != period) or period == "":
        return ""
    parts = [_one_period(p, lang) for p in str(period).split("/")]
    if len(parts) == 2 and lang == "zh":
        parts = [parts[0].removesuffix(" 年") if parts[1].endswith("年") else parts[0], parts[1]]
        return "—".join(parts)
    return "–".join(parts)


def fact_ids(template: str) -> list[str]:
    """Return the fact ids a template cites, in order."""
    return list(
        dict.fromkeys(
            m.group(2) for m in _PLACEHOLDER.finditer(template) if m.group(1) in ("fact", "period")
        )
    )


def render(template: str, lang: str, *, escape: Callable[[str], str] | None = None) -> str:
    """Return ``template`` with every placeholder replaced by its value in ``lang``;
    ``escape`` (e.g. :func:`htmlsafe.markdown_text`) is applied to each value, never to the
    template, so names from the data stay text in Markdown."""
    datasets._check_lang(lang)

    def sub(m: re.Match) -> str:
        value = _value(m.group(1), m.group(2))
        return escape(value) if escape else value

    def _value(kind: str, key: str) -> str:
        if kind == "fact":
            return figure(key, lang)
        if kind == "indicator":
            names = datasets.indicators(lang).set_index("indicator_id")["name"]
            if key not in names.index:
                raise KeyError(f"unknown indicator {key!r}")
            return str(names[key])
        if kind == "period":
            return period_text(datasets.fact(key)["period"], lang)
        if key not in CALCULATIONS:
            raise KeyError(f"unknown calculation {key!r}; known: {', '.join(CALCULATIONS)}")
        return CALCULATIONS[key](lang)

    text = _PLACEHOLDER.sub(sub, template)
    if lang == "zh":
        # One spacing rule for the figures of both articles (one writes 15685 万吨, the
        # other 83个): a space wherever a digit or Latin letter meets a Chinese character.
        text = _HAN_THEN_LATIN.sub(r"\1 \2", text)
        text = _LATIN_THEN_HAN.sub(r"\1 \2", text)
    return re.sub(r" {2,}", " ", text).strip()
