"""``reports/index.html``: every report with its title, summary and key figures, in both
languages, as one small offline page."""

from __future__ import annotations

import hashlib
import html as _html
import json
from pathlib import Path

from ..atomic import atomic_write
from . import langswitch
from .runner import CACHE_DIR, Notebook, Task

INDEX_KEY = ".index-key"

_CSS = """
body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", "PingFang SC",
  "Microsoft YaHei", system-ui, sans-serif; max-width: 1040px; margin: 0 auto;
  padding: 24px; color: #1b1b1b; line-height: 1.6; }
h1 { font-size: 28px; margin-bottom: 4px; } .lede { color: #555; margin-top: 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 16px; }
.card { border: 1px solid #e2e2e2; border-radius: 6px; padding: 14px 16px; }
.card h2 { font-size: 17px; margin: 0 0 2px; } .card h3 { font-size: 13px; color: #666;
  margin: 0 0 8px; font-weight: normal; }
.card p { font-size: 14px; margin: 6px 0; } .figs { list-style: none; padding: 0; margin: 8px 0; }
.figs li { font-size: 13px; margin: 2px 0; } .figs b { color: #1f4e79; font-size: 15px; }
.links a { margin-right: 12px; color: #1f4e79; } .missing { color: #767676; }
footer { margin-top: 32px; font-size: 12px; color: #666; }
.switch { display: flex; justify-content: flex-end; gap: 6px; }
.switch button { font: inherit; font-size: 14px; padding: 4px 12px; border: 1px solid #1f4e79;
  background: white; color: #1f4e79; border-radius: 4px; cursor: pointer; }
.switch button[aria-pressed="true"] { background: #1f4e79; color: white; }
.switch button:focus-visible, a:focus-visible { outline: 3px solid #e9a23b; outline-offset: 2px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
@media (max-width: 600px) { body { padding: 14px; } .grid { grid-template-columns: 1fr; } }
"""


def _key_figures(nb: Notebook, lang: str) -> list[tuple[str, str, str]]:
    from .. import datasets, story

    facts = datasets.facts(lang).set_index("fact_id")
    out = []
    for fid in nb.meta.get("key_facts", []):
        if fid in facts.index:
            row = facts.loc[fid]
            label = f"{row['indicator']} · {row['entity']}"
            when = story.period_text(row["period"], lang)
            if row["kind"] != "actual":  # a target or estimate says so: (2025 · target)
                when = " · ".join(filter(None, [when, str(row["kind_label"])]))
            out.append((label, story.figure(fid, lang), when))
    return out


def _text(nb: Notebook, field: str, lang: str) -> str:
    value = nb.meta.get(field, {})
    return value.get(lang, "") if isinstance(value, dict) else str(value or "")


_WORDS = {
    "zh": {
        "title": "山西资源型经济转型",
        "lede": "每个数字都可追溯到原文句子。",
        "read": "阅读报告",
        "missing": "未生成",
        "footer": "shanxi-analysis · 离线可读",
        "figures": "关键数字",
    },
    "en": {
        "title": "Shanxi's transformation away from coal",
        "lede": "Every figure traces to the sentence it came from.",
        "read": "Read the report",
        "missing": "not built",
        "footer": "shanxi-analysis · works offline",
        "figures": "Key figures",
    },
}


def render(notebooks: list[Notebook], tasks: list[Task], out: Path) -> str:
    """Return the index page: one section per language, each listing every theme once with
    its title, summary and key figures. The page opens in the reader's language (the last
    one chosen, else the browser's) and switches with one control; without JavaScript both
    sections show."""
    # Here, not at the top: a build with nothing to do never loads the page machinery
    # (Altair and its JSON-schema validators take seconds to import).
    from .html import FAVICON, trust_line

    e = _html.escape
    present = {(t.notebook.stem, t.lang): t.output.is_file() for t in tasks}
    sections = []
    for lang in ("zh", "en"):
        w = _WORDS[lang]
        cards = []
        for nb in notebooks:
            title = _text(nb, "title", lang) or nb.stem
            figs = "".join(
                f"<li><b>{e(v)}</b> {e(label)}{f' ({e(p)})' if p else ''}</li>"
                for label, v, p in _key_figures(nb, lang)
            )
            exists = present.get((nb.stem, lang), (out / lang / f"{nb.page}.html").is_file())
            link = (
                f'<a href="{lang}/{e(nb.page)}.html">{w["read"]}<span class="sr"> · '
                f"{e(title)}</span></a>"
                if exists
                else f'<span class="missing">{w["missing"]}</span>'
            )
            cards.append(
                f'<article class="card"><h2>{e(title)}</h2>'
                f"<p>{e(_text(nb, 'summary', lang))}</p>"
                f'<ul class="figs" aria-label="{w["figures"]}">{figs}</ul>'
                f'<div class="links">{link}</div></article>'
            )
        sections.append(
            f'<section lang="{lang}" data-sx-lang="{lang}"><h1>{w["title"]}</h1>'
            f'<p class="lede">{w["lede"]}</p><div class="grid">{"".join(cards)}</div>'
            f"<footer>{w['footer']}<br>{e(trust_line(lang))}</footer></section>"
        )
    switch = (
        '<nav class="switch" aria-label="语言 / Language">'
        '<button type="button" data-sx-set="zh" lang="zh">中文</button>'
        '<button type="button" data-sx-set="en" lang="en">English</button></nav>'
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>山西转型报告 · Shanxi transformation reports</title>"
        f'<meta name="description" content="{e(_WORDS["en"]["lede"])} {e(_WORDS["zh"]["lede"])}">'
        f"{FAVICON}"
        f"<style>{_CSS}</style></head><body>{switch}<main>{''.join(sections)}</main>"
        f"{langswitch.script()}</body></html>\n"
    )


def write(notebooks: list[Notebook], tasks: list[Task], out: Path) -> bool:
    """Write ``OUT/index.html`` unless it is current; return whether it was written."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(langswitch.script().encode())
    h.update(
        json.dumps(
            sorted((t.output.name, t.lang, t.key, t.output.is_file()) for t in tasks)
        ).encode()
    )
    for nb in notebooks:
        h.update(json.dumps(nb.meta, sort_keys=True).encode())
    key = h.hexdigest()
    marker = out / CACHE_DIR / INDEX_KEY
    index = out / "index.html"
    if index.is_file() and marker.is_file() and marker.read_text() == key:
        return False
    atomic_write(index, render(notebooks, tasks, out).encode("utf-8"))
    atomic_write(marker, key.encode())
    return True
