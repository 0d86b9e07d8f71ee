"""The fact table readers search: in the reports and in JupyterLab, with no kernel and no
network.

:func:`fact_table` writes the facts as a plain HTML table (every row links to its entry in
the page's sources section, ``#fact-<fact_id>``) and turns it into a DataTables table:
search as you type, a filter each for theme, source, kind and period, sorting by any
column, pages of ten rows. DataTables comes from the ``itables`` package installed with
this one (its offline bundle), carried inside the output compressed and inflated by the
browser (:func:`shanxi_analysis.htmlsafe.packed_library`). Where scripts do not run (an
untrusted notebook, a reader with JavaScript off, a PDF), the plain table is what shows.
"""

from __future__ import annotations

import html
from functools import lru_cache
from importlib import metadata, resources
from typing import Any

import pandas as pd

from . import datasets, formatting, htmlsafe

MODULE = "datatables"
"""The name the library has on the page (``window.sxModules.datatables``)."""

FILTERS = ("theme", "source_id", "kind", "period")
"""The columns a reader filters by, in the order of their menus."""

COLUMNS = ("indicator_id", "entity_id", "period", "base_value", "base_unit", "qualifier")
"""Columns a DataFrame needs (as for the chart types). Used where present: ``indicator`` and
``entity`` (names; else the ids), ``fact_id`` (the link to the sources section), ``quote``,
``quote_en``, ``source_id``, ``kind``, ``theme``, ``value``, ``unit`` and ``span``."""

OPTIONAL = ("fact_id", "indicator", "entity", "quote", "quote_en", *FILTERS)

_WORDS = {  # (zh, en)
    "head": (
        ("指标", "时期", "数值", "原文", "来源"),
        ("Indicator", "Period", "Figure", "Quote", "Source"),
    ),
    "filters": (("主题", "来源", "类型", "时期"), ("Theme", "Source", "Kind", "Period")),
    "all": ("全部", "All"),
}
_DATATABLES_WORDS = {  # DataTables' own texts (its ``language`` option), (zh, en)
    "search": ("搜索：", "Search:"),
    "searchPlaceholder": ("原文、指标、地区…", "quote, indicator, place…"),
    "lengthMenu": ("每页 _MENU_ 条", "_MENU_ per page"),
    "info": ("第 _START_–_END_ 条，共 _TOTAL_ 条", "_START_–_END_ of _TOTAL_ facts"),
    "infoEmpty": ("没有符合条件的事实", "No fact matches"),
    "infoFiltered": ("（从 _MAX_ 条中筛选）", "(of _MAX_)"),
    "zeroRecords": ("没有符合条件的事实", "No fact matches"),
    "emptyTable": ("没有事实", "No facts"),
}


def _words(lang: str) -> dict[str, Any]:
    """This module's texts in ``lang``, with DataTables' under ``language``."""
    en = lang == "en"
    words = {k: v[en] for k, v in _WORDS.items()}
    words["language"] = {k: v[en] for k, v in _DATATABLES_WORDS.items()}
    return words


_STYLE = """
.sx-facttable .sx-ft-filters { display: flex; flex-wrap: wrap; gap: .4em 1em; margin: .5em 0; }
.sx-facttable .sx-ft-filters label { font-size: .9em; }
.sx-facttable .sx-ft-filters select { max-width: 14em; margin-left: .3em; }
.sx-facttable:not(.sx-ready) .sx-ft-filters { display: none; }
.sx-facttable .sx-ft-scroll { overflow-x: auto; }
.sx-facttable table { width: 100%; }
.sx-facttable table.sx-facts th, .sx-facttable table.sx-facts td
  { text-align: left; vertical-align: top; }
.sx-facttable table.sx-facts th:nth-child(3), .sx-facttable table.sx-facts td:nth-child(3)
  { text-align: right; }
.sx-facttable td small { color: #5c5c5c; }
@media print { .sx-facttable .sx-ft-filters, .sx-facttable .dt-layout-row:not(.dt-layout-table)
  { display: none; } }
@media (max-width: 600px) {
  .sx-facttable thead tr { display: flex; flex-wrap: wrap; }
  .sx-facttable thead th { display: block; border: 0; }
  .sx-facttable tbody tr { display: grid; grid-template-columns: 1fr auto; column-gap: .8em;
    grid-template-areas: "ind fig" "per src" "quo quo"; padding: .5em 0;
    border-bottom: 1px solid #c9ced6; }
  .sx-facttable tbody td { display: block; border: 0; padding: .1em 0; text-align: left; }
  .sx-facttable tbody td:nth-child(1) { grid-area: ind; }
  .sx-facttable tbody td:nth-child(2) { grid-area: per; font-size: .9em; }
  .sx-facttable tbody td:nth-child(3) { grid-area: fig; text-align: right; }
  .sx-facttable tbody td:nth-child(4) { grid-area: quo; }
  .sx-facttable tbody td:nth-child(5) { grid-area: src; font-size: .9em; text-align: right; }
}
"""

