"""The search loop's ceilings, with the runs faked and the clock simulated (no traffic)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from harness.analysis.breakpoint import StepOutcome, judge
from harness.analysis.step_measure import StepMeasure
from harness.config import load_scenario
from harness.errors import ConfigError, TargetNotAllowed
from harness.orchestrate import breakpoints

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "scenarios" / "breakpoint.yaml"


class FakeTarget:
    """Routes at most ``capacity``/s; each step takes its arrivals, a drain and 5 s overhead."""

    def __init__(self, capacity: float) -> None:
        self.capacity = capacity
        self.now = 0.0
        self.max_durations: list[float] = []
        self.rates: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def run_vendor(self, step_path: Path, scenario: Any, vendor_path: Path, **kw: Any) -> Any:
        data = yaml.safe_load(step_path.read_text(encoding="utf-8"))
        assert data["vendors"] == [str(vendor_path.resolve())]
        bound = scenario.bounds.max_duration
        self.max_durations.append(bound)
        self.rates.append(scenario.load.rate)
        duration = min(bound, 1 + scenario.load.duration + 4)
        self.now += duration + 5
        summary = SimpleNamespace(duration_s=duration, complete=duration < bound, run_id="r")
        return SimpleNamespace(run_dir=kw["out_dir"], summary=summary, exit_code=0)

    def judge(self, spec: Any, thresholds: Any, run_dir: Path, summary: Any, index: int,
              phase: Any, rate: float, wall: float) -> StepOutcome:  # fmt: skip
        throughput = min(rate, self.capacity)
        measure = StepMeasure(10.0, 10, 10, rate, throughput, throughput * 0.3, 0.3)
        verdicts = judge(spec, [], measure)
        return StepOutcome(
            index, phase, rate, f"step-{index}", measure, verdicts, summary.complete, 300.0, 0.0,
            wall,
        )  # fmt: skip


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeTarget:
    target = FakeTarget(capacity=3.33)
    monkeypatch.setattr(breakpoints, "run_vendor", target.run_vendor)
    monkeypatch.setattr(breakpoints, "_judge_step", target.judge)
    return target


def _scenario(**changes: Any) -> Any:
    scenario = load_scenario(EXAMPLE)
    assert scenario.breakpoint is not None
    spec = scenario.breakpoint.model_copy(update=changes)
    return scenario.model_copy(update={"breakpoint": spec})


def _run(fake: FakeTarget, scenario: Any, tmp_path: Path) -> Any:
    vendor = scenario.vendor_paths(EXAMPLE)[0]
    return breakpoints.run_breakpoint(
        EXAMPLE, scenario, vendor, search_dir=tmp_path, clock=fake.clock, sleep=fake.sleep
    )


def test_the_whole_search_fits_in_max_time(fake: FakeTarget, tmp_path: Path) -> None:
    result = _run(fake, _scenario(max_time=70.0), tmp_path)
    assert result.stop_reason == "max_time"
    assert fake.now <= 70.0
    assert result.search_time_s <= 70.0
    assert len(fake.rates) == 2  # a third step would not have fitted


def test_step_bounds_shrink_to_the_time_left(fake: FakeTarget, tmp_path: Path) -> None:
    _run(fake, _scenario(max_time=100.0), tmp_path)
    assert fake.now <= 100.0
    assert all(bound >= 16 for bound in fake.max_durations)  # the arrivals always fit
    assert fake.max_durations[-1] < fake.max_durations[0]


def test_resolves_against_the_fake_target(fake: FakeTarget, tmp_path: Path) -> None:
    result = _run(fake, _scenario(), tmp_path)
    assert result.stop_reason == "resolved"
    assert result.breakpoint_rate == pytest.approx(3.33, rel=0.05)
    assert max(fake.rates) <= 20.0
    assert len(list(tmp_path.glob("steps/step-*.yaml"))) == len(fake.rates)


def test_rate_ceiling(fake: FakeTarget, tmp_path: Path) -> None:
    fake.capacity = 100.0
    result = _run(fake, _scenario(max_rate=6.0), tmp_path)
    assert fake.rates == [2.0, 3.2, 5.12, 6.0]
    assert result.stop_reason == "max_rate"


def test_a_scenario_without_the_block_is_refused(tmp_path: Path) -> None:
    scenario = load_scenario(ROOT / "scenarios" / "smoke.yaml")
    with pytest.raises(ConfigError, match="no `breakpoint:` block"):
        breakpoints.run_breakpoint(
            ROOT / "scenarios" / "smoke.yaml", scenario, Path("x"), search_dir=tmp_path
        )


def test_a_target_outside_allow_hosts_is_refused_before_anything(tmp_path: Path) -> None:
    vendor = tmp_path / "outside.yaml"
    vendor.write_text(
        (ROOT / "tests" / "load" / "scenarios" / "vendors" / "outside.yaml").read_text("utf-8"),
        encoding="utf-8",
    )
    with pytest.raises(TargetNotAllowed):
        breakpoints.run_breakpoint(EXAMPLE, _scenario(), vendor, search_dir=tmp_path / "search")
    assert not (tmp_path / "search").exists()
