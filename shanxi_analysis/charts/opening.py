"""Charts of opening-up, investment and talent: the development zones' weight in Shanxi's
foreign investment and trade, growth against the reference averages, and the demonstration
zone's talent and partners; short specifications over the chart types."""

from __future__ import annotations

from .types import compare, gap, share, theme_chart

zone_share_of_province = theme_chart(
    "zone_share_of_province",
    share,
    "opening_talent",
    """Return the development zones' share of Shanxi's foreign investment and foreign trade
    against a 100% track (a :func:`share`), with the provincial totals they imply.""",
    part=["fdi_utilised", "foreign_trade"],
    share=["fdi_share_of_province", "foreign_trade_share_of_province"],
    entity="shanxi-dev-zones",
    title={
        "zh": "开发区在全省利用外资和进出口中的占比",
        "en": "The development zones' share of Shanxi's foreign investment and trade",
    },
)

growth_vs_average = theme_chart(
    "growth_vs_average",
    gap,
    "opening_talent",
    """Return growth rates against their reference averages (a :func:`gap`): the zones
    against the province, Shanxi against the nation; references are derived from the gaps
    the articles state.""",
    rate=["fdi_growth_yoy", "imports_decline_yoy", "foreign_trade_growth_yoy"],
    gap=[
        "fdi_growth_gap_vs_province",
        "imports_growth_gap_vs_province",
        "foreign_trade_growth_gap_vs_national",
    ],
    title={
        "zh": "增速与平均水平：开发区对全省，山西对全国",
        "en": "Growth against the average: the zones against Shanxi, Shanxi against China",
    },
)

talent_and_partners = theme_chart(
    "talent_and_partners",
    compare,
    "opening_talent",
    """Return the demonstration zone's talent base as rows of dots (a :func:`compare` by
    indicator, one dot per university, workstation or researcher; "+" where the text says
    "more than"), with the investment projects signed with three regions beside it.""",
    indicator=[
        "university_partners",
        "academician_workstations",
        "national_talent_programme_members",
    ],
    by="indicator",
    dots=True,
    aside=["investment_projects_signed", "investment_projects_signed_share"],
    title={
        "zh": "人才与合作：综改示范区的高校、院士与人才",
        "en": "Talent and partners: the demonstration zone's universities and researchers",
    },
    note={
        "zh": "每点一个单位；“+”表示原文为“余”（超过）",
        "en": "One dot per unit; “+” where the text says “more than”",
    },
)

__charts__ = [zone_share_of_province, growth_vs_average, talent_and_partners]
