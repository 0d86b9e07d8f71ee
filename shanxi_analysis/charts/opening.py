"""Charts of opening-up, investment and talent: the development zones' weight in Shanxi's
foreign investment and trade, growth against the reference averages, and the demonstration
zone's talent and partners."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ._base import tr
from .types import compare, gap, share


def zone_share_of_province(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return the development zones' share of Shanxi's foreign investment and foreign trade
    against a 100% track (a :func:`share`), with the provincial totals they imply."""
    return share(
        data,
        part=["fdi_utilised", "foreign_trade"],
        share=["fdi_share_of_province", "foreign_trade_share_of_province"],
        entity="shanxi-dev-zones",
        lang=lang,
        title=tr(
            lang,
            "开发区在全省利用外资和进出口中的占比",
            "The development zones' share of Shanxi's foreign investment and trade",
        ),
    )


zone_share_of_province.theme = "opening_talent"


def growth_vs_average(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return growth rates against their reference averages (a :func:`gap`): the zones
    against the province, Shanxi against the nation; references are derived from the gaps
    the articles state."""
    return gap(
        data,
        rate=["fdi_growth_yoy", "imports_decline_yoy", "foreign_trade_growth_yoy"],
        gap=[
            "fdi_growth_gap_vs_province",
            "imports_growth_gap_vs_province",
            "foreign_trade_growth_gap_vs_national",
        ],
        lang=lang,
        title=tr(
            lang,
            "增速与平均水平：开发区对全省，山西对全国",
            "Growth against the average: the zones against Shanxi, Shanxi against China",
        ),
    )


growth_vs_average.theme = "opening_talent"


def talent_and_partners(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return the demonstration zone's talent base as rows of dots (a :func:`compare` by
    indicator, one dot per university, workstation or researcher; "+" where the text says
    "more than"), with the investment projects signed with three regions beside it."""
    return compare(
        data,
        indicator=[
            "university_partners",
            "academician_workstations",
            "national_talent_programme_members",
        ],
        by="indicator",
        dots=True,
        aside=["investment_projects_signed", "investment_projects_signed_share"],
        lang=lang,
        title=tr(
            lang,
            "人才与合作：综改示范区的高校、院士与人才",
            "Talent and partners: the demonstration zone's universities and researchers",
        ),
        note=tr(
            lang,
            "每点一个单位；“+”表示原文为“余”（超过）",
            "One dot per unit; “+” where the text says “more than”",
        ),
    )


talent_and_partners.theme = "opening_talent"

__charts__ = [zone_share_of_province, growth_vs_average, talent_and_partners]
