"""Shared test set-up."""

from __future__ import annotations

import pytest

from shanxi_analysis import sources


@pytest.fixture(autouse=True)
def _fresh_source_cache():
    """Tests that point the package at another data folder must not see cached blocks."""
    sources._blocks_cached.cache_clear()
    yield
    sources._blocks_cached.cache_clear()
