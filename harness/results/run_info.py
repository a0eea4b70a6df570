"""``run.json``: what a run is (scenario, vendor, probe, load, versions, environment), written
before any load so a crashed run still says what it was. The other files of a run folder:
:mod:`harness.results.run_dir`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from harness.results.run_dir import RUN_INFO

__all__ = ["RunInfo", "write_run_info"]


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
