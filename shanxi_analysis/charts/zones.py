"""Charts of the development zones and the demonstration zone: short specifications over the
chart types."""

from __future__ import annotations

from .types import change, composition, theme_chart

dev_zones_composition = theme_chart(
    "dev_zones_composition",
    composition,
    "development_zones",
    """Return stacked bars of Shanxi's development zones by level and by type (a
    :func:`composition` of the zone-count indicators). Clicking a legend entry highlights
    that part.""",
    parts=[
        ["dev_zones_national", "dev_zones_provincial"],
        ["dev_zones_industrial", "dev_zones_eco_tourism", "dev_zones_agricultural"],
    ],
    whole="dev_zones_total",
    entity="shanxi-dev-zones",
    names=[{"zh": "按级别", "en": "By level"}, {"zh": "按类型", "en": "By type"}],
)

demo_zone_parks = theme_chart(
    "demo_zone_parks",
    composition,
    "development_zones",
    """Return the parks merged into the demonstration zone by level (a :func:`composition`
    of the part-whole rule ``demo-zone-parks``: national, provincial, and the park the text
    names on its own).""",
    rule="demo-zone-parks",
    names=[{"zh": "按级别", "en": "By level"}],
    title={
        "zh": "整合为山西转型综改示范区的园区",
        "en": "The parks merged into Shanxi's demonstration zone",
    },
)

dev_zones_change = theme_chart(
    "dev_zones_change",
    change,
    "development_zones",
    """Return Shanxi's development zones at provincial level and above as counted by the two
    articles (a :func:`change` drawn as bars before and after), with the change.""",
    indicator="dev_zones_total",
    entity="shanxi-dev-zones",
    bars=True,
    note={
        "zh": "两篇报道各自的说法，不是同一统计的时间序列",
        "en": "As stated by two articles, not one statistical series",
    },
)

__charts__ = [dev_zones_composition, demo_zone_parks, dev_zones_change]
