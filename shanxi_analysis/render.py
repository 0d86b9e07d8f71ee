"""Write a chart to ``.html`` (self-contained, offline), ``.svg`` or ``.png`` through vl-convert,
with a CJK font so that Chinese never turns into boxes.

Charts only describe; this module writes files (``charts.save`` and ``charts.to_svg`` are
these functions). Specs are themed here, so a saved chart looks the same whether or not
:func:`shanxi_analysis.charts.use_theme` was called."""

from __future__ import annotations

import hashlib
import html
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

import altair as alt
import vl_convert as vlc

from . import htmlsafe, vegabundle
from .atomic import atomic_write

FONT_ENV = "SHANXI_ANALYSIS_FONT_DIR"
_FONT_PATTERNS = ("wqy-microhei*", "wqy-zenhei*", "NotoSansCJK*", "NotoSansSC*", "SourceHanSans*")
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
VL_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])


class MissingGlyphError(RuntimeError):
    """The chart has characters that no available font can draw."""


def _font_files() -> list[Path]:
    dirs = [os.environ[FONT_ENV]] if os.environ.get(FONT_ENV) else []
    dirs += [os.path.expanduser(d) for d in _FONT_DIRS]
    found: list[Path] = []
    for d in dirs:
        root = Path(d)
        if root.is_dir():
            for pattern in _FONT_PATTERNS:
                found += sorted(root.rglob(pattern))
    return found


def cjk_font() -> tuple[Path, frozenset[int]]:
    """Return the CJK font file used for rendering and the code points it covers.

    Raises :class:`MissingGlyphError` with install instructions when there is none.
    """
    found = _cjk_font()
    if _draws_here() and _FONT_REGISTERED[:1] != [os.getpid()]:
        vlc.register_font_directory(str(found[0].parent))
        _FONT_REGISTERED[:] = [os.getpid()]
    return found


_FONT_REGISTERED: list[int] = []
"""The process in which vl-convert was told where the font is."""


@lru_cache(maxsize=1)
def _cjk_font() -> tuple[Path, frozenset[int]]:
    """The font and its code points, read once (a process forked later inherits them)."""
    from fontTools.ttLib import TTCollection, TTFont

    for path in _font_files():
        try:
            fonts = (
                TTCollection(str(path)).fonts
                if path.suffix.lower() == ".ttc"
                else [TTFont(str(path))]
            )
        except Exception:  # a broken font file is skipped, the next one may do
            continue
        cmap: set[int] = set()
        for font in fonts:
            cmap |= set(font.getBestCmap() or {})
        if ord("煤") in cmap:
            return path, frozenset(cmap)
    raise MissingGlyphError(
        "no CJK font found (looked for WenQuanYi Micro Hei, Noto Sans CJK or Source Han Sans "
        f"in ${FONT_ENV} and {', '.join(_FONT_DIRS)}); install one, e.g. "
        "'apt-get install fonts-wqy-microhei', or point $" + FONT_ENV + " at a folder with one"
    )


# vl-convert runs a JavaScript engine on threads of its own, started by its first call. A
# forked process has none of them, so a call there waits forever: a process forked from one
# that has called vl-convert (a report's worker, a test worker that drew a chart first) draws
# through a helper process of its own instead.
_VLC_PID: list[int] = []
_HELPER: dict[int, subprocess.Popen] = {}
_HELPER_CODE = """
import json, signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is its parent's to handle; EOF ends it
import vl_convert as vlc
if sys.argv[1]:
    vlc.register_font_directory(sys.argv[1])
for line in sys.stdin:
    req = json.loads(line)
    try:
        out = {"svg": vlc.vegalite_to_svg(req["spec"], vl_version=req["vl_version"])}
    except Exception as exc:
        out = {"error": type(exc).__name__ + ": " + str(exc)}
    sys.stdout.write(json.dumps(out) + chr(10))
    sys.stdout.flush()
"""


def _vlc_here() -> bool:
    """Whether vl-convert may be called in this process (see above); the first caller owns it."""
    if not _VLC_PID:
        _VLC_PID.append(os.getpid())
    return _VLC_PID[0] == os.getpid()


