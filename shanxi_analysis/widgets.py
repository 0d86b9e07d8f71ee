"""ipywidgets for exploring the data in JupyterLab: a searchable fact browser, an indicator
explorer and the loan-savings calculator.

Each is a ``VBox`` (display it) whose logic is plain Python: set a control's ``value`` and
read ``results()``, ``chart`` or ``saving``, which is how the tests drive them.

- One language switch per page: pass the same :func:`language_switch` to every widget of a
  page (``notebook.Page`` does); a widget given a plain ``"zh"``/``"en"`` shows its own.
- Without a kernel (a saved notebook reopened) a widget cannot be drawn; where it stood the
  reader sees "run this cell to explore" rather than a bare "model not found". After a
  kernel restart the widgets still on screen grey out and say "run this cell again".
"""

from __future__ import annotations

import asyncio
import html
import math
from collections.abc import Callable
from typing import Any

import altair as alt
import ipywidgets as w
import pandas as pd

from . import charts, datasets, derived, facttable, story
from .charts.reform import PARAM_MONTHS, PARAM_PRINCIPAL, PARAM_RATE

_LANG_OPTIONS = [("中文", "zh"), ("English", "en")]
ALL = ""  # the value of "All" in a filter: a real option, so the dropdown shows its label
SEARCH_DELAY = 0.25  # seconds of quiet typing before the browser filters


