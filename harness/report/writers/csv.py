"""metrics.csv and tickets-sample.csv: the metrics table and the first rows of tickets.parquet.

UTF-8 with a BOM, so Excel shows Chinese titles correctly, and the first row holds the column
keys (``p95_ms``), not translated headers, so scripts can rely on them. Numbers are written with
``repr`` (shortest exact form) and an absent statistic is an empty cell; :func:`read_metrics`
reads a metrics file back to the same values.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Final

from harness.i18n import Lang
from harness.report.tables import METRIC_COLUMNS, Table, metrics_table, tickets_table
from harness.report.writers.base import ExportRun
from harness.results.model import RunSummary

__all__ = ["FILENAME", "TICKETS_FILENAME", "export", "read_metrics", "write", "write_tickets"]

FILENAME: Final = "metrics.csv"
TICKETS_FILENAME: Final = "tickets-sample.csv"
ENCODING: Final = "utf-8-sig"


def export(run: ExportRun, out_dir: Path) -> list[Path]:
    sample = write_tickets(run.tickets, out_dir, limit=run.sample_rows)
    return [write(run.summary, out_dir, lang=run.lang), *([sample] if sample is not None else [])]


def write(summary: RunSummary, out_dir: Path, *, lang: Lang = "en") -> Path:
    """Write ``out_dir/metrics.csv`` (metric titles in ``lang``) and return its path."""
    return _write(metrics_table(summary, lang), out_dir / FILENAME)


def write_tickets(tickets: Path, out_dir: Path, *, limit: int = 1000) -> Path | None:
    """The first ``limit`` tickets of ``tickets`` (a tickets.parquet); None when it is absent."""
    table = tickets_table(tickets, limit)
    return None if table is None else _write(table, out_dir / TICKETS_FILENAME)


def _write(table: Table, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=ENCODING, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([column.key for column in table.columns])
        writer.writerows([_text(value) for value in row] for row in table.rows)
    return path


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def read_metrics(path: Path) -> list[dict[str, Any]]:
    """Rows of a metrics.csv with numbers as numbers and empty cells as None."""
    kinds = {column.key: column.kind for column in METRIC_COLUMNS}
    with path.open(encoding=ENCODING, newline="") as handle:
        return [
            {key: _value(text, kinds.get(key, "text")) for key, text in row.items()}
            for row in csv.DictReader(handle)
        ]


def _value(text: str, kind: str) -> Any:
    if text == "" and kind != "text":
        return None
    if kind == "int":
        return int(text)
    if kind in ("float", "ms", "pct"):
        return float(text)
    return text
