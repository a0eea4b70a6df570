"""``csm-harness export RUN_DIR --format xlsx|csv|junit|parquet|json``: a run in other formats.

Reads only the run folder: summary.json (required), tickets.parquet, checks.json and
scores.json (in the run folder or the batch folder above it) when present; the other runs of
the same batch make the comparison sheet. A batch folder exports each run inside it, and
JUnit then also gets one junit.xml for the whole batch with a test suite per run.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from harness.analysis.scorecard import SCORES_FILENAME, Scorecard, ScoreReport, read_scores
from harness.analysis.scoring_text import st
from harness.cli.console import say
from harness.cli.messages import Lang, detect_lang
from harness.cli.score import find_runs
from harness.errors import ConfigError
from harness.report.compare import Comparison
from harness.report.writers import csv as csv_writer
from harness.report.writers import junit as junit_writer
from harness.report.writers import parquet as parquet_writer
from harness.report.writers import xlsx as xlsx_writer
from harness.results import summary_json as json_writer
from harness.results.model import RunSummary

__all__ = ["ExportFormat", "export", "export_run"]


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    JUNIT = "junit"
    PARQUET = "parquet"
    JSON = "json"


def export(
    run_dir: Annotated[Path, typer.Argument(help="A run folder (with summary.json) or a batch.")],
    formats: Annotated[
        list[ExportFormat] | None,
        typer.Option("--format", help="Output format (repeatable). Default: xlsx."),
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
    chosen = list(dict.fromkeys(formats or [ExportFormat.XLSX]))
    runs = find_runs([run_dir])
    entries: list[tuple[RunSummary, Path]] = [
        (json_writer.read(run / json_writer.FILENAME), run) for run in runs
    ]
    for summary, run in entries:
        target = out / run.name if out is not None and len(runs) > 1 else (out or run)
        for path in export_run(summary, run, target, chosen, language, sample_rows):
            say(st("export.written", language, path=path))
    if ExportFormat.JUNIT in chosen and len(entries) > 1:
        cards = [_scorecard(run, summary) for summary, run in entries]
        batch = junit_writer.write_many(
            [(summary, card) for (summary, _), card in zip(entries, cards, strict=True)],
            (out or run_dir) / junit_writer.FILENAME,
        )
        say(st("export.written", language, path=batch))


def export_run(
    summary: RunSummary,
    run: Path,
    out: Path,
    formats: list[ExportFormat],
    lang: Lang,
    sample_rows: int = 1000,
) -> list[Path]:
    """Write each of ``formats`` for the run in ``run`` into ``out``; the paths written."""
    written: list[Path] = []
    tickets = run / "tickets.parquet"
    scores = _scores(run)
    card = scores.card(summary.vendor.name) if scores is not None else None
    for fmt in formats:
        if fmt is ExportFormat.XLSX:
            written.append(
                xlsx_writer.write(
                    summary, out, lang=lang, tickets=tickets, checks=_checks(run),
                    scores=scores, comparison=_comparison(run, summary), sample_rows=sample_rows,
                )
            )  # fmt: skip
        elif fmt is ExportFormat.CSV:
            written.append(csv_writer.write(summary, out, lang=lang))
            sample = csv_writer.write_tickets(tickets, out, limit=sample_rows)
            written += [sample] if sample is not None else []
        elif fmt is ExportFormat.JUNIT:
            written.append(junit_writer.write(summary, out, scorecard=card))
        elif fmt is ExportFormat.PARQUET:
            written.append(parquet_writer.write(summary, out, lang=lang))
        else:
            written.append(json_writer.write(summary, out))
    return written


def _scores(run: Path) -> ScoreReport | None:
    for folder in (run, run.parent):
        if (folder / SCORES_FILENAME).is_file():
            return read_scores(folder / SCORES_FILENAME)
    return None


def _scorecard(run: Path, summary: RunSummary) -> Scorecard | None:
    scores = _scores(run)
    return scores.card(summary.vendor.name) if scores is not None else None


def _checks(run: Path) -> object | None:
    path = run / "checks.json"
    if not path.is_file():
        return None
    try:
        data: object = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: not a readable JSON file: {exc}") from None
    return data


def _comparison(run: Path, summary: RunSummary) -> Comparison | None:
    """The runs of the same scenario beside this one, when there are others."""
    siblings = [
        json_writer.read(path)
        for path in sorted(run.parent.glob(f"*/{json_writer.FILENAME}"))
        if path.parent != run
    ]
    same = [other for other in siblings if other.scenario == summary.scenario]
    return Comparison.build([summary, *same]) if same else None
