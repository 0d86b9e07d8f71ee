"""The data folder's writers: one at a time, and each change in one atomic step.

Whatever writes the data folder (``add``, ``review --apply``, the review widget's save)
holds its write lock (:func:`writing`, ``fcntl.flock`` on ``<data>/.write.lock``) for the
whole read-change-write, so two writers never lose each other's rows. A second writer
waits, saying so, for ``$SHANXI_ANALYSIS_LOCK_WAIT`` seconds (default 120), then refuses
with :class:`DataLocked`.

A change of several files is one step (:func:`commit`):

1. every new file is written, and flushed to disk, under ``<data>/.txn/files/``;
2. the journal (which staged file goes where) is written, flushed, and renamed to
   ``<data>/.txn/journal.json``: that rename is the commit;
3. each staged file is renamed over its target, then the journal and ``.txn`` go.

A crash before (2) changed nothing: the next writer removes ``.txn``. A crash after (2)
is rolled forward by the next writer or reader: renaming the staged files that are still
there finishes the step. The renames of (3) happen under an exclusive lock on
``<data>/.read.lock``, which readers (:func:`reading`, used by the data loader) hold shared
while they read, so a reader sees the data as it was before or after a change, never
between.

``$SHANXI_ANALYSIS_CRASH_AT=k`` (for tests only) makes a commit end the process with
``os._exit`` at its k-th step, to prove that a kill at any moment loses nothing.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

WRITE_LOCK = ".write.lock"
READ_LOCK = ".read.lock"
TXN_DIR = ".txn"
JOURNAL = "journal.json"
WAIT_ENV = "SHANXI_ANALYSIS_LOCK_WAIT"
CRASH_ENV = "SHANXI_ANALYSIS_CRASH_AT"
DEFAULT_WAIT = 120.0
IGNORE = (WRITE_LOCK, READ_LOCK, TXN_DIR)
"""Names in the data folder that are the writers' machinery, not data (copies skip them)."""

_held = threading.local()


class DataLocked(ValueError):
    """Another writer holds the data folder's lock for longer than this one would wait."""


def _holding(data: Path, kind: str) -> bool:
    return getattr(_held, "locks", {}).get((os.getpid(), str(data), kind), False)


def _set_holding(data: Path, kind: str, value: bool) -> None:
    if not hasattr(_held, "locks"):
        _held.locks = {}
    _held.locks[(os.getpid(), str(data), kind)] = value


def _wait_seconds() -> float:
    text = os.environ.get(WAIT_ENV, "")
    try:
        return max(0.0, float(text)) if text else DEFAULT_WAIT
    except ValueError:
        raise ValueError(
            f"{WAIT_ENV}={text!r} is not a number (expected seconds to wait for the lock)"
        ) from None


def _say(message: str) -> None:
    print(f"shanxi-analysis: {message}", file=sys.stderr, flush=True)


