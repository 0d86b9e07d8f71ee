"""The subject of a candidate fact: the noun phrase the figure measures (fact conventions,
"subject"). Every sentence here is fictional, written for these tests.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shanxi_analysis import ingest


def _subjects(lexicon, text, published="2023-05-10", title="虚构的测试文章"):
    cands = ingest.propose(
        text.encode("utf-8"),
        "fictional.txt",
        lexicon,
        ingest.Overrides(published=published, title=title),
    )["candidates"]
    return {c["span"].replace(" ", ""): c["subject"] for c in cands}


@pytest.mark.parametrize(
    ("text", "span", "want"),
    [
        # fictional: a word is never cut in two (产能 stays whole)
        ("（虚构）示例县煤炭先进产能占比提升至85%。", "85%", "煤炭先进产能占比"),
        # fictional: the verb after the subject is not part of it
        ("（虚构）示例县原煤产量控制在900万吨以内。", "900万吨", "原煤产量"),
        # fictional: a verb before the noun that is not a modifier is dropped
        ("（虚构）今年示例县新建光伏电站3座。", "3座", "光伏电站"),
        # fictional: the county word is the entity, not part of the subject
        ("（虚构）全县市场主体总数达12345户。", "12345户", "市场主体总数"),
        # fictional: a share is about what comes before 占
        ("（虚构）山西外送电量40亿千瓦时，占全省发电量的比重为35%。", "35%", "外送电量"),
        # fictional: 全国 is the scope of the ranking; the subject is what is ranked
        ("（虚构）2022年山西粮食产量增速排全国第3位。", "第3位", "粮食产量增速"),
    ],
)
def test_subject_is_the_noun_phrase(lexicon, text, span, want):
    assert _subjects(lexicon, text)[span] == want


def test_a_qualifier_after_a_figure_is_no_subject(lexicon):
    # fictional: 左右 and 以上 qualify the figure
    got = _subjects(lexicon, "（虚构）到2025年，示例县煤矿数量减至30座左右。")
    assert got["30座"] not in ("左右", "")


def test_traditional_script_keeps_its_words(lexicon):
    # fictional, in traditional script
    got = _subjects(lexicon, "（虛構）示例縣煤炭先進產能佔比提升至85%。")
    assert got["85%"] == "煤炭先進產能佔比"


_VERBS = ["增长", "下降", "拉动", "达到", "提高到", "减少"]
_NOUNS = ["原煤产量", "规上工业增加值", "进出口总值", "可再生能源装机容量", "净外送电量"]


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(_NOUNS), st.sampled_from(_VERBS), st.integers(1, 999))
def test_the_subject_never_ends_in_the_verb(noun, verb, n):
    # fictional: noun + verb + figure, in any combination
    phrase = ingest.noun_phrase(f"示例县{noun}{verb}")
    assert phrase.endswith(noun[-2:])
    assert verb not in phrase
