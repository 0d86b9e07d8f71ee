"""The curated tables: schema, coverage of the text, agreement with the extractor, errors."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shanxi_analysis import checks, datasets, paths, quantities
from shanxi_analysis.datasets import DataError
from shanxi_analysis.sources import load_blocks, load_text

# ---------------------------------------------------------------- the descriptor


def test_frictionless_validates_the_data_package():
    exe = Path(sys.executable).with_name("frictionless")
    result = subprocess.run(
        [str(exe), "validate", "--json", str(paths.data_dir() / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert '"valid": true' in result.stdout


def test_every_table_loads_and_is_typed_from_the_schema():
    datasets.validate()
    f = datasets.facts()
    assert f["value"].dtype == "float64" and f["base_value"].dtype == "float64"
    assert str(f["block_no"].dtype) == "Int64"
    for col in ("qualifier", "kind", "theme"):
        enum = next(x for x in datasets.schema("facts")["fields"] if x["name"] == col)
        assert list(f[col].cat.categories) == enum["constraints"]["enum"]
    assert f["fact_id"].is_unique
    assert len(f) >= 80


# ---------------------------------------------------------------- coverage and agreement


def test_every_quantity_in_both_articles_is_a_fact_or_excluded():
    gaps = checks.coverage_gaps()
    assert gaps.empty, gaps.to_string()


def test_every_fact_is_what_the_extractor_reads_in_its_quote():
    mismatches = checks.agreement_mismatches()
    assert mismatches.empty, mismatches.to_string()


def test_every_exclusion_is_still_a_quantity_the_extractor_finds():
    blocks = load_blocks().set_index(["source_id", "block_no"])
    for e in datasets.excluded_mentions().itertuples():
        text = blocks.loc[(e.source_id, e.block_no), "text"]
        at = text.index(e.context)
        spans = [
            q.span
            for q in quantities.extract(text)
            if at <= q.start and q.end <= at + len(e.context)
        ]
        assert e.span in spans, (e.source_id, e.block_no, e.context)


def test_coverage_test_can_fail(tmp_data):
    """Dropping a fact whose quote is the only cover of a quantity opens a gap."""
    path = tmp_data / "curated" / "facts.csv"
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
    kept = [r for r in rows if r[0] != "lw-fortune-global-500-investors"]
    _write_rows(path, kept)
    gaps = checks.coverage_gaps()
    assert gaps["span"].tolist() == ["137 家"]


def test_summary_repeats_are_one_fact_with_their_blocks():
    f = datasets.facts().set_index("fact_id")
    assert f.loc["lw-coal-overcapacity-cut-2016-2020", "repeated_in"] == "4"
    assert f.loc["lw-high-tech-firms-2020", "repeated_in"] == "6"
    # The figure appears in two blocks, but it is one fact.
    assert (f["indicator_id"] == "coal_overcapacity_cut").sum() == 1


def test_both_sources_and_every_theme_have_facts():
    f = datasets.facts()
    assert set(f["source_id"]) == {"liaowang-2021", "demozone-2020"}
    assert set(datasets.THEMES) - {"overview"} <= set(f["theme"])


def test_quotes_are_short_clauses_not_paragraphs():
    f = datasets.facts()
    blocks = load_blocks().set_index(["source_id", "block_no"])["text"]
    for row in f.itertuples():
        assert len(row.quote) < len(blocks[(row.source_id, row.block_no)]) or len(row.quote) < 40
        assert len(row.quote) <= 120, row.fact_id


# ---------------------------------------------------------------- lookups and labels


def test_labels_follow_the_language():
    zh = datasets.facts("zh").set_index("fact_id")
    en = datasets.facts("en").set_index("fact_id")
    assert zh.loc["lw-coal-mines-2020", "indicator"] == "煤矿数量"
    assert en.loc["lw-coal-mines-2020", "indicator"] == "Coal mines"
    assert en.loc["lw-coal-mines-2020", "entity"] == "Shanxi Province"
    assert en.loc["lw-coal-mines-2020", "qualifier_label"] == "at most"
    assert zh.loc["lw-coal-mines-2020", "theme_label"] == "煤炭与能源转型"
    assert datasets.entities("en").set_index("entity_id").loc["shanxi", "name"] == "Shanxi Province"


def test_unknown_language_names_the_allowed_values():
    with pytest.raises(ValueError, match=r"lang must be one of 'zh', 'en', got 'fr'"):
        datasets.facts("fr")


def test_themed_views_only_select_from_the_facts():
    views = {
        "coal_energy": datasets.coal_energy,
        "emerging_industry": datasets.emerging_industry,
        "reform_business": datasets.reform_business,
        "development_zones": datasets.development_zones,
        "opening_talent": datasets.opening_talent,
    }
    all_facts = datasets.facts("en")
    seen = []
    for theme, view in views.items():
        df = view("en")
        assert not df.empty and (df["theme"] == theme).all()
        assert df["fact_id"].isin(all_facts["fact_id"]).all()
        seen += list(df["fact_id"])
    overview = all_facts[all_facts["theme"] == "overview"]["fact_id"].tolist()
    assert sorted(seen + overview) == sorted(all_facts["fact_id"])
    with pytest.raises(ValueError, match="theme must be one of"):
        datasets.facts(theme="tourism")


def test_results_are_cached_but_callers_get_copies():
    a = datasets.facts()
    a.loc[0, "value"] = -1
    b = datasets.facts()
    assert b.loc[0, "value"] != -1


def test_other_tables():
    ents = datasets.entities()
    assert ents["entity_id"].is_unique
    parent = dict(zip(ents["entity_id"], ents["parent_id"], strict=True))

    def in_shanxi(eid):
        while eid:
            if eid == "shanxi":
                return True
            eid = parent.get(eid)
        return False

    located = ents[ents["lat"].notna() & ents["entity_id"].map(in_shanxi)]
    shanxi_places = located[located["entity_id"] != "shanxi"]
    assert len(shanxi_places) >= 15
    assert shanxi_places["lat"].between(34.5, 40.8).all()
    assert shanxi_places["lon"].between(110.2, 114.6).all()
    ev = datasets.events("en")
    assert ev["date"].is_monotonic_increasing
    assert {"2017-09", "2030"} <= set(ev["date"])
    cl = datasets.clusters()
    two_plus_nine = cl[cl["group"] == "2+9"]
    assert two_plus_nine["tier"].value_counts()[lambda s: s > 0].to_dict() == {
        "advantage": 9,
        "signature": 2,
    }
    assert len(datasets.sources("en")) == 2
    assert len(datasets.photos()) == 7


def test_cluster_table_agrees_with_the_counted_facts():
    cl = datasets.clusters()
    f = datasets.facts().set_index("fact_id")["base_value"]
    assert (cl["tier"] == "hundred_billion").sum() == f["lw-demo-zone-hundred-billion-clusters"]
    zone = cl[cl["group"] == "2+9"]
    assert (zone["tier"] == "signature").sum() == f["dz-demo-zone-signature-clusters"]
    assert (zone["tier"] == "advantage").sum() == f["dz-demo-zone-advantage-clusters"]


# ---------------------------------------------------------------- provenance


def test_cite_answers_where_a_number_comes_from():
    c = datasets.cite("dz-dev-zones-fdi-2020q1")
    assert c.quote.startswith("2020年一季度,山西省开发区实际利用外资8.3亿元")
    assert "830 million yuan" in c.quote_en
    assert c.source_id == "demozone-2020" and c.published == "2020"
    assert c.block_kind == "paragraph"
    assert load_text("demozone-2020")[c.start : c.end] == c.quote
    assert c.quote in c.sentence
    assert "张潇潇" in c.text("zh") and "unidentified newspaper" in c.text("en")


def test_every_fact_can_be_cited():
    for fid in datasets.facts()["fact_id"]:
        c = datasets.cite(fid)
        assert load_text(c.source_id)[c.start : c.end] == c.quote


def test_cite_an_unknown_fact_suggests_close_ids():
    with pytest.raises(KeyError, match="did you mean lw-coal-mines-2020"):
        datasets.cite("lw-coal-mine-2020")


def test_citation_line_lists_the_sources_plotted():
    line = datasets.citation_line(["demozone-2020", "liaowang-2021", "demozone-2020"], "en")
    assert line.startswith("Source: An unidentified newspaper")
    assert line.count("Liaowang") == 1
    assert datasets.citation_line(["liaowang-2021"], "zh").startswith("来源：《瞭望》新闻周刊")


# ---------------------------------------------------------------- malformed edits


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO(newline="")
    # QUOTE_ALL: a bare \r in a cell would otherwise split the row.
    csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


def _edit(path: Path, row: int, field: str, value: str) -> None:
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
    rows[row][rows[0].index(field)] = value
    _write_rows(path, rows)


@pytest.mark.parametrize(
    ("table", "row", "field", "value", "message"),
    [
        ("facts", 3, "value", "1,5", r"facts\.csv, row 4, field 'value': '1,5' is not a number"),
        ("facts", 2, "base_value", "abc", r"facts\.csv, row 3, field 'base_value': 'abc' is not"),
        ("facts", 5, "entity_id", "atlantis", r"facts\.csv, row 6, field 'entity_id': unknown"),
        ("facts", 4, "indicator_id", "gdp_per_cat", r"row 5, field 'indicator_id': unknown"),
        (
            "facts",
            2,
            "fact_id",
            "lw-coal-overcapacity-cut-2016-2020",
            r"row 3, field 'fact_id': dup",
        ),
        (
            "facts",
            6,
            "quote",
            "这句话不在文中",
            r"row 7, field 'quote': '这句话不在文中' is not in",
        ),
        ("facts", 7, "qualifier", "roughly", r"row 8, field 'qualifier': 'roughly' is not allowed"),
        ("facts", 8, "block_no", "9999", r"row 9, field 'block_no': block 9999 does not exist"),
        ("facts", 9, "period", "June 2021", r"row 10, field 'period': 'June 2021' does not match"),
        ("facts", 10, "value", "", r"row 11, field 'value': value is missing"),
        ("entities", 3, "parent_id", "nowhere", r"entities\.csv, row 4, field 'parent_id'"),
        ("entities", 2, "lat", "north", r"entities\.csv, row 3, field 'lat': 'north' is not a"),
        ("events", 1, "quote", "没有这回事", r"events\.csv, row 2, field 'quote'"),
        ("clusters", 1, "zone_entity_id", "mars", r"clusters\.csv, row 2, field 'zone_entity_id'"),
        (
            "indicators",
            2,
            "indicator_id",
            "coal_overcapacity_cut",
            r"indicators\.csv, row 3, field",
        ),
        (
            "excluded_mentions",
            1,
            "context",
            "不存在",
            r"excluded_mentions\.csv, row 2, field 'cont",
        ),
    ],
)
def test_a_malformed_edit_names_file_row_and_field(tmp_data, table, row, field, value, message):
    _edit(tmp_data / "curated" / f"{table}.csv", row, field, value)
    with pytest.raises(DataError, match=message):
        datasets.facts()


def test_a_row_with_a_missing_field_is_refused(tmp_data):
    path = tmp_data / "curated" / "indicators.csv"
    path.write_text(path.read_text(encoding="utf-8") + "orphan,孤儿,Orphan\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"indicators\.csv, row \d+: has 3 fields \(expected 12"):
        datasets.indicators()


def test_display_metadata_is_validated(tmp_data):
    units = tmp_data / "curated" / "units.csv"
    text = units.read_text(encoding="utf-8")
    units.write_text(text.replace("1e8 亿元; 1e4 万元; 1 元", "亿元 1e8"), encoding="utf-8")
    with pytest.raises(DataError, match=r"units\.csv, row 2, field 'ladder_zh'.*pattern"):
        datasets.units()
    units.write_text(text.replace("\nkV,", "\nkilovolt,"), encoding="utf-8")
    with pytest.raises(DataError, match=r"field 'base_unit': unknown base_unit 'kV'"):
        datasets.facts()


def test_indicators_carry_their_display_metadata():
    ind = datasets.indicators("en").set_index("indicator_id")
    assert ind.loc["high_tech_enterprises", "noun_en"] == "firms"
    assert ind.loc["imports_decline_yoy", "positive_means"] == "fall"
    assert ind.loc["coal_overcapacity_cut", "short"] == "Excess capacity eliminated"
    assert set(ind["unit"]) <= set(datasets.units()["unit_id"])


def test_a_broken_descriptor_is_reported(tmp_data):
    (tmp_data / "datapackage.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(DataError, match=r"datapackage\.json: invalid JSON at line 1"):
        datasets.facts()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=12))
def test_any_value_cell_loads_or_is_refused_with_row_and_field(tmp_data, cell):
    path = tmp_data / "curated" / "facts.csv"
    original = path.read_bytes()
    try:
        _edit(path, 2, "value", cell)
        try:
            df = datasets.facts()
        except DataError as exc:
            assert exc.row == 3 and exc.field == "value" and "facts.csv" in exc.file
        else:
            assert df.loc[1, "value"] == float(cell)
    finally:
        path.write_bytes(original)


def test_data_edits_are_seen_without_restarting(tmp_data):
    before = datasets.facts().set_index("fact_id").loc["lw-coal-mines-2020", "note"]
    path = tmp_data / "curated" / "facts.csv"
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
    i = next(i for i, r in enumerate(rows) if r[0] == "lw-coal-mines-2020")
    _edit(path, i, "note", "edited note")
    after = datasets.facts().set_index("fact_id").loc["lw-coal-mines-2020", "note"]
    assert before != after == "edited note"


def test_check_failures_show_up_in_the_rules(tmp_data):
    path = tmp_data / "curated" / "facts.csv"
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
    i = next(i for i, r in enumerate(rows) if r[0] == "dz-dev-zones-national-2020")
    _edit(path, i, "base_value", "7")
    result = checks.run("en").set_index("rule_id")
    assert not result.loc["dev-zones-by-level", "passed"]
    assert result.loc["dev-zones-by-type", "passed"]
    assert set(checks.agreement_mismatches()["fact_id"]) == {"dz-dev-zones-national-2020"}


def test_tables_are_dataframes():
    assert isinstance(datasets.indicators(), pd.DataFrame)


# ---------------------------------------------------------------- hostile files and folders

CSV_FILES = [
    "sources.csv",
    "curated/facts.csv",
    "curated/indicators.csv",
    "curated/entities.csv",
    "curated/events.csv",
    "curated/clusters.csv",
    "curated/excluded_mentions.csv",
]


@pytest.mark.parametrize("name", CSV_FILES)
def test_a_bom_is_named_with_the_file_and_the_fix(tmp_data, name):
    path = tmp_data / name
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    with pytest.raises(DataError) as info:
        datasets.validate()
    message = str(info.value)
    assert message.startswith(f"{name}, row 1: starts with a byte-order mark (BOM")
    assert f"sed -i '1s/^\\xEF\\xBB\\xBF//' {path}" in message
    # The fix it names works, and loses nothing.
    subprocess.run(["sed", "-i", r"1s/^\xEF\xBB\xBF//", str(path)], check=True, timeout=60)
    datasets.validate()


def test_a_bom_in_the_registry_is_named_by_the_sources_command(tmp_data, capsys):
    from shanxi_analysis.cli import main

    path = tmp_data / "sources.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert main(["sources"]) == 2
    err = capsys.readouterr().err
    assert f"{path}, line 1: starts with a byte-order mark (BOM" in err


@pytest.mark.parametrize("name", CSV_FILES)
@pytest.mark.parametrize("ending", [b"\n", b"\n\n", b"\r\n"])
def test_trailing_blank_lines_are_accepted(tmp_data, name, ending):
    path = tmp_data / name
    before = {t: len(getattr(datasets, t)()) for t in ("facts", "sources", "entities")}
    path.write_bytes(path.read_bytes() + ending)
    datasets.validate()
    assert {t: len(getattr(datasets, t)()) for t in before} == before


def test_a_blank_line_inside_a_table_is_still_refused(tmp_data):
    path = tmp_data / "curated" / "events.csv"
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([*lines[:3], b"", *lines[3:]]))
    with pytest.raises(DataError, match=r"events\.csv, row 4: has 0 fields"):
        datasets.validate()


@pytest.mark.parametrize("kind", ["file", "missing"])
def test_a_data_folder_that_is_not_a_folder_is_a_clear_error(tmp_path, monkeypatch, capsys, kind):
    from shanxi_analysis.cli import main

    target = tmp_path / "data.csv"
    if kind == "file":
        target.write_text("not a folder\n", encoding="utf-8")
    monkeypatch.setenv(paths.DATA_ENV, str(target))
    expect = "is a file, not a folder" if kind == "file" else "does not exist"
    with pytest.raises(paths.DataDirError, match=f"{paths.DATA_ENV}=.*{expect}"):
        datasets.facts()
    for command in ("check", "sources"):
        assert main([command]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"shanxi-analysis: error: {paths.DATA_ENV}={target}: ")
        assert f"{target} {expect} (expected a data folder" in err


# ---------------------------------------------------------------- any table of facts


def _own_facts() -> pd.DataFrame:
    """Fictional facts of one's own: an indicator and a source the package does not know."""
    return pd.DataFrame(
        {
            "indicator_id": ["ferries", "ferries", "ferries", "coal_mines"],
            "entity_id": ["lakeside", "lakeside", "hilltown", "shanxi"],
            "period": ["2019", "2021Q2", "2020", "2020"],
            "base_value": [3, "4", 5.0, 900],
            "base_unit": ["count"] * 4,
            "qualifier": ["none", None, "approx", "none"],
            "kind": ["actual", "actual", None, "actual"],
            "source_id": ["my-survey"] * 4,
            "quote": ["(fictional)"] * 4,
        }
    )


