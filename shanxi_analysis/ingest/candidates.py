"""The candidates of one block of clean text: each figure with every field, by the rules of the
field modules.
"""

from __future__ import annotations

import bisect
import re

from .. import quantities
from .common import _clause_bounds, _Field, _sentence_bounds, to_simplified
from .entity import (
    _MAKE_BEFORE_RE,
    NEW_ENTITY_PREFIX,
    _counted_hits,
    _entity_for,
    _entity_words,
    _EntityScope,
    _matcher,
    _names_in,
    _new_entity_parent,
    _owned_bodies,
    _subject_hits,
    new_entity_type,
)
from .exclusions import _exclusion_for
from .indicator import _indicator_for, indicator_definition
from .kind import _FUTURE_RE, _kind_for
from .lexicon import Lexicon
from .measure import _direction_for, _measure_for
from .period import PeriodMention, Published, _period_for, _stock_at_end, find_periods, is_reference
from .subject import (
    _QUALIFIER_RE,
    _counted_head,
    _counted_noun,
    _head_noun,
    _respectively,
    _subject_for,
)

_FULL_STOP_RE = re.compile("[。！？!?]")


def _quote_for(
    text: str,
    q: quantities.Quantity,
    clause: tuple[int, int],
    sentence: tuple[int, int],
    read: dict[str, list] | None = None,
) -> str:
    """The shortest clause around the figure in which the extractor reads the same figure.

    ``read`` keeps the extractor's reading of each piece of text already tried (a block's
    figures share their sentence and often their clause), so each is read once."""
    read = {} if read is None else read
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
        if quote not in read:
            read[quote] = quantities.extract(quote)
        found = [x for x in read[quote] if x.span == q.span and off + x.start == q.start]
        if found and found[0].value == q.value and found[0].qualifier == q.qualifier:
            return quote
    return text


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
    read = {text: found}  # the extractor's readings of the block's pieces, for the quotes
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
    scope = _EntityScope(
        matcher,
        hits,
        all_hits,
        counted,
        made,
        paragraph_entity,
        speaker_entity,
        article_entity,
    )  # the same for every figure of the block
    # where the block's full sentences end (。！？!?, not ；), to find each figure's start
    full_ends = [m.start() for m in _FULL_STOP_RE.finditer(simple)]
    out = []
    for q in found:
        clause = _clause_bounds(text, q.start)
        sentence = _sentence_bounds(text, q.start)
        clause_text = text[clause[0] : clause[1]]
        clause_simple = simple[clause[0] : clause[1]]
        clause_prefix = simple[clause[0] : q.start]

        measure = _measure_for(q, clause_prefix, clause_simple)
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
        i = bisect.bisect_left(full_ends, q.start)
        full_start = full_ends[i - 1] + 1 if i else 0
        kind = _kind_for(
            clause_simple,
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
            scope,
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
        rules = {
            "period": period.rule,
            "kind": kind.rule,
            "measure": measure.rule,
            "direction": direction.rule,
            "entity": ent.rule,
            "subject": subject.rule,
            "indicator": indicator.rule,
        }
        confidence = min(
            period.confidence,
            kind.confidence,
            measure.confidence,
            direction.confidence,
            ent.confidence,
            subject.confidence,
            indicator.confidence,
        )
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
                "quote": _quote_for(text, q, clause, sentence, read),
                "sentence": text[sentence[0] : sentence[1]],
                "block_no": block_no,
                "start": q.start,
                "end": q.end,
                "exclude": excl is not None,
                "reason_code": excl[0] if excl else "",
                "reason": excl[1] if excl else "",
                "confidence": round(confidence, 2),
                "rules": rules,
            }
        )
    return out
