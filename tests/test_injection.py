"""Hostile text in the curated data never becomes markup or script: not in the reports, not
in notebook outputs, not in saved charts, not in the index (issue: stored script injection).

Every string field that ``data/datapackage.json`` declares and that can carry text (titles,
publishers, names, translations, notes, theme and label names, units' words ...: the list
comes from the schema, issue 22) gets text that would end a ``<script>`` element, open a
comment, or carry an event handler. The pages must still parse, draw every chart and run
none of it. Every other string field must refuse that text by file, row and field.
"""

from __future__ import annotations

import ast
import csv
import json
import re
import shutil
from pathlib import Path

import markup_scan
import pytest
from chromium import launch, open_page
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shanxi_analysis import checks, datasets, htmlsafe, paths, report

PAYLOADS = (
    "</script><script>window.__pwned = 1; alert(1)</script>",
    '</SCRIPT ><img src=x onerror="window.__pwned=1">',
    "<!--<script>",
    "]]><svg onload=window.__pwned=1>",
    "\u2028\u2029 & &amp; \"'` ${1} {0}",
)
HOSTILE = " ".join(PAYLOADS)


def string_fields() -> list[tuple[dict, dict]]:
    """Every string field that ``data/datapackage.json`` declares: ``(resource, field)``."""
    pkg = json.loads((paths.data_dir() / "datapackage.json").read_text(encoding="utf-8"))
    return [
        (res, field)
        for res in pkg["resources"]
        for field in res["schema"]["fields"]
        if field.get("type", "string") == "string"
    ]


def bound(res: dict, field: dict) -> str | None:
    """Why a string field can hold no text of a person's choosing (``None`` if it can): a
    key, a code, text that stands in the article or that the extractor reads there."""
    schema, name = res["schema"], field["name"]
    keys = schema.get("primaryKey", [])
    keys = [keys] if isinstance(keys, str) else keys
    if name in keys or name in [fk["fields"] for fk in schema.get("foreignKeys", [])]:
        return "key"
    if "enum" in field.get("constraints", {}):
        return "code"
    if name in datasets.VERBATIM.get(res["name"], ()):
        return "verbatim"
    if res["name"] == "facts" and name in checks.READ_FROM_QUOTE:
        return "read from the quote"
    values = [r[name] for r in _rows(res["path"])]
    if values and all((paths.data_dir() / v).is_file() for v in values):
        return "a file's path"
    return None


def fitting(field: dict, value: str, texts: list[str]) -> str:
    """The parts of ``texts`` that ``value`` may carry after a space under the field's
    pattern (all of them when it has none), joined by spaces."""
    pattern = field.get("constraints", {}).get("pattern")
    fits = [t for t in texts if pattern is None or re.fullmatch(pattern, f"{value} {t}".strip())]
    return " ".join(fits)


def _rows(rel: str) -> list[dict]:
    with (paths.data_dir() / rel).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def free_text_fields() -> dict[str, list[str]]:
    """Each table's string fields that can carry hostile text, by file: derived from the
    datapackage (not bound, and a pattern, if any, that admits one of :data:`PAYLOADS`
    after a value of the field)."""
    out: dict[str, list[str]] = {}
    for res, field in string_fields():
        values = {r[field["name"]] for r in _rows(res["path"])} or {""}
        if bound(res, field) is None and any(fitting(field, v, list(PAYLOADS)) for v in values):
            out.setdefault(res["path"], []).append(field["name"])
    return out


