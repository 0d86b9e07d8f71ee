"""Read quantities (number, multiplier, unit, qualifier) out of Chinese text.

The reading follows ``docs/conventions.md`` (part 1): a :class:`Quantity` has a
``span`` (the number, any internal 多/余, the multiplier and the unit, exactly as written),
its ``start``/``end`` offsets in the input, the ``value`` as written (multiplier words stay
in the ``unit``), the ``base_value`` in one ``base_unit`` and a ``qualifier``. A range is
one quantity whose ``value`` and ``base_value`` are ``(low, high)`` tuples.

Public API
----------
``parse_number(s) -> float``
    Arabic, full-width, Chinese (simplified, traditional, financial) and mixed numerals.
``extract(text) -> list[Quantity]``
    Every quantity in ``text``, in order of appearance, spans never overlapping.
``Quantity.to_dict()``
    A plain dict (``dataclasses.asdict`` works as well).
``BASE_UNITS``, ``QUALIFIERS``
    The vocabularies of ``base_unit`` and ``qualifier``.

The module is pure: no I/O, no ``eval``, every regular expression compiled at import.

Decisions where the conventions are silent
------------------------------------------
*A lone 一 is an article, not a quantity* (``一吨钢``, ``一座小屋``, ``一枚印章``, ``一期``,
``一批``), except before a duration unit (``为期一年`` → 1 year). ``一`` with a multiplier
(``一亿元``) is a quantity. *A lone 二 before a unit is an ordinal or a name* (``二期``,
``二元结构``): Chinese counts with 两. *A single Chinese numeral before 期 other than 两* is
read as a phase number (``三期工程``), not a count.

*A multiplier with no unit* is a count whose unit is the multiplier: ``3500 万三晋儿女`` →
value 3500, unit ``万``, base 35,000,000 ``count`` (the text names no classifier, so the
reader does not guess ``person``). A bare number with neither multiplier nor unit is not
returned.

*Calendar years*: an Arabic integer of four digits between 1000 and 2999 before 年 is a
year (``2020 年``), unless 多/余 follows (``2000 多年`` is a duration). Chinese digit
strings (``二〇二〇年``, ``三五年``) are not read. 年代, 年级, 年度 are never durations.
月 and 日 alone are calendar words; durations are ``个月``, ``天``, ``小时``, ``工作日``.
``分钟`` is a duration in base ``hour`` (value / 60), ``周``/``星期`` in base ``day`` (× 7),
``个季度`` in base ``month`` (× 3); 岁 (age) is not read.

*Names and sets*: numbers touching ASCII letters (``5G``, ``PM2.5``, ``COVID-19``), ``+``,
``×``, ``*``, ``/`` or ``:`` between numbers (``“2+9”``, ``7×24 小时``, ``1/3``, ``10:30``),
``N大X`` (``“ 12 大基地”``, ``三大区域``; 大 is not a unit), ``N强``, plan periods
(``十三五`` is not a well-formed numeral), vague numbers (``数百米``, ``几十家``, ``上万``),
and a single Chinese numeral quantity that sits in a chain of numerals (``一群两区三圈``,
``三个一批``, ``五花八门``) or alone in short quotes (``“四个全面”``) are not quantities.
届 is not a classifier (``十三届全国人大`` is an ordinal). ``X个半月``/``三年半`` and
岁 (ages) are not read.

*Fractions*: ``三分之一`` → value 1/3, unit ``分之``, base 33.3 ``percent``; ``四成`` is 40
percent (成 is tenths).

*Classifiers the unit list does not know* are read when they are measure words, a closed
list (``_MEASURE_WORDS``), Arabic digits only: ``10 万行代码`` → 10 ``万行``, base 100000
``count``; ``12 尊佛像`` → 12 ``尊``; ``不到 400 行`` → 400 ``行``, ``less_than``. Any
other character after a number (a verb, 中, a season: ``11 造成``, ``00615 中``,
``23万产业``, ``2018秋``) is not a classifier.

*Identifiers, codes, versions and product names*: an Arabic number with a leading zero
(``00615``), one joined by ``-``, ``_``, ``/``, ``.``, ``:`` or ``#`` to Latin letters or digits
(``INTEL-SA-00615``, ``CVE-2021-1234``, ``No.5``), and a ``N-YYYY`` pair after a Latin word
(``GB/T 2589-2020``) are not quantities. A number after a Latin word (``Windows 11``,
``iPhone 13``) is read only with a unit from the list (``GDP 3.2 万亿元``, ``bug 30 个``),
never by the measure-word rule.

*Ranks*: ``第N位``/``第N名`` → ``rank``; the span includes 第. ``前N名``/``前N位`` (top N) →
``rank`` with qualifier ``at_most``; 前 stays out of the span.

*Qualifiers*: the prefix word may be separated from the number by one short verb
(``约为 30%``, ``约占``, ``至少节省 60 元``, ``超过了``). 内 straight after a duration or a
length (``24 小时内``) is ``at_most``, like 以内. 多/余 after a duration unit (``3 年多``) is
``more_than`` and stays out of the span; inside a duration (``2 个多月``) it stays in the span
and out of the unit. 多 straight after 倍 (``3 倍多``) is ``more_than`` as after a duration.
``不高于``/``不多于``/``最多`` are ``at_most``, ``最少`` is ``at_least``, ``大概`` is ``approx``.
When a prefix and a suffix both qualify, the prefix wins, then an internal 多/余, then the
suffix.

*Units the conventions do not list*: 欧元/港元/日元/英镑 get base units ``eur``, ``hkd``,
``jpy``, ``gbp``; 千克/公斤 are 0.001 ``tonne``; 克标准煤/千克标准煤 are ``tce``; ``‰`` is 0.1
``percent``; 厘米/毫米 are ``m``; ``兆瓦时``/``MWh`` 1e3 ``kWh``. 度 is ``kWh`` only after a
multiplier (``1.5 万度``) or before 电 (``100 度电``), otherwise it may be a temperature or an
angle and is not read. 方 is ``m3`` only after a multiplier or an Arabic number.

*Compound units* ``a/b`` (``万吨/年``, ``元/吨``, ``吨标准煤/万元``): ``base_value`` is per one
base unit of the denominator (``0.5 吨标准煤/万元`` → 5e-05 ``tce/yuan``).

*Ranges*: ``10%-15%``, ``3至5年``, ``13~14亿平方米``, ``三到五年``; a low end without a
multiplier shares the high end's (``13~14亿`` → 13亿 to 14亿); a low end with its own
multiplier is converted into the high end's (``5000万-1亿元`` → value (0.5, 1), unit 亿元).
到 joins a range only when the low end has no unit (``由 30% 提高到 68%`` is two figures).

*Mixed numerals*: ``1亿2000万元`` → value 12000, unit ``万元``. Thousands separators are the
ASCII comma and a single space before exactly three digits (``3 450万元``); the full-width
comma is a clause separator and never a thousands separator.

*Traditional script and full-width forms* are folded character by character before
matching, so offsets are unchanged; ``span`` and ``unit`` are always the original
characters (``萬噸``, ``％``).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

__all__ = ["BASE_UNITS", "QUALIFIERS", "Quantity", "extract", "parse_number"]

Number = float | tuple[float, float]

QUALIFIERS = ("none", "approx", "more_than", "at_least", "at_most", "less_than")

# --------------------------------------------------------------------------------------
# Character folding: one character to one character, so offsets survive.
# --------------------------------------------------------------------------------------
# fmt: off
_FOLD_PAIRS = {
    # full-width digits, letters and the few symbols the grammar uses
    **{chr(0xFF10 + i): str(i) for i in range(10)},
    **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
    **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
    "．": ".", "％": "%", "＋": "+", "－": "-", "／": "/", "～": "~", "〜": "~",
    "−": "-", "＊": "*", "：": ":", "○": "〇", "◯": "〇", "Ｏ": "〇",
    # financial numerals
    # (伍, 陆 and 陸 are ordinary words in prose — 队伍, 大陆 — so only parse_number folds them)
    "壹": "一", "贰": "二", "貳": "二", "叁": "三", "肆": "四", "柒": "七", "捌": "八",
    "玖": "九", "拾": "十", "佰": "百", "仟": "千",
}
# traditional → simplified (numerals, units, qualifiers and context words)
_TRADITIONAL = (
    "萬億兩噸個項臺條處戶輛隻頭種場張間棟層門類組筆屆顆節冊點時標準畝頃裡裏電幾數餘約"
    "過內達將於遠臨親鄰貼趕簽預違週鐘鎮縣區國鄉級歲號圓幣鎊歐紀職員僅僱圍長對單際務產"
    "資業營據劃發樓車農雙強廠極體戰設備軍價線網聯與經濟總額稱義勝進參風規構園屬這會裝"
    "機"
)
_SIMPLIFIED = (
    "万亿两吨个项台条处户辆只头种场张间栋层门类组笔届颗节册点时标准亩顷里里电几数余约"
    "过内达将于远临亲邻贴赶签预违周钟镇县区国乡级岁号元币镑欧纪职员仅雇围长对单际务产"
    "资业营据划发楼车农双强厂极体战设备军价线网联与经济总额称义胜进参风规构园属这会装"
    "机"
)
_FOLD_PAIRS.update(zip(_TRADITIONAL, _SIMPLIFIED, strict=True))
_FOLD = str.maketrans(_FOLD_PAIRS)
# most text has nothing to fold, and finding that out in C is ten times cheaper than translate
_FOLD_RE = re.compile("[" + "".join(re.escape(c) for c in _FOLD_PAIRS) + "]")
_FOLD_NUMBER = str.maketrans({**_FOLD_PAIRS, "伍": "五", "陆": "六", "陸": "六"})

# --------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------
_UNITS: dict[str, tuple[str, float]] = {
    # money
    "元": ("yuan", 1), "人民币": ("yuan", 1), "美元": ("usd", 1), "美金": ("usd", 1),
    "欧元": ("eur", 1), "港元": ("hkd", 1), "港币": ("hkd", 1), "日元": ("jpy", 1),
    "英镑": ("gbp", 1),
    # mass and energy
    "吨": ("tonne", 1), "千克": ("tonne", 1e-3), "公斤": ("tonne", 1e-3),
    "吨标准煤": ("tce", 1), "吨标煤": ("tce", 1), "千克标准煤": ("tce", 1e-3),
    "公斤标准煤": ("tce", 1e-3), "克标准煤": ("tce", 1e-6), "千克标煤": ("tce", 1e-3),
    "克标煤": ("tce", 1e-6),
    # power, electricity, voltage
    "千瓦": ("kW", 1), "瓩": ("kW", 1), "兆瓦": ("kW", 1e3), "吉瓦": ("kW", 1e6),
    "kW": ("kW", 1), "KW": ("kW", 1), "MW": ("kW", 1e3), "GW": ("kW", 1e6),
    "千瓦时": ("kWh", 1), "千瓦小时": ("kWh", 1), "瓩时": ("kWh", 1), "度": ("kWh", 1),
    "兆瓦时": ("kWh", 1e3), "吉瓦时": ("kWh", 1e6), "kWh": ("kWh", 1), "KWh": ("kWh", 1),
    "MWh": ("kWh", 1e3), "GWh": ("kWh", 1e6), "TWh": ("kWh", 1e9),
    "千伏": ("kV", 1), "kV": ("kV", 1), "KV": ("kV", 1),
    # area, volume, length
    "平方米": ("m2", 1), "平米": ("m2", 1), "平方公里": ("m2", 1e6),
    "平方千米": ("m2", 1e6), "公顷": ("m2", 1e4), "亩": ("m2", 10000 / 15),
    "立方米": ("m3", 1), "立方": ("m3", 1), "方": ("m3", 1),
    "米": ("m", 1), "公里": ("m", 1e3), "千米": ("m", 1e3), "厘米": ("m", 1e-2),
    "毫米": ("m", 1e-3), "km": ("m", 1e3),
    # ratios
    "%": ("percent", 1), "‰": ("percent", 0.1), "成": ("percent", 10),
    "个百分点": ("percentage_point", 1), "百分点": ("percentage_point", 1),
    "倍": ("times", 1),
    # people
    "人": ("person", 1), "名": ("person", 1), "位": ("person", 1),
    "人次": ("person_time", 1),
    # durations
    "年": ("year", 1), "个月": ("month", 1), "个季度": ("month", 3), "天": ("day", 1),
    "个工作日": ("day", 1), "工作日": ("day", 1), "周": ("day", 7), "个星期": ("day", 7),
    "星期": ("day", 7), "小时": ("hour", 1), "个小时": ("hour", 1),
    "分钟": ("hour", 1 / 60),
}
_COUNT_WORDS = (
    # classifiers
    "个 家 座 处 项 台 条 批 期 所 户 股 辆 只 头 件 套 种 场 支 张 部 架 艘 列 棵 株 块 间 "
    "栋 幢 层 道 门 类 组 份 宗 笔 例 轮 盏 颗 枚 根 口 篇 册 次 起 匹 "
    # bare nouns used as units
    "省区市 省市区 省市 省份 省 市 县 区 乡镇 镇 乡 村 国 城市"
).split()
for _w in _COUNT_WORDS:
    _UNITS[_w] = ("count", 1)

BASE_UNITS = (
    "yuan", "usd", "tonne", "tce", "kW", "kWh", "kV", "m2", "m3", "m", "percent",
    "percentage_point", "times", "rank", "person", "person_time", "count",
    "year", "month", "day", "hour", "eur", "hkd", "jpy", "gbp",
)

_DURATION = frozenset({"year", "month", "day", "hour"})
# 多 inside a duration unit: 2 个多月, 两个多小时 (stays in the span, not in the unit)
_INNER_MORE_UNITS = {"个多月": "个月", "个多小时": "个小时", "个多星期": "个星期"}

# After a unit, these continuations mean the unit character belongs to another word.
_UNIT_EXCLUDE: dict[str, tuple[str, ...]] = {
    "家": ("庭", "属", "长", "乡", "园", "用", "电", "具", "族", "人"),
    "座": ("谈", "位", "右"),
    "处": ("理", "于", "置", "罚", "长", "室", "分", "级"),
    "台": ("湾", "阶", "州", "账", "风", "球", "商", "胞"),
    "条": ("件", "例", "款", "约", "线"),
    "批": ("准", "复", "发", "示", "评"),
    "期": ("间", "限", "望", "待", "货", "末", "初", "盼", "刊"),
    "所": ("有", "以", "在", "需", "得", "谓", "属", "长"),
    "户": ("籍", "口", "外", "型"),
    "股": ("份", "票", "东", "权", "市", "民"),
    "只": ("有", "是", "要", "能", "需", "不", "用", "在"),
    "头": ("部", "条", "号", "脑", "等"),
    "套": ("餐", "路"),
    "种": ("植", "子", "养", "业"),
    "场": ("景", "所", "地", "馆", "合"),
    "支": ("持", "撑", "付", "出", "柱", "援", "部"),
    "部": ("分", "署", "长", "门", "位"),
    "架": ("构",),
    "列": ("入", "为", "出", "车"),
    "间": ("隔", "接"),
    "层": ("面", "次", "级"),
    "道": ("路", "理"),
    "门": ("槛", "户", "类"),
    "组": ("织", "建", "成", "合", "长"),
    "份": ("额",),
    "例": ("如",),
    "口": ("岸", "径", "号"),
    "根": ("据", "本", "源"),
    "起": ("来", "步", "点", "源", "草", "诉", "飞"),
    "次": ("日", "年", "要", "序"),
    "省": ("级", "委", "政", "内", "属", "外", "长"),
    "市": ("场", "民", "委", "政", "级", "长", "值", "内", "区"),
    "县": ("城", "级", "委", "长", "域"),
    "区": ("域", "间", "位", "块", "别", "级", "委", "长"),
    "国": ("家", "内", "际", "企", "有", "资", "产", "务", "土", "民", "外"),
    "村": ("级", "民", "委", "庄"),
    "镇": ("级",),
    "乡": ("级", "村"),
    "人": ("民", "才", "工", "气", "员", "们", "物", "士", "生", "家", "类", "体"),
    "名": ("单", "称", "义", "牌", "片", "城", "胜", "校", "额", "字", "列", "次", "人"),
    "位": ("于", "置", "数", "居", "列", "次"),
    "成": ("员", "本", "为", "立", "功", "就", "绩", "交", "效", "熟", "都", "长",
           "果", "型", "品", "分", "熟", "全"),
    "年": ("代", "级", "度"),
    "天": ("然", "津", "下", "空"),
    "周": ("年", "岁", "边", "期", "末", "围"),
    "方": ("面", "向", "案", "式", "法", "位", "针", "阵", "舱", "程", "言", "略", "便",
           "可", "能", "的"),
    "米": ("粉", "饭", "线", "兰"),
    "元": ("化", "素", "旦", "宵", "首", "老", "件"),
    "度": ("假",),
    "吨": ("公里",),
    "件": ("套",),
}

_CHECKED_UNITS = frozenset(_UNIT_EXCLUDE) | {"度", "方"}  # units whose next words matter
_EXCLUDE_FIRST = {u: frozenset(x for x in xs if len(x) == 1) for u, xs in _UNIT_EXCLUDE.items()}
_EXCLUDE_LONG = {u: tuple(x for x in xs if len(x) > 1) for u, xs in _UNIT_EXCLUDE.items()}

_MULTIPLIERS = {
    "十": 10.0, "百": 100.0, "千": 1e3, "万": 1e4, "十万": 1e5, "百万": 1e6,
    "千万": 1e7, "亿": 1e8, "万亿": 1e12,
}

_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10**4, "亿": 10**8}


def _alt(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _trie(words: list[str] | tuple[str, ...]) -> str:
    """The alternation of ``words`` as a prefix tree, trying longer words first.

    It matches what ``_alt(words)`` matches, in the same order, but tries one branch per
    character instead of every word in turn (the unit list has some 170 words).
    """
    tree: dict[str, dict] = {}
    for w in words:
        node = tree
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def walk(node: dict[str, dict]) -> str:
        branches = [re.escape(c) + walk(child) for c, child in node.items() if c]
        if not branches:
            return ""
        body = "|".join(branches)
        if "" in node:  # a word ends here: the longer ones are tried first, greedily
            return f"(?:{body})?"
        return body if len(branches) == 1 else f"(?:{body})"

    return walk(tree)


_ASCII_UNITS = [u for u in _UNITS if u.isascii() and u.isalpha()]
_CJK_UNITS = [u for u in _UNITS if u not in _ASCII_UNITS] + list(_INNER_MORE_UNITS)
# (the lookahead turns away, in one step, a character no unit starts with)
_UNIT_RE = (
    f"(?=[{re.escape(''.join(sorted({u[0] for u in _ASCII_UNITS + _CJK_UNITS})))}])"
    f"(?:(?=[{''.join(sorted({u[0] for u in _ASCII_UNITS}))}])(?:{_alt(_ASCII_UNITS)})(?![A-Za-z])"
    f"|{_trie(_CJK_UNITS)})"
)
_DEN_UNITS = [
    "年", "月", "天", "日", "小时", "吨", "千瓦时", "度", "千瓦", "平方米", "亩", "人",
    "元", "吨标准煤", "立方米", "公里", "户", "家", "个", "辆", "台", "kWh", "kW",
]
_DEN_BASE = dict(_UNITS)
_DEN_BASE["月"] = ("month", 1)
_DEN_BASE["日"] = ("day", 1)
_DEN_BASE["度"] = ("kWh", 1)

# --------------------------------------------------------------------------------------
# The token grammar (applied to the folded text)
# --------------------------------------------------------------------------------------
# (each lookahead states cheaply what its alternative needs, so a plain number skips it)
_AR = (
    r"(?=[0-9]{1,3},)[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?![0-9])"
    r"|(?=[0-9]{1,3}[ \u00a0\u2009\u202f][0-9])"
    r"[0-9]{1,3}(?:[ \u00a0\u2009\u202f][0-9]{3})+(?:\.[0-9]+)?(?![0-9])"
    r"|[0-9]+(?:\.[0-9]+)?"
)
_AR_COMPOUND = r"(?=[0-9.]+亿)[0-9]+(?:\.[0-9]+)?亿[0-9]+(?:\.[0-9]+)?(?=万)"
# A Chinese numeral starts with a digit or 十 (百/千/万/亿 alone are idioms: 百花, 千帆);
# 千 before 瓦/伏/米/克 and 百 before 分 belong to the unit.
_CN = (
    r"[零〇一二两三四五六七八九十]"
    r"(?:[零〇一二两三四五六七八九十万亿]|百(?!分)|千(?![瓦伏米克]))*"
    r"(?:点[零〇一二三四五六七八九]+)?"
)
_GAP = r"\s{0,3}"
_MULT_RE = r"万亿|千万|百万|十万|万|亿|千|百|十"

_TOKEN_RE = re.compile(
    rf"""
    百分之(?:(?P<pct_all>百)|(?P<pct>{_CN}|[0-9]+(?:\.[0-9]+)?))
    |
    (?P<frac_den>[二三四五六七八九十]{{1,3}}+|[0-9]{{1,3}}+)分之(?P<frac_num>[一二两三四五六七八九十]{{1,3}}|[0-9]{{1,3}})
    |
    (?P<sign>[-+])?
    (?:(?P<ar>{_AR_COMPOUND}|{_AR})|(?P<cn>{_CN}))
    (?:
        {_GAP}(?P<more>[多余])?{_GAP}(?P<mult>{_MULT_RE})?(?P<more2>[多余])?\s?
        (?P<unit>{_UNIT_RE})
        (?:[/](?P<dmult>万|亿|千|百)?(?P<den>{_alt(_DEN_UNITS)}))?
      |
        {_GAP}(?P<more_b>[多余])?{_GAP}(?P<mult_b>{_MULT_RE})(?P<more2_b>[多余])?
    )?
    """,
    re.VERBOSE,
)

# the characters a token can start with (百 for 百分之)
_TOKEN_START_RE = re.compile(r"[-+0-9零〇一二两三四五六七八九十百]")
_WS_RE = re.compile(r"\s+")
_DIGIT_RUN_RE = re.compile(r"[零〇一二两三四五六七八九]{2}")
_CN_DIGIT_CHARS = frozenset("一二两三四五六七八九十")
_OPEN_QUOTES = frozenset("“‘「『\"'《")
_CLOSE_QUOTES = frozenset("”’」』\"'》")
_VAGUE_BEFORE = frozenset("数几上成")
_NOT_A_CHAIN = frozenset("，。、；：,;: \0至到-~—–")
_LINK_CHARS = frozenset("+×*xX/:")
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# characters around an Arabic number that may make it part of a name (see _skip_context)
_NAME_BEFORE = _ASCII_LETTERS | _LINK_CHARS | frozenset("-_/.:#*")
_NAME_AFTER = _ASCII_LETTERS | _LINK_CHARS

# Qualifier words before a number (checked longest first), and the short verbs that may
# stand between such a word and the number.
_PREFIX_QUALIFIERS = sorted(
    [
        ("约合", "approx"), ("大约", "approx"), ("大概", "approx"), ("约", "approx"),
        ("接近", "approx"), ("将近", "approx"), ("近", "approx"),
        ("不超过", "at_most"), ("不高于", "at_most"), ("不多于", "at_most"),
        ("最多", "at_most"), ("最少", "at_least"),
        ("超过", "more_than"), ("超", "more_than"), ("逾", "more_than"),
        ("突破", "more_than"),
        ("不低于", "at_least"), ("不少于", "at_least"), ("至少", "at_least"),
        ("不足", "less_than"), ("不到", "less_than"), ("低于", "less_than"),
        ("少于", "less_than"),
    ],
    key=lambda p: len(p[0]),
    reverse=True,
)
_PREFIX_BLOCK = {
    "约": frozenset("节签制预契违履特邀公条简婚集相如租缔毁守践赴失隐誉"),
    "近": frozenset("最附临靠亲就邻贴远接将"),
    "超": frozenset("赶高"),
}
_VERBS = sorted(
    ["为", "是", "有", "达", "达到", "占", "需", "需要", "要", "节省", "节约", "增加",
     "增长", "减少", "下降", "提高", "投资", "降低", "实现", "完成", "了", "在", "人民币"],
    key=len,
    reverse=True,
)
_SUFFIX_QUALIFIERS = [
    ("及以上", "at_least"), ("以上", "at_least"), ("及以下", "at_most"), ("以下", "at_most"),
    ("以内", "at_most"), ("之内", "at_most"), ("左右", "approx"), ("上下", "approx"),
]
_SUFFIX_BLOCK = ("以下简称", "以下称", "上下游", "上下文", "上下级")
_PREFIX_QUALIFIER = dict(_PREFIX_QUALIFIERS)
_SUFFIX_QUALIFIER = dict(_SUFFIX_QUALIFIERS)
# a qualifier word, optionally one short verb, then the number (the search ends there)
_PREFIX_RE = re.compile(
    rf"(?P<word>{_alt(list(_PREFIX_QUALIFIER))})(?P<verb>\s*(?:{_alt(_VERBS)}))?\s*\Z"
)
_SUFFIX_RE = re.compile(
    rf"\s*(?:(?P<block>{_alt(_SUFFIX_BLOCK)})|(?P<word>{_alt(list(_SUFFIX_QUALIFIER))})"
    r"|内(?!容|部|外|地|涵|在|需))"
)
_PREFIX_FIRST_RE = re.compile(f"[{''.join(sorted({w[0] for w in _PREFIX_QUALIFIER}))}]")
_SUFFIX_FIRST = frozenset(w[0] for w in (*_SUFFIX_BLOCK, *_SUFFIX_QUALIFIER, "内"))
_RANGE_SEPS = frozenset({"-", "~", "—", "–", "至", "到"})
# fmt: on


# --------------------------------------------------------------------------------------
# Public types
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Quantity:
    """One quantity read out of a text (see the module docstring for the conventions)."""

    span: str
    start: int
    end: int
    value: Number
    unit: str
    base_value: Number
    base_unit: str
    qualifier: str = "none"

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (ranges stay ``(low, high)`` tuples)."""
        return dataclasses.asdict(self)


