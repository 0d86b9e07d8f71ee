"""The ``shanxi-analysis`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from . import __version__
from .report.runner import DEFAULT_TIMEOUT

if TYPE_CHECKING:  # pandas is imported only by the commands that need it
    import pandas as pd


def _print_table(df: pd.DataFrame) -> None:
    import pandas as pd

    with pd.option_context(
        "display.unicode.east_asian_width",
        True,
        "display.width",
        200,
        "display.max_columns",
        None,
        "display.max_colwidth",
        60,
        "display.max_rows",
        None,
    ):
        print(df.to_string(index=False))


def _cmd_sources(args: argparse.Namespace) -> int:
    from . import sources

    for sid in sources.registry()["source_id"]:
        sources.verify(sid)
    _print_table(sources.summary())
    return 0


def _value_text(v) -> str:
    if isinstance(v, tuple):
        return "–".join(f"{x:.15g}" for x in v)
    return f"{v:.15g}"


_EXTRACTION_COLUMNS = (
    "block_no",
    "kind",
    "span",
    "value",
    "unit",
    "base_value",
    "base_unit",
    "qualifier",
    "sentence",
)


def iter_extractions(raw: str, *, path: str = "<stdin>") -> Iterator[dict]:
    """Yield the candidate quantities of an article (plain text, Markdown or HTML), one dict
    per quantity with the sentence it comes from, block by block (nothing is kept)."""
    from . import quantities, sources

    for no, block in enumerate(sources.parse_document(raw, path=path), start=1):
        if block.kind == "media":
            continue
        for a, b in sources.sentences(block.text):
            sentence = block.text[a:b]
            for q in quantities.extract(sentence):
                yield {
                    "block_no": no,
                    "kind": block.kind,
                    "span": q.span,
                    "value": q.value,
                    "unit": q.unit,
                    "base_value": q.base_value,
                    "base_unit": q.base_unit,
                    "qualifier": q.qualifier,
                    "sentence": sentence,
                }


def extraction_table(raw: str, *, path: str = "<stdin>") -> pd.DataFrame:
    """Return the candidate quantities of an article (plain text, Markdown or HTML), one row
    per quantity with the sentence it comes from."""
    import pandas as pd

    return pd.DataFrame(list(iter_extractions(raw, path=path)), columns=_EXTRACTION_COLUMNS)


_TABLE_PAGE = 2000  # rows per printed table: to_string's memory grows with the rows it aligns


def _print_extractions(rows: Iterator[dict], fmt: str) -> None:
    """Write rows as they come, so that memory holds one page, not the whole output."""
    import csv
    import itertools
    import json

    import pandas as pd

    if fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=_EXTRACTION_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow(r | {c: _value_text(r[c]) for c in ("value", "base_value")})
    elif fmt == "json":
        # The layout of json.dump(records, indent=1), one record at a time.
        sep = "[\n"
        for r in rows:
            r |= {c: list(r[c]) for c in ("value", "base_value") if isinstance(r[c], tuple)}
            text = json.dumps(r, ensure_ascii=False, indent=1)
            sys.stdout.write(sep + "\n".join(" " + line for line in text.splitlines()))
            sep = ",\n"
        print("[]" if sep == "[\n" else "\n]")
    else:
        first = True
        while page := list(itertools.islice(rows, _TABLE_PAGE)):
            out = pd.DataFrame(page, columns=_EXTRACTION_COLUMNS)
            for col in ("value", "base_value"):
                out[col] = out[col].map(_value_text)
            out["sentence"] = out["sentence"].str.slice(0, 40)
            if not first:
                print()
            _print_table(out)
            first = False
        if first:
            print("no quantities found")


def _cmd_extract(args: argparse.Namespace) -> int:
    from . import sources

    # Standard input goes through the same reading and decoding as a file: bytes, bounded.
    source = getattr(sys.stdin, "buffer", None) if args.file == "-" else args.file
    if source is None:
        raise ValueError("<stdin>: cannot read (standard input is closed or not a byte stream)")
    path = "<stdin>" if args.file == "-" else args.file
    raw = sources.read_article(source, name=path, max_bytes=args.max_bytes)
    _print_extractions(iter_extractions(raw, path=path), args.format)
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from . import checkcache

    # The same data and package print the same: kept by their digest (checkcache).
    text, code = checkcache.remembered(f"check-{args.lang}", lambda: _check_output(args.lang))
    sys.stdout.write(text)
    return code


def _check_output(lang: str) -> tuple[str, int]:
    """Return what ``check`` prints and its exit status."""
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = _check(lang)
    return buffer.getvalue(), code


def _check(lang: str) -> int:
    from . import checks

    results = checks.run(lang)
    table = results[["status", "rule_id", "title", "detail"]]
    _print_table(table)
    gaps = checks.coverage_gaps()
    mismatches = checks.agreement_mismatches()
    zh = lang == "zh"
    print()
    print(
        ("覆盖：" if zh else "Coverage: ")
        + (
            (
                "文中每个数量都是事实或已排除"
                if zh
                else "every quantity in the text is a fact or excluded"
            )
            if gaps.empty
            else f"{len(gaps)} " + ("个数量未收录" if zh else "quantities not covered")
        )
    )
    if not gaps.empty:
        _print_table(gaps)
    print(
        ("一致：" if zh else "Agreement: ")
        + (
            ("每个事实的数值与原文读数一致" if zh else "every fact matches what its quote says")
            if mismatches.empty
            else f"{len(mismatches)} " + ("处不一致" if zh else "mismatches")
        )
    )
    if not mismatches.empty:
        _print_table(mismatches)
    from . import compare

    pairs = compare.compare()
    print(("跨来源比较：" if zh else "Across sources: ") + f"{len(pairs)}")
    if not pairs.empty:
        _print_table(pairs)
    from .charts.types import figure_problems

    figures = figure_problems()
    print(("图表：" if zh else "Figures: ") + (f"{len(figures)}" if figures else "ok"))
    for problem in figures:
        print(f"  {problem}")
    failed = int((~results["passed"]).sum()) + len(gaps) + len(mismatches) + len(figures)
    return 1 if failed else 0


def _cmd_add(args: argparse.Namespace) -> int:
    import json

    import pandas as pd

    from . import ingest

    overrides = ingest.Overrides(
        title=args.title or "",
        publisher=args.publisher or "",
        published=args.published or "",
        url=args.url or "",
        source_id=args.source_id or "",
        max_bytes=args.max_bytes,
    )
    if args.published and not ingest.normalise_date(args.published)[0]:
        raise ValueError(f"--published {args.published!r} (expected YYYY, YYYY-MM or YYYY-MM-DD)")
    summary = ingest.add(args.files, overrides, dry_run=args.dry_run, jobs=args.jobs)
    refused = {line.split(": ", 1)[0] for line in summary.duplicates}
    ok = [r for r in summary.results if "error" not in r and r["path"] not in refused]
    if args.format == "json":
        for r in ok:
            print(
                json.dumps(
                    {"source": r["source"], "candidates": r["candidates"]}, ensure_ascii=False
                )
            )
    else:
        for r in ok:
            src = r["source"]
            print(
                f"{src['source_id']}: {src['title_zh']} ({src['format']}, {src['encoding']}, "
                f"published {src['published'] or '?'})"
            )
            cols = [
                "block_no",
                "span",
                "period",
                "kind",
                "measure",
                "entity_id",
                "indicator_id",
                "reason_code",
                "confidence",
            ]
            _print_table(pd.DataFrame(r["candidates"], columns=cols))
    for line in summary.duplicates + summary.errors:
        print(line, file=sys.stderr)
    print(
        f"{len(summary.results)} files, {summary.candidates} candidates, "
        f"{len(summary.duplicates)} skipped duplicates, {len(summary.errors)} errors"
        + (" (dry run: nothing written)" if args.dry_run else ""),
        file=sys.stderr,
    )
    return 1 if summary.errors or summary.duplicates else 0


def _cmd_review(args: argparse.Namespace) -> int:
    from . import review

    if not args.apply:
        rows = review.read_review(args.source_id)
        decided = sum(1 for r in rows if (r.get("decision") or "").strip())
        print(f"{review.review_path(args.source_id)}: {decided} of {len(rows)} decided")
        return 0
    counts = review.apply(args.source_id)
    print(", ".join(f"{v} {k}" for k, v in counts.items()) + " written")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from . import report

    params = {}
    for item in args.parameter or []:
        name, value = item
        params[name] = value
    result = report.build(
        args.themes,
        langs=args.lang,
        jobs=args.jobs,
        force=args.force,
        show_code=args.show_code,
        out=args.out,
        parameters=params,
        timeout=args.timeout,
        check_data=not args.skip_data_checks,
        pdf=args.pdf,
    )
    return 0 if result.ok else 1


def _size_arg(text: str) -> int:
    from .sources import parse_size

    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _max_bytes_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--max-bytes",
        type=_size_arg,
        default=None,
        metavar="N",
        help="refuse an article larger than N bytes; K, M, G allowed (default: "
        "$SHANXI_ANALYSIS_MAX_BYTES or 64M)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``shanxi-analysis`` command."""
    parser = argparse.ArgumentParser(
        prog="shanxi-analysis",
        description=(
            "Data, checks and reports on Shanxi's transformation away from a coal economy. "
            "Every figure traces to the sentence it came from."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "sources",
        help="list the source articles with their block counts",
        description="Check every raw article against its registered hash and print the "
        "registry with the number of text blocks of each kind.",
    )
    p.set_defaults(func=_cmd_sources)

    p = sub.add_parser(
        "extract",
        help="print the candidate quantities of an article",
        description="Read an article (plain text, Markdown or HTML, with optional YAML front "
        "matter) and print every quantity found, with the sentence it comes from.",
    )
    p.add_argument("file", metavar="FILE", help="the article, or - for standard input")
    p.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="output format (default: table)",
    )
    _max_bytes_arg(p)
    p.set_defaults(func=_cmd_extract)

    p = sub.add_parser(
        "check",
        help="run the consistency rules and the data checks",
        description="Print every consistency rule with its result, then the coverage and "
        "agreement checks of the curated facts; exit 1 when any fails.",
    )
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the report")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser(
        "add",
        help="add articles: register them and propose their facts for review",
        description="Read articles (Hexo/ZAKER posts, saved web pages, Markdown, text, text "
        "from a page layout; any common encoding), propose candidate facts, and unless "
        "--dry-run copy each file into data/raw/, register it and write its review file.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="article files or folders")
    p.add_argument("--title")
    p.add_argument("--publisher")
    p.add_argument("--published", metavar="DATE", help="YYYY, YYYY-MM or YYYY-MM-DD")
    p.add_argument("--url")
    p.add_argument("--source-id", metavar="ID")
    p.add_argument("--dry-run", action="store_true", help="change nothing; print the proposal")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--jobs", type=int, default=None, help="processes (default: all cores)")
    _max_bytes_arg(p)
    p.set_defaults(func=_cmd_add)

    p = sub.add_parser(
        "review",
        help="show or apply the decisions of a source's review file",
        description="Without --apply, count the decided rows of data/review/SOURCE_ID.csv; "
        "with --apply, write them to the curated tables after full validation, or nothing.",
    )
    p.add_argument("source_id", metavar="SOURCE_ID")
    p.add_argument("--apply", action="store_true")
    p.set_defaults(func=_cmd_review)

    p = sub.add_parser(
        "report",
        help="build the HTML reports from the theme notebooks",
        description="Run each theme notebook with papermill, in each language, and write "
        "self-contained offline HTML to OUT/<lang>/<notebook>.html plus OUT/index.html. "
        "The data must pass its schema, agreement and coverage checks first. Unchanged "
        "reports are skipped; a failing notebook is kept under OUT/_failed/ and the previous "
        "good report stays. Exit status: 0 all built or current, 1 a report or the index "
        "failed, 2 refused before anything ran (bad arguments, data that fails its checks), "
        "130 interrupted.",
    )
    p.add_argument(
        "themes",
        nargs="*",
        metavar="THEME",
        help="notebooks to build (e.g. coal-energy or 01-coal-energy; default: all)",
    )
    p.add_argument("--lang", default="zh,en", help="languages, comma-separated (default: zh,en)")
    p.add_argument(
        "--jobs", type=int, default=None, help="notebooks run in parallel (default: one per core)"
    )
    p.add_argument("--force", action="store_true", help="rebuild even unchanged reports")
    p.add_argument("--show-code", action="store_true", help="include the code cells")
    p.add_argument(
        "--out",
        default=None,
        help="output folder (default: the checkout's reports/, or ./reports when installed)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"time limit of one notebook; past it, that report fails (default: "
        f"{DEFAULT_TIMEOUT:g})",
    )
    p.add_argument(
        "--pdf",
        action="store_true",
        help="also print each report to OUT/<lang>/<notebook>.pdf with headless Chromium "
        "(skipped, with a message, where Chromium is missing)",
    )
    p.add_argument(
        "--skip-data-checks",
        action="store_true",
        help="build even when the data fails its agreement, coverage or schema checks "
        "(the reports may then contradict their quotes)",
    )
    p.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="another notebook parameter, checked against its parameters cell "
        "(not lang or interactive, which the build sets)",
    )
    p.set_defaults(func=_cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except (KeyError, ValueError) as exc:  # DataError and SourceFormatError are ValueErrors
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"shanxi-analysis: error: {message}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a full disk, a folder that went away: say what, not a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"shanxi-analysis: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # Every file is written through a temporary file and a rename: nothing half-written.
        print(
            "shanxi-analysis: interrupted; finished files are kept, none is half-written",
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
