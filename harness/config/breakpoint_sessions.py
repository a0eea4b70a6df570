"""The ``breakpoint:`` block of a ``load.kind: sessions`` scenario: how many concurrent chat
sessions a vendor holds before it breaks.

The search runs short closed-model steps of ``start`` sessions, then ``start * factor`` (or
``start + increment``) up to ``max_sessions``: each step ramps its sessions at ``ramp`` a
second, holds them for ``hold`` and is measured over the hold after ``warm_up``. A step is good
when it meets ``slos`` (default: session routing p95 < 30 s, first response within the
scenario's own ``thresholds`` bound, no message lost, errors < 1 %) and the two built-in
criteria: the sessions the vendor actually serves (routed and not closed, from the harness's
records) are at least ``min_concurrency`` of the target, and message throughput still rises:
from the highest good step below, it grows by at least ``min_growth`` of the growth in sessions.
The first bad step ends the ramp; the search bisects between the last good and the first bad
count until they are within ``resolution``.

Ceilings: no step above ``max_sessions``, none that could end after ``max_time``, and none
that this machine cannot generate: a load process holds ``sessions_per_process`` sessions, a
step runs on as many processes as it needs, and a step needing more than ``max_processes`` is
refused (``generator_limit``, with the number) rather than run unreliably.

``agents`` (with ``conversation.agents``): ``fixed`` keeps the harness's agent users as the
scenario sets them (the vendor's capacity to answer); ``scale`` grows them with the sessions,
``conversation.agents`` per ``load.sessions`` of the scenario (its capacity to hold
connections).
"""

from __future__ import annotations

from typing import ClassVar, Final, Literal, Self

from pydantic import Field, model_validator

from harness.config.breakpoint import Percent, format_percent
from harness.config.breakpoint import _slo_problems as slo_problems
from harness.config.loader import StrictModel
from harness.config.problems import ConfigValueError, Loc
from harness.config.units import Duration, Rate, format_duration

__all__ = ["DEFAULT_SESSION_SLOS", "SessionsBreakpoint"]

DEFAULT_SESSION_SLOS: Final[dict[str, list[str]]] = {
    "session_routing": ["p95 < 30s"],
    "messages_lost": ["rate == 0%"],
    "errors": ["rate < 1%"],
}
_FIRST_RESPONSE_DEFAULT: Final = "p95 < 30s"  # when neither slos nor thresholds bound it


class SessionsBreakpoint(StrictModel):
    """Step search for the most concurrent chat sessions that still meet the SLOs."""

    start: int = Field(ge=1, examples=[200], description="Sessions of the first step.")
    factor: float | None = Field(
        default=None, gt=1, le=10, examples=[2.0],
        description="Each step multiplies the sessions by this (default 2); or use increment.",
    )  # fmt: skip
    increment: int | None = Field(
        default=None, ge=1, examples=[500], description="Each step adds this many sessions."
    )
    ramp: Rate = Field(
        default="100/s", validate_default=True, description="New sessions a second in a step."
    )
    hold: Duration = Field(
        default="20s", validate_default=True, description="Time at full concurrency per step."
    )
    warm_up: Duration = Field(
        default="5s", validate_default=True, description="Start of the hold left unmeasured."
    )
    cool_down: Duration = Field(
        default="2s", validate_default=True, description="Pause between steps."
    )
    max_sessions: int = Field(ge=1, examples=[20000], description="Ceiling: no step above it.")
    max_time: Duration = Field(examples=["6m"], description="Ceiling: the whole search.")
    resolution: Percent = Field(
        default="5%", validate_default=True,
        description="Bisect until the first bad count is within this of the last good one.",
    )  # fmt: skip
    min_concurrency: Percent = Field(
        default="95%", validate_default=True,
        description="Sessions the vendor serves (routed, open) must reach this share of target.",
    )  # fmt: skip
    min_growth: Percent = Field(
        default="50%", validate_default=True,
        description="Message throughput must grow by this share of the growth in sessions.",
    )  # fmt: skip
    agents: Literal["fixed", "scale"] = Field(
        default="fixed",
        description="fixed: conversation.agents as set; scale: grow them with the sessions.",
    )
    sessions_per_process: int = Field(
        default=2500, ge=1,
        description="Sessions one load process holds; bigger steps use more processes.",
    )  # fmt: skip
    max_processes: int = Field(
        default=2, ge=1, le=64, description="Ceiling: load processes this machine can run."
    )
    slos: dict[str, list[str]] = Field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_SESSION_SLOS.items()},
        description="Metric -> expressions, as in thresholds; every step must meet them.",
    )

    kind: ClassVar[str] = "sessions"

    @property
    def step_factor(self) -> float:
        return self.factor if self.factor is not None else 2.0

    @property
    def max_rate(self) -> float:
        """The ceiling of the searched quantity (the rate search's name for it)."""
        return float(self.max_sessions)

    def next_rate(self, level: float) -> float:
        """The step after ``level`` sessions while ramping (not clipped to the ceiling)."""
        if self.increment is not None:
            return level + self.increment
        return level * self.step_factor

    def tidy(self, level: float) -> float:
        return float(max(1, round(level)))

    def processes_for(self, sessions: float) -> int:
        return max(1, -(-round(sessions) // self.sessions_per_process))

    def step_time(self, sessions: float) -> float:
        """Ramp and hold of a step of ``sessions``."""
        return sessions / self.ramp + self.hold

    def slos_for(self, thresholds: dict[str, list[str]]) -> dict[str, list[str]]:
        """``slos``, with first response bounded as the scenario bounds it unless set here."""
        slos = {k: list(v) for k, v in self.slos.items()}
        if "first_response" not in slos:
            slos["first_response"] = list(thresholds.get("first_response", []) or [
                _FIRST_RESPONSE_DEFAULT
            ])  # fmt: skip
        return slos

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems: list[tuple[Loc, str]] = []
        if self.factor is not None and self.increment is not None:
            problems.append(
                (("increment",), "`factor` and `increment` cannot be used together; keep one")
            )
        if self.start > self.max_sessions:
            problems.append((("start",), f"{self.start} is above max_sessions "
                             f"({self.max_sessions}); lower start or raise it"))  # fmt: skip
        if self.warm_up >= self.hold:
            problems.append((("warm_up",), f"{format_duration(self.warm_up)} is not shorter "
                             f"than hold ({format_duration(self.hold)}); nothing would be "
                             "measured"))  # fmt: skip
        if self.max_time < self.step_time(self.start):
            problems.append((("max_time",), f"{format_duration(self.max_time)} is shorter than "
                             f"the first step ({format_duration(self.step_time(self.start))}); "
                             "raise max_time"))  # fmt: skip
        if not 0 < self.resolution <= 0.5:
            problems.append((("resolution",), f"{format_percent(self.resolution)} is out of "
                             "range; use 1% to 50%"))  # fmt: skip
        problems.extend(
            ((name,), f"{format_percent(getattr(self, name))} is out of range; use e.g. 95%")
            for name in ("min_concurrency", "min_growth")
            if not 0 < getattr(self, name) <= 1
        )
        problems += slo_problems(self.slos)
        if problems:
            raise ConfigValueError(problems)
        return self
