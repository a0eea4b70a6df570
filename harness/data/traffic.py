"""Arrival schedules from a profile: piecewise-constant NHPP, Double-11 peaks, time compression.

Model. The profile's 672 rates (one per 15-minute slot of the local week) define lambda(t).
Each local calendar day d gets a factor ``G_d ~ Gamma(k, 1/k)`` (mean 1) when the profile
fitted a shape ``k`` (over-dispersed days, a Cox process); the ``peak_multiplier`` multiplies the
``peak_hours`` busiest hours of each day (busiest by the profile's rates for that weekday), or
the whole day when ``peak_hours`` is 0, or the slots inside ``peak_windows`` by clock time
(:mod:`harness.data.peaks`: 00:00-02:00 and 20:00-24:00 for 11.11). Arrivals are then drawn
per slot: Poisson(lambda x width) points uniform in the slot (exactly an NHPP with that
piecewise-constant rate), or, when a ``count`` is fixed, a multinomial split of ``count``
over the slots (the NHPP conditioned on its total). ``compression`` divides every offset (144
replays a day in 10 minutes): the rate is multiplied by it, and so is concurrency when sessions
keep their real length.

Little's law gives the number a load test needs next to the rate: concurrent sessions
``L = lambda x W``, with W the profile's mean session length (:func:`expected_load`).

Schedule file (:func:`write_schedule`, Parquet, what load users consume): one row per arrival
in start order. ``offset_s`` (float64) is the intended start in seconds from the run's start
(already compressed; measure latency from it, not from the actual send); the other columns are
the ticket, as in :data:`~harness.data.schema.TICKET_COLUMNS` (``created_at`` stays the
uncompressed synthetic time). File metadata key ``csm_harness.schedule`` holds JSON
``{"version": 1, "arrivals", "compression", "start"}``. Read it with :func:`read_schedule`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from harness.data.peaks import PeakWindows, in_windows
from harness.data.profile_model import Profile
from harness.data.schema import TICKET_COLUMNS
from harness.errors import ConfigError

__all__ = [
    "SCHEDULE_META_KEY",
    "Intensity",
    "TrafficNumbers",
    "arrival_times",
    "expected_load",
    "intensity",
    "read_schedule",
    "write_schedule",
]

SCHEDULE_META_KEY: Final = b"csm_harness.schedule"
_SLOT: Final = 900


@dataclass(frozen=True, slots=True)
class Intensity:
    """lambda(t) on [0, duration): ``rates[i]`` per second on ``[edges[i], edges[i+1])``."""

    edges: np.ndarray
    rates: np.ndarray  # peak multiplier applied; no day factor (its mean is 1)
    day: np.ndarray  # local-day number of each piece, for the day factor

    @property
    def widths(self) -> np.ndarray:
        return np.diff(self.edges)

    def expected(self) -> float:
        return float((self.rates * self.widths).sum())

    def cumulative(self, offsets: np.ndarray) -> np.ndarray:
        """Lambda(t) = integral of lambda up to each offset (time-rescaling tests)."""
        area = np.concatenate([[0.0], np.cumsum(self.rates * self.widths)])
        cumulative: np.ndarray = np.interp(offsets, self.edges, area)
        return cumulative


def _check(duration_s: float, peak_multiplier: float, peak_hours: int, compression: float,
           peak_windows: PeakWindows = ()) -> None:  # fmt: skip
    problems = []
    if peak_windows and peak_hours:
        problems.append("give peak hours or peak windows, not both (a window says which hours).")
    if not duration_s > 0:
        problems.append(f"duration {duration_s} s: must be more than 0.")
    if not peak_multiplier > 0:
        problems.append(f"peak multiplier {peak_multiplier}: must be more than 0 (1 = no peak).")
    if not 0 <= peak_hours <= 24:
        problems.append(f"peak hours {peak_hours}: must be 0 (the whole day) to 24.")
    if not compression > 0:
        problems.append(f"compression {compression}: must be more than 0 (144 = a day in 10 min).")
    if problems:
        raise ConfigError(problems)


def intensity(
    profile: Profile,
    *,
    start: datetime,
    duration_s: float,
    peak_multiplier: float = 1.0,
    peak_hours: int = 0,
    peak_windows: PeakWindows = (),
) -> Intensity:
    """The piecewise-constant rate from ``start`` (naive = the profile's timezone)."""
    _check(duration_s, peak_multiplier, peak_hours, 1.0, peak_windows)
    tz = profile.arrivals.timezone
    begin = pd.Timestamp(start)
    begin = begin.tz_localize(tz) if begin.tzinfo is None else begin
    first = begin.tz_convert(tz).floor("15min")
    lead = (begin - first).total_seconds()
    count = int(np.ceil((lead + duration_s) / _SLOT))
    local = pd.date_range(first.tz_convert("UTC"), periods=count, freq="15min").tz_convert(tz)
    dow = local.day_of_week.to_numpy()
    hour = local.hour.to_numpy()
    week = profile.arrivals.week_rates()
    rates = week[dow * 96 + hour * 4 + local.minute.to_numpy() // 15]
    if peak_multiplier != 1.0 and peak_windows:
        minute = hour * 60 + local.minute.to_numpy()
        rates = np.where(in_windows(minute, peak_windows), rates * peak_multiplier, rates)
    elif peak_multiplier != 1.0:
        busiest = np.zeros((7, 24), dtype=bool)
        if peak_hours == 0:
            busiest[:] = True
        for d in range(7 if peak_hours else 0):
            hourly = week[d * 96 : (d + 1) * 96].reshape(24, 4).sum(axis=1)
            busiest[d, np.argsort(-hourly, kind="stable")[:peak_hours]] = True
        rates = np.where(busiest[dow, hour], rates * peak_multiplier, rates)
    lefts = np.maximum(np.arange(count) * float(_SLOT) - lead, 0.0)
    edges = np.append(lefts, float(duration_s))
    day = pd.factorize(local.normalize())[0]
    return Intensity(edges=edges, rates=rates, day=day)


def arrival_times(
    profile: Profile,
    *,
    start: datetime,
    duration_s: float,
    seed: int,
    peak_multiplier: float = 1.0,
    peak_hours: int = 0,
    peak_windows: PeakWindows = (),
    compression: float = 1.0,
    count: int | None = None,
) -> np.ndarray:
    """Sorted arrival offsets (seconds from ``start``, divided by ``compression``).

    ``count`` fixes the number of arrivals (the NHPP conditioned on its total); otherwise it is
    Poisson. The same arguments and seed give the same offsets; ``compression`` changes nothing
    but the scale.
    """
    _check(duration_s, peak_multiplier, peak_hours, compression, peak_windows)
    grid = intensity(
        profile,
        start=start,
        duration_s=duration_s,
        peak_multiplier=peak_multiplier,
        peak_hours=peak_hours,
        peak_windows=peak_windows,
    )
    rng = np.random.default_rng(seed)
    shape = profile.arrivals.tickets_per_day.gamma_shape
    days = int(grid.day.max()) + 1
    factors = rng.gamma(shape, 1 / shape, days) if shape else np.ones(days)
    widths = grid.widths
    mass = grid.rates * factors[grid.day] * widths
    if count is None:
        counts = rng.poisson(mass)
    else:
        if mass.sum() <= 0:
            raise ConfigError("the profile has no arrivals in this period; use a longer duration.")
        counts = rng.multinomial(count, mass / mass.sum())
    offsets = np.repeat(grid.edges[:-1], counts) + rng.random(int(counts.sum())) * np.repeat(
        widths, counts
    )
    offsets.sort()
    scaled: np.ndarray = offsets / compression
    return scaled


@dataclass(frozen=True, slots=True)
class TrafficNumbers:
    """What a scenario needs, in replay time (after compression)."""

    expected_arrivals: float
    mean_rate_per_s: float
    peak_rate_per_s: float  # the busiest 15-minute slot
    session_s: float  # W, real time (compression does not shorten sessions)
    mean_concurrency: float  # L = lambda W
    peak_concurrency: float
    compression: float
    replay_s: float  # duration after compression


def expected_load(
    profile: Profile,
    *,
    start: datetime,
    duration_s: float,
    peak_multiplier: float = 1.0,
    peak_hours: int = 0,
    peak_windows: PeakWindows = (),
    compression: float = 1.0,
    session_s: float | None = None,
    count: int | None = None,
) -> TrafficNumbers:
    """Expected arrival rate and concurrent sessions (Little's law), day factor at its mean 1.

    ``count`` scales the rates to that many arrivals (when the number was fixed, as in
    ``generate --tickets``); ``session_s`` overrides the profile's mean session length.
    """
    _check(duration_s, peak_multiplier, peak_hours, compression, peak_windows)
    grid = intensity(
        profile,
        start=start,
        duration_s=duration_s,
        peak_multiplier=peak_multiplier,
        peak_hours=peak_hours,
        peak_windows=peak_windows,
    )
    w = profile.sessions.duration_s if session_s is None else session_s
    expected = grid.expected()
    scale = count / expected if count is not None and expected > 0 else 1.0
    mean_rate = expected * scale / duration_s * compression
    peak_rate = float(grid.rates[grid.widths > 0].max()) * scale * compression
    return TrafficNumbers(
        expected_arrivals=expected * scale,
        mean_rate_per_s=mean_rate,
        peak_rate_per_s=peak_rate,
        session_s=w,
        mean_concurrency=mean_rate * w,
        peak_concurrency=peak_rate * w,
        compression=compression,
        replay_s=duration_s / compression,
    )


def write_schedule(
    path: str | os.PathLike[str],
    offsets: np.ndarray,
    tickets_frame: pd.DataFrame,
    *,
    compression: float = 1.0,
    start: datetime | None = None,
) -> None:
    """Write the schedule Parquet (format in the module docstring); atomic (temp + rename)."""
    offsets = np.asarray(offsets, dtype=np.float64)
    if len(offsets) != len(tickets_frame):
        raise ValueError(f"{len(offsets)} offsets for {len(tickets_frame)} tickets")
    if len(offsets) and (offsets[0] < 0 or np.any(np.diff(offsets) < 0)):
        raise ValueError("offsets must be >= 0 and sorted ascending")
    columns = [c for c in TICKET_COLUMNS if c in tickets_frame.columns]
    frame = tickets_frame[columns].reset_index(drop=True)
    frame.insert(0, "offset_s", offsets)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    meta = {
        "version": 1,
        "arrivals": len(offsets),
        "compression": compression,
        "start": pd.Timestamp(start).isoformat() if start is not None else None,
    }
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), SCHEDULE_META_KEY: json.dumps(meta).encode()}
    )
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    pq.write_table(table, partial)
    partial.replace(target)


def read_schedule(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A schedule written by :func:`write_schedule` and its metadata; ConfigError otherwise."""
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise ConfigError(f"{path}: not a readable Parquet schedule ({exc}).") from None
    raw = (table.schema.metadata or {}).get(SCHEDULE_META_KEY)
    if raw is None or "offset_s" not in table.column_names:
        raise ConfigError(f"{path}: not a schedule (no offset_s column or metadata).")
    meta: dict[str, Any] = json.loads(raw)
    return table.to_pandas(), meta
