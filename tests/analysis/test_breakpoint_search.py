"""The step search on simulated targets: where it stops, what it reports, what it never does."""

from __future__ import annotations

import math
from typing import Any

import pytest

from harness.analysis.breakpoint import SearchResult, StepOutcome, StepSearch, judge
from harness.analysis.step_measure import StepMeasure
from harness.analysis.verdicts import ThresholdResult
from harness.config.breakpoint import Breakpoint


def _spec(**overrides: Any) -> Breakpoint:
    data: dict[str, Any] = {"start": "1.5/s", "max_rate": "50/s", "max_time": "1h"}
    return Breakpoint.model_validate(data | overrides)


def _step(
    spec: Breakpoint,
    index: int,
    rate: float,
    capacity: float,
    latency_limit: float = math.inf,
    complete: bool = True,
) -> StepOutcome:
    """A target that routes at most ``capacity``/s and whose p95 breaks above ``latency_limit``."""
    throughput = min(rate, capacity)
    measure = StepMeasure(
        window_s=20.0,
        arrived=round(rate * 20),
        routed=round(throughput * 20),
        offered_per_s=rate,
        throughput_per_s=throughput,
        concurrency=throughput * 0.3 + max(0.0, rate - capacity) * 10,
        mean_time_in_system_s=0.3,
    )
    p95_ms = 40_000.0 if rate > latency_limit else 500.0
    results = [ThresholdResult("routing_latency", "p95 < 30s", p95_ms < 30_000, p95_ms, "p95")]
    return StepOutcome(
        index=index,
        phase="ramp",
        rate=rate,
        run_id=f"step-{index}",
        measure=measure,
        verdicts=judge(spec, results, measure),
        complete=complete,
        p95_ms=p95_ms,
        error_rate=0.0,
        wall_s=30.0,
    )


def _search(spec: Breakpoint, capacity: float, latency_limit: float = math.inf) -> StepSearch:
    search = StepSearch(spec)
    while (planned := search.next_step()) is not None:
        rate, _ = planned
        search.add(_step(spec, len(search.steps) + 1, rate, capacity, latency_limit))
        assert len(search.steps) < 40, "the search does not end"
    return search


@pytest.mark.parametrize("capacity", [2.0, 3.33, 4.1, 7.0, 19.0, 33.0])
def test_finds_a_throughput_limit_within_resolution(capacity: float) -> None:
    spec = _spec()
    search = _search(spec, capacity)
    assert search.stop_reason == "resolved"
    good, bad = search.last_good, search.first_bad
    assert good is not None and bad is not None
    assert bad.rate / good.rate - 1 <= spec.resolution + 1e-9
    flip = capacity / spec.min_throughput  # the highest rate the criterion accepts
    assert good.rate <= flip < bad.rate
    assert good.rate == pytest.approx(capacity, rel=0.1)
    assert [v.name for v in bad.broken] == ["throughput"]


def test_guided_bisection_needs_few_steps_on_the_sandbox_shape() -> None:
    search = _search(_spec(start="2/s", factor=1.6), 3.33)
    assert [s.rate for s in search.steps] == [2.0, 3.2, 5.12, 3.428, 3.584]


def test_blind_bisection_when_latency_breaks_first() -> None:
    spec = _spec(start="1/s", factor=2)
    search = _search(spec, capacity=100.0, latency_limit=6.0)
    good, bad = search.last_good, search.first_bad
    assert good is not None and bad is not None
    assert good.rate <= 6.0 < bad.rate
    assert [v.name for v in bad.broken] == ["routing_latency"]
    assert all(s.phase == "ramp" for s in search.steps[:4])
    assert search.steps[4].rate == pytest.approx(math.sqrt(4.0 * 8.0), rel=1e-3)


def test_linear_steps_add_the_increment() -> None:
    search = _search(_spec(start="1/s", increment="1/s", max_rate="20/s"), 4.5)
    assert [s.rate for s in search.steps][:5] == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_never_runs_above_the_rate_ceiling_and_says_so() -> None:
    spec = _spec(start="1/s", factor=2, max_rate="5/s")
    search = _search(spec, capacity=100.0)
    assert [s.rate for s in search.steps] == [1.0, 2.0, 4.0, 5.0]
    assert search.stop_reason == "max_rate"
    result = SearchResult.build(
        search, scenario="x", vendor={"name": "v"}, started_at="t", search_time_s=1.0
    )
    assert result.breakpoint_rate == 5.0 and result.first_bad is None and result.broken == []


def test_a_first_step_that_breaks_stops_the_search() -> None:
    search = _search(_spec(start="10/s"), capacity=3.0)
    assert len(search.steps) == 1
    assert search.stop_reason == "start_too_high"
    assert search.last_good is None


def test_bisection_never_probes_at_or_above_a_bad_rate() -> None:
    search = _search(_spec(start="1/s", factor=3), capacity=5.5)
    bad_rates: list[float] = []
    for step in search.steps:
        assert all(step.rate < rate for rate in bad_rates)
        if not step.ok:
            bad_rates.append(step.rate)


def test_a_step_cut_short_is_neither_good_nor_bad() -> None:
    spec = _spec()
    search = StepSearch(spec)
    search.add(_step(spec, 1, 1.5, 3.0))
    search.add(_step(spec, 2, 2.25, 3.0, complete=False))
    assert search.first_bad is None
    assert search.last_good is not None and search.last_good.rate == 1.5


def test_throughput_criterion_text_and_value() -> None:
    spec = _spec(min_throughput="90%")
    measure = StepMeasure(20.0, 100, 80, 5.0, 4.0, 3.0, 0.5)
    (verdict,) = judge(spec, [], measure)
    assert verdict.name == "throughput"
    assert verdict.source == ">= 90% of offered"
    assert not verdict.ok
    assert verdict.measured == pytest.approx(0.8)
    assert verdict.measured_text == "80.0% (4/s of 5/s)"


def test_result_json_has_steps_verdicts_and_usl() -> None:
    search = _search(_spec(), 3.33)
    result = SearchResult.build(
        search, scenario="bp", vendor={"name": "v"}, started_at="t", search_time_s=12.5
    )
    data = result.to_dict()
    assert data["breakpoint_per_s"] == result.breakpoint_rate
    assert data["broken_slos"][0]["name"] == "throughput"
    assert data["usl"] is not None and set(data["usl"]) >= {"lambda", "sigma", "kappa", "r2"}
    assert len(data["steps"]) == len(search.steps)
    assert {"rate_per_s", "throughput_per_s", "concurrency", "routing_p95_ms", "error_rate",
            "slos"} <= set(data["steps"][0])  # fmt: skip
    assert data["ceilings"] == {"max_rate_per_s": 50.0, "max_time_s": 3600.0}