def _quantity_constructor() -> Any:
    """A constructor for Quantity that fills its slots directly.

    The frozen dataclass's ``__init__`` goes through ``object.__setattr__`` once per field,
    about twice the cost; the result is the same frozen object.
    """
    new = object.__new__
    setters = [getattr(Quantity, f.name).__set__ for f in dataclasses.fields(Quantity)]
    s0, s1, s2, s3, s4, s5, s6, s7 = setters

    def make(
        span: str, start: int, end: int, value: Number, unit: str, base_value: Number,
        base_unit: str, qualifier: str,
    ) -> Quantity:  # fmt: skip
        q = new(Quantity)
        s0(q, span)
        s1(q, start)
        s2(q, end)
        s3(q, value)
        s4(q, unit)
        s5(q, base_value)
        s6(q, base_unit)
        s7(q, qualifier)
        return q

    return make


_new_quantity = _quantity_constructor()
# the same steps, for _finish to take inline (it makes nearly every figure)
_q_new = object.__new__
(_q_span, _q_start, _q_end, _q_value, _q_unit, _q_base_value, _q_base_unit, _q_qualifier) = (
    getattr(Quantity, f.name).__set__ for f in dataclasses.fields(Quantity)
)


# --------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------
_AR_FULL_RE = re.compile(
    r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]{1,3}(?: [0-9]{3})+(?:\.[0-9]+)?"
    r"|[0-9]+(?:\.[0-9]+)?|\.[0-9]+"
)
_MIXED_TOKEN_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?|点[零〇一二两三四五六七八九]+|.", re.S)
_BAD_LIANG_RE = re.compile(r"两(?![百千万亿])")
_EXPECTED = "expected a numeral such as '1,234.5', '３.５', '三千五百万', '兩萬', '1.5亿' or '-2.2'"


