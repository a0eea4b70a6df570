"""A vendor that stalls for 2 s in mid-run: open-loop measurement must show it.

Latency counts from each arrival's intended start, so the arrivals held up by the stall carry
its full length into ticket_create's tail, while the median stays low; with only 4 users, the
arrivals due during the stall start late and are counted (coordinated omission, done right).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.fixtures.sandbox import SandboxFactory
from tests.load.helpers import SCENARIOS, summary

ROOT = Path(__file__).resolve().parents[2]
PAUSE_S = 2.0
PLANNED = 160  # 20/s for 8 s
pytestmark = pytest.mark.slow


def test_a_two_second_stall_shows_in_p99_and_late_arrivals(
    tmp_path: Path, sandbox_factory: SandboxFactory, sandbox_token: str
) -> None:
    sandbox = sandbox_factory()
    run_dir = tmp_path / "run"
    env = {**os.environ, "CSM_SANDBOX_TOKEN": sandbox_token, "CSM_HARNESS_LANG": "en"}
    locust = subprocess.Popen(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "locustfile.py"), "--headless",
         "--scenario", str(SCENARIOS / "stall.yaml"), "--host", sandbox.url,
         "--run-dir", str(run_dir), "--only-summary", "--loglevel", "WARNING"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {sandbox_token}"}
    try:
        with httpx.Client(base_url=sandbox.url, headers=headers, timeout=10) as client:
            deadline = time.monotonic() + 30
            while len(client.get("/_sandbox/truth").json()["tickets"]) < 50:  # 2.5 s in
                assert time.monotonic() < deadline, "the run never reached 50 tickets"
                assert locust.poll() is None, locust.communicate()[0]
                time.sleep(0.05)
            client.post("/_sandbox/pause", json={"seconds": PAUSE_S}).raise_for_status()
        output, _ = locust.communicate(timeout=60)
    finally:
        if locust.poll() is None:
            locust.kill()
            locust.wait()
    assert locust.returncode == 0, output[-3000:]
    data = summary(run_dir)
    create = data["metrics"]["ticket_create"]
    assert data["metrics"]["tickets_created"]["count"] == PLANNED
    assert create["p99_ms"] >= 0.85 * PAUSE_S * 1000  # the stall, measured from intended start
    assert create["max_ms"] >= 0.95 * PAUSE_S * 1000
    assert create["p50_ms"] < 250  # most arrivals never met the stall
    generator = data["generator"]
    assert generator["late_arrivals"] >= 20  # 4 users blocked, 40 arrivals due in 2 s
    assert generator["max_lag_s"] >= 0.75 * PAUSE_S
    late_notes = [n["en"] for n in data["notes"] if n["en"].startswith("Insufficient users")]
    assert late_notes and f"{generator['late_arrivals']} arrivals started late" in late_notes[0]