def test_fact_frame_checks_and_labels_a_table_of_ones_own():
    df = datasets.fact_frame(_own_facts(), "en")
    assert list(df["fact_id"]) == ["row-1", "row-2", "row-3", "row-4"]
    assert df["base_value"].tolist() == [3.0, 4.0, 5.0, 900.0]
    assert df["qualifier"].tolist() == ["none", "none", "approx", "none"]
    assert df["kind_label"].tolist() == ["actual"] * 4
    # the package's names for its own ids, the ids for the rest
    assert df["indicator"].tolist() == ["ferries", "ferries", "ferries", "Coal mines"]
    assert df["entity"].iloc[3] == "Shanxi Province" and df["entity"].iloc[0] == "lakeside"
    bad = _own_facts().assign(kind=["actual", "guess", "actual", "actual"])
    with pytest.raises(ValueError, match=r"row 2 \(row-2\), column 'kind': 'guess' is not one"):
        datasets.fact_frame(bad, "en")
    with pytest.raises(ValueError, match=r"missing column\(s\) quote; a DataFrame of facts needs"):
        datasets.fact_frame(_own_facts().drop(columns="quote"), "en")


def test_pick_chooses_by_meaning_and_says_what_the_data_holds():
    df = datasets.fact_frame(_own_facts(), "en")
    assert datasets.pick(df, indicator="ferries", entity="lakeside")["period"].tolist() == [
        "2019",
        "2021Q2",
    ]
    with pytest.raises(
        ValueError,
        match=r"mine: no row with period 2030 among the rows selected so far; "
        r"the data has period\(s\) 2019, 2021Q2",
    ):
        datasets.pick(df, what="mine", entity="lakeside", period="2030")


