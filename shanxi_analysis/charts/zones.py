"""Charts of the development zones and the demonstration zone."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ._base import tr
from .types import change, composition


def dev_zones_composition(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return stacked bars of Shanxi's development zones by level and by type (a
    :func:`composition` of the zone-count indicators). Clicking a legend entry highlights
    that part."""
    return composition(
        data,
        parts=[
            ["dev_zones_national", "dev_zones_provincial"],
            ["dev_zones_industrial", "dev_zones_eco_tourism", "dev_zones_agricultural"],
        ],
        whole="dev_zones_total",
        entity="shanxi-dev-zones",
        names=[tr(lang, "按级别", "By level"), tr(lang, "按类型", "By type")],
        lang=lang,
    )


dev_zones_composition.theme = "development_zones"


def demo_zone_parks(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return the parks merged into the demonstration zone by level (a :func:`composition`
    of the part-whole rule ``demo-zone-parks``: national, provincial, and the park the text
    names on its own)."""
    return composition(
        data,
        rule="demo-zone-parks",
        names=[tr(lang, "按级别", "By level")],
        lang=lang,
        title=tr(
            lang,
            "整合为山西转型综改示范区的园区",
            "The parks merged into Shanxi's demonstration zone",
        ),
    )


demo_zone_parks.theme = "development_zones"


def dev_zones_change(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return Shanxi's development zones at provincial level and above as counted by the two
    articles (a :func:`change` drawn as bars before and after), with the change."""
    return change(
        data,
        indicator="dev_zones_total",
        entity="shanxi-dev-zones",
        bars=True,
        lang=lang,
        note=tr(
            lang,
            "两篇报道各自的说法，不是同一统计的时间序列",
            "As stated by two articles, not one statistical series",
        ),
    )


dev_zones_change.theme = "development_zones"

__charts__ = [dev_zones_composition, demo_zone_parks, dev_zones_change]
