"""`shanxi-analysis extract` and the article readers under hostile input: deep nesting,
wrong encodings on standard input, endless and huge streams, memory.

The article in ``fixtures/fictional-article.md`` is fictional, written for these tests.
Commands that could hang on today's readers run as subprocesses with bounded waits.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shanxi_analysis import paths, sources
from shanxi_analysis.cli import extraction_table, main
from shanxi_analysis.sources import SourceFormatError, parse_document, read_article

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE = FIXTURES / "fictional-article.md"
CMD = [sys.executable, "-m", "shanxi_analysis.cli", "extract"]
WAIT = 120  # seconds: far above what any of these takes, so a hang fails instead of blocking


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run ``shanxi-analysis extract ARGS`` in a fresh interpreter, bounded in time."""
    env = {k: v for k, v in os.environ.items() if k != sources.MAX_BYTES_ENV}
    env |= kwargs.pop("env", {})
    return subprocess.run(
        [*CMD, *args],
        capture_output=True,
        timeout=WAIT,
        cwd=paths.PROJECT_ROOT,
        env=env,
        **kwargs,
    )


def shape(blocks) -> list[tuple[str, str, str | None]]:
    return [(b.kind, b.text, b.ref) for b in blocks]


# ---------------------------------------------------------------- deep nesting


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_html_nested_deep_is_read_whole_without_recursion(depth):
    # Seven tags that recurse differently in a tree walker: blocks, inline, bold, a table.
    tags = ["div", "span", "section", "em", "font", "blockquote", "i"]
    opening = "".join(f"<{tags[i % len(tags)]}>" for i in range(depth))
    closing = "".join(f"</{tags[i % len(tags)]}>" for i in reversed(range(depth)))
    html = f"<p>开头一段。</p>{opening}深处有煤矿 900 座以内。{closing}<p>结尾 12 家。</p>"
    blocks = parse_document(html, path="deep.html")
    assert [b.text for b in blocks] == ["开头一段。", "深处有煤矿 900 座以内。", "结尾 12 家。"]
    table = extraction_table(html, path="deep.html")
    assert list(table["span"]) == ["900 座", "12 家"]
    assert list(table["qualifier"]) == ["at_most", "none"]


def test_extract_command_on_deep_html_prints_its_quantities(tmp_path, capsys):
    deep = tmp_path / "deep.html"
    deep.write_text("<div>" * 5_000 + "<p>减至 900 座以内。</p>" + "</div>" * 5_000)
    assert main(["extract", str(deep), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "900 座" in lines[1] and "at_most" in lines[1]


# Wrappers that neither start a block nor change boldness: wrapping a document in any
# number of them, in any order, must not change what is read.
NEUTRAL = ["div", "section", "article", "span", "em", "i", "font", "u", "small", "main"]


@settings(max_examples=25, deadline=None)
@given(
    tags=st.lists(st.sampled_from(NEUTRAL), min_size=1, max_size=12),
    depth=st.integers(min_value=1, max_value=5_000),
)
def test_wrapping_in_any_nesting_of_neutral_tags_changes_nothing(tags, depth):
    wrappers = [tags[i % len(tags)] for i in range(depth)]
    body = ARTICLE.read_text(encoding="utf-8").split("---\n", 2)[2]
    plain = parse_document(body, path="x.html", fmt="html")
    opening = "".join(f"<{t}>" for t in wrappers)
    closing = "".join(f"</{t}>" for t in reversed(wrappers))
    wrapped = parse_document(opening + body + closing, path="x.html", fmt="html")
    assert shape(wrapped) == shape(plain)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<div>",
                "</div>",
                "<b>",
                "</b>",
                "<p>",
                "</p>",
                "<h2>",
                "</h2>",
                "<script>",
                "</script>",
                "<td>",
                "<br>",
                "<iframe>",
                "</iframe>",
                "<!--",
                "-->",
                "煤矿 9 座。",
                "文字",
                " ",
            ]
        ),
        max_size=400,
    )
)
def test_any_soup_of_tags_parses_without_error(pieces):
    html = "".join(pieces)
    for block in parse_document(html, path="soup.html", fmt="html"):
        assert block.kind in sources.BLOCK_KINDS
        assert "<" not in block.text or block.kind == "media"


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chunk=st.integers(min_value=1, max_value=5_000))
def test_where_the_stream_is_cut_changes_nothing(monkeypatch, chunk):
    # HTML is fed to the parser in pieces; a piece may end inside a tag, an entity or a
    # script, and the blocks must be the same as when it is read in one piece.
    docs = [ARTICLE, FIXTURES / "hostile.md", sources.source_path("liaowang-2021")]
    texts = [p.read_text(encoding="utf-8") for p in docs]
    whole = [shape(parse_document(t)) for t in texts]
    with monkeypatch.context() as m:
        m.setattr(sources, "_FEED_CHARS", chunk)
        assert [shape(parse_document(t)) for t in texts] == whole


