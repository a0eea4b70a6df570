"""Judging runs: durations as people write them and the threshold language."""

from harness.analysis.durations import format_duration_ms, parse_duration
from harness.analysis.thresholds import (
    MeasuredMetric,
    Threshold,
    ThresholdError,
    ThresholdResult,
    evaluate,
    format_result_line,
    parse_threshold,
)

__all__ = [
    "MeasuredMetric",
    "Threshold",
    "ThresholdError",
    "ThresholdResult",
    "evaluate",
    "format_duration_ms",
    "format_result_line",
    "parse_duration",
    "parse_threshold",
]
