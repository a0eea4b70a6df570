"""Distributed runs on Locust's engine: the same totals from one process and from two workers,
and a master joined by two ``csm-harness worker`` processes over loopback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.load.helpers import SCENARIOS, csm_harness, free_port, records, run_dirs, summary

pytestmark = pytest.mark.slow
SCENARIO = SCENARIOS / "split.yaml"
PLANNED = 40  # 10/s for 4 s, uniform


def _totals(run_dir: Path) -> dict[str, Any]:
    data = summary(run_dir)
    metrics = data["metrics"]
    return {
        "planned": data["load"]["planned_arrivals"],
        "created": metrics["tickets_created"]["count"],
        "routed": metrics["tickets_routed"]["count"],
        "verdict": data["verdict"],
    }


def _arrivals(run_dir: Path) -> Counter[int]:
    return Counter(int(row["arrival"]) for row in records(run_dir))


def _run(out: Path, *extra: str) -> Path:
    out.mkdir()
    done = csm_harness("run", str(SCENARIO), "--out", str(out), *extra, cwd=out, timeout=90)
    assert done.returncode == 0, done.stdout + done.stderr
    [run_dir] = run_dirs(out)
    return run_dir


def test_two_workers_give_the_same_totals_as_one_process(tmp_path: Path) -> None:
    single = _run(tmp_path / "one")
    split = _run(tmp_path / "two", "--workers", "2")
    expected = {"planned": PLANNED, "created": PLANNED, "routed": PLANNED, "verdict": "pass"}
    assert _totals(single) == expected
    assert _totals(split) == expected
    assert summary(split)["generator"]["workers"] == 2
    for run_dir in (single, split):  # every arrival sent once: no overlap, no loss
        arrivals = _arrivals(run_dir)
        assert sorted(arrivals) == list(range(PLANNED)), run_dir
        assert set(arrivals.values()) == {1}, run_dir
    by_process = Counter(row["process"].split("-")[0] for row in records(split))
    assert by_process == {"0": PLANNED // 2, "1": PLANNED // 2}


def test_master_waits_for_two_worker_commands_and_splits_the_run(tmp_path: Path) -> None:
    port = str(free_port())
    env = {**os.environ, "CSM_HARNESS_LANG": "en", "CSM_SANDBOX_TOKEN": "loopback-test-token"}
    master = subprocess.Popen(
        [sys.executable, "-m", "harness", "run", str(SCENARIO), "--out", str(tmp_path),
         "--expect-workers", "2", "--master-bind-host", "127.0.0.1",
         "--master-bind-port", port, "--expect-workers-max-wait", "30"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    workers: list[subprocess.Popen[str]] = []
    try:
        time.sleep(1.0)  # the master binds; workers retry anyway
        worker_argv = [sys.executable, "-m", "harness", "worker", "--master", "127.0.0.1",
                       "--master-port", port]  # fmt: skip
        workers += [
            subprocess.Popen(
                worker_argv,
                cwd=tmp_path,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(2)
        ]
        output, _ = master.communicate(timeout=60)
        assert master.returncode == 0, output
        assert "waiting for 2 worker(s)" in output
        for worker in workers:
            worker_output, _ = worker.communicate(timeout=20)
            assert worker.returncode == 0, worker_output
            assert "Joining the master at 127.0.0.1" in worker_output
    finally:
        for process in (master, *workers):
            if process.poll() is None:
                process.kill()
                process.wait()
    [run_dir] = run_dirs(tmp_path)
    assert _totals(run_dir) == {
        "planned": PLANNED, "created": PLANNED, "routed": PLANNED, "verdict": "pass"
    }  # fmt: skip
    rows = records(run_dir)
    by_process = Counter(row["process"].split("-")[0] for row in rows)
    assert by_process == {"0": PLANNED // 2, "1": PLANNED // 2}  # both workers sent tickets
    assert sum(by_process.values()) == summary(run_dir)["metrics"]["tickets_created"]["count"]
    assert sorted(_arrivals(run_dir).elements()) == list(range(PLANNED))
    assert summary(run_dir)["generator"]["workers"] == 2
