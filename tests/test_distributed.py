"""Past one machine: ``ingest.propose`` over a ``dask.bag`` on a ``dask.distributed`` cluster
(issue 23). The ``dask`` extra is part of ``make test``, so this runs in CI, never skipped."""

from __future__ import annotations

import os
from pathlib import Path

import dask
import dask.bag as db
from dask.distributed import Client, LocalCluster, get_task_stream

from shanxi_analysis import ingest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTICLES = [
    FIXTURES / "fictional-article.md",
    FIXTURES / "articles" / "gb18030.txt",
    FIXTURES / "articles" / "utf16.txt",
    FIXTURES / "articles" / "coal-mines-2020.md",
    FIXTURES / "articles" / "utf8-bom.md",
    FIXTURES / "articles" / "hexo-post.md",
]


def test_propose_over_a_bag_on_a_local_cluster_of_two_processes(lexicon):
    """Two worker processes on 127.0.0.1, as a remote scheduler's workers would be: the
    lexicon travels once (a delayed value), the articles as bytes, and every article's
    proposal is what one process proposes."""
    articles = [(path.read_bytes(), path.name) for path in ARTICLES]
    expected = [ingest.propose(data, name, lexicon) for data, name in articles]
    assert sum(len(r["candidates"]) for r in expected) >= 10
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        workers = client.scheduler_info()["workers"]
        assert len(workers) == 2 and all(a.startswith("tcp://127.0.0.1:") for a in workers)
        pids = client.run(os.getpid)
        assert os.getpid() not in pids.values() and len(set(pids.values())) == 2
        bag = db.from_sequence(articles, npartitions=len(articles))
        with get_task_stream(client) as stream:
            got = bag.starmap(ingest.propose, lexicon=dask.delayed(lexicon)).compute()
        ran_on = {task["worker"] for task in stream.data}
    assert got == expected
    assert ran_on and ran_on <= set(workers)  # on the cluster's workers, not in the test
