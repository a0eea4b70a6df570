"""Per-ticket and per-session records: streamed to disk as NDJSON during the run, gathered
into Parquet after.

Each load process appends to its own file and flushes at least once a second, so a crash loses
at most the last second. A ticket whose outcome waits for the lookup after the run (its create's
answer was lost) is written at once to ``pending-<kind>-<process>.ndjson`` as ``unknown:<kind>``;
the lookup's answer, when the run gets that far, goes to the main file and supersedes it, so a
killed run keeps those tickets as unknown (once the lookup is written, the pending file goes).
``to_parquet`` gathers every process's files into ``tickets.parquet`` and, when the run held chat
sessions, ``sessions.parquet``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import IO, Any

RECORDS_DIR = "records"
PENDING_PREFIX = "pending-"


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
    # "routed" | "unrouted" | "failed:<kind>" | "unknown:<kind>" (sent, no answer came) | "cut"
    outcome: str
    routing_ms: float | None  # created -> assignment observed
    observed_by: str | None  # "webhook" | "polling" | "response"
    agent_id: str | None
    queue: str | None
    # polling: the assignment lies in [routing_low_ms, routing_high_ms] (from the create send)
    routing_low_ms: float | None = None
    routing_high_ms: float | None = None
    polls: int = 0  # probe requests spent on this ticket
    vendor_assigned_at: float | None = None  # the vendor's own assignment time, its clock


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One chat session's life as the customer side of the harness saw it (agents' side: the
    counts). Times are Unix seconds; latencies are ms; None where it never happened."""

    external_id: str
    session_id: str | None
    arrival: int
    process: str
    model: str  # "closed" (kind sessions) | "open" (opens: sessions)
    category: str
    channel: str
    intended_at: float | None  # open model: the arrival's intended start
    opened_at: float  # open request sent
    closed_at: float | None
    outcome: str  # "closed" | "closed_by_vendor" | "failed:<kind>" | "cut" (run ended first)
    closed_by: str | None  # "customer" | "vendor"
    agent_id: str | None
    open_ms: float | None  # open request -> answer (from the intended start in open model)
    routing_ms: float | None  # open -> assignment seen
    first_response_ms: float | None  # first customer message -> first agent reply seen
    reply_mean_ms: float | None
    reply_max_ms: float | None
    resolution_ms: float | None  # open -> reply to the customer's last message seen
    duration_ms: float | None  # open -> closed
    messages_sent: int
    messages_received: int  # agent messages the customer got (duplicates excluded)
    unanswered: int  # customer messages with no reply within reply_timeout
    lost: int  # deliveries lost (customer -> agent or agent -> customer)
    duplicated: int  # deliveries seen twice, on either side


_FIELDS = tuple(TicketRecord.__dataclass_fields__)
# dumps(ensure_ascii=False) builds a new encoder on every call: build it once
_encode = json.JSONEncoder(ensure_ascii=False).encode
_SESSION_FIELDS = tuple(SessionRecord.__dataclass_fields__)


class RecordWriter:
    """Appends records to ``<run_dir>/records/<kind>-<process>.ndjson`` (kind: tickets or
    sessions)."""

    def __init__(self, run_dir: Path, process: str, kind: str = "tickets") -> None:
        folder = run_dir / RECORDS_DIR
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{kind}-{process}.ndjson"
        self._fields = _SESSION_FIELDS if kind == "sessions" else _FIELDS
        self._values = attrgetter(*self._fields)
        self._file: IO[str] = self.path.open("a", encoding="utf-8")
        self.pending_path = folder / f"{PENDING_PREFIX}{kind}-{process}.ndjson"
        self._pending: IO[str] | None = None

    def write(self, record: TicketRecord | SessionRecord) -> None:
        row = dict(zip(self._fields, self._values(record), strict=True))  # asdict(): deep, slow
        self._file.write(_encode(row) + "\n")

    def write_pending(self, record: TicketRecord | SessionRecord) -> None:
        """A record that a later :meth:`write` of the same external id supersedes."""
        if self._pending is None:
            self._pending = self.pending_path.open("a", encoding="utf-8")
        row = dict(zip(self._fields, self._values(record), strict=True))
        self._pending.write(_encode(row) + "\n")

    def drop_pending(self) -> None:
        """Every pending record was superseded: the main file holds the outcomes."""
        self.flush()
        if self._pending is not None:
            self._pending.close()
            self._pending = None
        self.pending_path.unlink(missing_ok=True)

    def flush(self) -> None:
        if not self._file.closed:  # a loop killed without blocking may run once more after close
            self._file.flush()
        if self._pending is not None and not self._pending.closed:
            self._pending.flush()

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()
        if self._pending is not None and not self._pending.closed:
            self._pending.close()


def read_records(run_dir: Path, kind: str = "tickets") -> list[dict[str, Any]]:
    """Every record of the run, and each pending one no final record superseded; a torn last
    line (crash mid-write) is skipped."""
    folder = run_dir / RECORDS_DIR
    rows = _read(sorted(folder.glob(f"{kind}-*.ndjson")))
    pending = _read(sorted(folder.glob(f"{PENDING_PREFIX}{kind}-*.ndjson")))
    if pending:
        final = {row.get("external_id") for row in rows}
        rows += [row for row in pending if row.get("external_id") not in final]
    return rows


def _read(paths: list[Path]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    rows.append(json.loads(line))
                except ValueError:
                    continue
    return rows


def to_parquet(run_dir: Path) -> Path:
    """``tickets.parquet`` (and ``sessions.parquet`` for chat) from the records. pyarrow alone,
    typed from the record classes: pandas would cost the load process seconds of start-up
    CPU at the end of every run (and ``pa.array`` on Python lists imports it, so the records
    go through pyarrow's own ndjson reader)."""
    import pyarrow.parquet as pq

    out = run_dir / "tickets.parquet"
    pq.write_table(_table(run_dir, "tickets", TicketRecord), out)
    if any((run_dir / RECORDS_DIR).glob("sessions-*.ndjson")):
        pq.write_table(_table(run_dir, "sessions", SessionRecord), run_dir / "sessions.parquet")
    return out


def _table(run_dir: Path, kind: str, record: type[TicketRecord | SessionRecord]) -> Any:
    """Every record of ``kind`` in file and line order, as :func:`read_records` reads them."""
    import pyarrow as pa
    import pyarrow.json as pj

    schema = _schema(record)
    if any((run_dir / RECORDS_DIR).glob(f"{PENDING_PREFIX}{kind}-*.ndjson")):  # a killed run's
        return pa.Table.from_pylist(read_records(run_dir, kind), schema)  # unsuperseded ones
    data = bytearray()
    for path in sorted((run_dir / RECORDS_DIR).glob(f"{kind}-*.ndjson")):
        content = path.read_bytes()
        data += content[: content.rfind(b"\n") + 1]  # a torn last line (crash mid-write)
    if not data.strip():
        return schema.empty_table()
    options = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
    try:
        return pj.read_json(pa.BufferReader(bytes(data)), parse_options=options)
    except pa.ArrowInvalid:  # a line that is no record: read line by line, skipping it
        return pa.Table.from_pylist(read_records(run_dir, kind), schema)


def _schema(record: type[TicketRecord | SessionRecord]) -> Any:
    import pyarrow as pa

    def column(annotation: str) -> Any:
        if "float" in annotation:
            return pa.float64()
        return pa.int64() if "int" in annotation else pa.string()

    return pa.schema(
        [(name, column(str(f.type))) for name, f in record.__dataclass_fields__.items()]
    )
