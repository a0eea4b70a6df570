"""One step of a sessions breakpoint search: its derived scenario, and its judgement.

A step is an ordinary ``load.kind: sessions`` run of the scenario with ``load.sessions`` set to
the step's count (ramped at ``breakpoint.ramp``, held for ``breakpoint.hold``), ``thresholds``
set to the search's SLOs, ``conversation.agents`` fixed or scaled as ``breakpoint.agents`` says,
and ``bounds.max_duration`` cut to what is left of ``breakpoint.max_time``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml

from harness.analysis.breakpoint import Phase, StepOutcome
from harness.analysis.session_measure import judge_sessions, measure_sessions, session_window
from harness.analysis.step_measure import StepMeasure
from harness.analysis.verdicts import MeasuredMetric, evaluate
from harness.config import Scenario, format_duration, format_rate
from harness.config.breakpoint_sessions import SessionsBreakpoint
from harness.config.thresholds import Threshold
from harness.metrics.records import read_records
from harness.metrics.series import read_metric_lines
from harness.results.model import ERRORS, RunSummary

__all__ = ["agents_for", "judge_session_step", "write_session_step"]

SESSION_ROUTING = "session_routing"
GENERATOR_LAG = "generator_lag"  # harness.load.collect records it
# A load process whose once-a-second timer fired this late (p95) delayed what it measured by as
# much as a loopback vendor takes to answer: the step is flagged, its verdicts shown.
MAX_LAG_P95_MS = 250.0


def agents_for(spec: SessionsBreakpoint, scenario: Scenario, sessions: float) -> int:
    """Harness agent users of a step: as the scenario sets them, or scaled with the sessions."""
    agents = scenario.conversation.agents
    if spec.agents == "fixed" or agents == 0:
        return agents
    base = getattr(scenario.load, "sessions", 0) or 1
    return max(1, math.ceil(sessions * agents / base))


def write_session_step(
    path: Path,
    scenario_path: Path,
    scenario: Scenario,
    spec: SessionsBreakpoint,
    vendor_path: Path,
    sessions: float,
    max_duration: int,
) -> None:
    data: dict[str, Any] = scenario.model_dump(mode="json", exclude={"breakpoint"})
    data["vendors"] = [str(vendor_path.resolve())]
    data["load"] = {
        "kind": "sessions",
        "sessions": round(sessions),
        "ramp": format_rate(spec.ramp),
        "hold": format_duration(spec.hold),
    }
    data["conversation"]["agents"] = agents_for(spec, scenario, sessions)
    data["bounds"] = {
        "max_duration": format_duration(float(max_duration)),
        "max_requests": scenario.bounds.max_requests,
    }
    data["thresholds"] = spec.slos_for(scenario.thresholds)
    header = f"# Breakpoint step at {round(sessions)} sessions, derived from {scenario_path}\n"
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(header + text, encoding="utf-8")


def judge_session_step(
    spec: SessionsBreakpoint,
    thresholds: list[Threshold],
    run_dir: Path,
    summary: RunSummary,
    step: tuple[int, Phase, float],
    references: list[tuple[float, StepMeasure]],
    wall: float,
    processes: int,
    agents: int,
) -> StepOutcome:
    index, phase, sessions = step
    rows = read_records(run_dir, "sessions")
    store = read_metric_lines(run_dir / "metrics.ndjson")
    gauge = {s: store.counter_at("sessions_open", s) for s in store.seconds()}
    window = session_window(rows, gauge, sessions=sessions, ramp_per_s=spec.ramp,
                            warm_up=spec.warm_up, hold=spec.hold)  # fmt: skip
    if window is None:
        measure = StepMeasure(0.0, 0, 0, 0.0, 0.0, 0.0, None)
        complete = False
    else:
        received = {s: store.counter_at("messages_received", s) for s in gauge}
        sent = {s: store.counter_at("messages_sent", s) for s in gauge}
        measure = measure_sessions(rows, window, received, sent)
        complete = summary.complete
    results = [
        evaluate(t, MeasuredMetric.from_store(store, t.metric, summary.duration_s))
        for t in thresholds
    ]
    generator = summary.generator
    reliable, reason = generator.reliable, generator.unreliable_reason
    open_mean = window.open_mean if window is not None else sessions
    held = open_mean < spec.min_concurrency * sessions
    if reliable and held and measure.concurrency >= spec.min_concurrency * open_mean:
        # The harness did not hold the sessions it was asked to, and the vendor served nearly
        # all it held: the shortfall is the generator's. (A vendor serving far fewer than the
        # harness held broke on its own, whatever the harness held.)
        reliable = False
        reason = f"the harness held {open_mean:.0f} of {round(sessions)} sessions open"
    lag = MeasuredMetric.from_store(store, GENERATOR_LAG, summary.duration_s).histogram
    if reliable and lag is not None and not lag.is_empty and lag.percentile(95) >= MAX_LAG_P95_MS:
        # A closed model has no late arrivals to show it: a starved load process answers
        # every event late, and its latencies and reply rate are partly its own.
        reliable = False
        reason = f"the harness's event loop ran {lag.percentile(95):.0f} ms late (p95)"
    return StepOutcome(
        index=index,
        phase=phase,
        rate=sessions,
        run_id=summary.run_id,
        measure=measure,
        verdicts=judge_sessions(spec, sessions, results, measure, references),
        complete=complete,
        p95_ms=summary.stat(SESSION_ROUTING, "p95_ms"),
        error_rate=summary.stat(ERRORS, "rate"),
        wall_s=wall,
        processes=processes,
        agents=agents,
        reliable=reliable,
        unreliable_reason=reason,
        machine_busy=generator.machine_busy,
    )
