"""Where the data, notebooks and reports live.

The project root is found from the package's own location (a source checkout or an
editable install). Installed from a wheel, the package carries its own copies of the data
and the theme notebooks, and reports go to ``reports/`` in the current directory.
``SHANXI_ANALYSIS_DATA`` points the package at another data folder (one with the same
``raw/`` and ``curated/`` layout), ``SHANXI_ANALYSIS_NOTEBOOKS`` at another folder of theme
notebooks, ``SHANXI_ANALYSIS_REPORTS`` at another output folder. This module only computes
paths (and checks that the data folder is a folder); it never reads or writes.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent

DATA_ENV = "SHANXI_ANALYSIS_DATA"
REPORTS_ENV = "SHANXI_ANALYSIS_REPORTS"
NOTEBOOKS_ENV = "SHANXI_ANALYSIS_NOTEBOOKS"
CACHE_ENV = "SHANXI_ANALYSIS_CACHE"


class DataDirError(ValueError):
    """``$SHANXI_ANALYSIS_DATA`` does not point at a folder."""


def data_dir() -> Path:
    """Return the data folder: ``$SHANXI_ANALYSIS_DATA``, the checkout's ``data/``, or the
    copy bundled inside a built wheel.

    Raises :class:`DataDirError` when ``$SHANXI_ANALYSIS_DATA`` names a file or nothing.
    """
    override = os.environ.get(DATA_ENV)
    if override:
        path = Path(override).expanduser().resolve()
        if not path.is_dir():  # a stat, not a read: one clear message, not a traceback later
            found = "is a file, not a folder" if path.exists() else "does not exist"
            raise DataDirError(
                f"{DATA_ENV}={override}: {path} {found} (expected a data "
                "folder holding sources.csv, datapackage.json, raw/ and curated/; unset "
                f"{DATA_ENV} to use the package's own data)"
            )
        return path
    if in_checkout():
        return PROJECT_ROOT / "data"
    return PACKAGE_DIR / "_data"


def raw_dir() -> Path:
    """Return the folder of the raw articles (never edited)."""
    return data_dir() / "raw"


def curated_dir() -> Path:
    """Return the folder of the curated CSV tables."""
    return data_dir() / "curated"


def sources_csv() -> Path:
    """Return the path of the source registry."""
    return data_dir() / "sources.csv"


def in_checkout() -> bool:
    """Whether the package runs from a source checkout (or an editable install of one)."""
    return (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "notebooks").is_dir()


def notebooks_dir() -> Path:
    """Return the folder of the theme notebooks: ``$SHANXI_ANALYSIS_NOTEBOOKS``, the
    checkout's ``notebooks/``, or the copy bundled inside a built wheel."""
    override = os.environ.get(NOTEBOOKS_ENV)
    if override:
        return Path(override).expanduser().resolve()
    if in_checkout():
        return PROJECT_ROOT / "notebooks"
    return PACKAGE_DIR / "_notebooks"


def reports_dir() -> Path:
    """Return the default output folder of the reports: ``$SHANXI_ANALYSIS_REPORTS``, the
    checkout's ``reports/``, or, installed from a wheel, ``reports/`` in the current
    directory (never inside the installed package)."""
    override = os.environ.get(REPORTS_ENV)
    if override:
        return Path(override).expanduser().resolve()
    if in_checkout():
        return PROJECT_ROOT / "reports"
    return Path.cwd() / "reports"


def cache_dir() -> Path:
    """Return the folder for generated files worth keeping between builds (the Vega
    JavaScript bundle): ``$SHANXI_ANALYSIS_CACHE``, else ``$XDG_CACHE_HOME`` or ``~/.cache``
    under ``shanxi-analysis``."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(base) / "shanxi-analysis"
