"""Throughput over the arrival window, the drain apart (issue 13): a vendor that queues and
drains long after its arrivals is not "slower at taking tickets" than one that does not."""

from __future__ import annotations

import dataclasses

import pytest

from harness.analysis.window import measure_throughput
from harness.metrics.series import SeriesStore
from harness.report.changes import compare_runs
from harness.results.model import MetricSummary, RunSummary
from tests.report import make_run

START = 1_800_000_000.0


def _store(created_per_s: int, arrival_s: int, routed_late_s: int) -> SeriesStore:
    """``created_per_s`` creates a second for ``arrival_s``; routing trails by ``routed_late_s``."""
    store = SeriesStore()
    for i in range(arrival_s):
        store.add("tickets_created", int(START) + i, created_per_s)
        store.add("tickets_routed", int(START) + i + routed_late_s, created_per_s)
    return store


def test_created_per_second_is_over_the_arrival_window_and_the_drain_is_apart() -> None:
    store = _store(8, 60, routed_late_s=100)
    ended = START + 60 + 120
    got = measure_throughput(store, START, 60.0, ended)
    assert (got.created, got.created_per_s, got.created_in_drain) == (480, 8.0, 0)
    assert got.routed == 0 and got.routed_in_drain == 8 * 60
    assert got.drain_s == pytest.approx(120.0)


def test_nothing_before_the_window_counts() -> None:
    store = _store(5, 10, routed_late_s=0)
    store.add("tickets_created", int(START) - 5, 99)
    got = measure_throughput(store, START, 10.0, START + 12)
    assert got.created == 5 * 10 and got.routed == 5 * 10


def _offered_8_per_s(run: RunSummary, drain_s: float) -> RunSummary:
    created = 8 * 60
    metrics = dict(run.metrics)
    metrics["tickets_created"] = MetricSummary(
        "tickets_created", "counter", "Tickets created", "已创建工单", count=created
    )
    window = measure_throughput(_store(8, 60, 0), START, 60.0, START + 60 + drain_s)
    return dataclasses.replace(run, metrics=metrics, duration_s=60 + drain_s, throughput=window)


def test_a_vendor_that_drains_long_is_no_regression_in_tickets_created_per_second() -> None:
    """The issue's case: both offered 8/s; one drained 120 s (2.6/s over the whole run)."""
    quick = _offered_8_per_s(make_run(), drain_s=2)
    queueing = _offered_8_per_s(make_run(saturating=True), drain_s=120)
    created = {c.key: c for c in compare_runs(quick, queueing)}["created_per_s"]
    assert created.assessment == "noise"
    assert created.before == pytest.approx(created.after)


def test_summaries_without_a_window_still_compare_over_the_run() -> None:
    solid, saturating = make_run(), make_run(saturating=True)
    assert solid.throughput is None
    created = {c.key: c for c in compare_runs(solid, saturating)}["created_per_s"]
    assert created.before == pytest.approx(2400 / solid.duration_s)


def test_the_run_page_shows_the_window_and_the_drain() -> None:
    from harness.report.html import render_run

    run = _offered_8_per_s(make_run(saturating=True), drain_s=120)
    page = render_run(run, "en")
    assert "Throughput over the arrivals" in page
    assert "then a drain of" in page
    assert "到达期间吞吐量" in render_run(run, "zh-CN")


def test_a_counter_rate_threshold_is_over_the_arrival_window_like_throughput() -> None:
    from harness.analysis.verdicts import MeasuredMetric, evaluate
    from harness.analysis.window import ArrivalWindow
    from harness.config.thresholds import parse_threshold

    store = _store(8, 60, routed_late_s=100)  # every route lands in the drain
    window = ArrivalWindow.of(START, 60.0)
    assert window.split(store, "tickets_created") == (480, 0)
    assert window.split(store, "tickets_routed") == (0, 480)
    created = MeasuredMetric.from_store(store, "tickets_created", window=window)
    assert evaluate(parse_threshold("tickets_created", "rate >= 8"), created).ok
    assert evaluate(parse_threshold("tickets_created", "count == 480"), created).ok
    # over the whole run (60 s of arrivals + 120 s of drain) it would be 2.67/s
    whole = MeasuredMetric.from_store(store, "tickets_created", duration_s=180.0)
    assert not evaluate(parse_threshold("tickets_created", "rate >= 8"), whole).ok
