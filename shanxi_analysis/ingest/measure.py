"""The measure of a candidate fact (level, change, gap, share, rank, ratio) and its direction,
from the base unit and the words next to the figure.
"""

from __future__ import annotations

import re

from .. import quantities
from .common import _Field
from .period import _TO_STATE_RE

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


_PER_RE = re.compile(r"每\s*[\u4e00-\u9fff]{0,2}$")


def _measure_for(q: quantities.Quantity, clause_prefix: str, clause_text: str) -> _Field:
    bu = q.base_unit
    if bu == "rank":
        return _Field("rank", "unit:rank", 0.95)
    if bu == "times" or "/" in bu:
        return _Field("ratio", f"unit:{bu}", 0.9)
    if _PER_RE.search(clause_prefix[-6:]):
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
