"""The breakpoint search: step up, stop at the first violation, bisect, and say what broke.

Pure logic over step outcomes; :mod:`harness.orchestrate.breakpoints` runs the steps. The rules:

1. Ramp: ``start``, then ``next_rate(previous)`` clipped to ``max_rate``, while every step is
   good. A good step at ``max_rate`` ends the search (``max_rate``: the ceiling held).
2. The first bad step ends the ramp. The bracket is the highest good rate below the lowest bad
   rate (``lo``) and that bad rate (``hi``); while ``hi / lo - 1`` exceeds ``resolution`` the
   next probe goes inside it, so the search never runs above a rate already seen to break.
3. The probe is the geometric midpoint, unless the bad step broke the throughput criterion:
   then its measured throughput ``c`` estimates the capacity, the criterion flips at about
   ``c / min_throughput``, and the probes go just below and just above that rate (a bracket of
   about ``0.9 * resolution``), which saves two or three steps over blind bisection. A sessions
   search does the same with the sessions the vendor served when served concurrency broke
   (``c / min_concurrency``).
4. The breakpoint is ``lo``; the SLOs that failed at ``hi`` are what broke.

A first step that already breaks ends the search (``start_too_high``): lower ``start``. A step
cut short (by ``max_time`` or the scenario's bounds) is neither good nor bad, and ends it too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.analysis.session_measure import CONCURRENCY
from harness.analysis.step_measure import StepMeasure
from harness.analysis.usl import UslFit, fit_usl
from harness.analysis.verdicts import ThresholdResult
from harness.config.breakpoint import Breakpoint, format_percent
from harness.config.breakpoint_sessions import SessionsBreakpoint

SearchSpec = Breakpoint | SessionsBreakpoint

__all__ = [
    "THROUGHPUT",
    "SearchResult",
    "SloVerdict",
    "StepOutcome",
    "StepSearch",
    "StopReason",
    "judge",
]

THROUGHPUT = "throughput"  # the built-in criterion's name in verdict lists
StopReason = Literal[
    "resolved",
    "max_rate",
    "max_time",
    "start_too_high",
    "incomplete_step",
    "interrupted",
    "generator_limit",
]
Phase = Literal["ramp", "bisect"]


@dataclass(frozen=True, slots=True)
class SloVerdict:
    name: str  # a metric, or "throughput" for the built-in criterion
    source: str  # "p95 < 30s", ">= 95% of offered"
    ok: bool
    measured: float | None  # canonical unit: ms, fraction, per second; None without data
    measured_text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "ok": self.ok,
            "measured": self.measured,
            "measured_text": self.measured_text,
        }


def judge(
    spec: Breakpoint, results: Sequence[ThresholdResult], measure: StepMeasure
) -> list[SloVerdict]:
    """The step's SLO results plus the throughput criterion, in that order."""
    verdicts = [SloVerdict(r.metric, r.source, r.ok, r.measured, r.measured_text) for r in results]
    ratio = measure.throughput_ratio
    source = f">= {format_percent(spec.min_throughput)} of offered"
    if ratio is None:
        verdicts.append(SloVerdict(THROUGHPUT, source, False, None, "no arrivals measured"))
    else:
        text = (
            f"{ratio * 100:.1f}% ({measure.throughput_per_s:.3g}/s of "
            f"{measure.offered_per_s:.3g}/s)"
        )
        ok = ratio >= spec.min_throughput - 1e-9
        verdicts.append(SloVerdict(THROUGHPUT, source, ok, ratio, text))
    return verdicts


