"""Tests of shanxi_analysis.quantities: the case table, parse_number and properties."""

from __future__ import annotations

import ast
import csv
import dataclasses
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shanxi_analysis import quantities
from shanxi_analysis.quantities import BASE_UNITS, QUALIFIERS, Quantity, extract, parse_number

CASES_CSV = Path(__file__).parent / "data" / "quantity_cases.csv"


# --------------------------------------------------------------------------------------
# The case table
# --------------------------------------------------------------------------------------
def _number(cell: str) -> float | tuple[float, float]:
    if "|" in cell:
        low, high = cell.split("|")
        return (float(low), float(high))
    return float(cell)


def _load_cases() -> list[tuple[str, list[dict[str, object]], str]]:
    """Rows grouped by text, in file order; a row with an empty span means 'no quantity'."""
    grouped: dict[str, tuple[list[dict[str, object]], list[str]]] = {}
    with CASES_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            expected, notes = grouped.setdefault(row["text"], ([], []))
            notes.append(row["note"])
            if row["span"]:
                expected.append(
                    {
                        "span": row["span"],
                        "value": _number(row["value"]),
                        "unit": row["unit"],
                        "base_value": _number(row["base_value"]),
                        "base_unit": row["base_unit"],
                        "qualifier": row["qualifier"],
                    }
                )
    return [(text, exp, "; ".join(dict.fromkeys(n))) for text, (exp, n) in grouped.items()]


CASES = _load_cases()


def _close(a: float | tuple[float, float], b: float | tuple[float, float]) -> bool:
    if isinstance(a, tuple) or isinstance(b, tuple):
        if not (isinstance(a, tuple) and isinstance(b, tuple)):
            return False
        return all(_close(x, y) for x, y in zip(a, b, strict=True))
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def test_case_table_is_large_and_varied() -> None:
    rows = sum(max(1, len(exp)) for _, exp, _ in CASES)
    assert rows >= 150
    negatives = [t for t, exp, _ in CASES if not exp]
    assert len(negatives) >= 40
    seen_units = {q["base_unit"] for _, exp, _ in CASES for q in exp}
    for unit in (
        "yuan",
        "usd",
        "tonne",
        "tce",
        "kW",
        "kWh",
        "kV",
        "m2",
        "m3",
        "m",
        "percent",
        "percentage_point",
        "times",
        "rank",
        "person",
        "person_time",
        "count",
        "year",
        "month",
        "day",
        "hour",
    ):
        assert unit in seen_units, unit
    assert {q["qualifier"] for _, exp, _ in CASES for q in exp} == set(QUALIFIERS)
    assert any(isinstance(q["value"], tuple) for _, exp, _ in CASES for q in exp)


@pytest.mark.parametrize(("text", "expected", "note"), CASES, ids=[c[0][:30] for c in CASES])
def test_case_table(text: str, expected: list[dict[str, object]], note: str) -> None:
    got = extract(text)
    assert [q.span for q in got] == [e["span"] for e in expected], note
    pos = 0
    for q, e in zip(got, expected, strict=True):
        start = text.index(str(e["span"]), pos)
        pos = start + len(str(e["span"]))
        assert (q.start, q.end) == (start, pos), note
        assert text[q.start : q.end] == q.span
        assert _close(q.value, e["value"]), (note, q.value, e["value"])  # type: ignore[arg-type]
        assert q.unit == e["unit"], note
        assert _close(q.base_value, e["base_value"]), (note, q.base_value, e["base_value"])  # type: ignore[arg-type]
        assert q.base_unit == e["base_unit"], note
        assert q.qualifier == e["qualifier"], note


