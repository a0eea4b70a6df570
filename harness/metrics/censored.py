"""A distribution from brackets: each polled assignment is known only to lie in ``(low, high]``.

Spreading each ticket evenly over its own bracket over-states a distribution with a sharp
edge (a vendor that always assigns within 1 s shows a p99 far above 1 s when the last bracket
spans 0.7-1.2 s). The non-parametric maximum-likelihood estimate (Turnbull's EM) uses every
ticket's bracket at once: with poll schedules jittered per ticket the brackets overlap at
different places, and the estimate puts the mass where they agree. Time is cut into
``bin_ms`` bins; one EM step is O(tickets + bins) because each bracket is a contiguous run of
bins (prefix sums). A smoothing step after each EM step (EMS) keeps the estimate from clumping
into spikes; it never moves mass out of Turnbull's support: above the largest lower bound the
likelihood puts every ticket below the smallest upper bound that lies above it (and symmetrically
at the bottom), so mass beyond is spread back inside (a kernel renormalised at the edges) rather
than leaked into a tail no bracket supports. Each ticket then gets one value drawn from the
estimate restricted to its own bracket, at a low-discrepancy quantile, so a histogram of the
values is the estimate.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["impute_from_brackets"]

_GOLDEN = 0.6180339887498949


def _smooth(values: Any, kernel: Any) -> Any:
    """``values`` convolved with the odd-length ``kernel``, same length even if shorter."""
    import numpy as np

    half = (len(kernel) - 1) // 2
    return np.convolve(values, kernel, mode="full")[half : half + len(values)]


def impute_from_brackets(
    brackets: Sequence[tuple[float, float]],
    bin_ms: float = 5.0,
    iterations: int = 100,
    max_bins: int = 20_000,
    smooth_ms: float = 40.0,
) -> list[float]:
    """One value in ms per ``(low_ms, high_ms)`` bracket, distributed as the NPMLE."""
    if not brackets:
        return []
    import numpy as np  # here: the load processes import this module, numpy costs start-up

    lows = np.array([max(0.0, b[0]) for b in brackets])
    highs = np.maximum(np.array([b[1] for b in brackets]), lows)
    span = float(highs.max())
    width = max(bin_ms, span / max_bins)
    bins = int(span // width) + 2
    first = np.minimum((lows // width).astype(np.int64), bins - 1)
    last = np.minimum((highs // width).astype(np.int64) + 1, bins)  # exclusive
    last = np.maximum(last, first + 1)
    top = float(highs[highs >= lows.max()].min())
    bottom = float(lows[lows <= highs.min()].max())
    allowed = np.zeros(bins)
    allowed[int(bottom // width) : int(top // width) + 1] = 1.0
    weights = np.zeros(bins + 1)
    for start, end in zip(first, last, strict=True):  # start: each bracket spread evenly
        weights[start] += 1.0 / (end - start)
        weights[end] -= 1.0 / (end - start)
    mass = np.cumsum(weights)[:bins] * allowed
    mass /= mass.sum()
    n = len(brackets)
    taps = int(smooth_ms // width) | 1
    kernel = np.bartlett(taps + 2)[1:-1] if taps >= 3 else None
    if kernel is not None:
        kernel /= kernel.sum()
        reach = _smooth(allowed, kernel)  # the kernel's share that stays inside
        reach[reach <= 0] = 1.0
    for _ in range(iterations):
        prefix = np.concatenate(([0.0], np.cumsum(mass)))
        inside = prefix[last] - prefix[first]
        inside[inside <= 0] = 1e-300
        share = np.zeros(bins + 1)
        np.add.at(share, first, 1.0 / inside)
        np.add.at(share, last, -1.0 / inside)
        updated = mass * np.cumsum(share)[:bins] / n
        if kernel is not None:  # EMS: a smoothing step keeps the estimate from clumping
            updated = allowed * _smooth(updated / reach, kernel)
            updated /= updated.sum()
        if np.abs(updated - mass).max() < 1e-7:
            mass = updated
            break
        mass = updated
    values: list[float] = []
    quantile = 0.0
    for start, end, low, high in zip(first, last, lows, highs, strict=True):
        quantile = (quantile + _GOLDEN) % 1.0
        local = mass[start:end]
        total = float(local.sum())
        if total <= 0.0 or high <= low:
            values.append(float((low + high) / 2.0))
            continue
        cumulative = np.cumsum(local) / total
        index = int(np.searchsorted(cumulative, quantile))
        index = min(index, len(local) - 1)
        before = float(cumulative[index - 1]) if index else 0.0
        within = (quantile - before) / max(float(cumulative[index]) - before, 1e-12)
        value = (int(start) + index + within) * width
        values.append(float(min(max(value, low), high)))
    return values
