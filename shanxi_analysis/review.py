"""Review of an added article: one CSV of candidates per source, decisions applied to the
curated tables together, after the full validation, or not at all.

The review file is ``data/review/<source_id>.csv`` (UTF-8, one candidate a row; open it in
a spreadsheet). Fill ``decision`` with ``accept`` (the fields as proposed), ``edit`` (the
fields as you corrected them) or ``exclude`` (give ``reason_code``, one of the codes that
``datapackage.json`` allows, and ``reason``). An accepted or edited row needs ``quote_en``.
A new indicator (``new_…``) needs its names (``indicator_name``, ``indicator_name_en``) and
its definitions (``indicator_definition_zh``, ``indicator_definition_en``) in the
reviewer's words: nothing is made up from the unit or the verb. An entity not yet in
``entities.csv`` needs ``entity_id``, ``entity_name`` (as written in the text),
``entity_name_en``, ``entity_type`` and ``entity_parent_id``.

:func:`apply` writes facts, indicators, entities and excluded mentions into a copy of the
data folder, runs :func:`datasets.validate` and the coverage and agreement checks for the
source there, and only then replaces the real files, all in one atomic step under the data
folder's write lock (:mod:`.txn`); :func:`register` (``add``) does the same for the raw
file, the review file and the registry row. A failure names the review file, its row as a
spreadsheet numbers it (the header is row 1) and its column, and leaves every file as it
was.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from . import paths, txn

REVIEW_EXTRA = (
    "decision",
    "fact_id",
    "quote_en",
    "theme",
    "indicator_name_en",
    "indicator_definition_zh",
    "indicator_definition_en",
    "entity_name_en",
    "entity_type",
    "entity_parent_id",
    "note",
)
"""The reviewer's columns, before the proposed fields (:data:`ingest.CANDIDATE_FIELDS`)."""

DECISIONS = ("accept", "edit", "exclude")

NEEDED = (
    *REVIEW_EXTRA,
    "candidate_id",
    "span",
    "value",
    "unit",
    "base_value",
    "base_unit",
    "qualifier",
    "period",
    "kind",
    "direction",
    "entity_id",
    "entity_name",
    "indicator_id",
    "indicator_name",
    "quote",
    "block_no",
    "reason_code",
    "reason",
)
"""The columns :func:`apply` reads; a review file without one of them is refused."""

# Which review column fills each field of a curated row: an error in that field names it.
_FIELD_OF = {
    "facts": {
        "fact_id": "fact_id",
        "source_id": "fact_id",
        "block_no": "block_no",
        "quote": "quote",
        "span": "span",
        "quote_en": "quote_en",
        "indicator_id": "indicator_id",
        "entity_id": "entity_id",
        "period": "period",
        "value": "value",
        "unit": "unit",
        "base_value": "base_value",
        "base_unit": "base_unit",
        "qualifier": "qualifier",
        "kind": "kind",
        "theme": "theme",
        "note": "note",
    },
    "indicators": {
        "indicator_id": "indicator_id",
        "name_zh": "indicator_name",
        "name_en": "indicator_name_en",
        "unit": "base_unit",
        "positive_means": "direction",
        "theme": "theme",
        "definition": "indicator_definition_en",
        "definition_zh": "indicator_definition_zh",
    },
    "entities": {
        "entity_id": "entity_id",
        "name_zh": "entity_name",
        "name_en": "entity_name_en",
        "type": "entity_type",
        "parent_id": "entity_parent_id",
        "block_no": "block_no",
        "mention": "entity_name",
    },
    "excluded": {
        "block_no": "block_no",
        "span": "span",
        "context": "quote",
        "reason_code": "reason_code",
        "reason": "reason",
    },
}


class ReviewError(ValueError):
    """A review row cannot be applied; the message names the file, row and field."""


def check_source_id(source_id: str, what: str = "source id") -> str:
    """Return ``source_id`` if it matches the registry's pattern (lowercase ASCII letters and
    digits in words joined by single hyphens), else raise :class:`ReviewError` naming it."""
    from . import datasets

    pattern = _field(datasets.schema("sources"), "source_id")["constraints"]["pattern"]
    if not isinstance(source_id, str) or not re.fullmatch(pattern, source_id):
        raise ReviewError(
            f"{what} {source_id!r} is not allowed (expected lowercase ASCII letters and digits, "
            "words joined by single hyphens, such as 'county-report-2023'; no spaces, "
            "slashes, dots or other characters)"
        )
    return source_id


