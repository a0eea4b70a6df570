"""``csm-harness score SCORING.yaml RUN_DIR...``: rank vendors and explain every score line.

Thin over :mod:`harness.analysis.scoring`: reads the scoring file and each run folder, prints
the ranking and each vendor's lines in a table, and writes scores.json.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from harness.analysis.scorecard import (
    ScoreReport,
    read_vendor_inputs,
    write_scores,
)
from harness.analysis.scoring import score as score_vendors
from harness.analysis.scoring_text import fmt_value, st
from harness.cli.console import say, table
from harness.cli.messages import detect_lang
from harness.config.scoring import load_scoring
from harness.errors import ConfigError
from harness.i18n import Lang, fmt_number
from harness.results import summary_json as json_writer
from harness.results.run_dir import SCORES

__all__ = ["find_runs", "score"]


def score(
    scoring: Annotated[
        Path, typer.Argument(help="Scoring YAML, e.g. scenarios/scoring/double11-poc.yaml.")
    ],
    run_dirs: Annotated[
        list[Path],
        typer.Argument(help="Run folders (each with summary.json), or a batch folder of them."),
    ],
    lang: Annotated[
        str | None, typer.Option(help="en or zh-CN (default: from the locale).")
    ] = None,
    json_out: Annotated[
        Path | None,
        typer.Option("--json", help="Where to write scores.json (default: beside the runs)."),
    ] = None,
) -> None:
    """Score and rank vendors; explain each score line by line; write scores.json."""
    language = detect_lang(lang)
    model = load_scoring(scoring)
    runs = find_runs(run_dirs)
    vendors = [read_vendor_inputs(model, run) for run in runs]
    report = score_vendors(model, vendors)
    print_report(report, language)
    unused = sorted(set(model.manual) - {vendor.name for vendor in vendors})
    if unused:
        say(st("scores.unused_manual", language, vendors=", ".join(unused)))
    out = json_out or Path(os.path.commonpath([run.parent for run in runs])) / SCORES
    say(st("scores.written", language, path=write_scores(report, out)))


def find_runs(paths: list[Path]) -> list[Path]:
    """Each path as a run folder, or the run folders directly inside a batch folder."""
    runs: list[Path] = []
    for path in paths:
        if (path / json_writer.FILENAME).is_file():
            runs.append(path)
            continue
        inside = sorted(p.parent for p in path.glob(f"*/{json_writer.FILENAME}"))
        if not inside:
            raise ConfigError(
                f"{path}: no {json_writer.FILENAME} here or in its sub-folders; pass a run folder "
                "written by csm-harness run."
            )
        runs += inside
    return runs


def print_report(report: ScoreReport, lang: Lang) -> None:
    dimensions = list(report.cards[0].dimensions) if report.cards else []
    headers = [
        st("col.rank", lang),
        st("col.vendor", lang),
        st("col.total", lang),
        *(f"{d.title(lang)} ({fmt_number(d.weight)})" for d in dimensions),
        st("col.veto", lang),
    ]
    rows = [
        [
            str(card.rank),
            card.title(lang),
            f"{card.total:.2f}",
            *(f"{d.score:.2f}" for d in card.dimensions),
            ", ".join(v.veto for v in card.vetoes if not v.ok) or st("none", lang),
        ]
        for card in report.cards
    ]
    table(headers, rows, title=report.model)
    line_headers = [
        st(key, lang)
        for key in ("col.criterion", "col.dimension", "col.measured", "col.points",
                    "col.weight", "col.contribution")
    ]  # fmt: skip
    for card in report.cards:
        say("")
        say(card.explanation(lang))
        line_rows = [
            [
                line.title(lang),
                line.dimension,
                fmt_value(line.measured, line.unit, lang),
                f"{line.points:.1f}",
                fmt_number(line.weight),
                f"{line.contribution:.2f}",
            ]
            for line in card.lines
        ]
        table(line_headers, line_rows, title=card.title(lang))
        for line in card.lines:
            say(f"  {line.criterion}: {line.explanation(lang)}")
        for veto in card.vetoes:
            say(f"  {'✓' if veto.ok else '✗'} {veto.veto}: {veto.explanation(lang)}")
