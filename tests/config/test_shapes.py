"""Load kinds: each validates, expands to rate segments, and shows rate and concurrency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scipy import stats

from harness.config import Scenario
from harness.config.conversation import Conversation
from harness.config.plan_numbers import plan_numbers
from harness.config.shape_base import RateSegment
from harness.config.shapes import ArrivalRate, Sessions, Spike, Step
from harness.data.schedule import arrival_offsets, scenario_offsets, segment_offsets
from harness.errors import ConfigError
from tests.config.test_scenario import MINIMAL


def scenario(load: dict[str, Any], **extra: Any) -> Scenario:
    data = {**MINIMAL, "bounds": {"max_duration": "1h", "max_requests": 10**6}, "load": load}
    return Scenario.model_validate({**data, **extra})


def test_step_stages_follow_each_other() -> None:
    load = scenario(
        {
            "kind": "step",
            "stages": [{"rate": "2/s", "duration": "10s"}, {"rate": "4/s", "duration": "5s"}],
        }
    ).load
    assert isinstance(load, Step)
    assert load.segments() == [RateSegment(0, 10, 2, 2), RateSegment(10, 5, 4, 4)]
    assert load.total_duration == 15
    assert load.peak_rate == 4
    assert load.expected_arrivals == 40


def test_spike_has_base_then_peak_then_base() -> None:
    load = scenario(
        {
            "kind": "spike",
            "base": "1/s",
            "peak": "10/s",
            "duration": "60s",
            "spike_at": "20s",
            "spike_for": "10s",
        }
    ).load
    assert isinstance(load, Spike)
    assert load.segments() == [
        RateSegment(0, 20, 1, 1),
        RateSegment(20, 10, 10, 10),
        RateSegment(30, 30, 1, 1),
    ]


@pytest.mark.parametrize(
    "load,message",
    [
        (
            {"kind": "spike", "base": "1/s", "peak": "10/s", "duration": "30s", "spike_at": "25s",
             "spike_for": "10s"},
            "spike ends at 35s, after the shape \\(30s\\)",
        ),
        (
            {"kind": "spike", "base": "5/s", "peak": "5/s", "duration": "30s", "spike_at": "5s",
             "spike_for": "10s"},
            "not above base",
        ),
        ({"kind": "step", "stages": []}, "stages"),
        ({"kind": "sessions", "sessions": 0, "hold": "1m"}, "sessions"),
        ({"kind": "replay", "schedule": "nope.parquet", "duration": "1m"}, "no file"),
    ],
)  # fmt: skip
def test_bad_shapes_say_what_to_fix(load: dict[str, Any], message: str, tmp_path: Path) -> None:
    import yaml

    from harness.config import load_scenario

    data = {**MINIMAL, "bounds": {"max_duration": "1h", "max_requests": 1000}, "load": load}
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    (tmp_path / "vendors").mkdir()
    (tmp_path / "vendors" / "sandbox-solid.yaml").write_text(
        (Path(__file__).resolve().parents[2] / "scenarios/vendors/sandbox-solid.yaml").read_text()
    )
    with pytest.raises(ConfigError, match=message):
        load_scenario(path)


def test_constant_segment_matches_the_plain_arrival_process() -> None:
    segments = ArrivalRate.model_validate(
        {"kind": "arrival-rate", "rate": "7/s", "duration": "30s"}
    ).segments()
    for process in ("poisson", "uniform"):
        assert segment_offsets(segments, process, 5) == arrival_offsets(7, 30, process, 5)


def test_ramp_follows_a_linear_rate() -> None:
    segments = [RateSegment(0, 60, 0, 20)]
    offsets = segment_offsets(segments, "poisson", seed=11)
    assert 540 <= len(offsets) <= 660  # 600 expected
    # arrival times of a rate rising linearly from 0 have CDF (t / 60)^2
    result = stats.kstest([t / 60 for t in offsets], lambda x: x**2)
    assert result.pvalue > 0.001
    uniform = segment_offsets(segments, "uniform", seed=11)
    assert len(uniform) == 600
    assert uniform == sorted(uniform)
    assert uniform[100] == pytest.approx(60 * (100 / 600) ** 0.5, abs=1e-6)


def test_uniform_runs_on_across_stage_boundaries() -> None:
    segments = [RateSegment(0, 1.5, 2, 2), RateSegment(1.5, 1, 4, 4)]
    assert segment_offsets(segments, "uniform", 1) == [0.0, 0.5, 1.0, 1.5, 1.75, 2.0, 2.25]


def test_sessions_is_a_closed_model_without_a_schedule() -> None:
    s = scenario({"kind": "sessions", "sessions": 2000, "ramp": "100/s", "hold": "2m"})
    assert isinstance(s.load, Sessions)
    assert scenario_offsets(s) == []
    assert s.load.total_duration == 20 + 120
    assert s.load.max_users == 2000


def test_littles_law_numbers_for_sessions_and_open_chat() -> None:
    talk = Conversation.model_validate(
        {"messages": 4, "think_time": "60s", "agent_think_time": "30s"}
    )  # 8-minute chats
    assert talk.expected_length() == 4 * 30 + 3 * 60
    closed = plan_numbers(
        Sessions.model_validate({"kind": "sessions", "sessions": 2000, "hold": "1m"}), talk
    )
    assert closed.peak_concurrency == 2000
    assert closed.mean_rate_per_s == pytest.approx(2000 / 300)
    opened = plan_numbers(
        ArrivalRate.model_validate(
            {"kind": "arrival-rate", "rate": "2/s", "duration": "1m", "opens": "sessions"}
        ),
        talk,
    )
    assert opened.peak_concurrency == pytest.approx(600)
    tickets = plan_numbers(
        ArrivalRate.model_validate({"kind": "arrival-rate", "rate": "2/s", "duration": "1m"}), talk
    )
    assert tickets.peak_concurrency is None


def test_explain_shows_rate_and_concurrency_before_the_yaml() -> None:
    s = scenario(
        {"kind": "sessions", "sessions": 300, "hold": "1m"},
        conversation={"messages": 2, "think_time": "10s", "agent_think_time": "5s"},
    )
    text = s.explain()
    assert "# concurrency (Little's law): 300 sessions at peak = rate x 20 s" in text
    assert "# arrival rate: mean 15/s (900/min)" in text
    assert "kind: sessions" in text
