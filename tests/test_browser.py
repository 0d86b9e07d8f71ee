"""Real headless Chromium (Debian's /usr/bin/chromium, driven by playwright): every report
loads offline and renders; a JupyterLab session runs a notebook with widgets."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from shanxi_analysis import paths, report

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
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
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("all-reports")
    tasks = report.build(out=out, progress=False)
    assert all(t.status == "built" for t in tasks), [(t.output, t.message) for t in tasks]
    return out, _report_files(out)


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
    assert len(files) == 12
    for path in files:
        page, requests, problems = _open(browser, path.as_uri())
        expected = page.evaluate("document.querySelectorAll('.sx-chart').length")
        assert expected >= 2, path
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


@pytest.fixture
def jupyterlab(tmp_path):
    root = tmp_path / "lab"
    shutil.copytree(paths.notebooks_dir(), root, ignore=shutil.ignore_patterns(".*"))
    port, token = _free_port(), "shanxi-test-token"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"),
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
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("JupyterLab did not start") from None
                time.sleep(0.5)
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_jupyterlab_runs_a_notebook_and_a_widget_changes_its_output(browser, jupyterlab):
    base, token = jupyterlab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/lab/tree/01-coal-energy.ipynb?token={token}", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
    # Run > Run All Cells, from the menu bar as a user would.
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    search = page.locator("input[placeholder='例如：煤矿、外资、开发区']")
    search.wait_for(timeout=120_000)
    page.wait_for_selector(
        ".jp-OutputArea .vega-embed canvas, .jp-OutputArea .vega-embed svg", timeout=60_000
    )
    count = page.locator(".widget-html-content:has-text('条事实')").first
    before = count.inner_text()
    search.fill("煤矿")
    search.press("Enter")
    page.wait_for_function(
        "([el, text]) => el.innerText !== text",
        arg=[count.element_handle(), before],
        timeout=30_000,
    )
    after = count.inner_text()
    assert before != after and int(after.split()[0]) < int(before.split()[0])
    page.close()
