"""The reports as a reader meets them, in Chromium: on a phone (390 px) and a laptop
(1280 px) no page scrolls sideways, every chart is drawn and fits the text column, and a
wide screen gives the charts its width."""

from __future__ import annotations

import pytest
from chromium import launch, open_page

WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def browser():
    with launch() as b:
        yield b


def _pages(out):
    return [*sorted(out.glob("*/*.html")), out / "index.html"]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_screen_and_draws_every_chart(browser, built_reports, width):
    for path in _pages(built_reports):
        visit = open_page(browser, path, width=width)
        assert visit.errors == [] and visit.requests == [], (path.name, visit)
        assert visit.charts == visit.drawn and visit.not_drawn == [], (path.name, visit)
        assert visit.scroll_width <= width, (path.name, width, visit.scroll_width)
        for chart, drawn in visit.chart_widths:
            assert drawn <= chart + 1, (path.name, width, chart, drawn)


def test_charts_use_the_width_of_a_wide_screen(browser, built_reports):
    narrow = open_page(browser, built_reports / "en" / "01-coal-energy.html", width=390)
    wide = open_page(browser, built_reports / "en" / "01-coal-energy.html", width=1280)
    assert all(drawn <= 390 for _, drawn in narrow.chart_widths)
    assert all(drawn >= 800 for _, drawn in wide.chart_widths), wide.chart_widths
