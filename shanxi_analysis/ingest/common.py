"""What every field's rules share: script conversion (traditional → simplified, offsets kept),
clause and sentence bounds, a proposed field with its rule and confidence.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .. import sources


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


@lru_cache(maxsize=1)
def _t2s_needed() -> re.Pattern:
    """A pattern that finds a character :func:`_t2s_table` changes (or any character
    beyond the basic plane, rare enough to be translated whole): most text is simplified
    already, and searching it is ten times faster than translating it."""
    bmp = "".join(re.escape(chr(c)) for c in sorted(_t2s_table()) if c < 0x10000)
    return re.compile("[" + bmp + "\U00010000-\U0010ffff]")


def to_simplified(text: str) -> str:
    """Return ``text`` in simplified script, character for character (so offsets in the
    result are offsets in ``text``), by OpenCC's character table.

    >>> to_simplified("山西轉型綜合改革示範區")
    '山西转型综合改革示范区'
    """
    if not text or not _t2s_needed().search(text):
        return text
    return text.translate(_t2s_table())


_CLAUSE_SEPS = "，,；;。！？!?：:\n"
_PROVINCE_WORDS = ("全省", "我省", "本省")
# words that name the article's own place (全省, 全市, 我县 …): an entity, never a subject
_ENTITY_WORD_RE = re.compile("全省|我省|本省|全市|我市|本市|全县|我县|本县|全区|我区|本区")


_CLAUSE_SEP_RE = re.compile("[" + re.escape(_CLAUSE_SEPS) + "]")


@lru_cache(maxsize=256)
def _clause_seps(text: str) -> tuple[int, ...]:
    """The offsets of ``text``'s clause separators, found once per text (a block, its
    simplified form) and kept for the bounds of each of its figures."""
    return tuple(m.start() for m in _CLAUSE_SEP_RE.finditer(text))


def _clause_bounds(text: str, pos: int) -> tuple[int, int]:
    """``(start, end)`` of the clause of ``text`` that holds offset ``pos``: after the last
    separator before ``pos``, up to the first at or after it."""
    seps = _clause_seps(text)
    i = bisect.bisect_left(seps, pos)
    a = seps[i - 1] + 1 if i > 0 else 0
    b = seps[i] if i < len(seps) else len(text)
    return a, b


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    return sources.sentence_at(text, pos)


_BIGRAM_SKIP_RE = re.compile(r"[\s，,、（）()“”\"]")


@lru_cache(maxsize=8192)
def _bigrams(s: str) -> frozenset[str]:
    """The pairs of characters in a row of ``s`` (spaces and punctuation left out); kept
    for the next call with the same text."""
    s = _BIGRAM_SKIP_RE.sub("", s)
    return frozenset(map(str.__add__, s, s[1:])) or (frozenset({s}) if s else frozenset())


@dataclass(slots=True)
class _Field:
    value: Any
    rule: str
    confidence: float


def _pick_before(items: Sequence[tuple[int, int, Any]], lo: int, hi: int):
    inside = [it for it in items if lo <= it[0] and it[1] <= hi]
    return inside[-1] if inside else None
