"""The report builder under bad data, broken notebooks, crashes, hangs, Ctrl-C, poisoned
caches and full disks: a clear message, the summary, the documented exit status, and no
good report lost."""

from __future__ import annotations

import csv
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from pagetools import libraries

from shanxi_analysis import paths, report, vegabundle
from shanxi_analysis.cli import main
from shanxi_analysis.report import runner

GOOD = "04-development-zones"


def notebook_with(directory: Path, stem: str, code: str) -> Path:
    """Write a theme notebook ``stem`` whose only cell after the parameters runs ``code``."""
    good = nbformat.read(paths.notebooks_dir() / f"{GOOD}.ipynb", as_version=4)
    params = next(c for c in good.cells if "parameters" in c.metadata.get("tags", []))
    nb = nbformat.v4.new_notebook(metadata=good.metadata)
    nb.cells = [params, nbformat.v4.new_code_cell(code)]
    nb.cells[1]["id"] = "the-cell"
    path = directory / f"{stem}.ipynb"
    nbformat.write(nb, path)
    return path


def notebooks_dir(tmp_path: Path, **special: str) -> Path:
    """A notebooks folder with one real theme notebook and the given special ones."""
    directory = tmp_path / "nb"
    directory.mkdir()
    shutil.copy(paths.notebooks_dir() / f"{GOOD}.ipynb", directory)
    for stem, code in special.items():
        notebook_with(directory, stem, code)
    return directory


def edited_data(tmp_path: Path, rel: str, fact_id: str, **changes: str) -> Path:
    """Copy the data with some fields of one row of ``rel`` changed."""
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    path = data / rel
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    for row in rows:
        if row[header[0]] == fact_id:
            row.update(changes)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return data


# ---------------------------------------------------------------- a report never contradicts


