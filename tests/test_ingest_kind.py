"""The kind of a candidate fact, from the clause's words and tense (fact conventions, "kind").

Every sentence here is fictional, written for these tests.
"""

from __future__ import annotations

import pytest

from shanxi_analysis import ingest


def _kinds(lexicon, text, published="2023-05-10"):
    cands = ingest.propose(
        text.encode("utf-8"),
        "fictional.txt",
        lexicon,
        ingest.Overrides(published=published, title="虚构的测试文章"),
    )["candidates"]
    return _Kinds({c["span"].replace(" ", ""): c["kind"] for c in cands})


class _Kinds(dict):
    """Kinds by span; a span is also found by its start (``120万吨`` for ``120万吨标准煤``)."""

    def __missing__(self, key):
        return next(v for k, v in self.items() if k.startswith(key))


@pytest.mark.parametrize(
    ("text", "span", "want"),
    [
        # fictional: the sum of projects signed or started is a plan, not money spent
        ("（虚构）示例县集中签约项目12个，总投资45.6亿元。", "45.6亿元", "plan"),
        ("（虚构）示例县重点项目集中开工 投资33.3亿元", "33.3亿元", "plan"),
        ("（虚构）示例县共签约项目9个，签约资金18.8亿元。", "18.8亿元", "plan"),
        # fictional: money already invested stays a reported result
        ("（虚构）示例县去年完成投资27.5亿元。", "27.5亿元", "actual"),
        # fictional: the capacity a project is designed for
        ("（虚构）该项目设计建设年产8万台电机。", "8万台", "plan"),
        # fictional: what a project will do once it runs is an estimate
        ("（虚构）该项目达产后，将提供1500个工作岗位。", "1500个", "estimate"),
        # fictional: 将 + a verb of building is a plan
        ("（虚构）今年示例县将新建充电桩600个。", "600个", "plan"),
        # fictional: 控制在 is a goal unless the figure is dated in the past
        ("（虚构）今年示例县能耗总量控制在120万吨标准煤以内。", "120万吨", "target"),
    ],
)
def test_kind_from_the_clause_words(lexicon, text, span, want):
    assert _kinds(lexicon, text)[span] == want


def test_a_goal_word_of_a_past_year_is_a_result(lexicon):
    # fictional: 2021年 is before the 2023 publication: 控制在 then reports what happened
    assert (
        _kinds(lexicon, "（虚构）2021年，示例县能耗总量控制在98万吨标准煤。")["98万吨"] == "actual"
    )


def test_two_figures_of_one_promise_share_its_kind(lexicon):
    # fictional: one promise, two figures
    kinds = _kinds(lexicon, "（虚构）未来三年，示例县光伏装机达到80万千瓦，占比提高到35%。")
    assert kinds["80万千瓦"] == kinds["35%"] == "target"
