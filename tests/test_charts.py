"""Every public chart, in both languages: valid spec, rendered SVG with title and citation,
no top-level config, layers with another chart, tooltips that carry quote and source."""

from __future__ import annotations

import html
import json
import re

import altair as alt
import pandas as pd
import pytest

from shanxi_analysis import charts, datasets, render
from shanxi_analysis.charts._base import CITATION_WIDTH, citation_text

LANGS = ("zh", "en")
CASES = [(name, lang) for name in charts.CHARTS for lang in LANGS]


@pytest.fixture(scope="module", autouse=True)
def _theme():
    charts.use_theme()
    yield
    alt.theme.enable("default")


@pytest.fixture(scope="module")
def built():
    """Each chart once per language, and its SVG, shared by the tests of this module."""
    out = {}
    for name, lang in CASES:
        chart = charts.CHARTS[name](lang=lang)
        out[(name, lang)] = (chart, charts.to_svg(chart))
    return out


def _title(spec: dict) -> str:
    """The title's text; for a title that follows sliders (an expression), its literal parts
    (the drawn title is checked by the chart's own test)."""
    title = spec["title"]
    text = title["text"] if isinstance(title, dict) else title
    if isinstance(text, dict):
        return json.loads(re.search(r'"(?:[^"\\]|\\.)*"', text["expr"]).group(0))
    return "".join(text) if isinstance(text, list) else text


def test_there_are_at_least_twelve_charts_and_figures_cover_every_theme():
    assert len(charts.CHARTS) >= 12
    figures = datasets.figures()
    assert set(figures.index) <= set(charts.CHARTS)  # each figure row is a named chart
    assert set(datasets.THEMES) - {"overview"} <= set(figures["theme"])


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_chart_spec_is_valid_and_self_described(built, name, lang):
    chart, _ = built[(name, lang)]
    assert isinstance(chart, alt.Chart | alt.LayerChart), "charts must stay layerable"
    spec = chart.to_dict(validate=True)
    assert chart.config is alt.Undefined, "chart functions must not call configure_*"
    assert spec.get("description"), "a description for screen readers"
    citation = citation_text(spec)
    assert citation.startswith("来源：" if lang == "zh" else "Source: ")
    lines = spec["title"]["subtitle"]
    assert max(len(line) for line in lines) <= CITATION_WIDTH[lang] + 40, "subtitle too wide"
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_chart_renders_to_svg_with_its_title_and_citation(built, name, lang):
    chart, svg = built[(name, lang)]
    spec = chart.to_dict()
    drawn = render.svg_text(svg)
    assert _title(spec) in drawn
    assert ("来源：" if lang == "zh" else "Source:") in drawn
    if lang == "en":
        # English charts draw no Chinese outside quotes of names (tooltips are not drawn).
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in _title(spec))
    else:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in _title(spec))


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_chart_layers_with_another_chart(built, name, lang):
    chart, _ = built[(name, lang)]
    note = alt.Chart(pd.DataFrame({"t": ["note"]})).mark_text().encode(text="t:N")
    layered = alt.layer(chart, note)
    layered.to_dict(validate=True)
    restyled = chart.properties(width=300)
    restyled.to_dict(validate=True)


@pytest.mark.parametrize("name", list(charts.CHARTS))
def test_tooltips_carry_quote_and_source(name):
    spec = json.dumps(charts.CHARTS[name](lang="en").to_dict(), ensure_ascii=False)
    assert '"tooltip"' in spec
    assert "source" in spec.lower()


@pytest.mark.parametrize("name", list(charts.CHARTS))
def test_unknown_language_is_refused(name):
    with pytest.raises(ValueError, match="lang must be one of 'zh', 'en'"):
        charts.CHARTS[name](lang="de")


def test_a_users_dataframe_works_and_a_missing_indicator_is_named():
    facts = datasets.facts("en")
    a = charts.dev_zones_composition(facts, lang="en").to_dict()
    b = charts.dev_zones_composition(lang="en").to_dict()
    assert a == b
    with pytest.raises(ValueError, match="composition: no row with indicator dev_zones_national"):
        charts.dev_zones_composition(facts[facts["theme"] == "coal_energy"], lang="en")
    with pytest.raises(ValueError, match="missing column"):
        charts.dev_zones_composition(pd.DataFrame({"x": [1]}), lang="en")


def test_save_writes_html_svg_png(tmp_path):
    chart = charts.dev_zones_composition(lang="zh")
    html = charts.save(chart, tmp_path / "c.html").read_text(encoding="utf-8")
    assert "<script" in html and "vegaEmbed" in html
    assert "cdn.jsdelivr" not in html and 'src="http' not in html
    svg = charts.save(chart, tmp_path / "c.svg").read_text(encoding="utf-8")
    assert "省级以上开发区" in svg
    png = charts.save(chart, tmp_path / "c.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_save_refuses_unknown_formats_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "c.svg"
    target.write_text("previous good", encoding="utf-8")
    with pytest.raises(ValueError, match=r"unknown chart format '\.pdf'"):
        charts.save(charts.dev_zones_composition(), tmp_path / "c.pdf")
    broken = {"mark": "bar", "encoding": {"x": {"field": "a", "type": "nonsense"}}}
    with pytest.raises(Exception):  # noqa: B017 - vl-convert's error type is not public
        charts.save(broken, target)
    assert target.read_text(encoding="utf-8") == "previous good"
    assert list(tmp_path.iterdir()) == [target]


def test_a_missing_glyph_is_an_error(tmp_path):
    chart = (
        alt.Chart(pd.DataFrame({"x": [1]}))
        .mark_text()
        .encode(text=alt.value("𓀀 hieroglyph"))
        .properties(title="煤")
    )
    with pytest.raises(charts.MissingGlyphError, match="U\\+13000"):
        charts.save(chart, tmp_path / "x.svg")
    assert not (tmp_path / "x.svg").exists()


def test_theme_is_registered_with_a_cjk_font_stack():
    assert charts.THEME_NAME in alt.theme.names()
    config = charts.theme_config()
    assert config["font"].startswith('"WenQuanYi Micro Hei"')
    # one font for every text: title, subtitle, axes, legend and marks draw with the CJK stack
    svg = charts.to_svg(charts.CHARTS["dev_zones_composition"](lang="zh"))
    families = {html.unescape(f) for f in re.findall(r'font-family="([^"]*)"', svg)}
    assert families == {config["font"]}