def _field(schema: dict, name: str) -> dict:
    return next(f for f in schema["fields"] if f["name"] == name)


def allowed(table: str, field: str) -> tuple[str, ...]:
    """Return the allowed values of a coded field, as ``datapackage.json`` lists them
    (``allowed("excluded_mentions", "reason_code")``)."""
    from . import datasets

    return tuple(_field(datasets.schema(table), field)["constraints"]["enum"])


def known_ids() -> dict[str, set[str]]:
    """Return the ids of the indicators and entities the curated tables hold."""
    return {
        "indicators": _known("indicators.csv", "indicator_id"),
        "entities": _known("entities.csv", "entity_id"),
    }


def review_path(source_id: str) -> Path:
    """Return the review file of a source (``data/review/<source_id>.csv``)."""
    return paths.data_dir() / "review" / f"{check_source_id(source_id)}.csv"


def _rules_text(rules: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in rules.items())


def candidates_csv(candidates: list[dict]) -> bytes:
    """Return the review file's bytes for a list of candidates (``decision`` empty)."""
    from .ingest import CANDIDATE_FIELDS

    cols = [*REVIEW_EXTRA, *CANDIDATE_FIELDS]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for c in candidates:
        row = {k: c.get(k, "") for k in CANDIDATE_FIELDS}
        row["rules"] = _rules_text(c.get("rules", {}))
        for k in ("value", "base_value"):
            if isinstance(row[k], list):
                row[k] = "–".join(f"{x:.15g}" for x in row[k])
            elif isinstance(row[k], float):
                row[k] = f"{row[k]:.15g}"
        row["entity_id"] = row["entity_id"] or ""
        if not row["entity_id"]:
            # a new name: what the rules read of it, for the reviewer to confirm
            row["entity_type"] = c.get("entity_type") or ""
            row["entity_parent_id"] = c.get("entity_parent") or ""
        row["exclude"] = "yes" if c.get("exclude") else ""
        w.writerow(row)
    return buf.getvalue().encode("utf-8")


def register(
    path: str | Path,
    source: dict,
    candidates: list[dict],
    *,
    notify=None,
) -> Path:
    """Copy an article into ``data/raw/`` unchanged, append its registry row and write its
    review file, in one atomic step under the data folder's write lock. Refuses a file
    already registered (by hash), an existing raw file name or source id; returns the
    review file. ``notify`` is told when another writer makes this one wait."""
    from . import ingest, sources

    published = source.get("published") or ""
    if not published:
        raise ReviewError(
            f"{path}: no publication date found (expected --published YYYY[-MM[-DD]], or a "
            "'date' in the front matter)"
        )
    if not ingest.is_date(published):
        raise ReviewError(
            f"{path}: publication date {published!r} is not a date (expected a real date "
            "written YYYY, YYYY-MM or YYYY-MM-DD)"
        )
    if not source.get("publisher_zh"):
        raise ReviewError(
            f"{path}: no publisher found (expected --publisher NAME, or a 'source' in the "
            "front matter, or a site name in the page)"
        )
    sid = source["source_id"]
    check_source_id(sid, f"{path}: source id")
    content = Path(path).read_bytes()
    import hashlib

    if hashlib.sha256(content).hexdigest() != source["sha256"]:
        raise ReviewError(f"{path}: the file changed while it was read; add it again")
    data = paths.data_dir()
    rel_review = f"review/{sid}.csv"
    with txn.writing(data, f"add {path}", notify):
        # Read under the lock: another writer's rows are there, and stay.
        registry_bytes = paths.sources_csv().read_bytes()
        reg = sources.registry()
        same = reg[reg["sha256"] == source["sha256"]]
        if not same.empty:
            raise ReviewError(
                f"{path}: the same file is already source {same['source_id'].iloc[0]!r}; "
                "not added again"
            )
        if sid in set(reg["source_id"]):
            raise ReviewError(
                f"{path}: source_id {sid!r} is already registered "
                "(expected a new id: --source-id ID)"
            )
        target = data / source["file"]
        if target.exists():
            raise ReviewError(
                f"{path}: {target} already exists and no source registers this file "
                "(expected a new file name: rename the article, or remove that file if an "
                "interrupted add of an older version left it)"
            )
        review = data / rel_review
        if review.exists():
            raise ReviewError(f"{review} already exists; apply or remove it first")
        row = {k: source.get(k, "") for k in sources.REGISTRY_COLUMNS}
        if source.get("url"):
            row["published_basis"] = f"{row['published_basis']}; URL {source['url']}"
        txn.commit(
            data,
            {
                source["file"]: content,
                rel_review: candidates_csv(candidates),
                "sources.csv": _append_bytes(registry_bytes, row),
            },
        )
    return review


