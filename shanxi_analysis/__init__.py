"""Shanxi transformation analysis."""

from . import jupyter as _jupyter

__version__ = "0.1.0"

# In a Jupyter kernel: charts that draw offline and readable DataFrames, with no setup line.
_jupyter.setup()
