"""Long-poll plumbing: a handler parks on a :class:`Waiters` until something arrives or its
``wait`` runs out; an :class:`Inbox` is an agent's event log with an absolute cursor.

One future and one timer per parked request, no task: 2,000 sessions and their agents
long-polling at once cost a few MB and almost no CPU while idle.
"""

from __future__ import annotations

import asyncio
from typing import Any

__all__ = ["MAX_WAIT_S", "Inbox", "Waiters", "parse_after", "parse_wait"]

MAX_WAIT_S = 30.0


def _expire(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class Waiters:
    """Requests parked until :meth:`wake` (or their own timeout)."""

    __slots__ = ("_futures",)

    def __init__(self) -> None:
        self._futures: list[asyncio.Future[None]] = []

    def __len__(self) -> int:
        return len(self._futures)

    async def wait(self, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        timer = loop.call_later(timeout, _expire, future)
        self._futures.append(future)
        try:
            await future
        finally:
            timer.cancel()
            if not future.done():
                future.cancel()
            try:
                self._futures.remove(future)
            except ValueError:
                pass  # wake() already took it

    def wake(self) -> None:
        futures, self._futures = self._futures, []
        for future in futures:
            if not future.done():
                future.set_result(None)


class Inbox:
    """Events with absolute positions; a read after position N acknowledges (drops) what
    came before N, so an agent's inbox holds only what it has not confirmed yet."""

    __slots__ = ("_base", "_events", "waiters")

    def __init__(self) -> None:
        self._base = 0
        self._events: list[dict[str, Any]] = []
        self.waiters = Waiters()

    @property
    def end(self) -> int:
        return self._base + len(self._events)

    def push(self, event: dict[str, Any]) -> None:
        self._events.append(event)
        self.waiters.wake()

    def after(self, position: int) -> list[dict[str, Any]]:
        """Events at ``position`` and later; everything before it is acknowledged."""
        position = max(self._base, min(position, self.end))
        if position > self._base:
            del self._events[: position - self._base]
            self._base = position
        return list(self._events)


def parse_wait(raw: str | None) -> float:
    """The ``wait`` query parameter in seconds, clamped to ``[0, MAX_WAIT_S]``; ValueError."""
    if raw is None or raw == "":
        return 0.0
    value = float(raw)
    if value != value:  # NaN
        raise ValueError("not a number")
    return max(0.0, min(value, MAX_WAIT_S))


def parse_after(raw: str | None) -> int:
    """The ``after`` cursor: a non-negative integer position; ValueError otherwise."""
    if raw is None or raw == "":
        return 0
    if not raw.isdigit():
        raise ValueError("not a cursor returned by this server")
    return int(raw)