@dataclass(frozen=True, slots=True)
class StepOutcome:
    index: int
    phase: Phase
    rate: float  # the step's level: offered rate per second, or target concurrent sessions
    run_id: str
    measure: StepMeasure
    verdicts: list[SloVerdict]
    complete: bool  # False when the step was cut short (a ceiling or bounds)
    p95_ms: float | None
    error_rate: float | None
    wall_s: float
    processes: int = 1  # load processes the step ran on
    agents: int = 0  # harness agent users of a sessions step (0: none, or a rate step)
    # The step's generator health (its run summary): a saturated harness makes the step's
    # latencies and throughput the harness's own, so the verdict is shown but flagged.
    reliable: bool = True
    unreliable_reason: str | None = None
    machine_busy: bool = False

    @property
    def ok(self) -> bool:
        return self.complete and all(v.ok for v in self.verdicts)

    @property
    def broken(self) -> list[SloVerdict]:
        return [v for v in self.verdicts if not v.ok]

    def to_dict(self) -> dict[str, Any]:
        m = self.measure
        return {
            "index": self.index,
            "phase": self.phase,
            "rate_per_s": self.rate,
            "run_id": self.run_id,
            "ok": self.ok,
            "complete": self.complete,
            "offered_per_s": m.offered_per_s,
            "throughput_per_s": m.throughput_per_s,
            "throughput_ratio": m.throughput_ratio,
            "concurrency": m.concurrency,
            "mean_time_in_system_s": m.mean_time_in_system_s,
            "window_s": m.window_s,
            "arrived": m.arrived,
            "routed": m.routed,
            "routing_p95_ms": self.p95_ms,
            "error_rate": self.error_rate,
            "wall_s": self.wall_s,
            "processes": self.processes,
            "agents": self.agents,
            "reliable": self.reliable,
            "unreliable_reason": self.unreliable_reason,
            "machine_busy": self.machine_busy,
            "slos": [v.to_dict() for v in self.verdicts],
        }


@dataclass(slots=True)
class StepSearch:
    """Decides the next rate from the steps so far; ``stop_reason`` is set when done."""

    spec: SearchSpec
    steps: list[StepOutcome] = field(default_factory=list)
    stop_reason: StopReason | None = None

    def add(self, step: StepOutcome) -> None:
        self.steps.append(step)

    def stop(self, reason: StopReason) -> None:
        if self.stop_reason is None:
            self.stop_reason = reason

    def next_step(self) -> tuple[float, Phase] | None:
        """The next rate to run and its phase; None once the search is over."""
        if self.stop_reason is not None:
            return None
        spec = self.spec
        if not self.steps:
            return spec.start, "ramp"
        bad = self.first_bad
        if bad is None:
            last = self.steps[-1].rate
            if last >= spec.max_rate * (1 - 1e-9):
                self.stop("max_rate")
                return None
            return min(spec.tidy(spec.next_rate(last)), spec.max_rate), "ramp"
        good = self.last_good
        if good is None:
            self.stop("start_too_high")
            return None
        lo, hi = good.rate, bad.rate
        probe = spec.tidy(self._probe(lo, hi, bad))
        if hi / lo - 1 <= spec.resolution + 1e-9 or not lo < probe < hi:
            self.stop("resolved")
            return None
        return probe, "bisect"

    def _probe(self, lo: float, hi: float, bad: StepOutcome) -> float:
        middle = math.sqrt(lo * hi)
        spec = self.spec
        if isinstance(spec, Breakpoint):
            broke = any(v.name == THROUGHPUT for v in bad.broken)
            capacity, share = bad.measure.throughput_per_s, spec.min_throughput
        else:  # the sessions the vendor served estimate its session capacity the same way
            broke = any(v.name == CONCURRENCY for v in bad.broken)
            capacity, share = bad.measure.concurrency, spec.min_concurrency
        if not broke or capacity <= 0:
            return middle
        flip = capacity / share
        half = 1 + 0.45 * self.spec.resolution
        margin = 1 + 0.1 * self.spec.resolution
        for probe in (flip / half, flip * half):
            if lo * margin < probe < hi / margin:
                return probe
        return middle

    @property
    def first_bad(self) -> StepOutcome | None:
        """The bad step with the lowest rate (a step cut short is neither good nor bad)."""
        bad = [s for s in self.steps if s.complete and not s.ok]
        return min(bad, key=lambda s: s.rate) if bad else None

    @property
    def last_good(self) -> StepOutcome | None:
        """The good step with the highest rate below every bad one."""
        bad = self.first_bad
        good = [s for s in self.steps if s.ok and (bad is None or s.rate < bad.rate)]
        return max(good, key=lambda s: s.rate) if good else None