def parse_number(s: str) -> float:
    """Read one numeral: Arabic, full-width, Chinese (incl. traditional/financial), mixed.

    >>> parse_number("1,234.5"), parse_number("５５７４．５４"), parse_number("三千五百万")
    (1234.5, 5574.54, 35000000.0)
    >>> parse_number("1.5亿"), parse_number("兩萬"), parse_number("二〇二〇")
    (150000000.0, 20000.0, 2020.0)

    Raises ``ValueError`` naming the input for anything that is not one numeral.
    """
    if not isinstance(s, str):
        raise ValueError(f"cannot read {s!r} as a number: not a string; {_EXPECTED}")
    t = s.translate(_FOLD_NUMBER).strip()
    sign = 1.0
    if t[:1] in ("-", "+"):
        sign = -1.0 if t[0] == "-" else 1.0
        t = t[1:].lstrip()
    if not t:
        raise ValueError(f"cannot read {s!r} as a number: it is empty; {_EXPECTED}")
    if _AR_FULL_RE.fullmatch(t):
        return sign * float(t.replace(",", "").replace(" ", ""))
    value = _parse_cn_mixed(t)
    if value is None:
        raise ValueError(f"cannot read {s!r} as a number: {_EXPECTED}")
    return sign * value


@functools.lru_cache(maxsize=4096)
def _parse_cn_mixed(t: str) -> float | None:
    """Chinese and mixed numerals; None if ``t`` is not one well-formed numeral.

    Pure and keyed by the numeral alone, so its results are kept for the numerals seen most.
    """
    if len(t) <= 2 and t[0] in _CN_DIGITS:  # the common cases: 两, 三, 十五 below, 两万
        if len(t) == 1:
            return float(_CN_DIGITS[t])
        unit = _CN_SMALL.get(t[1]) or _CN_BIG.get(t[1])
        if unit and t[0] not in "零〇" and not (t[0] == "两" and unit == 10):
            return float(_CN_DIGITS[t[0]] * unit)
    if _BAD_LIANG_RE.search(t) and t != "两":
        return None  # 两 counts hundreds and up: 两百, 两万; never 两十 or 三百两
    if all(c in _CN_DIGITS for c in t):
        if len(t) == 1:
            return float(_CN_DIGITS[t])
        # a digit string such as 二〇二〇
        return float("".join(str(_CN_DIGITS[c]) for c in t))
    total = 0.0  # completed 亿 groups
    section = 0.0  # completed 万 group below the current 亿
    small = 0.0  # value below 万
    number: float | None = None  # pending digit / Arabic number
    last_small = 10**5  # last small unit seen in this group (for order checks)
    last_big = 10**13
    prev_kind = ""  # "digit", "small", "big", "zero"
    after_zero = False
    last_unit = 0  # the unit just before the pending digit (一百五, 一万五)
    prev_kind_unit = ""
    for tok in _MIXED_TOKEN_RE.findall(t):
        if tok[0].isdigit():
            if prev_kind in ("digit",):
                return None
            number = float(tok)
            prev_kind = "digit"
        elif tok.startswith("点"):
            if prev_kind != "digit" or number is None or number != int(number):
                return None
            frac = "".join(str(_CN_DIGITS[c]) for c in tok[1:])
            number = float(f"{int(number)}.{frac}")
            prev_kind = "digit"
        elif tok in ("零", "〇"):
            if prev_kind == "digit":
                return None
            after_zero = True
            prev_kind = "zero"
        elif tok in _CN_DIGITS:
            if prev_kind == "digit":
                return None
            number = float(_CN_DIGITS[tok])
            last_unit = (
                _CN_SMALL.get(prev_kind_unit, 0)
                if prev_kind == "small"
                else (_CN_BIG.get(prev_kind_unit, 0) if prev_kind == "big" else 0)
            )
            prev_kind = "digit"
        elif tok in _CN_SMALL:
            unit = _CN_SMALL[tok]
            if unit >= last_small:
                return None
            if number is None:
                if unit != 10 or prev_kind not in ("", "zero", "big"):
                    return None
                number = 1.0
            small += number * unit
            number = None
            last_small = unit
            prev_kind, prev_kind_unit = "small", tok
            after_zero = False
        elif tok in _CN_BIG:
            big = _CN_BIG[tok]
            if number is None and small == 0 and prev_kind != "big":
                return None
            # 亿 after 万 scales everything read so far (万亿, 三万五千亿), once
            wan_yi = big == 10**8 and last_big == 10**4 and total == 0
            if big >= last_big and not wan_yi:
                return None
            group = small + (number or 0.0)
            if big == 10**8:
                total = (total + section + group) * 1e8
                section = 0.0
            else:
                section = group * 1e4
            small, number = 0.0, None
            last_small = 10**5
            last_big = big
            prev_kind, prev_kind_unit = "big", tok
            after_zero = False
        else:
            return None
    if prev_kind == "zero":
        return None
    if number is not None and last_unit >= 100 and not after_zero and number == int(number):
        number = number * last_unit / 10  # 一百五 = 150, 三千二 = 3200, 一万五 = 15000
    return total + section + small + (number or 0.0)


