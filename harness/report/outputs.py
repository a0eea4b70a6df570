"""Every output of a finished run from its summary: ``summary.json``, ``tickets.parquet`` (from
the per-ticket records) and the HTML report with its other-language twin."""

from __future__ import annotations

from pathlib import Path

from harness.metrics.records import to_parquet
from harness.report import html
from harness.results import summary_json
from harness.results.model import RunSummary

__all__ = ["write_outputs"]


def write_outputs(run_dir: Path, summary: RunSummary, lang: str = "zh-CN") -> None:
    summary_json.write(summary, run_dir)
    to_parquet(run_dir)
    html.write_run_report(summary, run_dir, "en" if lang == "en" else "zh-CN")
