"""Raw articles → clean blocks: the seeds, the layout-break rule, hostile input."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shanxi_analysis import paths, sources
from shanxi_analysis.cli import main
from shanxi_analysis.sources import (
    Block,
    SourceFormatError,
    SourceIntegrityError,
    ends_sentence,
    join_broken,
    load_blocks,
    load_photos,
    load_text,
    parse_document,
)

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = paths.PROJECT_ROOT.parent / "shared" / "seeds"
LW, DZ = "liaowang-2021", "demozone-2020"

MARKUP_OR_URL = re.compile(
    r"<[A-Za-z/!]|>|https?:|\bwww\.|javascript:|vbscript:|onerror|onclick|\balert\(|\{\s*color"
)


# ---------------------------------------------------------------- registry and files


def test_registry_hashes_match_the_raw_files():
    reg = sources.registry()
    assert set(reg["source_id"]) == {LW, DZ}
    for row in reg.itertuples():
        path = paths.data_dir() / row.file
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row.sha256
        assert sources.verify(row.source_id) == path


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_raw_files_are_byte_identical_copies_of_the_seeds():
    seed_hashes = {hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS.iterdir()}
    assert set(sources.registry()["sha256"]) == seed_hashes


def test_registry_has_what_a_citation_needs():
    reg = sources.registry().set_index("source_id")
    assert reg.loc[LW, "published"] == "2021-11-27"
    assert reg.loc[DZ, "published"] == "2020"
    assert reg.loc[LW, "authors"].split("; ") == ["赵东辉", "王菲菲", "梁晓飞", "王劲玉"]
    assert reg.loc[DZ, "authors"] == "张潇潇"
    for col in sources.REGISTRY_COLUMNS[1:]:
        assert (reg[col].str.strip() != "").all(), col


def test_a_tampered_raw_file_is_refused(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir() / "raw", data / "raw")
    shutil.copy(paths.sources_csv(), data / "sources.csv")
    target = data / sources.registry().set_index("source_id").loc[DZ, "file"]
    target.write_bytes(target.read_bytes().replace(b"141", b"142"))
    monkeypatch.setenv(paths.DATA_ENV, str(data))
    with pytest.raises(SourceIntegrityError, match=r"newspaper-2020.*sha256"):
        load_blocks(DZ)
    assert not load_blocks(LW).empty  # the untouched source still loads


def test_a_malformed_registry_row_names_file_line_and_field(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir() / "raw", data / "raw")
    text = paths.sources_csv().read_text(encoding="utf-8").replace(",2021-11-27,", ",27/11/2021,")
    (data / "sources.csv").write_text(text, encoding="utf-8")
    monkeypatch.setenv(paths.DATA_ENV, str(data))
    with pytest.raises(SourceFormatError, match=r"sources\.csv, line 2: field 'published'"):
        sources.registry()


# ---------------------------------------------------------------- blocks of the seeds


def _counts(source_id):
    df = load_blocks(source_id)
    return df.groupby("kind", observed=True).size().to_dict()


def test_liaowang_blocks_by_kind():
    assert _counts(LW) == {
        "title": 1,
        "heading": 5,
        "key_point": 8,
        "paragraph": 77,
        "caption": 6,
        "credit": 3,
        "media": 1,
    }


def test_demozone_blocks_by_kind():
    assert _counts(DZ) == {
        "title": 1,
        "heading": 2,
        "paragraph": 14,
        "caption": 1,
        "credit": 1,
        "editor_note": 4,
    }


def test_blocks_are_in_reading_order_with_the_right_kinds():
    lw = load_blocks(LW).set_index("block_no")
    assert lw.loc[1, "kind"] == "caption" and lw.loc[1, "text"].startswith("山西省太原市汾河景观")
    assert lw.loc[2, "kind"] == "key_point"
    assert lw.loc[2, "text"].startswith("在习近平总书记")  # the ◆ mark is gone
    title = lw[lw["kind"] == "title"]
    assert title["text"].tolist() == ["转型蹚新路 山西绿起来"]
    credits = lw[lw["kind"] == "credit"]["text"].tolist()
    assert credits[0] == "文 |《瞭望》新闻周刊记者 赵东辉 王菲菲 梁晓飞 王劲玉"
    assert "统筹策划｜喻千桓 视觉设计｜王婷婷" in credits
    headings = lw[lw["kind"] == "heading"]["text"].tolist()
    assert headings == [
        "智能化建设 · 让煤矿渐渐透明",
        "传统产业“三化”转型",
        "新兴产业渐成重要支撑",
        "全面深改释放新红利",
        "黄土地孕育新未来",
    ]
    assert lw.iloc[-1]["text"] == "长按上图，关注【瞭望微信】"
    media = lw[lw["kind"] == "media"]
    assert media["ref"].tolist() == ["https://v.qq.com/iframe/player.html?vid=p33119nvly6&auto=0"]
    assert media["text"].tolist() == [""]

    dz = load_blocks(DZ)
    assert dz["kind"].iloc[:6].tolist() == [
        "editor_note",
        "editor_note",
        "editor_note",
        "editor_note",
        "title",
        "credit",
    ]
    assert dz[dz["kind"] == "caption"]["text"].tolist() == ["山西转型综合改革示范区政务服务中心"]
    assert dz[dz["kind"] == "heading"]["text"].str[:4].tolist() == ["先行先试", "综改示范"]


def test_wording_and_spacing_inside_blocks_are_kept():
    text = load_text(LW)
    for verbatim in [
        "累计化解煤炭过剩产能 15685 万吨",
        "全省煤矿数量减至 900 座以内",
        "山西风电、光伏装机达到 3384.5 万千瓦，占总装机的 31.2%。",
        "“ 5G 智慧矿山联盟”",
        "就节省了 534.375 万元",
    ]:
        assert verbatim in text
    dz = load_text(DZ)
    assert "太原经济技术开发区、太原武宿综合保税区" in dz
    assert "高于全国平均值(435亿元)。" in dz  # half-width punctuation stays half-width


# ---------------------------------------------------------------- layout breaks


def test_no_paragraph_ends_mid_sentence():
    df = load_blocks()
    prose = df[df["kind"].isin(["paragraph", "editor_note"])]
    unfinished = prose[~prose["text"].map(ends_sentence)]
    assert unfinished.empty, unfinished[["source_id", "block_no", "text"]].to_string()


def test_every_page_break_of_the_2020_article_is_joined():
    text = load_text(DZ)
    for joined in [
        "一网通办管效能",
        "以及优势嫁接",
        "禧佑源航空再制造基地",
        "新材料、生物医药、航空航天",
        "成为下一步工作的关键。",
        "重大转型项目141个",
        "实际利用外资8.3亿元",
        "赴山西转型综改示范区实践锻炼",
    ]:
        assert joined in text, joined
    # Each joined paragraph is one block, and no block starts with a broken tail.
    for tail in ["管效能", "势嫁接", "造基地", "物医药", "键。", "个,招商", "资8.3", "践锻炼"]:
        assert not load_blocks(DZ)["text"].str.startswith(tail).any(), tail


def test_join_rule_on_blocks():
    blocks = [
        Block("paragraph", "一句话没有说"),
        Block("paragraph", "完。下一句也没"),
        Block("paragraph", "有完。"),
        Block("heading", "标题不结束"),
        Block("paragraph", "标题后的段落。"),
        Block("caption", "图片说明"),
        Block("paragraph", "说明后的段落。"),
        Block("paragraph", "A"),
        Block("paragraph", "B."),
    ]
    assert join_broken(blocks) == [
        Block("paragraph", "一句话没有说完。下一句也没有完。"),
        Block("heading", "标题不结束"),
        Block("paragraph", "标题后的段落。"),
        Block("caption", "图片说明"),
        Block("paragraph", "说明后的段落。"),
        Block("paragraph", "A B."),
    ]


def test_a_sentence_may_end_inside_quotes():
    assert ends_sentence("他说：“转型。”")
    assert ends_sentence("未来可期！")
    assert ends_sentence("列举如下：")
    assert not ends_sentence("利用外")
    assert not ends_sentence("“1+3+26”")


_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(st.text(_CJK, min_size=1, max_size=8), min_size=2, max_size=12),
    cuts=st.data(),
)
def test_any_page_break_inside_a_paragraph_is_joined_back(words, cuts):
    paragraph = "，".join(words) + "。"
    cut = cuts.draw(st.integers(min_value=1, max_value=len(paragraph) - 1))
    head, tail = paragraph[:cut], paragraph[cut:]
    layout = f"# 标题\n\n本报记者 某某\n\n前一段。\n\n{head}\n\n{tail}\n\n后一段。\n"
    blocks = parse_document(layout, fmt="layout-text")
    assert [b.text for b in blocks if b.kind == "paragraph"] == ["前一段。", paragraph, "后一段。"]


# ---------------------------------------------------------------- clean text


def test_no_markup_or_url_in_any_text():
    df = load_blocks()
    dirty = df[df["text"].str.contains(MARKUP_OR_URL)]
    assert dirty.empty, dirty[["source_id", "block_no", "text"]].to_string()


def test_block_offsets_index_the_clean_text():
    for sid in (LW, DZ):
        text = load_text(sid)
        df = load_blocks(sid).dropna(subset=["start"])
        for row in df.itertuples():
            assert text[row.start : row.end] == row.text


def test_hostile_html_gives_clean_text():
    raw = (FIXTURES / "hostile.md").read_text(encoding="utf-8")
    blocks = parse_document(raw, path="hostile.md", fmt="hexo-html")
    texts = [b.text for b in blocks]
    joined = "\n".join(texts)
    assert not MARKUP_OR_URL.search(joined), joined
    for banned in ["alert", "STYLE", "SVGTEXT", "NOSCRIPT", "cdata", "comment", "steal", "evil"]:
        assert banned not in joined
    assert [b.kind for b in blocks][:2] == ["key_point", "title"]
    assert "正文加粗嵌套交错的标签，点我。" in texts  # nested and crossed tags keep their words
    assert "图片之后的文字。" in texts
    assert "深层嵌套的结尾。" in texts and "表格单元。" in texts
    assert "转义的脚本文字仍是文字。" in texts
    media = [b.ref for b in blocks if b.kind == "media"]
    assert media == [None, "https://v.qq.com/iframe/player.html?vid=abc"]  # javascript: dropped
    captions = [b.text for b in blocks if b.kind == "caption"]
    assert captions == ["某地风景（2020 年 5 月 14 日摄） 某某摄"]


_HTML_PIECES = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<strong>",
        "</b>",
        "<script>",
        "</script>",
        "<style>",
        "<iframe src='javascript:x'>",
        "<img onerror='x()'>",
        "<a href='javascript:1'>",
        "&lt;",
        "&amp;",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "◆",
        "▲",
        "。",
        "\n\n",
        "---\n",
        "<h2>",
        "http://x.y/z",
        "<br>",
        "<table><td>",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_HTML_PIECES, st.text(max_size=6)), max_size=40))
def test_parser_never_crashes_and_never_leaks_markup(pieces):
    raw = "".join(pieces).replace("\x00", "")
    try:
        blocks = parse_document(raw, fmt="html")
    except SourceFormatError:
        return  # front matter that is not valid is refused with a message, never a crash
    for b in blocks:
        assert "<script" not in b.text.lower() and "javascript:" not in b.text.lower()
        assert not re.search(r"</?[A-Za-z][^<>]*>", b.text)


# ---------------------------------------------------------------- front matter errors


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("frontmatter-unclosed.md", r"frontmatter-unclosed\.md, line 1: .*never closed"),
        (
            "frontmatter-invalid-yaml.md",
            r"frontmatter-invalid-yaml\.md, line \d+: .*not valid YAML",
        ),
        ("frontmatter-not-mapping.md", r"frontmatter-not-mapping\.md, line 2: .*not a mapping"),
        ("frontmatter-no-title.md", r"frontmatter-no-title\.md, line 2: .*no 'title'"),
    ],
)
def test_malformed_front_matter_names_the_file(name, message):
    path = FIXTURES / name
    with pytest.raises(SourceFormatError, match=message):
        parse_document(path.read_text(encoding="utf-8"), path=path, fmt="hexo-html")


def test_a_control_character_in_front_matter_is_refused_with_the_file_named():
    # Fictional front matter; YAML refuses the record separator before it reads anything.
    raw = "---\ntitle: 虚构标题\x1e\n---\n<p>虚构正文。</p>\n"
    with pytest.raises(SourceFormatError, match=r"fictional\.md, line \d+: .*not valid YAML"):
        parse_document(raw, path="fictional.md", fmt="hexo-html")


def test_unknown_format_and_binary_input_are_refused():
    with pytest.raises(SourceFormatError, match="unknown format 'pdf'"):
        parse_document("x", path="a.pdf", fmt="pdf")
    with pytest.raises(SourceFormatError, match="NUL"):
        parse_document("a\x00b", path="b.bin")


# ---------------------------------------------------------------- photos, CLI


def test_photo_captions_are_parsed():
    photos = load_photos()
    assert len(photos) == 7
    lw = photos[photos["source_id"] == LW].set_index("block_no")
    first = lw.iloc[0]
    assert (first["subject"], first["place"], first["date_taken"], first["photographer"]) == (
        "山西省太原市汾河景观",
        "山西省太原市",
        "2020-05-14",
        "曹阳",
    )
    assert lw["photographer"].tolist() == ["曹阳", "杨晨光", "杨晨光", "曹阳", "杨晨光", "曹阳"]
    assert lw["date_taken"].tolist() == [
        "2020-05-14",
        "2018-07-17",
        "2019-04-16",
        "2018-06-26",
        "2021-06-17",
        "2017-09-06",
    ]
    assert "山西省临汾市隰县黄土镇" in lw["place"].tolist()
    assert "山西阳泉经济开发区" in lw["place"].tolist()
    dz = photos[photos["source_id"] == DZ].iloc[0]
    assert dz["subject"] == "山西转型综合改革示范区政务服务中心"
    assert pd.isna(dz["date_taken"]) and pd.isna(dz["photographer"])


def test_cli_sources_prints_both_articles_with_block_counts(capsys):
    assert main(["sources"]) == 0
    out = capsys.readouterr().out
    lines = {ln.split()[0]: ln.split() for ln in out.splitlines()[1:]}
    assert lines[LW][-1] == "101" and lines[DZ][-1] == "23"


def test_cli_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    assert "sources" in capsys.readouterr().out
