"""Run the candidate rules of ``shanxi-analysis add`` on one block of fictional text."""

from __future__ import annotations

from shanxi_analysis import ingest


def candidates(lexicon, text, *, published="2024", article=None, province=None) -> list[dict]:
    """The candidates of ``text`` as block 1 of a source ``t`` published on ``published``,
    whose article is about ``article`` in ``province`` (entity ids, or None)."""
    return ingest.block_candidates(
        text,
        1,
        published=ingest.Published.parse(published),
        lexicon=lexicon,
        source_id="t",
        article_entity=article,
        province=province,
    )
