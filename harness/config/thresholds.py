"""Thresholds: parsing k6's small pass/fail language, in our units, one clear error per mistake.

Grammar (the text may be padded with spaces; no space between a number and its unit)::

    threshold -> aggregate? ws* operator ws* number unit?
    aggregate -> "p" number | "avg" | "min" | "max" | "med" | "rate" | "count"
    operator  -> "<=" | "<" | ">=" | ">" | "==" | "!="
    unit      -> "ms" | "s" | "m" | "%"
    number    -> digit+ ("." digit+)? | "." digit+

What an aggregate means depends on the metric's kind (``harness.metrics.catalog``):

    trend    p<N> (0..100), med (= p50), avg, min, max: a duration, and a unit is required.
             count: the number of samples, with no unit. A trend has no default aggregate,
             because '< 30s' alone does not say which statistic is meant.
    rate     rate (the default): the share of hits, written '1%' or as the fraction '0.01'.
             count: the number of hits, with no unit.
    counter  count (the default): the total. rate: per second over the arrival window (the
             drain after it apart, as for throughput). No unit.

``Threshold.value`` is kept in a canonical unit: ms for durations, a fraction from 0 to 1 for
rates, and a plain number otherwise. Numbers are read as exact decimals, so '0.3%' equals 3/1000.
A ``ThresholdError`` carries one message without a file or line, because the config loader adds
``file:line: field:`` itself.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from fractions import Fraction
from typing import Final

from harness.metrics.catalog import METRICS, MetricInfo, MetricKind

__all__ = [
    "AGGREGATES",
    "OPERATORS",
    "UNITS",
    "Threshold",
    "ThresholdError",
    "parse_threshold",
]

_Compare = Callable[[float, float], bool]
# Token tables, longest first: "<=" must be tried before "<" and "ms" before "m".
OPERATORS: Final[dict[str, _Compare]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
}
UNITS: Final = ("ms", "s", "m", "%")
AGGREGATES: Final[Mapping[MetricKind, tuple[str, ...]]] = {
    MetricKind.TREND: ("p<N>", "avg", "min", "max", "med", "count"),
    MetricKind.RATE: ("rate", "count"),
    MetricKind.COUNTER: ("count", "rate"),
}
_DEFAULT_AGGREGATE: Final = {MetricKind.RATE: "rate", MetricKind.COUNTER: "count"}
_MS_PER: Final = {"ms": Fraction(1), "s": Fraction(1000), "m": Fraction(60_000)}
_EXAMPLES: Final = "Expected e.g. 'p95 < 30s', 'rate < 1%', 'count >= 100'."
_WORD: Final = re.compile(r"[A-Za-z_][\w.]*")
_NUMBER: Final = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_UNIT: Final = re.compile(r"[^\s\d.]+")
_PERCENTILE: Final = re.compile(r"p(\d+(?:\.\d+)?|\.\d+)")


class ThresholdError(ValueError):
    """One threshold is wrong. The message says what and how to fix it."""


@dataclass(frozen=True, slots=True)
class Threshold:
    source: str  # the text as written, without outer spaces
    metric: str
    kind: MetricKind
    aggregate: str  # "p95", "p99.9", "med", "avg", "min", "max", "rate" or "count"
    operator: str
    value: float  # ms for durations, a fraction 0..1 for rates, a plain number otherwise
    percentile: float | None = None  # 95.0 for "p95", 50.0 for "med"


def parse_threshold(
    metric: str, source: str, catalog: Mapping[str, MetricInfo] = METRICS
) -> Threshold:
    """Parse ``source`` (e.g. "p95 < 30s") as a threshold on ``metric``; ThresholdError if wrong."""
    info = catalog.get(metric)
    if info is None:
        close = get_close_matches(metric, list(catalog), n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        known = ", ".join(sorted(catalog))
        raise ThresholdError(f"unknown metric '{metric}'.{hint} Known metrics: {known}.")
    text = source.strip()
    scanned = _scan(text)
    if scanned is None:
        raise ThresholdError(f"'{text}' is not a threshold. {_EXAMPLES}")
    word, op, number, unit = scanned
    aggregate, percentile = _aggregate(text, metric, info.kind, word, f"{op} {number}{unit}")
    value = _value(text, metric, info.kind, aggregate, op, number, unit)
    return Threshold(text, metric, info.kind, aggregate, op, value, percentile)


def _scan(text: str) -> tuple[str | None, str, str, str] | None:
    """(aggregate word, operator, number, unit) when ``text`` follows the grammar's shape."""
    word = _WORD.match(text)
    position = _skip_spaces(text, word.end() if word else 0)
    op = next((o for o in OPERATORS if text.startswith(o, position)), None)
    if op is None:
        return None
    number = _NUMBER.match(text, _skip_spaces(text, position + len(op)))
    if number is None:
        return None
    unit = _UNIT.match(text, number.end())
    if (unit.end() if unit else number.end()) != len(text):
        return None
    return word.group() if word else None, op, number.group(), unit.group() if unit else ""