def start_helper() -> subprocess.Popen:
    """Start a helper process that draws SVGs with vl-convert for this process or for the
    processes forked from it (see :func:`adopt_helper`); it ends when its input is closed.
    Its JavaScript engine starts at once, while the caller goes on."""
    helper = subprocess.Popen(
        [sys.executable, "-c", _HELPER_CODE, str(_cjk_font()[0].parent)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert helper.stdin is not None
    helper.stdin.write(json.dumps({"spec": _WARM_UP_SPEC, "vl_version": VL_VERSION}) + "\n")
    helper.stdin.flush()
    helper.sx_warming = True  # its first answer (to the warm-up drawing) is not anyone's
    helper.sx_parent = os.getpid()  # only this process can tell (poll) whether it runs
    return helper


_WARM_UP_SPEC = {"mark": "point", "data": {"values": [{"a": 1}]}}


def helper_ready(helper: subprocess.Popen) -> subprocess.Popen:
    """Wait until ``helper`` has drawn its warm-up chart, so that it answers only what it is
    asked next; return it. Call it before handing the helper to a forked process."""
    if getattr(helper, "sx_warming", False):
        assert helper.stdout is not None
        if not helper.stdout.readline():
            raise RuntimeError("the vl-convert helper process ended as it started")
        helper.sx_warming = False
    return helper


def adopt_helper(helper: subprocess.Popen) -> None:
    """Draw through ``helper`` (from :func:`start_helper` and :func:`helper_ready`, in the
    parent) in this process: a forked report worker then pays no JavaScript engine start of
    its own. The helper must serve one process at a time."""
    _HELPER.clear()
    _HELPER[os.getpid()] = helper


def _draws_here() -> bool:
    """Whether this process calls vl-convert itself rather than a helper."""
    return os.getpid() not in _HELPER and _vlc_here()


def _svg_by_helper(spec: dict) -> str:
    helper = _HELPER.get(os.getpid())
    ours = helper is not None and getattr(helper, "sx_parent", None) == os.getpid()
    if helper is None or (ours and helper.poll() is not None):
        helper = start_helper()
        _HELPER.clear()  # a helper inherited from the parent is the parent's, not ours
        _HELPER[os.getpid()] = helper
    helper_ready(helper)
    assert helper.stdin is not None and helper.stdout is not None
    helper.stdin.write(json.dumps({"spec": spec, "vl_version": VL_VERSION}) + "\n")
    helper.stdin.flush()
    line = helper.stdout.readline()
    if not line:
        raise RuntimeError("the vl-convert helper process ended without an answer")
    out = json.loads(line)
    if "error" in out:
        raise ValueError(out["error"])
    return out["svg"]


def _spec(chart: alt.TopLevelMixin | dict) -> dict:
    from .charts import theme_config  # charts re-exports this module's functions

    spec = chart if isinstance(chart, dict) else chart.to_dict()
    config = theme_config()
    config.update(spec.get("config", {}))
    return htmlsafe.vega_safe({**spec, "config": config})


def svg_text(svg: str) -> str:
    """Return all the text an SVG draws."""
    root = ET.fromstring(svg)
    return "".join(
        "".join(el.itertext()) for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "text"
    )


def missing_glyphs(text: str) -> list[str]:
    """Return the characters of ``text`` that the CJK font cannot draw."""
    _, cmap = cjk_font()
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in cmap})


def to_svg(chart: alt.TopLevelMixin | dict, *, check_glyphs: bool = True) -> str:
    """Return the chart as SVG, after checking every character it draws has a glyph."""
    svg = _draw(_spec(chart))
    if check_glyphs:
        missing = missing_glyphs(svg_text(svg))
        if missing:
            raise MissingGlyphError(
                f"the chart draws characters the font {cjk_font()[0].name} lacks: "
                + " ".join(f"{c!r} (U+{ord(c):04X})" for c in missing)
            )
    return svg


def _draw(spec: dict) -> str:
    """SVG of a themed spec (:func:`_spec`): here, or by the helper process."""
    cjk_font()
    if _draws_here():
        return vlc.vegalite_to_svg(spec, vl_version=VL_VERSION)
    return _svg_by_helper(spec)


SVG_CACHE_LIMIT = 4000
"""Pictures kept in the cache folder; past this, the older half is removed."""


