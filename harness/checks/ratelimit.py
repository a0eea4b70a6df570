"""RATE: throttling is signalled (429/403 with Retry-After or the documented equivalent) and
the vendor recovers after the announced wait (C3)."""

from __future__ import annotations

import time

import pytest

from harness.checks.context import CheckContext
from harness.checks.registry import Severity, check
from harness.vendors.base import ApiRequest
from harness.vendors.capabilities import EXPORT


def _probe_request(ctx: CheckContext) -> ApiRequest:
    probe = ctx.contract.rate_limit.probe
    if probe == "export":
        return next(ctx.need(EXPORT).export_tickets(None, None, 1))
    if probe == "list":
        ctx.require("list")
        return next(ctx.adapter.list_tickets(None, 1))
    ref, _ = ctx.create(ctx.ticket("probe"))
    return next(ctx.adapter.get_ticket(ref))


@check(
    "RATE-001",
    Severity.MAJOR,
    en="Rate limits are signalled and recovered from",
    zh="限流有明确信号（429 + Retry-After）且可恢复",
)
def throttling_signalled(ctx: CheckContext) -> None:
    """Past the documented limit the vendor answers 429 (or its documented status) with
    Retry-After (or its documented header), and answers normally after that wait."""
    limits = ctx.contract.rate_limit
    request = _probe_request(ctx)
    started = time.monotonic()
    throttled = None
    sent = 0
    while sent < limits.budget:
        sent += 1
        response = ctx.client.send_once(request)
        if response.status in limits.status_codes:
            throttled = response
            break
    if throttled is None:
        pytest.skip(
            f"no throttling within {limits.budget} requests of {request.name}; "
            "raise rate_limit.budget in the contract to prove the limit"
        )
    ctx.measure("requests_until_throttled", sent)
    ctx.measure("seconds_until_throttled", round(time.monotonic() - started, 3))
    record = f"request {request.name} (throttled after {sent} requests)"
    header = next((h for h in limits.retry_after_headers if h.lower() in throttled.headers), None)
    wait = 1.0
    if header is None:
        ctx.mismatch(
            record,
            "Retry-After header",
            f"one of: {', '.join(limits.retry_after_headers)}",
            f"HTTP {throttled.status} without it",
            (request,),
        )
    else:
        try:
            wait = float(throttled.headers[header.lower()])
        except ValueError:
            ctx.mismatch(
                record, header, "seconds to wait", throttled.headers[header.lower()], (request,)
            )
        ctx.measure("retry_after_s", wait)
    time.sleep(min(max(wait, 0.0), limits.max_wait_s))
    again = ctx.client.send_once(request)
    if again.status >= 400:
        ctx.mismatch(
            record,
            "recovery",
            f"a normal answer after waiting {wait:g} s",
            f"HTTP {again.status}",
            (request,),
        )
