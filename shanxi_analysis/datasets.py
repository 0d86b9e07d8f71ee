"""Typed, validated tables of the curated data, with labels in Chinese or English.

Every table is described in ``data/datapackage.json`` (a Frictionless Data Package); the
loader checks each CSV against it (required fields, types, patterns, allowed values,
primary and foreign keys) and checks that every quote stands verbatim in its source block.
A malformed edit raises :class:`DataError`, which names the file, the row and the field.

Results are cached until a data file changes; every call returns a fresh copy.

>>> from shanxi_analysis import datasets
>>> datasets.facts(lang="en").set_index("fact_id").loc["lw-coal-mines-2020", "indicator"]
'Coal mines'
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import paths, txn
from . import sources as _sources

LANGS = ("zh", "en")
QUALIFIER_LABELS = {
    "none": ("", ""),
    "approx": ("约", "about"),
    "more_than": ("超过", "more than"),
    "at_least": ("至少", "at least"),
    "at_most": ("至多", "at most"),
    "less_than": ("不足", "less than"),
}
KIND_LABELS = {
    "actual": ("实际", "actual"),
    "target": ("目标", "target"),
    "plan": ("计划", "plan"),
    "estimate": ("估计", "estimate"),
    "benchmark": ("参照", "benchmark"),
}

_TABLES = (
    "sources",
    "units",
    "indicators",
    "entities",
    "facts",
    "events",
    "clusters",
    "excluded_mentions",
    "themes",
    "labels",
    "figures",
)
VERBATIM = {
    "facts": ("quote", "span"),
    "events": ("quote",),
    "clusters": ("mention", "quote"),
    "entities": ("mention",),
    "excluded_mentions": ("context", "span"),
}
"""The text fields that stand verbatim in an article (checked against its clean text on load),
by table: they can hold nothing the article does not."""
OPTIONS_DEPTH = 8
"""How deeply a JSON field (``figures.csv`` options) may nest lists and objects."""
_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # C0, C1 controls
_INT_RE = re.compile(r"^[+-]?\d+$")
_NUM_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class DataError(ValueError):
    """A curated table does not match its schema or its sources."""

    def __init__(
        self,
        file: str | Path,
        problem: str,
        *,
        row: int | None = None,
        field: str | None = None,
        expected: str | None = None,
    ) -> None:
        where = str(file)
        if row is not None:
            where += f", row {row}"  # as an editor and frictionless count: the header is row 1
        if field is not None:
            where += f", field '{field}'"
        message = f"{where}: {problem}"
        if expected:
            message += f" (expected {expected})"
        super().__init__(message)
        self.file, self.row, self.field = str(file), row, field
        self.detail = message[len(where) + 2 :]  # the problem without its place


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is one of :data:`LANGS`; raise ``ValueError`` naming them otherwise."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(map(repr, LANGS))}, got {lang!r}")
    return lang


# ---------------------------------------------------------------- the package descriptor


def package_path() -> Path:
    """Return the path of ``datapackage.json``."""
    return paths.data_dir() / "datapackage.json"


def _resource(pkg: dict, name: str) -> dict:
    for res in pkg["resources"]:
        if res["name"] == name:
            return res
    raise DataError(package_path(), f"no resource named {name!r}")


@lru_cache(maxsize=4)
def _resource_paths(package_key: tuple) -> tuple[str, ...]:
    try:
        pkg = json.loads(Path(package_key[0]).read_text(encoding="utf-8"))
        return tuple(r["path"] for r in pkg.get("resources", []))
    except (OSError, ValueError, KeyError, TypeError):
        return ()


def version() -> tuple:
    """Return a key that changes whenever a file the tables depend on changes (for caches of
    values computed from the tables)."""
    return _signature()


def _signature() -> tuple:
    """Sizes and modification times of every file the tables depend on (stat calls only,
    so that checking for changes costs microseconds)."""
    root = paths.data_dir()
    package_key = _sources.stat_key(root / "datapackage.json")
    files = [os.path.join(root, p) for p in _resource_paths(package_key)]
    try:
        with os.scandir(root / "raw") as found:
            files += sorted(e.path for e in found if not e.name.startswith("."))
    except OSError:
        pass
    return (package_key, *map(_sources.stat_key, files))


# ---------------------------------------------------------------- reading and typing


def _read_csv(path: Path, fields: list[dict]) -> pd.DataFrame:
    rel = path.relative_to(paths.data_dir()) if path.is_relative_to(paths.data_dir()) else path
    if not path.is_file():
        raise DataError(rel, "file not found")
    data = path.read_bytes()
    bom = _sources.csv_bom_problem(data, path)
    if bom:
        raise DataError(rel, bom[0], row=1, expected=bom[1])
    try:
        text = data.decode("utf-8")  # no newline translation
    except UnicodeDecodeError as exc:
        raise DataError(rel, f"not UTF-8 at byte {exc.start}", expected="UTF-8") from None
    # Split by the csv module, not by lines: a quoted field may hold any character.
    rows = list(csv.reader(io.StringIO(text, newline="")))
    while rows and not rows[-1]:
        rows.pop()  # blank lines at the end of the file (an editor's habit) hold no row
    names = [f["name"] for f in fields]
    if not rows or rows[0] != names:
        header = rows[0] if rows else []
        raise DataError(rel, f"header is {header}", row=1, expected=f"columns {names}")
    body = rows[1:]
    for i, r in enumerate(body, start=2):
        if len(r) != len(names):
            raise DataError(rel, f"has {len(r)} fields", row=i, expected=f"{len(names)} fields")
    return pd.DataFrame(body, columns=names, dtype=object)


_TOO_DEEP = object()


def _depth(value: object, limit: int = OPTIONS_DEPTH + 1) -> int:
    """How deeply ``value`` nests lists and objects (counted no further than ``limit``)."""
    if limit <= 0 or not isinstance(value, dict | list):
        return 0
    items = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(v, limit - 1) for v in items), default=0)


def _typed(df: pd.DataFrame, res: dict, rel: str) -> pd.DataFrame:
    out = {}
    for f in res["schema"]["fields"]:
        name, ftype = f["name"], f.get("type", "string")
        c = f.get("constraints", {})
        col = df[name].astype(str)
        values: list = []
        for i, raw in enumerate(col, start=2):
            s = raw.strip()
            if s != raw:
                raise DataError(
                    rel, f"value {raw!r} has leading or trailing space", row=i, field=name
                )
            bad = _UNSHOWABLE.search(s)
            if bad:
                raise DataError(
                    rel,
                    f"value has the control character U+{ord(bad.group()):04X}, which no page "
                    "or download can show as text",
                    row=i,
                    field=name,
                    expected="text without control characters other than tab and line breaks",
                )
            if s == "":
                if c.get("required"):
                    raise DataError(rel, "value is missing", row=i, field=name, expected="a value")
                values.append(None)
                continue
            if ftype == "integer":
                if not _INT_RE.match(s):
                    raise DataError(rel, f"{s!r} is not an integer", row=i, field=name)
                v: object = int(s)
            elif ftype == "number":
                if not _NUM_RE.match(s) or not math.isfinite(float(s)):
                    raise DataError(
                        rel,
                        f"{s!r} is not a number",
                        row=i,
                        field=name,
                        expected="digits with an optional '.' and no thousands separators",
                    )
                v = float(s)
            elif ftype == "object":
                try:
                    v = json.loads(s)
                except json.JSONDecodeError:
                    v = None  # not JSON at all
                except RecursionError:
                    v = _TOO_DEEP
                if v is _TOO_DEEP or _depth(v) > OPTIONS_DEPTH:
                    raise DataError(
                        rel,
                        "the JSON nests lists and objects too deeply",
                        row=i,
                        field=name,
                        expected=f"at most {OPTIONS_DEPTH} levels",
                    )
                if not isinstance(v, dict):
                    raise DataError(
                        rel,
                        f"{s[:60]!r} is not a JSON object",
                        row=i,
                        field=name,
                        expected='{"keyword": value, ...}',
                    )
            else:
                v = s
            if "pattern" in c and not re.fullmatch(c["pattern"], s):
                raise DataError(
                    rel,
                    f"{s!r} does not match the pattern",
                    row=i,
                    field=name,
                    expected=c["pattern"],
                )
            if "enum" in c and s not in c["enum"]:
                raise DataError(
                    rel,
                    f"{s!r} is not allowed",
                    row=i,
                    field=name,
                    expected="one of " + ", ".join(c["enum"]),
                )
            if "minimum" in c and v < c["minimum"]:
                raise DataError(rel, f"{s} is below {c['minimum']}", row=i, field=name)
            if "maximum" in c and v > c["maximum"]:
                raise DataError(rel, f"{s} is above {c['maximum']}", row=i, field=name)
            values.append(v)
        if ftype == "integer":
            series = pd.Series(values, dtype="Int64")
        elif ftype == "number":
            series = pd.Series([math.nan if v is None else v for v in values], dtype="float64")
        elif "enum" in c:
            series = pd.Series(pd.Categorical(values, categories=c["enum"]))
        else:
            series = pd.Series(values, dtype=object)
        if c.get("unique"):
            dup = series[series.duplicated() & series.notna()]
            if not dup.empty:
                raise DataError(
                    rel,
                    f"duplicate value {dup.iloc[0]!r}",
                    row=int(dup.index[0]) + 2,
                    field=name,
                    expected="unique values",
                )
        out[name] = series
    typed = pd.DataFrame(out)
    pk = res["schema"].get("primaryKey")
    if pk:
        pk = [pk] if isinstance(pk, str) else pk
        dup = typed[typed.duplicated(subset=pk)]
        if not dup.empty:
            key = ", ".join(str(dup.iloc[0][k]) for k in pk)
            raise DataError(
                rel,
                f"duplicate primary key ({key})",
                row=int(dup.index[0]) + 2,
                field="+".join(pk),
                expected="a unique key",
            )
    return typed


def _check_foreign_keys(tables: dict[str, pd.DataFrame], pkg: dict) -> None:
    for res in pkg["resources"]:
        df = tables[res["name"]]
        for fk in res["schema"].get("foreignKeys", []):
            field = fk["fields"]
            target = fk["reference"]["resource"] or res["name"]
            known = set(tables[target][fk["reference"]["fields"]].dropna())
            for i, v in enumerate(df[field], start=2):
                if (
                    v is not None
                    and not (isinstance(v, float) and math.isnan(v))
                    and v not in known
                ):
                    raise DataError(
                        res["path"],
                        f"unknown {field} {v!r}",
                        row=i,
                        field=field,
                        expected=f"an id of {target}",
                    )


def _check_text(tables: dict[str, pd.DataFrame], pkg: dict) -> None:
    """Every quote, mention, span and context stands verbatim where its row says."""
    block_text = {
        (r.source_id, int(r.block_no)): r.text for r in _sources.load_blocks().itertuples()
    }
    spans = {"facts": "quote", "excluded_mentions": "context"}  # spans lie in these
    checks = {name: tuple(c for c in cols if c != "span") for name, cols in VERBATIM.items()}
    for name, cols in checks.items():
        if name not in tables:
            continue
        path = _resource(pkg, name)["path"]
        for i, row in enumerate(tables[name].to_dict("records"), start=2):
            key = (row["source_id"], int(row["block_no"]))
            if key not in block_text:
                raise DataError(
                    path, f"block {key[1]} does not exist in {key[0]}", row=i, field="block_no"
                )
            text = block_text[key]
            for col in cols:
                if row[col] and row[col] not in text:
                    raise DataError(
                        path,
                        f"{row[col]!r} is not in block {key[1]} of {key[0]}",
                        row=i,
                        field=col,
                        expected="a verbatim substring of the clean text",
                    )
            inner = spans.get(name)
            if inner and row["span"] not in row[inner]:
                raise DataError(
                    path, f"span {row['span']!r} is not in the {inner}", row=i, field="span"
                )
            if name == "facts" and row["repeated_in"]:
                for b in row["repeated_in"].split(";"):
                    other = block_text.get((row["source_id"], int(b)), "")
                    if row["quote"] not in other:
                        raise DataError(
                            path,
                            f"the quote is not repeated in block {b}",
                            row=i,
                            field="repeated_in",
                        )


UNSTATED = "unstated"
"""The code in ``labels.csv`` of an empty value of a labelled field (a cluster whose text
names no tier: ``clusters.tier``); the charts label an empty value by it."""


def _check_labels(tables: dict[str, pd.DataFrame], pkg: dict) -> None:
    """Every coded value has its words: each value of a field that ``labels.csv`` labels
    (``events.kind`` ...) has a row there, and each ``group`` of a field that has a
    ``<field>_group`` names one of its codes."""
    labels = tables["labels"]
    path = _resource(pkg, "labels")["path"]
    codes = {f: set(g["code"]) for f, g in labels.groupby("field", observed=True)}
    for field in labels["field"].cat.categories:  # the schema's list of labelled fields
        table, _, column = field.partition(".")
        if table not in tables or column not in tables[table]:
            continue
        for i, v in enumerate(tables[table][column], start=2):
            code = v if isinstance(v, str) and v else UNSTATED  # an empty value reads unstated
            if code not in codes.get(field, ()):
                raise DataError(
                    _resource(pkg, table)["path"],
                    f"{v!r} has no words in {path}"
                    if code == v
                    else f"an empty {column} reads {UNSTATED!r}, which has no words in {path}",
                    row=i,
                    field=column,
                    expected=f"a row of {path} with field {field} and code {code}",
                )
    for i, r in enumerate(labels.itertuples(), start=2):
        groups = codes.get(f"{r.field}_group")
        if groups is not None and isinstance(r.group, str) and r.group not in groups:
            raise DataError(
                path,
                f"group {r.group!r} is not a code of {r.field}_group",
                row=i,
                field="group",
                expected="one of " + ", ".join(sorted(groups)),
            )


@lru_cache(maxsize=4)
def _load_all(signature: tuple) -> dict[str, pd.DataFrame]:
    ppath = package_path()
    try:
        pkg = json.loads(ppath.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(ppath, "file not found") from None
    except json.JSONDecodeError as exc:
        raise DataError(ppath, f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
    tables = {}
    for name in _TABLES:
        res = _resource(pkg, name)
        path = paths.data_dir() / res["path"]
        raw = _read_csv(path, res["schema"]["fields"])
        tables[name] = _typed(raw, res, res["path"])
    _check_foreign_keys(tables, pkg)
    _check_labels(tables, pkg)
    _check_text(tables, pkg)
    return tables


def _table(name: str) -> pd.DataFrame:
    # Under the read lock: the tables as they were before a writer's change or after it.
    with txn.reading(paths.data_dir()):
        return _load_all(_signature())[name].copy()


def schema(name: str) -> dict:
    """Return the Frictionless table schema of one resource (``facts``, ``entities`` ...)."""
    pkg = json.loads(package_path().read_text(encoding="utf-8"))
    return _resource(pkg, name)["schema"]


def resource_path(name: str) -> str:
    """Return the path of a table's file in the data folder, as the descriptor gives it
    (``figures`` -> ``curated/figures.csv``)."""
    return _resource(json.loads(package_path().read_text(encoding="utf-8")), name)["path"]


def validate() -> None:
    """Load every table, raising :class:`DataError` at the first problem."""
    with txn.reading(paths.data_dir()):
        _load_all(_signature())


# ---------------------------------------------------------------- public tables


def _label(df: pd.DataFrame, lang: str, column: str = "name") -> pd.DataFrame:
    df[column] = df[f"name_{lang}"]
    return df


def sources(lang: str = "zh") -> pd.DataFrame:
    """Return the source registry with ``title``, ``publisher`` in ``lang``."""
    check_lang(lang)
    df = _table("sources")
    df["title"] = df[f"title_{lang}"]
    df["publisher"] = df[f"publisher_{lang}"]
    return df


def indicators(lang: str = "zh") -> pd.DataFrame:
    """Return the indicators with a ``name`` and a ``short`` name in ``lang`` (the short
    name falls back to the name) and their display metadata (``noun_en``, ``digits``,
    ``positive_means``)."""
    df = _label(_table("indicators"), check_lang(lang))
    df["short"] = df[f"short_{lang}"].fillna(df["name"])
    return df


def units(lang: str = "zh") -> pd.DataFrame:
    """Return the base units with a ``name`` in ``lang`` and their magnitude ladders
    (``ladder_zh``, ``ladder_en``: see :mod:`shanxi_analysis.formatting`)."""
    return _label(_table("units"), check_lang(lang))


def entities(lang: str = "zh") -> pd.DataFrame:
    """Return the entities (places, zones, companies ...) with a ``name`` in ``lang``."""
    return _label(_table("entities"), check_lang(lang))


def events(lang: str = "zh") -> pd.DataFrame:
    """Return the dated milestones with ``title`` in ``lang``, oldest first."""
    check_lang(lang)
    df = _table("events")
    df["title"] = df[f"title_{lang}"]
    return df.sort_values("date", kind="stable").reset_index(drop=True)


def clusters(lang: str = "zh") -> pd.DataFrame:
    """Return the industry clusters by tier and zone with a ``name`` in ``lang``."""
    return _label(_table("clusters"), check_lang(lang))


def excluded_mentions() -> pd.DataFrame:
    """Return the quantities of the text that are not facts, with the reason for each."""
    return _table("excluded_mentions")


def photos() -> pd.DataFrame:
    """Return the photos of the articles: caption, place, date taken, photographer."""
    return _sources.load_photos()


def facts(lang: str = "zh", *, theme: str | None = None) -> pd.DataFrame:
    """Return the facts, typed, with labels in ``lang``: ``indicator``, ``entity``,
    ``theme_label``, ``source_title``, ``qualifier_label`` and ``kind_label``.

    ``theme`` keeps only the facts of one theme (see :data:`THEMES`).
    """
    check_lang(lang)
    if theme is not None and theme not in THEMES:
        raise ValueError(f"theme must be one of {', '.join(THEMES)}, got {theme!r}")
    with txn.reading(paths.data_dir()):
        return _labelled_facts(_signature(), lang, theme).copy()


@lru_cache(maxsize=8)
def _labelled_facts(signature: tuple, lang: str, theme: str | None) -> pd.DataFrame:
    tables = _load_all(signature)  # a DataError is raised here, and nothing is cached
    df = tables["facts"].copy()
    if theme is not None:
        df = df[df["theme"] == theme].reset_index(drop=True)
    li = 0 if lang == "zh" else 1
    ind = tables["indicators"].set_index("indicator_id")[f"name_{lang}"]
    ent = tables["entities"].set_index("entity_id")[f"name_{lang}"]
    src = tables["sources"].set_index("source_id")[f"title_{lang}"]
    df["indicator"] = df["indicator_id"].map(ind)
    df["entity"] = df["entity_id"].map(ent)
    df["source_title"] = df["source_id"].map(src)
    df["theme_label"] = df["theme"].map({k: v[li] for k, v in THEMES.items()}).astype(object)
    df["qualifier_label"] = (
        df["qualifier"].map({k: v[li] for k, v in QUALIFIER_LABELS.items()}).astype(object)
    )
    df["kind_label"] = df["kind"].map({k: v[li] for k, v in KIND_LABELS.items()}).astype(object)
    return df


# ---------------------------------------------------------------- any table of facts

FACT_COLUMNS = (
    "indicator_id",
    "entity_id",
    "period",
    "base_value",
    "base_unit",
    "qualifier",
    "kind",
    "source_id",
    "quote",
)
"""The columns a DataFrame of facts needs (for the chart types, :func:`fact_frame` and
:func:`pick`). Optional: ``fact_id`` (else one is made from the row number), ``indicator``
and ``entity`` (labels; else the package's names, else the ids), ``value`` and ``unit`` (as
written), ``span``, ``quote_en``, ``noun_en`` and ``source_title`` (named in a citation when
the source is not in the package)."""

Selection = str | Sequence[str] | None
"""What :func:`pick` accepts for each field: an id, a list of ids, or ``None`` (any)."""


def _bad_row(df: pd.DataFrame, bad: pd.Index, column: str, expected: str) -> ValueError:
    i = bad[0]
    return ValueError(
        f"data, row {i + 1} ({df.loc[i, 'fact_id']}), column {column!r}: "
        f"{df.loc[i, column]!r} is {expected}"
    )


def fact_frame(data: pd.DataFrame | None = None, lang: str = "zh") -> pd.DataFrame:
    """Return ``data`` (or the package's :func:`facts`) checked as a table of facts, its ids
    as text, with what it lacks of ``fact_id``, ``indicator``, ``short`` (the indicator's
    short name), ``noun_en``, ``entity``, ``quote_en`` and ``kind_label``, in ``lang``: the
    package's labels for its own ids, else the ids. A missing qualifier reads ``none``, a
    missing kind ``actual``.

    Raises ``ValueError`` naming the missing columns (see :data:`FACT_COLUMNS`) or the first
    row whose value, qualifier or kind is not what a fact holds.

    >>> mine = pd.DataFrame({"indicator_id": ["coal_mines"], "entity_id": ["shanxi"],
    ...     "period": ["2020"], "base_value": [900], "base_unit": ["count"], "qualifier": [None],
    ...     "kind": [None], "source_id": ["my-notes"], "quote": ["(fictional)"]})
    >>> fact_frame(mine, "en").loc[0, ["fact_id", "indicator", "qualifier", "kind_label"]].tolist()
    ['row-1', 'Coal mines', 'none', 'actual']
    """
    check_lang(lang)
    if data is None:
        df = facts(lang)
    elif not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame or None, got {type(data).__name__}")
    else:
        missing = [c for c in FACT_COLUMNS if c not in data.columns]
        if missing:
            raise ValueError(
                f"data is missing column(s) {', '.join(missing)}; a DataFrame of facts needs "
                f"{', '.join(FACT_COLUMNS)}"
            )
        df = data.copy().reset_index(drop=True)
    if "fact_id" not in df:
        df["fact_id"] = [f"row-{i + 1}" for i in range(len(df))]
    values = pd.to_numeric(df["base_value"], errors="coerce")
    bad = df.index[values.isna() | ~values.abs().lt(float("inf"))]
    if len(bad):
        raise _bad_row(df, bad, "base_value", "not a finite number")
    df["base_value"] = values.astype(float)
    for col, labels, default in (
        ("qualifier", QUALIFIER_LABELS, "none"),
        ("kind", KIND_LABELS, "actual"),
    ):
        df[col] = df[col].astype(object).where(df[col].notna(), default).astype(str)
        bad = df.index[~df[col].isin(labels)]
        if len(bad):
            raise _bad_row(df, bad, col, f"not one of {', '.join(labels)}")
    for col in ("indicator_id", "entity_id", "period", "source_id", "base_unit"):
        df[col] = df[col].astype(str)
    ind = indicators(lang).set_index("indicator_id")
    known = {
        "indicator": df["indicator_id"].map(ind["name"]).astype(object).fillna(df["indicator_id"]),
        "noun_en": df["indicator_id"].map(ind["noun_en"]).astype(object).fillna(""),
        "entity": df["entity_id"].map(entities(lang).set_index("entity_id")["name"]),
        "quote_en": df["quote"],
        "kind_label": df["kind"].map({k: v[lang == "en"] for k, v in KIND_LABELS.items()}),
    }
    named = {  # the package's names of its own ids, for a table that names them in English
        "indicator": df["indicator_id"].map(ind["name"]),
        "entity": known["entity"],
    }
    for col, default in known.items():
        if col in df and col in named and lang == "zh":  # a Chinese name where one is known
            latin = ~df[col].astype(str).str.contains(r"[\u3400-\u9fff]")
            df[col] = df[col].where(~latin | named[col].isna(), named[col])
        df[col] = df[col] if col in df else default
    df["entity"] = df["entity"].astype(object).fillna(df["entity_id"])
    df["short"] = df["indicator_id"].map(ind["short"]).astype(object).fillna(df["indicator"])
    return df


def as_ids(value: Selection | int) -> list[str] | None:
    """Return a selection as a list of ids (``None``: no selection; one id, or a year given
    as a number, a list of one)."""
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Iterable):
        return [str(value)]
    return [str(v) for v in value]


def pick(
    df: pd.DataFrame,
    *,
    what: str = "pick",
    indicator: Selection = None,
    entity: Selection = None,
    period: Selection = None,
    source: Selection = None,
    kind: Selection = None,
) -> pd.DataFrame:
    """Return the rows of ``df`` (a table of facts) whose indicator, entity, period, source
    and kind are among those asked (``None``: any). When nothing is left, raise
    ``ValueError`` naming ``what`` asked, the selection, and what the data holds.

    >>> len(pick(facts(), indicator="high_tech_enterprises", period=["2015", "2020"]))
    2
    """
    out = df
    for col, asked, name in (
        ("indicator_id", indicator, "indicator"),
        ("entity_id", entity, "entity"),
        ("period", period, "period"),
        ("source_id", source, "source"),
        ("kind", kind, "kind"),
    ):
        wanted = as_ids(asked)
        if wanted is None:
            continue
        kept = out[out[col].isin(wanted)]
        if kept.empty:
            have = sorted(set(out[col]))
            shown = ", ".join(have[:12]) + (" ..." if len(have) > 12 else "")
            raise ValueError(
                f"{what}: no row with {name} {', '.join(wanted)}"
                f"{' among the rows selected so far' if out is not df else ''}; "
                f"the data has {name}(s) {shown or 'none'}"
            )
        out = kept
    return out.reset_index(drop=True)


_PERIOD_RE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?|(\d{4})([QH])([1-4])")


def period_span(period: str) -> tuple[float, float]:
    """Return the start and end of a period in years: a quarter is a quarter of a year, an
    interval runs from its first part's start to its last part's end.

    >>> period_span("2020Q1"), period_span("2016/2020"), period_span("2021-07")[0]
    ((2020.0, 2020.25), (2016.0, 2021.0), 2021.5)
    """
    out = []
    for part in str(period).split("/"):
        m = _PERIOD_RE.fullmatch(part)
        if not m:
            raise ValueError(
                f"period {period!r} is not YYYY, YYYY-MM, YYYY-MM-DD, YYYYQn or YYYYHn"
            )
        if m.group(4):
            year, size, n = int(m.group(4)), 0.25 if m.group(5) == "Q" else 0.5, int(m.group(6))
            out.append((year + (n - 1) * size, year + n * size))
        elif m.group(2):
            start = int(m.group(1)) + (int(m.group(2)) - 1) / 12
            out.append((start, start + 1 / 12))
        else:
            out.append((float(m.group(1)), float(m.group(1)) + 1))
    return out[0][0], out[-1][1]


def granularity(period: str) -> str:
    """Return what a period measures: ``year``, ``half``, ``quarter``, ``month``, ``day``,
    or ``span`` for an interval (``2016/2020``). A trend joins only periods of one kind: a
    year's total and a quarter's are not points of one line.

    >>> [granularity(p) for p in ("2019", "2020Q1", "2021-06", "2016/2020")]
    ['year', 'quarter', 'month', 'span']
    """
    p = str(period)
    if "/" in p:
        return "span"
    if "Q" in p:
        return "quarter"
    if "H" in p:
        return "half"
    return {4: "year", 7: "month", 10: "day"}.get(len(p), "other")


def period_end(period: object) -> float:
    """Return a period's end in years (:func:`period_span`); an undated figure (empty
    period) counts as the oldest."""
    return period_span(period)[1] if isinstance(period, str) and period else float("-inf")


def latest(df: pd.DataFrame, by: str | Sequence[str], order: Selection = None) -> pd.DataFrame:
    """Return the latest row (by :func:`period_end`) of each group of ``df`` by the column or
    columns ``by``, in the order of the indicators ``order`` when given. Of rows with the same
    period, the one that comes last in ``df`` is kept (an article added later wins).

    >>> latest(facts(), ["indicator_id"]).set_index("indicator_id").loc["high_tech_enterprises",
    ...     "period"]
    '2020'
    """
    df = df.assign(_end=[period_end(p) for p in df["period"]])
    by = [by] if isinstance(by, str) else list(by)
    df = df.sort_values("_end", kind="stable").groupby(by, sort=False).tail(1)
    df = df.drop(columns="_end")
    if order is None:
        return df
    at = {i: n for n, i in enumerate(as_ids(order))}
    return df.sort_values("indicator_id", key=lambda s: s.map(at), kind="stable")


def by_id(df: pd.DataFrame, fact_ids: Sequence[str], *, what: str = "by_id") -> pd.DataFrame:
    """Return the rows of ``fact_ids`` in that order; raise ``ValueError`` naming ``what``
    asked and any id the data lacks."""
    missing = [f for f in fact_ids if f not in set(df["fact_id"])]
    if missing:
        raise ValueError(f"{what}: data has no fact(s) {', '.join(missing)}")
    return df.set_index("fact_id").loc[list(fact_ids)].reset_index()


def table_frame(
    data: pd.DataFrame | None,
    lang: str,
    load: Callable[[str], pd.DataFrame],
    columns: Iterable[str],
    *,
    what: str | None = None,
    localized: str | None = None,
) -> pd.DataFrame:
    """Return a copy of ``data`` (or ``load(lang)``) checked for ``columns``, with the column
    ``localized`` (if given and absent) filled from ``{localized}_{lang}``; a missing column
    raises ``ValueError`` naming ``what`` asked and the loader whose columns were expected."""
    df = load(check_lang(lang)) if data is None else data.copy()
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{what + ': ' if what else ''}data is missing column(s) {', '.join(missing)}; "
            f"expected the columns of {load.__module__}.{load.__name__}()"
        )
    if localized and localized not in df:
        df[localized] = df[f"{localized}_{lang}"]
    return df


class _Themes(Mapping):
    """Theme ids with their names ``(zh, en)``, in reading order, read from ``themes.csv`` at
    each use (cached with the other tables), so they follow the data folder and its edits."""

    def _names(self) -> dict[str, tuple[str, str]]:
        return {r.theme_id: (r.name_zh, r.name_en) for r in _table("themes").itertuples()}

    def __getitem__(self, key: str) -> tuple[str, str]:
        return self._names()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __repr__(self) -> str:
        return f"THEMES({self._names()!r})"


THEMES: Mapping[str, tuple[str, str]] = _Themes()
"""Theme ids with their names in Chinese and English, in reading order (``themes.csv``)."""


def themes(lang: str = "zh") -> pd.DataFrame:
    """Return the themes in reading order with a ``name`` in ``lang``, their ``colour`` and
    their ``headline_fact_id`` (the key figure that stands for each on the overview)."""
    return _label(_table("themes"), check_lang(lang))


def figures(lang: str = "zh") -> pd.DataFrame:
    """Return the theme figures that configure a chart type (``figures.csv``) indexed by
    ``figure_id``, with their ``theme``, ``chart_type``, ``options`` (a dict) and their
    ``title`` and ``note`` in ``lang`` (``None`` where empty).

    >>> figures("en").loc["dev_zones_change", ["chart_type", "note"]].tolist()
    ['change', 'As stated by two articles, not one statistical series']
    """
    df = _table("figures").set_index("figure_id")
    return df.assign(title=df[f"title_{check_lang(lang)}"], note=df[f"note_{lang}"])


def labels(field: str, lang: str = "zh") -> pd.DataFrame:
    """Return the labels of the codes of ``field`` (``events.kind``, ``events.date_precision``,
    ``entities.type``, ``entities.type_group``, ``clusters.tier``, ``clusters.group``) indexed
    by ``code``, in legend order, with a
    ``name`` in ``lang``, ``group`` and ``colour`` (``labels.csv``).

    >>> labels("events.kind", "en").loc["policy", "name"]
    'Policy'
    """
    df = _label(_table("labels"), check_lang(lang))
    rows = df[df["field"] == field]
    if rows.empty:
        known = ", ".join(dict.fromkeys(df["field"]))
        raise ValueError(f"labels.csv has no field {field!r}; it has {known}")
    return rows.drop(columns="field").set_index("code")


def coal_energy(lang: str = "zh") -> pd.DataFrame:
    """Return the facts on coal and the energy transition."""
    return facts(lang, theme="coal_energy")


def emerging_industry(lang: str = "zh") -> pd.DataFrame:
    """Return the facts on emerging industries and innovation."""
    return facts(lang, theme="emerging_industry")


def reform_business(lang: str = "zh") -> pd.DataFrame:
    """Return the facts on reform and the business environment."""
    return facts(lang, theme="reform_business")


def development_zones(lang: str = "zh") -> pd.DataFrame:
    """Return the facts on the development zones and the demonstration zone."""
    return facts(lang, theme="development_zones")


def opening_talent(lang: str = "zh") -> pd.DataFrame:
    """Return the facts on opening-up, investment and talent."""
    return facts(lang, theme="opening_talent")


def fact(fact_id: str) -> pd.Series:
    """Return one fact as a Series, raising ``KeyError`` with close matches for an unknown id."""
    df = _table("facts").set_index("fact_id")
    if fact_id not in df.index:
        import difflib

        close = difflib.get_close_matches(fact_id, df.index, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"unknown fact_id {fact_id!r}{hint}")
    return df.loc[fact_id]


def base_value(fact_id: str) -> float:
    """Return a fact's value in its base unit."""
    return float(fact(fact_id)["base_value"])


