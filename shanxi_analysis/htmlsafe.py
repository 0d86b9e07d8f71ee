"""The one place where JSON and JavaScript meet HTML.

Every writer that puts a chart spec, a dataset or a script into a page (the reports, the
notebook renderer, ``charts.save(..., ".html")``, the index) calls these functions, and a
test fails if a module writes a ``<script>`` element without them.

Inside ``<script>`` the HTML parser ends the element at the first ``</script`` whatever the
JavaScript means, and ``<!--`` starts a state in which ``</script>`` is not seen. JSON
strings can carry both (a quote, an entity name, a title), so :func:`json_for_script`
writes ``<``, ``>`` and ``&`` as ``\\u003c``, ``\\u003e`` and ``\\u0026``: the same string to
``JSON.parse`` and to JavaScript, and nothing an HTML parser acts on. U+2028 and U+2029 are
escaped as well (older JavaScript engines end a string literal at them).

>>> json_for_script({"quote": "</script><script>alert(1)</script>"})
'{"quote": "\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
>>> import json
>>> json.loads(json_for_script(["a<!--b\\u2028"])) == ["a<!--b\\u2028"]
True
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Callable
from typing import Any

_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")
_SCRIPT_END = re.compile(r"<(/script|!--)", re.IGNORECASE)


def json_for_script(obj: Any, *, sort_keys: bool = False) -> str:
    """Return ``obj`` as JSON that is safe inside a ``<script>`` element (of any type) and
    reads back to the same value. NaN and infinities, which JSON cannot hold, become
    ``null`` (as in pandas' ``to_json``).

    >>> json_for_script({"a": float("nan"), "b": [1.5, float("inf")]})
    '{"a": null, "b": [1.5, null]}'
    """
    try:
        text = json.dumps(obj, ensure_ascii=False, sort_keys=sort_keys, allow_nan=False)
    except ValueError:
        text = json.dumps(_finite(obj), ensure_ascii=False, sort_keys=sort_keys, allow_nan=False)
    return _JSON_UNSAFE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def _map_leaves(obj: Any, leaf: Callable[[Any], Any]) -> Any:
    """Return ``obj`` (JSON-like) with ``leaf`` applied to every value that is not a dict,
    list or tuple."""
    if isinstance(obj, dict):
        return {k: _map_leaves(v, leaf) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_map_leaves(v, leaf) for v in obj]
    return leaf(obj)


def vega_safe(spec: Any) -> Any:
    """Return ``spec`` with U+2028 and U+2029 in every string replaced by a space.

    Vega-Lite copies field titles into the expressions it generates (tooltips, ARIA
    descriptions), and Vega's expression parser ends a string literal at these two
    separators, so one pasted soft line break in a name would stop the chart from drawing.
    """
    return _map_leaves(
        spec,
        lambda v: v.replace("\u2028", " ").replace("\u2029", " ") if isinstance(v, str) else v,
    )


def _finite(obj: Any) -> Any:
    return _map_leaves(obj, lambda v: None if isinstance(v, float) and not math.isfinite(v) else v)


def js_for_script(code: str) -> str:
    """Return JavaScript source (a library bundle) that cannot end or comment out the
    ``<script>`` element it is put in: ``</script`` and ``<!--`` get a backslash, which
    JavaScript strings and regular expressions read the same."""
    return _SCRIPT_END.sub(lambda m: "<\\" + m.group(1), code)


def script(code: str, *, type: str = "text/javascript", id: str | None = None) -> str:
    """Return a ``<script>`` element around ``code``; ``code`` must come from
    :func:`json_for_script` or :func:`js_for_script` (it is checked)."""
    if _SCRIPT_END.search(code):
        raise ValueError("script text contains '</script' or '<!--'; escape it first")
    attrs = f' type="{type}"' + (f' id="{id}"' if id else "")
    return f"<script{attrs}>{code}</script>"


_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def markdown_text(text: str) -> str:
    """Return ``text`` for a Markdown document so that it reads as the same text: every
    ASCII punctuation character gets a backslash, so that nothing in it becomes a tag, a
    link, emphasis or (in JupyterLab) mathematics.

    >>> print(markdown_text("</script> *a* [x](javascript:y) $1"))
    \\<\\/script\\> \\*a\\* \\[x\\]\\(javascript\\:y\\) \\$1
    """
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def vega_string(text: str) -> str:
    """Return ``text`` as a string literal of a Vega expression: the one way data text enters
    an expression (a unit in a label, a word in a title). Quotes and backslashes are escaped
    (JSON's escapes, which Vega's expression parser reads as JavaScript does); U+2028 and
    U+2029, at which that parser ends a string literal, become spaces (as in
    :func:`vega_safe`). Prefer passing data as data (a field, a parameter) where possible.

    >>> print(vega_string("it's 10 yuan"))
    "it's 10 yuan"
    """
    return json.dumps(text.replace("\u2028", " ").replace("\u2029", " "), ensure_ascii=False)


_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CSV_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_cell(value: Any) -> Any:
    """Return ``value`` for a CSV cell that a spreadsheet will not run as a formula (OWASP's
    CSV injection advice): text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return gets a leading ``'``. Numbers, and text that is just a number, stay as
    they are.

    >>> [csv_cell(v) for v in ["=1+2", "@SUM(A1)", -3.5, "-2", "coal"]]
    ["'=1+2", "'@SUM(A1)", -3.5, '-2', 'coal']
    """
    if (
        isinstance(value, str)
        and value.startswith(_CSV_FORMULA_START)
        and not _CSV_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


EMBED_OPTIONS = {"actions": {"export": True, "source": False, "compiled": False, "editor": False}}
"""vega-embed's menu keeps "save as SVG/PNG" and drops the links that leave the page (the
online Vega editor) or show raw specs."""

# Charts follow the width of the column they are in. A single view or a layer is drawn at
# the column's width (and redrawn when it changes); its title and subtitle are broken into
# lines that fit. A map or a concatenation keeps its own size and is scaled down to fit.
_FIT_TO_COLUMN = """
function lines(text, px, size) {
  var out = [], line = '', w = 0;
  /* words: runs of spaces, runs of other Latin characters, and each CJK character */
  var words = String(text).match(/\\s+|[\\u2e80-\\uffff]|[^\\s\\u2e80-\\uffff]+/g) || [];
  for (var i = 0; i < words.length; i++) {
    var word = words[i]; if (!word) continue;
    var ww = 0;
    for (var j = 0; j < word.length; j++) ww += word.charCodeAt(j) > 0x2e80 ? size : size * 0.6;
    if (w + ww > px && line.trim()) {
      out.push(line.trim()); line = ''; w = 0;
      if (/^\\s+$/.test(word)) continue;
    }
    line += word; w += ww;
  }
  if (line.trim()) out.push(line.trim());
  return out;
}
function wrap(value, px, size) {
  if (value === undefined || value === null) return value;
  if (typeof value === 'object' && !Array.isArray(value)) return value;
  var parts = Array.isArray(value) ? value : [value], out = [];
  parts.forEach(function(p){ out = out.concat(lines(p, px, size)); });
  return out;
}
function projected(s) {
  return !!s.projection || (s.layer || []).some(projected);
}
/* On a phone, legends move under the chart, one entry a line: the plot keeps the width,
   and the legend's words their size. */
