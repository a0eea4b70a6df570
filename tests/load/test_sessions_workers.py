"""Chat sessions split across load processes (``--workers 2`` and ``csm-harness worker``):
conversations, agents and message streams never overlap, and the totals, the concurrency
gauge included, add up exactly; the sandbox's truth is the referee."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest

from harness.metrics.series import SeriesStore
from harness.sandbox import SandboxProcess
from tests.load.helpers import SCENARIOS, csm_harness, free_port, run_dirs, summary

pytestmark = pytest.mark.slow
LOCUSTFILE = Path(__file__).resolve().parents[2] / "harness" / "load" / "locustfile.py"
PLANNED = 120  # 20/s for 6 s, uniform
MESSAGES = 3
AGENTS = 10


def _run(out: Path, scenario: str, *extra: str) -> Path:
    out.mkdir()
    done = csm_harness("run", str(SCENARIOS / scenario), "--out", str(out), *extra, cwd=out)
    assert done.returncode == 0, done.stdout + done.stderr
    [run_dir] = run_dirs(out)
    return run_dir


def _totals(run_dir: Path) -> dict[str, Any]:
    metrics = summary(run_dir)["metrics"]
    sessions = pd.read_parquet(run_dir / "sessions.parquet")
    return {
        "opened": metrics["sessions_opened"]["count"],
        "closed": metrics["sessions_closed"]["count"],
        "sent": metrics["messages_sent"]["count"],
        "received": metrics["messages_received"]["count"],
        "lost": metrics["messages_lost"]["hits"],
        "duplicated": metrics["messages_duplicated"]["hits"],
        "errors": metrics["errors"]["hits"],
        "records": len(sessions),
        "outcomes": dict(Counter(sessions.outcome)),
        "arrivals": sorted(sessions.arrival),
        "sign_ins": _requests(run_dir, "POST /agents/{id}/sign-in"),
    }


def _requests(run_dir: Path, name: str) -> int:
    with (run_dir / "locust_stats.csv").open(encoding="utf-8") as stats:
        return sum(
            int(row["Request Count"]) for row in csv.DictReader(stats) if row["Name"] == name
        )


def _truth(run_dir: Path) -> list[dict[str, Any]]:
    data = json.loads((run_dir / "sandbox_truth.json").read_text("utf-8"))
    rows: list[dict[str, Any]] = data["sessions"]
    return rows


def _concurrency(run_dir: Path) -> list[int]:
    store = SeriesStore()
    for line in (run_dir / "metrics.ndjson").read_text(encoding="utf-8").splitlines():
        store.merge(json.loads(line)["metrics"])
    return [store.counter_at("sessions_open", second) for second in store.seconds()]


def _reconciles_with_truth(run_dir: Path) -> None:
    """Every session the vendor saw is one the harness counted, and every customer message."""
    metrics = summary(run_dir)["metrics"]
    rows = _truth(run_dir)
    sessions = pd.read_parquet(run_dir / "sessions.parquet")
    # a message on the wire when the run stopped, or whose answer never came, may or may not be
    # the vendor's: it is counted "outcome unknown", and the truth lies within those bounds
    unknown = metrics["messages_unknown"]["count"]
    opened = metrics["sessions_opened"]["count"]
    assert opened <= len(rows) <= opened + unknown
    assert len(sessions) >= opened
    assert not sessions.external_id.duplicated().any()
    senders = Counter(m["sender"] for r in rows for m in r["messages"])
    sent = metrics["messages_sent"]["count"]
    assert sent <= senders["customer"] <= sent + unknown, (sent, unknown, senders)


def test_two_workers_hold_the_same_conversations_as_one_process(tmp_path: Path) -> None:
    single = _run(tmp_path / "one", "sessions-split.yaml")
    split = _run(tmp_path / "two", "sessions-split.yaml", "--workers", "2")
    expected = {
        "opened": PLANNED, "closed": PLANNED, "sent": PLANNED * MESSAGES,
        "received": PLANNED * MESSAGES, "lost": 0, "duplicated": 0, "errors": 0,
        "records": PLANNED, "outcomes": {"closed": PLANNED}, "arrivals": list(range(PLANNED)),
        "sign_ins": AGENTS,  # each agent played by exactly one process
    }  # fmt: skip
    assert _totals(single) == expected
    assert _totals(split) == expected
    assert summary(split)["generator"]["workers"] == 2
    for run_dir in (single, split):
        _reconciles_with_truth(run_dir)
    by_process = Counter(
        row.split("-")[0] for row in pd.read_parquet(split / "sessions.parquet").process
    )
    assert by_process == {"0": PLANNED // 2, "1": PLANNED // 2}


def test_worker_commands_hold_the_closed_model_concurrency_exactly(tmp_path: Path) -> None:
    """200 sessions held by two ``csm-harness worker`` processes: the merged gauge reaches 200
    and never more, and every session and customer message the vendor saw was counted."""
    port = str(free_port())
    env = {**os.environ, "CSM_HARNESS_LANG": "en", "CSM_SANDBOX_TOKEN": "loopback-test-token"}
    master = subprocess.Popen(
        [sys.executable, "-m", "harness", "run", str(SCENARIOS / "sessions.yaml"),
         "--out", str(tmp_path), "--expect-workers", "2", "--master-bind-host", "127.0.0.1",
         "--master-bind-port", port, "--expect-workers-max-wait", "30"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    workers: list[subprocess.Popen[str]] = []
    try:
        time.sleep(1.0)
        argv = [sys.executable, "-m", "harness", "worker", "--master", "127.0.0.1",
                "--master-port", port]  # fmt: skip
        workers += [
            subprocess.Popen(argv, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
            for _ in range(2)
        ]  # fmt: skip
        output, _ = master.communicate(timeout=120)
        assert master.returncode == 0, output
        for worker in workers:
            worker_output, _ = worker.communicate(timeout=30)
            assert worker.returncode == 0, worker_output
    finally:
        for process in (master, *workers):
            if process.poll() is None:
                process.kill()
                process.wait()
    [run_dir] = run_dirs(tmp_path)
    concurrency = _concurrency(run_dir)
    assert max(concurrency) == 200
    assert sum(1 for value in concurrency if value >= 190) >= 5
    _reconciles_with_truth(run_dir)
    assert _requests(run_dir, "POST /agents/{id}/sign-in") == AGENTS
    metrics = summary(run_dir)["metrics"]
    assert metrics["messages_lost"]["hits"] == 0
    assert metrics["messages_duplicated"]["hits"] == 0
    sessions = pd.read_parquet(run_dir / "sessions.parquet")
    assert {row.split("-")[0] for row in sessions.process} == {"0", "1"}


def test_two_workers_on_two_sandbox_shards_hold_the_same_totals(tmp_path: Path) -> None:
    """``--target-hosts``: each load process talks to its own sandbox (its shard), its agents
    are that shard's; the totals equal one process's, and each sandbox saw only the sessions
    of the process that targets it."""
    token = "loopback-test-token"
    overrides = {"simulated_agents": "false", "agents": "5", "agent_capacity": "60"}
    overrides["rate_limit_rps"] = "0"
    with (
        SandboxProcess("solid", overrides, token=token, host="127.0.0.1") as first,
        SandboxProcess("solid", overrides, token=token, host="127.0.0.2") as second,
    ):
        run_dir = tmp_path / "run"
        port = str(free_port())
        env = {**os.environ, "CSM_SANDBOX_TOKEN": token, "CSM_HARNESS_LANG": "en"}
        done = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
             "--scenario", str(SCENARIOS / "sessions-split.yaml"), "--host", first.url,
             "--target-hosts", f"{first.url},{second.url}", "--run-dir", str(run_dir),
             "--run-id", "shards", "--only-summary", "--loglevel", "WARNING",
             "--exit-code-on-error", "0", "--stop-timeout", "5", "--csv", str(run_dir / "locust"),
             "--processes", "2", "--master-bind-host", "127.0.0.1", "--master-bind-port", port,
             "--master-host", "127.0.0.1", "--master-port", port],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        truths = [
            httpx.get(
                f"{sandbox.url}/_sandbox/truth", headers={"Authorization": f"Bearer {token}"}
            ).json()
            for sandbox in (first, second)
        ]
    expected = {
        "opened": PLANNED, "closed": PLANNED, "sent": PLANNED * MESSAGES,
        "received": PLANNED * MESSAGES, "lost": 0, "duplicated": 0, "errors": 0,
        "records": PLANNED, "outcomes": {"closed": PLANNED}, "arrivals": list(range(PLANNED)),
        "sign_ins": AGENTS,  # five agents a shard, each played once
    }  # fmt: skip
    assert _totals(run_dir) == expected
    sessions = pd.read_parquet(run_dir / "sessions.parquet")
    processes = sessions.process.str.split("-").str[0]
    process_of = dict(zip(sessions.external_id, processes, strict=True))
    for shard, truth in enumerate(truths):
        rows = truth["sessions"]
        assert len(rows) == PLANNED // 2
        assert {process_of[row["external_id"]] for row in rows} == {str(shard)}
        assert Counter(m["sender"] for r in rows for m in r["messages"]) == {
            "customer": PLANNED // 2 * MESSAGES, "agent": PLANNED // 2 * MESSAGES
        }  # fmt: skip
        assert all(row["agent_id"] is not None for row in rows)  # the shard's agents answered
