"""A process forked from one that has drawn with vl-convert still draws (a report's worker
is such a fork): vl-convert's threads do not survive a fork, and a call there used to wait
forever, so a cold build (the Vega bundle made first in the parent) hung."""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil

from shanxi_analysis import paths, render, report, vegabundle

SPEC = {
    "data": {"values": [{"a": 1, "b": 2}, {"a": 2, "b": 3}]},
    "mark": "bar",
    "encoding": {
        "x": {"field": "a", "type": "quantitative"},
        "y": {"field": "b", "type": "quantitative"},
    },
}


def _draw(queue) -> None:
    queue.put(render.to_svg(SPEC))


def test_a_fork_of_a_process_that_drew_draws_too():
    here = render.to_svg(SPEC)  # this process now runs vl-convert's threads
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_draw, args=(queue,))
    child.start()
    try:
        there = queue.get(timeout=120)  # before the fix: no answer, ever
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.kill()
    assert there == here


# A report build forks one process per report. Each draws its pictures through the
# vl-convert helper of its worker slot, started once by the build, rather than starting a
# JavaScript engine of its own (most of a small report's time).

STATIC = '<svg role="graphics-document"'


def _counting_helpers(monkeypatch, tmp_path):
    """Make every helper start write a line to a file (forked processes included), with a
    cache folder that has the Vega bundle but no picture, so that every picture is drawn."""
    cache = tmp_path / "cache"
    cache.mkdir()
    bundle = vegabundle.path()
    vegabundle.text()  # made if missing
    for file in (bundle, bundle.with_name(bundle.name + ".sha256")):
        shutil.copy(file, cache / file.name)
    monkeypatch.setenv(paths.CACHE_ENV, str(cache))
    log = tmp_path / "helpers.log"
    log.touch()
    start = render.start_helper

    def counted():
        with log.open("a") as fh:
            fh.write(f"{os.getpid()}\n")
        return start()

    monkeypatch.setattr(render, "start_helper", counted)
    return log


def test_a_build_starts_one_helper_per_worker_and_every_page_has_its_pictures(
    tmp_path, monkeypatch
):
    log = _counting_helpers(monkeypatch, tmp_path)

    def not_here(*args, **kwargs):
        raise AssertionError("a report process drew with vl-convert itself")

    monkeypatch.setattr(render.vlc, "vegalite_to_svg", not_here)  # the helpers run their own
    result = report.build(
        ["coal-energy", "reform-business"], out=tmp_path / "out", jobs=1, progress=False
    )
    assert [t.status for t in result] == ["built"] * 4
    assert log.read_text().splitlines() == [str(os.getpid())]  # one, the build's own
    for task in result:
        assert STATIC in task.output.read_text(encoding="utf-8"), task.output


def test_a_worker_that_dies_gets_a_new_helper_and_the_next_report_its_pictures(
    tmp_path, monkeypatch
):
    from test_build_robustness import GOOD, notebooks_dir

    log = _counting_helpers(monkeypatch, tmp_path)
    kill = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
    notebooks = notebooks_dir(tmp_path, **{"03-crash": kill})  # runs before GOOD
    result = report.build(
        langs="en", out=tmp_path / "out", jobs=1, notebooks_dir=notebooks, progress=False
    )
    status = {t.notebook.stem: t.status for t in result}
    assert status == {"03-crash": "failed", GOOD: "built"}
    assert len(log.read_text().splitlines()) == 2  # the first helper was replaced
    good = next(t for t in result if t.notebook.stem == GOOD)
    assert STATIC in good.output.read_text(encoding="utf-8")


def test_a_picture_is_kept_and_a_broken_one_drawn_again(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path))
    first = render.cached_svg(SPEC)
    kept = list((tmp_path / "svg").glob("*/*.svg"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8").endswith("\n" + first)
    monkeypatch.setattr(render, "_draw", lambda spec: "<svg>not drawn again</svg>")
    assert render.cached_svg(SPEC) == first  # from the cache
    whole = kept[0].read_text(encoding="utf-8")
    kept[0].write_text(whole.replace("<svg", '<svg onload="alert(1)"', 1), encoding="utf-8")
    assert render.cached_svg(SPEC) == "<svg>not drawn again</svg>"  # edited: drawn again
    kept[0].write_text(whole[: len(whole) // 2], encoding="utf-8")  # cut short
    monkeypatch.setattr(render, "_draw", lambda spec: "<svg>drawn once more</svg>")
    assert render.cached_svg(SPEC) == "<svg>drawn once more</svg>"
    other = {**SPEC, "mark": "point"}
    assert render.cached_svg(other) == "<svg>drawn once more</svg>"  # another key
    assert len(list((tmp_path / "svg").glob("*/*.svg"))) == 2


def test_a_cache_that_cannot_be_written_costs_only_time(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv(paths.CACHE_ENV, str(blocked))
    assert render.cached_svg(SPEC) == render.to_svg(SPEC, check_glyphs=False)


def test_a_helper_that_ended_between_reports_is_replaced(tmp_path, monkeypatch):
    from shanxi_analysis.report import runner

    _counting_helpers(monkeypatch, tmp_path)
    helpers = runner._Helpers(1)
    try:
        first = helpers.ready(0)
        first.kill()
        first.wait()
        second = helpers.ready(0)
        assert second is not first and second.poll() is None
        render.adopt_helper(second)
        try:
            assert render.to_svg(SPEC).startswith("<svg")
        finally:
            render._HELPER.clear()
    finally:
        helpers.close()