# ---------------------------------------------------------------- standard input


def test_stdin_gives_what_the_file_gives():
    by_file = run([str(ARTICLE), "--format", "csv"])
    by_stdin = run(["-", "--format", "csv"], input=ARTICLE.read_bytes())
    assert by_file.returncode == by_stdin.returncode == 0
    assert by_stdin.stdout == by_file.stdout
    assert "12 座" in by_file.stdout.decode() and "18.2%" in by_file.stdout.decode()


def test_closed_stdin_and_a_folder_get_messages_not_tracebacks(tmp_path):
    closed = subprocess.run(
        ["sh", "-c", 'exec "$0" "$@" <&-', *CMD, "-"],
        capture_output=True,
        timeout=WAIT,
        cwd=paths.PROJECT_ROOT,
    )
    assert closed.returncode == 2, closed.stderr
    assert b"<stdin>: cannot read (standard input is closed" in closed.stderr
    folder = run([str(tmp_path)])
    assert folder.returncode == 2
    assert f"{tmp_path}: cannot read (Is a directory)".encode() in folder.stderr


def test_gbk_on_stdin_reads_as_the_utf8_file_does(tmp_path):
    """Standard input goes through the same decoding as a file: GBK is detected and read,
    never printed as mojibake."""
    gbk = ARTICLE.read_text(encoding="utf-8").encode("gbk")
    res = run(["-"], input=gbk)
    assert res.returncode == 0, res.stderr.decode()
    assert res.stdout == run([str(ARTICLE)]).stdout
    assert "煤".encode() in res.stdout


def test_gbk_file_and_gbk_stdin_give_the_same_output(tmp_path):
    gbk = tmp_path / "gbk.md"
    gbk.write_bytes(ARTICLE.read_text(encoding="utf-8").encode("gbk"))
    by_file, by_stdin = run([str(gbk)]), run(["-"], input=gbk.read_bytes())
    assert by_file.returncode == by_stdin.returncode == 0
    assert by_file.stdout == by_stdin.stdout


def test_decode_error_names_line_column_and_bytes():
    data = "第一行\n第二行，煤矿".encode() + "九百".encode("gbk") + b"\n"
    with pytest.raises(SourceFormatError) as info:
        sources.decode_article(data, "a.md")
    message = str(info.value)
    assert message.startswith("a.md, line 2: not UTF-8 at byte")
    assert "column 7" in message and "bytes be c5" in message


def test_utf16_with_its_byte_order_mark_is_read():
    text = read_article(io.BytesIO("煤矿九百座".encode("utf-16")), name="x.md")
    assert text == "煤矿九百座"


def test_a_utf8_bom_is_read_as_before():
    text = read_article(io.BytesIO(b"\xef\xbb\xbf" + ARTICLE.read_bytes()), name="bom.md")
    assert [b.text for b in parse_document(text)] == [
        b.text for b in parse_document(ARTICLE.read_text(encoding="utf-8"))
    ]


# ---------------------------------------------------------------- size limits


