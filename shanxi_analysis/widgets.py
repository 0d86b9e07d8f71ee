"""ipywidgets for exploring the data in JupyterLab: a searchable fact browser, an indicator
explorer and the loan-savings calculator.

Each is a ``VBox`` (display it) whose logic is plain Python: set a control's ``value`` and
read ``results()``, ``chart`` or ``saving``, which is how the tests drive them.
"""

from __future__ import annotations

import html

import altair as alt
import ipywidgets as w
import pandas as pd

from . import charts, datasets, metrics, notebook, story

_LANG_OPTIONS = [("中文", "zh"), ("English", "en")]


def _tr(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


class FactBrowser(w.VBox):
    """Search the facts by words (in the quote, translation, indicator or entity), theme,
    source and kind; the table shows each match with its quote and citation."""

    def __init__(self, lang: str = "zh", *, theme: str | None = None, limit: int = 40) -> None:
        datasets._check_lang(lang)
        self.limit = limit
        self.lang = w.ToggleButtons(options=_LANG_OPTIONS, value=lang, description="")
        self.search = w.Text(value="", continuous_update=False)
        self.theme = w.Dropdown()
        self.source = w.Dropdown()
        self.kind = w.Dropdown()
        self.count = w.HTML()
        self.table = w.HTML()
        self._relabel(theme=theme)
        for control in (self.search, self.theme, self.source, self.kind):
            control.observe(self._refresh, names="value")
        self.lang.observe(self._on_lang, names="value")
        super().__init__(
            [
                self.lang,
                w.HBox([self.search, self.theme]),
                w.HBox([self.source, self.kind]),
                self.count,
                self.table,
            ]
        )
        self._refresh()

    def _relabel(self, theme: str | None = None) -> None:
        lang = self.lang.value
        li = 0 if lang == "zh" else 1
        everything = _tr(lang, "全部", "All")
        self.search.description = _tr(lang, "搜索", "Search")
        self.search.placeholder = _tr(lang, "例如：煤矿、外资、开发区", "e.g. coal, foreign, zone")
        current = theme if theme is not None else self.theme.value
        self.theme.description = _tr(lang, "主题", "Theme")
        self.theme.options = [(everything, None)] + [(v[li], k) for k, v in datasets.THEMES.items()]
        self.theme.value = current if current in datasets.THEMES else None
        reg = datasets.sources(lang)
        src = self.source.value
        self.source.description = _tr(lang, "来源", "Source")
        pairs = list(zip(reg["title"], reg["source_id"], strict=True))
        self.source.options = [(everything, None), *pairs]
        self.source.value = src if src in set(reg["source_id"]) else None
        kind = self.kind.value
        self.kind.description = _tr(lang, "类型", "Kind")
        self.kind.options = [(everything, None)] + [
            (v[li], k) for k, v in datasets.KIND_LABELS.items()
        ]
        self.kind.value = kind if kind in datasets.KIND_LABELS else None

    def _on_lang(self, _change=None) -> None:
        self._relabel()
        self._refresh()

    def results(self) -> pd.DataFrame:
        """Return the facts that match the current controls."""
        lang = self.lang.value
        df = datasets.facts(lang)
        if self.theme.value:
            df = df[df["theme"] == self.theme.value]
        if self.source.value:
            df = df[df["source_id"] == self.source.value]
        if self.kind.value:
            df = df[df["kind"] == self.kind.value]
        words = self.search.value.strip().lower().split()
        if words:
            haystack = (
                df["quote"]
                + " "
                + df["quote_en"].str.lower()
                + " "
                + df["indicator"].str.lower()
                + " "
                + df["entity"].str.lower()
                + " "
                + df["fact_id"]
            )
            for word in words:
                df = df[haystack.loc[df.index].str.contains(word, regex=False)]
        return df.reset_index(drop=True)

    def _refresh(self, _change=None) -> None:
        lang = self.lang.value
        df = self.results()
        self.count.value = _tr(lang, f"<b>{len(df)}</b> 条事实", f"<b>{len(df)}</b> facts")
        self.table.value = notebook.facts_html(df, lang, limit=self.limit)


class IndicatorExplorer(w.VBox):
    """Pick an indicator (and entity): see its facts as a chart with quotes and citations."""

    def __init__(self, lang: str = "zh", *, theme: str | None = None) -> None:
        datasets._check_lang(lang)
        self._theme = theme
        self.lang = w.ToggleButtons(options=_LANG_OPTIONS, value=lang)
        self.indicator = w.Dropdown()
        self.output = w.Output()
        self.citations = w.HTML()
        self.chart: alt.TopLevelMixin | None = None
        self._relabel()
        self.indicator.observe(self._refresh, names="value")
        self.lang.observe(self._on_lang, names="value")
        super().__init__([self.lang, self.indicator, self.output, self.citations])
        self._refresh()

    def _facts(self) -> pd.DataFrame:
        df = datasets.facts(self.lang.value)
        return df[df["theme"] == self._theme] if self._theme else df

    def _relabel(self) -> None:
        lang = self.lang.value
        df = self._facts()
        options = list(dict.fromkeys(zip(df["indicator"], df["indicator_id"], strict=True)))
        current = self.indicator.value
        self.indicator.description = _tr(lang, "指标", "Indicator")
        self.indicator.options = options
        ids = [v for _, v in options]
        self.indicator.value = current if current in ids else (ids[0] if ids else None)

    def _on_lang(self, _change=None) -> None:
        self._relabel()
        self._refresh()

    def build_chart(self) -> alt.Chart:
        """Return the chart of the selected indicator's facts."""
        lang = self.lang.value
        rows = self._facts()
        rows = rows[rows["indicator_id"] == self.indicator.value]
        rows = charts._base.with_plot_columns(rows, lang)
        factor, unit = charts._base.scale_for(rows["base_unit"].iloc[0], rows["base_value"], lang)
        rows = rows.assign(
            shown=rows["base_value"] / factor,
            label=(rows["entity"] + " · " + rows["period"].fillna("").astype(str)).str.strip(" ·"),
        )
        chart = (
            alt.Chart(rows)
            .mark_bar()
            .encode(
                y=alt.Y("label:N", title=None, sort=None),
                x=alt.X(
                    "shown:Q",
                    title=f"{rows['indicator'].iloc[0]}（{unit}）"
                    if lang == "zh"
                    else f"{rows['indicator'].iloc[0]} ({unit})",
                ),
                color=alt.Color("kind_label:N", title=_tr(lang, "类型", "Kind")),
                tooltip=charts._base.fact_tooltip(lang),
            )
            .properties(width=480, height=max(60, 36 * len(rows)))
        )
        return charts._base.finish(
            chart,
            rows["source_id"],
            lang=lang,
            title=str(rows["indicator"].iloc[0]),
            description=_tr(lang, "所选指标的全部事实。", "Every fact of the selected indicator."),
        )

    def _refresh(self, _change=None) -> None:
        if self.indicator.value is None:
            return
        self.chart = self.build_chart()
        self.output.clear_output(wait=True)
        with self.output:
            from IPython.display import display

            display(self.chart)
        ids = [r["fact_id"] for r in self.chart.to_dict()["datasets"].popitem()[1]]
        lines = "".join(
            f"<li>“{html.escape(datasets.cite(f).quote)}” "
            f"<small>{html.escape(datasets.cite(f).text(self.lang.value))}</small></li>"
            for f in ids
        )
        self.citations.value = f"<ol>{lines}</ol>"


class LoanCalculator(w.VBox):
    """The article's loan example as sliders: principal, rate, months saved and phases; the
    result is compared with the figure the article states."""

    def __init__(self, lang: str = "zh") -> None:
        datasets._check_lang(lang)
        self._lang = lang
        principal = datasets.base_value("lw-loan-principal")
        rate = datasets.base_value("lw-loan-benchmark-rate")
        months = datasets.base_value("lw-loan-months-saved")
        self.stated = datasets.base_value("lw-loan-interest-saved")
        self.principal = w.FloatSlider(
            value=principal / 1e8,
            min=0.1,
            max=10,
            step=0.1,
            description=_tr(lang, "贷款（亿元）", "Loan (100m yuan)"),
        )
        self.rate = w.FloatSlider(
            value=rate,
            min=1,
            max=10,
            step=0.05,
            description=_tr(lang, "年利率（%）", "Rate (%/yr)"),
        )
        self.months = w.IntSlider(
            value=int(months), min=1, max=36, description=_tr(lang, "节省月数", "Months saved")
        )
        self.phases = w.IntSlider(
            value=2, min=1, max=5, description=_tr(lang, "工程期数", "Phases")
        )
        self.result = w.HTML()
        for s in (self.principal, self.rate, self.months, self.phases):
            s.style.description_width = "120px"
            s.observe(self._refresh, names="value")
        super().__init__([self.principal, self.rate, self.months, self.phases, self.result])
        self._refresh()

    @property
    def saving(self) -> float:
        """Interest saved per phase, in yuan, for the current sliders."""
        return metrics.simple_interest(
            self.principal.value * 1e8, self.rate.value, self.months.value
        )

    def _refresh(self, _change=None) -> None:
        lang = self._lang
        per, total = self.saving, self.saving * self.phases.value
        stated = story.figure("lw-loan-interest-saved", lang)
        total_stated = story.figure("lw-loan-total-saved", lang)
        if lang == "zh":
            self.result.value = (
                f"每期节省利息 <b>{per / 1e4:,.2f} 万元</b>，{self.phases.value} 期合计 "
                f"<b>{total / 1e4:,.2f} 万元</b>。原文：每期 {stated}，合计 {total_stated}。"
            )
        else:
            self.result.value = (
                f"Interest saved per phase <b>{per / 1e6:,.3f} million yuan</b>; over "
                f"{self.phases.value} phases <b>{total / 1e6:,.3f} million yuan</b>. "
                f"The article: {stated} per phase, {total_stated} in all."
            )
