"""The searchable fact table: the same HTML in reports and in JupyterLab, for the package's
facts and for a table of one's own. (Its behaviour in a browser is tested in
test_report_pages.py; here, what it writes.)"""

from __future__ import annotations

import json
import re

import lxml.html
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from pagetools import libraries

from shanxi_analysis import datasets, facttable

# A table typed by hand, as a user would: fictional figures, not from any article.
OWN = pd.DataFrame(
    {
        "fact_id": ["my-1", "my-2", "my-3"],
        "indicator_id": ["bike_lanes", "bike_lanes", "parks"],
        "indicator": ["Bike lanes", "Bike lanes", None],  # no name: the id shows
        "entity_id": ["example-city", "example-city", "example-town"],
        "entity": ["Example City", "Example City", "Example Town"],
        "period": ["2023", "2024", None],
        "base_value": [12.0, 15.5, 3.0],
        "base_unit": ["km", "km", "item"],
        "qualifier": ["none", "more_than", "none"],
        "quote": ["fictional: 12 km", "fictional: over 15.5 km", "fictional: three parks"],
        "source_id": ["my-notes", "my-notes", "town-paper"],
        "kind": ["actual", "actual", "plan"],
    }
)


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def _menus(html: str) -> list[dict]:
    """The filter menus a table's set-up script makes."""
    return json.loads(re.search(r"MENUS = (\[.*?\]);\n", html).group(1))


def test_a_table_of_ones_own_lists_every_row_with_its_filters():
    t = facttable.fact_table(OWN, lang="en")
    soup = _soup(t.html)
    rows = soup.select("table.sx-facts tbody tr")
    assert [r["data-source"] for r in rows] == ["my-notes", "my-notes", "town-paper"]
    assert [r.get("data-period") for r in rows] == ["2023", "2024", None]
    assert rows[0].td.get_text(" ", strip=True) == "Bike lanes Example City"
    assert rows[1].select_one("a")["href"] == "#fact-my-2"
    assert rows[1].select_one("a").get_text() == "more than 15.5 km"
    assert rows[2].td.get_text(" ", strip=True) == "parks Example Town"

    assert soup.find("select") is None  # the menus are made by the script (none without it)
    menus = {m["key"]: [v for v, _ in m["options"]] for m in _menus(t.html)}
    # a menu for each filter column with two values or more (no theme column here)
    assert menus == {
        "source": ["", "my-notes", "town-paper"],
        "kind": ["", "actual", "plan"],
        "period": ["", "2023", "2024"],
    }
    assert [th.get_text() for th in soup.select("thead th")] == [
        "Indicator", "Period", "Figure", "Quote", "Source"
    ]  # fmt: skip
    assert "DataTable" in libraries(t.html)["datatables"]  # the library travels with it


def test_without_fact_ids_the_figures_link_nowhere():
    rows = _soup(facttable.table(OWN.drop(columns="fact_id"), "en")).select("tbody tr")
    assert len(rows) == 3 and not any(r.find("a") for r in rows)
    assert rows[0].find_all("td")[2].get_text() == "12 km"


def test_missing_figures_and_values_that_are_not_text():
    df = OWN.assign(
        base_value=[12.0, None, 3.0],  # a quote with no figure
        source_id=[1, 1, 2],  # ids typed as numbers
        quote=["fictional", 7, None],
        period=[2023, None, 2024],  # a column of years with a gap: floats in pandas
    )
    rows = _soup(facttable.table(df, "en")).select("tbody tr")
    cells = [[td.get_text() for td in r.find_all("td")] for r in rows]
    assert cells[1][2] == "" and cells[1][3] == "7" and cells[2][3] == ""
    assert [r.get("data-source") for r in rows] == ["1", "1", "2"]
    assert [r.get("data-period") for r in rows] == ["2023", None, "2024"]
    menus = {m["key"]: m["options"] for m in _menus(facttable.fact_table(df, lang="en").html)}
    assert menus["period"] == [["", "All"], ["2023", "2023"], ["2024", "2024"]]


def test_the_packages_facts_of_a_theme_in_chinese():
    facts = datasets.facts("zh", theme="coal_energy")
    soup = _soup(facttable.fact_table(lang="zh", theme="coal_energy").html)
    rows = soup.select("table.sx-facts tbody tr")
    assert len(rows) == len(facts) and {r["data-theme"] for r in rows} == {"coal_energy"}
    assert soup.select_one("thead th").get_text() == "指标"
    assert all(
        r.select_one("a")["href"] == f"#fact-{f}" for r, f in zip(rows, facts.fact_id, strict=True)
    )


def test_same_table_same_bytes_and_two_displays_two_ids():
    a, b = facttable.fact_table(OWN, lang="zh"), facttable.fact_table(OWN, lang="zh")
    ids = [_soup(t.html).select_one(".sx-facttable")["id"] for t in (a, b)]
    assert ids[0] != ids[1] and ids[0].rsplit("-", 1)[0] == ids[1].rsplit("-", 1)[0]
    assert a.html.replace(ids[0], "") == b.html.replace(ids[1], "")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"data": OWN.drop(columns=["entity_id", "base_unit"])},
            "no column(s) entity_id, base_unit",
        ),
        ({"lang": "fr"}, "fr"),
        ({"page_length": 0}, "page_length=0"),
    ],
)
def test_bad_input_is_named(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        facttable.fact_table(**{"data": OWN, **kwargs})


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        # a cell of whitespace alone is not text to keep (the parser makes it one space)
        st.text(min_size=1, max_size=30).filter(str.strip),
        min_size=1,
        max_size=5,
    )
)
def test_any_text_stays_text(texts):
    df = pd.concat([OWN.iloc[[0]]] * len(texts), ignore_index=True)
    df["quote"], df["indicator"], df["source_id"] = texts, texts, texts
    df["fact_id"] = [f"f{i}" for i in range(len(texts))]
    soup = _soup(facttable.table(df, "zh"))
    rows = soup.select("tbody tr")
    assert [r.find_all("td")[3].get_text() for r in rows] == texts
    assert [r["data-source"] for r in rows] == texts
    assert soup.find("script") is None


def test_a_carriage_return_survives_a_parser_that_reads_html_as_browsers_do():
    # a browser (and lxml) reads a bare CR as a line feed: the row's data-source would no
    # longer match its menu's value
    df = OWN.iloc[[0]].assign(quote="a\rb", source_id="notes\r2", fact_id="f0")
    row = lxml.html.fromstring(facttable.table(df, "en")).find(".//tbody/tr")
    assert row.get("data-source") == "notes\r2"
    assert row.findall("td")[3].text_content() == "a\rb"
