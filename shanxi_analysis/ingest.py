"""A new article → a source registry row and candidate facts, by the fact conventions.

:func:`propose` is the per-article function: pure (bytes and a :class:`Lexicon` in, plain
dicts out, no I/O) and picklable, so the same code runs in one process, in a process pool
(:func:`add_many`), or on a Dask bag or Spark partitions. :func:`add` is the command: it
reads the file, refuses a file already registered (by hash), copies it unchanged into
``data/raw/``, appends its registry row and writes the review file (:mod:`.review`).

Every proposed field says which rule set it (``rules``) and how sure the rule is
(``confidence``, the lowest over the fields), so a reviewer checks the weakest first. The
rules are those of ``docs/conventions.md``:

* **period**: a time expression (``2020年``, ``一季度``, ``截至2021年6月``, ``“十三五”期间``,
  ``今年以来``, ``1-8月`` …) resolved against the publication date; the nearest one before
  the figure in its clause, else in its sentence, else one stated earlier in the paragraph
  (a period at the head carries on), else one after the figure in its clause; else empty.
* **kind**: benchmark, estimate, target or plan words in the clause (then the sentence);
  a year after the publication year makes a target; else ``actual``.
* **measure** and **direction**: from the base unit and the words next to the figure.
* **entity**: a name that holds the figure; a benchmark's base (or the average aggregate
  under it); an aggregate the figure counts; else the nearest entity named in the clause,
  the sentence, earlier in the paragraph, else the paragraph's first, else the organisation
  of the person the paragraph quotes, else the article's (``全省``/``我省`` is the article's
  province). Names, short forms and aliases of ``entities.csv`` are matched in either
  script (OpenCC); a name it does not hold is proposed by its suffix (``长治市``,
  ``…有限公司``, ``晋城开发区``) with ``entity_id`` null and ``entity_name`` as written.
* **subject**: the clause's words before the figure, less the period, the entity, the
  connectives and the verb; else the noun after the figure.
* **indicator**: an existing one when its base unit and measure match and its Chinese name
  is in the clause (more so when the name is the entity's own or says the statement's kind:
  ``计划投资``); else a proposed id (``new_…``, the same for the same subject, measure and
  unit) named by the subject.
* **exclusions**: a structural count (``以下四个方面``), a figure inside a name or a title,
  a figure of speech, or a figure the article already gave are proposed as exclusions.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import quantities, sources

CANDIDATE_FIELDS: tuple[str, ...] = (
    "candidate_id",
    "span",
    "value",
    "unit",
    "base_value",
    "base_unit",
    "qualifier",
    "period",
    "kind",
    "measure",
    "direction",
    "entity_id",
    "entity_name",
    "subject",
    "indicator_id",
    "indicator_name",
    "indicator_status",
    "quote",
    "sentence",
    "block_no",
    "start",
    "end",
    "exclude",
    "reason_code",
    "reason",
    "confidence",
    "rules",
)
"""The fields of one candidate, in the order of the JSON output and the review file."""


class IngestError(ValueError):
    """An article cannot be added; the message names the file and what was expected."""


# ---------------------------------------------------------------- script conversion


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    """OpenCC's traditional → simplified character table (its ``TSCharacters`` dictionary),
    as a ``str.translate`` table: one character to one, so offsets survive."""
    from importlib.resources import files

    table: dict[int, str] = {}
    text = (files("opencc") / "dictionary" / "TSCharacters.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        trad, _, simp = line.partition("\t")
        simp = simp.split()[0] if simp.split() else ""
        if len(trad) == 1 and len(simp) == 1 and trad != simp:
            table[ord(trad)] = simp
    return table


def to_simplified(text: str) -> str:
    """Return ``text`` in simplified script, character for character (so offsets in the
    result are offsets in ``text``), by OpenCC's character table.

    >>> to_simplified("山西轉型綜合改革示範區")
    '山西转型综合改革示范区'
    """
    return text.translate(_t2s_table()) if text else text


# ---------------------------------------------------------------- the lexicon


@dataclass(frozen=True)
class Lexicon:
    """What an article is matched against: entity names and indicators (plain tuples, so it
    pickles and can be shipped to worker processes)."""

    entities: tuple[tuple[str, str, str, tuple[str, ...], str], ...] = ()
    """(entity_id, name_zh, type, names in simplified script, parent_id)"""
    indicators: tuple[tuple[str, str, str, str], ...] = ()
    """(indicator_id, name_zh, base unit, theme)"""
    known_hashes: tuple[tuple[str, str], ...] = ()
    """(sha256, source_id) of the registered sources"""
    indicator_profiles: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()
    """(indicator_id, entity types, period grains) of the curated facts of each indicator:
    what an indicator is about, to propose it only for a figure of the same sort"""

    @classmethod
    def from_data(cls) -> Lexicon:
        """Return the lexicon of the curated tables and the source registry."""
        import pandas as pd

        from . import paths

        def read(path: Path) -> pd.DataFrame:
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")

        ents = read(paths.curated_dir() / "entities.csv")
        inds = read(paths.curated_dir() / "indicators.csv")
        reg = sources.registry()
        entities = []
        for r in ents.to_dict("records"):
            entities.append(
                (r["entity_id"], r["name_zh"], r["type"], entity_names(r), r.get("parent_id", ""))
            )
        indicators = tuple(
            (r["indicator_id"], r["name_zh"], r["unit"], r["theme"])
            for r in inds.to_dict("records")
        )
        hashes = tuple(zip(reg["sha256"], reg["source_id"], strict=True))
        facts = read(paths.curated_dir() / "facts.csv")
        type_of = dict(zip(ents["entity_id"], ents["type"], strict=True))
        profiles: dict[str, tuple[set, set]] = {}
        for iid, eid, period in zip(
            facts["indicator_id"], facts["entity_id"], facts["period"], strict=True
        ):
            types, grains = profiles.setdefault(iid, (set(), set()))
            types.add(type_of.get(eid, ""))
            grains.add(period_grain(period))
        profile_rows = tuple(
            (iid, tuple(sorted(t)), tuple(sorted(g))) for iid, (t, g) in sorted(profiles.items())
        )
        return cls(tuple(entities), indicators, hashes, profile_rows)


_ADMIN_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市", "县")


def entity_names(row: dict) -> tuple[str, ...]:
    """Return the names an entity is matched by, in simplified script: its Chinese name,
    the name without a bracketed note or an administrative suffix, its mention and its
    ``aliases`` (``; ``-separated)."""
    names = {row.get("name_zh") or "", row.get("mention") or ""}
    base = re.sub(r"[（(][^）)]*[）)]", "", row.get("name_zh") or "").strip()
    names.add(base)
    if row.get("type") in ("province", "city", "county", "region"):
        for suffix in _ADMIN_SUFFIXES:
            if base.endswith(suffix) and len(base) - len(suffix) >= 2:
                names.add(base[: -len(suffix)])
                break
    for alias in (row.get("aliases") or "").split(";"):
        names.add(alias.strip())
    # A mention that starts with a count ('219个国家级…') is matched without it.
    names |= {re.sub(r"^\d+\s*[个家座]", "", n) for n in list(names)}
    return tuple(sorted({to_simplified(n) for n in names if len(n) >= 2}, key=len, reverse=True))


# ---------------------------------------------------------------- periods

_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
           "九": 9, "十": 10, "十一": 11, "十二": 12}  # fmt: skip
_PLAN_START = {"十一": 2006, "十二": 2011, "十三": 2016, "十四": 2021, "十五": 2026}


def _num(s: str) -> int:
    s = s.strip().lstrip("第")
    if s.isdigit():
        return int(s)
    return _CN_NUM[s]


_S = r"\s*"
_YEAR = r"(?P<y>\d{4})\s*年"
_MONTH = r"(?P<m>1[0-2]|0?[1-9])\s*月"
_NUMWORD = r"\d{1,2}|十[一二]?|[一二两三四五六七八九]"
_REL_YEAR = r"(?P<rel>今年|去年|前年|明年|当年|本年)"
_SUB_YEAR = (
    r"(?:(?P<q>第?[一二三四1-4])季度"
    r"|(?P<half>上半年|下半年)"
    r"|(?P<q3>前三季度)"
    rf"|(?P<m1>{_NUMWORD})\s*[-－—~～至到]\s*(?P<m2>{_NUMWORD})\s*月份?"
    rf"|前\s*(?P<first>{_NUMWORD})\s*个月"
    rf"|(?P<mo>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*月\s*(?:份|当月)?"
    r"(?:\s*(?P<d>[0-3]?\d)\s*日)?(?P<end>底|末)?)"
)

_PERIOD_RES: tuple[tuple[str, re.Pattern], ...] = tuple(
    (name, re.compile(rx))
    for name, rx in (
        (
            "year-range",
            r"(?P<y1>\d{4})\s*年?\s*(?:至|到|—|－|-|~)\s*(?P<y2>\d{4})\s*年\s*(?P<h2>上半年)?",
        ),
        # 从2012到2021(十年间): a span of years with 从/由 and no 年
        ("year-range", r"(?<=[从由])\s*(?P<y1>\d{4})\s*(?:至|到)\s*(?P<y2>\d{4})(?![\d.])"),
        ("years-past", rf"(?:过去|近|前)\s*(?P<n>{_NUMWORD})\s*年(?!前|以前|度|底|末)"),
        ("years-ahead", rf"(?:未来|今后|此后|接下来)\s*(?P<n>{_NUMWORD})\s*年(?!前|以前|度|底|末)"),
        ("plan", r"[“\"]?十(?P<p>[一二三四五])五[”\"]?\s*(?P<pp>期间|以来|末|前三年|前两年|时期)?"),
        ("since", r"(?P<y>\d{4})\s*年\s*以来"),
        ("horizon", rf"用\s*(?P<n>{_NUMWORD})\s*年(?:左右|多)?(?:的)?时间"),
        ("this-year-since", r"(?:今年|本年)以来"),
        ("present", r"截至目前|截止目前|目前|当前|如今|现阶段|不久前|近日|日前"),
        ("year-sub", _YEAR + _S + _SUB_YEAR),
        ("rel-sub", _REL_YEAR + _S + _SUB_YEAR),
        ("year", _YEAR + r"(?P<yend>底|末)?"),
        ("rel", _REL_YEAR),
        ("sub", _SUB_YEAR),
    )
)


@dataclass(frozen=True)
class Published:
    """A publication date, as precise as it is known."""

    year: int | None = None
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str | None) -> Published:
        """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (anything else is unknown)."""
        m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", (text or "").strip())
        if not m:
            return cls()
        return cls(*(int(g) if g else None for g in m.groups()))


def _sub_period(m: re.Match, year: int | None) -> str | None:
    if year is None:
        return None
    g = m.groupdict()
    if g.get("q"):
        return f"{year}Q{_num(g['q'])}"
    if g.get("half"):
        return f"{year}-01/{year}-06" if g["half"] == "上半年" else f"{year}-07/{year}-12"
    if g.get("q3"):
        return f"{year}-01/{year}-09"
    if g.get("m1"):
        return f"{year}-{_num(g['m1']):02d}/{year}-{_num(g['m2']):02d}"
    if g.get("first"):
        return f"{year}-01/{year}-{_num(g['first']):02d}"
    if g.get("mo"):
        month = _num(g["mo"])
        if month > 12:
            return None
        if g.get("d"):
            return f"{year}-{month:02d}-{int(g['d']):02d}"
        return f"{year}-{month:02d}"
    return None


def _resolve(name: str, m: re.Match, pub: Published) -> str | None:
    g = m.groupdict()
    if name == "year-range":
        y1, y2 = int(g["y1"]), int(g["y2"])
        if not 1000 <= y1 < y2 <= 2999:
            return None
        return f"{y1}-01/{y2}-06" if g.get("h2") else f"{y1}/{y2}"
    if name == "plan":
        start = _PLAN_START["十" + g["p"]]
        pp = g.get("pp") or "期间"
        if pp == "末":
            return str(start + 4)
        if pp == "前三年":
            return f"{start}/{start + 2}"
        if pp == "前两年":
            return f"{start}/{start + 1}"
        if pp == "以来":
            return f"{start}/{pub.year}" if pub.year else f"{start}/{start + 4}"
        return f"{start}/{start + 4}"
    if name == "since":
        y = int(g["y"])
        return f"{y}/{pub.year}" if pub.year and pub.year > y else str(y)
    if name == "present":
        # The curated tables date a present stock by the publication year.
        return str(pub.year) if pub.year else None
    if name == "horizon":
        return f"{pub.year}/{pub.year + _num(g['n'])}" if pub.year else None
    if name == "this-year-since":
        if pub.year is None:
            return None
        return f"{pub.year}-01/{pub.year}-{pub.month:02d}" if pub.month else str(pub.year)
    if name in ("year-sub", "sub", "rel-sub"):
        if name == "year-sub":
            year = int(g["y"])
        elif name == "rel-sub":
            year = _rel_year(g["rel"], pub)
        else:
            year = pub.year
        return _sub_period(m, year)
    if name == "year":
        y = int(g["y"])
        if not 1000 <= y <= 2999:
            return None
        # 截至2023年底: a stock at the end of the year's last month
        if g.get("yend") and re.search(
            r"(?:截至|截止|至)\s*$", m.string[max(0, m.start() - 3) : m.start()]
        ):
            return f"{y}-12"
        return str(y)
    if name == "years-past":
        # 过去五年 in a 2023 article: the five whole years before it, 2018/2022
        return f"{pub.year - _num(g['n'])}/{pub.year - 1}" if pub.year else None
    if name == "years-ahead":
        # 未来五年 in a 2023 article: a target for the fifth year, 2027
        return str(pub.year + _num(g["n"]) - 1) if pub.year else None
    if name == "rel":
        y = _rel_year(g["rel"], pub)
        return str(y) if y else None
    return None


def _rel_year(word: str, pub: Published) -> int | None:
    if pub.year is None:
        return None
    return pub.year + {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "前年": -2, "明年": 1}[word]


@dataclass(frozen=True)
class PeriodMention:
    """A time expression in a text and the period it resolves to."""

    start: int
    end: int
    text: str
    period: str
    rule: str


def find_periods(text: str, published: Published | str | None = None) -> list[PeriodMention]:
    """Return the time expressions of ``text`` resolved against the publication date, in
    order, never overlapping (the longest wins).

    >>> [(p.text, p.period) for p in find_periods("今年一季度，增长5%；2019年完成", "2020-05")]
    [('今年一季度', '2020Q1'), ('2019年', '2019')]
    """
    pub = published if isinstance(published, Published) else Published.parse(published)
    found: list[PeriodMention] = []
    for name, rx in _PERIOD_RES:
        for m in rx.finditer(text):
            if m.end() == m.start():
                continue
            period = _resolve(name, m, pub)
            if period:
                found.append(PeriodMention(m.start(), m.end(), m.group(0), period, name))
    found.sort(key=lambda p: (p.start, -(p.end - p.start)))
    out: list[PeriodMention] = []
    for p in found:
        if out and p.start < out[-1].end:
            continue
        out.append(p)
    return out


# The reference of a comparison (比去年同期, 较2019年, 相比去年上半年, 与上年相比) is not the
# period of the figure compared.
_REFERENCE_BEFORE_RE = re.compile(
    r"(?:比|较|相比|相较|较之|比起|对比|对照|低于|高于|超过)(?:于)?\s*$"
)
_REFERENCE_WITH_RE = re.compile(r"(?:与|同|和|跟)\s*$")
_REFERENCE_AFTER_RE = re.compile(r"^\s*(?:同期)?\s*(?:相比|比较|相较|持平|基本持平)")
# 2023年第四次活动, 2021年度第二批: the year names an event, not the figures' period
_EVENT_AFTER_RE = re.compile(
    r"^\s*(?:度)?\s*第\s*[\d一二三四五六七八九十]+\s*(?:次|届|批|期|轮|场)"
)
# a dateline (太原1月30日电) dates the report, not its figures
_DATELINE_AFTER_RE = re.compile(r"^\s*(?:电|讯)")


def is_reference(simple: str, p: PeriodMention) -> bool:
    """Whether a time expression is not the period of the figures near it: the reference of
    a comparison (``比去年同期``, ``较2019年``, ``与上年相比``), a year that numbers an event
    (``2023年第四次``) or a dateline (``1月30日电``).

    >>> [is_reference(t, find_periods(t, "2020-05")[0]) for t in ("比去年同期增长", "去年增长")]
    [True, False]
    """
    before = simple[max(0, p.start - 4) : p.start]
    after = simple[p.end : p.end + 8]
    return bool(
        _REFERENCE_BEFORE_RE.search(before)
        or (_REFERENCE_WITH_RE.search(before) and _REFERENCE_AFTER_RE.match(after))
        or (p.rule in ("year", "year-sub", "rel") and _EVENT_AFTER_RE.match(after))
        or (p.rule in ("sub", "year-sub") and _DATELINE_AFTER_RE.match(after))
    )


def _is_sentence_head(simple: str, p: PeriodMention, sentence_start: int) -> bool:
    """Whether a time expression holds beyond its sentence: a present (``目前``, ``日前``),
    or one that heads its sentence, with nothing before it but a few words with no figure
    (``据统计，今年一季度，……``), and not the base of what follows (``在2021年……的基础上``)."""
    if p.rule == "present":
        return True
    clause_end = min(
        [i for i in (simple.find(c, p.end) for c in "，,；;。") if i >= 0] or [len(simple)]
    )
    if (
        re.search(r"在\s*$", simple[max(0, p.start - 2) : p.start])
        and "基础上" in simple[p.end : clause_end]
    ):
        return False
    return not _has_figure(simple[sentence_start : p.start])


def _has_figure(words: str) -> bool:
    """Whether words hold a figure; a day of the month (记者24日从……获悉) and a dateline
    (太原1月30日电) are none."""
    words = re.sub(r"\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:电|讯)?|\d{1,2}\s*日", "", words)
    return bool(re.search(r"\d|[一二三四五六七八九十百千万亿]+[个家座项%]", words))


def lead_period(title: str, first_text: str, published: Published | str | None) -> str:
    """The period an article is about, when its title or the head of its first paragraph
    states one finer than a year (``一季度``, ``上半年``, ``1-5月``, ``12月1日``): the
    figures that state no period of their own have it. ``""`` otherwise."""
    for text, head_only in ((title, False), (first_text, True)):
        simple = to_simplified(text or "")
        for p in find_periods(simple, published):
            if is_reference(simple, p):
                continue
            head = simple[: p.start]
            if head_only and (
                _has_figure(head) or re.search(r"[。！？!?]", head) or len(head) > 40
            ):
                break
            if re.fullmatch(r"\d{4}-\d{2}(?:-\d{2})?(?:/\d{4}-\d{2})?|\d{4}Q\d", p.period):
                return p.period
            break
    return ""


# ---------------------------------------------------------------- words

_CLAUSE_SEPS = "，,；;。！？!?：:\n"
_BENCHMARK_RE = re.compile(r"全国(?:的)?平均|平均(?:值|水平|降幅|增幅|增速)|全国\d+(?:\.\d+)?%的")
_ESTIMATE_RE = re.compile(
    r"预计|据测算|测算|估算|估计|可(?:减少|节约|节省|满足|新增|带动|实现|达到|替代|供应|解决|降低|增加|提供|发电)"
    r"|每年可|有望|相当于|折合|算下来|为例|按[^，,。；;]{0,16}算"
)
_TARGET_RE = re.compile(
    r"力争|目标|确保|将(?:达到|达|实现|突破|超过|提高|增至|建成)|到\s*\d{4}\s*年|计划到|争取|努力"
    r"|用[^，,。；;]{0,6}(?:时间|年)"
)
_PLAN_RE = re.compile(
    r"规划|拟|计划|将(?:新建|建设|投资|实施|开工|启动|布局|新增)|筹建|谋划|布局建设"
    r"|(?:一|二|首)期投资"
)
# words of a goal that say nothing of tense (控制在, 确保): a goal only for a figure not dated
# in the past
_GOAL_RE = re.compile(r"控制在|控制到|不超过|不低于|保持在")
# 总投资 (签约资金, 投资 of projects) is a plan's size only when the sentence looks ahead or
# speaks of projects being signed or started, not of investment done (完成投资)
_PLAN_TOTAL_RE = re.compile(
    r"(?<!完成)(?<!实际)(?<!累计)(?<!已)"
    r"(?:总投资|签约(?:资金|金额|额)|协议(?:投资|资金)|投资(?:额|总额|规模)?(?:达到?|为|约|超过?)?\s*$)"
)
_AHEAD_RE = re.compile(r"将|拟|规划|计划|正在|筹备|谋划|即将|开工|签约|签下|招商|推进")
# a statement about what is still to come: a plan in it is not dated by an earlier period
_FUTURE_RE = re.compile(r"将|拟|即将|筹备|谋划|(?:建成|达产|投产|运营)(?:后|之后)")
# the capacity a project is designed for (设计建设年产5万辆, 设计产能)
_DESIGN_RE = re.compile(r"设计(?:建设|规模|产能|能力)?|建设规模")
# an effect once a project runs (达产后，将提供3000个岗位) is an estimate
_EFFECT_RE = re.compile(
    r"(?:达产|建成|投产|运营|实施|投用|完成)(?:后|之后)[^。！？!?]*?(?:将|可|能)"
)
_BENCHMARK_WORD_RE = re.compile(r"基准")
_SHARE_RE = re.compile(r"占|比重|占比|份额|成以上来自|之一")
_CHANGE_RE = re.compile(
    r"增长|下降|增速|提高|降低|减少|回落|上升|增加(?!值)|同比|增幅|降幅|下拉|拉动|加快|增产|减产|翻|提升"
)
_GAP_RE = re.compile(r"高于|低于|快于|慢于|比[^，,；;。]{0,12}(?:高|低|快|慢|多|少)")
_DOWN_RE = re.compile(
    r"下降|减少|回落|低于|下拉|降低|减产|降幅|慢于|比[^，,；;。]{0,12}(?:低|慢|少)"
)
_UP_RE = re.compile(
    r"增长|增加(?!值)|提高|上升|高于|增产|拉动|加快|快于|增幅|增速|提升|比[^，,；;。]{0,12}(?:高|快|多)"
)
_STATE_RE = re.compile(
    r"[由从][^，,；;。]{0,12}$|[由从][^，,；;。]{0,20}(?:提高|增加|增长|下降|降低|减少|上升|扩大|缩小)?(?:到|至)\s*$"
)
_CHANGE_BEFORE_RE = re.compile(
    r"(?:增长|增加|减少|下降|增产|减产|提高|降低|回落|上升|新增|增|减|降)了?\s*(?:约|近|超过|超)?\s*$"
)
_PROVINCE_WORDS = ("全省", "我省", "本省")
# words that name the article's own place (全省, 全市, 我县 …): an entity, never a subject
_ENTITY_WORD_RE = re.compile("全省|我省|本省|全市|我市|本市|全县|我县|本县|全区|我区|本区")
_FIGURATIVE_RE = re.compile(r"像|如同|好比|仿佛|宛如|犹如")
_ENUM_AFTER_RE = re.compile(r"^\s*(?:个)?(?:方面|部分|要点|步|阶段|点|环节|任务|措施|原则)")
_ENUM_BEFORE_RE = re.compile(r"(?:以下|如下|下列|这|上述|从|在|抓好|做好|围绕|聚焦)\s*$")

_LEADING_WORDS = re.compile(
    r"^(?:其中|同时|此外|另外|并且|并|而|和|及|以及|共|全年|累计|目前|当前|现在|已|已经|"
    r"截至|截止|到|在|从|由|对|为|据|经|实现了?|共有|拥有)+"
)
_TRAILING_WORDS = re.compile(
    r"(?:达到了?|达|为|是|有|约|约为|超过|超|近|接近|突破|逾|增长了?|下降了?|减至|降至|增至|"
    r"提高到|提高了?|提升至|提升了?|提高|完成了?|实现了?|累计|共|总计|合计|已|建成了?|新增|"
    r"占|比重为?|占比为?|同比|比上年|较上年|分别|的|了|已经|至|到|减少了?|增加了?|增产|减产|"
    r"可满足|可|将|能|可以|计|达到|不足|不到|高达|仅|只有|以上|以内|左右|全省|我省|全国|"
    r"首次|当年|超出|落后|平均|每年|每|年均|突破了?|共计|总数|数量为?|总量为?)+$"
)
_COMPARISON_TAIL = re.compile(
    r"(?:比|较|高于|低于|快于|慢于|超过|少于|多于)[^，,；;。]*$|(?:高|低|快|慢|多|少)$"
)
# the same, but 占比, 比重 and 比例 are words of the subject, not comparisons
_SUBJECT_COMPARISON_TAIL = re.compile(
    r"(?:(?<!占)比(?![重例])|较|高于|低于|快于|慢于|超过|少于|多于)[^，,；;。]*$"
    r"|(?:高|低|快|慢|多|少)$"
)
_SUBJECT_AFTER_RE = re.compile(r"^[的]?([\u4e00-\u9fff]{1,10})")


def _clause_bounds(text: str, pos: int) -> tuple[int, int]:
    a = max(text.rfind(c, 0, pos) for c in _CLAUSE_SEPS) + 1
    ends = [i for i in (text.find(c, pos) for c in _CLAUSE_SEPS) if i >= 0]
    b = min(ends) if ends else len(text)
    return a, b


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    for a, b in sources.sentences(text):
        if a <= pos < max(b, a + 1):
            return a, b
    return 0, len(text)


# ---------------------------------------------------------------- entity matching


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
        if re.search(r"以$", before) and re.match(r"^[^，,。；;]{0,8}为例", simple[b:]):
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


# ---------------------------------------------------------------- new names

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
            hits += [(m.start(), m.end(), province) for m in re.finditer(w, simple)]
    for level, eid in home:
        for w in _HOME_WORDS[level]:
            hits += [(m.start(), m.end(), eid) for m in re.finditer(w, simple)]
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
    for level, types in _HOME_TYPES.items():
        for src in sources_in_order:
            simple = to_simplified(src or "")
            if not simple:
                continue
            known = matcher.find(simple)
            new = [
                (a, b, NEW_ENTITY_PREFIX + simple[a:b])
                for a, b, _e in _new_names(simple, known, place)
                if simple[a:b].endswith(level)
            ]
            found = sorted([h for h in known if matcher.type_of.get(h[2]) in types] + new)
            if found:
                out[level] = found[0][2]
                break
    return tuple(out.items())


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


_SPEECH_RE = re.compile(r"([\u4e00-\u9fff]{2,4})(?:说|表示|介绍|指出|坦言|告诉记者)")
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


# ---------------------------------------------------------------- indicators


def period_grain(period: str) -> str:
    """The grain of a period as the conventions write it: ``year`` (2020), ``years``
    (2016/2020), ``quarter`` (2020Q1), ``months`` (2020-01/2020-06), ``month`` (2020-06),
    ``day`` (2020-06-30), or ``""`` (none)."""
    for grain, rx in (
        ("year", r"\d{4}"),
        ("years", r"\d{4}/\d{4}"),
        ("quarter", r"\d{4}Q[1-4]"),
        ("months", r"\d{4}-\d{2}/\d{4}-\d{2}"),
        ("month", r"\d{4}-\d{2}"),
        ("day", r"\d{4}-\d{2}-\d{2}"),
    ):
        if re.fullmatch(rx, period or ""):
            return grain
    return ""


# grains that can hold figures of one indicator: a state at a date or a year's figure; a
# part of a year; a span of years
_GRAIN_GROUP = {
    "year": "point",
    "month": "point",
    "day": "point",
    "quarter": "part",
    "months": "part",
    "years": "span",
}
# entity types that can hold figures of one indicator
_TYPE_GROUP = {
    **dict.fromkeys(("country", "province", "city", "county", "region", "town"), "place"),
    **dict.fromkeys(("development_zone", "demonstration_zone", "park"), "zone"),
    **dict.fromkeys(
        ("company", "facility", "project", "research_institution", "university"), "body"
    ),
    "government_body": "government",
}


def _profile_agrees(
    profile: tuple[tuple[str, ...], tuple[str, ...]] | None, entity_type: str, grain: str
) -> bool:
    """Whether a figure about an entity of ``entity_type`` over a period of ``grain`` is of
    the same sort as an indicator's curated facts (unknown on either side agrees)."""
    if profile is None:
        return True
    types, grains = profile
    t = _TYPE_GROUP.get(entity_type)
    if t and types and not any(_TYPE_GROUP.get(x, t) == t for x in types):
        return False
    g = _GRAIN_GROUP.get(grain)
    if g and grains and not any(_GRAIN_GROUP.get(x, g) == g for x in grains):
        return False
    return True


