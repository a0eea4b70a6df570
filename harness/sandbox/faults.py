"""Seeded vendor faults, injected and counted by the sandbox itself.

A profile's ``faults`` field is a spec string, ``"timeout=0.02,reset=0.02,burst_5xx=0.01"``:
each ``name=value`` sets one knob of :class:`FaultPlan`. Rates are probabilities per ``/api``
request (webhook knobs: per delivery). One :class:`FaultInjector` per sandbox draws every
decision from ``random.Random(seed)`` in arrival order and counts each fault it injects, by
class, in ``/_sandbox/truth`` (``faults.injected``), so a test can compare what was injected
with what the harness counted. ``faults.expected`` names the failure class a client should
see for each fault (``slow_body`` is a success, only slow).

Setup calls (``/api/v1/webhooks``) are spared, so a run always starts and ends cleanly.
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import struct
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from harness.sandbox.faultplan import EXPECTED_CLASS, FaultPlan

__all__ = ["FaultInjector", "fault_middleware"]

_SPARED_PREFIX = "/api/v1/webhooks"
_NOISE_EVENT = "ticket.viewed"


class FaultInjector:
    """Decides, injects and counts. Lives in the sandbox's event loop."""

    def __init__(self, plan: FaultPlan, seed: int) -> None:
        self.plan = plan
        self.seed = seed
        self._random = random.Random(seed * 7919 + 1)  # HTTP faults, in request order
        self._wh_random = random.Random(seed * 7919 + 2)  # webhook faults, in delivery order
        self._burst_left = 0
        self._storm_left = 0
        self.injected: dict[str, int] = dict.fromkeys(EXPECTED_CLASS, 0)
        self.webhooks: dict[str, int] = {
            "duplicates_sent": 0,
            "duplicates_delivered": 0,
            "flood_sent": 0,
            "flood_delivered": 0,
            "unsigned_sent": 0,
            "unsigned_refused": 0,
        }
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._seq = 0

    # -- HTTP faults --------------------------------------------------------------------------
    def decide(self, path: str, method: str = "GET") -> str | None:
        """The fault for one request, or None. Bursts and storms hold for their length."""
        if not self.plan.active or not path.startswith("/api/") or path.startswith(_SPARED_PREFIX):
            return None
        plan, draw = self.plan, self._random.random
        creates = method == "POST" and path.rstrip("/").endswith(("/tickets", "/ticket"))
        if plan.create_5xx and creates and draw() < plan.create_5xx:
            return "create_5xx"
        if self._storm_left:
            self._storm_left -= 1
            return "throttled"
        if self._burst_left:
            self._burst_left -= 1
            return "server_error"
        if plan.storm_429 and draw() < plan.storm_429:
            self._storm_left = plan.storm_len - 1
            return "throttled"
        if plan.burst_5xx and draw() < plan.burst_5xx:
            self._burst_left = plan.burst_len - 1
            return "server_error"
        for name in (
            "timeout",
            "reset",
            "lost_answer",
            "malformed",
            "truncated",
            "content_type",
            "slow_body",
        ):
            rate = getattr(plan, name)
            if rate and draw() < rate:
                return name
        return None

    async def apply(self, fault: str, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.injected[fault] += 1
        if fault == "throttled":
            return _error(429, "rate_limited", "fault: 429 storm", {"Retry-After": "1"})
        if fault == "create_5xx":
            return _error(500, "internal", "fault: the ticket could not be created")
        if fault == "server_error":
            status = 503 if self.injected[fault] % 2 else 500
            return _error(status, "unavailable", "fault: the service is unavailable")
        if fault == "timeout":
            await asyncio.sleep(self.plan.hold_s)
            return _error(504, "timeout", "fault: held past the client's timeout")
        if fault == "reset":
            _reset(request)
            raise _ConnectionReset
        response = await handler(request)
        if fault == "lost_answer":  # committed, but the client never reads the answer
            _reset(request)
            raise _ConnectionReset
        body = response.body if isinstance(response, web.Response) else None
        if not isinstance(body, bytes):
            return response
        if fault == "malformed":
            return _raw(200, b'{"ticket":"not an object","items":[1,2,3]}', "application/json")
        if fault == "truncated":
            return _raw(response.status, body[: max(1, len(body) // 2)], "application/json")
        if fault == "content_type":
            page = b"<html><body><h1>Service temporarily unavailable</h1></body></html>"
            return _raw(200, page, "text/html")
        return await _trickle(request, response.status, body, self.plan.slow_s)

    # -- webhook faults -----------------------------------------------------------------------
    async def start(self) -> None:
        if self.plan.webhooks_active:
            timeout = aiohttp.ClientTimeout(total=5.0)
            self._session = aiohttp.ClientSession(timeout=timeout)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    def after_delivery(
        self, url: str, secret: bytes, event_id: str, body: bytes, sign: Callable[..., str]
    ) -> None:
        """Called by the dispatcher after each delivered event: maybe inject extra deliveries."""
        if self._session is None:
            return
        plan, draw = self.plan, self._wh_random.random
        if plan.wh_duplicate and draw() < plan.wh_duplicate:
            self.webhooks["duplicates_sent"] += 1
            self._spawn(self._post(url, secret, event_id, body, sign, "duplicates_delivered"))
        if plan.wh_unsigned and draw() < plan.wh_unsigned:
            self.webhooks["unsigned_sent"] += 1
            self._spawn(self._post(url, None, event_id, body, sign, "unsigned_refused"))
        if plan.wh_flood and draw() < plan.wh_flood:
            for _ in range(plan.flood_size):
                self._seq += 1
                noise_id = f"F{self._seq:08d}"
                noise = {"id": noise_id, "type": _NOISE_EVENT, "created_at": time.time()}
                noise_body = json.dumps({**noise, "data": {}}, separators=(",", ":")).encode()
                self.webhooks["flood_sent"] += 1
                self._spawn(self._post(url, secret, noise_id, noise_body, sign, "flood_delivered"))

    def _spawn(self, work: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _post(
        self,
        url: str,
        secret: bytes | None,
        event_id: str,
        body: bytes,
        sign: Callable[..., str],
        counter: str,
    ) -> None:
        assert self._session is not None
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Sandbox-Event-Id": event_id,
            "X-Sandbox-Timestamp": timestamp,
        }
        if secret is not None:
            headers["X-Sandbox-Signature"] = sign(secret, timestamp, body)
        try:
            async with self._session.post(url, data=body, headers=headers) as resp:
                await resp.read()
                ok = 200 <= resp.status < 300
        except (aiohttp.ClientError, TimeoutError, OSError):
            return
        if ok == (secret is not None):  # signed copies count when accepted, forged when refused
            self.webhooks[counter] += 1

    def truth(self) -> dict[str, Any]:
        return {
            "spec": self.plan.to_dict(),
            "seed": self.seed,
            "injected": dict(self.injected),
            "expected": dict(EXPECTED_CLASS),
            "webhooks": dict(self.webhooks),
        }


class _ConnectionReset(Exception):
    """Raised after the socket was reset, so aiohttp writes nothing more."""


def fault_middleware(injector: FaultInjector) -> Middleware:
    """Runs inside the gate (after auth and rate limits): injects the drawn fault, if any."""

    @web.middleware
    async def faults(request: web.Request, handler: Handler) -> web.StreamResponse:
        fault = injector.decide(request.path, request.method)
        if fault is None:
            return await handler(request)
        try:
            return await injector.apply(fault, request, handler)
        except _ConnectionReset:
            # aiohttp answers nothing on a closed transport; this response is never sent
            return web.Response(status=499)

    return faults


def _error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> web.Response:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    return web.Response(body=body, status=status, headers=headers, content_type="application/json")


def _raw(status: int, body: bytes, content_type: str) -> web.Response:
    return web.Response(body=body, status=status, content_type=content_type)


def _reset(request: web.Request) -> None:
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        try:  # linger 0: close() sends a RST instead of a FIN
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    transport.abort()


async def _trickle(
    request: web.Request, status: int, body: bytes, over_s: float
) -> web.StreamResponse:
    response = web.StreamResponse(status=status)
    response.content_type = "application/json"
    response.content_length = len(body)
    await response.prepare(request)
    pieces = 4
    step = max(1, -(-len(body) // pieces))
    for start in range(0, len(body), step):
        await response.write(body[start : start + step])
        await asyncio.sleep(over_s / pieces)
    await response.write_eof()
    return response
