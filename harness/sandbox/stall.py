"""A stalled vendor on demand: ``POST /_sandbox/pause {"seconds": 2}`` holds every ``/api``
request, and every routing decision, until the pause ends.

Requests already inside a handler finish; new ones wait at the gate. Tests use it to check that
open-model measurement shows a stall (latency counts from each arrival's intended start) and that
arrivals held up behind it are counted late, as a real vendor's outage would be.
"""

from __future__ import annotations

import asyncio
import time

__all__ = ["MAX_PAUSE_S", "Stall"]

MAX_PAUSE_S = 60.0


class Stall:
    """Open unless paused; a new pause while paused extends it to the later end."""

    def __init__(self) -> None:
        self._open = asyncio.Event()
        self._open.set()
        self._until = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self.pauses = 0

    @property
    def paused(self) -> bool:
        return not self._open.is_set()

    @property
    def until(self) -> float:
        """Unix seconds when the current pause ends (0.0 when open)."""
        return self._until if self.paused else 0.0

    def pause(self, seconds: float) -> float:
        """Start (or extend) a pause; returns when it ends, in Unix seconds."""
        end = time.time() + seconds
        if self.paused and end <= self._until:
            return self._until
        self.pauses += 1
        self._until = end
        self._open.clear()
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(seconds, self._resume)
        return end

    def _resume(self) -> None:
        self._timer = None
        self._open.set()

    async def wait(self) -> None:
        """Return at once when open; otherwise when the pause ends."""
        if not self._open.is_set():
            await self._open.wait()
