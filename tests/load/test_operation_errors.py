"""``errors`` is about the load's ticket operations only: failing creates beside successful
polls give failed creates / creates, and the probe's polls have their own counters (issue 13)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.load.helpers import SCENARIOS, csm_harness, records, run_dirs, summary

pytestmark = pytest.mark.slow


def test_errors_are_failed_ticket_operations_over_ticket_operations(tmp_path: Path) -> None:
    done = csm_harness(
        "run", str(SCENARIOS / "failing-creates.yaml"), "--out", str(tmp_path), cwd=tmp_path
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    [run_dir] = run_dirs(tmp_path)
    data = summary(run_dir)
    metrics = data["metrics"]
    truth = json.loads((run_dir / "sandbox_truth.json").read_text(encoding="utf-8"))
    injected = truth["faults"]["injected"]["create_5xx"]
    planned = data["load"]["planned_arrivals"]
    failed = [r for r in records(run_dir) if r["outcome"].startswith("failed")]

    assert injected > 0, "no create failed: the test proves nothing"
    assert len(failed) == injected
    errors = metrics["errors"]
    assert (errors["hits"], errors["total"]) == (injected, planned)  # creates only
    assert errors["rate"] == pytest.approx(injected / planned)
    probes = metrics["probe_requests"]["count"]
    assert probes == sum(r["polls"] for r in records(run_dir)) > 0
    assert metrics["probe_errors"]["hits"] == 0
    assert metrics["requests"]["count"] == planned + probes

    # the last progress line, the table and the summary agree
    progress = re.findall(r"errors (\d+)", done.stdout)
    assert progress and int(progress[-1]) == injected, done.stdout[-1500:]
    shown = f"{injected / planned * 100:.2f}%"
    table = [line for line in done.stdout.splitlines() if "Sandbox (failing creates)" in line]
    assert shown in table[-1], done.stdout[-1500:]
    assert f"rate={shown}" in done.stdout

    # counters per second are over the arrival window, as throughput is; the drain apart
    created, window = metrics["tickets_created"], data["throughput"]
    assert created["per_second"] == window["created_per_s"]
    assert created["in_window"] == window["created"]
    assert created["in_drain"] == window["created_in_drain"]
    assert created["in_window"] + created["in_drain"] == created["count"]
    routed = metrics["tickets_routed"]
    assert (routed["per_second"], routed["in_drain"]) == (
        window["routed_per_s"], window["routed_in_drain"])  # fmt: skip
