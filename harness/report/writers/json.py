"""summary.json as an export format (the file itself is :mod:`harness.results.summary_json`)."""

from __future__ import annotations

from pathlib import Path

from harness.report.writers.base import ExportRun
from harness.results import summary_json

__all__ = ["export"]


def export(run: ExportRun, out_dir: Path) -> list[Path]:
    return [summary_json.write(run.summary, out_dir)]
