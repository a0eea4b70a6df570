"""Realistic run summaries for the report tests: a solid vendor and one that saturates.

Both ran the same two-minute arrival-rate scenario (20 tickets/s). The solid sandbox routes in
about a third of a second throughout; the saturating one queues up after ~40 s, so its routing
latency climbs to tens of seconds, 429s and errors appear and some seconds route nothing.
"""

from __future__ import annotations

from harness.results.model import (
    Bucket,
    GeneratorInfo,
    LoadInfo,
    MetricSummary,
    Note,
    Percentiles,
    ProbeInfo,
    RunSummary,
    ThresholdOutcome,
    TimelinePoint,
    VendorInfo,
)

SECONDS = 120
BASE_URL = "http://127.0.0.1:8400"


def _trend(name: str, en: str, zh: str, count: int, stats: tuple[float, ...]) -> MetricSummary:
    lo, mean, p50, p90, p95, p99, hi = stats
    return MetricSummary(
        name, "trend", en, zh, count=count, min_ms=lo, max_ms=hi, mean_ms=mean,
        p50_ms=p50, p90_ms=p90, p95_ms=p95, p99_ms=p99,
    )  # fmt: skip


def _rate(name: str, en: str, zh: str, hits: int, total: int) -> MetricSummary:
    return MetricSummary(name, "rate", en, zh, hits=hits, total=total, rate=hits / total)


def _counter(name: str, en: str, zh: str, count: int) -> MetricSummary:
    return MetricSummary(name, "counter", en, zh, count=count, per_second=count / SECONDS)


def _timeline(saturating: bool) -> list[TimelinePoint]:
    points = []
    for t in range(SECONDS):
        backlog = max(0, t - 40) if saturating else 0
        routing_p95 = 370.0 + backlog * 360.0
        starved = saturating and t >= 100 and t % 5 == 0  # nothing routed in these seconds
        create = Percentiles(20, 80.0 + backlog, 150.0 + 3 * backlog, 210.0 + 4 * backlog, 260.0)
        routing = None if starved else Percentiles(
            20, routing_p95 / 2, routing_p95, routing_p95 * 1.3, routing_p95 * 1.4
        )  # fmt: skip
        points.append(
            TimelinePoint(
                t=t,
                requests=60 + (t % 7),
                errors=(backlog // 10) if saturating else 0,
                throttled=(backlog // 8) if saturating else 0,
                tickets_created=20,
                tickets_routed=0 if starved else 20 - (backlog // 20),
                ticket_create=create,
                routing_latency=routing,
            )
        )
    return points


def _thresholds(
    routing_p95_s: str, error_rate: str, ok: tuple[bool, bool]
) -> list[ThresholdOutcome]:
    return [
        ThresholdOutcome("routing_latency", "p95 < 10s", ok[0], f"p95={routing_p95_s}"),
        ThresholdOutcome("routing_latency", "p99 < 60s", True, "p99=0.52s" if ok[0] else "p99=30s"),
        ThresholdOutcome("ticket_create", "p95 < 800ms", True, "p95=150ms"),
        ThresholdOutcome("ticket_create", "p99 < 2s", True, "p99=310ms"),
        ThresholdOutcome("errors", "rate < 0.5%", ok[1], f"rate={error_rate}"),
        ThresholdOutcome("unrouted", "rate < 5%", True, "rate=0.00%" if ok[0] else "rate=3.10%"),
        ThresholdOutcome("tickets_created", "count >= 2000", True, "count=2400"),
    ]  # fmt: skip


def make_run(saturating: bool = False) -> RunSummary:
    """The summary of one run against the solid or the saturating sandbox."""
    name = "sandbox-saturating" if saturating else "sandbox-solid"
    vendor = VendorInfo(
        name,
        "Sandbox (saturating)" if saturating else "Sandbox (solid)",
        "沙箱（易饱和）" if saturating else "沙箱（稳健）",
        "sandbox",
        BASE_URL,
    )
    routing = (90.0, 6120.0, 3300.0, 12100.0, 14300.0, 29800.0, 41900.0) if saturating else (
        90.0, 210.0, 190.0, 330.0, 370.0, 520.0, 880.0)  # fmt: skip
    unrouted = 74 if saturating else 0
    metrics = [
        _trend("ticket_create", "Ticket creation", "创建工单", 2400,
               (41.0, 96.0, 80.0, 130.0, 150.0, 310.0, 1240.0)),
        _trend("routing_latency", "Routing latency", "路由延迟", 2400 - unrouted, routing),
        _rate("errors", "Failed requests", "失败请求", 302 if saturating else 2, 7200),
        _rate("unrouted", "Unrouted tickets", "未路由工单", unrouted, 2400),
        _counter("tickets_created", "Tickets created", "已创建工单", 2400),
    ]  # fmt: skip
    notes = [Note("info", "Routing measured by webhook.", "路由延迟由 Webhook 测得。")]
    if saturating:
        notes.append(Note(
            "warning",
            "Insufficient users: 412 arrivals started late (max lag 3.2 s); raise max_users "
            "or lower the rate",
            "用户不足：412 个到达延迟启动（最大滞后 3.2 秒）；请提高 max_users 或降低速率",
        ))  # fmt: skip
    bounds = [50.0 * 2**k for k in range(12)]  # 50 ms .. 102.4 s, log-spaced
    counts = [0, 310, 1600, 420, 60, 10, 0, 0, 0, 0, 0] if not saturating else [
        0, 250, 700, 310, 150, 160, 190, 230, 250, 86, 0]  # fmt: skip
    return RunSummary(
        run_id=f"20261111T0000Z-{name}",
        scenario="double11-peak",
        vendor=vendor,
        started_at="2026-11-11T00:00:00Z",
        ended_at="2026-11-11T00:02:00Z",
        duration_s=float(SECONDS),
        complete=True,
        probe=ProbeInfo("webhook", None, 60.0),
        load=LoadInfo("arrival-rate", 2400, 20.0, 120.0, 400),
        metrics={m.name: m for m in metrics},
        timeline=_timeline(saturating),
        routing_distribution=[
            Bucket(lo, hi, n) for lo, hi, n in zip(bounds, bounds[1:], counts, strict=False)
        ],
        thresholds=_thresholds(
            "14.3s" if saturating else "0.37s",
            "4.19%" if saturating else "0.03%",
            (not saturating, not saturating),
        ),
        verdict="fail" if saturating else "pass",
        generator=GeneratorInfo(71.0 if not saturating else 93.5, 3 if saturating else 0, 1, 0.01),
        notes=notes,
    )
