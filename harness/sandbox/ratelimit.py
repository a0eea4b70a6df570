"""Token-bucket rate limiting per bearer token (``rate_limit_rps``, ``rate_limit_burst``)."""

from __future__ import annotations

import math
import time

__all__ = ["RateLimiter", "TokenBucket"]


class TokenBucket:
    """Holds up to ``burst`` tokens, refilled at ``rate`` per second; one request costs one."""

    __slots__ = ("_burst", "_rate", "_stamp", "_tokens")

    def __init__(self, rate: float, burst: int) -> None:
        self._rate = rate
        self._burst = float(max(burst, 1))
        self._tokens = self._burst
        self._stamp = time.monotonic()

    def take(self) -> int:
        """0 if a token was taken, else the whole seconds to wait (ceil, at least 1)."""
        now = time.monotonic()
        tokens = min(self._burst, self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now
        if tokens >= 1.0:
            self._tokens = tokens - 1.0
            return 0
        self._tokens = tokens
        return max(1, math.ceil((1.0 - tokens) / self._rate))


class RateLimiter:
    """One bucket per key (the bearer token); unlimited when ``rate`` is 0."""

    __slots__ = ("_buckets", "_burst", "_rate")

    def __init__(self, rate: float, burst: int) -> None:
        self._rate = rate
        self._burst = burst if burst > 0 else max(1, math.ceil(rate))
        self._buckets: dict[str, TokenBucket] = {}

    @property
    def enabled(self) -> bool:
        return self._rate > 0

    def check(self, key: str) -> int:
        """0 if the request may proceed, else the ``Retry-After`` seconds."""
        if self._rate <= 0:
            return 0
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(self._rate, self._burst)
        return bucket.take()
