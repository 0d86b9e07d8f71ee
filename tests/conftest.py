"""Shared test set-up."""

from __future__ import annotations

import pytest

from shanxi_analysis import sources


@pytest.fixture(autouse=True)
def _fresh_source_cache():
    """Tests that point the package at another data folder must not see cached blocks."""
    caches = (sources._blocks_cached, sources._registry_cached, sources._sha256_cached)
    for cache in caches:
        cache.cache_clear()
    yield
    for cache in caches:
        cache.cache_clear()
