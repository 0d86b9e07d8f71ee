"""Lighthouse 12 (mobile, simulated throttling) on every built report page: prints the
performance and accessibility scores, first contentful paint and total blocking time.

Lighthouse comes from the npm registry (``lighthouse@12.2.3``, which runs on Node 20),
installed into a local folder (``benchmarks/.lighthouse/``, not committed), never globally,
and drives Debian's Chromium (``CHROME_PATH``, default ``/usr/bin/chromium``). The pages
are served from a local HTTP server on 127.0.0.1 for the run (Lighthouse's throttling
models a network), and the server stops when it ends.

    .venv/bin/shanxi-analysis report --out /tmp/reports
    .venv/bin/python benchmarks/lighthouse.py /tmp/reports            # every page
    .venv/bin/python benchmarks/lighthouse.py /tmp/reports en/01-coal-energy.html
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION = "12.2.3"
PREFIX = ROOT / "benchmarks" / ".lighthouse"
CLI = PREFIX / "node_modules" / "lighthouse" / "cli" / "index.js"


def install() -> Path:
    """Install Lighthouse into the local folder when it is not there; return its CLI."""
    if not CLI.is_file():
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("npm is missing: install Node 20 and npm (Debian: apt-get install npm)")
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(PREFIX),
             f"lighthouse@{VERSION}"],
            check=True,
        )  # fmt: skip
    return CLI


@contextlib.contextmanager
def serve(folder: Path):
    """Serve ``folder`` on 127.0.0.1 (a free port) while the block runs; yield its URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def audit(cli: Path, url: str, chrome: str) -> dict:
    """Return the scores and timings Lighthouse measures for ``url``."""
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [
                "node",
                str(cli),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                "--only-categories=performance,accessibility",
                "--form-factor=mobile",
                "--throttling-method=simulate",
                "--chrome-flags=--headless --no-sandbox --disable-gpu --no-first-run",
            ],
            check=True,
            env={**os.environ, "CHROME_PATH": chrome},
        )
        data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    refs = data["categories"]["accessibility"]["auditRefs"]
    failing = [
        r["id"]
        for r in refs
        if r.get("weight") and audits.get(r["id"], {}).get("score") not in (None, 1)
    ]
    return {
        "a11y_failing": failing,
        "performance": round(100 * (data["categories"]["performance"]["score"] or 0)),
        "accessibility": round(100 * (data["categories"]["accessibility"]["score"] or 0)),
        "fcp_s": audits["first-contentful-paint"]["numericValue"] / 1000,
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", type=Path, help="a folder written by shanxi-analysis report")
    parser.add_argument("pages", nargs="*", help="pages inside it (default: every page)")
    args = parser.parse_args()
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not Path(chrome).is_file():
        sys.exit(f"no Chromium at {chrome}: install Debian's chromium or set CHROME_PATH")
    folder = args.reports.resolve()
    every = [folder / "index.html", *sorted(folder.glob("*/*.html"))]
    pages = args.pages or [str(p.relative_to(folder)) for p in every]
    cli = install()
    print(f"{'page':32} {'perf':>5} {'a11y':>5} {'FCP s':>6} {'TBT ms':>7} {'LCP s':>6}  {'KB':>6}")
    with serve(folder) as base:
        for name in pages:
            r = audit(cli, f"{base}/{name}", chrome)
            size = (folder / name).stat().st_size / 1024
            print(
                f"{name:32} {r['performance']:5d} {r['accessibility']:5d} {r['fcp_s']:6.1f}"
                f" {r['tbt_ms']:7.0f} {r['lcp_s']:6.1f}  {size:6.0f}"
                + (f"  accessibility audits failing: {', '.join(r['a11y_failing'])}"
                   if r["a11y_failing"] else ""),
                flush=True,
            )  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
