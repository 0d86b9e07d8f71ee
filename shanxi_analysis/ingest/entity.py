"""The entity of a candidate fact: names of entities.csv in either script, new names by their
suffix (with type and parent), the article's own province, city, county or zone (全省, 全市, 全县
…), sources and ranking scopes left out, and the rules that pick what a figure is about
(fact conventions, "entity").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .. import quantities
from .common import _PROVINCE_WORDS, _clause_bounds, _Field, to_simplified
from .lexicon import Lexicon


@dataclass(frozen=True)
class _EntityMatcher:
    pattern: re.Pattern | None
    by_name: dict[str, str]
    name_of: dict[str, str]
    type_of: dict[str, str]
    parent_of: dict[str, str] = field(default_factory=dict)

    def find(self, simplified: str) -> list[tuple[int, int, str]]:
        if self.pattern is None:
            return []
        by_name = self.by_name
        return [
            (m.start(), m.end(), by_name.get(m.group(0)) or by_name[_name_key(m.group(0))])
            for m in self.pattern.finditer(simplified)
        ]


def _name_key(name: str) -> str:
    """A name as it is looked up: without white space (``5G 智慧矿山联盟`` = ``5G智慧矿山联盟``)."""
    return re.sub(r"\s+", "", name)


def _name_pattern(name: str) -> str:
    """A name as a regular expression: Chinese text puts spaces around digits, Latin
    letters and ``·`` at will, so a name holding them matches with or without them."""
    if re.fullmatch(r"[\u4e00-\u9fff]+", name):
        return re.escape(name)
    return r"\s*".join(re.escape(c) for c in name)


@lru_cache(maxsize=8)
def _matcher(entities: tuple) -> _EntityMatcher:
    by_name: dict[str, str] = {}
    for eid, _name, _type, names, *_parent in entities:
        for n in names:
            by_name.setdefault(_name_key(n), eid)
    for w in _PROVINCE_WORDS:
        by_name.pop(w, None)
    pattern = (
        re.compile("|".join(_name_pattern(n) for n in sorted(by_name, key=len, reverse=True)))
        if by_name
        else None
    )
    return _EntityMatcher(
        pattern,
        by_name,
        {e[0]: e[1] for e in entities},
        {e[0]: e[2] for e in entities},
        {e[0]: e[4] for e in entities if len(e) > 4 and e[4]},
    )


# (排全国第3位, 居全国前列: the scope of a ranking is not what is ranked)
_NOT_SUBJECT_BEFORE = re.compile(r"(?:比|较|于|占|与|和|同|跟|、|及|以及|对|向|在|是|排|居|列)$")
_NOT_SUBJECT_AFTER = re.compile(r"^(?:、|等|内的|内|境内|为例|用户为例)")
_EXAMPLE_BEFORE_RE = re.compile(r"以$")
_EXAMPLE_AFTER_RE = re.compile(r"^[^，,。；;]{0,8}为例")


def _subject_hits(simple: str, hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The entity names that can be what a figure is about: not a member of a list
    (``A、B、C 4个…``, ``A、B等``), not a comparison base or partner (``比全省``, ``高于全国``,
    ``占全省``, ``与京津冀``), not a place that only locates another (``太原都市区内的``),
    not an example (``以西安用户为例``)."""
    out = []
    for a, b, eid in hits:
        before = simple[max(0, a - 2) : a]
        if _NOT_SUBJECT_BEFORE.search(before) or _NOT_SUBJECT_AFTER.match(simple[b : b + 5]):
            continue
        if _EXAMPLE_BEFORE_RE.search(before) and _EXAMPLE_AFTER_RE.match(simple[b:]):
            continue
        if _is_source(simple, (a, b, eid)):
            continue  # 据太原海关统计, 省统计局通报: who reports the figure, not what it is about
        out.append((a, b, eid))
    return out


def _is_source(simple: str, hit: tuple[int, int, str]) -> bool:
    """Whether a name only says where figures come from (据太原海关统计, 记者从山西省统计局获悉,
    山西省统计局通报称)."""
    a, b = hit[0], hit[1]
    return bool(
        _SOURCE_AGENCY_RE.match(simple, b)
        or (
            _SOURCE_BEFORE_RE.search(simple[max(0, a - 4) : a]) and _SOURCE_VERB_RE.match(simple, b)
        )
    )