_INIT = """
(function(){
  var root = document.getElementById(ID);
  var mods = window.sxModules || {};
  if (!root || !mods[MODULE]) return;
  mods[MODULE].then(function(m){
    var table = root.querySelector('table');
    var dt = m.jQuery(table).DataTable(OPTIONS);
    var chosen = {}, printing = false;
    dt.search.fixed('sx-filters', function(text, data, index){
      if (printing) return true;
      var row = dt.row(index).node().dataset;
      return Object.keys(chosen).every(function(k){ return !chosen[k] || row[k] === chosen[k]; });
    });
    var bar = root.querySelector('.sx-ft-filters');
    MENUS.forEach(function(menu){  // made here: where no script runs, no menu shows
      var label = document.createElement('label'), sel = document.createElement('select');
      label.textContent = menu.title;
      sel.setAttribute('data-filter', menu.key);
      sel.setAttribute('aria-controls', ID);
      menu.options.forEach(function(o){ sel.add(new Option(o[1], o[0])); });
      sel.addEventListener('change', function(){ chosen[menu.key] = sel.value; dt.draw(); });
      label.appendChild(sel);
      bar.appendChild(label);
    });
    var kept = null;  // printed, the table is whole: every row, no search, no filter
    window.addEventListener('beforeprint', function(){
      kept = {length: dt.page.len(), search: dt.search()};
      printing = true;
      dt.search('').page.len(-1).draw(false);
    });
    window.addEventListener('afterprint', function(){
      if (!kept) return;
      printing = false;
      dt.search(kept.search).page.len(kept.length).draw(false);
      kept = null;
    });
    root.classList.add('sx-ready');
  });
})();
"""


@lru_cache(maxsize=1)
def library() -> str:
    """Return the ``<script>`` element that carries DataTables (itables' offline bundle,
    compressed) for a page; pages and notebook outputs include it once per table, the
    browser loads it once per page.

    Raises ``RuntimeError`` naming the files when the installed itables lacks its bundle.
    """
    folder = resources.files("itables") / "html"
    try:
        js = (folder / "dt_bundle.js").read_bytes()
        css = (folder / "dt_bundle.css").read_bytes()
    except OSError as exc:
        raise RuntimeError(
            f"itables {metadata.version('itables')} has no offline DataTables bundle "
            f"({folder}/dt_bundle.js, dt_bundle.css): {exc}; reinstall with `make install`"
        ) from None
    return htmlsafe.packed_library(MODULE, js, css)


def _labels(df: pd.DataFrame, lang: str) -> dict[str, dict[str, str]]:
    """The words each filter's menu shows for the values in ``df``."""
    en, names = lang == "en", datasets.source_names(lang)
    return {
        "theme": {t: datasets.THEMES.get(t, (t, t))[en] for t in df["theme"].dropna().unique()},
        "source_id": {s: names.get(s, s) for s in df["source_id"].dropna().unique()},
        "kind": {k: datasets.KIND_LABELS.get(k, (k, k))[en] for k in df["kind"].dropna().unique()},
        "period": {p: formatting.period(p, lang) for p in df["period"].dropna().unique()},
    }


def _text(value: object) -> str | None:
    """A value as text, or None where it is missing (a whole number read as a float, as
    pandas reads a column of years with a gap, without its ".0")."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _normalised(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every optional column, the texts as text (or None), names falling back to
    ids, and a missing figure as None."""
    df = df.assign(**{c: df[c] if c in df.columns else None for c in OPTIONAL})
    texts = {c: df[c].map(_text) for c in (*OPTIONAL, "indicator_id", "entity_id")}
    df = df.assign(**texts).astype(object)
    df["indicator"] = df["indicator"].where(df["indicator"].notna(), df["indicator_id"])
    df["entity"] = df["entity"].where(df["entity"].notna(), df["entity_id"])
    return df.where(df.notna(), None)


def table(df: pd.DataFrame, lang: str, *, limit: int | None = None) -> str:
    """Return the facts in ``df`` as a plain HTML table: indicator and entity, period,
    figure (with its qualifier: "不足 30%"), quote (in English: the translation, then the
    original) and source. Each figure links to ``#fact-<fact_id>`` (where the data has fact
    ids: a report's sources section has these anchors); each row carries its
    theme, source, kind and period for the filters of :func:`fact_table`."""
    df, labels = _prepared(df, lang)
    return _table_html(df, labels, lang, limit)


def _prepared(df: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, dict[str, str]]]:
    """``df`` checked and :func:`_normalised`, with the words of its filter values."""
    datasets.check_lang(lang)
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(
            f"fact table: the data has no column(s) {', '.join(missing)}; "
            f"expected at least {', '.join(COLUMNS)}"
        )
    df = _normalised(df)
    return df, _labels(df, lang)


def _escaped(text: str) -> str:
    """``text`` for HTML text or a quoted attribute; a carriage return as a character
    reference, since an HTML parser reads a bare one as a line feed or a space."""
    return html.escape(text).replace("\r", "&#13;")


