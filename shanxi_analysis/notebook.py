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
from typing import Any

import altair as alt
import pandas as pd

from . import charts, checks, datasets, jupyter, story

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


def use_renderer(interactive: bool) -> None:
    """Pick how Altair charts display. In JupyterLab (``interactive``): as Vega specs that
    JupyterLab draws itself, offline and untrusted (:mod:`shanxi_analysis.jupyter`). In a
    report: Altair's default renderer, since the report page supplies Vega once."""
    if interactive:
        jupyter.use_offline_renderer()
    else:
        alt.renderers.enable("default")
        alt.renderers.set_embed_options(**jupyter.EMBED_OPTIONS)


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

    def text(self, *, zh: str, en: str) -> str:
        """Return a narrative template rendered with figures from the data."""
        template = self.tr(zh, en)
        self._use(story.fact_ids(template))
        return story.render(template, self.lang)

    def say(self, *, zh: str, en: str) -> None:
        """Display a narrative paragraph (Markdown) in the page's language."""
        _display(_markdown(self.text(zh=zh, en=en)))

    def heading(self, *, zh: str, en: str, level: int = 2) -> None:
        """Display a heading; level-2 headings make the report's table of contents."""
        _display(_markdown("#" * level + " " + self.text(zh=zh, en=en)))

    def title(self) -> None:
        """Display the theme's title as the page heading."""
        zh, en = datasets.THEMES[self.theme]
        _display(_markdown(f"# {self.tr(zh, en)}"))

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
        Batch mode: the same facts as a static table, with no widget output."""
        from . import widgets

        theme = None if self.theme == "overview" else self.theme  # the overview shows all
        facts = datasets.facts(self.lang, theme=theme)
        _display(_markdown("## " + self.tr("探索数据", "Explore the data")))
        if self.interactive:
            switch = self.switch
            _display(widgets.IndicatorExplorer(switch, theme=theme))
            _display(widgets.FactBrowser(switch, theme=theme))
            return
        from IPython.display import HTML

        _display(HTML(widgets.facts_html(facts, self.lang)))

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
        """Return every fact this page used, with quote, translation and citation."""
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
                    "figure": story.figure(fid, self.lang),
                    "quote": c.quote,
                    "quote_en": c.quote_en,
                    "citation": c.text(self.lang),
                    "reference": c.reference(self.lang),
                }
            )
        return pd.DataFrame(
            rows,
            columns=[
                "fact_id",
                "indicator",
                "figure",
                "quote",
                "quote_en",
                "citation",
                "reference",
            ],
        )

    def sources(self) -> None:
        """Display the sources section: every fact used, with its verbatim quote."""
        df = self.sources_table()
        _display(_markdown("## " + self.tr("数据来源", "Sources")))
        items = []
        for r in df.itertuples():
            quote = quoted(r.quote) if self.lang == "zh" else f"{quoted(r.quote_en)} ({r.quote})"
            items.append(  # each quote once, then where it is
                f"<li><b>{html.escape(str(r.indicator))}</b>: {html.escape(r.figure)}. "
                f"{html.escape(quote)} <small>{html.escape(r.reference)} "
                f"[<code>{html.escape(r.fact_id)}</code>]</small></li>"
            )
        reg = datasets.sources(self.lang)
        refs = "".join(
            f"<li>{html.escape(r.publisher)}: “{html.escape(r.title)}”, {r.published}. "
            f"{html.escape(r.authors)}. <small>{html.escape(r.rights)}</small></li>"
            for r in reg.itertuples()
        )
        from IPython.display import HTML

        _display(
            HTML(
                f'<ol class="sx-sources">{"".join(items)}</ol>'
                f"<p><b>{self.tr('文章', 'Articles')}</b></p><ul>{refs}</ul>"
            )
        )
