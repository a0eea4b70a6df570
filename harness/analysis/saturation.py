"""Is the load generator's own CPU part of what was measured?

A saturated generator queues its own requests, and that queueing shows up as vendor latency:
on a 2-core VM a CPU-bound Locust process reported p50s of tens of milliseconds for a server
answering in microseconds (reference note load-tools.md §5.2). Locust warns only when one
process averages 90 % over 10 s, which never fires in distributed runs where each worker sits
just below it while the machine is at 100 % (locust-capacity.md §4.4). The harness therefore
samples, once a second, every load process's CPU (% of one core, as a gevent process uses one)
and the whole machine's (% of all cores) on the master or local process, and judges here.

Rule: a source is saturated when more than :data:`MAX_SATURATED_SHARE` of its one-second
samples are at or above :data:`SATURATED_PERCENT`. If the machine or any generator process is,
the run's results are marked ``unreliable: generator saturated``; thresholds are still evaluated
and shown, but the latencies include the generator's own queueing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "GENERATOR_SATURATED",
    "MAX_SATURATED_SHARE",
    "SATURATED_PERCENT",
    "CpuRecord",
    "Saturation",
    "judge_saturation",
]

SATURATED_PERCENT = 90.0
MAX_SATURATED_SHARE = 0.10  # more than 10 % of the run's seconds saturated: unreliable
GENERATOR_SATURATED = "generator saturated"


@dataclass(frozen=True, slots=True)
class CpuRecord:
    """One second-by-second CPU series, summed up: ``samples`` seconds, ``saturated`` of them
    at or above the limit, and the highest sample."""

    source: str  # "machine" or a load process's id
    samples: int = 0
    saturated: int = 0
    max_percent: float = 0.0

    @property
    def share(self) -> float:
        return self.saturated / self.samples if self.samples else 0.0

    def add(self, percent: float, limit: float = SATURATED_PERCENT) -> CpuRecord:
        return CpuRecord(
            self.source,
            self.samples + 1,
            self.saturated + (percent >= limit),
            max(self.max_percent, percent),
        )


@dataclass(frozen=True, slots=True)
class Saturation:
    unreliable: bool
    reason: str | None  # GENERATOR_SATURATED when unreliable
    worst: CpuRecord | None  # the source with the largest saturated share

    @property
    def share(self) -> float:
        return self.worst.share if self.worst else 0.0


def judge_saturation(
    machine: CpuRecord | None,
    processes: Sequence[CpuRecord],
    max_share: float = MAX_SATURATED_SHARE,
) -> Saturation:
    """``unreliable`` when the machine or any generator process was saturated for more than
    ``max_share`` of its sampled seconds. Sources with no samples are ignored."""
    sources = [s for s in (machine, *processes) if s is not None and s.samples]
    if not sources:
        return Saturation(False, None, None)
    worst = max(sources, key=lambda s: (s.share, s.source == "machine"))
    unreliable = worst.share > max_share
    return Saturation(unreliable, GENERATOR_SATURATED if unreliable else None, worst)