# ---------------------------------------------------------------- provenance


@dataclass(frozen=True)
class Citation:
    """Where a fact comes from: the quote, its translation, the source and the place in it."""

    fact_id: str
    quote: str
    quote_en: str
    sentence: str
    source_id: str
    title_zh: str
    title_en: str
    publisher_zh: str
    publisher_en: str
    authors: str
    published: str
    block_no: int
    block_kind: str
    start: int
    end: int
    file: str
    repeated_in: tuple[int, ...]

    def reference(self, lang: str = "zh") -> str:
        """Return where the quote is, without the quote: source, date, authors, place."""
        check_lang(lang)
        if lang == "zh":
            return (
                f"{self.publisher_zh}《{self.title_zh}》，{self.published}，{self.authors}；"
                f"第 {self.block_no} 段（{self.block_kind}），字符 {self.start}–{self.end}"
            )
        return (
            f"{self.publisher_en}, “{self.title_en}”, {self.published}, {self.authors}; "
            f"block {self.block_no} ({self.block_kind}), characters {self.start}–{self.end}"
        )

    def text(self, lang: str = "zh") -> str:
        """Return the citation as one line of text in ``lang``: the quote, then where it is."""
        if lang == "zh":
            return f"“{self.quote}”——{self.reference(lang)}"
        return f"“{self.quote_en}” ({self.quote}) — {self.reference(lang)}"

    def __str__(self) -> str:
        return self.text("en")


