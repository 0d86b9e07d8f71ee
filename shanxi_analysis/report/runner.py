"""Build the HTML reports: plan, skip what is unchanged, run the rest in warm workers.

Planning (which notebooks, which languages, what changed) imports nothing heavy, so that a
rebuild with nothing to do takes well under a second. Only when a report must be built are
pandas, Altair, papermill and nbconvert imported, once, in the parent; then every report runs
in a process forked from that warm parent, so that a notebook that crashes its process (out
of memory, a segfault) or outlives its time limit fails alone, and Ctrl-C stops every one.
"""

from __future__ import annotations

import ast
import errno
import gc
import hashlib
import json
import multiprocessing as mp
import multiprocessing.connection as mp_connection
import os
import platform
import re
import signal
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
    "itables",  # the fact table's DataTables bundle is inlined in the pages
)
INDICATOR_PAGE = "indicators"
"""The page (``metadata.shanxi.page``) that lists every indicator; other pages link to it."""
PARAMETER_VALUES = {"lang": LANGS, "interactive": (True, False)}
BUILD_PARAMETERS = {
    "lang": "it is set by --lang, one report per language",
    "interactive": "reports are static pages (widgets need a kernel); explore in JupyterLab",
}
"""Notebook parameters the build sets itself, which ``-p`` may not override."""
DEFAULT_TIMEOUT = 300.0
"""Seconds one notebook may run before it is stopped and counted as failed."""


class ReportError(ValueError):
    """A request the builder cannot run: unknown theme, language or parameter."""


@dataclass(frozen=True)
class BrokenNotebook:
    """A file in the notebooks folder that cannot be read as a theme notebook."""

    path: Path
    message: str

    @property
    def stem(self) -> str:
        return self.path.stem


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

    @property
    def page(self) -> str:
        """The report's file name without ``.html``: ``metadata.shanxi.page``, else the stem
        (``90-indicators.ipynb`` writes ``indicators.html``)."""
        return str(self.meta.get("page") or self.stem)


@dataclass
class Task:
    """One (notebook, language) report to build."""

    notebook: Notebook | BrokenNotebook
    lang: str
    parameters: dict[str, object]
    output: Path
    key: str
    status: str = "pending"
    seconds: float = 0.0
    size: int = 0
    message: str = ""
    failed_notebook: Path | None = None
    indicator_page: bool = True
    """Whether the page links to ``indicators.html`` (this build or an earlier one made it)."""


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
    """Return the theme notebooks (``NN-name.ipynb``) in reading order; a file that cannot
    be read is left out (see :func:`discover_all`)."""
    return [nb for nb in discover_all(directory) if isinstance(nb, Notebook)]


def discover_all(directory: Path | None = None) -> list[Notebook | BrokenNotebook]:
    """Return every ``NN-name.ipynb`` of the folder in reading order: a :class:`Notebook`,
    or a :class:`BrokenNotebook` saying why the file cannot be used."""
    directory = directory or paths.notebooks_dir()
    found: list[Notebook | BrokenNotebook] = []
    for path in sorted(directory.glob("[0-9][0-9]-*.ipynb")):
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
                raise ReportError("not a notebook (expected a JSON object with a 'cells' list)")
            meta = nb.get("metadata", {}).get("shanxi", {})
            if not isinstance(meta, dict):
                raise ReportError("metadata 'shanxi' is not an object")
            if "page" in meta and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", str(meta["page"])):
                raise ReportError(
                    f"metadata 'shanxi.page' is {meta['page']!r}; expected lower-case letters, "
                    "digits and - (the report's file name)"
                )
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
        except (OSError, UnicodeDecodeError, ValueError, SyntaxError) as exc:
            found.append(BrokenNotebook(path, _unreadable(path, exc)))
    return found