@dataclass(frozen=True, slots=True)
class SearchResult:
    scenario: str
    vendor: dict[str, str]  # name, title_en, title_zh
    started_at: str
    search_time_s: float
    spec: SearchSpec
    steps: list[StepOutcome]
    stop_reason: StopReason
    breakpoint_rate: float | None  # the highest good rate below the first bad one
    first_bad: StepOutcome | None
    usl: UslFit | None

    @classmethod
    def build(
        cls,
        search: StepSearch,
        *,
        scenario: str,
        vendor: dict[str, str],
        started_at: str,
        search_time_s: float,
    ) -> SearchResult:
        good = search.last_good
        measured = [s for s in search.steps if s.complete]
        usl = fit_usl(
            [s.measure.concurrency for s in measured],
            [s.measure.throughput_per_s for s in measured],
        )
        return cls(
            scenario=scenario,
            vendor=vendor,
            started_at=started_at,
            search_time_s=search_time_s,
            spec=search.spec,
            steps=list(search.steps),
            stop_reason=search.stop_reason or "interrupted",
            breakpoint_rate=good.rate if good else None,
            first_bad=search.first_bad,
            usl=usl,
        )

    @property
    def broken(self) -> list[SloVerdict]:
        return self.first_bad.broken if self.first_bad else []

    @property
    def unreliable_steps(self) -> list[StepOutcome]:
        """Steps whose own run was marked unreliable (the harness saturated)."""
        return [s for s in self.steps if not s.reliable]

    @property
    def peak_throughput(self) -> float | None:
        """The highest throughput any step measured."""
        values = [s.measure.throughput_per_s for s in self.steps if s.complete]
        return max(values) if values else None

    def to_dict(self) -> dict[str, Any]:
        bad = self.first_bad
        return {
            "schema_version": 1,
            "kind": self.spec.kind,  # "rate": levels per second; "sessions": concurrent sessions
            "scenario": self.scenario,
            "vendor": self.vendor,
            "started_at": self.started_at,
            "search_time_s": round(self.search_time_s, 3),
            "stop_reason": self.stop_reason,
            "breakpoint_per_s": self.breakpoint_rate,
            "first_bad_per_s": bad.rate if bad else None,
            "broken_slos": [v.to_dict() for v in self.broken],
            "peak_measured_throughput_per_s": self.peak_throughput,
            "reliable": not self.unreliable_steps,
            "unreliable_steps": [s.index for s in self.unreliable_steps],
            "usl": self.usl.to_dict() if self.usl else None,
            "ceilings": self._ceilings(),
            "config": self.spec.model_dump(mode="json"),
            "steps": [s.to_dict() for s in self.steps],
            **self._session_keys(),
        }

    def _ceilings(self) -> dict[str, float]:
        spec = self.spec
        if isinstance(spec, SessionsBreakpoint):
            return {
                "max_sessions": spec.max_sessions,
                "max_time_s": spec.max_time,
                "max_processes": spec.max_processes,
                "sessions_per_process": spec.sessions_per_process,
            }
        return {"max_rate_per_s": spec.max_rate, "max_time_s": spec.max_time}

    def _session_keys(self) -> dict[str, Any]:
        """The sessions search's own names for the level (the rate names stay, as levels)."""
        if not isinstance(self.spec, SessionsBreakpoint):
            return {}
        bad = self.first_bad
        return {
            "breakpoint_sessions": self.breakpoint_rate,
            "first_bad_sessions": bad.rate if bad else None,
            "agents_mode": self.spec.agents,
        }