def cite(fact_id: str) -> Citation:
    """Return where a fact comes from: quote, translation, source, date, publisher and the
    place in the article (block and character offsets in ``sources.load_text``).

    >>> c = cite("lw-coal-mines-2020")
    >>> c.quote, c.source_id, c.block_no
    ('全省煤矿数量减至 900 座以内', 'liaowang-2021', 38)
    """
    with txn.reading(paths.data_dir()):
        return _cite(_signature(), fact_id)


@lru_cache(maxsize=4096)
def _cite(signature: tuple, fact_id: str) -> Citation:
    """:func:`cite` for the data as it is when ``signature`` (:func:`version`) holds: the raw
    articles are part of it, so an edited article gives new citations."""
    f = fact(fact_id)
    src = _table("sources").set_index("source_id").loc[f["source_id"]]
    blocks = _sources.load_blocks(f["source_id"]).set_index("block_no")
    block = blocks.loc[int(f["block_no"])]
    offset = block["text"].index(f["quote"])
    start = int(block["start"]) + offset
    sentence = next(
        (block["text"][a:b] for a, b in _sources.sentences(block["text"]) if a <= offset < b),
        block["text"],
    )
    return Citation(
        fact_id=fact_id,
        quote=f["quote"],
        quote_en=f["quote_en"],
        sentence=sentence,
        source_id=f["source_id"],
        title_zh=src["title_zh"],
        title_en=src["title_en"],
        publisher_zh=src["publisher_zh"],
        publisher_en=src["publisher_en"],
        authors=src["authors"],
        published=src["published"],
        block_no=int(f["block_no"]),
        block_kind=str(block["kind"]),
        start=start,
        end=start + len(f["quote"]),
        file=src["file"],
        repeated_in=tuple(int(b) for b in f["repeated_in"].split(";")) if f["repeated_in"] else (),
    )