def _tr(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def language_switch(lang: str = "zh") -> w.ToggleButtons:
    """Return a 中文/English switch; give the same one to every widget of a page."""
    datasets.facts(lang)  # raises the package's message for an unknown language
    return w.ToggleButtons(options=_LANG_OPTIONS, value=lang, description="")


def _switch(lang: str | w.ToggleButtons) -> tuple[w.ToggleButtons, bool]:
    """The switch to follow, and whether the widget must show it (it made it itself)."""
    if isinstance(lang, w.ToggleButtons):
        return lang, False
    return language_switch(lang), True


NO_KERNEL_HINT = (
    "运行此单元格即可探索（需要运行中的内核）· Run this cell to explore (needs a running kernel)"
)
# JupyterLab draws a widget output it cannot find the model of (the kernel is gone) as a bare
# "Error displaying widget: model not found": an output that holds text and no element. This
# style shows the hint there instead. It is an HTML output next to each widget; an untrusted
# notebook drops it, but there JupyterLab shows the widget's text form, which is the hint.
_ORPHAN = ".jp-OutputArea-output.jupyter-widgets:not(:has(*))"
RESTARTED_HINT = (
    "内核已重启，控件已失效：请重新运行此单元格 · "
    "The kernel restarted and these controls no longer work: run this cell again"
)
# After a restart the widgets stay on screen, but their kernel side is gone: ipywidgets marks
# each view "jupyter-widgets-disconnected". The style greys them out and says so above them.
_DEAD = ".jp-OutputArea-output:has(> .jupyter-widgets-disconnected)"
NO_KERNEL_STYLE = (
    f"<style>{_ORPHAN} {{visibility: hidden; font-size: 0}} "
    f"{_ORPHAN}::before {{visibility: visible; font-size: 13px; color: #555; "
    f'content: "▶ {NO_KERNEL_HINT}"}} '
    f"{_DEAD} > .jupyter-widgets-disconnected {{opacity: 0.4; pointer-events: none}} "
    f"{_DEAD}::before {{display: block; font-size: 13px; color: #8a3b12; margin: 4px 0; "
    f'content: "⟳ {RESTARTED_HINT}"}}</style>'
)


class _Explorer(w.VBox):
    """Shared by the widgets: a readable hint wherever the widget cannot be drawn."""

    NAME = ("", "")

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, display

        display(HTML(NO_KERNEL_STYLE))
        display(self._repr_mimebundle_(), raw=True)

    def __repr__(self) -> str:
        # The widget's text form, saved with the notebook: what an untrusted notebook shows.
        return f"▶ {self.NAME[0]} · {self.NAME[1]}: {NO_KERNEL_HINT}"


class LanguageBar(_Explorer):
    """A page's language switch on its own line (the widgets below follow it)."""

    NAME = ("语言切换", "Language switch")

    def __init__(self, switch: w.ToggleButtons) -> None:
        self.lang = switch
        super().__init__([switch])


def _quote_html(quote: str) -> str:
    """A quote set off by style, not by added quotation marks (quotes may carry their own)."""
    return (
        f'<span style="border-left:3px solid #c9ced6;padding-left:6px">{html.escape(quote)}</span>'
    )


def _debounce(owner: Any, action: Callable[[], None], delay: float) -> None:
    """Run ``action`` after ``delay`` seconds of quiet on the kernel's event loop; at once
    where no loop runs (tests, scripts)."""
    pending = getattr(owner, "_pending", None)
    if pending is not None:
        pending.cancel()
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        owner._pending = None
        action()
        return
    owner._pending = loop.call_later(delay, action)


# ---------------------------------------------------------------- the fact browser


ORDERS = {  # FactBrowser's sort orders: value -> (zh, en)
    "": ("原文顺序", "As in the sources"),
    "period": ("时期（从早到晚）", "Period, earliest first"),
    "-period": ("时期（从晚到早）", "Period, latest first"),
    "indicator": ("指标", "Indicator"),
}


class FactBrowser(_Explorer):
    """Search the facts as you type (in the quote, translation, indicator, entity or id), by
    theme, source, kind and period, sorted as chosen; the table shows a page of matches at a
    time (or all of them), each with its figure and quote."""

    NAME = ("事实检索", "Fact browser")

    def __init__(
        self, lang: str | w.ToggleButtons = "zh", *, theme: str | None = None, limit: int = 40
    ) -> None:
        self.lang, own_switch = _switch(lang)
        self.limit = limit
        self.show_all = False
        self.search = w.Text(value="", continuous_update=True)
        self.theme = w.Dropdown()
        self.source = w.Dropdown()
        self.kind = w.Dropdown()
        self.period = w.Dropdown()
        self.order = w.Dropdown()
        self.count = w.HTML()
        self.page = 0
        self.previous = w.Button(icon="chevron-left", layout=w.Layout(width="3em"))
        self.next = w.Button(icon="chevron-right", layout=w.Layout(width="3em"))
        self.more = w.Button()
        self.table = w.HTML()
        self._pending = None
        self._relabel(theme=theme or ALL)
        for control in (self.theme, self.source, self.kind, self.period, self.order):
            control.observe(self._on_filter, names="value")
        self.search.observe(self._on_typing, names="value")
        self.previous.on_click(lambda _b: self._turn(-1))
        self.next.on_click(lambda _b: self._turn(1))
        self.more.on_click(self._toggle_all)
        self.lang.observe(self._on_lang, names="value")
        head = [self.lang] if own_switch else []
        super().__init__(
            [
                *head,
                w.HBox([self.search, self.theme]),
                w.HBox([self.source, self.kind]),
                w.HBox([self.period, self.order]),
                w.HBox([self.count, self.previous, self.next, self.more]),
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
        current = self.theme.value if theme is None else theme
        self.theme.description = _tr(lang, "主题", "Theme")
        self.theme.options = [(everything, ALL)] + [(v[li], k) for k, v in datasets.THEMES.items()]
        self.theme.value = current if current in datasets.THEMES else ALL
        reg = datasets.sources(lang)
        src = self.source.value
        self.source.description = _tr(lang, "来源", "Source")
        pairs = list(zip(reg["title"], reg["source_id"], strict=True))
        self.source.options = [(everything, ALL), *pairs]
        self.source.value = src if src in set(reg["source_id"]) else ALL
        kind = self.kind.value
        self.kind.description = _tr(lang, "类型", "Kind")
        self.kind.options = [(everything, ALL)] + [
            (v[li], k) for k, v in datasets.KIND_LABELS.items()
        ]
        self.kind.value = kind if kind in datasets.KIND_LABELS else ALL
        period = self.period.value
        periods = sorted(datasets.facts(lang)["period"].dropna().unique())
        self.period.description = _tr(lang, "时期", "Period")
        self.period.options = [(everything, ALL)] + [
            (story.period_text(p, lang), p) for p in periods
        ]
        self.period.value = period if period in periods else ALL
        order = self.order.value
        self.order.description = _tr(lang, "排序", "Sort")
        self.order.options = [(v[li], k) for k, v in ORDERS.items()]
        self.order.value = order if order in ORDERS else ""
        self.previous.tooltip = _tr(lang, "上一页", "Previous page")
        self.next.tooltip = _tr(lang, "下一页", "Next page")

    def _on_lang(self, _change=None) -> None:
        self._relabel()
        self._refresh()

    def _on_filter(self, _change=None) -> None:
        self.page = 0  # new matches: back to their first page
        self._refresh()

    def _on_typing(self, _change=None) -> None:
        self.page = 0
        _debounce(self, self._refresh, SEARCH_DELAY)

    def _turn(self, step: int) -> None:
        self.page += step  # kept within the pages by _refresh
        self._refresh()

    def _toggle_all(self, _button=None) -> None:
        self.show_all = not self.show_all
        self.page = 0
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
        if self.period.value:
            df = df[df["period"] == self.period.value]
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
        if self.order.value:  # a stable sort: ties keep the order of the sources
            key = self.order.value.lstrip("-")
            df = df.sort_values(
                key,
                ascending=not self.order.value.startswith("-"),
                kind="stable",
                na_position="last",
            )
        return df.reset_index(drop=True)

    def _filters_text(self) -> str:
        """The active filters in words, for the empty state."""
        parts = []
        if self.search.value.strip():
            parts.append(_tr(self.lang.value, "搜索", "search") + f" “{self.search.value.strip()}”")
        for control in (self.theme, self.source, self.kind, self.period):
            if control.value:
                label = dict((v, k) for k, v in control.options)[control.value]
                parts.append(f"{control.description}: {label}")
        return _tr(self.lang.value, "，", ", ").join(parts)

    def _refresh(self, _change=None) -> None:
        lang = self.lang.value
        df = self.results()
        n, total = len(df), len(datasets.facts(lang))
        pages = 1 if self.show_all else max(1, math.ceil(n / self.limit))
        self.page = min(max(self.page, 0), pages - 1)
        first = 0 if self.show_all else self.page * self.limit
        shown = n if self.show_all else min(n - first, self.limit)
        if n == 0:
            self.count.value = _tr(lang, f"共 {total} 条事实，", f"Of {total} facts, ") + _tr(
                lang, "没有符合条件的。", "none matches."
            )
            self.table.value = (
                '<p class="sx-empty">'
                + html.escape(
                    _tr(
                        lang,
                        f"没有事实符合：{self._filters_text()}。请换个词或选“全部”。",
                        f"No fact matches {self._filters_text()}. "
                        "Try other words, or choose “All”.",
                    )
                )
                + "</p>"
            )
        else:
            if shown < n:
                span = f"{first + 1}–{first + shown}"
                counted = _tr(
                    lang,
                    f"显示第 <b>{span}</b> 条 / {n} 条事实",
                    f"Showing <b>{span}</b> of {n} facts",
                )
            else:
                counted = _tr(lang, f"<b>{n}</b> 条事实", f"<b>{n}</b> facts")
            whole = _tr(lang, f"（全部 {total} 条中）", f" (of {total} in all)")
            self.count.value = counted + (whole if n < total else "")
            page = df if self.show_all else df.iloc[first : first + self.limit]
            self.table.value = facttable.table(page, lang)
        self.more.description = (
            _tr(lang, "只显示前 ", "Show the first ") + str(self.limit)
            if self.show_all
            else _tr(lang, f"显示全部 {n} 条", f"Show all {n}")
        )
        self.more.layout.display = None if n > self.limit else "none"
        paged = pages > 1
        self.previous.layout.display = self.next.layout.display = None if paged else "none"
        self.previous.disabled, self.next.disabled = self.page == 0, self.page >= pages - 1


# ---------------------------------------------------------------- every indicator


class IndicatorList(_Explorer):
    """Every indicator's section (its words, figures and chart) under its theme's heading,
    with a search box and a theme menu that hide the sections they filter out, and the
    headings left empty, and the count of those shown: the report page's filter
    (:func:`catalogue.matches`), run by the kernel.

    ``sections`` holds ``(theme, searchable text, HTML, chart or None)`` per indicator."""

    NAME = ("指标一览", "Every indicator")

    def __init__(self, sections: list[tuple[str, str, str, Any]], lang: str = "zh") -> None:
        from IPython.display import HTML

        from . import catalogue

        self.words = catalogue.FILTER_WORDS[datasets.check_lang(lang)]
        themes = list(dict.fromkeys(theme for theme, *_ in sections))
        li = 0 if lang == "zh" else 1
        names = {t: datasets.THEMES.get(t, (t, t))[li] for t in themes}
        self.search = w.Text(
            value="", placeholder=self.words["placeholder"], description=self.words["find"]
        )
        self.theme = w.Dropdown(
            options=[(self.words["all"], ALL), *((names[t], t) for t in themes)],
            value=ALL,
            description=self.words["theme"],
        )
        self.count = w.HTML()
        self.headings = {t: w.HTML(f"<h2>{html.escape(names[t])}</h2>") for t in themes}
        self.blocks: list[tuple[str, str, w.Output]] = []
        children: list[w.Widget] = [w.HBox([self.search, self.theme, self.count])]
        for theme, text, body, chart in sections:
            if self.headings[theme] not in children:
                children.append(self.headings[theme])
            out = w.Output()
            out.append_display_data(HTML(body))
            if chart is not None:
                out.append_display_data(chart)
            self.blocks.append((theme, text.lower(), out))
            children.append(out)
        self.search.observe(lambda _c: _debounce(self, self.apply, SEARCH_DELAY), names="value")
        self.theme.observe(self.apply, names="value")
        super().__init__(children)
        self.apply()

    def shown(self) -> list[int]:
        """Return the positions (in ``sections``) of the indicators shown."""
        return [i for i, (*_, out) in enumerate(self.blocks) if out.layout.display != "none"]

    def apply(self, _change=None) -> None:
        """Show the sections (and headings) that the words and the theme let through."""
        from . import catalogue

        kept = set()
        for theme, text, out in self.blocks:
            ok = catalogue.matches(text, theme, self.search.value, self.theme.value)
            out.layout.display = None if ok else "none"
            kept |= {theme} if ok else set()
        for theme, heading in self.headings.items():
            heading.layout.display = None if theme in kept else "none"
        shown, total = len(self.shown()), len(self.blocks)
        self.count.value = html.escape(self.words["count"].format(shown=shown, total=total))


# ---------------------------------------------------------------- the indicator explorer

PICK = "pick"  # the chart's click selection, read back in Python


def indicator_chart(rows: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Return the chart of one indicator's facts (rows of :func:`datasets.facts`), titled with
    its name: a :func:`charts.trend` when an entity has figures for two or more periods, a
    key-figure card for a single figure, else a :func:`charts.compare` across entities
    (across sources, for one entity). Both draw a
    figure as it is qualified (bounds and "约" hollow or lighter, the qualifier in the label).

    Clicking a mark selects its fact (the selection ``pick``), double-clicking clears it.
    """
    indicator, name = str(rows["indicator_id"].iloc[0]), str(rows["indicator"].iloc[0])
    note = _tr(
        lang,
        "点击图中一项查看其原文，双击取消",
        "Click a mark for its quote, double-click to clear",
    )
    if len(rows) == 1:  # one figure is a key-figure card, not a chart of one bar
        chart = charts.key_figures(rows, indicator=indicator, lang=lang, columns=1, title=name)
    elif rows.groupby("entity_id")["period"].nunique().max() > 1:
        chart = charts.trend(rows, indicator=indicator, lang=lang, title=name, note=note)
    else:
        one_place = rows["entity_id"].nunique() == 1 and rows["source_id"].nunique() > 1
        by = "source" if one_place else "entity"
        chart = charts.compare(rows, indicator=indicator, by=by, lang=lang, title=name, note=note)
    return chart.add_params(
        alt.selection_point(name=PICK, fields=["fact_id"], on="click", clear="dblclick")
    )


class IndicatorExplorer(_Explorer):
    """Pick a theme, then one of its indicators: see its facts as a chart, and each fact's
    quote and source below; a click on the chart narrows the quotes to that fact."""

    NAME = ("指标浏览", "Indicator explorer")

    def __init__(self, lang: str | w.ToggleButtons = "zh", *, theme: str | None = None) -> None:
        self.lang, own_switch = _switch(lang)
        self.theme = w.Dropdown()
        self.indicator = w.Dropdown()
        self.quotes = w.HTML()
        self.selected: list[str] = []
        self.chart: alt.TopLevelMixin | None = None
        self._quiet = False
        self._relabel(theme=theme)
        alt.JupyterChart.enable_offline()  # Vega from vl-convert, never from a CDN
        self.view: w.DOMWidget = w.HTML()  # the chart's place; each chart gets a new widget
        self.theme.observe(self._on_theme, names="value")
        self.indicator.observe(self._refresh, names="value")
        self.lang.observe(self._on_lang, names="value")
        head = [self.lang] if own_switch else []
        super().__init__(
            [
                *head,
                w.HBox([self.theme, self.indicator]),
                self.view,
                self.quotes,
            ]
        )
        self._refresh()

    def _facts(self) -> pd.DataFrame:
        return datasets.facts(self.lang.value, theme=self.theme.value)

    def _relabel(self, theme: str | None = None) -> None:
        lang = self.lang.value
        li = 0 if lang == "zh" else 1
        current_theme = theme or self.theme.value
        themes = [k for k in datasets.THEMES if k in set(datasets.facts(lang)["theme"])]
        self.theme.description = _tr(lang, "主题", "Theme")
        self.theme.options = [(datasets.THEMES[k][li], k) for k in themes]
        self.theme.value = current_theme if current_theme in themes else themes[0]
        self._indicators()

    def _indicators(self) -> None:
        lang = self.lang.value
        df = self._facts()
        options = list(dict.fromkeys(zip(df["indicator"], df["indicator_id"], strict=True)))
        current = self.indicator.value
        self.indicator.description = _tr(lang, "指标", "Indicator")
        ids = [v for _, v in options]
        self._quiet = True  # one redraw after both changes, not one per change
        try:
            self.indicator.options = options
            self.indicator.value = current if current in ids else (ids[0] if ids else None)
        finally:
            self._quiet = False

    def _on_theme(self, _change=None) -> None:
        self._indicators()
        self._refresh()

    def _on_lang(self, _change=None) -> None:
        self._relabel()
        self._refresh()

    def rows(self) -> pd.DataFrame:
        """Return the facts of the chosen indicator."""
        df = self._facts()
        return df[df["indicator_id"] == self.indicator.value]

    def build_chart(self) -> alt.LayerChart:
        """Return the chart of the selected indicator's facts."""
        return indicator_chart(self.rows(), self.lang.value)

    def _refresh(self, _change=None) -> None:
        if self.indicator.value is None or self._quiet:
            return
        self.chart = self.build_chart()
        # A new chart widget for each chart, never a new spec for the one on screen: the
        # browser draws a changed spec asynchronously, and of two quick changes (arrow keys
        # through the menu) the slower drawing could land last and show the wrong indicator.
        old, self.view = self.view, alt.JupyterChart(self.chart, embed_options=_embed_options())
        self.children = tuple(self.view if c is old else c for c in self.children)
        old.close()
        self.view.selections.observe(self._on_pick, [PICK])
        self.selected = []
        self._show_quotes()

    def _on_pick(self, change) -> None:
        value = getattr(change["new"], "value", None) or []
        self.selected = [v["fact_id"] for v in value if "fact_id" in v]
        self._show_quotes()

    def _show_quotes(self) -> None:
        lang = self.lang.value
        rows = self.rows()
        if self.selected:
            rows = rows[rows["fact_id"].isin(self.selected)]
        items = []
        for r in rows.itertuples():
            c = datasets.cite(r.fact_id)
            original = "" if lang == "zh" else f" <small>({html.escape(c.quote)})</small>"
            items.append(  # each quote once, then where it is
                f"<li><b>{html.escape(story.figure(r.fact_id, lang))}</b> "
                f"<small>{html.escape(str(r.entity))} · "
                f"{html.escape(story.period_text(r.period, lang))}</small><br>"
                f"{_quote_html(c.quote if lang == 'zh' else c.quote_en)}{original}<br>"
                f"<small>{html.escape(c.reference(lang))}</small></li>"
            )
        if self.selected:
            note = _tr(lang, "所选事实（双击图表显示全部）：", "Selected (double-click for all):")
        else:
            note = _tr(lang, "点击图中一条，只看它的原文：", "Click a mark to see its quote alone:")
        self.quotes.value = f"<p><small>{note}</small></p><ol>{''.join(items)}</ol>"


def _embed_options() -> dict:
    from .jupyter import EMBED_OPTIONS

    # SVG marks: each bar is an element a reader (or a test) can point at.
    return {**EMBED_OPTIONS, "renderer": "svg"}


# ---------------------------------------------------------------- the loan calculator


class LoanCalculator(_Explorer):
    """The article's loan example: the sliders of :func:`charts.loan_savings_calculator`
    (same labels, ranges and starting values) as Python sliders; every move redraws that
    chart with the new inputs, so its bars, formula and title follow them."""

    NAME = ("贷款利息计算器", "Loan calculator")

    def __init__(self, lang: str | w.ToggleButtons = "zh") -> None:
        self.lang, own_switch = _switch(lang)
        self.sliders: dict[str, w.FloatSlider] = {}
        self.output = w.Output()
        self.chart: alt.TopLevelMixin | None = None
        self._quiet = False
        params = self._params()
        for p in params:
            slider = w.FloatSlider(style={"description_width": "160px"}, layout={"width": "520px"})
            slider.observe(self._refresh, names="value")
            self.sliders[p["name"]] = slider
        self._factor = self._principal_factor(params)
        self._set_sliders(params)
        self.lang.observe(self._on_lang, names="value")
        head = [self.lang] if own_switch else []
        super().__init__([*head, *self.sliders.values(), self.output])
        self._refresh()

    def _params(self) -> list[dict]:
        """The chart's slider parameters (name, value, label, range) in the current language."""
        spec = charts.loan_savings_calculator(lang=self.lang.value).to_dict(validate=False)
        return [p for p in spec["params"] if "bind" in p]

    def _principal_factor(self, params: list[dict]) -> float:
        """Yuan per step of the principal slider (its unit: 亿元, million yuan), from the
        chart's starting value and the loan principal it starts from."""
        loan = derived.loan_defaults()["principal"]
        start = next(p["value"] for p in params if p["name"] == PARAM_PRINCIPAL)
        return float(loan) / float(start)

    def _set_sliders(self, params: list[dict], values: dict[str, float] | None = None) -> None:
        """Give the sliders the chart's labels and ranges, and ``values`` (else its own)."""
        self._quiet = True
        try:
            for p in params:
                bind, slider = p["bind"], self.sliders[p["name"]]
                # Widen first, so that no bound is ever set past the other.
                slider.max = max(slider.max, bind["max"])
                slider.min = min(slider.min, bind["min"])
                slider.min, slider.max, slider.step = bind["min"], bind["max"], bind["step"]
                # As many decimals as the step has: 1.5 (亿元), 4.75 (%), 12 (months).
                decimals = max(0, -math.floor(math.log10(bind["step"]) + 1e-9))
                slider.readout_format = f".{decimals}f"
                slider.value = p["value"] if values is None else values[p["name"]]
                slider.description = bind["name"].strip()
        finally:
            self._quiet = False

    def _on_lang(self, _change=None) -> None:
        # The same loan in the new language's unit (亿元 and million yuan differ).
        yuan = self.sliders[PARAM_PRINCIPAL].value * self._factor
        params = self._params()
        self._factor = self._principal_factor(params)
        values = {name: s.value for name, s in self.sliders.items()}
        values[PARAM_PRINCIPAL] = yuan / self._factor
        self._set_sliders(params, values)
        self._refresh()

    @property
    def inputs(self) -> dict[str, float]:
        """Principal (yuan), rate (% a year) and months, as the sliders set them."""
        return {
            "principal": self.sliders[PARAM_PRINCIPAL].value * self._factor,
            "rate_pct": self.sliders[PARAM_RATE].value,
            "months": self.sliders[PARAM_MONTHS].value,
        }

    @property
    def saving(self) -> float:
        """Interest saved per phase, in yuan, for the current sliders."""
        return derived.loan_saving(**self.inputs)

    def build_chart(self) -> alt.TopLevelMixin:
        """Return the calculator chart for the sliders' values, without its own sliders."""
        chart = charts.loan_savings_calculator(lang=self.lang.value, **self.inputs)
        for param in chart.params:
            param.bind = alt.Undefined  # the Python sliders drive it
        return chart

    def _refresh(self, _change=None) -> None:
        if self._quiet:
            return
        self.chart = self.build_chart()
        self.output.clear_output(wait=True)
        with self.output:
            from IPython.display import display

            display(self.chart)
