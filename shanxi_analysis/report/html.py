"""Executed notebook → one self-contained, offline HTML page.

nbconvert's ``lab`` template is extended (``templates/shanxi``) to drop every CDN script
and to inline the Vega libraries once. After export, the page is post-processed with
BeautifulSoup: a table of contents from the headings, a CSV download under each chart (a
``data:`` link, no request), and the charts' random element ids replaced by sequential ones
(so the same inputs give byte-identical HTML). Charts reach the page as
:func:`htmlsafe.vega_embed` wrote them in the notebook: a JSON data block and a call.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html as _html
import io
import json
import re
from functools import lru_cache
from pathlib import Path

import altair as alt
from bs4 import BeautifulSoup, Comment

from .. import htmlsafe, paths
from . import langswitch

TEMPLATE_DIR = Path(__file__).parent / "templates"
FAVICON = (
    '<link rel="icon" href="data:image/svg+xml,'
    "%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E"
    "%3Crect width='16' height='16' rx='3' fill='%231f4e79'/%3E"
    "%3Cpath d='M3 12h2V8H3zm4 0h2V4H7zm4 0h2V6h-2z' fill='white'/%3E%3C/svg%3E\">"
)
"""The pages' icon, inline, so that no browser asks for a /favicon.ico that is not there."""
TEMPLATE_NAME = "shanxi"

