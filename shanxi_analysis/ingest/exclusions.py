"""Candidates proposed for exclusion: structural counts, figures inside names or titles,
figures of speech, repeats.
"""

from __future__ import annotations

import re

from .. import quantities
from .common import _bigrams

_FIGURATIVE_RE = re.compile(r"像|如同|好比|仿佛|宛如|犹如")
_ENUM_AFTER_RE = re.compile(r"^\s*(?:个)?(?:方面|部分|要点|步|阶段|点|环节|任务|措施|原则)")
_ENUM_BEFORE_RE = re.compile(r"(?:以下|如下|下列|这|上述|从|在|抓好|做好|围绕|聚焦)\s*$")


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
