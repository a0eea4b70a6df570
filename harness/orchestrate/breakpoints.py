"""Runs a breakpoint search against one vendor: one short arrival-rate run per step.

Each step is an ordinary run (:func:`harness.orchestrate.runs.run_vendor`) of a derived scenario
into the search folder (``steps/step-NN.yaml``): the scenario with ``load`` set to the step's
rate and duration, ``thresholds`` set to the search's SLOs and ``bounds.max_duration`` cut to
what is left of ``breakpoint.max_time``. So every step has its own run folder, summary and
report, and the load shape drains the target (every ticket routed or timed out) before the
step ends; the cool-down follows. An ``embedded`` vendor gets a fresh sandbox per step.

Ceilings: no step runs above ``max_rate`` (the search never proposes one), and no step starts
unless its arrivals, its start-up and the cool-down before it fit in what is left of
``max_time``; its drain is cut at that limit too.

Everything judged comes from the harness's own measurements (records and merged metrics),
never from the target's figures.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from harness.analysis.breakpoint import Phase, SearchResult, StepOutcome, StepSearch, judge
from harness.analysis.step_measure import measure_step
from harness.analysis.verdicts import MeasuredMetric, ThresholdResult, evaluate
from harness.analysis.window import ArrivalWindow
from harness.config import Scenario, format_duration, format_rate, load_scenario, load_vendor
from harness.config.breakpoint import Breakpoint
from harness.config.breakpoint_sessions import SessionsBreakpoint
from harness.config.thresholds import Threshold, parse_threshold
from harness.errors import ConfigError
from harness.metrics.records import read_records
from harness.metrics.series import read_metric_lines
from harness.orchestrate.preflight import check_environment
from harness.orchestrate.runs import Progress, run_vendor
from harness.orchestrate.session_steps import agents_for, judge_session_step, write_session_step
from harness.results.model import ERRORS, ROUTING_LATENCY, RunSummary
from harness.results.run_info import RunInfo

__all__ = ["SearchObserver", "require_breakpoint", "run_breakpoint"]

_START_DELAY_S = 1.0  # the load shape's pause before the first arrival (harness.load.entry)
_FIRST_OVERHEAD_S = 10.0  # start-up and write-out of one step, until one has been measured
_DRAIN_EXTRA_S = 10.0  # beyond probe.timeout, as the load shape allows
_SESSIONS_STOP_S = 15.0  # a sessions step stops its users and writes out after the hold


class SearchObserver:
    """Hooks for progress display; every method does nothing unless overridden."""

    def step_started(self, index: int, phase: Phase, rate: float) -> None:
        """A step at ``rate`` per second is about to run."""

    def step_progress(self, progress: Progress) -> None:
        """Half-second progress of the running step."""

    def step_finished(self, step: StepOutcome) -> None:
        """A step has been measured and judged."""

    def cooling_down(self, seconds: float) -> None:
        """The pause before the next step."""


def require_breakpoint(scenario: Scenario, scenario_path: Path) -> Breakpoint | SessionsBreakpoint:
    if scenario.breakpoint is None:
        raise ConfigError(
            f"{scenario_path}: no `breakpoint:` block; add one, e.g. "
            "'breakpoint: {start: 2/s, factor: 1.5, max_rate: 50/s, max_time: 20m}' "
            "(see scenarios/breakpoint.yaml)."
        )
    return scenario.breakpoint


def run_breakpoint(
    scenario_path: Path,
    scenario: Scenario,
    vendor_path: Path,
    *,
    search_dir: Path,
    observer: SearchObserver | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> SearchResult:
    """Search the breakpoint of one vendor; results go to ``search_dir``."""
    spec = require_breakpoint(scenario, scenario_path)
    vendor = load_vendor(vendor_path)
    check_environment(scenario_path, scenario, vendor, vendor_path)  # before anything is written
    watch = observer or SearchObserver()
    steps_dir = search_dir / "steps"
    steps_dir.mkdir(parents=True, exist_ok=True)
    search = StepSearch(spec)
    slos = spec.slos_for(scenario.thresholds) if isinstance(spec, SessionsBreakpoint) else spec.slos
    thresholds = [parse_threshold(m, s) for m, sources in slos.items() for s in sources]
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    began = clock()
    overhead = _FIRST_OVERHEAD_S
    try:
        while (planned := search.next_step()) is not None:
            rate, phase = planned
            pause = spec.cool_down if search.steps else 0.0
            remaining = spec.max_time - (clock() - began) - pause
            step_time = _step_time(spec, rate)
            processes = 1
            if isinstance(spec, SessionsBreakpoint):
                processes = spec.processes_for(rate)
                if processes > spec.max_processes:
                    search.stop("generator_limit")  # refused: this machine cannot hold it
                    break
            if remaining < overhead + _START_DELAY_S + step_time:
                search.stop("max_time")
                break
            if pause:
                watch.cooling_down(pause)
                sleep(pause)
            index = len(search.steps) + 1
            budget = math.floor(remaining - overhead)
            drain = scenario.probe.timeout + _DRAIN_EXTRA_S
            if isinstance(spec, SessionsBreakpoint):
                drain = _SESSIONS_STOP_S
            full = _START_DELAY_S + step_time + drain
            max_duration = max(math.ceil(_START_DELAY_S + step_time), min(budget, math.ceil(full)))
            step_path = steps_dir / f"step-{index:02d}.yaml"
            if isinstance(spec, SessionsBreakpoint):
                write_session_step(
                    step_path, scenario_path, scenario, spec, vendor_path, rate, max_duration
                )
                run_id = f"step-{index:02d}-{round(rate)}-sessions"
            else:
                _write_step_scenario(
                    step_path, scenario_path, scenario, vendor_path, rate, max_duration
                )
                run_id = f"step-{index:02d}-{format_rate(rate).replace('/', '-per-')}"
            watch.step_started(index, phase, rate)
            step_began = clock()
            outcome = run_vendor(
                step_path,
                load_scenario(step_path),  # as the Locust child will read it
                vendor_path,
                out_dir=steps_dir,
                run_id=run_id,
                workers=processes,
                on_progress=watch.step_progress,
            )
            wall = clock() - step_began
            overhead = max(overhead if search.steps else 0.0, wall - outcome.summary.duration_s)
            if isinstance(spec, SessionsBreakpoint):
                good = [(s.rate, s.measure) for s in search.steps if s.ok and s.rate < rate]
                step = judge_session_step(
                    spec, thresholds, outcome.run_dir, outcome.summary, (index, phase, rate),
                    good, wall, processes, agents_for(spec, scenario, rate),
                )  # fmt: skip
            else:
                step = _judge_step(
                    spec, thresholds, outcome.run_dir, outcome.summary, index, phase, rate, wall
                )
            search.add(step)
            watch.step_finished(step)
            if not step.complete:
                search.stop("max_time" if max_duration < math.ceil(full) else "incomplete_step")
    except KeyboardInterrupt:
        search.stop("interrupted")
    return SearchResult.build(
        search,
        scenario=scenario.name,
        vendor={"name": vendor.name, "title_en": vendor.title.en, "title_zh": vendor.title.zh_cn},
        started_at=started_at,
        search_time_s=clock() - began,
    )


def _step_time(spec: Breakpoint | SessionsBreakpoint, level: float) -> float:
    if isinstance(spec, SessionsBreakpoint):
        return spec.step_time(level)
    return spec.step_duration


def _write_step_scenario(
    path: Path,
    scenario_path: Path,
    scenario: Scenario,
    vendor_path: Path,
    rate: float,
    max_duration: int,
) -> None:
    spec = require_breakpoint(scenario, scenario_path)
    assert isinstance(spec, Breakpoint)
    data: dict[str, Any] = scenario.model_dump(mode="json", exclude={"breakpoint"})
    data["vendors"] = [str(vendor_path.resolve())]
    data["load"] = {
        "kind": "arrival-rate",
        "rate": format_rate(rate),
        "duration": format_duration(spec.step_duration),
        "max_users": getattr(scenario.load, "max_users", 100),
        "arrivals": spec.arrivals,
    }
    data["bounds"] = {
        "max_duration": format_duration(float(max_duration)),
        "max_requests": scenario.bounds.max_requests,
    }
    data["thresholds"] = spec.slos
    header = f"# Breakpoint step at {format_rate(rate)}, derived from {scenario_path}\n"
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(header + text, encoding="utf-8")


def _judge_step(
    spec: Breakpoint,
    thresholds: list[Threshold],
    run_dir: Path,
    summary: RunSummary,
    index: int,
    phase: Phase,
    rate: float,
    wall: float,
) -> StepOutcome:
    start = RunInfo.read(run_dir).start_at
    measure = measure_step(read_records(run_dir), start + spec.warm_up, start + spec.step_duration)
    store = read_metric_lines(run_dir / "metrics.ndjson")
    window = ArrivalWindow.of(start, summary.load.duration_s)  # as the step's own summary
    results: list[ThresholdResult] = [
        evaluate(t, MeasuredMetric.from_store(store, t.metric, window=window)) for t in thresholds
    ]
    return StepOutcome(
        index=index,
        phase=phase,
        rate=rate,
        run_id=summary.run_id,
        measure=measure,
        verdicts=judge(spec, results, measure),
        complete=summary.complete,
        p95_ms=summary.stat(ROUTING_LATENCY, "p95_ms"),
        error_rate=summary.stat(ERRORS, "rate"),
        wall_s=wall,
        reliable=summary.generator.reliable,
        unreliable_reason=summary.generator.unreliable_reason,
        machine_busy=summary.generator.machine_busy,
    )
