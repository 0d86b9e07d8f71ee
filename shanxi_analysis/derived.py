"""Derived values in one registry: each computed number with its inputs, method, precision and
a processing note in both languages.

The narrative (``{calc:ID}`` in :mod:`shanxi_analysis.story`), the charts and the widgets read
a derived figure from here, so it is computed once, with one set of constants. Notes are
templates over the data (``{fact:ID}``, ``{value}``), so they cannot go stale when a figure
changes. Methods are the pure functions of :mod:`shanxi_analysis.metrics`.

>>> round(value("high_tech_cagr"), 4)
0.3466
>>> text("kwh_per_household", "en")
'2,400'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from . import datasets, formatting, metrics

# Re-exported: the generic derivations that the chart types apply to any rows.
implied_total = metrics.implied_total
implied_rate = metrics.implied_rate


@dataclass(frozen=True)
class Derived:
    """One computed number: ``method(*inputs)`` where an input is a fact id (its base value)
    or a constant, shown in ``unit`` to ``digits`` significant figures (``None``: as
    computed); ``percent`` methods return fractions that read as percentages."""

    derived_id: str
    method: str
    inputs: tuple[str | float, ...]
    unit: str  # a base unit, "percent", "fraction", or "times"/"number" (the sentence says it)
    digits: int | None
    note_zh: str
    note_en: str
    constants: Mapping[str, tuple[str, str]] | None = None

    def fact_ids(self) -> tuple[str, ...]:
        """Return the facts the value is computed from."""
        return tuple(i for i in self.inputs if isinstance(i, str))

    def value(self, values: Mapping[str, float] | None = None) -> float:
        """Return the value, from the package's facts (or ``values`` by fact id)."""
        args = [
            (values[i] if values is not None else datasets.base_value(i))
            if isinstance(i, str)
            else i
            for i in self.inputs
        ]
        if self.method == "cagr_between_periods":  # the years come from the facts' periods
            args.append(years_between(*(datasets.fact(i)["period"] for i in self.fact_ids())))
            return float(metrics.cagr(*args))
        return float(_METHODS[self.method](*args))

    def text(self, lang: str) -> str:
        """Return the value as a reader sees it in ``lang`` (rounded to ``digits``)."""
        v = self.value()
        if self.unit == "fraction":
            return formatting.percent(v, lang)
        if self.unit == "percent":
            return f"{v:.1f}%"  # one decimal, as the articles write rates
        if self.unit in ("times", "number"):  # the sentence writes the unit
            return formatting.number(v, lang, self.digits)
        return formatting.figure(v, self.unit, "none", lang, digits=self.digits)

    def note(self, lang: str) -> str:
        """Return the processing note in ``lang``, its placeholders filled from the data."""
        from . import story

        template = self.note_zh if datasets.check_lang(lang) == "zh" else self.note_en
        return story.render(template.replace("{value}", self.text(lang)), lang)


def years_between(earlier: str, later: str) -> float:
    """Return the whole years between two periods' years (``2015``, ``2020`` -> 5)."""
    return float(int(str(later)[:4]) - int(str(earlier)[:4]))


def _ratio(end: float, start: float) -> float:
    return end / start


def _difference(a: float, b: float) -> float:
    return a - b


def _signed_difference(gap: float, decline: float) -> float:
    """The reference growth implied by a decline (written positive) and a gap above it."""
    return -decline - gap


_METHODS = {
    "cagr": metrics.cagr,
    "ratio": _ratio,
    "difference": _difference,
    "implied_rate": metrics.implied_rate,
    "implied_rate_of_decline": _signed_difference,
    "implied_total": metrics.implied_total,
    "implied_previous": metrics.implied_previous,
    "simple_interest": metrics.simple_interest,
    "scale": metrics.scale,
    "per_unit": metrics.per_unit,
}


