"""The indicator of a candidate fact: an existing one only when its meaning fits (unit,
measure, entity type, period grain, subject), else one proposed id per subject, measure and
unit, with a name and a definition in two languages (fact conventions, "indicator").
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from .common import _bigrams, _Field, to_simplified
from .lexicon import Lexicon
from .period import period_grain
from .subject import noun_phrase, pos_words

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


@lru_cache(maxsize=4096)
def proposed_indicator_id(subject: str, measure: str, base_unit: str) -> str:
    """Return the id proposed for a new indicator: ``new_`` and a short hash of its subject,
    measure and base unit, so the same subject proposes the same id across articles."""
    digest = hashlib.sha1(f"{subject}|{measure}|{base_unit}".encode()).hexdigest()[:8]
    return f"new_{digest}"


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


@lru_cache(maxsize=256)
def _indicators_of(indicators: tuple, base_unit: str, measure: str) -> tuple:
    """The rows of :func:`_indicator_table` of one base unit and measure whose name has
    words, in the table's order (found once per unit and measure)."""
    return tuple(
        (iid, name, theme, nb, full, core)
        for iid, name, unit, theme, ind_measure, nb, full, core in _indicator_table(indicators)
        if unit == base_unit and ind_measure == measure and nb
    )


@lru_cache(maxsize=256)
def _bigram_index(
    indicators: tuple, base_unit: str, measure: str
) -> tuple[dict[str, tuple[int, ...]], frozenset[str]]:
    """Each pair of characters of the names of :func:`_indicators_of` → the positions of
    the names that hold it, and the set of those pairs (built once per unit and measure)."""
    index: dict[str, list[int]] = {}
    for i, row in enumerate(_indicators_of(indicators, base_unit, measure)):
        for bigram in row[3]:
            index.setdefault(bigram, []).append(i)
    return {k: tuple(v) for k, v in index.items()}, frozenset(index)


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
    disagree = _disagreeing(lexicon.indicator_profiles, entity_type, period_grain(period))
    # a subject of its own: four characters or more that end in a noun (not 受疫情影响)
    own_subject = len(subject) >= 4 and _ends_in_noun(subject)
    window = _bigrams(to_simplified(clause_text))
    noun = _bigrams(to_simplified(counted)) if counted else frozenset()
    sentence = _bigrams(to_simplified(sentence_text))
    subj = _bigrams(to_simplified(subject))
    simple_subject = to_simplified(subject)
    kind_word = _KIND_NAME_WORDS.get(kind)
    rows = _indicators_of(lexicon.indicators, base_unit, measure)
    # Only the names that share a pair of characters with the clause, the sentence, the
    # subject or the counted noun, or that a bonus rewards, can score above 0; the others
    # score 0 and are never the best (that takes 0.3) nor a runner-up other than 0.
    index, keys = _bigram_index(lexicon.indicators, base_unit, measure)
    seen: set[int] = set()
    for words in (window, sentence, subj, noun):
        for bigram in keys.intersection(words):
            seen.update(index[bigram])
    if classifier or named_for:
        seen.update(
            i
            for i, row in enumerate(rows)
            if (classifier and classifier in row[4]) or row[4] in named_for
        )
    scores: list[tuple[float, str, str, str]] = []
    for i in seen:
        iid, name, theme, nb, full, core = rows[i]
        if iid in disagree:
            continue  # a county's capacity is not a plant's; a quarter's output not a year's
        in_window = len(nb & window)
        cover = (in_window + 0.6 * len((nb & sentence) - window)) / len(nb)
        dice = 2 * len(nb & subj) / (len(nb) + len(subj)) if subj else 0.0
        counted_in_name = bool(noun) and noun <= nb
        if (
            own_subject
            and cover < 0.99
            and not counted_in_name
            and (dice < 0.2 or _modifiers_differ(simple_subject, core))
        ):
            continue  # a subject of its own that the name does not say (非煤工业 ≠ 新兴产业)
        # the name's words in the figure's clause count most, in its sentence less
        score = 0.7 * cover + 0.3 * dice
        if counted_in_name:
            score += 0.25  # the counted noun (N 台公交车) is in the name
        if classifier and classifier in full:
            score += 0.2  # the classifier names the indicator (3 批 → 批次)
        if full in named_for:
            score += 0.25  # an indicator named for the figure's entity (示范区内国家级开发区)
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


@lru_cache(maxsize=8192)
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


@lru_cache(maxsize=4096)
def _ends_in_noun(words: str) -> bool:
    tokens = pos_words(to_simplified(words))
    return bool(tokens) and (tokens[-1][1][:1] == "n" or tokens[-1][1] == "eng")


@lru_cache(maxsize=256)
def _disagreeing(profiles: tuple, entity_type: str, grain: str) -> frozenset[str]:
    """The indicators whose curated facts are of another sort than a figure about an entity
    of ``entity_type`` over a period of ``grain`` (:func:`_profile_agrees`)."""
    return frozenset(
        iid
        for iid, types, grains in profiles
        if not _profile_agrees((types, grains), entity_type, grain)
    )


# a unit, or a word of change or comparison, is never an indicator's name
_NOT_A_NAME_RE = re.compile(
    r"^(?:[十百千万亿]*(?:元|吨|千瓦|千瓦时|个|家|座|项|户|人|次|辆|台|套|平方米|公里|立方米|标方|升)"
    r"|增长|下降|增加|减少|提高|降低|拉动|回落|上升|同比|环比|达到|完成|实现)$"
)


@lru_cache(maxsize=4096)
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
    "change": ("变化幅度", "the size of a change"),
    "gap": ("与另一对象的差距", "a difference against another subject"),
    "share": ("占比", "a share of a whole"),
    "rank": ("排名", "a rank"),
    "ratio": ("倍数或人均、单位值", "a multiple or a per-unit figure"),
}


def indicator_definition(name: str, measure: str, base_unit: str) -> tuple[str, str]:
    """A proposed indicator's definition in Chinese and English, from its name and measure:
    never its unit nor a verb of change (those are fields of their own). The reviewer words
    it better; the English keeps the Chinese name. ``base_unit`` is kept for callers."""
    zh, en = _MEASURE_WORDS.get(measure, (measure, measure))
    return f"{name}：{zh}。", f"{name}: {en} (name as written in the source)."


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
