"""The one formatter: every fact in every language and style, against a table reviewed by
eye once (``tests/golden/figures.tsv``; regenerate with ``python -m tests.test_formatting``
and review the diff)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from shanxi_analysis import datasets, formatting, story

GOLDEN = Path(__file__).parent / "golden" / "figures.tsv"


def _read() -> list[tuple[str, ...]]:
    with open(GOLDEN, encoding="utf-8", newline="") as f:
        return [tuple(r) for r in csv.reader(f, delimiter="\t")][1:]


def _write() -> None:
    GOLDEN.parent.mkdir(exist_ok=True)
    with open(GOLDEN, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["fact_id", "lang", "style", "text"])
        w.writerows(formatting.golden_rows())


def test_every_fact_reads_as_reviewed_in_every_style_and_language():
    got = formatting.golden_rows()
    want = _read()
    assert len(got) == len(datasets.facts()) * len(datasets.LANGS) * len(formatting.STYLES)
    diffs = [(g, w) for g, w in zip(got, want, strict=True) if g != w]
    assert not diffs, f"{len(diffs)} figure(s) changed, e.g. {diffs[:3]}"


def test_the_narrative_uses_the_same_formatter():
    for fact_id, lang, style, text in formatting.golden_rows():
        if style == "prose":
            assert story.figure(fact_id, lang) == text


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((1, "yuan", "none", "fr"), {}, "lang must be one of"),
        ((1, "yuan", "none", "en"), {"style": "poster"}, "style must be one of"),
    ],
)
def test_bad_arguments_are_named(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        formatting.figure(*args, **kwargs)


def test_magnitudes_come_from_the_units_table(tmp_path, monkeypatch):
    import shutil

    from shanxi_analysis import paths

    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    monkeypatch.setenv(paths.DATA_ENV, str(data))
    units = data / "curated" / "units.csv"
    text = units.read_text(encoding="utf-8").replace(
        "1e9 billion yuan; 1e6 million yuan; 1 yuan", "1e8 hundred-million yuan; 1 yuan"
    )
    units.write_text(text, encoding="utf-8")
    assert formatting.figure(150580000000, "yuan", "none", "en") == "1,505.8 hundred-million yuan"


if __name__ == "__main__":
    _write()
