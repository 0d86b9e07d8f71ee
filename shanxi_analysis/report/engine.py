"""A papermill engine that runs a notebook's cells in this (warm) Python process.

A Jupyter kernel costs a process start and fresh imports of pandas and Altair for every
notebook (seconds each). This engine keeps one IPython shell per worker process, gives
every notebook a fresh namespace (``InteractiveShell.reset``), and records outputs exactly
as a kernel would: ``stream``, ``display_data``, ``execute_result`` and ``error``. Papermill
still injects the parameters, tracks cell status and raises ``PapermillExecutionError``
naming the failing cell.

Register it with :func:`register` (done on import of :mod:`shanxi_analysis.report`) and run
``papermill.execute_notebook(..., engine_name="shanxi-warm")``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import nbformat
from papermill.engines import Engine, papermill_engines

ENGINE_NAME = "shanxi-warm"


class _Stream:
    """A text stream that appends to a notebook cell's outputs, merging consecutive writes."""

    def __init__(self, name: str, outputs: list) -> None:
        self.name, self.outputs = name, outputs

    def write(self, text: str) -> int:
        if not text:
            return 0
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last.get("output_type") == "stream" and last["name"] == self.name:
            last["text"] += text
        else:
            self.outputs.append(nbformat.v4.new_output("stream", name=self.name, text=text))
        return len(text)

    def flush(self) -> None:  # pragma: no cover - nothing buffered
        pass

    def isatty(self) -> bool:
        return False


_SHELL: Any = None
_OUTPUTS: list = []

on_cell_start: Callable[[int, str], None] | None = None
"""Called with a code cell's index and source before it runs (the report builder uses it to
say which cell a crashed or stopped process was in)."""


def _shell() -> Any:
    """Return this process's IPython shell, built once, wired to record cell outputs."""
    global _SHELL
    if _SHELL is not None:
        return _SHELL
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    class Publisher(DisplayPublisher):
        def publish(
            self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs
        ):
            _OUTPUTS.append(
                nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})
            )

        def clear_output(self, wait=False):
            _OUTPUTS.clear()

    class Hook(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            _OUTPUTS.append(
                nbformat.v4.new_output(
                    "execute_result",
                    data=format_dict,
                    metadata=md_dict or {},
                    execution_count=self.shell.execution_count,
                )
            )

        def finish_displayhook(self):
            pass

        def flush(self):
            # IPython's flush ends with gc.collect() (0.2 s at every namespace reset); the
            # rest of it is kept: the output cache and its _, __, ___ are dropped.
            self.shell.user_ns["_oh"].clear()
            for name in ("_", "__", "___"):
                self.shell.user_ns.pop(name, None)
            self.___ = self.__ = self._ = ""

    shell = InteractiveShell.instance(colors="nocolor")
    shell.display_pub = Publisher(shell=shell)
    shell.displayhook = Hook(shell=shell)
    shell.display_trap.hook = shell.displayhook  # the trap installs it as sys.displayhook
    shell.display_formatter.active_types = list(shell.display_formatter.formatters)

    def _showtraceback(etype, evalue, stb):
        _OUTPUTS.append(
            nbformat.v4.new_output(
                "error",
                ename=getattr(etype, "__name__", str(etype)),
                evalue=str(evalue),
                traceback=list(stb),
            )
        )

    shell._showtraceback = _showtraceback
    _SHELL = shell
    return shell


def run_cell(source: str, count: int) -> tuple[list, bool]:
    """Run one cell's source in the warm shell; return its outputs and whether it failed.

    Ctrl-C is not a cell error: IPython records it as one, and it is raised again here, so
    that the build stops as a kernel run would be interrupted.
    """
    shell = _shell()
    _OUTPUTS.clear()
    shell.execution_count = count
    old_out, old_err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Stream("stdout", _OUTPUTS), _Stream("stderr", _OUTPUTS)
    try:
        result = shell.run_cell(source, store_history=False, silent=False)
    finally:
        sys.stdout, sys.stderr = old_out, old_err
    if isinstance(result.error_in_exec, KeyboardInterrupt):
        raise KeyboardInterrupt
    failed = not result.success
    if failed and not any(o["output_type"] == "error" for o in _OUTPUTS):
        err = result.error_in_exec or result.error_before_exec
        _OUTPUTS.append(
            nbformat.v4.new_output(
                "error", ename=type(err).__name__, evalue=str(err), traceback=[repr(err)]
            )
        )
    return list(_OUTPUTS), failed


def fresh_namespace() -> None:
    """Start a new, empty user namespace; imported modules stay warm in ``sys.modules``."""
    shell = _shell()
    shell.reset(new_session=False)
    shell.user_ns["__name__"] = "__main__"


class WarmEngine(Engine):
    """Papermill engine: executes cells in this process's IPython shell, one fresh namespace
    per notebook, stopping at the first error as a kernel run does."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        fresh_namespace()
        count = 0
        cwd = os.getcwd()
        try:
            for index, cell in enumerate(nb_man.nb.cells):
                if cell.cell_type != "code":
                    continue
                nb_man.cell_start(cell, index)
                if on_cell_start is not None:
                    on_cell_start(index, cell.source)
                count += 1
                outputs, failed = run_cell(cell.source, count)
                cell.outputs = outputs
                cell.execution_count = count
                if failed:
                    nb_man.cell_exception(cell, index)
                    nb_man.cell_complete(cell, index)
                    break
                nb_man.cell_complete(cell, index)
        finally:
            os.chdir(cwd)  # a notebook that changes directory must not move the next one


def register() -> None:
    """Make the engine available to papermill as ``shanxi-warm``."""
    papermill_engines.register(ENGINE_NAME, WarmEngine)
