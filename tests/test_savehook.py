"""Run All and save leave ``git status`` clean: the Jupyter server's save hook
(shanxi_analysis/savehook.py) in a scratch git repository whose notebook filter is set up by
``make git-filter``, saved through jupyter_server's contents manager as JupyterLab saves, and
``make lab``'s command line, which makes the server read the hook's configuration.
The notebooks here are fictional."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from chromium import wait_for_jupyter
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_server.services.contents.filemanager import FileContentsManager
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from traitlets.config import PyFileConfigLoader

from shanxi_analysis import savehook

REPO = Path(__file__).resolve().parents[1]
VENV = Path(sys.executable).parent.parent  # the filter's nbstripout

if shutil.which("git") is None or shutil.which("make") is None:
    pytest.skip("needs git and make", allow_module_level=True)


def _git(where: Path, *args: str, check: bool = True) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    done = subprocess.run(
        ["git", *args], cwd=where, env=env, capture_output=True, text=True, check=check
    )
    return done.stdout


def _kernelspec() -> dict:
    """The kernelspec JupyterLab writes for the project's kernel."""
    spec = KernelSpecManager().get_kernel_spec("python3")
    return {"display_name": spec.display_name, "language": spec.language, "name": "python3"}


def _fictional_notebook() -> nbformat.NotebookNode:
    nb = new_notebook(
        cells=[
            new_markdown_cell("# A fictional notebook"),
            new_code_cell("lamps = 12\nlamps * 3"),
            new_code_cell("print('the fictional ferry leaves at nine')"),
        ]
    )
    for i, cell in enumerate(nb.cells):
        cell.id = f"fictional-{i}"  # the filter keeps cell ids (--keep-id)
    nb.metadata["kernelspec"] = _kernelspec()
    return nb


def _run_all(nb: nbformat.NotebookNode, runs: int) -> nbformat.NotebookNode:
    """``nb`` as a kernel leaves it after Run All: outputs, execution counts, a widget
    state, the kernel's language_info and kernelspec. ``runs`` makes outputs of
    different sizes."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = runs * 10 + i
        cell.outputs = [new_output("stream", name="stdout", text="fictional output\n" * runs)]
    nb.metadata["language_info"] = {
        "name": "python",
        "version": f"3.11.{runs}",
        "mimetype": "text/x-python",
        "file_extension": ".py",
    }
    nb.metadata["kernelspec"] = _kernelspec()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


@pytest.fixture
def repo(tmp_path) -> Path:
    """A git repository with the Makefile's notebook filter (``make git-filter``, this
    checkout's .venv) and one committed fictional notebook; ``git status`` clean."""
    where = tmp_path / "repo"
    (where / "notebooks").mkdir(parents=True)
    names = ("Makefile", "pyproject.toml", "uv.lock", ".gitattributes", ".gitignore")
    for name in (*names, "jupyter_server_config.py"):
        shutil.copy(REPO / name, where / name)
    (where / ".venv").symlink_to(VENV)
    _git(where, "init", "-q")
    subprocess.run(["make", "-s", "git-filter"], cwd=where, check=True, capture_output=True)
    nbformat.write(_fictional_notebook(), where / "notebooks" / "ferry.ipynb")
    _git(where, "add", "-A")
    _git(where, "commit", "-q", "-m", "fictional")
    assert _git(where, "status", "--porcelain") == ""
    return where


def _contents_manager(root: Path) -> FileContentsManager:
    """jupyter_server's contents manager configured by the repository's
    jupyter_server_config.py, as ``make lab`` configures the server."""
    config = PyFileConfigLoader("jupyter_server_config.py", path=str(REPO)).load_config()
    return FileContentsManager(root_dir=str(root), config=config)


def _save(cm: FileContentsManager, nb: nbformat.NotebookNode, name: str) -> None:
    cm.save({"type": "notebook", "format": "json", "content": nb}, name)


def test_run_all_and_save_leave_git_status_clean(repo):
    cm = _contents_manager(repo / "notebooks")
    assert cm.post_save_hook is savehook.post_save
    nb = cm.get("ferry.ipynb")["content"]
    for runs in (1, 3):  # each save has another size
        _save(cm, _run_all(nb, runs), "ferry.ipynb")
        on_disk = nbformat.read(repo / "notebooks" / "ferry.ipynb", 4)
        assert on_disk.cells[1].outputs and on_disk.metadata["language_info"]  # work kept
        assert _git(repo, "status", "--porcelain") == ""
        assert _git(repo, "diff") == ""
        assert _git(repo, "diff", "--cached") == ""