def read_review(source_id: str) -> list[dict]:
    """Return the rows of a source's review file, as strings. A file without a column that
    :func:`apply` reads is refused, naming the columns."""
    path = review_path(source_id)
    if not path.is_file():
        raise ReviewError(f"{path}: no review file (expected one written by 'add')")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise ReviewError(
            f"{path}, row {row}: not UTF-8 at byte {exc.start} (expected UTF-8: in a "
            "spreadsheet, save as 'CSV UTF-8')"
        ) from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = reader.fieldnames or []
        missing = [c for c in NEEDED if c not in header]
        if missing:
            raise ReviewError(
                f"{path}, row 1: missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} (expected the header 'add' wrote; add the "
                f"column{'s' if len(missing) > 1 else ''}, empty where nothing applies)"
            )
        return [{k: v if v is not None else "" for k, v in r.items()} for r in reader]
    except csv.Error as exc:
        raise ReviewError(f"{path}, row {reader.line_num}: {exc} (expected a CSV file)") from None


def write_review(source_id: str, rows: list[dict], *, notify=None) -> None:
    """Write a source's review rows back (the widget's save), atomically, under the data
    folder's write lock."""
    header = list(rows[0].keys()) if rows else []
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    review_path(source_id)  # the id is checked before anything is written
    data = paths.data_dir()
    with txn.writing(data, f"save of the review of {source_id}", notify):
        txn.commit(data, {f"review/{source_id}.csv": buf.getvalue().encode("utf-8")})


def _err(source_id: str, row_no: int, field: str, problem: str, expected: str = "") -> ReviewError:
    msg = f"{review_path(source_id)}, row {row_no}, field '{field}': {problem}"
    return ReviewError(msg + (f" (expected {expected})" if expected else ""))


def _known(name: str, column: str) -> set[str]:
    import pandas as pd

    df = pd.read_csv(paths.curated_dir() / name, dtype=str, keep_default_na=False, encoding="utf-8")
    return set(df[column])


