"""Crash safety: a run killed with SIGKILL still renders (incomplete, up to its last flushed
second), and Ctrl-C ends a run cleanly with a report."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.fixtures.sandbox import SandboxFactory
from tests.load.helpers import SCENARIOS, csm_harness

pytestmark = pytest.mark.slow
RATE = 20  # arrivals a second in the killed run


def _external_scenario(tmp_path: Path, url: str, token: str, seconds: int = 30) -> Path:
    """A scenario against an already running sandbox, the token in a private file."""
    token_file = tmp_path / "sandbox.token"
    token_file.write_text(token + "\n", encoding="utf-8")
    token_file.chmod(0o600)
    (tmp_path / "vendor.yaml").write_text(
        "name: external\n"
        "title: {en: External sandbox, zh-CN: 外部沙箱}\n"
        f"adapter: sandbox\nbase_url: {url}\n"
        "auth: {kind: bearer, token_file: sandbox.token}\n"
        "webhooks: {supported: false}\n",
        encoding="utf-8",
    )
    scenario = tmp_path / "killed.yaml"
    scenario.write_text(
        "name: killed\nvendors: [vendor.yaml]\n"
        "bounds: {max_duration: 1m, max_requests: 100000}\n"
        "traffic: {kind: synthetic, categories: {billing: 1}, channels: {web: 1}, "
        "priorities: {normal: 1}}\n"
        f"load: {{kind: arrival-rate, rate: {RATE}/s, duration: {seconds}s, max_users: 40, "
        "arrivals: uniform}\n"
        "probe: {mode: polling, poll_interval: 200ms, timeout: 20s}\n",
        encoding="utf-8",
    )
    return scenario


def _start(scenario: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "harness", "run", str(scenario), "--out", str(out)],
        cwd=out.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "CSM_HARNESS_LANG": "en"}, start_new_session=True,
    )  # fmt: skip


def _wait_for_lines(out: Path, lines: int, timeout: float = 40) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in out.glob("*/*/metrics.ndjson"):
            if path.read_bytes().count(b"\n") >= lines:
                return path.parent
        time.sleep(0.1)
    raise AssertionError(f"no run wrote {lines} metric lines within {timeout} s")


def test_sigkill_mid_run_leaves_a_folder_that_still_renders(
    tmp_path: Path, sandbox_factory: SandboxFactory, sandbox_token: str
) -> None:
    sandbox = sandbox_factory("solid")
    scenario = _external_scenario(tmp_path, sandbox.url, sandbox_token)
    out = tmp_path / "out"
    out.mkdir()
    child = _start(scenario, out)
    try:
        run_dir = _wait_for_lines(out, 6)
        time.sleep(0.6)  # mid-way through a flush cycle, not right after a flush
        killed_at = time.time()
        os.killpg(child.pid, signal.SIGKILL)  # the harness and its load process, at once
        child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    assert not (run_dir / "summary.json").exists()
    lines = (run_dir / "metrics.ndjson").read_bytes().splitlines()
    last_at = json.loads(lines[-1])["at"]

    done = csm_harness("report", str(run_dir), cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "INCOMPLETE run" in done.stdout
    assert "Traceback" not in done.stderr
    data = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    assert data["complete"] is False
    assert any("killed or crashed" in note["en"] for note in data["notes"])
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "This run was cut short" in html  # the incomplete banner
    assert (run_dir / "tickets.parquet").exists()

    # samples lost: the vendor's own count against what the harness had on disk
    truth = httpx.get(
        f"{sandbox.url}/_sandbox/truth", headers={"Authorization": f"Bearer {sandbox_token}"}
    ).json()
    created_by_vendor = len(truth["tickets"])
    on_disk = data["metrics"]["tickets_created"]["count"]
    lost = created_by_vendor - on_disk
    print(
        f"\nSIGKILL: flushed {killed_at - last_at:.2f} s before the kill; tickets created "
        f"{created_by_vendor}, on disk {on_disk}, lost {lost} (= {lost / RATE:.2f} s at {RATE}/s)"
    )
    assert killed_at - last_at <= 1.5
    assert 0 <= lost <= RATE * 1.5  # at most the last second (plus requests in flight)


def test_ctrl_c_ends_the_run_cleanly_with_a_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    child = _start(SCENARIOS / "interruptible.yaml", out)
    try:
        run_dir = _wait_for_lines(out, 3)
        child.send_signal(signal.SIGINT)  # to the csm-harness process only
        stdout, stderr = child.communicate(timeout=45)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    assert child.returncode == 130, stdout + stderr
    assert "Traceback" not in stderr
    assert "Interrupted: the report covers the part that ran." in stderr
    data = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    assert data["complete"] is False
    assert any("interrupt (Ctrl-C or SIGTERM)" in note["en"] for note in data["notes"])
    assert (run_dir / "report.html").exists()
    assert data["metrics"]["tickets_created"]["count"] > 0