def _sig(x: float) -> float:
    """Round away float noise from unit arithmetic (12 significant digits)."""
    if x.is_integer() and -1e12 < x < 1e12:
        return x  # already exact in 12 digits
    return float(f"{x:.12g}")


# --------------------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------------------
class _Tok(NamedTuple):
    """One number read by the token grammar (a tuple: made once per number, never changed)."""

    start: int  # start of the span (including sign, 第)
    end: int
    value: float  # value in the unit as written (multiplier kept in the unit)
    mult: float
    mult_text: str
    unit: str  # folded unit without multiplier ('' for none)
    unit_orig: str  # unit as written, multiplier included
    base_unit: str
    factor: float  # base per one unit-as-written
    more: bool
    is_cn: bool
    single_cn: bool
    signed: str
    num_start: int
    year: bool = False


def _prefix_qualifier(norm: str, pos: int) -> str | None:
    m = _PREFIX_RE.search(norm, max(0, pos - 10), pos)
    if m is None:
        return None
    word = m.group("word")
    if m.group("verb") and len(word) == 1 and word not in ("约", "超", "逾"):
        return None  # 近 needs to touch the number
    block = _PREFIX_BLOCK.get(word)
    w = m.start("word")
    if block and w > 0 and norm[w - 1] in block:
        return None  # 节约, 签约, 最近, 赶超
    return _PREFIX_QUALIFIER[word]


