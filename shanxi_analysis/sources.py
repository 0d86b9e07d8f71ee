"""Raw articles → clean, ordered text blocks; photo captions; the source registry.

What is normalised, and nothing else, so that quotes stay verbatim:

* Markup is dropped: HTML is read by lxml's parser as a stream of events (no tree, no
  recursion, so any depth of nesting is read); only text nodes reach
  ``text``. ``script``, ``style``, ``iframe`` and other non-text elements, attributes
  (event handlers, ``href``, ``src``) and HTML comments never do. An ``iframe``, ``video``
  or ``embed`` becomes a ``media`` block whose address is recorded in ``ref`` (never
  loaded). Markdown heading marks (``#``) are dropped.
* Whitespace: every run of white space (spaces, tabs, line breaks, no-break and
  ideographic spaces) becomes one ASCII space; leading and trailing space is removed;
  zero-width characters, the byte-order mark and other control characters are removed.
* Bullet marks: the leading ``◆`` of a key point and ``▲`` of a photo caption are removed
  (they mark the block's kind, which is recorded in ``kind``).
* Addresses and markup in the text itself: URLs that stand in visible text
  (``http://…``, ``www.…``, ``javascript:…``) and tag-like text that escaped markup
  decodes to (``&lt;script&gt;`` → ``<script>``) are removed.
* Layout breaks (text from a page layout only): a ``paragraph`` (or ``editor_note``)
  that does not end a sentence and is followed directly by another block of the same kind
  is joined to it, because a page or column break cut it (``…一网通办`` +
  ``管效能…``). The two parts are joined with no character between them (a space only
  between two Latin letters or digits). Titles, headings, credits and captions are never
  joined.
* Paragraphs of plain text end at a blank line, at a line that ends a sentence, and
  before and after a Markdown heading line; other lines run on.
* Long blocks: a block longer than :data:`MAX_BLOCK_CHARS` is cut between sentences, and
  a stretch longer than :data:`MAX_CLAUSE_CHARS` with no clause mark at a space, into
  blocks of the same kind (no news paragraph is that long; the cut keeps the work for each
  quantity in proportion to its block, not to the article).

Wording, punctuation (half-width or full-width), and the spaces inside a block are kept
as they are: ``15685 万吨`` stays ``15685 万吨``.
"""

from __future__ import annotations

import bisect
import codecs
import errno
import hashlib
import io
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import yaml
from lxml import etree

from . import paths

BLOCK_KINDS: tuple[str, ...] = (
    "title",
    "heading",
    "key_point",
    "paragraph",
    "caption",
    "credit",
    "editor_note",
    "media",
)
"""Every kind a block can have, in the order used for categorical columns."""

REGISTRY_COLUMNS: tuple[str, ...] = (
    "source_id",
    "title_zh",
    "title_en",
    "publisher_zh",
    "publisher_en",
    "authors",
    "published",
    "published_precision",
    "published_basis",
    "language",
    "file",
    "format",
    "sha256",
    "rights",
    "encoding",
)
FORMATS = ("hexo-html", "html", "html-page", "markdown", "layout-text", "text")
"""``hexo-html``: YAML front matter and an HTML body (a Hexo/ZAKER post); ``html``: an
HTML fragment that is all article; ``html-page``: a page saved from a browser, whose
article is found among navigation, ads and comments by trafilatura; ``markdown``
(front matter allowed); ``layout-text``: text from a page layout (broken lines joined);
``text``: plain text."""

# A sentence ends with one of these, possibly followed by closing quotes or brackets.
SENTENCE_END = "。！？!?…；;：:"
CLOSERS = "”’」』）)】〉》\"'"
_END_RE = re.compile(f"[{re.escape(SENTENCE_END)}][{re.escape(CLOSERS)}]*$")
_SENTENCE_RE = re.compile(
    f"[^{re.escape('。！？!?；;')}]*(?:[{re.escape('。！？!?；;')}]+[{re.escape(CLOSERS)}]*|$)"
)

_WS_RE = re.compile(r"\s+")
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_URL_RE = re.compile(
    r"(?i)(?:\b(?:https?|ftp|file)://|\bwww\.)[^\s<>\"'“”，。；）)]*"
    r"|\b(?:javascript|vbscript|data):[^\s<>\"'“”，。；）)]*"
)
# Tag-like text left after entities are decoded (``&lt;script&gt;``) is markup, not prose.
_TAG_TEXT_RE = re.compile(r"</?[A-Za-z!?][^<>]*>|<!--.*?-->", re.S)
_LATIN_EDGE = re.compile(r"[A-Za-z0-9]")

_BLOCK_TAGS = frozenset(
    "address article aside blockquote body dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section table "
    "tbody td tfoot th thead tr ul br center".split()
)
_DROP_TAGS = frozenset(
    "script style noscript template head title meta link object svg math canvas "
    "select option button input textarea map area base".split()
)
_MEDIA_TAGS = frozenset({"iframe", "video", "audio", "embed", "frame"})
_BOLD_TAGS = frozenset({"strong", "b"})
_HEADING_TAGS = {f"h{i}": i for i in range(1, 7)}

_CREDIT_RE = re.compile(
    r"^(?:文|图|文图|图文|摄影|摄像|视频|记者|本报记者|本刊记者|通讯员|编辑|责任编辑|责编|"
    r"校对|审校|设计|美编|海报设计|制图|监制|统筹|策划|出品)\s*[|｜:：/／]"
    r"|^(?:本报|本刊)?记者\s+\S"
    r"|^(?:[\u4e00-\u9fff]{2,6}\s*[|｜]\s*[\u4e00-\u9fff·]{2,}\s*)+$"
    r"|^(?:长按|扫描|识别)[^。]*(?:关注|二维码)"
)
_HEADING_MAX = 40
_CAPTION_MAX = 60


class SourceFormatError(ValueError):
    """A raw file or the registry does not have the expected form."""

    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        line: int | None = None,
        expected: str | None = None,
    ) -> None:
        where = f"{path}" + (f", line {line}" if line is not None else "")
        message = f"{where}: {problem}"
        if expected:
            message += f" (expected {expected})"
        super().__init__(message)
        self.path = str(path)
        self.line = line
        self.problem = problem
        self.expected = expected


