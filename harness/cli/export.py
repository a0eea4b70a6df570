"""``csm-harness export RUN_DIR --format NAME``: a run in other formats (the names are the
keys of :data:`harness.report.writers.registry.WRITERS`: xlsx, csv, junit, parquet, json).

Reads only the run folder: summary.json (required), tickets.parquet, checks.json and
scores.json (in the run folder or the batch folder above it) when present; the other runs of
the same batch make the comparison sheet. A batch folder exports each run inside it, and
JUnit then also gets one junit.xml for the whole batch with a test suite per run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness.analysis.scoring_text import st
from harness.cli.console import say
from harness.cli.messages import detect_lang
from harness.cli.score import find_runs
from harness.errors import ConfigError
from harness.report.writers import junit as junit_writer
from harness.report.writers.base import ExportRun
from harness.report.writers.registry import WRITERS
from harness.results import summary_json

__all__ = ["export", "export_run"]


def export(
    run_dir: Annotated[Path, typer.Argument(help="A run folder (with summary.json) or a batch.")],
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format", help=f"Output format (repeatable): {', '.join(WRITERS)}. Default: xlsx."
        ),
    ] = None,
    lang: Annotated[
        str | None, typer.Option(help="en or zh-CN (default: from the locale).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for the files (default: each run's folder).")
    ] = None,
    sample_rows: Annotated[
        int, typer.Option(min=1, help="Tickets in the per-ticket sample.")
    ] = 1000,
) -> None:
    """Export a run's results as XLSX, CSV, JUnit XML, Parquet or JSON."""
    language = detect_lang(lang)
    chosen = list(dict.fromkeys(formats or ["xlsx"]))
    unknown = [name for name in chosen if name not in WRITERS]
    if unknown:
        raise ConfigError(f"--format {unknown[0]}: not a format; choose from {', '.join(WRITERS)}")
    runs = [
        ExportRun(summary_json.read(run / summary_json.FILENAME), run, language, sample_rows)
        for run in find_runs([run_dir])
    ]
    for run in runs:
        target = out / run.folder.name if out is not None and len(runs) > 1 else (out or run.folder)
        for path in export_run(run, target, chosen):
            say(st("export.written", language, path=path))
    if "junit" in chosen and len(runs) > 1:
        batch = junit_writer.write_many(
            [(run.summary, run.scorecard) for run in runs],
            (out or run_dir) / junit_writer.FILENAME,
        )
        say(st("export.written", language, path=batch))


def export_run(run: ExportRun, out: Path, formats: list[str]) -> list[Path]:
    """Write each of ``formats`` (names in :data:`WRITERS`) for ``run`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    return [path for name in formats for path in WRITERS[name](run, out)]
