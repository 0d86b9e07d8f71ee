"""Build the HTML reports: plan, skip what is unchanged, run the rest in warm workers.

Planning (which notebooks, which languages, what changed) imports nothing heavy, so that a
rebuild with nothing to do takes well under a second. Only when a report must be built are
pandas, Altair, papermill and nbconvert imported, once, before the worker processes fork.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .. import paths
from ..atomic import atomic_write

LANGS = ("zh", "en")
MANIFEST = ".shanxi-build.json"
FAILED_DIR = "_failed"
CACHE_DIR = ".cache"  # inside the output folder: build markers, never reports
VERSIONED = (
    "altair",
    "vl-convert-python",
    "pandas",
    "nbconvert",
    "papermill",
    "nbformat",
    "ipython",
    "beautifulsoup4",
)
PARAMETER_VALUES = {"lang": LANGS, "interactive": (True, False)}


class ReportError(ValueError):
    """A request the builder cannot run: unknown theme, language or parameter."""


@dataclass(frozen=True)
class Notebook:
    """A theme notebook: its file, stem (``01-coal-energy``), theme id and parameters."""

    path: Path
    stem: str
    theme: str
    parameters: dict[str, object]
    meta: dict

    @property
    def slug(self) -> str:
        return self.stem.split("-", 1)[1] if "-" in self.stem else self.stem


@dataclass
class Task:
    """One (notebook, language) report to build."""

    notebook: Notebook
    lang: str
    parameters: dict[str, object]
    output: Path
    key: str
    status: str = "pending"
    seconds: float = 0.0
    size: int = 0
    message: str = ""
    failed_notebook: Path | None = None


# ---------------------------------------------------------------- discovery


def _parameters_of(nb: dict, path: Path) -> dict[str, object]:
    """Return the names and default values of the cell tagged ``parameters``."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get(
            "tags", []
        ):
            source = "".join(cell.get("source", ""))
            out: dict[str, object] = {}
            for node in ast.parse(source).body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                    if isinstance(target, ast.Name):
                        try:
                            out[target.id] = ast.literal_eval(node.value)
                        except ValueError:
                            out[target.id] = None
                elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    out[node.target.id] = ast.literal_eval(node.value) if node.value else None
            return out
    raise ReportError(f"{path}: no cell tagged 'parameters' (expected papermill's parameters cell)")