def _rows_for(source_id: str, rows: list[dict]) -> tuple[dict[str, list[dict]], dict]:
    """Turn decided review rows into rows of facts, indicators, entities, exclusions, and
    say which review row (spreadsheet numbering: the header is row 1) each one came from."""
    import pandas as pd

    inds = pd.read_csv(
        paths.curated_dir() / "indicators.csv", dtype=str, keep_default_na=False, encoding="utf-8"
    )
    known_ind = dict(zip(inds["indicator_id"], inds["theme"], strict=True))
    known_ent = _known("entities.csv", "entity_id")
    reasons = allowed("excluded_mentions", "reason_code")
    out: dict[str, list[dict]] = {"facts": [], "indicators": [], "entities": [], "excluded": []}
    origin: dict[str, list[int]] = {k: [] for k in out}
    new_ind: set[str] = set()
    new_ent: set[str] = set()

    def need(i: int, r: dict, fields: tuple[str, ...], what: str) -> None:
        for f in fields:
            if not (r.get(f) or "").strip():
                raise _err(source_id, i, f, f"empty {what}", "the reviewer's words")

    for i, r in enumerate(rows, start=2):
        decision = (r.get("decision") or "").strip().lower()
        if not decision:
            continue
        if decision not in DECISIONS:
            raise _err(source_id, i, "decision", f"{decision!r}", " or ".join(DECISIONS))
        if decision == "exclude":
            need(i, r, ("reason_code", "reason"), "for an exclusion")
            if r["reason_code"].strip() not in reasons:
                raise _err(
                    source_id,
                    i,
                    "reason_code",
                    f"{r['reason_code']!r}",
                    "one of " + ", ".join(reasons),
                )
            out["excluded"].append(
                {
                    "source_id": source_id,
                    "block_no": r["block_no"],
                    "span": r["span"],
                    "context": r["quote"],
                    "reason_code": r["reason_code"].strip(),
                    "reason": r["reason"],
                }
            )
            origin["excluded"].append(i)
            continue
        need(i, r, ("quote_en", "indicator_id", "entity_id"), "for an accepted fact")
        if "–" in r["value"]:
            raise _err(source_id, i, "value", f"a range {r['value']!r}", "a single number")
        iid, eid = r["indicator_id"].strip(), r["entity_id"].strip()
        if iid not in known_ind and iid not in new_ind:
            need(
                i,
                r,
                (
                    "indicator_name",
                    "indicator_name_en",
                    "indicator_definition_zh",
                    "indicator_definition_en",
                ),
                f"for the new indicator {iid!r}",
            )
            new_ind.add(iid)
            out["indicators"].append(
                {
                    "indicator_id": iid,
                    "name_zh": r["indicator_name"],
                    "name_en": r["indicator_name_en"],
                    "unit": r["base_unit"],
                    # A change the text words as a decline (下降 5%) is stored as +5.
                    "positive_means": "fall" if r.get("direction") == "down" else "rise",
                    "theme": r.get("theme") or "overview",
                    "definition": r["indicator_definition_en"],
                    "definition_zh": r["indicator_definition_zh"],
                }
            )
            origin["indicators"].append(i)
            known_ind[iid] = r.get("theme") or "overview"
        if eid not in known_ent and eid not in new_ent:
            need(
                i,
                r,
                ("entity_name", "entity_name_en", "entity_type", "entity_parent_id"),
                f"for the new entity {eid!r}",
            )
            new_ent.add(eid)
            out["entities"].append(
                {
                    "entity_id": eid,
                    "name_zh": r["entity_name"],
                    "name_en": r["entity_name_en"],
                    "type": r["entity_type"],
                    "parent_id": r["entity_parent_id"],
                    "coord_note": "no coordinates: added from a review",
                    "source_id": source_id,
                    "block_no": r["block_no"],
                    "mention": r["entity_name"],
                }
            )
            origin["entities"].append(i)
        out["facts"].append(
            {
                "fact_id": r.get("fact_id") or r["candidate_id"],
                "source_id": source_id,
                "block_no": r["block_no"],
                "quote": r["quote"],
                "span": r["span"],
                "quote_en": r["quote_en"],
                "indicator_id": iid,
                "entity_id": eid,
                "period": r["period"],
                "value": r["value"],
                "unit": r["unit"],
                "base_value": r["base_value"],
                "base_unit": r["base_unit"],
                "qualifier": r["qualifier"],
                "kind": r["kind"],
                "theme": r.get("theme") or known_ind.get(iid) or "overview",
                "repeated_in": "",
                "note": r.get("note") or f"Added by review of {source_id} ({decision}).",
            }
        )
        origin["facts"].append(i)
    return out, origin


# In the order of the renames: the rows that facts refer to are in place before the facts,
# so even a reader that takes no lock never finds a fact without its indicator or entity.
_TABLES = {
    "indicators": "curated/indicators.csv",
    "entities": "curated/entities.csv",
    "excluded": "curated/excluded_mentions.csv",
    "facts": "curated/facts.csv",
}


@contextmanager
def _data_env(path: Path):
    from . import paths as _paths

    old = os.environ.get(_paths.DATA_ENV)
    os.environ[_paths.DATA_ENV] = str(path)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(_paths.DATA_ENV, None)
        else:
            os.environ[_paths.DATA_ENV] = old


