"""The issue-13 figures: routing-latency percentiles the harness reports against the vendor's
own truth, for each way it can measure them.

    .venv/bin/python bench/bench_routing_truth.py            # 20 tickets/s for 60 s per mode
    .venv/bin/python bench/bench_routing_truth.py --smoke    # 5 tickets/s for 4 s (CI)
    .venv/bin/python bench/bench_routing_truth.py --preset routing-delay-tail --runs 3

Against the sandbox's ``routing-delay`` preset (each assignment becomes visible 200 ms-1 s,
uniform, after the routing decision) or another (``routing-delay-tail``: the same with one in
ten waiting 1 s plus an exponential 2 s), it runs one arrival-rate run per mode:

- polling at the default interval, and at 100 ms (both report the bracket estimate, and the
  vendor-clock measure from the assignment timestamp the sandbox exposes);
- webhook (the sandbox pushes each assignment to the harness's receiver).

For each it joins every routed ticket 1:1 with ``sandbox_truth.json`` and prints p50 / p95 /
p99 of the harness and of the truth, with the relative error. The truth of a ticket is the
sandbox's assignment time (it shares this machine's clock) minus the harness's create send:
routing latency as the harness defines it (tests/load/test_polling_truth.py uses the same).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENDORS = ROOT / "bench" / "scenarios" / "vendors"
ENV = {**os.environ, "CSM_HARNESS_LANG": "en"}
PERCENTILES = (50, 95, 99)

# (label, vendor file, probe block, metric in summary.json)
MODES: tuple[tuple[str, str, str, str], ...] = (
    ("polling, default interval", "delay-polled.yaml", "{mode: polling}", "routing_latency"),
    ("polling every 100 ms", "delay-polled.yaml", "{mode: polling, poll_interval: 100ms}",
     "routing_latency"),
    ("vendor timestamps (polling run)", "delay-polled.yaml", "{mode: polling}",
     "routing_latency_vendor"),
    ("webhook", "delay-webhook.yaml", "{mode: webhook}", "routing_latency"),
)  # fmt: skip


def _scenario(folder: Path, vendor: str, probe: str, rate: int, seconds: int, preset: str) -> Path:
    text = (VENDORS / vendor).read_text(encoding="utf-8")
    vendor_file = folder / vendor
    vendor_file.write_text(text.replace("profile: routing-delay,", f"profile: {preset},"))
    path = folder / "scenario.yaml"
    path.write_text(
        f"name: routing-truth\n"
        f"vendors: [{vendor_file}]\n"
        f"bounds: {{max_duration: {seconds + 60}s, max_requests: {rate * seconds * 40 + 1000}}}\n"
        "traffic: {kind: synthetic, seed: 13, categories: {billing: 1, refunds: 1}, "
        "channels: {web: 1}, priorities: {normal: 1}}\n"
        f"load: {{kind: arrival-rate, rate: {rate}/s, duration: {seconds}s, "
        f"max_users: {rate * 4}, arrivals: poisson}}\n"
        f"probe: {probe}\n",
        encoding="utf-8",
    )
    return path


def _nearest_rank(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def _run(folder: Path, vendor: str, probe: str, rate: int, seconds: int, preset: str) -> Path:
    folder.mkdir(parents=True)
    scenario = _scenario(folder, vendor, probe, rate, seconds, preset)
    done = subprocess.run(
        [sys.executable, "-m", "harness", "run", str(scenario), "--out", str(folder / "out")],
        capture_output=True, text=True, env=ENV, cwd=folder, timeout=seconds + 240,
    )  # fmt: skip
    if done.returncode not in (0, 1):
        raise SystemExit(f"run failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    [run_dir] = [p.parent for p in (folder / "out").glob("*/*/summary.json")]
    return run_dir


def _truth(run_dir: Path) -> tuple[dict[int, float], int, int]:
    truth = json.loads((run_dir / "sandbox_truth.json").read_text(encoding="utf-8"))
    server = {t["external_id"]: t["assigned_at"] for t in truth["tickets"]}
    rows: list[dict[str, Any]] = []
    for path in sorted((run_dir / "records").glob("*.ndjson")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    routed = [r for r in rows if r["outcome"] == "routed" and server.get(r["external_id"])]
    waits = [(server[r["external_id"]] - r["sent_at"]) * 1000.0 for r in routed]
    return {p: _nearest_rank(waits, p) for p in PERCENTILES}, len(routed), len(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="5 tickets/s for 4 s (CI)")
    parser.add_argument("--rate", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--preset", default="routing-delay", help="the sandbox's delay preset")
    parser.add_argument("--runs", type=int, default=1, help="repeat the whole table")
    parser.add_argument("--only", choices=("polling", "webhook"), help="skip the other modes")
    parser.add_argument("--keep", type=Path, help="keep the run folders under this folder")
    args = parser.parse_args()
    rate, seconds = (5, 4) if args.smoke else (args.rate, args.seconds)
    for number in range(1, args.runs + 1):
        load = " ".join(f"{v:.2f}" for v in os.getloadavg())
        print(f"Routing latency vs the sandbox's truth ({args.preset}), {rate} tickets/s for "
              f"{seconds} s per run; run {number}/{args.runs}; load average {load}")  # fmt: skip
        keep = args.keep / f"run-{number}" if args.keep else None
        _table(rate, seconds, args.preset, args.only, keep)
    print(f"load average at the end {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


def _table(rate: int, seconds: int, preset: str, only: str | None, keep: Path | None) -> None:
    header = "   ".join(f"p{p}: harness / truth / error" for p in PERCENTILES)
    print(f"{'measure':<34}{'joined':>12}   {header}")
    runs: dict[tuple[str, str], Path] = {}
    modes = [m for m in MODES if only is None or only in m[2]]
    with tempfile.TemporaryDirectory(prefix="bench-routing-") as scratch:
        tmp = str(keep) if keep else scratch
        for n, (label, vendor, probe, metric) in enumerate(modes):
            started = time.monotonic()
            key = (vendor, probe)
            if key not in runs:
                runs[key] = _run(Path(tmp) / f"run-{n}", vendor, probe, rate, seconds, preset)
            run_dir = runs[key]
            summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
            ours = summary["metrics"][metric]
            theirs, joined, created = _truth(run_dir)
            cells = []
            for p in PERCENTILES:
                value, true = ours.get(f"p{p}_ms"), theirs[p]
                error = "-" if value is None else f"{(value - true) / true * 100:+.1f} %"
                shown = "-" if value is None else f"{value:.0f}"
                cells.append(f"{shown:>5} / {true:>5.0f} / {error:>7}")
            print(f"{label:<34}{joined:>5}/{created:<6}   " + "   ".join(cells)
                  + f"   ({time.monotonic() - started:.0f} s)")  # fmt: skip
            probe_info = summary["probe"]
            if metric == "routing_latency_vendor":
                print(f"{'':<34}clock offset {probe_info.get('vendor_clock_offset_ms')} ms "
                      f"± {probe_info.get('vendor_clock_bound_ms')} ms")  # fmt: skip
            if not summary["generator"]["reliable"]:
                print(f"{'':<34}! run marked unreliable: generator saturated")


if __name__ == "__main__":
    main()
