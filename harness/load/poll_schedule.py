"""When the routing probe polls a ticket that is not yet assigned.

A young ticket is polled ``first`` after its creation, then at gaps growing by ``growth`` up to
``interval``: brackets about a third of the latency wide, whatever the vendor's scale. That is
too coarse for the upper percentiles: a p99 is decided by the few tickets in the tail, and with
brackets 400 ms wide near 1 s no poll lands between the last unassigned sighting and the true
assignment of the slowest tickets, so no estimator can place the tail (harness.metrics.censored).
So the schedule learns where the tail lies from the latencies already seen in this process (the
running p90 of the last resolved tickets) and, once a ticket is older than that, polls it at
gaps of ``tail_fraction`` of its age (a fine geometric schedule: a fixed fine gap would cost a
long tail dozens of polls a ticket), never wider than the plain schedule's. Only a tenth of the
tickets reach the tail, so this costs few requests; the token bucket still caps them
(``budget``).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

__all__ = ["PollSchedule", "TailTracker"]

_TAIL_PERCENTILE = 0.90
_TAIL_MIN_SEEN = 50  # resolved tickets before the tail is trusted
_TAIL_KEPT = 500  # the latest resolved latencies the tail is taken from
_TAIL_REFRESH = 20  # recomputed every this many resolutions


@dataclass(frozen=True, slots=True)
class PollSchedule:
    """When to poll a young ticket: ``first`` after creation, then gaps growing by ``growth``
    up to ``interval``; in the learned tail, ``tail_fraction`` of the ticket's age; at most
    ``budget`` probe requests a second."""

    interval_s: float
    first_s: float | None = None
    growth: float = 1.5
    budget_per_s: float = 200.0
    tail_fraction: float = 0.07

    def first_gap(self, jitter: float = 1.0) -> float:
        """``jitter`` (0.5-1.5, per ticket) shifts each ticket's poll times, so that brackets
        overlap at different places and the estimate can resolve inside them."""
        first = self.interval_s if self.first_s is None else min(self.first_s, self.interval_s)
        return first * jitter

    def next_gap(self, gap: float) -> float:
        """The geometric gap after ``gap`` (the schedule's state, tail aside)."""
        return min(self.interval_s, gap * self.growth)

    def gap_at(self, age_s: float, gap: float, tail_s: float | None, jitter: float) -> float:
        """The wait before the next poll of a ticket ``age_s`` old whose geometric gap is
        ``gap``: finer once the next poll would fall in the tail."""
        if tail_s is None or tail_s <= 0.0:
            return gap
        if age_s + gap < tail_s:
            return gap
        return min(gap, self.tail_fraction * max(age_s, tail_s) * jitter)


class TailTracker:
    """The running p90 of the routing latencies this probe resolved (seconds), or None until
    enough are seen."""

    def __init__(self) -> None:
        self._seen: deque[float] = deque(maxlen=_TAIL_KEPT)
        self._since = 0
        self.tail_s: float | None = None

    def add(self, latency_s: float) -> None:
        self._seen.append(latency_s)
        self._since += 1
        if len(self._seen) >= _TAIL_MIN_SEEN and self._since >= _TAIL_REFRESH:
            self._since = 0
            ordered = sorted(self._seen)
            self.tail_s = ordered[int(_TAIL_PERCENTILE * (len(ordered) - 1))]
