"""The vendor's clock against ours, from the ``Date`` header of its answers (NTP-style).

A response sent at local ``t0`` and received at ``t1`` with ``Date: D`` (whole seconds) says the
vendor's clock read some instant of ``[D, D + 1)`` while ours read some instant of
``[t0, t1]``. So the offset ``vendor - local`` lies in ``(D - t1, D + 1 - t0)``. Each answer
gives such an interval; their intersection is the estimate's bound, and it narrows to about one
round trip as answers straddle the vendor's second boundaries. The estimate is the bound's
midpoint. Intervals that do not overlap (a vendor clock that stepped, a proxy's Date) make the
estimate fall back to the round-trip-weighted NTP average with a wide bound: never a false
precision.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parsedate_to_datetime

__all__ = ["ClockEstimate", "ClockSampler", "merge_estimates"]


@dataclass(frozen=True, slots=True)
class ClockEstimate:
    offset_s: float  # vendor clock minus local clock
    bound_s: float  # the true offset lies within offset_s +/- bound_s
    samples: int
    min_rtt_s: float

    def to_dict(self) -> dict[str, float | int]:
        return {
            "offset_ms": round(self.offset_s * 1000.0, 3),
            "bound_ms": round(self.bound_s * 1000.0, 3),
            "samples": self.samples,
            "min_rtt_ms": round(self.min_rtt_s * 1000.0, 3),
        }


class ClockSampler:
    """Keeps the running intersection of every answer's offset interval (O(1) per answer)."""

    def __init__(self) -> None:
        self.samples = 0
        self._low = float("-inf")
        self._high = float("inf")
        self._min_rtt = float("inf")
        self._best_mid = 0.0  # NTP midpoint of the answer with the shortest round trip
        self._disagree = False

    def add(self, sent_at: float, received_at: float, date_header: str | None) -> None:
        vendor = _parse_date(date_header)
        if vendor is None or received_at < sent_at:
            return
        self.samples += 1
        low, high = vendor - received_at, vendor + 1.0 - sent_at
        rtt = received_at - sent_at
        if rtt < self._min_rtt:
            self._min_rtt = rtt
            self._best_mid = vendor + 0.5 - (sent_at + received_at) / 2.0
        new_low, new_high = max(self._low, low), min(self._high, high)
        if new_low > new_high:
            self._disagree = True
            return
        self._low, self._high = new_low, new_high

    def estimate(self) -> ClockEstimate | None:
        if not self.samples:
            return None
        if self._disagree:
            bound = 0.5 + self._min_rtt / 2.0
            return ClockEstimate(self._best_mid, bound, self.samples, self._min_rtt)
        mid = (self._low + self._high) / 2.0
        return ClockEstimate(mid, (self._high - self._low) / 2.0, self.samples, self._min_rtt)


def merge_estimates(estimates: list[ClockEstimate]) -> ClockEstimate | None:
    """Several processes' estimates of the same vendor clock: the tightest one."""
    return min(estimates, key=lambda e: e.bound_s) if estimates else None


def _parse_date(header: str | None) -> float | None:
    if not header:
        return None
    text, parsed = _last_date[0]
    if header == text:  # a Date header changes once a second: parse each string once
        return parsed
    try:
        value: float | None = parsedate_to_datetime(header).timestamp()
    except (TypeError, ValueError, IndexError):
        value = None
    _last_date[0] = (header, value)
    return value


_last_date: list[tuple[str, float | None]] = [("", None)]
