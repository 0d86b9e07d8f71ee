"""Adding an article: formats and encodings, candidate fields, duplicates, review, apply.

The articles under tests/fixtures/articles/ are fictional, written for these tests.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fictional import candidates
from hypothesis import given, settings
from hypothesis import strategies as st

from shanxi_analysis import ingest, paths, review, sources

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tests" / "fixtures" / "articles"
CLI = [sys.executable, "-m", "shanxi_analysis.cli"]


@pytest.mark.parametrize(
    ("name", "fmt", "encoding"),
    [
        ("hexo-post.md", "hexo-html", "utf-8"),
        ("saved-page.html", "html-page", "utf-8"),
        ("gb18030.txt", "text", "gb18030"),
        ("big5-traditional.txt", "text", "big5"),
        ("utf16.txt", "text", "utf-16"),
        ("utf8-bom.md", "markdown", "utf-8-sig"),
        ("layout-text.txt", "layout-text", "utf-8"),
    ],
)
def test_each_format_and_encoding(lexicon, name, fmt, encoding):
    r = ingest.propose_file(ARTICLES / name, lexicon, ingest.Overrides(published="2024-03-15"))
    assert r["source"]["format"] == fmt
    assert r["source"]["encoding"] == encoding
    spans = [c["span"] for c in r["candidates"]]
    assert spans, name
    for c in r["candidates"]:
        for f in ingest.CANDIDATE_FIELDS:
            assert f in c
        assert set(c["rules"]) >= {"period", "kind", "measure", "entity", "subject", "indicator"}
        assert 0 < c["confidence"] <= 1
        assert c["quote"] and c["span"] in c["quote"]


def test_saved_page_drops_navigation_and_ads(lexicon):
    r = ingest.propose_file(ARTICLES / "saved-page.html", lexicon)
    quotes = " ".join(c["quote"] for c in r["candidates"])
    assert "99元" not in quotes and "888元" not in quotes and "99个频道" not in quotes
    assert r["source"]["published"] == "2024-03-15"
    assert r["source"]["title_zh"] == "虚构：太原市工业稳步增长"


def test_hostile_page_is_read_without_markup(lexicon):
    r = ingest.propose_file(ARTICLES / "hostile.html", lexicon)
    text = json.dumps(r, ensure_ascii=False)
    # script, iframe and attributes never reach the text; escaped tags are dropped as markup
    assert "alert(1)" not in text and "alert(3)" not in text and "onerror" not in text
    assert "<script" not in text and "javascript:" not in text
    assert [c["span"] for c in r["candidates"]] == ["420座", "30家"]


def test_candidate_fields_follow_the_conventions(lexicon):
    r = ingest.propose_file(ARTICLES / "gb18030.txt", lexicon, ingest.Overrides(published="2024"))
    by = {c["span"]: c for c in r["candidates"]}
    assert (by["6.5%"]["period"], by["6.5%"]["measure"], by["6.5%"]["direction"]) == (
        "2023",
        "change",
        "up",
    )
    assert by["1.2个百分点"]["measure"] == "gap"
    assert by["1.2个百分点"]["kind"] == "actual"  # a gap against an average is not a benchmark
    assert by["420座"]["period"] == "2023-06"
    assert by["18亿元"]["kind"] == "actual"  # the investment of what is already built
    assert (by["900万千瓦"]["kind"], by["900万千瓦"]["period"]) == ("target", "2025")
    assert by["6.5%"]["entity_id"] == "taiyuan"
    assert by["三个"]["exclude"] and by["三个"]["reason_code"] == "enumeration"
    assert by["900万千瓦"]["indicator_id"].startswith("new_")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("项目规划投资50亿元", "plan"),
        ("拟建设5座电站", "plan"),
        ("正在筹备的项目总投资400亿元", "plan"),
        ("预计新增产值约64亿元", "estimate"),
        ("据测算，每年可减少排放12万吨", "estimate"),
        ("到2030年，力争装机达到900万千瓦", "target"),
        ("高于全国平均值(435亿元)", "benchmark"),
        ("完成进出口总值264.5亿元", "actual"),
        ("比全省平均水平高1.2个百分点", "actual"),
    ],
)
def test_kind_rules(lexicon, text, kind):
    cands = candidates(lexicon, text)
    assert cands[-1]["kind"] == kind


def test_traditional_script_matches_simplified_entities(lexicon):
    r = ingest.propose_file(
        ARTICLES / "big5-traditional.txt", lexicon, ingest.Overrides(published="2024")
    )
    assert {c["entity_id"] for c in r["candidates"]} == {"demo-zone"}
    assert any("億元" in c["quote"] for c in r["candidates"])  # quotes stay verbatim


@pytest.mark.parametrize(
    ("text", "published", "period"),
    [
        ("2020年，增长5%", "2021", "2020"),
        ("一季度，增长5%", "2020-06", "2020Q1"),
        ("截至2021年6月，建成5个", "2021-12", "2021-06"),
        ("截至2022年2月底，建成5个", "2022-05", "2022-02"),
        ("10月30日，签约5个", "2021-11", "2021-10-30"),
        ("上半年，增长5%", "2024-08", "2024-01/2024-06"),
        ("1-8月，增长5%", "2022-09", "2022-01/2022-08"),
        ("前5个月，增长5%", "2022-06", "2022-01/2022-05"),
        ("前三季度，增长5%", "2020-10", "2020-01/2020-09"),
        ("3月份，增长5%", "2020-04", "2020-03"),
        ("“十三五”期间，化解产能15685万吨", "2021", "2016/2020"),
        ("“十四五”前三年，建成5个", "2024", "2021/2023"),
        ("2017年以来，建成5个", "2024", "2017/2024"),
        ("2018年至2021年上半年，签约5个", "2021", "2018-01/2021-06"),
        ("到2025年，力争达到12%", "2021", "2025"),
        ("去年，增长5%", "2021", "2020"),
        ("前年，增长5%", "2021", "2019"),
        ("今年以来，增长5%", "2024-08", "2024-01/2024-08"),
        ("上半年，收入增长5%；利润增长3%", "2024-08", "2024-01/2024-06"),
        ("收入增长5%", "2024", ""),
    ],
)
def test_period_resolution(lexicon, text, published, period):
    cands = candidates(lexicon, text, published=published)
    assert cands[-1]["period"] == period


def test_structural_and_repeat_exclusions(lexicon):
    data = "从以下四个方面推进。\n\n全市建成充电站420座。\n\n再说一遍，全市充电站420座。\n".encode()
    r = ingest.propose(data, "x.txt", lexicon, ingest.Overrides(published="2024"))
    codes = [c["reason_code"] for c in r["candidates"]]
    assert codes == ["enumeration", "", "repeat"]


def test_undecodable_file_names_the_file_and_encodings(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(bytes(range(128, 256)) * 3 + b"\x00\x81\xff")
    with pytest.raises(sources.SourceFormatError) as err:
        sources.read_article(bad)
    assert "bad.txt" in str(err.value)


def _tmp_data(tmp_path, monkeypatch) -> Path:
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data, ignore=shutil.ignore_patterns("geo"))
    monkeypatch.setenv(paths.DATA_ENV, str(data))
    return data


def test_dry_run_leaves_git_status_clean():
    before = subprocess.run(
        ["git", "status", "--porcelain", "--", "data"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    out = subprocess.run(
        [*CLI, "add", "--dry-run", "--format", "json", str(ARTICLES / "hexo-post.md")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout.splitlines()[0])
    assert set(obj) == {"source", "candidates"} and obj["candidates"]
    after = subprocess.run(
        ["git", "status", "--porcelain", "--", "data"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert before == after


def test_duplicate_refused_by_hash(tmp_path, monkeypatch):
    data = _tmp_data(tmp_path, monkeypatch)
    seed = data / "raw" / "liaowang-2021-11-27-shanxi-green-transition.md"
    copy = tmp_path / "renamed.md"
    copy.write_bytes(seed.read_bytes())
    summary = ingest.add([copy], progress=False, jobs=1)
    assert summary.added == [] and "liaowang-2021" in summary.duplicates[0]


def _decide_all(source_id: str) -> None:
    rows = review.read_review(source_id)
    for r in rows:
        if r["exclude"]:
            r["decision"] = "exclude"
            continue
        r["decision"] = "accept"
        r["quote_en"] = "(fictional test article)"
        r["indicator_name_en"] = r["indicator_name_en"] or "Test indicator"
        # a new indicator's definition in the reviewer's words, in both languages (fictional)
        r["indicator_definition_zh"] = r["indicator_definition_zh"] or "虚构测试指标的定义"
        r["indicator_definition_en"] = r["indicator_definition_en"] or "A fictional test measure"
        r["entity_parent_id"] = r["entity_parent_id"] or "shanxi"
    review.write_review(source_id, rows)


def test_add_review_apply_end_to_end(tmp_path, monkeypatch):
    data = _tmp_data(tmp_path, monkeypatch)
    summary = ingest.add(
        [ARTICLES / "gb18030.txt"],
        ingest.Overrides(published="2024-03-15", source_id="fictional-gb", publisher="虚构报"),
        progress=False,
        jobs=1,
    )
    assert summary.added == ["fictional-gb"], summary.errors
    assert (data / "raw" / "gb18030.txt").read_bytes() == (ARTICLES / "gb18030.txt").read_bytes()
    with pytest.raises(review.ReviewError, match="neither a fact nor an exclusion"):
        review.apply("fictional-gb")  # nothing decided yet: coverage fails, nothing written
    _decide_all("fictional-gb")
    counts = review.apply("fictional-gb")
    assert counts["facts"] == 5 and counts["excluded"] == 1
    from shanxi_analysis import checks, datasets

    facts = datasets.facts()
    new = facts[facts["source_id"] == "fictional-gb"]
    assert set(new["span"]) == {"6.5%", "1.2个百分点", "420座", "18亿元", "900万千瓦"}
    assert checks.coverage_gaps().empty and checks.agreement_mismatches().empty
    # the same file again is refused by its hash
    again = ingest.add([ARTICLES / "gb18030.txt"], progress=False, jobs=1)
    assert "fictional-gb" in again.duplicates[0]


def test_failed_apply_leaves_every_file(tmp_path, monkeypatch):
    data = _tmp_data(tmp_path, monkeypatch)
    ingest.add(
        [ARTICLES / "hexo-post.md"],
        ingest.Overrides(source_id="fictional-hexo", publisher="虚构报"),
        progress=False,
        jobs=1,
    )
    _decide_all("fictional-hexo")
    rows = review.read_review("fictional-hexo")
    rows[-2]["period"] = "not a period"
    review.write_review("fictional-hexo", rows)
    curated = {p: p.read_bytes() for p in (data / "curated").glob("*.csv")}
    with pytest.raises(ValueError, match="period"):
        review.apply("fictional-hexo")
    assert {p: p.read_bytes() for p in (data / "curated").glob("*.csv")} == curated


def test_propose_pickles_for_process_pools_and_dask(lexicon):
    import pickle

    assert pickle.loads(pickle.dumps(lexicon)) == lexicon
    bag = pytest.importorskip("dask.bag")
    files = [str(ARTICLES / n) for n in ("gb18030.txt", "utf16.txt")]
    out = bag.from_sequence(files, npartitions=2).map(ingest.propose_file, lexicon).compute()
    assert [len(r["candidates"]) for r in out] == [6, 6]


def test_many_files_one_bad_does_not_stop_the_others(tmp_path, lexicon):
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"---\ntitle: [unclosed\n---\n<p>x</p>")
    results = ingest.propose_many(
        [str(ARTICLES / "gb18030.txt"), str(bad), str(ARTICLES / "utf16.txt")],
        lexicon,
        jobs=2,
        progress=False,
    )
    assert ["error" in r for r in results] == [False, True, False]
    assert "bad.html" in results[1]["error"]


def test_cross_source_comparison_respects_qualifiers():
    import pandas as pd

    from shanxi_analysis import compare

    base = {"indicator_id": "coal_mines", "entity_id": "shanxi", "period": "2020", "quote": "q"}
    df = pd.DataFrame(
        [
            {**base, "fact_id": "a", "source_id": "s1", "base_value": 900, "qualifier": "at_most"},
            {**base, "fact_id": "b", "source_id": "s2", "base_value": 897, "qualifier": "none"},
            {**base, "fact_id": "c", "source_id": "s3", "base_value": 950, "qualifier": "none"},
        ]
    )
    got = compare.compare(df).set_index(["fact_a", "fact_b"])["status"].to_dict()
    assert got == {("a", "b"): "agree", ("a", "c"): "disagree", ("b", "c"): "disagree"}


def test_review_widget_decides_escapes_and_saves(tmp_path, monkeypatch):
    from shanxi_analysis.review_widget import ReviewWidget

    _tmp_data(tmp_path, monkeypatch)
    ingest.add(
        [ARTICLES / "gb18030.txt"],
        ingest.Overrides(published="2024-03-15", source_id="fictional-widget", publisher="虚构报"),
        progress=False,
        jobs=1,
    )
    rows = review.read_review("fictional-widget")
    rows[0]["quote"] = "<script>x</script>" + rows[0]["quote"]
    widget = ReviewWidget("fictional-widget", rows)
    assert "<script>" not in widget.sentence.value and "<mark>6.5%</mark>" in widget.sentence.value
    widget.fields["period"].value = "2023"
    widget.fields["kind"].value = "actual"
    widget.quote_en.value = "(fictional)"
    widget.decide("accept")
    assert rows[0]["decision"] == "accept" and widget.index == 1
    widget.fields["period"].value = "2022"  # a correction makes it an edit
    widget.quote_en.value = "(fictional)"
    widget.decide("accept")
    assert rows[1]["decision"] == "edit" and rows[1]["period"] == "2022"
    widget.reason.value = "test"
    widget.decide("exclude")
    assert rows[2]["decision"] == "exclude" and rows[2]["reason"] == "test"
    widget.save()
    assert [r["decision"] for r in review.read_review("fictional-widget")][:3] == [
        "accept",
        "edit",
        "exclude",
    ]
    widget.save(apply=True)  # three rows are still undecided: nothing is applied
    assert "Not applied" in widget.status.value


def test_an_added_source_extends_a_series_and_is_compared_across_sources(tmp_path, monkeypatch):
    from shanxi_analysis import compare, datasets

    _tmp_data(tmp_path, monkeypatch)
    summary = ingest.add([ARTICLES / "coal-mines-2020.md"], progress=False, jobs=1)
    assert summary.added == ["coal-mines-2020"], summary.errors
    _decide_all("coal-mines-2020")
    review.apply("coal-mines-2020")
    series = datasets.facts().query("indicator_id == 'coal_mines' and entity_id == 'shanxi'")
    assert set(series["source_id"]) == {"liaowang-2021", "coal-mines-2020"}
    pairs = compare.compare()
    pair = pairs[(pairs["indicator_id"] == "coal_mines") & (pairs["period"] == "2020")]
    # "900 座以内" (at most 900) agrees with 897
    assert pair["status"].tolist() == ["agree"]
    assert {pair["source_a"].item(), pair["source_b"].item()} == {
        "liaowang-2021",
        "coal-mines-2020",
    }
    # ... and the indicator's trend chart plots it with its own citation, with no new code.
    from shanxi_analysis import charts

    spec = charts.trend(indicator="coal_mines", entity="shanxi", lang="en").to_dict()
    plotted = {
        r.get("source_id") for rows in spec["datasets"].values() for r in rows if "source_id" in r
    }
    assert {"liaowang-2021", "coal-mines-2020"} <= plotted
    registry = datasets.sources("en").set_index("source_id")
    assert registry.loc["coal-mines-2020", "title"] in charts.citation_text(spec)
    # ... and the theme's page says the two sources agree, linking both entries.
    from shanxi_analysis import notebook

    shown = []
    monkeypatch.setattr(notebook, "_display", shown.append)
    page = notebook.Page("coal_energy", lang="en", interactive=False)
    page.checks()
    said = "".join(getattr(o, "data", "") or "" for o in shown)
    assert "The sources agree (2020)" in said
    assert "coal-mines-2020" in said and "liaowang-2021" in said
    assert {pair["fact_a"].item(), pair["fact_b"].item()} <= set(page.used)


def test_add_command_refuses_a_registered_file_and_names_it(tmp_path, monkeypatch):
    data = _tmp_data(tmp_path, monkeypatch)
    seed = data / "raw" / "newspaper-2020-shanxi-transformation-demonstration-zone.txt"
    out = subprocess.run(
        [*CLI, "add", "--dry-run", str(seed)], cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 1
    assert "already source 'demozone-2020'" in out.stderr
    assert "1 skipped duplicates" in out.stderr


def test_add_without_publisher_or_date_says_what_is_missing(tmp_path, monkeypatch):
    data = _tmp_data(tmp_path, monkeypatch)
    summary = ingest.add([ARTICLES / "gb18030.txt"], progress=False, jobs=1)
    assert "no publication date" in summary.errors[0] and "--published" in summary.errors[0]
    summary = ingest.add(
        [ARTICLES / "gb18030.txt"], ingest.Overrides(published="2024"), progress=False, jobs=1
    )
    assert "--publisher" in summary.errors[0]
    assert not (data / "raw" / "gb18030.txt").exists()
    assert not (data / "review").exists()


@pytest.mark.parametrize(
    ("text", "measure", "direction"),
    [
        ("全市规上工业增加值1000亿元", "level", ""),  # 增加值 is value added, not a change
        ("规上工业增加值增长6.5%", "change", "up"),
        ("进口总额同比下降1.6%", "change", "down"),
        ("占全省的61.5%", "share", ""),
        ("比全省平均水平高7.3个百分点", "gap", "up"),
        ("居全国第18位", "rank", ""),
        ("先进产能占比由不足30%提高到68%", "share", ""),
        ("原煤产量增产1亿吨", "change", "up"),
    ],
)
def test_measure_and_direction(lexicon, text, measure, direction):
    cands = candidates(lexicon, text)
    assert (cands[-1]["measure"], cands[-1]["direction"]) == (measure, direction)


def test_add_a_folder_summarises_files_candidates_and_errors(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("gb18030.txt", "utf16.txt", "big5-traditional.txt"):
        shutil.copy(ARTICLES / name, folder / name)
    (folder / "broken.md").write_bytes(b"---\ntitle: [unclosed\n---\n")
    out = subprocess.run(
        [*CLI, "add", "--dry-run", "--published", "2024", "--jobs", "2", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1  # one file failed; the others were still read
    assert "4 files, 15 candidates, 0 skipped duplicates, 1 errors" in out.stderr
    assert "broken.md" in out.stderr and "front matter" in out.stderr


def test_mixed_encodings_are_an_error_naming_file_line_and_encodings_tried():
    data = "第一行\n第二行，煤矿".encode() + "九百".encode("gbk") + b"\n"
    with pytest.raises(sources.SourceFormatError) as err:
        sources.decode_article(data, "a.md")
    message = str(err.value)
    assert message.startswith("a.md, line 2: not UTF-8 at byte")
    assert "gb18030, big5, utf-16" in message and "iconv" in message
    # one encoding throughout is read, whichever it is
    for enc, text in (
        ("gb18030", "全省煤矿数量减至 900 座以内"),
        ("big5", "全省煤礦數量減至 900 座以內"),
        ("utf-16", "全省煤矿数量减至 900 座以内"),
        ("utf-8-sig", "全省煤矿数量减至 900 座以内"),
    ):
        assert sources.decode_article(text.encode(enc)) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="山西轉型綜合改革示範區产能產能煤炭發電量𠀀𤆬ab1 ，。", max_size=30))
def test_to_simplified_equals_the_character_table_whatever_the_script(text):
    # fictional text: the search for a traditional character before translating must give
    # what translating every text gives
    from shanxi_analysis.ingest.common import _t2s_table

    assert ingest.to_simplified(text) == text.translate(_t2s_table())