def _skip_spaces(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _aggregate(
    text: str, metric: str, kind: MetricKind, word: str | None, rest: str
) -> tuple[str, float | None]:
    available = ", ".join(AGGREGATES[kind])
    if word is None:
        if kind is MetricKind.TREND:
            raise ThresholdError(
                f"'{text}' needs an aggregate; {metric} is a duration, so say which statistic: "
                f"e.g. 'p95 {rest}' or 'avg {rest}' (one of: {available})."
            )
        return _DEFAULT_AGGREGATE[kind], None
    percentile = _PERCENTILE.fullmatch(word)
    name = "p<N>" if percentile else word
    if word == "p" and "p<N>" in AGGREGATES[kind]:
        raise ThresholdError(f"'{text}' needs a percentile after 'p': write e.g. 'p95 {rest}'.")
    if name not in ("p<N>", "avg", "min", "max", "med", "rate", "count"):
        raise ThresholdError(
            f"'{word}' is not an aggregate; on {metric} (a {kind} metric) use one of: {available}."
        )
    if name not in AGGREGATES[kind]:
        raise ThresholdError(
            f"'{word}' is not available on {metric} (a {kind} metric); use one of: {available}."
        )
    if percentile is None:
        return word, 50.0 if word == "med" else None
    p = Fraction(percentile[1])
    if p > 100:
        raise ThresholdError(
            f"'{text}' asks for percentile {percentile[1]}; use p0 to p100 (e.g. p99.9)."
        )
    return word, float(p)


def _value(
    text: str, metric: str, kind: MetricKind, aggregate: str, op: str, number: str, unit: str
) -> float:
    n = Fraction(number)
    if kind is MetricKind.TREND and aggregate != "count":
        fix = f"Write '{number}s' or '{_plain(n * 1000)}ms'."
        if not unit:
            raise ThresholdError(f"'{text}' needs a unit; {metric} is a duration. {fix}")
        if unit not in _MS_PER:
            raise ThresholdError(f"'{text}' uses '{unit}', but {metric} is a duration. {fix}")
        return float(n * _MS_PER[unit])
    if kind is MetricKind.RATE and aggregate == "rate":
        fix = f"Write 'rate {op} {number}%' or the fraction 'rate {op} {_plain(n / 100)}'."
        if unit == "%":
            if n > 100:
                raise ThresholdError(f"'{text}' is out of range: a rate lies between 0% and 100%.")
            return float(n / 100)
        if unit:
            raise ThresholdError(f"'{text}' uses '{unit}', but {metric} is a rate. {fix}")
        if n > 1:
            raise ThresholdError(f"'{text}': without '%' a rate is a fraction from 0 to 1. {fix}")
        return float(n)
    if unit:
        what = "a number per second" if aggregate == "rate" else "a plain number"
        raise ThresholdError(
            f"'{text}' has a unit, but {aggregate} on {metric} is {what}. "
            f"Write '{aggregate} {op} {number}'."
        )
    return float(n)


def _plain(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):f}".rstrip("0").rstrip(".")
