"""Consistency rules over the facts, declared as data and explained in Chinese and English.

Four kinds of rule:

* ``part_whole``: the parts add up to the whole (development zones by level and by type,
  the parks merged into the demonstration zone);
* ``derived``: a value computed from other facts matches a stated fact, within the
  tolerance or the qualifier the text gives (the loan-interest example);
* ``agreement``: two derivations of the same quantity from different facts (or different
  sources) agree within a tolerance (Shanxi's 2019 foreign trade);
* ``change``: a later value moves in the stated direction from an earlier one (high-tech
  enterprises 2015→2020, development zones 2020→2021), with its growth rate.

Two data checks sit beside them: :func:`coverage_gaps` (every quantity the extractor finds
in the articles is a fact or an excluded mention) and :func:`agreement_mismatches` (every
fact's value, unit and qualifier are what the extractor reads in its quote).

The rules never change the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from . import datasets, derived, metrics, quantities, story
from . import sources as _sources


@dataclass(frozen=True)
class Rule:
    """One consistency rule: what it compares, and why, in both languages."""

    rule_id: str
    kind: str
    theme: str
    title_zh: str
    title_en: str
    explain_zh: str  # a template: {fact:ID}, {period:ID}, {calc:ID}, {tolerance}
    explain_en: str
    parts: tuple[str | float, ...] = ()
    whole: str | None = None
    derive: str | None = None  # an id of shanxi_analysis.derived.REGISTRY
    target: str | None = None
    other: str | None = None  # a second derived id, for an agreement
    earlier: str | None = None
    later: str | None = None
    direction: str = "increase"
    annualise: bool = False  # report a compound yearly rate (only between exact years)
    rel_tol: float = 1e-9
    constants: dict[str, tuple[str, str]] = field(default_factory=dict)

    def fact_ids(self) -> tuple[str, ...]:
        """Return every fact the rule reads."""
        ids: list[str] = [p for p in self.parts if isinstance(p, str)]
        for d in (self.derive, self.other):
            if d:
                ids += derived.get(d).fact_ids()
        ids += [x for x in (self.whole, self.target, self.earlier, self.later) if x]
        return tuple(dict.fromkeys(ids))


@dataclass(frozen=True)
class Result:
    """The outcome of one rule."""

    rule_id: str
    kind: str
    theme: str
    title: str
    explanation: str
    passed: bool
    observed: float
    expected: float
    detail: str
    fact_ids: tuple[str, ...]

    @property
    def status(self) -> str:
        """``pass`` or ``FAIL``."""
        return "pass" if self.passed else "FAIL"


RULES: tuple[Rule, ...] = (
    Rule(
        "dev-zones-by-level",
        "part_whole",
        "development_zones",
        "开发区按级别加总",
        "Development zones by level add up",
        "{period:dz-dev-zones-national-2020}国家级（{fact:dz-dev-zones-national-2020}）与省级"
        "（{fact:dz-dev-zones-provincial-2020}）开发区之和应等于省级以上开发区总数"
        "（{fact:dz-dev-zones-total-2020}）。",
        "National ({fact:dz-dev-zones-national-2020}) plus provincial "
        "({fact:dz-dev-zones-provincial-2020}) development zones in "
        "{period:dz-dev-zones-national-2020} should equal the total at provincial level and "
        "above ({fact:dz-dev-zones-total-2020}).",
        parts=("dz-dev-zones-national-2020", "dz-dev-zones-provincial-2020"),
        whole="dz-dev-zones-total-2020",
    ),
    Rule(
        "dev-zones-by-type",
        "part_whole",
        "development_zones",
        "开发区按类型加总",
        "Development zones by type add up",
        "工业类（{fact:dz-dev-zones-industrial-2020}）、生态文化旅游类"
        "（{fact:dz-dev-zones-eco-tourism-2020}）与现代农业产业类"
        "（{fact:dz-dev-zones-agricultural-2020}）开发区之和应等于开发区总数"
        "（{fact:dz-dev-zones-total-2020}）。",
        "Industrial ({fact:dz-dev-zones-industrial-2020}), eco-cultural tourism "
        "({fact:dz-dev-zones-eco-tourism-2020}) and modern agriculture "
        "({fact:dz-dev-zones-agricultural-2020}) zones should add up to the total "
        "({fact:dz-dev-zones-total-2020}).",
        parts=(
            "dz-dev-zones-industrial-2020",
            "dz-dev-zones-eco-tourism-2020",
            "dz-dev-zones-agricultural-2020",
        ),
        whole="dz-dev-zones-total-2020",
    ),
    Rule(
        "demo-zone-parks",
        "part_whole",
        "development_zones",
        "示范区整合园区加总",
        "Parks of the demonstration zone add up",
        "{fact:dz-demo-zone-national-parks}国家级开发区、{fact:dz-demo-zone-provincial-parks}"
        "省级开发区，再加上单独列出的山西大学城产业园区，应等于整合的"
        "{fact:dz-demo-zone-parks-total}园区。",
        "The {fact:dz-demo-zone-national-parks} national and "
        "{fact:dz-demo-zone-provincial-parks} provincial zones, plus the Shanxi University Town "
        "Industrial Park named on its own, should equal the {fact:dz-demo-zone-parks-total} "
        "parks merged into the zone.",
        parts=("dz-demo-zone-national-parks", "dz-demo-zone-provincial-parks", 1.0),
        whole="dz-demo-zone-parks-total",
        constants={
            "1.0": (
                "山西大学城产业园区（单独列出的 1 个园区）",
                "Shanxi University Town Industrial Park (the one park named alone)",
            )
        },
    ),
    Rule(
        "loan-interest",
        "derived",
        "reform_business",
        "贷款利息节省的算术",
        "Arithmetic of the loan-interest saving",
        "{fact:lw-loan-principal}贷款按{fact:lw-loan-benchmark-rate}的年利率计"
        "{fact:lw-loan-months-saved}的利息，应等于文中所说节省的{fact:lw-loan-interest-saved}。",
        "Interest on a {fact:lw-loan-principal} loan at {fact:lw-loan-benchmark-rate} a year "
        "for {fact:lw-loan-months-saved} should equal the {fact:lw-loan-interest-saved} the "
        "article says was saved.",
        derive="loan_interest_check",
        target="lw-loan-interest-saved",
    ),
    Rule(
        "loan-two-phases",
        "derived",
        "reform_business",
        "两期工程的节省",
        "Savings over the two phases",
        "两期工程各节省{fact:lw-loan-interest-saved}，合计{calc:loan_two_phases}，"
        "应符合“{fact:lw-loan-total-saved}”。",
        "Two phases saving {fact:lw-loan-interest-saved} each, {calc:loan_two_phases} in all, "
        "should fit “{fact:lw-loan-total-saved}”.",
        derive="loan_two_phases",
        target="lw-loan-total-saved",
    ),
    Rule(
        "high-tech-growth",
        "change",
        "emerging_industry",
        "高新技术企业增长",
        "Growth of high-tech enterprises",
        "高新技术企业由{period:lw-high-tech-firms-2015}的{fact:lw-high-tech-firms-2015}增加到"
        "{period:lw-high-tech-firms-2020}的{fact:lw-high-tech-firms-2020}：应为增长，"
        "并给出年均增速。",
        "High-tech enterprises went from {fact:lw-high-tech-firms-2015} "
        "({period:lw-high-tech-firms-2015}) to {fact:lw-high-tech-firms-2020} "
        "({period:lw-high-tech-firms-2020}): an increase; the rule reports the compound annual "
        "growth rate.",
        earlier="lw-high-tech-firms-2015",
        later="lw-high-tech-firms-2020",
        annualise=True,
    ),
    Rule(
        "advanced-coal-capacity-change",
        "change",
        "coal_energy",
        "先进产能占比提高",
        "Share of advanced coal capacity rises",
        "先进产能占比由{fact:lw-advanced-coal-capacity-share-2015}提高到"
        "{fact:lw-advanced-coal-capacity-share-2020}：应为提高。",
        "The share of advanced coal capacity went from "
        "{fact:lw-advanced-coal-capacity-share-2015} to "
        "{fact:lw-advanced-coal-capacity-share-2020}: an increase.",
        earlier="lw-advanced-coal-capacity-share-2015",
        later="lw-advanced-coal-capacity-share-2020",
    ),
    Rule(
        "trade-2019-two-sources",
        "agreement",
        "opening_talent",
        "两篇报道推算的 2019 年全省外贸",
        "Shanxi's 2019 foreign trade, implied by both articles",
        "较早的报道：开发区进出口{fact:dz-dev-zones-trade-2019}占全省"
        "{fact:dz-dev-zones-trade-share-2019}，推算全省约{calc:shanxi_trade_2019_from_share}；"
        "较晚的报道：{period:lw-foreign-trade-2020}外贸{fact:lw-foreign-trade-2020}、同比增长"
        "{fact:lw-foreign-trade-growth-2020}，推算上年约{calc:shanxi_trade_2019_from_growth}。"
        "两者应相差不到{tolerance}。",
        "The earlier article: the zones' {fact:dz-dev-zones-trade-2019} of trade is "
        "{fact:dz-dev-zones-trade-share-2019} of the province's, so about "
        "{calc:shanxi_trade_2019_from_share}; the later article: {fact:lw-foreign-trade-2020} "
        "in {period:lw-foreign-trade-2020}, up {fact:lw-foreign-trade-growth-2020}, so about "
        "{calc:shanxi_trade_2019_from_growth} the year before. The two should differ by less "
        "than {tolerance}.",
        derive="shanxi_trade_2019_from_share",
        other="shanxi_trade_2019_from_growth",
        rel_tol=0.01,
    ),
    Rule(
        "dev-zones-2020-2021",
        "change",
        "development_zones",
        "开发区数量 2020→2021",
        "Development zones, 2020 to 2021",
        "省级以上开发区由{period:dz-dev-zones-total-2020}报道的{fact:dz-dev-zones-total-2020}"
        "增至{period:lw-dev-zones-2021}报道的{fact:lw-dev-zones-2021}：数量不应减少。",
        "Zones at provincial level and above: {fact:dz-dev-zones-total-2020} in the "
        "{period:dz-dev-zones-total-2020} article, {fact:lw-dev-zones-2021} in the "
        "{period:lw-dev-zones-2021} article; the count should not fall.",
        earlier="dz-dev-zones-total-2020",
        later="lw-dev-zones-2021",
    ),
)
"""Every consistency rule, in the order they are reported."""


def _values() -> tuple[dict[str, float], dict[str, str]]:
    df = datasets.facts()
    return (
        dict(zip(df["fact_id"], df["base_value"].astype(float), strict=True)),
        dict(zip(df["fact_id"], df["qualifier"].astype(str), strict=True)),
    )


def _fits_qualifier(derived: float, stated: float, qualifier: str, rel_tol: float) -> bool:
    if qualifier == "more_than":
        return derived > stated
    if qualifier == "at_least":
        return derived >= stated
    if qualifier == "less_than":
        return derived < stated
    if qualifier == "at_most":
        return derived <= stated
    tol = max(rel_tol, 0.05) if qualifier == "approx" else rel_tol
    return math.isclose(derived, stated, rel_tol=tol, abs_tol=1e-9)


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1e4 else f"{x:,.6g}"


def evaluate(rule: Rule, lang: str = "zh") -> Result:
    """Return the result of one rule, with the detail in ``lang``."""
    lang = datasets.check_lang(lang)
    values, quals = _values()
    missing = [f for f in rule.fact_ids() if f not in values]
    if missing:
        raise KeyError(f"rule {rule.rule_id!r} reads unknown fact(s) {', '.join(missing)}")
    zh = lang == "zh"
    if rule.kind == "part_whole":
        observed = sum(values[p] if isinstance(p, str) else p for p in rule.parts)
        expected = values[rule.whole]
        passed = math.isclose(observed, expected, rel_tol=rule.rel_tol, abs_tol=1e-9)
        terms = " + ".join(_fmt(values[p] if isinstance(p, str) else p) for p in rule.parts)
        detail = f"{terms} = {_fmt(observed)}；" if zh else f"{terms} = {_fmt(observed)}; "
        detail += f"总数 {_fmt(expected)}" if zh else f"total {_fmt(expected)}"
    elif rule.kind == "derived":
        observed = derived.get(rule.derive).value(values)
        expected = values[rule.target]
        q = quals[rule.target]
        passed = _fits_qualifier(observed, expected, q, rule.rel_tol)
        label = datasets.QUALIFIER_LABELS[q][0 if zh else 1]
        detail = (
            f"推算 {_fmt(observed)}，文中 {label}{_fmt(expected)}"
            if zh
            else f"derived {_fmt(observed)}, stated {label + ' ' if label else ''}{_fmt(expected)}"
        )
    elif rule.kind == "agreement":
        observed = derived.get(rule.derive).value(values)
        expected = derived.get(rule.other).value(values)
        diff = metrics.relative_difference(observed, expected)
        passed = diff <= rule.rel_tol
        detail = (
            f"{_fmt(observed)} 对 {_fmt(expected)}，相差 {diff:.2%}（容差 {rule.rel_tol:.0%}）"
            if zh
            else f"{_fmt(observed)} vs {_fmt(expected)}, {diff:.2%} apart "
            f"(tolerance {rule.rel_tol:.0%})"
        )
    elif rule.kind == "change":
        expected = values[rule.earlier]
        observed = values[rule.later]
        passed = observed >= expected if rule.direction == "increase" else observed <= expected
        f_early, f_late = datasets.fact(rule.earlier), datasets.fact(rule.later)
        # A bound ("under 30%") gives a change that is itself a bound ("more than 38 points").
        bound = ""
        if str(f_early["qualifier"]) in ("less_than", "at_most") or str(f_late["qualifier"]) in (
            "more_than",
            "at_least",
        ):
            bound = "超过 " if zh else "more than "
        if f_early["base_unit"] == "percent":
            points = observed - expected
            change_text = (
                f"提高{bound}{points:.1f} 个百分点" if zh else f"up {bound}{points:.1f} points"
            )
        else:
            change_text = (
                f"变化 {bound}{metrics.growth(expected, observed):+.1%}"
                if zh
                else f"change {bound}{metrics.growth(expected, observed):+.1%}"
            )
        early = datasets.QUALIFIER_LABELS[str(f_early["qualifier"])][0 if zh else 1]
        start = f"{early}{' ' if early and not zh else ''}{_fmt(expected)}"
        detail = (
            f"{start} → {_fmt(observed)}，{change_text}"
            if zh
            else (f"{start} → {_fmt(observed)}, {change_text}")
        )
        years = _years_between(f_early["period"], f_late["period"])
        if rule.annualise and years and observed > 0 and not bound:
            rate = metrics.cagr(expected, observed, years)
            detail += f"，年均 {rate:+.1%}" if zh else f", {rate:+.1%} a year"
    else:  # pragma: no cover - RULES is fixed
        raise ValueError(f"unknown rule kind {rule.kind!r}")
    return Result(
        rule_id=rule.rule_id,
        kind=rule.kind,
        theme=rule.theme,
        title=rule.title_zh if zh else rule.title_en,
        explanation=explanation(rule, lang),
        passed=bool(passed),
        observed=float(observed),
        expected=float(expected),
        detail=detail,
        fact_ids=rule.fact_ids(),
    )


def explanation(rule: Rule, lang: str = "zh") -> str:
    """Return a rule's explanation in ``lang``: its template with the figures filled from the
    data, so that it cannot go stale."""
    template = rule.explain_zh if datasets.check_lang(lang) == "zh" else rule.explain_en
    return story.render(template.replace("{tolerance}", f"{rule.rel_tol:.0%}"), lang)


def _years_between(a: str | None, b: str | None) -> float | None:
    try:
        return derived.years_between(str(a), str(b)) or None
    except (TypeError, ValueError):
        return None


def run(lang: str = "zh", *, theme: str | None = None) -> pd.DataFrame:
    """Return one row per rule (optionally of one theme): id, kind, title, status, detail,
    explanation and the facts it reads."""
    rules = [r for r in RULES if theme is None or r.theme == theme]
    results = [evaluate(r, lang) for r in rules]
    rows = [res.__dict__ | {"status": res.status} for res in results]
    cols = [
        "rule_id",
        "kind",
        "theme",
        "title",
        "status",
        "passed",
        "detail",
        "observed",
        "expected",
        "explanation",
        "fact_ids",
    ]
    return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------- data checks


def coverage_gaps() -> pd.DataFrame:
    """Return the quantities found in the clean text that are neither inside a fact's quote
    (where it stands in the source or in a block that repeats it) nor an excluded mention.

    An empty result means 100% coverage.
    """
    facts = datasets.facts()
    excluded = datasets.excluded_mentions()
    covered: dict[tuple[str, int], list[tuple[int, int]]] = {}
    blocks = _sources.load_blocks()
    text_of = {(r.source_id, int(r.block_no)): r.text for r in blocks.itertuples()}

    def cover(sid: str, block: int, piece: str) -> None:
        text = text_of[(sid, block)]
        start = text.find(piece)
        while start >= 0:
            covered.setdefault((sid, block), []).append((start, start + len(piece)))
            start = text.find(piece, start + 1)

    for f in facts.itertuples():
        for b in [int(f.block_no)] + [int(x) for x in (f.repeated_in or "").split(";") if x]:
            cover(f.source_id, b, f.quote)
    for e in excluded.itertuples():
        cover(e.source_id, int(e.block_no), e.context)
    gaps = []
    for r in blocks.itertuples():
        for q in quantities.extract(r.text):
            spans = covered.get((r.source_id, int(r.block_no)), [])
            if not any(a <= q.start and q.end <= b for a, b in spans):
                gaps.append(
                    {
                        "source_id": r.source_id,
                        "block_no": int(r.block_no),
                        "span": q.span,
                        "start": q.start,
                        "context": r.text[max(0, q.start - 12) : q.end + 12],
                    }
                )
    return pd.DataFrame(gaps, columns=["source_id", "block_no", "span", "start", "context"])


READ_FROM_QUOTE = ("value", "unit", "base_value", "base_unit", "qualifier")
"""The fields of a fact that :func:`agreement_mismatches` compares with what the extractor
reads at its span: they can hold nothing but what the quote says."""


def agreement_mismatches() -> pd.DataFrame:
    """Return the facts whose value, unit, base value, base unit or qualifier differ from
    what :func:`quantities.extract` reads at the fact's ``span`` in its quote.

    An empty result means every curated number is what the text says.
    """
    rows = []
    for f in datasets.facts().itertuples():
        found = [q for q in quantities.extract(f.quote) if q.span == f.span]
        if not found:
            rows.append(
                {
                    "fact_id": f.fact_id,
                    "field": "span",
                    "curated": f.span,
                    "extracted": ", ".join(q.span for q in quantities.extract(f.quote)),
                }
            )
            continue
        q = found[0]
        for name in READ_FROM_QUOTE:
            curated, read = getattr(f, name), getattr(q, name)
            curated = str(curated) if name == "qualifier" else curated
            same = (
                math.isclose(float(curated), float(read), rel_tol=1e-9, abs_tol=1e-12)
                if isinstance(read, int | float)
                else curated == read
            )
            if not same:
                rows.append(
                    {"fact_id": f.fact_id, "field": name, "curated": curated, "extracted": read}
                )
    return pd.DataFrame(rows, columns=["fact_id", "field", "curated", "extracted"])


def rule(rule_id: str) -> Rule:
    """Return one rule by id; ``KeyError`` lists the known ids."""
    for r in RULES:
        if r.rule_id == rule_id:
            return r
    raise KeyError(f"unknown rule {rule_id!r}; known: {', '.join(r.rule_id for r in RULES)}")
