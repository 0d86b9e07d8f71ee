"""Read what a built page carries without a browser: the libraries packed into it."""

from __future__ import annotations

import base64
import gzip
import re

_PACKED = re.compile(r'var NAME = "([\w-]+)", MODULE = (?:true|false), JS = "([A-Za-z0-9+/=]*)"')


def libraries(page: str) -> dict[str, str]:
    """Return each library a page packs (``htmlsafe.packed_library``) by name, inflated."""
    return {
        name: gzip.decompress(base64.b64decode(js)).decode("utf-8")
        for name, js in _PACKED.findall(page)
    }
