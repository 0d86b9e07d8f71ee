"""One formatter: the text of a figure in each style and language, from the data's metadata.

How to write an amount lives in the data, not here: ``data/curated/units.csv`` gives each
base unit its magnitude ladder in both languages (万/亿 in Chinese; thousand, million,
billion in English), and ``indicators.csv`` gives each indicator the English noun of what
it counts. This module only applies them, so that a figure reads the same on every chart,
in every narrative and in every widget.

Three styles:

* ``prose``: for a sentence. Chinese keeps the figure as the article writes it (its
  ``span``); English writes the qualifier in words (``at most 900``, ``about 80 million
  kWh``);
* ``label``: for a mark on a chart. The qualifier becomes a sign (``<30%``, ``600+
  firms``, ``≤900``); Chinese keeps the article's words for it (``不足 30%``, ``约 64 亿元``);
* ``card``: for a key-figure card: as ``label``, without the English noun.

>>> figure(150580000000, "yuan", "none", "en")
'150.58 billion yuan'
>>> figure(900, "count", "at_most", "zh", span="900 座")
'900 座以内'
>>> figure(30, "percent", "less_than", "en", style="label")
'<30%'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import lru_cache

from . import datasets

STYLES = ("prose", "label", "card")

_ZH_WORDS = {
    "approx": "约{}",
    "more_than": "超过{}",
    "at_least": "{}以上",
    "at_most": "{}以内",
    "less_than": "不足{}",
}
_EN_WORDS = {
    "approx": "about {}",
    "more_than": "more than {}",
    "at_least": "at least {}",
    "at_most": "at most {}",
    "less_than": "less than {}",
}
_EN_SIGNS = {
    "approx": "about {}",
    "more_than": "{}+",
    "at_least": "≥{}",
    "at_most": "≤{}",
    "less_than": "<{}",
}
_ZH_SIGNS = {**_EN_SIGNS, "approx": "约 {}", "less_than": "不足 {}"}
_UNSPACED = ("%", "")


def _check_style(style: str) -> str:
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(map(repr, STYLES))}, got {style!r}")
    return style


def _parse_ladder(text: str) -> list[tuple[float, str]]:
    steps = []
    for step in text.split("; "):
        factor, _, label = step.partition(" ")
        steps.append((float(factor), label))
    return sorted(steps, key=lambda s: -s[0])


def unit_table() -> dict[str, dict]:
    """Return each base unit's names and ladders (``{unit_id: {...}}``), from the data."""
    return _unit_table(datasets.version())


@lru_cache(maxsize=4)
def _unit_table(_version: tuple) -> dict[str, dict]:
    units = datasets.units("en").set_index("unit_id")
    return {
        uid: {
            "name_zh": r["name_zh"],
            "name_en": r["name_en"],
            "singular_en": r["singular_en"] if isinstance(r["singular_en"], str) else None,
            "zh": _parse_ladder(r["ladder_zh"]),
            "en": _parse_ladder(r["ladder_en"]),
        }
        for uid, r in units.iterrows()
    }


def ladder(base_unit: str, lang: str) -> list[tuple[float, str]]:
    """Return the magnitudes ``[(factor, label), ...]`` (largest first) of ``base_unit``.

    A unit the data does not know gets one step: the unit's own name, factor 1.
    """
    datasets.check_lang(lang)
    known = unit_table().get(str(base_unit))
    return known[lang] if known else [(1.0, str(base_unit))]


def scale(base_unit: str, values: Iterable[float], lang: str) -> tuple[float, str]:
    """Return ``(factor, unit label)`` to show ``values`` (in ``base_unit``) on one axis: the
    largest magnitude that the biggest value reaches.

    >>> scale("yuan", [4.5e9, 9.9e10], "zh"), scale("yuan", [4.5e9, 9.9e10], "en")
    ((100000000.0, '亿元'), (1000000000.0, 'billion yuan'))
    """
    biggest = max((abs(float(v)) for v in values), default=0.0)
    steps = ladder(base_unit, lang)
    for factor, label in steps:
        if biggest >= factor:
            return factor, label
    return steps[-1]


