"""Charts of the development zones and the demonstration zone: chart types configured by their
rows of figures.csv."""

from __future__ import annotations

from .types import figure

dev_zones_composition = figure(
    "dev_zones_composition",
    """Return stacked bars of Shanxi's development zones by level and by type (a
    :func:`composition` of the zone-count indicators). Clicking a legend entry highlights
    that part.""",
)

demo_zone_parks = figure(
    "demo_zone_parks",
    """Return the parks merged into the demonstration zone by level (a :func:`composition`
    of the part-whole rule ``demo-zone-parks``: national, provincial, and the park the text
    names on its own).""",
)

dev_zones_change = figure(
    "dev_zones_change",
    """Return Shanxi's development zones at provincial level and above as counted by the two
    articles (a :func:`change` drawn as bars before and after), with the change.""",
)
