"""A save hook for the Jupyter server: Run All and save leave ``git status`` clean.

Notebooks reach git through a clean filter (nbstripout, see the Makefile's ``git-filter``
target): outputs, execution counts and the kernel's ``language_info`` are stripped, so a
notebook saved after Run All has no change for git, and ``git diff`` shows none. Yet the
file on disk keeps its outputs, so its size changed, and git takes an index entry whose
recorded size differs from the file's for modified without running the filter (git's
``read-cache.c``, ``ie_modified``): ``git status`` lists the notebook until a ``git add``,
which stages nothing. ``git update-index --refresh`` does not help, for the same reason.

:func:`post_save` is a ``FileContentsManager.post_save_hook`` (``make lab`` sets it through
``jupyter_server_config.py`` at the top of the repository). After a notebook is saved, if
git tracks it (one plain index entry: not in a merge conflict, not added with ``-N``, not
marked assume-unchanged or skip-worktree), it writes that entry back with the same blob and
mode (``git update-index --cacheinfo``), which makes git forget the size and time it
recorded. The next ``git status`` then compares the filtered file with the blob, as for an
entry it has never seen on disk, and records the new size and time if they agree: the
notebook is listed only if its content really changed (an edited cell). The staging area is
never changed and nothing is ever staged; the filter runs in ``git status``, not in the
save. A notebook git does not track is left alone. Any git problem (no git, not a
repository, the index locked, a timeout) is logged at debug level and the save goes on.
"""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path
from typing import Any

GIT_TIMEOUT = 10.0
"""Seconds each git command may take before it is abandoned (the save itself is done)."""

logger = logging.getLogger(__name__)


def post_save(
    model: dict | None = None,
    os_path: str | None = None,
    contents_manager: Any = None,
    **_: Any,
) -> None:
    """The ``post_save_hook``: jupyter_server calls it with keyword arguments ``model``,
    ``os_path`` and ``contents_manager`` after each save. Never raises."""
    if not os_path or (model or {}).get("type") != "notebook":
        return
    log = getattr(contents_manager, "log", None) or logger
    try:
        done = forget_git_stat(Path(os_path))
    except Exception as err:  # a save never fails because of git
        log.debug("git index entry not reset for %s: %r", os_path, err)
        return
    log.debug("git index entry %s for %s", "reset" if done else "left as it was", os_path)


def forget_git_stat(path: Path, timeout: float = GIT_TIMEOUT) -> bool:
    """Make git forget the size and time it recorded for ``path`` if git tracks it, so that
    its next look compares the (filtered) content; the staged blob stays as it is. Returns
    whether the entry was reset. Raises :class:`OSError` or
    :class:`subprocess.SubprocessError` when git cannot be run or takes too long."""
    where, name = path.parent, path.name

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", *args],
            cwd=where,
            env={**os.environ, "GIT_LITERAL_PATHSPECS": "1", "GIT_TERMINAL_PROMPT": "0"},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    entry = _entry(git("ls-files", "-z", "--full-name", "--stage", "-v", "--", name))
    if entry is None:
        return False
    # The path --cacheinfo takes is from the top of the work tree, wherever git runs.
    return git("update-index", "--cacheinfo", *entry).returncode == 0


# The empty blob (SHA-1, SHA-256): what `git add -N` records; writing it back would stage an
# empty file where git only knew the file's name.
_EMPTY_BLOBS = frozenset(
    {
        "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391",
        "473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813",
    }
)


def _entry(listed: subprocess.CompletedProcess[str]) -> tuple[str, str, str] | None:
    """``(mode, blob, path)`` of the one plain index entry ``git ls-files -z --stage -v``
    lists, or None: not in a repository, not tracked, in a merge conflict (stages 1-3),
    marked assume-unchanged (a lowercase tag) or skip-worktree (``S``), or added with
    ``-N``."""
    entries = [e for e in listed.stdout.split("\0") if e]
    if listed.returncode != 0 or len(entries) != 1:
        return None
    info, _, path = entries[0].partition("\t")
    fields = info.split()  # tag, mode, blob, stage
    if len(fields) != 4 or fields[0] != "H" or fields[3] != "0" or fields[2] in _EMPTY_BLOBS:
        return None
    return fields[1], fields[2], path