def cached_svg(spec: dict) -> str:
    """Return :func:`to_svg` of ``spec`` (glyphs unchecked) from the cache folder
    (:func:`paths.cache_dir`, ``svg/``) when the same spec was drawn before with the same
    vl-convert, Vega-Lite and font; else draw it and keep it there, after the SHA-256 of the
    picture: one that no longer has it (cut short, edited) is drawn again. A cache that
    cannot be written costs only time.
    """
    from . import paths

    font = _cjk_font()[0]
    try:
        st = font.stat()
        font_key = f"{font}:{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        font_key = str(font)
    themed = _spec(spec)
    key = hashlib.sha256(
        "\n".join(
            (vlc_version(), VL_VERSION, font_key, htmlsafe.json_for_script(themed, sort_keys=True))
        ).encode("utf-8")
    ).hexdigest()
    folder = paths.cache_dir() / "svg"
    file = folder / key[:2] / f"{key}.svg"
    try:
        recorded, _, svg = file.read_text(encoding="utf-8").partition("\n")
        if recorded == hashlib.sha256(svg.encode("utf-8")).hexdigest():
            return svg
    except (OSError, UnicodeDecodeError):
        pass
    svg = _draw(themed)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(svg.encode("utf-8")).hexdigest()
        atomic_write(file, f"{digest}\n{svg}".encode())
        _prune(folder)
    except OSError:
        pass
    return svg


def _prune(folder: Path) -> None:
    """Keep at most :data:`SVG_CACHE_LIMIT` pictures (checked once in 200 writes)."""
    _PRUNE[0] += 1
    if _PRUNE[0] % 200:
        return
    files = sorted(folder.glob("*/*.svg"), key=lambda f: f.stat().st_mtime_ns)
    for old in files[: len(files) - SVG_CACHE_LIMIT // 2] if len(files) > SVG_CACHE_LIMIT else []:
        old.unlink(missing_ok=True)


_PRUNE = [0]


@lru_cache(maxsize=1)
def vlc_version() -> str:
    """The installed vl-convert's version (part of a cached picture's key)."""
    from importlib import metadata

    return metadata.version("vl-convert-python")


def save(
    chart: alt.TopLevelMixin | dict,
    path: str | Path,
    *,
    scale: float = 2.0,
    check_glyphs: bool = True,
) -> Path:
    """Write ``chart`` to ``path`` and return the path; the suffix picks the format.

    ``.html``: one self-contained page with Vega, Vega-Lite and vega-embed inlined; it
    loads nothing from the network. ``.svg`` and ``.png``: rendered by vl-convert with a CJK
    font; every character drawn must have a glyph, or :class:`MissingGlyphError` is raised
    before anything is written. The file is replaced atomically, so a failed save never
    leaves a half-written file or destroys the previous one.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".html", ".svg", ".png"):
        raise ValueError(
            f"{path}: unknown chart format {suffix or '(none)'!r}; expected .html, .svg or .png"
        )
    svg = to_svg(chart, check_glyphs=check_glyphs)  # also validates the spec
    if suffix == ".svg":
        data = svg.encode("utf-8")
    elif suffix == ".png":
        _vlc_here()
        data = bytes(vlc.vegalite_to_png(_spec(chart), vl_version=VL_VERSION, scale=scale))
    else:
        data = chart_page(_spec(chart)).encode("utf-8")
    atomic_write(path, data)
    return path


def chart_page(spec: dict) -> str:
    """Return one self-contained HTML page that draws ``spec`` offline, its ``<title>`` the
    chart's title (its description when the title is an expression that follows the chart's
    sliders); the spec enters the page only through :mod:`shanxi_analysis.htmlsafe`."""
    title = spec.get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else title
    if isinstance(text, list):
        text = " ".join(map(str, text))
    if not isinstance(text, str):  # {"expr": ...}: computed in the page
        text = str(spec.get("description", ""))
        text = text if len(text) <= 90 else text[:89] + "…"
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(str(text or 'Chart'))}</title>"
        + htmlsafe.vega_libraries(vegabundle.text())
        + "</head><body>"
        + htmlsafe.vega_embed(spec)
        + "</body></html>\n"
    )
