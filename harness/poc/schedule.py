"""The plan as an ordered list of tasks (one stage for one vendor), each with an estimate.

Estimates are what the dry run prints and what the plan's bounds are checked against: a run
takes its load's length plus start-up and drain, a breakpoint search the steps of its ramp up
to ``max_rate`` (the longest it can climb) plus a bisection, never more than ``max_time``; an
accept stage its ``estimate:`` (60 s by default). Requests are counted as two per ticket
(create, then the assignment read or its probe) and 40 per acceptance check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from harness.config.breakpoint import Breakpoint
from harness.config.poc import PocPlan, Stage
from harness.config.scenario import Scenario
from harness.data.schedule import planned_arrivals

__all__ = ["Estimate", "Task", "build_schedule", "estimate", "over_bounds"]

RUN_OVERHEAD_S: Final = 10.0  # start-up, drain of a healthy vendor, write-out of one run
ACCEPT_DEFAULT_S: Final = 60.0
REQUESTS_PER_TICKET: Final = 2
REQUESTS_PER_CHECK: Final = 40
ALL_CHECKS_COUNT: Final = 17  # the suite's checks when a stage names none (harness.checks)


@dataclass(frozen=True, slots=True)
class Estimate:
    seconds: float
    requests: int


@dataclass(frozen=True, slots=True)
class Task:
    index: int  # 1-based position in the schedule
    stage: Stage
    vendor: str
    estimate: Estimate

    @property
    def key(self) -> str:
        return f"{self.vendor}/{self.stage.id}"


def build_schedule(plan: PocPlan) -> list[Task]:
    """Every (stage, vendor) the plan runs, in the plan's order; skipped pairs left out."""
    pairs: list[tuple[Stage, str]] = []
    vendors = plan.vendor_names()
    if plan.order == "vendor-by-vendor":
        pairs = [(stage, vendor) for vendor in vendors for stage in plan.stages]
    else:
        pairs = [(stage, vendor) for stage in plan.stages for vendor in vendors]
    kept = [(s, v) for s, v in pairs if s.id not in plan.entry(v).skip]
    return [
        Task(i, stage, vendor, estimate(plan, stage))
        for i, (stage, vendor) in enumerate(kept, start=1)
    ]


def estimate(plan: PocPlan, stage: Stage) -> Estimate:
    if stage.kind == "accept":
        count = len(stage.checks) or ALL_CHECKS_COUNT
        return Estimate(stage.estimate or ACCEPT_DEFAULT_S, count * REQUESTS_PER_CHECK)
    scenario = plan.stage_scenario(stage.id)
    if stage.kind == "breakpoint":
        return _breakpoint_estimate(scenario)
    seconds = min(scenario.load.total_duration + RUN_OVERHEAD_S, scenario.bounds.max_duration)
    requests = min(planned_arrivals(scenario) * REQUESTS_PER_TICKET, scenario.bounds.max_requests)
    return Estimate(seconds, requests)


def _breakpoint_estimate(scenario: Scenario) -> Estimate:
    spec = scenario.breakpoint
    assert spec is not None
    if not isinstance(spec, Breakpoint):  # a sessions search: at most its time ceiling
        return Estimate(spec.max_time, scenario.bounds.max_requests)
    rates: list[float] = []
    rate = spec.start
    while rate <= spec.max_rate + 1e-9 and len(rates) < 100:
        rates.append(rate)
        rate = rate + spec.increment if spec.increment is not None else rate * spec.step_factor
    if rates and rates[-1] < spec.max_rate:
        rates.append(spec.max_rate)  # the search tries the ceiling itself
    step_ratio = (rates[1] / rates[0]) if len(rates) > 1 else 1.0
    bisections = (
        math.ceil(math.log(step_ratio) / math.log(1 + spec.resolution))
        if (step_ratio > 1 + spec.resolution)
        else 0
    )
    step_s = spec.step_duration + RUN_OVERHEAD_S + spec.cool_down
    seconds = min(spec.max_time, step_s * (len(rates) + bisections))
    arrivals = sum(r * spec.step_duration for r in rates) + bisections * rates[-1] * (
        spec.step_duration
    )
    return Estimate(seconds, math.ceil(arrivals * REQUESTS_PER_TICKET))


def over_bounds(plan: PocPlan, tasks: list[Task]) -> list[str]:
    """What the plan's bounds cannot hold (empty when they hold the whole schedule)."""
    seconds = sum(task.estimate.seconds for task in tasks)
    requests = sum(task.estimate.requests for task in tasks)
    problems = []
    if seconds > plan.bounds.max_time:
        problems.append(
            f"time: the schedule needs about {seconds:.0f} s, "
            f"bounds.max_time is {plan.bounds.max_time:.0f} s"
        )
    if requests > plan.bounds.max_requests:
        problems.append(
            f"requests: the schedule needs about {requests}, "
            f"bounds.max_requests is {plan.bounds.max_requests}"
        )
    return problems
