"""Run results and the reports written from them: the model, i18n, charts and HTML pages."""

from harness.report.compare import Comparison, Finding
from harness.report.compare_html import render_comparison, write_comparison
from harness.report.html import render_run, write_run_report
from harness.report.i18n import t
from harness.results.model import (
    Bucket,
    Drift,
    GeneratorInfo,
    LoadInfo,
    MetricSummary,
    Note,
    Percentiles,
    Phase,
    PhaseResult,
    ProbeInfo,
    RunSummary,
    SchemaError,
    ThresholdOutcome,
    TimelinePoint,
    VendorInfo,
)

__all__ = [
    "Bucket",
    "Comparison",
    "Drift",
    "Finding",
    "GeneratorInfo",
    "LoadInfo",
    "MetricSummary",
    "Note",
    "Percentiles",
    "Phase",
    "PhaseResult",
    "ProbeInfo",
    "RunSummary",
    "SchemaError",
    "ThresholdOutcome",
    "TimelinePoint",
    "VendorInfo",
    "render_comparison",
    "render_run",
    "t",
    "write_comparison",
    "write_run_report",
]
