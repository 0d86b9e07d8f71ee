"""The registry of derived values: one definition each, read by the narrative, the charts and
the checks; rule explanations are templates over the data and cannot go stale."""

from __future__ import annotations

import csv
import json
import re
import shutil

import pytest

from shanxi_analysis import charts, checks, datasets, derived, paths, story

DIGIT = re.compile(r"[0-9０-９]")
PLACEHOLDER = re.compile(r"\{(fact|period|calc|indicator):[A-Za-z0-9_\-]+\}|\{tolerance\}")

# Where a chart shows a derived value: (chart, language) -> the derived ids it must show.
SHOWN_BY = {
    "wind_solar_share": ("wind_solar_total_capacity",),
    "zone_share_of_province": ("shanxi_trade_2019_from_share",),
    "growth_vs_average": (
        "national_trade_growth_2020",
        "province_fdi_growth_2020q1",
        "province_imports_change_2020q1",
    ),
    "high_tech_growth": ("high_tech_cagr",),
    "equivalences": ("kwh_per_household",),
    "loan_savings_calculator": ("loan_interest_check",),
}


@pytest.mark.parametrize("derived_id", list(derived.REGISTRY))
@pytest.mark.parametrize("lang", datasets.LANGS)
def test_narrative_reads_the_registry(derived_id, lang):
    assert story.render(f"{{calc:{derived_id}}}", lang) == derived.text(derived_id, lang).strip()
    note = derived.get(derived_id).note(lang)
    assert derived.text(derived_id, lang).strip() in note
    assert "{" not in note


@pytest.mark.parametrize("derived_id", list(derived.REGISTRY))
def test_each_derived_value_names_its_facts_and_notes_have_no_typed_figures(derived_id):
    d = derived.get(derived_id)
    assert d.fact_ids() and all(datasets.fact(f) is not None for f in d.fact_ids())
    for template in (d.note_zh, d.note_en):
        assert not DIGIT.search(PLACEHOLDER.sub("", template.replace("{value}", ""))) or (
            d.constants  # a stated constant (two phases) may be named
        ), template


@pytest.mark.parametrize("rule", checks.RULES, ids=lambda r: r.rule_id)
def test_checks_compute_with_the_registry(rule):
    result = checks.evaluate(rule, "en")
    if rule.derive:
        assert result.observed == pytest.approx(derived.value(rule.derive))
    if rule.other:
        assert result.expected == pytest.approx(derived.value(rule.other))


@pytest.mark.parametrize(("chart", "ids"), list(SHOWN_BY.items()))
@pytest.mark.parametrize("lang", datasets.LANGS)
def test_charts_show_the_registrys_text(chart, ids, lang):
    spec = json.dumps(charts.CHARTS[chart](lang=lang).to_dict(), ensure_ascii=False)
    spec = spec.replace(",", "")  # the calculator formats its saving in the browser
    for derived_id in ids:
        d = derived.get(derived_id)
        if chart == "loan_savings_calculator":
            # computed live from the sliders: the formula, fed the defaults, is the value
            defaults = derived.loan_defaults()
            assert derived.loan_saving(
                defaults["principal"], defaults["rate_pct"], defaults["months"]
            ) == pytest.approx(d.value())
            continue
        text = d.text(lang).replace(",", "").lstrip("+")
        assert text in spec, (derived_id, text)


@pytest.mark.parametrize("rule", checks.RULES, ids=lambda r: r.rule_id)
def test_rule_explanations_are_templates_without_typed_figures(rule):
    for template in (rule.explain_zh, rule.explain_en):
        assert not DIGIT.search(PLACEHOLDER.sub("", template)), template
    for lang in datasets.LANGS:
        assert "{" not in checks.explanation(rule, lang)


def test_an_explanation_follows_an_edited_figure(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    monkeypatch.setenv(paths.DATA_ENV, str(data))
    path = data / "curated" / "facts.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    head = rows[0]
    row = next(r for r in rows if r[0] == "dz-dev-zones-national-2020")
    for col, value in (("value", "7"), ("base_value", "7")):
        row[head.index(col)] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    result = checks.evaluate(checks.rule("dev-zones-by-level"), "en")
    assert not result.passed and "7 + 77 = 84" in result.detail
    assert "National (7)" in result.explanation


def test_the_loan_reads_its_own_entitys_facts_not_another_of_the_same_indicator(tmp_data):
    """A fictional fact of each loan indicator for another entity, listed before the loan's
    own, changes none of the loan's numbers."""
    before = {k: r["fact_id"] for k, r in derived.loan_rows().items()}
    defaults = derived.loan_defaults()
    path = tmp_data / "curated" / "facts.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0])
    others = []
    for row in rows:
        if row["fact_id"] in before.values():
            other = dict(row, fact_id=f"fictional-{row['fact_id']}", entity_id="shanxi")
            other["base_value"] = str(float(row["base_value"]) * 3 + 1)
            other["note"] = "fictional: another entity's figure of the same indicator"
            others.append(other)
    assert len(others) == len(before)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(others + rows)
    assert len(datasets.facts()) == len(rows) + len(others)
    assert {k: r["fact_id"] for k, r in derived.loan_rows().items()} == before
    assert derived.loan_defaults() == defaults
