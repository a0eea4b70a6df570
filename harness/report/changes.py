"""What changed between two runs: regressions and improvements with their size, or "within noise".

A :class:`ChangeSet` holds one pair of runs: a later run of a vendor against its previous run
(``rerun``), or a vendor against the leader of the ranking (``vendor``). Each :class:`Change`
carries both values, the difference, and the 95 % interval of that difference from the rules
in :mod:`harness.report.noise`; an interval that contains 0 makes the change "within noise".
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from typing import Literal

from harness.i18n import Lang
from harness.report import noise
from harness.results.model import (
    ERRORS,
    ROUTING_LATENCY,
    TICKET_CREATE,
    UNROUTED,
    Record,
    RunSummary,
)

__all__ = ["Change", "ChangeSet", "change_sets", "compare_runs"]

Assessment = Literal["regression", "improvement", "noise", "missing"]
Kind = Literal["latency", "rate", "per_second"]

# (key shown via i18n "row.<key>", metric, field, kind, better)
_LATENCIES = (
    ("routing_p50", ROUTING_LATENCY, "p50"),
    ("routing_p95", ROUTING_LATENCY, "p95"),
    ("routing_p99", ROUTING_LATENCY, "p99"),
    ("create_p95", TICKET_CREATE, "p95"),
)
_RATES = (("error_rate", ERRORS), ("unrouted_rate", UNROUTED), ("throttled_rate", "throttled"))


@dataclasses.dataclass(frozen=True, slots=True)
class Change(Record):
    key: str  # i18n "row.<key>"
    kind: Kind
    better: Literal["lower", "higher"]
    before: float | None
    after: float | None
    ci_low: float | None  # 95 % interval of (after - before)
    ci_high: float | None
    assessment: Assessment

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def relative(self) -> float | None:
        """(after - before) / before; None when before is 0 or missing."""
        delta = self.delta
        return None if delta is None or not self.before else delta / self.before


@dataclasses.dataclass(frozen=True, slots=True)
class ChangeSet(Record):
    kind: Literal["rerun", "vendor"]
    baseline_run: str
    baseline_started: str
    baseline_title_en: str
    baseline_title_zh: str
    candidate_run: str
    candidate_started: str
    candidate_title_en: str
    candidate_title_zh: str
    changes: list[Change]

    def baseline_title(self, lang: Lang) -> str:
        return self.baseline_title_zh if lang == "zh-CN" else self.baseline_title_en

    def candidate_title(self, lang: Lang) -> str:
        return self.candidate_title_zh if lang == "zh-CN" else self.candidate_title_en

    @property
    def regressions(self) -> int:
        return sum(c.assessment == "regression" for c in self.changes)

    @property
    def improvements(self) -> int:
        return sum(c.assessment == "improvement" for c in self.changes)


def _assess(
    before: float | None, after: float | None, low: float | None, high: float | None,
    better: Literal["lower", "higher"],
) -> Assessment:  # fmt: skip
    if before is None or after is None or low is None or high is None:
        return "missing"
    if low <= 0 <= high:
        return "noise"
    worse = after > before if better == "lower" else after < before
    return "regression" if worse else "improvement"


def _per_second(run: RunSummary, metric: str, pct: str) -> list[float | None]:
    values: list[float | None] = []
    for point in run.timeline:
        stats = getattr(point, metric, None)
        values.append(None if stats is None else getattr(stats, f"{pct}_ms"))
    return values


def _created(run: RunSummary) -> tuple[int | None, float]:
    """Tickets created over the arrival window (the drain apart: a vendor that queues is not
    slower at taking tickets in); the whole run for summaries written before it was kept."""
    if run.throughput is not None:
        return run.throughput.created, run.throughput.arrival_window_s
    created = run.metric("tickets_created")
    return (created.count if created else None), run.duration_s


def compare_runs(before: RunSummary, after: RunSummary) -> list[Change]:
    """Every compared number of ``after`` against ``before``, assessed against its noise band."""
    changes: list[Change] = []
    for key, metric, pct in _LATENCIES:
        a, b = before.stat(metric, f"{pct}_ms"), after.stat(metric, f"{pct}_ms")
        low = high = None
        if a is not None and b is not None:
            band = noise.latency_band(
                a,
                b,
                error_a=before.generator.histogram_relative_error,
                error_b=after.generator.histogram_relative_error,
                seconds_a=_per_second(before, metric, pct),
                seconds_b=_per_second(after, metric, pct),
            )
            low, high = b - a - band, b - a + band
        assessment = _assess(a, b, low, high, "lower")
        changes.append(Change(key, "latency", "lower", a, b, low, high, assessment))
    for key, metric in _RATES:
        ma, mb = before.metric(metric), after.metric(metric)
        if ma is None and mb is None:
            continue
        a = ma.rate if ma else None
        b = mb.rate if mb else None
        low = high = None
        if ma and mb and ma.total and mb.total:
            low, high = noise.rate_difference_interval(
                ma.hits or 0, ma.total, mb.hits or 0, mb.total
            )
        assessment = _assess(a, b, low, high, "lower")
        changes.append(Change(key, "rate", "lower", a, b, low, high, assessment))
    created_a, window_a = _created(before)
    created_b, window_b = _created(after)
    if created_a is not None and created_b is not None:
        a, b = created_a / window_a, created_b / window_b
        band = noise.count_rate_band(created_a, window_a, created_b, window_b)
        low, high = b - a - band, b - a + band
        changes.append(Change("created_per_s", "per_second", "higher", a, b, low, high,
                              _assess(a, b, low, high, "higher")))  # fmt: skip
    return changes


def _set(kind: Literal["rerun", "vendor"], base: RunSummary, cand: RunSummary) -> ChangeSet:
    return ChangeSet(
        kind, base.run_id, base.started_at, base.vendor.title_en, base.vendor.title_zh,
        cand.run_id, cand.started_at, cand.vendor.title_en, cand.vendor.title_zh,
        compare_runs(base, cand),
    )  # fmt: skip


def change_sets(ranked: Sequence[RunSummary]) -> list[ChangeSet]:
    """Reruns of a vendor against its previous run (oldest first), then each other vendor's
    latest run against the leader's latest run."""
    by_vendor: dict[str, list[RunSummary]] = {}
    for run in ranked:
        by_vendor.setdefault(run.vendor.name, []).append(run)
    sets: list[ChangeSet] = []
    latest: dict[str, RunSummary] = {}
    for name, runs in by_vendor.items():
        ordered = sorted(runs, key=lambda run: run.started_at)
        latest[name] = ordered[-1]
        sets += [_set("rerun", a, b) for a, b in itertools.pairwise(ordered)]
    if len(latest) > 1:
        leader = latest[ranked[0].vendor.name]
        sets += [_set("vendor", leader, run) for run in latest.values() if run is not leader]
    return sets
