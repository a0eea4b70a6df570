"""Dotted paths into named inputs: how a scoring criterion says where its number comes from.

Grammar (no spaces)::

    path     -> source ("." key | "[" index "]" | "[" field "=" value "]")*
    source   -> name                 an input: summary, breakpoint, checks, manual, tco, ...
    key      -> name                 a mapping key
    index    -> digits               a list item by position
    field=value                      the first list item whose ``field`` equals ``value``
    name     -> [A-Za-z0-9_-]+

``summary.metrics.routing_latency.p95_ms``, ``breakpoint.breakpoint_per_s``,
``checks.checks[id=ROUTE-001].passed``. A new input is a new file name under ``inputs:`` in the
scoring file; its numbers are reachable by path without any code.

:func:`resolve` walks parsed JSON and returns a number, or ``None`` with the reason (a missing
key, a value that is not a number); ``true``/``false`` read as 1 and 0.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

__all__ = ["Lookup", "Step", "parse_path", "resolve"]

_NAME: Final = r"[A-Za-z0-9_\-]+"
_TOKEN: Final = re.compile(rf"\.({_NAME})|\[(\d+)\]|\[({_NAME})=([^\]]+)\]")
_SOURCE: Final = re.compile(_NAME)


@dataclass(frozen=True, slots=True)
class Step:
    key: str | None = None  # mapping key
    index: int | None = None  # list position
    match: tuple[str, str] | None = None  # (field, value): first list item with field == value

    def __str__(self) -> str:
        if self.key is not None:
            return f".{self.key}"
        if self.index is not None:
            return f"[{self.index}]"
        assert self.match is not None
        return f"[{self.match[0]}={self.match[1]}]"


@dataclass(frozen=True, slots=True)
class Lookup:
    source: str
    steps: tuple[Step, ...]

    def __str__(self) -> str:
        return self.source + "".join(str(step) for step in self.steps)


def parse_path(text: str) -> Lookup:
    """Parse ``text``; ValueError says what is wrong and shows the grammar by example."""
    head = _SOURCE.match(text)
    if head is None:
        raise ValueError(f"'{text}' is not a path; write e.g. 'summary.metrics.errors.rate'")
    steps: list[Step] = []
    position = head.end()
    while position < len(text):
        token = _TOKEN.match(text, position)
        if token is None:
            raise ValueError(
                f"'{text}' is not a path: cannot read '{text[position:]}'. Write keys with dots "
                "and list items as [0] or [id=ROUTE-001], e.g. 'checks.checks[id=ROUTE-001].passed'"
            )
        key, index, field, value = token.groups()
        if key is not None:
            steps.append(Step(key=key))
        elif index is not None:
            steps.append(Step(index=int(index)))
        else:
            steps.append(Step(match=(field, value)))
        position = token.end()
    return Lookup(head.group(), tuple(steps))


def resolve(lookup: Lookup, data: object) -> tuple[float | None, str]:
    """The number at ``lookup``'s steps inside ``data`` (the source's parsed JSON).

    Returns ``(value, "")`` or ``(None, reason)``; the reason names the first step that failed.
    """
    here: object = data
    walked = lookup.source
    for step in lookup.steps:
        if step.key is not None:
            if not isinstance(here, Mapping) or step.key not in here:
                return None, f"{walked} has no '{step.key}'"
            here = here[step.key]
        elif step.index is not None:
            if not isinstance(here, list) or step.index >= len(here):
                return None, f"{walked} has no item [{step.index}]"
            here = here[step.index]
        else:
            assert step.match is not None
            field, wanted = step.match
            found = _first_match(here, field, wanted)
            if found is None:
                return None, f"{walked} has no item with {field} = {wanted}"
            here = found
        walked += str(step)
    return _number(here, walked)


def _first_match(items: object, field: str, wanted: str) -> object | None:
    if not isinstance(items, list):
        return None
    for item in items:
        if isinstance(item, Mapping) and field in item and str(item[field]) == wanted:
            return item
    return None


def _number(value: object, walked: str) -> tuple[float | None, str]:
    if isinstance(value, bool):
        return float(value), ""
    if isinstance(value, int | float):
        if math.isfinite(value):
            return float(value), ""
        return None, f"{walked} is {value}, not a finite number"
    if value is None:
        return None, f"{walked} is empty (null)"
    return None, f"{walked} is {type(value).__name__}, not a number"
