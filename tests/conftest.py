"""Shared test set-up."""

from __future__ import annotations

import shutil

import pytest

from shanxi_analysis import paths, sources


@pytest.fixture(autouse=True)
def _fresh_source_cache():
    """Tests that point the package at another data folder must not see cached blocks."""
    caches = (sources._blocks_cached, sources._registry_cached, sources._sha256_cached)
    for cache in caches:
        cache.cache_clear()
    yield
    for cache in caches:
        cache.cache_clear()


@pytest.fixture
def tmp_data(tmp_path, monkeypatch):
    """A copy of the data folder that the package reads for this test, to edit freely."""
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    monkeypatch.setenv(paths.DATA_ENV, str(data))
    return data


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory):
    """Every report in both languages and the index, built once for the session."""
    from shanxi_analysis import report

    out = tmp_path_factory.mktemp("built-reports")
    result = report.build(out=out, progress=False)
    assert result.ok, [(t.output.name, t.message) for t in result] + result.problems
    return out


@pytest.fixture(scope="module")
def lexicon():
    """The names, indicators and units ``shanxi-analysis add`` matches against."""
    from shanxi_analysis import ingest

    return ingest.Lexicon.from_data()