function legendsBelow(node) {
  if (Array.isArray(node)) { node.forEach(legendsBelow); return; }
  if (!node || typeof node !== 'object') return;
  Object.keys(node).forEach(function(k){
    var v = node[k];
    var placed = v && typeof v === 'object' && !/none/.test(v.orient || '');
    if (k === 'legend' && placed) {
      v.orient = 'bottom'; v.direction = 'vertical'; v.columns = 1;
      v.labelLimit = 0; v.titleLimit = 0;
    } else legendsBelow(v);
  });
}
function titled(spec, room) {
  var cfg = (spec.config && spec.config.title) || {};
  if (spec.title && typeof spec.title === 'object' && !Array.isArray(spec.title)) {
    spec.title.text = wrap(spec.title.text, room, cfg.fontSize || 17);
    spec.title.subtitle = wrap(spec.title.subtitle, room, cfg.subtitleFontSize || 11);
  } else if (spec.title) {
    spec.title = {text: wrap(spec.title, room, cfg.fontSize || 17)};
  }
}
function fit(spec, el) {
  var avail = el.clientWidth;
  var room = avail - 50;  /* vega-embed keeps 38 px on the right for its menu; the chart pads */
  if (!(avail > 0)) return spec;
  if (projected(spec)) {
    /* A map is drawn at the column's width rather than scaled down: the projection fits the
       new size, and its place names keep their size. */
    if (typeof spec.width === 'number' && spec.width > room) {
      spec.config = spec.config || {};
      if (room < 480) legendsBelow(spec);
      var k = room / spec.width;
      if (typeof spec.height === 'number') spec.height = Math.round(spec.height * k);
      spec.width = room;
      titled(spec, room);
    }
    return spec;
  }
  if (!('mark' in spec || 'layer' in spec)) return spec;
  el.style.display = 'block';  /* vega-embed's own style shrinks the element to its chart */
  el.style.width = '100%';
  spec.width = 'container';
  spec.autosize = {type: 'fit-x', contains: 'padding'};
  if (room < 480) {  /* a phone: row labels give up width to the plot (whole in tooltips) */
    spec.config = spec.config || {};
    spec.config.axisY = Object.assign({}, spec.config.axisY, {labelLimit: Math.round(room * 0.32)});
    legendsBelow(spec);
    roomForEndLabels(spec);
    el.sxNotes = [];
    narrowRows(spec, room, el.sxNotes);
  }
  titled(spec, room);
  return spec;
}
/* Rows of text placed at a fixed x break into lines that fit, and the rows grow to hold
   them; a scale whose pixel range reaches past the plot ends at its edge. */
