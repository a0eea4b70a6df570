"""Run ``csm-harness`` as a real subprocess and read what it wrote."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
SCENARIOS = HERE / "scenarios"


def csm_harness(*args: str, cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**_env(), "CSM_HARNESS_LANG": "en"},
    )


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


def run_dirs(out: Path) -> list[Path]:
    return sorted(p.parent for p in out.glob("*/*/summary.json"))


def summary(run_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    return data


def records(run_dir: Path) -> list[dict[str, Any]]:
    rows = []
    for path in sorted((run_dir / "records").glob("*.ndjson")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return rows


def nearest_rank(values: list[float], p: float) -> float:
    import math

    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


# Spins one core until it is killed, and in any case stops by itself after 90 s.
_BURN = "import time\nend = time.monotonic() + 90\nwhile time.monotonic() < end:\n    pass\n"


@contextlib.contextmanager
def burning_cpus() -> Iterator[None]:
    """More CPU spinners than cores, for as long as the block runs: a full machine."""
    count = (os.cpu_count() or 1) + 1
    procs = [subprocess.Popen([sys.executable, "-c", _BURN]) for _ in range(count)]
    try:
        yield
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


def free_port() -> int:
    """A loopback port free at the time of asking (for a master the workers connect to)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
