"""Charts of opening-up, investment and talent: the development zones' weight in Shanxi's
foreign investment and trade, growth against the reference averages, and the demonstration
zone's talent and partners: chart types configured by their rows of figures.csv."""

from __future__ import annotations

from .types import figure

zone_share_of_province = figure(
    "zone_share_of_province",
    """Return the development zones' share of Shanxi's foreign investment and foreign trade
    against a 100% track (a :func:`share`), with the provincial totals they imply.""",
)

growth_vs_average = figure(
    "growth_vs_average",
    """Return growth rates against their reference averages (a :func:`gap`): the zones
    against the province, Shanxi against the nation; references are derived from the gaps
    the articles state.""",
)

talent_and_partners = figure(
    "talent_and_partners",
    """Return the demonstration zone's talent base as rows of dots (a :func:`compare` by
    indicator, one dot per university, workstation or researcher; "+" where the text says
    "more than"), with the investment projects signed with three regions beside it.""",
)
