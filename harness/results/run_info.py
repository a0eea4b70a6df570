"""``run.json``: what a run is (scenario, vendor, probe, load, versions, environment), written
before any load so a crashed run still says what it was.

``reports/<run-id>/``
    ``run.json``        this :class:`RunInfo` (written before any load)
    ``metrics.ndjson``  merged per-second metric deltas, appended as they arrive
    ``records/``        per-ticket NDJSON per load process, flushed every second
    ``summary.json``    the :class:`~harness.results.model.RunSummary` every writer consumes
    ``tickets.parquet`` the per-ticket records gathered
    ``report.html``     the self-contained report (plus its other-language twin)
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

__all__ = ["RUN_INFO", "RunInfo", "write_run_info"]

RUN_INFO: Final = "run.json"


@dataclass(frozen=True, slots=True)
class RunInfo:
    run_id: str
    scenario: str
    scenario_path: str
    vendor: dict[str, str]
    host: str
    workers: int
    start_at: float  # Unix seconds of the schedule's origin
    started_at: str
    probe: dict[str, Any]
    load: dict[str, Any]
    versions: dict[str, str]
    environment: dict[str, Any]

    @classmethod
    def read(cls, run_dir: Path) -> RunInfo:
        data = json.loads((run_dir / RUN_INFO).read_text(encoding="utf-8"))
        return cls(**data)


def write_run_info(run_dir: Path, info: RunInfo) -> Path:
    path = run_dir / RUN_INFO
    path.write_text(json.dumps(asdict(info), ensure_ascii=False, indent=2), encoding="utf-8")
    return path
