"""A new article → a source registry row and candidate facts, by the fact conventions.

:func:`propose` is the per-article function: pure (bytes and a :class:`Lexicon` in, plain
dicts out, no I/O) and picklable, so the same code runs in one process, in a process pool
(:func:`add_many`), or on a Dask bag or Spark partitions. :func:`add` is the command: it
reads the file, refuses a file already registered (by hash), copies it unchanged into
``data/raw/``, appends its registry row and writes the review file (:mod:`.review`).

The rules sit with their field, one module each: :mod:`.period`, :mod:`.kind`,
:mod:`.measure` (and direction), :mod:`.entity`, :mod:`.subject`, :mod:`.indicator` and
:mod:`.exclusions`; :mod:`.common` holds what they share, :mod:`.lexicon` what an article
is matched against and :mod:`.candidates` puts one block's fields together. Every name of
those modules is also reachable from here (``ingest.find_periods``, ``ingest._matcher``).

Every proposed field says which rule set it (``rules``) and how sure the rule is
(``confidence``, the lowest over the fields), so a reviewer checks the weakest first. The
rules are those of ``docs/conventions.md``:

* **period**: a time expression resolved against the publication date, never the reference
  of a comparison (``比去年同期``); the nearest before the figure in its clause, else its
  sentence, else one that heads an earlier sentence of the paragraph, else the article's
  own period (``上半年`` in its title or lead); spans of years for changes over them.
* **kind**: the words and tense of the clause, then the sentence (``力争``, ``预计``,
  ``计划``, ``控制在``, a project sum of signed or started projects, a future year).
* **measure** and **direction**: from the base unit and the words next to the figure.
* **entity**: what the number is about, not who reports it: the nearest name in the
  clause, the sentence, the paragraph, else the article's own place (``全县``/``全市`` are
  the county or city of the title, dateline or publisher); new names with type and parent.
* **subject**: the noun phrase before the figure, cut at jieba's word boundaries.
* **indicator**: an existing one only when its unit, measure, entity type, period grain and
  subject agree; else one proposed id per subject, measure and unit.
* **exclusions**: a structural count (``以下四个方面``), a figure inside a name or a title,
  a figure of speech, or a figure the article already gave are proposed as exclusions.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import sources
from .candidates import block_candidates
from .common import to_simplified
from .entity import (
    _DATELINE_RE,
    _article_entities,
    _matcher,
    _names_in,
    has_speech,
    home_entities,
    quoted_speaker,
    speakers_of,
)
from .entity import NEW_ENTITY_PREFIX as NEW_ENTITY_PREFIX
from .entity import new_entity_type as new_entity_type
from .exclusions import _mark_repeats
from .indicator import indicator_definition as indicator_definition
from .indicator import indicator_measure as indicator_measure
from .indicator import proposed_indicator_id as proposed_indicator_id
from .indicator import proposed_indicator_name as proposed_indicator_name
from .lexicon import Lexicon
from .lexicon import entity_names as entity_names
from .period import PeriodMention as PeriodMention
from .period import Published, lead_period
from .period import find_periods as find_periods
from .period import is_reference as is_reference
from .period import period_grain as period_grain
from .subject import noun_phrase as noun_phrase
from .subject import pos_words as pos_words


def __getattr__(name: str) -> Any:
    """Every name of the field modules stays reachable as ``ingest.<name>`` (the module was
    one file before): the private ones are looked up here, in the field modules' order."""
    import importlib

    for mod in _FIELD_MODULES:
        module = importlib.import_module(f"{__name__}.{mod}")
        if name in vars(module):
            return vars(module)[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_FIELD_MODULES = (
    "common", "period", "lexicon", "kind", "measure", "entity", "subject", "indicator",
    "exclusions", "candidates",
)  # fmt: skip

CANDIDATE_FIELDS: tuple[str, ...] = (
    "candidate_id",
    "span",
    "value",
    "unit",
    "base_value",
    "base_unit",
    "qualifier",
    "period",
    "kind",
    "measure",
    "direction",
    "entity_id",
    "entity_name",
    "subject",
    "indicator_id",
    "indicator_name",
    "indicator_status",
    "quote",
    "sentence",
    "block_no",
    "start",
    "end",
    "exclude",
    "reason_code",
    "reason",
    "confidence",
    "rules",
)
"""The fields of one candidate, in the order of the JSON output and the review file."""


class IngestError(ValueError):
    """An article cannot be added; the message names the file and what was expected."""


@dataclass(frozen=True)
class Overrides:
    """What the user says about an article on the command line (empty: not said)."""

    title: str = ""
    publisher: str = ""
    published: str = ""
    url: str = ""
    source_id: str = ""
    max_bytes: int | None = None  # the size limit of one file (None: sources' default)


_DATE_RE = re.compile(r"(\d{4})[-/年.](\d{1,2})(?:[-/月.](\d{1,2}))?")


def normalise_date(value: Any) -> tuple[str, str]:
    """Return ``(iso, precision)`` of a date written as ``YYYY``, ``YYYY-MM``,
    ``YYYY-MM-DD``, an e-mail/HTTP date, ``2021年11月27日`` or a ``datetime``; ``("", "")``
    when it is not a date.

    >>> normalise_date("Sat, 27 Nov 2021 00:40:00 GMT")
    ('2021-11-27', 'day')
    """
    import datetime as dt

    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d"), "day"
    text = str(value or "").strip()
    if re.fullmatch(r"\d{4}", text):
        return text, "year"
    m = re.fullmatch(r"(\d{4})-(\d{2})", text) or _DATE_RE.search(text)
    if m:
        y, mo, d = (*m.groups(), None)[:3]
        iso = f"{int(y):04d}-{int(mo):02d}" + (f"-{int(d):02d}" if d else "")
        return (iso, "day" if d else "month") if is_date(iso) else ("", "")
    try:
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(text).strftime("%Y-%m-%d"), "day"
    except (TypeError, ValueError, IndexError):
        return "", ""


def is_date(text: str) -> bool:
    """Whether ``text`` is a real date written ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``
    (``2021-13-45`` is not).

    >>> is_date("2024-02-29"), is_date("2023-02-29"), is_date("2021-13")
    (True, False, False)
    """
    import datetime as dt

    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", str(text))
    if not m:
        return False
    y, mo, d = (int(x) if x else 1 for x in m.groups())
    try:
        dt.date(y, mo, d)
    except ValueError:
        return False
    return True


def check_overrides(overrides: Overrides) -> None:
    """Raise :class:`IngestError` naming the option when ``--source-id`` or ``--published``
    is not allowed (an id outside the registry's pattern, an impossible date)."""
    from .. import review

    if overrides.source_id:
        try:
            review.check_source_id(overrides.source_id, "--source-id")
        except review.ReviewError as exc:
            raise IngestError(str(exc)) from None
    if overrides.published and not is_date(overrides.published):
        raise IngestError(
            f"--published {overrides.published!r} is not a date (expected a real date "
            "written YYYY, YYYY-MM or YYYY-MM-DD, such as 2021-11-27)"
        )


def detect_format(text: str, name: str = "", front_matter: tuple | None = None) -> str:
    """Return the format of an article's text (one of :data:`sources.FORMATS`);
    ``front_matter`` is ``sources.split_front_matter(text, name)`` when already known."""
    meta, body = front_matter or sources.split_front_matter(text, name)
    head = body.lstrip()[:2000].lower()
    if meta:
        return "hexo-html" if sources.looks_like_html(body) else "markdown"
    if head.startswith("<!doctype html") or "<html" in head or "<body" in head:
        return "html-page"
    if sources.looks_like_html(body):
        return "html"
    if name.lower().endswith((".md", ".markdown")):
        return "markdown"
    lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
    long = [ln for ln in lines if len(ln) > 15]
    broken = sum(1 for ln in long if not sources.ends_sentence(ln))
    return "layout-text" if long and broken / len(long) >= 0.2 else "text"


def slug(text: str) -> str:
    """Return an ASCII id made of the words of ``text`` (lowercase, ``-``-separated)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def propose(
    data: bytes,
    name: str,
    lexicon: Lexicon,
    overrides: Overrides = Overrides(),
) -> dict:
    """Return ``{"source": {...}, "candidates": [...]}`` for one article's bytes.

    Pure: nothing is read or written; ``name`` is only used in messages, the proposed
    source id and the file name. Raises :class:`sources.SourceFormatError` (a
    ``ValueError``) naming the file when it cannot be decoded or parsed.
    """
    encoding = sources.detect_encoding(data, name)
    text = sources.decode_article(data, name, encoding=encoding)
    meta, body = sources.split_front_matter(text, name)
    fmt = detect_format(text, name, (meta, body))
    page_meta: dict[str, str] = {}
    if fmt == "html-page":
        import trafilatura

        doc = trafilatura.extract_metadata(text)
        if doc is not None:
            page_meta = {
                k: v
                for k, v in (
                    ("title", doc.title),
                    ("date", doc.date),
                    ("author", doc.author),
                    ("sitename", doc.sitename),
                    ("url", doc.url),
                )
                if v
            }
    blocks = sources.parse_document(text, path=name, fmt=fmt)
    sources.require_text(blocks, name)
    title = (
        overrides.title
        or (meta.get("title") if isinstance(meta.get("title"), str) else "")
        or page_meta.get("title", "")
        or next((b.text for b in blocks if b.kind == "title"), "")
        or Path(name).stem
    ).strip()
    published, precision, basis = "", "", ""
    for value, where in (
        (overrides.published, "given with --published"),
        (meta.get("date"), f"front matter 'date: {meta.get('date')}'"),
        (page_meta.get("date"), f"the page's metadata (date {page_meta.get('date')})"),
    ):
        published, precision = normalise_date(value)
        if published:
            basis = where
            break
    authors = meta.get("author") or meta.get("authors") or page_meta.get("author") or ""
    if isinstance(authors, list):
        authors = "; ".join(str(a) for a in authors)
    publisher = overrides.publisher or str(meta.get("source") or page_meta.get("sitename") or "")
    digest = hashlib.sha256(data).hexdigest()
    sid = overrides.source_id or slug(Path(name).stem) or f"src-{digest[:8]}"
    pub = Published.parse(published)
    matcher = _matcher(lexicon.entities)
    full_text = "\n".join(b.text for b in blocks if b.kind != "media")
    main, province = _article_entities(matcher, title, full_text)
    first_para = next((b.text for b in blocks if b.kind == "paragraph"), "")
    dateline = _DATELINE_RE.search(to_simplified(first_para[:60]))
    said = (title, dateline.group(1) if dateline else "", publisher)
    own = home_entities(matcher, said)
    home = own if len(own) == 3 else home_entities(matcher, (*said, full_text))
    if own and (main is None or matcher.type_of.get(main) in ("province", "country")):
        # an article about a county or a city: its figures are the county's, never the
        # province's (the most local of the places its title, dateline or publisher name)
        order = {"县": 0, "区": 1, "市": 2}
        main = min(own, key=lambda h: order[h[0]])[1]
    first_text = next((b.text for b in blocks if b.kind == "paragraph"), "")
    article_period = lead_period(title, first_text, pub)
    cands: list[dict] = []
    kinds: dict[int, str] = {}
    speakers: dict[str, str] = {}
    for no, block in enumerate(blocks, start=1):
        kinds[no] = block.kind
        if block.kind in ("media", "credit"):
            continue
        simple = to_simplified(block.text)
        speaker = quoted_speaker(simple) if speakers else ""
        cands += block_candidates(
            block.text,
            no,
            published=pub,
            lexicon=lexicon,
            source_id=sid,
            article_entity=main,
            province=province,
            speaker_entity=speakers.get(speaker) if speaker else None,
            article_period=article_period,
            home=home,
        )
        if has_speech(simple):
            speakers.update(
                speakers_of(simple, _names_in(block.text, simple, matcher, province, home))
            )
    _mark_repeats(cands, kinds)
    existing = dict(lexicon.known_hashes).get(digest)
    source = {
        "source_id": sid,
        "title_zh": title,
        "title_en": title,
        "publisher_zh": publisher,
        "publisher_en": publisher,
        "authors": str(authors) or "not credited",
        "published": published,
        "published_precision": precision,
        "published_basis": basis,
        "language": "zh",
        "file": f"raw/{Path(name).name}",
        "format": fmt,
        "sha256": digest,
        "rights": "Added with shanxi-analysis add; rights not yet recorded (check them "
        "before quoting beyond short passages).",
        "encoding": encoding,
        "url": overrides.url or page_meta.get("url", ""),
        "blocks": len(blocks),
        "duplicate_of": existing or "",
    }
    return {"source": source, "candidates": cands}


def propose_file(path: str | Path, lexicon: Lexicon, overrides: Overrides = Overrides()) -> dict:
    """Return :func:`propose` of a regular file on disk (read with the bounded reader;
    a symbolic link is refused, never followed)."""
    data = sources.read_bytes(path, max_bytes=overrides.max_bytes, follow_symlinks=False)
    return propose(data, str(path), lexicon, overrides)


def _propose_one(args: tuple[str, Lexicon, Overrides]) -> dict:
    """A picklable wrapper for process pools: one article, its result or its error."""
    path, lexicon, overrides = args
    try:
        return {"path": path, **propose_file(path, lexicon, overrides)}
    except (ValueError, OSError) as exc:
        return {"path": path, "error": str(exc)}
    except (RecursionError, MemoryError) as exc:
        # a hostile file that no reader foresaw: its own error, not the end of the run
        return {"path": path, "error": f"{path}: {type(exc).__name__} while reading it ({exc})"}


_WORKER: dict[str, object] = {}


def _init_worker(lexicon: Lexicon, overrides: Overrides) -> None:
    # The lexicon is sent to each worker once, not with every file.
    _WORKER["lexicon"], _WORKER["overrides"] = lexicon, overrides
    import signal

    # Ctrl-C is the main process's to handle: a worker never prints a traceback for it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _propose_in_worker(path: str) -> dict:
    return _propose_one((path, _WORKER["lexicon"], _WORKER["overrides"]))


def iter_files(paths: Iterable[str | Path]) -> list[str]:
    """Return the article files named: files as given, folders walked (hidden files and
    folders skipped), sorted. Symbolic links and other entries that are not regular files
    are listed, not followed, so that reading them refuses them by name."""
    out: list[str] = []
    for p in map(Path, paths):
        if p.is_dir() and not p.is_symlink():
            out += sorted(
                str(f)
                for f in p.rglob("*")
                if (f.is_symlink() or not f.is_dir())
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        else:
            out.append(str(p))
    return out


def propose_many(
    paths: Sequence[str],
    lexicon: Lexicon,
    overrides: Overrides = Overrides(),
    *,
    jobs: int | None = None,
    progress: bool = True,
) -> list[dict]:
    """Return one :func:`propose_file` result per path (an ``error`` key for a file that
    failed), in the order given, computed on ``jobs`` processes (default: all cores) with
    a progress bar on standard error. One bad file never stops the others."""
    import os
    import signal

    from tqdm import tqdm

    jobs = jobs or os.cpu_count() or 1
    work = [(p, lexicon, overrides) for p in paths]
    bar = tqdm(total=len(work), unit="file", disable=not progress or len(work) < 2, leave=False)
    results: list[dict] = []
    try:
        if jobs <= 1 or len(work) < 2:
            for w in work:
                results.append(_propose_one(w))
                bar.update()
            return results
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(
            max_workers=min(jobs, len(work)),
            initializer=_init_worker,
            initargs=(lexicon, overrides),
        )
        try:
            chunks = max(1, len(work) // (jobs * 8))
            # Workers start with Ctrl-C held back (a forked process inherits the mask) until
            # they ignore it (_init_worker); this process receives it once they have started.
            held = hasattr(signal, "pthread_sigmask")
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if held else None
            try:
                found = pool.map(_propose_in_worker, list(paths), chunksize=chunks)
            finally:
                if held:
                    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            for r in found:
                results.append(r)
                bar.update()
        except BaseException:
            # Ctrl-C (or a broken pool): nothing has been written yet, and the workers
            # only read, so they are stopped now rather than after their current file.
            for proc in list((getattr(pool, "_processes", None) or {}).values()):
                proc.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return results
    finally:
        bar.close()


@dataclass
class AddSummary:
    """What ``add`` did: files read, candidates proposed, duplicates skipped, errors."""

    results: list[dict] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def candidates(self) -> int:
        return sum(len(r.get("candidates", [])) for r in self.results)


def add(
    paths: Sequence[str | Path],
    overrides: Overrides = Overrides(),
    *,
    dry_run: bool = False,
    jobs: int | None = None,
    progress: bool = True,
) -> AddSummary:
    """Add articles: propose their candidates and, unless ``dry_run``, copy each file
    unchanged into ``data/raw/``, append its row to the source registry and write its
    review file. A file already registered (same sha256) is refused, naming the source.
    """
    from contextlib import nullcontext

    from .. import paths as _paths
    from .. import review, txn

    check_overrides(overrides)
    data_path = _paths.data_dir()
    files = iter_files(paths)
    if overrides.source_id and len(files) > 1:
        raise IngestError("--source-id names one source: give one file with it")
    lexicon = Lexicon.from_data()
    summary = AddSummary()
    summary.results = propose_many(files, lexicon, overrides, jobs=jobs, progress=progress)
    seen: dict[str, str] = {}
    # One lock for the whole run: a second writer waits (or is refused) before the first
    # file, never between two, and the registry is read afresh under it for each file.
    with nullcontext() if dry_run else txn.writing(data_path, f"add of {len(files)} file(s)"):
        for r in summary.results:
            if "error" in r:
                summary.errors.append(r["error"])
                continue
            src = r["source"]
            dup = src["duplicate_of"] or seen.get(src["sha256"])
            if dup:
                summary.duplicates.append(
                    f"{r['path']}: the same file (sha256 {src['sha256'][:12]}…) is already "
                    f"source {dup!r}; not added again"
                )
                continue
            seen[src["sha256"]] = src["source_id"]
            if dry_run:
                summary.added.append(src["source_id"])
                continue
            try:
                review.register(r["path"], src, r["candidates"])
            except (ValueError, OSError) as exc:
                summary.errors.append(f"{r['path']}: {exc}")
                continue
            summary.added.append(src["source_id"])
    return summary
