"""Load-shape specs: pure pydantic data, discriminated on ``kind`` (STYLE.md lesson 6).

The Locust ``LoadTestShape`` classes that run them live in ``harness/load/``. Each kind is one
class with its own validation, its rate segments and its phases (:mod:`harness.config.shape_base`);
:data:`SHAPES` lists them (one line per kind), :data:`LoadShape` is their union and
:data:`SHAPE_KINDS` maps each ``kind`` to its class (a duplicate kind fails at import).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Final, Literal, Self, Union, get_args

from pydantic import Field, PrivateAttr, ValidationInfo, model_validator

from harness.config.loader import StrictModel
from harness.config.problems import ConfigValueError
from harness.config.shape_base import (
    ArrivalProcess,
    MaxUsers,
    OpenModel,
    Opens,
    PhaseCut,
    RateSegment,
    equal_windows,
)
from harness.config.units import Duration, Rate, format_duration, format_rate

__all__ = [
    "SHAPES",
    "SHAPE_KINDS",
    "ArrivalRate",
    "LoadShape",
    "OpenShape",
    "Replay",
    "Sessions",
    "Soak",
    "Spike",
    "Stage",
    "Step",
    "shape_union",
]

_RAMP_WINDOWS: Final = 4  # a ramp or a replay: four equal windows to read achieved vs offered


class ArrivalRate(OpenModel):
    """Open model: tickets arrive at ``rate`` for ``duration``, whether or not the vendor keeps up.

    With ``ramp_to`` the rate moves linearly from ``rate`` to ``ramp_to`` over ``duration``.
    ``max_users`` bounds the users executing arrivals; an arrival with no free user starts late
    and is counted (``late_arrivals``), never silently delayed.
    """

    kind: Literal["arrival-rate"] = Field(examples=["arrival-rate"])
    rate: Rate = Field(examples=["8/s"])
    duration: Duration = Field(examples=["40s"])
    ramp_to: Rate | None = Field(
        default=None, examples=["20/s"], description="Ramp linearly to this rate by the end."
    )

    max_users: MaxUsers = 100
    arrivals: ArrivalProcess = "poisson"
    opens: Opens = "tickets"

    def segments(self) -> list[RateSegment]:
        end = self.rate if self.ramp_to is None else self.ramp_to
        return [RateSegment(0.0, self.duration, self.rate, end)]

    def phase_cuts(self) -> list[PhaseCut]:
        return [] if self.ramp_to is None else equal_windows(self.total_duration, _RAMP_WINDOWS)


class Stage(StrictModel):
    """One stage of a ``step`` shape: a constant rate for a duration."""

    rate: Rate = Field(examples=["4/s"])
    duration: Duration = Field(examples=["1m"])


class Step(OpenModel):
    """Open model in stages: each stage holds its own rate, one after the other."""

    kind: Literal["step"] = Field(examples=["step"])
    stages: list[Stage] = Field(
        min_length=1,
        examples=[[{"rate": "2/s", "duration": "1m"}, {"rate": "4/s", "duration": "1m"}]],
    )

    max_users: MaxUsers = 100
    arrivals: ArrivalProcess = "poisson"
    opens: Opens = "tickets"

    def segments(self) -> list[RateSegment]:
        segments: list[RateSegment] = []
        start = 0.0
        for stage in self.stages:
            segments.append(RateSegment(start, stage.duration, stage.rate, stage.rate))
            start += stage.duration
        return segments

    def phase_cuts(self) -> list[PhaseCut]:
        return [
            PhaseCut("stage", n, seg.start, seg.start + seg.duration)
            for n, seg in enumerate(self.segments(), start=1)
        ]


class Spike(OpenModel):
    """Open model: ``base`` rate with a burst at ``peak`` from ``spike_at`` for ``spike_for``."""

    kind: Literal["spike"] = Field(examples=["spike"])
    base: Rate = Field(examples=["2/s"])
    peak: Rate = Field(examples=["20/s"])
    duration: Duration = Field(examples=["3m"], description="The whole shape, spike included.")
    spike_at: Duration = Field(examples=["1m"], description="When the spike starts.")
    spike_for: Duration = Field(examples=["20s"], description="How long the spike lasts.")

    max_users: MaxUsers = 100
    arrivals: ArrivalProcess = "poisson"
    opens: Opens = "tickets"

    @model_validator(mode="after")
    def _spike_inside(self) -> Self:
        if self.spike_at + self.spike_for > self.duration:
            raise ConfigValueError.at(
                ("spike_for",),
                f"the spike ends at {format_duration(self.spike_at + self.spike_for)}, after "
                f"the shape ({format_duration(self.duration)}); shorten spike_at or spike_for, "
                "or lengthen duration",
            )
        if self.peak <= self.base:
            raise ConfigValueError.at(
                ("peak",),
                f"{format_rate(self.peak)} is not above base ({format_rate(self.base)}); "
                "a spike's peak must be higher than its base",
            )
        return self

    def segments(self) -> list[RateSegment]:
        after = self.spike_at + self.spike_for
        parts = [
            RateSegment(0.0, self.spike_at, self.base, self.base),
            RateSegment(self.spike_at, self.spike_for, self.peak, self.peak),
            RateSegment(after, self.duration - after, self.base, self.base),
        ]
        return [part for part in parts if part.duration > 0]

    def phase_cuts(self) -> list[PhaseCut]:
        after = self.spike_at + self.spike_for
        parts = [
            PhaseCut("before", 1, 0.0, self.spike_at),
            PhaseCut("during", 1, self.spike_at, after),
            PhaseCut("after", 1, after, self.duration),
        ]
        return [part for part in parts if part.end > part.start]


class Soak(OpenModel):
    """Open model held for a long time at ``rate``; the report compares ``windows`` equal
    stretches of the run to show drift (latency creeping up, errors appearing late)."""

    kind: Literal["soak"] = Field(examples=["soak"])
    rate: Rate = Field(examples=["5/s"])
    duration: Duration = Field(examples=["2h"])
    windows: int = Field(default=6, ge=2, le=100, description="Stretches compared for drift.")

    max_users: MaxUsers = 100
    arrivals: ArrivalProcess = "poisson"
    opens: Opens = "tickets"

    def segments(self) -> list[RateSegment]:
        return [RateSegment(0.0, self.duration, self.rate, self.rate)]

    def phase_cuts(self) -> list[PhaseCut]:
        return equal_windows(self.total_duration, self.windows)


class Replay(OpenModel):
    """Open model from a schedule file (``csm-harness generate --schedule`` or an anonymised
    history): each row arrives at its ``offset_s``, divided by ``compress``.

    ``skip`` drops the schedule's first stretch (schedule time, before compression), so a
    replay can start at the day's peak; ``duration`` is how long the replay runs (run time).
    ``peak_multiplier`` scales the arrivals: 2 sends every row twice, 1.5 every row once and
    half of them (seeded) twice; below 1 it keeps that share of the rows.
    """

    kind: Literal["replay"] = Field(examples=["replay"])
    schedule: str = Field(
        min_length=1,
        examples=["../fixtures/sample/schedule.parquet"],
        description="Schedule file (Parquet), relative to the scenario file.",
    )
    duration: Duration = Field(examples=["2m"], description="How long the replay runs.")
    compress: float = Field(default=1.0, ge=1.0, description="Time compression factor (>= 1).")
    peak_multiplier: float = Field(default=1.0, gt=0, le=100, description="Arrivals multiplier.")
    skip: Duration | None = Field(default=None, description="Schedule time to skip first.")

    max_users: MaxUsers = 100
    arrivals: ArrivalProcess = "poisson"
    opens: Opens = "tickets"
    _path: Path = PrivateAttr(default=Path())
    rates_known: ClassVar[bool] = False  # the offered rate is the schedule's own

    @model_validator(mode="after")
    def _resolve_schedule(self, info: ValidationInfo) -> Self:
        source = info.context.get("source") if isinstance(info.context, dict) else None
        base = Path(source).parent if source is not None else Path()
        path = Path(self.schedule)
        self._path = path if path.is_absolute() else base / path
        if source is not None and not self._path.is_file():
            raise ConfigValueError.at(
                ("schedule",),
                f"no file {self._path}; make one with 'csm-harness generate --schedule' "
                "(the path is relative to the scenario file)",
            )
        return self

    @property
    def schedule_path(self) -> Path:
        """The schedule file, resolved against the scenario file's folder."""
        return self._path

    def segments(self) -> list[RateSegment]:
        # The rate comes from the file; the shape only knows its length (rates: unknown = 0).
        return [RateSegment(0.0, self.duration, 0.0, 0.0)]

    def phase_cuts(self) -> list[PhaseCut]:
        return equal_windows(self.total_duration, _RAMP_WINDOWS)