def _bigrams(s: str) -> set[str]:
    s = re.sub(r"[\s，,、（）()“”\"]", "", s)
    return {s[i : i + 2] for i in range(len(s) - 1)} or ({s} if s else set())


def indicator_measure(indicator_id: str, name_zh: str, unit: str) -> str:
    """Return the measure an indicator holds, from its unit, id and name: a ``rank`` unit is
    a rank, ``times`` or a compound unit a ratio; ``…_gap…`` a gap, ``…_growth…``,
    ``…_decline…`` a change, ``…_share…``/``…_rate`` a share; then the same in the name
    (高于/低于, 增长/增速/下降, 占比/比重/率); else a level."""
    if unit == "rank":
        return "rank"
    if unit == "times" or "/" in unit:
        return "ratio"
    for measure, rx in (
        ("gap", r"_gap(?:_|$)"),
        ("change", r"_(?:growth|change|increase|decrease|decline)(?:_|$)"),
        ("share", r"_(?:share|rate)(?:_|$)"),
    ):
        if re.search(rx, indicator_id):
            return measure
    name = name_zh.replace("增加值", "")
    for measure, rx in (
        ("gap", r"高于|低于|差距"),
        ("change", r"增长|增速|增幅|下降|降幅|增加|减少"),
        ("share", r"占比|比重|份额|率"),
    ):
        if re.search(rx, name):
            return measure
    return "level"


