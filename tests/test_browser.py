"""Real headless Chromium (Debian's /usr/bin/chromium, driven by playwright): every report
loads offline and renders; a JupyterLab session runs a notebook with widgets."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import nbformat.sign
import pytest
from chromium import bring_charts_to_life, wait_for_jupyter

from shanxi_analysis import datasets, paths, widgets
from shanxi_analysis.report.pdf import QUIET

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [*QUIET, "--disable-quic"]
CJK_FONTS = ("WenQuanYi", "Noto Sans CJK", "Source Han Sans", "文泉")

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: CI must install Debian's chromium (make test)")
    pytest.skip(
        "Debian's chromium is not installed (make system-deps installs it)", allow_module_level=True
    )


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def reports(built_reports):
    """The session's build of every report (tests/conftest.py), read only."""
    return built_reports, _report_files(built_reports)


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    requests, problems = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(url, wait_until="load")
    return page, requests, problems


def _report_files(out: Path) -> list[Path]:
    return sorted(out.glob("*/*.html"))


def test_every_report_renders_offline_with_no_errors(browser, reports):
    out, _ = reports
    files = _report_files(out)
    assert len(files) == 14  # six themes and the indicator page, in two languages
    for path in files:
        page, requests, problems = _open(browser, path.as_uri())
        expected = page.evaluate("document.querySelectorAll('.sx-chart').length")
        assert expected >= 2, path
        bring_charts_to_life(page)  # each chart turns interactive as it comes into view
        drawn = "document.querySelectorAll('.vega-embed canvas, .vega-embed svg.marks').length"
        page.wait_for_function(f"{drawn} >= {expected}", timeout=30_000)
        sizes = page.evaluate(
            "[...document.querySelectorAll('.vega-embed')].map(e => {"
            " const r = e.getBoundingClientRect(); return [r.width, r.height]; })"
        )
        assert len(sizes) == expected and all(w > 50 and h > 50 for w, h in sizes), (path, sizes)
        outside = [u for u in requests if not u.startswith(("file:", "data:", "blob:"))]
        assert outside == [], (path, outside)
        assert problems == [], (path, problems)
        page.close()


def test_chinese_text_is_drawn_with_a_cjk_font(browser, reports):
    out, _ = reports
    page, _, _ = _open(browser, (out / "zh" / "01-coal-energy.html").as_uri())
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    for selector in ("h1", "h2", ".jp-RenderedMarkdown p"):
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        names = [f["familyName"] for f in fonts]
        assert any(c in n for n in names for c in CJK_FONTS), (selector, names)
    page.close()


def test_a_vega_lite_dropdown_changes_its_chart(browser, reports):
    out, _ = reports
    for path in _report_files(out):
        page, _, problems = _open(browser, path.as_uri())
        bring_charts_to_life(page)
        page.wait_for_selector(".vega-embed canvas, .vega-embed svg.marks", timeout=30_000)
        selects = page.locator(".vega-bind select")
        if selects.count() == 0:
            page.close()
            continue
        select = selects.first
        chart = select.locator("xpath=ancestor::div[contains(@class,'vega-embed')][1]")
        before = chart.screenshot()
        options = select.locator("option").all_inner_texts()
        assert len(options) >= 2
        select.select_option(index=1)
        page.wait_for_timeout(500)
        after = chart.screenshot()
        assert before != after, f"{path.name}: the dropdown did not change the chart"
        assert problems == []
        page.close()
        return
    pytest.fail("no report has a Vega-Lite dropdown")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SHOTS = Path(os.environ.get("SHANXI_SHOTS", tempfile.gettempdir())) / "issue11-shots"
VEGA_DRAWN = ".jp-RenderedVega5 .vega-embed canvas, .jp-RenderedVega5 .vega-embed svg.marks"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@contextlib.contextmanager
def _lab(root: Path, home: Path):
    """JupyterLab on 127.0.0.1 and a free port over ``root``, with its own Jupyter config,
    data (so its own trust database) and runtime folders under ``home``; always stopped."""
    port, token = _free_port(), "shanxi-test-token"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=",
            "--ServerApp.allow_remote_access=False",
            "--allow-root",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_jupyter(base, token, proc, 90)
        yield base, token, home / "data"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


