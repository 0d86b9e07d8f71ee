"""Across sources: facts that share indicator, entity and period, compared pairwise.

A pair agrees when the stated values fit each other's qualifier (``at_most 900`` agrees with
897; ``approx 12.7`` with 12.69 within :data:`APPROX_TOLERANCE`), else it disagrees. Both
quotes and both sources are reported.
"""

from __future__ import annotations

import itertools
import math

import pandas as pd

APPROX_TOLERANCE = 0.05
"""Relative tolerance for an approximate figure (约, 左右, 接近): 5%."""
EXACT_TOLERANCE = 0.005
"""Relative tolerance between two plain figures (rounding): 0.5%."""


def _fits(value: float, other: float, qualifier: str) -> bool:
    """Whether ``other`` is consistent with ``value`` stated with ``qualifier``."""
    if qualifier == "at_most":
        return other <= value * (1 + EXACT_TOLERANCE)
    if qualifier == "less_than":
        return other < value * (1 + EXACT_TOLERANCE)
    if qualifier == "at_least":
        return other >= value * (1 - EXACT_TOLERANCE)
    if qualifier == "more_than":
        return other > value * (1 - EXACT_TOLERANCE)
    tol = APPROX_TOLERANCE if qualifier == "approx" else EXACT_TOLERANCE
    return math.isclose(value, other, rel_tol=tol)


def compare(facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return one row per pair of facts from different sources with the same indicator,
    entity and period: ``status`` (agree/disagree), both fact ids, sources, values and
    quotes."""
    from . import datasets

    df = datasets.facts() if facts is None else facts
    rows = []
    for (ind, ent, per), g in df.groupby(["indicator_id", "entity_id", "period"]):
        if not per or g["source_id"].nunique() < 2:
            continue
        for a, b in itertools.combinations(g.to_dict("records"), 2):
            if a["source_id"] == b["source_id"]:
                continue
            va, vb = float(a["base_value"]), float(b["base_value"])
            ok = _fits(va, vb, str(a["qualifier"])) and _fits(vb, va, str(b["qualifier"]))
            rows.append(
                {
                    "status": "agree" if ok else "disagree",
                    "indicator_id": ind,
                    "entity_id": ent,
                    "period": per,
                    "fact_a": a["fact_id"],
                    "source_a": a["source_id"],
                    "value_a": va,
                    "quote_a": a["quote"],
                    "fact_b": b["fact_id"],
                    "source_b": b["source_id"],
                    "value_b": vb,
                    "quote_b": b["quote"],
                }
            )
    cols = ["status", "indicator_id", "entity_id", "period", "fact_a", "source_a", "value_a",
            "quote_a", "fact_b", "source_b", "value_b", "quote_b"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)
