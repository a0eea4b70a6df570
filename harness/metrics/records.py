"""Per-ticket records: streamed to disk as NDJSON during the run, gathered into Parquet after.

Each load process appends to its own file and flushes at least once a second, so a crash loses
at most the last second. ``to_parquet`` gathers every process's file into ``tickets.parquet``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

RECORDS_DIR = "records"


@dataclass(frozen=True, slots=True)
class TicketRecord:
    """One ticket's life as the harness saw it. Times are Unix seconds; latencies are ms."""

    external_id: str
    ticket_id: str | None
    arrival: int
    process: str
    category: str
    channel: str
    priority: str
    intended_at: float
    sent_at: float
    lag_ms: float  # sent_at - intended_at
    create_ms: float | None  # response received - intended start
    outcome: str  # "routed" | "unrouted" | "failed:<kind>" | "cut" (run ended first)
    routing_ms: float | None  # created -> assignment observed
    observed_by: str | None  # "webhook" | "polling" | "response"
    agent_id: str | None
    queue: str | None


_FIELDS = tuple(TicketRecord.__dataclass_fields__)


class RecordWriter:
    """Appends records to ``<run_dir>/records/tickets-<process>.ndjson``."""

    def __init__(self, run_dir: Path, process: str) -> None:
        folder = run_dir / RECORDS_DIR
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"tickets-{process}.ndjson"
        self._file: IO[str] = self.path.open("a", encoding="utf-8")

    def write(self, record: TicketRecord) -> None:
        row = {name: getattr(record, name) for name in _FIELDS}  # asdict() deep-copies: slow
        self._file.write(json.dumps(row, ensure_ascii=False) + "\n")

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()


def read_records(run_dir: Path) -> list[dict[str, Any]]:
    """Every record of the run; a torn last line (crash mid-write) is skipped."""
    rows: list[dict[str, Any]] = []
    for path in sorted((run_dir / RECORDS_DIR).glob("tickets-*.ndjson")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    rows.append(json.loads(line))
                except ValueError:
                    continue
    return rows


def to_parquet(run_dir: Path) -> Path:
    import pandas as pd

    rows = read_records(run_dir)
    columns = list(TicketRecord.__dataclass_fields__)
    frame = pd.DataFrame(rows, columns=columns)
    out = run_dir / "tickets.parquet"
    frame.to_parquet(out, index=False)
    return out
