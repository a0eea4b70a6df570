"""A ``replay`` load: which schedule rows arrive when, after skip, compression and multiplier.

The schedule file (``harness.data.traffic.write_schedule``) holds one ticket per row with its
``offset_s``. A replay keeps the rows whose offset lies in ``[skip, skip + duration x
compress)``, divides their offsets (minus ``skip``) by ``compress``, and applies
``peak_multiplier``: row ``i`` is sent ``floor(m)`` times plus once more with probability
``m - floor(m)`` (seeded), extra copies a uniform fraction of a second later so a multiplied
peak stays a peak. Every process computes the same plan and takes its share by arrival number;
:class:`harness.data.tickets.ReplayTickets` turns its share's rows into the tickets it sends.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from harness.config.shapes import Replay
from harness.data.traffic import read_schedule

if TYPE_CHECKING:
    import pandas as pd

    from harness.config import Scenario

__all__ = ["ReplayPlan", "replay_plan"]

_COPY_SPREAD_S = 1.0  # extra copies of a row land within this many seconds after it


@dataclass(frozen=True, slots=True)
class ReplayPlan:
    offsets: list[float]  # run-time offsets, ascending
    rows: list[int]  # the schedule row each arrival replays (same order)
    frame: pd.DataFrame  # the schedule's ticket columns
    copies: list[int]  # which copy of its row each arrival is: 0, then 1.. (peak_multiplier)


def replay_plan(scenario: Scenario) -> ReplayPlan:
    load = scenario.load
    if not isinstance(load, Replay):
        raise TypeError(f"scenario {scenario.name} is not a replay")
    frame, _ = read_schedule(load.schedule_path)
    raw = frame["offset_s"].to_numpy(dtype=np.float64)
    skip = load.skip or 0.0
    window = (raw >= skip) & (raw < skip + load.duration * load.compress)
    picked = np.flatnonzero(window)
    times = (raw[picked] - skip) / load.compress
    rng = random.Random(scenario.traffic.seed)
    whole = math.floor(load.peak_multiplier)
    extra = load.peak_multiplier - whole
    triples: list[tuple[float, int, int]] = []
    for row, at in zip(picked.tolist(), times.tolist(), strict=True):
        copies = whole + (1 if rng.random() < extra else 0)
        for copy in range(copies):
            shifted = at if copy == 0 else at + rng.random() * _COPY_SPREAD_S
            if shifted < load.duration:
                triples.append((shifted, row, copy))
    triples.sort()
    return ReplayPlan(
        offsets=[t[0] for t in triples],
        rows=[t[1] for t in triples],
        frame=frame.drop(columns="offset_s"),
        copies=[t[2] for t in triples],
    )