# --------------------------------------------------------------------------------------
# parse_number
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("15685", 15685),
        ("3384.5", 3384.5),
        ("1,234.5", 1234.5),
        ("3 450", 3450),
        ("５５７４．５４", 5574.54),
        ("-2.2", -2.2),
        ("+7", 7),
        ("  42 ", 42),
        ("三千五百万", 35_000_000),
        ("两", 2),
        ("兩萬", 20_000),
        ("十", 10),
        ("十三", 13),
        ("二十", 20),
        ("一百零五", 105),
        ("一百五", 150),
        ("三千二", 3200),
        ("一万五", 15_000),
        ("两万五千", 25_000),
        ("三万五千亿", 3.5e12),
        ("一千零一十", 1010),
        ("九千九百九十九万九千九百九十九", 99_999_999),
        ("一万零三百", 10_300),
        ("五万三千", 53_000),
        ("一亿三千万", 130_000_000),
        ("三万亿", 3e12),
        ("十万", 100_000),
        ("三点五", 3.5),
        ("1.5亿", 1.5e8),
        ("3.4万", 34_000),
        ("3千万", 3e7),
        ("1亿2000万", 1.2e8),
        ("1.5億", 1.5e8),
        ("壹億貳仟萬", 1.2e8),
        ("伍拾", 50),
        ("陆", 6),
        ("二〇二〇", 2020),
        ("零", 0),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value, rel=1e-12)
    assert isinstance(parse_number(text), float)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "12a",
        "1..2",
        "三晋",
        "十三五",
        "万",
        "百",
        "1,23",
        "一十百",
        "3五",
        "600多",
        "30%",
        "5G",
        "五五五点",
        "--3",
        "1e5",
        "八成",
        "亿万",
        "一亿一亿",
        "三百两十",
        "千",
    ],
)
def test_parse_number_rejects(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_number(text)
    message = str(info.value)
    assert repr(text) in message  # names the input
    assert "expected" in message  # and what was expected


def test_parse_number_rejects_non_strings() -> None:
    with pytest.raises(ValueError, match="not a string"):
        parse_number(12)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# The Quantity type
# --------------------------------------------------------------------------------------
def test_quantity_is_frozen_and_serialisable() -> None:
    (q,) = extract("全省煤矿数量减至 900 座以内")
    assert [f.name for f in dataclasses.fields(Quantity)] == [
        "span",
        "start",
        "end",
        "value",
        "unit",
        "base_value",
        "base_unit",
        "qualifier",
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.value = 1.0  # type: ignore[misc]
    d = q.to_dict()
    assert d == dataclasses.asdict(q)
    assert d == {
        "span": "900 座",
        "start": 9,
        "end": 14,
        "value": 900.0,
        "unit": "座",
        "base_value": 900.0,
        "base_unit": "count",
        "qualifier": "at_most",
    }
    assert json.loads(json.dumps(d))["span"] == "900 座"


def test_range_is_one_quantity_with_tuples() -> None:
    (q,) = extract("增速预计为10%-15%")
    assert q.value == (10.0, 15.0) and q.base_value == (10.0, 15.0)
    assert json.loads(json.dumps(q.to_dict()))["value"] == [10.0, 15.0]


def test_vocabularies() -> None:
    assert set(QUALIFIERS) == {"none", "approx", "more_than", "at_least", "at_most", "less_than"}
    for unit in ("yuan", "kW", "kWh", "percentage_point", "rank", "person_time", "count"):
        assert unit in BASE_UNITS


def test_empty_and_quantity_free_text() -> None:
    assert extract("") == []
    assert extract("山西绿起来") == []


def test_whole_articles_give_ordered_non_overlapping_spans() -> None:
    text = (
        "“十三五”期间累计化解煤炭过剩产能 15685 万吨，全省煤矿数量减至 900 座以内，"
        "先进产能占比由不足 30% 提高到 68%。2019 年以来，山西分 3 批立项了 40 个项目。"
    )
    got = extract(text)
    assert [(q.span, q.qualifier) for q in got] == [
        ("15685 万吨", "none"),
        ("900 座", "at_most"),
        ("30%", "less_than"),
        ("68%", "none"),
        ("3 批", "none"),
        ("40 个", "none"),
    ]


def test_module_is_pure() -> None:
    """Design rule: no I/O and no eval/exec in the module."""
    tree = ast.parse(Path(quantities.__file__).read_text(encoding="utf-8"))
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert not called & {"open", "eval", "exec", "compile", "input", "__import__"}
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert not imported & {"os", "io", "pathlib", "shutil", "subprocess", "socket", "urllib"}


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------
_ALPHABET = st.characters(codec="utf-8")
_CHINESE_ISH = st.sampled_from(
    [
        *"0123456789０１２３.．,% \u3000",
        *"一二两三四五六七八九十百千万亿萬億兩零〇第年月日个家座吨元多余约超以上下内",
        *["千瓦", "千瓦时", "个百分点", "平方公里", "左右", "不足", "至", "-", "~"],
        *["“", "”", "+", "×"],
    ]
)


def _check_spans(text: str) -> None:
    got = extract(text)
    last_end = 0
    for q in got:
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start : q.end] == q.span
        assert q.start >= last_end  # ordered, never overlapping
        last_end = q.end
        assert q.base_unit in BASE_UNITS or "/" in q.base_unit
        assert q.qualifier in QUALIFIERS


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80))
def test_never_raises_and_spans_index_the_input(text: str) -> None:
    _check_spans(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(_CHINESE_ISH, max_size=40).map("".join))
