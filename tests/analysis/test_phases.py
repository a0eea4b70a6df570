"""Phases per load kind: cut from the shape, measured from the per-second series."""

from __future__ import annotations

import dataclasses

import pytest

from harness.analysis.phases import drift, measure_phases, phase_plan
from harness.config import Scenario
from harness.data.schedule import scenario_offsets
from harness.metrics.series import SeriesStore
from harness.results.model import Phase, PhaseResult, RunSummary
from tests.config.test_scenario import MINIMAL
from tests.report import make_run

START = 1_700_000_000.25  # the schedule's origin, mid-second as in a real run


def scenario(**load: object) -> Scenario:
    data = {**MINIMAL, "bounds": {"max_duration": "1h", "max_requests": 100000}}
    data["load"] = {"arrivals": "uniform", **load}
    return Scenario.model_validate(data)


def plan(**load: object) -> list[Phase]:
    s = scenario(**load)
    return phase_plan(s.load, scenario_offsets(s))


def test_step_has_one_phase_per_stage_with_its_rate() -> None:
    phases = plan(kind="step", stages=[{"rate": "2/s", "duration": "10s"},
                                       {"rate": "5/s", "duration": "4s"}])  # fmt: skip
    assert [(p.name, p.start_s, p.end_s) for p in phases] == [
        ("stage-1", 0.0, 10.0),
        ("stage-2", 10.0, 14.0),
    ]
    assert [p.offered_rate_per_s for p in phases] == [2.0, 5.0]
    assert [p.planned for p in phases] == [20, 20]


def test_spike_is_before_during_after_and_leaves_out_empty_parts() -> None:
    phases = plan(kind="spike", base="1/s", peak="10/s", duration="30s", spike_at="10s",
                  spike_for="5s")  # fmt: skip
    assert [p.name for p in phases] == ["before", "during", "after"]
    assert [p.offered_rate_per_s for p in phases] == [1.0, 10.0, 1.0]
    assert [p.planned for p in phases] == [10, 50, 15]
    edge = plan(kind="spike", base="1/s", peak="10/s", duration="15s", spike_at="10s",
                spike_for="5s")  # fmt: skip
    assert [p.name for p in edge] == ["before", "during"]


def test_soak_has_equal_windows_and_a_ramp_four() -> None:
    soak = plan(kind="soak", rate="2/s", duration="60s", windows=3)
    assert [(p.name, p.start_s, p.end_s, p.planned) for p in soak] == [
        ("window-1", 0.0, 20.0, 40), ("window-2", 20.0, 40.0, 40), ("window-3", 40.0, 60.0, 40),
    ]  # fmt: skip
    ramp = plan(kind="arrival-rate", rate="2/s", ramp_to="10/s", duration="40s")
    assert [p.offered_rate_per_s for p in ramp] == pytest.approx([3.0, 5.0, 7.0, 9.0])
    assert plan(kind="arrival-rate", rate="2/s", duration="40s") == []


def _store(per_second: dict[int, tuple[int, float, int]]) -> SeriesStore:
    """t -> (tickets created and routed, routing latency ms of each, errors)."""
    store = SeriesStore()
    for t, (count, latency, errors) in per_second.items():
        second = int(START) + t
        store.add("tickets_created", second, count)
        store.add("tickets_routed", second, count)
        store.add("requests", second, count)
        for i in range(count):
            store.observe("routing_latency", latency, second)
            store.hit("errors", second, i < errors)
    return store


def test_measure_phases_from_the_series_and_keep_the_drain_in_the_last() -> None:
    phases = plan(kind="spike", base="1/s", peak="10/s", duration="6s", spike_at="2s",
                  spike_for="2s")  # fmt: skip
    series = {0: (1, 100.0, 0), 1: (1, 100.0, 0), 2: (10, 300.0, 1), 3: (10, 300.0, 0),
              4: (1, 100.0, 0), 5: (1, 100.0, 0), 6: (0, 0.0, 0), 9: (1, 900.0, 0)}  # fmt: skip
    series.pop(6)
    results = measure_phases(phases, _store(series), START)
    before, during, after = results
    assert (before.created, during.created, after.created) == (2, 20, 3)
    assert during.created_per_s == 10.0 and before.created_per_s == 1.0
    assert after.created_per_s == 1.5  # the drain counts, the length stays 2 s
    assert during.routing_p95_ms == pytest.approx(300.0, rel=0.01)
    assert after.routing_p95_ms == pytest.approx(900.0, rel=0.01)
    assert (during.errors, during.requests, during.error_rate) == (1, 20, 0.05)
    assert before.error_rate == 0.0


@pytest.mark.parametrize(
    ("last_ms", "drifted"), [(140.0, False), (160.0, True)], ids=["steady", "drifted"]
)
def test_soak_drift_compares_last_window_with_first(last_ms: float, drifted: bool) -> None:
    phases = plan(kind="soak", rate="1/s", duration="6s", windows=3)
    results = measure_phases(
        phases, _store({0: (5, 100.0, 0), 2: (5, 120.0, 0), 4: (5, last_ms, 0)}), START
    )
    verdict = drift("soak", results)
    assert verdict is not None
    assert verdict.ratio == pytest.approx(last_ms / 100.0, rel=0.02)
    assert verdict.drifted is drifted
    assert drift("step", results) is None


def test_phases_round_trip_through_summary_json() -> None:
    phases = plan(kind="soak", rate="1/s", duration="6s", windows=3)
    results = measure_phases(phases, _store({0: (5, 100.0, 0), 4: (5, 200.0, 0)}), START)
    summary = dataclasses.replace(make_run(), phases=results, drift=drift("soak", results))
    again = RunSummary.from_dict(summary.to_dict())
    assert again == summary
    assert isinstance(again.phases[0], PhaseResult) and isinstance(again.phases[0].phase, Phase)
    assert again.drift is not None and again.drift.drifted
