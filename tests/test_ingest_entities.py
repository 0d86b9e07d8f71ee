"""Adding an article: the entity of each candidate, by the rules of docs/conventions.md.

Every sentence and article below is fictional, written for these tests (the figures are
made up); the names they use are the project's own entities (data/curated/entities.csv) or
names invented here. The seeds are checked by benchmarks/ingest.py, not here.
"""

from __future__ import annotations

import functools

import pytest
from fictional import candidates
from hypothesis import given, settings
from hypothesis import strategies as st

from shanxi_analysis import ingest


def _candidates(lexicon, text, *, article="shanxi", province="shanxi"):
    """The candidates of one fictional block, in an article of 2024 about 山西."""
    return candidates(lexicon, text, article=article, province=province)


def _entities(lexicon, text):
    """{span: (entity_id, entity_name, rule)} of a fictional block."""
    return {
        c["span"]: (c["entity_id"], c["entity_name"], c["rules"]["entity"])
        for c in _candidates(lexicon, text)
    }


# ---------------------------------------------------------------- either script


@pytest.mark.parametrize(
    ("text", "entity_id"),
    [
        ("（虚构）综改示范区新增企业30家。", "demo-zone"),
        ("（虚构）綜改示範區新增企業30家。", "demo-zone"),
        ("（虚构）综改区新增企业30家。", "demo-zone"),
        ("（虚构）綜改區新增企業30家。", "demo-zone"),
        ("（虚构）太原武宿综保区进出口总值增长8%。", "taiyuan-wusu-bonded-zone"),
        ("（虚构）太原武宿綜保區進出口總值增長8%。", "taiyuan-wusu-bonded-zone"),
        ("（虚构）大同市新增项目12个。", "datong"),
        ("（虚构）大同新增项目12个。", "datong"),  # the name without its administrative suffix
        # a name holding Latin letters or digits matches with or without spaces
        ("（虚构）5G智慧矿山联盟成员达到60家。", "smart-mine-5g-alliance"),
        ("（虚构）5G 智慧矿山联盟成员达到60家。", "smart-mine-5g-alliance"),
    ],
)
def test_entities_match_by_name_short_form_and_script(lexicon, text, entity_id):
    (eid, name, rule), *_ = _entities(lexicon, text).values()
    assert eid == entity_id and rule.startswith("clause:")
    assert name == lexicon_name(lexicon, entity_id)  # named by its Chinese name


def lexicon_name(lexicon, entity_id):
    return next(e[1] for e in lexicon.entities if e[0] == entity_id)


# ---------------------------------------------------------------- nearest, paragraph, article


@pytest.mark.parametrize(
    ("text", "span", "entity_id", "rule"),
    [
        # nearest in the clause: each figure its own place
        ("（虚构）太原市增长5%，大同市增长3%。", "5%", "taiyuan", "clause:太原市"),
        ("（虚构）太原市增长5%，大同市增长3%。", "3%", "datong", "clause:大同市"),
        # else in the sentence
        ("（虚构）大同市今年以来，工业增加值增长3%。", "3%", "datong", "sentence:大同市"),
        # else earlier in the paragraph
        ("（虚构）大同市发布数据。一季度工业增长3%。", "3%", "datong", "paragraph-before:大同市"),
        # a name after the figure: the paragraph's first name
        ("（虚构）全年新增5家，落户晋城市。", "5家", "jincheng", "paragraph"),
        # no name at all: the article's
        ("（虚构）一季度工业增长3%。", "3%", "shanxi", "article"),
        # 全省 is the article's province
        ("（虚构）全省上市公司达到40家。", "40家", "shanxi", "clause:全省"),
        # a comparison base is not the subject (比全省, 高于全国)
        ("（虚构）晋城市增速比全省高1.2个百分点。", "1.2个百分点", "jincheng", "clause:晋城市"),
    ],
)
def test_nearest_named_then_paragraph_then_article(lexicon, text, span, entity_id, rule):
    eid, _name, got_rule = _entities(lexicon, text)[span]
    assert (eid, got_rule) == (entity_id, rule)


def test_no_name_and_no_article_is_empty_and_least_sure(lexicon):
    cands = _candidates(lexicon, "（虚构）一季度工业增长3%。", article=None, province=None)
    assert cands[0]["entity_id"] is None and cands[0]["rules"]["entity"] == "none"
    assert cands[0]["confidence"] <= 0.2


