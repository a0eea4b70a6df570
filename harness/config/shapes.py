"""Load-shape specs: pure pydantic data, discriminated on ``kind`` (STYLE.md lesson 6).

The Locust ``LoadTestShape`` classes that run them live in ``harness/load/shapes.py``. Each kind
is one class here with its own validation; :data:`LoadShape` is their union and
:data:`SHAPE_KINDS` maps each ``kind`` to its class (a duplicate kind fails at import).

Also the two unit-carrying value types every config file uses:

- :data:`Duration`: ``"40s"``, ``"500ms"``, ``"3m"``, ``"1m30s"`` -> float seconds (grammar in
  :mod:`harness.config.durations`); a bare number is an error that says what to write.
- :data:`Rate`: ``"8/s"``, ``"120/m"``, ``"1.5/s"``, ``"3600/h"`` -> float per second.

Both are written back in the same notation by ``model_dump(mode="json")``, so
``Scenario.explain()`` output loads again unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ClassVar, Final, Literal, NamedTuple, Self, get_args

from pydantic import (
    BeforeValidator,
    Field,
    PlainSerializer,
    PrivateAttr,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)

from harness.config.durations import parse_duration
from harness.config.loader import StrictModel
from harness.config.problems import ConfigValueError

__all__ = [
    "SHAPE_KINDS",
    "ArrivalRate",
    "Duration",
    "LoadShape",
    "OpenShape",
    "Rate",
    "RateSegment",
    "Replay",
    "Sessions",
    "Soak",
    "Spike",
    "Stage",
    "Step",
    "format_duration",
    "format_rate",
    "parse_rate",
]

_RATE: Final = re.compile(r"^(\d+(?:\.\d+)?|\.\d+)/(s|m|h)$")
_PER: Final = {"s": 1.0, "m": 60.0, "h": 3600.0}


def _number(value: float) -> str:
    """The shortest text that reads back as ``value``: 8, 1.5, 0.1."""
    return str(int(value)) if value.is_integer() else repr(value)


def _to_duration(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("expected a duration such as '40s' or '500ms'")
    seconds = parse_duration(value if isinstance(value, str) else _number(float(value)))
    if not isinstance(value, str):  # parse_duration accepted a bare number: still ambiguous
        milliseconds = _number(seconds * 1000)
        raise ValueError(f"'{value}' needs a unit: write '{value}s' or '{milliseconds}ms'")
    if seconds <= 0:
        raise ValueError(f"'{value}' is zero; a duration here must be longer than 0")
    return seconds


def format_duration(seconds: float) -> str:
    """Exact, re-readable text for a duration: 3m, 40s, 500ms, 1.25s."""
    if seconds.is_integer() and seconds >= 60 and seconds % 60 == 0:
        return f"{int(seconds) // 60}m"
    if seconds.is_integer() or seconds >= 1:
        return f"{_number(seconds)}s"
    milliseconds = seconds * 1000
    if float(round(milliseconds, 6)).is_integer():
        return f"{round(milliseconds)}ms"
    return f"{_number(seconds)}s"


def parse_rate(text: str) -> float:
    """Arrivals per second in ``text`` ("8/s", "120/m", "1.5/s", "3600/h")."""
    source = text.strip().replace(" ", "")
    match = _RATE.match(source)
    if match is None:
        if re.fullmatch(r"\d+(?:\.\d+)?|\.\d+", source):
            per_minute = _number(float(source) * 60)
            raise ValueError(f"'{source}' needs a unit: write '{source}/s' or '{per_minute}/m'")
        raise ValueError(f"'{text}' is not a rate; write e.g. '8/s', '120/m' or '1.5/s'")
    rate = float(match.group(1)) / _PER[match.group(2)]
    if rate <= 0:
        raise ValueError(f"'{text}' is zero; a rate must be more than 0")
    return rate


def format_rate(per_second: float) -> str:
    """Exact, re-readable text for a rate: 8/s, 1.5/s, 10/m."""
    per_minute = round(per_second * 60, 9)
    if round(per_second, 3) != per_second and per_minute.is_integer():  # 10/m, not 0.1666../s
        return f"{int(per_minute)}/m"
    return f"{_number(per_second)}/s"


def _to_rate(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("expected a rate such as '8/s' or '120/m'")
    return parse_rate(value if isinstance(value, str) else _number(float(value)))


Duration = Annotated[
    float,
    BeforeValidator(_to_duration),
    PlainSerializer(format_duration, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^((\d+(\.\d+)?|\.\d+)(ms|s|m|h))+$",
            "description": "A duration with a unit: ms, s, m or h, e.g. '500ms', '40s', '1m30s'.",
            "examples": ["40s", "500ms", "3m"],
        }
    ),
]
"""Seconds, written with a unit in YAML."""

Rate = Annotated[
    float,
    BeforeValidator(_to_rate),
    PlainSerializer(format_rate, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(\d+(\.\d+)?|\.\d+)/(s|m|h)$",
            "description": "Arrivals per second, minute or hour, e.g. '8/s' or '120/m'.",
            "examples": ["8/s", "120/m"],
        }
    ),
]
"""Arrivals per second, written as ``N/s``, ``N/m`` or ``N/h`` in YAML."""


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


class _OpenModel(StrictModel):
    """What every open-model shape has: arrivals come on schedule, whoever is free. Each
    subclass declares ``max_users``, ``arrivals`` and ``opens`` after its own fields so that
    ``kind`` comes first when a scenario is explained."""

    if TYPE_CHECKING:  # declared by each subclass, after its own fields
        max_users: int
        arrivals: Literal["poisson", "uniform"]
        opens: Literal["tickets", "sessions"]

    open_model: ClassVar[bool] = True

    def segments(self) -> list[RateSegment]:
        raise NotImplementedError

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


class ArrivalRate(_OpenModel):
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


class Stage(StrictModel):
    """One stage of a ``step`` shape: a constant rate for a duration."""

    rate: Rate = Field(examples=["4/s"])
    duration: Duration = Field(examples=["1m"])


class Step(_OpenModel):
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


class Spike(_OpenModel):
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


class Soak(_OpenModel):
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


class Replay(_OpenModel):
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


OpenShape = ArrivalRate | Step | Spike | Soak | Replay
"""Every open-model shape (arrivals on a schedule)."""

LoadShape = Annotated[
    ArrivalRate | Step | Spike | Soak | Replay | Sessions, Field(discriminator="kind")
]
"""Union of every load-shape spec, discriminated on ``kind``."""


def _registry(*specs: type[StrictModel]) -> dict[str, type[StrictModel]]:
    registry: dict[str, type[StrictModel]] = {}
    for spec in specs:
        for kind in get_args(spec.model_fields["kind"].annotation):
            if kind in registry:
                raise TypeError(f"load kind {kind!r} defined by both {registry[kind]} and {spec}")
            registry[kind] = spec
    return registry


SHAPE_KINDS: Final[dict[str, type[StrictModel]]] = _registry(
    ArrivalRate, Step, Spike, Soak, Replay, Sessions
)
"""``kind`` -> spec class; keep it in step with :data:`LoadShape` (a test checks)."""
