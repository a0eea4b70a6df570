"""``csm-harness breakpoint`` over concurrent sessions, end to end on loopback: it finds the
session table of the session-capped sandbox (resized to 60, so the generator needs little CPU),
with the steps above 40 sessions run on two load processes, and the truth it never read.

A machine so busy that the harness itself was starved (its event loop late, or it could not
hold the sessions it was asked to) is said on the console and in the result. How long the
shipped search takes is a bench (bench_breakpoint_sessions.py), never asserted here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.load.helpers import csm_harness

ROOT = Path(__file__).resolve().parents[2]
TABLE = 60
pytestmark = pytest.mark.slow


def _scenario(tmp_path: Path) -> Path:
    vendor: dict[str, Any] = yaml.safe_load(
        (ROOT / "scenarios" / "vendors" / "sandbox-session-capped.yaml").read_text("utf-8")
    )
    vendor["sandbox"]["overrides"]["session_capacity"] = str(TABLE)
    (tmp_path / "vendor.yaml").write_text(yaml.safe_dump(vendor), encoding="utf-8")
    scenario: dict[str, Any] = yaml.safe_load(
        (ROOT / "scenarios" / "breakpoint-sessions.yaml").read_text("utf-8")
    )
    scenario["vendors"] = [str(tmp_path / "vendor.yaml")]
    scenario["conversation"].update({"agents": 12, "think_time": "5s"})
    scenario["breakpoint"].update({
        "start": 20, "ramp": "20/s", "hold": "14s", "warm_up": "4s", "max_sessions": 200,
        "max_time": "5m", "sessions_per_process": 40, "max_processes": 2,
    })  # fmt: skip
    path = tmp_path / "breakpoint-sessions.yaml"
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    return path


def test_finds_the_session_table_with_steps_on_two_processes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = csm_harness("breakpoint", str(_scenario(tmp_path)), "--out", str(out), cwd=tmp_path,
                       timeout=420)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    (folder,) = [p.parent for p in out.glob("*/breakpoint.json")]
    result = json.loads((folder / "breakpoint.json").read_text(encoding="utf-8"))
    steps = result["steps"]
    truth_file = folder / "steps" / steps[0]["run_id"] / "sandbox_truth.json"
    truth = json.loads(truth_file.read_text(encoding="utf-8"))["capacity"]
    assert truth["sessions"] == TABLE  # the sandbox's statement, never read by the search
    for step in steps:
        assert step["processes"] == (1 if step["rate_per_s"] <= 40 else 2), step
        assert (folder / "steps" / step["run_id"] / "summary.json").exists()
        if step["reliable"]:  # served: never above the table, and the target below it
            assert step["concurrency"] <= TABLE + 1, step
            if step["rate_per_s"] <= TABLE * 0.9:
                assert step["concurrency"] >= 0.9 * step["rate_per_s"], step
    assert result["kind"] == "sessions" and result["agents_mode"] == "fixed"
    assert (folder / "breakpoint.html").exists() and (folder / "breakpoint.zh-CN.html").exists()
    found, bad = result["breakpoint_sessions"], result["first_bad_sessions"]
    assert result["stop_reason"] == "resolved", done.stdout
    # served sessions are a count the table bounds, not a latency: they hold on a busy machine
    assert found == pytest.approx(TABLE, rel=0.10), (found, bad, done.stdout)
    assert bad == pytest.approx(TABLE / 0.95, rel=0.10)  # where served < 95 % of the target
    assert any(s["processes"] == 2 for s in steps)
    if not result["reliable"]:  # a starved generator is said, in the result and on the console
        assert "unreliable" in done.stdout
