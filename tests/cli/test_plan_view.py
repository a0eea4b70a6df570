"""Plan numbers in the user's language: ``run --explain --lang`` and the start of a run."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from harness.cli import app
from harness.cli.plan_view import busiest_rate, plan_lines, scenario_plan
from harness.config import Scenario, load_scenario
from tests.config.test_scenario import MINIMAL

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


def scenario(**load: object) -> Scenario:
    data = {**MINIMAL, "bounds": {"max_duration": "1h", "max_requests": 100000}}
    data["load"] = load
    return Scenario.model_validate(data)


def test_busiest_rate() -> None:
    assert busiest_rate([0.0, 0.5, 1.0, 5.0, 5.1, 5.2, 5.3], 1.0) == 4.0
    assert busiest_rate([], 10.0) == 0.0


def test_replay_reads_its_schedule_for_rate_and_arrivals() -> None:
    plan = scenario_plan(load_scenario(SCENARIOS / "replay.yaml"))
    assert 200 <= plan.planned <= 240
    assert plan.numbers.mean_rate_per_s == pytest.approx(plan.planned / 30)
    peak, mean = plan.numbers.peak_rate_per_s, plan.numbers.mean_rate_per_s
    assert peak is not None and mean is not None and peak >= mean
    lines = plan_lines(plan, "en")
    assert any(line.startswith("arrival rate: mean") and "busiest 10 s" in line for line in lines)


def test_sessions_show_concurrency_by_littles_law() -> None:
    s = scenario(kind="arrival-rate", rate="2/s", duration="1m", opens="sessions")
    length = s.conversation.expected_length()
    en = plan_lines(scenario_plan(s), "en")
    assert f"concurrency (Little's law): {2 * length:.0f} sessions at peak" in en[-1]
    zh = plan_lines(scenario_plan(s), "zh-CN")
    assert zh[-1].startswith("并发（利特尔法则）：峰值") and "计划到达数：" in zh[1]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "# arrival rate: mean"), ("zh-CN", "# 到达率：平均")],
)
def test_explain_prints_plan_numbers_before_the_yaml(lang: str, expected: str) -> None:
    result = CliRunner().invoke(
        app, ["run", str(SCENARIOS / "replay.yaml"), "--explain", "--lang", lang]
    )
    assert result.exit_code == 0, result.output
    assert expected in result.output
    head, _, body = result.output.partition("\nname:")
    assert all(line.startswith("#") for line in head.splitlines())
    assert yaml.safe_load("name:" + body)["load"]["kind"] == "replay"
