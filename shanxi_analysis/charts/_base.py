"""What every chart shares: the theme, labels in two languages, rows of facts ready to plot,
values and periods as a reader reads them, tooltips that carry the quote and source, and the
title with its computed citation line.

Chart functions never call ``configure_*``: the look comes from the ``shanxi`` theme,
registered with Altair's theme API and switched on by :func:`use_theme`.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable

import altair as alt
import pandas as pd

from .. import datasets, formatting

THEME_NAME = "shanxi"
FONT_STACK = (
    '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", '
    '"Microsoft YaHei", "Heiti SC", sans-serif'
)
"""CSS font stack with CJK-capable fonts first, so Chinese never falls back to boxes."""

PALETTE = (
    "#1f4e79",  # deep blue: the province
    "#c8553d",  # coal red
    "#2a9d8f",  # green transition
    "#e9c46a",  # solar yellow
    "#6d597a",  # violet
    "#8d99ae",  # grey
    "#f4a261",  # orange
    "#264653",  # dark teal
)
ACCENT, COAL, GREEN, SOLAR, MUTED = PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3], PALETTE[5]
INK = "#1b1b1b"  # text: titles, labels
SOFT = "#5c5c5c"  # secondary text: subtitles, notes
WIDTH = 560
PHONE = "width < 400"
"""The Vega test of a phone: the plot's width (the signal ``width``; a page draws a chart at
its column's width) is under 400 px. A chart re-lays out on a phone through expressions on
it (``f"{PHONE} ? phone : laptop"``): in a notebook, in a static picture and on a laptop the
plot is wider, and the chart keeps its laptop layout."""


def _theme() -> alt.theme.ThemeConfig:
    # "font" is every text's font: titles, axes, legends, headers and text marks
    return alt.theme.ThemeConfig(
        {
            "config": {
                "font": FONT_STACK,
                "background": "white",
                "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": 300},
                "title": {
                    "fontSize": 17,
                    "fontWeight": 600,
                    "anchor": "start",
                    "color": INK,
                    "subtitleFontSize": 11,
                    "subtitleColor": SOFT,
                    "offset": 12,
                },
                "axis": {
                    "labelFontSize": 11,
                    "titleFontSize": 12,
                    "titleFontWeight": 500,
                    "labelColor": "#3a3a3a",
                    "titleColor": "#3a3a3a",
                    "gridColor": "#e6e6e6",
                    "domainColor": "#9a9a9a",
                    "tickColor": "#9a9a9a",
                },
                # row names: long enough for a laptop; a page's script shortens it on phones
                "axisY": {"labelLimit": 260},
                "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom"},
                "header": {"labelFontSize": 12},
                "range": {"category": list(PALETTE)},
                "bar": {"color": ACCENT},
                "line": {"color": ACCENT, "strokeWidth": 2.5},
                "point": {"color": ACCENT, "filled": True, "size": 70},
            }
        }
    )


alt.theme.register(THEME_NAME, enable=False)(_theme)


def use_theme() -> None:
    """Switch on the project's Altair theme (CJK font stack, palette, sizes)."""
    alt.theme.enable(THEME_NAME)


def theme_config() -> dict:
    """Return the theme's Vega-Lite config (for renderers that take it separately)."""
    return dict(_theme()["config"])


def text_width(text: str, size: float) -> float:
    """Return about how many pixels ``text`` takes at font ``size``: a CJK character is
    square, any other about 0.58 of the size."""
    return sum(size if "\u2e80" <= c <= "\uffff" else 0.58 * size for c in str(text))


def fit_lines(text: str, px: float, size: float) -> list[str]:
    """Return ``text`` broken into lines of about ``px`` pixels at font ``size`` (by
    :func:`text_width`): at spaces, and between any two CJK characters."""
    words = re.findall(r"\s+|[\u2e80-\uffff]|[^\s\u2e80-\uffff]+", str(text))
    lines, line = [], ""
    for word in words:
        if line.strip() and text_width(line + word, size) > px:
            lines.append(line.strip())
            line = "" if word.isspace() else word
        else:
            line += word
    return [*lines, line.strip()] if line.strip() else lines


