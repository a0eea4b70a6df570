"""Schedules of arrivals: each arrival has an intended start, as an offset from the run's start.

Latency is measured from the intended start, so a stalled vendor (or a saturated generator)
cannot hide its stall: the open model of k6's arrival-rate executors and wrk2.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from harness.config import Scenario

ArrivalProcess = Literal["poisson", "uniform"]


def arrival_offsets(
    rate_per_s: float, duration_s: float, process: ArrivalProcess, seed: int
) -> list[float]:
    """Intended start offsets (seconds) of every arrival in ``[0, duration_s)``, ascending.

    ``poisson`` draws exponential gaps (real customers arrive independently); ``uniform``
    spaces them evenly. Both are deterministic for a given seed.
    """
    if rate_per_s <= 0 or duration_s <= 0:
        return []
    if process == "uniform":
        count = int(rate_per_s * duration_s)
        return [i / rate_per_s for i in range(count)]
    rng = random.Random(seed)
    offsets: list[float] = []
    t = rng.expovariate(rate_per_s)
    while t < duration_s:
        offsets.append(t)
        t += rng.expovariate(rate_per_s)
    return offsets


def scenario_offsets(scenario: Scenario) -> list[float]:
    """The whole run's arrivals for a scenario's ``load`` and ``traffic.seed``."""
    load = scenario.load
    return arrival_offsets(load.rate, load.duration, load.arrivals, scenario.traffic.seed)


def planned_arrivals(scenario: Scenario) -> int:
    return len(scenario_offsets(scenario))


def share_of(offsets: list[float], index: int, count: int) -> list[tuple[int, float]]:
    """The arrivals one of ``count`` load processes sends: every ``count``-th, from ``index``.

    Round-robin keeps each process's share spread over the whole run, so all workers see the
    same shape at 1/count of the rate. Returns ``(arrival number, offset)`` pairs.
    """
    return [(i, offsets[i]) for i in range(index, len(offsets), count)]
