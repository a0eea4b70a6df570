"""Report figures: 10 million latency samples into the histograms, then every report format.

    .venv/bin/python bench/bench_report.py [--samples 10000000] [--seconds 3600] [--out DIR]
    .venv/bin/python bench/bench_report.py --smoke    # 20,000 samples over 60 s (CI)

A one-hour run: the samples are split between ticket_create and routing_latency (lognormal,
median 120 ms and 900 ms) and recorded through ``SeriesStore.observe`` into one histogram per
metric per second, as the load collector does. Rates and counters are filled per second. Then
``build_summary`` and every writer: summary.json, HTML (both languages), CSV, XLSX (with a
per-ticket sample: the first 1,000 rows of a 100,000-row tickets.parquet), JUnit XML (with a
scorecard), Parquet and scores.json. Goal: aggregation plus rendering under 30 s and 2 GiB
peak memory.

openpyxl without lxml writes about 5,000-10,000 cells a second here, so a 100,000-row ticket
sample alone takes half a minute; the sample is the export default of 1,000 rows.

Memory is the process's peak resident set (``resource.getrusage``), so it includes Python
itself, numpy and every library loaded; tracemalloc would slow the record loop several-fold.
Time is wall time per phase; sample generation (numpy) is shown apart and not counted.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

from harness.analysis.scorecard import VendorInputs, write_scores
from harness.analysis.scoring import score
from harness.analysis.summary import SummaryInputs, build_summary
from harness.config.scoring import load_scoring
from harness.config.thresholds import parse_threshold
from harness.metrics.series import SeriesStore
from harness.report import html
from harness.report.writers import csv as csv_writer
from harness.report.writers import junit as junit_writer
from harness.report.writers import parquet as parquet_writer
from harness.report.writers import xlsx as xlsx_writer
from harness.results import summary_json as json_writer
from harness.results.run_info import RunInfo

ROOT = Path(__file__).resolve().parents[1]
SCORING = ROOT / "scenarios" / "scoring" / "double11-poc.yaml"
SEED = 20261123
START = 1_795_000_000
TICKET_ROWS = 100_000  # rows in the fixture tickets.parquet
SAMPLE_ROWS = 1_000  # the per-ticket sample exported (csm-harness export default)
T = TypeVar("T")


def peak_mib() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage / 1024 if sys.platform != "darwin" else usage / 2**20


def timed(label: str, figures: list[tuple[str, float]], run: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - started
    figures.append((label, elapsed))
    print(f"  {label:<38} {elapsed:7.2f} s   peak RSS {peak_mib():7.0f} MiB", flush=True)
    return result


def generate(samples: int, seconds: int) -> tuple[np.ndarray, np.ndarray]:
    """The samples of both metrics, drawn up front so drawing is not timed."""
    rng = np.random.default_rng(SEED)
    half = samples // 2
    create = rng.lognormal(np.log(120.0), 0.6, half)
    routing = rng.lognormal(np.log(900.0), 0.8, samples - half)
    return create, routing


def aggregate(create: np.ndarray, routing: np.ndarray, seconds: int) -> SeriesStore:
    store = SeriesStore()
    observe = store.observe
    for name, values in (("ticket_create", create), ("routing_latency", routing)):
        for second, chunk in enumerate(np.array_split(values, seconds)):
            moment = START + second
            for value in chunk.tolist():
                observe(name, value, moment)
    per_second = len(create) // seconds
    rows = range(START, START + seconds)
    store.merge(
        {
            "v": 1,
            "t": {},
            "r": {
                "errors": [[s, 3, 3 * per_second] for s in rows],
                "throttled": [[s, 1, 3 * per_second] for s in rows],
                "late_arrivals": [[s, 0, per_second] for s in rows],
                "unrouted": [[s, 1, per_second] for s in rows],
            },
            "c": {
                "requests": [[s, 3 * per_second] for s in rows],
                "tickets_created": [[s, per_second] for s in rows],
                "tickets_routed": [[s, per_second - 1] for s in rows],
            },
        }
    )
    return store


def run_info(samples: int, seconds: int) -> RunInfo:
    vendor = {"name": "sandbox-solid", "title_en": "Sandbox (solid)", "title_zh": "沙箱（稳健）",
              "adapter": "sandbox", "base_url": "http://127.0.0.1:8400"}  # fmt: skip
    return RunInfo(
        run_id="bench-sandbox-solid", scenario="bench", scenario_path="bench", vendor=vendor,
        host=vendor["base_url"], workers=1, start_at=float(START),
        started_at="2026-11-18T00:00:00+00:00",
        probe={"mode": "webhook", "poll_interval_s": None, "timeout_s": 60.0},
        load={"kind": "arrival-rate", "planned_arrivals": samples // 2,
              "rate_per_s": samples / 2 / seconds, "duration_s": float(seconds),
              "max_users": 2000},
        versions={}, environment={},
    )  # fmt: skip


def tickets(path: Path) -> None:
    import pandas as pd

    rng = np.random.default_rng(SEED)
    n = TICKET_ROWS
    frame = pd.DataFrame(
        {
            "external_id": [f"bench-{i:09d}" for i in range(n)],
            "ticket_id": [f"T{i:08d}" for i in range(n)],
            "arrival": np.arange(n),
            "category": rng.choice(["billing", "refunds", "logistics"], n),
            "create_ms": rng.lognormal(np.log(120.0), 0.6, n),
            "routing_ms": rng.lognormal(np.log(900.0), 0.8, n),
            "outcome": "routed",
        }
    )
    frame.to_parquet(path, index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_000_000)
    parser.add_argument("--seconds", type=int, default=3600)
    parser.add_argument("--out", type=Path, default=None, help="keep the files here")
    parser.add_argument("--smoke", action="store_true", help="20,000 samples over 60 s (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.samples, args.seconds = 20_000, 60
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-report-"))
    out.mkdir(parents=True, exist_ok=True)
    figures: list[tuple[str, float]] = []
    print(f"{args.samples:,} latency samples over {args.seconds} s -> {out}")

    started = time.perf_counter()
    create, routing = generate(args.samples, args.seconds)
    print(f"  (drawing the samples with numpy, not counted: {time.perf_counter() - started:.2f} s)")
    store = timed("aggregate into histograms", figures,
                  lambda: aggregate(create, routing, args.seconds))  # fmt: skip
    thresholds = [parse_threshold("routing_latency", "p95 < 3s"),
                  parse_threshold("ticket_create", "p99 < 1s"),
                  parse_threshold("errors", "rate < 1%")]  # fmt: skip
    inputs = SummaryInputs(
        info=run_info(args.samples, args.seconds), thresholds=thresholds, store=store,
        processes=[], ended_at=float(START + args.seconds),
    )  # fmt: skip
    summary = timed("build_summary", figures, lambda: build_summary(inputs))
    tickets(out / "tickets.parquet")  # fixture, not counted
    model = load_scoring(SCORING)
    vendor = VendorInputs(summary.vendor.name, summary.vendor.title_en, summary.vendor.title_zh,
                          summary.run_id, {"summary": summary.to_dict()})  # fmt: skip
    report = timed("score", figures, lambda: score(model, [vendor]))
    timed("summary.json", figures, lambda: json_writer.write(summary, out))
    timed("report.html (zh-CN + en)", figures,
          lambda: html.write_run_report(summary, out, "zh-CN"))  # fmt: skip
    sample = out / "tickets.parquet"
    timed("metrics.csv + tickets-sample.csv", figures,
          lambda: (csv_writer.write(summary, out),
                   csv_writer.write_tickets(sample, out, limit=SAMPLE_ROWS)))  # fmt: skip
    timed(f"results.xlsx ({SAMPLE_ROWS:,} ticket rows)", figures,
          lambda: xlsx_writer.write(summary, out, lang="zh-CN", tickets=out / "tickets.parquet",
                                    scores=report, sample_rows=SAMPLE_ROWS))  # fmt: skip
    timed("junit.xml", figures,
          lambda: junit_writer.write(summary, out, scorecard=report.cards[0]))  # fmt: skip
    timed("metrics.parquet", figures, lambda: parquet_writer.write(summary, out))
    timed("scores.json", figures, lambda: write_scores(report, out / "scores.json"))
    total = sum(seconds for _, seconds in figures)
    routed = summary.metrics["routing_latency"]
    print(f"routing_latency: count {routed.count:,}, p95 {routed.p95_ms:.1f} ms, "
          f"timeline {len(summary.timeline)} s")  # fmt: skip
    print(f"total {total:.2f} s (goal < 30 s), peak RSS {peak_mib():.0f} MiB (goal < 2048 MiB)")


if __name__ == "__main__":
    main()
