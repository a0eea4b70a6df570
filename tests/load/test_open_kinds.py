"""Every open-model kind runs end to end against the embedded sandbox, and its arrivals follow
its shape: ``csm-harness run`` on a tiny scenario per kind (each at most 12 s of load)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.config import load_scenario
from harness.data.replay import replay_plan
from tests.load.helpers import SCENARIOS, csm_harness, records, run_dirs, summary

pytestmark = pytest.mark.slow

Run = tuple[dict[str, Any], list[dict[str, Any]], list[float]]  # summary, records, offsets


def _offsets(run_dir: Path, rows: list[dict[str, Any]]) -> list[float]:
    """Each ticket's intended start, seconds from the schedule's origin, by arrival number."""
    start_at = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["start_at"]
    return [r["intended_at"] - start_at for r in sorted(rows, key=lambda r: r["arrival"])]


def _created_per_phase(data: dict[str, Any]) -> dict[str, float]:
    return {p["phase"]["name"]: p["created_per_s"] for p in data["phases"]}


def check_step(data: dict[str, Any], offsets: list[float], _: list[dict[str, Any]]) -> None:
    phases = data["phases"]
    assert [p["phase"]["name"] for p in phases] == ["stage-1", "stage-2", "stage-3"]
    assert [p["phase"]["offered_rate_per_s"] for p in phases] == [2.0, 6.0, 10.0]
    assert [p["phase"]["planned"] for p in phases] == [8, 24, 40]
    assert [sum(a <= x < a + 4 for x in offsets) for a in (0, 4, 8)] == [8, 24, 40]
    achieved = [p["created_per_s"] for p in phases]
    assert achieved[0] < achieved[1] < achieved[2], achieved
    assert all(p["routing_p95_ms"] is not None for p in phases)


def check_spike(data: dict[str, Any], offsets: list[float], _: list[dict[str, Any]]) -> None:
    per_phase = _created_per_phase(data)
    assert list(per_phase) == ["before", "during", "after"]
    assert per_phase["during"] > 3 * max(per_phase["before"], per_phase["after"]), per_phase
    second = {p["t"]: p["tickets_created"] for p in data["timeline"]}
    spike = [second.get(t, 0) for t in range(5, 8)]  # inner seconds of the 4..8 s window
    calm = [second.get(t, 0) for t in (1, 2, 3, 9, 10, 11)]
    assert min(spike) > max(calm), (spike, calm)
    assert sum(4 <= x < 8 for x in offsets) == 48


def check_soak(data: dict[str, Any], offsets: list[float], _: list[dict[str, Any]]) -> None:
    phases = data["phases"]
    assert [p["phase"]["name"] for p in phases] == ["window-1", "window-2", "window-3"]
    assert [p["phase"]["planned"] for p in phases] == [16, 16, 16]
    assert all(p["error_rate"] == 0.0 for p in phases)
    drift = data["drift"]
    assert drift is not None and drift["limit"] == 1.5 and drift["first_p95_ms"] is not None
    assert drift["drifted"] == (drift["ratio"] > 1.5)


def check_ramp(data: dict[str, Any], offsets: list[float], _: list[dict[str, Any]]) -> None:
    first = sum(x < 5 for x in offsets)
    assert (first, len(offsets) - first) == (15, 35)  # 1/s -> 9/s: the area under the ramp
    achieved = list(_created_per_phase(data).values())
    assert len(achieved) == 4 and achieved[0] < achieved[-1]


def check_replay(data: dict[str, Any], offsets: list[float], rows: list[dict[str, Any]]) -> None:
    plan = replay_plan(load_scenario(SCENARIOS / "open-replay.yaml"))
    assert offsets == pytest.approx(plan.offsets, abs=1e-3)
    frame = plan.frame
    for record in rows:
        row = frame.iloc[plan.rows[record["arrival"]]]
        sent = (record["category"], record["channel"], record["priority"])
        assert sent == (row["category"], row["channel"], row["priority"] or "normal")
    assert len({r["external_id"] for r in rows}) == len(rows)
    assert Counter(plan.copies)[1] > 0  # peak_multiplier 1.5 made copies, each with its own id
    assert len(data["phases"]) == 4


CASES: dict[str, Callable[[dict[str, Any], list[float], list[dict[str, Any]]], None]] = {
    "step": check_step,
    "spike": check_spike,
    "soak": check_soak,
    "ramp": check_ramp,
    "replay": check_replay,
}


@pytest.mark.parametrize("kind", list(CASES))
def test_open_kind_runs_end_to_end(kind: str, tmp_path: Path) -> None:
    done = csm_harness(
        "run", str(SCENARIOS / f"open-{kind}.yaml"), "--out", str(tmp_path), cwd=tmp_path,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "arrival rate: mean" in done.stdout  # the plan numbers, printed as the run starts
    [run_dir] = run_dirs(tmp_path)
    data = summary(run_dir)
    rows = records(run_dir)
    planned = data["load"]["planned_arrivals"]
    created = data["metrics"]["tickets_created"]["count"]
    failed = sum(r["outcome"].startswith("failed") for r in rows)
    assert planned > 0 and planned == created + failed == len(rows)
    assert sorted(r["arrival"] for r in rows) == list(range(planned))
    # open-model honesty: latency from the intended start, lateness counted, generator watched
    assert all(r["create_ms"] is None or r["create_ms"] >= r["lag_ms"] for r in rows)
    assert data["metrics"]["late_arrivals"]["total"] == planned
    assert data["generator"]["cpu_max_percent"] > 0
    CASES[kind](data, _offsets(run_dir, rows), rows)
    report = (run_dir / "report.html").read_text(encoding="utf-8")
    assert ("分阶段结果" in report) == bool(data["phases"])
