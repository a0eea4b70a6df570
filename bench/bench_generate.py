"""Rows per second for ``generate`` and ``profile`` on one core, plus schedule writing.

    .venv/bin/python bench/bench_generate.py [TICKETS]      # default 1,000,000
    .venv/bin/python bench/bench_generate.py --smoke        # 2,000 tickets (CI)

The profile comes from a synthetic 8-week history (tests/data/history.py: two daily peaks,
weekend dip, 5 channels, repeat customers, messages and routing times), so generation exercises
every column. Timings are wall clock of one process (numpy is single-threaded here); the
phases of ``generate`` are timed separately. Figures vary with machine load: run twice.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pandas as pd

from harness.data.generate import generate
from harness.data.profile import build_profile
from harness.data.traffic import arrival_times, write_schedule
from tests.data.history import history_frame

START = datetime.fromisoformat("2026-11-09T00:00:00+08:00")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tickets", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--smoke", action="store_true", help="2,000 tickets, 2-week history (CI)")
    args = parser.parse_args()
    tickets = 2_000 if args.smoke else args.tickets
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    days, per_day = (14, 200) if args.smoke else (56, 5000)
    history = history_frame(days=days, per_day=per_day, seed=1)
    started = time.perf_counter()
    profile = build_profile(history, source="history")
    small = time.perf_counter() - started
    rate = len(history) / small
    print(f"history: {len(history):,} tickets; profile {small:.2f} s ({rate:,.0f} rows/s)")

    phases: dict[str, float] = {}
    mark: list[tuple[str, float]] = [("setup", time.perf_counter())]

    def step(phase: str) -> None:
        now = time.perf_counter()
        name, at = mark[-1]
        phases[name] = now - at
        mark.append((phase, now))

    started = time.perf_counter()
    frame = generate(profile, tickets=tickets, seed=1, start=START, progress=step)
    took = time.perf_counter() - started
    step("done")
    print(f"generate: {len(frame):,} tickets in {took:.1f} s = {len(frame) / took:,.0f} rows/s")
    print("  phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()))

    started = time.perf_counter()
    again = build_profile(frame, source="synthetic")
    took = time.perf_counter() - started
    print(f"profile: {len(frame):,} tickets in {took:.1f} s = {len(frame) / took:,.0f} rows/s")
    assert again.source.rows == len(frame)

    started = time.perf_counter()
    offsets = arrival_times(
        profile, start=START, duration_s=28 * 86400.0, seed=2, peak_multiplier=10, peak_hours=2
    )
    took = time.perf_counter() - started
    print(f"arrival_times: {len(offsets):,} arrivals (4 weeks, x10 peaks) in {took:.2f} s")

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        frame.to_parquet(Path(folder) / "synthetic.parquet", index=False)
        seconds = (frame["created_at"] - pd.Timestamp(START)).dt.total_seconds().to_numpy()
        write_schedule(
            Path(folder) / "schedule.parquet", np.asarray(seconds) / 144, frame, compression=144
        )
        took = time.perf_counter() - started
        print(f"write tickets + schedule Parquet: {took:.1f} s")


if __name__ == "__main__":
    main()
