"""Breakpoint accuracy and cost: the rate the search finds against the capacity the sandbox
states for itself, and how long the search took.

    .venv/bin/python bench/bench_breakpoint.py [--set decision_time_s=0.2 ...] [--repeat N]
    .venv/bin/python bench/bench_breakpoint.py --smoke    # 3-s steps, 25 s at most (CI)

Runs ``scenarios/breakpoint.yaml`` (the saturating sandbox; each ``--set`` overrides one
profile field, e.g. ``routing_workers=2``) in this process, exactly as ``csm-harness
breakpoint`` does, ``--repeat`` times. The search never reads the sandbox's capacity; this
script reads it afterwards from the first step's ``sandbox_truth.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

import yaml

from harness.config import load_scenario
from harness.orchestrate.breakpoints import run_breakpoint

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "breakpoint.yaml"


def _vendor(folder: Path, overrides: dict[str, str]) -> Path:
    """The saturating sandbox vendor, with profile overrides when asked for."""
    source = ROOT / "scenarios" / "vendors" / "sandbox-saturating.yaml"
    data: dict[str, Any] = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["sandbox"] = {"profile": "saturating", "overrides": overrides} if overrides else {
        "profile": "saturating"
    }  # fmt: skip
    path = folder / "vendor.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def once(folder: Path, overrides: dict[str, str], smoke: bool) -> dict[str, Any]:
    scenario = load_scenario(SCENARIO)
    if smoke and scenario.breakpoint is not None:  # two or three 3-s steps near the capacity
        short = {"start": 2.5, "step_duration": 3.0, "warm_up": 1.0, "cool_down": 0.5,
                 "max_time": 25.0}  # fmt: skip
        scenario = scenario.model_copy(
            update={"breakpoint": scenario.breakpoint.model_copy(update=short)}
        )
    result = run_breakpoint(
        SCENARIO, scenario, _vendor(folder, overrides), search_dir=folder / "search"
    )
    first = result.steps[0]
    truth_path = folder / "search" / "steps" / first.run_id / "sandbox_truth.json"
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    capacity = float(truth["capacity"]["items_per_s"])
    found = result.breakpoint_rate
    return {
        "capacity": capacity,
        "found": found,
        "error": None if found is None else found / capacity - 1,
        "first_bad": result.first_bad.rate if result.first_bad else None,
        "steps": len(result.steps),
        "seconds": result.search_time_s,
        "stop": result.stop_reason,
        "usl_peak": result.usl.peak_x if result.usl else None,
        "peak_measured": result.peak_throughput,
        "broken": "; ".join(f"{v.name} {v.measured_text}" for v in result.broken) or "-",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", default=[], help="profile field=value")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="3-s steps, 25 s at most (CI)")
    args = parser.parse_args()
    overrides = dict(item.split("=", 1) for item in args.set)
    rows = []
    for n in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="bench-breakpoint-") as tmp:
            row = once(Path(tmp), overrides, args.smoke)
        rows.append(row)
        error = "-" if row["error"] is None else f"{row['error'] * 100:+.1f}%"
        found = "-" if row["found"] is None else f"{row['found']:.3f}/s"
        print(
            f"run {n + 1}: true capacity {row['capacity']:.3f}/s  found {found} ({error})  "
            f"first bad {row['first_bad']}/s  steps {row['steps']}  "
            f"search {row['seconds']:.0f} s  stop {row['stop']}\n"
            f"       peak measured throughput {row['peak_measured']:.3f}/s  broke: {row['broken']}"
        )
    errors = [abs(r["error"]) for r in rows if r["error"] is not None]
    if errors:
        print(
            f"breakpoint error |found/true - 1|: mean {statistics.mean(errors) * 100:.1f}%, "
            f"max {max(errors) * 100:.1f}%; search time mean "
            f"{statistics.mean(r['seconds'] for r in rows):.0f} s over {len(rows)} run(s)"
        )


if __name__ == "__main__":
    main()
