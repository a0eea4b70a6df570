"""Render a run's report from what is on disk, whatever state the run was left in.

A finished run has ``summary.json``: its report is simply rendered again. A run killed with
SIGKILL (or crashed) left ``run.json`` (written before any load), ``metrics.ndjson`` (merged
per-second metrics, appended and flushed every second) and ``records/`` (per-ticket NDJSON,
flushed every second). :func:`recover` rebuilds the summary from those: every complete line
counts, a torn last line is skipped, the summary is marked incomplete and says up to which
second it holds. Nothing here imports locust.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.analysis.summary import SummaryInputs, build_summary
from harness.errors import ConfigError, HarnessError
from harness.metrics.process_state import state_from_dict
from harness.metrics.series import SeriesStore
from harness.results.model import RunSummary, SchemaError
from harness.results.run_dir import RunDir

__all__ = ["KILLED", "Recovered", "recover"]

METRICS_FILE = "metrics.ndjson"
KILLED = "the process ending before it finished (killed or crashed)"


@dataclass(frozen=True, slots=True)
class Recovered:
    summary: RunSummary
    rebuilt: bool  # True when summary.json was rebuilt from metrics.ndjson and records
    last_second: int | None  # the last second with merged metrics on disk (Unix seconds)
    lines: int  # metric lines read
    torn: int  # lines skipped (a write cut by the kill)


def recover(run_dir: Path, *, lang: str = "zh-CN", cut_reason: str = KILLED) -> Recovered:
    """Write ``summary.json`` (if missing), ``tickets.parquet`` and ``report.html``."""
    from harness.report.outputs import write_outputs
    from harness.results.run_info import RunInfo

    if not RunDir(run_dir).run_info.is_file():
        raise ConfigError(
            f"{run_dir} is not a run folder: it has no run.json. Pass a folder such as "
            "reports/<batch>/<run-id>/."
        )
    try:
        info = RunInfo.read(run_dir)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{run_dir / 'run.json'} is unreadable: {type(exc).__name__}") from None
    store, states, last_at, lines, torn = _read_metrics(run_dir / METRICS_FILE)
    seconds = store.seconds()
    last_second = seconds[-1] if seconds else None
    summary = _finished(run_dir)
    rebuilt = summary is None
    if summary is None:
        ended_at = max(last_at or info.start_at, info.start_at)
        summary = build_summary(
            SummaryInputs(
                info=info,
                thresholds=_thresholds(info.scenario_path),
                store=store,
                processes=[state_from_dict(s) for s in states.values()],
                ended_at=ended_at,
                cut_reason=cut_reason,
            )
        )
    write_outputs(run_dir, summary, lang)
    return Recovered(summary, rebuilt, last_second, lines, torn)


def _finished(run_dir: Path) -> RunSummary | None:
    path = RunDir(run_dir).summary
    if not path.is_file():
        return None
    try:
        return RunSummary.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, SchemaError):
        return None  # a summary torn by the kill: rebuild it


def _read_metrics(
    path: Path,
) -> tuple[SeriesStore, dict[str, dict[str, Any]], float | None, int, int]:
    store = SeriesStore()
    states: dict[str, dict[str, Any]] = {}
    last_at: float | None = None
    lines = torn = 0
    if not path.is_file():
        return store, states, last_at, lines, torn
    with path.open("rb") as handle:
        for raw in handle:
            if not raw.endswith(b"\n"):
                torn += 1  # the write the kill interrupted
                continue
            try:
                line = json.loads(raw)
                store.merge(line["metrics"])
            except (ValueError, KeyError, TypeError):
                torn += 1
                continue
            lines += 1
            if isinstance(line.get("state"), dict):
                states[str(line.get("process"))] = line["state"]
            if isinstance(line.get("at"), int | float):
                last_at = max(last_at or 0.0, float(line["at"]))
    return store, states, last_at, lines, torn


def _thresholds(scenario_path: str) -> list[Any]:
    """The scenario's thresholds, if its file is still there and still valid."""
    from harness.config import load_scenario

    try:
        return list(load_scenario(Path(scenario_path)).parsed_thresholds())
    except (HarnessError, OSError):
        return []
