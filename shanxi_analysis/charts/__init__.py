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

from . import energy, industry, opening, overview, reform, zones
from ._base import FONT_STACK, PALETTE, THEME_NAME, citation_text, theme_config, use_theme
from .render import MissingGlyphError, save, to_svg

CHARTS = {
    f.__name__: f
    for module in (overview, energy, industry, reform, zones, opening)
    for f in module.__charts__
}
"""Every public chart function by name, in reading order (overview first, then by theme)."""

globals().update(CHARTS)

__all__ = [  # chart names are added from CHARTS
    "CHARTS",
    "FONT_STACK",
    "PALETTE",
    "THEME_NAME",
    "citation_text",
    "MissingGlyphError",
    "save",
    "theme_config",
    "to_svg",
    "use_theme",
    *CHARTS,
]
