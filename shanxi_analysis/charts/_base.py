"""What every chart shares: the theme, labels in two languages, rows of facts ready to plot,
values and periods as a reader reads them, tooltips that carry the quote and source, and the
title with its computed citation line.

Chart functions never call ``configure_*``: the look comes from the ``shanxi`` theme,
registered with Altair's theme API and switched on by :func:`use_theme`.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Iterable, Sequence

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


def _theme() -> alt.theme.ThemeConfig:
    return alt.theme.ThemeConfig(
        {
            "config": {
                "font": FONT_STACK,
                "background": "white",
                "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": 300},
                "title": {
                    "font": FONT_STACK,
                    "fontSize": 17,
                    "fontWeight": 600,
                    "anchor": "start",
                    "color": INK,
                    "subtitleFont": FONT_STACK,
                    "subtitleFontSize": 11,
                    "subtitleColor": SOFT,
                    "offset": 12,
                },
                "axis": {
                    "labelFont": FONT_STACK,
                    "titleFont": FONT_STACK,
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
                "legend": {
                    "labelFont": FONT_STACK,
                    "titleFont": FONT_STACK,
                    "labelFontSize": 11,
                    "titleFontSize": 12,
                    "orient": "bottom",
                },
                "header": {"labelFont": FONT_STACK, "titleFont": FONT_STACK, "labelFontSize": 12},
                "text": {"font": FONT_STACK},
                "mark": {"font": FONT_STACK},
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


def tr(lang: str, zh: str, en: str) -> str:
    """Return the text in ``lang``."""
    return zh if datasets.check_lang(lang) == "zh" else en


# ---------------------------------------------------------------- rows to plot


def table_frame(
    data: pd.DataFrame | None,
    lang: str,
    load: Callable[[str], pd.DataFrame],
    columns: Iterable[str],
    *,
    chart: str | None = None,
    localized: str | None = None,
) -> pd.DataFrame:
    """Return a copy of ``data`` (or ``load(lang)``) checked for ``columns``, with the column
    ``localized`` (if given and absent) filled from ``{localized}_{lang}``."""
    df = load(datasets.check_lang(lang)) if data is None else data.copy()
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{chart + ': ' if chart else ''}data is missing column(s) {', '.join(missing)}; "
            f"expected the columns of {load.__module__}.{load.__name__}()"
        )
    if localized and localized not in df:
        df[localized] = df[f"{localized}_{lang}"]
    return df


def select(df: pd.DataFrame, fact_ids: Sequence[str], *, chart: str) -> pd.DataFrame:
    """Return the rows of ``fact_ids`` in that order; raise ``ValueError`` naming any missing."""
    missing = [f for f in fact_ids if f not in set(df["fact_id"])]
    if missing:
        raise ValueError(f"{chart}: data has no fact(s) {', '.join(missing)}")
    return df.set_index("fact_id").loc[list(fact_ids)].reset_index()


FACT_COLUMNS = (
    "indicator_id",
    "entity_id",
    "period",
    "base_value",
    "base_unit",
    "qualifier",
    "kind",
    "source_id",
    "quote",
)
"""The columns a DataFrame needs for the chart types. Optional: ``fact_id`` (else one is
made from the row number), ``indicator`` and ``entity`` (labels; else the package's names,
else the ids), ``value`` and ``unit`` (as written), ``span``, ``quote_en``, ``noun_en`` and
``source_title`` (named in the citation line when the source is not in the package)."""


def _bad_row(df: pd.DataFrame, bad: pd.Index, column: str, expected: str) -> ValueError:
    i = bad[0]
    return ValueError(
        f"data, row {i + 1} ({df.loc[i, 'fact_id']}), column {column!r}: "
        f"{df.loc[i, column]!r} is {expected}"
    )


def plot_frame(data: pd.DataFrame | None, lang: str) -> pd.DataFrame:
    """Return ``data`` (or the package's facts) checked and completed for plotting: labels in
    ``lang`` (``indicator``, ``short``, ``entity``, ``kind_label``), ``display`` (prose),
    ``label`` (chart label), ``quote_shown`` and ``source_short``.

    Raises ``ValueError`` naming missing columns (see :data:`FACT_COLUMNS`) or the first row
    whose value, qualifier or kind is not what a fact holds.
    """
    datasets.check_lang(lang)
    if data is None:
        df = datasets.facts(lang)
    elif not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame or None, got {type(data).__name__}")
    else:
        missing = [c for c in FACT_COLUMNS if c not in data.columns]
        if missing:
            raise ValueError(
                f"data is missing column(s) {', '.join(missing)}; a DataFrame of facts needs "
                f"{', '.join(FACT_COLUMNS)}"
            )
        df = data.copy().reset_index(drop=True)
    if "fact_id" not in df:
        df["fact_id"] = [f"row-{i + 1}" for i in range(len(df))]
    values = pd.to_numeric(df["base_value"], errors="coerce")
    bad = df.index[values.isna() | ~values.abs().lt(float("inf"))]
    if len(bad):
        raise _bad_row(df, bad, "base_value", "not a finite number")
    df["base_value"] = values.astype(float)
    for col, labels, default in (
        ("qualifier", datasets.QUALIFIER_LABELS, "none"),
        ("kind", datasets.KIND_LABELS, "actual"),
    ):
        df[col] = df[col].astype(object).where(df[col].notna(), default).astype(str)
        bad = df.index[~df[col].isin(labels)]
        if len(bad):
            raise _bad_row(df, bad, col, f"not one of {', '.join(labels)}")
    for col in ("indicator_id", "entity_id", "period", "source_id", "base_unit"):
        df[col] = df[col].astype(str)
    ind = datasets.indicators(lang).set_index("indicator_id")
    ent = datasets.entities(lang).set_index("entity_id")["name"]
    known = {
        "indicator": df["indicator_id"].map(ind["name"]).astype(object).fillna(df["indicator_id"]),
        "noun_en": df["indicator_id"].map(ind["noun_en"]).astype(object).fillna(""),
        "entity": df["entity_id"].map(ent).astype(object).fillna(df["entity_id"]),
        "quote_en": df["quote"],
    }
    for col, default in known.items():
        df[col] = df[col] if col in df else default
    df["short"] = df["indicator_id"].map(ind["short"]).astype(object).fillna(df["indicator"])
    records = df.to_dict("records")
    df["display"] = [formatting.fact_figure(r, lang, "prose") for r in records]
    df["label"] = [formatting.fact_figure(r, lang, "label") for r in records]
    quote_en = df["quote_en"].fillna(df["quote"])
    df["quote_shown"] = df["quote"] if lang == "zh" else quote_en + " (" + df["quote"] + ")"
    fallback = df["source_title"] if "source_title" in df else df["source_id"]
    df["source_short"] = df["source_id"].map(datasets.source_names(lang)).fillna(fallback)
    df["kind_label"] = df["kind"].map({k: v[lang == "en"] for k, v in datasets.KIND_LABELS.items()})
    return df


Selection = str | Sequence[str] | None


def as_ids(value: Selection) -> list[str] | None:
    """Return a selection as a list of ids (``None``: no selection)."""
    if value is None:
        return None
    return [value] if isinstance(value, str) else [str(v) for v in value]


def pick(
    df: pd.DataFrame,
    *,
    chart: str,
    indicator: Selection = None,
    entity: Selection = None,
    period: Selection = None,
    source: Selection = None,
    kind: Selection = None,
) -> pd.DataFrame:
    """Return the rows of ``df`` whose indicator, entity, period, source and kind are among
    those asked (``None``: any); raise ``ValueError`` naming the selection and what the data
    holds when nothing is left."""
    out = df
    for col, asked, name in (
        ("indicator_id", indicator, "indicator"),
        ("entity_id", entity, "entity"),
        ("period", period, "period"),
        ("source_id", source, "source"),
        ("kind", kind, "kind"),
    ):
        wanted = as_ids(asked)
        if wanted is None:
            continue
        kept = out[out[col].isin(wanted)]
        if kept.empty:
            have = sorted(set(out[col]))
            shown = ", ".join(have[:12]) + (" ..." if len(have) > 12 else "")
            raise ValueError(
                f"{chart}: no row with {name} {', '.join(wanted)}"
                f"{' among the rows selected so far' if out is not df else ''}; "
                f"the data has {name}(s) {shown or 'none'}"
            )
        out = kept
    return out.reset_index(drop=True)


def citation_for(rows: pd.DataFrame, lang: str) -> str:
    """Return the citation line of the sources of ``rows``: the package's registry for its
    own sources, ``source_title`` (else the id) for any other."""
    known = set(datasets.sources(lang)["source_id"])
    firsts = rows.drop_duplicates("source_id").set_index("source_id")
    prefix, sep = ("来源：", "；") if lang == "zh" else ("Source: ", "; ")
    parts = []
    for sid in firsts.index.astype(str):
        if sid in known:
            parts.append(datasets.citation_line([sid], lang).removeprefix(prefix))
        else:
            title = firsts.loc[sid].get("source_title")
            parts.append(str(title) if isinstance(title, str) and title else sid)
    return prefix + sep.join(parts)


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
    """Return ``chart`` with each inline DataFrame cut to the columns the spec uses (plus
    ``fact_id`` and ``source_id``, which provenance needs), so reports stay small."""
    spec = chart.to_dict(validate=False)
    spec.pop("datasets", None)
    text = json.dumps(spec, ensure_ascii=False)

    def cut(obj: alt.TopLevelMixin) -> alt.TopLevelMixin:
        data = getattr(obj, "data", alt.Undefined)
        if isinstance(data, pd.DataFrame):
            keep = [c for c in data.columns if c in _ALWAYS_KEEP or _referenced(text, str(c))]
            if len(keep) < len(data.columns):
                obj = obj.copy(deep=False)
                obj.data = data[keep]
        return obj

    chart = cut(chart)
    if isinstance(chart, alt.LayerChart):
        chart = chart.copy(deep=False)
        chart.layer = [cut(layer) for layer in chart.layer]
    return chart


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
