"""Charts of emerging industries and innovation: high-tech enterprises, the science and
technology pipeline, and the industry clusters by tier."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import datasets
from ..datasets import table_frame
from ._base import own_title, packaged, tr
from .types import figure, tiles

high_tech_growth = figure(
    "high_tech_growth",
    """Return Shanxi's high-tech enterprises from 2015 to 2020 (a :func:`change`), with the
    change, its rate and the compound annual growth rate, and above it the target share of
    strategic emerging industries.""",
)

innovation_pipeline = figure(
    "innovation_pipeline",
    """Return bars of the science-and-technology pipeline (a :func:`compare` by indicator):
    projects, money, smart innovation cities and their firms, one unit group at a time
    through a dropdown (``group=`` picks the default), with the projects' batches above.""",
)


UNSTATED = datasets.UNSTATED
"""The code in ``labels.csv`` (field ``clusters.tier``) of a cluster whose text names no tier."""


def cluster_tiers(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return the industry clusters as :func:`tiles`: one tile per cluster, one column per
    list (area, list · count, year of the source), coloured by tier; clicking the legend
    highlights a tier."""
    needed = ("cluster_id", "tier", "group", "zone_entity_id", "source_id", "mention", "quote")
    df = table_frame(data, lang, datasets.clusters, needed, what="cluster_tiers", localized="name")
    keys = ["tier", "group", "zone_entity_id", "source_id"]  # codes; a tier left empty: unstated
    df[keys] = df[keys].astype(object).fillna("").astype(str).replace({"tier": {"": UNSTATED}})
    tiers = datasets.labels("clusters.tier", lang)["name"]
    unknown = sorted(set(df["tier"]) - set(tiers.index))
    if unknown:
        raise ValueError(f"cluster_tiers: unknown tier(s) {', '.join(unknown)}")
    ents = datasets.entities(lang).set_index("entity_id")
    names = ents[f"short_{lang}"].fillna(ents["name"])
    zone = df["zone_entity_id"].map(names).fillna(df["zone_entity_id"])  # else the code itself
    group = df["group"].map(datasets.labels("clusters.group", lang)["name"]).fillna(df["group"])
    published = datasets.sources(lang).set_index("source_id")["published"].astype(str)
    year = df["source_id"].map(published.str[:4]).fillna("")  # a source of one's own: none
    count = df.groupby(keys[1:], sort=False)["cluster_id"].transform("size").astype(str)
    # always three lines (area, list · count, year), so that the headers align
    df["list"] = zone + "\n" + group + " · " + count + "\n" + year
    df["tier_label"] = df["tier"].map(tiers)
    title = tr(lang, "山西产业集群：层级与清单", "Shanxi's industry clusters by tier and list")
    if data is not None and not packaged(df):  # a table of one's own is not Shanxi's
        title = own_title(df, lang, "{}：产业集群的层级与清单", "{}: clusters by tier and list")
    note = tr(
        lang,
        "每格一个集群；列为原文中的一份清单（地区、清单名 · 个数、年份）；点击图例突出一个层级",
        "One tile per cluster; each column is one list in the text (area, list · count, "
        "year); click the legend to highlight a tier",
    )
    tips = (
        ("name", "产业集群", "Cluster"),
        ("tier_label", "层级", "Tier"),
        ("mention", "原文写法", "As written"),
    )
    return tiles(
        df,
        column="list",
        colour="tier_label",
        text="name",
        lang=lang,
        title=title,
        note=note,
        tooltip=tips,
    )