# a name that only says where a figure comes from: 据太原海关统计, 记者从山西省统计局获悉,
# 山西省统计局通报称
_SOURCE_BEFORE_RE = re.compile(r"(?:据|从|经|来自)\s*$")
_SOURCE_VERB_RE = re.compile(
    r"[\u4e00-\u9fff]{0,8}?(?:统计|获悉|了解到|消息|通报|发布|公布|数据显示|监测)"
)
_SOURCE_AGENCY_RE = re.compile(
    r"(?:省|市|县)?(?:海关|统计局|调查总队|发改委|发展和改革委员会|能源局|商务厅|商务局|"
    r"新闻办公室|新闻办|政府新闻办)(?:[\u4e00-\u9fff]{0,4}?)"
    r"(?:统计|获悉|消息|通报|发布|公布|数据|称|介绍|表示|召开|举行)"
)


def _counted_hits(
    simple: str, hits: list[tuple[int, int, str]], found: list
) -> dict[tuple[int, int, str], quantities.Quantity]:
    """Names right after a figure (``10 个智创城``): what is counted, not who counts; each
    with the figure that counts it."""
    out = {}
    for h in hits:
        for q in found:
            # right after the figure, in the same clause (10 个智创城, 50 亿元的园区)
            if 0 <= h[0] - q.end <= 2 and _COUNTED_GAP_RE.fullmatch(simple, q.end, h[0]):
                out[h] = q
                break
    return out


_COUNTED_GAP_RE = re.compile(r"[\s的]*")


NEW_ENTITY_PREFIX = "new:"
"""How a name not in ``entities.csv`` travels through the rules (``new:长治市``); a candidate
shows it as ``entity_id`` null and ``entity_name`` the name as written."""

# Organisations: a proper name of two or more characters before one of these.
_ORG_SUFFIXES = (
    "股份有限公司 有限责任公司 有限公司 股份公司 集团公司 集团 公司 大学 学院 研究院 研究所 "
    "实验室 医院 银行 协会 联盟 商会"
).split()
# Zones, parks and mines: words also used for no name in particular (推进开发区, 园区内), so
# a new one is a name only when it starts with a place (晋城经济技术开发区, 长治市高新区).
_ZONE_SUFFIXES = (
    "示范区 开发区 高新区 经开区 自贸区 综保区 保税区 新区 产业园区 工业园区 产业园 工业园 "
    "科技园 园区 管委会 煤矿"
).split()
_PLACE_TYPES = frozenset(("country", "province", "city", "county", "region", "town"))
# Places: two characters before one of these (most Chinese place names are two characters
# and a suffix; longer ones are matched when they are in entities.csv). Provinces are a
# closed list (entities.csv); a district, town or township only straight after the city or
# county it belongs to (太原市小店区), since 核心区, 扩展区 … are no names.
_PLACE_SUFFIXES = ("自治州", "市", "县", "区", "镇", "乡")
_SUB_PLACE_SUFFIXES = ("区", "镇", "乡")
_NEW_NAME_RE = re.compile(
    "|".join(sorted((*_ORG_SUFFIXES, *_ZONE_SUFFIXES, *_PLACE_SUFFIXES), key=len, reverse=True))
)
# a character that ends the words before a name (punctuation is not a Han character anyway)
_NAME_STOP = frozenset(
    "的在和与及对向为是由从将把被了到于等以并而或让给同跟至共其这那该各每此也都还已又再就"
    "才所之个家座多约近超达有占比较上下内外中年月日"
)
# determiners and verbs that often stand before a name and are not part of it
_NAME_LEADING = re.compile(
    r"^(?:全|本|该|各|每|某|整个|这个|那个|走进|来到|位于|入驻|落户|成立|引进|推动|支持|依托|"
    r"联合|携手|包括|例如|如|像|来自|通过|组织|设立|建设|打造|培育|全省|全市|全县|前身|"
    r"推进|布局|优化|提升|乘坐|引入|随着|新建|组建|加快|参观|考察|服务|带动)+"
)
# what a place suffix forms with the character before or after it when it is no name
_GENERIC_PLACE_BIGRAMS = frozenset(
    "城市 超市 股市 城区 市区 社区 园区 地区 山区 景区 矿区 片区 辖区 小区 郊区 新区 县区 市县 "
    "全区 全市 全县 全省 本省 本市 本县 外省 各省 各市 各县 乡镇 城镇 市镇 集镇 省市 上市 "
    "开市 夜市 门市 都市 楼市 车市 集市 债市 郡县 州县".split()
)
_PLACE_BREAK_AFTER = frozenset("场民值级政长域块间位份会内外属区县")
# words that make a generic noun with an organisation suffix (上市公司, 国有企业集团)
_GENERIC_ORG_PREFIXES = frozenset(
    "上市 国有 民营 外资 私营 合资 独资 控股 科技 能源 投资 建设 工程 物流 贸易 电力 煤炭 钢铁 "
    "化工 新能源 运营 平台 空壳 一家 这家 那家 企业 龙头 骨干 头部 大型 中小 相关 高等 重点 "
    "合作 示范 试点 国家 地方 本地 当地 外地 驻地".split()
)
# class words: 国家级开发区, 工业类开发区, 市县开发区 are kinds of zone, not names
_CLASS_NAME_RE = re.compile(
    r"(?:级|类|型|性|以上|以下|各类|相关|所属|重点|大型|中小)$|^[省市县区镇乡村两各]+$"
)