_NOISE = 12
"""Significant digits a float keeps before its binary noise: no article writes more."""


def number(x: float, lang: str, digits: int | None = None) -> str:
    """Return ``x`` as digits with thousands separators (the ones a chart's axis writes, in
    both languages): every significant digit it holds, or ``digits`` significant figures.

    >>> number(15685, "zh"), number(5.34375, "en"), number(2352.94, "en", 2)
    ('15,685', '5.34375', '2,400')
    """
    datasets.check_lang(lang)
    exact = Decimal(f"{float(x):.{digits or _NOISE}g}")
    text = f"{exact:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def amount(base_value: float, base_unit: str, lang: str, *, digits: int | None = None):
    """Return ``(number, unit label)`` of an amount in its reader's magnitude:
    156,850,000 tonnes -> ``('156.85', 'million tonnes')`` / ``('15,685', '万吨')``."""
    x = float(base_value)
    steps = ladder(base_unit, lang)
    factor, label = next(((f, lab) for f, lab in steps if abs(x) >= f), steps[-1])
    text = number(x / factor, lang, digits)
    known = unit_table().get(str(base_unit))
    if lang == "en" and text == "1" and known and known["singular_en"] and factor == 1:
        label = known["singular_en"]
    return text, label


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _span_matches(span: str, value: float | None) -> bool:
    """Whether the span still says ``value`` (a user may have edited the value alone)."""
    digits = re.search(r"[0-9][0-9,]*(?:\.[0-9]+)?", span)
    if digits is None or value is None:
        return True  # written in Chinese numerals (三成): nothing to compare
    return float(digits.group(0).replace(",", "")) == float(value)


def _join(n: str, unit: str) -> str:
    return f"{n}{unit}" if unit in _UNSPACED or unit.startswith("%") else f"{n} {unit}"


def figure(
    base_value: float,
    base_unit: str,
    qualifier: str = "none",
    lang: str = "zh",
    *,
    style: str = "prose",
    span: str | None = None,
    value: float | None = None,
    unit: str | None = None,
    noun: str | None = None,
    digits: int | None = None,
) -> str:
    """Return a figure's text in ``lang`` and ``style`` (see the module docstring).

    ``span``, ``value`` and ``unit`` are the figure as the article writes it (Chinese prose
    keeps them); ``noun`` is the English noun of a count (``firms``); ``digits`` rounds a
    derived value to its significant figures.

    >>> figure(3188, "count", "none", "en", style="label", noun="firms")
    '3,188 firms'
    >>> figure(600, "count", "more_than", "zh", style="label", value=600, unit="家")
    '600+ 家'
    """
    lang, style, q = datasets.check_lang(lang), _check_style(style), str(qualifier or "none")
    if lang == "zh" and style == "prose":
        if base_unit == "rank":
            text = span if span and _span_matches(span, value) else f"第{number(value or 0, lang)}"
        elif span and _span_matches(span, value) and digits is None:
            text = span
        elif value is not None and unit and digits is None:
            text = f"{number(value, lang)}{unit}"  # as the article would write it: 90个
        else:
            text = _join(*amount(base_value, base_unit, lang, digits=digits))
        if q == "more_than" and ("多" in text or "余" in text):
            return text
        return _ZH_WORDS.get(q, "{}").format(text)
    if lang == "zh":
        if value is not None and unit and digits is None:
            n, label = number(value, lang), unit
        else:
            n, label = amount(base_value, base_unit, lang, digits=digits)
        if base_unit == "rank":
            return f"第 {n} {label}".rstrip()
        return _join(_ZH_SIGNS.get(q, "{}").format(n), label)
    if base_unit == "rank":
        text = _ordinal(int(float(base_value)))
        n, label = text, ""
    else:
        n, label = amount(base_value, base_unit, lang, digits=digits)
    if style == "prose":
        if base_unit != "rank":
            text = _join(n, label).strip()
        return _EN_WORDS.get(q, "{}").format(text)
    n = _EN_SIGNS.get(q, "{}").format(n)
    if style == "label" and noun and label == "":
        label = noun
    return _join(n, label).strip()


