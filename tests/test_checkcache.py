"""The data checks run again only when the data or the package change (issue 23: a no-op
``make report`` in under a second)."""

from __future__ import annotations

import csv
import shutil

import pytest

from shanxi_analysis import checkcache, checks, paths
from shanxi_analysis.cli import main
from shanxi_analysis.report import runner


@pytest.fixture
def counted(monkeypatch, tmp_path):
    """An empty cache folder, and the number of times the checks really ran, by kind."""
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    calls = {"rules": 0, "agreement": 0}
    run, agreement = checks.run, checks.agreement_mismatches

    def counted_run(*args, **kwargs):
        calls["rules"] += 1
        return run(*args, **kwargs)

    def counted_agreement(*args, **kwargs):
        calls["agreement"] += 1
        return agreement(*args, **kwargs)

    monkeypatch.setattr(checks, "run", counted_run)
    monkeypatch.setattr(checks, "agreement_mismatches", counted_agreement)
    return calls


def _contradict_coal_mines(data) -> None:
    """Give Shanxi's 2020 count of coal mines a value its quote does not say (fictional)."""
    path = data / "curated" / "facts.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    row = next(
        r
        for r in rows
        if (r["indicator_id"], r["entity_id"], r["period"]) == ("coal_mines", "shanxi", "2020")
    )
    row["value"] = row["base_value"] = "9000"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_check_prints_the_kept_result_until_the_data_change(tmp_data, counted, capsys):
    assert main(["check", "--lang", "en"]) == 0
    first = capsys.readouterr().out
    assert counted["rules"] == 1 and "every fact matches what its quote says" in first
    assert main(["check", "--lang", "en"]) == 0
    assert capsys.readouterr().out == first and counted["rules"] == 1  # kept
    assert main(["check", "--lang", "zh"]) == 0  # each language is its own output
    assert counted["rules"] == 2 and "每个事实的数值与原文读数一致" in capsys.readouterr().out

    _contradict_coal_mines(tmp_data)
    assert main(["check", "--lang", "en"]) == 1  # run again, and failing
    failed = capsys.readouterr().out
    assert counted["rules"] == 3 and "mismatches" in failed and "9000" in failed
    assert main(["check", "--lang", "en"]) == 1  # a failure is kept with its exit status
    assert capsys.readouterr().out == failed and counted["rules"] == 3


def test_data_problems_run_again_when_the_package_changes(tmp_data, counted, tmp_path, monkeypatch):
    assert runner.data_problems() == [] and counted["agreement"] == 1
    assert runner.data_problems() == [] and counted["agreement"] == 1
    package = tmp_path / "package"
    shutil.copytree(
        paths.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__", "_data")
    )
    monkeypatch.setattr(paths, "PACKAGE_DIR", package)
    assert runner.data_problems() == [] and counted["agreement"] == 1  # the same files
    with (package / "quantities.py").open("a", encoding="utf-8") as fh:
        fh.write("\n# an edit\n")
    assert runner.data_problems() == [] and counted["agreement"] == 2


def test_a_broken_or_unwritable_cache_only_costs_time(tmp_data, counted, tmp_path, monkeypatch):
    assert runner.data_problems() == []
    (entry,) = (tmp_path / "cache" / checkcache.FOLDER).glob("problems-*.json")
    entry.write_text('{"result": ', encoding="utf-8")  # cut off
    assert runner.data_problems() == [] and counted["agreement"] == 2
    assert entry.read_text(encoding="utf-8") == '{"result": []}'  # written again
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x", encoding="utf-8")
    monkeypatch.setenv(paths.CACHE_ENV, str(not_a_folder))
    _contradict_coal_mines(tmp_data)
    problems = runner.data_problems()
    assert problems and all("agreement: curated/facts.csv" in p for p in problems)
    assert "value is 9000.0" in problems[0]