function narrowRows(spec, room, notes) {
  var pad = typeof spec.padding === 'object' ? spec.padding : {};
  var plot = room - (pad.right || 0) - 10, most = 1, rows = 0;
  /* Notes pinned at a fixed place in the chart leave it and go under it as text. */
  spec.layer = (spec.layer || []).filter(function(layer){
    var mark = layer.mark || {}, enc = layer.encoding || {};
    var pinned = mark.type === 'text' && enc.x && typeof enc.x.value === 'number'
      && enc.y && typeof enc.y.value === 'number' && enc.text && enc.text.field;
    if (!pinned || spec.layer.length < 2) return true;
    var rowsOf = (spec.datasets || {})[(layer.data || spec.data || {}).name] || [];
    rowsOf.forEach(function(row){
      if (row[enc.text.field]) notes.push(String(row[enc.text.field]));
    });
    return false;
  });
  spec.layer.forEach(function(layer){
    var mark = layer.mark || {}, enc = layer.encoding || {};
    var sc = enc.x && enc.x.scale;
    if (sc && Array.isArray(sc.range) && sc.range.length === 2 && typeof sc.range[1] === 'number'
        && sc.range[1] > plot) sc.range = [sc.range[0], Math.max(plot, sc.range[0] + 40)];
    if (mark.type !== 'text' || mark.align !== 'left' || !enc.x || typeof enc.x.value !== 'number'
        || !enc.y || !enc.y.field || !enc.text || !enc.text.field) return;
    var rowsOf = (spec.datasets || {})[(layer.data || spec.data || {}).name] || [];
    var px = room - 10 - enc.x.value - (mark.dx || 0), size = mark.fontSize || 11;
    rowsOf.forEach(function(row){
      var text = row[enc.text.field];
      if (typeof text !== 'string') return;
      var parts = lines(text, px, size);
      if (parts.length > 1) { row[enc.text.field] = parts; most = Math.max(most, parts.length); }
    });
    var domain = enc.y && enc.y.scale && enc.y.scale.domain;
    if (Array.isArray(domain)) rows = Math.max(rows, domain.length);
  });
  if (most > 1 && rows && typeof spec.height === 'number')
    spec.height = Math.max(spec.height, Math.ceil(rows * most * 15));
}
/* Labels written after the end of a bar (text aligned left on a quantitative x) get room
   on the right, so that the bars, not the labels, give way on a narrow screen. */
