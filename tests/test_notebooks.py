"""The theme notebooks: clean, parameterized, narrated from data, runnable under papermill."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from papermill.exceptions import PapermillExecutionError

from shanxi_analysis import datasets, paths
from shanxi_analysis.report import engine, runner

NOTEBOOKS = sorted(paths.notebooks_dir().glob("*.ipynb"))
REPORT_NOTEBOOKS = [p for p in NOTEBOOKS if re.match(r"\d\d-", p.name)]
THEME_NOTEBOOKS = [
    p
    for p in REPORT_NOTEBOOKS
    if json.loads(p.read_text(encoding="utf-8"))["metadata"]["shanxi"]["theme"] in datasets.THEMES
]
INDICATOR_PAGE = paths.notebooks_dir() / "90-indicators.ipynb"
PLACEHOLDER = re.compile(r"\{(fact|period|calc|indicator):[^}]+\}")
DIGIT = re.compile(r"[0-9０-９]")


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_one_notebook_per_theme_in_reading_order():
    themes = [_nb(p)["metadata"]["shanxi"]["theme"] for p in THEME_NOTEBOOKS]
    assert themes[0] == "overview"
    assert set(themes) == set(datasets.THEMES)
    assert [p.name[:2] for p in THEME_NOTEBOOKS] == sorted(p.name[:2] for p in THEME_NOTEBOOKS)


REPO = paths.notebooks_dir().parent
CLEAR_OUTPUTS = (
    "clear them (JupyterLab: Edit > Clear Outputs of All Cells, then save; or run "
    "'.venv/bin/nbstripout --keep-id {path}'), then stage the notebook again; "
    "'make install' sets up the git filter that strips outputs on every commit"
)


def _in_git(path: Path) -> str | None:
    """The notebook as git holds it (the index: what the next commit records), or None
    outside a git checkout or for a file git does not track."""
    rel = path.relative_to(REPO).as_posix()
    out = subprocess.run(
        ["git", "show", f":{rel}"], cwd=REPO, capture_output=True, text=True, check=False
    )
    return out.stdout if out.returncode == 0 else None


def _outputs_left(nb: dict) -> list[str]:
    """What a notebook holds that only running it writes: outputs, counts, widget state."""
    found = [
        f"cell {i}: {what}"
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code"
        for what, present in (
            ("outputs", cell.get("outputs")),
            ("execution_count", cell.get("execution_count") is not None),
        )
        if present
    ]
    return found + (["metadata.widgets"] if "widgets" in nb.get("metadata", {}) else [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs(path):
    """Checks what git holds, not the file on disk: an analyst who runs a notebook and
    saves it does not break the tests."""
    text = _in_git(path)
    nb = json.loads(text if text is not None else path.read_text(encoding="utf-8"))
    left = _outputs_left(nb)
    assert not left, (
        f"{path.name} is stored in git with outputs ({', '.join(left[:3])}); "
        + CLEAR_OUTPUTS.format(path=path.relative_to(REPO))
    )


def test_the_git_filter_keeps_outputs_out_of_commits(tmp_path):
    """A saved, executed notebook committed in a scratch clone set up by the Makefile has no
    outputs in the commit, while the file on disk keeps them."""
    if shutil.which("git") is None or shutil.which("make") is None:
        pytest.skip("needs git and make")
    clone = tmp_path / "clone"
    (clone / "notebooks").mkdir(parents=True)
    for name in ("Makefile", ".gitattributes"):
        shutil.copy(REPO / name, clone / name)
    (clone / ".venv").symlink_to(Path(sys.executable).parent.parent)  # the filter's nbstripout

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=clone,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    git("init", "-q")
    subprocess.run(["make", "-s", "git-filter"], cwd=clone, check=True, capture_output=True)
    executed = _run(paths.notebooks_dir() / "use-in-your-own-notebook.ipynb", tmp_path, lang="en")
    executed.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    saved = clone / "notebooks" / "mine.ipynb"
    nbformat.write(executed, saved)
    assert _outputs_left(json.loads(saved.read_text(encoding="utf-8")))  # really executed
    git("add", "-A")
    git("commit", "-q", "-m", "explore")
    committed = json.loads(git("show", "HEAD:notebooks/mine.ipynb"))
    assert _outputs_left(committed) == []
    assert [c["source"] for c in committed["cells"]] == [
        c["source"] for c in json.loads(saved.read_text(encoding="utf-8"))["cells"]
    ]
    assert _outputs_left(json.loads(saved.read_text(encoding="utf-8")))  # the work is kept
    assert git("status", "--porcelain") == ""  # and git does not see it as a change


@pytest.mark.parametrize("path", REPORT_NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_declares_lang_and_interactive(path):
    params = runner._parameters_of(_nb(path), path)
    assert params == {"lang": "zh", "interactive": True}


@pytest.mark.parametrize("path", REPORT_NOTEBOOKS, ids=lambda p: p.name)
def test_no_figure_is_typed_by_hand(path):
    nb = _nb(path)
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            assert not DIGIT.search(source), f"{path.name}: digits in a markdown cell"
        elif "parameters" not in cell.get("metadata", {}).get("tags", []):
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    text = PLACEHOLDER.sub("", node.value)
                    if node.value.startswith(("lw-", "dz-")):
                        continue  # a fact id is a reference, not a figure
                    assert not DIGIT.search(text), f"{path.name}: digits in {node.value[:60]!r}"


def test_papermill_lists_the_parameters_with_their_descriptions():
    exe = Path(sys.executable).with_name("papermill")
    out = subprocess.run(
        [str(exe), "--help-notebook", str(THEME_NOTEBOOKS[1])],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert re.search(r"lang: str \(default \"zh\"\)\s+language of the text and charts", out)
    assert re.search(r"interactive: bool \(default True\)\s+True: widgets", out)


def _run(path: Path, tmp_path: Path, **params) -> nbformat.NotebookNode:
    engine.register()
    return pm.execute_notebook(
        str(path),
        str(tmp_path / f"{path.stem}-out.ipynb"),
        parameters=params,
        engine_name=engine.ENGINE_NAME,
        kernel_name="python3",
        language="python",
        progress_bar=False,
        cwd=str(path.parent),
    )


def _outputs(nb) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", THEME_NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_runs_in_batch_mode(path, lang, tmp_path):
    nb = _run(path, tmp_path, lang=lang, interactive=False)
    outputs = _outputs(nb)
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert not [o for o in outputs if o["output_type"] == "stream" and o["name"] == "stderr"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    charts = [h for h in html if "vegaEmbed" in h]
    shows = sum("".join(c.source).count("page.show(") for c in nb.cells if c.cell_type == "code")
    assert len(charts) == shows >= 2
    assert not any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    text = " ".join(
        o["data"].get("text/markdown", "") for o in outputs if o["output_type"] == "display_data"
    )
    title = datasets.THEMES[_nb(path)["metadata"]["shanxi"]["theme"]][0 if lang == "zh" else 1]
    # the title reaches Markdown escaped (htmlsafe.markdown_text): read it as Markdown shows it
    assert f"# {title}" in re.sub(r"\\(.)", r"\1", text)
    assert "{fact:" not in text and "{calc:" not in text  # every placeholder was filled
    sources = [h for h in html if "sx-sources" in h]
    assert len(sources) == 1 and sources[0].count('<li id="fact-') >= 3


def test_interactive_mode_shows_widgets(tmp_path):
    nb = _run(THEME_NOTEBOOKS[1], tmp_path, lang="en", interactive=True)
    outputs = _outputs(nb)
    assert not [o for o in outputs if o["output_type"] == "error"]
    widgets = [
        o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert len(widgets) >= 2


def test_a_wrong_language_names_the_allowed_values(tmp_path):
    with pytest.raises(PapermillExecutionError, match=r"allowed values: zh, en"):
        _run(THEME_NOTEBOOKS[1], tmp_path, lang="fr", interactive=False)


def test_a_notebook_runs_on_a_real_kernel_too(tmp_path):
    """The warm engine is a speed-up, not a requirement: the stock papermill engine works."""
    nb = pm.execute_notebook(
        str(THEME_NOTEBOOKS[4]),
        str(tmp_path / "out.ipynb"),
        parameters={"lang": "en", "interactive": False},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(THEME_NOTEBOOKS[4].parent),
    )
    outputs = _outputs(nb)
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert any("vegaEmbed" in o.get("data", {}).get("text/html", "") for o in outputs)


def test_the_reuse_notebook_loads_filters_cites_charts_and_saves(tmp_path):
    path = paths.notebooks_dir() / "use-in-your-own-notebook.ipynb"
    out = tmp_path / "charts"
    nb = _run(path, tmp_path, lang="zh", out_dir=str(out))
    outputs = _outputs(nb)
    assert not [o for o in outputs if o["output_type"] == "error"]
    printed = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    assert "——" in printed and "block" in printed  # the citation, in Chinese
    assert sorted(p.name for p in out.iterdir()) == ["zones.html", "zones.png", "zones.svg"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_gallery_draws_every_chart_type_on_both_kinds_of_data(tmp_path, lang):
    from shanxi_analysis import charts, jupyter

    path = paths.notebooks_dir() / "gallery.ipynb"
    nb = _run(path, tmp_path, lang=lang)
    outputs = _outputs(nb)
    assert not [o for o in outputs if o["output_type"] == "error"]
    sources = "".join("".join(c.source) for c in nb.cells if c.cell_type == "code")
    for kind in charts.CHART_TYPES:
        # each type is called on the package's facts and on the table typed by hand
        assert f"charts.{kind}(facts," in sources and f"charts.{kind}(mine," in sources
    drawn = [  # JupyterLab's own Vega (in a kernel) or a page's embed (in a report)
        o
        for o in outputs
        if jupyter.VEGA_MIME in o.get("data", {})
        or "vegaEmbed" in o.get("data", {}).get("text/html", "")
    ]
    assert len(drawn) >= 2 * len(charts.CHART_TYPES)
    tables = [  # the searchable fact table, of the package's facts and of the own table
        o["data"]["text/html"]
        for o in outputs
        if 'class="sx-facttable"' in o.get("data", {}).get("text/html", "")
    ]
    assert [t.count("<tr ") for t in tables] == [len(datasets.facts()), 14]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_indicator_page_lists_every_indicator_with_data(lang, tmp_path):
    from shanxi_analysis import catalogue

    nb = _run(INDICATOR_PAGE, tmp_path, lang=lang, interactive=False)
    outputs = _outputs(nb)
    assert not [o for o in outputs if o["output_type"] == "error"]
    html = "".join(o["data"].get("text/html", "") for o in outputs if "data" in o)
    listed = re.findall(r'<h3 id="indicator-([a-z0-9_]+)"', html)
    with_facts = set(datasets.facts()["indicator_id"])
    assert sorted(listed) == sorted(with_facts)  # every indicator that has facts, once
    entries = catalogue.entries(lang)
    drawn = sum(e.chart_type != "card" for e in entries)
    assert html.count('class="sx-chart"') == drawn >= 3
    assert html.count('class="sx-card"') == sum(
        len(e.facts) for e in entries if e.chart_type == "card"
    )
    assert 'id="sx-filter-text"' in html and "sx-sources" in html