def _offline_page(browser, base: str):
    """A page that can reach the JupyterLab server and nothing else; returns it and the
    list of requests it tried to send elsewhere."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith((base, "data:", "blob:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return page, blocked


def _open_notebook(page, base: str, token: str, name: str) -> None:
    # A workspace of its own, so that only this notebook is open (and active).
    workspace = re.sub(r"\W", "-", name)
    page.goto(
        f"{base}/lab/workspaces/{workspace}/tree/{name}?token={token}",
        wait_until="domcontentloaded",
    )
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)


def _run_all(page) -> None:
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def _save(page, path: Path) -> None:
    before = path.stat().st_mtime_ns
    # File > Save Notebook, from the menu bar as a user would.
    page.get_by_role("menuitem", name="File", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Save Notebook(?! As)")).click()
    for _ in range(600):  # waiting through the page, which lets the routed requests through
        if path.stat().st_mtime_ns != before:
            break
        page.wait_for_timeout(200)
    else:
        page.screenshot(path=str(SHOTS / f"not-saved-{path.stem}.png"))
        raise AssertionError(f"{path.name} was not saved")
    page.get_by_text("Saving completed").wait_for(timeout=60_000)


def _wait_drawn(page, count: int) -> None:
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length >= n",
        arg=[VEGA_DRAWN, count],
        timeout=120_000,
    )


def _shows(path: Path) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    return code.count("page.show(")


def _bar_indicator(lang: str) -> tuple[str, str]:
    """The first theme and indicator (its name) whose facts the explorer draws as bars: two
    or more figures, one period per entity (see ``widgets.indicator_chart``)."""
    for theme in datasets.THEMES:
        df = datasets.facts(lang, theme=theme)
        for _, rows in df.groupby("indicator_id", sort=False):
            if len(rows) > 1 and rows.groupby("entity_id")["period"].nunique().max() == 1:
                return theme, str(rows["indicator"].iloc[0])
    raise AssertionError("no indicator is drawn as bars")


def _select(page, label: str, option: str) -> None:
    """Choose ``option`` in the first ipywidgets dropdown labelled ``label``, once the kernel
    has sent that option, and wait until the choice holds."""
    menu = page.locator(f".widget-dropdown:has(label:text-is('{label}')) select").first
    menu.locator("option", has_text=option).first.wait_for(state="attached", timeout=60_000)
    menu.select_option(label=option)
    page.wait_for_function(
        "([el, text]) => el.selectedOptions.length && el.selectedOptions[0].text === text",
        arg=[menu.element_handle(), option],
        timeout=30_000,
    )


def _explorer_shows(page, title: str) -> None:
    """Wait until the explorer's chart is the one titled ``title``: the kernel has answered
    every choice made before."""
    page.wait_for_function(
        "text => [...document.querySelectorAll('.widget-box .vega-embed svg .role-title-text')]"
        ".some(t => t.textContent.includes(text))",
        arg=title,
        timeout=60_000,
    )


def test_jupyterlab_offline_charts_small_saves_untrusted_reopen_and_no_kernel(browser, tmp_path):
    """As an analyst would: run a theme notebook and the reuse notebook with the network
    blocked, see every chart drawn, type in the fact browser, save; the files stay small.
    Then a colleague opens them in a fresh JupyterLab (another trust database: untrusted)
    with no kernel: the charts are drawn and no widget is left as a bare error."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    root = tmp_path / "lab"
    shutil.copytree(paths.notebooks_dir(), root, ignore=shutil.ignore_patterns(".*"))
    theme, reuse = root / "00-overview.ipynb", root / "use-in-your-own-notebook.ipynb"
    theme_charts = _shows(theme)  # the 'page.show(' charts (widgets add their own)
    reuse_charts = 2
    with _lab(root, tmp_path / "analyst") as (base, token, _):
        page, blocked = _offline_page(browser, base)
        _open_notebook(page, base, token, theme.name)
        _run_all(page)
        search = page.locator("input[placeholder='例如：煤矿、外资、开发区']")
        search.wait_for(timeout=120_000)
        _wait_drawn(page, theme_charts)
        page.wait_for_selector(
            ".widget-box .vega-embed canvas, .widget-box .vega-embed svg.marks", timeout=60_000
        )
        # A click on a bar of the explorer's chart narrows its quotes to that fact. The first
        # indicator may have one figure (a card, nothing to narrow): pick one drawn as bars.
        bar_theme, bar_indicator = _bar_indicator("zh")
        _select(page, "主题", datasets.THEMES[bar_theme][0])
        # The kernel answers a new theme with its first indicator and its chart: wait for
        # that, so that its answer cannot undo the indicator chosen next.
        first = datasets.facts("zh", theme=bar_theme)["indicator"].iloc[0]
        _explorer_shows(page, first)
        _select(page, "指标", bar_indicator)
        _explorer_shows(page, bar_indicator)
        note = page.locator(".widget-html-content:has-text('点击图中一条')").first
        note.wait_for(timeout=30_000)
        bar = page.locator(".widget-box .vega-embed svg [aria-roledescription='bar']").first
        bar.wait_for(state="attached", timeout=60_000)
        bar.scroll_into_view_if_needed()
        bar.click()
        page.locator(".widget-html-content:has-text('所选事实')").first.wait_for(timeout=30_000)
        page.screenshot(path=str(SHOTS / "lab-explorer-click-shows-its-quote.png"))
        count = page.locator(".widget-html-content:has-text('条事实')").first
        before = count.inner_text()
        search.press_sequentially("煤矿", delay=50)  # typing only: no Enter
        page.wait_for_function(
            "([el, text]) => el.innerText !== text",
            arg=[count.element_handle(), before],
            timeout=30_000,
        )
        matches = re.compile(r"(\d+)\s*条事实")  # "显示第 1–40 条 / 89 条事实": 89 match
        first = int(matches.findall(before)[0])
        assert 0 < int(matches.findall(count.inner_text())[0]) < first
        assert page.get_by_text("Error loading script").count() == 0
        page.screenshot(path=str(SHOTS / "lab-theme-offline.png"), full_page=False)
        _save(page, theme)
        _open_notebook(page, base, token, reuse.name)
        _run_all(page)
        page.wait_for_function(
            "([sel, n]) => document.querySelectorAll(sel).length >= n",
            arg=[VEGA_DRAWN, reuse_charts],
            timeout=120_000,
        )
        page.screenshot(path=str(SHOTS / "lab-reuse-offline.png"), full_page=False)
        _save(page, reuse)
        assert page.get_by_text("Error loading script").count() == 0
        # The analyst restarts the kernel and reopens the theme notebook: no widget can be
        # drawn, and where each stood is the hint, not "model not found".
        _open_notebook(page, base, token, theme.name)
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
        page.get_by_role("menuitem", name="Kernel", exact=True).click()
        page.get_by_role("menuitem", name=re.compile(r"^Restart Kernel…")).click()
        page.locator(".jp-Dialog .jp-mod-accept").click()  # "Restart"
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
        page.reload(wait_until="domcontentloaded")
        _wait_drawn(page, theme_charts)
        orphans = page.locator(".jp-OutputArea-output.jupyter-widgets")
        orphans.first.wait_for(state="attached", timeout=60_000)
        orphans.first.scroll_into_view_if_needed()
        assert orphans.count() >= 3
        for orphan in orphans.all():
            assert "model not found" in orphan.text_content()  # JupyterLab's text, hidden...
            assert (
                not orphan.is_visible()
                or orphan.evaluate("e => getComputedStyle(e).visibility") == "hidden"
            )
            hint = orphan.evaluate("e => getComputedStyle(e, '::before').content")
            assert widgets.NO_KERNEL_HINT in hint  # ...and the hint in its place
        page.screenshot(path=str(SHOTS / "lab-kernel-restarted-reopened.png"), full_page=False)
        assert blocked == [], blocked
        page.close()
    for path, n in ((theme, theme_charts), (reuse, reuse_charts)):
        size = path.stat().st_size
        (SHOTS / f"saved-{path.stem}.txt").write_text(f"{size} bytes, {n} charts\n")
        assert size <= 100_000 * n, f"{path.name}: {size} bytes for {n} charts"
        outputs = [o for c in nbformat.read(path, 4).cells for o in c.get("outputs", [])]
        assert sum("application/vnd.vega.v5+json" in o.get("data", {}) for o in outputs) >= n

    # A colleague: another Jupyter data folder, so these notebooks are not trusted there.
    with _lab(root, tmp_path / "colleague") as (base, token, data_dir):
        notary = nbformat.sign.NotebookNotary(data_dir=str(data_dir))
        assert not notary.check_signature(nbformat.read(theme, 4))
        page, blocked = _offline_page(browser, base)
        _open_notebook(page, base, token, theme.name)
        _wait_drawn(page, theme_charts)
        # Untrusted, JupyterLab draws no widget and shows each one's text form: the hint.
        hints = page.get_by_text(widgets.NO_KERNEL_HINT)
        hints.first.scroll_into_view_if_needed()
        assert hints.count() >= 3  # the language bar, the explorer, the browser
        assert page.get_by_text("model not found").count() == 0
        page.screenshot(path=str(SHOTS / "lab-reopened-untrusted-no-kernel.png"), full_page=False)
        _open_notebook(page, base, token, reuse.name)
        page.wait_for_function(
            "([sel, n]) => document.querySelectorAll(sel).length >= n",
            arg=[VEGA_DRAWN, reuse_charts],
            timeout=120_000,
        )
        assert blocked == [], blocked
        page.close()


