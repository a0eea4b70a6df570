"""What one sessions-breakpoint step did, from the harness's own session records and gauges.

Only what the harness measured counts, never the vendor's figures. The window is the step's
hold after its warm-up, ``[first open + ramp + warm_up, first open + ramp + hold]``, cut to the
seconds the run has data for:

- served concurrency: the mean number of sessions routed (the customer saw an agent) and not
  yet closed, integrated exactly over the window from the per-session records. A vendor that
  accepts a session but never routes it does not serve it, however long it stays "open";
- open concurrency: the harness's ``sessions_open`` gauge (sessions it holds open), the
  generator's side of the same question: it holds what was asked, or the step is unreliable;
- message throughput: agent replies the customers received per second, and customer messages
  sent per second (offered), over the whole seconds of the window.

The result is a :class:`~harness.analysis.step_measure.StepMeasure` so the search, the USL fit
and the page treat both searches alike: offered and throughput are messages per second, and
concurrency is the served sessions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.analysis.session_growth import judge_growth
from harness.analysis.step_measure import StepMeasure
from harness.analysis.verdicts import ThresholdResult
from harness.config.breakpoint import format_percent
from harness.config.breakpoint_sessions import SessionsBreakpoint

if TYPE_CHECKING:
    from harness.analysis.breakpoint import SloVerdict

__all__ = [
    "CONCURRENCY",
    "GROWTH",
    "SessionWindow",
    "judge_sessions",
    "measure_sessions",
    "session_window",
]

CONCURRENCY = "served_sessions"  # the built-in criteria's names in verdict lists
GROWTH = "message_growth"


@dataclass(frozen=True, slots=True)
class SessionWindow:
    t0: float
    t1: float
    open_mean: float  # the harness's own gauge over the window


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def session_window(
    rows: Sequence[Mapping[str, Any]],
    gauge: Mapping[int, int],
    *,
    sessions: float,
    ramp_per_s: float,
    warm_up: float,
    hold: float,
) -> SessionWindow | None:
    """The measuring window of a step; None when no session was opened."""
    opened = [t for r in rows if (t := _num(r.get("opened_at"))) is not None]
    if not opened:
        return None
    first = min(opened)
    t0 = first + sessions / ramp_per_s + warm_up
    t1 = first + sessions / ramp_per_s + hold
    if gauge:
        t1 = min(t1, float(max(gauge)))  # the last whole second sampled
    if t1 <= t0:
        return None
    seconds = [s for s in gauge if t0 <= s < t1]
    open_mean = sum(gauge[s] for s in seconds) / len(seconds) if seconds else 0.0
    return SessionWindow(t0, t1, open_mean)


def measure_sessions(
    rows: Iterable[Mapping[str, Any]],
    window: SessionWindow,
    received: Mapping[int, int],
    sent: Mapping[int, int],
) -> StepMeasure:
    """Served concurrency and message rates over ``window``."""
    t0, t1 = window.t0, window.t1
    served = 0.0
    opened = routed = 0
    for row in rows:
        start = _num(row.get("opened_at"))
        routing_ms = _num(row.get("routing_ms"))
        if start is None:
            continue
        if t0 <= start <= t1:
            opened += 1
        if routing_ms is None:
            continue
        routed_at = start + routing_ms / 1000.0
        if t0 <= routed_at <= t1:
            routed += 1
        end = _num(row.get("closed_at"))
        served += max(0.0, min(end if end is not None else math.inf, t1) - max(routed_at, t0))
    whole = list(range(math.ceil(t0), math.floor(t1)))
    span = float(len(whole)) or 1.0
    return StepMeasure(
        window_s=t1 - t0,
        arrived=opened,
        routed=routed,
        offered_per_s=sum(sent.get(s, 0) for s in whole) / span,
        throughput_per_s=sum(received.get(s, 0) for s in whole) / span,
        concurrency=served / (t1 - t0),
        mean_time_in_system_s=None,
    )


def judge_sessions(
    spec: SessionsBreakpoint,
    sessions: float,
    results: Iterable[ThresholdResult],
    measure: StepMeasure,
    references: Sequence[tuple[float, StepMeasure]],
) -> list[SloVerdict]:
    """The step's SLO results, then served concurrency against the target, then message
    throughput growth over the good steps below (``references``: sessions, measure; see
    :mod:`harness.analysis.session_growth`)."""
    from harness.analysis.breakpoint import SloVerdict

    verdicts = [SloVerdict(r.metric, r.source, r.ok, r.measured, r.measured_text) for r in results]
    share = measure.concurrency / sessions if sessions > 0 else 0.0
    verdicts.append(
        SloVerdict(
            CONCURRENCY,
            f">= {format_percent(spec.min_concurrency)} of target",
            share >= spec.min_concurrency - 1e-9,
            share,
            f"{share * 100:.1f}% ({measure.concurrency:.0f} of {sessions:.0f})",
        )
    )
    source = f">= {format_percent(spec.min_growth)} of the sessions' growth"
    ok, ratio, text = judge_growth(spec.min_growth, sessions, measure, references)
    verdicts.append(SloVerdict(GROWTH, source, ok, ratio, text))
    return verdicts