def test_spans_on_number_heavy_text(text: str) -> None:
    _check_spans(text)


_MULTS = {"": 1.0, "万": 1e4, "亿": 1e8, "千万": 1e7, "万亿": 1e12, "萬": 1e4, "億": 1e8}
_ROUND_TRIP_UNITS = {
    "吨": ("tonne", 1.0),
    "元": ("yuan", 1.0),
    "美元": ("usd", 1.0),
    "千瓦": ("kW", 1.0),
    "千瓦时": ("kWh", 1.0),
    "吨标准煤": ("tce", 1.0),
    "平方公里": ("m2", 1e6),
    "公顷": ("m2", 1e4),
    "立方米": ("m3", 1.0),
    "公里": ("m", 1e3),
    "人次": ("person_time", 1.0),
    "家": ("count", 1.0),
    "台": ("count", 1.0),
    "辆": ("count", 1.0),
    "噸": ("tonne", 1.0),
}


@settings(max_examples=500, deadline=None)
@given(
    value=st.decimals(min_value=0, max_value=10**7, places=3, allow_nan=False),
    mult=st.sampled_from(sorted(_MULTS)),
    unit=st.sampled_from(sorted(_ROUND_TRIP_UNITS)),
    space=st.sampled_from(["", " "]),
    prefix=st.sampled_from(["", "全年完成", "总量为", "其中"]),
    suffix=st.sampled_from(["", "，同比增长", "。"]),
    full_width=st.booleans(),
)
def test_write_then_read_back(value, mult, unit, space, prefix, suffix, full_width) -> None:
    number = f"{value.normalize():f}"
    if full_width:
        number = number.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    written = f"{number}{space}{mult}{unit}"
    text = f"{prefix}{written}{suffix}"
    got = extract(text)
    assert len(got) == 1, (text, got)
    (q,) = got
    base_unit, factor = _ROUND_TRIP_UNITS[unit]
    assert q.span == written
    assert q.value == pytest.approx(float(value), rel=1e-12, abs=1e-12)
    assert q.unit == mult + unit
    assert q.base_unit == base_unit
    assert q.base_value == pytest.approx(float(value) * _MULTS[mult] * factor, rel=1e-9)
    assert q.qualifier == "none"


_CN_DIGIT = "零一二三四五六七八九"


def _to_chinese(n: int) -> str:
    """A plain Chinese numeral writer used only to test the reader (0 < n < 1e8)."""

    def below_10000(x: int, leading: bool) -> str:
        out, zero = "", False
        for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = x // unit_value % 10
            if d:
                if zero or (out == "" and not leading and unit_value < 1000 and x < 1000):
                    out += "零" if out or not leading else ""
                if not (d == 1 and unit == "十" and out == "" and leading):
                    out += _CN_DIGIT[d]
                out += unit
                zero = False
            elif out:
                zero = True
        return out

    high, low = divmod(n, 10_000)
    if high:
        text = below_10000(high, True) + "万"
        if low:
            text += ("零" if low < 1000 else "") + below_10000(low, False)
        return text
    return below_10000(low, True)


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_numerals_round_trip(n: int) -> None:
    written = _to_chinese(n)
    assert parse_number(written) == n, written


