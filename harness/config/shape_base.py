"""What every load shape is made of: rate segments, phase cuts and the open-model base.

A shape owns its phases: :meth:`OpenModel.phase_cuts` names the stretches the report measures
apart (:func:`harness.analysis.phases.phase_plan` adds the offered rate and planned arrivals),
so a new kind is one module with its class and one line in :data:`harness.config.shapes.SHAPES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal, NamedTuple

from pydantic import Field

from harness.config.loader import StrictModel

__all__ = [
    "ArrivalProcess",
    "MaxUsers",
    "OpenModel",
    "Opens",
    "PhaseCut",
    "PhaseKind",
    "RateSegment",
    "equal_windows",
]

PhaseKind = Literal["stage", "before", "during", "after", "window"]


@dataclass(frozen=True, slots=True)
class PhaseCut:
    """A named stretch ``[start, end)`` of schedule time; ``index`` counts from 1 per kind."""

    kind: PhaseKind
    index: int
    start: float
    end: float


def equal_windows(total: float, count: int) -> list[PhaseCut]:
    width = total / count
    return [PhaseCut("window", n, (n - 1) * width, n * width) for n in range(1, count + 1)]


class RateSegment(NamedTuple):
    """A stretch of an open-model shape: the rate moves linearly from ``rate_from`` to
    ``rate_to`` over ``[start, start + duration)`` (equal rates: constant)."""

    start: float
    duration: float
    rate_from: float
    rate_to: float

    @property
    def expected(self) -> float:
        """Expected arrivals in the segment (the area under the rate)."""
        return (self.rate_from + self.rate_to) / 2 * self.duration


MaxUsers = Annotated[int, Field(ge=1, description="Users executing arrivals.")]
ArrivalProcess = Annotated[
    Literal["poisson", "uniform"],
    Field(description="poisson: random gaps with the given mean rate; uniform: evenly spaced."),
]
Opens = Annotated[
    Literal["tickets", "sessions"],
    Field(description="What each arrival opens: a ticket, or a chat session (see conversation)."),
]


class OpenModel(StrictModel):
    """What every open-model shape has: arrivals come on schedule, whoever is free. Each
    subclass declares ``max_users``, ``arrivals`` and ``opens`` after its own fields so that
    ``kind`` comes first when a scenario is explained."""

    if TYPE_CHECKING:  # declared by each subclass, after its own fields
        kind: str
        max_users: int
        arrivals: Literal["poisson", "uniform"]
        opens: Literal["tickets", "sessions"]

    open_model: ClassVar[bool] = True
    rates_known: ClassVar[bool] = True  # False: the offered rate is the schedule's (replay)

    def segments(self) -> list[RateSegment]:
        raise NotImplementedError

    def phase_cuts(self) -> list[PhaseCut]:
        """The stretches the report measures apart; none by default (a constant rate)."""
        return []

    @property
    def total_duration(self) -> float:
        """Seconds of load this shape produces; every shape has it (``bounds`` check)."""
        last = self.segments()[-1]
        return last.start + last.duration

    @property
    def peak_rate(self) -> float:
        return max(max(s.rate_from, s.rate_to) for s in self.segments())

    @property
    def expected_arrivals(self) -> float:
        return sum(s.expected for s in self.segments())