def _unreadable(path: Path, exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        why = f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
    elif isinstance(exc, UnicodeDecodeError):
        why = f"not UTF-8 at byte {exc.start}"
    elif isinstance(exc, SyntaxError):
        why = f"its parameters cell is not valid Python (line {exc.lineno}: {exc.msg})"
    elif isinstance(exc, OSError):
        why = f"cannot be read ({exc.strerror or exc})"
    else:
        why = str(exc).removeprefix(f"{path}: ")
    return f"{path.name}: {why}"


def select(notebooks: Sequence[Notebook | BrokenNotebook], themes: Sequence[str]) -> list:
    """Return the notebooks named by ``themes`` (stem, name without number, or theme id)."""
    if not themes:
        return list(notebooks)

    def names(nb: Notebook | BrokenNotebook) -> tuple[str, ...]:
        stem = nb.path.stem
        slug = stem.split("-", 1)[1] if "-" in stem else stem
        if isinstance(nb, BrokenNotebook):
            return (stem, slug)
        return (stem, slug, nb.theme, nb.theme.replace("_", "-"))

    chosen = []
    for name in themes:
        match = [nb for nb in notebooks if name in names(nb)]
        if not match:
            known = ", ".join(names(nb)[1] for nb in notebooks)
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
    (templates included), the versions that matter and the Vega bundle the pages inline."""
    from .. import checkcache, vegabundle

    h = hashlib.sha256(checkcache.digest().encode())  # every file of the data and package
    h.update(_versions().encode())
    h.update(vegabundle.digest().encode())
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
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _file_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _is_current(entry: object, key: str, output: Path) -> bool:
    """Whether a manifest entry says ``output`` was built from ``key`` and the file is still
    the one that was written (a truncated or edited report is built again)."""
    return (
        isinstance(entry, dict)
        and entry.get("key") == key
        and entry.get("sha256") is not None
        and entry.get("sha256") == _file_sha256(output)
    )


def check_output_folder(out: Path) -> None:
    """Raise :class:`ReportError` unless ``out`` is (or can be made) a writable folder."""
    if out.exists() and not out.is_dir():
        raise ReportError(f"--out {out}: is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=out).close()
    except OSError as exc:
        raise ReportError(
            f"--out {out}: cannot write there ({exc.strerror or exc}); "
            "choose a folder you can write to"
        ) from None


def plan(
    themes: Sequence[str] = (),
    *,
    langs: Sequence[str] = LANGS,
    out: Path | None = None,
    show_code: bool = False,
    force: bool = False,
    extra_parameters: dict[str, str] | None = None,
    notebooks_dir: Path | None = None,
    checked: bool = True,
) -> tuple[list[Task], Path]:
    """Return the tasks of a build (each marked ``pending``, ``skipped``, or ``failed`` for a
    notebook file that cannot be read) and the output folder, after validating every theme,
    language, parameter and the output folder.

    ``checked=False`` (``--skip-data-checks``) marks the build key, so that reports built
    from data that failed its checks are rebuilt by the next checked build.
    """
    out = Path(out) if out else paths.reports_dir()
    langs = parse_langs(langs)
    for name in extra_parameters or {}:
        if name in BUILD_PARAMETERS:
            raise ReportError(f"parameter {name!r} cannot be set with -p: {BUILD_PARAMETERS[name]}")
    found = discover_all(notebooks_dir)
    notebooks = select(found, themes)
    if not notebooks:
        raise ReportError(
            f"no theme notebooks (NN-name.ipynb) in {notebooks_dir or paths.notebooks_dir()}; "
            f"point ${paths.NOTEBOOKS_ENV} at the folder that has them"
        )
    check_output_folder(out)
    # A page links to the indicator page of its language when this build makes it or an
    # earlier one did (and its notebook is still in the folder); whether it does is part of
    # the page's key, so pages gain or lose the link when that changes.
    pages = {nb.page for nb in found if isinstance(nb, Notebook)}
    building = {nb.page for nb in notebooks if isinstance(nb, Notebook)}
    common = inputs_digest() + ("" if checked else ":unchecked")
    manifest = _read_manifest(out)
    tasks = []
    for nb in notebooks:
        if isinstance(nb, BrokenNotebook):
            for lang in langs:
                task = Task(nb, lang, {}, out / lang / f"{nb.stem}.html", "")
                task.status, task.message = "failed", nb.message
                tasks.append(task)
            continue
        extra = {
            name: coerce(name, raw, nb.parameters.get(name))
            for name, raw in (extra_parameters or {}).items()
        }
        for lang in langs:
            params = {"lang": lang, "interactive": False, **extra}
            validate_parameters(nb, params)
            output = out / lang / f"{nb.page}.html"
            clash = next((t for t in tasks if t.output == output), None)
            if clash is not None:
                raise ReportError(
                    f"{nb.path.name} and {clash.notebook.path.name} would both write "
                    f"{output.name}; give one of them another metadata 'shanxi.page'"
                )
            linked = nb.page != INDICATOR_PAGE and (
                INDICATOR_PAGE in building
                or (INDICATOR_PAGE in pages and (out / lang / f"{INDICATOR_PAGE}.html").is_file())
            )
            key = task_key(nb, params, show_code, common + (":indicators" if linked else ""))
            task = Task(nb, lang, params, output, key, indicator_page=linked)
            if not force and _is_current(manifest.get(_rel(task, out)), key, output):
                task.status = "skipped"
                task.size = output.stat().st_size
            tasks.append(task)
    return tasks, out


def _rel(task, out: Path) -> str:
    return task.output.relative_to(out).as_posix()


def data_problems() -> list[str]:
    """Return what stops the data from being published: schema errors, facts whose value is
    not what their quote says (agreement), quantities in the articles that are neither a fact
    nor an excluded mention (coverage), rows of ``figures.csv`` that cannot be drawn (the
    same as ``shanxi-analysis check``). Each item names the file, row or fact.

    The answer is kept by the digest of the data and the package (:mod:`..checkcache`), so
    the checks run again only when either has changed."""
    from .. import checkcache

    return list(checkcache.remembered("problems", _data_problems))


def _data_problems() -> list[str]:
    from .. import checks, datasets

    try:
        datasets.validate()
    except ValueError as exc:  # DataError: file, row and field
        return [f"schema: {exc}"]
    facts = datasets.facts().set_index("fact_id")
    problems = []
    for r in checks.agreement_mismatches().itertuples():
        quote = facts.loc[r.fact_id, "quote"] if r.fact_id in facts.index else ""
        problems.append(
            f"agreement: curated/facts.csv, fact {r.fact_id}: {r.field} is {r.curated!r} but "
            f"its quote “{quote}” reads {r.extracted!r}"
        )
    for r in checks.coverage_gaps().itertuples():
        problems.append(
            f"coverage: {r.source_id}, block {r.block_no}: “{r.span}” (…{r.context}…) is "
            "neither in a fact's quote nor in curated/excluded_mentions.csv"
        )
    from ..charts.types import figure_problems  # the figures the reports will draw

    problems += [f"figures: {p}" for p in figure_problems()]
    return problems


# ---------------------------------------------------------------- running


_WORKER: dict = {}


def _warm_up(bootstrap: str) -> None:
    """Import and load what every notebook uses, once, in the parent: the forked report
    processes inherit it."""
    import altair
    import nbformat
    import pandas
    import papermill  # noqa: F401

    from .. import charts, checks, datasets, facttable  # noqa: F401
    from . import engine, html

    facttable.library()  # DataTables, compressed once for every page with a fact table
    engine.register()
    engine.fresh_namespace()  # builds the IPython shell
    # Altair compiles its JSON-schema validator on the first chart it checks (about a
    # second): done here once, every forked report inherits it.
    altair.Chart(pandas.DataFrame({"x": [1]})).mark_point().encode(x="x:Q").to_dict()
    _WORKER["bootstrap"] = bootstrap
    try:
        for lang in LANGS:  # the tables and the checks' derived values, in both languages
            datasets.facts(lang)
            checks.run(lang)
        for show_code in (False, True):  # compile the templates before the workers fork
            html.export(
                nbformat.v4.new_notebook(),
                lang="zh",
                stem="warm-up",
                show_code=show_code,
                bootstrap="",
                footer="",
            )
    except ValueError:  # invalid data: each notebook then fails with the message, alone
        pass


def _footer(lang: str) -> str:
    from .. import __version__

    return (
        f"shanxi-analysis {__version__} · 数据与引文见 data/curated/facts.csv"
        if lang == "zh"
        else f"shanxi-analysis {__version__} · data and quotes in data/curated/facts.csv"
    )


def run_task(task: Task, out: Path, show_code: bool, workdir: Path | None = None) -> Task:
    """Execute one notebook with papermill (warm engine) and write its HTML atomically.

    On failure the executed notebook is kept under ``OUT/_failed/<lang>/`` and the previous
    good HTML is left untouched. Ctrl-C is not a failure: it propagates.
    """
    import papermill as pm

    from . import engine, html

    engine.register()
    started = time.perf_counter()
    failed_path = out / FAILED_DIR / task.lang / f"{task.notebook.stem}.ipynb"
    with tempfile.TemporaryDirectory(prefix="shanxi-run-", dir=workdir) as tmp:
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
                stem=task.notebook.page,
                show_code=show_code,
                bootstrap=_WORKER.get("bootstrap") or html.vega_bootstrap(),
                footer=_footer(task.lang),
                indicator_page=task.indicator_page,
            )
            atomic_write(task.output, page.encode("utf-8"))
            failed_path.unlink(missing_ok=True)
            task.status, task.size = "built", len(page.encode("utf-8"))
        except Exception as exc:  # one failing notebook must not stop the others
            task.status = "failed"
            task.message = disk_full_message(exc, out) or _failure_message(exc, task.notebook)
            if executed.exists():
                try:
                    atomic_write(failed_path, executed.read_bytes())
                    task.failed_notebook = failed_path
                except OSError as keep:  # a full disk: the message above says so already
                    task.message += f"\n(the executed notebook was not kept: {keep.strerror})"
    task.seconds = time.perf_counter() - started
    return task


def _cell_in_notebook(index: int, notebook: Notebook) -> int:
    """Return the 1-based number, in the notebook file, of cell ``index`` (0-based) of the
    executed copy, which has papermill's injected parameters cell after the parameters."""
    try:
        cells = json.loads(notebook.path.read_text(encoding="utf-8"))["cells"]
        at = next(
            i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])
        )
    except (OSError, ValueError, KeyError, StopIteration):
        return index + 1
    return index + 1 if index <= at else index  # the injected cell sits at at + 1


