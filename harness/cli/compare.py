"""``csm-harness compare RUN...``: vendors side by side and reruns of a vendor against each other.

Thin over :class:`harness.report.compare.Comparison`: reads each run folder's summary.json
(a batch folder stands for the runs inside it), ranks them (by a scoring file's weighted score
and vetoes with ``--scoring``), prints the findings and the changes with their noise verdicts,
and writes the comparison page (plus its other-language twin) with links to each run's report.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from harness.cli.console import say
from harness.cli.messages import detect_lang
from harness.cli.score import find_runs
from harness.i18n import Lang
from harness.report import compare_html
from harness.report.compare import Comparison
from harness.report.history import update_index
from harness.report.i18n import t
from harness.results import summary_json as json_writer

if TYPE_CHECKING:
    from harness.analysis.scorecard import ScoreReport
    from harness.results.model import RunSummary

__all__ = ["build_comparison", "compare", "print_comparison"]


def score_runs(scoring: Path, run_dirs: Sequence[Path], out: Path | None) -> ScoreReport:
    """Score the runs in ``run_dirs`` with ``scoring``; write scores.json to ``out`` if given."""
    from harness.analysis.scorecard import read_vendor_inputs, write_scores
    from harness.analysis.scoring import score
    from harness.config.scoring import load_scoring

    model = load_scoring(scoring)
    report = score(model, [read_vendor_inputs(model, run) for run in run_dirs])
    if out is not None:
        write_scores(report, out)
    return report


def latest_per_vendor(run_dirs: Sequence[Path]) -> list[Path]:
    """The latest run of each vendor: scoring ranks vendors, one run each."""
    latest: dict[str, tuple[str, Path]] = {}
    for run in run_dirs:
        summary = json_writer.read(run / json_writer.FILENAME)
        seen = latest.get(summary.vendor.name)
        if seen is None or summary.started_at > seen[0]:
            latest[summary.vendor.name] = (summary.started_at, run)
    return [run for _, run in latest.values()]


def build_comparison(
    run_dirs: Sequence[Path], scores: ScoreReport | None = None
) -> tuple[Comparison, dict[Path, RunSummary]]:
    summaries = {run: json_writer.read(run / json_writer.FILENAME) for run in run_dirs}
    return Comparison.build(list(summaries.values()), scores=scores), summaries


def write_page(
    comparison: Comparison, summaries: dict[Path, RunSummary], out: Path, lang: Lang
) -> Path:
    """The comparison page at ``out``, linking each run's report relative to it."""
    hrefs = {
        id(summary): Path(os.path.relpath(run / "report.html", out.parent)).as_posix()
        for run, summary in summaries.items()
    }
    return compare_html.write_comparison(comparison, out, lang, hrefs)


def print_comparison(comparison: Comparison, lang: Lang) -> None:
    say(t("section.ranking", lang))
    for rank, run in enumerate(comparison.runs, start=1):
        standing = comparison.standing(run)
        score = f"  {standing.total:.2f}" if standing else ""
        veto = f"  veto: {', '.join(standing.vetoes)}" if standing and standing.vetoed else ""
        say(f"  {rank}. {run.vendor.title(lang)} ({run.started_at}){score}{veto}")
    say(t("section.findings", lang))
    for finding in comparison.findings:
        say(f"  - {finding.text(lang)}")
    for changes in comparison.changes:
        say(compare_html.change_title(changes, lang))
        for change in changes.changes:
            row = compare_html.change_row(change, lang)
            mark = {"regression": "✗", "improvement": "✓"}.get(change.assessment, "·")
            say(f"  {mark} {row.label}: {row.before} → {row.after}  {row.change}  "
                f"[{row.interval}]  {row.assessment}")  # fmt: skip


def compare(
    runs: Annotated[
        list[Path],
        typer.Argument(help="Run folders (each with summary.json), or batch folders of them."),
    ],
    scoring: Annotated[
        Path | None,
        typer.Option(help="Scoring YAML: rank by weighted score; a failed veto ranks last."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Comparison page to write (default: comparison.html beside the runs)."),
    ] = None,
    index: Annotated[
        Path | None,
        typer.Option(help="Results folder whose index.html / index.json to refresh afterwards."),
    ] = None,
    lang: Annotated[
        str | None, typer.Option(help="en or zh-CN (default: from the locale).")
    ] = None,
) -> None:
    """Compare runs: vendors side by side, reruns of a vendor as regressions or improvements."""
    language = detect_lang(lang)
    run_dirs = find_runs(runs)
    page = out or Path(os.path.commonpath([run.parent for run in run_dirs])) / "comparison.html"
    scores = None
    if scoring is not None:
        scores = score_runs(scoring, latest_per_vendor(run_dirs), page.parent / "scores.json")
    comparison, summaries = build_comparison(run_dirs, scores)
    print_comparison(comparison, language)
    say(f"{t('compare.title', language, scenario=comparison.scenario)}: "
        f"{write_page(comparison, summaries, page, language)}")  # fmt: skip
    if index is not None:
        say(f"{t('index.title', language)}: {update_index(index, language)}")
