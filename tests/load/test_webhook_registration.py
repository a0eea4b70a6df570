"""A vendor whose webhook registration fails: the run stops before any load, says why with the
vendor's answer, exits 3 and leaves no run that looks complete (issue 13)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.load.helpers import SCENARIOS, csm_harness

pytestmark = pytest.mark.slow


def test_failed_registration_stops_at_once_with_exit_3(tmp_path: Path) -> None:
    started = time.monotonic()
    done = csm_harness(
        "run", str(SCENARIOS / "webhook-broken.yaml"), "--out", str(tmp_path), cwd=tmp_path
    )
    took = time.monotonic() - started
    output = done.stdout + done.stderr
    assert done.returncode == 3, output
    assert "webhook" in output and "404" in output, output
    assert "Traceback" not in output
    assert not list(tmp_path.glob("**/summary.json")), "a run that never started has no summary"
    assert not list(tmp_path.glob("**/records/*.ndjson")) or all(
        p.stat().st_size == 0 for p in tmp_path.glob("**/records/*.ndjson")
    )
    assert took < 30, took  # generous for a loaded CI machine; the bench prints the real time
