"""Requests per CPU-second of the harness's CustomerUser (schedule feed, webhook probe, harness
histograms and per-ticket records on) next to a bare Locust FastHttpUser posting to the same
sandbox endpoint at the same rate, in one invocation.

    .venv/bin/python bench/bench_load.py [--seconds 30]

Each side is a separate ``locust --headless`` child process; its CPU (user + system, from
``getrusage(RUSAGE_CHILDREN)``) includes Locust's start-up, the same for both sides. The sandbox
runs in its own process and is not counted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness.sandbox import SandboxProcess

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).parent


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _measure(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    cpu0, wall0 = _children_cpu(), time.monotonic()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return _children_cpu() - cpu0, time.monotonic() - wall0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    options = parser.parse_args()
    token = secrets.token_urlsafe(16)
    env = {**os.environ, "CSM_SANDBOX_TOKEN": token}
    overrides = {"rate_limit_rps": "0", "agents": "200"}
    with (
        SandboxProcess("solid", overrides, token=token) as sandbox,
        tempfile.TemporaryDirectory() as tmp,
    ):
        run_dir = Path(tmp) / "harness"
        harness_cpu, harness_wall = _measure(
            [
                sys.executable, "-m", "locust", "-f", str(ROOT / "harness/load/locustfile.py"),
                "--headless", "--only-summary", "--exit-code-on-error", "0",
                "--scenario", str(HERE / "scenarios/throughput.yaml"), "--host", sandbox.url,
                "--run-dir", str(run_dir),
            ],
            env,
        )  # fmt: skip
        summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
        harness_requests = summary["metrics"]["requests"]["count"]
        bare_prefix = Path(tmp) / "bare"
        bare_cpu, bare_wall = _measure(
            [
                sys.executable, "-m", "locust", "-f", str(HERE / "bare_locustfile.py"),
                "--headless", "--only-summary", "--exit-code-on-error", "0", "-u", "100",
                "-r", "100", "-t", f"{options.seconds}s", "--host", sandbox.url,
                "--csv", str(bare_prefix),
            ],
            env,
        )  # fmt: skip
        with Path(f"{bare_prefix}_stats.csv").open(encoding="utf-8") as handle:
            rows = [r for r in csv.DictReader(handle) if r["Name"] == "Aggregated"]
        bare_requests = int(rows[0]["Request Count"])
    harness_rate = harness_requests / harness_cpu
    bare_rate = bare_requests / bare_cpu
    print(f"{'side':<38}{'requests':>10}{'CPU s':>9}{'wall s':>9}{'req/CPU-s':>11}")
    print(
        f"{'harness CustomerUser (probes, metrics)':<38}{harness_requests:>10}"
        f"{harness_cpu:>9.2f}{harness_wall:>9.1f}{harness_rate:>11.0f}"
    )
    print(
        f"{'bare FastHttpUser':<38}{bare_requests:>10}{bare_cpu:>9.2f}{bare_wall:>9.1f}"
        f"{bare_rate:>11.0f}"
    )
    print(f"harness / bare efficiency: {harness_rate / bare_rate:.2f}")
    ticket = summary["metrics"]["ticket_create"]
    print(
        f"harness ticket_create p50={ticket['p50_ms']:.1f} ms p99={ticket['p99_ms']:.1f} ms; "
        f"late arrivals {summary['metrics']['late_arrivals']['hits']}"
    )


if __name__ == "__main__":
    main()
