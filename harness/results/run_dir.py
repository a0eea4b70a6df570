"""What a run folder holds, by file name in one place (writes go through :mod:`harness.atomic`).

``reports/<batch>/<run>/``
    ``run.json``          :class:`~harness.results.run_info.RunInfo` (written before any load)
    ``metrics.ndjson``    merged per-second metric deltas, appended as they arrive
    ``records/``          per-ticket NDJSON per load process, flushed every second
    ``summary.json``      the :class:`~harness.results.model.RunSummary` every writer consumes
    ``tickets.parquet``   the per-ticket records gathered (``sessions.parquet`` for chat)
    ``report.html``       the self-contained report (plus its other-language twin)
    ``checks.json``       the acceptance suite's results (:mod:`harness.results.checks_file`)
    ``scores.json``       ``csm-harness score``: here or in the batch folder above
    ``breakpoint.json``   ``csm-harness breakpoint``: here or in the batch folder above
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

__all__ = [
    "BREAKPOINT",
    "CHECKS",
    "REPORT",
    "RUN_INFO",
    "SCORES",
    "SUMMARY",
    "TICKETS",
    "RunDir",
]

RUN_INFO: Final = "run.json"
SUMMARY: Final = "summary.json"
TICKETS: Final = "tickets.parquet"
REPORT: Final = "report.html"
CHECKS: Final = "checks.json"
SCORES: Final = "scores.json"
BREAKPOINT: Final = "breakpoint.json"


@dataclass(frozen=True, slots=True)
class RunDir:
    """One run's folder; its files by name, and those a batch keeps one level up."""

    path: Path

    @property
    def summary(self) -> Path:
        return self.path / SUMMARY

    @property
    def run_info(self) -> Path:
        return self.path / RUN_INFO

    @property
    def tickets(self) -> Path:
        return self.path / TICKETS

    @property
    def report(self) -> Path:
        return self.path / REPORT

    @property
    def checks(self) -> Path:
        return self.path / CHECKS

    def beside(self, name: str) -> list[Path]:
        """``name`` in the run folder, then in the batch folder above it: those that exist."""
        return [p for p in (self.path / name, self.path.parent / name) if p.is_file()]
