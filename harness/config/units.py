"""The two unit-carrying value types every config file uses, and their exact text forms.

- :data:`Duration`: ``"40s"``, ``"500ms"``, ``"3m"``, ``"1m30s"`` -> float seconds (grammar in
  :mod:`harness.config.durations`); a bare number is an error that says what to write.
- :data:`Rate`: ``"8/s"``, ``"120/m"``, ``"1.5/s"``, ``"3600/h"`` -> float per second.

Both are written back in the same notation by ``model_dump(mode="json")``, so
``Scenario.explain()`` output loads again unchanged.
"""

from __future__ import annotations

import re
from typing import Annotated, Final

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from harness.config.durations import parse_duration

__all__ = ["Duration", "Rate", "format_duration", "format_rate", "parse_rate"]

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