def test_the_hook_never_stages_a_change_nor_adds_a_file(repo):
    cm = _contents_manager(repo / "notebooks")
    nb = cm.get("ferry.ipynb")["content"]
    odd = "a [1] 笔记*.ipynb"  # glob characters, a space, Chinese: a name taken literally
    _save(cm, _run_all(_fictional_notebook(), 2), odd)
    _save(cm, _run_all(_fictional_notebook(), 2), "new.ipynb")
    untracked = _git(repo, "status", "--porcelain", "-z").split("\0")
    assert sorted(untracked) == ["", f"?? notebooks/{odd}", "?? notebooks/new.ipynb"]
    _git(repo, "add", "--", f"notebooks/{odd}")
    _git(repo, "commit", "-q", "-m", "fictional, odd name")
    _save(cm, _run_all(_fictional_notebook(), 4), odd)
    _save(cm, _run_all(_fictional_notebook(), 5), "new.ipynb")
    assert _git(repo, "status", "--porcelain") == "?? notebooks/new.ipynb\n"

    edited = _run_all(nb, 2)
    edited.cells[1].source = "lamps = 13\nlamps * 3"  # a real edit
    _save(cm, edited, "ferry.ipynb")
    status = _git(repo, "status", "--porcelain")
    assert status == " M notebooks/ferry.ipynb\n?? notebooks/new.ipynb\n"
    assert _git(repo, "diff", "--cached") == ""  # modified, not staged
    assert "lamps = 13" in _git(repo, "diff")


def test_a_staged_notebook_stays_as_staged(repo):
    """A notebook staged with a change, then run and saved again: the index keeps the staged
    version, and the file is listed as staged only."""
    cm = _contents_manager(repo / "notebooks")
    nb = cm.get("ferry.ipynb")["content"]
    nb.cells[0].source = "# A fictional notebook, retitled"
    _save(cm, nb, "ferry.ipynb")
    _git(repo, "add", "-A")
    staged = _git(repo, "diff", "--cached")
    _save(cm, _run_all(nb, 3), "ferry.ipynb")
    assert _git(repo, "status", "--porcelain") == "M  notebooks/ferry.ipynb\n"
    assert _git(repo, "diff", "--cached") == staged


def test_a_notebook_in_a_merge_conflict_stays_unresolved(repo):
    """Saving a notebook git holds in conflict (here: resolved by hand in JupyterLab) does
    not mark the conflict resolved: that is for the user's own ``git add``."""
    cm = _contents_manager(repo / "notebooks")
    nb = cm.get("ferry.ipynb")["content"]
    base = _git(repo, "branch", "--show-current").strip()
    for branch, title in (("north", "# Ferries to the north"), (base, "# Ferries to the south")):
        if branch != base:
            _git(repo, "switch", "-q", "-c", branch)
        nb.cells[0].source = title
        _save(cm, nb, "ferry.ipynb")
        _git(repo, "commit", "-q", "-am", title)
        if branch != base:
            _git(repo, "switch", "-q", base)
    _git(repo, "merge", "-q", "north", check=False)
    assert _git(repo, "status", "--porcelain") == "UU notebooks/ferry.ipynb\n"
    nb.cells[0].source = "# Ferries to the north and the south"
    _save(cm, _run_all(nb, 2), "ferry.ipynb")
    assert _git(repo, "status", "--porcelain") == "UU notebooks/ferry.ipynb\n"


def test_a_save_never_fails_because_of_git(repo, tmp_path, monkeypatch, caplog):
    """Outside a repository, with the index locked, or with no git at all, the notebook is
    saved and git's state is left as it was."""
    outside = tmp_path / "outside"
    outside.mkdir()
    _save(_contents_manager(outside), _run_all(_fictional_notebook(), 1), "loose.ipynb")
    assert nbformat.read(outside / "loose.ipynb", 4).cells[1].outputs

    cm = _contents_manager(repo / "notebooks")
    nb = cm.get("ferry.ipynb")["content"]
    lock = repo / ".git" / "index.lock"
    lock.write_text("")
    _save(cm, _run_all(nb, 2), "ferry.ipynb")
    assert nbformat.read(repo / "notebooks" / "ferry.ipynb", 4).cells[1].outputs
    lock.unlink()
    assert _git(repo, "diff", "--cached") == ""

    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))
    with caplog.at_level("DEBUG"):
        _save(cm, _run_all(nb, 4), "ferry.ipynb")
    assert nbformat.read(repo / "notebooks" / "ferry.ipynb", 4).cells[1].execution_count == 40
    assert "not reset" in caplog.text


