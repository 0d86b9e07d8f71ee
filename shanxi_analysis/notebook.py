"""Helpers the theme notebooks share: parameter checks, narrative, charts, checks, sources.

A notebook builds one :class:`Page`; every figure it writes comes from the data through
:mod:`shanxi_analysis.story`, every chart it shows is recorded so that the sources section
lists each fact used with its quote.

>>> page = Page("coal_energy", lang="en", interactive=False)
>>> page.text(zh="煤矿减至{fact:lw-coal-mines-2020}。", en="Mines: {fact:lw-coal-mines-2020}.")
'Mines: at most 900.'
>>> page.used
['lw-coal-mines-2020']
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd

from . import charts, checks, datasets, htmlsafe, story

LANGS = datasets.LANGS


def check_parameters(lang: object, interactive: object) -> None:
    """Raise ``ValueError`` naming the allowed values when a notebook parameter is wrong."""
    if lang not in LANGS:
        raise ValueError(f"parameter lang is {lang!r}; allowed values: {', '.join(LANGS)}")
    if not isinstance(interactive, bool):
        raise ValueError(f"parameter interactive is {interactive!r}; allowed values: True, False")


def _display(obj: Any) -> None:
    from IPython.display import display

    display(obj)


def _markdown(text: str) -> Any:
    from IPython.display import Markdown

    return Markdown(text)


def facts_html(df: pd.DataFrame, lang: str, *, limit: int | None = None) -> str:
    """Return an HTML table of facts: indicator and entity, figure and period, quote, id."""
    rows = []
    for r in (df if limit is None else df.head(limit)).itertuples():
        quote = (
            html.escape(r.quote)
            if lang == "zh"
            else f"{html.escape(r.quote_en)}<br><small>{html.escape(r.quote)}</small>"
        )
        rows.append(
            f"<tr><td>{html.escape(str(r.indicator))}<br><small>{html.escape(str(r.entity))}"
            f"</small></td><td><b>{html.escape(story.figure(r.fact_id, lang))}</b><br>"
            f"<small>{html.escape(story.period_text(r.period, lang))}</small></td>"
            f'<td>{quote}</td><td><a href="#fact-{html.escape(r.fact_id)}">'
            f"<code>{html.escape(r.fact_id)}</code></a></td></tr>"
        )
    head = (
        "<th>指标</th><th>数值</th><th>原文</th><th>编号</th>"
        if lang == "zh"
        else "<th>Indicator</th><th>Figure</th><th>Quote</th><th>Id</th>"
    )
    return (
        f'<table class="sx-facts"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


OFFLINE_RENDERER = "shanxi-offline"
REPORT_RENDERER = "shanxi-report"


def _offline_renderer(spec: dict, **_metadata: Any) -> dict:
    """Altair renderer for JupyterLab without a network: each output carries the Vega
    libraries (a page defines them once; later outputs find them)."""
    from .charts.render import vega_bundle

    guard = htmlsafe.script(
        "if (typeof window.vegaEmbed === 'undefined') {"
        f"(function(){{ {htmlsafe.js_for_script(vega_bundle())} }})(); }}"
    )
    return {"text/html": guard + htmlsafe.vega_embed(spec)}


def _report_renderer(spec: dict, **_metadata: Any) -> dict:
    """Altair renderer for the reports: the chart alone; the page defines the Vega
    libraries once (:func:`shanxi_analysis.report.html.vega_bootstrap`)."""
    return {"text/html": htmlsafe.vega_embed(spec)}


alt.renderers.register(OFFLINE_RENDERER, _offline_renderer)
alt.renderers.register(REPORT_RENDERER, _report_renderer)


def use_renderer(interactive: bool) -> None:
    """Pick how Altair charts display: in JupyterLab (``interactive``) each chart carries
    the Vega libraries, since JupyterLab has no network and no Vega-Lite 6 renderer; in a
    report the page supplies them once. Either way the spec enters the page only through
    :mod:`shanxi_analysis.htmlsafe`."""
    alt.renderers.enable(OFFLINE_RENDERER if interactive else REPORT_RENDERER)


class Page:
    """One notebook's page: its theme, language and the facts it has used so far."""

    def __init__(self, theme: str, *, lang: str = "zh", interactive: bool = True) -> None:
        check_parameters(lang, interactive)
        if theme not in datasets.THEMES:
            raise ValueError(f"theme must be one of {', '.join(datasets.THEMES)}, got {theme!r}")
        self.theme, self.lang, self.interactive = theme, lang, interactive
        self.used: list[str] = []
        charts.use_theme()
        use_renderer(interactive)

    # ---------------------------------------------------------------- text

    def tr(self, zh: str, en: str) -> str:
        """Return the text in the page's language."""
        return zh if self.lang == "zh" else en

    def _use(self, ids: list[str]) -> None:
        self.used += [i for i in ids if i not in self.used]

    def text(self, *, zh: str, en: str, escape: Callable[[str], str] | None = None) -> str:
        """Return a narrative template rendered with figures from the data (each value passed
        through ``escape`` when given)."""
        template = self.tr(zh, en)
        self._use(story.fact_ids(template))
        return story.render(template, self.lang, escape=escape)

    def say(self, *, zh: str, en: str) -> None:
        """Display a narrative paragraph (Markdown) in the page's language; values from the
        data are escaped, so a name can never become markup."""
        _display(_markdown(self.text(zh=zh, en=en, escape=htmlsafe.markdown_text)))

    def heading(self, *, zh: str, en: str, level: int = 2) -> None:
        """Display a heading; level-2 headings make the report's table of contents."""
        text = self.text(zh=zh, en=en, escape=htmlsafe.markdown_text)
        _display(_markdown("#" * level + " " + text))

    def title(self) -> None:
        """Display the theme's title as the page heading."""
        zh, en = datasets.THEMES[self.theme]
        _display(_markdown(f"# {self.tr(zh, en)}"))

    # ---------------------------------------------------------------- charts

    def show(self, chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
        """Record the facts a chart plots and return it for display."""
        ids: list[str] = []
        # Displaying the chart validates it; reading its data needs no second validation.
        for rows in (chart.to_dict(validate=False).get("datasets") or {}).values():
            ids += [r["fact_id"] for r in rows if isinstance(r, dict) and "fact_id" in r]
        self._use(list(dict.fromkeys(ids)))
        return chart

    def explore(self) -> None:
        """Interactive mode: the indicator explorer and the fact browser of the theme.
        Batch mode: the same facts as a static table, with no widget output."""
        theme = None if self.theme == "overview" else self.theme  # the overview shows all
        facts = datasets.facts(self.lang, theme=theme)
        _display(_markdown("## " + self.tr("探索数据", "Explore the data")))
        if self.interactive:
            from . import widgets

            _display(widgets.IndicatorExplorer(self.lang, theme=theme))
            _display(widgets.FactBrowser(self.lang, theme=theme))
            return
        from IPython.display import HTML

        self._use(facts["fact_id"].tolist())  # each row links to its entry under Sources
        _display(HTML(facts_html(facts, self.lang)))

    # ---------------------------------------------------------------- checks and sources

    def checks_table(self) -> pd.DataFrame:
        """Return the consistency rules of this page's theme with their results."""
        # The overview page reports every rule; a theme page the rules of its theme.
        df = checks.run(self.lang, theme=None if self.theme == "overview" else self.theme)
        for ids in df["fact_ids"]:
            self._use(list(ids))
        return df

    def checks(self) -> None:
        """Display the consistency rules of the theme, with pass/fail and explanation."""
        df = self.checks_table()
        _display(_markdown("## " + self.tr("一致性检查", "Consistency checks")))
        if df.empty:
            _display(
                _markdown(
                    self.tr("本主题没有一致性规则。", "No consistency rule concerns this theme.")
                )
            )
            return
        mark = {True: "✔", False: "✘"}
        rows = "".join(
            f"<tr><td>{mark[bool(r.passed)]}</td><td><b>{html.escape(r.title)}</b><br>"
            f"<small>{html.escape(r.explanation)}</small></td><td>{html.escape(r.detail)}</td></tr>"
            for r in df.itertuples()
        )
        head = self.tr(
            "<th></th><th>规则</th><th>结果</th>", "<th></th><th>Rule</th><th>Result</th>"
        )
        from IPython.display import HTML

        _display(
            HTML(
                f'<table class="sx-checks"><thead><tr>{head}</tr></thead>'
                f"<tbody>{rows}</tbody></table>"
            )
        )

    def sources_table(self) -> pd.DataFrame:
        """Return every fact this page used, once, with its figure, period, quote,
        translation, source and place in the article."""
        facts = datasets.facts(self.lang).set_index("fact_id")
        rows = []
        for fid in self.used:
            if fid not in facts.index:
                continue
            c = datasets.cite(fid)
            rows.append(
                {
                    "fact_id": fid,
                    "indicator": facts.loc[fid, "indicator"],
                    "entity": facts.loc[fid, "entity"],
                    "figure": story.figure(fid, self.lang),
                    "period": story.period_text(facts.loc[fid, "period"], self.lang),
                    "quote": c.quote,
                    "quote_en": c.quote_en,
                    "source_id": c.source_id,
                    "block_no": c.block_no,
                    "start": c.start,
                    "end": c.end,
                }
            )
        columns = ["fact_id", "indicator", "entity", "figure", "period", "quote", "quote_en"]
        return pd.DataFrame(rows, columns=[*columns, "source_id", "block_no", "start", "end"])

    def sources(self) -> None:
        """Display the sources section: every fact used, once, grouped by article, each with
        its figure, verbatim quote (and translation on English pages) and place in the
        article. Each entry has the anchor ``fact-<fact_id>`` that charts and tables link to.
        """
        df = self.sources_table()
        _display(_markdown("## " + self.tr("数据来源", "Sources")))
        e = html.escape
        registry = datasets.sources(self.lang).set_index("source_id")
        parts, number = [], 1
        for source_id, group in df.groupby("source_id", sort=False):
            src = registry.loc[source_id]
            parts.append(
                f'<h3 class="sx-article">{e(src["publisher"])}: “{e(src["title"])}”, '
                f'{e(str(src["published"]))}</h3><p class="sx-article-meta"><small>'
                f"{e(src['authors'])} · {e(src['rights'])}</small></p>"
                f'<ol class="sx-sources" start="{number}">'
            )
            for r in group.itertuples():
                quote = f"“{e(r.quote)}”"
                if self.lang == "en":
                    quote = f'“{e(r.quote_en)}” <span lang="zh">({e(r.quote)})</span>'
                where = self.tr(
                    f"第 {r.block_no} 段，字符 {r.start}–{r.end}",
                    f"block {r.block_no}, characters {r.start}–{r.end}",
                )
                period = f" ({e(r.period)})" if r.period else ""
                parts.append(
                    f'<li id="fact-{e(r.fact_id)}"><b>{e(str(r.indicator))}</b> · '
                    f"{e(str(r.entity))}: {e(r.figure)}{period}. {quote} "
                    f"<small>{e(where)} · <code>{e(r.fact_id)}</code></small></li>"
                )
                number += 1
            parts.append("</ol>")
        from IPython.display import HTML

        _display(HTML(f'<div class="sx-sources-section">{"".join(parts)}</div>'))
