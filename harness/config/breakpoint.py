"""The ``breakpoint:`` block of a scenario: how ``csm-harness breakpoint`` raises the load.

The search runs short arrival-rate steps, ``start`` then ``start * factor`` (or
``start + increment``) up to ``max_rate``, judges each against ``slos`` and the throughput
criterion, stops at the first violation and bisects between the last good and the first bad
rate until they are within ``resolution``. ``max_rate`` and ``max_time`` are hard ceilings:
no step runs above ``max_rate`` and no step starts that could end after ``max_time``.

``slos`` use the threshold language of the scenario's ``thresholds:``
(:mod:`harness.config.thresholds`). ``min_throughput`` is the built-in "throughput still
rises with the load" criterion: tickets routed per second during the step's measuring window
must be at least this share of the tickets offered per second in the same window.
"""

from __future__ import annotations

import re
from typing import Annotated, ClassVar, Final, Literal, Self

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema, model_validator

from harness.config.loader import StrictModel
from harness.config.problems import ConfigValueError, Loc
from harness.config.thresholds import ThresholdError, parse_threshold
from harness.config.units import Duration, Rate, format_duration, format_rate

__all__ = ["DEFAULT_SLOS", "Breakpoint", "Percent", "format_percent"]

DEFAULT_SLOS: Final[dict[str, list[str]]] = {
    "routing_latency": ["p95 < 30s"],
    "errors": ["rate < 1%"],
}
_PERCENT: Final = re.compile(r"^(\d+(?:\.\d+)?|\.\d+)%$")


def _to_percent(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("expected a percentage such as '5%'")
    text = str(value).strip().replace(" ", "")
    match = _PERCENT.match(text)
    if match is None:
        if re.fullmatch(r"\d+(?:\.\d+)?|\.\d+", text):
            raise ValueError(f"'{value}' needs a unit: write '{text}%'")
        raise ValueError(f"'{value}' is not a percentage; write e.g. '5%'")
    return float(match.group(1)) / 100


def format_percent(fraction: float) -> str:
    """``0.05`` -> ``5%``; ``0.125`` -> ``12.5%`` (reads back unchanged)."""
    number = round(fraction * 100, 9)
    return f"{int(number)}%" if number.is_integer() else f"{number}%"


Percent = Annotated[
    float,
    BeforeValidator(_to_percent),
    PlainSerializer(format_percent, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(\d+(\.\d+)?|\.\d+)%$",
            "description": "A percentage, e.g. '5%'.",
            "examples": ["5%", "95%"],
        }
    ),
]
"""A fraction from 0 to 1, written as a percentage in YAML."""


class Breakpoint(StrictModel):
    """Step search for the highest arrival rate that still meets the SLOs."""

    start: Rate = Field(examples=["1.5/s"], description="Rate of the first step.")
    factor: float | None = Field(
        default=None,
        gt=1,
        le=10,
        examples=[1.5],
        description="Each step multiplies the rate by this (default 1.5); or use increment.",
    )
    increment: Rate | None = Field(
        default=None, examples=["1/s"], description="Each step adds this rate (linear steps)."
    )
    step_duration: Duration = Field(
        default="30s",
        validate_default=True,
        description="Arrivals per step; the target then drains before the next step.",
    )
    warm_up: Duration = Field(
        default="5s",
        validate_default=True,
        description="Start of each step left out of throughput and concurrency.",
    )
    cool_down: Duration = Field(
        default="5s", validate_default=True, description="Pause after a step has drained."
    )
    arrivals: Literal["uniform", "poisson"] = Field(
        default="uniform",
        description="uniform (default): a short step offers exactly its rate; poisson varies.",
    )
    max_rate: Rate = Field(examples=["50/s"], description="Ceiling: no step runs above it.")
    max_time: Duration = Field(
        examples=["20m"], description="Ceiling: the whole search, steps and drains included."
    )
    resolution: Percent = Field(
        default="5%",
        validate_default=True,
        description="Bisect until the first bad rate is within this of the last good one.",
    )
    min_throughput: Percent = Field(
        default="95%",
        validate_default=True,
        description="Routed per second must be at least this share of offered per second.",
    )
    slos: dict[str, list[str]] = Field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_SLOS.items()},
        description="Metric -> expressions, as in thresholds; every step must meet them.",
    )

    kind: ClassVar[str] = "rate"

    @property
    def step_factor(self) -> float:
        return self.factor if self.factor is not None else 1.5

    def tidy(self, rate: float) -> float:
        """Four significant digits: step files and tables read 3.428/s, not 3.4284019/s."""
        return float(f"{rate:.4g}")

    def next_rate(self, rate: float) -> float:
        """The step after ``rate`` while ramping (not clipped to ``max_rate``)."""
        if self.increment is not None:
            return rate + self.increment
        return rate * self.step_factor

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems: list[tuple[Loc, str]] = []
        if self.factor is not None and self.increment is not None:
            problems.append(
                (("increment",), "`factor` and `increment` cannot be used together; keep one")
            )
        if self.start > self.max_rate:
            problems.append(
                (
                    ("start",),
                    f"{format_rate(self.start)} is above max_rate ({format_rate(self.max_rate)}); "
                    "lower start or raise max_rate",
                )
            )
        if self.warm_up >= self.step_duration:
            problems.append(
                (
                    ("warm_up",),
                    f"{format_duration(self.warm_up)} is not shorter than step_duration "
                    f"({format_duration(self.step_duration)}); nothing would be measured",
                )
            )
        if self.max_time < self.step_duration:
            problems.append(
                (
                    ("max_time",),
                    f"{format_duration(self.max_time)} is shorter than one step "
                    f"({format_duration(self.step_duration)}); raise max_time",
                )
            )
        if not 0 < self.resolution <= 0.5:
            problems.append(
                (
                    ("resolution",),
                    f"{format_percent(self.resolution)} is out of range; use 1% to 50%",
                )
            )
        if not 0 < self.min_throughput <= 1:
            problems.append(
                (
                    ("min_throughput",),
                    f"{format_percent(self.min_throughput)} is out of range; use e.g. 90% or 95%",
                )
            )
        problems += _slo_problems(self.slos)
        if problems:
            raise ConfigValueError(problems)
        return self


def _slo_problems(slos: dict[str, list[str]]) -> list[tuple[Loc, str]]:
    """Each SLO parsed as a threshold; the same messages as the scenario's thresholds."""
    from harness.metrics.catalog import METRICS

    problems: list[tuple[Loc, str]] = []
    for metric, sources in slos.items():
        if metric not in METRICS:
            try:
                parse_threshold(metric, "")
            except ThresholdError as exc:
                problems.append((("slos", metric), str(exc)))
            continue
        if not sources:
            problems.append((("slos", metric), "list at least one expression, e.g. ['p95 < 30s']"))
        for index, source in enumerate(sources):
            try:
                parse_threshold(metric, source)
            except ThresholdError as exc:
                problems.append((("slos", metric, index), str(exc)))
    return problems
