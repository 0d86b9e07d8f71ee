"""PDF copies of the reports, printed by headless Chromium (Debian's ``chromium``; never a
browser that a tool downloads).

Chromium draws the page as a reader's browser would, charts included, through the page's
print stylesheet, and embeds the fonts it used, the CJK font too. ``--virtual-time-budget``
lets the charts finish drawing before the page is printed, without waiting in real time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_ENV = "SHANXI_ANALYSIS_CHROMIUM"
QUIET = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
"""Flags for a headless Chromium on a server: no sandbox (containers run as root), no GPU,
no background requests, no first-run screens. The browser tests launch with them too."""
FLAGS = ("--headless", *QUIET, "--no-pdf-header-footer", "--virtual-time-budget=20000")
TIMEOUT = 120.0


@dataclass
class PdfTask:
    """One PDF of a report: where it goes, its status (``built``, ``skipped`` or
    ``failed``), time, size and message."""

    output: Path
    key: str
    status: str = "pending"
    seconds: float = 0.0
    size: int = 0
    message: str = ""


def chromium() -> str | None:
    """Return the Chromium to print with: ``$SHANXI_ANALYSIS_CHROMIUM``, else ``chromium``
    on the PATH, else None."""
    override = os.environ.get(CHROMIUM_ENV)
    if override:
        return override if Path(override).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


MISSING = (
    "no PDF written: Chromium was not found (install Debian's 'chromium', or point "
    f"${CHROMIUM_ENV} at a Chromium binary)"
)


def print_pdf(html: Path, pdf: Path, *, browser: str, timeout: float = TIMEOUT) -> int:
    """Print ``html`` to ``pdf`` (replaced atomically) and return its size in bytes.

    Raises ``RuntimeError`` naming the page when Chromium fails or writes no PDF.
    """
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="shanxi-pdf-") as tmp:
        target = Path(tmp) / "page.pdf"
        cmd = [
            browser,
            *FLAGS,
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={target}",
            html.resolve().as_uri(),
        ]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"{html.name}: Chromium did not finish in {timeout:g} s") from None
        except OSError as exc:
            raise RuntimeError(f"{html.name}: cannot run {browser} ({exc.strerror})") from None
        if run.returncode != 0 or not target.is_file() or target.read_bytes()[:5] != b"%PDF-":
            last = (run.stderr.strip().splitlines() or ["no message"])[-1]
            raise RuntimeError(
                f"{html.name}: Chromium exited with status {run.returncode} and no PDF: {last}"
            )
        fd, partial = tempfile.mkstemp(prefix=f".{pdf.name}.", suffix=".tmp", dir=pdf.parent)
        os.close(fd)
        try:
            shutil.copyfile(target, partial)
            os.chmod(partial, 0o644)
            os.replace(partial, pdf)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return pdf.stat().st_size


def write_all(pdfs: list[PdfTask], htmls: dict[Path, Path], progress=None) -> None:
    """Print each pending PDF from its HTML page (``htmls[pdf.output]``), one at a time, so
    that Ctrl-C stops at once; a page that fails does not stop the others."""
    browser = chromium()
    for task in pdfs:
        if task.status != "pending":
            continue
        if browser is None:
            task.status, task.message = "skipped", MISSING
            continue
        started = time.perf_counter()
        try:
            task.size = print_pdf(htmls[task.output], task.output, browser=browser)
            task.status = "built"
        except RuntimeError as exc:
            task.status, task.message = "failed", str(exc)
        except OSError as exc:  # a full disk, a folder that cannot be written
            task.status = "failed"
            task.message = f"{task.output}: cannot write ({exc.strerror or exc})"
        task.seconds = time.perf_counter() - started
        if progress:
            progress(task)