def _mount_point(path: Path) -> Path:
    """The mount point of the file system that holds ``path`` (or would hold it)."""
    path = Path(os.path.abspath(path))
    while not path.exists() and path != path.parent:
        path = path.parent
    while not os.path.ismount(path) and path != path.parent:
        path = path.parent
    return path


def disk_full_message(exc: BaseException, out: Path) -> str | None:
    """Return what to say when ``exc`` is a full disk (or quota), naming the disk and the
    output folder; ``None`` for any other error. A cell that hits a full disk is the disk's
    fault, not the cell's."""
    full = (errno.ENOSPC, errno.EDQUOT)
    if isinstance(exc, OSError) and exc.errno in full:
        written = Path(exc.filename) if exc.filename else Path(out)
    elif type(exc).__name__ == "PapermillExecutionError" and re.match(
        rf"\[Errno ({'|'.join(map(str, full))})\]", str(getattr(exc, "evalue", ""))
    ):
        written = Path(out)
    else:
        return None
    return (
        f"no space left on the disk mounted at {_mount_point(written)} (writing {written}; "
        f"output folder {Path(out).resolve()}): free some space there and build again; "
        "the reports built before are kept"
    )


def _failure_message(exc: BaseException, notebook: Notebook) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        source = exc.source.strip().splitlines()
        snippet = "\n".join(source[:6]) + ("\n..." if len(source) > 6 else "")
        number = _cell_in_notebook(exc.cell_index, notebook)
        return f"cell {number} of {notebook.path.name} raised {exc.ename}: {exc.evalue}\n{snippet}"
    return f"{type(exc).__name__}: {exc}"


