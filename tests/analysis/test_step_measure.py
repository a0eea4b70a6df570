"""Throughput, offered rate and concurrency of one step from per-ticket records."""

from __future__ import annotations

from typing import Any

import pytest

from harness.analysis.step_measure import measure_step


def _routed(intended: float, latency_s: float) -> dict[str, Any]:
    return {"intended_at": intended, "sent_at": intended, "outcome": "routed",
            "routing_ms": latency_s * 1000, "create_ms": 2.0}  # fmt: skip


def _uniform(rate: float, seconds: float, latency_s: float) -> list[dict[str, Any]]:
    return [_routed(i / rate, latency_s) for i in range(round(rate * seconds))]


def test_a_target_that_keeps_up() -> None:
    m = measure_step(_uniform(4.0, 20, 0.3), 2.0, 20.0)
    assert m.offered_per_s == pytest.approx(4.0)
    assert m.throughput_per_s == pytest.approx(4.0)
    assert m.throughput_ratio == pytest.approx(1.0)
    assert m.concurrency == pytest.approx(4.0 * 0.3, rel=0.02)  # Little's law
    assert m.mean_time_in_system_s == pytest.approx(0.3)


def test_an_overloaded_target_routes_at_its_capacity_and_builds_a_backlog() -> None:
    rate, capacity = 5.0, 2.5
    rows = []
    for i in range(100):  # a single server: each ticket waits for the ones before it
        arrival = i / rate
        done = (i + 1) / capacity
        rows.append(_routed(arrival, done - arrival))
    m = measure_step(rows, 4.0, 20.0)
    assert m.offered_per_s == pytest.approx(5.0)
    assert m.throughput_per_s == pytest.approx(2.5)
    assert m.throughput_ratio == pytest.approx(0.5)
    assert m.concurrency > 10  # the backlog grows through the window


def test_one_late_ticket_at_the_end_barely_moves_the_rate() -> None:
    rows = _uniform(3.0, 15, 0.3)
    rows[-2]["routing_ms"] = 2500.0  # routed after the window
    rows[-3]["routing_ms"] = 1400.0  # routed at the very end of it
    m = measure_step(rows, 3.0, 15.0)
    assert m.throughput_ratio == pytest.approx(1.0, abs=0.03)


def test_unrouted_and_failed_tickets() -> None:
    rows = [
        {"intended_at": 1.0, "sent_at": 1.0, "outcome": "unrouted", "routing_ms": None},
        {"intended_at": 2.0, "sent_at": 2.0, "outcome": "failed:http", "create_ms": 500.0},
        {"intended_at": 3.0, "sent_at": 3.0, "outcome": "cut", "routing_ms": None},
    ]
    m = measure_step(rows, 0.0, 10.0)
    assert m.routed == 0 and m.throughput_per_s == 0.0
    assert m.arrived == 3
    assert m.concurrency == pytest.approx((9.0 + 0.5 + 7.0) / 10)
    assert m.mean_time_in_system_s is None


def test_no_arrivals_has_no_ratio() -> None:
    m = measure_step([], 0.0, 10.0)
    assert m.throughput_ratio is None


def test_an_empty_window_is_a_bug() -> None:
    with pytest.raises(ValueError, match="empty measuring window"):
        measure_step([], 5.0, 5.0)
