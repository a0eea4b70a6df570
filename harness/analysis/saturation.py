"""Is the load generator's own CPU part of what was measured?

A saturated generator queues its own requests, and that queueing shows up as vendor latency:
on a 2-core VM a CPU-bound Locust process reported p50s of tens of milliseconds for a server
answering in microseconds (reference note load-tools.md §5.2). Locust warns only when one
process averages 90 % over 10 s, which never fires in distributed runs where each worker sits
just below it while the machine is at 100 % (locust-capacity.md §4.4). The harness therefore
samples, once a second, every load process's CPU (% of one core, as a gevent process uses one)
and the whole machine's (% of all cores) on the master or local process, and judges here.

Rule: a harness process is saturated when more than :data:`MAX_SATURATED_SHARE` of its
one-second samples are at or above :data:`SATURATED_PERCENT` of a core, used or wanted (a
process that never sleeps but gets a quarter of a core on a full machine is at its limit too:
harness.metrics.runnable); only then are the run's
results marked ``unreliable: generator saturated`` (the latencies include the harness's own
queueing). A busy machine whose harness processes stayed below the limit (the vendor under test
or other programs took the CPU) is the milder ``machine busy`` note, with what the other
processes and the harness each used on average.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "GENERATOR_SATURATED",
    "MACHINE_BUSY",
    "MAX_SATURATED_SHARE",
    "SATURATED_PERCENT",
    "CpuRecord",
    "Saturation",
    "judge_saturation",
]

SATURATED_PERCENT = 90.0
MAX_SATURATED_SHARE = 0.10  # more than 10 % of the run's seconds saturated: unreliable
GENERATOR_SATURATED = "generator saturated"
MACHINE_BUSY = "machine busy"


@dataclass(frozen=True, slots=True)
class CpuRecord:
    """One second-by-second CPU series, summed up: ``samples`` seconds, ``saturated`` of them
    at or above the limit, and the highest sample."""

    source: str  # "machine" or a load process's id
    samples: int = 0
    saturated: int = 0
    max_percent: float = 0.0
    total_percent: float = 0.0  # sum of the samples, for the mean

    @property
    def share(self) -> float:
        return self.saturated / self.samples if self.samples else 0.0

    @property
    def mean_percent(self) -> float:
        return self.total_percent / self.samples if self.samples else 0.0

    def add(self, percent: float, limit: float = SATURATED_PERCENT) -> CpuRecord:
        return CpuRecord(
            self.source,
            self.samples + 1,
            self.saturated + (percent >= limit),
            max(self.max_percent, percent),
            self.total_percent + percent,
        )


@dataclass(frozen=True, slots=True)
class Saturation:
    unreliable: bool
    reason: str | None  # GENERATOR_SATURATED when unreliable, MACHINE_BUSY for the milder note
    worst: CpuRecord | None  # the saturated harness process (or the machine it filled)
    machine_busy: bool = False
    harness_percent: float = 0.0  # mean CPU of the harness's processes, % of the machine
    others_percent: float = 0.0  # mean CPU of everything else on the machine, % of the machine

    @property
    def share(self) -> float:
        return self.worst.share if self.worst else 0.0


def judge_saturation(
    machine: CpuRecord | None,
    processes: Sequence[CpuRecord],
    max_share: float = MAX_SATURATED_SHARE,
    cpus: int = 1,
) -> Saturation:
    """``unreliable`` when a harness process was saturated for more than ``max_share`` of its
    sampled seconds, or the machine was and the harness used most of it; ``machine_busy``
    when the machine was full of other processes. Sources with no samples are
    ignored. Process CPU is % of one core, the machine's % of all ``cpus`` cores."""
    sampled = [p for p in processes if p.samples]
    worst = max(sampled, key=lambda p: p.share) if sampled else None
    harness = sum(p.mean_percent for p in sampled) / max(1, cpus)
    machine_mean = machine.mean_percent if machine is not None and machine.samples else 0.0
    others = max(0.0, machine_mean - harness)
    machine_full = machine is not None and machine.share > max_share
    process_full = worst is not None and worst.share > max_share
    # Several workers each below the limit can still fill the machine themselves (Locust's
    # per-process warning misses it): a full machine the harness is the main user of counts.
    harness_fills_it = machine_full and bool(sampled) and harness >= others
    unreliable = process_full or harness_fills_it
    if harness_fills_it and not process_full:
        worst = machine
    busy = not unreliable and machine_full
    reason = GENERATOR_SATURATED if unreliable else (MACHINE_BUSY if busy else None)
    return Saturation(unreliable, reason, worst, busy, round(harness, 1), round(others, 1))
