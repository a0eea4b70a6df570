"""Bounded backoff: Retry-After honoured (capped), exponential with jitter without it, total
wait bounded, and throttled answers counted apart from broken ones."""

from __future__ import annotations

import random

from harness.transport.backoff import Backoff, CallCounts, with_backoff
from harness.vendors.base import ApiRequest, ApiResponse, classify_status

REQUEST = ApiRequest("POST", "/tickets", "POST /tickets")


def _script(*statuses: tuple[int, dict[str, str]]):  # type: ignore[no-untyped-def]
    answers = iter(statuses)

    def send(request: ApiRequest) -> ApiResponse:
        status, headers = next(answers)
        return ApiResponse(status, headers, b"{}")

    return send


def test_retry_after_is_honoured_and_capped() -> None:
    waits: list[float] = []
    counts = CallCounts()
    send = with_backoff(
        _script((429, {"retry-after": "2"}), (429, {"retry-after": "600"}), (201, {})),
        classify_status, Backoff(max_retries=3, cap_s=10, max_wait_s=30), counts, waits.append,
    )  # fmt: skip
    assert send(REQUEST).status == 201
    assert waits == [2.0, 10.0]
    assert (counts.throttled, counts.broken, counts.retries, counts.outcomes["ok"]) == (2, 0, 2, 1)


def test_without_retry_after_full_jitter_grows_exponentially() -> None:
    policy = Backoff(base_s=0.5, cap_s=100)
    rng = random.Random(1)
    bounds = [policy.base_s * 2**i for i in range(5)]
    delays = [policy.delay(i + 1, None, rng) for i in range(5)]
    assert all(0 <= d <= b for d, b in zip(delays, bounds, strict=True))


def test_total_wait_is_bounded_and_the_last_answer_is_returned() -> None:
    waits: list[float] = []
    send = with_backoff(
        _script(*[(429, {"retry-after": "8"})] * 10),
        classify_status, Backoff(max_retries=9, cap_s=10, max_wait_s=20), None, waits.append,
    )  # fmt: skip
    assert send(REQUEST).status == 429
    assert sum(waits) <= 20 and waits == [8.0, 8.0]


def test_broken_answers_are_not_retried() -> None:
    waits: list[float] = []
    counts = CallCounts()
    send = with_backoff(_script((500, {})), classify_status, Backoff(), counts, waits.append)
    assert send(REQUEST).status == 500
    assert waits == [] and (counts.throttled, counts.broken) == (0, 1)
