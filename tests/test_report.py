"""The report builder: offline self-contained HTML, skipping, failures, reproducibility."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from pagetools import libraries

from shanxi_analysis import paths, report
from shanxi_analysis.cli import main
from shanxi_analysis.report import runner

THEME = "development-zones"
STEM = "04-development-zones"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    tasks = report.build([THEME], out=out, jobs=2, progress=False)
    return out, tasks


def test_reports_and_index_are_written(built):
    out, tasks = built
    assert [(t.lang, t.status) for t in tasks] == [("zh", "built"), ("en", "built")]
    for lang in ("zh", "en"):
        assert (out / lang / f"{STEM}.html").stat().st_size > 100_000
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="zh/{STEM}.html"' in index and f'href="en/{STEM}.html"' in index
    assert (
        "开发区与转型综改示范区" in index
        and "Development zones and the demonstration zone" in index
    )
    assert "83个" in index or "83 个" in index  # key figures come from the data
    assert "not built" in index  # other themes are listed even before they are built


def _soup(out: Path, lang: str) -> BeautifulSoup:
    return BeautifulSoup((out / lang / f"{STEM}.html").read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_loads_nothing_from_the_network(built, lang):
    out, _ = built
    soup = _soup(out, lang)
    for tag in soup.find_all(["script", "link", "img", "iframe", "source", "video", "audio"]):
        for attr in ("src", "href"):
            value = tag.get(attr) or ""
            assert not value.startswith(("http:", "https:", "//")), str(tag)[:200]
    text = str(soup)
    assert "cdn.jsdelivr" not in text and "require.js" not in text.lower()
    assert "mathjax" not in text.lower()
    assert text.count("vega-embed@") <= 1 and "var VEGA_DEBUG = {" in text
    libs = libraries(text)  # Vega, and DataTables for the fact table, packed in the page
    assert "vegaEmbed" in libs["vega"] and "vegaLite" in libs["vega"]
    assert "DataTable" in libs["datatables"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_has_contents_charts_downloads_and_hides_code(built, lang):
    out, _ = built
    soup = _soup(out, lang)
    assert soup.html["lang"] == lang
    toc = soup.find("nav", class_="sx-toc")
    assert toc is not None and len(toc.find_all("li")) >= 4
    for a in toc.find_all("a"):
        assert soup.find(id=a["href"][1:]) is not None
    charts = soup.find_all("div", class_="sx-chart")
    downloads = soup.find_all("div", class_="sx-download")
    assert len(charts) == len(downloads) == 3
    assert all(d.a["href"].startswith("data:text/csv;charset=utf-8;base64,") for d in downloads)
    assert "page.say(" not in soup.get_text() and "import" not in soup.get_text()
    assert (out / lang / f"{STEM}.html").stat().st_size <= 1.5 * 1024 * 1024


def test_show_code_includes_the_code(tmp_path):
    report.build([THEME], langs="en", out=tmp_path, jobs=1, show_code=True, progress=False)
    page = BeautifulSoup(
        (tmp_path / "en" / f"{STEM}.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert "page.say(" in page.get_text()


def test_unchanged_reports_are_skipped_and_rebuilt_when_data_change(built, tmp_path, monkeypatch):
    out, _ = built
    again = report.build([THEME], out=out, jobs=2, progress=False)
    assert [t.status for t in again] == ["skipped", "skipped"]
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    notes = data / "curated" / "excluded_mentions.csv"
    notes.write_text(
        notes.read_text(encoding="utf-8").replace("not a statistic", "no statistic"),
        encoding="utf-8",
    )
    monkeypatch.setenv(paths.DATA_ENV, str(data))
    tasks, _ = runner.plan([THEME], out=out)
    assert [t.status for t in tasks] == ["pending", "pending"]


def test_same_inputs_give_byte_identical_html(built, tmp_path):
    # Built by one worker this time, not two: the second page's pictures are drawn by a
    # vl-convert process that drew the first page's before (its ids count on).
    out, _ = built
    report.build([THEME], out=tmp_path, jobs=1, force=True, progress=False)
    for lang in ("zh", "en"):
        first = (out / lang / f"{STEM}.html").read_bytes()
        second = (tmp_path / lang / f"{STEM}.html").read_bytes()
        assert first == second, lang


def _bad_notebook(directory: Path) -> None:
    good = nbformat.read(paths.notebooks_dir() / f"{STEM}.ipynb", as_version=4)
    bad = nbformat.v4.new_notebook(metadata=good.metadata)
    bad.cells = [good.cells[1], nbformat.v4.new_code_cell("total = 1\nraise RuntimeError('boom')")]
    bad.cells[1]["id"] = "boom"
    nbformat.write(bad, directory / "09-broken.ipynb")
    shutil.copy(paths.notebooks_dir() / f"{STEM}.ipynb", directory / f"{STEM}.ipynb")


def test_a_failing_notebook_keeps_the_last_good_report_and_does_not_stop_others(tmp_path, capsys):
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    _bad_notebook(notebooks)
    out = tmp_path / "out"
    previous = out / "en" / "09-broken.html"
    previous.parent.mkdir(parents=True)
    previous.write_text("last good report", encoding="utf-8")
    tasks = report.build(langs="en", out=out, jobs=2, notebooks_dir=notebooks)
    status = {t.notebook.stem: t.status for t in tasks}
    assert status == {STEM: "built", "09-broken": "failed"}
    assert previous.read_text(encoding="utf-8") == "last good report"
    kept = out / "_failed" / "en" / "09-broken.ipynb"
    failed_nb = nbformat.read(kept, as_version=4)
    errors = [o for c in failed_nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors and errors[0].ename == "RuntimeError"
    err = capsys.readouterr().err
    assert "FAILED en/09-broken: cell" in err and "RuntimeError: boom" in err
    assert "raise RuntimeError('boom')" in err and str(kept) in err
    assert "1 built, 0 skipped, 1 failed" in err
    manifest = json.loads((out / runner.MANIFEST).read_text())
    assert "en/09-broken.html" not in manifest


def test_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "r.html"
    target.write_text("old", encoding="utf-8")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        runner.atomic_write(target, b"new")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "tourism"], "unknown theme 'tourism'; expected one of: overview, coal-energy"),
        (["report", "--lang", "fr"], "unknown language 'fr'; expected zh, en or zh,en"),
        (["report", "-p", "colour", "red"], "unknown parameter 'colour'; the notebook declares"),
        (
            ["report", "-p", "interactive", "true"],
            "parameter 'interactive' cannot be set with -p: reports are static pages",
        ),
        (["report", "-p", "lang", "en"], "parameter 'lang' cannot be set with -p: it is set by"),
        (["report", "--timeout", "0"], "--timeout must be a positive number of seconds"),
        (["report", "--jobs", "0"], "--jobs must be at least 1"),
    ],
)
def test_bad_requests_are_refused_before_anything_runs(argv, message, tmp_path, capsys):
    assert main([*argv, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_report_help_lists_the_options(capsys):
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    out = capsys.readouterr().out
    for option in ("--lang", "--jobs", "--force", "--show-code", "--out"):
        assert option in out


def test_pages_link_to_the_indicator_page_only_where_it_is_built(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(paths.notebooks_dir() / f"{STEM}.ipynb", folder / f"{STEM}.ipynb")
    out = tmp_path / "out"

    def build(themes=()):
        return report.build(
            themes, langs="en", out=out, jobs=1, notebooks_dir=folder, progress=False
        )

    def linked(page: str) -> bool:
        return 'href="indicators.html"' in (out / "en" / f"{page}.html").read_text("utf-8")

    assert build().ok and not linked(STEM)  # no notebook writes the indicator page
    indicators = next(paths.notebooks_dir().glob("*-indicators.ipynb"))
    shutil.copy(indicators, folder / indicators.name)
    # only the theme is asked for, and the indicator page was never built: still no link
    assert [t.status for t in build([STEM])] == ["skipped"] and not linked(STEM)
    # a build that makes it: the theme page is rebuilt with the link; no link to itself
    assert sorted(t.status for t in build()) == ["built", "built"]
    assert linked(STEM) and not linked("indicators")
    assert [t.status for t in build([STEM])] == ["skipped"]  # and it stays
    (folder / indicators.name).unlink()  # its notebook gone: the link goes
    assert [t.status for t in build([STEM])] == ["built"] and not linked(STEM)


def test_a_pages_random_element_ids_are_numbered_in_order_each_kind_on_its_own():
    from shanxi_analysis import htmlsafe
    from shanxi_analysis.report import html as page_html

    ids = [htmlsafe.new_element_id(htmlsafe.VEGA_ELEMENT_PREFIX) for _ in range(2)]
    ids.append(htmlsafe.new_element_id(htmlsafe.FACTTABLE_ELEMENT_PREFIX))
    body = "".join(f'<div id="{i}"></div><script>draw("{i}")</script>' for i in ids)
    out = page_html.postprocess(f"<html><body>{body}</body></html>", lang="en", stem="x")
    assert re.findall(r'id="([^"]+)"', out)[-3:] == ["sx-vega-1", "sx-vega-2", "sx-facttable-1"]
    assert 'draw("sx-facttable-1")' in out and not any(i in out for i in ids)
