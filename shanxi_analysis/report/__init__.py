"""Run the theme notebooks with papermill and write self-contained, offline HTML reports.

``build()`` (and ``shanxi-analysis report``) writes ``OUT/<lang>/<notebook>.html`` for every
selected notebook and language, plus ``OUT/index.html``. Unchanged reports are skipped (a
hash of the notebook, its parameters, the data, the package source and the versions that
matter); the rest run in parallel in warm worker processes through a papermill engine that
keeps pandas and Altair imported. A failing notebook does not stop the others: it is kept
under ``OUT/_failed/`` and the previous good HTML stays untouched.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .pdf import MISSING, PdfTask, write_all
from .runner import (
    DEFAULT_TIMEOUT,
    LANGS,
    MANIFEST,
    ReportError,
    Task,
    data_problems,
    default_jobs,
    discover,
    disk_full_message,
    execute,
    pdf_tasks,
    plan,
    save_manifest,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "LANGS",
    "Build",
    "DataCheckError",
    "ReportError",
    "Task",
    "build",
    "data_problems",
    "default_jobs",
    "discover",
    "summary_table",
]


def summary_table(tasks: Sequence[Task | PdfTask], out: Path) -> str:
    """Return the end-of-build table: report (or PDF), status, time and size."""
    rows = [("report", "status", "time", "size")]
    for t in tasks:
        size = f"{t.size / 1024:,.0f} KB" if t.size else "-"
        took = f"{t.seconds:.1f} s" if t.status in ("built", "failed") else "-"
        rows.append((str(t.output.relative_to(out)), t.status, took, size))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    counts = {s: sum(t.status == s for t in tasks) for s in ("built", "skipped", "failed")}
    lines.append(", ".join(f"{n} {s}" for s, n in counts.items()))
    return "\n".join(lines)


class Build(list):
    """The tasks of a build (a list of :class:`Task`), its PDFs (``pdfs``, with ``--pdf``)
    and ``problems``: what went wrong around them (the index or the build record could not
    be written)."""

    def __init__(self, tasks: Sequence[Task] = (), problems: Sequence[str] = ()) -> None:
        super().__init__(tasks)
        self.problems = list(problems)
        self.pdfs: list[PdfTask] = []

    @property
    def ok(self) -> bool:
        """Whether every report (and PDF) is built or current and nothing else went wrong;
        a PDF skipped for want of Chromium is not a failure."""
        return not self.problems and all(t.status != "failed" for t in [*self, *self.pdfs])


class DataCheckError(ReportError):
    """The data fails the checks that guard what is published; nothing was built."""


def build(
    themes: Sequence[str] = (),
    *,
    langs: Sequence[str] | str = LANGS,
    jobs: int | None = None,
    force: bool = False,
    show_code: bool = False,
    out: str | Path | None = None,
    parameters: dict[str, str] | None = None,
    notebooks_dir: Path | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    check_data: bool = True,
    pdf: bool = False,
    progress: bool = True,
    stream=None,
) -> Build:
    """Build the reports and the index; return one :class:`Task` per report with its status
    (``built``, ``skipped`` or ``failed``), time, size and failure message.

    Before anything runs, the data must pass its schema, agreement and coverage checks, or
    :class:`DataCheckError` names the failing rows (``check_data=False`` builds anyway). A
    notebook that fails, crashes its process or runs past ``timeout`` seconds fails alone;
    the summary is printed whatever happens, except on Ctrl-C, which stops every process.

    ``pdf=True`` also prints each report to ``<lang>/<notebook>.pdf`` with headless
    Chromium (skipped, with a message, where there is none).
    """
    stream = stream or sys.stderr
    if jobs is not None and jobs < 1:
        raise ReportError(f"--jobs must be at least 1, got {jobs}")
    if not timeout > 0:
        raise ReportError(f"--timeout must be a positive number of seconds, got {timeout}")
    tasks, out_dir = plan(
        themes,
        langs=langs,
        out=Path(out) if out else None,
        show_code=show_code,
        force=force,
        extra_parameters=parameters,
        notebooks_dir=notebooks_dir,
        checked=check_data,
    )
    pending = [t for t in tasks if t.status == "pending"]
    if pending and check_data:
        problems = data_problems()
        if problems:
            shown = "\n  ".join(problems[:20])
            more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
            raise DataCheckError(
                f"the data fails {len(problems)} check(s), so no report was built "
                f"(a report must never contradict its quotes):\n  {shown}{more}\n"
                "Fix the rows named above (run 'shanxi-analysis check' for details), or pass "
                "--skip-data-checks to build anyway."
            )
    bar = None
    if pending and progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(pending), desc="reports", unit="report", file=stream)

    def tick(task: Task) -> None:
        if bar is not None:
            bar.set_postfix_str(f"{task.lang}/{task.notebook.stem}: {task.status}")
            bar.update(1)

    result = Build(tasks)
    started = time.perf_counter()
    try:
        execute(
            tasks,
            out_dir,
            jobs=jobs or default_jobs(),
            show_code=show_code,
            timeout=timeout,
            progress=tick,
        )
        if pdf:
            result.pdfs = pdf_tasks(tasks, out_dir)
            write_all(result.pdfs, {p.output: p.output.with_suffix(".html") for p in result.pdfs})
    except Exception as exc:  # outside any one notebook (a failed fork, a full disk)
        full = disk_full_message(exc, out_dir)
        result.problems.append(f"the build stopped: {full or f'{type(exc).__name__}: {exc}'}")
    finally:
        if bar is not None:
            bar.close()
        try:
            save_manifest([*tasks, *result.pdfs], out_dir)
        except OSError as exc:
            why = disk_full_message(exc, out_dir) or exc.strerror or exc
            result.problems.append(
                f"could not record the build in {out_dir / MANIFEST} ({why}); "
                "the reports are written, and the next build will make them again"
            )
    from . import index

    try:
        index.write(discover(notebooks_dir), tasks, out_dir)
    except Exception as exc:  # the summary below must still be printed
        why = disk_full_message(exc, out_dir) or f"{type(exc).__name__}: {exc}"
        result.problems.append(f"{out_dir / 'index.html'} was not updated: {why}")
    if progress:
        print(summary_table([*tasks, *result.pdfs], out_dir), file=stream)
        print(f"total {time.perf_counter() - started:.1f} s → {out_dir}", file=stream)
        for t in tasks:
            if t.status == "failed":
                print(f"\nFAILED {t.lang}/{t.notebook.stem}: {t.message}", file=stream)
                if t.failed_notebook:
                    print(f"  executed notebook kept at {t.failed_notebook}", file=stream)
        for p in result.pdfs:
            if p.status == "failed":
                print(f"\nFAILED {p.output.relative_to(out_dir)}: {p.message}", file=stream)
        if any(p.message == MISSING for p in result.pdfs):
            print(f"\n{MISSING}", file=stream)
        for problem in result.problems:
            print(f"\nERROR {problem}", file=stream)
    return result
