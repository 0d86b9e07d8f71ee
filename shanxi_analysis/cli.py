"""The ``shanxi-analysis`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import pandas as pd

from . import __version__


def _print_table(df: pd.DataFrame) -> None:
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    from .sources import SourceFormatError

    try:
        return args.func(args)
    except (SourceFormatError, KeyError, ValueError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"shanxi-analysis: error: {message}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