function roomForEndLabels(spec) {
  var widest = 0;
  (spec.layer || []).forEach(function(layer){
    var mark = layer.mark || {}, enc = layer.encoding || {};
    if (mark.type !== 'text' || mark.align !== 'left' || !enc.x || enc.x.type !== 'quantitative'
        || !enc.text || !enc.text.field) return;
    var name = (layer.data || spec.data || {}).name;
    var rows = (spec.datasets || {})[name] || [];
    rows.forEach(function(row){
      var text = String(row[enc.text.field] || ''), w = 0;
      for (var j = 0; j < text.length; j++) w += text.charCodeAt(j) > 0x2e80 ? 1 : 0.6;
      widest = Math.max(widest, w * (mark.fontSize || 11) + (mark.dx || 0) + 4);
    });
  });
  if (widest > 0) {
    var pad = typeof spec.padding === 'object' ? spec.padding : {};
    var base = typeof spec.padding === 'number' ? spec.padding : 5;
    spec.padding = {left: pad.left != null ? pad.left : base, top: pad.top != null ? pad.top : base,
      bottom: pad.bottom != null ? pad.bottom : base, right: Math.ceil(widest)};
  }
}
/* After drawing: vega-embed's menu gets a name, and a mark group that drew nothing (an
   empty layer) is hidden from screen readers, which would otherwise meet an unnamed image. */
function label(el) {
  var zh = (document.documentElement.lang || '').slice(0, 2) === 'zh';
  var name = zh ? '图表菜单：导出' : 'Chart menu: export';
  el.querySelectorAll('details > summary').forEach(function(s){
    if (!s.hasAttribute('aria-label')) s.setAttribute('aria-label', name);
  });
  el.querySelectorAll('svg [role="graphics-symbol"]:not([aria-label])').forEach(function(g){
    if (!g.children.length) g.setAttribute('aria-hidden', 'true');
  });
}
/* A chart that arrives as a static picture (class sx-static, rendered when the page was
   built) turns interactive when it comes near the screen, is touched or is focused: one
   chart per task, so that the page stays responsive while charts are drawn. */
var queue = Promise.resolve();
function when(el, go) {
  var started = false, io = null;
  function start() {
    if (started) return queue;
    started = true;
    if (io) io.disconnect();
    queue = queue.then(function(){ return new Promise(function(r){ setTimeout(r, 0); }); })
      .then(go);
    return queue;
  }
  el.sxStart = start;
  if (!el.querySelector('.sx-static') || !('IntersectionObserver' in window)) return start();
  io = new IntersectionObserver(function(entries){
    if (entries.some(function(e){ return e.isIntersecting; })) start();
  }, {rootMargin: '300px 0px'});
  io.observe(el);
  ['pointerdown', 'focusin'].forEach(function(t){ el.addEventListener(t, start, {once: true}); });
}
/* Draws the live view over the static picture and swaps them once it is drawn, so that
   nothing jumps; without a static picture, draws into the element itself. */