@contextmanager
def writing(data: Path, what: str, notify: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the data folder's write lock while the block runs (re-entrant in one thread).

    ``what`` (``"add notes.txt"``) is shown to a writer that has to wait. A writer that
    finds the lock taken calls ``notify`` (default: a line on standard error) once, waits up
    to ``$SHANXI_ANALYSIS_LOCK_WAIT`` seconds, then raises :class:`DataLocked`. On taking
    the lock it first finishes or undoes a change that a crash interrupted.
    """
    data = Path(data)
    if _holding(data, "write"):
        yield
        return
    path = data / WRITE_LOCK
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            wait = _wait_seconds()
            holder = _holder(fd)
            (notify or _say)(
                f"{data} is being changed by another writer ({holder}); waiting up to "
                f"{wait:g} s for it to finish"
            )
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise DataLocked(
                            f"{data}: another writer ({_holder(fd)}) still holds {path} after "
                            f"{wait:g} s; nothing was written (expected it to finish first: "
                            f"try again, or wait longer with {WAIT_ENV}=SECONDS)"
                        ) from None
                    time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, {what}".encode(), 0)
        _set_holding(data, "write", True)
        try:
            recover(data)
            yield
        finally:
            _set_holding(data, "write", False)
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing releases the lock


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 500, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "unknown process"


@contextmanager
def reading(data: Path) -> Iterator[None]:
    """Hold the data folder's read lock (shared) while the block reads, first rolling forward
    a change that a crash interrupted after its commit. In a folder this process cannot
    write (an installed package's data), nobody writes either: no lock is taken."""
    data = Path(data)
    if _holding(data, "read") or _holding(data, "commit"):
        yield
        return
    try:
        fd = os.open(data / READ_LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT):
            raise
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        if (data / TXN_DIR / JOURNAL).exists():
            fcntl.flock(fd, fcntl.LOCK_EX)  # the shared lock is dropped first: no deadlock
            _roll_forward(data)
            fcntl.flock(fd, fcntl.LOCK_SH)
        _set_holding(data, "read", True)
        try:
            yield
        finally:
            _set_holding(data, "read", False)
    finally:
        os.close(fd)


@contextmanager
def _committing(data: Path) -> Iterator[None]:
    fd = os.open(data / READ_LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _set_holding(data, "commit", True)
        try:
            yield
        finally:
            _set_holding(data, "commit", False)
    finally:
        os.close(fd)


def recover(data: Path) -> None:
    """Finish a committed change that a crash interrupted, or remove an uncommitted one.
    Called by every writer on taking the lock; only a writer may remove staged files."""
    data = Path(data)
    txn = data / TXN_DIR
    if not txn.exists():
        return
    with _committing(data):
        if (txn / JOURNAL).exists():
            _roll_forward(data)
        else:
            shutil.rmtree(txn, ignore_errors=True)


def _roll_forward(data: Path) -> None:
    """Rename every staged file still in ``.txn`` over its target, then drop ``.txn``."""
    txn = data / TXN_DIR
    journal = txn / JOURNAL
    if not journal.exists():
        return
    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))["files"]
        for staged, rel in entries:
            src = txn / "files" / staged
            if src.exists():
                target = data / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, target)
                _fsync_dir(target.parent)
    except OSError as exc:
        raise OSError(
            exc.errno,
            f"cannot finish the change that {journal} records ({exc.strerror}); the data "
            "folder is as before that change until a writer with access finishes it",
            str(journal),
        ) from exc
    journal.unlink()
    _fsync_dir(txn)
    shutil.rmtree(txn, ignore_errors=True)


_steps = 0


def _step() -> None:
    """A point where a test may kill the process (``$SHANXI_ANALYSIS_CRASH_AT``)."""
    global _steps
    _steps += 1
    if os.environ.get(CRASH_ENV) == str(_steps):
        os._exit(70)


def _write_synced(path: Path, content: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the renames are still atomic
    finally:
        os.close(fd)


def commit(data: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` (paths relative to the data folder → new content) in one atomic step:
    readers and a crash see every file as before or every file as after.

    Must run inside :func:`writing` for the same folder.
    """
    global _steps
    data = Path(data)
    if not _holding(data, "write"):
        raise RuntimeError(f"commit to {data} without its write lock (use txn.writing)")
    for rel in files:
        target = (data / rel).resolve()
        if not target.is_relative_to(data.resolve()) or TXN_DIR in Path(rel).parts:
            raise ValueError(f"{rel}: not a path inside the data folder {data}")
    _steps = 0
    txn = data / TXN_DIR
    shutil.rmtree(txn, ignore_errors=True)
    (txn / "files").mkdir(parents=True)
    entries = []
    try:
        for i, (rel, content) in enumerate(files.items()):
            _write_synced(txn / "files" / str(i), content)
            entries.append((str(i), str(rel)))
            _step()
        _fsync_dir(txn / "files")
        _write_synced(txn / "journal.tmp", json.dumps({"files": entries}).encode("utf-8"))
        _step()
    except BaseException:
        shutil.rmtree(txn, ignore_errors=True)  # nothing committed: nothing changed
        raise
    with _committing(data):
        os.replace(txn / "journal.tmp", txn / JOURNAL)  # the commit
        _fsync_dir(txn)
        _step()
        for staged, rel in entries:
            target = data / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(txn / "files" / staged, target)
            _step()
        for parent in {(data / rel).parent for _, rel in entries}:
            _fsync_dir(parent)
        (txn / JOURNAL).unlink()
        _fsync_dir(txn)
        _step()
        shutil.rmtree(txn, ignore_errors=True)