def discover(directory: Path | None = None) -> list[Notebook]:
    """Return the theme notebooks (``NN-name.ipynb``) in reading order."""
    directory = directory or paths.notebooks_dir()
    found = []
    for path in sorted(directory.glob("[0-9][0-9]-*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        meta = nb.get("metadata", {}).get("shanxi", {})
        if not meta.get("report", True):
            continue
        found.append(
            Notebook(
                path=path,
                stem=path.stem,
                theme=meta.get("theme", path.stem),
                parameters=_parameters_of(nb, path),
                meta=meta,
            )
        )
    return found


def select(notebooks: Sequence[Notebook], themes: Sequence[str]) -> list[Notebook]:
    """Return the notebooks named by ``themes`` (stem, name without number, or theme id)."""
    if not themes:
        return list(notebooks)
    chosen = []
    for name in themes:
        match = [
            nb
            for nb in notebooks
            if name in (nb.stem, nb.slug, nb.theme, nb.theme.replace("_", "-"))
        ]
        if not match:
            known = ", ".join(nb.slug for nb in notebooks)
            raise ReportError(f"unknown theme {name!r}; expected one of: {known}")
        chosen += [m for m in match if m not in chosen]
    return chosen


def parse_langs(text: str | Sequence[str]) -> list[str]:
    """Return the languages of ``--lang zh,en``; raise naming the allowed ones."""
    items = text.split(",") if isinstance(text, str) else list(text)
    langs = [x.strip() for x in items if x.strip()]
    bad = [x for x in langs if x not in LANGS]
    if bad or not langs:
        raise ReportError(
            f"unknown language {', '.join(map(repr, bad)) or '(none)'}; expected zh, en or zh,en"
        )
    return list(dict.fromkeys(langs))


def coerce(name: str, raw: str, default: object) -> object:
    """Return the value of ``-p NAME VALUE`` in the type of the notebook's default."""
    if isinstance(default, bool):
        low = raw.lower()
        if low in ("true", "1", "yes"):
            return True
        if low in ("false", "0", "no"):
            return False
        raise ReportError(f"parameter {name!r}: {raw!r} is not a boolean (expected true or false)")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ReportError(f"parameter {name!r}: {raw!r} is not an integer") from None
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError:
            raise ReportError(f"parameter {name!r}: {raw!r} is not a number") from None
    return raw


def validate_parameters(nb: Notebook, params: dict[str, object]) -> None:
    """Raise :class:`ReportError` for a parameter the notebook does not declare or a value
    it does not accept (papermill alone only warns)."""
    for name, value in params.items():
        if name not in nb.parameters:
            raise ReportError(
                f"{nb.path.name}: unknown parameter {name!r}; the notebook declares "
                + ", ".join(nb.parameters)
            )
        allowed = PARAMETER_VALUES.get(name)
        if allowed is not None and value not in allowed:
            raise ReportError(
                f"{nb.path.name}: parameter {name!r} is {value!r}; expected one of "
                + ", ".join(map(repr, allowed))
            )
        default = nb.parameters[name]
        if default is not None and not isinstance(value, type(default)):
            raise ReportError(
                f"{nb.path.name}: parameter {name!r} is {value!r}; expected a "
                f"{type(default).__name__} like its default {default!r}"
            )


# ---------------------------------------------------------------- what changed


def _hash_tree(h, root: Path, patterns: Sequence[str]) -> None:
    files = sorted({p for pat in patterns for p in root.rglob(pat) if p.is_file()})
    for p in files:
        if "__pycache__" in p.parts:
            continue
        h.update(str(p.relative_to(root)).encode())
        h.update(p.read_bytes())


def _versions() -> str:
    out = [platform.python_version()]
    for name in VERSIONED:
        try:
            out.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name}=?")
    return ";".join(out)


def inputs_digest() -> str:
    """Return a hash of everything every report depends on: the data, the package source
    (templates included) and the versions that matter."""
    h = hashlib.sha256()
    _hash_tree(h, paths.data_dir(), ("*.csv", "*.json", "*.md", "*.txt", "*.topojson"))
    _hash_tree(h, paths.PACKAGE_DIR, ("*.py", "*.j2", "*.json"))
    h.update(_versions().encode())
    return h.hexdigest()


def task_key(nb: Notebook, params: dict, show_code: bool, common: str) -> str:
    """Return the hash that decides whether a report is unchanged."""
    h = hashlib.sha256(common.encode())
    h.update(nb.path.read_bytes())
    h.update(json.dumps(params, sort_keys=True).encode())
    h.update(b"show_code" if show_code else b"hide_code")
    return h.hexdigest()


def _read_manifest(out: Path) -> dict:
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def plan(
    themes: Sequence[str] = (),
    *,
    langs: Sequence[str] = LANGS,
    out: Path | None = None,
    show_code: bool = False,
    force: bool = False,
    extra_parameters: dict[str, str] | None = None,
    notebooks_dir: Path | None = None,
) -> tuple[list[Task], Path]:
    """Return the tasks of a build (each marked ``pending`` or ``skipped``) and the output
    folder, after validating every theme, language and parameter."""
    out = Path(out) if out else paths.reports_dir()
    langs = parse_langs(langs)
    notebooks = select(discover(notebooks_dir), themes)
    if not notebooks:
        raise ReportError(
            f"no theme notebooks (NN-name.ipynb) in {notebooks_dir or paths.notebooks_dir()}"
        )
    common = inputs_digest()
    manifest = _read_manifest(out)
    tasks = []
    for nb in notebooks:
        extra = {
            name: coerce(name, raw, nb.parameters.get(name))
            for name, raw in (extra_parameters or {}).items()
        }
        for lang in langs:
            params = {"lang": lang, "interactive": False, **extra}
            validate_parameters(nb, params)
            output = out / lang / f"{nb.stem}.html"
            key = task_key(nb, params, show_code, common)
            task = Task(nb, lang, params, output, key)
            rel = str(output.relative_to(out))
            if not force and manifest.get(rel) == key and output.is_file():
                task.status = "skipped"
                task.size = output.stat().st_size
            tasks.append(task)
    return tasks, out


# ---------------------------------------------------------------- running


_WORKER: dict = {}


def _warm_up(bootstrap: str) -> None:
    """Import what every notebook uses, once per worker process."""
    import altair  # noqa: F401
    import nbformat
    import pandas  # noqa: F401
    import papermill  # noqa: F401

    from .. import charts, checks, datasets  # noqa: F401
    from . import engine, html

    engine.register()
    for show_code in (False, True):  # compile the templates before the workers fork
        html.export(
            nbformat.v4.new_notebook(),
            lang="zh",
            stem="warm-up",
            show_code=show_code,
            bootstrap="",
            footer="",
        )
    _WORKER["bootstrap"] = bootstrap


def _footer(lang: str) -> str:
    from .. import __version__

    return (
        f"shanxi-analysis {__version__} · 数据与引文见 data/curated/facts.csv"
        if lang == "zh"
        else f"shanxi-analysis {__version__} · data and quotes in data/curated/facts.csv"
    )


def run_task(task: Task, out: Path, show_code: bool) -> Task:
    """Execute one notebook with papermill (warm engine) and write its HTML atomically.

    On failure the executed notebook is kept under ``OUT/_failed/<lang>/`` and the previous
    good HTML is left untouched.
    """
    import papermill as pm

    from . import engine, html

    engine.register()
    started = time.perf_counter()
    failed_path = out / FAILED_DIR / task.lang / f"{task.notebook.stem}.ipynb"
    with tempfile.TemporaryDirectory(prefix="shanxi-run-") as tmp:
        executed = Path(tmp) / f"{task.notebook.stem}.ipynb"
        try:
            nb = pm.execute_notebook(
                str(task.notebook.path),
                str(executed),
                parameters=task.parameters,
                engine_name=engine.ENGINE_NAME,
                kernel_name="python3",
                language="python",
                progress_bar=False,
                cwd=str(task.notebook.path.parent),
                request_save_on_cell_execute=False,
            )
            page = html.export(
                nb,
                lang=task.lang,
                stem=task.notebook.stem,
                show_code=show_code,
                bootstrap=_WORKER.get("bootstrap") or html.vega_bootstrap(),
                footer=_footer(task.lang),
            )
            atomic_write(task.output, page.encode("utf-8"))
            failed_path.unlink(missing_ok=True)
            task.status, task.size = "built", len(page.encode("utf-8"))
        except Exception as exc:  # one failing notebook must not stop the others
            task.status = "failed"
            task.message = _failure_message(exc)
            if executed.exists():
                failed_path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(executed, failed_path)
                task.failed_notebook = failed_path
    task.seconds = time.perf_counter() - started
    return task


def _failure_message(exc: BaseException) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        source = exc.source.strip().splitlines()
        snippet = "\n".join(source[:6]) + ("\n..." if len(source) > 6 else "")
        return (
            f"cell {exc.cell_index} (execution count {exc.exec_count}) raised "
            f"{exc.ename}: {exc.evalue}\n{snippet}"
        )
    return f"{type(exc).__name__}: {exc}"


def _worker_run(args: tuple[Task, Path, bool]) -> Task:
    task, out, show_code = args
    return run_task(task, out, show_code)


def bootstrap_script() -> str:
    """Return the page's Vega bootstrap (the bundle comes from the user cache)."""
    from ..charts.render import vega_bundle
    from . import html

    return html.vega_bootstrap(vega_bundle())


def default_jobs() -> int:
    """One worker per core."""
    return max(1, os.cpu_count() or 1)


def execute(tasks: list[Task], out: Path, *, jobs: int, show_code: bool, progress=None) -> None:
    """Run the pending tasks, ``jobs`` at a time, updating each task in place."""
    pending = [t for t in tasks if t.status == "pending"]
    if not pending:
        return
    bootstrap = bootstrap_script()
    _warm_up(bootstrap)  # in the parent, so that forked workers start warm
    by_id = {id(t): t for t in pending}
    if jobs <= 1 or len(pending) == 1:
        for t in pending:
            run_task(t, out, show_code)
            if progress:
                progress(t)
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    ctx = mp.get_context("fork") if sys.platform.startswith("linux") else None
    with ProcessPoolExecutor(max_workers=min(jobs, len(pending)), mp_context=ctx) as pool:
        futures = {pool.submit(_worker_run, (t, out, show_code)): id(t) for t in pending}
        try:
            for fut in as_completed(futures):
                done = fut.result()
                target = by_id[futures[fut]]
                target.__dict__.update(done.__dict__ | {"notebook": target.notebook})
                if progress:
                    progress(target)
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def save_manifest(tasks: list[Task], out: Path) -> None:
    """Record the key of every report that exists and is current."""
    manifest = _read_manifest(out)
    for t in tasks:
        rel = str(t.output.relative_to(out))
        if t.status in ("built", "skipped"):
            manifest[rel] = t.key
        elif t.status == "failed":
            manifest.pop(rel, None)
    atomic_write(out / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
