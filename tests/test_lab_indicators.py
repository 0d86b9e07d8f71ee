"""JupyterLab in headless Chromium, in a scratch git clone of the notebooks: the indicator
page counts every indicator and its search and theme menu hide what they filter out; after
Run All and save, git sees no change (the Makefile's git filter); after a kernel restart the
widgets say to run the cell again."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_browser import ARGS, CHROMIUM, _lab, _offline_page, _open_notebook, _run_all, _save

from shanxi_analysis import datasets, paths, widgets

playwright = pytest.importorskip("playwright.sync_api")
REPO = Path(__file__).resolve().parents[1]


def _git(where: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    done = subprocess.run(
        ["git", *args], cwd=where, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def _scratch_clone(where: Path) -> Path:
    """A repository holding the notebooks, .gitattributes and the Makefile, its git filter
    set by ``make git-filter`` with this checkout's .venv, everything committed."""
    where.mkdir()
    shutil.copytree(paths.notebooks_dir(), where / "notebooks", ignore=shutil.ignore_patterns(".*"))
    for name in (".gitattributes", ".gitignore", "Makefile"):
        shutil.copy(REPO / name, where / name)
    (where / ".venv").symlink_to(REPO / ".venv")
    _git(where, "init", "-q")
    subprocess.run(["make", "-s", "git-filter"], cwd=where, check=True, capture_output=True)
    _git(where, "add", "-A")
    _git(where, "commit", "-q", "-m", "scratch")
    assert _git(where, "status", "--porcelain") == ""
    return where


def _visible(page, selector: str) -> list[str]:
    return page.evaluate(
        "sel => [...document.querySelectorAll(sel)].filter(e => e.checkVisibility())"
        ".map(e => e.textContent)",
        selector,
    )


def test_jupyterlab_indicator_page_counts_filters_saves_clean_and_says_restart(tmp_path):
    clone = _scratch_clone(tmp_path / "clone")
    nb = clone / "notebooks" / "90-indicators.ipynb"
    total = datasets.facts()["indicator_id"].nunique()
    with (
        playwright.sync_playwright() as p,
        _lab(clone / "notebooks", tmp_path / "home") as (base, token, _),
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page, blocked = _offline_page(browser, base)
        _open_notebook(page, base, token, nb.name)
        _run_all(page)
        count = page.get_by_text(f"显示 {total} / {total} 个指标")  # before any typing
        count.wait_for(timeout=240_000)
        sections = ".sx-indicator"
        assert len(_visible(page, sections)) == total
        page.get_by_placeholder("例如：煤矿、外资").press_sequentially("外资", delay=50)
        page.wait_for_function(
            "n => !document.body.innerText.includes(`显示 ${n} / ${n} 个指标`)", arg=total
        )
        shown = _visible(page, sections)
        assert 0 < len(shown) < total and all("外资" in s for s in shown)
        page.get_by_text(f"显示 {len(shown)} / {total} 个指标").wait_for()
        assert page.evaluate(  # every chart still drawn belongs to a section still shown
            "() => [...document.querySelectorAll('.jp-RenderedVega5')]"
            ".filter(c => c.checkVisibility()).every(c => c.closest('.widget-output')"
            ".querySelector('.sx-indicator').checkVisibility())"
        )
        page.get_by_placeholder("例如：煤矿、外资").fill("")
        heading = datasets.THEMES["coal_energy"][0]
        page.locator(".widget-dropdown select").select_option(label=heading)
        page.wait_for_function(
            "h => [...document.querySelectorAll('.widget-html h2')]"
            ".filter(e => e.checkVisibility()).map(e => e.textContent).join() === h",
            arg=heading,
        )
        _save(page, nb)
        # Run All and save: git sees no change (status lists a file whose size changed
        # until `git add`, which then stages nothing)
        assert _git(clone, "diff") == ""
        _git(clone, "add", "-A")
        assert _git(clone, "status", "--porcelain") == ""
        page.get_by_role("menuitem", name="Kernel", exact=True).click()
        page.get_by_role("menuitem", name=re.compile(r"^Restart Kernel…")).click()
        page.locator(".jp-Dialog .jp-mod-accept").click()
        page.locator(".jupyter-widgets-disconnected").first.wait_for(timeout=90_000)
        hint = page.evaluate(
            "() => getComputedStyle(document.querySelector("
            "'.jp-OutputArea-output:has(> .jupyter-widgets-disconnected)'), '::before').content"
        )
        assert widgets.RESTARTED_HINT in hint
        assert blocked == [], blocked
        browser.close()
