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

from harness.metrics.series import SeriesStore
from harness.results.model import Throughput

__all__ = ["measure_throughput"]


def measure_throughput(
    store: SeriesStore, start_at: float, arrival_s: float, ended_at: float
) -> Throughput:
    window = max(1.0, arrival_s)
    first, last = math.floor(start_at), math.floor(start_at + window)
    inside = {"tickets_created": 0, "tickets_routed": 0}
    after = dict(inside)
    for second in store.seconds():
        if second < first:
            continue
        into = inside if second <= last else after
        for metric in into:
            into[metric] += store.counter_at(metric, second)
    return Throughput(
        arrival_window_s=round(window, 3),
        created=inside["tickets_created"],
        routed=inside["tickets_routed"],
        created_per_s=round(inside["tickets_created"] / window, 4),
        routed_per_s=round(inside["tickets_routed"] / window, 4),
        drain_s=round(max(0.0, ended_at - start_at - window), 3),
        created_in_drain=after["tickets_created"],
        routed_in_drain=after["tickets_routed"],
    )
