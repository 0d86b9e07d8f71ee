"""A process forked from one that has drawn with vl-convert still draws (a report's worker
is such a fork): vl-convert's threads do not survive a fork, and a call there used to wait
forever, so a cold build (the Vega bundle made first in the parent) hung."""

from __future__ import annotations

import multiprocessing as mp

from shanxi_analysis import render

SPEC = {
    "data": {"values": [{"a": 1, "b": 2}, {"a": 2, "b": 3}]},
    "mark": "bar",
    "encoding": {
        "x": {"field": "a", "type": "quantitative"},
        "y": {"field": "b", "type": "quantitative"},
    },
}


def _draw(queue) -> None:
    queue.put(render.to_svg(SPEC))


def test_a_fork_of_a_process_that_drew_draws_too():
    here = render.to_svg(SPEC)  # this process now runs vl-convert's threads
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_draw, args=(queue,))
    child.start()
    try:
        there = queue.get(timeout=120)  # before the fix: no answer, ever
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.kill()
    assert there == here
