"""Derived metrics: small pure functions over numbers, used by the checks, charts and notebooks.

Rates are fractions unless a name says ``pct`` (``0.04`` is 4%; ``pct=4.0`` is 4%).
"""

from __future__ import annotations

import math


def _positive(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")


def growth(start: float, end: float) -> float:
    """Return the total growth from ``start`` to ``end`` as a fraction.

    >>> growth(720, 3188)  # doctest: +ELLIPSIS
    3.427...
    """
    _positive("start", start)
    return end / start - 1


def cagr(start: float, end: float, years: float) -> float:
    """Return the compound annual growth rate from ``start`` to ``end`` over ``years``.

    >>> round(cagr(720, 3188, 5), 4)
    0.3466
    """
    _positive("start", start)
    _positive("end", end)
    _positive("years", years)
    return (end / start) ** (1 / years) - 1


def implied_total(part: float, share_pct: float) -> float:
    """Return the whole that ``part`` is ``share_pct`` percent of.

    >>> implied_total(998.8, 69)  # doctest: +ELLIPSIS
    1447.5...
    """
    _positive("share_pct", share_pct)
    return part / (share_pct / 100)


def implied_previous(current: float, growth_pct: float) -> float:
    """Return the previous-period value implied by ``current`` and its growth in percent.

    >>> round(implied_previous(1505.8, 4), 1)
    1447.9
    """
    if growth_pct <= -100:
        raise ValueError(f"growth_pct must be above -100, got {growth_pct!r}")
    return current / (1 + growth_pct / 100)


def implied_rate(gap_pp: float, rate_pct: float) -> float:
    """Return the reference rate implied by ``rate_pct`` being ``gap_pp`` points above it.

    >>> round(implied_rate(2.1, 4), 1)  # national trade growth when Shanxi's 4% is 2.1 pp above
    1.9
    """
    return rate_pct - gap_pp


def simple_interest(principal: float, annual_rate_pct: float, months: float) -> float:
    """Return the simple interest on ``principal`` at ``annual_rate_pct`` for ``months``.

    >>> simple_interest(1.5e8, 4.75, 9)
    5343750.0
    """
    return principal * annual_rate_pct / 100 * months / 12


def significant(x: float, digits: int) -> float:
    """Return ``x`` rounded to ``digits`` significant figures (a derived value is no more
    precise than the figures it comes from).

    >>> significant(108477.56, 3)
    108000.0
    """
    return float(f"{x:.{digits}g}")


def scale(value: float, factor: float) -> float:
    """Return ``value`` times ``factor`` (e.g. one phase's saving times the number of phases).

    >>> scale(5343750.0, 2)
    10687500.0
    """
    return value * factor


def relative_difference(a: float, b: float) -> float:
    """Return ``|a - b|`` relative to the larger magnitude of the two (0 when both are 0)."""
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def per_unit(total: float, units: float) -> float:
    """Return ``total`` divided by ``units`` (e.g. kWh per household).

    >>> round(per_unit(8e7, 3.4e4))
    2353
    """
    _positive("units", units)
    return total / units
