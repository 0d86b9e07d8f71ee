"""Review of an added article: one CSV of candidates per source, decisions applied to the
curated tables together, after the full validation, or not at all.

The review file is ``data/review/<source_id>.csv`` (UTF-8, one candidate a row; open it in
a spreadsheet). Fill ``decision`` with ``accept`` (the fields as proposed), ``edit`` (the
fields as you corrected them) or ``exclude`` (give ``reason_code`` and ``reason``). An
accepted or edited row needs ``quote_en``; a proposed indicator (``new_…``) needs
``indicator_name_en``; an entity not yet in ``entities.csv`` needs ``entity_id``,
``entity_name`` (as written in the text), ``entity_name_en`` and ``entity_type``.

:func:`apply` writes facts, indicators, entities and excluded mentions into a copy of the
data folder, runs :func:`datasets.validate` and the coverage and agreement checks for the
source there, and only then replaces the real files. A failure names the review row and
field and leaves every file as it was.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from . import paths
from .atomic import atomic_write

REVIEW_EXTRA = (
    "decision",
    "fact_id",
    "quote_en",
    "theme",
    "indicator_name_en",
    "entity_name_en",
    "entity_type",
    "note",
)
DECISIONS = ("accept", "edit", "exclude")


class ReviewError(ValueError):
    """A review row cannot be applied; the message names the file, row and field."""


def review_path(source_id: str) -> Path:
    """Return the review file of a source (``data/review/<source_id>.csv``)."""
    return paths.data_dir() / "review" / f"{source_id}.csv"


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
        row["exclude"] = "yes" if c.get("exclude") else ""
        w.writerow(row)
    return buf.getvalue().encode("utf-8")


def register(path: str | Path, source: dict, candidates: list[dict]) -> Path:
    """Copy an article into ``data/raw/`` unchanged, append its registry row and write its
    review file. Refuses an existing raw file name or source id; returns the review file."""
    from . import sources

    if not source.get("published"):
        raise ReviewError(
            f"{path}: no publication date found (expected --published YYYY[-MM[-DD]], or a "
            "'date' in the front matter)"
        )
    if not source.get("publisher_zh"):
        raise ReviewError(
            f"{path}: no publisher found (expected --publisher NAME, or a 'source' in the "
            "front matter, or a site name in the page)"
        )
    reg = sources.registry()
    if source["source_id"] in set(reg["source_id"]):
        raise ReviewError(
            f"{path}: source_id {source['source_id']!r} is already registered "
            "(expected a new id: --source-id ID)"
        )
    target = paths.data_dir() / source["file"]
    if target.exists():
        raise ReviewError(f"{path}: {target} already exists (expected a new file name)")
    review = review_path(source["source_id"])
    if review.exists():
        raise ReviewError(f"{review} already exists; apply or remove it first")
    row = {k: source.get(k, "") for k in sources.REGISTRY_COLUMNS}
    if source.get("url"):
        row["published_basis"] = f"{row['published_basis']}; URL {source['url']}"
    registry_bytes = _append_bytes(paths.sources_csv().read_bytes(), row)
    atomic_write(target, Path(path).read_bytes())
    try:
        atomic_write(review, candidates_csv(candidates))
        atomic_write(paths.sources_csv(), registry_bytes)
    except BaseException:
        target.unlink(missing_ok=True)
        review.unlink(missing_ok=True)
        raise
    return review


def read_review(source_id: str) -> list[dict]:
    """Return the rows of a source's review file, as strings."""
    path = review_path(source_id)
    if not path.is_file():
        raise ReviewError(f"{path}: no review file (expected one written by 'add')")
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_review(source_id: str, rows: list[dict]) -> None:
    """Write a source's review rows back (the widget's save), atomically."""
    path = review_path(source_id)
    header = list(rows[0].keys()) if rows else []
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    atomic_write(path, buf.getvalue().encode("utf-8"))


def _err(source_id: str, row_no: int, field: str, problem: str, expected: str = "") -> ReviewError:
    msg = f"{review_path(source_id)}, row {row_no}, field '{field}': {problem}"
    return ReviewError(msg + (f" (expected {expected})" if expected else ""))