# verbs that a name of a zone, park or mine does not hold
_VERB_IN_NAME_RE = re.compile(
    r"累计|建成|已|完成|实现|新增|共有|拥有|达到|开工|签约|投产|关闭|淘汰"
)


def _new_names(
    simple: str, known: list[tuple[int, int, str]], place_of: Callable[[str], bool]
) -> list[tuple[int, int, str]]:
    """Names that ``entities.csv`` does not hold, found by their suffix (``长治市``,
    ``某某能源有限公司``, ``某某开发区``): each as ``(start, end, "new:" + name)``, never
    overlapping a known name. Class words (``国家级开发区``, ``工业类开发区``), generic words
    (``城市``, ``园区`` alone) and a suffix that starts a longer word (``市场``) are left out.
    """
    taken = [False] * (len(simple) + 1)
    place_end: dict[int, int] = {}  # end → start of a place name
    for a, b, e in known:
        for i in range(a, b):
            taken[i] = True
        if place_of(e):
            place_end[b] = a
    out: list[tuple[int, int, str]] = []
    for m in _NEW_NAME_RE.finditer(simple):
        suffix, a, b = m.group(0), m.start(), m.end()
        if any(taken[a:b]):
            continue
        place = suffix in _PLACE_SUFFIXES
        if place:
            after = simple[b : b + 1]
            if after in _PLACE_BREAK_AFTER or simple[a - 1 : b] in _GENERIC_PLACE_BIGRAMS:
                continue
        # the words before the suffix, back to a stop, a known name or the limit
        start, limit = a, (2 if place and len(suffix) == 1 else 10)
        while (
            start > 0
            and a - start < limit
            and "\u4e00" <= simple[start - 1] <= "\u9fff"
            and simple[start - 1] not in _NAME_STOP
            and not taken[start - 1]
        ):
            start -= 1
        prefix = simple[start:a]
        lead = _NAME_LEADING.match(prefix)
        if lead and not place:
            prefix, start = prefix[lead.end() :], start + lead.end()
        if suffix in _ZONE_SUFFIXES and _VERB_IN_NAME_RE.search(prefix):
            continue  # 山西累计建成智能化煤矿: a clause, not a name
        if suffix in _ZONE_SUFFIXES:
            # a zone starts with a place named straight before its own words
            if (
                start not in place_end
                or simple[place_end[start] : start] in _PROVINCE_WORDS
                or (prefix and (_CLASS_NAME_RE.search(prefix) or _NAME_LEADING.fullmatch(prefix)))
            ):
                continue
            if out and out[-1][1] == start:
                out.pop()  # a new place that starts the zone's name is part of it
            start = place_end[start]
            prefix = simple[start:a]
        if (
            len(prefix) < 2
            or (place and len(prefix) != 2 and len(suffix) == 1)
            or _NAME_LEADING.fullmatch(prefix)
            or _CLASS_NAME_RE.search(prefix)
            or prefix in _GENERIC_ORG_PREFIXES
            or (place and prefix[0] in "全本该各每此这那其某")
            or (suffix in _SUB_PLACE_SUFFIXES and not (start > 0 and taken[start - 1]))
        ):
            continue
        out.append((start, b, NEW_ENTITY_PREFIX + simple[start:b]))
        for i in range(start, b):
            taken[i] = True
        if place:
            place_end[b] = start
    return out


