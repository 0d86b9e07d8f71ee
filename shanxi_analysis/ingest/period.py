"""The period of a candidate fact, by scope (fact conventions, "period"): time expressions
resolved against the publication date, comparison references left out, the nearest before
the figure in its clause or sentence, a period that heads a sentence carrying on, the
article's own period; states and changes under a span of years.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .common import _Field, _pick_before, _sentence_bounds, to_simplified

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

_REL_WORDS = ("今年", "去年", "前年", "明年", "当年", "本年")
_SUB_WORDS = ("季度", "半年", "月")
# Each pattern with the words that any match of it holds (one word of each group): a text
# without them is not searched with it (most blocks have no 月, 季度, 以来 …; the search
# is the cost, not the finding).
_PERIOD_RES: tuple[tuple[str, re.Pattern, tuple[tuple[str, ...], ...]], ...] = tuple(
    (name, re.compile(rx), needs)
    for name, rx, needs in (
        (
            "year-range",
            r"(?P<y1>\d{4})\s*年?\s*(?:至|到|—|－|-|~)\s*(?P<y2>\d{4})\s*年\s*(?P<h2>上半年)?",
            (("年",),),
        ),
        # 从2012到2021(十年间): a span of years with 从/由 and no 年
        (
            "year-range",
            r"(?<=[从由])\s*(?P<y1>\d{4})\s*(?:至|到)\s*(?P<y2>\d{4})(?![\d.])",
            (("从", "由"),),
        ),
        (
            "years-past",
            rf"(?:过去|近|前)\s*(?P<n>{_NUMWORD})\s*年(?!前|以前|度|底|末)",
            (("年",), ("过去", "近", "前")),
        ),
        (
            "years-ahead",
            rf"(?:未来|今后|此后|接下来)\s*(?P<n>{_NUMWORD})\s*年(?!前|以前|度|底|末)",
            (("年",), ("未来", "今后", "此后", "接下来")),
        ),
        (
            "plan",
            r"[“\"]?十(?P<p>[一二三四五])五[”\"]?\s*(?P<pp>期间|以来|末|前三年|前两年|时期)?",
            (("十",), ("五",)),
        ),
        ("since", r"(?P<y>\d{4})\s*年\s*以来", (("以来",),)),
        ("horizon", rf"用\s*(?P<n>{_NUMWORD})\s*年(?:左右|多)?(?:的)?时间", (("时间",), ("用",))),
        ("this-year-since", r"(?:今年|本年)以来", (("以来",),)),
        (
            "present",
            r"截至目前|截止目前|目前|当前|如今|现阶段|不久前|近日|日前",
            (("目前", "当前", "如今", "现阶段", "不久前", "近日", "日前"),),
        ),
        ("year-sub", _YEAR + _S + _SUB_YEAR, (("年",), _SUB_WORDS)),
        ("rel-sub", _REL_YEAR + _S + _SUB_YEAR, (_REL_WORDS, _SUB_WORDS)),
        ("year", _YEAR + r"(?P<yend>底|末)?", (("年",),)),
        ("rel", _REL_YEAR, (_REL_WORDS,)),
        ("sub", _SUB_YEAR, (_SUB_WORDS,)),
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


_UNTIL_BEFORE_RE = re.compile(r"(?:截至|截止|至)\s*$")
_AT_BEFORE_RE = re.compile(r"在\s*$")
_DAY_RE = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:电|讯)?|\d{1,2}\s*日")
_FIGURE_RE = re.compile(r"\d|[一二三四五六七八九十百千万亿]+[个家座项%]")
_YEAR_ONLY_RE = re.compile(r"\d{4}")
_YEARS_RE = re.compile(r"(\d{4})/(\d{4})")
_TO_BEFORE_RE = re.compile(r"(?:到|至)\s*$")
_FROM_BEFORE_RE = re.compile(r"[从由自]\s*$")


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
        if g.get("yend") and _UNTIL_BEFORE_RE.search(m.string[max(0, m.start() - 3) : m.start()]):
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


@dataclass(frozen=True, slots=True)
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
    for name, rx, needs in _PERIOD_RES:
        for group in needs:
            for word in group:
                if word in text:
                    break
            else:
                break  # no word of this group: no match
        else:
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
        _AT_BEFORE_RE.search(simple[max(0, p.start - 2) : p.start])
        and "基础上" in simple[p.end : clause_end]
    ):
        return False
    return not _has_figure(simple[sentence_start : p.start])


def _has_figure(words: str) -> bool:
    """Whether words hold a figure; a day of the month (记者24日从……获悉) and a dateline
    (太原1月30日电) are none."""
    words = _DAY_RE.sub("", words)
    return bool(_FIGURE_RE.search(words))


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


@lru_cache(maxsize=1024)
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
    m = _YEARS_RE.fullmatch(period)
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
    if not _YEAR_ONLY_RE.fullmatch(hit.period) or not _TO_BEFORE_RE.search(
        simple[max(0, hit.start - 4) : hit.start]
    ):
        return None
    for p in periods:
        if sentence[0] <= p.start < hit.start and _YEAR_ONLY_RE.fullmatch(p.period):
            if (
                _FROM_BEFORE_RE.search(simple[max(0, p.start - 2) : p.start])
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
            if rule == "sentence" and _YEAR_ONLY_RE.fullmatch(p.period):
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
