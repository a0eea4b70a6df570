"""The threshold language: what parses to what, every error's exact text, and evaluation."""

from __future__ import annotations

import pytest

from harness.analysis.verdicts import (
    MeasuredMetric,
    ThresholdResult,
    evaluate,
    format_result_line,
)
from harness.config.thresholds import Threshold, ThresholdError, parse_threshold
from harness.metrics.catalog import MetricInfo, MetricKind
from harness.metrics.histogram import Histogram
from harness.metrics.series import SeriesStore

PARSED = {
    # id: (metric, source) -> (aggregate, operator, canonical value, percentile)
    "p95-seconds": (("routing_latency", "p95 < 30s"), ("p95", "<", 30_000.0, 95.0)),
    "p99.9-minutes-no-spaces": (
        ("routing_latency", "p99.9<=1.5m"),
        ("p99.9", "<=", 90_000.0, 99.9),
    ),
    "avg-ms": (("ticket_create", "avg < 850ms"), ("avg", "<", 850.0, None)),
    "med-is-p50": (("ticket_create", "med > .5s"), ("med", ">", 500.0, 50.0)),
    "p0-and-padding": (("http_req_duration", "  p0 >= 0ms "), ("p0", ">=", 0.0, 0.0)),
    "trend-count-plain": (("routing_latency", "count >= 100"), ("count", ">=", 100.0, None)),
    "rate-percent": (("errors", "rate < 1%"), ("rate", "<", 0.01, None)),
    "rate-exact-decimal": (("errors", "rate <= 0.3%"), ("rate", "<=", 3 / 1000, None)),
    "rate-fraction": (("throttled", "rate<0.05"), ("rate", "<", 0.05, None)),
    "rate-default-aggregate": (("unrouted", "== 0%"), ("rate", "==", 0.0, None)),
    "rate-count-of-hits": (("errors", "count < 10"), ("count", "<", 10.0, None)),
    "counter-default": (("requests", ">= 2000"), ("count", ">=", 2000.0, None)),
    "counter-per-second": (("tickets_created", "rate != 5.5"), ("rate", "!=", 5.5, None)),
    "operator-longest-first": (("requests", "count>=1"), ("count", ">=", 1.0, None)),
}


@pytest.mark.parametrize(("given", "expected"), PARSED.values(), ids=PARSED.keys())
def test_parse(given: tuple[str, str], expected: tuple[str, str, float, float | None]) -> None:
    metric, source = given
    threshold = parse_threshold(metric, source)
    assert threshold.metric == metric
    assert threshold.source == source.strip()
    assert (threshold.aggregate, threshold.operator, threshold.value, threshold.percentile) == (
        expected
    )