_NAME_MEASURE_WORDS = re.compile(
    r"占比|比重|数量|总额|总量|增速|增幅|降幅|规模|个数|数$|高于|低于|快于|慢于"
)


def proposed_indicator_id(subject: str, measure: str, base_unit: str) -> str:
    """Return the id proposed for a new indicator: ``new_`` and a short hash of its subject,
    measure and base unit, so the same subject proposes the same id across articles."""
    digest = hashlib.sha1(f"{subject}|{measure}|{base_unit}".encode()).hexdigest()[:8]
    return f"new_{digest}"


# ---------------------------------------------------------------- candidates


@dataclass
class _Field:
    value: Any
    rule: str
    confidence: float


def _pick_before(items: Sequence[tuple[int, int, Any]], lo: int, hi: int):
    inside = [it for it in items if lo <= it[0] and it[1] <= hi]
    return inside[-1] if inside else None


# 已建成, 共有, 现有 …; 将 straight before the figure is 把 (山西将 88 个开发区作为…)
_PRESENT_CUE_RE = re.compile(r"(?:已经?[\u4e00-\u9fff]{0,2}|共有?|现有|拥有|有|将)\s*$")
_FROM_TO_RE = re.compile(r"[由从][^，,；;。到至]{0,12}$")
_SENTENCE_PRESENT_RE = re.compile(r"共\s*\d|共有|目前|现有|拥有")