def tr(lang: str, zh: str, en: str) -> str:
    """Return the text in ``lang``."""
    return zh if datasets.check_lang(lang) == "zh" else en


# ---------------------------------------------------------------- rows to plot


def plot_frame(data: pd.DataFrame | None, lang: str) -> pd.DataFrame:
    """Return ``data`` (or the package's facts) checked and labelled by
    :func:`datasets.fact_frame`, with what marks show: ``display`` (prose), ``label`` (chart
    label) and the :func:`provenance` columns."""
    df = datasets.fact_frame(data, lang)
    records = df.to_dict("records")
    df["display"] = [formatting.fact_figure(r, lang, "prose") for r in records]
    df["label"] = [formatting.fact_figure(r, lang, "label") for r in records]
    return provenance(df, lang)


def provenance(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return ``rows`` with where they come from, as a tooltip shows it: ``source_short``,
    the short names of each row's ``source_id`` (one id or a list; a source the package does
    not know by the row's ``source_title``, else its id) and, where the rows have a
    ``quote``, ``quote_shown`` (in English: the translation, then the original)."""
    names, sep = datasets.source_names(lang), tr(lang, "；", "; ")
    titles = rows["source_title"] if "source_title" in rows else [None] * len(rows)

    def short(ids, title) -> str:
        ids = [ids] if isinstance(ids, str) else list(ids)
        other = title if isinstance(title, str) and title and len(ids) == 1 else None
        return sep.join(names.get(s) or other or s for s in dict.fromkeys(ids))

    rows["source_short"] = [short(s, t) for s, t in zip(rows["source_id"], titles, strict=True)]
    if "quote" in rows:
        quote = rows["quote"]
        english = rows["quote_en"].fillna(quote) if "quote_en" in rows else quote
        rows["quote_shown"] = quote if lang == "zh" else english + " (" + quote + ")"
    return rows


def packaged(rows: pd.DataFrame) -> bool:
    """Whether every row of ``rows`` comes from a source of the package's registry: only
    then may a chart call its data Shanxi's (a table of one's own is its own)."""
    known = datasets.source_names("en")
    ids = rows["source_id"].explode() if "source_id" in rows else pd.Series(dtype=object)
    return bool(len(ids)) and all(str(s) in known for s in ids.dropna())


def own_title(rows: pd.DataFrame, lang: str, zh: str, en: str) -> str:
    """The title of a chart of one's own data: ``zh`` or ``en`` (with ``{}`` where the
    source's title goes, when the rows have one source, else nothing)."""
    shown = provenance(
        rows[["source_id", "source_title"]].copy()
        if "source_title" in rows
        else rows[["source_id"]].copy(),
        lang,
    )["source_short"]
    one = shown.iloc[0] if shown.nunique() == 1 else ""
    text = tr(lang, zh, en).format(one).strip(" ：:")
    return text[:1].upper() + text[1:]


def citation_for(rows: pd.DataFrame, lang: str) -> str:
    """Return the citation line of the sources of ``rows``: the package's registry for its
    own sources, ``source_title`` (else the id) for any other."""
    titles = rows.get("source_title", pd.Series(dtype=object))
    others = {s: t for s, t in zip(rows["source_id"], titles, strict=False) if isinstance(t, str)}
    return datasets.citation_line(rows["source_id"], lang, others)


def tooltips(lang: str, *fields: tuple[str, str, str]) -> list[alt.Tooltip]:
    """Return nominal tooltip entries from ``(field, zh title, en title)`` triples."""
    return [alt.Tooltip(f"{f}:N", title=tr(lang, zh, en)) for f, zh, en in fields]


def quote_tooltip(lang: str, field: str = "quote_shown") -> alt.Tooltip:
    """Return the tooltip entry of a quote (the column ``field``)."""
    return alt.Tooltip(f"{field}:N", title=tr(lang, "原文", "Quote"))


def source_tooltip(lang: str, field: str = "source_short") -> alt.Tooltip:
    """Return the tooltip entry of a source (the column ``field``)."""
    return alt.Tooltip(f"{field}:N", title=tr(lang, "来源", "Source"))


