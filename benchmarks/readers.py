"""Peak memory and time of `shanxi-analysis extract` on a large article, against the plain way.

The plain way is the reader this package had before it streamed: the whole file read at
once, the HTML parsed into a BeautifulSoup tree and walked recursively, every quantity
collected into one DataFrame, and that DataFrame printed with one ``to_string``. The
stream is what ``shanxi-analysis extract`` does now: bytes read a megabyte at a time up to
a limit, HTML read as lxml parser events (no tree), rows printed as they come (a table in
pages). Both share everything else (classification of blocks, the quantity extractor).

The article is one of the seeds in data/raw/ repeated to the size asked for (50 MB by
default): the Liaowang feature (HTML) and the demonstration-zone report (text). Each run is
its own interpreter; peak memory is its maximum resident size minus what the imports
alone take, so both ways are measured alike.

    .venv/bin/python benchmarks/readers.py            # 50 MB, table output
    .venv/bin/python benchmarks/readers.py --mb 10 --format csv
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEEDS = {
    "html": "raw/liaowang-2021-11-27-shanxi-green-transition.md",
    "text": "raw/newspaper-2020-shanxi-transformation-demonstration-zone.txt",
}


def _plain_html_raw_blocks(html: str) -> list:
    """The tree walk the package used before: BeautifulSoup, then recursion per element."""
    import warnings

    from bs4 import BeautifulSoup, Comment, MarkupResemblesLocatorWarning, NavigableString

    from shanxi_analysis import sources as s

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(html, "lxml")
    blocks, pieces, heading = [], [], [None]

    def flush() -> None:
        text = s.normalise_space("".join(p for p, _ in pieces))
        if text:
            visible = [b for p, b in pieces if p.strip()]
            bold_only = bool(visible) and all(visible)
            blocks.append(s._RawBlock(text=text, heading_level=heading[0], bold_only=bold_only))
        pieces.clear()

    def walk(node, bold: bool) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:
                    pieces.append((str(child), bold))
                continue
            name = child.name.lower()
            if name in s._DROP_TAGS:
                continue
            if name in s._MEDIA_TAGS:
                flush()
                blocks.append(s._RawBlock(text="", is_media=True, media_ref=s._media_ref(child)))
                continue
            if name in s._HEADING_TAGS:
                flush()
                heading[0] = s._HEADING_TAGS[name]
                walk(child, True)
                flush()
                heading[0] = None
            elif name in s._BLOCK_TAGS:
                flush()
                walk(child, bold)
                flush()
            else:
                walk(child, bold or name in s._BOLD_TAGS)

    walk(soup, False)
    flush()
    return blocks


def _plain(path: str, fmt: str) -> None:
    import pandas as pd

    from shanxi_analysis import cli
    from shanxi_analysis import sources as s

    raw = open(path, "rb").read().decode("utf-8")
    s._html_raw_blocks = _plain_html_raw_blocks  # the tree instead of the event stream
    df = pd.DataFrame(list(cli.iter_extractions(raw, path=path)))
    for col in ("value", "base_value"):
        df[col] = df[col].map(cli._value_text)
    if fmt == "csv":
        df.to_csv(sys.stdout, index=False)
    else:
        df["sentence"] = df["sentence"].str.slice(0, 40)
        cli._print_table(df)


def _stream(path: str, fmt: str) -> None:
    from shanxi_analysis import cli

    cli.main(["extract", path, "--format", fmt, "--max-bytes", "1G"])


def _worker(way: str, path: str, fmt: str) -> None:
    """Run one way in this interpreter; report time and peak memory above the imports."""
    import pandas  # noqa: F401  (imported by both ways: counted in the baseline)

    import shanxi_analysis.cli
    import shanxi_analysis.quantities
    import shanxi_analysis.sources  # noqa: F401

    if way == "plain":
        import bs4  # noqa: F401

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out, sys.stdout = sys.stdout, open("/dev/null", "w")
    start = time.perf_counter()
    (_plain if way == "plain" else _stream)(path, fmt)
    seconds = time.perf_counter() - start
    sys.stdout = out
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{seconds:.3f} {(peak - base) * 1024}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50, help="article size in MB (default 50)")
    parser.add_argument("--format", choices=("table", "csv"), default="table")
    parser.add_argument("--worker", nargs=3, metavar=("WAY", "FILE", "FORMAT"), help="internal")
    args = parser.parse_args()
    if args.worker:
        _worker(*args.worker)
        return 0

    from shanxi_analysis import paths, sources

    print(f"extract --format {args.format} on a {args.mb:g} MB article; peak memory above imports")
    print(f"{'article':8} {'way':7} {'time':>8} {'peak':>9} {'x size':>7}")
    with tempfile.TemporaryDirectory(prefix="bench-readers-") as tmp:
        for kind, rel in SEEDS.items():
            seed = sources.read_article(paths.data_dir() / rel)
            if kind == "html":  # one front matter, then the body over and over
                meta_end = seed.index("---", 3) + 4
                head, body = seed[:meta_end], seed[meta_end:]
            else:
                head, body = "", seed
            copies = max(1, int(args.mb * 1e6) // len(body.encode()))
            article = Path(tmp) / f"big-{kind}.txt"
            article.write_text(head + body * copies, encoding="utf-8")
            size = article.stat().st_size
            results = {}
            for way in ("plain", "stream"):
                cmd = [sys.executable, __file__, "--worker", way, str(article), args.format]
                done = subprocess.run(cmd, capture_output=True, text=True, check=True)
                seconds, peak = done.stdout.split()
                results[way] = float(seconds), int(peak)
                print(
                    f"{kind:8} {way:7} {float(seconds):7.1f}s {int(peak) / 2**20:7.0f} MB "
                    f"{int(peak) / size:6.1f}x"
                )
            (tp, mp), (ts, ms) = results["plain"], results["stream"]
            print(f"{kind:8} ratio   time {ts / tp:.2f}, memory {ms / mp:.2f} (stream / plain)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
