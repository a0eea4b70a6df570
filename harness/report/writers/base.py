"""What every output format gets: one :class:`ExportRun`, and the :class:`Writer` signature.

A writer is a function ``(run, out_dir) -> [paths written]``; it takes from the run what it
needs (the summary, the tickets file, checks, scores, the comparison with sibling runs), each
read from the run folder once, on first use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Protocol

from harness.analysis.scorecard import Scorecard, ScoreReport, read_scores
from harness.errors import ConfigError
from harness.i18n import Lang
from harness.report.compare import Comparison
from harness.results import summary_json
from harness.results.model import RunSummary
from harness.results.run_dir import SCORES, SUMMARY, RunDir

__all__ = ["ExportRun", "Writer"]


@dataclass(frozen=True)
class ExportRun:
    """One finished run to export: its summary and the folder it was read from."""

    summary: RunSummary
    folder: Path
    lang: Lang = "en"
    sample_rows: int = 1000

    @property
    def tickets(self) -> Path:
        return RunDir(self.folder).tickets

    @cached_property
    def scores(self) -> ScoreReport | None:
        """scores.json of the run folder, or of the batch folder above it."""
        found = RunDir(self.folder).beside(SCORES)
        return read_scores(found[0]) if found else None

    @cached_property
    def scorecard(self) -> Scorecard | None:
        return self.scores.card(self.summary.vendor.name) if self.scores is not None else None

    @cached_property
    def checks(self) -> object | None:
        path = RunDir(self.folder).checks
        if not path.is_file():
            return None
        try:
            data: object = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{path}: not a readable JSON file: {exc}") from None
        return data

    @cached_property
    def comparison(self) -> Comparison | None:
        """The runs of the same scenario beside this one, when there are others."""
        siblings = [
            summary_json.read(path)
            for path in sorted(self.folder.parent.glob(f"*/{SUMMARY}"))
            if path.parent != self.folder
        ]
        same = [other for other in siblings if other.scenario == self.summary.scenario]
        return Comparison.build([self.summary, *same]) if same else None


class Writer(Protocol):
    """Write one format of ``run`` into ``out_dir``; return the paths written."""

    def __call__(self, run: ExportRun, out_dir: Path, /) -> list[Path]: ...