def _rewrite(path: Path, change) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    rows = change(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def hostile_data(target: Path, text: str | list[str]) -> Path:
    """Copy the package's data to ``target`` with ``text`` (or the parts of a list of texts
    that its pattern admits) appended to every free-text field of every row; return the
    copy. A cell that ``check`` refuses to carry any text (a note on a chart type that
    shows none) keeps its value: check names it, so no build would use it."""
    from shanxi_analysis.charts import types

    shutil.copytree(paths.data_dir(), target)
    texts = [text] if isinstance(text, str) else text
    fields = {res["path"]: res for res, _ in string_fields()}
    before = {rel: _rows(rel) for rel in free_text_fields()}
    for rel, names in free_text_fields().items():
        declared = {f["name"]: f for f in fields[rel]["schema"]["fields"]}

        def change(rows, names=names, declared=declared):
            for row in rows:
                for name in names:
                    row[name] = f"{row[name]} {fitting(declared[name], row[name], texts)}".strip()
            return rows

        _rewrite(target / rel, change)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(paths.DATA_ENV, str(target))
        refused = [(p.file, p.row, p.field) for p in types.figure_problems()]
    for rel, row_no, name in refused:
        assert not before[rel][row_no - 2][name], (rel, row_no, name)  # it was empty

        def keep(rows, row_no=row_no, name=name):
            rows[row_no - 2][name] = ""
            return rows

        _rewrite(target / rel, keep)
    return target


def test_every_string_field_either_takes_hostile_text_or_refuses_it(tmp_data):
    """No string field of the datapackage is left out. The hostile build below fills every
    field that can carry text; every other one (a key, a code, a pattern, article text, a
    file's path) refuses it before any report is built, naming the file, row and field."""
    from shanxi_analysis.report import runner

    free = free_text_fields()
    assert "name_en" in free["curated/themes.csv"] and "ladder_en" in free["curated/units.csv"]
    refused = []
    for res, field in string_fields():
        rel, name = res["path"], field["name"]
        if name in free.get(rel, []):
            continue
        original = (tmp_data / rel).read_bytes()

        def change(rows, name=name):
            rows[0][name] = f"{rows[0][name]} {HOSTILE}".strip()
            return rows

        _rewrite(tmp_data / rel, change)
        problems = runner.data_problems()
        (tmp_data / rel).write_bytes(original)
        assert problems, (rel, name, bound(res, field))
        named = f"{rel}, row 2, field '{name}'" in problems[0] or f": {name} is " in problems[0]
        assert named, (rel, name, problems[0])
        refused.append((rel, name))
    assert len(refused) + sum(map(len, free.values())) == len(string_fields())


SCRIPT_ELEMENT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", flags=re.S | re.I)
# The only scripts our writers make (htmlsafe): the libraries, a chart's JSON, its call.
KNOWN_SCRIPTS = (
    (('type="text/javascript"',), "(function(){var NAME = "),  # packed libraries
    (('type="text/javascript"',), "var VEGA_DEBUG = "),
    (('type="text/javascript"',), "(function(){var ID = "),  # the fact table's set-up
    (('type="text/javascript"',), "if (typeof window.vegaEmbed === 'undefined')"),
    (('type="text/javascript"',), "(function(){var el = document.getElementById("),
    (('type="text/javascript"',), "\n(function(){\n  var KEY = 'shanxi-analysis-lang';"),
    (('type="text/javascript"',), "\n(function(){\nfunction init() {\n  var text = "),
    (('type="application/json"', 'id="sx-vega-'), "{"),
    (('type="text/javascript"',), "\n(function(){\n/* the charts' PNG and SVG buttons */"),
)


def script_elements(page: str) -> list[str]:
    """Return the text of every ``<script>`` element as an HTML parser splits them."""
    return [m.group(2) for m in SCRIPT_ELEMENT.finditer(page)]


def assert_no_markup_leak(page: str, expected_scripts: int | None = None) -> None:
    """Every script element is one our writers make and ends where they meant it to, and
    nothing outside them is a script, an event handler or an element the data smuggled in."""
    found = list(SCRIPT_ELEMENT.finditer(page))
    if expected_scripts is not None:
        assert len(found) == expected_scripts
    for m in found:
        attrs, body = m.group(1), m.group(2)
        known = any(
            all(a in attrs for a in need) and body.startswith(start)
            for need, start in KNOWN_SCRIPTS
        )
        assert known, m.group(0)[:200]
        assert "<!--" not in body and "</script" not in body.lower()
    outside = SCRIPT_ELEMENT.sub("", page).lower()
    for smuggled in ("<script", "<img src=x", "<svg onload", "</script"):
        assert smuggled not in outside, smuggled


# ---------------------------------------------------------------- the one escaping function


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )
)
def test_json_for_script_reads_back_and_has_nothing_html_acts_on(obj):
    text = htmlsafe.json_for_script(obj)
    assert json.loads(text) == obj
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}


@given(st.text())
def test_js_for_script_cannot_close_or_comment_out_its_element(code):
    safe = htmlsafe.js_for_script(code)
    assert "</script" not in safe.lower() and "<!--" not in safe


