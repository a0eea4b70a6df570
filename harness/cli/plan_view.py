"""The plan numbers a scenario implies, in the user's language: ``run --explain`` prints them
before the YAML and ``run`` prints them as each run starts.

:func:`harness.config.plan_numbers.plan_numbers` knows the shapes; a ``replay`` only knows its
rate from the schedule file, so :func:`scenario_plan` reads the file (as the run will) and
fills in the mean rate and the busiest ``_PEAK_WINDOW_S`` seconds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from harness.cli.messages import msg
from harness.config import Scenario
from harness.config.plan_numbers import PlanNumbers, plan_numbers
from harness.config.units import format_duration
from harness.data.schedule import scenario_offsets
from harness.i18n import Lang

__all__ = ["ScenarioPlan", "busiest_rate", "explain_text", "plan_lines", "scenario_plan"]

_PEAK_WINDOW_S = 10.0


@dataclass(frozen=True, slots=True)
class ScenarioPlan:
    numbers: PlanNumbers
    planned: int  # arrivals in the schedule (0 for the closed sessions model)
    peak_window_s: float | None  # replay: the window its peak rate is measured over


def busiest_rate(offsets: list[float], window_s: float) -> float:
    """The highest arrival rate over any ``window_s`` stretch of sorted ``offsets``."""
    best, first = 0, 0
    for last, at in enumerate(offsets):
        while offsets[first] <= at - window_s:
            first += 1
        best = max(best, last - first + 1)
    return best / window_s


def scenario_plan(scenario: Scenario) -> ScenarioPlan:
    load = scenario.load
    numbers = plan_numbers(load, scenario.conversation)
    offsets = scenario_offsets(scenario)
    if load.kind != "replay":
        return ScenarioPlan(numbers, len(offsets), None)
    window = min(_PEAK_WINDOW_S, load.total_duration)
    mean = len(offsets) / load.total_duration
    peak = busiest_rate(offsets, window)
    length = numbers.session_length_s
    numbers = dataclasses.replace(
        numbers,
        mean_rate_per_s=mean,
        peak_rate_per_s=peak,
        peak_concurrency=None if length is None else peak * length,
    )
    return ScenarioPlan(numbers, len(offsets), window)


def _n(value: float) -> str:
    return f"{value:.3g}"


def plan_lines(plan: ScenarioPlan, lang: Lang, *, full: bool = True) -> list[str]:
    """Rate and concurrency lines; ``full`` adds the load line and the planned arrivals."""
    n = plan.numbers
    lines = []
    if full:
        opens = msg(f"plan.opens.{n.opens}", lang)
        duration = format_duration(n.duration_s)
        lines.append(msg("plan.load", lang, kind=n.kind, duration=duration, opens=opens))
        if n.kind != "sessions":
            lines.append(msg("plan.arrivals", lang, planned=plan.planned))
    if n.mean_rate_per_s is not None and n.peak_rate_per_s is not None:
        mean, peak = n.mean_rate_per_s, n.peak_rate_per_s
        if plan.peak_window_s is not None:
            lines.append(msg("plan.rate_schedule", lang, mean=_n(mean), per_min=_n(mean * 60),
                             peak=_n(peak), window=f"{plan.peak_window_s:g}"))  # fmt: skip
        else:
            lines.append(
                msg("plan.rate", lang, mean=_n(mean), per_min=_n(mean * 60), peak=_n(peak))
            )
    if n.session_length_s is not None and n.peak_concurrency is not None:
        mean_concurrency = (n.mean_rate_per_s or 0.0) * n.session_length_s
        lines.append(
            msg(
                "plan.concurrency",
                lang,
                peak=f"{n.peak_concurrency:.0f}",
                mean=f"{mean_concurrency:.0f}",
                length=f"{n.session_length_s:g}",
            )
        )
    else:
        lines.append(msg("plan.concurrency_tickets", lang))
    return lines


def explain_text(scenario: Scenario, lang: Lang) -> str:
    """``--explain``: a header and the plan numbers as comments, then the canonical YAML."""
    body = scenario.explain().splitlines(keepends=True)
    while body and body[0].startswith("#"):  # explain()'s own (English) comment header
        body.pop(0)
    header = [msg("plan.header", lang, name=scenario.name)]
    header += plan_lines(scenario_plan(scenario), lang)
    return "".join(f"# {line}\n" for line in header) + "".join(body)
