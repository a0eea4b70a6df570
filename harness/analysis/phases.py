"""A run's named phases, and each measured from the per-second series.

Each load kind owns its cuts (``phase_cuts`` on its spec in :mod:`harness.config.shapes`); one
generic table serves every kind (the report shows it whatever the kind):

- ``step``: one phase per stage, offered rate = the stage's rate;
- ``spike``: ``before``, ``during`` and ``after`` the spike (empty ones left out);
- ``soak``: ``windows`` equal stretches; the :class:`~harness.results.model.Drift` verdict
  compares the last window's routing p95 with the first's (drifted above 1.5x);
- ``arrival-rate`` with ``ramp_to`` and ``replay``: four equal windows, so the achieved rate
  can be read against the rising (or replayed) offered rate; a constant ``arrival-rate`` and
  the closed ``sessions`` model have no phases.

Phases are in schedule time (seconds from the run's origin, ``RunInfo.start_at``). The series
are per whole Unix second of *completion*: a second belongs to the phase holding its middle, so
boundaries are exact to half a second; the last phase also keeps the drain after the schedule
ends (routing that completes late still counts, while its rates divide by the phase's length).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from harness.config.shape_base import RateSegment
from harness.config.shapes import LoadShape, Sessions
from harness.metrics.histogram import Histogram
from harness.metrics.series import SeriesStore
from harness.results.model import Drift, Phase, PhaseResult

__all__ = ["DRIFT_LIMIT", "drift", "measure_phases", "phase_plan"]

DRIFT_LIMIT = 1.5  # a soak drifted when its last window's routing p95 exceeds 1.5x the first's


def _area(segments: Sequence[RateSegment], start: float, end: float) -> float:
    """Expected arrivals in ``[start, end)`` under a piecewise-linear rate."""
    total = 0.0
    for seg in segments:
        a, b = max(start, seg.start), min(end, seg.start + seg.duration)
        if b <= a or seg.duration <= 0:
            continue
        slope = (seg.rate_to - seg.rate_from) / seg.duration

        def rate(t: float, seg: RateSegment = seg, slope: float = slope) -> float:
            return seg.rate_from + slope * (t - seg.start)

        total += (rate(a) + rate(b)) / 2 * (b - a)
    return total


def phase_plan(load: LoadShape, offsets: Sequence[float]) -> list[Phase]:
    """The named phases of ``load`` (its own :meth:`phase_cuts`), with the offered rate and the
    planned arrivals in each (``offsets``: the whole run's intended starts, e.g.
    ``scenario_offsets``)."""
    if isinstance(load, Sessions):
        return []
    phases = []
    for cut in load.phase_cuts():
        planned = sum(1 for x in offsets if cut.start <= x < cut.end)
        expected = _area(load.segments(), cut.start, cut.end) if load.rates_known else planned
        name = cut.kind if cut.kind in ("before", "during", "after") else f"{cut.kind}-{cut.index}"
        rate = expected / (cut.end - cut.start)
        phases.append(Phase(name, cut.kind, cut.index, cut.start, cut.end, rate, planned))
    return phases


def measure_phases(
    phases: Sequence[Phase], store: SeriesStore, start_at: float
) -> list[PhaseResult]:
    """Each phase's achieved rates, routing p95 and errors (rules in the module docstring)."""
    if not phases:
        return []
    seconds = store.seconds()
    results = []
    for number, phase in enumerate(phases):
        last = number == len(phases) - 1
        inside = [
            s
            for s in seconds
            if phase.start_s <= s + 0.5 - start_at and (last or s + 0.5 - start_at < phase.end_s)
        ]
        created = sum(store.counter_at("tickets_created", s) for s in inside)
        routed = sum(store.counter_at("tickets_routed", s) for s in inside)
        requests = sum(store.counter_at("requests", s) for s in inside)
        errors, total = 0, 0
        routing = Histogram()
        for s in inside:
            hits, count = store.rate_at("errors", s)
            errors, total = errors + hits, total + count
            routing.merge(store.trend_at("routing_latency", s))
        length = max(phase.duration_s, 1e-9)
        results.append(
            PhaseResult(
                phase=phase,
                created=created,
                routed=routed,
                created_per_s=created / length,
                routed_per_s=routed / length,
                routing_p95_ms=None if routing.is_empty else routing.percentile(95),
                requests=requests,
                errors=errors,
                error_rate=errors / total if total else None,
            )
        )
    return results


def drift(kind: str, results: Sequence[PhaseResult]) -> Drift | None:
    """A soak's drift verdict (None for other kinds)."""
    windows = [r for r in results if r.phase.kind == "window"]
    if kind != "soak" or len(windows) < 2:
        return None
    first, last = windows[0].routing_p95_ms, windows[-1].routing_p95_ms
    ratio = last / first if first and last is not None and math.isfinite(first) else None
    return Drift(first, last, ratio, DRIFT_LIMIT, ratio is not None and ratio > DRIFT_LIMIT)
