"""Replay plans: window, compression and peak multiplier applied to a real schedule file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from harness.config import Scenario
from harness.data.replay import replay_plan
from harness.data.schedule import scenario_offsets, share_of
from harness.data.traffic import write_schedule
from tests.config.test_scenario import MINIMAL


@pytest.fixture
def schedule(tmp_path: Path) -> Path:
    path = tmp_path / "schedule.parquet"
    offsets = np.arange(0.0, 1000.0, 10.0)  # 100 rows, one every 10 s
    frame = pd.DataFrame({"external_id": [f"T{i}" for i in range(100)]})
    write_schedule(path, offsets, frame, compression=1.0)
    return path


def replay(schedule: Path, **load: object) -> Scenario:
    data = {**MINIMAL, "bounds": {"max_duration": "1h", "max_requests": 1000}}
    data["load"] = {"kind": "replay", "schedule": str(schedule), **load}
    return Scenario.model_validate(data)


def test_window_and_compression(schedule: Path) -> None:
    plan = replay_plan(replay(schedule, duration="20s", compress=10, skip="100s"))
    # rows at 100..290 s of schedule time, 10x faster: 0, 1, ..., 19 s of run time
    assert plan.offsets == pytest.approx([float(i) for i in range(20)])
    assert plan.rows == list(range(10, 30))
    assert list(plan.frame.columns) == ["external_id"]


def test_peak_multiplier_scales_arrivals_and_keeps_every_row(schedule: Path) -> None:
    plan = replay_plan(replay(schedule, duration="100s", compress=10, peak_multiplier=2.5))
    assert 220 <= len(plan.offsets) <= 280  # 250 expected
    assert set(plan.rows) == set(range(100))
    assert plan.offsets == sorted(plan.offsets)
    assert (
        replay_plan(replay(schedule, duration="100s", compress=10, peak_multiplier=2.5)).offsets
        == plan.offsets
    )


def test_shares_of_a_replay_cover_it_once(schedule: Path) -> None:
    offsets = scenario_offsets(replay(schedule, duration="100s", compress=10))
    assert len(offsets) == 100
    numbers = sorted(n for i in range(3) for n, _ in share_of(offsets, i, 3))
    assert numbers == list(range(100))