def _table_html(
    df: pd.DataFrame, labels: dict[str, dict[str, str]], lang: str, limit: int | None = None
) -> str:
    """The table of :func:`table`, from a prepared ``df`` and its ``labels``."""
    rows = []
    for r in (df if limit is None else df.head(limit)).to_dict("records"):
        quote = r["quote"] or ""
        shown = (
            _escaped(quote)
            if lang == "zh" or not r["quote_en"]
            else f"{_escaped(r['quote_en'])}<br><small>{_escaped(quote)}</small>"
        )
        data = " ".join(
            f'data-{k.split("_")[0]}="{_escaped(r[k])}"' for k in FILTERS if r[k] is not None
        )
        fid = _escaped(r["fact_id"] or "")
        missing = r["base_value"] is None  # a quote with no figure: the cell stays empty
        figure = "" if missing else _escaped(formatting.fact_figure(r, lang, "prose"))
        if fid:
            figure = f'<a href="#fact-{fid}" title="{fid}">{figure}</a>'
        source = labels["source_id"].get(r["source_id"], "")
        kind = labels["kind"].get(r["kind"], "")
        period = r["period"] or ""
        order = "" if missing else _escaped(str(r["base_value"]))
        rows.append(
            f"<tr {data}><td>{_escaped(r['indicator'] or '')}<br>"
            f"<small>{_escaped(r['entity'] or '')}</small></td>"
            f'<td data-order="{_escaped(period)}">'
            f"{_escaped(labels['period'].get(period, ''))}</td>"
            f'<td data-order="{order}">{figure}</td>'
            f"<td>{shown}</td><td>{_escaped(source)}<br><small>{_escaped(kind)}</small></td>"
            "</tr>"
        )
    head = "".join(f'<th scope="col">{h}</th>' for h in _words(lang)["head"])
    return (
        f'<table class="sx-facts"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _menus(labels: dict[str, dict[str, str]], lang: str) -> list[dict[str, Any]]:
    """The filter menus the script makes: one per column of :data:`FILTERS` that has two
    or more values (``labels``: see :func:`_labels`), each with its options as
    ``[value, label]`` ("All" first)."""
    words = _words(lang)
    menus = []
    for column, title in zip(FILTERS, words["filters"], strict=True):
        values = labels[column]
        if len(values) < 2:
            continue
        ordered = sorted(values) if column == "period" else sorted(values, key=values.get)
        options = [["", words["all"]], *([v, values[v]] for v in ordered)]
        menus.append({"key": column.split("_")[0], "title": title, "options": options})
    return menus


class FactTable:
    """A searchable, filterable, sortable and paged table of facts: HTML that works in a
    report page and in a JupyterLab output (see :func:`fact_table`)."""

    def __init__(self, html_text: str) -> None:
        self.html = html_text

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def fact_table(
    data: pd.DataFrame | None = None,
    *,
    lang: str = "zh",
    theme: str | None = None,
    page_length: int = 10,
) -> FactTable:
    """Return the facts as a table a reader can search, filter (theme, source, kind,
    period), sort and page through, with no kernel and no network.

    ``data`` is :func:`datasets.facts` (the default, in ``lang``, of ``theme`` if given), a
    filtered copy, or a DataFrame of one's own with at least :data:`COLUMNS`. In a report,
    each figure links to its entry in the sources section.

    >>> t = fact_table(lang="en", theme="coal_energy")
    >>> "<table" in t.html and '"key": "kind"' in t.html
    True
    """
    datasets.check_lang(lang)
    if not isinstance(page_length, int) or page_length < 1:
        raise ValueError(f"page_length={page_length!r}: expected a whole number of rows, 1 or more")
    df, labels = _prepared(datasets.facts(lang, theme=theme) if data is None else data, lang)
    rows = _table_html(df, labels, lang)
    element_id = htmlsafe.new_element_id(htmlsafe.FACTTABLE_ELEMENT_PREFIX)  # a report numbers it
    words = _words(lang)
    options: dict[str, Any] = {
        "pageLength": page_length,
        "lengthMenu": [[10, 25, 50, -1], [10, 25, 50, words["all"]]],
        "order": [],
        "autoWidth": False,
        "language": words["language"],
        "columnDefs": [{"targets": [3], "orderable": False}],
    }
    init = (
        f"var ID = {htmlsafe.json_for_script(element_id)}, "
        f"MODULE = {htmlsafe.json_for_script(MODULE)}, "
        f"OPTIONS = {htmlsafe.json_for_script(options, sort_keys=True)}, "
        f"MENUS = {htmlsafe.json_for_script(_menus(labels, lang))};" + _INIT
    )
    body = (
        f'<div class="sx-facttable" id="{element_id}"><style>{_STYLE}</style>'
        + '<div class="sx-ft-filters"></div>'
        + f'<div class="sx-ft-scroll">{rows}</div></div>'
    )
    return FactTable(body + library() + htmlsafe.script("(function(){" + init + "})();"))
