"""Every export format by name: a new format is one module with an ``export`` :class:`Writer`
and one line here (``csm-harness export --format NAME`` offers it at once)."""

from __future__ import annotations

from typing import Final

from harness.report.writers import csv, json, junit, parquet, xlsx
from harness.report.writers.base import Writer

__all__ = ["WRITERS"]

WRITERS: Final[dict[str, Writer]] = {
    "xlsx": xlsx.export,
    "csv": csv.export,
    "junit": junit.export,
    "parquet": parquet.export,
    "json": json.export,
}