def fact_tooltip(lang: str, *extra: alt.Tooltip) -> list[alt.Tooltip]:
    """Return the tooltip of a fact mark: what, value as written, period, quote, source."""
    return [
        alt.Tooltip("indicator:N", title=tr(lang, "指标", "Indicator")),
        *extra,
        alt.Tooltip("display:N", title=tr(lang, "原文数值", "Figure")),
        alt.Tooltip("period:N", title=tr(lang, "时期", "Period")),
        quote_tooltip(lang),
        source_tooltip(lang),
    ]


_ALWAYS_KEEP = ("fact_id", "source_id")


def _referenced(spec_text: str, column: str) -> bool:
    return (
        f'"{column}"' in spec_text
        or f"datum.{column}" in spec_text
        or f"datum['{column}']" in spec_text
        or f'datum[\\"{column}\\"]' in spec_text
    )


def slim(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Cut each inline DataFrame of ``chart`` (a chart just built: it is changed in place)
    to the columns the spec uses (plus ``fact_id`` and ``source_id``, which provenance
    needs), so reports stay small; return it."""
    framed = [
        (obj, obj.data)
        for obj in _parts(chart)
        if isinstance(getattr(obj, "data", None), pd.DataFrame)
    ]
    # What the spec refers to is read without the tables: converting a table to JSON costs
    # Altair time for each of its columns, most of which are then cut. Nothing is copied: a
    # copy of a layered chart copies every layer again.
    try:
        for obj, _ in framed:
            obj.data = pd.DataFrame()
        spec = chart.to_dict(validate=False)
    finally:
        for obj, data in framed:
            obj.data = data
    spec.pop("datasets", None)
    text = json.dumps(spec, ensure_ascii=False)
    for obj, data in framed:
        keep = [c for c in data.columns if c in _ALWAYS_KEEP or _referenced(text, str(c))]
        if len(keep) < len(data.columns):
            obj.data = data[keep]
    return chart


def _parts(chart: alt.TopLevelMixin) -> list:
    """The chart and its layers, at any depth."""
    parts = [chart]
    layers = getattr(chart, "layer", alt.Undefined)
    if not alt.utils.is_undefined(layers):
        for layer in layers:
            parts += _parts(layer)
    return parts


CITATION_WIDTH = {"zh": 58, "en": 100}


def wrap_line(line: str, lang: str) -> list[str]:
    """Return a subtitle line (a note or the citation) as lines short enough not to widen the
    chart: split after each ';', then wrapped at spaces (English) or by length (Chinese)."""
    width = CITATION_WIDTH[lang]
    if len(line) <= width:
        return [line]
    sep = "；" if lang == "zh" else "; "
    parts = line.split(sep)
    pieces = [p + (sep.strip() if i < len(parts) - 1 else "") for i, p in enumerate(parts)]
    return [ln for p in pieces for ln in textwrap.wrap(p, width, subsequent_indent="  ")]


def citation_text(spec: dict) -> str:
    """Return the citation a chart spec carries (its subtitle lines from "来源"/"Source" on)."""
    subtitle = spec.get("title", {}).get("subtitle", [])
    lines = [subtitle] if isinstance(subtitle, str) else list(subtitle)
    start = next(
        (i for i, ln in enumerate(lines) if ln.startswith(("来源：", "Source: "))), len(lines)
    )
    return " ".join(ln.strip() for ln in lines[start:])


def finish(
    chart: alt.TopLevelMixin,
    source_ids: Iterable[str] | pd.DataFrame,
    *,
    lang: str,
    title: str,
    description: str,
    subtitle: str | None = None,
) -> alt.TopLevelMixin:
    """Return ``chart`` with its title, a citation line computed from ``source_ids`` (the
    sources of the rows it plots, or the rows themselves) and a ``description`` for screen
    readers."""
    lines = wrap_line(subtitle, lang) if subtitle else []
    if not isinstance(source_ids, pd.DataFrame):
        source_ids = pd.DataFrame({"source_id": list(source_ids)})
    lines += wrap_line(citation_for(source_ids, lang), lang)
    return slim(chart).properties(
        title=alt.Title(text=title, subtitle=lines),
        description=description,
    )