def _rows_for(source_id: str, rows: list[dict]) -> dict[str, list[dict]]:
    """Turn decided review rows into rows of facts, indicators, entities, exclusions."""
    import pandas as pd

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(
            paths.curated_dir() / name, dtype=str, keep_default_na=False, encoding="utf-8"
        )

    inds = read("indicators.csv")
    ents = read("entities.csv")
    known_ind = dict(zip(inds["indicator_id"], inds["theme"], strict=True))
    known_ent = set(ents["entity_id"])
    out: dict[str, list[dict]] = {"facts": [], "indicators": [], "entities": [], "excluded": []}
    new_ind: set[str] = set()
    new_ent: set[str] = set()
    for i, r in enumerate(rows, start=2):
        decision = (r.get("decision") or "").strip().lower()
        if not decision:
            continue
        if decision not in DECISIONS:
            raise _err(source_id, i, "decision", f"{decision!r}", " or ".join(DECISIONS))
        if decision == "exclude":
            if not r.get("reason_code") or not r.get("reason"):
                raise _err(source_id, i, "reason", "an exclusion needs reason_code and reason")
            out["excluded"].append(
                {
                    "source_id": source_id,
                    "block_no": r["block_no"],
                    "span": r["span"],
                    "context": r["quote"],
                    "reason_code": r["reason_code"],
                    "reason": r["reason"],
                }
            )
            continue
        for f in ("quote_en", "indicator_id", "entity_id"):
            if not (r.get(f) or "").strip():
                raise _err(source_id, i, f, "empty", "a value for an accepted fact")
        if "–" in r["value"]:
            raise _err(source_id, i, "value", f"a range {r['value']!r}", "a single number")
        iid, eid = r["indicator_id"].strip(), r["entity_id"].strip()
        if iid not in known_ind and iid not in new_ind:
            if not r.get("indicator_name_en"):
                raise _err(source_id, i, "indicator_name_en", "empty for a new indicator")
            new_ind.add(iid)
            out["indicators"].append(
                {
                    "indicator_id": iid,
                    "name_zh": r["indicator_name"] or r["subject"],
                    "name_en": r["indicator_name_en"],
                    "unit": r["base_unit"],
                    # A change the text words as a decline (下降 5%) is stored as +5.
                    "positive_means": "fall" if r.get("direction") == "down" else "rise",
                    "theme": r.get("theme") or "overview",
                    "definition": f"{r['subject']} ({r['measure']}), added from {source_id}.",
                }
            )
            known_ind[iid] = r.get("theme") or "overview"
        if eid not in known_ent and eid not in new_ent:
            for f in ("entity_name", "entity_name_en", "entity_type"):
                if not r.get(f):
                    raise _err(source_id, i, f, "empty for a new entity")
            new_ent.add(eid)
            out["entities"].append(
                {
                    "entity_id": eid,
                    "name_zh": r["entity_name"],
                    "name_en": r["entity_name_en"],
                    "type": r["entity_type"],
                    "coord_note": "no coordinates: added from a review",
                    "source_id": source_id,
                    "block_no": r["block_no"],
                    "mention": r["entity_name"],
                }
            )
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
    return out


_TABLES = {
    "facts": "curated/facts.csv",
    "indicators": "curated/indicators.csv",
    "entities": "curated/entities.csv",
    "excluded": "curated/excluded_mentions.csv",
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


def apply(source_id: str) -> dict[str, int]:
    """Write a source's decided review rows into the curated tables, after validating the
    result in a copy of the data folder; returns how many rows each table gained.

    Raises :class:`ReviewError` (or the validation's ``DataError``) naming the row and
    field; then no file has changed.
    """
    from . import checks, datasets

    rows = read_review(source_id)
    new = _rows_for(source_id, rows)
    data = paths.data_dir()
    blobs: dict[str, bytes] = {}
    for key, rel in _TABLES.items():
        content = (data / rel).read_bytes()
        for row in new[key]:
            content = _append_bytes(content, row)
        blobs[rel] = content
    with tempfile.TemporaryDirectory(prefix="shanxi-review-") as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(data, copy, ignore=shutil.ignore_patterns("review", "geo"))
        for rel, content in blobs.items():
            (copy / rel).write_bytes(content)
        with _data_env(copy):
            datasets.validate()
            gaps = checks.coverage_gaps()
            gaps = gaps[gaps["source_id"] == source_id]
            if not gaps.empty:
                g = gaps.iloc[0]
                raise ReviewError(
                    f"{review_path(source_id)}: {len(gaps)} quantities of {source_id} are "
                    f"neither a fact nor an exclusion, first {g['span']!r} in block "
                    f"{g['block_no']} (expected a decision on every row)"
                )
            bad = checks.agreement_mismatches()
            if not bad.empty:
                b = bad.iloc[0]
                raise ReviewError(
                    f"{review_path(source_id)}: fact {b['fact_id']!r}, field '{b['field']}': "
                    f"{b['curated']!r} is not what the quote says ({b['extracted']!r})"
                )
    _replace_all({data / rel: content for rel, content in blobs.items()})
    return {k: len(v) for k, v in new.items()}


def _append_bytes(content: bytes, row: dict) -> bytes:
    """Return a CSV file's bytes with ``row`` appended in the order of its header."""
    header = next(csv.reader(io.StringIO(content.decode("utf-8"))))
    buf = io.StringIO()
    csv.DictWriter(buf, fieldnames=header, lineterminator="\n").writerow(
        {k: row.get(k, "") for k in header}
    )
    if not content.endswith(b"\n"):
        content += b"\n"
    return content + buf.getvalue().encode("utf-8")


def _replace_all(files: dict[Path, bytes]) -> None:
    """Replace several files; if any replacement fails, put back the ones already replaced."""
    old = {p: p.read_bytes() for p in files}
    done: list[Path] = []
    try:
        for p, content in files.items():
            atomic_write(p, content)
            done.append(p)
    except BaseException:
        for p in done:
            atomic_write(p, old[p])
        raise