def _suffix_qualifier(norm: str, pos: int, base_unit: str) -> str | None:
    c = norm[pos : pos + 1]
    if c not in _SUFFIX_FIRST and not c.isspace():
        return None  # most figures: no need to try the words
    m = _SUFFIX_RE.match(norm, pos)
    if m is None or m.group("block"):
        return None
    if m.group("word"):
        return _SUFFIX_QUALIFIER[m.group("word")]
    if base_unit in _DURATION or base_unit == "m":
        return "at_most"  # 24 小时内, 3 年内
    return None


# group numbers of _TOKEN_RE (for Match.regs) and their indices in Match.groups(), so a token
# reads all its groups and offsets in two calls
(_G_PCT_ALL, _G_PCT, _G_FRAC_DEN, _G_FRAC_NUM, _G_SIGN, _G_AR, _G_CN, _G_MORE, _G_MULT,
 _G_MORE2, _G_UNIT, _G_DMULT, _G_DEN, _G_MORE_B, _G_MULT_B, _G_MORE2_B) = (
    _TOKEN_RE.groupindex[name] for name in (
        "pct_all", "pct", "frac_den", "frac_num", "sign", "ar", "cn", "more", "mult", "more2",
        "unit", "dmult", "den", "more_b", "mult_b", "more2_b",
    )
)  # fmt: skip
(_I_PCT_ALL, _I_PCT, _I_FRAC_DEN, _I_FRAC_NUM, _I_SIGN, _I_AR, _I_CN, _I_MORE, _I_MULT,
 _I_MORE2, _I_UNIT, _I_DMULT, _I_DEN, _I_MORE_B, _I_MULT_B, _I_MORE2_B) = (
    _G_PCT_ALL - 1, _G_PCT - 1, _G_FRAC_DEN - 1, _G_FRAC_NUM - 1, _G_SIGN - 1, _G_AR - 1,
    _G_CN - 1, _G_MORE - 1, _G_MULT - 1, _G_MORE2 - 1, _G_UNIT - 1, _G_DMULT - 1, _G_DEN - 1,
    _G_MORE_B - 1, _G_MULT_B - 1, _G_MORE2_B - 1,
)  # fmt: skip
_AR_SEPARATORS_RE = re.compile("[, \u00a0\u2009\u202f]")
_D_MULTIPLIERS = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 100.0}


def _read_word_ratio(g: tuple[str | None, ...], m_start: int, m_end: int) -> _Tok | None:
    """A token for N分之M or 百分之N / 百分之百 (``g`` is the match's groups)."""
    den_s, num_s = g[_I_FRAC_DEN], g[_I_FRAC_NUM]
    if den_s is not None and num_s is not None:
        # N分之M: a fraction, read as percent (三分之一 → 1/3, base 33.3 percent)
        den = float(den_s) if den_s[0].isdigit() else _parse_cn_mixed(den_s)
        num = float(num_s) if num_s[0].isdigit() else _parse_cn_mixed(num_s)
        if not den or num is None or num > den:
            return None
        return _Tok(
            m_start, m_end, num / den, 1.0, "", "分之", "分之", "percent", 100.0,
            False, True, False, "", m_start,
        )  # fmt: skip
    if g[_I_PCT_ALL]:
        val = 100.0
    else:
        pct = g[_I_PCT] or ""
        v = _parse_cn_mixed(pct) if not pct[0].isdigit() else float(pct)
        if v is None:
            return None
        val = v
    return _Tok(
        m_start, m_end, val, 1.0, "", "%", "百分之", "percent", 1.0,
        False, True, False, "", m_start,
    )  # fmt: skip


