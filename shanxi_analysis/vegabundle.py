"""The JavaScript of Vega, Vega-Lite and vega-embed that pages and notebook outputs inline.

vl-convert makes it (seconds), so it is kept in :func:`paths.cache_dir`, one file per
vl-convert and Altair version, with the SHA-256 of what was written beside it. Every read
checks the file against that hash, its size and the globals it must define; an empty,
truncated or edited bundle is made again instead of giving pages without charts. This
module imports nothing heavy until a bundle has to be made, so the report planner can put
the bundle's hash into every report's build key cheaply.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from . import paths
from .atomic import atomic_write

MIN_BYTES = 300_000
"""A real bundle is about 0.9 MB; anything under this is broken."""
GLOBALS = ("vegaEmbed", "vegaLite")
"""Names a bundle must define for charts to draw."""


class CacheError(ValueError):
    """The cache folder cannot hold the bundle (it is a file, or not writable)."""


def path() -> Path:
    """Return where the bundle for the installed vl-convert and Altair is kept."""
    vlc = metadata.version("vl-convert-python")
    altair = metadata.version("altair")
    return paths.cache_dir() / f"vega-bundle-vl-convert-{vlc}-altair-{altair}.js"


def _problem(data: bytes, recorded: str | None) -> str | None:
    """Return why ``data`` is not a usable bundle, or None."""
    if len(data) < MIN_BYTES:
        return f"{len(data):,} bytes (expected at least {MIN_BYTES:,})"
    if recorded is not None and hashlib.sha256(data).hexdigest() != recorded:
        return "its SHA-256 differs from the one recorded when it was written"
    missing = [g for g in GLOBALS if g.encode() not in data]
    if missing:
        return "it does not define " + ", ".join(missing)
    return None


def _read_valid(file: Path) -> bytes | None:
    sidecar = file.with_name(file.name + ".sha256")
    try:
        data, recorded = file.read_bytes(), sidecar.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return data if _problem(data, recorded) is None else None


def _make(file: Path) -> bytes:
    import altair as alt
    import vl_convert as vlc

    vl_version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    from .render import _vlc_here

    _vlc_here()  # this process now owns vl-convert's threads: its forks draw by a helper
    data = vlc.javascript_bundle(vl_version=vl_version).encode("utf-8")
    problem = _problem(data, None)
    if problem:
        raise RuntimeError(f"vl-convert made a Vega bundle that cannot be used: {problem}")
    sidecar = file.with_name(file.name + ".sha256")
    try:
        atomic_write(file, data)
        atomic_write(sidecar, hashlib.sha256(data).hexdigest().encode("ascii"))
    except OSError as exc:
        raise CacheError(
            f"cannot write the Vega bundle to the cache folder {file.parent} "
            f"({exc.strerror or exc}); point ${paths.CACHE_ENV} at a writable folder"
        ) from None
    return data


@lru_cache(maxsize=4)
def _load(file: Path) -> bytes:
    return _read_valid(file) or _make(file)


def text() -> str:
    """Return the bundle, made again first when the cached copy is missing or broken."""
    return _load(path()).decode("utf-8")


def digest() -> str:
    """Return the SHA-256 of the bundle that pages will inline (part of every build key)."""
    return hashlib.sha256(_load(path())).hexdigest()
