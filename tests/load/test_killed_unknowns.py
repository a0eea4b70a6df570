"""A create whose answer was lost is on disk as "unknown" at once, not only after the lookup
at the run's end: a run killed mid-way keeps those tickets (issue 13), and a run that ends
supersedes them with the lookup's outcome (tests/load/test_lost_answers.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest

from harness.metrics.records import read_records
from tests.fixtures.sandbox import SandboxFactory
from tests.load.helpers import csm_harness

pytestmark = pytest.mark.slow


def _scenario(tmp_path: Path, url: str, token: str) -> Path:
    token_file = tmp_path / "sandbox.token"
    token_file.write_text(token + "\n", encoding="utf-8")
    token_file.chmod(0o600)
    (tmp_path / "vendor.yaml").write_text(
        "name: external\ntitle: {en: External sandbox, zh-CN: 外部沙箱}\n"
        f"adapter: sandbox\nbase_url: {url}\n"
        "auth: {kind: bearer, token_file: sandbox.token}\nwebhooks: {supported: false}\n",
        encoding="utf-8",
    )
    scenario = tmp_path / "killed.yaml"
    scenario.write_text(
        "name: killed\nvendors: [vendor.yaml]\n"
        "bounds: {max_duration: 1m, max_requests: 100000}\n"
        "traffic: {kind: synthetic, categories: {billing: 1}, channels: {web: 1}, "
        "priorities: {normal: 1}}\n"
        "load: {kind: arrival-rate, rate: 20/s, duration: 40s, max_users: 40, "
        "arrivals: uniform}\n"
        "probe: {mode: polling, poll_interval: 200ms, timeout: 20s}\n",
        encoding="utf-8",
    )
    return scenario


def _pending_lines(out: Path) -> int:
    return sum(p.read_bytes().count(b"\n") for p in out.glob("*/*/records/pending-*.ndjson"))


def test_a_killed_run_keeps_its_unknown_outcomes(
    tmp_path: Path, sandbox_factory: SandboxFactory, sandbox_token: str
) -> None:
    sandbox = sandbox_factory("solid", faults="lost_answer=0.1")
    out = tmp_path / "out"
    out.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-m", "harness", "run", str(_scenario(tmp_path, sandbox.url,
         sandbox_token)), "--out", str(out)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "CSM_HARNESS_LANG": "en"}, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while _pending_lines(out) < 5 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _pending_lines(out) >= 5, "no lost answer reached the disk in time"
        os.killpg(child.pid, signal.SIGKILL)  # the harness and its load process, at once
        child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    [run_dir] = [p.parent for p in out.glob("*/*/records")]
    assert not (run_dir / "summary.json").exists()
    rows = read_records(run_dir)
    unknown = {r["external_id"] for r in rows if r["outcome"].startswith("unknown:")}
    assert len(unknown) >= 5
    assert len(rows) == len({r["external_id"] for r in rows})  # one record a ticket
    # each is a create the vendor may hold: sent, answer lost; the vendor has them (the fault
    # drops the answer after doing the request)
    truth = httpx.get(
        f"{sandbox.url}/_sandbox/truth", headers={"Authorization": f"Bearer {sandbox_token}"}
    ).json()
    assert unknown <= {t["external_id"] for t in truth["tickets"]}

    done = csm_harness("report", str(run_dir), cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    table = pq.read_table(run_dir / "tickets.parquet").to_pylist()
    assert {r["external_id"] for r in table if r["outcome"].startswith("unknown:")} == unknown
    assert json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))["complete"] is False
