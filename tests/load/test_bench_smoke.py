"""The issue-13 bench runs end to end in its --smoke mode (CI runs it; the figures come from the
full mode, see bench/bench_routing_truth.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def test_routing_truth_bench_smoke() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_routing_truth.py"), "--smoke"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for label in ("polling, default interval", "polling every 100 ms",
                  "vendor timestamps (polling run)", "webhook"):  # fmt: skip
        [row] = [line for line in lines if line.startswith(label)]
        joined = row[len(label) :].split()[0]
        routed, created = joined.split("/")
        assert int(routed) == int(created) > 0, row  # every ticket joined 1:1 with the truth