REGISTRY: dict[str, Derived] = {
    d.derived_id: d
    for d in (
        Derived(
            "high_tech_cagr",
            "cagr_between_periods",
            ("lw-high-tech-firms-2015", "lw-high-tech-firms-2020"),
            "fraction",
            None,
            "由{period:lw-high-tech-firms-2015}的{fact:lw-high-tech-firms-2015}到"
            "{period:lw-high-tech-firms-2020}的{fact:lw-high-tech-firms-2020}，"
            "按两个时期之间的年数复合计算，年均增速为 {value}。",
            "From {fact:lw-high-tech-firms-2015} in {period:lw-high-tech-firms-2015} to "
            "{fact:lw-high-tech-firms-2020} in {period:lw-high-tech-firms-2020}: {value} a year, "
            "compounded over the years between the two periods.",
        ),
        Derived(
            "high_tech_multiple",
            "ratio",
            ("lw-high-tech-firms-2020", "lw-high-tech-firms-2015"),
            "times",
            2,
            "{fact:lw-high-tech-firms-2020}除以{fact:lw-high-tech-firms-2015}，约为 {value} 倍。",
            "{fact:lw-high-tech-firms-2020} divided by {fact:lw-high-tech-firms-2015}: "
            "about {value} times.",
        ),
        Derived(
            "national_trade_growth_2020",
            "implied_rate",
            ("lw-foreign-trade-growth-gap-2020", "lw-foreign-trade-growth-2020"),
            "percent",
            None,
            "山西外贸增长{fact:lw-foreign-trade-growth-2020}，高于全国"
            "{fact:lw-foreign-trade-growth-gap-2020}，推算全国增速为 {value}。",
            "Shanxi's trade grew {fact:lw-foreign-trade-growth-2020}, "
            "{fact:lw-foreign-trade-growth-gap-2020} above the nation: national growth of "
            "{value} is implied.",
        ),
        Derived(
            "province_fdi_growth_2020q1",
            "implied_rate",
            ("dz-dev-zones-fdi-growth-gap-2020q1", "dz-dev-zones-fdi-growth-2020q1"),
            "percent",
            None,
            "开发区利用外资增长{fact:dz-dev-zones-fdi-growth-2020q1}，高于全省"
            "{fact:dz-dev-zones-fdi-growth-gap-2020q1}，推算全省增速为 {value}。",
            "The zones' FDI grew {fact:dz-dev-zones-fdi-growth-2020q1}, "
            "{fact:dz-dev-zones-fdi-growth-gap-2020q1} above the province: provincial growth "
            "of {value} is implied.",
        ),
        Derived(
            "province_imports_change_2020q1",
            "implied_rate_of_decline",
            ("dz-dev-zones-imports-growth-gap-2020q1", "dz-dev-zones-imports-decline-2020q1"),
            "percent",
            None,
            "开发区进口下降{fact:dz-dev-zones-imports-decline-2020q1}，增速高于全省"
            "{fact:dz-dev-zones-imports-growth-gap-2020q1}，推算全省进口变化为 {value}。",
            "The zones' imports fell {fact:dz-dev-zones-imports-decline-2020q1}, "
            "{fact:dz-dev-zones-imports-growth-gap-2020q1} above the province: a provincial "
            "change of {value} is implied.",
        ),
        Derived(
            "shanxi_trade_2019_from_share",
            "implied_total",
            ("dz-dev-zones-trade-2019", "dz-dev-zones-trade-share-2019"),
            "yuan",
            4,  # enough to show how closely the two articles agree
            "开发区进出口{fact:dz-dev-zones-trade-2019}占全省{fact:dz-dev-zones-trade-share-2019}，"
            "推算全省约 {value}。",
            "The zones' {fact:dz-dev-zones-trade-2019} of trade is "
            "{fact:dz-dev-zones-trade-share-2019} of the province's: about {value}.",
        ),
        Derived(
            "shanxi_trade_2019_from_growth",
            "implied_previous",
            ("lw-foreign-trade-2020", "lw-foreign-trade-growth-2020"),
            "yuan",
            4,
            "{period:lw-foreign-trade-2020}外贸{fact:lw-foreign-trade-2020}、同比增长"
            "{fact:lw-foreign-trade-growth-2020}，推算上年约 {value}。",
            "{fact:lw-foreign-trade-2020} in {period:lw-foreign-trade-2020}, up "
            "{fact:lw-foreign-trade-growth-2020}: about {value} the year before.",
        ),
        Derived(
            "loan_interest_check",
            "simple_interest",
            ("lw-loan-principal", "lw-loan-benchmark-rate", "lw-loan-months-saved"),
            "yuan",
            None,
            "{fact:lw-loan-principal}贷款按年利率{fact:lw-loan-benchmark-rate}计"
            "{fact:lw-loan-months-saved}的利息：{value}。",
            "Interest on a {fact:lw-loan-principal} loan at {fact:lw-loan-benchmark-rate} a "
            "year for {fact:lw-loan-months-saved}: {value}.",
        ),
        Derived(
            "loan_two_phases",
            "scale",
            ("lw-loan-interest-saved", 2.0),
            "yuan",
            None,
            "两期工程各节省{fact:lw-loan-interest-saved}，合计 {value}。",
            "Two phases saving {fact:lw-loan-interest-saved} each: {value} in all.",
            constants={"2.0": ("两期（× 2）", "two phases (× 2)")},
        ),
        Derived(
            "dev_zones_added",
            "difference",
            ("lw-dev-zones-2021", "dz-dev-zones-total-2020"),
            "number",
            None,
            "{fact:lw-dev-zones-2021}减去{fact:dz-dev-zones-total-2020}：{value}。",
            "{fact:lw-dev-zones-2021} minus {fact:dz-dev-zones-total-2020}: {value}.",
        ),
        Derived(
            "kwh_per_household",
            "per_unit",
            ("lw-panda-solar-output", "lw-panda-solar-households"),
            "number",
            2,  # "about 8000 万千瓦时" over "3.4 万" households: two figures at most
            "{fact:lw-panda-solar-output}除以{fact:lw-panda-solar-households}户，"
            "每户约 {value} 千瓦时。",
            "{fact:lw-panda-solar-output} over {fact:lw-panda-solar-households} households: "
            "about {value} kWh each.",
        ),
        Derived(
            "wind_solar_total_capacity",
            "implied_total",
            ("lw-wind-solar-capacity-2021-06", "lw-wind-solar-share-2021-06"),
            "kW",
            3,  # from a share given to three figures (31.2%)
            "风电光伏装机{fact:lw-wind-solar-capacity-2021-06}占{fact:lw-wind-solar-share-2021-06}，"
            "推算总装机约 {value}。",
            "{fact:lw-wind-solar-capacity-2021-06} of wind and solar is "
            "{fact:lw-wind-solar-share-2021-06} of all capacity: about {value} in all.",
        ),
    )
}
"""Every derived value, by id."""


