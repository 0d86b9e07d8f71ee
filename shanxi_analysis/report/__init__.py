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

from .runner import LANGS, ReportError, Task, default_jobs, discover, plan

__all__ = ["LANGS", "ReportError", "Task", "build", "default_jobs", "discover", "summary_table"]


def summary_table(tasks: Sequence[Task], out: Path) -> str:
    """Return the end-of-build table: report, status, time and size."""
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
    progress: bool = True,
    stream=None,
) -> list[Task]:
    """Build the reports and the index; return one :class:`Task` per report with its status
    (``built``, ``skipped`` or ``failed``), time, size and failure message."""
    stream = stream or sys.stderr
    if jobs is not None and jobs < 1:
        raise ReportError(f"--jobs must be at least 1, got {jobs}")
    tasks, out_dir = plan(
        themes,
        langs=langs,
        out=Path(out) if out else None,
        show_code=show_code,
        force=force,
        extra_parameters=parameters,
        notebooks_dir=notebooks_dir,
    )
    pending = [t for t in tasks if t.status == "pending"]
    bar = None
    if pending and progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(pending), desc="reports", unit="report", file=stream)

    def tick(task: Task) -> None:
        if bar is not None:
            bar.set_postfix_str(f"{task.lang}/{task.notebook.stem}: {task.status}")
            bar.update(1)

    started = time.perf_counter()
    try:
        from .runner import execute, save_manifest

        execute(tasks, out_dir, jobs=jobs or default_jobs(), show_code=show_code, progress=tick)
    finally:
        if bar is not None:
            bar.close()
        from .runner import save_manifest

        save_manifest(tasks, out_dir)
    from . import index

    notebooks = discover(notebooks_dir)
    index.write(notebooks, tasks, out_dir)
    if progress:
        print(summary_table(tasks, out_dir), file=stream)
        print(f"total {time.perf_counter() - started:.1f} s → {out_dir}", file=stream)
        for t in tasks:
            if t.status == "failed":
                print(f"\nFAILED {t.lang}/{t.notebook.stem}: {t.message}", file=stream)
                if t.failed_notebook:
                    print(f"  executed notebook kept at {t.failed_notebook}", file=stream)
    return tasks
