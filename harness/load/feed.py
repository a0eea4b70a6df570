"""Hands scheduled arrivals to whichever user is free, at their intended start.

Users take arrivals from one shared feed per process. When every user is busy, arrivals wait
and start late: each one's lag is measured and counted (k6's dropped iterations), and latency
is measured from the intended start, never from when a user got round to it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import gevent

LATE_TOLERANCE_S = 0.1  # lag beyond this counts an arrival as late
log = logging.getLogger("csm_harness")


@dataclass(frozen=True, slots=True)
class Arrival:
    number: int  # position in the whole run's schedule
    intended_at: float  # Unix seconds
    lag_s: float  # how late a user took it (>= 0)

    @property
    def late(self) -> bool:
        return self.lag_s > LATE_TOLERANCE_S


class ArrivalFeed:
    """This process's share of the schedule, as ``(arrival number, offset seconds)`` pairs."""

    def __init__(self, share: list[tuple[int, float]], start_at: float) -> None:
        self._share = share
        self._start_at = start_at
        self._next = 0
        self.taken = 0
        self.late = 0
        self.max_lag_s = 0.0

    @property
    def planned(self) -> int:
        return len(self._share)

    @property
    def exhausted(self) -> bool:
        return self._next >= len(self._share)

    def take(self) -> Arrival | None:
        """Block (cooperatively) until the next arrival is due; ``None`` once all are taken."""
        if self._next >= len(self._share):
            return None
        number, offset = self._share[self._next]
        self._next += 1
        intended = self._start_at + offset
        wait = intended - time.time()
        if wait > 0:
            gevent.sleep(wait)
        lag = max(0.0, time.time() - intended)
        arrival = Arrival(number, intended, lag)
        self.taken += 1
        if arrival.late:
            if self.late == 0:
                log.warning(
                    "Insufficient users: arrivals are starting late (first lag %.2f s); raise "
                    "load.max_users or lower the rate. Latency is still measured from each "
                    "arrival's intended start.",
                    lag,
                )
            self.late += 1
            self.max_lag_s = max(self.max_lag_s, lag)
        return arrival
