"""The map of Shanxi (``data/geo/shanxi.topojson``) and the questions about places that a
map chart must answer before Vega draws it: which places lie in the province, where a place
that shares its point with others is drawn, and where a prefecture's name can stand clear of
the points drawn on it.

Vega-Lite draws the TopoJSON itself; it has no point-in-polygon test and places no labels on
a map, so these stay here, in plain Python over the decoded rings.
"""

from __future__ import annotations

import json
import math

import pandas as pd

from . import datasets, paths

GEO_FILE = "shanxi.topojson"
Ring = list[tuple[float, float]]


def topology() -> dict:
    """Return the TopoJSON of Shanxi: objects ``province`` (1 feature) and ``prefectures``
    (11, each with ``name_zh``, ``name_en`` and a label point ``label_lon``/``label_lat``)."""
    path = paths.data_dir() / "geo" / GEO_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path}: the map of Shanxi is missing; rebuild it with scripts/build_shanxi_map.py"
        ) from None


def rings(topo: dict, obj: str, only: int | None = None) -> list[Ring]:
    """Return every ring (outer and holes) of the polygons of object ``obj`` (of its
    geometry number ``only``, if given) as lon/lat points, the arcs decoded and joined."""
    t = topo.get("transform", {"scale": (1, 1), "translate": (0, 0)})
    (sx, sy), (tx, ty) = t["scale"], t["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0.0
        pts = []
        for dx, dy in arc:  # delta-encoded when quantized; absolute otherwise
            x, y = (x + dx, y + dy) if "transform" in topo else (dx, dy)
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    geometries = topo["objects"][obj]["geometries"]
    out = []
    for g in geometries if only is None else [geometries[only]]:
        for poly in g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]:
            for ring in poly:
                pts: Ring = []
                for i in ring:
                    arc = arcs[i] if i >= 0 else arcs[~i][::-1]
                    pts.extend(arc if not pts else arc[1:])
                out.append(pts)
    return out


def inside(lon: float, lat: float, polygon: list[Ring]) -> bool:
    """Return whether the point lies inside the rings (even-odd rule, so holes work)."""
    hit = False
    for pts in polygon:
        for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                hit = not hit
    return hit


def label_points(topo: dict, points: pd.DataFrame, *, clear: float = 0.25) -> pd.DataFrame:
    """Return each prefecture's ``name_zh``, ``name_en`` and a ``lon``/``lat`` for its label:
    its label point if no point of ``points`` (columns ``lon``, ``lat``) is within ``clear``
    degrees, else the nearest spot inside the prefecture (tried at 0.2-0.4 degrees in eight
    directions) with the most room, up to ``clear``."""
    steps = [(0.0, 0.0)] + [
        (d * math.cos(a * math.pi / 4), d * math.sin(a * math.pi / 4))
        for d in (0.2, 0.3, 0.4)
        for a in range(8)
    ]
    out = []
    for i, g in enumerate(topo["objects"]["prefectures"]["geometries"]):
        props = g["properties"]
        lon0, lat0 = float(props["label_lon"]), float(props["label_lat"])
        # a degree of longitude is shorter than one of latitude; a name is wider than high
        k = math.cos(math.radians(lat0)) / 2
        own = rings(topo, "prefectures", i)

        def room(spot: tuple[float, float], k: float = k) -> float:
            d2 = ((points["lon"] - spot[0]) * k) ** 2 + (points["lat"] - spot[1]) ** 2
            return min(math.sqrt(float(d2.min())), clear) if len(points) else clear

        spots = [(lon0 + dx / k, lat0 + dy) for dx, dy in steps]
        spots = [s for s in spots if s == spots[0] or inside(*s, own)]
        lon, lat = max(spots, key=room)  # max keeps the first (nearest) of equal room
        out.append(
            {"name_zh": props["name_zh"], "name_en": props["name_en"], "lon": lon, "lat": lat}
        )
    return pd.DataFrame(out)


def map_points(data: pd.DataFrame | None = None, *, lang: str = "zh") -> pd.DataFrame:
    """Return the entities of ``data`` (default: :func:`datasets.entities`) that a map of
    Shanxi draws: those with coordinates inside the province whose type has a map group
    (``labels.csv``; not the country or a province, which the map itself stands for; a type
    it lacks is ``other``), with ``group_id``, ``type_label``, the number of places ``shared``
    at their point and ``plot_lon``/``plot_lat`` fanned out around shared points."""
    needed = ("entity_id", "type", "lat", "lon")
    ents = datasets.table_frame(data, lang, datasets.entities, needed, what="map_points")
    types = datasets.labels("entities.type", lang)
    province = rings(topology(), "province")
    pts = ents[ents["lat"].notna() & ents["lon"].notna()].copy()
    pts["type"] = pts["type"].astype(str)
    pts["group_id"] = pts["type"].map(types["group"].fillna("")).fillna("other")
    pts = pts[pts["group_id"] != ""]
    pts = pts[[inside(x, y, province) for x, y in zip(pts["lon"], pts["lat"], strict=True)]]
    pts["type_label"] = pts["type"].map(types["name"]).astype(object).fillna(pts["type"])
    order = pts["type"].map({t: i for i, t in enumerate(types.index)}).fillna(len(types))
    pts = pts.assign(type_order=order).sort_values(["lat", "lon", "type_order", "entity_id"])
    pts = pts.reset_index(drop=True)
    # Places sharing a point sit on a sunflower spiral around it, round on a Mercator map.
    at = pts.groupby(["lat", "lon"], sort=False)["entity_id"]
    i = at.cumcount()
    r, turn = 0.045 * i**0.5, i * math.pi * (3 - math.sqrt(5))
    squeeze = pts["lat"].map(math.radians).map(math.cos)  # a degree of longitude is shorter
    pts["plot_lon"] = pts["lon"] + r * turn.map(math.cos)
    pts["plot_lat"] = pts["lat"] + r * turn.map(math.sin) * squeeze
    pts["shared"] = at.transform("size")
    return pts
