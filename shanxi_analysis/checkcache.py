"""The data checks' results, kept by the digest of the data and of the package.

The checks (schema, agreement, coverage, the consistency rules) read every table and run
the extractor over every article: seconds, at every ``make report``. Their results depend
only on the data folder and on the package's code, so they are kept in
:func:`paths.cache_dir` under a hash of both (every file of each but hidden and compiled
ones, with its path, and the versions of Python, pandas and NumPy); any change to either
runs them again. The report builder's key starts from the same hash. This module imports
nothing heavy, so that a build with nothing to do stays well under a second.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from . import paths
from .atomic import atomic_write

FOLDER = "checks"
"""Where the results are kept, inside :func:`paths.cache_dir`."""
KEEP = 32
"""Results kept per kind of check (the newest by time); older ones are removed."""

T = TypeVar("T")


def _hash_tree(h, root: Path) -> None:
    """Feed every file under ``root`` (path and bytes), in a stable order, to ``h``."""
    files = []
    for folder, dirs, names in os.walk(root):
        # Hidden files (an editor's swap file, a temporary file being renamed) and compiled
        # Python are not inputs.
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        files += [
            Path(folder) / n
            for n in names
            if not n.startswith(".") and not n.endswith((".pyc", ".pyo"))
        ]
    for path in sorted(files):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())


def digest() -> str:
    """Return the SHA-256 of everything the checks read: the data folder, the package and
    the versions of Python and pandas."""
    h = hashlib.sha256()
    h.update(b"data\0")
    _hash_tree(h, paths.data_dir())
    h.update(b"package\0")
    _hash_tree(h, paths.PACKAGE_DIR)
    versions = [platform.python_version()]
    for name in ("pandas", "numpy"):
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=?")
    h.update(";".join(versions).encode())
    return h.hexdigest()


def remembered(name: str, compute: Callable[[], T]) -> T:
    """Return ``compute()``'s (JSON) result for the current data and package, from the
    cache when it was computed before; an exception is raised again and never kept.

    A missing, unreadable or broken cache entry is computed again; a cache folder that
    cannot be written only costs the time (the result is returned all the same).
    """
    folder = paths.cache_dir() / FOLDER
    entry = folder / f"{name}-{digest()}.json"
    try:
        return json.loads(entry.read_text(encoding="utf-8"))["result"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    result = compute()
    try:
        atomic_write(entry, json.dumps({"result": result}, ensure_ascii=False).encode("utf-8"))
        _prune(folder, name)
    except OSError:
        pass
    return result


def _prune(folder: Path, name: str) -> None:
    """Keep the newest :data:`KEEP` entries of ``name``."""
    entries = []
    for path in folder.glob(f"{name}-*.json"):
        try:
            entries.append((path.stat().st_mtime, path))
        except OSError:  # removed meanwhile by another process
            continue
    for _, path in sorted(entries, reverse=True)[KEEP:]:
        path.unlink(missing_ok=True)
