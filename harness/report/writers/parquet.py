"""metrics.parquet: the metrics table with typed columns (strings, nullable int64, float64).

The same columns as metrics.csv (:data:`harness.report.tables.METRIC_COLUMNS`); an absent
statistic is a null, never 0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from harness.i18n import Lang
from harness.report.tables import metrics_table
from harness.report.writers.base import ExportRun
from harness.results.model import RunSummary

__all__ = ["FILENAME", "export", "write"]

FILENAME: Final = "metrics.parquet"


def export(run: ExportRun, out_dir: Path) -> list[Path]:
    return [write(run.summary, out_dir, lang=run.lang)]


def write(summary: RunSummary, out_dir: Path, *, lang: Lang = "en") -> Path:
    """Write ``out_dir/metrics.parquet`` and return its path."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = metrics_table(summary, lang)
    types = {"text": pa.string(), "int": pa.int64(), "bool": pa.bool_()}
    fields = [pa.field(c.key, types.get(c.kind, pa.float64())) for c in table.columns]
    columns = list(zip(*table.rows, strict=True)) if table.rows else [()] * len(fields)
    arrays = [
        pa.array(list(values), type=field.type)
        for values, field in zip(columns, fields, strict=True)
    ]
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILENAME
    pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), path)
    return path
