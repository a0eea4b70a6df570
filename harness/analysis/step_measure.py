"""What one breakpoint step did, from the harness's own per-ticket records.

Only what the harness measured counts here, never the target's own figures. The measuring
window is ``[start + warm_up, start + step_duration]`` of the step's arrival schedule:

- offered rate: arrivals whose *intended* start falls in the window, per second;
- throughput: tickets whose assignment was observed in the window (``sent_at + routing_ms``),
  per second;
- concurrency: the mean number of tickets in the system during the window (sent, not yet
  assigned), integrated exactly over the window. By Little's law it equals throughput times
  the mean time in the system when the system is steady, and it keeps growing with the backlog
  when it is not.

Rates are the least-squares slope of the running count of events against their times, over
the events inside the window, rather than ``events / window``: a count over a short window is
off by up to one event at each edge (±5 % for 40 events), and the span between the first and
the last event hangs on those two alone (one ticket delayed at the end of a step moves it by as
much); the slope uses every event and barely moves.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["StepMeasure", "measure_step"]


@dataclass(frozen=True, slots=True)
class StepMeasure:
    window_s: float
    arrived: int  # intended start inside the window
    routed: int  # assignment observed inside the window
    offered_per_s: float
    throughput_per_s: float
    concurrency: float  # mean tickets in the system over the window
    mean_time_in_system_s: float | None  # of the tickets routed inside the window

    @property
    def throughput_ratio(self) -> float | None:
        """Throughput / offered; None when nothing was offered."""
        return self.throughput_per_s / self.offered_per_s if self.offered_per_s > 0 else None


def _rate(times: list[float], window_s: float) -> float:
    """Events per second: the least-squares slope of the running count against time."""
    n = len(times)
    if n >= 3:
        times.sort()
        mean_t = sum(times) / n
        spread = sum((t - mean_t) ** 2 for t in times)
        if spread > 0:
            mean_i = (n - 1) / 2
            return sum((t - mean_t) * (i - mean_i) for i, t in enumerate(times)) / spread
    return n / window_s


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def measure_step(rows: Iterable[Mapping[str, Any]], t0: float, t1: float) -> StepMeasure:
    """Measure the window ``[t0, t1]`` (Unix seconds) over per-ticket record rows."""
    if t1 <= t0:
        raise ValueError(f"empty measuring window: {t0} .. {t1}")
    window = t1 - t0
    arrivals: list[float] = []
    completions: list[float] = []
    in_system = 0.0
    times: list[float] = []
    for row in rows:
        intended = _num(row.get("intended_at"))
        sent = _num(row.get("sent_at"))
        if intended is not None and t0 <= intended <= t1:
            arrivals.append(intended)
        if sent is None:
            continue
        routing_ms = _num(row.get("routing_ms"))
        if row.get("outcome") == "routed" and routing_ms is not None:
            end = sent + routing_ms / 1000.0
            if t0 <= end <= t1:
                completions.append(end)
                times.append(routing_ms / 1000.0)
        elif str(row.get("outcome", "")).startswith(("failed", "unknown", "found", "absent")):
            create_ms = _num(row.get("create_ms"))
            end = intended + create_ms / 1000.0 if intended is not None and create_ms else sent
        else:  # unrouted or cut: in the system until the window ends at least
            end = math.inf
        in_system += max(0.0, min(end, t1) - max(sent, t0))
    return StepMeasure(
        window_s=window,
        arrived=len(arrivals),
        routed=len(completions),
        offered_per_s=_rate(arrivals, window),
        throughput_per_s=_rate(completions, window),
        concurrency=in_system / window,
        mean_time_in_system_s=sum(times) / len(times) if times else None,
    )
