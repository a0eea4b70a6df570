"""Histogram figures: record and merge cost, wire size, round-trip time, accuracy against exact.

    .venv/bin/python bench/bench_histogram.py [--smoke]    # --smoke: 1 % of the operations (CI)

Latencies are lognormal with a median of 120 ms and sigma 0.6 (p99 about 490 ms), which is a
realistic spread for a vendor API. For comparison, the accuracy table also shows Locust's own
rounding to about 2 significant digits (reference/load-tools.md section 1.6).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import time
import tracemalloc
from collections.abc import Callable

from harness.metrics.histogram import Histogram, nearest_rank

SEED = 20261123
MEDIAN_MS, SIGMA = 120.0, 0.6


def lognormal(rng: random.Random, n: int) -> list[float]:
    return [rng.lognormvariate(math.log(MEDIAN_MS), SIGMA) for _ in range(n)]


def best_ns(run: Callable[[], object], ops: int, repeat: int = 5) -> float:
    """Best CPU time per operation over ``repeat`` runs, in ns (GC paused while timing).

    CPU time of this process, not wall time, so other processes on the machine skew it less.
    """
    best = math.inf
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.process_time_ns()
            run()
            best = min(best, (time.process_time_ns() - start) / ops)
    finally:
        gc.enable()
    return best


def locust_rounding(ms: float) -> float:
    """What locust.stats.bucket_response_time keeps of a response time."""
    if ms < 100:
        return round(ms)
    return round(ms, -1 if ms < 1_000 else -2 if ms < 10_000 else -3)


def bench_record(rng: random.Random, scale: float) -> None:
    values = lognormal(rng, int(1_000_000 * scale))
    histogram = Histogram()
    record = histogram.record

    def loop() -> None:
        for value in values:
            record(value)

    def empty_loop() -> None:
        for _value in values:
            pass

    total, overhead = best_ns(loop, len(values), 3), best_ns(empty_loop, len(values), 3)
    print(f"record               {total:7.0f} ns/value  ({total - overhead:.0f} ns without loop)")
    bulk = best_ns(lambda: Histogram().record_many(values), len(values), 3)
    print(f"record_many          {bulk:7.0f} ns/value")


def bench_merge(rng: random.Random, scale: float) -> None:
    per_minute = 60 * 200  # one minute at 200 req/s
    a, b = Histogram(), Histogram()
    a.record_many(lognormal(rng, per_minute))
    b.record_many(lognormal(rng, per_minute))
    n = int(2_000 * scale)

    def merges() -> None:
        for _ in range(n):
            a.merge(b)

    ns = best_ns(merges, n)
    print(
        f"merge                {ns / 1000:7.1f} us  (two 1-minute histograms of {per_minute:,} "
        f"samples, {len(list(b.buckets()))} buckets each)"
    )


def bench_wire(rng: random.Random, scale: float) -> None:
    samples = lognormal(rng, 10_000)
    histogram = Histogram()
    histogram.record_many(samples)
    n = int(2_000 * scale)
    dict_ns = best_ns(lambda: [Histogram.from_dict(histogram.to_dict()) for _ in range(n)], n)
    text = json.dumps(histogram.to_dict(), separators=(",", ":"))
    json_ns = best_ns(
        lambda: [
            Histogram.from_dict(json.loads(json.dumps(histogram.to_dict(), separators=(",", ":"))))
            for _ in range(n)
        ],
        n,
    )
    assert Histogram.from_dict(json.loads(text)) == histogram
    buckets = len(list(histogram.buckets()))
    print(f"to_dict+from_dict    {dict_ns / 1000:7.1f} us  (10,000 samples, {buckets} buckets)")
    print(f"... through JSON     {json_ns / 1000:7.1f} us")
    print(f"serialized size      {len(text):7,} bytes of compact JSON for 10,000 samples")
    print()
    print(f"accuracy on 10,000 samples (stated bound {Histogram.RELATIVE_ERROR:.4%}):")
    print(
        f"  {'p':>6} {'exact ms':>10} {'histogram':>10} {'error':>8}   {'Locust':>7} {'error':>7}"
    )
    ordered = sorted(samples)
    rounded = sorted(locust_rounding(v) for v in samples)
    for p in (50, 95, 99, 99.9):
        rank = nearest_rank(p, len(ordered))
        exact, ours, theirs = ordered[rank - 1], histogram.percentile(p), rounded[rank - 1]
        print(
            f"  {p:>6} {exact:10.3f} {ours:10.3f} {(ours - exact) / exact:+8.3%}   "
            f"{theirs:7.0f} {(theirs - exact) / exact:+7.2%}"
        )


def bench_memory(rng: random.Random) -> None:
    print()
    print("memory of one second's histogram (kept per trend metric per second):")
    for per_second in (10, 100, 1_000):
        batches = [lognormal(rng, per_second) for _ in range(100)]
        tracemalloc.start()
        kept = []
        for batch in batches:
            histogram = Histogram()
            histogram.record_many(batch)
            kept.append(histogram)
        size, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  {per_second:>5} samples/s  {size / len(kept) / 1024:6.1f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="1 %% of the operations (CI)")
    scale = 0.01 if parser.parse_args().smoke else 1.0
    rng = random.Random(SEED)
    bench_record(rng, scale)
    bench_merge(rng, scale)
    bench_wire(rng, scale)
    bench_memory(rng)


if __name__ == "__main__":
    main()