ERRORS = {
    "unknown-metric": (
        "routing_latncy",
        "p95 < 30s",
        "unknown metric 'routing_latncy'. Did you mean 'routing_latency'? Known metrics: "
        "errors, first_response, http_req_duration, late_arrivals, messages_duplicated, "
        "messages_lost, messages_received, messages_sent, messages_unknown, probe_errors, "
        "probe_requests, reply_latency, requests, requests_client, requests_connection, "
        "requests_ok, requests_protocol, requests_server, requests_throttled, requests_timeout, "
        "resolution_time, routing_bracket, routing_latency, routing_latency_vendor, "
        "session_duration, session_routing, sessions_closed, sessions_open, sessions_opened, "
        "setup_errors, setup_requests, throttled, ticket_create, tickets_absent, "
        "tickets_created, tickets_found, tickets_routed, tickets_unknown, unrouted, "
        "webhooks_duplicate, webhooks_received, webhooks_rejected.",
    ),
    "duration-without-unit": (
        "routing_latency",
        "p95 < 30",
        "'p95 < 30' needs a unit; routing_latency is a duration. Write '30s' or '30000ms'.",
    ),
    "aggregate-not-on-kind": (
        "errors",
        "p95 < 3s",
        "'p95' is not available on errors (a rate metric); use one of: rate, count.",
    ),
    "bad-syntax": (
        "routing_latency",
        "p95 << 3s",
        "'p95 << 3s' is not a threshold. Expected e.g. 'p95 < 30s', 'rate < 1%', 'count >= 100'.",
    ),
    "empty": (
        "errors",
        "   ",
        "'' is not a threshold. Expected e.g. 'p95 < 30s', 'rate < 1%', 'count >= 100'.",
    ),
    "space-before-unit": (
        "routing_latency",
        "p95 < 30 s",
        "'p95 < 30 s' is not a threshold. Expected e.g. 'p95 < 30s', 'rate < 1%', 'count >= 100'.",
    ),
    "percent-on-duration": (
        "routing_latency",
        "p95 < 30%",
        "'p95 < 30%' uses '%', but routing_latency is a duration. Write '30s' or '30000ms'.",
    ),
    "unknown-unit-on-duration": (
        "ticket_create",
        "p99 < 1.5sec",
        "'p99 < 1.5sec' uses 'sec', but ticket_create is a duration. Write '1.5s' or '1500ms'.",
    ),
    "trend-needs-aggregate": (
        "routing_latency",
        "< 30s",
        "'< 30s' needs an aggregate; routing_latency is a duration, so say which statistic: "
        "e.g. 'p95 < 30s' or 'avg < 30s' (one of: p<N>, avg, min, max, med, count).",
    ),
    "not-an-aggregate": (
        "routing_latency",
        "mean < 3s",
        "'mean' is not an aggregate; on routing_latency (a trend metric) use one of: "
        "p<N>, avg, min, max, med, count.",
    ),
    "p-without-number": (
        "routing_latency",
        "p < 3s",
        "'p < 3s' needs a percentile after 'p': write e.g. 'p95 < 3s'.",
    ),
    "percentile-above-100": (
        "routing_latency",
        "p101 < 3s",
        "'p101 < 3s' asks for percentile 101; use p0 to p100 (e.g. p99.9).",
    ),
    "unit-on-counter": (
        "tickets_created",
        "count > 5s",
        "'count > 5s' has a unit, but count on tickets_created is a plain number. "
        "Write 'count > 5'.",
    ),
    "unit-on-counter-rate": (
        "requests",
        "rate > 5/s",
        "'rate > 5/s' has a unit, but rate on requests is a number per second. Write 'rate > 5'.",
    ),
    "unit-on-trend-count": (
        "routing_latency",
        "count > 5ms",
        "'count > 5ms' has a unit, but count on routing_latency is a plain number. "
        "Write 'count > 5'.",
    ),
    "rate-above-100-percent": (
        "errors",
        "rate < 150%",
        "'rate < 150%' is out of range: a rate lies between 0% and 100%.",
    ),
    "rate-bare-number-above-1": (
        "errors",
        "rate < 5",
        "'rate < 5': without '%' a rate is a fraction from 0 to 1. "
        "Write 'rate < 5%' or the fraction 'rate < 0.05'.",
    ),
    "duration-unit-on-rate": (
        "throttled",
        "rate < 5s",
        "'rate < 5s' uses 's', but throttled is a rate. "
        "Write 'rate < 5%' or the fraction 'rate < 0.05'.",
    ),
    "percentile-on-counter": (
        "requests",
        "p95 > 3",
        "'p95' is not available on requests (a counter metric); use one of: count, rate.",
    ),
}


@pytest.mark.parametrize(("metric", "source", "message"), ERRORS.values(), ids=ERRORS.keys())
def test_error_messages(metric: str, source: str, message: str) -> None:
    with pytest.raises(ThresholdError) as caught:
        parse_threshold(metric, source)
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


def test_a_custom_catalog_for_derived_metrics() -> None:
    catalog = {
        "breakpoint.sessions": MetricInfo(
            "breakpoint.sessions", MetricKind.COUNTER, "Sessions at breakpoint", "拐点会话数", "-"
        )
    }
    threshold = parse_threshold("breakpoint.sessions", ">= 2000", catalog)
    assert (threshold.aggregate, threshold.value) == ("count", 2000.0)


# -- evaluation --------------------------------------------------------------------------------


def _trend(*values: float) -> MeasuredMetric:
    histogram = Histogram()
    histogram.record_many(values)
    return MeasuredMetric.trend("routing_latency", histogram)


