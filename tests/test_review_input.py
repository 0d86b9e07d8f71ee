"""What ``add`` and ``review --apply`` refuse, and how their messages name it.

Every article, id and reviewer's word here is fictional, written for these tests.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shanxi_analysis import datasets, ingest, paths, review

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tests" / "fixtures" / "articles"
CLI = [sys.executable, "-m", "shanxi_analysis.cli"]
SOURCE_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def _snapshot(data: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(data)): p.read_bytes()
        for p in sorted(data.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def _cli(args: list[str], data: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, paths.DATA_ENV: str(data)},
    )


# ---------------------------------------------------------------- --source-id (#5)


def _refused_add(tmp_data, *options: str) -> str:
    """Run ``add`` on a fictional article with ``options`` at the command line; check that it
    exits with 2 and writes nothing; return what it printed on stderr."""
    before = _snapshot(tmp_data.parent)
    args = ["add", str(ARTICLES / "gb18030.txt"), "--publisher", "虚构报", *options]
    out = _cli(args, tmp_data)
    assert out.returncode == 2, out.stderr
    assert _snapshot(tmp_data.parent) == before
    return out.stderr


def test_add_refuses_a_source_id_outside_the_pattern_and_writes_nothing(tmp_data):
    err = _refused_add(tmp_data, "--published", "2024", "--source-id", "../../x")
    assert "--source-id '../../x' is not allowed" in err
    assert "lowercase ASCII" in err


@pytest.mark.parametrize("bad", ["a b", "山西-2024", "x/y", "..", "Upper", "a--b", "-a"])
def test_add_refuses_other_source_ids_naming_them(tmp_data, bad):
    before = _snapshot(tmp_data)
    overrides = ingest.Overrides(source_id=bad, publisher="虚构报", published="2024")
    with pytest.raises(ingest.IngestError, match=re.escape(f"--source-id {bad!r}")):
        ingest.add([ARTICLES / "gb18030.txt"], overrides, progress=False, jobs=1)
    assert _snapshot(tmp_data) == before


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_a_source_id_is_allowed_exactly_when_it_matches_the_registry_pattern(text):
    ok = SOURCE_ID.fullmatch(text) is not None
    try:
        ingest.check_overrides(ingest.Overrides(source_id=text))
    except ingest.IngestError as exc:
        assert not ok and "--source-id" in str(exc)
    else:
        assert ok


def test_review_refuses_a_source_id_that_would_leave_the_review_folder(tmp_data):
    out = _cli(["review", "../../etc/x", "--apply"], tmp_data)
    assert out.returncode == 2 and "'../../etc/x' is not allowed" in out.stderr


# ---------------------------------------------------------------- impossible dates (#15)


def test_add_refuses_an_impossible_publication_date(tmp_data):
    assert "--published '2021-13-45'" in _refused_add(tmp_data, "--published", "2021-13-45")


@pytest.mark.parametrize("bad", ["abc 1999/99/99", "2023-02-29", "2021-00", "abc 2021-05-01"])
def test_add_refuses_other_impossible_dates_naming_them(tmp_data, bad):
    before = _snapshot(tmp_data)
    overrides = ingest.Overrides(source_id="fictional-gb", publisher="虚构报", published=bad)
    with pytest.raises(ingest.IngestError, match=re.escape(f"--published {bad!r}")):
        ingest.add([ARTICLES / "gb18030.txt"], overrides, progress=False, jobs=1)
    assert _snapshot(tmp_data) == before


@settings(max_examples=300, deadline=None)
@given(st.integers(1000, 2999), st.integers(0, 99), st.integers(0, 99))
def test_a_normalised_date_is_a_real_date_or_nothing(y, m, d):
    import datetime as dt

    for text in (f"{y}-{m:02d}-{d:02d}", f"{y}年{m}月{d}日", f"abc {y}/{m}/{d}", f"{y}-{m:02d}"):
        iso, precision = ingest.normalise_date(text)
        if iso:
            parts = [int(x) for x in iso.split("-")] + [1]
            dt.date(*parts[:3])  # raises on an impossible date
            assert precision in ("day", "month")


def test_an_impossible_date_in_the_front_matter_is_not_stored(tmp_data, tmp_path):
    article = tmp_path / "fictional-dated.md"
    article.write_text(
        "---\ntitle: 虚构测试文章\ndate: 2021-13-45\nsource: 虚构报\n---\n\n"
        "某县去年新建虚构工厂 12 座。\n",
        encoding="utf-8",
    )
    summary = ingest.add([article], progress=False, jobs=1)
    assert summary.added == [] and summary.errors
    assert not (tmp_data / "raw" / article.name).exists()


# ---------------------------------------------------------------- review errors (#17, #18)


@pytest.fixture
def added(tmp_data):
    summary = ingest.add(
        [ARTICLES / "gb18030.txt"],
        ingest.Overrides(published="2024-03-15", source_id="fictional-gb", publisher="虚构报"),
        progress=False,
        jobs=1,
    )
    assert summary.added == ["fictional-gb"], summary.errors
    return tmp_data


def _decide(rows: list[dict]) -> list[dict]:
    for r in rows:
        if r["exclude"]:
            r["decision"] = "exclude"
            continue
        r["decision"] = "accept"
        r["quote_en"] = "(fictional test article)"
        r["indicator_name_en"] = r["indicator_name_en"] or "Fictional measure"
        r["indicator_definition_zh"] = "虚构文章中的测试量"
        r["indicator_definition_en"] = "A quantity of a fictional test article"
    return rows


def _write(data: Path, rows: list[dict], drop: tuple[str, ...] = ()) -> Path:
    path = data / "review" / "fictional-gb.csv"
    header = [c for c in rows[0] if c not in drop]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


def _apply_fails(data: Path) -> str:
    curated = _snapshot(data / "curated")
    out = _cli(["review", "fictional-gb", "--apply"], data)
    assert out.returncode == 2, out.stdout + out.stderr
    assert _snapshot(data / "curated") == curated
    message = out.stderr
    assert "shanxi-review-" not in message and "/tmp/tmp" not in message  # no temporary copy
    assert "curated/facts.csv, row" not in message
    assert "curated/excluded_mentions.csv, row" not in message
    return message


def test_a_bad_field_is_named_by_the_review_file_its_row_and_column(added):
    rows = _decide(review.read_review("fictional-gb"))
    at = next(i for i, r in enumerate(rows) if r["decision"] == "accept")
    rows[at]["period"] = "not a period"
    path = _write(added, rows)
    message = _apply_fails(added)
    assert f"{path}, row {at + 2}, field 'period'" in message  # the header is row 1


def test_a_bad_exclusion_is_named_by_its_review_row(added):
    rows = _decide(review.read_review("fictional-gb"))
    at = next(i for i, r in enumerate(rows) if r["decision"] == "exclude")
    rows[at]["span"] = "不在引文中的虚构数字"
    path = _write(added, rows)
    message = _apply_fails(added)
    assert f"{path}, row {at + 2}, field 'span'" in message


def test_an_unknown_reason_code_lists_the_allowed_ones(added):
    rows = _decide(review.read_review("fictional-gb"))
    at = next(i for i, r in enumerate(rows) if r["decision"] == "exclude")
    rows[at]["reason_code"] = "boring"
    path = _write(added, rows)
    message = _apply_fails(added)
    assert f"{path}, row {at + 2}, field 'reason_code'" in message
    for code in review.allowed("excluded_mentions", "reason_code"):
        assert code in message


@pytest.mark.parametrize("drop", [("quote",), ("quote", "reason_code"), ("entity_parent_id",)])
def test_a_review_file_missing_a_column_names_it(added, drop):
    path = _write(added, _decide(review.read_review("fictional-gb")), drop=drop)
    message = _apply_fails(added)
    assert f"{path}, row 1: missing column" in message
    assert all(c in message for c in drop)


def test_the_readme_lists_the_reason_codes_of_the_datapackage():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Adding data") :]
    assert "allowed reason codes" in section, "the 'Adding data' section lists no reason codes"
    listed = section[section.index("allowed reason codes") :].split("\n\n")[0]
    codes = re.findall(r"^\s*- `([a-z_]+)`", listed, flags=re.M)
    assert tuple(codes) == review.allowed("excluded_mentions", "reason_code")


# ---------------------------------------------------------------- both languages (issue 20)


@pytest.mark.parametrize(
    "empty",
    ["indicator_name", "indicator_name_en", "indicator_definition_zh", "indicator_definition_en"],
)
def test_a_new_indicator_needs_names_and_definitions_in_both_languages(added, empty):
    rows = _decide(review.read_review("fictional-gb"))
    known = review.known_ids()["indicators"]
    at = next(
        i
        for i, r in enumerate(rows)
        if r["decision"] == "accept" and r["indicator_id"] not in known
    )
    for r in rows:  # the words are missing for every row of that indicator
        if r["indicator_id"] == rows[at]["indicator_id"]:
            r[empty] = ""
    path = _write(added, rows)
    message = _apply_fails(added)
    assert f"{path}, row {at + 2}, field '{empty}'" in message and "new indicator" in message


def test_a_new_entity_needs_its_english_name_type_and_parent(added):
    rows = _decide(review.read_review("fictional-gb"))
    at = next(i for i, r in enumerate(rows) if r["decision"] == "accept")
    rows[at].update(
        entity_id="fictional-county",
        entity_name_en="Fictional County",
        entity_type="county",
        entity_parent_id="",
    )
    path = _write(added, rows)
    message = _apply_fails(added)
    assert f"{path}, row {at + 2}, field 'entity_parent_id'" in message
    rows[at]["entity_parent_id"] = "no-such-parent"
    _write(added, rows)
    message = _apply_fails(added)
    assert f"{path}, row {at + 2}, field 'entity_parent_id'" in message
    assert "no-such-parent" in message


def test_applied_words_are_the_reviewers_and_chinese_pages_show_no_english_definition(added):
    rows = _decide(review.read_review("fictional-gb"))
    at = next(i for i, r in enumerate(rows) if r["decision"] == "accept")
    name = rows[at]["entity_name"] or "虚构"
    rows[at].update(
        entity_id="fictional-county",
        entity_name=name,
        entity_name_en="Fictional County",
        entity_type="county",
        entity_parent_id="shanxi",
    )
    _write(added, rows)
    review.apply("fictional-gb")
    inds = datasets.indicators("en")
    new = inds[inds["definition"] == "A quantity of a fictional test article"]
    assert not new.empty
    assert set(new["definition_zh"]) == {"虚构文章中的测试量"}
    assert not inds["definition"].str.contains("added from", na=False).any()
    ent = datasets.entities("en").set_index("entity_id").loc["fictional-county"]
    assert ent["parent_id"] == "shanxi" and ent["name_en"] == "Fictional County"
    from shanxi_analysis import catalogue

    english = dict(zip(inds["indicator_id"], inds["definition"], strict=True))
    for entry in catalogue.entries("zh"):
        assert entry.definition != english[entry.indicator_id] or not entry.definition
    zh = {e.indicator_id: e.definition for e in catalogue.entries("zh")}
    assert {zh[i] for i in new["indicator_id"] if i in zh} <= {"虚构文章中的测试量"}


def test_the_widget_asks_for_a_new_indicators_words_and_applies_them(added):
    from shanxi_analysis.review_widget import ReviewWidget

    rows = review.read_review("fictional-gb")
    known = review.known_ids()["indicators"]
    widget = ReviewWidget("fictional-gb", rows)
    assert widget.reason_code.options == review.allowed("excluded_mentions", "reason_code")
    for i, r in enumerate(rows):
        widget.show(i)
        new = r["indicator_id"] not in known
        assert (widget.new_indicator.layout.display == "none") is not new
        if r["exclude"]:
            widget.reason.value = "(fictional) a count of the text's own parts"
            widget.reason_code.value = r["reason_code"] or "enumeration"
            widget.decide("exclude")
            continue
        widget.quote_en.value = "(fictional test article)"
        if new:
            widget.words["indicator_name_en"].value = "Fictional measure"
            widget.words["indicator_definition_zh"].value = "虚构文章中的测试量"
            widget.words["indicator_definition_en"].value = "A quantity of a fictional article"
        widget.decide("accept")
    widget.save(apply=True)
    assert widget.status.value.startswith("Applied"), widget.status.value
    inds = datasets.indicators("zh")
    added_inds = inds[~inds["indicator_id"].isin(known)]
    assert not added_inds.empty
    assert set(added_inds["definition_zh"]) == {"虚构文章中的测试量"}
    assert set(added_inds["definition"]) == {"A quantity of a fictional article"}


def test_the_widget_says_when_another_writer_holds_the_data(added, monkeypatch):
    from shanxi_analysis import txn
    from shanxi_analysis.review_widget import ReviewWidget

    widget = ReviewWidget("fictional-gb")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from shanxi_analysis import txn\n"
            "with txn.writing(Path(sys.argv[1]), 'a fictional apply'):\n"
            "    print('held', flush=True); sys.stdin.readline()\n",
            str(added),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setenv(txn.WAIT_ENV, "0.2")
        before = (added / "review" / "fictional-gb.csv").read_bytes()
        widget.rows[0]["decision"] = "accept"
        widget.save()
        assert "Not saved" in widget.status.value
        assert "a fictional apply" in widget.status.value
        assert (added / "review" / "fictional-gb.csv").read_bytes() == before
    finally:
        holder.communicate("\n")
    widget.save()
    assert widget.status.value.startswith("Saved")
    assert review.read_review("fictional-gb")[0]["decision"] == "accept"


def test_a_review_file_saved_in_another_encoding_is_named_with_its_row(added):
    path = added / "review" / "fictional-gb.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("gb18030"))
    first_non_ascii_row = next(
        i for i, line in enumerate(text.splitlines(), start=1) if not line.isascii()
    )
    message = _apply_fails(added)
    assert f"{path}, row {first_non_ascii_row}: not UTF-8" in message
    assert "CSV UTF-8" in message


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_indicator_page_shows_each_definition_in_the_pages_language(lang, monkeypatch):
    from shanxi_analysis import notebook

    shown = []
    monkeypatch.setattr(notebook, "_display", shown.append)
    notebook.Page("overview", lang=lang, interactive=True).indicators()
    def texts(o):  # what a display shows: HTML outputs, and widgets' HTML (the page is a widget)
        for attr in ("data", "value"):
            if isinstance(getattr(o, attr, None), str):
                yield getattr(o, attr)
        for child in getattr(o, "children", ()) or ():
            yield from texts(child)
        for out in getattr(o, "outputs", ()) or ():  # an Output widget's displays
            html_text = (out.get("data") or {}).get("text/html") if isinstance(out, dict) else None
            if isinstance(html_text, str):
                yield html_text

    page = "".join(s for o in shown for s in texts(o))
    found = re.findall(r'<p class="sx-definition"([^>]*)>([^<]*)</p>', page)
    inds = datasets.indicators(lang).set_index("indicator_id")
    column = "definition_zh" if lang == "zh" else "definition"
    import html as _html

    expected = {_html.escape(str(d)) for d in inds[column]}
    assert found and all(attrs == "" for attrs, _ in found)  # no lang="en" on a zh page
    assert {text for _, text in found} <= expected
    if lang == "zh":
        english = {_html.escape(str(d)) for d in inds["definition"]}
        assert not {text for _, text in found} & english
