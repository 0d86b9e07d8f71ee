"""What an article is matched against: the entities, indicators (with the sort of entity and
period their curated facts have) and registered sources, as plain tuples that pickle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import sources
from .common import to_simplified
from .period import period_grain


class _Rows(tuple):
    """A tuple of rows that computes its hash once: the lexicon's tables are the keys of the
    caches the rules look up for every figure, and hashing a table each time costs more
    than the lookup. Equal to, and pickled like, a plain tuple of the same rows."""

    def __hash__(self) -> int:
        try:
            return self.__dict__["_hash"]
        except KeyError:
            self.__dict__["_hash"] = h = tuple.__hash__(self)
            return h

    def __reduce__(self):
        # the rows only: a hash of strings differs from one process to another
        return (_Rows, (tuple(self),))


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

    def __post_init__(self) -> None:
        for name in ("entities", "indicators", "known_hashes", "indicator_profiles"):
            object.__setattr__(self, name, _Rows(getattr(self, name)))

    @classmethod
    def from_data(cls) -> Lexicon:
        """Return the lexicon of the curated tables and the source registry."""
        import pandas as pd

        from .. import paths

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