# a state reached at the end of an interval (提高到68%, 减至900座以内, 产量达到13亿吨)
_TO_STATE_RE = re.compile(
    r"(?:提高|提升|增加|增长|下降|降低|减少|扩大|缩小|增|减|降|升|上升|达)(?:到|至)\s*"
    r"(?:了|约|近|不足|超过|超)?\s*$|达到了?\s*(?:约|近|超过|超)?\s*$"
)
_FLOW_WORDS_RE = re.compile(r"累计|化解|新增|完成|建成|签约|发布|立项|引进|培育")


def _stock_at_end(
    period: str, clause_prefix: str, measure: str, rule: str
) -> tuple[str, str] | None:
    """A state (a level or a share) that a clause says an interval ended at (``提高到68%``)
    is dated by the interval's last year; the 'from' state of 由A到B by the year before a
    plan period starts, or by the first year of a span of years (从2012到2021, 从A增至B).
    Anything else stated under an interval keeps the interval."""
    m = re.fullmatch(r"(\d{4})/(\d{4})", period)
    if not m or measure not in ("level", "share") or ":since:" in rule:
        return None
    if _FLOW_WORDS_RE.search(clause_prefix):
        return None  # a flow over the interval, not a stock
    if _FROM_TO_RE.search(clause_prefix):
        if ":year-range:" in rule:
            return m.group(1), "stock-at-interval-start"
        return str(int(m.group(1)) - 1), "stock-before-interval"
    if _TO_STATE_RE.search(clause_prefix):
        return m.group(2), "stock-at-interval-end"
    return None


def _span_of_change(
    simple: str, hit: PeriodMention, periods: list[PeriodMention], sentence: tuple[int, int]
) -> str | None:
    """从2020年的A下降到2023年的B: a change stated after the second year is over the span
    ``2020/2023``."""
    if not re.fullmatch(r"\d{4}", hit.period) or not re.search(
        r"(?:到|至)\s*$", simple[max(0, hit.start - 4) : hit.start]
    ):
        return None
    for p in periods:
        if sentence[0] <= p.start < hit.start and re.fullmatch(r"\d{4}", p.period):
            if (
                re.search(r"[从由自]\s*$", simple[max(0, p.start - 2) : p.start])
                and p.period < hit.period
            ):
                return f"{p.period}/{hit.period}"
    return None


def _period_for(
    periods: list[PeriodMention],
    q_start: int,
    clause: tuple[int, int],
    sentence: tuple[int, int],
    clause_prefix: str,
    pub: Published,
    measure: str,
    sentence_text: str = "",
    simple: str = "",
    article_period: str = "",
) -> _Field:
    """The period of a figure, by scope: the nearest time expression before it in its
    clause, else in its sentence; else one that heads an earlier sentence of the paragraph
    (it holds until another is stated), except that a present stock is dated by the
    publication; else a time expression after the figure in its clause; else the article's
    own period (:func:`lead_period`); else empty. ``periods`` holds no comparison
    references (:func:`is_reference`).
    """
    items = [(p.start, p.end, p) for p in periods]
    found = None
    for lo, rule, conf in ((clause[0], "clause", 0.95), (sentence[0], "sentence", 0.85)):
        hit = _pick_before(items, lo, q_start)
        if hit:
            p = hit[2]
            if rule == "sentence" and re.fullmatch(r"\d{4}", p.period):
                # 9月27日，举办了2018年……: a finer period of the same year stated before it
                finer = [
                    x
                    for _a, _b, x in items
                    if sentence[0] <= x.start < p.start and x.period.startswith(p.period + "-")
                ]
                if finer:
                    p = finer[-1]
            span = _span_of_change(simple, p, periods, sentence) if measure == "change" else None
            if span:
                found = _Field(span, f"{rule}:span:{p.text}", conf)
            else:
                found = _Field(p.period, f"{rule}:{p.rule}:{p.text}", conf)
            break
    if found is None and measure == "level" and pub.year:
        if _PRESENT_CUE_RE.search(clause_prefix):
            return _Field(str(pub.year), "present-stock:publication-year", 0.7)
        if _SENTENCE_PRESENT_RE.search(sentence_text):
            return _Field(str(pub.year), "present-stock-sentence:publication-year", 0.6)
    if found is None:
        heads = [
            it
            for it in items
            if it[1] <= q_start
            and _is_sentence_head(simple, it[2], _sentence_bounds(simple, it[0])[0])
        ]
        if heads:
            p = heads[-1][2]
            found = _Field(p.period, f"paragraph-head:{p.rule}:{p.text}", 0.7)
    if found is None:
        after = [p for p in periods if p.start >= q_start and p.end <= clause[1]]
        if after:
            found = _Field(after[0].period, f"clause-after:{after[0].rule}:{after[0].text}", 0.7)
    if found is None and article_period:
        found = _Field(article_period, "article-period", 0.65)
    return found or _Field("", "none-stated", 0.6)


def _kind_for(
    clause_text: str,
    sentence_prefix: str,
    period: str,
    pub: Published,
    measure: str,
    base_unit: str = "",
    near_text: str = "",
) -> _Field:
    """The kind of statement, from the words of the figure's clause, then of its sentence
    before it (see the module docstring); ``near_text`` is the clause before the figure's
    and its own, where a project's sum of money (总投资, 签约资金) finds the words that make
    it a plan (签约, 开工, 将)."""
    clause_prefix = re.split(r"[，,；;。：:！？!?]", sentence_prefix)[-1]
    if base_unit == "yuan" and _PLAN_TOTAL_RE.search(clause_prefix[-12:]):
        ahead = _AHEAD_RE.search(near_text or clause_text)
        if ahead:
            return _Field("plan", f"project-sum:{ahead.group(0)}", 0.75)
    # A gap against an average is the subject's own figure, not the benchmark's.
    bench = (
        ()
        if measure == "gap"
        else (("benchmark", _BENCHMARK_RE), ("benchmark", _BENCHMARK_WORD_RE))
    )
    for scope, text, conf in (("clause", clause_text, 0.85), ("sentence", sentence_prefix, 0.7)):
        for kind, rx in (
            *(bench if scope == "clause" else ()),
            ("estimate", _ESTIMATE_RE),
            ("estimate", _EFFECT_RE),
            ("target", _TARGET_RE),
            ("plan", _PLAN_RE),
            ("plan", _DESIGN_RE),
        ):
            m = rx.search(text)
            if m:
                if kind == "target" and m.group(0).startswith("到"):
                    year = int(re.search(r"\d{4}", m.group(0)).group(0))
                    if pub.year is None or year <= pub.year:
                        continue
                return _Field(kind, f"{scope}-word:{m.group(0)}", conf)
    first = re.match(r"\d{4}", period or "")
    goal = _GOAL_RE.search(clause_text)
    if goal and not (first and pub.year and int(first.group(0)) < pub.year):
        return _Field("target", f"clause-word:{goal.group(0)}", 0.7)
    if first and pub.year and int(first.group(0)) > pub.year:
        return _Field("target", "future-period", 0.75)
    return _Field("actual", "default", 0.8)


def _measure_for(q: quantities.Quantity, clause_prefix: str, clause_text: str) -> _Field:
    bu = q.base_unit
    if bu == "rank":
        return _Field("rank", "unit:rank", 0.95)
    if bu == "times" or "/" in bu:
        return _Field("ratio", f"unit:{bu}", 0.9)
    if re.search(r"每\s*[\u4e00-\u9fff]{0,2}$", clause_prefix[-6:]):
        return _Field("ratio", "word:每", 0.8)
    if bu == "percent" and _TO_STATE_RE.search(clause_prefix):
        # 占比提升至80%: the share reached, not the change
        return _Field("share", "word:…至", 0.7)
    if bu in ("percent", "percentage_point") and _STATE_RE.search(clause_prefix):
        # 由 30% 提高到 68%: two states, not a change
        sh = _SHARE_RE.search(clause_prefix)
        return _Field("share" if sh or bu == "percent" else "level", "word:由…到", 0.7)
    if bu in ("percent", "percentage_point"):
        gap = _GAP_RE.search(clause_prefix)
        if gap:
            return _Field("gap", f"word:{gap.group(0)}", 0.8)
        ch = _CHANGE_RE.search(clause_prefix)
        sh = _SHARE_RE.search(clause_prefix)
        if ch and (not sh or ch.end() > sh.end()):
            return _Field("change", f"word:{ch.group(0)}", 0.85)
        if sh:
            return _Field("share", f"word:{sh.group(0)}", 0.85)
        if bu == "percentage_point":
            return _Field("change", "unit:percentage_point", 0.6)
        return _Field("share", "unit:percent", 0.5)
    m = _CHANGE_BEFORE_RE.search(clause_prefix)
    if m and not m.group(0).startswith("新增"):
        return _Field("change", f"word:{m.group(0).strip()}", 0.75)
    return _Field("level", "default", 0.8)


def _direction_for(measure: str, clause_prefix: str) -> _Field:
    if measure not in ("change", "gap"):
        return _Field("", "not-a-change", 0.95)
    down = [(m.end(), m.group(0)) for m in _DOWN_RE.finditer(clause_prefix)]
    up = [(m.end(), m.group(0)) for m in _UP_RE.finditer(clause_prefix)]
    best = max(down + up, default=None)
    if best is None:
        return _Field("", "no-direction-word", 0.5)
    return _Field("down" if best in down else "up", f"word:{best[1]}", 0.85)