@lru_cache(maxsize=64)
def _word_re(word: str) -> re.Pattern:
    return re.compile(word)


def _names_in(
    text: str,
    simple: str,
    matcher: _EntityMatcher,
    province: str | None,
    home: tuple[tuple[str, str], ...] = (),
) -> list[tuple[int, int, str]]:
    """Every name in a block, in order: the entities of ``entities.csv`` (in either script),
    ``全省``/``我省`` as the article's province, ``全市``/``全县``/``我市``… as the article's
    city, county or zone (``home``, from :func:`home_entities`), and new names (``new:`` +
    the name as written, in the text's own script)."""
    hits = matcher.find(simple)
    if province:
        for w in _PROVINCE_WORDS:
            if w in simple:
                hits += [(m.start(), m.end(), province) for m in _word_re(w).finditer(simple)]
    for level, eid in home:
        for w in _HOME_WORDS[level]:
            if w in simple:
                hits += [(m.start(), m.end(), eid) for m in _word_re(w).finditer(simple)]
    new = _new_names(simple, hits, lambda e: matcher.type_of.get(e) in _PLACE_TYPES)
    return sorted(hits + [(a, b, NEW_ENTITY_PREFIX + text[a:b]) for a, b, _e in new])


# a dateline (新华社太原1月30日电, 本报示例县3月2日讯): where the report was filed
_DATELINE_RE = re.compile(r"([\u4e00-\u9fff]{2,12}?)\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:电|讯)")

# 全市, 全县, 我市 …: the article's own city, county or zone
_HOME_WORDS = {
    "市": ("全市", "我市", "本市"),
    "县": ("全县", "我县", "本县"),
    "区": ("全区", "我区", "本区"),
}
_HOME_WORD_RE = re.compile("|".join(w for ws in _HOME_WORDS.values() for w in ws))
_HOME_TYPES = {
    "市": ("city",),
    "县": ("county",),
    "区": ("development_zone", "demonstration_zone", "park"),
}
_NEW_TYPE_BY_SUFFIX = (
    (("有限公司", "公司", "集团"), "company"),
    (("大学", "学院"), "university"),
    (("研究院", "研究所", "实验室"), "research_institution"),
    (
        ("开发区", "高新区", "经开区", "示范区", "自贸区", "综保区", "保税区", "新区"),
        "development_zone",
    ),
    (("园区", "产业园", "工业园", "科技园"), "park"),
    (("煤矿",), "facility"),
    (("管委会",), "government_body"),
    (("自治州", "市"), "city"),
    (("县",), "county"),
    (("区",), "region"),
    (("镇", "乡"), "town"),
)


def new_entity_type(name: str) -> str:
    """The type a new name is proposed with, by its suffix (``沁源县`` → county,
    ``某某有限公司`` → company); ``""`` when the suffix says nothing.

    >>> new_entity_type("示例县"), new_entity_type("示例能源有限公司")
    ('county', 'company')
    """
    simple = to_simplified(name)
    for suffixes, kind in _NEW_TYPE_BY_SUFFIX:
        if simple.endswith(suffixes):
            return kind
    return ""


