"""Bounded backoff on quota answers, counted apart from failures.

A vendor says "slow down" with 429 + ``Retry-After`` (Zendesk, Freshdesk), 429 without it
(Zendesk's per-user limiter), or 403 + a body code and no header (Salesforce
``REQUEST_LIMIT_EXCEEDED``). The adapter's classifier decides what is a quota answer (kind
``throttled``); this module decides how long to wait: the vendor's ``Retry-After`` when given
(capped), else exponential backoff with full jitter. Retries and the total wait are bounded, so
a vendor that never recovers costs at most ``max_wait_s`` per call; after that the throttled
answer reaches the adapter, which raises it as ``FailureKind.THROTTLED``: "throttled", never
"broken". Every executor re-signs on each attempt, so timestamps and nonces are fresh.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from harness.transport.base import Send
from harness.vendors.base import ApiRequest, ApiResponse, FailureKind
from harness.vendors.common import Classifier

__all__ = ["Backoff", "CallCounts", "with_backoff"]


@dataclass(frozen=True, slots=True)
class Backoff:
    max_retries: int = 3
    base_s: float = 0.5
    cap_s: float = 10.0  # no single wait is longer, whatever Retry-After says
    max_wait_s: float = 30.0  # total waiting per call

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds before retry number ``attempt`` (1-based)."""
        if retry_after is not None:
            return min(self.cap_s, retry_after)
        return rng.uniform(0.0, min(self.cap_s, self.base_s * 2 ** (attempt - 1)))


@dataclass(slots=True)
class CallCounts:
    """What an executor saw: answers by outcome, retries and time spent waiting."""

    outcomes: Counter[str] = field(default_factory=Counter)  # "ok", "throttled", "client", ...
    retries: int = 0
    waited_s: float = 0.0

    @property
    def throttled(self) -> int:
        return self.outcomes[FailureKind.THROTTLED.value]

    @property
    def broken(self) -> int:
        """Failures that are not quota answers."""
        return sum(n for kind, n in self.outcomes.items() if kind not in ("ok", "throttled"))


def with_backoff(
    send: Send,
    classify: Classifier,
    policy: Backoff,
    counts: CallCounts | None = None,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> Send:
    """``send`` that waits and resends on quota answers, within ``policy``'s bounds."""
    chooser = rng or random.Random()
    tally = counts if counts is not None else CallCounts()

    def send_with_backoff(request: ApiRequest) -> ApiResponse:
        waited = 0.0
        attempt = 0
        while True:
            response = send(request)
            failure = classify(request, response)
            kind = "ok" if failure is None else failure.kind.value
            tally.outcomes[kind] += 1
            if failure is None or failure.kind is not FailureKind.THROTTLED:
                return response
            attempt += 1
            if attempt > policy.max_retries:
                return response
            delay = policy.delay(attempt, failure.retry_after, chooser)
            if waited + delay > policy.max_wait_s:
                return response
            sleep(delay)
            waited += delay
            tally.retries += 1
            tally.waited_s += delay

    return send_with_backoff
