"""Replay protection for the webhook receiver: a timestamp window and a delivery-id memory.

A vendor that signs its deliveries also dates them (the signature covers the timestamp), so a
captured delivery replayed later is refused once it is older than ``window_s``; within the
window, a delivery id seen before is a duplicate (a vendor retry or a replay) and is
acknowledged without being counted twice. Ids are forgotten after the window (memory stays
bounded by ``max_ids`` too), which is safe because an older delivery fails the window check.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Literal

__all__ = ["DEFAULT_WINDOW_S", "ReplayGuard", "Verdict"]

DEFAULT_WINDOW_S = 300.0  # as Stripe and Slack: five minutes either way
Verdict = Literal["new", "duplicate", "stale"]


class ReplayGuard:
    def __init__(self, window_s: float = DEFAULT_WINDOW_S, max_ids: int = 200_000) -> None:
        self.window_s = window_s
        self.max_ids = max_ids
        self._seen: OrderedDict[str, float] = OrderedDict()

    def check(self, delivery_id: str, sent_at: float | None, now: float | None = None) -> Verdict:
        """``stale`` outside the window, ``duplicate`` for an id seen in it, else ``new``."""
        now = time.time() if now is None else now
        if sent_at is not None and abs(now - sent_at) > self.window_s:
            return "stale"
        self._forget(now)
        if delivery_id in self._seen:
            return "duplicate"
        self._seen[delivery_id] = now
        return "new"

    def _forget(self, now: float) -> None:
        seen = self._seen
        horizon = now - self.window_s
        while seen and (len(seen) > self.max_ids or next(iter(seen.values())) < horizon):
            seen.popitem(last=False)
