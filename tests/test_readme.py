"""The README's examples print what the README shows."""

from __future__ import annotations

import doctest

from shanxi_analysis import paths


def test_the_readme_examples_print_what_it_shows():
    result = doctest.testfile(
        str(paths.PROJECT_ROOT / "README.md"),
        module_relative=False,
        optionflags=doctest.NORMALIZE_WHITESPACE,  # the README wraps long output lines
        verbose=False,
    )
    assert result.attempted >= 4 and result.failed == 0