def test_latest_takes_each_groups_latest_period_in_the_order_asked():
    df = datasets.fact_frame(_own_facts(), "en")
    out = datasets.latest(df, ["indicator_id"], order=["coal_mines", "ferries"])
    assert out[["indicator_id", "period"]].values.tolist() == [
        ["coal_mines", "2020"],
        ["ferries", "2021Q2"],
    ]


@given(
    year=st.integers(1900, 2100),
    grain=st.sampled_from(["", "Q1", "Q2", "Q3", "Q4", "H1", "H2", "-01", "-07", "-12"]),
)
def test_period_span_lies_within_its_year(year, grain):
    start, end = datasets.period_span(f"{year}{grain}")
    assert year <= start < end <= year + 1
    assert datasets.period_span(f"{year}/{year + 2}") == (year, year + 3)


def test_a_period_not_written_as_the_conventions_say_is_named():
    with pytest.raises(ValueError, match=r"period '2020年' is not YYYY, YYYY-MM"):
        datasets.period_span("2020年")


def test_citation_line_names_a_source_of_ones_own_when_given_its_title():
    line = datasets.citation_line(["my-survey", "liaowang-2021"], "en", {"my-survey": "My survey"})
    assert line.startswith("Source: My survey; Liaowang Newsweekly")
    assert "my-survey" not in datasets.citation_line(["my-survey"], "en")


def test_latest_keeps_the_later_row_of_a_tie_and_takes_one_column_by_name():
    df = datasets.fact_frame(_own_facts(), "en")
    tie = df.iloc[[2]].assign(fact_id="row-5", source_id="second-survey", base_value=6.0)
    out = datasets.latest(pd.concat([df, tie], ignore_index=True), "entity_id")
    kept = out.set_index("entity_id")
    assert kept.loc["hilltown", "source_id"] == "second-survey"  # same period: the later row
    assert kept.loc["lakeside", "period"] == "2021Q2"


def test_a_year_given_as_a_number_selects_like_its_text():
    df = datasets.fact_frame(_own_facts(), "en")
    assert datasets.pick(df, period=2020)["fact_id"].tolist() == ["row-3", "row-4"]
    assert datasets.as_ids(2020) == ["2020"] and datasets.as_ids(None) is None


def test_the_data_version_follows_the_raw_articles_but_not_hidden_files(tmp_data):
    before = datasets.version()
    (tmp_data / "raw" / ".article.md.swp").write_text("an editor's swap file", encoding="utf-8")
    assert datasets.version() == before
    (tmp_data / "raw" / "fictional-extra.md").write_text("虚构的文章。", encoding="utf-8")
    assert datasets.version() != before