def get(derived_id: str) -> Derived:
    """Return one derived value's definition; ``KeyError`` lists the known ids."""
    if derived_id not in REGISTRY:
        raise KeyError(f"unknown derived value {derived_id!r}; known: {', '.join(REGISTRY)}")
    return REGISTRY[derived_id]


def value(derived_id: str) -> float:
    """Return a derived value (unrounded) from the package's facts."""
    return get(derived_id).value()


def text(derived_id: str, lang: str) -> str:
    """Return a derived value as a reader sees it in ``lang``."""
    return get(derived_id).text(lang)


def digits_of(indicator_id: str, default: int | None = None) -> int | None:
    """Return the significant digits the data gives an indicator's derived values."""
    ind = datasets.indicators("en").set_index("indicator_id")
    if indicator_id in ind.index and not pd.isna(ind.loc[indicator_id, "digits"]):
        return int(ind.loc[indicator_id, "digits"])
    return default


def change(first: Mapping, last: Mapping) -> dict:
    """Return the change between two rows of one indicator: ``difference``, ``growth`` (a
    fraction; ``None`` from zero) and ``cagr`` when both periods are whole years more than
    one apart."""
    a, b = float(first["base_value"]), float(last["base_value"])
    out = {"difference": b - a, "growth": metrics.growth(a, b) if a > 0 else None, "cagr": None}
    pa, pb = str(first["period"]), str(last["period"])
    if re.fullmatch(r"\d{4}", pa) and re.fullmatch(r"\d{4}", pb) and int(pb) - int(pa) > 1:
        if a > 0 and b > 0:
            out["cagr"] = metrics.cagr(a, b, int(pb) - int(pa))
    return out


