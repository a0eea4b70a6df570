"""Durations as people write them, and as the reports show them."""

from __future__ import annotations

import math

import pytest

from harness.config.durations import format_duration_ms, parse_duration

PARSED = {
    "500ms": 0.5,
    "30s": 30.0,
    "1.5m": 90.0,
    "2h": 7200.0,
    "1m30s": 90.0,
    "1h2m3s": 3723.0,
    ".5s": 0.5,
    "0s": 0.0,
    "  45s ": 45.0,
    "100ms": 0.1,  # exact decimal arithmetic: 100 * 1/1000 is 0.1, not 0.1000000001
}


@pytest.mark.parametrize(("text", "seconds"), PARSED.items(), ids=PARSED.keys())
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


ERRORS = {
    "bare-number": ("30", "'30' needs a unit: write '30s' or '30000ms'"),
    "bare-decimal": ("1.5", "'1.5' needs a unit: write '1.5s' or '1500ms'"),
    "bare-tail": ("1m30", "'1m30' needs a unit after '30': write e.g. '1m30s'"),
    "unknown-unit": ("30sec", "'30sec' has an unknown unit 'sec': use ms, s, m or h (e.g. '30s')"),
    "negative": ("-5s", "'-5s' is negative: a duration cannot be negative"),
    "space": ("1m 30s", "'1m 30s' has a space: write durations without spaces, e.g. '1m30s'"),
    "empty": ("", "'' is not a duration: write e.g. '500ms', '30s', '1.5m', '2h' or '1m30s'"),
    "no-number": ("s", "'s' is not a duration: write e.g. '500ms', '30s', '1.5m', '2h' or '1m30s'"),
}


@pytest.mark.parametrize(("text", "message"), ERRORS.values(), ids=ERRORS.keys())
def test_parse_duration_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_duration(text)
    assert str(caught.value) == message


FORMATTED = {
    0.0: "0ms",
    0.000123: "0.000123ms",
    0.5: "0.5ms",
    4.25: "4.25ms",
    12.4: "12.4ms",
    12.0: "12ms",
    850.0: "850ms",
    999.4: "999ms",
    999.7: "1.0s",  # rounds up to 1000 ms: shown in seconds
    12_400.0: "12.4s",
    59_960.0: "1m00s",
    185_000.0: "3m05s",
    3_725_000.0: "1h02m05s",
    -850.0: "-850ms",
}


@pytest.mark.parametrize(("ms", "text"), FORMATTED.items(), ids=FORMATTED.values())
def test_format_duration_ms(ms: float, text: str) -> None:
    assert format_duration_ms(ms) == text


@pytest.mark.parametrize("bad", [math.nan, math.inf], ids=["nan", "inf"])
def test_format_refuses_non_finite(bad: float) -> None:
    with pytest.raises(ValueError, match="cannot format"):
        format_duration_ms(bad)
