"""From merged measurements to the :class:`~harness.results.model.RunSummary`: totals per
metric, a per-second timeline, the routing-latency distribution, thresholds and plain notes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from harness.analysis.phases import drift, measure_phases
from harness.analysis.run_notes import run_notes
from harness.analysis.saturation import CpuRecord, judge_saturation
from harness.analysis.verdicts import MeasuredMetric, evaluate
from harness.analysis.window import ArrivalWindow, measure_throughput
from harness.config.thresholds import Threshold
from harness.metrics.catalog import METRICS, MetricKind
from harness.metrics.histogram import Histogram
from harness.metrics.series import SeriesStore
from harness.results.model import (
    Bucket,
    GeneratorInfo,
    LoadInfo,
    MetricSummary,
    Percentiles,
    ProbeInfo,
    RunSummary,
    ThresholdOutcome,
    TimelinePoint,
    VendorInfo,
)

if TYPE_CHECKING:
    from harness.metrics.process_state import ProcessState
    from harness.results.run_info import RunInfo

_DISTRIBUTION_EDGES_MS = [
    m * 10.0**e for e in range(-1, 7) for m in (1.0, 2.0, 5.0)
]  # 0.1 ms .. 5,000 s, 1-2-5 steps


@dataclass(frozen=True, slots=True)
class SummaryInputs:
    info: RunInfo
    thresholds: Sequence[Threshold]
    store: SeriesStore
    processes: Sequence[ProcessState]
    ended_at: float
    cut_reason: str | None = None
    machine: CpuRecord | None = None  # whole-machine CPU of the master / local process's host


def build_summary(inputs: SummaryInputs) -> RunSummary:
    info, store = inputs.info, inputs.store
    origin = int(info.start_at)
    seconds = store.seconds()
    duration_s = max(1.0, inputs.ended_at - info.start_at)
    load = LoadInfo.from_dict(info.load)
    window = ArrivalWindow.of(info.start_at, load.duration_s)
    outcomes = [_outcome(t, store, window) for t in inputs.thresholds]
    processes = inputs.processes
    complete = inputs.cut_reason is None and not any(p.budget_exhausted for p in processes)
    phases = measure_phases(load.phases, store, info.start_at)
    verdict = drift(load.kind, phases)
    cpus = int(info.environment.get("cpus", 1) or 1)
    saturation = judge_saturation(inputs.machine, _cpu_records(processes), cpus=cpus)
    machine = inputs.machine
    return RunSummary(
        run_id=info.run_id,
        scenario=info.scenario,
        vendor=VendorInfo(**info.vendor),
        started_at=info.started_at,
        ended_at=datetime.fromtimestamp(inputs.ended_at, UTC).isoformat(timespec="seconds"),
        duration_s=round(duration_s, 3),
        complete=complete,
        probe=ProbeInfo(
            mode=info.probe["mode"],
            poll_interval_s=info.probe["poll_interval_s"],
            timeout_s=info.probe["timeout_s"],
            webhook_mode=info.probe.get("webhook_mode"),
            webhook_signature=info.probe.get("webhook_signature"),
            **_vendor_clock(processes),
        ),
        load=load,
        metrics={name: _metric(name, store, window) for name in METRICS},
        timeline=_timeline(store, seconds, origin),
        routing_distribution=_distribution(store),
        thresholds=outcomes,
        verdict="pass" if all(o.ok for o in outcomes) and complete else "fail",
        generator=GeneratorInfo(
            cpu_max_percent=max((p.cpu_max_percent for p in processes), default=0.0),
            saturated_seconds=max((p.saturated_seconds for p in processes), default=0),
            workers=info.workers,
            histogram_relative_error=Histogram.RELATIVE_ERROR,
            machine_cpu_max_percent=machine.max_percent if machine and machine.samples else None,
            machine_saturated_seconds=machine.saturated if machine else 0,
            sampled_seconds=machine.samples if machine else 0,
            late_arrivals=sum(p.late for p in processes),
            max_lag_s=round(max((p.max_lag_s for p in processes), default=0.0), 3),
            saturated_share=round(saturation.share, 4),
            reliable=not saturation.unreliable,
            unreliable_reason=saturation.reason if saturation.unreliable else None,
            machine_busy=saturation.machine_busy,
            harness_cpu_percent=saturation.harness_percent,
            others_cpu_percent=saturation.others_percent,
        ),
        notes=run_notes(
            inputs.processes,
            kind=load.kind,
            drift=verdict,
            saturation=saturation,
            cut_reason=inputs.cut_reason,
            probe=inputs.info.probe,
        ),
        phases=phases,
        throughput=measure_throughput(store, info.start_at, load.duration_s, inputs.ended_at),
        drift=verdict,
    )


def _vendor_clock(processes: Sequence[ProcessState]) -> dict[str, float | None]:
    """The tightest process estimate of the vendor's clock offset (one vendor, one clock)."""
    known = [p for p in processes if p.clock_offset_ms is not None and p.clock_bound_ms is not None]
    if not known:
        return {}
    best = min(known, key=lambda p: p.clock_bound_ms or 0.0)
    return {
        "vendor_clock_offset_ms": round(best.clock_offset_ms or 0.0, 3),
        "vendor_clock_bound_ms": round(best.clock_bound_ms or 0.0, 3),
    }