def test_dev_zero_stops_at_the_limit_with_a_clear_message():
    res = run(["-", "--max-bytes", "1M"], stdin=open("/dev/zero", "rb"))
    err = res.stderr.decode()
    assert res.returncode == 2
    assert "<stdin>: more than 1,048,576 bytes (1 MiB), the size limit" in err
    assert "--max-bytes" in err and sources.MAX_BYTES_ENV in err


def test_dev_zero_with_the_default_limit_is_bounded():
    res = run(["-"], stdin=open("/dev/zero", "rb"))
    assert res.returncode == 2
    assert f"<stdin>: more than {sources.DEFAULT_MAX_BYTES:,} bytes" in res.stderr.decode()


def test_an_endless_fifo_on_stdin_stops_at_the_limit(tmp_path):
    """A FIFO named as FILE is refused (tests/test_read_hostile.py); on stdin it is read."""
    fifo = tmp_path / "endless"
    os.mkfifo(fifo)
    stop = threading.Event()

    def feed() -> None:
        try:
            with open(fifo, "wb") as w:
                while not stop.is_set():
                    w.write("煤矿 9 座。".encode() * 4096)
        except (BrokenPipeError, OSError):
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        with open(fifo, "rb") as stdin:
            res = run(["-", "--max-bytes", "256K"], stdin=stdin)
    finally:
        stop.set()
    writer.join(timeout=WAIT)
    assert res.returncode == 2
    assert "<stdin>: more than 262,144 bytes (256 KiB)" in res.stderr.decode()


def test_the_limit_comes_from_the_environment_too(tmp_path):
    res = run([str(ARTICLE)], env={sources.MAX_BYTES_ENV: "100"})
    assert res.returncode == 2 and "more than 100 bytes, the size limit" in res.stderr.decode()
    assert run([str(ARTICLE)], env={sources.MAX_BYTES_ENV: "1M"}).returncode == 0


def test_a_bad_limit_is_refused_before_reading():
    res = run([str(ARTICLE), "--max-bytes", "lots"])
    assert res.returncode == 2 and "size 'lots' is not a positive number" in res.stderr.decode()


def test_library_api_takes_the_limit(monkeypatch):
    monkeypatch.delenv(sources.MAX_BYTES_ENV, raising=False)
    with pytest.raises(SourceFormatError, match=r"<stdin>: more than 1,024 bytes"):
        read_article(io.BytesIO(b"x" * 1025), name="<stdin>", max_bytes=1024)
    assert read_article(io.BytesIO(b"x" * 1024), max_bytes=1024) == "x" * 1024
    monkeypatch.setenv(sources.MAX_BYTES_ENV, "2K")
    assert sources.max_bytes_limit() == 2048
    with pytest.raises(SourceFormatError, match="more than 2,048 bytes"):
        read_article(io.BytesIO(b"x" * 4096))


# ---------------------------------------------------------------- memory


PEAK = """
import resource, sys
import pandas, shanxi_analysis.cli, shanxi_analysis.quantities, shanxi_analysis.sources
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sys.stdout = open("/dev/null", "w")
code = shanxi_analysis.cli.main(["extract", sys.argv[1]])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sys.stderr.write(f"{code} {before * 1024} {after * 1024}")
"""


def test_a_large_article_takes_a_bounded_multiple_of_its_size(tmp_path):
    # About 2 MB of the fictional article's paragraphs. The tree-building reader and the
    # whole-table printer took 80 times this (number-dense) article's size; the stream
    # takes about 8.
    head, body = ARTICLE.read_text(encoding="utf-8").rsplit("</h1>\n", 1)
    big = tmp_path / "big.md"
    copies = 2_000_000 // len(body.encode())
    big.write_text(head + "</h1>\n" + body * copies, encoding="utf-8")
    size = big.stat().st_size
    res = subprocess.run(
        [sys.executable, "-c", PEAK, str(big)], capture_output=True, timeout=600, text=True
    )
    code, before, after = map(int, res.stderr.split()[-3:])
    assert code == 0, res.stderr
    assert after - before < 20 * size, f"{(after - before) / size:.1f} times the article's size"