def home_entities(
    matcher: _EntityMatcher, sources_in_order: Sequence[str]
) -> tuple[tuple[str, str], ...]:
    """The article's own city, county and zone, that ``全市``, ``全县``, ``全区`` and ``我市``
    … stand for: for each, the first such name in the first of ``sources_in_order`` (the
    title, the dateline, the publisher, then the text) that names one; a name not in
    ``entities.csv`` as ``new:`` + the name. ``((level, entity), …)``."""
    out: dict[str, str] = {}
    place = lambda e: matcher.type_of.get(e) in _PLACE_TYPES  # noqa: E731
    for src in sources_in_order:
        if len(out) == len(_HOME_TYPES):
            break
        simple = to_simplified(src or "")
        if not simple:
            continue
        known = matcher.find(simple)
        new = [
            (a, b, NEW_ENTITY_PREFIX + simple[a:b]) for a, b, _e in _new_names(simple, known, place)
        ]
        for level, types in _HOME_TYPES.items():
            if level in out:
                continue
            found = sorted(
                [h for h in known if matcher.type_of.get(h[2]) in types]
                + [h for h in new if h[2].endswith(level)]
            )
            if found:
                out[level] = found[0][2]
    return tuple((level, out[level]) for level in _HOME_TYPES if level in out)


# Generic words for a body of whatever is named just before them (省级以上开发区管委会 are the
# zones' committees): written straight after a name they are not an entity of their own.
_BODY_WORDS = frozenset(
    ("管委会", "管理委员会", "委员会", "人民政府", "政府", "公司", "集团", "园区", "开发区")
)
# characters after which such a word starts a mention of its own (与管委会, 的公司)
_NAME_JOIN_CHARS = frozenset("的和与及在对向为是由从将把被让给、")


def _owned_bodies(simple: str, hits: list[tuple[int, int, str]]) -> set[tuple[int, int, str]]:
    """The names that are only a generic body word (``管委会``, ``公司``) written straight
    after another word: the body of that other name, not the entity the word names alone."""
    return {
        h
        for h in hits
        if _name_key(simple[h[0] : h[1]]) in _BODY_WORDS
        and h[0] > 0
        and "\u4e00" <= simple[h[0] - 1] <= "\u9fff"
        and simple[h[0] - 1] not in _NAME_JOIN_CHARS
    }


# A verb that makes what it counts (建设 15 个智创城, 已建成 10 个): the things made are the
# object, and the figure is about who makes them.
_MAKE_BEFORE_RE = re.compile(
    r"(?:建设|建成|新建|兴建|筹建|布局|打造|培育|设立|组建|创建|建)了?\s*(?:约|近|超过|超)?\s*$"
)


# a counted noun that names a kind of place or body (83个县, 200家企业)
_BODY_KIND_RE = re.compile(
    r"(?:[省市县区乡镇村]|企业|公司|集团|高校|学校|大学|医院|银行|园区|开发区|单位|机构|家庭)$"
)


def _counts_other_bodies(counted_noun: str, name: str) -> bool:
    """Whether a count counts places or bodies of another kind than the aggregate ``name``
    (``83个县`` beside ``省级以上开发区``: yes; ``6个国家级开发区``: no, they are its
    members; ``分6期``: no, rounds are no bodies)."""
    return bool(_BODY_KIND_RE.search(counted_noun)) and counted_noun[-2:] not in name


_SPEECH_VERBS = ("说", "表示", "介绍", "指出", "坦言", "告诉记者")
_SPEECH_RE = re.compile(r"([\u4e00-\u9fff]{2,4})(?:" + "|".join(_SPEECH_VERBS) + ")")
_SPEECH_VERB_RE = re.compile("|".join(_SPEECH_VERBS))


def has_speech(simple: str) -> bool:
    """Whether a block introduces a speaker (``王某说``): a verb of speech is looked for
    before the pattern, which would try the characters before every position."""
    return _SPEECH_VERB_RE.search(simple) is not None and _SPEECH_RE.search(simple) is not None


_QUOTE_SPEAKER_RE = re.compile(r"[”」\"]\s*([\u4e00-\u9fff]{2,4}?)(?:说|表示|介绍|指出|坦言)")