def _cpu_records(processes: Sequence[ProcessState]) -> list[CpuRecord]:
    return [
        CpuRecord(
            f"process {i}",
            p.cpu_samples,
            p.saturated_seconds,
            p.cpu_max_percent,
            p.cpu_total_percent,
        )
        for i, p in enumerate(processes)
    ]


def _outcome(threshold: Threshold, store: SeriesStore, window: ArrivalWindow) -> ThresholdOutcome:
    result = evaluate(threshold, MeasuredMetric.from_store(store, threshold.metric, window=window))
    return ThresholdOutcome(
        metric=result.metric, source=result.source, ok=result.ok, measured_text=result.measured_text
    )


def _metric(name: str, store: SeriesStore, window: ArrivalWindow) -> MetricSummary:
    meta = METRICS[name]
    common: dict[str, Any] = {"name": name, "title_en": meta.title_en, "title_zh": meta.title_zh}
    if meta.kind is MetricKind.TREND:
        hist = store.trend_total(name)
        if hist.is_empty:
            return MetricSummary(kind="trend", count=0, **common)
        p50, p90, p95, p99 = hist.percentiles((50, 90, 95, 99))
        return MetricSummary(
            kind="trend",
            count=hist.count,
            min_ms=hist.min,
            max_ms=hist.max,
            mean_ms=hist.mean,
            p50_ms=p50,
            p90_ms=p90,
            p95_ms=p95,
            p99_ms=p99,
            **common,
        )
    if meta.kind is MetricKind.RATE:
        hits, total = store.rate_total(name)
        return MetricSummary(
            kind="rate", hits=hits, total=total, rate=hits / total if total else None, **common
        )
    inside, after = window.split(store, name)
    return MetricSummary(
        kind="counter",
        count=store.counter_total(name),
        per_second=round(inside / window.length_s, 4),
        in_window=inside,
        in_drain=after,
        **common,
    )


def _percentiles(store: SeriesStore, metric: str, second: int) -> Percentiles | None:
    hist = store.trend_at(metric, second)
    if hist.is_empty:
        return None
    p50, p95, p99 = hist.percentiles((50, 95, 99))
    return Percentiles(count=hist.count, p50_ms=p50, p95_ms=p95, p99_ms=p99, max_ms=hist.max)


def _timeline(store: SeriesStore, seconds: list[int], origin: int) -> list[TimelinePoint]:
    if not seconds:
        return []
    return [
        TimelinePoint(
            t=second - origin,
            requests=store.counter_at("requests", second),
            errors=store.rate_at("errors", second)[0],
            throttled=store.rate_at("throttled", second)[0],
            tickets_created=store.counter_at("tickets_created", second),
            tickets_routed=store.counter_at("tickets_routed", second),
            ticket_create=_percentiles(store, "ticket_create", second),
            routing_latency=_percentiles(store, "routing_latency", second),
        )
        for second in range(max(seconds[0], origin), seconds[-1] + 1)
    ]


def _distribution(store: SeriesStore) -> list[Bucket]:
    hist = store.trend_total("routing_latency")
    if hist.is_empty:
        return []
    counts = [0] * (len(_DISTRIBUTION_EDGES_MS) + 1)
    for lower, upper, count in hist.buckets():
        middle = math.sqrt(max(lower, 1e-9) * upper)
        slot = sum(1 for edge in _DISTRIBUTION_EDGES_MS if edge <= middle)
        counts[slot] += count
    edges = [0.0, *_DISTRIBUTION_EDGES_MS, math.inf]
    used = [i for i, n in enumerate(counts) if n]
    return [
        Bucket(lower_ms=edges[i], upper_ms=min(edges[i + 1], hist.max), count=counts[i])
        for i in range(used[0], used[-1] + 1)
    ]
