"""Every bench script runs end to end in its --smoke mode (issue 16: benchmarks that cannot rot).

Each bench is found by its file name (``bench/bench_*.py``) and run as a real subprocess with
``--smoke``; a bench without that mode fails here (argparse exits 2, or the figures are missing).
Only completion and printed figures are asserted: the figures themselves come from full runs.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
BENCHES = sorted((ROOT / "bench").glob("bench_*.py"))
SMOKE_TIMEOUT_S = 180


def _smoke(bench: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(bench), "--smoke"],
        capture_output=True, text=True, timeout=SMOKE_TIMEOUT_S, cwd=ROOT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, f"{bench.name} --smoke: {done.stdout}{done.stderr}"
    return done.stdout


def test_every_bench_is_found() -> None:
    assert len(BENCHES) >= 10, BENCHES
    for bench in BENCHES:
        assert "--smoke" in bench.read_text(encoding="utf-8"), f"{bench.name} has no --smoke mode"


@pytest.mark.parametrize("bench", [b for b in BENCHES if b.name != "bench_routing_truth.py"],
                         ids=lambda b: b.stem)  # fmt: skip
def test_bench_smoke_prints_figures(bench: Path) -> None:
    lines = [line for line in _smoke(bench).splitlines() if re.search(r"\d", line)]
    assert lines, f"{bench.name} --smoke printed no figures"


def test_routing_truth_bench_smoke() -> None:
    lines = _smoke(ROOT / "bench" / "bench_routing_truth.py").splitlines()
    for label in ("polling, default interval", "polling every 100 ms",
                  "vendor timestamps (polling run)", "webhook"):  # fmt: skip
        [row] = [line for line in lines if line.startswith(label)]
        joined = row[len(label) :].split()[0]
        routed, created = joined.split("/")
        assert int(routed) == int(created) > 0, row  # every ticket joined 1:1 with the truth