CSS = """
*, *::before, *::after { box-sizing: border-box; }
.jp-Cell-inputWrapper, .jp-Collapser { display: contents; }
.jp-OutputArea-output pre { white-space: pre-wrap; font-size: 13px; background: #f7f7f7;
  padding: 8px 10px; border-radius: 4px; overflow-x: auto; }
.jp-RenderedHTMLCommon table { border-collapse: collapse; margin: 8px 0 16px; width: 100%; }
.jp-RenderedHTMLCommon th, .jp-RenderedHTMLCommon td { border-bottom: 1px solid #e5e5e5;
  padding: 6px 8px; text-align: left; vertical-align: top; }
.jp-RenderedHTMLCommon th { background: #f3f5f8; font-weight: 600; }
.jp-RenderedHTMLCommon code { background: #f3f3f3; padding: 0 3px; border-radius: 3px;
  font-size: 12px; }
.jp-RenderedHTMLCommon small { color: #666; }
.sx-sources li { margin-bottom: 6px; font-size: 13.5px; }
.jp-InputArea-editor pre, .highlight pre { background: #f7f7f7; padding: 8px; font-size: 12.5px;
  overflow-x: auto; }
body.jp-Notebook { max-width: 980px; margin: 0 auto; padding: 0 24px 48px;
  font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei",
  system-ui, sans-serif; color: #1b1b1b; line-height: 1.65; }
.jp-Cell { padding: 0; }
.jp-OutputArea-prompt, .jp-InputPrompt, a.anchor-link { display: none; }
.jp-RenderedHTMLCommon { font-size: 15px; }
.jp-RenderedHTMLCommon h1 { font-size: 28px; margin-top: 8px; }
.jp-RenderedHTMLCommon h2 { font-size: 21px; margin-top: 28px; border-bottom: 1px solid #ddd;
  padding-bottom: 4px; }
.jp-RenderedHTMLCommon table { font-size: 13px; }
.sx-header { display: flex; justify-content: space-between; gap: 12px; padding: 12px 0;
  font-size: 13px; border-bottom: 1px solid #eee; margin-bottom: 8px; position: sticky; top: 0;
  background: white; z-index: 10; }
.sx-anchor { display: block; position: relative; top: -52px; }
.jp-RenderedHTMLCommon h2, .sx-sources li { scroll-margin-top: 56px; }
.sx-header a { color: #1f4e79; text-decoration: none; }
nav.sx-toc { background: #f6f7f9; border-left: 3px solid #1f4e79; padding: 8px 16px;
  margin: 12px 0 20px; font-size: 14px; }
nav.sx-toc ol { margin: 4px 0; padding-left: 20px; }
nav.sx-toc a { color: #1f4e79; text-decoration: none; display: inline-block;
  min-height: 24px; }
.sx-chart-notes { margin: 2px 0 18px; font-size: 12px; color: #555; }
.sx-moved-notes p { margin: 2px 0; font-size: 12.5px; color: #555; }
.sx-filter { position: sticky; top: 44px; z-index: 9; background: #f6f7f9; padding: 8px 12px;
  border-radius: 4px; display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center;
  font-size: 14px; margin: 8px 0 16px; }
.sx-filter input, .sx-filter select { font: inherit; font-size: 14px; padding: 3px 6px;
  max-width: 100%; }
.sx-indicator { border-top: 1px solid #e5e5e5; padding-top: 4px; margin-bottom: 18px; }
.sx-indicator h3 { font-size: 17px; margin: 10px 0 2px; scroll-margin-top: 100px; }
.sx-definition { color: #555; font-size: 14px; margin: 0 0 8px; }
.sx-cards { display: flex; flex-wrap: wrap; gap: 8px; margin: 4px 0 8px; }
.sx-card { display: flex; flex-direction: column; border: 1px solid #dfe3e8;
  border-radius: 6px; padding: 8px 14px; margin: 0; }
.sx-card b { font-size: 22px; color: #1f4e79; } .sx-card span { font-size: 13px; color: #555; }
.sx-indicator-facts { font-size: 13.5px; padding-left: 18px; }
.sx-indicator-facts a, .sx-pair a { color: #1f4e79; }
.sx-pair { font-size: 13.5px; padding: 4px 8px; border-left: 3px solid #2a9d8f; }
.sx-pair.sx-disagree { border-left-color: #c8553d; }
.sx-cite { margin: 0 0 2px; } .sx-cite a { color: #1f4e79; text-decoration: underline; }
.sx-figures { margin: 2px 0; } .sx-figures summary { cursor: pointer; color: #1f4e79;
  min-height: 24px; padding: 2px 0; }
.sx-figures table { font-size: 12.5px; } .sx-figures caption { text-align: left; color: #555;
  padding: 4px 0; }
.sx-article { font-size: 16px; margin: 18px 0 2px; } .sx-article-meta { margin: 0 0 6px; }
.sx-download { font-size: 12px; }
.sx-download button { font: inherit; font-size: 12px; color: #1f4e79; background: white;
  border: 1px solid #9fb3c8; border-radius: 3px; padding: 1px 8px; cursor: pointer;
  min-height: 24px; margin: 2px 0; }
.sx-trust { margin: 4px 0 0; }
.sx-download a { color: #1f4e79; }
.sx-footer { margin-top: 40px; font-size: 12px; color: #666; border-top: 1px solid #eee;
  padding-top: 8px; }
.sx-chart, .vega-embed { display: block; width: 100%; }
.sx-static svg { display: block; }
.sx-chart svg, .sx-chart canvas { max-width: 100%; height: auto; }
.jp-OutputArea-output { overflow-wrap: break-word; }
@media (max-width: 600px) {
  body.jp-Notebook { padding: 0 14px 32px; }
  .sx-filter { position: static; }
  .jp-RenderedHTMLCommon h1 { font-size: 23px; }
  .jp-RenderedHTMLCommon h2 { font-size: 19px; }
}
@media print {
  .sx-header, nav.sx-toc, .sx-download, .vega-embed details, .vega-actions, .sx-figures
    { display: none; }
  body.jp-Notebook { max-width: none; padding: 0; font-size: 11pt; }
  /* a chart never splits; long outputs (tables, lists) may, so no page is left blank */
  .sx-chart, .sx-static, svg, canvas, tr, figure, .sx-card, .sx-pair, li { break-inside: avoid; }
  h1, h2, h3, h4 { break-after: avoid; break-inside: avoid; }
  /* a heading ends its cell: keep the cell with the next one */
  .jp-Cell:has(h1, h2, h3, h4):not(:has(.sx-chart, table, ol, ul, p)) { break-after: avoid; }
  .jp-OutputArea-child:has(> .jp-OutputArea-output > :is(h1, h2, h3, h4):last-child)
    { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  .jp-RenderedHTMLCommon a[href^="http"]::after { content: " <" attr(href) ">"; font-size: 9pt;
    word-break: break-all; }
}
"""

