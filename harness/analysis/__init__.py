"""Judging runs: thresholds evaluated on what a run measured."""

from harness.analysis.verdicts import (
    MeasuredMetric,
    ThresholdResult,
    evaluate,
    format_result_line,
)

__all__ = [
    "MeasuredMetric",
    "ThresholdResult",
    "evaluate",
    "format_result_line",
]
