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

from . import charts, checks, datasets, htmlsafe, jupyter, story

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


def quoted(text: str) -> str:
    """Return ``text`` in quotation marks; marks inside it become single ones, so a quote
    that opens with its own “ is not shown with two.

    >>> quoted("“十三五”期间累计化解")
    '“‘十三五’期间累计化解”'
    """
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


REPORT_RENDERER = "shanxi-report"


def _report_renderer(spec: dict, **_metadata: Any) -> dict:
    """Altair renderer for the reports: the chart alone, put into the page through
    :mod:`shanxi_analysis.htmlsafe`; the page defines the Vega libraries once
    (:func:`shanxi_analysis.report.html.vega_bootstrap`)."""
    return {"text/html": htmlsafe.vega_embed(spec)}


alt.renderers.register(REPORT_RENDERER, _report_renderer)


def use_renderer(interactive: bool) -> None:
    """Pick how Altair charts display. In JupyterLab (``interactive``): as Vega specs that
    JupyterLab draws itself, offline and untrusted (:mod:`shanxi_analysis.jupyter`). In a
    report: the spec alone, escaped, since the report page supplies Vega once."""
    if interactive:
        jupyter.use_offline_renderer()
    else:
        alt.renderers.enable(REPORT_RENDERER)


class Page:
    """One notebook's page: its theme, language and the facts it has used so far."""

    def __init__(self, theme: str, *, lang: str = "zh", interactive: bool = True) -> None:
        check_parameters(lang, interactive)
        if theme not in datasets.THEMES:
            raise ValueError(f"theme must be one of {', '.join(datasets.THEMES)}, got {theme!r}")
        self.theme, self.lang, self.interactive = theme, lang, interactive
        self.used: list[str] = []
        self._switch: Any = None
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
        _display(_markdown("# " + htmlsafe.markdown_text(self.tr(zh, en))))

    # ---------------------------------------------------------------- charts

    def show(self, chart: alt.TopLevelMixin | Any) -> alt.TopLevelMixin | Any:
        """Record the facts a chart (or a widget's ``chart``) plots and return it for display."""
        spec = getattr(chart, "chart", chart)
        ids: list[str] = []
        # Displaying the chart validates it; reading its data needs no second validation.
        for rows in (spec.to_dict(validate=False).get("datasets") or {}).values():
            ids += [r["fact_id"] for r in rows if isinstance(r, dict) and "fact_id" in r]
        self._use(list(dict.fromkeys(ids)))
        return chart

    @property
    def switch(self) -> Any:
        """The page's one language switch for its widgets (shown above the first of them)."""
        if self._switch is None:
            from . import widgets

            self._switch = widgets.language_switch(self.lang)
            _display(widgets.LanguageBar(self._switch))
        return self._switch

    def loan_calculator(self) -> alt.TopLevelMixin | Any:
        """Return the loan-savings calculator: in JupyterLab the widget (Python sliders that
        redraw the chart), in a report the chart with its own Vega sliders."""
        if not self.interactive:
            return charts.loan_savings_calculator(lang=self.lang)
        from . import widgets

        return widgets.LoanCalculator(self.switch)

    def explore(self) -> None:
        """Interactive mode: the indicator explorer and the fact browser of the theme.
        Batch mode: the same facts as a table a reader searches, filters, sorts and pages
        through in the page itself (:func:`shanxi_analysis.facttable.fact_table`)."""
        theme = None if self.theme == "overview" else self.theme  # the overview shows all
        facts = datasets.facts(self.lang, theme=theme)
        _display(_markdown("## " + self.tr("探索数据", "Explore the data")))
        if self.interactive:
            from . import widgets

            switch = self.switch
            _display(widgets.IndicatorExplorer(switch, theme=theme))
            _display(widgets.FactBrowser(switch, theme=theme))
            return
        from . import facttable

        self._use(facts["fact_id"].tolist())  # each row links to its entry under Sources
        _display(facttable.fact_table(facts, lang=self.lang))

    def indicators(self) -> None:
        """Display every indicator with data, grouped by theme: its name, definition, the
        chart that fits its facts (trend, comparison, or a key-figure card), each fact with
        its quote and a link to its source entry, and whether sources agree where two give
        the same figure. In a report, words and a theme filter the list with no kernel."""
        from IPython.display import HTML

        from . import catalogue, formatting

        e = html.escape
        sections = []  # JupyterLab: one widget filters them (it shows few outputs of a cell)
        if not self.interactive:
            _display(HTML(catalogue.filter_html(self.lang)))
        heading = None
        for entry in catalogue.entries(self.lang):
            if entry.theme != heading and not self.interactive:
                names = datasets.THEMES.get(entry.theme, (entry.theme, entry.theme))
                _display(_markdown("## " + htmlsafe.markdown_text(self.tr(*names))))
            heading = entry.theme
            self._use(entry.facts["fact_id"].tolist())
            chart = catalogue.chart(entry, self.lang)
            parts = [f'<h3 id="indicator-{e(entry.indicator_id)}">{e(entry.name)}</h3>']
            if entry.definition:
                parts.append(f'<p class="sx-definition">{e(entry.definition)}</p>')
            if chart is not None and not self.interactive:
                parts.append(htmlsafe.vega_embed(chart.to_dict()))
            elif chart is None:  # a key-figure card for each of its figures
                cards = []
                for row in entry.facts.to_dict("records"):
                    when = formatting.period(row["period"], self.lang)
                    cards.append(
                        f'<p class="sx-card"><b>{e(formatting.fact_figure(row, self.lang, "card"))}'
                        f"</b><span>{e(str(row['entity']))}{f' · {e(when)}' if when else ''}"
                        "</span></p>"
                    )
                parts.append(f'<div class="sx-cards">{"".join(cards)}</div>')
            items = []
            for r in entry.facts.itertuples():
                quote = r.quote if self.lang == "zh" else r.quote_en
                where = [str(r.entity), formatting.period(r.period, self.lang)]
                what = (
                    [formatting.fact_figure(r._asdict(), self.lang, "prose")]
                    if chart is not None
                    else []
                )  # a card already shows the figure
                items.append(
                    f"<li>{e(' · '.join(x for x in [*what, *where] if x))}{self.tr('：', ': ')}"
                    f'{e(quoted(quote))} <a href="#fact-{e(r.fact_id)}">'
                    f"{self.tr('出处', 'source')}</a></li>"
                )
            parts.append(f'<ul class="sx-indicator-facts">{"".join(items)}</ul>')
            parts.append(self._pairs_html(entry.pairs))
            searchable = " ".join(
                [
                    entry.name,
                    entry.definition,
                    entry.indicator_id,
                    *entry.facts["entity"].astype(str),
                    *entry.facts["quote"],
                    *entry.facts["quote_en"],
                ]
            ).lower()
            section = (
                f'<section class="sx-indicator" data-theme="{e(entry.theme)}" '
                f'data-text="{e(searchable)}">{"".join(parts)}</section>'
            )
            if self.interactive:
                sections.append((entry.theme, searchable, section, chart))
            else:
                _display(HTML(section))
        if self.interactive:
            from . import widgets

            _display(widgets.IndicatorList(sections, self.lang))

    # ---------------------------------------------------------------- checks and sources

    def checks_table(self) -> pd.DataFrame:
        """Return the consistency rules of this page's theme with their results."""
        # The overview page reports every rule; a theme page the rules of its theme.
        df = checks.run(self.lang, theme=None if self.theme == "overview" else self.theme)
        for ids in df["fact_ids"]:
            self._use(list(ids))
        return df

    def _pairs_html(self, pairs: pd.DataFrame) -> str:
        """Return one line per pair of facts from two sources with the same indicator, entity
        and period: whether they agree, with both quotes and their sources."""
        e = html.escape
        lines = []
        for p in pairs.itertuples():
            self._use([p.fact_a, p.fact_b])
            verdict = self.tr(
                "两个来源一致" if p.status == "agree" else "两个来源不一致",
                "The sources agree" if p.status == "agree" else "The sources disagree",
            )
            lines.append(
                f'<p class="sx-pair sx-{e(p.status)}">{verdict} ({e(str(p.period))}): '
                f'{e(quoted(p.quote_a))} (<a href="#fact-{e(p.fact_a)}">{e(p.source_a)}</a>)'
                f' · {e(quoted(p.quote_b))} (<a href="#fact-{e(p.fact_b)}">{e(p.source_b)}</a>)'
                "</p>"
            )
        return "".join(lines)

    def checks(self) -> None:
        """Display the consistency rules of the theme, with pass/fail and explanation, and
        every figure that two sources give for the same indicator, entity and period, with
        whether they agree."""
        from IPython.display import HTML

        from . import compare

        df = self.checks_table()
        _display(_markdown("## " + self.tr("一致性检查", "Consistency checks")))
        pairs = compare.compare()
        if self.theme != "overview":
            mine = set(datasets.facts(theme=self.theme)["indicator_id"])
            pairs = pairs[pairs["indicator_id"].isin(mine)]
        if not pairs.empty:
            _display(HTML(self._pairs_html(pairs)))
        if df.empty:
            if pairs.empty:
                _display(
                    _markdown(
                        self.tr(
                            "本主题没有一致性规则。", "No consistency rule concerns this theme."
                        )
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
            "<th>通过</th><th>规则</th><th>结果</th>", "<th>Passed</th><th>Rule</th><th>Result</th>"
        )
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
                quote = e(quoted(r.quote))
                if self.lang == "en":
                    quote = f'{e(quoted(r.quote_en))} <span lang="zh">({e(r.quote)})</span>'
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