_LABELS = {
    "zh": {
        "toc": "目录",
        "csv": "下载本图数据（CSV）",
        "cite": "本图数据来源：",
        "home": "← 全部报告",
        "indicators": "指标一览",
        "other": "English",
        "other_lang": "en",
        "figures": "本图数字（表格）",
        "png": "下载 PNG 图片",
        "svg": "下载 SVG 图片",
        "trust": "数据版本 {digest}（data/ 的 SHA-256）· 最新来源 {date}",
        "description": "山西资源型经济转型：每个数字都可追溯到原文句子。",
        "columns": {
            "indicator": "指标",
            "entity": "对象",
            "period": "时期",
            "value": "数值",
            "unit": "单位",
            "qualifier": "限定",
            "kind": "类型",
            "source": "来源",
        },
    },
    "en": {
        "toc": "Contents",
        "csv": "Download this chart's data (CSV)",
        "cite": "Facts in this chart:",
        "home": "← All reports",
        "indicators": "Every indicator",
        "other": "中文",
        "other_lang": "zh",
        "figures": "The figures in this chart (table)",
        "png": "Download PNG",
        "svg": "Download SVG",
        "trust": "Data version {digest} (SHA-256 of data/) · newest source {date}",
        "description": "Shanxi's shift from coal: every figure traces to the sentence it "
        "came from.",
        "columns": {
            "indicator": "Indicator",
            "entity": "Entity",
            "period": "Period",
            "value": "Value",
            "unit": "Unit",
            "qualifier": "Qualifier",
            "kind": "Kind",
            "source": "Source",
        },
    },
}


def vega_bootstrap(bundle: str | None = None) -> str:
    """Return the ``<script>`` element that defines vega, vega-lite and vega-embed once per
    page (see :func:`htmlsafe.vega_libraries`)."""
    if bundle is None:
        from .. import vegabundle

        bundle = vegabundle.text()
    versions = {
        "vega_version": alt.VEGA_VERSION,
        "vegalite_version": alt.VEGALITE_VERSION,
        "vegaembed_version": alt.VEGAEMBED_VERSION,
    }
    return htmlsafe.vega_libraries(bundle, versions)


@lru_cache(maxsize=4)
def exporter(show_code: bool):
    """Return a reusable nbconvert HTML exporter with the project's template."""
    from nbconvert import HTMLExporter

    exp = HTMLExporter(
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        template_name=TEMPLATE_NAME,
    )
    from nbconvert.preprocessors import TagRemovePreprocessor

    # Cells tagged report-hide (notes for notebook users) stay out of the reports.
    exp.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags={"report-hide"}, enabled=True), enabled=True
    )
    exp.exclude_input = not show_code
    exp.exclude_input_prompt = True
    exp.exclude_output_prompt = True
    return exp


def _chart_spec(element) -> dict | None:
    """Return the Vega-Lite spec of a chart's JSON data block (see
    :func:`htmlsafe.vega_embed`), or None for any other element."""
    if element.get("type") != "application/json" or not element.get("id", "").endswith("-spec"):
        return None
    try:
        spec = json.loads(element.string or "")
    except json.JSONDecodeError:
        return None
    return spec if isinstance(spec, dict) else None


TIDY_COLUMNS = (
    "indicator",
    "entity",
    "period",
    "value",
    "unit",
    "qualifier",
    "kind",
    "source",
    "quote",
)
"""The columns of a chart's figures, in its table and its CSV: what a reader can check
against the sources, none of the fields the chart uses only to draw."""

# A row that is not a curated fact (an event, a place) keeps what it has under the name of
# the tidy column it fills, first name found wins.
_TIDY_ALIASES = {
    "indicator": ("indicator", "kind_label"),
    "entity": ("entity", "place", "name"),
    "period": ("period", "date"),
    "value": ("value", "title"),
    "unit": ("unit",),
    "qualifier": ("qualifier",),
    "kind": ("kind",),
    "source": ("source_short", "source"),
    "quote": ("quote", "quote_shown"),
}