def fact_figure(row: Mapping, lang: str, style: str = "prose") -> str:
    """Return the text of one fact (a row of :func:`datasets.facts`) in ``lang`` and
    ``style``; the English noun comes from the fact's indicator (or a ``noun_en`` column)."""
    noun = row.get("noun_en")
    if not isinstance(noun, str) or not noun:
        noun = nouns().get(str(row.get("indicator_id")), "")
    span = row.get("span")
    value = row.get("value")
    unit = row.get("unit")
    return figure(
        row["base_value"],
        row["base_unit"],
        row.get("qualifier") or "none",
        lang,
        style=style,
        span=span if isinstance(span, str) else None,
        value=None if value is None or value != value else float(value),
        unit=unit if isinstance(unit, str) else None,
        noun=noun or None,
    )


def nouns() -> dict[str, str]:
    """Return the English noun of each indicator that has one (``{indicator_id: noun}``)."""
    return _nouns(datasets.version())


@lru_cache(maxsize=4)
def _nouns(_version: tuple) -> dict[str, str]:
    ind = datasets.indicators("en")
    return {i: n for i, n in zip(ind["indicator_id"], ind["noun_en"], strict=True) if n}


# ---------------------------------------------------------------- periods

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


def period(value: object, lang: str) -> str:
    """Return a period (``2021-06``, ``2020Q1``, ``2016/2020``) as a reader writes it.

    >>> period("2016/2020", "en"), period("2020Q1", "zh")
    ('2016–2020', '2020 年一季度')
    """
    datasets.check_lang(lang)
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return ""
    parts = [_one_period(p, lang) for p in str(value).split("/")]
    if len(parts) == 2 and lang == "zh":
        parts = [parts[0].removesuffix(" 年") if parts[1].endswith("年") else parts[0], parts[1]]
        return "—".join(parts)
    return "–".join(parts)


def periods(values: Iterable[object], lang: str) -> str:
    """Return the time the periods ``values`` cover as a reader writes it: one period as
    itself, several as the years from the first's start to the last's end.

    >>> periods(["2020", "2015", "2018Q2"], "en"), periods(["2021-06"], "zh")
    ('2015–2020', '2021 年 6 月')
    >>> periods(["2020Q1", "2020Q2"], "en")
    '2020'
    """
    ordered = sorted({p for p in values if isinstance(p, str) and p}, key=datasets.period_span)
    if len(ordered) < 2:
        return period(ordered[0], lang) if ordered else ""
    first, last = datasets.period_span(ordered[0])[0], datasets.period_span(ordered[-1])[1]
    first, last = int(first), int(last) - (last % 1 == 0)  # the years they fall in
    return period(str(first) if first == last else f"{first}/{last}", lang)


def percent(fraction: float, lang: str = "en", *, signed: bool = False, decimals: int = 1) -> str:
    """Return a rate given as a fraction in percent: ``0.0602`` -> ``6.0%`` (``+6.0%``).

    >>> percent(0.0602, signed=True), percent(-0.5)
    ('+6.0%', '-50.0%')
    """
    datasets.check_lang(lang)
    return f"{fraction * 100:{'+' if signed else ''}.{decimals}f}%"


def points(pp: float, lang: str, *, signed: bool = True) -> str:
    """Return a difference of two rates in points: ``+153.6 pp`` / ``+153.6 个百分点``."""
    n = f"{pp:{'+' if signed else ''}.1f}".rstrip("0").rstrip(".") if pp % 1 else f"{pp:+g}"
    if not signed:
        n = n.lstrip("+")
    return f"{n} 个百分点" if datasets.check_lang(lang) == "zh" else f"{n} pp"


def golden_rows() -> list[tuple[str, str, str, str]]:
    """Return ``(fact_id, lang, style, text)`` for every fact, language and style: the table
    a person reviews once by eye (``tests/golden/figures.tsv``)."""
    out = []
    for lang in datasets.LANGS:
        for row in datasets.facts(lang).to_dict("records"):
            for style in STYLES:
                out.append((row["fact_id"], lang, style, fact_figure(row, lang, style)))
    return out
