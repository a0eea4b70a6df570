"""The one rule every routing-truth test compares percentiles by, instead of a tolerance each.

If each ticket's measured value and its true value both lie in an interval ``[low_i, high_i]``
known for that ticket, then the p-th nearest-rank percentile of the measured values lies between
the p-th percentile of the lows and that of the highs (order statistics are monotone, whatever
the pairing), and so does the truth's. The harness's histogram then adds its documented
relative error. So a test states what it knows per ticket (a polling bracket, a webhook's
loopback transit, an exact sample) and :func:`assert_percentiles_in_band` does the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from harness.metrics.histogram import Histogram
from tests.load.helpers import nearest_rank

__all__ = ["assert_percentiles_in_band", "hull", "percentile_band"]


def percentile_band(
    intervals: Sequence[tuple[float, float]],
    p: float,
    relative_error: float = Histogram.RELATIVE_ERROR,
) -> tuple[float, float]:
    """Where the p-th percentile of values each within its interval lies (histogram error
    included)."""
    low = nearest_rank([lo for lo, _ in intervals], p)
    high = nearest_rank([hi for _, hi in intervals], p)
    return low * (1 - relative_error), high * (1 + relative_error)


def hull(*values: float) -> tuple[float, float]:
    """The smallest interval holding every value (a bracket and the truth, say)."""
    return min(values), max(values)


def assert_percentiles_in_band(
    measured: Mapping[str, Any],
    intervals: Sequence[tuple[float, float]],
    percentiles: Iterable[float],
    context: object = None,
) -> None:
    """``measured`` is a summary metric (``p50_ms``...); every interval must hold its ticket's
    measured and true values."""
    assert intervals, "no ticket to compare"
    assert all(lo <= hi for lo, hi in intervals)
    for p in percentiles:
        low, high = percentile_band(intervals, p)
        value = measured[f"p{p}_ms"]
        assert low <= value <= high, (p, low, value, high, context)