def speakers_of(simple: str, hits: list[tuple[int, int, str]]) -> dict[str, str]:
    """Who speaks for which entity in a block: a person introduced with an organisation
    (``山西某某公司负责人王某说``) speaks for the nearest entity named before the name in its
    clause. Keys are the last two and three characters before the speech verb, so a later
    ``”王某说`` finds the organisation."""
    out: dict[str, str] = {}
    for m in _SPEECH_RE.finditer(simple):
        a, _b = _clause_bounds(simple, m.start())
        before = [h for h in hits if a <= h[0] and h[1] <= m.start(1) + len(m.group(1))]
        if not before:
            continue
        words = m.group(1)
        for n in (2, 3):
            if len(words) >= n:
                out.setdefault(words[-n:], before[-1][2])
    return out


def quoted_speaker(simple: str) -> str:
    """The person a block quotes (``“……”王某说``), or ``""``."""
    m = _QUOTE_SPEAKER_RE.search(simple)
    return m.group(1) if m else ""


def _article_entities(
    matcher: _EntityMatcher, title: str, text: str
) -> tuple[str | None, str | None]:
    """The article's main subject (the entity named in the title, else the one named most,
    a source such as 据太原海关统计 not counted) and its province (the main subject if a
    province, else the province named most, else the province of the places named)."""
    in_title = matcher.find(to_simplified(title or ""))
    counts: dict[str, int] = {}
    simple = to_simplified(text)
    named = matcher.find(simple)
    sources_named = set(named) - set(_subject_hits(simple, named))
    for h in named:
        if not (h in sources_named and _is_source(simple, h)):
            counts[h[2]] = counts.get(h[2], 0) + 1
    if in_title:
        # the most named of the title's entities
        main = max((e for _a, _b, e in in_title), key=lambda e: counts.get(e, 0))
    else:
        main = max(counts, key=counts.get) if counts else None
    provinces = {e: n for e, n in counts.items() if matcher.type_of.get(e) == "province"}
    if main and matcher.type_of.get(main) == "province":
        return main, main
    if provinces:
        return main, max(provinces, key=provinces.get)
    for _a, _b, eid in named:  # 太原 (even as a source) lies in 山西
        parent = matcher.parent_of.get(eid, "")
        if matcher.type_of.get(parent) == "province":
            return main or parent, parent
    return main, None


def _entity_words(lexicon: Lexicon, entity: str | None) -> tuple[str, ...]:
    """The names of an existing entity (its short forms too), to find an indicator named
    for it; none for a new or missing entity."""
    if not entity or entity.startswith(NEW_ENTITY_PREFIX):
        return ()
    return _entity_name_table(lexicon.entities).get(entity, ())


@lru_cache(maxsize=8)
def _entity_name_table(entities: tuple) -> dict[str, tuple[str, ...]]:
    return {e[0]: tuple(n for n in e[3] if len(n) >= 3 or e[2] != "province") for e in entities}


@dataclass(frozen=True)
class _EntityScope:
    """What one block offers for a figure's entity."""

    matcher: _EntityMatcher
    hits: list
    """names that can be what a figure is about (not list members, bases, examples …)"""
    all_hits: list
    """every name (for a name that holds the figure and for comparison bases)"""
    counted: dict
    """names a figure counts, with that figure"""
    made: set
    """counted names that a verb makes (建设 15 个智创城)"""
    paragraph: str | None
    speaker: str | None
    article: str | None


def _new_entity_parent(
    eid: str,
    etype: str,
    before: int,
    simple: str,
    hits: Sequence[tuple[int, int, str]],
    home: tuple[tuple[str, str], ...],
) -> str:
    """The place a new entity sits in: the place named straight before its last mention
    before ``before`` (``长治市沁源县``), else for a county the article's own city."""
    mentions = [h for h in hits if h[2] == eid and h[0] <= before] or [
        h for h in hits if h[2] == eid
    ]
    for a, _b, _e in reversed(mentions):
        for _pa, pb, pe in hits:
            if pb == a and pe != eid:
                return pe
    if etype == "county":
        return dict(home).get("市", "")
    return ""


