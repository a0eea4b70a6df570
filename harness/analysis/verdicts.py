"""Judging a run against its thresholds (parsed by :mod:`harness.config.thresholds`)."""

from __future__ import annotations

from dataclasses import dataclass

from harness.analysis.window import ArrivalWindow
from harness.config.durations import format_duration_ms
from harness.config.thresholds import OPERATORS, Threshold
from harness.metrics.catalog import MetricKind
from harness.metrics.histogram import Histogram
from harness.metrics.series import SeriesStore

__all__ = ["MeasuredMetric", "ThresholdResult", "evaluate", "format_result_line"]


@dataclass(frozen=True, slots=True)
class MeasuredMetric:
    """What a run measured for one metric; build it with ``from_store`` or the kind's constructor.

    ``total`` is the number of events of a rate metric or the count of a counter. ``rate`` on a
    counter is ``in_window`` (the count inside the arrival window) over ``duration_s`` (the
    window's length) when the window is known, else ``total`` over the run's length.
    """

    metric: str
    kind: MetricKind
    has_data: bool
    histogram: Histogram | None = None
    hits: int = 0
    total: int = 0
    duration_s: float | None = None
    in_window: int | None = None

    @classmethod
    def trend(cls, metric: str, histogram: Histogram) -> MeasuredMetric:
        return cls(metric, MetricKind.TREND, not histogram.is_empty, histogram=histogram)

    @classmethod
    def rate(cls, metric: str, hits: int, total: int) -> MeasuredMetric:
        return cls(metric, MetricKind.RATE, total > 0, hits=hits, total=total)

    @classmethod
    def counter(
        cls,
        metric: str,
        count: int,
        duration_s: float | None = None,
        *,
        has_data: bool = True,
        in_window: int | None = None,
    ) -> MeasuredMetric:
        return cls(
            metric,
            MetricKind.COUNTER,
            has_data,
            total=count,
            duration_s=duration_s,
            in_window=in_window,
        )

    @classmethod
    def from_store(
        cls,
        store: SeriesStore,
        metric: str,
        duration_s: float | None = None,
        window: ArrivalWindow | None = None,
    ) -> MeasuredMetric:
        """The run totals of ``metric``. A counter's rate is over ``window`` when given, else
        over ``duration_s``, which defaults to the store's span of seconds."""
        has_data = store.has_data(metric)  # also rejects unknown metrics
        kind = store.catalog[metric].kind
        if kind is MetricKind.TREND:
            return cls.trend(metric, store.trend_total(metric))
        if kind is MetricKind.RATE:
            return cls.rate(metric, *store.rate_total(metric))
        if window is not None:
            inside, _ = window.split(store, metric)
            total = store.counter_total(metric)
            return cls.counter(metric, total, window.length_s, has_data=has_data, in_window=inside)
        if duration_s is None:
            seconds = store.seconds()
            duration_s = float(seconds[-1] - seconds[0] + 1) if seconds else None
        return cls.counter(metric, store.counter_total(metric), duration_s, has_data=has_data)


@dataclass(frozen=True, slots=True)
class ThresholdResult:
    metric: str
    source: str
    ok: bool
    measured: float | None  # in the threshold's canonical unit; None when there was no data
    measured_text: str  # e.g. "p95=12.4s", "rate=0.31%", "count=1204", "no data"


def evaluate(threshold: Threshold, measured: MeasuredMetric) -> ThresholdResult:
    """Judge ``threshold`` on ``measured``. No data fails: a threshold on nothing must not pass."""
    if (measured.metric, measured.kind) != (threshold.metric, threshold.kind):
        raise ValueError(
            f"threshold on {threshold.metric} ({threshold.kind}) evaluated on "
            f"{measured.metric} ({measured.kind})"
        )
    value = _measure(threshold, measured)
    if value is None:
        return ThresholdResult(threshold.metric, threshold.source, False, None, "no data")
    ok = OPERATORS[threshold.operator](value, threshold.value)
    text = f"{threshold.aggregate}={_format(threshold, value)}"
    return ThresholdResult(threshold.metric, threshold.source, ok, value, text)


def _measure(threshold: Threshold, measured: MeasuredMetric) -> float | None:
    aggregate = threshold.aggregate
    if not measured.has_data:
        return None
    if threshold.kind is MetricKind.TREND:
        histogram = measured.histogram
        assert histogram is not None  # has_data
        if aggregate == "count":
            return float(histogram.count)
        if aggregate == "avg":
            return histogram.mean
        if aggregate in ("min", "max"):
            return histogram.min if aggregate == "min" else histogram.max
        assert threshold.percentile is not None  # p<N> or med
        return histogram.percentile(threshold.percentile)
    if threshold.kind is MetricKind.RATE:
        return measured.hits / measured.total if aggregate == "rate" else float(measured.hits)
    if aggregate == "count":
        return float(measured.total)
    if not measured.duration_s or measured.duration_s <= 0:
        raise ValueError(f"'rate' on {measured.metric} needs the run's duration_s")
    counted = measured.total if measured.in_window is None else measured.in_window
    return counted / measured.duration_s


def _format(threshold: Threshold, value: float) -> str:
    if threshold.aggregate == "count":
        return f"{value:.0f}"
    if threshold.kind is MetricKind.TREND:
        return format_duration_ms(value)
    if threshold.kind is MetricKind.RATE:
        return f"{value * 100:.2f}%"
    return f"{value:.2f}/s"


def format_result_line(result: ThresholdResult) -> str:
    """One summary line like k6's: ``✓ routing_latency 'p95 < 30s'  p95=12.4s``."""
    mark = "✓" if result.ok else "✗"
    return f"{mark} {result.metric} '{result.source}'  {result.measured_text}"
