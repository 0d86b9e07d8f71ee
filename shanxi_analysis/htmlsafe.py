"""The one place where JSON and JavaScript meet HTML.

Every writer that puts a chart spec, a dataset or a script into a page (the reports, the
notebook renderer, ``charts.save(..., ".html")``, the index) calls these functions, and a
test fails if a module writes a ``<script>`` element without them.

Inside ``<script>`` the HTML parser ends the element at the first ``</script`` whatever the
JavaScript means, and ``<!--`` starts a state in which ``</script>`` is not seen. JSON
strings can carry both (a quote, an entity name, a title), so :func:`json_for_script`
writes ``<``, ``>`` and ``&`` as ``\\u003c``, ``\\u003e`` and ``\\u0026``: the same string to
``JSON.parse`` and to JavaScript, and nothing an HTML parser acts on. U+2028 and U+2029 are
escaped as well (older JavaScript engines end a string literal at them).

>>> json_for_script({"quote": "</script><script>alert(1)</script>"})
'{"quote": "\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
>>> import json
>>> json.loads(json_for_script(["a<!--b\\u2028"])) == ["a<!--b\\u2028"]
True
"""

from __future__ import annotations

import json
import re
from typing import Any

_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")
_SCRIPT_END = re.compile(r"<(/script|!--)", re.IGNORECASE)


def json_for_script(obj: Any, *, sort_keys: bool = False) -> str:
    """Return ``obj`` as JSON that is safe inside a ``<script>`` element (of any type) and
    reads back to the same value."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=sort_keys, allow_nan=False)
    return _JSON_UNSAFE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def js_for_script(code: str) -> str:
    """Return JavaScript source (a library bundle) that cannot end or comment out the
    ``<script>`` element it is put in: ``</script`` and ``<!--`` get a backslash, which
    JavaScript strings and regular expressions read the same."""
    return _SCRIPT_END.sub(lambda m: "<\\" + m.group(1), code)


def script(code: str, *, type: str = "text/javascript", id: str | None = None) -> str:
    """Return a ``<script>`` element around ``code``; ``code`` must come from
    :func:`json_for_script` or :func:`js_for_script` (it is checked)."""
    if _SCRIPT_END.search(code):
        raise ValueError("script text contains '</script' or '<!--'; escape it first")
    attrs = f' type="{type}"' + (f' id="{id}"' if id else "")
    return f"<script{attrs}>{code}</script>"
