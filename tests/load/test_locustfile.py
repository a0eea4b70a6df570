"""Plain ``locust -f locustfile.py`` keeps working, and exit codes follow the thresholds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.load.helpers import SCENARIOS, csm_harness, run_dirs, summary

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_plain_locust_headless_runs_a_scenario_and_writes_results(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    done = subprocess.run(
        [
            sys.executable, "-m", "locust", "-f", str(ROOT / "locustfile.py"), "--headless",
            "--scenario", str(SCENARIOS / "tiny.yaml"), "--run-dir", str(run_dir),
            "--only-summary",
        ],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    assert data["verdict"] == "pass"
    assert data["metrics"]["tickets_created"]["count"] == 20
    assert data["metrics"]["tickets_routed"]["count"] == 20
    assert (run_dir / "report.html").exists()
    assert "POST /tickets" in done.stderr  # Locust's own summary table is still there


def test_plain_locust_without_scenario_says_what_to_pass(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "locustfile.py"), "--headless"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--scenario is required" in done.stderr
    assert "Traceback" not in done.stderr


def test_failed_threshold_exits_1_with_measured_values(tmp_path: Path) -> None:
    done = csm_harness(
        "run", str(SCENARIOS / "impossible.yaml"), "--out", str(tmp_path), cwd=tmp_path
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "✗ routing_latency 'p50 < 1ms'  p50=" in done.stdout
    assert "✗ tickets_created 'count >= 1000000'  count=15" in done.stdout
    [run_dir] = run_dirs(tmp_path)
    assert summary(run_dir)["verdict"] == "fail"
    probe = summary(run_dir)["probe"]
    assert {k: probe[k] for k in ("mode", "poll_interval_s", "timeout_s")} == {
        "mode": "polling",
        "poll_interval_s": 0.2,
        "timeout_s": 20.0,
    }