# --------------------------------------------------------------------------------------
# Names, codes and versions are not quantities (issue 19, item 6)
# --------------------------------------------------------------------------------------
# Fictional sentences, written for these tests; each was misread before.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # identifiers and codes
        ("安全公告 INTEL-SA-00615 中列出的问题已修复", []),
        ("补丁 CVE-2021-1234 涉及多个组件", []),
        ("按 GB/T 2589-2020 计算能耗", []),
        ("编号为 0072 项的工程", []),
        # version numbers, model and product names
        ("升级到 Windows 11 造成部分旧电脑无法启动", []),
        ("他把 iPhone 13 送给了朋友", []),
        ("Python 3 版本中的写法", []),
        ("Windows 11 中文版", []),
        # a number with spaces around it, before a measure word the unit list does not know
        ("这个工具只用了不到 400 行 Python 写成", [("400 行", 400.0, "行", "less_than")]),
        ("全书共 300 页。", [("300 页", 300.0, "页", "none")]),
        # verbs, nouns and seasons after a number are not classifiers
        ("山西每天约 23万产业工人上岗", [("23万", 23.0, "万", "approx")]),
        ("县里2018秋冬季开工", []),
    ],
)
def test_names_codes_and_measure_words(text: str, expected: list[tuple]) -> None:
    got = [(q.span, q.value, q.unit, q.qualifier) for q in extract(text)]
    assert got == expected


# Fictional sentences: a Latin word before a figure with a unit from the list is no name.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本月 CPI 2-3%", [("2-3%", (2.0, 3.0), "%", "none")]),
        ("某省 GDP 5-6 万亿元", [("5-6 万亿元", (5.0, 6.0), "万亿元", "none")]),
        ("本周修复 bug 30 个", [("30 个", 30.0, "个", "none")]),
    ],
)
def test_latin_word_before_a_figure_with_a_unit(text: str, expected: list[tuple]) -> None:
    got = [(q.span, q.value, q.unit, q.qualifier) for q in extract(text)]
    assert got == expected


_LATIN_WORD = st.from_regex(r"[A-Z][a-z]{2,8}|i[A-Z][a-z]{2,6}", fullmatch=True)
_NAMES = st.one_of(
    # advisories and CVE-style identifiers
    st.builds(
        lambda a, b, n: f"{a}-{b}-{n:05d}",
        st.from_regex(r"[A-Z]{2,6}", fullmatch=True),
        st.from_regex(r"[A-Z]{2,3}", fullmatch=True),
        st.integers(1, 99999),
    ),
    st.builds(lambda y, n: f"CVE-{y}-{n}", st.integers(1999, 2030), st.integers(1000, 99999)),
    # product and model names with a number
    st.builds(lambda w, n: f"{w} {n}", _LATIN_WORD, st.integers(1, 99)),
    # version strings
    st.builds(lambda w, a, b: f"{w} {a}.{b}", _LATIN_WORD, st.integers(0, 20), st.integers(0, 99)),
    st.builds(
        lambda a, b, c: f"v{a}.{b}.{c}", st.integers(0, 20), st.integers(0, 99), st.integers(0, 99)
    ),
    # standard numbers
    st.builds(
        lambda c, n, y: f"{c} {n}-{y}",
        st.sampled_from(["GB/T", "GB", "ISO", "DL/T", "NB/T"]),
        st.integers(100, 99999),
        st.integers(1990, 2030),
    ),
)
_BEFORE_NAME = st.sampled_from(["", "据", "升级到", "按照", "他说", "在"])
_AFTER_NAME = st.sampled_from(
    "|中|造成|中提到|发布后|送给了朋友|的漏洞|版本|标准规定|计算|涉及|，".split("|")
)
# (template, unit as written, base unit): a real quantity to stand next to the name
_REAL = st.sampled_from(
    [
        ("共 {n} 台设备", "台", "count"),
        ("售价 {n} 元", "元", "yuan"),
        ("不到 {n} 行代码", "行", "count"),
        ("用了{n}万吨煤", "万吨", "tonne"),
        ("陈列 {n} 尊佛像", "尊", "count"),
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    before=_BEFORE_NAME,
    name=_NAMES,
    after=_AFTER_NAME,
    real=_REAL,
    n=st.integers(1, 99999),
    real_first=st.booleans(),
)
def test_names_yield_no_quantity_and_leave_the_real_one(
    before: str, name: str, after: str, real: tuple[str, str, str], n: int, real_first: bool
) -> None:
    mention = f"{before}{name}{after}"
    assert extract(mention) == [], mention
    template, unit, base_unit = real
    figure = template.format(n=n)
    text = f"{figure}，{mention}。" if real_first else f"{mention}，{figure}。"
    got = extract(text)
    assert [(q.value, q.unit, q.base_unit) for q in got] == [(float(n), unit, base_unit)], text
