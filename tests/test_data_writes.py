"""The data folder's writers: a lock, one atomic step, and what a kill leaves.

``add`` (registration), ``review --apply`` and the review widget's save change the data
folder under its write lock and in one journaled step (:mod:`shanxi_analysis.txn`). These
tests kill a writer at every step of its change, run two writers at once, and check that
readers see the data before or after a change, never between. The articles and every
reviewer's word here are fictional, written for these tests.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shanxi_analysis import datasets, ingest, paths, review, txn

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tests" / "fixtures" / "articles"
CLI = [sys.executable, "-m", "shanxi_analysis.cli"]
FORK = multiprocessing.get_context("fork")


def _snapshot(data: Path) -> dict[str, bytes]:
    """Every data file's bytes, without the writers' lock files and staging folder."""
    out = {}
    for p in sorted(data.rglob("*")):
        rel = p.relative_to(data)
        if p.is_file() and rel.parts[0] not in txn.IGNORE:
            out[str(rel)] = p.read_bytes()
    return out


def _add(name: str, source_id: str) -> ingest.AddSummary:
    return ingest.add(
        [ARTICLES / name],
        ingest.Overrides(published="2024-03-15", source_id=source_id, publisher="虚构报"),
        progress=False,
        jobs=1,
    )


def _decide_all(source_id: str) -> None:
    """Decide every row as a reviewer would, in fictional words."""
    rows = review.read_review(source_id)
    for r in rows:
        if r["exclude"]:
            r["decision"] = "exclude"
            continue
        r["decision"] = "accept"
        r["quote_en"] = "(fictional test article)"
        r["indicator_name_en"] = r["indicator_name_en"] or "Fictional measure"
        r["indicator_definition_zh"] = "虚构文章中的测试量"
        r["indicator_definition_en"] = "A quantity of a fictional test article"
        r["entity_parent_id"] = r["entity_parent_id"] or "shanxi"
    review.write_review(source_id, rows)


def _use(data: Path, monkeypatch) -> None:
    monkeypatch.setenv(paths.DATA_ENV, str(data))


def _in_child(env: dict[str, str], fn, *args) -> int:
    """Run ``fn(*args)`` in a forked process with ``env`` set; return its exit status."""

    def run() -> None:
        os.environ.update(env)
        _in_child_body(lambda: fn(*args))

    p = FORK.Process(target=run)
    p.start()
    p.join()
    return p.exitcode


@pytest.fixture
def decided(tmp_data, monkeypatch):
    """A data folder with one fictional source added and every review row decided."""
    assert _add("gb18030.txt", "fictional-gb").added == ["fictional-gb"]
    _decide_all("fictional-gb")
    return tmp_data


def _kill_at_every_step(base: Path, tmp_path: Path, monkeypatch, write, name: str):
    """Kill ``write`` at each step k of its change, in a copy of ``base``; yield (k, the
    copy, whether it crashed) until a run finishes without being killed."""
    k = 0
    while True:
        k += 1
        data = tmp_path / f"{name}-{k}"
        shutil.copytree(base, data)
        _use(data, monkeypatch)
        status = _in_child({txn.CRASH_ENV: str(k)}, write)
        assert status in (0, 70), f"step {k}: the writer failed (status {status})"
        yield k, data, status == 70
        if status == 0:
            assert k > 5, "the change had fewer steps than the files it writes"
            return


def test_a_kill_at_any_step_of_apply_leaves_the_data_before_or_after(
    decided, tmp_path, monkeypatch
):
    before = _snapshot(decided)
    done = tmp_path / "done"
    shutil.copytree(decided, done)
    _use(done, monkeypatch)
    review.apply("fictional-gb")
    after = _snapshot(done)
    assert after != before
    seen = set()
    steps = _kill_at_every_step(
        decided, tmp_path, monkeypatch, lambda: review.apply("fictional-gb"), "apply"
    )
    for k, data, killed in steps:
        datasets.validate()  # a reader: it sees, and so finishes, a committed change
        state = _snapshot(data)
        assert state in (before, after), f"killed at step {k}: the data is half-applied"
        assert killed or state == after
        seen.add("before" if state == before else "after")
        if state == before:  # the next apply works and gives the same result
            review.apply("fictional-gb")
            assert _snapshot(data) == after, k
        else:  # the next writer works too
            with pytest.raises(review.ReviewError, match="already applied"):
                review.apply("fictional-gb")
            _decide_one_more_source(data)
        assert not (data / txn.TXN_DIR).exists()
    assert seen == {"before", "after"}


def _decide_one_more_source(data: Path) -> None:
    summary = _add("utf16.txt", "fictional-next")
    assert summary.added == ["fictional-next"], summary.errors


def test_a_kill_at_any_step_of_add_leaves_no_orphan_and_the_file_can_be_added_again(
    tmp_data, tmp_path, monkeypatch
):
    before = _snapshot(tmp_data)
    seen = set()
    steps = _kill_at_every_step(
        tmp_data, tmp_path, monkeypatch, lambda: _add("gb18030.txt", "fictional-gb"), "add"
    )
    for k, data, killed in steps:
        datasets.validate()
        state = _snapshot(data)
        new = {p for p in state if p not in before}
        assert killed or state != before
        if state == before:
            seen.add("before")
            summary = _add("gb18030.txt", "fictional-gb")  # re-adding is not refused
            assert summary.added == ["fictional-gb"], (k, summary.errors)
        else:
            seen.add("after")
            assert new == {"raw/gb18030.txt", "review/fictional-gb.csv"}, k
            assert state["sources.csv"].startswith(before["sources.csv"].rstrip(b"\n"))
            assert "fictional-gb" in set(datasets.sources()["source_id"])
            again = _add("gb18030.txt", "fictional-gb")
            assert "already source 'fictional-gb'" in " ".join(again.duplicates), k
            _decide_one_more_source(data)  # the next writer works
        assert not (data / txn.TXN_DIR).exists()
    assert seen == {"before", "after"}


def _run(args: list[str], data: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, paths.DATA_ENV: str(data), **env},
    )


ADD_B = [
    "add",
    str(ARTICLES / "utf16.txt"),
    "--publisher",
    "虚构报",
    "--published",
    "2024-01-02",
    "--source-id",
    "fictional-b",
]


def test_a_second_add_during_an_add_loses_no_row(tmp_data, monkeypatch):
    """The second writer runs while the first holds the registry it read: it waits and
    refuses (or, without a lock, its row would be lost when the first one writes)."""
    real = review._append_bytes
    second: list[subprocess.CompletedProcess] = []

    def meanwhile(content, row):
        if not second:
            second.append(_run(ADD_B, tmp_data, **{txn.WAIT_ENV: "0.5"}))
        return real(content, row)

    monkeypatch.setattr(review, "_append_bytes", meanwhile)
    assert _add("gb18030.txt", "fictional-a").added == ["fictional-a"]
    monkeypatch.setattr(review, "_append_bytes", real)
    b = second[0]
    if b.returncode != 0:  # refused, clearly, having written nothing
        assert "being changed by another writer" in b.stderr, b.stderr
        assert "nothing was written" in b.stderr
        assert not (tmp_data / "raw" / "utf16.txt").exists()
        assert not (tmp_data / "review" / "fictional-b.csv").exists()
        b = _run(ADD_B, tmp_data)
    assert b.returncode == 0, b.stderr
    ids = set(datasets.sources()["source_id"])
    assert {"fictional-a", "fictional-b"} <= ids


def test_a_second_apply_during_an_apply_loses_no_update(decided, monkeypatch):
    assert _add("utf16.txt", "fictional-b").added == ["fictional-b"]
    _decide_all("fictional-b")
    real = review._append_bytes
    second: list[subprocess.CompletedProcess] = []

    def meanwhile(content, row):
        if not second:
            second.append(
                _run(["review", "fictional-b", "--apply"], decided, **{txn.WAIT_ENV: "0.5"})
            )
        return real(content, row)

    monkeypatch.setattr(review, "_append_bytes", meanwhile)
    review.apply("fictional-gb")
    monkeypatch.setattr(review, "_append_bytes", real)
    b = second[0]
    if b.returncode != 0:
        assert "being changed by another writer" in b.stderr, b.stderr
        b = _run(["review", "fictional-b", "--apply"], decided)
    assert b.returncode == 0, b.stderr
    facts = datasets.facts()
    assert {"fictional-gb", "fictional-b"} <= set(facts["source_id"])
    used = set(facts["indicator_id"])
    assert used <= set(datasets.indicators()["indicator_id"])


def test_a_writer_waits_for_the_lock_with_a_message_then_proceeds(tmp_data):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from shanxi_analysis import txn\n"
            "with txn.writing(Path(sys.argv[1]), 'a fictional long apply'):\n"
            "    print('held', flush=True); sys.stdin.readline()\n",
            str(tmp_data),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    waiting = subprocess.Popen(
        [*CLI, *ADD_B],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, paths.DATA_ENV: str(tmp_data), txn.WAIT_ENV: "600"},
    )
    try:
        line = waiting.stderr.readline()
        while line and "waiting" not in line:
            line = waiting.stderr.readline()
        assert "another writer" in line and "a fictional long apply" in line, line
        assert not (tmp_data / "raw" / "utf16.txt").exists()  # nothing written while it waits
        holder.communicate("\n")
        rest = waiting.communicate()[1]
        assert waiting.returncode == 0, rest
    finally:
        for p in (holder, waiting):
            if p.poll() is None:
                p.kill()
                p.wait()
    assert "fictional-b" in set(datasets.sources()["source_id"])


def test_a_reader_finishes_a_committed_change_and_ignores_an_uncommitted_one(tmp_data):
    facts = tmp_data / "curated" / "facts.csv"
    old = facts.read_bytes()
    # An uncommitted change (staged files, no journal): readers see the old data.
    (tmp_data / txn.TXN_DIR / "files").mkdir(parents=True)
    (tmp_data / txn.TXN_DIR / "files" / "0").write_bytes(b"half-written")
    datasets.validate()
    assert facts.read_bytes() == old
    # The next writer removes it.
    with txn.writing(tmp_data, "a test"):
        pass
    assert not (tmp_data / txn.TXN_DIR).exists() and facts.read_bytes() == old


def test_commit_refuses_a_path_outside_the_data_folder(tmp_data):
    with txn.writing(tmp_data, "a test"):
        with pytest.raises(ValueError, match="not a path inside the data folder"):
            txn.commit(tmp_data, {"../outside.csv": b"x"})
    assert not (tmp_data.parent / "outside.csv").exists()


_NAMES = st.sampled_from(
    ["sources.csv", "curated/a.csv", "curated/b.csv", "raw/new.txt", "review/x.csv"]
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    old=st.dictionaries(_NAMES, st.binary(max_size=64), max_size=4),
    new=st.dictionaries(_NAMES, st.binary(max_size=64), min_size=1, max_size=5),
    crash_at=st.integers(1, 14),
)
def test_any_change_killed_at_any_step_is_seen_whole_or_not_at_all(tmp_path, old, new, crash_at):
    import uuid

    data = tmp_path / uuid.uuid4().hex
    for rel, content in old.items():
        (data / rel).parent.mkdir(parents=True, exist_ok=True)
        (data / rel).write_bytes(content)
    data.mkdir(exist_ok=True)
    before = _snapshot(data)

    def change() -> None:
        with txn.writing(data, "a property test"):
            txn.commit(data, new)

    status = _in_child({txn.CRASH_ENV: str(crash_at)}, change)
    assert status in (0, 70)
    with txn.reading(data):  # a reader finishes a committed change first
        seen = _snapshot(data)
    assert seen in (before, {**before, **new})
    if status == 0:
        assert seen == {**before, **new}
    change()  # the next writer works, and cleans up
    assert _snapshot(data) == {**before, **new}
    assert not (data / txn.TXN_DIR).exists()


def test_a_reader_during_a_commit_waits_and_sees_the_change_whole(tmp_path):
    import threading

    data = tmp_path / "data"
    (data / "curated").mkdir(parents=True)
    old = {"curated/a.csv": b"a old\n", "curated/b.csv": b"b old\n", "sources.csv": b"s old\n"}
    new = {"curated/a.csv": b"a new\n", "curated/b.csv": b"b new\n", "sources.csv": b"s new\n"}
    for rel, content in old.items():
        (data / rel).write_bytes(content)
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()

    def change() -> None:
        real, count = txn._step, [0]

        def step() -> None:  # pause after the first rename: the files on disk are mixed
            count[0] += 1
            if count[0] == len(new) + 3:
                os.write(ready_w, b"x")
                os.read(go_r, 1)
            real()

        txn._step = step
        with txn.writing(data, "a paused commit"):
            txn.commit(data, new)

    writer = FORK.Process(target=lambda: _in_child_body(change))
    writer.start()
    try:
        assert os.read(ready_r, 1) == b"x"
        on_disk = _snapshot(data)
        assert on_disk != old and on_disk != new  # the moment between two renames

        seen: list[dict] = []

        def read() -> None:
            with txn.reading(data):
                seen.append(_snapshot(data))

        reader = threading.Thread(target=read)
        reader.start()
        reader.join(timeout=3)  # without the lock it would read the mixed files now
        os.write(go_w, b"x")
        reader.join()
    finally:
        writer.join()
    assert writer.exitcode == 0
    assert seen == [new]


def _in_child_body(fn) -> None:
    try:
        fn()
    except BaseException as exc:  # the status says it failed
        print(f"child failed: {exc}", file=sys.stderr)
        os._exit(3)
    os._exit(0)


def test_two_adds_of_several_files_at_once_keep_every_row(tmp_data, tmp_path):
    folders = []
    for run in ("a", "b"):
        folder = tmp_path / f"articles-{run}"
        folder.mkdir()
        for n in range(40):  # fictional one-line articles, each different
            (folder / f"fictional-{run}-{n}.txt").write_text(
                f"虚构县{run}{n}去年新建虚构工厂 {n + 3} 座，投资 {n + 11} 亿元。\n",
                encoding="utf-8",
            )
        folders.append(folder)
    env = {**os.environ, paths.DATA_ENV: str(tmp_data), txn.WAIT_ENV: "600"}
    runs = [
        subprocess.Popen(
            [*CLI, "add", str(f), "--publisher", "虚构报", "--published", "2024-05-06"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in folders
    ]
    errors = [p.communicate()[1] for p in runs]
    assert [p.returncode for p in runs] == [0, 0], errors
    reg = datasets.sources().set_index("source_id")
    added = {f"fictional-{r}-{n}" for r in "ab" for n in range(40)}
    assert added <= set(reg.index)
    for sid in added:  # every raw and review file is registered: no orphan
        assert (tmp_data / reg.loc[sid, "file"]).is_file()
        assert (tmp_data / "review" / f"{sid}.csv").is_file()
    raw = {p.name for p in (tmp_data / "raw").iterdir()}
    assert raw == {Path(f).name for f in reg["file"]}