_new_tok = tuple.__new__  # _Tok(...) without the Python-level __new__ of a NamedTuple
_UNIT_INFO: dict[tuple[str, str | None, str | None], tuple[Any, ...]] = {}


def _unit_info(unit: str, den: str | None, dmult: str | None) -> tuple[Any, ...]:
    """What a unit as matched implies, memoised per (unit, denominator, its multiplier).

    (unit_key, inner_more, checked, exclude_first, exclude_long, base_unit, factor): the
    unit without an inner 多, whether 多 was inside it, whether the words after it matter
    (and which ones), and its base unit and factor (per one denominator base unit).
    """
    key = (unit, den, dmult)
    info = _UNIT_INFO.get(key)
    if info is None:
        inner_more = unit in _INNER_MORE_UNITS
        unit_key = _INNER_MORE_UNITS[unit] if inner_more else unit
        base_unit, factor = _UNITS[unit_key]
        if den:
            d_mult = _D_MULTIPLIERS.get(dmult or "", 1.0)
            d_base, d_factor = _DEN_BASE[den]
            base_unit = f"{base_unit}/{d_base}"
            factor = factor / (d_mult * d_factor)
        info = (
            unit_key, inner_more, unit_key in _CHECKED_UNITS,
            _EXCLUDE_FIRST.get(unit_key, ()), _EXCLUDE_LONG.get(unit_key, "\0"),
            base_unit, factor,
        )  # fmt: skip
        _UNIT_INFO[key] = info
    return info


@functools.lru_cache(maxsize=4096)
def _read_cn(num_s: str, mult_text: str) -> tuple[bool, str, str, float, float] | None:
    """A Chinese numeral and its multiplier as matched: (whether a trailing 万/亿 was split
    off into the multiplier, the numeral, the multiplier, the value in the multiplier, the
    multiplier's factor), or None if it is not one numeral. Pure, keyed by the numeral."""
    split = False
    # split a trailing 万/亿/万亿 off the Chinese numeral into the multiplier
    if not mult_text and num_s[-1] in "万亿":
        for big in ("万亿", "亿", "万"):
            if num_s.endswith(big) and len(num_s) > len(big):
                num_s = num_s[: -len(big)]
                mult_text = big
                split = True
                break
    if len(num_s) > 1 and "点" not in num_s and _DIGIT_RUN_RE.search(num_s):
        return None  # 二〇二〇, 三五年, 一二十个: not one numeral
    full = num_s + mult_text
    base_num = _parse_cn_mixed(full) if full else None
    if base_num is None:
        return None
    mult = _MULTIPLIERS.get(mult_text, 1.0)
    return split, num_s, mult_text, base_num / mult, mult


def _read_token(m: re.Match[str], text: str, norm: str) -> _Tok | None:
    """Turn one grammar match into a token, or None if it is not a quantity candidate."""
    g = m.groups()
    if m.lastindex <= _G_FRAC_NUM:  # a percent or fraction word (numbers close a later group)
        return _read_word_ratio(g, m.start(), m.end())
    m_start, m_end = m.span()
    num_s = g[_I_CN]
    is_cn = num_s is not None
    if is_cn:
        num_start = m.start(_G_CN)
    else:
        num_s = g[_I_AR]
        num_start = m.start(_G_AR)
    unit = g[_I_UNIT]
    if unit is not None:
        more = g[_I_MORE] is not None or g[_I_MORE2] is not None
        mult_text = g[_I_MULT] or ""
        unit_start = m.start(_G_MULT) if mult_text else 0  # (used only with a multiplier)
    else:
        more = g[_I_MORE_B] is not None or g[_I_MORE2_B] is not None
        mult_text = g[_I_MULT_B] or ""
        unit_start = m.start(_G_MULT_B) if mult_text else 0
    if is_cn:
        read = _read_cn(num_s, mult_text)
        if read is None:
            return None
        split, num_s, mult_text, value, mult = read
        if split:
            unit_start = num_start + len(num_s)
    elif "亿" in num_s:  # 1亿2000 + 万
        base_num = _parse_cn_mixed(num_s + mult_text)
        if base_num is None:
            return None
        mult = _MULTIPLIERS[mult_text]
        value = base_num / mult
    else:
        try:
            value = float(num_s)
        except ValueError:  # 1,234 or 3 450
            value = float(_AR_SEPARATORS_RE.sub("", num_s))
        mult = _MULTIPLIERS.get(mult_text, 1.0) if mult_text else 1.0
    end = m_end
    if unit is not None:
        den = g[_I_DEN]
        dmult = g[_I_DMULT]
        unit_key, inner_more, checked, ex_first, ex_long, base_unit, factor = _UNIT_INFO.get(
            (unit, den, dmult)
        ) or _unit_info(unit, den, dmult)
        if inner_more:
            more = True
        bad = False
        if checked:
            unit_end = m.end(_G_UNIT)
            nxt = norm[unit_end : unit_end + 2]
            bad = not den and (nxt[:1] in ex_first or nxt.startswith(ex_long))
            if unit_key == "度" and not mult_text and not nxt.startswith("电"):
                bad = True
            if unit_key == "方" and (not mult_text and is_cn):
                bad = True
        if bad:
            if not mult_text:
                return None
            # keep the multiplier as a bare count: 3 万家庭 → 3 万
            unit = unit_key = ""
            base_unit, factor = "count", 1.0
            unit_orig = text[unit_start : unit_start + len(mult_text)]
            end = unit_start + len(mult_text)
            if g[_I_MORE2_B]:
                end = m_end
        else:
            unit_orig = text[m.start(_G_UNIT) : end]
            if mult_text:
                unit_orig = text[unit_start : unit_start + len(mult_text)] + unit_orig
            if not (unit_orig.isalpha() or unit_orig in _UNITS):  # (those hold no space)
                unit_orig = _WS_RE.sub("", unit_orig)
            if inner_more:
                unit_orig = unit_orig.replace("多", "", 1)
    elif mult_text:
        unit = unit_key = ""
        base_unit, factor = "count", 1.0
        unit_orig = text[unit_start : unit_start + len(mult_text)]
        end = unit_start + len(mult_text)
        if g[_I_MORE2_B]:
            end = m_end
    else:
        unit = unit_key = ""
        base_unit, factor, unit_orig = "", 1.0, ""
        end = num_start + len(g[_I_AR] or g[_I_CN])
    sign = g[_I_SIGN] or ""
    if sign == "-":
        value = -value
    year = (
        unit_key == "年"
        and not is_cn
        and not mult_text
        and not more
        and "." not in num_s
        and len(num_s) == 4
        and 1000 <= abs(value) <= 2999
    )
    return _new_tok(_Tok, (
        m_start, end, value, mult, mult_text, unit_key, unit_orig, base_unit, factor, more,
        is_cn, is_cn and len(num_s) == 1, sign, num_start, year,
    ))  # fmt: skip


