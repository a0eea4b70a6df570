"""Signed webhook deliveries from a bounded pool of sender tasks, with retries.

Each event is POSTed to every registered URL with ``X-Sandbox-Signature:
sha256=<hex HMAC-SHA256(secret, f"{timestamp}.".encode() + body)>``. Routing only enqueues
(never awaits), so a slow receiver cannot slow assignments down; a failed attempt is re-queued
after a backoff timer, so it does not hold a sender either.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

__all__ = ["BACKOFF_S", "MAX_ATTEMPTS", "Webhook", "WebhookDispatcher", "sign"]

MAX_ATTEMPTS = 3
BACKOFF_S = (0.2, 0.5, 1.0)  # wait before attempt 2, 3 (and 4, if MAX_ATTEMPTS is raised)


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """The ``X-Sandbox-Signature`` header value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


@dataclass(frozen=True, slots=True)
class Webhook:
    id: str
    url: str
    secret: bytes


@dataclass(frozen=True, slots=True)
class _Job:
    hook: Webhook
    event_id: str
    body: bytes
    attempt: int = 1


class WebhookDispatcher:
    """Registry of webhooks and the sender pool; counts delivered, failed and retried."""

    def __init__(self, senders: int = 8, timeout_s: float = 5.0, signed: bool = True) -> None:
        self.hooks: dict[str, Webhook] = {}
        self.signed = signed  # False only with the unsigned_webhooks defect
        self.delivered = 0
        self.failed = 0
        self.retried = 0
        self._senders = senders
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._jobs: asyncio.Queue[_Job] = asyncio.Queue()
        self._timers: set[asyncio.TimerHandle] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self._session: aiohttp.ClientSession | None = None
        self._hook_seq = 0
        self._event_seq = 0
        # Fault injection (harness/sandbox/faults.py): called after each delivered event.
        self.after_delivery: Callable[[str, bytes, str, bytes, Callable[..., str]], None] | None
        self.after_delivery = None

    def counts(self) -> dict[str, int]:
        return {"delivered": self.delivered, "failed": self.failed, "retried": self.retried}

    # lifecycle -----------------------------------------------------------------------------
    async def start(self) -> None:
        connector = aiohttp.TCPConnector(limit=self._senders)
        self._session = aiohttp.ClientSession(connector=connector, timeout=self._timeout)
        self._tasks = [
            asyncio.create_task(self._send_loop(), name=f"webhook-{n}")
            for n in range(self._senders)
        ]

    async def close(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self._session is not None:
            await self._session.close()
            self._session = None

    # registry and events -------------------------------------------------------------------
    def register(self, url: str, secret: str) -> Webhook:
        self._hook_seq += 1
        hook = Webhook(f"W{self._hook_seq:04d}", url, secret.encode())
        self.hooks[hook.id] = hook
        return hook

    def unregister(self, hook_id: str) -> bool:
        return self.hooks.pop(hook_id, None) is not None

    def emit(self, event_type: str, data: dict[str, Any]) -> None:
        """Queue one event for every registered webhook; returns at once."""
        if not self.hooks:
            return
        self._event_seq += 1
        event_id = f"E{self._event_seq:08d}"
        event = {"id": event_id, "type": event_type, "created_at": time.time(), "data": data}
        body = json.dumps(event, separators=(",", ":")).encode()
        for hook in self.hooks.values():
            self._jobs.put_nowait(_Job(hook, event_id, body))

    # delivery ------------------------------------------------------------------------------
    async def _send_loop(self) -> None:
        while True:
            job = await self._jobs.get()
            if job.hook.id not in self.hooks:
                continue  # unregistered since the event was queued
            if await self._attempt(job):
                self.delivered += 1
                if self.after_delivery is not None:
                    self.after_delivery(job.hook.url, job.hook.secret, job.event_id, job.body, sign)
            elif job.attempt < MAX_ATTEMPTS:
                self.retried += 1
                retry = _Job(job.hook, job.event_id, job.body, job.attempt + 1)
                self._schedule(BACKOFF_S[job.attempt - 1], retry)
            else:
                self.failed += 1

    def _schedule(self, delay: float, job: _Job) -> None:
        def fire() -> None:
            self._timers.discard(timer)
            self._jobs.put_nowait(job)

        timer = asyncio.get_running_loop().call_later(delay, fire)
        self._timers.add(timer)

    async def _attempt(self, job: _Job) -> bool:
        assert self._session is not None, "WebhookDispatcher.start() was not awaited"
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Sandbox-Event-Id": job.event_id,
            "X-Sandbox-Timestamp": timestamp,
            "X-Sandbox-Signature": sign(job.hook.secret, timestamp, job.body),
        }
        if not self.signed:
            del headers["X-Sandbox-Signature"]
        try:
            async with self._session.post(job.hook.url, data=job.body, headers=headers) as resp:
                await resp.read()  # drain, so the connection goes back to the pool
                return 200 <= resp.status < 300
        except (aiohttp.ClientError, TimeoutError, OSError):
            return False
