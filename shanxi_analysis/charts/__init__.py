"""Altair charts of Shanxi's transformation: bilingual, cited, offline.

Every chart function has the form ``f(data=None, *, lang="zh", ...) -> alt.Chart`` (or a
layer chart, so that callers can still layer it). ``data=None`` uses the package's facts; a
DataFrame with the columns of :func:`shanxi_analysis.datasets.facts` works too. Titles,
axes, legends and tooltips follow ``lang``; tooltips show each mark's quote and source; the
subtitle carries a citation line computed from the sources of the plotted rows;
``description`` serves screen readers. Functions never call ``configure_*``: call
:func:`use_theme` for the look, and :func:`save` to write ``.html``, ``.svg`` or ``.png``.

>>> from shanxi_analysis import charts
>>> charts.use_theme()
>>> chart = charts.dev_zones_composition(lang="en")
>>> charts.citation_text(chart.to_dict())[:30]
'Source: An unidentified newspa'
"""

from __future__ import annotations

from ..datasets import FACT_COLUMNS
from ..render import MissingGlyphError, save, to_svg
from ._base import FONT_STACK, PALETTE, THEME_NAME, citation_text, theme_config, use_theme
from .energy import coal_before_after, equivalences, wind_solar_share
from .industry import cluster_tiers, high_tech_growth, innovation_pipeline
from .opening import growth_vs_average, talent_and_partners, zone_share_of_province
from .overview import consistency_checks, key_figures, places_map, policy_timeline
from .reform import business_environment, loan_savings_calculator
from .types import CHART_TYPES, change, compare, composition, gap, share, tiles, trend
from .zones import demo_zone_parks, dev_zones_change, dev_zones_composition

CHARTS = {
    f.__name__: f
    for f in (
        *(key_figures, policy_timeline, places_map, consistency_checks),
        *(coal_before_after, wind_solar_share, equivalences),
        *(high_tech_growth, innovation_pipeline, cluster_tiers),
        *(loan_savings_calculator, business_environment),
        *(dev_zones_composition, demo_zone_parks, dev_zones_change),
        *(zone_share_of_province, growth_vs_average, talent_and_partners),
    )
}
"""Every named theme chart by name, in reading order (overview first, then by theme)."""

__all__ = [
    "CHARTS",
    "CHART_TYPES",
    "FACT_COLUMNS",
    "FONT_STACK",
    "PALETTE",
    "THEME_NAME",
    "MissingGlyphError",
    "citation_text",
    "save",
    "theme_config",
    "tiles",
    "to_svg",
    "use_theme",
    "trend",
    "compare",
    "composition",
    "share",
    "change",
    "gap",
    *CHARTS,
]
