"""Records to Parquet: the same rows as the NDJSON files hold, without pandas in the process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

from harness.metrics.records import (
    RECORDS_DIR,
    RecordWriter,
    TicketRecord,
    read_records,
    to_parquet,
)


def _ticket(n: int, process: str) -> TicketRecord:
    return TicketRecord(
        external_id=f"T-{n}", ticket_id=None if n % 2 else f"id-{n}", arrival=n, process=process,
        category="账单", channel="web", priority="normal", intended_at=1e9 + n, sent_at=1e9 + n,
        lag_ms=0.5, create_ms=None if n % 3 else 12.0, outcome="routed", routing_ms=30.0,
        observed_by="webhook", agent_id="a-1", queue=None, polls=n,
    )  # fmt: skip


def _write(run_dir: Path) -> None:
    for process in ("0-1", "1-2"):
        writer = RecordWriter(run_dir, process)
        for n in range(5):
            writer.write(_ticket(n, process))
        writer.close()
    with (run_dir / RECORDS_DIR / "tickets-1-2.ndjson").open("a", encoding="utf-8") as torn:
        torn.write('{"external_id": "T-9", "arr')  # a crash mid-write


def test_parquet_holds_every_record_in_order_and_skips_a_torn_line(tmp_path: Path) -> None:
    _write(tmp_path)
    table = pq.read_table(to_parquet(tmp_path))
    assert table.to_pylist() == read_records(tmp_path)
    assert table.num_rows == 10
    assert table.schema.field("polls").type == "int64"


def test_a_line_that_is_no_record_is_skipped(tmp_path: Path) -> None:
    _write(tmp_path)
    with (tmp_path / RECORDS_DIR / "tickets-0-1.ndjson").open("a", encoding="utf-8") as bad:
        bad.write("not json\n")
    assert pq.read_table(to_parquet(tmp_path)).num_rows == 10


def test_no_records_is_an_empty_table(tmp_path: Path) -> None:
    (tmp_path / RECORDS_DIR).mkdir()
    assert pq.read_table(to_parquet(tmp_path)).num_rows == 0


def test_writing_parquet_does_not_import_pandas(tmp_path: Path) -> None:
    _write(tmp_path)
    code = (
        "import sys; from pathlib import Path; from harness.metrics.records import to_parquet; "
        f"to_parquet(Path({str(tmp_path)!r})); print('pandas' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
