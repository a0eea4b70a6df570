"""SeriesStore: per-second recording, kind checks, and drains that merge exactly in any order."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.metrics.catalog import METRICS, MetricInfo, MetricKind
from harness.metrics.histogram import Histogram
from harness.metrics.series import SeriesStore


def test_catalog_has_the_metrics_the_harness_reports() -> None:
    kinds = {name: info.kind for name, info in METRICS.items()}
    assert kinds == {
        "ticket_create": MetricKind.TREND,
        "http_req_duration": MetricKind.TREND,
        "routing_latency": MetricKind.TREND,
        "routing_latency_vendor": MetricKind.TREND,
        "routing_bracket": MetricKind.TREND,
        "errors": MetricKind.RATE,
        "probe_requests": MetricKind.COUNTER,
        "probe_errors": MetricKind.RATE,
        "setup_requests": MetricKind.COUNTER,
        "setup_errors": MetricKind.RATE,
        "throttled": MetricKind.RATE,
        "late_arrivals": MetricKind.RATE,
        "unrouted": MetricKind.RATE,
        "tickets_created": MetricKind.COUNTER,
        "tickets_routed": MetricKind.COUNTER,
        "tickets_unknown": MetricKind.COUNTER,
        "tickets_found": MetricKind.COUNTER,
        "tickets_absent": MetricKind.COUNTER,
        "requests": MetricKind.COUNTER,
        **{
            f"requests_{outcome}": MetricKind.COUNTER
            for outcome in ("ok", "throttled", "timeout", "connection", "protocol", "server")
        },
        "requests_client": MetricKind.COUNTER,
        "webhooks_received": MetricKind.COUNTER,
        "webhooks_duplicate": MetricKind.COUNTER,
        "webhooks_rejected": MetricKind.COUNTER,
        "session_routing": MetricKind.TREND,
        "first_response": MetricKind.TREND,
        "reply_latency": MetricKind.TREND,
        "session_duration": MetricKind.TREND,
        "resolution_time": MetricKind.TREND,
        "sessions_opened": MetricKind.COUNTER,
        "sessions_closed": MetricKind.COUNTER,
        "sessions_open": MetricKind.COUNTER,
        "messages_sent": MetricKind.COUNTER,
        "messages_received": MetricKind.COUNTER,
        "messages_unknown": MetricKind.COUNTER,
        "messages_lost": MetricKind.RATE,
        "messages_duplicated": MetricKind.RATE,
    }
    assert METRICS["routing_latency"].title_zh == "路由延迟"
    assert METRICS["first_response"].title_zh == "首次响应时间"
    assert all(info.title_en and info.title_zh and info.description for info in METRICS.values())


def test_recording_and_queries() -> None:
    store = SeriesStore()
    store.observe("routing_latency", 120.0, 3)
    store.observe("routing_latency", 80.0, 3)
    store.observe("routing_latency", 2000.0, 1)
    store.hit("errors", 1, True)
    store.hit("errors", 1, False)
    store.hit("errors", 2, False)
    store.add("requests", 2)
    store.add("requests", 2, 4)

    assert store.seconds() == [1, 2, 3]
    assert store.trend_total("routing_latency").count == 3
    assert store.trend_at("routing_latency", 3).max == 120.0
    assert store.trend_at("routing_latency", 2).is_empty
    assert store.rate_total("errors") == (1, 3)
    assert (store.rate_at("errors", 1), store.rate_at("errors", 9)) == ((1, 2), (0, 0))
    assert (store.counter_total("requests"), store.counter_at("requests", 2)) == (5, 5)
    assert store.counter_at("requests", 1) == 0
    assert store.has_data("errors")
    assert not store.has_data("tickets_routed")


def test_trend_at_returns_a_copy() -> None:
    store = SeriesStore()
    store.observe("ticket_create", 1.0, 0)
    store.trend_at("ticket_create", 0).record(5.0)
    assert store.trend_total("ticket_create").count == 1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.observe("errors", 1.0, 0), "errors is a rate metric, not a trend: use "
         "SeriesStore.hit() for it"),
        (lambda s: s.hit("routing_latency", 0, True), "routing_latency is a trend metric, not a "
         "rate: use SeriesStore.observe() for it"),
        (lambda s: s.add("errors", 0), "errors is a rate metric, not a counter"),
        (lambda s: s.trend_total("requests"), "requests is a counter metric, not a trend"),
        (lambda s: s.rate_at("requests", 0), "requests is a counter metric, not a rate"),
        (lambda s: s.counter_total("errors"), "errors is a rate metric, not a counter"),
    ],
    ids=["observe-rate", "hit-trend", "add-rate", "trend-of-counter", "rate-of-counter",
         "counter-of-rate"],
)  # fmt: skip
def test_recording_into_the_wrong_kind_is_a_type_error(call: Any, message: str) -> None:
    with pytest.raises(TypeError) as caught:
        call(SeriesStore())
    assert str(caught.value).startswith(message)


def test_unknown_metric_suggests_the_closest() -> None:
    with pytest.raises(ValueError, match=r"unknown metric 'erors'\. Did you mean 'errors'\?"):
        SeriesStore().hit("erors", 0, True)


def test_bad_values_are_refused_without_leaving_empty_entries() -> None:
    store = SeriesStore()
    with pytest.raises(ValueError, match="finite number of ms"):
        store.observe("routing_latency", -1.0, 0)
    with pytest.raises(ValueError, match="a counter only grows"):
        store.add("requests", 0, -1)
    assert store.seconds() == []
    assert store.to_dict() == {"v": 1, "t": {}, "r": {}, "c": {}}


def test_drain_ships_the_deltas_and_forgets_them() -> None:
    worker, master = SeriesStore(), SeriesStore()
    worker.observe("http_req_duration", 12.5, 0)
    worker.add("requests", 0)
    first = worker.drain()
    assert worker.seconds() == []
    worker.add("requests", 1, 2)
    second = worker.drain()
    assert worker.drain() == {"v": 1, "t": {}, "r": {}, "c": {}}
    for delta in (second, first):
        master.merge(json.loads(json.dumps(delta, allow_nan=False)))
    assert master.counter_total("requests") == 3
    assert master.trend_total("http_req_duration").max == 12.5


def test_to_dict_round_trip_through_json() -> None:
    store = SeriesStore()
    store.observe("ticket_create", 0.0, 5)
    store.observe("ticket_create", 250.0, 5)
    store.hit("unrouted", 7, True)
    store.add("tickets_created", 5, 0)  # an explicit zero is data
    data = json.loads(json.dumps(store.to_dict()))
    assert data["c"] == {"tickets_created": [[5, 0]]}
    assert data["r"] == {"unrouted": [[7, 1, 1]]}
    again = SeriesStore.from_dict(data)
    assert again == store
    assert again.has_data("tickets_created")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"v": 2}, "format version 2, expected 1"),
        ({"v": 1, "t": []}, "'t' must map metric names to rows"),
        ({"v": 1, "r": {"errors": [[0, 3, 2]]}}, "errors at second 0: 3 hits of 2"),
        ({"v": 1, "c": {"errors": [[0, 1]]}}, "errors is a rate metric, not a counter"),
        ({"v": 1, "c": {"nope": [[0, 1]]}}, "unknown metric 'nope'"),
        ({"v": 1, "t": {"routing_latency": [[0, {"n": 1}]]}}, "not a histogram dict"),
    ],
    ids=["version", "table-not-mapping", "hits-above-total", "wrong-kind", "unknown", "histogram"],
)
def test_from_dict_rejects_malformed_data(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=r"not a series dict|format version") as caught:
        SeriesStore.from_dict(data)
    assert message in str(caught.value)


def test_a_custom_catalog() -> None:
    catalog = {"sessions": MetricInfo("sessions", MetricKind.COUNTER, "Sessions", "会话数", "-")}
    store = SeriesStore(catalog)
    store.add("sessions", 0, 3)
    assert store.counter_total("sessions") == 3
    with pytest.raises(ValueError, match="unknown metric 'requests'"):
        store.add("requests", 0)


# -- merging deltas in any order equals recording everything in one store -----------------------

durations = st.one_of(st.floats(0.0, 1e7, allow_nan=False), st.sampled_from([0.0, 0.0004, 1.0]))
events = st.one_of(
    st.tuples(st.just("observe"), st.sampled_from(["ticket_create", "routing_latency"]), durations),
    st.tuples(st.just("hit"), st.sampled_from(["errors", "unrouted"]), st.booleans()),
    st.tuples(st.just("add"), st.sampled_from(["requests", "tickets_created"]), st.integers(0, 5)),
)
timed_events = st.lists(
    st.tuples(events, st.integers(0, 20), st.integers(0, 3), st.booleans()), max_size=200
)


def _apply(store: SeriesStore, event: tuple[str, str, Any], second: int) -> None:
    verb, metric, value = event
    if verb == "observe":
        store.observe(metric, value, second)
    elif verb == "hit":
        store.hit(metric, second, value)
    else:
        store.add(metric, second, value)


@settings(max_examples=200, deadline=None)
@given(timed_events, st.randoms(use_true_random=False))
def test_merging_drained_deltas_in_any_order_equals_one_store(
    timeline: list[tuple[tuple[str, str, Any], int, int, bool]], rng: random.Random
) -> None:
    reference = SeriesStore()
    workers = [SeriesStore() for _ in range(4)]
    deltas: list[dict[str, object]] = []
    for event, second, worker, drain_after in timeline:
        _apply(reference, event, second)
        _apply(workers[worker], event, second)
        if drain_after:
            deltas.append(workers[worker].drain())
    deltas += [worker.drain() for worker in workers]
    rng.shuffle(deltas)

    master = SeriesStore()
    for delta in deltas:
        master.merge(json.loads(json.dumps(delta, allow_nan=False)))

    assert master == reference
    for metric in ("ticket_create", "routing_latency"):
        assert master.trend_total(metric) == reference.trend_total(metric)
    assert master.rate_total("errors") == reference.rate_total("errors")
    assert master.counter_total("requests") == reference.counter_total("requests")


def test_merge_accepts_a_store_and_copies_its_histograms() -> None:
    source, target = SeriesStore(), SeriesStore()
    source.observe("routing_latency", 10.0, 0)
    target.merge(source)
    source.observe("routing_latency", 20.0, 0)
    assert target.trend_total("routing_latency") != source.trend_total("routing_latency")
    assert target.trend_total("routing_latency").count == 1
    assert isinstance(target.trend_total("routing_latency"), Histogram)
