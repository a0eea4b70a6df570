"""Throughput over the arrival window, the drain after it reported apart.

A run lasts longer than its arrivals: after the last one the harness waits for every ticket to
be routed or time out (the drain). Dividing by the whole run makes a vendor that queues look
slower than one that does not although both were offered the same rate; so throughput is the
tickets created (routed) in ``[start, start + arrival duration]`` over that window, and what
happened in the drain is counted on its own. Counts are per whole second of the series (the
second holding the window's end belongs to the window).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from harness.metrics.series import SeriesStore
from harness.results.model import Throughput

__all__ = ["ArrivalWindow", "measure_throughput"]


@dataclass(frozen=True, slots=True)
class ArrivalWindow:
    """``[start_at, start_at + length_s]`` in whole seconds of the series."""

    start_at: float
    length_s: float

    @classmethod
    def of(cls, start_at: float, arrival_s: float) -> ArrivalWindow:
        return cls(start_at, max(1.0, arrival_s))

    def split(self, store: SeriesStore, metric: str) -> tuple[int, int]:
        """A counter's total inside the window and after it (the drain); before the window
        (set-up before the first arrival) is in neither."""
        first, last = math.floor(self.start_at), math.floor(self.start_at + self.length_s)
        inside = after = 0
        for second in store.seconds():
            if second < first:
                continue
            count = store.counter_at(metric, second)
            if second <= last:
                inside += count
            else:
                after += count
        return inside, after


def measure_throughput(
    store: SeriesStore, start_at: float, arrival_s: float, ended_at: float
) -> Throughput:
    window = ArrivalWindow.of(start_at, arrival_s)
    created, created_after = window.split(store, "tickets_created")
    routed, routed_after = window.split(store, "tickets_routed")
    length = window.length_s
    return Throughput(
        arrival_window_s=round(length, 3),
        created=created,
        routed=routed,
        created_per_s=round(created / length, 4),
        routed_per_s=round(routed / length, 4),
        drain_s=round(max(0.0, ended_at - start_at - length), 3),
        created_in_drain=created_after,
        routed_in_drain=routed_after,
    )
