"""Adding articles: accuracy on the seeds and speed on generated articles.

Run with ``make bench`` or ``.venv/bin/python benchmarks/ingest.py [--articles N]``.

* **Seeds**: ``add --dry-run`` on both raw articles (with the publication date the registry
  records), each curated fact matched to the candidate at the same block and span; the
  share of curated facts whose candidate has the right period, kind, entity, indicator,
  and all four at once. Targets: period, kind and entity 95%, indicator 85%.
* **Real articles** (when ``../shared/dev-articles`` or ``--dev FOLDER`` holds labelled
  articles and their ``expected.json``): the share of labelled facts found, and of those
  with the right period, kind (and kind of the facts that are not ``actual``), measure,
  direction, entity and subject, scored as that folder's ``score.py`` does, against its
  targets. The folder is read at run time; nothing of it belongs in this repository.
* **Speed**: articles per second per core on generated articles (sentences drawn at
  random from a fictional template list), on one process and on all cores, against
  the plain way (``extract`` on each block, which finds the numbers and nothing else);
  in wall time and in CPU time (which other work on a shared machine does not lengthen;
  the workers' CPU time is counted once they have ended).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shanxi_analysis import ingest, paths, quantities, sources  # noqa: E402

TARGETS = {"period": 0.95, "kind": 0.95, "entity": 0.95, "indicator": 0.85}
DEV_TARGETS = {
    "recall": 0.95,
    "period": 0.90,
    "kind": 0.90,
    "kind_not_actual": 0.75,
    "measure": 0.85,
    "direction": 0.90,
    "entity": 0.85,
    "subject": 0.80,
}
DEV_FOLDERS = (ROOT.parent / "shared" / "dev-articles", ROOT.parents[1] / "shared" / "dev-articles")


_COLUMNS = {"period": "period", "kind": "kind", "entity": "entity_id", "indicator": "indicator_id"}


def seed_table() -> pd.DataFrame:
    """Return one row per seed source and one for both: the share of curated facts whose
    candidate has each field right."""
    lexicon = ingest.Lexicon.from_data()
    facts = pd.read_csv(
        paths.curated_dir() / "facts.csv", dtype=str, keep_default_na=False, encoding="utf-8"
    )
    reg = sources.registry().set_index("source_id")
    rows = []
    for sid, group in facts.groupby("source_id"):
        entry = reg.loc[sid]
        path = paths.data_dir() / entry["file"]
        result = ingest.propose(
            path.read_bytes(),
            str(path),
            lexicon,
            ingest.Overrides(published=entry["published"], source_id=sid),
        )
        texts = {i: b.text for i, b in enumerate(sources.blocks(sid), start=1)}
        by_pos = {(c["block_no"], c["start"]): c for c in result["candidates"]}
        for f in group.to_dict("records"):
            block = int(f["block_no"])
            qpos = texts[block].find(f["quote"])
            start = qpos + f["quote"].find(f["span"]) if qpos >= 0 else -1
            c = by_pos.get((block, start))
            ok = {
                "found": c is not None,
                "period": c is not None and c["period"] == f["period"],
                "kind": c is not None and c["kind"] == f["kind"],
                "entity": c is not None and c["entity_id"] == f["entity_id"],
                "indicator": c is not None and c["indicator_id"] == f["indicator_id"],
            }
            ok["all"] = all(ok[k] for k in ("period", "kind", "entity", "indicator"))
            got = {
                f"{k}_got": (c[col] if c else None, c["rules"].get(k, "") if c else "")
                for k, col in _COLUMNS.items()
            }
            rows.append(
                {"source_id": sid, "fact_id": f["fact_id"], "quote": f["quote"], **ok, **got}
                | {f"{k}_expected": f[col] for k, col in _COLUMNS.items()}
            )
    df = pd.DataFrame(rows)
    return df


def _same_value(a, b) -> bool:
    import math

    a = a if isinstance(a, list) else [a, a]
    b = b if isinstance(b, list) else [b, b]
    try:
        return all(
            math.isclose(float(x), float(y), rel_tol=1e-6) for x, y in zip(a, b, strict=False)
        )
    except (TypeError, ValueError):
        return False


def _norm(text: str) -> str:
    import re

    text = re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "", text or "")
    return ingest.to_simplified(text).replace(" ", "").replace("\u3000", "")


def dev_scores(folder: Path, show_misses: bool = False) -> dict[str, float]:
    """Score the proposals on the labelled real articles of ``folder`` (``expected.json``
    and the ``.txt`` files, kept outside this repository) the way its ``score.py`` does:
    each labelled fact matched to a candidate by base value and unit in reading order, then
    period, kind, measure, direction, entity (names contain each other) and subject (a
    keyword in it) compared. Reads the folder at run time; nothing of it is copied."""
    import json

    lexicon = ingest.Lexicon.from_data()
    names = dict(
        zip(
            *(
                pd.read_csv(paths.curated_dir() / "entities.csv", dtype=str, keep_default_na=False)[
                    c
                ]
                for c in ("entity_id", "name_zh")
            ),
            strict=True,
        )
    )
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    tot = dict.fromkeys(
        ("facts", "found", "period", "kind", "measure", "direction", "entity", "subject",
         "not_actual", "not_actual_ok"),
        0,
    )  # fmt: skip
    misses = []
    for name, meta in expected.items():
        if name.startswith("_"):
            continue
        got = ingest.propose(
            (folder / name).read_bytes(),
            name,
            lexicon,
            ingest.Overrides(
                published=meta["published"],
                title=meta["title"][:120],
                publisher=meta["publisher"][:80],
            ),
        )["candidates"]
        tot["facts"] += len(meta["facts"])
        used: set[int] = set()
        j0 = 0
        for f in meta["facts"]:
            order = [*range(j0, len(got)), *range(0, j0)]
            hit = next(
                (
                    j
                    for j in order
                    if j not in used
                    and _same_value(got[j]["base_value"], f["base_value"])
                    and got[j]["base_unit"] == f["base_unit"]
                ),
                None,
            )
            if hit is None:
                misses.append(f"{name}: {f['span']}: not found")
                continue
            used.add(hit)
            j0 = hit + 1
            c = got[hit]
            tot["found"] += 1
            entity = [e for e in (c["entity_name"], names.get(c["entity_id"] or "", "")) if e]
            want = _norm(f["entity"])
            ok = {
                "period": (c["period"] or "") == f["period"],
                "kind": c["kind"] == f["kind"],
                "measure": c["measure"] == f["measure"],
                "direction": (c["direction"] or "") == (f.get("direction") or ""),
                "entity": bool(want)
                and any(want in _norm(e) or _norm(e) in want for e in entity if _norm(e)),
                "subject": any(_norm(k) in _norm(c["subject"]) for k in f["subject"]),
            }
            if f["kind"] != "actual":
                tot["not_actual"] += 1
                tot["not_actual_ok"] += ok["kind"]
            for k, v in ok.items():
                tot[k] += v
                if not v:
                    shown = (
                        c["subject"]
                        if k == "subject"
                        else c.get(k if k != "entity" else "entity_name")
                    )
                    rule = c["rules"].get(k, "")
                    misses.append(f"{name}: {f['span']}: {k} {shown!r}, labelled {f[k]!r} ({rule})")
    found = max(tot["found"], 1)
    scores = {"recall": tot["found"] / max(tot["facts"], 1)}
    scores |= {
        k: tot[k] / found for k in ("period", "kind", "measure", "direction", "entity", "subject")
    }
    scores["kind_not_actual"] = tot["not_actual_ok"] / max(tot["not_actual"], 1)
    scores["facts"] = tot["facts"]
    if show_misses:
        print("\n".join(misses))
    return scores


def summarise(df: pd.DataFrame) -> pd.DataFrame:
    cols = ["found", "period", "kind", "entity", "indicator", "all"]
    table = df.groupby("source_id")[cols].mean()
    table.loc["both"] = df[cols].mean()
    table.insert(0, "facts", [*df.groupby("source_id").size(), len(df)])
    return table


_TEMPLATES = (
    "（虚构）{y}年，示例市规上工业增加值增长{p}%，比全省平均水平高{pp}个百分点。",
    "（虚构）截至{y}年6月，全市累计建成{n}座充电站，总投资{m}亿元。",
    "（虚构）一季度，示例开发区完成进出口总值{m}亿元，同比下降{p}%。",
    "（虚构）到{y2}年，力争新能源装机达到{n}万千瓦，占比{p}%左右。",
    "（虚构）据测算，项目投产后每年可减少二氧化碳排放{n}万吨。",
)


def generated_article(i: int) -> bytes:
    rnd = random.Random(i)
    lines = ["---", f"title: 虚构的测试文章 {i}", "date: 2024-03-15", "---", ""]
    for _ in range(20):
        t = rnd.choice(_TEMPLATES)
        lines.append(
            t.format(
                y=rnd.randint(2015, 2023),
                y2=rnd.randint(2025, 2030),
                p=round(rnd.uniform(0.5, 30), 1),
                pp=round(rnd.uniform(0.1, 9), 1),
                n=rnd.randint(2, 900),
                m=round(rnd.uniform(1, 500), 1),
            )
        )
        lines.append("")
    return "\n".join(lines).encode()


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the pool's
    workers, once it is shut down): the measure that other work on the machine does not
    lengthen, unlike the wall clock."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def speed(n: int) -> pd.DataFrame:
    import tempfile

    lexicon = ingest.Lexicon.from_data()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(n):
            p = Path(tmp) / f"article-{i:05d}.md"
            p.write_bytes(generated_article(i))
            files.append(str(p))
        t0, c0 = time.perf_counter(), _cpu()
        for f in files:
            text = sources.read_article(f)
            for b in sources.parse_document(text, path=f):
                quantities.extract(b.text)
        plain, plain_cpu = time.perf_counter() - t0, _cpu() - c0
        rows.append(("plain: read, parse and extract numbers only, 1 process", 1, plain, plain_cpu))
        t0, c0 = time.perf_counter(), _cpu()
        ingest.propose_many(files, lexicon, jobs=1, progress=False)
        rows.append(("propose candidates, 1 process", 1, time.perf_counter() - t0, _cpu() - c0))
        cores = os.cpu_count() or 1
        t0, c0 = time.perf_counter(), _cpu()
        ingest.propose_many(files, lexicon, jobs=cores, progress=False)
        rows.append(
            (
                f"propose candidates, {cores} processes",
                cores,
                time.perf_counter() - t0,
                _cpu() - c0,
            )
        )
    out = pd.DataFrame(rows, columns=["run", "cores", "seconds", "CPU seconds"])
    out["articles/s"] = n / out["seconds"]
    out["articles/s per core"] = out["articles/s"] / out["cores"]
    out["articles per CPU-s"] = n / out["CPU seconds"]
    out["vs plain"] = plain / out["seconds"]
    out["vs plain, CPU"] = plain_cpu / out["CPU seconds"]
    return out.round(3)


def dask_speed(n: int, scheduler: str | None = None) -> pd.DataFrame:
    """Throughput of ``ingest.propose`` over a ``dask.bag`` of ``n`` generated articles on a
    ``dask.distributed`` cluster: a LocalCluster of 1, then 2 worker processes on 127.0.0.1,
    or the workers of ``scheduler`` (an address such as ``tcp://10.0.0.5:8786``)."""
    import dask
    import dask.bag as db
    from dask.distributed import Client, LocalCluster

    lexicon = ingest.Lexicon.from_data()
    articles = [(generated_article(i), f"article-{i:05d}.md") for i in range(n)]
    rows = []

    def run(client: Client, label: str) -> None:
        workers = len(client.scheduler_info()["workers"])
        bag = db.from_sequence(articles, npartitions=max(1, workers) * 8)
        mapped = bag.starmap(ingest.propose, lexicon=dask.delayed(lexicon))
        # Every worker up, its rule tables built (lazily, on a first article) before the clock.
        client.run(ingest.propose, *articles[0], lexicon)
        t0 = time.perf_counter()
        results = mapped.compute()
        seconds = time.perf_counter() - t0
        assert len(results) == n
        rows.append((label, workers, seconds))

    if scheduler:
        with Client(scheduler) as client:
            run(client, f"dask.distributed at {scheduler}")
    else:
        for workers in (1, 2):
            with (
                LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                ) as cluster,
                Client(cluster) as client,
            ):
                run(client, f"dask.distributed LocalCluster, {workers} worker process(es)")
    out = pd.DataFrame(rows, columns=["run", "workers", "seconds"])
    out["articles/s"] = n / out["seconds"]
    out["articles/s per worker"] = out["articles/s"] / out["workers"]
    return out.round(3)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000, help="generated articles (1000)")
    ap.add_argument(
        "--dask",
        action="store_true",
        help="only the throughput of propose over a dask.bag on dask.distributed, with 1 and "
        "2 local worker processes (2000 articles unless --articles is given)",
    )
    ap.add_argument(
        "--scheduler",
        default=None,
        help="with --dask: the address of a running dask scheduler (tcp://HOST:8786) to use "
        "instead of a local cluster",
    )
    ap.add_argument("--seeds-only", action="store_true", help="skip the speed benchmark")
    ap.add_argument(
        "--dev",
        type=Path,
        default=next((d for d in DEV_FOLDERS if (d / "expected.json").exists()), None),
        help="folder of labelled real articles (expected.json), scored when present "
        "(default: ../shared/dev-articles beside the project, when it exists)",
    )
    ap.add_argument(
        "--misses",
        action="store_true",
        help="list the facts a field missed: quote, expected, proposed and the rule",
    )
    args = ap.parse_args()
    if args.dask:
        n = args.articles if "--articles" in sys.argv else 2000
        print(f"propose over a dask.bag on {n} generated articles")
        print(dask_speed(n, args.scheduler).to_string(index=False))
        return 0
    df = seed_table()
    table = summarise(df)
    print("Seeds: share of curated facts whose candidate has the field right")
    print((table.drop(columns="facts") * 100).round(1).assign(facts=table["facts"]).to_string())
    both = table.loc["both"]
    below = [f"{k} {both[k]:.1%} < {v:.0%}" for k, v in TARGETS.items() if both[k] < v]
    print("targets: " + ("all met" if not below else "NOT met: " + "; ".join(below)))
    if args.misses:
        for col in _COLUMNS:
            missed = df[~df[col]]
            print(f"\n{col} missed ({len(missed)}):")
            for r in missed.to_dict("records"):
                value, rule = r[f"{col}_got"]
                print(f"  {r['fact_id']}: {r['quote']}")
                print(f"    expected {r[f'{col}_expected']!r}, proposed {value!r} by {rule!r}")
    if args.dev is not None and (args.dev / "expected.json").exists():
        print()
        print(f"Real articles in {args.dev}: share of labelled facts with the field right")
        if args.misses:
            print()
        dev = dev_scores(args.dev, show_misses=args.misses)
        print(
            " ".join(f"{k} {dev[k]:.2f}/{v:.2f}" for k, v in DEV_TARGETS.items())
            + f"  ({dev['facts']} labelled facts)"
        )
        low = [f"{k} {dev[k]:.2f} < {v:.2f}" for k, v in DEV_TARGETS.items() if dev[k] < v]
        print("targets: " + ("all met" if not low else "NOT met: " + "; ".join(low)))
        below += low
    if not args.seeds_only:
        print()
        print(f"Speed on {args.articles} generated articles")
        print(speed(args.articles).to_string(index=False))
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