class Sessions(StrictModel):
    """Closed model: ``sessions`` chat sessions held open at once, each one a customer user
    who opens a session, exchanges ``conversation.messages`` messages and closes; a closed
    session is replaced by a new one until ``hold`` ends. Users start at ``ramp`` a second."""

    kind: Literal["sessions"] = Field(examples=["sessions"])
    sessions: int = Field(ge=1, le=200_000, examples=[2000], description="Concurrent sessions.")
    ramp: Rate = Field(
        default="50/s", validate_default=True, description="New sessions per second at start."
    )
    hold: Duration = Field(examples=["2m"], description="Time at full concurrency.")

    open_model: ClassVar[bool] = False

    @property
    def ramp_duration(self) -> float:
        return self.sessions / self.ramp

    @property
    def total_duration(self) -> float:
        return self.ramp_duration + self.hold

    @property
    def max_users(self) -> int:
        return self.sessions

    def phase_cuts(self) -> list[PhaseCut]:
        return []  # a closed model: no offered rate to cut by


SHAPES: Final = (ArrivalRate, Step, Spike, Soak, Replay, Sessions)
"""Every load kind, one line each: a new kind is its module and its class added here."""


def shape_union(*specs: type[StrictModel]) -> Any:
    """The pydantic type of a ``load:`` field accepting ``specs``, discriminated on ``kind``."""
    return Annotated[Union[specs], Field(discriminator="kind")]  # noqa: UP007  (a runtime tuple)


if TYPE_CHECKING:
    OpenShape = OpenModel
    LoadShape = OpenModel | Sessions
else:
    OpenShape = OpenModel
    LoadShape = shape_union(*SHAPES)
"""Union of every load-shape spec, discriminated on ``kind``."""


def _registry(*specs: type[StrictModel]) -> dict[str, type[StrictModel]]:
    registry: dict[str, type[StrictModel]] = {}
    for spec in specs:
        for kind in get_args(spec.model_fields["kind"].annotation):
            if kind in registry:
                raise TypeError(f"load kind {kind!r} defined by both {registry[kind]} and {spec}")
            registry[kind] = spec
    return registry


SHAPE_KINDS: Final[dict[str, type[StrictModel]]] = _registry(*SHAPES)
"""``kind`` -> spec class, from :data:`SHAPES`."""