def _lab_command(where: Path, jupyter: Path) -> str:
    """The shell command ``make lab`` runs in ``where`` to start JupyterLab, with
    ``jupyter`` in place of .venv/bin/jupyter (printed by ``make -n``, not run)."""
    printed = subprocess.run(
        ["make", "-n", "lab"], cwd=where, capture_output=True, text=True, check=True
    ).stdout
    command = printed.split('echo "make lab: starting', 1)[1].split("\n", 1)[1]
    assert ".venv/bin/jupyter lab" in command
    return command.replace(".venv/bin/jupyter lab", f"{jupyter} lab")


def _stop(proc: subprocess.Popen) -> None:
    """Stops the process group ``proc`` leads (started with ``start_new_session``)."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 20)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def _make_lab(repo: Path, tmp_path: Path) -> Iterator[tuple[str, str, list[str]]]:
    """JupyterLab started in ``repo`` by ``make lab``'s own command line, on a free port,
    with a Jupyter home of its own and ``$JUPYTER_CONFIG_PATH`` set to a folder of "yours".
    Yields its URL, its token and the config path JupyterLab was given."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "fictional-token"
    home = tmp_path / "home"
    jupyter = tmp_path / "bin" / "jupyter"
    jupyter.parent.mkdir()
    seen = tmp_path / "config-path.txt"
    # Records the config path it was given, then starts the real JupyterLab.
    jupyter.write_text(
        "#!/bin/sh\n"
        f'printf %s "$JUPYTER_CONFIG_PATH" > "{seen}"\n'
        f'exec "{VENV / "bin" / "jupyter"}" "$@" --no-browser --port={port} '
        f"--IdentityProvider.token={token} --LabApp.news_url= "
        "--ServerApp.allow_remote_access=False\n"
    )
    jupyter.chmod(0o755)
    env = {
        **os.environ,
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
        "JUPYTER_CONFIG_PATH": str(tmp_path / "yours"),
    }
    proc = subprocess.Popen(
        ["sh", "-c", _lab_command(repo, jupyter)],
        cwd=repo,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the shell, JupyterLab and its kernels: stopped together
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_jupyter(base, token, proc, 120)
        yield base, token, seen.read_text().split(os.pathsep)
    finally:
        _stop(proc)


def test_make_lab_gives_the_server_the_save_hook(repo, tmp_path):
    """``make lab``'s own command line starts JupyterLab in a scratch repository; a
    notebook saved through its REST API as JupyterLab saves it, after Run All, leaves
    ``git status`` clean. Your own JUPYTER_CONFIG_PATH is kept after the project's."""
    with _make_lab(repo, tmp_path) as (base, token, config_path):
        assert config_path == [str(repo), str(tmp_path / "yours")]
        url = f"{base}/api/contents/ferry.ipynb?token={token}"
        with urllib.request.urlopen(url, timeout=30) as got:
            nb = nbformat.from_dict(json.load(got)["content"])
        body = {"type": "notebook", "format": "json", "content": _run_all(nb, 3)}
        put = urllib.request.Request(
            url,
            data=json.dumps(body).encode(),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(put, timeout=60).close()
    assert nbformat.read(repo / "notebooks" / "ferry.ipynb", 4).cells[1].outputs
    assert _git(repo, "status", "--porcelain") == ""
    assert _git(repo, "diff", "--cached") == ""


def test_jupyterlab_run_all_and_save_leave_git_status_clean(repo, tmp_path):
    """In Chromium, as a user would: JupyterLab from ``make lab``, Run All Cells with the
    project's kernel, File > Save Notebook; the file keeps the kernel's outputs and
    language_info, and ``git status`` lists nothing."""
    pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import sync_playwright
    from test_browser import ARGS, CHROMIUM, _offline_page, _open_notebook, _run_all, _save

    path = repo / "notebooks" / "ferry.ipynb"
    with (
        sync_playwright() as p,
        _make_lab(repo, tmp_path) as (base, token, _),
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page, blocked = _offline_page(browser, base)
            _open_notebook(page, base, token, path.name)
            _run_all(page)
            page.get_by_text("the fictional ferry leaves at nine").last.wait_for(timeout=90_000)
            _save(page, path)
            assert blocked == [], blocked
        finally:
            browser.close()
    saved = nbformat.read(path, 4)
    assert saved.cells[2].outputs and saved.metadata["language_info"]["name"] == "python"
    assert _git(repo, "status", "--porcelain") == ""
    assert _git(repo, "diff", "--cached") == ""
