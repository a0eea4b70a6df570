"""Comparison.build: ranking and findings in both languages, with the right numbers."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from harness.errors import ConfigError
from harness.report.compare import Comparison
from harness.results.model import MetricSummary, RunSummary, ThresholdOutcome
from tests.report import make_run


def _with_stat(run: RunSummary, metric: str, **stats: Any) -> RunSummary:
    changed = dataclasses.replace(run.metrics[metric], **stats)
    return dataclasses.replace(run, metrics={**run.metrics, metric: changed})


def _named(run: RunSummary, en: str, zh: str) -> RunSummary:
    vendor = dataclasses.replace(run.vendor, title_en=en, title_zh=zh)
    return dataclasses.replace(run, vendor=vendor, run_id=f"run-{en}")


def _build(*runs: RunSummary) -> Comparison:
    return Comparison.build(list(runs), created_at="2026-11-11T01:00:00Z")


def _texts(comparison: Comparison, needle: str) -> list[tuple[str, str]]:
    return [(f.en, f.zh) for f in comparison.findings if needle in f.en]


def test_runs_are_ranked_by_verdict_then_routing_p95() -> None:
    solid, saturating = make_run(), make_run(saturating=True)
    fast_fail = _with_stat(_named(saturating, "Fast but failing", "快但未通过"), "routing_latency",
                           p95_ms=10.0)  # fmt: skip
    comparison = _build(saturating, fast_fail, solid)
    assert [r.vendor.title_en for r in comparison.runs] == [
        "Sandbox (solid)", "Fast but failing", "Sandbox (saturating)"
    ]  # fmt: skip
    assert comparison.findings[0].en == (
        "Ranking (verdict first, then routing p95): 1. Sandbox (solid) (PASS, p95 370 ms); "
        "2. Fast but failing (FAIL, p95 10 ms); 3. Sandbox (saturating) (FAIL, p95 14.3 s)"
    )
    assert comparison.created_at == "2026-11-11T01:00:00Z"


def test_routing_finding_states_the_ratio_and_both_values_in_both_languages() -> None:
    comparison = _build(make_run(saturating=True), make_run())
    assert _texts(comparison, "routes tickets") == [(
        "Sandbox (saturating) routes tickets 38.6× slower than Sandbox (solid) at p95 "
        "(14.3 s vs 0.37 s)",
        "沙箱（易饱和）的路由延迟 p95 是 沙箱（稳健）的 38.6 倍（14.3 秒 对 0.37 秒）",
    )]  # fmt: skip


def test_error_and_unrouted_rate_findings() -> None:
    comparison = _build(make_run(saturating=True), make_run())
    # errors: 302/7200 = 4.19% vs 2/7200 = 0.03%, ratio 151; unrouted 74/2400 vs 0
    assert _texts(comparison, "error rate") == [(
        "Sandbox (saturating) has a 151× higher error rate than Sandbox (solid) (4.19% vs 0.03%)",
        "沙箱（易饱和）的错误率是 沙箱（稳健）的 151 倍（4.19% 对 0.03%）",
    )]  # fmt: skip
    assert _texts(comparison, "unrouted rate") == [(
        "Sandbox (saturating) has a higher unrouted rate than Sandbox (solid) (3.08% vs 0.00%)",
        "沙箱（易饱和）的未路由率高于 沙箱（稳健）（3.08% 对 0.00%）",
    )]  # fmt: skip


def test_threshold_findings_list_the_failures_with_measured_values() -> None:
    comparison = _build(make_run(saturating=True), make_run())
    assert _texts(comparison, "thresholds") == [
        ("Sandbox (solid) passes all 7 thresholds", "沙箱（稳健）通过全部 7 项阈值"),
        (
            "Sandbox (saturating) fails 2 of 7 thresholds: Routing latency 'p95 < 10s' "
            "(p95=14.3s); Failed requests 'rate < 0.5%' (rate=4.19%)",
            "沙箱（易饱和）未通过 7 项阈值中的 2 项：路由延迟「p95 < 10s」（p95=14.3s）；"
            "失败请求「rate < 0.5%」（rate=4.19%）",
        ),
    ]


@pytest.mark.parametrize(
    ("a_ms", "b_ms", "expected"),
    [
        (
            370.0,
            370.0,
            "Vendor A and Vendor B route tickets about the same at p95 (370 ms vs 370 ms)",
        ),
        # within the histograms' 1% relative error: not a difference the harness can claim
        (
            372.0,
            370.0,
            "Vendor B and Vendor A route tickets about the same at p95 (370 ms vs 372 ms)",
        ),
        (
            378.0,
            370.0,
            "Vendor A routes tickets 2.2% slower than Vendor B at p95 (378 ms vs 370 ms)",
        ),
        # prints alike: 12,340 vs 12,345 ms both show as 12.3 s
        (12345.0, 12340.0, "about the same at p95 (12.3 s vs 12.3 s)"),
        (
            555.0,
            370.0,
            "Vendor A routes tickets 50% slower than Vendor B at p95 (555 ms vs 370 ms)",
        ),
        (
            1500.0,
            370.0,
            "Vendor A routes tickets 4.1× slower than Vendor B at p95 (1.5 s vs 0.37 s)",
        ),
        (20.0, 0.0, "Vendor A routes tickets slower than Vendor B at p95 (20 ms vs 0 ms)"),
    ],
    ids=["equal", "within-error", "beyond-error", "prints-alike", "percent", "times", "from-zero"],
)
def test_routing_differences_are_only_claimed_when_there(
    a_ms: float, b_ms: float, expected: str
) -> None:
    a = _with_stat(_named(make_run(), "Vendor A", "厂商甲"), "routing_latency", p95_ms=a_ms)
    b = _with_stat(_named(make_run(), "Vendor B", "厂商乙"), "routing_latency", p95_ms=b_ms)
    (en, _zh), = _texts(_build(a, b), "at p95")  # fmt: skip
    assert expected in en


def test_equal_rates_are_about_the_same_in_both_languages() -> None:
    a, b = _named(make_run(), "Vendor A", "厂商甲"), _named(make_run(), "Vendor B", "厂商乙")
    assert _texts(_build(a, b), "error rate") == [(
        "Vendor A and Vendor B have about the same error rate (0.03% vs 0.03%)",
        "厂商甲 与 厂商乙 的错误率大致相同（0.03% 对 0.03%）",
    )]  # fmt: skip


def test_rates_that_print_alike_are_about_the_same() -> None:
    a = _with_stat(_named(make_run(), "Vendor A", "厂商甲"), "errors", rate=0.00101)
    b = _with_stat(_named(make_run(), "Vendor B", "厂商乙"), "errors", rate=0.00104)
    ((en, _zh),) = _texts(_build(a, b), "error rate")
    assert en == "Vendor A and Vendor B have about the same error rate (0.10% vs 0.10%)"


def test_a_run_without_measurements_is_named_not_compared() -> None:
    empty = _with_stat(_named(make_run(), "Vendor A", "厂商甲"), "routing_latency", p95_ms=None)
    b = _named(make_run(), "Vendor B", "厂商乙")
    assert _texts(_build(empty, b), "routing latency") == [(
        "Vendor A has no routing latency measurements to compare with Vendor B",
        "厂商甲 没有路由延迟数据，无法与 厂商乙 比较",
    )]  # fmt: skip
    no_unrouted = dataclasses.replace(b, metrics={
        k: v for k, v in b.metrics.items() if k != "unrouted"})  # fmt: skip
    assert _texts(_build(no_unrouted, no_unrouted), "unrouted") == []


def test_cut_short_and_saturated_runs_are_called_out() -> None:
    run = dataclasses.replace(make_run(saturating=True), complete=False, duration_s=75.0)
    findings = [(f.en, f.zh) for f in _build(run).findings]
    assert (
        "Sandbox (saturating)'s run was cut short after 1 min 15 s; "
        "its figures cover only that part",
        "沙箱（易饱和）的运行在 1 分 15 秒 后被中止，数据仅覆盖这一段",
    ) in findings
    assert (
        "Sandbox (saturating)'s load generator was saturated for 3 s (CPU max 94%); "
        "its latencies may be overstated",
        "沙箱（易饱和）的压测机有 3 秒处于饱和状态（CPU 峰值 94%），其延迟数据可能偏高",
    ) in findings
    assert not any(en.startswith("Ranking") for en, _ in findings)  # one run: nothing to rank


def test_a_run_without_thresholds_gets_no_threshold_finding() -> None:
    run = dataclasses.replace(make_run(), thresholds=[])
    assert _texts(_build(run), "threshold") == []


def test_runs_of_different_scenarios_are_refused() -> None:
    other = dataclasses.replace(make_run(), scenario="smoke")
    with pytest.raises(ConfigError, match=r"different scenarios \(double11-peak, smoke\)"):
        _build(make_run(True), other)
    with pytest.raises(ValueError, match="at least one run"):
        _build()


def test_build_does_not_mutate_or_reorder_its_input() -> None:
    runs = [make_run(True), make_run()]
    _build(*runs)
    assert [r.verdict for r in runs] == ["fail", "pass"]


def test_metric_titles_fall_back_to_the_metric_name() -> None:
    run = make_run()
    failing = ThresholdOutcome("checks.veto_failed", "== 0", False, "count=1")
    run = dataclasses.replace(run, thresholds=[failing], verdict="fail")
    ((en, zh),) = _texts(_build(run), "threshold")
    assert en == "Sandbox (solid) fails 1 of 1 thresholds: checks.veto_failed '== 0' (count=1)"
    assert zh == "沙箱（稳健）未通过 1 项阈值中的 1 项：checks.veto_failed「== 0」（count=1）"
    assert isinstance(run.metrics["errors"], MetricSummary)