# ---------------------------------------------------------------- the loan calculator

LOAN_INDICATORS = {
    "principal": "loan_principal",
    "rate_pct": "loan_benchmark_rate",
    "months": "time_saved",
    "saved": "interest_saved",
    "total_saved": "project_cost_saved",
}
"""The indicators the loan arithmetic reads, by role."""
LOAN_ENTITIES = {"rate_pct": "china"}
"""Whose figure each role is: the benchmark rate is the country's, the rest the borrower's."""
LOAN_BORROWER = "ruihu-ev-city"
LOAN_PHASES = "loan_two_phases"


def loan_rows(facts: pd.DataFrame | None = None) -> dict[str, pd.Series]:
    """Return the facts of the loan example by role (``principal``, ``rate_pct``,
    ``months``, ``saved``, ``total_saved``), chosen from ``facts`` (or the package's) by
    indicator, entity (:data:`LOAN_ENTITIES`, else :data:`LOAN_BORROWER`) and period (the
    principal's); ``ValueError`` names a role with no such fact, or with several."""
    facts = datasets.facts() if facts is None else facts
    out: dict[str, pd.Series] = {}
    for role, indicator in LOAN_INDICATORS.items():
        entity = LOAN_ENTITIES.get(role, LOAN_BORROWER)
        rows = facts[(facts["indicator_id"] == indicator) & (facts["entity_id"] == entity)]
        if out:  # the period of the example: the principal's (none, or the same text)
            when = out["principal"]["period"]
            rows = rows[rows["period"].isna() if pd.isna(when) else rows["period"] == when]
        if len(rows) != 1:
            found = ", ".join(map(str, rows.get("fact_id", rows.index))) or "none"
            at = " at the principal's period" if out else ""
            raise ValueError(
                f"loan: {role} needs one fact of indicator {indicator!r} for entity "
                f"{entity!r}{at}; found {found}"
            )
        out[role] = rows.iloc[0]
    return out


def loan_defaults(facts: pd.DataFrame | None = None) -> dict[str, float]:
    """Return the loan calculator's inputs from the data: ``principal`` (yuan), ``rate_pct``,
    ``months`` and ``phases`` (the constant of :data:`LOAN_PHASES`), so that the chart and
    the widget start from the same numbers."""
    rows = loan_rows(facts)
    out = {k: float(rows[k]["base_value"]) for k in ("principal", "rate_pct", "months")}
    out["phases"] = loan_phases()[0]
    return out


def loan_phases() -> tuple[float, tuple[str, str]]:
    """Return the number of phases of the loan example and its label (zh, en)."""
    d = get(LOAN_PHASES)
    factor = next(i for i in d.inputs if not isinstance(i, str))
    return float(factor), (d.constants or {})[str(float(factor))]


def loan_saving(principal: float, rate_pct: float, months: float, phases: float = 1.0) -> float:
    """Return the interest saved: simple interest on ``principal`` at ``rate_pct`` a year for
    ``months``, times ``phases``.

    >>> loan_saving(1.5e8, 4.75, 9, 2)
    10687500.0
    """
    return metrics.scale(metrics.simple_interest(principal, rate_pct, months), phases)
