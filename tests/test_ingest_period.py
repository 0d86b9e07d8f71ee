"""The period of a candidate fact, by scope (fact conventions, "period").

Every sentence here is fictional, written for these tests.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shanxi_analysis import ingest


def _article(lexicon, text, published, title="虚构的测试文章"):
    return ingest.propose(
        text.encode("utf-8"),
        "fictional.txt",
        lexicon,
        ingest.Overrides(published=published, title=title),
    )["candidates"]


def _period(cands, span):
    return next(c["period"] for c in cands if c["span"].replace(" ", "") == span)


@pytest.mark.parametrize(
    ("text", "span", "want"),
    [
        # fictional: the reference of a comparison is never the figure's period
        (
            "（虚构）今年1至4月，示例县出口总值12.3亿元，比去年同期下降4.4%。",
            "4.4%",
            "2022-01/2022-04",
        ),
        (
            "（虚构）前三季度，示例县进口总值8.8亿元，相比去年上半年增长1.5倍。",
            "1.5倍",
            "2022-01/2022-09",
        ),
        ("（虚构）一季度，示例县用电量3.2亿千瓦时，与2019年相比增长7.7%。", "7.7%", "2022Q1"),
        ("（虚构）上半年，示例县税收6.6亿元，较2020年增长9.9%。", "9.9%", "2022-01/2022-06"),
    ],
)
def test_comparison_reference_is_not_the_period(lexicon, text, span, want):
    assert _period(_article(lexicon, text, "2022-08-01"), span) == want


def test_the_head_period_carries_over_and_a_reference_does_not(lexicon):
    # fictional: 上半年 heads the sentence; 去年同期 is only what 贸易顺差 is compared with
    text = (
        "（虚构）上半年，示例县出口总值21亿元，比去年同期下降3.1%，贸易顺差4.2亿元，同比增长8.8%。"
    )
    cands = _article(lexicon, text, "2021-07-20")
    for span in ("21亿元", "3.1%", "4.2亿元", "8.8%"):
        assert _period(cands, span) == "2021-01/2021-06", span


def test_an_article_about_a_half_year_gives_its_figures_that_period(lexicon):
    # fictional: the lead says 上半年; a later paragraph states no period of its own
    text = (
        "上半年示例市地区生产总值完成321.5亿元，增长6.1%。\n\n"
        "消费回暖。示例市人均消费支出为12345元，增长5.5%。\n"
    )
    cands = _article(lexicon, text, "2021-09-30", title="虚构：示例市经济运行情况")
    assert _period(cands, "12345元") == "2021-01/2021-06"
    assert _period(cands, "5.5%") == "2021-01/2021-06"


def test_an_article_titled_for_some_months_dates_figures_without_a_period(lexicon):
    # fictional
    text = "示例县外贸保持增长。\n\n全县外贸企业出口服装1200万件。\n"
    cands = _article(lexicon, text, "2023-06-20", title="虚构：示例县1-5月外贸运行")
    assert _period(cands, "1200万件") == "2023-01/2023-05"


def test_a_dateline_or_an_event_number_is_not_a_period(lexicon):
    # fictional: 3月2日电 dates the report; 2023年第二次 numbers the event
    text = "（虚构）新华社太原3月2日电 示例县举行2023年第二次项目集中开工活动，共开工项目31个。"
    cands = _article(lexicon, text, "2023-03-03")
    assert _period(cands, "31个") != "2023-03-02"
    assert _period(cands, "31个") != "2023"


@pytest.mark.parametrize(
    ("text", "span", "want"),
    [
        ("（虚构）截至2023年底，示例县光伏装机容量达到56.7万千瓦。", "56.7万千瓦", "2023-12"),
        ("（虚构）截止2022年末，示例县共有充电桩880个。", "880个", "2022-12"),
    ],
)
def test_stock_at_year_end_is_the_last_month(lexicon, text, span, want):
    assert _period(_article(lexicon, text, "2024-02-01"), span) == want


def test_a_target_has_its_year(lexicon):
    # fictional: 未来五年 in a 2023 article ends in 2027
    cands = _article(lexicon, "（虚构）未来五年，示例县清洁能源装机占比达到61%。", "2023-01-15")
    assert _period(cands, "61%") == "2027"
    assert next(c for c in cands if c["span"] == "61%")["kind"] == "target"


def test_a_span_of_years_is_an_interval(lexicon):
    # fictional: from 2020 to 2023 the output fell; the fall is over 2020/2023
    text = "（虚构）示例县原煤产量从2020年的900万吨下降到2023年的700万吨，减少200万吨。"
    cands = _article(lexicon, text, "2024-03-01")
    assert _period(cands, "900万吨") == "2020"
    assert _period(cands, "700万吨") == "2023"
    assert _period(cands, "200万吨") == "2020/2023"


def test_a_span_without_year_words_dates_its_from_and_to_states(lexicon):
    # fictional: 从2012到2021 with no 年 after the years
    text = "（虚构）从2012到2021十年间，示例县生产总值从100亿元增至230亿元。"
    cands = _article(lexicon, text, "2022-08-01")
    assert _period(cands, "100亿元") == "2012"
    assert _period(cands, "230亿元") == "2021"


def test_a_state_over_a_plan_period_keeps_the_interval_unless_reached(lexicon):
    # fictional: 稳定在 is held over the period; 提高到 is the state at its end
    text = "（虚构）“十四五”期间，示例县日均产量稳定在12万吨以上，就业率提高到96%。"
    cands = _article(lexicon, text, "2025-12-01")
    assert _period(cands, "12万吨") == "2021/2025"
    assert _period(cands, "96%") == "2025"


def test_a_base_year_does_not_carry_to_later_sentences(lexicon):
    # fictional: 在2021年……的基础上 is the base for the next clause, not for later figures
    text = (
        "（虚构）示例县在2021年供暖8个乡镇的基础上，2022年日均供气达到30万立方米。"
        "全县每天约1200名工人坚守岗位。"
    )
    cands = _article(lexicon, text, "2023-01-10")
    assert _period(cands, "1200名") == ""


def test_only_the_conventions_forms_are_written(lexicon):
    # fictional: a mix of time expressions
    text = (
        "（虚构）2019年至2021年上半年，示例县新增企业300家。今年以来，出口增长5%。"
        "“十三五”末，全县森林覆盖率为30%。3月份，用电量增长2%。截至2021年6月，共有学校40所。"
    )
    import re

    form = re.compile(
        r"\d{4}|\d{4}Q[1-4]|\d{4}-\d{2}|\d{4}-\d{2}-\d{2}|\d{4}/\d{4}|\d{4}-\d{2}/\d{4}-\d{2}"
    )
    cands = _article(lexicon, text, "2021-08-01")
    assert cands
    for c in cands:
        assert c["period"] == "" or form.fullmatch(c["period"]), c


def test_a_day_before_the_head_period_does_not_stop_it_carrying(lexicon):
    # fictional: 记者24日从……获悉 comes before the period that heads the lead; 去年同期 is
    # only a reference
    text = (
        "（虚构）记者24日从示例省统计局获悉，今年一季度，全省生产总值增长5%，"
        "比去年同期加快1个百分点。规上工业增加值增长6%。"
    )
    cands = _article(lexicon, text, "2023-04-25")
    assert _period(cands, "6%") == "2023Q1"


_HEADS = ["上半年", "一季度", "1-5月", "2021年", "今年以来", "前三季度", "3月份"]
_REFS = ["比去年同期", "较2019年", "相比去年上半年", "比上年", "同比", "较2020年同期"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(_HEADS),
    st.sampled_from(_REFS),
    st.integers(1, 900),
    st.integers(1, 99),
)
def test_a_head_period_holds_past_any_comparison_reference(lexicon, head, ref, n, p):
    # fictional: a head period, a level, then a change against a reference
    text = f"（虚构）{head}，示例县出口总值{n}亿元，{ref}增长{p}%。"
    want = ingest.find_periods(head, "2021-10-20")[0].period
    cands = _article(lexicon, text, "2021-10-20")
    assert _period(cands, f"{n}亿元") == want
    assert _period(cands, f"{p}%") == want


# fictional pieces of time expressions and the words around them
_TIME_PIECES = [
    "2021", "2023", "年", "月", "日", "底", "末", "季度", "一", "三", "五", "十", "十四", "上半年",
    "下半年", "前", "个月", "1-5", "至", "到", "从", "由", "以来", "今年", "去年", "过去", "近",
    "未来", "今后", "用", "时间", "目前", "日前", "截至", "期间", "示例县", "增长", "，", "。", " ",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TIME_PIECES), min_size=1, max_size=14).map("".join))
def test_each_period_pattern_matches_only_where_its_guard_words_are(text):
    # fictional text: find_periods skips a pattern in a text that lacks one word of each
    # of its groups; every match must hold such a word (or, for a look-behind, the
    # character before it), or a period would be lost
    from shanxi_analysis.ingest import period

    for name, rx, needs in period._PERIOD_RES:
        for m in rx.finditer(text):
            if m.end() == m.start():
                continue
            seen = text[max(0, m.start() - 1) : m.end()]
            for group in needs:
                assert any(w in seen for w in group), (name, m.group(0), group)