class SourceIntegrityError(SourceFormatError):
    """A raw file no longer matches the hash recorded in the registry."""


@dataclass(frozen=True, slots=True)
class Block:
    """One block of text in reading order."""

    kind: str
    text: str
    ref: str | None = None


@dataclass(slots=True)
class _RawBlock:
    """A block before classification, with the layout hints that classification uses."""

    text: str
    heading_level: int | None = None
    bold_only: bool = False
    media_ref: str | None = None
    is_media: bool = False
    gap_before: int = 1


# ---------------------------------------------------------------- reading bytes

MAX_BYTES_ENV = "SHANXI_ANALYSIS_MAX_BYTES"
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""The largest article read by default (64 MiB; a long news article is well under 1 MiB)."""
_READ_CHUNK = 1 << 20
_SIZE_RE = re.compile(r"^\s*(\d+)\s*([KMG]i?B?|B)?\s*$", re.I)


def parse_size(text: str) -> int:
    """Return a byte count written as digits with an optional K, M or G (powers of 1024).

    >>> parse_size("64M"), parse_size("1500")
    (67108864, 1500)
    """
    m = _SIZE_RE.match(str(text))
    if not m or int(m.group(1)) <= 0:
        raise ValueError(
            f"size {text!r} is not a positive number of bytes (expected e.g. 1500, 512K, 64M, 1G)"
        )
    unit = (m.group(2) or "B")[0].upper()
    return int(m.group(1)) * {"B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[unit]


def max_bytes_limit(max_bytes: int | None = None) -> int:
    """Return the size limit for one article: ``max_bytes``, else ``$SHANXI_ANALYSIS_MAX_BYTES``,
    else :data:`DEFAULT_MAX_BYTES`."""
    if max_bytes is not None:
        if max_bytes <= 0:
            raise ValueError(f"max_bytes must be a positive number of bytes, got {max_bytes}")
        return max_bytes
    env = os.environ.get(MAX_BYTES_ENV)
    if env:
        try:
            return parse_size(env)
        except ValueError as exc:
            raise ValueError(f"${MAX_BYTES_ENV}: {exc}") from None
    return DEFAULT_MAX_BYTES


def _size_text(n: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:.4g} {unit}"
    return f"{n} B"


def _too_large(name: str | Path, limit: int) -> SourceFormatError:
    return SourceFormatError(
        name,
        f"more than {limit:,} bytes"
        + (f" ({_size_text(limit)})" if limit >= 1 << 10 else "")
        + ", the size limit for one article",
        expected=(
            "a smaller file, or a higher limit: --max-bytes N on the command line, "
            f"max_bytes=N in Python, or {MAX_BYTES_ENV}=N"
        ),
    )


_FILE_TYPES = (
    (stat.S_ISDIR, os.strerror(errno.EISDIR)),
    (stat.S_ISFIFO, "a named pipe (FIFO), not a regular file"),
    (stat.S_ISSOCK, "a socket, not a regular file"),
    (stat.S_ISCHR, "a character device, not a regular file"),
    (stat.S_ISBLK, "a block device, not a regular file"),
)


def _file_type(mode: int) -> str:
    return next((what for test, what in _FILE_TYPES if test(mode)), "not a regular file")


def _not_a_link(path: str | Path, name: str) -> None:
    """Raise :class:`SourceFormatError` when ``path`` itself is a symbolic link."""
    try:
        is_link = stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError as exc:
        raise SourceFormatError(name, f"cannot read ({exc.strerror or exc})") from None
    if is_link:
        try:
            target = f" (to {os.readlink(path)})"
        except OSError:
            target = ""
        raise SourceFormatError(
            name,
            f"is a symbolic link{target}; links are not followed",
            expected="the article file itself, not a link to it",
        )


def read_bytes(
    source: str | Path | BinaryIO,
    *,
    name: str | None = None,
    max_bytes: int | None = None,
    follow_symlinks: bool = True,
) -> bytes:
    """Return the bytes of a regular file (a path) or a binary stream (``sys.stdin.buffer``),
    read a megabyte at a time and never more than the limit (see :func:`max_bytes_limit`).

    Raises :class:`SourceFormatError` naming the file when it cannot be read, is larger
    than the limit, or a path names something other than a regular file (a FIFO, a
    device, a folder: reading them could wait forever); with ``follow_symlinks=False``, a
    path that is a symbolic link is refused too. An endless stream stops at the limit.
    """
    limit = max_bytes_limit(max_bytes)
    if isinstance(source, str | Path):
        name = name or str(source)
        if not follow_symlinks:
            _not_a_link(source, name)
        try:
            # O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting;
            # the type is then checked on what was opened, so nothing can swap it in between.
            flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
            if not follow_symlinks:
                flags |= getattr(os, "O_NOFOLLOW", 0)
            fd = os.open(source, flags)
        except OSError as exc:
            if not follow_symlinks:
                _not_a_link(source, name)  # it became a link after the first look
            raise SourceFormatError(name, f"cannot read ({exc.strerror or exc})") from None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise SourceFormatError(
                    name, f"cannot read ({_file_type(st.st_mode)})", expected="a regular file"
                )
            if st.st_size > limit:
                raise _too_large(name, limit)  # a regular file says its size: read nothing
            if hasattr(os, "set_blocking"):
                os.set_blocking(fd, True)
        except BaseException:
            os.close(fd)
            raise
        with open(fd, "rb") as stream:
            try:
                return read_bytes(stream, name=name, max_bytes=limit)
            except OSError as exc:
                raise SourceFormatError(name, f"cannot read ({exc.strerror or exc})") from None
    name = name or getattr(source, "name", None) or "<stream>"
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = source.read(min(_READ_CHUNK, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise _too_large(name, limit)


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
LIKELY_ENCODINGS = ("utf_8", "gb18030", "big5", "utf_16", "utf_32")
"""The encodings an article is tried in when none is named (charset-normalizer's names)."""


def detect_encoding(data: bytes, path: str | Path = "<bytes>") -> str:
    """Return the name of the encoding of an article's bytes (``utf-8``, ``utf-8-sig``,
    ``gb18030``, ``big5``, ``utf-16`` ...).

    A byte-order mark decides; then strict UTF-8; then charset-normalizer, which tries
    :data:`LIKELY_ENCODINGS` first and every other encoding it knows after. Raises
    :class:`SourceFormatError` naming the file and the encodings tried when none fits.

    >>> detect_encoding("山西省煤矿数量减至九百座".encode("gb18030"))
    'gb18030'
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        first_error = exc
    mixed = _mixed_lines(data)
    if mixed:
        bad, good, start = mixed
        line_start = data.rfind(b"\n", 0, start) + 1
        column = len(data[line_start:start].decode("utf-8", "replace")) + 1
        raise SourceFormatError(
            path,
            f"not UTF-8 at byte {start}, column {column} (bytes "
            f"{data[start : start + 4].hex(' ')}), though "
            + ("the line starts in UTF-8" if good == bad else f"line {good} is UTF-8")
            + ": the file "
            "mixes encodings; read in any one of "
            + ", ".join(e.replace("_", "-") for e in LIKELY_ENCODINGS)
            + ", one part or the other would be mojibake",
            line=bad,
            expected="text in one encoding; convert the lines that are not UTF-8 first, "
            "e.g. iconv -f GBK -t UTF-8",
        )
    from charset_normalizer import from_bytes

    for isolation in (list(LIKELY_ENCODINGS), None):
        best = from_bytes(data, cp_isolation=isolation).best()
        if best is not None:
            return best.encoding.replace("_", "-")
    start = first_error.start
    line = data.count(b"\n", 0, start) + 1
    line_start = data.rfind(b"\n", 0, start) + 1
    column = len(data[line_start:start].decode("utf-8", "replace")) + 1
    raise SourceFormatError(
        path,
        f"not UTF-8 at byte {start}, column {column} (bytes {data[start : start + 4].hex(' ')}), "
        "and not "
        + ", ".join(e.replace("_", "-") for e in LIKELY_ENCODINGS[1:])
        + " or any other encoding charset-normalizer knows (mixed encodings?)",
        line=line,
        expected="text in one encoding; convert it first, e.g. iconv -f GBK -t UTF-8",
    )


def _mixed_lines(data: bytes) -> tuple[int, int, int] | None:
    """Return ``(bad_line, utf8_line, bad_byte)`` when some lines of ``data`` are UTF-8 text
    beyond ASCII and others are not UTF-8 at all (a GBK paragraph pasted into a UTF-8
    file): one encoding would turn one kind or the other into mojibake. ``None`` when the
    lines do not disagree, or for UTF-16 and UTF-32, whose lines are not byte lines.

    A line of GBK or Big5 text is valid UTF-8 only by accident, and not beyond ASCII with
    two characters or more, so such a line is taken as UTF-8.
    """
    if b"\x00" in data:
        return None
    bad = good = None
    start = 0
    for no, line in enumerate(data.split(b"\n"), start=1):
        if not line.isascii():
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                if bad is None:
                    bad = (no, start + exc.start)
                    # A line that starts in UTF-8 (two CJK ideographs or more, which GBK or
                    # Big5 bytes almost never make) and goes on in another encoding.
                    head = line[: exc.start].decode("utf-8")
                    if sum("\u4e00" <= ch <= "\u9fff" for ch in head) >= 2:
                        return no, no, start + exc.start
            else:
                if good is None and sum(not ch.isascii() for ch in text) >= 2:
                    good = no
            if bad is not None and good is not None:
                return bad[0], good, bad[1]
        start += len(line) + 1
    return None


def decode_article(
    data: bytes, path: str | Path = "<bytes>", *, encoding: str | None = None
) -> str:
    """Return the text of an article's bytes: the one place where bytes become text, for
    files and standard input alike.

    ``encoding`` names the encoding (as the source registry records it); ``None`` detects
    it with :func:`detect_encoding` (UTF-8 with or without a byte-order mark, GB18030/GBK,
    Big5, UTF-16 ...). Bytes that are not valid in the encoding raise
    :class:`SourceFormatError` naming the file, the byte, line and column, and what was
    expected.
    """
    encoding = encoding or detect_encoding(data, path)
    if encoding.replace("_", "-").lower() == "utf-8" and data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except LookupError:
        raise SourceFormatError(
            path, f"unknown encoding {encoding!r}", expected="e.g. utf-8, gb18030, big5, utf-16"
        ) from None
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode(encoding, "replace")) + 1
        bad = data[exc.start : exc.start + 4].hex(" ")
        raise SourceFormatError(
            path,
            f"not {encoding} at byte {exc.start}, column {column} (bytes {bad})",
            line=line,
            expected=f"{encoding} text, as the source registry records (or convert it first)",
        ) from None


def csv_bom_problem(data: bytes, path: str | Path) -> tuple[str, str] | None:
    """Return ``(problem, expected)`` when a curated CSV's bytes start with a UTF-8
    byte-order mark (a spreadsheet's "CSV UTF-8" writes one), else ``None``."""
    if not data.startswith(codecs.BOM_UTF8):
        return None
    return (
        "starts with a byte-order mark (BOM, bytes ef bb bf), which would become part of "
        "the first column's name",
        f"UTF-8 without a BOM: save it again as UTF-8 (not 'UTF-8 with BOM'), or remove it "
        f"with: sed -i '1s/^\\xEF\\xBB\\xBF//' {path}",
    )


def read_article(
    source: str | Path | BinaryIO,
    *,
    name: str | None = None,
    max_bytes: int | None = None,
    encoding: str | None = None,
) -> str:
    """Return the text of an article from a path or a binary stream (``-`` on the command
    line is ``sys.stdin.buffer``): :func:`read_bytes`, then :func:`decode_article` (which
    detects the encoding unless ``encoding`` names it).

    >>> import io
    >>> read_article(io.BytesIO("全省煤矿 900 座".encode()), name="<stdin>")
    '全省煤矿 900 座'
    """
    if name is None and isinstance(source, str | Path):
        name = str(source)
    data = read_bytes(source, name=name, max_bytes=max_bytes)
    return decode_article(
        data, name or getattr(source, "name", None) or "<stream>", encoding=encoding
    )


# ---------------------------------------------------------------- text helpers


def normalise_space(text: str) -> str:
    """Return ``text`` with white space folded; invisible characters, tag-like text and URLs
    removed."""
    text = _INVISIBLE_RE.sub("", text)
    text = "".join(
        ch for ch in text if ch in "\t\n\r" or unicodedata.category(ch) not in ("Cc", "Cf")
    )
    text = _TAG_TEXT_RE.sub("", text)
    text = _URL_RE.sub("", text)
    return _WS_RE.sub(" ", text).strip()


def ends_sentence(text: str) -> bool:
    """Return True when ``text`` ends with sentence-final punctuation (closing quotes allowed)."""
    return bool(_END_RE.search(text.rstrip()))


def sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of the sentences of ``text``, split after 。！？!?；;.

    Closing quotes that follow the punctuation stay with the sentence; leading white
    space is not part of a sentence.
    """
    spans = []
    for m in _SENTENCE_RE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        if start < end:
            spans.append((start, end))
    return spans


@lru_cache(maxsize=4)
def _sentence_index(text: str) -> tuple[list[int], list[tuple[int, int]]]:
    spans = sentences(text)
    return [a for a, _ in spans], spans


def sentence_at(text: str, pos: int) -> tuple[int, int]:
    """Return ``(start, end)`` of the sentence of ``text`` (see :func:`sentences`) that holds
    offset ``pos``; ``(0, len(text))`` when none does.

    The sentences of a text are found once and kept for the next lookups in it, so that
    finding the sentence of each of a block's quantities costs a search, not a new pass.

    >>> sentence_at("煤矿减少。电站增加。", 6)
    (5, 10)
    """
    starts, spans = _sentence_index(text)
    i = bisect.bisect_right(starts, pos) - 1
    if i >= 0:
        a, b = spans[i]
        if pos < max(b, a + 1):
            return a, b
    return 0, len(text)


def _join(a: str, b: str) -> str:
    if a and b and _LATIN_EDGE.match(a[-1]) and _LATIN_EDGE.match(b[0]):
        return f"{a} {b}"
    return a + b


# ---------------------------------------------------------------- front matter


_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # as str.splitlines
_LINE_RE = re.compile(f"[^{_LINE_BREAKS}]*(?:\r\n|[{_LINE_BREAKS}])?")


def _iter_lines(text: str) -> Iterator[tuple[int, int, int]]:
    """Yield ``(start, end, next_start)`` of each line of ``text`` (the lines of
    ``str.splitlines``; ``end`` excludes the line break), without making a list of them."""
    pos, n = 0, len(text)
    while pos < n:
        stop = _LINE_RE.match(text, pos).end()
        end = stop
        while end > pos and text[end - 1] in _LINE_BREAKS:
            end -= 1
        yield pos, end, stop
        pos = stop


def split_front_matter(raw: str, path: str | Path = "<string>") -> tuple[dict, str]:
    """Return ``(metadata, body)`` of a document with optional YAML front matter.

    Raises :class:`SourceFormatError` naming the file and line when the front matter is
    opened but never closed, is not valid YAML, or is not a mapping.
    """
    text = raw.lstrip("\ufeff")
    # Lines are found one at a time, never all at once: the body may be tens of megabytes.
    lines = enumerate(_iter_lines(text))
    # Front matter opens on the first non-blank line.
    first, opening = next(((i, ln) for i, ln in lines if text[ln[0] : ln[1]].strip()), (None, None))
    if first is None or text[opening[0] : opening[1]].strip() != "---":
        return {}, text
    close = next((ln for _, ln in lines if text[ln[0] : ln[1]].strip() == "---"), None)
    if close is None:
        raise SourceFormatError(
            path,
            "front matter opened with '---' is never closed",
            line=first + 1,
            expected="a closing line '---' after the metadata",
        )
    block = text[opening[2] : close[0]]
    meta = _load_front_matter(block, path, first + 2) if block.strip() else {}
    return meta, text[close[2] :]


FRONT_MATTER_FIELDS = ("title", "date", "author", "authors", "source")
"""The front matter's fields that are read: each a single value or a short list of them."""
MAX_LIST_ITEMS = 100
"""The most items a list among :data:`FRONT_MATTER_FIELDS` may have (authors, say)."""


class _FrontMatterLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases: ``*name`` repeats an anchored node, and nine
    levels of lists of nine aliases make a few hundred bytes stand for 9**9 items (an
    "alias bomb"). Metadata has no use for them, so an alias is refused where it stands."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _AliasRefused(event.anchor, event.start_mark)
        return super().compose_node(parent, index)


class _AliasRefused(Exception):
    def __init__(self, anchor: str, mark) -> None:
        super().__init__(anchor)
        self.anchor, self.mark = anchor, mark


def _field_problem(node: yaml.Node) -> str | None:
    if isinstance(node, yaml.ScalarNode):
        return None
    if isinstance(node, yaml.SequenceNode):
        if len(node.value) > MAX_LIST_ITEMS:
            return f"is a list of {len(node.value)} items"
        if all(isinstance(item, yaml.ScalarNode) for item in node.value):
            return None
        return "is a list that holds lists or mappings"
    return "is a mapping"


_DATE = "a real date written YYYY, YYYY-MM or YYYY-MM-DD (such as 2021-11-27)"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _check_dates(loader: yaml.SafeLoader, key: yaml.Node, value: yaml.Node, error) -> None:
    """Raise ``error(problem, line)`` when a field's value (or an item of its list) looks
    like a YAML date but is not a real one: PyYAML's own message (``month must be in
    1..12``) names neither the file nor the field."""
    items = value.value if isinstance(value, yaml.SequenceNode) else [value]
    for item in items:
        if isinstance(item, yaml.ScalarNode) and item.tag == _TIMESTAMP:
            try:
                loader.construct_yaml_timestamp(item)
            except ValueError as exc:
                name = key.value if isinstance(key, yaml.ScalarNode) else "?"
                raise error(
                    f"front matter field '{name}' is not a real date: {item.value!r} ({exc})",
                    item.start_mark.line,
                ) from None


def _load_front_matter(block: str, path: str | Path, first_line: int) -> dict:
    """Return the front matter's mapping, read by :class:`_FrontMatterLoader`; each field of
    :data:`FRONT_MATTER_FIELDS` must be a value or a short list of values."""

    def error(problem: str, line: int, expected: str = "'key: value' lines"):
        return SourceFormatError(path, problem, line=line, expected=expected)

    loader = None
    try:
        loader = _FrontMatterLoader(block)  # refuses control characters (a ReaderError)
        node = loader.get_single_node()
        if node is not None and isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value in FRONT_MATTER_FIELDS:
                    problem = _field_problem(value)
                    if problem:
                        raise error(
                            f"front matter field '{key.value}' {problem}",
                            first_line + key.start_mark.line,
                            f"'{key.value}: <text>' or a list of at most {MAX_LIST_ITEMS} texts",
                        )
                _check_dates(loader, key, value, lambda p, ln: error(p, first_line + ln, _DATE))
        try:
            meta = loader.construct_document(node) if node is not None else {}
        except ValueError as exc:  # a date nested deeper than a field's list (see _check_dates)
            raise error(
                f"front matter holds a value that cannot be read: {exc}", first_line - 1, _DATE
            ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark is not None else first_line - 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"front matter is not valid YAML: {problem}", line) from None
    except _AliasRefused as exc:
        raise error(
            f"front matter uses an alias (*{exc.anchor}), which repeats another value; "
            "aliases are not read (a few of them can stand for billions of values)",
            first_line + exc.mark.line,
            "each value written out, without anchors (&name) and aliases (*name)",
        ) from None
    except RecursionError:
        raise error("front matter is nested too deeply", first_line) from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(meta, dict):
        raise error(f"front matter is a {type(meta).__name__}, not a mapping", first_line)
    return meta


# ---------------------------------------------------------------- HTML → raw blocks


def _media_ref(attrib) -> str | None:
    src = attrib.get("src") or attrib.get("data-src")
    if not isinstance(src, str):
        return None
    src = src.strip()
    if src.startswith("//"):
        src = "https:" + src
    # Only ordinary web addresses are recorded; anything else (javascript:, data:) is dropped.
    return src if re.match(r"(?i)^https?://[^\s<>\"']+$", src) else None


class _BlockTarget:
    """An lxml parser target that turns start/end/text events into raw blocks.

    No tree is built and nothing recurses: open elements are a list, so an article nested
    100,000 deep parses like a flat one, and memory holds the blocks, not a tree of nodes.
    Comments, doctypes and processing instructions never reach a target without the
    matching methods, so they are dropped.
    """

    def __init__(self) -> None:
        self.blocks: list[_RawBlock] = []
        self._pieces: list[tuple[str, bool]] = []
        self._heading: int | None = None
        self._bold = False
        self._skip = 0  # > 0 inside a dropped or media element: its content is not text
        # One entry per open element: what its end does, and the boldness to restore.
        self._open: list[tuple[str, bool]] = []

    def _flush(self) -> None:
        text = normalise_space("".join(p for p, _ in self._pieces))
        if text:
            visible = [b for p, b in self._pieces if p.strip()]
            bold_only = bool(visible) and all(visible)
            self.blocks.append(
                _RawBlock(text=text, heading_level=self._heading, bold_only=bold_only)
            )
        self._pieces.clear()

    def start(self, tag, attrib) -> None:
        name = tag.lower() if isinstance(tag, str) else ""
        if self._skip:
            self._skip += 1
            role = "skip"
        elif name in _DROP_TAGS:
            self._skip = 1
            role = "skip"
        elif name in _MEDIA_TAGS:
            self._flush()
            self.blocks.append(_RawBlock(text="", is_media=True, media_ref=_media_ref(attrib)))
            self._skip = 1
            role = "skip"
        elif name in _HEADING_TAGS:
            self._flush()
            self._heading = _HEADING_TAGS[name]
            role = "heading"
        elif name in _BLOCK_TAGS:
            self._flush()
            role = "block"
        else:
            role = "inline"
        self._open.append((role, self._bold))
        if role == "heading":
            self._bold = True
        elif role == "inline":
            self._bold = self._bold or name in _BOLD_TAGS

    def end(self, tag) -> None:
        if not self._open:
            return
        role, self._bold = self._open.pop()
        if role == "skip":
            self._skip -= 1
        elif role == "heading":
            self._flush()
            self._heading = None
        elif role == "block":
            self._flush()

    def data(self, text: str) -> None:
        if not self._skip:
            self._pieces.append((text, self._bold))

    def close(self) -> list[_RawBlock]:
        self._flush()
        return self.blocks


_FEED_CHARS = 1 << 20


def _html_raw_blocks(html: str) -> list[_RawBlock]:
    """Return the raw blocks of an HTML body, read by lxml's HTML parser as a stream of
    events (fed a megabyte at a time), never as a tree."""
    parser = etree.HTMLParser(target=_BlockTarget(), recover=True, huge_tree=True)
    if not html:
        return []
    for i in range(0, len(html), _FEED_CHARS):
        parser.feed(html[i : i + _FEED_CHARS])
    return parser.close()


# ---------------------------------------------------------------- text → raw blocks


_MD_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s")


def _text_raw_blocks(text: str) -> list[_RawBlock]:
    blocks: list[_RawBlock] = []
    gap = 0
    current: list[str] = []

    def flush() -> None:
        nonlocal gap
        if current:
            parts: list[str] = []  # joined once: adding line by line would copy it each time
            for ln in current:
                ln = ln.strip()
                if parts and _LATIN_EDGE.match(parts[-1][-1]) and _LATIN_EDGE.match(ln[0]):
                    parts.append(" ")
                parts.append(ln)
            joined = "".join(parts)
            level = None
            m = re.match(r"^(#{1,6})\s+(.*)$", joined)
            if m:
                level, joined = len(m.group(1)), m.group(2)
            clean = normalise_space(joined)
            if clean:
                blocks.append(_RawBlock(text=clean, heading_level=level, gap_before=gap))
                gap = 0
            current.clear()

    for start, end, _ in _iter_lines(text):
        line = text[start:end]
        if not line.strip():
            flush()
            gap += 1
            continue
        heading = _MD_HEADING_RE.match(line)
        if heading:
            flush()
        current.append(line)
        # A paragraph ends at a blank line, and also at a line that ends a sentence (text
        # with one paragraph per line has no blank lines), or a Markdown heading.
        if heading or ends_sentence(line):
            flush()
    flush()
    return blocks


# ---------------------------------------------------------------- classification


def _same_text(a: str, b: str) -> bool:
    return _WS_RE.sub("", a) == _WS_RE.sub("", b)


def _has_punctuation(text: str) -> bool:
    return any(unicodedata.category(ch).startswith("P") for ch in text)


def _classify(raw: list[_RawBlock], title: str | None, layout: bool) -> list[Block]:
    out: list[Block] = []
    in_editor_note = False
    seen_title = False
    for rb in raw:
        text = rb.text
        if rb.is_media:
            out.append(Block("media", "", rb.media_ref))
            continue
        if text in {"◆", "▲"}:
            continue
        if text.startswith("◆"):
            out.append(Block("key_point", text[1:].strip()))
            continue
        if text.startswith("▲"):
            out.append(Block("caption", text[1:].strip()))
            continue
        if not seen_title and (
            (title and _same_text(text, title)) or (title is None and rb.heading_level == 1)
        ):
            seen_title = True
            in_editor_note = False
            out.append(Block("title", text))
            continue
        if len(text) <= 80 and "。" not in text and _CREDIT_RE.search(text):
            in_editor_note = False
            out.append(Block("credit", text))
            continue
        if text.startswith("编者按"):
            in_editor_note = True
            out.append(Block("editor_note", text))
            continue
        short_unended = len(text) <= _HEADING_MAX and not ends_sentence(text)
        if rb.heading_level is not None or (rb.bold_only and short_unended):
            in_editor_note = False
            out.append(Block("heading", text))
            continue
        if (
            layout
            and rb.gap_before >= 2
            and len(text) <= _CAPTION_MAX
            and not _has_punctuation(text)
        ):
            # A short line with no punctuation, set apart by the space an image left.
            out.append(Block("caption", text))
            continue
        out.append(Block("editor_note" if in_editor_note else "paragraph", text))
    return out


def join_broken(blocks: Iterable[Block]) -> list[Block]:
    """Return ``blocks`` with paragraphs cut by a page or column break joined back.

    A ``paragraph`` (or ``editor_note``) that does not end a sentence is joined with the
    next block when that block has the same kind. Other kinds are never joined.
    """
    groups: list[list[Block]] = []
    for block in blocks:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and block.kind in ("paragraph", "editor_note")
            and last.kind == block.kind
            and not ends_sentence(last.text)
        ):
            groups[-1].append(block)
        else:
            groups.append([block])
    out: list[Block] = []
    for group in groups:
        if len(group) == 1:
            out.append(group[0])
            continue
        # Joined once per paragraph: joining piece by piece would copy it for every piece.
        parts = [group[0].text]
        for b in group[1:]:
            if _LATIN_EDGE.match(parts[-1][-1:]) and _LATIN_EDGE.match(b.text[:1]):
                parts.append(" ")  # as _join: two Latin letters or digits keep a space
            parts.append(b.text)
        out.append(replace(group[0], text="".join(parts)))
    return out


def main_text_html(page: str) -> str:
    """Return the article's main content of a whole web page as simple HTML (paragraphs,
    headings), found by trafilatura's boilerplate remover; navigation, menus, ads,
    comments and scripts are left out. An empty string when it finds no article."""
    import trafilatura

    found = trafilatura.extract(
        page,
        output_format="html",
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        include_formatting=False,
        favor_precision=True,
    )
    return found or ""


def looks_like_html(body: str) -> bool:
    """Return whether an article's body has HTML markup (paragraphs, line breaks, headings,
    links, images…), as a Hexo post's body may or may not.

    >>> looks_like_html("<p>正文</p>"), looks_like_html("# 标题 正文")
    (True, False)
    """
    return bool(re.search(r"(?i)<(?:p|div|br|span|html|body|h[1-6]|strong|img|iframe|a)\b", body))


def parse_document(
    raw: str, *, path: str | Path = "<string>", fmt: str | None = None
) -> list[Block]:
    """Return the clean blocks of one article given as text.

    ``fmt`` is one of :data:`FORMATS`; ``None`` detects HTML or text from the content.
    Raises :class:`SourceFormatError` naming ``path`` when
    the document does not have the expected form.
    """
    if fmt is not None and fmt not in FORMATS:
        raise SourceFormatError(path, f"unknown format {fmt!r}", expected=" or ".join(FORMATS))
    if "\x00" in raw:
        raise SourceFormatError(path, "the file contains NUL bytes", expected="a text file")
    meta, body = split_front_matter(raw, path)
    if fmt == "hexo-html":
        if not meta:
            raise SourceFormatError(
                path, "no front matter", line=1, expected="a '---' block with a title"
            )
        if not isinstance(meta.get("title"), str) or not meta["title"].strip():
            raise SourceFormatError(
                path, "front matter has no 'title'", line=2, expected="title: <text>"
            )
    title = meta.get("title") if isinstance(meta.get("title"), str) else None
    if fmt == "html-page":
        # No article found (a page of nothing but markup): read the whole page as events.
        body = main_text_html(body) or body
    html = fmt in ("hexo-html", "html", "html-page") or (fmt is None and looks_like_html(body))
    raw_blocks = _html_raw_blocks(body) if html else _text_raw_blocks(body)
    blocks = _classify(raw_blocks, title, layout=not html)
    if title and not any(b.kind == "title" for b in blocks):
        blocks.insert(0, Block("title", normalise_space(title)))
    # Only text from a page layout has blocks cut by page or column breaks; an HTML
    # paragraph boundary is the author's own.
    return split_long(blocks if html else join_broken(blocks))


MAX_BLOCK_CHARS = 2000
"""The longest block of text: a longer one is cut between sentences (a news paragraph is
rarely a tenth of this). The searches for each quantity's sentence, clause, subject and
period look around it in its block, so a block the size of the whole article (one line
of text with no line breaks, or no sentence ends to stop the joining of broken lines)
would make them rescan the article once per quantity."""
_CLAUSE_CUT_RE = re.compile(r"[，,、：:）)」』”]|\s")


def _cut_points(text: str, limit: int) -> Iterator[int]:
    """Yield the offsets where ``text`` is cut into pieces of at most ``limit`` characters:
    after the last sentence that fits, else after the last clause mark or space that fits,
    else at the limit."""
    starts = [a for a, _ in sentences(text)][1:]
    starts.append(len(text))
    pos, i = 0, 0
    while len(text) - pos > limit:
        end = pos + limit
        while i < len(starts) and starts[i] <= end:
            i += 1
        best = starts[i - 1] if i and starts[i - 1] > pos else None
        if best is None:
            marks = [m.end() for m in _CLAUSE_CUT_RE.finditer(text, pos + limit // 2, end)]
            best = marks[-1] if marks else end
        yield best
        pos = best


MAX_CLAUSE_CHARS = 200
"""The longest stretch of a block with no clause mark (，；。：!? …): a longer one is no
prose (a table's cells run together, text with its punctuation stripped), and it is cut
into blocks at a space, else at the limit. A quantity's clause is searched whole, once per
quantity in it."""
_RUN_RE = re.compile("[^，,；;。！？!?：:]+")


def _run_cut_points(text: str, limit: int) -> Iterator[int]:
    """Yield the offsets that cut each stretch of ``text`` with no clause mark into pieces
    of at most ``limit`` characters: after the last space that fits, else at the limit."""
    for run in _RUN_RE.finditer(text):
        pos, stop = run.start(), run.end()
        while stop - pos > limit:
            end = pos + limit
            spaces = [m.end() for m in re.finditer(r"\s+", text[pos + limit // 2 : end])]
            cut = pos + limit // 2 + spaces[-1] if spaces else end
            yield cut
            pos = cut


def split_long(
    blocks: Iterable[Block], limit: int = MAX_BLOCK_CHARS, run_limit: int = MAX_CLAUSE_CHARS
) -> list[Block]:
    """Return ``blocks`` with every block longer than ``limit`` characters, or with a
    stretch of more than ``run_limit`` characters and no clause mark, cut into blocks of
    the same kind (see :data:`MAX_BLOCK_CHARS`, :data:`MAX_CLAUSE_CHARS`). Other blocks are
    kept as they are."""
    out: list[Block] = []
    for block in blocks:
        text = block.text
        if len(text) <= min(limit, run_limit):
            out.append(block)
            continue
        pos = 0
        for cut in [*_run_cut_points(text, run_limit), len(text)]:
            part = text[pos:cut]
            start = 0
            for end in [*_cut_points(part, limit), len(part)]:
                piece = part[start:end].strip()
                if piece:
                    out.append(replace(block, text=piece))
                start = end
            pos = cut
    return out


def require_text(blocks: Iterable[Block], path: str | Path = "<string>") -> None:
    """Raise :class:`SourceFormatError` naming ``path`` when ``blocks`` hold no text (an
    empty file, white space only, markup or front matter and nothing else): such a file
    is no article to register. A title alone is no text either."""
    if not any(b.kind not in ("media", "title") and b.text.strip() for b in blocks):
        raise SourceFormatError(
            path,
            "has no text (empty, white space only, or a title, markup or metadata alone)",
            expected="an article with at least one paragraph of text",
        )


# ---------------------------------------------------------------- registry and loading


def _read_registry_file(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise SourceFormatError(path, "source registry not found", expected="data/sources.csv")
    data = path.read_bytes()
    bom = csv_bom_problem(data, path)
    if bom:
        raise SourceFormatError(path, bom[0], line=1, expected=bom[1])
    reg = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in REGISTRY_COLUMNS if c not in reg.columns]
    if missing:
        raise SourceFormatError(
            path,
            f"missing column(s) {', '.join(missing)}",
            line=1,
            expected="columns " + ", ".join(REGISTRY_COLUMNS),
        )
    for i, row in reg.iterrows():
        line = int(i) + 2
        for col in ("source_id", "file", "format", "sha256", "published"):
            if not row[col].strip():
                raise SourceFormatError(path, f"field '{col}' is empty", line=line)
        if row["format"] not in FORMATS:
            raise SourceFormatError(
                path,
                f"field 'format' is {row['format']!r}",
                line=line,
                expected=" or ".join(FORMATS),
            )
        if not re.fullmatch(r"[0-9a-f]{64}", row["sha256"]):
            raise SourceFormatError(
                path,
                f"field 'sha256' is {row['sha256']!r}",
                line=line,
                expected="64 lowercase hex digits",
            )
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", row["published"]):
            raise SourceFormatError(
                path,
                f"field 'published' is {row['published']!r}",
                line=line,
                expected="an ISO date YYYY, YYYY-MM or YYYY-MM-DD",
            )
    dup = reg["source_id"][reg["source_id"].duplicated()]
    if not dup.empty:
        line = int(dup.index[0]) + 2
        raise SourceFormatError(
            path, f"duplicate source_id {dup.iloc[0]!r}", line=line, expected="unique ids"
        )
    return reg


def stat_key(path: str | os.PathLike) -> tuple:
    """Return ``(path, size, mtime_ns)`` of a file (``None`` for a missing one): a key that
    changes when the file does, for caches of what is read from it. A path given as text
    costs no ``Path`` (the data's version stats every file at each cache lookup)."""
    name = os.fspath(path)
    try:
        st = os.stat(name)
        return (name, st.st_size, st.st_mtime_ns)
    except OSError:
        return (name, None, None)


@lru_cache(maxsize=4)
def _registry_cached(key: tuple) -> pd.DataFrame:
    return _read_registry_file(Path(key[0]))


def registry() -> pd.DataFrame:
    """Return the source registry (one row per article) as a DataFrame of strings.

    Read again only when the file changes (size or modification time)."""
    return _registry_cached(stat_key(paths.sources_csv())).copy()


def _entry(source_id: str) -> pd.Series:
    reg = registry()
    match = reg[reg["source_id"] == source_id]
    if match.empty:
        raise KeyError(f"unknown source_id {source_id!r}; known: {', '.join(reg['source_id'])}")
    return match.iloc[0]


def source_path(source_id: str) -> Path:
    """Return the path of a source's raw file."""
    return paths.data_dir() / _entry(source_id)["file"]


def file_sha256(path: Path) -> str:
    """Return the SHA-256 hex digest of a file's bytes (read in chunks)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


@lru_cache(maxsize=16)
def _sha256_cached(key: tuple) -> str:
    return file_sha256(Path(key[0]))


def verify(source_id: str) -> Path:
    """Return the raw file's path after checking it exists and matches its registered hash.

    The hash is computed again whenever the file's size or modification time changes."""
    entry = _entry(source_id)
    path = paths.data_dir() / entry["file"]
    if not path.is_file():
        raise SourceIntegrityError(path, f"raw file of source {source_id!r} is missing")
    digest = _sha256_cached(stat_key(path))
    if digest != entry["sha256"]:
        raise SourceIntegrityError(
            path,
            f"sha256 is {digest}, but the registry records {entry['sha256']}; raw files are "
            "never edited",
            expected="a byte-identical copy of the seed article",
        )
    return path


@lru_cache(maxsize=16)
def _blocks_cached(path_str: str, digest: str, fmt: str, encoding: str) -> tuple[Block, ...]:
    path = Path(path_str)
    text = read_article(path, encoding=encoding or None)
    return tuple(parse_document(text, path=path, fmt=fmt))


def blocks(source_id: str) -> list[Block]:
    """Return the clean blocks of one registered source, in reading order (decoded in the
    encoding the registry records)."""
    path = verify(source_id)
    entry = _entry(source_id)
    return list(
        _blocks_cached(str(path), entry["sha256"], entry["format"], entry.get("encoding", ""))
    )


def _iter_rows(source_ids: Iterable[str]) -> Iterator[dict]:
    for sid in source_ids:
        offset = 0
        for no, block in enumerate(blocks(sid), start=1):
            start = end = None
            if block.kind != "media":
                start, end = offset, offset + len(block.text)
                offset = end + 1
            yield {
                "source_id": sid,
                "block_no": no,
                "kind": block.kind,
                "text": block.text,
                "ref": block.ref,
                "start": start,
                "end": end,
            }


def load_blocks(source_id: str | None = None) -> pd.DataFrame:
    """Return one row per text block in reading order, for one source or all of them.

    Columns: ``source_id``, ``block_no`` (1-based), ``kind`` (categorical, see
    :data:`BLOCK_KINDS`), ``text``, ``ref`` (address of a ``media`` block, never loaded),
    ``start`` and ``end`` (offsets of the block in :func:`load_text`; empty for media).

    >>> load_blocks("demozone-2020").query("kind == 'title'").text.item()
    '山西转型综改探路前行'
    """
    ids = list(registry()["source_id"]) if source_id is None else [source_id]
    df = pd.DataFrame(
        list(_iter_rows(ids)),
        columns=["source_id", "block_no", "kind", "text", "ref", "start", "end"],
    )
    df["kind"] = pd.Categorical(df["kind"], categories=BLOCK_KINDS)
    for col in ("start", "end"):
        df[col] = df[col].astype("Int64")
    df["block_no"] = df["block_no"].astype("int64")
    return df


def load_text(source_id: str) -> str:
    """Return the clean full text of a source used for quoting: its text blocks, one per line.

    A block's ``start``/``end`` in :func:`load_blocks` index this string.
    """
    return "\n".join(b.text for b in blocks(source_id) if b.kind != "media")


_PHOTO_RE = re.compile(
    r"^(?P<subject>.*?)\s*[（(]\s*(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"\s*摄\s*[）)]\s*(?P<by>[^\s()（）]{1,8}?)\s*摄\s*$"
)
_PLACE_AT_RE = re.compile(r"^位于(?P<place>.+?)的")
_PLACE_PREFIX_RE = re.compile(
    r"^(?P<place>(?:[^\s省市县区]{2,3}省)?(?:[^\s省市县区]{1,4}市)?(?:[^\s省市县区]{1,4}[县区])?"
    r"(?:[^\s省市县区镇乡]{1,4}[镇乡])?)"
)


def parse_caption(text: str) -> dict:
    """Return ``subject``, ``place``, ``date_taken`` (ISO) and ``photographer`` of a caption.

    Parts that the caption does not state are ``None``.

    >>> parse_caption("山西省永和县黄河乾坤湾（2017 年 9 月 6 日摄 ) 曹阳摄")["date_taken"]
    '2017-09-06'
    """
    m = _PHOTO_RE.match(text)
    subject = m.group("subject").strip() if m else text.strip()
    date = f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}" if m else None
    photographer = m.group("by") if m else None
    at = _PLACE_AT_RE.match(subject)
    if at:
        place = at.group("place").strip()
    else:
        prefix = _PLACE_PREFIX_RE.match(subject).group("place")
        place = prefix if prefix and prefix[-1] in "省市县区镇乡" else None
    return {"subject": subject, "place": place, "date_taken": date, "photographer": photographer}


def load_photos() -> pd.DataFrame:
    """Return one row per photo caption of all sources.

    Columns: ``source_id``, ``block_no``, ``caption`` (the full caption text),
    ``subject``, ``place``, ``date_taken`` (ISO date or empty), ``photographer``.
    """
    df = load_blocks()
    rows = [
        {
            "source_id": r.source_id,
            "block_no": r.block_no,
            "caption": r.text,
            **parse_caption(r.text),
        }
        for r in df[df["kind"] == "caption"].itertuples()
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "source_id",
            "block_no",
            "caption",
            "subject",
            "place",
            "date_taken",
            "photographer",
        ],
    )


def summary() -> pd.DataFrame:
    """Return the registry's main columns with each source's block counts by kind."""
    reg = registry()
    counts = (
        load_blocks().groupby(["source_id", "kind"], observed=False).size().unstack(fill_value=0)
    )
    counts["blocks"] = counts.sum(axis=1)
    out = reg[["source_id", "published", "publisher_en", "title_zh"]].merge(
        counts.reset_index(), on="source_id", how="left"
    )
    return out
