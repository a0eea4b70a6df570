"""When is a difference between two runs real? Bootstrap-free rules, one per kind of number.

Each rule returns the half-width of a *noise band*: a change smaller than the band is reported
as "within noise", never as a regression or an improvement.

Latency percentiles (p50/p95/p99 of a trend)
    The band is the larger of

    1. the histograms' stated relative error: ``ε_a·a + ε_b·b`` (two values closer than that
       may come from the same bucket), and
    2. twice the standard error of the difference, estimated from each run's *own* per-second
       spread by the method of batch means: the run's per-second values of that percentile are
       cut into consecutive batches of 10 seconds, each batch is summarised by its median, and
       ``SE = stdev(batch medians) / sqrt(batches)``; the band is ``2·sqrt(SE_a² + SE_b²)``
       (about 95 %). Batches absorb the correlation between neighbouring seconds that would
       make a plain per-second standard error far too small. With fewer than three batches
       the run's spread is taken whole: ``1.4826·MAD`` of its per-second values (conservative).

Rates (errors, unrouted, throttled: hits out of a total)
    Newcombe's hybrid score interval (95 %) for the difference of two proportions, built from
    each run's Wilson score interval. The change is within noise when the interval contains 0.
    It stays honest for small counts (0 of 2,400 against 2 of 2,400 is noise).

Per-second throughputs (counts over a duration)
    Poisson: ``|a - b| < 1.96·sqrt(count_a/t_a² + count_b/t_b²)``.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

__all__ = [
    "BATCH_SECONDS",
    "Z95",
    "batch_standard_error",
    "count_rate_band",
    "latency_band",
    "rate_difference_interval",
    "wilson",
]

Z95 = 1.959964
BATCH_SECONDS = 10
_MAD_TO_SD = 1.4826


def wilson(hits: int, total: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of ``hits / total``; (0, 1) when total is 0."""
    if total <= 0:
        return 0.0, 1.0
    p = hits / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def rate_difference_interval(
    hits_a: int, total_a: int, hits_b: int, total_b: int
) -> tuple[float, float]:
    """Newcombe's hybrid score interval (method 10) for ``p_b - p_a``."""
    pa, pb = hits_a / total_a, hits_b / total_b
    la, ua = wilson(hits_a, total_a)
    lb, ub = wilson(hits_b, total_b)
    delta = pb - pa
    return (
        delta - math.sqrt((pb - lb) ** 2 + (ua - pa) ** 2),
        delta + math.sqrt((ub - pb) ** 2 + (pa - la) ** 2),
    )


def batch_standard_error(per_second: Sequence[float | None]) -> float | None:
    """The standard error of a run's level from its per-second values (None: a second without
    samples, skipped); None when there are no values at all."""
    values = [v for v in per_second if v is not None]
    if not values:
        return None
    batches = [
        statistics.median(batch)
        for start in range(0, len(values), BATCH_SECONDS)
        if (batch := values[start : start + BATCH_SECONDS])
    ]
    if len(batches) >= 3:
        return statistics.stdev(batches) / math.sqrt(len(batches))
    middle = statistics.median(values)
    return _MAD_TO_SD * statistics.median(abs(v - middle) for v in values)


def latency_band(
    a: float,
    b: float,
    *,
    error_a: float,
    error_b: float,
    seconds_a: Sequence[float | None] = (),
    seconds_b: Sequence[float | None] = (),
) -> float:
    """Half-width of the noise band between two latency percentiles ``a`` and ``b`` (ms)."""
    band = error_a * abs(a) + error_b * abs(b)
    se_a, se_b = batch_standard_error(seconds_a), batch_standard_error(seconds_b)
    if se_a is not None and se_b is not None:
        band = max(band, 2 * math.sqrt(se_a**2 + se_b**2))
    return band


def count_rate_band(count_a: int, seconds_a: float, count_b: int, seconds_b: float) -> float:
    """Half-width of the noise band between two Poisson rates (per second)."""
    if seconds_a <= 0 or seconds_b <= 0:
        return math.inf
    return Z95 * math.sqrt(count_a / seconds_a**2 + count_b / seconds_b**2)
