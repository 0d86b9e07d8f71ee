"""Build the same reports with the plain loop and with `shanxi-analysis report`, in one run.

Plain loop: the `papermill` CLI, then `jupyter nbconvert --to html`, one notebook and
language after another (a fresh kernel and fresh imports every time). Then
`shanxi-analysis report` cold (empty output folder) and warm (nothing changed), and the two
commands `make report` runs (`check`, then `report`) with nothing changed, each timed as a
whole command, interpreter start-up included. Prints the times and the ratios.

    .venv/bin/python benchmarks/reports.py            # every theme notebook, zh and en
    .venv/bin/python benchmarks/reports.py --quick    # one notebook, both languages
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def timed(cmd: list[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one notebook, both languages")
    parser.add_argument("--jobs", type=int, default=None, help="workers for shanxi-analysis")
    args = parser.parse_args()
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    if args.quick:
        notebooks = notebooks[1:2]
    langs = ("zh", "en")
    themes = [nb.stem for nb in notebooks]
    print(
        f"{len(notebooks)} notebook(s) x {len(langs)} languages = "
        f"{len(notebooks) * len(langs)} reports"
    )

    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        tmp_path = Path(tmp)
        plain = 0.0
        for nb in notebooks:
            for lang in langs:
                executed = tmp_path / "plain" / f"{nb.stem}-{lang}.ipynb"
                executed.parent.mkdir(parents=True, exist_ok=True)
                plain += timed(
                    [
                        str(BIN / "papermill"),
                        str(nb),
                        str(executed),
                        "-p",
                        "lang",
                        lang,
                        "-p",
                        "interactive",
                        "False",
                        "--cwd",
                        str(nb.parent),
                    ]
                )
                plain += timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)])
        cmd = [str(BIN / "shanxi-analysis"), "report", *themes]
        if args.jobs:
            cmd += ["--jobs", str(args.jobs)]
        # First ever build: empty output folder and an empty cache (the Vega bundle is
        # generated); then a cold build into a new folder with the bundle cached; then the
        # same folder again with nothing changed.
        empty_cache = {**os.environ, "SHANXI_ANALYSIS_CACHE": str(tmp_path / "cache")}
        first = timed([*cmd, "--out", str(tmp_path / "first")], env=empty_cache)
        cold = timed([*cmd, "--out", str(tmp_path / "cold")], env=empty_cache)
        warm = timed([*cmd, "--out", str(tmp_path / "cold")], env=empty_cache)
        # What `make report` runs, with nothing changed: the data checks (their cached
        # result), then the reports; interpreter start-up included, twice.
        check = [str(BIN / "shanxi-analysis"), "check"]
        noop = timed(check, env=empty_cache)  # once, so that the checks' result is cached
        noop = timed(check, env=empty_cache) + timed(
            [*cmd, "--out", str(tmp_path / "cold")], env=empty_cache
        )

    rows = [
        ("plain loop (papermill CLI + nbconvert)", plain, 1.0),
        ("shanxi-analysis report, first ever (empty cache)", first, plain / first),
        ("shanxi-analysis report, cold (new output folder)", cold, plain / cold),
        ("shanxi-analysis report, nothing changed", warm, plain / warm),
        ("make report's check + report, nothing changed", noop, plain / noop),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'':{width}}  {'seconds':>8}  {'speed-up':>8}")
    for name, seconds, ratio in rows:
        print(f"{name:{width}}  {seconds:8.2f}  {ratio:7.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
