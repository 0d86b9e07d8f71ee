"""The subject of a candidate fact: the noun phrase the figure measures, cut at jieba's word
boundaries with its parts of speech (fact conventions, "subject").
"""

from __future__ import annotations

import re
from functools import lru_cache

from .. import quantities
from .common import _ENTITY_WORD_RE, _Field, to_simplified
from .period import PeriodMention

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


_SUBJECT_SPLIT_RE = re.compile(r"[\s\d.%％“”\"（）()、]+")
_SHARE_WORD_RE = re.compile(r"占(?!比)")


def _subject_for(
    text: str,
    simple: str,
    clause: tuple[int, int],
    q: quantities.Quantity,
    periods: list[PeriodMention],
    ent_hits: list[tuple[int, int, str]],
) -> _Field:
    # the clause before the figure, its periods, names and own-place words blanked out
    lo, hi = clause[0], q.start
    chars = list(text[lo:hi])
    spans = [(p.start, p.end) for p in periods] + [(a, b) for a, b, _e in ent_hits]
    # (the own-place words are two characters, none overlapping another)
    spans += [m.span() for m in _ENTITY_WORD_RE.finditer(simple, max(lo - 1, 0), hi + 1)]
    for a, b in spans:
        a, b = max(a, lo), min(b, hi)
        if a < b:
            chars[a - lo : b - lo] = " " * (b - a)
    prefix = "".join(chars)
    # only the words after the last figure or gap
    parts = [p for p in _SUBJECT_SPLIT_RE.split(prefix) if p]
    words = parts[-1] if parts else ""
    # a comparison (比全省平均水平高, 高于全国) names the base, not what is measured
    cut = _SUBJECT_COMPARISON_TAIL.search(to_simplified(words))
    words = words[: cut.start()] if cut else words
    # a share (占全省发电量的比重为35%) is about what comes before 占, in its clause or else
    # in its sentence (block_candidates takes the sentence's last subject)
    share = _SHARE_WORD_RE.search(to_simplified(prefix))
    if share:
        before = [p for p in _SUBJECT_SPLIT_RE.split(prefix[: share.start()]) if p]
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


_WORD_CHAR_RE = re.compile(r"[\u4e00-\u9fffA-Za-z]")


@lru_cache(maxsize=8192)
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
    if not _WORD_CHAR_RE.search(simple):
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


_RESPECTIVELY_RE = re.compile(r"([^，,；;。：:]+?)分别")


def _respectively(text: str, found: list) -> dict[int, tuple[str, tuple[str, ...]]]:
    """``A、B 分别为 x、y(，占……的 p 和 q)``: map each figure after 分别 in its sentence to its
    item (the i-th figure of each unit to the i-th item); ``{start: (item, items)}``."""
    out: dict[int, tuple[str, tuple[str, ...]]] = {}
    if "分别" not in text:
        return out  # (the pattern's lazy words would be tried from every character)
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


_COUNTED_NOUN_RE = re.compile(r"\s*([\u4e00-\u9fff]{2,6}?)(?=[的、，,。；;或和及与]|$|[\s(（])")


def _counted_noun(text: str, end: int, clause_end: int) -> str:
    """The noun right after a figure (``5500 台公交车`` → 公交车), up to 的, a separator or a
    verb-like break."""
    m = _COUNTED_NOUN_RE.match(text[end:clause_end])
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


_TWO_HAN_RE = re.compile(r"\s*([\u4e00-\u9fff]{2})")


def _head_noun(text: str, end: int, clause_end: int) -> str:
    """The counted noun, else the first two characters after the figure (2200 台重卡满负荷使用
    → 重卡), to check against indicator names."""
    noun = _counted_noun(text, end, clause_end)
    m = None if noun else _TWO_HAN_RE.match(text[end:clause_end])
    return noun or (m.group(1) if m else "")