def _skip_context(tok: _Tok, norm: str, range_high: bool = False) -> bool:
    """True if the token's surroundings say it is a name, an ordinal or a vague number.

    ``range_high``: the token is the high end of a range, so what precedes it is the
    separator and the low end, not context.
    """
    s = tok.start
    if not (range_high or tok.is_cn or tok.signed):
        # the common case, an unsigned Arabic number between Chinese characters or spaces:
        # none of the checks below can hold
        if (
            (s == 0 or norm[s - 1] not in _NAME_BEFORE)
            and norm[s] != "0"
            and norm[tok.end : tok.end + 1] not in _NAME_AFTER
        ):
            return False
    prev = norm[s - 1] if s > 0 and not range_high else "\0"
    nxt = norm[tok.end] if tok.end < len(norm) else "\0"
    if tok.signed:
        if prev and (prev.isascii() and prev.isalnum()):
            return True  # COVID-19, A-1
    if not tok.is_cn and not range_high:
        ns = tok.num_start
        if (norm[ns] == "0" or (ns > 0 and norm[ns - 1] in _CODE_JOINERS)) and _in_name(
            norm, ns, after_word=False
        ):
            return True  # 00615, INTEL-SA-00615, No.5
    if prev and prev.isascii() and prev.isalpha():
        return True  # PM2.5
    if prev in _LINK_CHARS and s >= 2 and (norm[s - 2].isdigit() or norm[s - 2] in '“"'):
        return True  # 2+9, 7×24, 1/3, 10:30
    if prev in "×*":
        return True
    after_num = norm[tok.end : tok.end + 2]
    if after_num[:1] in _LINK_CHARS and len(after_num) > 1 and after_num[1].isdigit():
        return True
    if after_num[:1] == "×":
        return True
    if nxt.isascii() and nxt.isalpha() and not tok.unit:
        return True  # 5G, 3D
    if tok.is_cn:
        if prev in _VAGUE_BEFORE:
            return True  # 几十, 数十
        if tok.single_cn:
            if nxt in _CN_DIGIT_CHARS:
                return True  # 三个一批, 两区三圈
            if s >= 2 and norm[s - 2] in _CN_DIGIT_CHARS and prev not in _NOT_A_CHAIN:
                return True  # 一群两区
            # alone in short quotes: “四个全面”
            tail = norm[tok.end : tok.end + 5]
            if prev in _OPEN_QUOTES and any(c in _CLOSE_QUOTES for c in tail):
                return True
    return False


# Number + measure word: a classifier the unit list does not know (10 万行代码, 12 尊佛像,
# 不到 400 行) is read as a count. Measure words are a closed class, so they are listed here
# with the characters that, following them, make another word (行业, 片区); verbs, 中 and
# other words after a number (11 造成, 00615 中, 23万产业) are never classifiers. Arabic
# digits only (Chinese numerals make idioms: 三心二意, 十面埋伏), never inside a longer
# number, never part of a name or a code (see _in_name).
_MEASURE_WORDS: dict[str, str] = {
    "尊": "", "行": "业政动为驶使情李程长列走", "首": "都先次位批个家台套席创发府页届轮单要选",
    "幅": "度员", "本": "身地质科来次届期年月轮部级市省县土", "页": "面", "章": "程节",
    "段": "时落", "句": "话", "字": "号样", "卷": "烟", "片": "区面", "面": "向积临貌对上前",
    "扇": "区", "双": "方向边重创碳循百一", "副": "本业总食产作", "粒": "子", "串": "",
    "束": "缚", "捆": "绑", "包": "括含装", "箱": "", "袋": "", "瓶": "颈", "罐": "车",
    "桶": "", "杯": "", "碗": "", "盒": "", "筐": "", "堆": "场存积", "群": "众体落",
    "队": "伍员", "班": "子级组长", "帧": "", "集": "团中聚成约体", "款": "项式", "档": "案次",
    "剂": "量型", "峰": "值会", "尾": "矿气款", "眼": "光前界", "孔": "", "顶": "级层尖端部",
    "趟": "", "遍": "布及", "桩": "", "盘": "活点", "朵": "", "丛": "林书",
}  # fmt: skip
# _AR with its first digit taken out in front, so that the search skips in C to a digit
_AR_AFTER_FIRST_DIGIT = (
    r"[0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?(?![0-9])"
    r"|[0-9]{0,2}(?:[ \u00a0\u2009\u202f][0-9]{3})+(?:\.[0-9]+)?(?![0-9])"
    r"|[0-9]*(?:\.[0-9]+)?"
)
_GRAMMAR_COUNT_RE = re.compile(
    rf"(?P<num>[0-9](?<![0-9.A-Za-z][0-9])(?:{_AR_AFTER_FIRST_DIGIT}))"
    rf"\s?(?P<mult>万亿|千万|百万|十万|万|亿|千|百)?(?P<cl>[{''.join(_MEASURE_WORDS)}])"
)
_MEASURE_WORD_RE = re.compile(f"[{''.join(_MEASURE_WORDS)}]")
_CODE_JOINERS = frozenset("-_/.:#")


def _in_name(norm: str, start: int, *, after_word: bool = True) -> bool:
    """True if the Arabic number at ``start`` is part of a name or a code, not a quantity.

    A leading zero (``00615``), a joiner after Latin letters or digits (``INTEL-SA-00615``,
    ``CVE-2021-1234``, ``No.5``) or, with ``after_word``, a Latin word before it with at
    most one space (``Windows 11``, ``iPhone 13``, ``GB/T 2589``).
    """
    if norm[start] == "0" and norm[start + 1 : start + 2].isdigit():
        return True
    j = start - 1
    if j < 0:
        return False
    prev = norm[j]
    if prev in _CODE_JOINERS:
        return j > 0 and norm[j - 1].isascii() and norm[j - 1].isalnum()
    if not after_word:
        return False
    if prev in " \t\u00a0" and j > 0:
        prev = norm[j - 1]
    return prev.isascii() and prev.isalpha()


_NOT_BEFORE_COUNT = _LINK_CHARS | {"第"}


def _grammar_counts(text: str, norm: str, found: list[Quantity]) -> list[Quantity]:
    out = found
    changed = False  # (found is returned as it is when no measure word makes a count)
    for m in _GRAMMAR_COUNT_RE.finditer(norm):
        cl = m.group("cl")
        nxt = norm[m.end() : m.end() + 1]
        if nxt and nxt in _MEASURE_WORDS[cl]:
            continue  # 行业, 片区: the character starts another word
        if m.start() > 0 and norm[m.start() - 1] in _NOT_BEFORE_COUNT:
            continue
        if _in_name(norm, m.start()):
            continue
        overlapping = [q for q in out if q.start < m.end() and m.start() < q.end]
        # only a figure read without a unit of its own (10万 → 10万行) is extended
        if any(q.end > m.start("cl") or q.base_unit != "count" or q.unit not in _MULTIPLIERS
               for q in overlapping):  # fmt: skip
            continue
        num = m.group("num")
        try:
            value = float(num)
        except ValueError:  # 1,234 or 3 450
            value = float(_AR_SEPARATORS_RE.sub("", num))
        mult = m.group("mult") or ""
        qualifier = overlapping[0].qualifier if overlapping else (
            _prefix_qualifier(norm, m.start()) or "none"
        )  # fmt: skip
        q = _new_quantity(
            text[m.start() : m.end()],
            m.start(),
            m.end(),
            value,
            text[m.start("mult") if mult else m.start("cl") : m.end()],
            _sig(value * _MULTIPLIERS.get(mult, 1.0)),
            "count",
            qualifier,
        )
        out = [x for x in out if x not in overlapping] + [q]
        changed = True
    return sorted(out, key=_start_of) if changed else found


def _start_of(q: Quantity) -> int:
    return q.start


