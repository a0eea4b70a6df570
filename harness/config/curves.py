"""Scoring curves: how a measured number becomes 0 to 100 points, and the number types they use.

- :class:`Linear`: full marks at or better than ``target``, zero at or beyond ``limit``, a
  straight line between; the order of the two ends says whether lower or higher is better.
- :class:`Step`: the points of the best step reached (all ``at_most`` or all ``at_least``).
- :class:`Relative`: against the best vendor (``100 * best / value`` when lower is better).

Numbers may carry a unit (:func:`parse_quantity`): ``"1.5%"`` is 0.015 and ``"30s"`` is 30000,
because latencies are measured in milliseconds.
"""

from __future__ import annotations

import re
from typing import Annotated, Final, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from harness.config.durations import parse_duration
from harness.config.loader import StrictModel
from harness.config.problems import ConfigValueError

__all__ = [
    "Curve",
    "Linear",
    "Quantity",
    "Relative",
    "Step",
    "StepPoint",
    "parse_quantity",
    "parse_requirement",
]

_PERCENT: Final = re.compile(r"^(-?\d+(?:\.\d+)?|-?\.\d+)%$")
_REQUIRE: Final = re.compile(r"^(<=|>=|==|!=|<|>)\s*(\S+)$")


def parse_quantity(value: object) -> float:
    """A number as written: ``12``, ``0.5``, ``"1.5%"`` (0.015), ``"30s"`` (30000 ms)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError("expected a number, a percentage such as '1%' or a duration such as '30s'")
    if not isinstance(value, str):
        return float(value)
    text = value.strip()
    percent = _PERCENT.match(text)
    if percent:
        return float(percent.group(1)) / 100
    try:
        return parse_duration(text) * 1000
    except ValueError:
        raise ValueError(
            f"'{value}' is not a number; write e.g. 2000, '1.5%' or '30s' (durations become ms)"
        ) from None


Quantity = Annotated[float, BeforeValidator(parse_quantity)]
"""A number, a percentage (as a fraction) or a duration (in ms)."""


def parse_requirement(text: str) -> tuple[str, float]:
    """``"== 0"``, ``"< 1%"``, ``"== true"`` -> (operator, value); ValueError explains."""
    found = _REQUIRE.match(text.strip())
    if found is None:
        raise ValueError(
            f"'{text}' is not a requirement; write an operator and a value, e.g. '== 0', "
            "'< 1%' or '== true'"
        )
    op, raw = found.groups()
    if raw in ("true", "false"):
        return op, 1.0 if raw == "true" else 0.0
    try:
        return op, parse_quantity(float(raw) if _is_number(raw) else raw)
    except ValueError as exc:
        raise ValueError(f"'{text}': {exc}") from None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class Linear(StrictModel):
    """Full marks at or better than ``target``, zero at or beyond ``limit``, a line between.

    ``target < limit`` means lower is better (latency, error rate, price); ``target > limit``
    means higher is better (throughput, pass rate).
    """

    kind: Literal["linear"]
    target: Quantity = Field(examples=["2s"])
    limit: Quantity = Field(examples=["30s"])

    @model_validator(mode="after")
    def _distinct(self) -> Linear:
        if self.target == self.limit:
            raise ConfigValueError.at(
                ("limit",), "equals target; a linear curve needs two different ends"
            )
        return self


class StepPoint(StrictModel):
    """One step: ``points`` when the value is ``at_most`` (or ``at_least``) this much."""

    at_most: Quantity | None = None
    at_least: Quantity | None = None
    points: float = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _one_bound(self) -> StepPoint:
        if (self.at_most is None) == (self.at_least is None):
            raise ValueError("give exactly one of at_most and at_least")
        return self

    @property
    def bound(self) -> float:
        value = self.at_most if self.at_most is not None else self.at_least
        assert value is not None
        return value


class Step(StrictModel):
    """The points of the best step the value reaches; none reached gives 0.

    All steps use ``at_most`` (lower is better) or all use ``at_least`` (higher is better).
    """

    kind: Literal["step"]
    steps: list[StepPoint] = Field(min_length=1)

    @field_validator("steps")
    @classmethod
    def _same_direction(cls, steps: list[StepPoint]) -> list[StepPoint]:
        directions = {step.at_most is not None for step in steps}
        if len(directions) > 1:
            raise ValueError("mix of at_most and at_least; use one of them for every step")
        return steps

    @property
    def lower_is_better(self) -> bool:
        return self.steps[0].at_most is not None


class Relative(StrictModel):
    """Against the best vendor: lower is better gives ``100 * best / value`` (price: the
    cheapest scores 100), higher is better gives ``100 * value / best``."""

    kind: Literal["relative"]
    better: Literal["lower", "higher"] = "lower"


Curve = Annotated[Linear | Step | Relative, Field(discriminator="kind")]
