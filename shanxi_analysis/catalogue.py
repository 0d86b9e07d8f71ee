"""Every indicator with data, as a reader looks it up: grouped by theme, each with its
definition, its facts and the chart type that fits them.

The chart is chosen from the data alone, so an indicator that a new article adds appears
with no code: two or more periods for one entity make a :func:`charts.trend`, two or more
entities a :func:`charts.compare`, and a single figure is a key-figure card (text, no
chart). Where two sources give the same indicator, entity and period,
:func:`shanxi_analysis.compare.compare` says whether they agree.

>>> entry = next(e for e in entries("en") if e.indicator_id == "coal_mines")
>>> entry.chart_type, entry.theme
('card', 'coal_energy')
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import compare, datasets
from .datasets import granularity

CHART_TYPES = ("trend", "compare", "card")


@dataclass
class Entry:
    """One indicator: its id, name, definition, theme, facts (rows of
    :func:`datasets.facts`), the chart type that fits them, and its cross-source pairs."""

    indicator_id: str
    name: str
    definition: str
    theme: str
    facts: pd.DataFrame
    chart_type: str
    pairs: pd.DataFrame


def _dated(facts: pd.DataFrame) -> pd.DataFrame:
    period = facts["period"]
    return facts[period.notna() & (period.astype(str) != "")]


def _series(facts: pd.DataFrame) -> pd.DataFrame:
    """Return the longest run of one granularity that makes a trend (two or more periods for
    an entity), or an empty frame."""
    dated = _dated(facts)
    best = dated.iloc[0:0]
    for _, rows in dated.groupby(dated["period"].map(granularity)):
        longest = rows.groupby("entity_id")["period"].nunique().max()
        if longest >= 2 and longest > (
            best.groupby("entity_id")["period"].nunique().max() if len(best) else 0
        ):
            best = rows
    return best


def chart_type(facts: pd.DataFrame) -> str:
    """Return ``trend`` when one entity has two or more periods of one kind (years,
    quarters ...), ``compare`` when there are two or more entities, else ``card``."""
    if facts.empty:
        raise ValueError("an indicator with no facts has no chart")
    if not _series(facts).empty:
        return "trend"
    if facts["entity_id"].nunique() >= 2:
        return "compare"
    return "card"


def entries(lang: str = "zh", data: pd.DataFrame | None = None) -> list[Entry]:
    """Return one :class:`Entry` per indicator that has facts, in theme order, then in the
    order of ``indicators.csv``."""
    datasets.check_lang(lang)
    facts = datasets.facts(lang) if data is None else data
    pairs = compare.compare(facts)
    indicators = datasets.indicators(lang)
    order = {t: i for i, t in enumerate(datasets.THEMES)}
    out = []
    for ind in indicators.itertuples():
        rows = facts[facts["indicator_id"] == ind.indicator_id]
        if rows.empty:
            continue
        out.append(
            Entry(
                indicator_id=ind.indicator_id,
                name=str(ind.name),
                # The Chinese pages show a Chinese definition or none, never the English one.
                definition=str((ind.definition_zh if lang == "zh" else ind.definition) or ""),
                theme=str(ind.theme),
                facts=rows.sort_values(["entity_id", "period"]),
                chart_type=chart_type(rows),
                pairs=pairs[pairs["indicator_id"] == ind.indicator_id],
            )
        )
    return sorted(out, key=lambda e: order.get(e.theme, len(order)))


def chart(entry: Entry, lang: str):
    """Return the chart of an entry (an ``alt.LayerChart``), or None for a card."""
    from . import charts

    if entry.chart_type == "trend":
        return charts.trend(_series(entry.facts), indicator=entry.indicator_id, lang=lang)
    if entry.chart_type == "compare":
        return charts.compare(entry.facts, indicator=entry.indicator_id, lang=lang)
    return None


_FILTER_JS = """
(function(){
function init() {
  var text = document.getElementById('sx-filter-text');
  var theme = document.getElementById('sx-filter-theme');
  var count = document.getElementById('sx-filter-count');
  if (!text || !theme) return;
  var template = count.getAttribute('data-template');
  function apply() {
    /* looked up each time: in JupyterLab the sections are outputs shown after this one */
    var blocks = [].slice.call(document.querySelectorAll('.sx-indicator'));
    var words = text.value.trim().toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    blocks.forEach(function(b){
      var hay = b.getAttribute('data-text');
      var ok = (!theme.value || b.getAttribute('data-theme') === theme.value) &&
        words.every(function(w){ return hay.indexOf(w) >= 0; });
      b.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = template.replace('{shown}', shown).replace('{total}', blocks.length);
  }
  text.addEventListener('input', apply);
  theme.addEventListener('change', apply);
  apply();
}
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
})();
"""


FILTER_WORDS = {
    "zh": {
        "find": "查找指标",
        "placeholder": "例如：煤矿、外资",
        "theme": "主题",
        "all": "全部主题",
        "count": "显示 {shown} / {total} 个指标",
    },
    "en": {
        "find": "Find an indicator",
        "placeholder": "e.g. coal, foreign",
        "theme": "Theme",
        "all": "All themes",
        "count": "Showing {shown} of {total} indicators",
    },
}
"""The words of the indicator filter, the report page's and JupyterLab's alike."""


def matches(text: str, theme: str, words: str, chosen: str) -> bool:
    """Whether an indicator (its searchable ``text``, lower case, and ``theme``) is shown for
    the ``words`` typed (every one found) and the ``chosen`` theme (empty: any): the rule of
    the report page's script, for JupyterLab."""
    found = all(w in text for w in words.strip().lower().split())
    return found and (not chosen or theme == chosen)


def filter_html(lang: str) -> str:
    """Return the controls that find indicators in the page with no kernel (words, theme)
    and the count of those shown, with the script that drives them."""
    import html

    from . import htmlsafe

    zh, words = lang == "zh", FILTER_WORDS[datasets.check_lang(lang)]
    options = "".join(
        f'<option value="{html.escape(key)}">{html.escape(names[0 if zh else 1])}</option>'
        for key, names in datasets.THEMES.items()
    )
    return (
        '<div class="sx-filter" role="search">'
        f"<label>{words['find']} "
        '<input type="search" id="sx-filter-text" '
        f'placeholder="{words["placeholder"]}"></label> '
        f'<label>{words["theme"]} <select id="sx-filter-theme">'
        f'<option value="">{words["all"]}</option>{options}</select></label> '
        f'<span id="sx-filter-count" aria-live="polite" data-template="{words["count"]}"></span>'
        "</div>" + htmlsafe.script(htmlsafe.js_for_script(_FILTER_JS))
    )
