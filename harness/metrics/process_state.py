"""What one load process tells the master besides metrics; shipped with each worker report,
kept in ``metrics.ndjson`` and read back by crash recovery (so this module imports no locust)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

__all__ = ["ProcessState", "state_from_dict", "state_to_dict"]


@dataclass(slots=True)
class ProcessState:
    planned: int = 0
    exhausted: bool = False
    pending: int = 0
    cpu_max_percent: float = 0.0
    saturated_seconds: int = 0
    cpu_samples: int = 0
    cpu_total_percent: float = 0.0  # sum of the samples (% of one core), for the mean
    late: int = 0
    max_lag_s: float = 0.0
    cut: int = 0
    foreign_webhooks: int = 0
    rejected_webhooks: int = 0
    budget_exhausted: bool = False
    # the vendor's clock minus this process's (harness.metrics.clock), from its Date headers
    clock_offset_ms: float | None = None
    clock_bound_ms: float | None = None
    clock_samples: int = 0


_FIELDS = frozenset(f.name for f in dataclasses.fields(ProcessState))


def state_to_dict(state: ProcessState) -> dict[str, Any]:
    return {name: getattr(state, name) for name in _FIELDS}


def state_from_dict(data: dict[str, Any]) -> ProcessState:
    """Known fields only: a file written by an older or newer harness still reads."""
    return ProcessState(**{key: value for key, value in data.items() if key in _FIELDS})
