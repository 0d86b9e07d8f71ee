"""Consistency rules, derived metrics and the `check` command."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from shanxi_analysis import checks, datasets, metrics
from shanxi_analysis.cli import main


def test_every_rule_passes_on_the_curated_data():
    results = checks.run("en")
    assert results["passed"].all(), results[~results["passed"]].to_string()
    kinds = set(results["kind"])
    assert kinds == {"part_whole", "derived", "agreement", "change"}


def test_required_rules_are_there_and_read_real_facts():
    ids = {r.rule_id for r in checks.RULES}
    assert {
        "dev-zones-by-level",
        "dev-zones-by-type",
        "demo-zone-parks",
        "loan-interest",
        "high-tech-growth",
        "trade-2019-two-sources",
        "dev-zones-2020-2021",
    } <= ids
    known = set(datasets.facts()["fact_id"])
    for rule in checks.RULES:
        assert set(rule.fact_ids()) <= known, rule.rule_id
        assert rule.title_zh and rule.title_en and rule.explain_zh and rule.explain_en


def test_cross_source_trade_agreement_numbers():
    r = checks.evaluate(
        next(x for x in checks.RULES if x.rule_id == "trade-2019-two-sources"), "en"
    )
    assert r.observed == pytest.approx(998.8e8 / 0.69)
    assert r.expected == pytest.approx(1505.8e8 / 1.04)
    assert "0.02% apart" in r.detail


def test_high_tech_growth_reports_the_cagr():
    r = checks.evaluate(next(x for x in checks.RULES if x.rule_id == "high-tech-growth"), "zh")
    assert "+342.8%" in r.detail and "年均 +34.7%" in r.detail


def test_rules_are_explained_in_the_chosen_language():
    zh = checks.run("zh").set_index("rule_id")
    en = checks.run("en").set_index("rule_id")
    assert zh.loc["loan-interest", "title"] == "贷款利息节省的算术"
    assert en.loc["loan-interest", "title"] == "Arithmetic of the loan-interest saving"
    assert "推算" in zh.loc["loan-interest", "detail"]


def test_a_derived_rule_honours_the_qualifier():
    assert checks._fits_qualifier(10.69e6, 10e6, "more_than", 1e-9)
    assert not checks._fits_qualifier(9.9e6, 10e6, "more_than", 1e-9)
    assert checks._fits_qualifier(30, 30, "at_least", 1e-9)
    assert not checks._fits_qualifier(31, 30, "at_most", 1e-9)
    assert checks._fits_qualifier(104, 100, "approx", 1e-9)
    assert not checks._fits_qualifier(104, 100, "none", 1e-9)


def test_check_command_prints_rules_and_exits_zero(capsys):
    assert main(["check", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "trade-2019-two-sources" in out and "FAIL" not in out
    assert "Coverage: every quantity in the text is a fact or excluded" in out


def test_extract_command_reads_an_article(tmp_path, capsys):
    article = tmp_path / "a.md"
    article.write_text(
        "---\ntitle: 测试\n---\n<p>全省煤矿数量减至 900 座以内。2020 年外贸增长 4%。</p>",
        encoding="utf-8",
    )
    assert main(["extract", str(article), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("block_no,kind,span,value,unit,base_value,base_unit,qualifier")
    assert "900 座" in lines[1] and "at_most" in lines[1] and "全省煤矿数量减至" in lines[1]
    assert "4%" in lines[2] and "2020 年外贸增长 4%。" in lines[2]
    assert len(lines) == 3


def test_extract_command_on_a_missing_file_says_which(capsys):
    assert main(["extract", "/nonexistent/article.md"]) == 2
    assert "/nonexistent/article.md: cannot read" in capsys.readouterr().err


# ---------------------------------------------------------------- metrics


def test_metric_examples():
    assert metrics.simple_interest(1.5e8, 4.75, 9) == pytest.approx(5_343_750)
    assert metrics.cagr(720, 3188, 5) == pytest.approx(0.34660, abs=1e-5)
    assert metrics.implied_total(998.8, 69) == pytest.approx(1447.536, abs=1e-3)
    assert metrics.implied_previous(1505.8, 4) == pytest.approx(1447.885, abs=1e-3)
    assert metrics.implied_rate(2.1, 4) == pytest.approx(1.9)
    assert metrics.per_unit(8e7, 3.4e4) == pytest.approx(2352.94, abs=0.01)
    assert metrics.relative_difference(0, 0) == 0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: metrics.cagr(0, 10, 5), "start must be a positive"),
        (lambda: metrics.cagr(10, 20, 0), "years must be a positive"),
        (lambda: metrics.implied_total(10, 0), "share_pct must be a positive"),
        (lambda: metrics.implied_previous(10, -100), "growth_pct must be above -100"),
        (lambda: metrics.growth(float("nan"), 1), "start must be a positive finite"),
    ],
)
def test_metrics_refuse_meaningless_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


_pos = st.floats(min_value=1e-3, max_value=1e12, allow_nan=False)


@given(_pos, _pos, st.floats(min_value=0.5, max_value=50))
def test_cagr_compounds_back_to_the_end_value(start, end, years):
    # Beyond these bounds on the yearly factor (1 + rate), the rate loses the precision to
    # invert (a fall to a ten-thousandth in half a year is a factor of 1e-8).
    assume(1e-4 < (end / start) ** (1 / years) < 1e4)
    rate = metrics.cagr(start, end, years)
    assert math.isclose(start * (1 + rate) ** years, end, rel_tol=1e-9)


@given(_pos, st.floats(min_value=0.01, max_value=100))
def test_implied_total_inverts_the_share(part, share):
    assert math.isclose(metrics.implied_total(part, share) * share / 100, part, rel_tol=1e-12)


@given(_pos, st.floats(min_value=-99, max_value=1000))
def test_implied_previous_inverts_the_growth(current, growth):
    prev = metrics.implied_previous(current, growth)
    assert math.isclose(prev * (1 + growth / 100), current, rel_tol=1e-9)
