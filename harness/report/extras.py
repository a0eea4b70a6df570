"""What a run report shows besides summary.json, read from the run's folder when present.

- ``checks.json`` (acceptance checks): :mod:`harness.report.checks_view`, tolerant of absence;
- ``scores.json`` (``csm-harness score``, ``run --scoring``): in the run folder or the batch
  folder above it; the scorecard whose vendor (and run id, when set) is this run's;
- ``breakpoint.json`` (``csm-harness breakpoint``): in the run folder, or the batch folder above
  it when it names this run's vendor: the USL fit and the measured steps.

A file that is missing, unreadable or of another vendor is simply not shown.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.report.checks_view import ChecksView, read_checks
from harness.results.run_dir import BREAKPOINT, SCORES, RunDir

if TYPE_CHECKING:
    from harness.analysis.scorecard import Scorecard, ScoreReport
    from harness.analysis.usl import UslFit
    from harness.results.model import RunSummary

__all__ = ["BreakpointView", "RunExtras", "load_extras", "scorecard_for"]


@dataclasses.dataclass(frozen=True, slots=True)
class BreakpointView:
    """breakpoint.json as the run report draws it."""

    breakpoint_per_s: float | None
    first_bad_per_s: float | None
    stop_reason: str
    steps: list[tuple[float, float, bool]]  # (concurrency, routed per s, good)
    usl: UslFit | None


@dataclasses.dataclass(frozen=True, slots=True)
class RunExtras:
    checks: ChecksView | None = None
    scorecard: Scorecard | None = None
    scoring_model: str | None = None
    scored_vendors: int = 0
    breakpoint: BreakpointView | None = None


def scorecard_for(report: ScoreReport, summary: RunSummary) -> Scorecard | None:
    for card in report.cards:
        if card.vendor == summary.vendor.name and card.run_id in (None, summary.run_id):
            return card
    return None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None


def _scores(run_dir: Path, summary: RunSummary) -> tuple[Scorecard | None, str | None, int]:
    from harness.analysis.scorecard import ScoreReport
    from harness.results.model import SchemaError

    for path in RunDir(run_dir).beside(SCORES):
        data = _read_json(path)
        if data is None:
            continue
        try:
            report = ScoreReport.from_dict(data)
        except (SchemaError, TypeError, ValueError):
            continue
        card = scorecard_for(report, summary)
        if card is not None:
            return card, report.model, len(report.cards)
    return None, None, 0


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def parse_breakpoint(data: object) -> BreakpointView | None:
    """The parts of a breakpoint.json the report draws; None when it is not one."""
    from harness.analysis.usl import UslFit

    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        return None
    steps = []
    for step in data["steps"]:
        if not isinstance(step, dict) or step.get("complete") is False:
            continue
        n, x = _number(step.get("concurrency")), _number(step.get("throughput_per_s"))
        if n is not None and x is not None:
            steps.append((n, x, bool(step.get("ok"))))
    fit, raw = None, data.get("usl")
    if isinstance(raw, dict):
        lam, sigma, kappa = (_number(raw.get(k)) for k in ("lambda", "sigma", "kappa"))
        if lam is not None and sigma is not None and kappa is not None:
            kind = raw.get("peak_kind")
            fit = UslFit(
                lam=lam, sigma=sigma, kappa=kappa, r2=_number(raw.get("r2")) or 0.0,
                points=int(_number(raw.get("points")) or 0),
                knee_n=_number(raw.get("knee_concurrency")),
                peak_x=_number(raw.get("peak_throughput")),
                peak_kind=kind if kind in ("knee", "ceiling", "none") else "none",
            )  # fmt: skip
    return BreakpointView(
        breakpoint_per_s=_number(data.get("breakpoint_per_s")),
        first_bad_per_s=_number(data.get("first_bad_per_s")),
        stop_reason=str(data.get("stop_reason", "")),
        steps=steps,
        usl=fit,
    )


def _breakpoint(run_dir: Path, summary: RunSummary) -> BreakpointView | None:
    for path in RunDir(run_dir).beside(BREAKPOINT):
        data = _read_json(path)
        if not isinstance(data, dict):
            continue
        vendor = data.get("vendor")
        if path.parent != run_dir and not (
            isinstance(vendor, dict) and vendor.get("name") == summary.vendor.name
        ):
            continue
        view = parse_breakpoint(data)
        if view is not None:
            return view
    return None


def load_extras(run_dir: Path, summary: RunSummary) -> RunExtras:
    """Everything optional the run report can show for the run in ``run_dir``."""
    card, model, scored = _scores(run_dir, summary)
    return RunExtras(
        checks=read_checks(run_dir),
        scorecard=card,
        scoring_model=model,
        scored_vendors=scored,
        breakpoint=_breakpoint(run_dir, summary),
    )