# ---------------------------------------------------------------- aggregates and counts


def test_an_aggregate_holds_for_its_members_not_for_other_bodies(lexicon):
    got = _entities(
        lexicon,
        "（虚构）目前，山西省共有90个省级以上开发区，其中7个国家级开发区；20个县已布局开发区。",
    )
    assert got["90个"][:1] == ("shanxi-dev-zones",)  # the aggregate's own count
    assert got["7个"][:1] == ("shanxi-dev-zones",)  # 其中: its members
    assert got["20个"][:1] == ("shanxi",)  # counties are not zones


def test_what_a_verb_makes_is_counted_not_the_entity(lexicon):
    got = _entities(
        lexicon, "（虚构）山西在全省布局建设8个智创城。目前，已建成5个智创城，200多家企业入驻。"
    )
    assert {span: e[0] for span, e in got.items()} == {
        "8个": "shanxi",
        "5个": "shanxi",
        "200多家": "shanxi",
    }


def test_a_name_after_a_figure_in_another_clause_is_not_counted(lexicon):
    # 大同市 follows 5%, but across a comma: it is the next clause's subject
    got = _entities(lexicon, "（虚构）太原市增长5%，大同市增长3%。")
    assert got["3%"][0] == "datong"


def test_a_body_word_after_a_name_belongs_to_that_name(lexicon):
    # 管委会 alone is the demonstration zone's committee (its short form in entities.csv) …
    assert _entities(lexicon, "（虚构）管委会新增项目3个。")["3个"][0] == (
        "demo-zone-admin-committee"
    )
    # … but 开发区管委会 are the zones' own committees
    got = _entities(lexicon, "（虚构）全省50家省级以上开发区管委会领导分4批参加培训。")
    assert got["50家"][0] == "shanxi-dev-zones" and got["4批"][0] == "shanxi-dev-zones"


def test_a_name_that_holds_the_figure(lexicon):
    # the entity's own name contains its size (黄土镇 30 兆瓦农光互补光伏扶贫电站)
    for text in (
        "（虚构）位于隰县黄土镇的 30 兆瓦农光互补光伏扶贫电站项目年发电4000万千瓦时。",
        "（虚构）位于隰县黄土镇的30兆瓦农光互补光伏扶贫电站项目年发电4000万千瓦时。",
    ):
        got = _entities(lexicon, text)
        span = next(s for s in got if "兆瓦" in s)
        assert got[span][0] == "xixian-pv-poverty-plant"
        assert got[span][2].startswith("name-holds-figure:")


# ---------------------------------------------------------------- benchmarks


@pytest.mark.parametrize(
    ("text", "span", "entity_id", "rule"),
    [
        # a benchmark is the value of its comparison base
        (
            "（虚构）太原市地区生产总值500亿元，高于全国平均值(400亿元)。",
            "400亿元",
            "china",
            "benchmark-base:全国",
        ),
        # … or of the average of an aggregate under that base named before it
        (
            "（虚构）在100个国家级经济技术开发区中，太原市地区生产总值高于全国平均值(400亿元)。",
            "400亿元",
            "national-etdzs",
            "benchmark-average-of:国家级经济技术开发区",
        ),
        # a base rate with no base named is national
        ("（虚构）项目贷款2亿元，按贷款基准利率4%算。", "4%", "china", "benchmark-national:基准"),
        # the figure compared with the benchmark keeps its own entity
        (
            "（虚构）太原市地区生产总值500亿元，高于全国平均值(400亿元)。",
            "500亿元",
            "taiyuan",
            "clause:太原市",
        ),
    ],
)
def test_benchmark_entity_is_its_base(lexicon, text, span, entity_id, rule):
    eid, _name, got_rule = _entities(lexicon, text)[span]
    assert (eid, got_rule) == (entity_id, rule)


# ---------------------------------------------------------------- a quoted speaker


def test_a_quoted_paragraph_is_about_its_speakers_organisation(lexicon):
    article = (
        "（虚构）秦淮数据集团副总裁张某介绍，园区运行良好。\n\n"
        "“我们今年的用电量约4亿千瓦时。”张某说。\n\n"
        "“我们今年的用电量约5亿千瓦时。”王五说。\n"
    ).encode()
    r = ingest.propose(article, "x.txt", lexicon, ingest.Overrides(published="2024"))
    by = {c["span"]: c for c in r["candidates"]}
    assert by["4亿千瓦时"]["entity_id"] == "chindata"
    assert by["4亿千瓦时"]["rules"]["entity"] == "speaker-organisation"
    # a speaker nobody introduced: the article's main subject
    assert by["5亿千瓦时"]["rules"]["entity"] == "article"