def test_script_refuses_text_that_was_not_escaped():
    with pytest.raises(ValueError, match="escape it first"):
        htmlsafe.script("var a = '</script>';")


def _code_strings(path: Path) -> list[str]:
    """Return the string literals of a module that are not docstrings (f-string parts too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_module_writes_a_script_element_or_embeds_a_chart_by_itself():
    """Every writer goes through htmlsafe: no other file of the package spells out a
    <script> element, calls vegaEmbed or lets vl-convert write a page, so none can forget
    the escaping."""
    offenders = []
    for path in sorted(paths.PACKAGE_DIR.rglob("*")):
        if path.suffix not in (".py", ".j2") or path.name == "htmlsafe.py":
            continue
        text = path.read_text(encoding="utf-8")
        strings = _code_strings(path) if path.suffix == ".py" else [text]
        for pattern in (r"<script", r"vegaEmbed\("):
            if any(re.search(pattern, t, flags=re.I) for t in strings):
                offenders.append(f"{path.relative_to(paths.PACKAGE_DIR)}: {pattern}")
        if path.suffix == ".py" and "vegalite_to_html" in {
            getattr(n, "attr", None) for n in ast.walk(ast.parse(text))
        }:
            offenders.append(f"{path.relative_to(paths.PACKAGE_DIR)}: vegalite_to_html")
    assert offenders == []


# Values that reach markup unescaped and are not data, each with the reason.
NOT_DATA = {
    ("report/html.py", "stem"): "the page's file name, from the project's own notebook's metadata",
    ("report/html.py", "FAVICON"): "the pages' icon, a constant of the package",
    ("report/index.py", "FAVICON"): "the pages' icon, a constant of the package",
}


def _package_sources() -> dict[str, str]:
    """Every module of the package but htmlsafe, and the code of every notebook, by name."""
    sources = {}
    for path in sorted(paths.PACKAGE_DIR.rglob("*.py")):
        if path.name != "htmlsafe.py":
            sources[path.relative_to(paths.PACKAGE_DIR).as_posix()] = path.read_text("utf-8")
    for path in sorted(paths.notebooks_dir().glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        magic = ("%", "!")  # IPython's magics and shell lines are not Python
        lines = [ln for ln in code.splitlines() if not ln.lstrip().startswith(magic)]
        sources[f"notebooks/{path.name}"] = "\n".join(lines)
    return sources


def test_markdown_and_html_take_data_text_only_through_htmlsafe():
    """Whatever the package or a notebook puts into Markdown or HTML (a ``Markdown``/``HTML``
    call, an f-string with a tag) is a literal, escaped, or built only from those: no table
    value reaches a page unescaped (the scan: tests/markup_scan.py)."""
    found = markup_scan.unsafe_markup(_package_sources())
    assert [f for f in found if (f[0], f[2]) not in NOT_DATA] == []
    assert any(name.startswith("notebooks/") for name in _package_sources())


def test_the_markup_scan_finds_data_text_and_accepts_it_escaped():
    unsafe = (
        "from IPython.display import HTML, Markdown, display\n"
        "row = datasets.themes('en').iloc[0]\n"
        "display(Markdown(f'# {row.name}'))\n"
        "parts = [f'<p>{row.colour}</p>']\n"
        "display(HTML(''.join(parts)))\n"
    )
    safe = (
        "import html\n"
        "from IPython.display import HTML, Markdown, display\n"
        "row = datasets.themes('en').iloc[0]\n"
        "display(Markdown('# ' + htmlsafe.markdown_text(row.name)))\n"
        "parts = [f'<p>{html.escape(row.colour)}</p>']\n"
        "display(HTML(''.join(parts)))\n"
    )
    assert [line for _, line, _ in markup_scan.unsafe_markup({"fictional.py": unsafe})] == [
        3,
        4,
        5,
    ]
    assert markup_scan.unsafe_markup({"fictional.py": safe}) == []


# ---------------------------------------------------------------- every writer


def hostile_chart():
    import altair as alt
    import pandas as pd

    df = pd.DataFrame({"name": [HOSTILE, "b"], "value": [1, 2]})
    return alt.Chart(df, title=HOSTILE).mark_bar().encode(x="name:N", y="value:Q", tooltip=["name"])


def test_notebook_renderers_escape_the_spec():
    from shanxi_analysis import jupyter, notebook

    spec = hostile_chart().to_dict()
    html = notebook._report_renderer(spec)["text/html"]  # reports
    assert_no_markup_leak(html)
    data = [s for s in script_elements(html) if s.startswith("{")]
    assert json.loads(data[0])["title"] == htmlsafe.vega_safe(HOSTILE)
    bundle, _ = jupyter.vega_bundle(spec)  # JupyterLab: a JSON document, never markup
    assert set(bundle) <= {jupyter.VEGA_MIME, "text/plain"}
    title = bundle[jupyter.VEGA_MIME]["title"]
    assert (title["text"] if isinstance(title, dict) else title) == htmlsafe.vega_safe(HOSTILE)


def test_saved_chart_page_escapes_the_spec(tmp_path):
    from shanxi_analysis import charts

    path = charts.save(hostile_chart(), tmp_path / "c.html", check_glyphs=False)
    page = path.read_text(encoding="utf-8")
    assert_no_markup_leak(page, expected_scripts=4)  # libraries, VEGA_DEBUG, spec, call
    assert "<title>&lt;/script&gt;" in page


# ---------------------------------------------------------------- reports in a browser


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    data = hostile_data(base / "data", [HOSTILE, *PAYLOADS])
    mp = pytest.MonkeyPatch()
    mp.setenv(paths.DATA_ENV, str(data))
    try:
        result = report.build(out=base / "out", progress=False)
    finally:
        mp.undo()
    assert result.ok, [(t.output.name, t.message) for t in result] + result.problems
    return base / "out"


def test_hostile_text_is_shown_as_text_in_every_report(hostile_reports):
    pages = [*sorted(hostile_reports.glob("*/*.html")), hostile_reports / "index.html"]
    assert len(pages) == 15
    for path in pages:
        page = path.read_text(encoding="utf-8")
        assert_no_markup_leak(page)
    sources = (hostile_reports / "en" / "00-overview.html").read_text(encoding="utf-8")
    assert "&lt;/script&gt;&lt;script&gt;window.__pwned" in sources  # shown, as text


def assert_safe_and_drawn(browser, path: Path) -> None:
    visit = open_page(browser, path)
    assert visit.dialogs == [] and not visit.pwned, (path, visit)
    assert visit.charts == visit.drawn and visit.not_drawn == [], (path, visit)
    assert all(drawn > 100 for _, drawn in visit.chart_widths), (path, visit.chart_widths)
    assert visit.errors == [] and visit.requests == [], (path, visit)


def test_hostile_reports_draw_every_chart_and_run_no_script(hostile_reports):
    with launch() as browser:
        for path in [*sorted(hostile_reports.glob("*/*.html")), hostile_reports / "index.html"]:
            assert_safe_and_drawn(browser, path)


def test_a_saved_hostile_chart_draws_and_runs_no_script(tmp_path):
    from shanxi_analysis import charts

    path = charts.save(hostile_chart(), tmp_path / "c.html", check_glyphs=False)
    with launch() as browser:
        assert_safe_and_drawn(browser, path)


_TEXT = st.lists(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12)
    | st.sampled_from(["\n", "]]>", "\u2028", *PAYLOADS]),
    min_size=1,
    max_size=5,
).map("".join)


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=_TEXT)
def test_any_text_in_every_free_text_field_is_shown_as_text(text, tmp_path_factory):
    base = tmp_path_factory.mktemp("any-text")
    data = hostile_data(base / "data", text)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(paths.DATA_ENV, str(data))
        result = report.build(["overview"], langs="en", out=base / "out", progress=False)
    assert result.ok, [(t.output.name, t.message) for t in result] + result.problems
    page = base / "out" / "en" / "00-overview.html"
    assert_no_markup_leak(page.read_text(encoding="utf-8"))
    with launch() as browser:
        assert_safe_and_drawn(browser, page)


def test_the_chart_script_parses_in_older_browsers():
    """No regular-expression lookbehind (Safari before 16.4 rejects the whole script)."""
    html = htmlsafe.vega_libraries("", {}) + htmlsafe.vega_embed({"mark": "bar"}, element_id="c1")
    assert "function fit(spec, el)" in html and "(?<" not in html
