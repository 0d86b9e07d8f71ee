"""Shared test set-up: fixtures, how tests are spread over workers, and a progress line.

``make test`` runs the suite on two workers (``pytest -n 2``, pytest-xdist, with
``--dist loadgroup`` from pyproject). A fixture shared by several tests (module or session
scope: a build of the reports, a browser) is made once per worker, so every test that uses
one is sent to the same worker (:func:`pytest_collection_modifyitems`): the session's build
of every report is made once, not once per worker. Such groups are queued before the single
tests, so that the long ones start first.
"""

from __future__ import annotations

import inspect
import os
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest

from shanxi_analysis import paths, sources

# An xdist worker's __main__ (execnet's bootstrap) has no __spec__, which multiprocessing's
# "spawn" start method reads: without it, dask's worker processes cannot start there.
if not hasattr(sys.modules["__main__"], "__spec__"):
    sys.modules["__main__"].__spec__ = None

TESTS = Path(__file__).resolve().parent
HEARTBEAT = float(os.environ.get("SHANXI_TEST_HEARTBEAT", "20"))
"""Seconds without a finished test after which a line says which tests are still running
(``$SHANXI_TEST_HEARTBEAT``, 20 by default)."""


def _ours(func) -> bool:
    """Whether a fixture is defined in this folder (pytest's own, like ``tmp_path_factory``,
    are shared by every test and cost nothing)."""
    try:
        return Path(inspect.getfile(func)).resolve().is_relative_to(TESTS)
    except (TypeError, OSError):
        return False


def _shared_group(item: pytest.Item) -> str | None:
    """The group of a test that uses a fixture other tests share: the session fixture's
    name (one build for the whole run), else the test's file (its module fixtures)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    defs = [
        d[-1]
        for name, d in info.name2fixturedefs.items()
        if d and name in item.fixturenames and _ours(d[-1].func)
    ]
    session = sorted(d.argname for d in defs if d.scope == "session")
    if session:
        return session[0]
    if any(d.scope in ("module", "package") for d in defs):
        return item.nodeid.split("::", 1)[0]
    return None


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups from the markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Send the tests that share a fixture to one worker, grouped ones first."""
    groups = {id(item): _shared_group(item) for item in items}
    for item in items:
        group = groups[id(item)]
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
            if getattr(config.option, "loadgroup", False):  # an xdist worker, --dist loadgroup
                _tag_for_loadgroup(item, group)
    shared = [i for i in items if groups[id(i)] is not None]
    alone = [i for i in items if groups[id(i)] is None]
    items[:] = shared + alone


def _tag_for_loadgroup(item: pytest.Item, group: str) -> None:
    """Give the test the ``@group`` id suffix by which xdist's scheduler groups it.

    xdist 3.8 writes the suffix to the old ``_nodeid`` field, which pytest 9's structured node
    ids no longer read, so its groups are silently ignored (pytest-dev/pytest-xdist#1386):
    the suffix goes into the structured id here. On an older pytest xdist does it itself.
    """
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # pytest 8: xdist's own suffix works
        return
    if isinstance(getattr(item, "_id", None), NodeId) and "@" not in item.nodeid:
        item._id = NodeId.parse(f"{item.nodeid}@{group}")


class _Heartbeat:
    """Prints which tests are running whenever none has finished for :data:`HEARTBEAT`
    seconds, so that a long test (a JupyterLab session, a build) is never silent."""

    def __init__(self, reporter) -> None:
        self.reporter = reporter
        self.started = time.monotonic()
        self.last = self.started
        self.running: dict[str, float] = {}
        self.done = 0
        self.total: int | None = None
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name="heartbeat", daemon=True)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.total = len(session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids) -> None:
        self.total = len(ids)

    def pytest_runtest_logstart(self, nodeid: str, location) -> None:
        with self.lock:
            self.running[nodeid] = time.monotonic()

    def pytest_runtest_logfinish(self, nodeid: str, location) -> None:
        with self.lock:
            self.running.pop(nodeid, None)
            self.done += 1
            self.last = time.monotonic()

    def _beat(self) -> None:
        while not self.stop.wait(1.0):
            now = time.monotonic()
            with self.lock:
                if now - self.last < HEARTBEAT:
                    continue
                self.last = now
                running = sorted(self.running.items(), key=lambda kv: kv[1])
                done, total = self.done, self.total
            minutes, seconds = divmod(int(now - self.started), 60)
            what = "; ".join(f"{nodeid} ({now - t:.0f} s)" for nodeid, t in running)
            self.reporter.write_line(
                f"[{minutes}:{seconds:02d}] {done} of {total or '?'} tests done; "
                f"running: {what or 'set-up'}"
            )


@pytest.hookimpl(trylast=True)  # after the terminal reporter is registered
def pytest_configure(config: pytest.Config) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or hasattr(config, "workerinput"):  # an xdist worker prints nothing
        return
    # In one process, a running test's output is captured (a line from here would be lost in
    # it): the lines come with workers (-n, as make test runs) or with capture off (-s).
    if not config.getoption("numprocesses", None) and config.getoption("capture") != "no":
        return
    beat = _Heartbeat(reporter)
    config.pluginmanager.register(beat, "shanxi-heartbeat")
    beat.thread.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    beat = config.pluginmanager.get_plugin("shanxi-heartbeat")
    if beat is not None:
        beat.stop.set()
        beat.thread.join()


@pytest.fixture(autouse=True)
def _fresh_source_cache():
    """Tests that point the package at another data folder must not see cached blocks."""
    caches = (sources._blocks_cached, sources._registry_cached, sources._sha256_cached)
    for cache in caches:
        cache.cache_clear()
    yield
    for cache in caches:
        cache.cache_clear()


@pytest.fixture
def tmp_data(tmp_path, monkeypatch):
    """A copy of the data folder that the package reads for this test, to edit freely."""
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    monkeypatch.setenv(paths.DATA_ENV, str(data))
    return data


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory):
    """Every report in both languages and the index, built once for the session."""
    from shanxi_analysis import report

    out = tmp_path_factory.mktemp("built-reports")
    result = report.build(out=out, progress=False)
    assert result.ok, [(t.output.name, t.message) for t in result] + result.problems
    return out


@pytest.fixture(scope="module")
def lexicon():
    """The names, indicators and units ``shanxi-analysis add`` matches against."""
    from shanxi_analysis import ingest

    return ingest.Lexicon.from_data()