# ---------------------------------------------------------------- new entities


@pytest.mark.parametrize(
    ("text", "span", "name"),
    [
        ("（虚构）2023年，长治市规上工业增加值增长6%。", "6%", "长治市"),
        ("（虚构）2023年，長治市規上工業增加值增長6%。", "6%", "長治市"),  # as written
        ("（虚构）长治市高新区完成投资12亿元。", "12亿元", "长治市高新区"),
        ("（虚构）太原市小店区新增企业200家。", "200家", "小店区"),
        ("（虚构）晋城开发区引进项目5个。", "5个", "晋城开发区"),
        ("（虚构）晋阳示例能源有限公司年产煤炭300万吨。", "300万吨", "晋阳示例能源有限公司"),
        ("（虚构）这家企业的前身阳煤示例集团去年营收80亿元。", "80亿元", "阳煤示例集团"),
    ],
)
def test_new_entities_are_proposed_by_their_names(lexicon, text, span, name):
    eid, got_name, rule = _entities(lexicon, text)[span]
    assert (eid, got_name) == (None, name)
    assert rule.startswith("new-name:")


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("（虚构）山西推进开发区改革，新增项目10个。", "10个"),  # a verb before a generic zone
        ("（虚构）省级开发区达到30个。", "30个"),  # a class of zones
        ("（虚构）工业类开发区66个。", "66个"),
        ("（虚构）全省上市公司达到40家。", "40家"),  # a generic company word
        ("（虚构）城市建成区面积增加5平方公里。", "5平方公里"),  # 城市, 城区 are no places
        ("（虚构）园区内企业节省成本3亿元。", "3亿元"),  # 园区 alone; 节省 is no province
        ("（虚构）核心区新建厂房20栋。", "20栋"),  # a district only after its city
    ],
)
def test_generic_words_are_not_new_entities(lexicon, text, span):
    eid, name, rule = _entities(lexicon, text)[span]
    assert not rule.startswith("new-name:"), (eid, name, rule)
    assert eid == "shanxi"


def test_a_new_entity_candidate_is_reviewable(lexicon):
    data = "（虚构）2023年，长治市规上工业增加值增长6%。\n".encode()
    r = ingest.propose(data, "x.txt", lexicon, ingest.Overrides(published="2024"))
    (c,) = r["candidates"]
    assert c["entity_id"] is None and c["entity_name"] == "长治市"
    assert c["confidence"] <= 0.5  # a new name is checked first


@functools.cache
def _matcher():
    return ingest._matcher(ingest.Lexicon.from_data().entities)


@settings(max_examples=80, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("山西太原市县区开发园公司集团的在全省了，。、 12个家亿元%長")
        ),
        max_size=40,
    )
)
def test_new_names_stay_inside_the_text_and_never_overlap_another_name(text):
    simple = ingest.to_simplified(text)
    hits = ingest._names_in(text, simple, _matcher(), "shanxi")
    for a, b, eid in hits:
        assert 0 <= a < b <= len(text)
        if eid.startswith(ingest.NEW_ENTITY_PREFIX):
            assert eid[len(ingest.NEW_ENTITY_PREFIX) :] == text[a:b]  # as written
            others = [h for h in hits if h != (a, b, eid)]
            assert all(h[1] <= a or h[0] >= b for h in others)


# ---------------------------------------------------------------- indicators named for them


def _indicators(lexicon, text):
    return {c["span"]: c["indicator_id"] for c in _candidates(lexicon, text)}


@pytest.mark.parametrize(
    ("text", "span", "indicator_id"),
    [
        # the same words, two entities: the indicator named for the entity wins …
        (
            "（虚构）综改示范区由甲园区、乙园区2个国家级开发区整合而成。",
            "2个",
            "demo_zone_national_parks",
        ),
        # … and the plain one holds for another entity
        ("（虚构）目前，山西省共有8个国家级开发区。", "8个", "dev_zones_national"),
        # an indicator named for a plan (计划投资) takes a plan's investment, not a result's
        ("（虚构）示范区拟投资30亿元。", "30亿元", "planned_investment"),
    ],
)
def test_indicator_named_for_the_entity_or_the_kind(lexicon, text, span, indicator_id):
    assert _indicators(lexicon, text)[span] == indicator_id