def test_a_value_that_contradicts_its_quote_is_not_published(tmp_path, monkeypatch, capsys):
    data = edited_data(
        tmp_path, "curated/facts.csv", "lw-coal-mines-2020", value="9000", base_value="9000"
    )
    monkeypatch.setenv(paths.DATA_ENV, str(data))
    out = tmp_path / "out"
    previous = out / "en" / "01-coal-energy.html"
    previous.parent.mkdir(parents=True)
    previous.write_text("last good report", encoding="utf-8")
    assert main(["report", "coal-energy", "--lang", "en", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "fact lw-coal-mines-2020: value is 9000.0" in err
    assert "全省煤矿数量减至 900 座以内" in err and "reads 900.0" in err
    assert "--skip-data-checks" in err
    assert previous.read_text(encoding="utf-8") == "last good report"
    # An explicit flag builds anyway, and the next checked build does not skip that report.
    assert (
        main(["report", "coal-energy", "--lang", "en", "--out", str(out), "--skip-data-checks"])
        == 0
    )
    assert "9,000" in previous.read_text(encoding="utf-8")
    assert main(["report", "coal-energy", "--lang", "en", "--out", str(out)]) == 2


def test_invalid_data_fails_every_report_but_the_summary_is_printed(tmp_path, monkeypatch, capsys):
    data = edited_data(tmp_path, "curated/facts.csv", "lw-coal-mines-2020", value="1,5")
    monkeypatch.setenv(paths.DATA_ENV, str(data))
    out = tmp_path / "out"
    argv = ["report", "coal-energy", "--lang", "en", "--out", str(out)]
    assert main(argv) == 2
    assert "row 3, field 'value': '1,5' is not a number" in capsys.readouterr().err
    assert main([*argv, "--skip-data-checks"]) == 1
    err = capsys.readouterr().err
    assert "0 built, 0 skipped, 1 failed" in err
    assert "FAILED en/01-coal-energy:" in err and "'1,5' is not a number" in err
    assert "ERROR" in err and "index.html was not updated" in err


def test_a_figure_that_cannot_be_drawn_stops_the_build_before_any_report(
    tmp_path, monkeypatch, capsys
):
    # The build checks what `check` checks: a figures.csv row whose options its chart type
    # does not take is named (file, row, field) before a report is written, not mid-build.
    data = edited_data(
        tmp_path,
        "curated/figures.csv",
        "wind_solar_share",
        options='{"part": "wind_solar_capacity", "share": "wind_solar_capacity_share", '
        '"entity": "shanxi", "colour": "red"}',
    )
    monkeypatch.setenv(paths.DATA_ENV, str(data))
    out = tmp_path / "out"
    assert main(["report", "coal-energy", "--lang", "en", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "figures:" in err and "figures.csv" in err and "row 3" in err
    assert "share takes no 'colour'" in err
    assert not (out / "en" / "01-coal-energy.html").exists()


# ---------------------------------------------------------------- crashes, hangs, Ctrl-C


def test_a_notebook_that_kills_its_process_fails_alone(tmp_path, capsys):
    kill = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
    notebooks = notebooks_dir(tmp_path, **{"08-crash": kill})
    result = report.build(langs="en", out=tmp_path / "out", jobs=2, notebooks_dir=notebooks)
    status = {t.notebook.stem: t.status for t in result}
    assert status == {GOOD: "built", "08-crash": "failed"}
    crashed = next(t for t in result if t.notebook.stem == "08-crash")
    assert "killed by SIGKILL" in crashed.message
    assert "during cell 2 of 08-crash.ipynb: import os, signal" in crashed.message
    err = capsys.readouterr().err
    assert "1 built, 0 skipped, 1 failed" in err and "FAILED en/08-crash" in err
    assert not result.ok


# Long enough for the good report on a loaded 2-core machine (10 s was not, at load 10, when
# a report cost twice the CPU it costs now), far shorter than the hanging cell's 600 s.
HANG_LIMIT = 25


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_notebook_that_hangs_fails_alone_after_its_time_limit(tmp_path, jobs):
    notebooks = notebooks_dir(tmp_path, **{"08-hang": "import time\ntime.sleep(600)"})
    result = report.build(
        langs="en",
        out=tmp_path / "out",
        jobs=jobs,
        notebooks_dir=notebooks,
        timeout=HANG_LIMIT,
        progress=False,
    )
    status = {t.notebook.stem: t.status for t in result}
    assert status == {GOOD: "built", "08-hang": "failed"}, [t.message for t in result]
    hung = next(t for t in result if t.notebook.stem == "08-hang")
    assert f"time limit of {HANG_LIMIT} s" in hung.message
    assert "cell 2 of 08-hang.ipynb" in hung.message


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize(("jobs", "group"), [(1, False), (1, True), (2, True)])
def test_ctrl_c_stops_the_build_at_once(tmp_path, jobs, group):
    marker = tmp_path / "started"
    slow = (
        f"import os, time, pathlib\npathlib.Path({str(marker)!r}).write_text(str(os.getpid()))\n"
        "time.sleep(600)"
    )
    notebooks = notebooks_dir(tmp_path, **{"00-slow": slow})
    out = tmp_path / "out"
    env = {**os.environ, paths.NOTEBOOKS_ENV: str(notebooks)}
    # As started from a terminal: Ctrl-C raises KeyboardInterrupt even where the suite runs
    # in the background of a shell, whose children inherit SIGINT ignored.
    command = (
        "import signal, sys\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from shanxi_analysis.cli import main\n"
        "sys.exit(main(sys.argv[1:]))"
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            command,
            "report",
            "--lang",
            "en",
            "--jobs",
            str(jobs),
            "--out",
            str(out),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the slow notebook never started"
            time.sleep(0.2)
        time.sleep(0.5)
        worker = int(marker.read_text())
        if group:  # a terminal's Ctrl-C reaches every process of the group
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert not _alive(worker)
    assert not (out / "en" / "00-slow.html").exists()
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


# ---------------------------------------------------------------- caches and outputs


def test_a_broken_vega_bundle_in_the_cache_is_made_again(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    vegabundle._load.cache_clear()
    bundle = vegabundle.path()
    bundle.parent.mkdir(parents=True)
    bundle.write_text("", encoding="utf-8")  # empty, as after a full disk
    result = report.build([GOOD], langs="en", out=tmp_path / "out", progress=False)
    assert result.ok
    page = (tmp_path / "out" / "en" / f"{GOOD}.html").read_text(encoding="utf-8")
    assert len(libraries(page)["vega"]) > vegabundle.MIN_BYTES
    assert bundle.stat().st_size > vegabundle.MIN_BYTES
    # A bundle cut short after it was written is caught by its recorded hash.
    bundle.write_bytes(bundle.read_bytes()[: bundle.stat().st_size // 2])
    vegabundle._load.cache_clear()
    assert len(vegabundle.text()) > vegabundle.MIN_BYTES


def test_the_bundle_is_part_of_the_build_key(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    vegabundle._load.cache_clear()
    out = tmp_path / "out"
    assert [t.status for t in report.build([GOOD], langs="en", out=out, progress=False)] == [
        "built"
    ]
    assert [t.status for t in report.build([GOOD], langs="en", out=out, progress=False)] == [
        "skipped"
    ]
    bundle = vegabundle.path()
    changed = bundle.read_bytes() + b"\n// another build of the same libraries\n"
    bundle.write_bytes(changed)
    bundle.with_name(bundle.name + ".sha256").write_text(
        __import__("hashlib").sha256(changed).hexdigest(), encoding="ascii"
    )
    vegabundle._load.cache_clear()
    assert [t.status for t in report.build([GOOD], langs="en", out=out, progress=False)] == [
        "built"
    ]


def test_a_report_changed_on_disk_is_built_again(tmp_path):
    out = tmp_path / "out"
    report.build([GOOD], langs="en", out=out, progress=False)
    page = out / "en" / f"{GOOD}.html"
    page.write_bytes(page.read_bytes()[:80_000])  # truncated by hand or by a full disk
    result = report.build([GOOD], langs="en", out=out, progress=False)
    assert [t.status for t in result] == ["built"] and page.stat().st_size > 500_000


def test_a_cache_folder_that_is_a_file_gets_a_message(tmp_path, monkeypatch, capsys):
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("x", encoding="utf-8")
    monkeypatch.setenv(paths.CACHE_ENV, str(not_a_folder))
    vegabundle._load.cache_clear()
    assert main(["report", GOOD, "--lang", "en", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"cannot write the Vega bundle to the cache folder {not_a_folder}" in err
    assert paths.CACHE_ENV in err and "Traceback" not in err
    vegabundle._load.cache_clear()


# ---------------------------------------------------------------- messages, not tracebacks


def test_out_that_is_a_file_or_cannot_be_written(tmp_path, capsys):
    a_file = tmp_path / "f"
    a_file.write_text("x", encoding="utf-8")
    assert main(["report", GOOD, "--out", str(a_file)]) == 2
    assert f"--out {a_file}: is a file, not a folder" in capsys.readouterr().err
    assert main(["report", GOOD, "--out", "/proc/shanxi-reports"]) == 2
    assert "--out /proc/shanxi-reports: cannot write there" in capsys.readouterr().err


def test_a_full_disk_at_the_manifest_write_is_reported_after_the_summary(
    tmp_path, monkeypatch, capsys
):
    real = runner.atomic_write

    def full_disk(path, data):
        if Path(path).name == runner.MANIFEST:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, data)

    monkeypatch.setattr(runner, "atomic_write", full_disk)
    assert main(["report", GOOD, "--lang", "en", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "1 built, 0 skipped, 0 failed" in err
    assert f"could not record the build in {tmp_path / runner.MANIFEST}" in err
    # the disk is named (report.runner.disk_full_message), with no traceback
    assert "no space left on" in err.lower() and "Traceback" not in err
    assert (tmp_path / "en" / f"{GOOD}.html").is_file()


def test_a_broken_notebook_is_named_and_the_others_are_built(tmp_path, capsys):
    notebooks = notebooks_dir(tmp_path)
    (notebooks / "07-broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    result = report.build(langs="en", out=tmp_path / "out", notebooks_dir=notebooks)
    status = {t.notebook.stem: t.status for t in result}
    assert status == {GOOD: "built", "07-broken": "failed"}
    err = capsys.readouterr().err
    assert "FAILED en/07-broken: 07-broken.ipynb: not valid JSON at line 1" in err
    assert not result.ok


def test_the_failing_cell_is_numbered_as_in_the_notebook_file(tmp_path):
    notebooks = notebooks_dir(tmp_path, **{"08-fail": "raise RuntimeError('boom')"})
    result = report.build(langs="en", out=tmp_path / "out", notebooks_dir=notebooks, progress=False)
    failed = next(t for t in result if t.status == "failed")
    # The file has the parameters cell (1) and the failing one (2); papermill's injected
    # cell is not counted.
    assert failed.message.startswith("cell 2 of 08-fail.ipynb raised RuntimeError: boom")


# ---------------------------------------------------------------- installed from a wheel


def _uv() -> str | None:
    local = paths.PROJECT_ROOT / ".tools" / "bin" / "uv"
    return str(local) if local.is_file() else shutil.which("uv")


def _installed_wheel(project: Path, tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """Build a wheel of ``project`` with uv and install it (no dependencies) into a folder
    of its own; return the wheel, that folder, and an environment in which Python imports the
    package from there (with no ``SHANXI_ANALYSIS_*`` setting)."""
    uv = _uv()
    if uv is None:
        if os.environ.get("CI"):
            pytest.fail("uv is missing; 'make test' installs it in .tools/")
        pytest.skip("uv is not installed")
    dist, site = tmp_path / "dist", tmp_path / "site"
    build = [uv, "build", "--wheel", "--out-dir", str(dist), str(project)]
    subprocess.run(build, check=True, capture_output=True, timeout=300)
    wheel = next(dist.glob("*.whl"))
    install = [uv, "pip", "install", "--no-deps", "--target", str(site)]
    subprocess.run(
        [*install, "--python", sys.executable, str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHANXI_ANALYSIS_")}
    env["PYTHONPATH"] = str(site)
    return wheel, site, env


def test_installed_from_a_wheel_it_finds_its_notebooks_and_writes_here(tmp_path):
    _, site, env = _installed_wheel(paths.PROJECT_ROOT, tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    code = (
        "import sys, shanxi_analysis; from shanxi_analysis import paths; "
        "from shanxi_analysis.cli import main; "
        "print(shanxi_analysis.__file__, paths.notebooks_dir(), paths.reports_dir()); "
        "sys.exit(main(['report', 'development-zones', '--lang', 'en', '--jobs', '1']))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    where = run.stdout.split()
    assert where[0].startswith(str(site)) and where[1].startswith(str(site))
    assert where[2] == str(work / "reports")
    assert (work / "reports" / "en" / f"{GOOD}.html").stat().st_size > 500_000
    assert not list(site.rglob("reports"))
    index = json.loads((work / "reports" / runner.MANIFEST).read_text(encoding="utf-8"))
    assert f"en/{GOOD}.html" in index


def test_the_wheel_ships_no_lock_or_journal_and_reads_its_data_without_them(tmp_path):
    """A checkout whose data folder holds its lock files and a write journal (txn.py) builds
    a wheel without them, and the installed package reads its data all the same."""
    import zipfile

    from shanxi_analysis import txn

    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(paths.PROJECT_ROOT / name, project / name)
    for name in ("shanxi_analysis", "data", "notebooks"):
        shutil.copytree(paths.PROJECT_ROOT / name, project / name)
    data = project / "data"
    (data / txn.TXN_DIR / "files").mkdir(parents=True, exist_ok=True)
    (data / txn.TXN_DIR / "journal.json").write_text("{}", encoding="utf-8")
    (data / txn.TXN_DIR / "files" / "sources.csv").write_text("fictional", encoding="utf-8")
    for lock in (txn.WRITE_LOCK, txn.READ_LOCK):
        (data / lock).touch()
    wheel, site, env = _installed_wheel(project, tmp_path)
    names = zipfile.ZipFile(wheel).namelist()
    assert "shanxi_analysis/_data/datapackage.json" in names
    assert any(n.startswith("shanxi_analysis/_data/curated/") for n in names)
    shipped = [n for n in names if set(n.split("/")) & set(txn.IGNORE)]
    assert shipped == []
    code = (
        "from shanxi_analysis import datasets, paths; datasets.validate(); "
        "print(paths.data_dir(), len(datasets.sources()))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    where, count = run.stdout.split()
    assert where == str(site / "shanxi_analysis" / "_data") and int(count) > 0
    assert not (Path(where) / txn.TXN_DIR).exists()


def test_two_notebooks_that_would_write_one_page_are_refused(tmp_path):
    notebooks = notebooks_dir(tmp_path)
    twin = nbformat.read(notebooks / f"{GOOD}.ipynb", as_version=4)
    twin.metadata["shanxi"]["page"] = GOOD
    twin.metadata["shanxi"]["theme"] = "twin"
    nbformat.write(twin, notebooks / "08-twin.ipynb")
    with pytest.raises(report.ReportError, match=f"would both write {GOOD}.html"):
        report.build(langs="en", out=tmp_path / "out", notebooks_dir=notebooks, progress=False)
    assert not (tmp_path / "out" / "en").exists()