def extract(text: str) -> list[Quantity]:
    """Every quantity in ``text``, in order of appearance, spans never overlapping.

    >>> [(q.span, q.value, q.unit, q.base_value, q.base_unit, q.qualifier)
    ...  for q in extract("全省煤矿数量减至 900 座以内")]
    [('900 座', 900.0, '座', 900.0, 'count', 'at_most')]
    """
    if not text:
        return []
    norm = text.translate(_FOLD) if _FOLD_RE.search(text) else text
    # Every token starts with one of a few characters: find those in C and try the grammar
    # only there (the same matches as _TOKEN_RE.finditer, without its try at every position).
    start = _TOKEN_START_RE.search(norm)
    if start is None:
        return []
    out: list[Quantity] = []
    rank_words = "第" in norm or "前" in norm
    prefix_words = _PREFIX_FIRST_RE.search(norm) is not None
    search, match = _TOKEN_START_RE.search, _TOKEN_RE.match
    pending: _Tok | None = None  # the token before, which may be a range's low end
    while start is not None:
        s = start.start()
        m = match(norm, s)
        if m is None:
            start = search(norm, s + 1)
            continue
        start = search(norm, m.end())
        if s:
            p = norm[s - 1]
            if p.isdigit() or (p == "." and s > 1 and norm[s - 2].isdigit()):
                if norm[s] not in "-+":
                    continue  # inside a longer number
        b = _read_token(m, text, norm)
        if b is None:
            continue
        a = pending
        pending = b
        if a is None:
            continue
        # ranges: A SEP B with B carrying the unit
        # (_try_range's own first test, here: most pairs are not joined by a separator)
        if b.base_unit and not a.more:
            sep = norm[a.end : b.start].strip()
            signed = b.signed
            if (sep in _RANGE_SEPS and not signed) or (not sep and signed == "-"):
                rng = _try_range(a, b, norm)
            else:
                rng = None
            if rng is not None:
                pending = None
                if rng:
                    out.append(_finish_range(a, b, text, norm))
                continue
        if a.base_unit and not a.year:
            q = _finish(a, text, norm, rank_words, prefix_words)
            if q is not None:
                out.append(q)
    if pending is not None and pending.base_unit and not pending.year:
        q = _finish(pending, text, norm, rank_words, prefix_words)
        if q is not None:
            out.append(q)
    if _MEASURE_WORD_RE.search(norm) is None:
        return out
    return _grammar_counts(text, norm, out)


def _try_range(a: _Tok, b: _Tok, norm: str) -> bool | None:
    """True: merge a and b into a range; False: drop both; None: not a range."""
    if not b.base_unit or a.more:
        return None
    gap = norm[a.end : b.start].strip()
    b_sign_dash = b.signed == "-" and not gap
    if b_sign_dash:
        sep = "-"
    else:
        sep = gap
        if sep not in _RANGE_SEPS or b.signed:
            return None
    if a.unit:
        if a.base_unit != b.base_unit or sep == "到":
            return None
        if a.mult_text == "" and b.mult_text != "" and a.unit:
            return None
    if (
        a.year
        or b.year
        or (b.unit == "年" and not a.is_cn and a.unit == "" and len(_num_text(a, norm)) == 4)
    ):
        return False  # 2018 年至 2021 年, 2021-2025年
    if a.is_cn != b.is_cn:
        return None
    if sep == "-" and not a.is_cn and len(_num_text(b, norm)) == 4 and _in_name(norm, a.num_start):
        return False  # GB/T 2589-2020, ISO 9001-2015: a code ending in a year (not CPI 2-3%)
    if _skip_context(a, norm) or _skip_context(b, norm, range_high=True):
        return None
    if a.value < 0 and not a.signed:
        return None
    return True


def _num_text(t: _Tok, norm: str) -> str:
    j = t.num_start
    while j < len(norm) and (norm[j].isdigit() or norm[j] in ".,"):
        j += 1
    return norm[t.num_start : j]


def _qualify(tok_first: _Tok, tok_last: _Tok, norm: str, span_end: int) -> str:
    q = _prefix_qualifier(norm, tok_first.start)
    if q is None and (tok_last.more or tok_first.more):
        q = "more_than"
    if q is None:
        q = _suffix_qualifier(norm, span_end, tok_last.base_unit)
    if q is None and (tok_last.base_unit in _DURATION or tok_last.base_unit == "times"):
        nxt = norm[span_end : span_end + 1]
        if nxt in ("多", "余") and norm[span_end + 1 : span_end + 2] not in ("万", "亿"):
            q = "more_than"
    return q or "none"


def _finish(
    t: _Tok, text: str, norm: str, rank_words: bool = True, prefix_words: bool = True
) -> Quantity | None:
    """The quantity of a single token, or None; ``rank_words``/``prefix_words`` False say
    that the text has no 第/前 or no qualifier word before a number (checked once per text)."""
    # the token's fields as locals, in one step (reading them by name costs a lookup each)
    (start, end, value, mult, mult_text, unit, unit_orig, base_unit, factor, more, is_cn,
     single_cn, signed, num_start, _year) = t  # fmt: skip
    # _skip_context's own fast path, tested here first: most figures are plain Arabic numbers
    if (
        is_cn
        or signed
        or (start and norm[start - 1] in _NAME_BEFORE)
        or norm[start] == "0"
        or norm[end : end + 1] in _NAME_AFTER
    ) and _skip_context(t, norm):
        return None
    if is_cn and unit != "%":
        first = norm[num_start]
        if single_cn and not mult_text:
            if first == "一" and base_unit not in _DURATION:
                return None  # 一吨钢, 一期, 一座
            if first in "二零〇":
                return None  # 二期, 二元
            if unit == "期" and first != "两":
                return None  # 三期工程
    tok_start, tok_base = start, base_unit
    qualifier = None
    if rank_words:
        window = norm[max(0, start - 3) : start]
        if window and ("第" in window or "前" in window):
            before = window.rstrip()
            if unit in ("位", "名"):
                if before.endswith("第"):
                    start = norm.rindex("第", 0, start)
                    base_unit = "rank"
                elif before.endswith("前"):
                    base_unit = "rank"
                    qualifier = "at_most"
            elif before.endswith("第"):
                return None  # ordinal: 第四次, 第一实验室
    if base_unit == "rank":
        base_value = value
    else:
        base_value = value * mult * factor
        if not (base_value.is_integer() and -1e12 < base_value < 1e12):
            base_value = _sig(base_value)
    if qualifier is None:
        # _qualify(t, t, norm, end), unrolled: this runs for nearly every figure
        qualifier = _prefix_qualifier(norm, tok_start) if prefix_words else None
        if qualifier is None:
            if more:
                qualifier = "more_than"
            else:
                c = norm[end : end + 1]
                if c in _SUFFIX_FIRST or c.isspace():
                    qualifier = _suffix_qualifier(norm, end, tok_base)
                if qualifier is None:
                    if tok_base in _DURATION or tok_base == "times":
                        qualifier = _qualify(t, t, norm, end)
                    else:
                        qualifier = "none"
    q = _q_new(Quantity)
    _q_span(q, text[start:end])
    _q_start(q, start)
    _q_end(q, end)
    _q_value(q, value)
    _q_unit(q, unit_orig)
    _q_base_value(q, base_value)
    _q_base_unit(q, base_unit)
    _q_qualifier(q, qualifier)
    return q


def _finish_range(a: _Tok, b: _Tok, text: str, norm: str) -> Quantity:
    high = abs(b.value) if b.signed == "-" and not norm[a.end : b.start].strip() else b.value
    start, base_unit = a.start, b.base_unit
    if b.unit in ("位", "名") and norm[max(0, start - 3) : start].rstrip().endswith("第"):
        start, base_unit = norm.rindex("第", 0, start), "rank"  # 第1-2名
    if a.mult_text and a.mult != b.mult:
        low = _sig(a.value * a.mult / b.mult)
    else:
        low = a.value
    factor = b.mult * b.factor
    return _new_quantity(
        text[start : b.end],
        start,
        b.end,
        (low, high),
        b.unit_orig,
        (_sig(low * factor), _sig(high * factor)),
        base_unit,
        _qualify(a, b, norm, b.end),
    )