def test_jupyterlab_fact_table_searches_offline_and_reopens_as_a_plain_table(browser, tmp_path):
    """An analyst's own notebook shows the searchable fact table: offline, it searches and
    filters with no kernel round trip; a colleague opening the saved file (untrusted, no
    kernel) sees the same facts as a plain table, not an error."""
    root = tmp_path / "lab"
    root.mkdir()
    mine = root / "my-facts.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)"}
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from shanxi_analysis import facttable\n"
            'facttable.fact_table(lang="en", theme="coal_energy")'
        )
    ]
    nbformat.write(nb, mine)
    n = len(datasets.facts("en", theme="coal_energy"))
    with _lab(root, tmp_path / "analyst") as (base, token, _):
        page, blocked = _offline_page(browser, base)
        _open_notebook(page, base, token, mine.name)
        _run_all(page)
        page.wait_for_selector(".sx-facttable.sx-ready", timeout=120_000)
        rows = ".sx-facttable tbody tr"
        assert page.locator(rows).count() == 10 and f"of {n} facts" in page.inner_text(".dt-info")
        page.locator(".dt-search input").press_sequentially("hydrogen", delay=30)
        page.wait_for_function(
            "([sel, n]) => document.querySelectorAll(sel).length < n", arg=[rows, 10]
        )
        assert all("hydrogen" in t.lower() for t in page.locator(rows).all_inner_texts())
        page.screenshot(path=str(SHOTS / "lab-fact-table.png"), full_page=False)
        _save(page, mine)
        assert blocked == [], blocked
        page.close()
    with _lab(root, tmp_path / "colleague") as (base, token, _):
        page, blocked = _offline_page(browser, base)
        _open_notebook(page, base, token, mine.name)
        page.wait_for_selector(".sx-facts tbody tr", timeout=60_000)
        assert page.locator(".sx-facts tbody tr").count() == n  # every row, as plain HTML
        assert page.locator(".sx-facttable.sx-ready").count() == 0  # no script ran
        assert page.locator(".sx-facttable select").count() == 0  # so no menu that cannot work
        assert blocked == [], blocked
        page.close()
