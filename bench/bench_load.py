"""Requests per CPU-second of the harness's CustomerUser (schedule feed, webhook probe, harness
histograms and per-ticket records on) next to a bare Locust FastHttpUser posting to the same
sandbox endpoint at the same rate, in one invocation.

    .venv/bin/python bench/bench_load.py [--seconds 30]

Each side is a separate ``locust --headless`` child process; its CPU (user + system, from
``getrusage(RUSAGE_CHILDREN)``) includes start-up and shut-down. Both sides run a second time
with almost no load (3 requests) to measure that fixed cost, and the marginal CPU per request is
printed next to the raw figures. The sandbox runs in its own process and is not counted. Per
ticket the harness makes one request (create) and receives one webhook delivery.
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
from dataclasses import dataclass
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
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    token = secrets.token_urlsafe(16)
    env = {**os.environ, "CSM_SANDBOX_TOKEN": token}
    overrides = {"rate_limit_rps": "0", "agents": "200"}
    with (
        SandboxProcess("solid", overrides, token=token) as sandbox,
        tempfile.TemporaryDirectory() as tmp,
    ):
        work = Path(tmp)
        harness = (
            _harness_side(sandbox.url, work / "h-full", env, "throughput.yaml"),
            _harness_side(sandbox.url, work / "h-fixed", env, "fixed-cost.yaml"),
        )
        bare = (
            _bare_side(sandbox.url, work / "b-full", env, users=100, seconds=30),
            _bare_side(sandbox.url, work / "b-fixed", env, users=1, seconds=2),
        )
    print(f"{'side':<40}{'requests':>9}{'CPU s':>8}{'wall s':>8}{'req/CPU-s':>11}{'marginal':>12}")
    sides = (("harness CustomerUser (probes, metrics)", harness), ("bare FastHttpUser", bare))
    for label, (full, fixed) in sides:
        marginal_ms = (full.cpu - fixed.cpu) / (full.requests - fixed.requests) * 1e3
        print(
            f"{label:<40}{full.requests:>9}{full.cpu:>8.2f}{full.wall:>8.1f}"
            f"{full.requests / full.cpu:>11.0f}{marginal_ms:>9.2f} ms"
        )
        print(f"{'  fixed cost run':<40}{fixed.requests:>9}{fixed.cpu:>8.2f}{fixed.wall:>8.1f}")
    ratio = (harness[0].requests / harness[0].cpu) / (bare[0].requests / bare[0].cpu)
    print(f"harness / bare requests per CPU-second: {ratio:.2f}")


@dataclass(frozen=True)
class _Side:
    requests: int
    cpu: float
    wall: float


def _harness_side(url: str, run_dir: Path, env: dict[str, str], scenario: str) -> _Side:
    cpu, wall = _measure(
        [
            sys.executable, "-m", "locust", "-f", str(ROOT / "harness/load/locustfile.py"),
            "--headless", "--only-summary", "--exit-code-on-error", "0",
            "--scenario", str(HERE / "scenarios" / scenario), "--host", url,
            "--run-dir", str(run_dir),
        ],
        env,
    )  # fmt: skip
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    return _Side(summary["metrics"]["requests"]["count"], cpu, wall)


def _bare_side(url: str, prefix: Path, env: dict[str, str], users: int, seconds: int) -> _Side:
    cpu, wall = _measure(
        [
            sys.executable, "-m", "locust", "-f", str(HERE / "bare_locustfile.py"),
            "--headless", "--only-summary", "--exit-code-on-error", "0", "-u", str(users),
            "-r", str(users), "-t", f"{seconds}s", "--host", url, "--csv", str(prefix),
        ],
        env,
    )  # fmt: skip
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Name"] == "Aggregated"]
    return _Side(int(rows[0]["Request Count"]), cpu, wall)


if __name__ == "__main__":
    main()