def _subject_for(
    text: str,
    simple: str,
    clause: tuple[int, int],
    q: quantities.Quantity,
    periods: list[PeriodMention],
    ent_hits: list[tuple[int, int, str]],
) -> _Field:
    chars = list(text)
    for p in periods:
        for i in range(max(p.start, clause[0]), min(p.end, clause[1])):
            chars[i] = " "
    for a, b, _e in ent_hits:
        for i in range(max(a, clause[0]), min(b, clause[1])):
            chars[i] = " "
    for m in _ENTITY_WORD_RE.finditer(simple):
        for i in range(m.start(), m.end()):
            chars[i] = " "
    prefix = "".join(chars[clause[0] : q.start])
    # only the words after the last figure or gap
    parts = [p for p in re.split(r"[\s\d.%％“”\"（）()、]+", prefix) if p]
    words = parts[-1] if parts else ""
    # a comparison (比全省平均水平高, 高于全国) names the base, not what is measured
    cut = _SUBJECT_COMPARISON_TAIL.search(to_simplified(words))
    words = words[: cut.start()] if cut else words
    # a share (占全省发电量的比重为35%) is about what comes before 占, in its clause or else
    # in its sentence (block_candidates takes the sentence's last subject)
    share = re.search(r"占(?!比)", to_simplified(prefix))
    if share:
        before = [p for p in re.split(r"[\s\d.%％“”\"（）()、]+", prefix[: share.start()]) if p]
        if not before:
            return _Field("", "share-of-sentence-subject", 0.4)
        words = before[-1]
    phrase = noun_phrase(words)
    if len(phrase) >= 2:
        return _Field(phrase[-16:], "noun-phrase", 0.6)
    after = _SUBJECT_AFTER_RE.match(text[q.end : clause[1]])
    if after and not _QUALIFIER_RE.match(after.group(1)):
        return _Field(after.group(1), "noun-after", 0.55)
    return _Field("", "none", 0.3)


# a qualifier after a figure (900座左右, 三分之一以上) is no noun
_QUALIFIER_RE = re.compile(r"^(?:左右|以上|以下|以内|上下|多|余|之多|开外)")


@lru_cache(maxsize=1)
def _pos_tokenizer():
    """jieba's tokenizer and its table of parts of speech, built once per process from
    jieba's own dictionary, in memory (jieba's default writes a cache file to the temporary
    folder), with its log quiet. Imported only when a subject is looked for: building takes
    a second or two (``jieba.posseg``, whose hidden-Markov tables take longer still to load,
    is not needed: words are looked up in the dictionary only)."""
    import logging
    import warnings

    with warnings.catch_warnings():
        # jieba 0.42's regular expressions are written with invalid escapes
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    with tokenizer.get_dict_file() as f:
        rows = [line.split() for line in f.read().decode("utf-8").splitlines()]
    # jieba's prefix dictionary: every word with its count, every prefix of a word with 0
    freq = {w[:i]: 0 for w, *_ in rows for i in range(1, len(w))}
    counts = {r[0]: int(r[1]) for r in rows}
    freq.update(counts)
    tags = {r[0]: r[2] for r in rows if len(r) > 2}
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, sum(counts.values()), True
    return tokenizer, tags


_HAN_RUN_RE = re.compile(r"([\u4e00-\u9fd5]+)")


@lru_cache(maxsize=4096)
def pos_words(text: str) -> tuple[tuple[str, str], ...]:
    """``((word, part of speech), …)`` of a short simplified-script text: the words of
    jieba's dictionary on the most probable path (as ``jieba.posseg.cut(text, HMM=False)``),
    each with its dictionary tag; Latin letters and digits are ``eng``/``m``, anything else
    ``x``."""
    tokenizer, tags = _pos_tokenizer()
    out: list[tuple[str, str]] = []
    for run in _HAN_RUN_RE.split(text):
        if not run:
            continue
        if not _HAN_RUN_RE.fullmatch(run):
            for m in re.finditer(r"[A-Za-z]+|[0-9.]+|\S", run):
                w = m.group(0)
                out.append(
                    (
                        w,
                        "eng"
                        if w[0].isascii() and w[0].isalpha()
                        else "m"
                        if w[0] in "0123456789."
                        else "x",
                    )
                )
            continue
        dag = tokenizer.get_DAG(run)
        route: dict = {}
        tokenizer.calc(run, dag, route)
        x = 0
        while x < len(run):
            y = route[x][1] + 1
            out.append((run[x:y], tags.get(run[x:y], "x")))
            x = y
    return tuple(out)


# parts of speech a subject's words have: nouns (n…), noun-verbs (vn, 进口, 投资),
# abbreviations (j, 规上), idioms (l), Latin words (eng, GDP), attributes (b, a, 非 h)
_NOUN_TAGS = frozenset("n nz nt nl ng vn an l j eng b a h k".split())
# verbs that name a quantity in economic text (可支配收入, 先进产能, 电煤保供)
_NOUN_VERBS = frozenset(
    "收入 产能 产量 投资 进口 出口 消费 贸易 供电 发电 用电 装机 生产 销售 增加值 利润 "
    "税收 支出 营收 外送 保供 供应 储量 排放 就业 存款 贷款 增速 增幅 降幅".split()
)
# words that never start or end a subject
_NOT_SUBJECT_WORDS = frozenset(
    "同比 环比 累计 全年 其中 同时 此外 另外 共 总计 合计 分别 均 达 达到 为 是 约 近 超过 "
    "实现 完成 增长 下降 提高 提升 增加 减少 拉动 占 比 比上年 较上年 以上 以下".split()
)


def noun_phrase(words: str) -> str:
    """The words before a figure that name what it measures, cut at jieba's word
    boundaries: without the verbs, adverbs, prepositions, particles and units at the end
    (增长, 达到, 为, 占 …) and the connectives, adverbs and prepositions at the start
    (其中, 积极, 以 …), keeping the words that modify the noun (签约项目, 外送电省份); in the
    script of ``words``.

    >>> noun_phrase("煤炭先进产能占比提升至"), noun_phrase("其中可再生能源装机容量")
    ('煤炭先进产能占比', '可再生能源装机容量')
    """
    simple = to_simplified(words)
    if not re.search(r"[\u4e00-\u9fffA-Za-z]", simple):
        return ""
    tokens: list[tuple[str, str]] = []
    for w, t in pos_words(simple):
        if not w.strip():
            continue
        if tokens and tokens[-1][0] == "占" and w == "比":
            tokens[-1] = ("占比", "n")  # jieba cuts 占比 as 占 + 比
        elif tokens and tokens[-1][0] == "可" and t in _NOUN_TAGS:
            tokens[-1] = ("可" + w, t)  # 可再生能源, 可支配收入
        else:
            tokens.append((w, t))

    def trailing(w: str, t: str) -> bool:
        if w in _NOUN_VERBS or w in ("占比", "比重"):
            return False
        if t == "eng" or (t[:1] == "n" and w not in _NOT_SUBJECT_WORDS):
            return False
        return (
            w in _NOT_SUBJECT_WORDS
            or bool(_TRAILING_WORDS.fullmatch(w))
            or t[:1] in _END_TAGS
            or (t == "v" and len(tokens) > 1)
        )

    def leading(w: str, t: str) -> bool:
        if w in _NOUN_VERBS or t == "eng":
            return False
        return (
            w in _NOT_SUBJECT_WORDS
            or bool(_LEADING_WORDS.fullmatch(w))
            or t[:1] in _START_TAGS
            or t in ("ad", "ns", "t")
        )

    start, end = 0, len(tokens)
    while end > start and trailing(*tokens[end - 1]):
        end -= 1
    while start < end and leading(*tokens[start]):
        start += 1
    a = sum(len(w) for w, _t in tokens[:start])
    b = a + sum(len(w) for w, _t in tokens[start:end])
    # the tokens cover ``simple`` without its white space: map back to ``words``
    offsets = [i for i, c in enumerate(simple) if c.strip()]
    if b <= a or b > len(offsets):
        return ""
    return words[offsets[a] : offsets[b - 1] + 1]


# parts of speech (first letter) a subject does not end or start with: prepositions,
# particles, adverbs, numerals, measure words, pronouns, conjunctions, punctuation,
# modal particles, place words
_END_TAGS = frozenset("p u d m q r c x y e o f".split())
_START_TAGS = frozenset("p u d m q r c x y e o".split())


@lru_cache(maxsize=8)
def _indicator_table(indicators: tuple) -> tuple:
    # A name is matched by its words without the measure's words (占比, 数量, 增速 …),
    # which the text says in its own way (占……的, N个, 增长).
    return tuple(
        (
            iid,
            name,
            unit,
            theme,
            indicator_measure(iid, name, unit),
            frozenset(_bigrams(_NAME_MEASURE_WORDS.sub("", name) or name)),
            name,
            _NAME_MEASURE_WORDS.sub("", name) or name,
        )
        for iid, name, unit, theme in indicators
    )