def bootstrap_script() -> str:
    """Return the page's Vega bootstrap (the bundle comes from the user cache)."""
    from . import html

    return html.vega_bootstrap()


def default_jobs() -> int:
    """One worker per core."""
    return max(1, os.cpu_count() or 1)


def _child(task: Task, out: Path, show_code: bool, workdir: Path, conn, helper=None) -> None:
    """Run one report in a forked process and send back the finished task; its charts'
    pictures are drawn by ``helper``, the parent's vl-convert process for this worker's
    slot. Ctrl-C is the parent's to handle: it stops this process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from . import engine

    if helper is not None:
        from ..render import adopt_helper

        adopt_helper(helper)

    engine.on_cell_start = lambda index, source: conn.send(("cell", index, source))
    conn.send(("done", run_task(task, out, show_code, workdir)))
    conn.close()


def _where(task: Task, cell: tuple[int, str] | None) -> str:
    """Return " during cell N of NAME.ipynb: its first line", or "" when no cell started."""
    if cell is None or not isinstance(task.notebook, Notebook):
        return ""
    index, source = cell
    first = source.strip().splitlines()[:1]
    return (
        f" during cell {_cell_in_notebook(index, task.notebook)} of {task.notebook.path.name}"
        + (f": {first[0]}" if first else "")
    )


def _killed_message(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return (
            f"the process running this report was killed by {name} "
            "(out of memory, a crash, or killed from outside)"
        )
    return f"the process running this report ended with exit status {exitcode} without finishing"


def execute(
    tasks: list[Task],
    out: Path,
    *,
    jobs: int,
    show_code: bool,
    timeout: float = DEFAULT_TIMEOUT,
    progress=None,
) -> None:
    """Run the pending tasks, ``jobs`` at a time, updating each task in place.

    Each report runs in its own process forked from this warm one. A process that dies (a
    crash, SIGKILL) or runs past ``timeout`` seconds fails its report only; the others go
    on. Ctrl-C stops every process at once and propagates; no report is half-written.
    """
    pending = [t for t in tasks if t.status == "pending"]
    if not pending:
        return
    if timeout <= 0:
        raise ReportError(f"--timeout must be a positive number of seconds, got {timeout:g}")
    if "fork" not in mp.get_all_start_methods():  # pragma: no cover - Linux forks
        _warm_up(bootstrap_script())
        for t in pending:
            run_task(t, out, show_code)
            if progress:
                progress(t)
        return
    workers = max(1, min(jobs, len(pending)))
    # One vl-convert process per worker slot, started first so that its JavaScript engine
    # starts while this process warms up: each forked report draws its pictures there.
    helpers = _Helpers(workers)
    try:
        _warm_up(bootstrap_script())  # in the parent, so that forked workers start warm
        gc.freeze()  # the collector leaves what they inherit alone: no page is copied for it
        _run_forked(pending, out, jobs=workers, show_code=show_code, timeout=timeout,
                    progress=progress, helpers=helpers)  # fmt: skip
    finally:
        helpers.close()
        gc.unfreeze()


class _Helpers:
    """The vl-convert helper process of each worker slot (None where none could start: that
    worker then draws by itself)."""

    def __init__(self, n: int) -> None:
        self.procs = [self._start() for _ in range(n)]

    @staticmethod
    def _start():
        from ..render import MissingGlyphError, start_helper

        try:
            return start_helper()
        except (OSError, MissingGlyphError):  # no font: the page then draws its charts live
            return None

    def ready(self, slot: int):
        """Return the helper of ``slot``, once it answers (a new one if it has ended)."""
        from ..render import helper_ready

        if self.procs[slot] is not None and self.procs[slot].poll() is not None:
            self.replace(slot)
        proc = self.procs[slot]
        if proc is not None:
            try:
                return helper_ready(proc)
            except (OSError, RuntimeError):
                self.procs[slot] = None
        return self.procs[slot]

    def replace(self, slot: int) -> None:
        """A worker of ``slot`` ended mid-report: its helper may still answer that worker, so
        it is stopped and a new one started."""
        self._stop(self.procs[slot])
        self.procs[slot] = self._start()

    @staticmethod
    def _stop(proc) -> None:
        if proc is not None:
            proc.kill()
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    stream.close()

    def close(self) -> None:
        for proc in self.procs:
            self._stop(proc)
        self.procs = []


def _run_forked(pending: list[Task], out: Path, *, jobs: int, show_code: bool, timeout: float,
                progress, helpers: _Helpers) -> None:  # fmt: skip
    ctx = mp.get_context("fork")
    queue = list(pending)
    free = list(range(jobs))  # the worker slots not in use
    running: dict = {}  # connection -> [task, process, started, last cell, slot]
    with tempfile.TemporaryDirectory(prefix="shanxi-build-") as workroot:
        try:
            while queue or running:
                while queue and free:
                    task, slot = queue.pop(0), free.pop(0)
                    receive, send = ctx.Pipe(duplex=False)
                    proc = ctx.Process(
                        target=_child,
                        args=(task, out, show_code, Path(workroot), send, helpers.ready(slot)),
                    )
                    proc.start()
                    send.close()
                    running[receive] = [task, proc, time.monotonic(), None, slot]
                for conn in mp_connection.wait(list(running), timeout=0.5):
                    slot = running[conn][4]
                    what = _receive(conn, running, progress)
                    if what == "died":
                        helpers.replace(slot)
                    if what != "cell":
                        free.append(slot)
                now = time.monotonic()
                for conn, (task, proc, started, cell, slot) in list(running.items()):
                    if now - started > timeout and not conn.poll():  # not if it is done
                        proc.kill()
                        proc.join()
                        _remove_partial(task)
                        _finish_failed(
                            task,
                            f"stopped after the time limit of {timeout:g} s (--timeout)"
                            + _where(task, cell),
                            now - started,
                        )
                        running.pop(conn).clear()
                        conn.close()
                        helpers.replace(slot)
                        free.append(slot)
                        if progress:
                            progress(task)
        except BaseException:
            for _conn, (_task, proc, *_rest) in running.items():
                proc.kill()
            for _conn, (task, proc, *_rest) in running.items():
                proc.join()
                _remove_partial(task)
            raise


def _remove_partial(task: Task) -> None:
    """Remove the temporary file a killed report process may have left beside its page
    (``atomic_write`` names it ``.<page>.<random>.tmp``); the page itself is untouched."""
    for partial in task.output.parent.glob(f".{task.output.name}.*.tmp"):
        partial.unlink(missing_ok=True)


def _receive(conn, running: dict, progress) -> str:
    """Read one message from a report process: a cell start, the finished task, or the
    end of a process that died without finishing; return which (``cell``, ``done`` or
    ``died``)."""
    entry = running[conn]
    task, proc, started = entry[:3]
    try:
        message = conn.recv()
    except (EOFError, OSError):
        proc.join()
        _finish_failed(
            task,
            _killed_message(proc.exitcode) + _where(task, entry[3]),
            time.monotonic() - started,
        )
        running.pop(conn)
        conn.close()
        if progress:
            progress(task)
        return "died"
    if message[0] == "cell":
        entry[3] = (message[1], message[2])
        return "cell"
    done = message[1]
    task.__dict__.update(done.__dict__ | {"notebook": task.notebook})
    proc.join()
    running.pop(conn)
    conn.close()
    if progress:
        progress(task)
    return "done"


def _finish_failed(task: Task, message: str, seconds: float) -> None:
    task.status, task.message, task.seconds = "failed", message, seconds


def pdf_tasks(tasks: list[Task], out: Path) -> list:
    """Return the PDF of every report that exists and is current: ``pending`` where the
    report was just built or its PDF is missing or stale, else ``skipped``."""
    from .pdf import PdfTask

    manifest = _read_manifest(out)
    pdfs = []
    for t in tasks:
        if t.status not in ("built", "skipped"):
            continue
        task = PdfTask(t.output.with_suffix(".pdf"), t.key)
        if t.status == "skipped" and _is_current(manifest.get(_rel(task, out)), t.key, task.output):
            task.status, task.size = "skipped", task.output.stat().st_size
        pdfs.append(task)
    return pdfs


def save_manifest(tasks: list, out: Path) -> None:
    """Record the key and SHA-256 of every report (and PDF) that exists and is current."""
    manifest = _read_manifest(out)
    for t in tasks:
        rel = _rel(t, out)
        if t.status == "skipped" and not t.message and rel in manifest:
            continue  # current, and plan() has just checked its hash
        if t.status in ("built", "skipped") and not t.message:
            manifest[rel] = {"key": t.key, "sha256": _file_sha256(t.output)}
        else:  # failed, or a PDF not made for want of Chromium
            manifest.pop(rel, None)
    atomic_write(out / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
