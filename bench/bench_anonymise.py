"""Throughput of ``anonymise`` (read, map, structured + free-text pseudonyms, write, residual
scan) on a synthetic GBK export with planted PII, once per ``--jobs`` value.

    .venv/bin/python bench/bench_anonymise.py [ROWS] [--jobs 1,2]    # default 50,000 rows
    .venv/bin/python bench/bench_anonymise.py --smoke                # 500 rows (CI)

Each run is a fresh child process (imports and regex compilation counted, as on the command
line). CPU time is the child's user + system time plus that of its worker processes: rows per
CPU-second says what the work costs on a shared machine, wall rows/s what one run takes here.
Peak memory is sampled over the whole process tree (the run and its forked workers: the sum of
their proportional set sizes, so pages a worker shares with its parent count once).
Outputs of all runs must be byte-identical; the bench fails otherwise. The wall time of each
phase (read: pass one and the pseudonyms; anonymise: pass two and the writing; scan: the
residual scan of the file) says where a run's time went.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MAP = ROOT / "fixtures/maps/helpdesk-zh.yaml"
PROJECTED = 1_000_000


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def child(source: Path, out: Path, jobs: int) -> None:
    """One run, in this (fresh) process; prints one JSON line."""
    from harness.data.anonymise import anonymise

    cpu, wall = _cpu(), time.perf_counter()
    phases: dict[str, float] = {"read": 0.0}  # phase -> wall seconds from the start to it

    def progress(phase: str, done: int, total: int) -> None:
        phases.setdefault(phase, time.perf_counter() - wall)

    result = anonymise(source, MAP, out, key=b"k" * 32, jobs=jobs, on_progress=progress)
    cpu, wall = _cpu() - cpu, time.perf_counter() - wall
    digest = hashlib.sha256()
    for path in (result.paths.parquet, result.paths.rejects, result.paths.registry):
        digest.update(path.read_bytes())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "rows_in": result.rows_in, "rows_out": result.rows_out, "rejects": result.rejects,
        "structured": result.structured, "in_text": result.in_text, "verified": result.verified,
        "cpu": cpu, "wall": wall, "digest": digest.hexdigest(), "peak_mb": peak_mb,
        "phases": phases,
    }))  # fmt: skip


def _tree_rss_mb(root: int) -> float:
    """The memory of ``root`` and all its descendants now (Linux /proc), in MiB: the sum of
    their proportional set sizes (a page shared by a forked worker and its parent counts once
    over both), or of their RSS where smaps_rollup is missing (an upper bound)."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            total += _pss(pid)
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue  # it ended while we looked
    return total / 2**20


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except PermissionError:
        pass
    with open(f"/proc/{pid}/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def _watch_tree(child: subprocess.Popen[str]) -> float:
    """The peak, sampled every 50 ms until ``child`` ends, of the whole tree's memory (MiB)."""
    peak = 0.0
    while child.poll() is None:
        peak = max(peak, _tree_rss_mb(child.pid))
        time.sleep(0.05)
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=50_000)
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values to run")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--smoke", action="store_true", help="500 rows (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.rows = 500
    if args.child:
        source, out, jobs = args.child
        child(Path(source), Path(out), int(jobs))
        return

    from tests.data.exports import build, write_csv

    with tempfile.TemporaryDirectory() as tmp:
        raw = write_csv(Path(tmp) / "export.csv", build(args.rows, seed=7), encoding="gbk")
        runs = {}
        for jobs in (int(j) for j in args.jobs.split(",")):
            out = Path(tmp) / f"out-{jobs}.parquet"
            proc = subprocess.Popen(
                [sys.executable, __file__, "--child", str(raw), str(out), str(jobs)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            tree_peak = _watch_tree(proc)
            stdout, stderr = proc.communicate()
            if proc.returncode != 0:
                raise SystemExit(f"--jobs {jobs} failed:\n{stderr}")
            runs[jobs] = json.loads(stdout.strip().splitlines()[-1])
            runs[jobs]["tree_mb"] = tree_peak
    first = next(iter(runs.values()))
    print(f"rows in {first['rows_in']:,}  out {first['rows_out']:,}  rejects {first['rejects']:,}")
    print(f"structured cells {first['structured']:,}  values in text {first['in_text']:,}")
    print(f"scan ok: {first['verified']}")
    for jobs, run in runs.items():
        per_cpu, per_wall = run["rows_in"] / run["cpu"], run["rows_in"] / run["wall"]
        print(
            f"--jobs {jobs}: cpu {run['cpu']:.1f} s -> {per_cpu:,.0f} rows per CPU-second; "
            f"wall {run['wall']:.1f} s -> {per_wall:,.0f} rows/s; "
            f"peak memory {run['tree_mb']:,.0f} MiB all processes together "
            f"(PSS; RSS of the main one {run['peak_mb']:,.0f} MiB)"
        )
        starts = [*run["phases"].items(), ("end", run["wall"])]
        print("  wall s by phase: " + ", ".join(
            f"{name} {end - start:.1f}" for (name, start), (_, end) in itertools.pairwise(starts)
        ))  # fmt: skip
        print(
            f"  {PROJECTED:,} rows: {PROJECTED / per_cpu / 60:.1f} CPU-minutes, "
            f"{PROJECTED / per_wall / 60:.1f} wall minutes at this rate"
        )
    same = len({run["digest"] for run in runs.values()}) == 1
    print(f"outputs identical across --jobs: {same}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