def _records(content: bytes) -> int:
    """Return the number of rows under the header of a CSV file's bytes."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
    while rows and not rows[-1]:
        rows.pop()
    return max(0, len(rows) - 1)


def apply(source_id: str, *, notify=None) -> dict[str, int]:
    """Write a source's decided review rows into the curated tables, after validating the
    result in a copy of the data folder; returns how many rows each table gained.

    Runs under the data folder's write lock and writes every table in one atomic step
    (:mod:`.txn`). Raises :class:`ReviewError` naming the review file's row (the header is
    row 1) and field; then no file has changed.
    """
    from . import checks, datasets

    data = paths.data_dir()
    review = review_path(source_id)
    with txn.writing(data, f"review {source_id} --apply", notify):
        rows = read_review(source_id)
        done = [
            name
            for key, name in _TABLES.items()
            if key in ("facts", "excluded") and source_id in _known(Path(name).name, "source_id")
        ]
        if done:
            raise ReviewError(
                f"{review}: {source_id} is already applied (its rows are in "
                f"{' and '.join('data/' + d for d in done)}); correct those tables directly"
            )
        new, origin = _rows_for(source_id, rows)
        blobs: dict[str, bytes] = {}
        first: dict[str, int] = {}  # the file row of each table's first new row
        for key, rel in _TABLES.items():
            content = (data / rel).read_bytes()
            first[rel] = _records(content) + 2
            for row in new[key]:
                content = _append_bytes(content, row)
            blobs[rel] = content
        fact_row = {f["fact_id"]: n for f, n in zip(new["facts"], origin["facts"], strict=True)}
        with tempfile.TemporaryDirectory(prefix="shanxi-review-") as tmp:
            copy = Path(tmp) / "data"
            shutil.copytree(data, copy, ignore=shutil.ignore_patterns("review", "geo", *txn.IGNORE))
            for rel, content in blobs.items():
                (copy / rel).write_bytes(content)
            with _data_env(copy):
                try:
                    datasets.validate()
                except datasets.DataError as exc:
                    raise _review_error(data, review, exc, first, origin) from None
                gaps = checks.coverage_gaps()
                gaps = gaps[gaps["source_id"] == source_id]
                if not gaps.empty:
                    g = gaps.iloc[0]
                    raise ReviewError(
                        f"{review}: {len(gaps)} quantities of {source_id} are "
                        f"neither a fact nor an exclusion, first {g['span']!r} in block "
                        f"{g['block_no']} (expected a decision on every row)"
                    )
                bad = checks.agreement_mismatches()
                if not bad.empty:
                    b = bad.iloc[0]
                    where = (
                        f"{review}, row {fact_row[b['fact_id']]}"
                        if b["fact_id"] in fact_row
                        else f"{data / 'curated' / 'facts.csv'}, fact {b['fact_id']!r}"
                    )
                    raise ReviewError(
                        f"{where}, field '{b['field']}': {b['curated']!r} is not what the "
                        f"quote says ({b['extracted']!r})"
                    )
        txn.commit(data, blobs)
    return {k: len(v) for k, v in new.items()}


def _review_error(
    data: Path, review: Path, exc, first: dict[str, int], origin: dict
) -> ReviewError:
    """Name the review row and column behind a validation error of the would-be tables;
    an error in a row that was there before names the real curated file."""
    key = next((k for k, rel in _TABLES.items() if exc.file == rel), None)
    if key is not None and exc.row is not None and exc.row >= first[_TABLES[key]]:
        n = exc.row - first[_TABLES[key]]
        if n < len(origin[key]):
            fields = [f.strip() for f in (exc.field or "").split("+") if f.strip()]
            column = next((_FIELD_OF[key][f] for f in fields if f in _FIELD_OF[key]), None)
            msg = f"{review}, row {origin[key][n]}"
            if column:
                msg += f", field '{column}'"
            return ReviewError(f"{msg}: {exc.detail} (in the new row of {_TABLES[key]})")
    where = data / exc.file
    if exc.row is not None:
        where = f"{where}, row {exc.row}"
    if exc.field:
        where = f"{where}, field '{exc.field}'"
    return ReviewError(
        f"{where}: {exc.detail} (the data already fails its checks there, before this "
        "review: fix that first)"
    )


def _append_bytes(content: bytes, row: dict) -> bytes:
    """Return a CSV file's bytes with ``row`` appended in the order of its header."""
    header = next(csv.reader(io.StringIO(content.decode("utf-8"))))
    buf = io.StringIO()
    csv.DictWriter(buf, fieldnames=header, lineterminator="\n").writerow(
        {k: row.get(k, "") for k in header}
    )
    content = content.rstrip(b"\r\n") + b"\n"  # blank lines at the end would split the table
    return content + buf.getvalue().encode("utf-8")
