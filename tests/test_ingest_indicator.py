"""The indicator of a candidate fact (fact conventions, "indicator"): an existing one only
when its meaning fits; else one proposed id per subject, measure and unit.
Every sentence here is fictional, written for these tests.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shanxi_analysis import ingest


def _cands(lexicon, text, title="虚构：示例县能源运行情况", published="2023-05-10"):
    cands = ingest.propose(
        text.encode("utf-8"),
        "fictional.txt",
        lexicon,
        ingest.Overrides(published=published, title=title),
    )["candidates"]
    return {c["span"].replace(" ", ""): c for c in cands}


def test_a_county_capacity_is_not_a_single_plants(lexicon):
    # fictional: plant_capacity is a plant's; a county's capacity is another indicator
    c = _cands(lexicon, "（虚构）全县新能源装机容量达到80万千瓦。")["80万千瓦"]
    assert c["indicator_id"] != "plant_capacity"
    assert c["indicator_status"] == "proposed"


def test_a_quarter_is_not_a_year(lexicon):
    # fictional: a quarter's generation is not annual_power_generation
    c = _cands(lexicon, "（虚构）一季度，全县发电量12亿千瓦时。")["12亿千瓦时"]
    assert c["indicator_id"] != "annual_power_generation"


def test_a_share_of_another_subject_is_not_an_existing_share(lexicon):
    # fictional: a non-coal share is not the strategic emerging industries' share
    c = _cands(lexicon, "（虚构）全县非煤工业增加值占地区生产总值比重为40%。")["40%"]
    assert c["indicator_id"] != "sei_value_added_gdp_share"


def test_one_id_per_subject_measure_and_unit(lexicon):
    # fictional: the same subject three times, in two articles and both scripts
    a = _cands(lexicon, "（虚构）原煤产量控制在900万吨以内。去年原煤产量为950万吨。")
    b = _cands(lexicon, "（虛構）全縣原煤產量800萬噸。", title="虛構：示例縣")
    ids = {a["900万吨"]["indicator_id"], a["950万吨"]["indicator_id"], b["800萬噸"]["indicator_id"]}
    assert len(ids) == 1
    assert a["900万吨"]["indicator_name"] == "原煤产量"


def test_a_proposed_name_is_never_a_unit_or_a_verb(lexicon):
    for name in ("下降", "万吨", "增长", "亿元"):
        assert ingest.proposed_indicator_name(name) == ""
    assert ingest.proposed_indicator_name("原煤产量控制在") == "原煤产量"


def test_a_proposed_indicator_is_defined_in_both_languages(lexicon):
    # fictional
    c = _cands(lexicon, "（虚构）全县光伏组件产量增长12%。")["12%"]
    assert c["indicator_status"] == "proposed"
    assert "光伏组件产量" in c["indicator_definition_zh"]
    assert "change" in c["indicator_definition_en"]
    # a unit or a verb of change is never written into a definition: they are fields
    for word in ("percent", "增长", "下降", "%"):
        assert word not in c["indicator_definition_zh"] + c["indicator_definition_en"]


_WORDS = [
    "发电量", "装机容量", "新能源", "开发区", "国家级", "项目", "投资", "计划", "总额", "进出口",
    "同比", "增长", "占比", "示例县", "全县", "累计", "建成", "座", "个", "的", "，", "亿元",
    "批次",
]  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.sampled_from(_WORDS), max_size=4).map("".join),
    st.lists(st.sampled_from(_WORDS), max_size=8).map("".join),
    st.lists(st.sampled_from(_WORDS), max_size=12).map("".join),
    st.sampled_from(
        [("count", "level"), ("yuan", "level"), ("percent", "share"), ("percent", "change")]
    ),
    st.sampled_from(["", "座", "批"]),
    st.sampled_from(["actual", "plan", "target"]),
)
def test_indicator_scoring_by_the_pair_index_equals_scoring_every_name(
    lexicon, subject, clause, sentence, unit_measure, classifier, kind
):
    # fictional words: only the names that share a pair of characters with the figure's
    # words (or that a bonus rewards) are scored; scoring every name must give the same
    from unittest import mock

    from shanxi_analysis.ingest import indicator

    base_unit, measure = unit_measure

    def run():
        field, name, theme = indicator._indicator_for(
            lexicon, subject, clause, measure, base_unit, sentence, clause[-3:], classifier,
            (), kind, "county", "2023",
        )  # fmt: skip
        return field.value, field.rule, field.confidence, name, theme

    indexed = run()
    rows = indicator._indicators_of(lexicon.indicators, base_unit, measure)

    class EveryRow(dict):
        def __missing__(self, key):
            return tuple(range(len(rows)))

    class EveryPair(frozenset):
        def intersection(self, words):
            return words

    with mock.patch.object(indicator, "_bigram_index", lambda *_a: (EveryRow(), EveryPair())):
        assert run() == indexed