def _indicator_for(
    lexicon: Lexicon,
    subject: str,
    clause_text: str,
    measure: str,
    base_unit: str,
    sentence_text: str = "",
    counted: str = "",
    classifier: str = "",
    entity_names: tuple[str, ...] = (),
    kind: str = "",
    entity_type: str = "",
    period: str = "",
) -> tuple[_Field, str, str]:
    """An existing indicator when its meaning fits the figure: the same base unit and
    measure, an entity of the same sort and a period of the same grain as its curated facts
    (:func:`_profile_agrees`), its name's words in the clause, and the subject sharing a
    word with its name; else a proposed one (:func:`proposed_indicator_id`), named by the
    subject. Returns the field, the indicator's Chinese name and its theme."""
    named_for = _indicators_named_for(lexicon.indicators, entity_names)
    profiles = _profile_table(lexicon.indicator_profiles)
    # a subject of its own: four characters or more that end in a noun (not 受疫情影响)
    own_subject = len(subject) >= 4 and _ends_in_noun(subject)
    grain = period_grain(period)
    window = _bigrams(to_simplified(clause_text))
    noun = _bigrams(to_simplified(counted)) if counted else set()
    wide = _bigrams(to_simplified(sentence_text)) | window
    subj = _bigrams(to_simplified(subject))
    scores: list[tuple[float, str, str, str]] = []
    for iid, name, unit, theme, ind_measure, nb, full, core in _indicator_table(lexicon.indicators):
        if unit != base_unit or ind_measure != measure or not nb:
            continue
        if not _profile_agrees(profiles.get(iid), entity_type, grain):
            continue  # a county's capacity is not a plant's; a quarter's output not a year's
        cover = (len(nb & window) + 0.6 * len((nb & wide) - window)) / len(nb)
        dice = 2 * len(nb & subj) / (len(nb) + len(subj)) if subj else 0.0
        if (
            own_subject
            and cover < 0.99
            and not (noun and noun <= nb)
            and (dice < 0.2 or _modifiers_differ(to_simplified(subject), core))
        ):
            continue  # a subject of its own that the name does not say (非煤工业 ≠ 新兴产业)
        # the name's words in the figure's clause count most, in its sentence less
        score = 0.7 * cover + 0.3 * dice
        if noun and noun <= nb:
            score += 0.25  # the counted noun (N 台公交车) is in the name
        if classifier and classifier in full:
            score += 0.2  # the classifier names the indicator (3 批 → 批次)
        if full in named_for:
            score += 0.25  # an indicator named for the figure's entity (示范区内国家级开发区)
        kind_word = _KIND_NAME_WORDS.get(kind)
        if kind_word and cover > 0 and kind_word.search(full):
            score += 0.3  # an indicator named for the kind of statement (计划投资 of a plan)
        scores.append((score, iid, name, theme))
    scores.sort(reverse=True)
    best = scores[0] if scores else None
    runner_up = scores[1][0] if len(scores) > 1 else 0.0
    if best and (best[0] >= 0.45 or (best[0] >= 0.3 and best[0] - runner_up >= 0.15)):
        return (
            _Field(best[1], f"name-in-clause:{best[2]}", round(min(0.95, best[0]), 2)),
            best[2],
            best[3],
        )
    name = proposed_indicator_name(subject)
    iid = proposed_indicator_id(name, measure, base_unit)
    return _Field(iid, "proposed", 0.4), name, ""


def _modifiers_differ(subject: str, name: str) -> bool:
    """Whether a subject and an indicator's name share a head but differ in what qualifies
    it: before their longest common part, both have two characters or more and share no
    two in a row (非煤工业增加值 against 战略性新兴产业增加值: 非煤工 ≠ 战略性新兴产)."""
    from difflib import SequenceMatcher

    m = SequenceMatcher(None, subject, name, autojunk=False).find_longest_match()
    if m.size < 2:
        return False
    before_s, before_n = subject[: m.a], name[: m.b]
    if len(before_s) < 2 or len(before_n) < 2:
        return False
    return not (_bigrams(before_s) & _bigrams(before_n))


def _ends_in_noun(words: str) -> bool:
    tokens = pos_words(to_simplified(words))
    return bool(tokens) and (tokens[-1][1][:1] == "n" or tokens[-1][1] == "eng")


@lru_cache(maxsize=8)
def _profile_table(profiles: tuple) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    return {iid: (types, grains) for iid, types, grains in profiles}


# a unit, or a word of change or comparison, is never an indicator's name
_NOT_A_NAME_RE = re.compile(
    r"^(?:[十百千万亿]*(?:元|吨|千瓦|千瓦时|个|家|座|项|户|人|次|辆|台|套|平方米|公里|立方米|标方|升)"
    r"|增长|下降|增加|减少|提高|降低|拉动|回落|上升|同比|环比|达到|完成|实现)$"
)


def proposed_indicator_name(subject: str) -> str:
    """The Chinese name of a proposed indicator: the subject, in simplified script, without
    the verbs and units around it; ``""`` when nothing of it names a thing (``下降``,
    ``万吨``, ``原煤产量控制在`` → ``原煤产量``)."""
    name = to_simplified(re.sub(r"\s+", "", subject or ""))
    if name and not _NOT_A_NAME_RE.match(name):
        name = noun_phrase(name) or name
    return "" if _NOT_A_NAME_RE.match(name) else name


_MEASURE_WORDS = {
    "level": ("数量或规模", "an amount, count or size"),
    "change": ("变化（增长或下降）", "a change (rise or fall)"),
    "gap": ("与另一对象的差距", "a difference against another subject"),
    "share": ("占比", "a share of a whole"),
    "rank": ("排名", "a rank"),
    "ratio": ("倍数或人均、单位值", "a multiple or a per-unit figure"),
}


def indicator_definition(name: str, measure: str, base_unit: str) -> tuple[str, str]:
    """A proposed indicator's definition in Chinese and English, from its name, measure
    and base unit (the reviewer words it better; the English keeps the Chinese name)."""
    zh, en = _MEASURE_WORDS.get(measure, (measure, measure))
    return (
        f"{name}：{zh}，单位 {base_unit}。",
        f"{name}: {en}, in {base_unit} (name as written in the source).",
    )


# words of an indicator's name that say what kind of statement its figures are
_KIND_NAME_WORDS = {
    "plan": re.compile(r"计划|规划|拟"),
    "target": re.compile(r"目标"),
    "estimate": re.compile(r"预计|预期|估计"),
}


@lru_cache(maxsize=256)
def _indicators_named_for(indicators: tuple, entity_names: tuple[str, ...]) -> frozenset[str]:
    """The indicator names that hold one of an entity's names and more."""
    return frozenset(
        name for _iid, name, *_ in indicators if any(n in name and n != name for n in entity_names)
    )


def _entity_words(lexicon: Lexicon, entity: str | None) -> tuple[str, ...]:
    """The names of an existing entity (its short forms too), to find an indicator named
    for it; none for a new or missing entity."""
    if not entity or entity.startswith(NEW_ENTITY_PREFIX):
        return ()
    return _entity_name_table(lexicon.entities).get(entity, ())


@lru_cache(maxsize=8)
def _entity_name_table(entities: tuple) -> dict[str, tuple[str, ...]]:
    return {e[0]: tuple(n for n in e[3] if len(n) >= 3 or e[2] != "province") for e in entities}


def _exclusion_for(
    q: quantities.Quantity, text: str, clause_text: str, clause_prefix: str
) -> tuple[str, str] | None:
    after = text[q.end : q.end + 6]
    if _ENUM_AFTER_RE.match(after) or (
        q.base_unit == "count"
        and _ENUM_BEFORE_RE.search(clause_prefix)
        and _ENUM_AFTER_RE.match(after)
    ):
        return "enumeration", "a structural count of the text (how many aspects, points or steps)"
    before = text[: q.start]
    opened = max(before.rfind("《"), before.rfind("“"))
    closed = max(before.rfind("》"), before.rfind("”"))
    if opened > closed and q.start - opened <= 12:
        close_at = min(
            [i for i in (text.find("》", q.end), text.find("”", q.end)) if i >= 0] or [-1]
        )
        if 0 <= close_at - q.end <= 12:
            return "name", "the figure is part of a name or a title in quotes"
    if _FIGURATIVE_RE.search(clause_text):
        return "figurative", "a figure of speech, not a statistic (a comparison word in the clause)"
    return None


_RESPECTIVELY_RE = re.compile(r"([^，,；;。：:]+?)分别")


def _respectively(text: str, found: list) -> dict[int, tuple[str, tuple[str, ...]]]:
    """``A、B 分别为 x、y(，占……的 p 和 q)``: map each figure after 分别 in its sentence to its
    item (the i-th figure of each unit to the i-th item); ``{start: (item, items)}``."""
    out: dict[int, tuple[str, tuple[str, ...]]] = {}
    for m in _RESPECTIVELY_RE.finditer(text):
        head = re.split(r"[\s\d年月季度]+", m.group(1))[-1]
        items = tuple(x for x in re.split(r"、|和|及|与", head) if x)
        if len(items) < 2:
            continue
        # the first item may carry the entity in front (山西省开发区利用外资): keep its last words
        items = (items[0][-len(items[1]) - 2 :], *items[1:])
        stop = min([i for i in (text.find(c, m.end()) for c in "。；;") if i >= 0] or [len(text)])
        by_unit: dict[str, int] = {}
        for q in found:
            if m.end() <= q.start < stop:
                i = by_unit.get(q.base_unit, 0)
                by_unit[q.base_unit] = i + 1
                if i < len(items):
                    out[q.start] = (items[i], items)
    return out


def _counted_noun(text: str, end: int, clause_end: int) -> str:
    """The noun right after a figure (``5500 台公交车`` → 公交车), up to 的, a separator or a
    verb-like break."""
    m = re.match(
        r"\s*([\u4e00-\u9fff]{2,6}?)(?=[的、，,。；;或和及与]|$|[\s(（])", text[end:clause_end]
    )
    return m.group(1) if m else ""


_COUNTED_HEAD_RE = re.compile(
    r"\s*([\u4e00-\u9fff]{1,6}?)"
    r"(?=[的、，,。；;或和及与]|$|[\s(（]|已|均|都|也|相继|先后|分别|共|全部|基本|率先|实现|达到)"
)


def _counted_head(simple: str, q: quantities.Quantity, clause_end: int) -> str:
    """What a count counts, one character or more (``83个县(市、区)`` → 县); ``""`` for a
    figure that is not a count."""
    if q.base_unit not in ("count", "person"):
        return ""
    m = _COUNTED_HEAD_RE.match(simple, q.end, clause_end)
    return m.group(1) if m else ""


def _head_noun(text: str, end: int, clause_end: int) -> str:
    """The counted noun, else the first two characters after the figure (2200 台重卡满负荷使用
    → 重卡), to check against indicator names."""
    noun = _counted_noun(text, end, clause_end)
    m = None if noun else re.match(r"\s*([\u4e00-\u9fff]{2})", text[end:clause_end])
    return noun or (m.group(1) if m else "")


def _quote_for(
    text: str, q: quantities.Quantity, clause: tuple[int, int], sentence: tuple[int, int]
) -> str:
    """The shortest clause around the figure in which the extractor reads the same figure."""
    a, b = clause
    if len(text[a:b].strip()) < 8 or q.start - a < 2:
        a = max(
            sentence[0],
            text.rfind("，", 0, max(a - 1, 0)) + 1,
            text.rfind(",", 0, max(a - 1, 0)) + 1,
        )
    for lo, hi in ((a, b), sentence, (0, len(text))):
        quote = text[lo:hi].strip(" ，,；;。")
        off = text.find(quote, lo)
        found = [
            x for x in quantities.extract(quote) if x.span == q.span and off + x.start == q.start
        ]
        if found and found[0].value == q.value and found[0].qualifier == q.qualifier:
            return quote
    return text


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
            q.base_unit == "rank" and re.fullmatch(r"[\s的]*(?:第|前)?", simple[h[1] : q.start])
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