def source_names(lang: str = "zh") -> dict[str, str]:
    """Return each source's short name (publisher and date) in ``lang``, by ``source_id``.

    >>> source_names("en")["liaowang-2021"]
    'Liaowang Newsweekly, 2021-11-27'
    """
    check_lang(lang)
    reg = _table("sources").set_index("source_id")
    return {
        sid: (
            f"{r['publisher_zh'].split('（')[0]} {r['published']}"
            if lang == "zh"
            else f"{r['publisher_en'].split(' (')[0]}, {r['published']}"
        )
        for sid, r in reg.iterrows()
    }


def citation_line(source_ids, lang: str = "zh", others: Mapping[str, str] | None = None) -> str:
    """Return the "来源：…" / "Source: …" line for the sources of the rows a chart plots.

    A source outside the package's registry is left out, unless ``others`` is given: then it
    is named by ``others[source_id]`` (a title of one's own), else by its id."""
    check_lang(lang)
    reg = _table("sources").set_index("source_id")
    ids = [s for s in dict.fromkeys(map(str, source_ids)) if s in reg.index or others is not None]
    parts = []
    for sid in ids:
        if sid not in reg.index:
            parts.append(str(others.get(sid) or sid))
            continue
        r = reg.loc[sid]
        if lang == "zh":
            parts.append(f"{r['publisher_zh']}《{r['title_zh']}》（{r['published']}）")
        else:
            parts.append(f"{r['publisher_en']}, “{r['title_en']}” ({r['published']})")
    return ("来源：" + "；".join(parts)) if lang == "zh" else ("Source: " + "; ".join(parts))
