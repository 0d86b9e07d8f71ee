"""How the package shows things in JupyterLab: Altair charts that draw offline, and
DataFrames whose numbers read as numbers.

**Charts.** Altair's default renderer writes HTML whose script loads Vega from a CDN: offline
the chart is an error, in an untrusted notebook (one you did not run yourself) it is empty,
and saved inline it costs ~0.9 MB per chart. :data:`RENDERER` instead compiles each chart to
a Vega 5 spec here, with vl-convert, and emits it as ``application/vnd.vega.v5+json``: a
MIME type that JupyterLab's own Vega extension draws with the Vega it ships, with no network,
in untrusted notebooks too (the extension is marked safe), and after the kernel is gone,
since the spec is saved in the notebook. It costs the size of the spec (its data included),
not of a library. Compiling here rather than handing JupyterLab the Vega-Lite spec matters:
JupyterLab 4.6 ships Vega-Lite 5.6 and knows no Vega-Lite 6 MIME type, while Altair 6 writes
Vega-Lite 6; vl-convert's Vega-Lite 5.21 compiles those specs to what JupyterLab's Vega 5
runs.

**DataFrames.** Amounts in yuan or tonnes are large (``4.75e10`` yuan); pandas prints them in
scientific notation. :func:`frame_html` writes the package's numeric columns plainly, with
thousands separators (``47,500,000,000``); every other column is left to pandas.

Importing :mod:`shanxi_analysis` inside a Jupyter kernel calls :func:`setup`, so a user's own
notebook needs no setup line; outside a kernel nothing changes.
"""

from __future__ import annotations

import functools
import json
import math
import sys
from typing import Any

from . import htmlsafe

RENDERER = "shanxi-offline"
"""The name of the offline renderer in Altair's registry."""

VEGA_MIME = "application/vnd.vega.v5+json"
# The Vega-Lite compiler whose output JupyterLab's Vega 5 runs (see the module docstring).
COMPILE_VL_VERSION = "5.21"
PNG_SCALE = 0.4  # of the preview PNG that JupyterLab saves with each drawn chart
EMBED_OPTIONS = htmlsafe.EMBED_OPTIONS  # no link to the online Vega editor


def vega_bundle(spec: dict, **options: Any) -> tuple[dict, dict]:
    """Return the MIME bundle and metadata that show a Vega-Lite ``spec`` offline in
    JupyterLab: the spec compiled to Vega 5, plus a one-line text for other front ends.

    >>> data, meta = vega_bundle({"mark": "point", "data": {"values": [{"a": 1}]},
    ...                           "encoding": {"x": {"field": "a", "type": "quantitative"}}})
    >>> sorted(data), data[VEGA_MIME]["$schema"]
    (['application/vnd.vega.v5+json', 'text/plain'], 'https://vega.github.io/schema/vega/v5.json')
    """
    import vl_convert as vlc

    spec = htmlsafe.vega_safe(spec)  # no U+2028 in strings Vega reads as expressions
    from .render import _vlc_here

    _vlc_here()
    vega = _compact_data(vlc.vegalite_to_vega(spec, vl_version=COMPILE_VL_VERSION))
    title = spec.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    if isinstance(text, list):
        text = " ".join(map(str, text))
    plain = f"<Chart: {text}>" if text else "<Chart>"
    # JupyterLab stores a PNG of each drawn chart in the notebook, for viewers without
    # Vega; at 0.4 scale it stays a recognisable preview and the saved file stays small.
    embed = {**EMBED_OPTIONS, "scaleFactor": {"png": PNG_SCALE}}
    embed.update(options.get("embed_options") or {})
    return {VEGA_MIME: vega, "text/plain": plain}, {VEGA_MIME: {"embed_options": embed}}


def _compact_data(vega: dict) -> dict:
    """Return the Vega spec with each inline dataset as one JSON string (``values`` parsed
    by its ``format``, which Vega supports): a notebook saves JSON indented one line per
    value, which for a dataset of rows or a map costs more than the data itself."""
    for data in vega.get("data", []):
        values = data.get("values")
        fmt = data.get("format") or {}
        if isinstance(values, list | dict) and fmt.get("type", "json") in ("json", "topojson"):
            data["values"] = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
            data["format"] = {"type": "json", **fmt}
    return vega


def use_offline_renderer() -> None:
    """Make Altair show every chart (the package's and your own) through :data:`RENDERER`."""
    import altair as alt

    if RENDERER not in alt.renderers.names():
        alt.renderers.register(RENDERER, vega_bundle)
    alt.renderers.enable(RENDERER)


# ---------------------------------------------------------------- DataFrames


def plain_number(x: object) -> str:
    """Return a number as it reads in a table: thousands separators, no exponent, at most
    four decimals, no trailing zeros.

    >>> plain_number(4.75e10), plain_number(4.75), plain_number(0.000012), plain_number(None)
    ('47,500,000,000', '4.75', '0.000012', '')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if not isinstance(x, int | float):
        return str(x)
    v = float(x)
    if v.is_integer():
        return f"{v:,.0f}"
    # Small amounts keep their first significant digits instead of rounding to 0.
    decimals = max(4, 1 - math.floor(math.log10(abs(v))) + 1) if abs(v) < 1 else 4
    return f"{v:,.{decimals}f}".rstrip("0").rstrip(".")


@functools.lru_cache(maxsize=1)
def _numeric_columns() -> frozenset[str]:
    """The numeric columns of the package's tables, by name, from ``datapackage.json``."""

    from . import datasets

    pkg = json.loads(datasets.package_path().read_text(encoding="utf-8"))
    return frozenset(
        field["name"]
        for res in pkg["resources"]
        for field in res.get("schema", {}).get("fields", [])
        if field.get("type") in ("number", "integer")
    )


def frame_html(df: Any) -> str:
    """Return a DataFrame as pandas' own HTML table, with the package's numeric columns
    written by :func:`plain_number`; pandas' truncation and styling are kept."""
    import pandas as pd

    numeric = _numeric_columns()
    plain = [c for c in df.columns if c in numeric and pd.api.types.is_float_dtype(df[c])]
    if not plain:
        return df._repr_html_()
    shown = df.copy()
    for column in plain:
        shown[column] = shown[column].map(plain_number).astype(object)
    return shown._repr_html_()


def readable_frames(shell: Any) -> None:
    """Register :func:`frame_html` as the HTML form of every DataFrame in ``shell``."""
    import pandas as pd

    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, frame_html)


def setup() -> None:
    """Inside a Jupyter kernel: readable DataFrames, and Altair's CDN renderer replaced by
    :data:`RENDERER` (a renderer you enabled yourself is kept). Elsewhere: nothing."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython else None
    if shell is None or not hasattr(shell, "kernel"):
        return
    readable_frames(shell)
    import altair as alt

    if alt.renderers.active in ("default", RENDERER):
        use_offline_renderer()
