"""Candidates proposed for exclusion (shanxi_analysis.ingest.exclusions), and the layout of
the ingest package: one module per field, every name still reachable from
``shanxi_analysis.ingest``. Every sentence here is fictional, written for these tests.
"""

from __future__ import annotations

import importlib

import pytest

from shanxi_analysis import ingest
from shanxi_analysis.ingest import exclusions


def _reasons(lexicon, text):
    cands = ingest.propose(
        text.encode("utf-8"),
        "fictional.txt",
        lexicon,
        ingest.Overrides(published="2023-05-10", title="虚构的测试文章"),
    )["candidates"]
    return {c["span"].replace(" ", ""): c["reason_code"] for c in cands}


@pytest.mark.parametrize(
    ("text", "span", "code"),
    [
        ("（虚构）示例县从以下四个方面推进改革。", "四个", "enumeration"),
        ("（虚构）示例县印发《示例县氢能发展3年行动计划》，新增岗位300个。", "3年", "name"),
        ("（虚构）示例县的新城像10个足球场那么大。", "10个", "figurative"),
    ],
)
def test_structural_named_and_figurative_figures_are_proposed_for_exclusion(
    lexicon, text, span, code
):
    got = _reasons(lexicon, text)
    assert got.get(span) == code or any(k.startswith(span) and v == code for k, v in got.items())


def test_a_repeat_is_proposed_for_exclusion():
    # fictional candidates: the same figure and subject twice
    first = {
        "span": "5%",
        "base_unit": "percent",
        "qualifier": "",
        "subject": "出口总值",
        "block_no": 1,
        "start": 3,
        "exclude": False,
        "candidate_id": "t-1-3",
        "rules": {},
    }
    again = {**first, "block_no": 2, "start": 8, "candidate_id": "t-2-8", "rules": {}}
    exclusions._mark_repeats([first, again], {1: "paragraph", 2: "paragraph"})
    assert not first["exclude"]
    assert again["exclude"] and again["reason_code"] == "repeat"


_FIELDS = ("period", "kind", "measure", "entity", "subject", "indicator", "exclusions")


@pytest.mark.parametrize("field", _FIELDS)
def test_each_field_has_its_module(field):
    module = importlib.import_module(f"shanxi_analysis.ingest.{field}")
    assert module.__doc__


def test_every_name_of_the_field_modules_is_reachable_from_the_package():
    for field in (*_FIELDS, "common", "lexicon", "candidates"):
        module = importlib.import_module(f"shanxi_analysis.ingest.{field}")
        for name, value in vars(module).items():
            if not name.startswith("__") and getattr(value, "__module__", module.__name__) == (
                module.__name__
            ):
                assert getattr(ingest, name) is value, (field, name)
    with pytest.raises(AttributeError):
        ingest.no_such_rule  # noqa: B018
