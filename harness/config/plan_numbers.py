"""The two numbers a scenario shows before it runs: arrival rate and concurrency.

By Little's law, concurrency L = arrival rate x time in the system. For chat sessions the time is
the conversation's expected length, so time compression multiplies concurrency, not just the
rate (5,000 tickets a day with 8-minute sessions is about 27 at once; 2,000 at once needs about
250 new sessions a minute). For tickets the time in the system is the vendor's routing and
handling time, which the run measures: the plan can show the rate only.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.config.conversation import Conversation
from harness.config.shapes import LoadShape, Replay, Sessions

__all__ = ["PlanNumbers", "plan_numbers"]


@dataclass(frozen=True, slots=True)
class PlanNumbers:
    kind: str
    opens: str  # "tickets" or "sessions"
    duration_s: float
    peak_rate_per_s: float | None  # None: known only from the schedule file (replay)
    mean_rate_per_s: float | None
    session_length_s: float | None  # chat sessions only
    peak_concurrency: float | None  # chat sessions only

    def lines(self) -> list[str]:
        """Plain-English lines for ``--explain`` (the CLI translates its own output)."""
        out = [f"load: {self.kind}, {self.duration_s:g} s, opens {self.opens}"]
        if self.peak_rate_per_s is None or self.mean_rate_per_s is None:
            out.append("arrival rate: from the schedule file (replay)")
        else:
            out.append(
                f"arrival rate: mean {self.mean_rate_per_s:.3g}/s "
                f"({self.mean_rate_per_s * 60:.3g}/min), peak {self.peak_rate_per_s:.3g}/s"
            )
        if self.session_length_s is not None and self.peak_concurrency is not None:
            out.append(
                f"concurrency (Little's law): {self.peak_concurrency:.0f} sessions at peak "
                f"= rate x {self.session_length_s:g} s expected session length"
            )
        elif self.opens == "tickets":
            out.append("concurrency: rate x the vendor's time to route and handle (measured)")
        return out


def plan_numbers(load: LoadShape, conversation: Conversation) -> PlanNumbers:
    length = conversation.expected_length()
    if isinstance(load, Sessions):
        rate = load.sessions / length if length > 0 else None
        return PlanNumbers(
            load.kind, "sessions", load.total_duration, rate, rate, length, float(load.sessions)
        )
    if isinstance(load, Replay):
        sessions = load.opens == "sessions"
        return PlanNumbers(
            load.kind,
            load.opens,
            load.total_duration,
            None,
            None,
            length if sessions else None,
            None,
        )
    peak = load.peak_rate
    mean = load.expected_arrivals / load.total_duration
    if load.opens == "sessions":
        return PlanNumbers(
            load.kind, "sessions", load.total_duration, peak, mean, length, peak * length
        )
    return PlanNumbers(load.kind, "tickets", load.total_duration, peak, mean, None, None)
