"""Does the sessions breakpoint find a vendor's session capacity, and how fast?

    .venv/bin/python bench/bench_breakpoint_sessions.py              # the shipped search
    .venv/bin/python bench/bench_breakpoint_sessions.py --capacity 150 --sessions-per-process 100
    .venv/bin/python bench/bench_breakpoint_sessions.py --smoke      # a 20-session table (CI)

Runs ``csm-harness breakpoint`` on ``scenarios/breakpoint-sessions.yaml`` (as shipped, or with
the session-capped sandbox's table set to ``--capacity``) as a real subprocess, then prints the
capacity the sandbox states in its truth (``capacity.sessions``, which the harness never reads),
the breakpoint found, the error, the steps (sessions, served, replies/s, verdict, processes,
generator lag p95) and the search's own time, with ``uptime`` before and after: on a shared
machine the figures mean little without the load beside them.

``--sessions-per-process N`` lowers the per-process ceiling so bigger steps run on several load
processes (``--workers``), with ``max_processes`` raised to fit. ``--smoke``: a 20-session table,
short hold, a 75-s ceiling; it checks the bench runs, not the accuracy.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "breakpoint-sessions.yaml"
VENDOR = ROOT / "scenarios" / "vendors" / "sandbox-session-capped.yaml"


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def derive(work: Path, capacity: int | None, per_process: int | None, smoke: bool) -> Path:
    """The shipped scenario, pointed at a copy of the vendor with its table resized."""
    vendor: dict[str, Any] = yaml.safe_load(VENDOR.read_text(encoding="utf-8"))
    scenario: dict[str, Any] = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    spec = scenario["breakpoint"]
    if smoke:
        capacity = capacity or 20
        scenario["conversation"].update({"agents": 10, "think_time": "2s"})
        spec.update({"start": 10, "hold": "6s", "warm_up": "2s", "max_time": "75s"})
    if capacity is not None:
        vendor["sandbox"]["overrides"]["session_capacity"] = str(capacity)
    if per_process is not None:
        spec["sessions_per_process"] = per_process  # steps above 2x are refused, with the number
        spec["max_processes"] = 2
    vendor_path = work / "vendor.yaml"
    vendor_path.write_text(yaml.safe_dump(vendor, allow_unicode=True), encoding="utf-8")
    scenario["vendors"] = [str(vendor_path)]
    path = work / "breakpoint-sessions.yaml"
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _lag_p95(run_dir: Path) -> str:
    from harness.analysis.verdicts import MeasuredMetric
    from harness.metrics.series import SeriesStore

    store = SeriesStore()
    for line in (run_dir / "metrics.ndjson").read_text(encoding="utf-8").splitlines():
        store.merge(json.loads(line)["metrics"])
    lag = MeasuredMetric.from_store(store, "generator_lag", 1.0).histogram
    return f"{lag.percentile(95):.0f}" if lag is not None and not lag.is_empty else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="20-session table, short (CI)")
    parser.add_argument("--capacity", type=int, help="the sandbox's session table (default 300)")
    parser.add_argument("--sessions-per-process", type=int, help="split steps over processes")
    args = parser.parse_args()
    if args.capacity is not None and not 5 <= args.capacity <= 1000:
        parser.error("--capacity must be within 5-1000 (the search holds up to 2,000 sessions)")
    env = {**os.environ, "CSM_SANDBOX_TOKEN": secrets.token_urlsafe(16)}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        scenario = derive(work, args.capacity, args.sessions_per_process, args.smoke)
        before = _uptime()
        began = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "harness", "breakpoint", str(scenario), "--out", str(work)],
            env=env, capture_output=True, text=True, timeout=900, cwd=ROOT,
        )  # fmt: skip
        wall = time.monotonic() - began
        after = _uptime()
        found = list(work.glob("*/breakpoint.json"))
        if not found:
            sys.exit(f"Error: the search wrote no breakpoint.json:\n{done.stdout}{done.stderr}")
        result = json.loads(found[0].read_text(encoding="utf-8"))
        steps_dir = found[0].parent / "steps"
        truths = sorted(steps_dir.glob("*/sandbox_truth.json"))
        truth = json.loads(truths[0].read_text(encoding="utf-8"))["capacity"]["sessions"]
        print(f"{'step':>4}{'sessions':>9}{'served':>8}{'replies/s':>10}{'procs':>6}"
              f"{'lag p95 ms':>11}  verdict")  # fmt: skip
        for step in result["steps"]:
            run_dir = steps_dir / step["run_id"]
            verdict = (
                "good"
                if step["ok"]
                else "bad: " + ", ".join(v["name"] for v in step["slos"] if not v["ok"])
            )
            if not step["reliable"]:
                verdict += f" (unreliable: {step['unreliable_reason']})"
            print(f"{step['index']:>4}{step['rate_per_s']:>9.0f}{step['concurrency']:>8.0f}"
                  f"{step['throughput_per_s']:>10.1f}{step.get('processes', 1):>6}"
                  f"{_lag_p95(run_dir):>11}  {verdict}")  # fmt: skip
    breakpoint_ = result["breakpoint_sessions"]
    error = f"{(breakpoint_ / truth - 1) * 100:+.1f}%" if breakpoint_ else "-"
    print(
        f"true capacity {truth:.0f} sessions; found {breakpoint_} (first bad "
        f"{result['first_bad_sessions']}), error {error}; stop: {result['stop_reason']}"
    )
    print(f"search time {result['search_time_s']:.0f} s, wall {wall:.0f} s, "
          f"{len(result['steps'])} steps")  # fmt: skip
    print(f"uptime before: {before}\nuptime after:  {after}")


if __name__ == "__main__":
    main()
