"""Narrative text whose figures come from the data.

A template is prose with placeholders, and no figure typed by hand:

* ``{fact:ID}``: the fact as a reader should see it (Chinese: as written in the article,
  ``约 8000 万千瓦时``; English: converted to readable units, ``about 80 million kWh``);
* ``{period:ID}``: the fact's period;
* ``{calc:NAME}``: a value derived from the facts by :data:`CALCULATIONS`;
* ``{indicator:ID}``: an indicator's name.

>>> render("先进产能占比提高到{fact:lw-advanced-coal-capacity-share-2020}。", "zh")
'先进产能占比提高到 68%。'
>>> render("Coal mines: {fact:lw-coal-mines-2020}.", "en")
'Coal mines: at most 900.'
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import datasets, derived, formatting

_HAN_THEN_LATIN = re.compile(r"([\u4e00-\u9fff])([0-9A-Za-z])")
_LATIN_THEN_HAN = re.compile(r"([0-9A-Za-z%])([\u4e00-\u9fff])")
_PLACEHOLDER = re.compile(r"\{(fact|period|calc|indicator):([A-Za-z0-9_\-]+)\}")


def figure(fact_id: str, lang: str) -> str:
    """Return a fact's figure for a reader in ``lang``, with its qualifier (the ``prose``
    style of :func:`shanxi_analysis.formatting.figure`)."""
    datasets.check_lang(lang)
    return formatting.fact_figure(datasets.fact(fact_id), lang, "prose")


CALCULATIONS: dict[str, Callable[[str], str]] = {
    k: (lambda lang, d=d: d.text(lang)) for k, d in derived.REGISTRY.items()
}
"""Derived values a narrative may cite (``{calc:ID}``), from :data:`derived.REGISTRY`."""


def period_text(period: object, lang: str) -> str:
    """Return a period as a reader writes it (:func:`shanxi_analysis.formatting.period`).

    >>> period_text("2016/2020", "en"), period_text("2020Q1", "zh")
    ('2016–2020', '2020 年一季度')
    """
    return formatting.period(period, lang)


def fact_ids(template: str) -> list[str]:
    """Return the fact ids a template cites, in order."""
    return list(
        dict.fromkeys(
            m.group(2) for m in _PLACEHOLDER.finditer(template) if m.group(1) in ("fact", "period")
        )
    )


def render(template: str, lang: str, *, escape: Callable[[str], str] | None = None) -> str:
    """Return ``template`` with every placeholder replaced by its value in ``lang``;
    ``escape`` (e.g. :func:`htmlsafe.markdown_text`) is applied to each value, never to the
    template, so names from the data stay text in Markdown."""
    datasets.check_lang(lang)

    def sub(m: re.Match) -> str:
        value = _value(m.group(1), m.group(2))
        return escape(value) if escape else value

    def _value(kind: str, key: str) -> str:
        if kind == "fact":
            return figure(key, lang)
        if kind == "indicator":
            names = datasets.indicators(lang).set_index("indicator_id")["name"]
            if key not in names.index:
                raise KeyError(f"unknown indicator {key!r}")
            return str(names[key])
        if kind == "period":
            return period_text(datasets.fact(key)["period"], lang)
        if key not in CALCULATIONS:
            raise KeyError(f"unknown calculation {key!r}; known: {', '.join(CALCULATIONS)}")
        return CALCULATIONS[key](lang)

    text = _PLACEHOLDER.sub(sub, template)
    if lang == "zh":
        # One spacing rule for the figures of both articles (one writes 15685 万吨, the
        # other 83个): a space wherever a digit or Latin letter meets a Chinese character.
        text = _HAN_THEN_LATIN.sub(r"\1 \2", text)
        text = _LATIN_THEN_HAN.sub(r"\1 \2", text)
    return re.sub(r" {2,}", " ", text).strip()