def block_candidates(
    block_text: str,
    block_no: int,
    *,
    published: Published,
    lexicon: Lexicon,
    source_id: str,
    article_entity: str | None,
    province: str | None,
    carried_period: list[PeriodMention] | None = None,
    speaker_entity: str | None = None,
    article_period: str = "",
    home: tuple[tuple[str, str], ...] = (),
) -> list[dict]:
    """Return the candidate facts of one block of clean text (see the module docstring).

    ``speaker_entity`` is the organisation of the person the block quotes, when an
    earlier block introduced them with one (see :func:`speakers_of`)."""
    matcher = _matcher(lexicon.entities)
    text = block_text
    simple = to_simplified(text)
    periods = [p for p in find_periods(simple, published) if not is_reference(simple, p)]
    hits = _names_in(text, simple, matcher, province, home)
    found = quantities.extract(text)
    owned = _owned_bodies(simple, hits)
    all_hits = [h for h in hits if h not in owned]
    counted = _counted_hits(simple, all_hits, found)
    # What is counted is not what the figure is about, except an aggregate (83个省级以上开发区,
    # 其中6个…), which later figures are about, when it is not made by the verb (建设15个…).
    made = {h for h, q in counted.items() if _MAKE_BEFORE_RE.search(simple[: q.start])}
    hits = [
        h
        for h in _subject_hits(simple, all_hits)
        if h not in counted or (matcher.type_of.get(h[2]) == "aggregate" and h not in made)
    ]
    paragraph_entity = hits[0][2] if hits else None
    respectively = _respectively(text, found)
    last_subject: dict[int, str] = {}
    out = []
    for q in found:
        clause = _clause_bounds(text, q.start)
        sentence = _sentence_bounds(text, q.start)
        clause_text = text[clause[0] : clause[1]]
        clause_prefix = simple[clause[0] : q.start]
        rules: dict[str, str] = {}
        conf: dict[str, float] = {}

        measure = _measure_for(q, clause_prefix, simple[clause[0] : clause[1]])
        period = _period_for(
            periods,
            q.start,
            clause,
            sentence,
            clause_prefix,
            published,
            measure.value,
            simple[sentence[0] : sentence[1]],
            simple,
            article_period,
        )
        # a statement's words hold to the end of the full sentence (past a ；)
        full_start = max(simple.rfind(c, 0, q.start) for c in "。！？!?") + 1
        kind = _kind_for(
            simple[clause[0] : clause[1]],
            simple[full_start : q.start],
            period.value,
            published,
            measure.value,
            q.base_unit,
            simple[_clause_bounds(simple, max(clause[0] - 1, 0))[0] : clause[1]],
        )
        if period.value and not period.rule.startswith("clause:"):
            if "present" in period.rule:
                pass
            elif kind.value == "estimate" or (
                kind.value == "plan"
                and not period.rule.startswith("sentence:")
                and _FUTURE_RE.search(simple[sentence[0] : sentence[1]])
            ):
                # a forecast, or a plan that looks ahead, is not dated by a period stated
                # for other figures
                period = _Field("", f"{kind.value}-not-dated-by:{period.rule}", 0.6)
        if period.value and "/" in period.value:
            end = _stock_at_end(period.value, clause_prefix, measure.value, period.rule)
            if end:
                period = _Field(end[0], f"{end[1]}:{period.rule}", 0.65)
        direction = _direction_for(measure.value, clause_prefix)
        ent = _entity_for(
            q,
            simple,
            clause,
            sentence,
            kind.value,
            _EntityScope(
                matcher,
                hits,
                all_hits,
                counted,
                made,
                paragraph_entity,
                speaker_entity,
                article_entity,
            ),
            _counted_head(simple, q, clause[1]),
        )
        if ent.value and ent.value.startswith(NEW_ENTITY_PREFIX):
            # a name entities.csv does not hold: proposed as written, for the reviewer
            ent_id, ent_name = None, ent.value[len(NEW_ENTITY_PREFIX) :]
            ent = _Field(ent.value, f"new-name:{ent.rule}", min(ent.confidence, 0.5))
            ent_type = new_entity_type(ent_name)
            ent_parent = _new_entity_parent(ent.value, ent_type, q.start, simple, all_hits, home)
            ent_parent = ent_parent or (province if ent_type == "city" else "") or ""
            # a new parent is given by its name as written
            ent_parent = ent_parent.removeprefix(NEW_ENTITY_PREFIX)
        else:
            ent_id, ent_name = ent.value, matcher.name_of.get(ent.value, "") if ent.value else ""
            ent_type = matcher.type_of.get(ent.value, "") if ent.value else ""
            ent_parent = matcher.parent_of.get(ent.value, "") if ent.value else ""
        counted_noun = _counted_noun(text, q.end, clause[1])
        item = respectively.get(q.start)
        subject = _subject_for(text, simple, clause, q, periods, all_hits)
        if subject.rule in ("none", "share-of-sentence-subject") or measure.value == "gap":
            # nothing of its own, or a gap (增长 6.5%，比全省高 1.2 个百分点): a gap is about
            # what the sentence measured before it
            if last_subject.get(sentence[0]):
                subject = _Field(last_subject[sentence[0]], "sentence-subject", 0.55)
        if counted_noun and q.base_unit in ("count", "person") and q.unit[-1:] not in "万亿":
            # N 个/台/家 + noun: the noun names what is counted (5500 台公交车 → 公交车)
            if not _QUALIFIER_RE.match(counted_noun):
                subject = _Field(counted_noun, "counted-noun", 0.65)
        if item:
            # A、B 分别为 x、y: x is about A, y about B; the other items are not its words
            subject = _Field(item[0], "respectively", 0.7)
            others = [o for o in item[1] if o != item[0]]
            ind_clause, ind_sentence = clause_text, text[sentence[0] : q.start]
            for o in others:
                ind_clause = ind_clause.replace(o, "")
                ind_sentence = ind_sentence.replace(o, "")
            ind_clause = item[0] + ind_clause
        else:
            ind_clause, ind_sentence = clause_text, text[sentence[0] : q.start]
        if subject.value:
            last_subject[sentence[0]] = subject.value
        indicator, indicator_name, _theme = _indicator_for(
            lexicon,
            subject.value,
            ind_clause,
            measure.value,
            q.base_unit,
            ind_sentence,
            _head_noun(text, q.end, clause[1]),
            q.unit if q.base_unit == "count" and len(q.unit) == 1 and q.unit != "个" else "",
            _entity_words(lexicon, ent.value),
            kind.value,
            ent_type,
            period.value,
        )
        definition = (
            indicator_definition(indicator_name, measure.value, q.base_unit)
            if indicator.rule == "proposed"
            else ("", "")
        )
        for name, f in (
            ("period", period),
            ("kind", kind),
            ("measure", measure),
            ("direction", direction),
            ("entity", ent),
            ("subject", subject),
            ("indicator", indicator),
        ):
            rules[name] = f.rule
            conf[name] = f.confidence
        excl = _exclusion_for(q, text, clause_text, clause_prefix)
        out.append(
            {
                "candidate_id": f"{source_id}-{block_no}-{q.start}",
                "span": q.span,
                "value": list(q.value) if isinstance(q.value, tuple) else q.value,
                "unit": q.unit,
                "base_value": (
                    list(q.base_value) if isinstance(q.base_value, tuple) else q.base_value
                ),
                "base_unit": q.base_unit,
                "qualifier": q.qualifier,
                "period": period.value,
                "kind": kind.value,
                "measure": measure.value,
                "direction": direction.value,
                "entity_id": ent_id,
                "entity_name": ent_name,
                "entity_type": ent_type,
                "entity_parent": ent_parent,
                "subject": subject.value,
                "indicator_id": indicator.value,
                "indicator_name": indicator_name,
                "indicator_status": "proposed" if indicator.rule == "proposed" else "existing",
                "indicator_definition_zh": definition[0],
                "indicator_definition_en": definition[1],
                "quote": _quote_for(text, q, clause, sentence),
                "sentence": text[sentence[0] : sentence[1]],
                "block_no": block_no,
                "start": q.start,
                "end": q.end,
                "exclude": excl is not None,
                "reason_code": excl[0] if excl else "",
                "reason": excl[1] if excl else "",
                "confidence": round(min(conf.values()), 2),
                "rules": rules,
            }
        )
    return out


def _mark_repeats(cands: list[dict], kinds: dict[int, str]) -> None:
    """A figure the article already gave (same value, unit and subject) is proposed as a
    repeat; a summary point (◆) that a paragraph repeats keeps the paragraph as the fact."""
    first: dict[tuple, dict] = {}
    order = sorted(
        cands, key=lambda c: (kinds.get(c["block_no"]) == "key_point", c["block_no"], c["start"])
    )
    for c in order:
        if c["exclude"]:
            continue
        key = (c["span"].replace(" ", ""), c["base_unit"], c["qualifier"])
        prev = first.get(key)
        if prev is None or (prev["block_no"] == c["block_no"] and prev["start"] == c["start"]):
            first[key] = c
            continue
        if _bigrams(prev["subject"]) & _bigrams(c["subject"]) or not c["subject"]:
            c["exclude"] = True
            c["reason_code"] = "repeat"
            c["reason"] = (
                f"the same figure as candidate {prev['candidate_id']} (block {prev['block_no']})"
            )
            c["rules"]["exclude"] = "repeat"
        else:
            first.setdefault(key, c)


# ---------------------------------------------------------------- the article


@dataclass(frozen=True)
class Overrides:
    """What the user says about an article on the command line (empty: not said)."""

    title: str = ""
    publisher: str = ""
    published: str = ""
    url: str = ""
    source_id: str = ""


_DATE_RE = re.compile(r"(\d{4})[-/年.](\d{1,2})(?:[-/月.](\d{1,2}))?")