def _plain(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _tidy_rows(spec: dict, lang: str) -> list[dict[str, str]]:
    """Return the figures a chart plots, once each, in :data:`TIDY_COLUMNS`: a curated fact
    from the facts table (by the ``fact_id`` its row carries), any other row from the fields
    it has under those names (:data:`_TIDY_ALIASES`)."""
    from .. import datasets

    facts = datasets.facts(lang).set_index("fact_id")
    names = datasets.source_names(lang)
    out: list[dict[str, str]] = []
    seen: set[tuple] = set()
    for values in (spec.get("datasets") or {}).values():
        for row in values if isinstance(values, list) else []:
            if not isinstance(row, dict):
                continue
            fids = row.get("fact_id")
            # a row drawn from several facts names them all ("a;b")
            fids = [f for f in fids.split(";") if f in facts.index] if isinstance(fids, str) else []
            found = []
            for fid in fids:
                f = facts.loc[fid]
                found.append(
                    {
                        "indicator": f["indicator"],
                        "entity": f["entity"],
                        "period": f["period"],
                        "value": f["value"],
                        "unit": f["unit"],
                        "qualifier": f["qualifier"],
                        "kind": f["kind"],
                        "source": names.get(f["source_id"], f["source_id"]),
                        "quote": f["quote"],
                    }
                )
            if not fids:
                tidy = {
                    col: next((row[k] for k in keys if row.get(k) not in (None, "")), "")
                    for col, keys in _TIDY_ALIASES.items()
                }
                if not (tidy["quote"] or tidy["source"]) or not tidy["value"]:
                    continue  # a label, a line or a box the chart draws, not a figure
                found.append(tidy)
            for tidy in found:
                tidy = {k: _plain(v) for k, v in tidy.items()}
                key = tuple(tidy.values())
                if key not in seen:
                    seen.add(key)
                    out.append(tidy)
    return out


def _csv_of(spec: dict, lang: str = "zh") -> str | None:
    """Return the figures a chart plots as CSV in :data:`TIDY_COLUMNS`, or None when it
    plots none."""
    rows = _tidy_rows(spec, lang)
    if not rows:
        return None
    fields = list(TIDY_COLUMNS)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow(
            {
                k: htmlsafe.csv_cell(
                    json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
                )
                for k, v in r.items()
            }
        )
    return buf.getvalue()


def _fact_ids(spec: dict) -> list[str]:
    """Return the fact ids of the rows a chart plots, in order, once each."""
    found: list[str] = []
    for values in (spec.get("datasets") or {}).values():
        for row in values if isinstance(values, list) else []:
            fid = row.get("fact_id") if isinstance(row, dict) else None
            if isinstance(fid, str) and fid not in found:
                found.append(fid)
    return found


def _figures_table(soup, rows: list[dict[str, str]], caption: str, lang: str):
    """Return a closed ``<details>`` with the chart's figures as a table, its caption the
    chart's description: what a screen reader (or anyone) reads instead of the picture."""
    labels = _LABELS[lang]
    details = soup.new_tag("details", attrs={"class": "sx-figures"})
    summary = soup.new_tag("summary")
    summary.string = labels["figures"]
    details.append(summary)
    table = soup.new_tag("table")
    if caption:
        cap = soup.new_tag("caption")
        cap.string = caption
        table.append(cap)
    head = soup.new_tag("tr")
    for col in TIDY_COLUMNS[:-1]:  # the quote is in the sources list and in the CSV
        th = soup.new_tag("th", scope="col")
        th.string = labels["columns"][col]
        head.append(th)
    thead = soup.new_tag("thead")
    thead.append(head)
    table.append(thead)
    body = soup.new_tag("tbody")
    for row in rows:
        tr = soup.new_tag("tr")
        for col in TIDY_COLUMNS[:-1]:
            td = soup.new_tag("td")
            td.string = row[col]
            tr.append(td)
        body.append(tr)
    table.append(body)
    details.append(table)
    return details


def data_digest() -> str:
    """Return the SHA-256 of the data folder (every file's path and bytes, in order): the
    version of the data a page was built from."""
    root = paths.data_dir()
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts or path.name.startswith("."):
            continue
        h.update(path.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def newest_source(source_ids=None) -> str:
    """Return the publication date of the newest of ``source_ids`` (all sources when None
    or none known): a date from the data, so a rebuild writes the same page."""
    from .. import datasets

    reg = datasets.sources().set_index("source_id")["published"].astype(str)
    chosen = reg[reg.index.isin(list(source_ids or []))]
    return max(chosen if len(chosen) else reg, default="")


def trust_line(lang: str, source_ids=None) -> str:
    """Return the words naming the data version and the newest source's date."""
    return _LABELS[lang]["trust"].format(digest=data_digest()[:12], date=newest_source(source_ids))


_EXPORT_SCRIPT = """
(function(){
/* the charts' PNG and SVG buttons */
document.addEventListener('click', function(ev) {
  var button = ev.target.closest && ev.target.closest('button[data-sx-export]');
  if (!button) return;
  var el = document.getElementById(button.getAttribute('data-sx-chart'));
  var type = button.getAttribute('data-sx-export');
  function save(url) {
    var a = document.createElement('a');
    a.href = url; a.download = button.getAttribute('data-sx-file');
    document.body.appendChild(a); a.click(); a.remove();
  }
  var view = el && el.sxView;
  if (view) { view.toImageURL(type, type === 'png' ? 2 : 1).then(save); return; }
  var svg = el && el.querySelector('svg');
  if (!svg) return;
  var text = new XMLSerializer().serializeToString(svg);
  var url = URL.createObjectURL(new Blob([text], {type: 'image/svg+xml'}));
  if (type === 'svg') { save(url); return; }
  var img = new Image();
  img.onload = function() {
    var c = document.createElement('canvas');
    c.width = img.width * 2; c.height = img.height * 2;
    var g = c.getContext('2d'); g.fillStyle = 'white'; g.fillRect(0, 0, c.width, c.height);
    g.drawImage(img, 0, 0, c.width, c.height);
    save(c.toDataURL('image/png'));
  };
  img.src = url;
});
})();
"""


_STATIC: dict[str, str | None] = {}
_STATIC_LIMIT = 256
_INNER_ARIA = re.compile(r'\s(?:role|aria-roledescription|aria-label)="[^"]*"')


def static_svg(spec: dict) -> str | None:
    """Return the chart as an SVG picture for the page (vl-convert), one image named by the
    chart's description, or None when it cannot be rendered (the live view then draws at
    once). Kept in memory by the spec's hash: the same chart is rendered once a process."""
    key = hashlib.sha256(htmlsafe.json_for_script(spec, sort_keys=True).encode()).hexdigest()
    if key in _STATIC:
        return _STATIC[key]
    from .. import render

    try:
        svg = render.cached_svg(spec)
    except Exception:  # an expression vl-convert cannot evaluate: the page draws it live
        svg = None
    if svg is not None:
        start = svg.index(">", svg.index("<svg")) + 1
        head, body = svg[:start], _INNER_ARIA.sub("", svg[start:])
        description = spec.get("description")
        name = description if isinstance(description, str) and description else "chart"
        head = head.replace(
            "<svg ",
            f'<svg role="graphics-document" aria-label="'
            f'{_html.escape(name, quote=True)}" ',
            1,
        )
        svg = head + body
    if len(_STATIC) >= _STATIC_LIMIT:
        _STATIC.clear()
    _STATIC[key] = svg
    return svg


_SVG_ID = re.compile(r'\bid="([^"]+)"')


def own_ids(svg: str, prefix: str) -> str:
    """Return ``svg`` with each id it defines (vl-convert numbers its clip paths by a counter
    of the process that drew them) renamed ``PREFIX-1``, ``PREFIX-2`` ... in order, and
    every reference to them too: ids unique in the page and the same whichever process drew
    the picture, so that a page rebuilds byte for byte.

    >>> own_ids('<svg><clipPath id="clip7"/><g clip-path="url(#clip7)"/></svg>', "p1")
    '<svg><clipPath id="p1-1"/><g clip-path="url(#p1-1)"/></svg>'
    """
    names: dict[str, str] = {}
    for found in _SVG_ID.findall(svg):
        names.setdefault(found, f"{prefix}-{len(names) + 1}")
    if not names:
        return svg
    alternatives = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
    pattern = re.compile(rf'(\bid="|url\(#|href="#)({alternatives})(?=["\)])')
    return pattern.sub(lambda m: m.group(1) + names[m.group(2)], svg)


def _slug(text: str, used: set[str]) -> str:
    base = re.sub(r"[^\w\u4e00-\u9fff]+", "-", text.strip().lower()).strip("-") or "section"
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    used.add(slug)
    return slug


def postprocess(html: str, *, lang: str, stem: str) -> str:
    """Return the page with a table of contents, CSV downloads and deterministic ids."""
    ids: dict[str, str] = {}
    counts: dict[str, int] = {}

    def sequential(match: re.Match) -> str:  # numbered in page order, each prefix on its own
        if match.group(0) not in ids:
            prefix = match.group(1)
            counts[prefix] = counts.get(prefix, 0) + 1
            ids[match.group(0)] = f"{prefix}{counts[prefix]}"
        return ids[match.group(0)]

    html = htmlsafe.RANDOM_ELEMENT_ID.sub(sequential, html)
    soup = BeautifulSoup(html, "html.parser")
    # nbconvert makes every output a tab stop (for outputs that scroll); here none scrolls
    # (wide content wraps or scrolls inside itself), so the keyboard meets only controls.
    for output in soup.select(".jp-OutputArea-output[tabindex]"):
        del output["tabindex"]
    labels = _LABELS[lang]
    # Under each chart: links to the entries of the facts it plots, and its data as CSV.
    entries = {
        li["id"]: n for n, li in enumerate(soup.select('ol.sx-sources > li[id^="fact-"]'), 1)
    }
    n = 0
    pictures: dict[str, str] = {}
    for script in soup.find_all("script"):
        spec = _chart_spec(script)
        if spec is None:
            continue
        chart = soup.find(id=script.get("id", "").removesuffix("-spec"))
        picture = static_svg(spec) if chart is not None else None
        if picture is not None:
            marker = f"sx-static-{len(pictures) + 1}"
            picture = own_ids(picture, marker)
            pictures[f"<!--{marker}-->"] = f'<div class="sx-static">{picture}</div>'
            chart.append(Comment(marker))
        notes = soup.new_tag("div", attrs={"class": "sx-chart-notes"})
        cited = sorted(
            (f"fact-{fid}" for fid in _fact_ids(spec) if f"fact-{fid}" in entries),
            key=entries.get,
        )
        if cited:
            line = soup.new_tag("p", attrs={"class": "sx-cite"})
            line.append(labels["cite"] + " ")
            for anchor in cited:
                link = soup.new_tag("a", href=f"#{anchor}")
                link.string = f"[{entries[anchor]}]"
                line.append(link)
                line.append(" ")
            notes.append(line)
        data = _csv_of(spec, lang)
        if data is not None:
            n += 1
            # base64 keeps Chinese at 4/3 of its UTF-8 size; percent-encoding would triple it.
            encoded = base64.b64encode(("\ufeff" + data).encode("utf-8")).decode("ascii")
            link = soup.new_tag(
                "a",
                href="data:text/csv;charset=utf-8;base64," + encoded,
                download=f"{stem}-{lang}-chart-{n}.csv",
            )
            link.string = labels["csv"]
            wrapper = soup.new_tag("div", attrs={"class": "sx-download"})
            wrapper.append(link)
            notes.append(wrapper)
        if chart is not None:
            n_images = len(soup.select("button[data-sx-export=svg]")) + 1
            wrapper = notes.find("div", class_="sx-download")
            if wrapper is None:
                wrapper = soup.new_tag("div", attrs={"class": "sx-download"})
                notes.append(wrapper)
            for kind in ("png", "svg"):
                button = soup.new_tag(
                    "button",
                    attrs={
                        "type": "button",
                        "data-sx-export": kind,
                        "data-sx-chart": chart["id"],
                        "data-sx-file": f"{stem}-{lang}-chart-{n_images}.{kind}",
                    },
                )
                button.string = labels[kind]
                wrapper.append(" ")
                wrapper.append(button)
        figures = _tidy_rows(spec, lang)
        if figures:
            description = spec.get("description")
            notes.append(
                _figures_table(
                    soup, figures, description if isinstance(description, str) else "", lang
                )
            )
        if notes.contents:
            (script.find_next_sibling("script") or script).insert_after(notes)
    # Table of contents from the headings the notebook produced.
    used: set[str] = set()
    entries = []
    for h in soup.find_all(["h2"]):
        text = h.get_text(" ", strip=True).rstrip("¶").strip()
        if not text:
            continue
        h["id"] = _slug(text, used)
        for a in h.find_all("a", class_="anchor-link"):
            a.decompose()
        entries.append((h["id"], text))
        # The same section has the same anchor in both languages (the slugs differ).
        h.insert_before(
            soup.new_tag("a", attrs={"class": "sx-anchor", "id": f"section-{len(entries)}"})
        )
    marker = soup.find(string=lambda s: isinstance(s, str) and s.strip() == "sx-toc")
    if marker is not None:
        if entries:
            nav = soup.new_tag("nav", attrs={"class": "sx-toc", "aria-label": labels["toc"]})
            title = soup.new_tag("strong")
            title.string = labels["toc"]
            nav.append(title)
            ol = soup.new_tag("ol")
            for anchor, text in entries:
                li = soup.new_tag("li")
                a = soup.new_tag("a", href=f"#{anchor}")
                a.string = text
                li.append(a)
                ol.append(li)
            nav.append(ol)
            marker.extract()
            first_h1 = soup.find("h1")
            # The contents follow the page title; without one they open the page.
            if first_h1 is not None:
                first_h1.insert_after(nav)
            else:
                soup.find("main").insert(0, nav)
        else:
            marker.extract()
    footer = soup.find("footer", class_="sx-footer")
    if footer is not None:
        from .. import datasets

        facts = datasets.facts(lang).set_index("fact_id")["source_id"]
        cited = [
            facts.get(li["id"].removeprefix("fact-"))
            for li in soup.select('ol.sx-sources > li[id^="fact-"]')
        ]
        trust = soup.new_tag("p", attrs={"class": "sx-trust"})
        trust.string = trust_line(lang, [c for c in cited if c])
        footer.append(trust)
    if soup.select("button[data-sx-export]") and soup.body is not None:
        tail = BeautifulSoup(htmlsafe.script(htmlsafe.js_for_script(_EXPORT_SCRIPT)), "html.parser")
        soup.body.append(tail)
    page = str(soup)
    for marker, picture in pictures.items():  # SVG kept as vl-convert wrote it (viewBox...)
        page = page.replace(marker, picture, 1)
    return page


def export(
    nb,
    *,
    lang: str,
    stem: str,
    show_code: bool,
    bootstrap: str,
    footer: str,
    indicator_page: bool = True,
) -> str:
    """Return the HTML page of an executed notebook; its header links to the indicator
    page when ``indicator_page``."""
    title = nb.metadata.get("shanxi", {}).get("title", {})
    if isinstance(title, dict) and title.get(lang):
        nb.metadata["title"] = title[lang]  # the page's <title>, not "Notebook"
    for cell in nb.cells:
        # papermill gives its injected cell a random id; fix it so pages are reproducible.
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"
    labels = _LABELS[lang]
    # The Vega libraries (hundreds of KB) go at the end of the page, after its text and
    # static charts, so that those paint first; what fits and draws the charts stays first.
    library, _, kit = bootstrap.partition("</script>")
    library, bootstrap = (library + "</script>", kit) if kit.strip() else ("", bootstrap)
    summary = nb.metadata.get("shanxi", {}).get("summary", {})
    description = summary.get(lang) if isinstance(summary, dict) else None
    head = (
        f'<meta name="description" content="'
        f'{_html.escape(description or labels["description"], quote=True)}">' + FAVICON
    )
    resources = {
        "shanxi": {
            "head": head,
            "vega_bootstrap": bootstrap,
            "vega_library": library,
            "css": CSS,
            "home_label": labels["home"],
            "indicators_label": labels["indicators"] if indicator_page else "",
            "other_lang_link": f'<a href="../{labels["other_lang"]}/{stem}.html" '
            f'data-sx-other="{labels["other_lang"]}" hreflang="{labels["other_lang"]}">'
            f"{labels['other']}</a>",
            "page_script": langswitch.script(),
            "footer": footer,
        },
        "language_code": lang,
    }
    exp = exporter(show_code)
    exp.language_code = lang  # <html lang=…>, for screen readers and CJK line breaking
    body, _ = exp.from_notebook_node(nb, resources=resources)
    return postprocess(body, lang=lang, stem=stem)