function draw(el, spec, opts) {
  var still = el.querySelector('.sx-static'), target = el;
  if (still) {
    target = document.createElement('div');
    target.className = 'sx-live';
    target.style.cssText = 'position:absolute;top:0;left:0;right:0;visibility:hidden';
    el.style.position = 'relative';
    el.appendChild(target);
  }
  return window.vegaEmbed(target, fit(spec, el), opts).then(function(r){
    if (still) { still.remove(); target.style.cssText = ''; }
    if (el.sxNotes && el.sxNotes.length) {
      var moved = document.createElement('div');
      moved.className = 'sx-moved-notes';
      el.sxNotes.forEach(function(t){
        var p = document.createElement('p'); p.textContent = t; moved.appendChild(p);
      });
      el.appendChild(moved);
    }
    el.sxView = r.view;
    scaleDown(target);
    label(target);
    return r;
  });
}
function scaleDown(el) {
  var svg = el.querySelector('svg.marks');
  if (!svg || svg.hasAttribute('viewBox')) return;
  var w = +svg.getAttribute('width'), h = +svg.getAttribute('height');
  if (w > el.clientWidth && w > 0 && h > 0) {
    svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    svg.style.width = '100%'; svg.style.height = 'auto';
  }
}
"""

_PACKED_LOADER = """
(function(){
  var mods = window.sxModules = window.sxModules || {};
  if (mods[NAME] || !window.DecompressionStream) return;
  function inflate(b64) {
    var bytes = Uint8Array.from(atob(b64), function(c){ return c.charCodeAt(0); });
    var gz = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(gz).text();
  }
  mods[NAME] = Promise.all([inflate(JS), CSS ? inflate(CSS) : '']).then(function(text){
    if (text[1]) {
      var style = document.createElement('style');
      style.textContent = text[1];
      document.head.appendChild(style);
    }
    if (!MODULE) {
      var el = document.createElement('script');
      el.textContent = text[0];
      document.head.appendChild(el);
      return window;
    }
    var url = URL.createObjectURL(new Blob([text[0]], {type: 'text/javascript'}));
    return import(url).finally(function(){ URL.revokeObjectURL(url); });
  });
  mods[NAME].catch(function(e){ console.error('could not load ' + NAME + ': ' + e); });
})();
"""


def _packed(data: bytes) -> str:
    """``data`` gzip-compressed (no timestamp: the same bytes every time), in base64."""
    import base64
    import gzip

    return base64.b64encode(gzip.compress(data, compresslevel=9, mtime=0)).decode("ascii")


def packed_library(name: str, js: bytes, css: bytes = b"", *, module: bool = True) -> str:
    """Return one ``<script>`` element that carries a library (an ES module, or with
    ``module=False`` a classic script) and its style sheet gzip-compressed, and, once per
    page, inflates them in the browser (``DecompressionStream``), adds the style and runs
    the code (a module is imported from a ``blob:`` URL). ``window.sxModules[name]`` holds
    the promise of the module (of ``window`` for a classic script); where the browser
    cannot inflate, it stays unset and the page keeps what it shows without the library.
    Nothing is fetched, and a page rebuilds byte for byte.

    >>> html = packed_library("demo", b"export const a = '</script>';")
    >>> html.count("<script"), "</script>'" in html
    (1, False)
    """
    code = (
        f"var NAME = {json_for_script(name)}, MODULE = {json_for_script(module)},"
        f" JS = {json_for_script(_packed(js))},"
        f" CSS = {json_for_script(_packed(css) if css else '')};" + _PACKED_LOADER
    )
    return script("(function(){" + code + "})();")


VEGA_LIBRARY = "vega"
"""The name of the Vega libraries in ``window.sxModules``."""
VEGA_ELEMENT_PREFIX = "sx-vega-"
"""Every chart's element id starts with this; a page's ids are made sequential afterwards."""
FACTTABLE_ELEMENT_PREFIX = "sx-facttable-"
"""Every fact table's element id starts with this; made sequential like the charts' ids."""
RANDOM_ELEMENT_ID = re.compile(
    f"({re.escape(VEGA_ELEMENT_PREFIX)}|{re.escape(FACTTABLE_ELEMENT_PREFIX)})[0-9a-f]{{32}}"
)
"""An element id made of a prefix and a random hex id (:func:`new_element_id`)."""


def new_element_id(prefix: str) -> str:
    """Return a new element id: ``prefix`` and a random hex id, unique in any notebook; a
    report numbers a page's ids in order instead (the same page, the same bytes)."""
    return prefix + uuid.uuid4().hex


_VEGA_STAND_IN = """
if (window.sxModules && window.sxModules[NAME] && typeof window.vegaEmbed === 'undefined') {
  window.vegaEmbed = function() {
    var args = arguments;
    return window.sxModules[NAME].then(function(){ return window.vegaEmbed.apply(null, args); });
  };
}
"""


