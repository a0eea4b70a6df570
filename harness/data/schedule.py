"""Schedules of arrivals: each arrival has an intended start, as an offset from the run's start.

Latency is measured from the intended start, so a stalled vendor (or a saturated generator)
cannot hide its stall: the open model of k6's arrival-rate executors and wrk2.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from harness.config.shape_base import RateSegment
from harness.config.shapes import Sessions

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


def segment_offsets(
    segments: Sequence[RateSegment], process: ArrivalProcess, seed: int
) -> list[float]:
    """Arrivals for a piecewise-linear rate: Poisson by thinning, or evenly spaced in the
    cumulative rate (an arrival each time the expected count passes a whole number)."""
    if process == "uniform":
        return _uniform_segments(segments)
    rng = random.Random(seed)
    offsets: list[float] = []
    for segment in segments:
        top = max(segment.rate_from, segment.rate_to)
        if top <= 0 or segment.duration <= 0:
            continue
        slope = (segment.rate_to - segment.rate_from) / segment.duration
        t = rng.expovariate(top)
        while t < segment.duration:
            if slope == 0 or rng.random() * top <= segment.rate_from + slope * t:
                offsets.append(segment.start + t)
            t += rng.expovariate(top)
    return offsets


def _uniform_segments(segments: Sequence[RateSegment]) -> list[float]:
    offsets: list[float] = []
    done = 0.0  # expected arrivals before the current segment
    for segment in segments:
        a, duration = segment.rate_from, segment.duration
        slope = (segment.rate_to - a) / duration if duration > 0 else 0.0
        n = math.ceil(done - 1e-9)  # the next whole count to cross
        total = done + segment.expected
        while n < total - 1e-9:
            need = n - done  # solve a t + slope t^2 / 2 = need for t in [0, duration)
            if slope == 0:
                t = need / a
            else:
                t = (-a + math.sqrt(max(0.0, a * a + 2 * slope * need))) / slope
            offsets.append(segment.start + t)
            n += 1
        done = total
    return offsets


def scenario_offsets(scenario: Scenario) -> list[float]:
    """The whole run's arrivals for a scenario's ``load`` and ``traffic.seed``.

    Empty for the closed ``sessions`` model (users, not a schedule, make the load). A
    ``replay`` reads its schedule file: see :func:`harness.data.replay.replay_offsets`.
    """
    load = scenario.load
    if not load.open_model:
        return []
    if load.kind == "replay":
        from harness.data.replay import replay_plan

        return replay_plan(scenario).offsets
    assert not isinstance(load, Sessions)
    return segment_offsets(load.segments(), load.arrivals, scenario.traffic.seed)


def planned_arrivals(scenario: Scenario) -> int:
    return len(scenario_offsets(scenario))


def share_of(offsets: list[float], index: int, count: int) -> list[tuple[int, float]]:
    """The arrivals one of ``count`` load processes sends: every ``count``-th, from ``index``.

    Round-robin keeps each process's share spread over the whole run, so all workers see the
    same shape at 1/count of the rate. Returns ``(arrival number, offset)`` pairs.
    """
    return [(i, offsets[i]) for i in range(index, len(offsets), count)]