EVALUATED = {
    "p95-pass": ("routing_latency", "p95 < 30s", _trend(*[12_400.0] * 20), True, "p95=12.4s"),
    "p95-fail": ("routing_latency", "p95 < 10s", _trend(*[12_400.0] * 20), False, "p95=12.4s"),
    "max-exact": ("routing_latency", "max <= 2s", _trend(5.0, 2000.0), True, "max=2.0s"),
    "min": ("routing_latency", "min > 1ms", _trend(0.5, 20.0), False, "min=0.5ms"),
    "avg": ("routing_latency", "avg < 1m", _trend(60_000.0, 180_000.0), False, "avg=2m00s"),
    "med": ("routing_latency", "med < 1s", _trend(100.0, 200.0, 5000.0), True, "med=200ms"),
    "trend-count": ("routing_latency", "count >= 3", _trend(1.0, 2.0, 3.0), True, "count=3"),
    "rate-pass": (
        "errors", "rate < 1%", MeasuredMetric.rate("errors", 31, 10_000), True, "rate=0.31%"
    ),
    "rate-fail-at-limit": (
        "errors", "rate < 1%", MeasuredMetric.rate("errors", 1, 100), False, "rate=1.00%"
    ),
    "rate-exact-decimal": (
        "errors", "rate <= 0.3%", MeasuredMetric.rate("errors", 3, 1000), True, "rate=0.30%"
    ),
    "rate-count": ("errors", "count == 0", MeasuredMetric.rate("errors", 0, 50), True, "count=0"),
    "counter-count": (
        "tickets_created", ">= 1000", MeasuredMetric.counter("tickets_created", 1204),
        True, "count=1204",
    ),
    "counter-rate": (
        "requests", "rate >= 20", MeasuredMetric.counter("requests", 1204, duration_s=60.0),
        True, "rate=20.07/s",
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("metric", "source", "measured", "ok", "text"), EVALUATED.values(), ids=EVALUATED.keys()
)
def test_evaluate(metric: str, source: str, measured: MeasuredMetric, ok: bool, text: str) -> None:
    result = evaluate(parse_threshold(metric, source), measured)
    assert (result.ok, result.measured_text) == (ok, text)
    assert (result.metric, result.source) == (metric, source)


NO_DATA = {
    "empty-trend": (
        "routing_latency", "p95 < 30s", MeasuredMetric.trend("routing_latency", Histogram())
    ),
    "rate-without-events": ("errors", "rate < 1%", MeasuredMetric.rate("errors", 0, 0)),
    "untouched-counter": (
        "tickets_routed", "== 0", MeasuredMetric.counter("tickets_routed", 0, has_data=False)
    ),
}  # fmt: skip


@pytest.mark.parametrize(("metric", "source", "measured"), NO_DATA.values(), ids=NO_DATA.keys())
def test_no_data_never_passes(metric: str, source: str, measured: MeasuredMetric) -> None:
    result = evaluate(parse_threshold(metric, source), measured)
    assert result == ThresholdResult(metric, source, False, None, "no data")


def test_from_store() -> None:
    store = SeriesStore()
    for second in range(10):
        store.observe("routing_latency", 1000.0 * (second + 1), second)
        store.hit("errors", second, second == 0)
        store.add("requests", second, 3)
    latency = evaluate(
        parse_threshold("routing_latency", "p90 <= 9s"),
        MeasuredMetric.from_store(store, "routing_latency"),
    )
    assert (latency.ok, latency.measured_text) == (True, "p90=9.0s")
    errors = evaluate(
        parse_threshold("errors", "rate < 5%"), MeasuredMetric.from_store(store, "errors")
    )
    assert (errors.ok, errors.measured_text) == (False, "rate=10.00%")
    per_second = MeasuredMetric.from_store(store, "requests")  # span of seconds: 10 s
    assert evaluate(parse_threshold("requests", "rate == 3"), per_second).ok
    longer = MeasuredMetric.from_store(store, "requests", duration_s=15.0)
    assert evaluate(parse_threshold("requests", "rate == 2"), longer).ok
    routed = MeasuredMetric.from_store(store, "tickets_routed")
    assert evaluate(parse_threshold("tickets_routed", "== 0"), routed).measured_text == "no data"


def test_counter_rate_needs_a_duration() -> None:
    with pytest.raises(ValueError, match="needs the run's duration_s"):
        evaluate(parse_threshold("requests", "rate > 1"), MeasuredMetric.counter("requests", 5))


def test_evaluating_on_another_metric_is_a_bug() -> None:
    with pytest.raises(ValueError, match="threshold on errors"):
        evaluate(parse_threshold("errors", "rate < 1%"), MeasuredMetric.rate("throttled", 0, 1))


@pytest.mark.parametrize(
    ("result", "line"),
    [
        (
            ThresholdResult("routing_latency", "p95 < 30s", True, 12_400.0, "p95=12.4s"),
            "✓ routing_latency 'p95 < 30s'  p95=12.4s",
        ),
        (
            ThresholdResult("errors", "rate < 0.5%", False, 0.0061, "rate=0.61%"),
            "✗ errors 'rate < 0.5%'  rate=0.61%",
        ),
        (
            ThresholdResult("unrouted", "rate < 1%", False, None, "no data"),
            "✗ unrouted 'rate < 1%'  no data",
        ),
    ],
    ids=["pass", "fail", "no-data"],
)
def test_format_result_line(result: ThresholdResult, line: str) -> None:
    assert format_result_line(result) == line


def test_threshold_is_frozen() -> None:
    threshold = parse_threshold("errors", "rate < 1%")
    assert isinstance(threshold, Threshold)
    with pytest.raises(AttributeError):
        threshold.value = 0.5  # type: ignore[misc]