_RANK_GAP_RE = re.compile(r"[\s的]*(?:第|前)?")
_RANK_AFTER_RE = re.compile(r"[\s的]*(?:第|前)\s*[\d一二三四五六七八九十]+\s*(?:位|名)")


def _entity_for(
    q: quantities.Quantity,
    simple: str,
    clause: tuple[int, int],
    sentence: tuple[int, int],
    kind: str,
    scope: _EntityScope,
    counted_noun: str,
) -> _Field:
    """The entity a figure is about, by the rules of ``docs/conventions.md`` (in order):

    1. a name that holds the figure (``30 兆瓦农光互补光伏扶贫电站项目``);
    2. a benchmark is the value of its comparison base (``全国平均值`` → the country, or
       an average-type aggregate under it named earlier in the block); ``基准`` with no
       base named is national;
    3. what the figure counts, when it is an aggregate and not made by the verb
       (``共有83个省级以上开发区``), or a place's people (``3500 万三晋儿女``);
    4. the nearest name before the figure in its clause, its sentence, earlier in the
       block — skipping an aggregate when the figure counts something that is not one of
       its members (``83个县``);
    5. the block's first name; the organisation of the person the block quotes; the
       article's main subject.
    """
    m = scope.matcher
    for a, b, eid in scope.all_hits:
        if a <= q.start and q.end <= b:
            return _Field(eid, f"name-holds-figure:{simple[a:b]}", 0.85)
    if kind == "benchmark":
        bases = [h for h in scope.all_hits if clause[0] <= h[0] and h[1] <= q.start]
        if bases:
            base = bases[-1][2]
            averages = [
                h
                for h in scope.all_hits
                if h[1] <= q.start
                and m.type_of.get(h[2]) == "aggregate"
                and m.parent_of.get(h[2]) == base
                and "平均" in m.name_of.get(h[2], "")
            ]
            if averages:
                h = averages[-1]
                return _Field(h[2], f"benchmark-average-of:{simple[h[0] : h[1]]}", 0.7)
            return _Field(base, f"benchmark-base:{simple[bases[-1][0] : bases[-1][1]]}", 0.75)
        country = m.by_name.get("全国")
        if country and "基准" in simple[clause[0] : clause[1]]:
            return _Field(country, "benchmark-national:基准", 0.65)
    # what is counted is an aggregate (83个省级以上开发区) or a place's people
    # (3500 万三晋儿女): the figure is about it
    for h, cq in scope.counted.items():
        if cq is not q or h in scope.made:
            continue
        t = m.type_of.get(h[2])
        if t == "aggregate" or (t in ("province", "city", "county") and q.unit in "万亿千"):
            return _Field(h[2], f"counted-aggregate:{simple[h[0] : h[1]]}", 0.8)

    def usable(h: tuple[int, int, str]) -> bool:
        if _RANK_AFTER_RE.match(simple, h[1]) or (
            q.base_unit == "rank" and _RANK_GAP_RE.fullmatch(simple[h[1] : q.start])
        ):
            return False  # 全国第20位: the scope of a ranking, not what is ranked
        # an aggregate holds for figures that count its members (其中6个国家级开发区), not
        # for one that counts something else (83个县)
        if counted_noun and m.type_of.get(h[2]) == "aggregate" and scope.counted.get(h) is not q:
            return not _counts_other_bodies(counted_noun, simple[h[0] : h[1]])
        return True

    for lo, rule, c in (
        (clause[0], "clause", 0.9),
        (sentence[0], "sentence", 0.8),
        (0, "paragraph-before", 0.65),
    ):
        for h in reversed(scope.hits):
            if lo <= h[0] and h[1] <= q.start and usable(h):
                return _Field(h[2], f"{rule}:{simple[h[0] : h[1]]}", c)
    # (a name after the figure is what is counted, not what the figure is about)
    if scope.paragraph:
        return _Field(scope.paragraph, "paragraph", 0.65)
    if scope.speaker:
        return _Field(scope.speaker, "speaker-organisation", 0.6)
    if scope.article:
        return _Field(scope.article, "article", 0.55)
    return _Field(None, "none", 0.2)