def test_a_result_is_not_a_planned_investment(lexicon):
    assert _indicators(lexicon, "（虚构）去年该公司完成投资20亿元。")["20亿元"] != (
        "planned_investment"
    )


# ---------------------------------------------------------------- the article's own place


def _article_entities(lexicon, text, title="虚构的测试文章", publisher=""):
    cands = ingest.propose(
        text.encode("utf-8"),
        "fictional.txt",
        lexicon,
        ingest.Overrides(published="2023-05-01", title=title, publisher=publisher),
    )["candidates"]
    return {c["span"].replace(" ", ""): c for c in cands}


def test_the_county_words_are_the_county_of_the_title_never_the_province(lexicon):
    # fictional: a county article that names the province once
    text = (
        "（虚构）今年以来，全县新建光伏电站3座，全县光伏装机达到20万千瓦。"
        "山西省的光伏装机增长10%。我县风电装机12万千瓦。"
    )
    got = _article_entities(lexicon, text, title="虚构：长治市示例县新能源快速发展")
    for span in ("3座", "20万千瓦", "12万千瓦"):
        assert got[span]["entity_id"] is None, span
        assert got[span]["entity_name"] == "示例县", span
    assert got["10%"]["entity_id"] == "shanxi"


def test_a_new_name_comes_with_its_type_and_parent(lexicon):
    # fictional: 长治市示例县 — a new county in a new city
    got = _article_entities(lexicon, "（虚构）全县粮食产量8.8万吨。", title="虚构：长治市示例县")
    c = got["8.8万吨"]
    assert (c["entity_name"], c["entity_type"], c["entity_parent"]) == (
        "示例县",
        "county",
        "长治市",
    )


def test_the_city_words_are_the_city_of_the_publisher(lexicon):
    # fictional: the publisher names a city of entities.csv; the text says only 全市
    got = _article_entities(lexicon, "（虚构）全市粮食产量88万吨。", publisher="朔州市某某局网站")
    assert got["88万吨"]["entity_id"] == "shuozhou"


def test_figures_of_an_article_about_a_county_are_not_the_province(lexicon):
    # fictional: no name in the figure's paragraph; the title names a county, another
    # paragraph the province
    got = _article_entities(
        lexicon,
        "（虚构）山西省推进乡村振兴。\n\n近日完成造林面积1.2万亩。\n",
        title="虚构：示例县植树",
    )
    assert got["1.2万亩"]["entity_name"] == "示例县"


def test_the_scope_of_a_ranking_is_not_what_is_ranked(lexicon):
    # fictional: 全国 is where 山西 ranks, not the figure's entity
    got = _article_entities(
        lexicon, "（虚构）2022年，山西省发电量增长8%，增速排全国第4位，总量提升到全国第6位。"
    )
    assert got["第4位"]["entity_id"] == "shanxi"
    assert got["第6位"]["entity_id"] == "shanxi"


def test_a_clause_with_a_verb_is_no_name(lexicon):
    # fictional: 山西今年累计建成绿色煤矿 is a clause, not a mine's name
    got = _article_entities(lexicon, "（虚构）截至2023年4月底，山西累计建成绿色煤矿88座。")
    assert got["88座"]["entity_id"] == "shanxi"


@pytest.mark.parametrize(
    "text",
    [
        # fictional: the customs office and the statistics bureau report the figures
        "（虚构）据太原海关统计，一季度进出口总值300亿元，同比增长5%。",
        "（虚构）记者从太原市统计局获悉，一季度进出口总值300亿元，同比增长5%。",
    ],
)
def test_a_source_is_not_what_the_figure_is_about(lexicon, text):
    got = _article_entities(lexicon, text)
    assert got["300亿元"]["entity_id"] == "shanxi"


def test_a_dateline_names_the_article_s_own_city(lexicon):
    # fictional: the dateline files the report from 朔州; 全市 is 朔州, not the city named
    # just before it
    got = _article_entities(
        lexicon, "（虚构）本报朔州3月2日讯 今年前两个月，晋中市用电量增长5%，全市用电量增长4%。"
    )
    assert got["4%"]["entity_id"] == "shuozhou"