def normalise_date(value: Any) -> tuple[str, str]:
    """Return ``(iso, precision)`` of a date written as ``YYYY``, ``YYYY-MM``,
    ``YYYY-MM-DD``, an e-mail/HTTP date, ``2021年11月27日`` or a ``datetime``; ``("", "")``
    when it is not a date.

    >>> normalise_date("Sat, 27 Nov 2021 00:40:00 GMT")
    ('2021-11-27', 'day')
    """
    import datetime as dt

    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d"), "day"
    text = str(value or "").strip()
    if re.fullmatch(r"\d{4}", text):
        return text, "year"
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return text, "month"
    m = _DATE_RE.search(text)
    if m:
        y, mo, d = m.groups()
        if d:
            return f"{int(y):04d}-{int(mo):02d}-{int(d):02d}", "day"
        return f"{int(y):04d}-{int(mo):02d}", "month"
    try:
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(text).strftime("%Y-%m-%d"), "day"
    except (TypeError, ValueError, IndexError):
        return "", ""


def detect_format(text: str, name: str = "", front_matter: tuple | None = None) -> str:
    """Return the format of an article's text (one of :data:`sources.FORMATS`);
    ``front_matter`` is ``sources.split_front_matter(text, name)`` when already known."""
    meta, body = front_matter or sources.split_front_matter(text, name)
    head = body.lstrip()[:2000].lower()
    if meta:
        return "hexo-html" if sources.looks_like_html(body) else "markdown"
    if head.startswith("<!doctype html") or "<html" in head or "<body" in head:
        return "html-page"
    if sources.looks_like_html(body):
        return "html"
    if name.lower().endswith((".md", ".markdown")):
        return "markdown"
    lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
    long = [ln for ln in lines if len(ln) > 15]
    broken = sum(1 for ln in long if not sources.ends_sentence(ln))
    return "layout-text" if long and broken / len(long) >= 0.2 else "text"


def slug(text: str) -> str:
    """Return an ASCII id made of the words of ``text`` (lowercase, ``-``-separated)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def propose(
    data: bytes,
    name: str,
    lexicon: Lexicon,
    overrides: Overrides = Overrides(),
) -> dict:
    """Return ``{"source": {...}, "candidates": [...]}`` for one article's bytes.

    Pure: nothing is read or written; ``name`` is only used in messages, the proposed
    source id and the file name. Raises :class:`sources.SourceFormatError` (a
    ``ValueError``) naming the file when it cannot be decoded or parsed.
    """
    encoding = sources.detect_encoding(data, name)
    text = sources.decode_article(data, name, encoding=encoding)
    meta, body = sources.split_front_matter(text, name)
    fmt = detect_format(text, name, (meta, body))
    page_meta: dict[str, str] = {}
    if fmt == "html-page":
        import trafilatura

        doc = trafilatura.extract_metadata(text)
        if doc is not None:
            page_meta = {
                k: v
                for k, v in (
                    ("title", doc.title),
                    ("date", doc.date),
                    ("author", doc.author),
                    ("sitename", doc.sitename),
                    ("url", doc.url),
                )
                if v
            }
    blocks = sources.parse_document(text, path=name, fmt=fmt)
    title = (
        overrides.title
        or (meta.get("title") if isinstance(meta.get("title"), str) else "")
        or page_meta.get("title", "")
        or next((b.text for b in blocks if b.kind == "title"), "")
        or Path(name).stem
    ).strip()
    published, precision, basis = "", "", ""
    for value, where in (
        (overrides.published, "given with --published"),
        (meta.get("date"), f"front matter 'date: {meta.get('date')}'"),
        (page_meta.get("date"), f"the page's metadata (date {page_meta.get('date')})"),
    ):
        published, precision = normalise_date(value)
        if published:
            basis = where
            break
    authors = meta.get("author") or meta.get("authors") or page_meta.get("author") or ""
    if isinstance(authors, list):
        authors = "; ".join(str(a) for a in authors)
    publisher = overrides.publisher or str(meta.get("source") or page_meta.get("sitename") or "")
    digest = hashlib.sha256(data).hexdigest()
    sid = overrides.source_id or slug(Path(name).stem) or f"src-{digest[:8]}"
    pub = Published.parse(published)
    matcher = _matcher(lexicon.entities)
    full_text = "\n".join(b.text for b in blocks if b.kind != "media")
    main, province = _article_entities(matcher, title, full_text)
    first_para = next((b.text for b in blocks if b.kind == "paragraph"), "")
    dateline = _DATELINE_RE.search(to_simplified(first_para[:60]))
    said = (title, dateline.group(1) if dateline else "", publisher)
    home = home_entities(matcher, (*said, full_text))
    own = home_entities(matcher, said)
    if own and (main is None or matcher.type_of.get(main) in ("province", "country")):
        # an article about a county or a city: its figures are the county's, never the
        # province's (the most local of the places its title, dateline or publisher name)
        order = {"县": 0, "区": 1, "市": 2}
        main = min(own, key=lambda h: order[h[0]])[1]
    first_text = next((b.text for b in blocks if b.kind == "paragraph"), "")
    article_period = lead_period(title, first_text, pub)
    cands: list[dict] = []
    kinds: dict[int, str] = {}
    speakers: dict[str, str] = {}
    for no, block in enumerate(blocks, start=1):
        kinds[no] = block.kind
        if block.kind in ("media", "credit"):
            continue
        simple = to_simplified(block.text)
        speaker = quoted_speaker(simple) if speakers else ""
        cands += block_candidates(
            block.text,
            no,
            published=pub,
            lexicon=lexicon,
            source_id=sid,
            article_entity=main,
            province=province,
            speaker_entity=speakers.get(speaker) if speaker else None,
            article_period=article_period,
            home=home,
        )
        if _SPEECH_RE.search(simple):
            speakers.update(
                speakers_of(simple, _names_in(block.text, simple, matcher, province, home))
            )
    _mark_repeats(cands, kinds)
    existing = dict(lexicon.known_hashes).get(digest)
    source = {
        "source_id": sid,
        "title_zh": title,
        "title_en": title,
        "publisher_zh": publisher,
        "publisher_en": publisher,
        "authors": str(authors) or "not credited",
        "published": published,
        "published_precision": precision,
        "published_basis": basis,
        "language": "zh",
        "file": f"raw/{Path(name).name}",
        "format": fmt,
        "sha256": digest,
        "rights": "Added with shanxi-analysis add; rights not yet recorded (check them "
        "before quoting beyond short passages).",
        "encoding": encoding,
        "url": overrides.url or page_meta.get("url", ""),
        "blocks": len(blocks),
        "duplicate_of": existing or "",
    }
    return {"source": source, "candidates": cands}


def propose_file(path: str | Path, lexicon: Lexicon, overrides: Overrides = Overrides()) -> dict:
    """Return :func:`propose` of a file on disk (read with the bounded reader)."""
    data = sources.read_bytes(path)
    return propose(data, str(path), lexicon, overrides)


def _propose_one(args: tuple[str, Lexicon, Overrides]) -> dict:
    """A picklable wrapper for process pools: one article, its result or its error."""
    path, lexicon, overrides = args
    try:
        return {"path": path, **propose_file(path, lexicon, overrides)}
    except (ValueError, OSError) as exc:
        return {"path": path, "error": str(exc)}


_WORKER: dict[str, object] = {}


def _init_worker(lexicon: Lexicon, overrides: Overrides) -> None:
    # The lexicon is sent to each worker once, not with every file.
    _WORKER["lexicon"], _WORKER["overrides"] = lexicon, overrides


def _propose_in_worker(path: str) -> dict:
    return _propose_one((path, _WORKER["lexicon"], _WORKER["overrides"]))


def iter_files(paths: Iterable[str | Path]) -> list[str]:
    """Return the article files named: files as given, folders walked (hidden files and
    folders skipped), sorted."""
    out: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(
                str(f)
                for f in p.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        else:
            out.append(str(p))
    return out


def propose_many(
    paths: Sequence[str],
    lexicon: Lexicon,
    overrides: Overrides = Overrides(),
    *,
    jobs: int | None = None,
    progress: bool = True,
) -> list[dict]:
    """Return one :func:`propose_file` result per path (an ``error`` key for a file that
    failed), in the order given, computed on ``jobs`` processes (default: all cores) with
    a progress bar on standard error. One bad file never stops the others."""
    import os

    from tqdm import tqdm

    jobs = jobs or os.cpu_count() or 1
    work = [(p, lexicon, overrides) for p in paths]
    bar = tqdm(total=len(work), unit="file", disable=not progress or len(work) < 2, leave=False)
    results: list[dict] = []
    try:
        if jobs <= 1 or len(work) < 2:
            for w in work:
                results.append(_propose_one(w))
                bar.update()
            return results
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(
            max_workers=min(jobs, len(work)),
            initializer=_init_worker,
            initargs=(lexicon, overrides),
        ) as pool:
            chunks = max(1, len(work) // (jobs * 8))
            for r in pool.map(_propose_in_worker, list(paths), chunksize=chunks):
                results.append(r)
                bar.update()
        return results
    finally:
        bar.close()


@dataclass
class AddSummary:
    """What ``add`` did: files read, candidates proposed, duplicates skipped, errors."""

    results: list[dict] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def candidates(self) -> int:
        return sum(len(r.get("candidates", [])) for r in self.results)


def add(
    paths: Sequence[str | Path],
    overrides: Overrides = Overrides(),
    *,
    dry_run: bool = False,
    jobs: int | None = None,
    progress: bool = True,
) -> AddSummary:
    """Add articles: propose their candidates and, unless ``dry_run``, copy each file
    unchanged into ``data/raw/``, append its row to the source registry and write its
    review file. A file already registered (same sha256) is refused, naming the source.
    """
    from . import review

    files = iter_files(paths)
    if overrides.source_id and len(files) > 1:
        raise IngestError("--source-id names one source: give one file with it")
    lexicon = Lexicon.from_data()
    summary = AddSummary()
    summary.results = propose_many(files, lexicon, overrides, jobs=jobs, progress=progress)
    seen: dict[str, str] = {}
    for r in summary.results:
        if "error" in r:
            summary.errors.append(r["error"])
            continue
        src = r["source"]
        dup = src["duplicate_of"] or seen.get(src["sha256"])
        if dup:
            summary.duplicates.append(
                f"{r['path']}: the same file (sha256 {src['sha256'][:12]}…) is already "
                f"source {dup!r}; not added again"
            )
            continue
        seen[src["sha256"]] = src["source_id"]
        if dry_run:
            summary.added.append(src["source_id"])
            continue
        try:
            review.register(r["path"], src, r["candidates"])
        except (ValueError, OSError) as exc:
            summary.errors.append(f"{r['path']}: {exc}")
            continue
        summary.added.append(src["source_id"])
    return summary