def vega_libraries(bundle: str, versions: dict[str, str] | None = None) -> str:
    """Return the ``<script>`` elements that carry Vega, Vega-Lite and vega-embed
    (vl-convert's bundle, wrapped in a function: it declares top-level constants), packed
    by :func:`packed_library` as ``window.sxModules.vega``: once inflated, they are page
    globals, and :func:`vega_embed` draws its chart then.

    ``versions`` (``vega_version``, ``vegalite_version``, ``vegaembed_version``) goes into
    ``VEGA_DEBUG`` at once, with a ``vegaEmbed`` that waits for the libraries, so that an
    Altair snippet on the same page finds them and loads nothing. Where an AMD loader is
    present the three modules are also defined for it. The same script defines, once per
    page, ``window.sxChart``: how :func:`vega_embed` fits each chart to its column.
    """
    code = (
        f"(function(){{\n{bundle}\n}})();\n"
        "if (typeof define === 'function' && define.amd) {"
        " define('vega', [], function(){ return window.vega; });"
        " define('vega-lite', [], function(){ return window.vegaLite; });"
        " define('vega-embed', [], function(){ return window.vegaEmbed; }); }\n"
    )
    at_once = (  # and, once per page, what fits each chart to its column
        f"var VEGA_DEBUG = {json_for_script(versions or {}, sort_keys=True)};\n"
        f"(function(){{var NAME = {json_for_script(VEGA_LIBRARY)};{_VEGA_STAND_IN}"
        f"{_FIT_TO_COLUMN}window.sxChart = {{fit: fit, scaleDown: scaleDown, label: label,"
        " when: when, draw: draw};})();"
    )
    return packed_library(VEGA_LIBRARY, code.encode("utf-8"), module=False) + script(at_once)


def vega_embed(spec: dict, *, options: dict | None = None, element_id: str | None = None) -> str:
    """Return the HTML of one chart: an element, the spec as a JSON data block, and the call
    that draws it with the page's ``vegaEmbed``, fitted to the column by the page's
    ``sxChart`` (both from :func:`vega_libraries`).

    The spec is never parsed as code: it is read with ``JSON.parse`` from a
    ``<script type="application/json">`` element. Should the chart fail to draw, the element
    says so instead of staying blank.

    >>> html = vega_embed({"mark": "bar", "title": "</script><b>"}, element_id="c1")
    >>> html.count("<script"), "</script><b>" in html
    (2, False)
    """
    element_id = element_id or new_element_id(VEGA_ELEMENT_PREFIX)
    if not re.fullmatch(r"[A-Za-z][\w-]*", element_id):
        raise ValueError(
            f"element id {element_id!r}: expected a letter, then letters, digits, - or _"
        )
    opts = json_for_script(EMBED_OPTIONS if options is None else options, sort_keys=True)
    call = (
        "(function(){"
        f"var el = document.getElementById({json_for_script(element_id)});"
        "var kit = window.sxChart;"
        "function go(){"
        f"var spec = JSON.parse(document.getElementById({json_for_script(element_id + '-spec')})"
        ".textContent);"
        # A page may carry the libraries at its end, after its text and pictures: until it
        # is parsed, wait for it.
        "var parsed = document.readyState !== 'loading' ? Promise.resolve()"
        " : new Promise(function(r){ document.addEventListener('DOMContentLoaded', r); });"
        "return parsed.then(function(){"
        f"return (window.sxModules || {{}})[{json_for_script(VEGA_LIBRARY)}]; }})"
        ".then(function(){"
        "if (typeof window.vegaEmbed !== 'function' || !kit) {"
        " if (el.querySelector('.sx-static')) return;"  # the static picture stays
        " el.textContent = 'Chart not drawn: the Vega libraries are missing from this page'"
        " + (window.DecompressionStream ? '.' : ' (this browser cannot unpack them).');"
        " return; }"
        f"return kit.draw(el, spec, {opts});"
        "}).catch(function(e){ if (!el.querySelector('.sx-static'))"
        " el.textContent = 'Chart not drawn: ' + e; console.error(e); });"
        "}"
        "if (kit && kit.when) kit.when(el, go); else go();"
        "})();"
    )
    return (
        f'<div class="sx-chart" id="{element_id}"></div>'
        + script(
            json_for_script(vega_safe(spec), sort_keys=True),
            type="application/json",
            id=element_id + "-spec",
        )
        + script(call)
    )
