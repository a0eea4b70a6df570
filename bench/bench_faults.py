"""The issue-8 figures: faults injected vs counted per class, samples lost on SIGKILL, fuzzed
inputs tried and tracebacks seen.

    .venv/bin/python bench/bench_faults.py [--kills 3]
    .venv/bin/python bench/bench_faults.py --smoke    # a 2-s faulty run, 1 kill, no fuzz (CI)

1. Runs ``tests/load/scenarios/faulty.yaml`` (the ``faulty`` sandbox, every fault switch on)
   and prints, per failure class, what the sandbox injected (``/_sandbox/truth``) and what the
   harness counted (``summary.json``), then the request totals.
2. Kills ``csm-harness run`` (and its load process) with SIGKILL mid-run ``--kills`` times,
   against a sandbox started here, and prints how long before the kill the last metrics line
   was flushed and how many tickets the vendor created that the folder on disk lacks.
3. Runs the fuzz tests (``tests/cli/test_fuzz_inputs.py``) and prints their tallies.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.sandbox import SandboxProcess  # noqa: E402
from tests.load.test_crash_safety import RATE, _external_scenario  # noqa: E402
from tests.load.test_faults import fault_table  # noqa: E402

ENV = {**os.environ, "CSM_HARNESS_LANG": "en"}


def faults(tmp: Path, smoke: bool) -> None:
    out = tmp / "faults"
    scenario = ROOT / "tests/load/scenarios/faulty.yaml"
    if smoke:  # the same scenario with 2 s of arrivals (its vendor named by absolute path)
        text = scenario.read_text(encoding="utf-8").replace("duration: 8s", "duration: 2s")
        vendor = scenario.parent / "vendors" / "faulty.yaml"
        scenario = tmp / "faulty-smoke.yaml"
        scenario.write_text(text.replace("[vendors/faulty.yaml]", f"[{vendor}]"), encoding="utf-8")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "harness", "run", str(scenario), "--out", str(out)],
        capture_output=True, text=True, env=ENV, timeout=120, cwd=tmp,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    [run_dir] = [p.parent for p in out.glob("*/*/summary.json")]
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    truth = json.loads((run_dir / "sandbox_truth.json").read_text(encoding="utf-8"))
    print(f"1. Faulty vendor: exit {done.returncode}, {elapsed:.1f} s wall "
          f"(run {summary['duration_s']:.1f} s, max_duration 30 s)")  # fmt: skip
    print(f"   {'class':<20}{'injected':>9}{'counted':>9}")
    for kind, injected, counted in fault_table(summary, truth):
        print(
            f"   {kind:<20}{injected:>9}{counted:>9}  {'ok' if injected == counted else 'MISMATCH'}"
        )
    slow = truth["faults"]["injected"]["slow_body"]
    print(f"   {'slow body (ok, slow)':<20}{slow:>9}{'-':>9}")
    metrics = summary["metrics"]
    parts = {k.removeprefix("requests_"): v["count"] for k, v in metrics.items()
             if k.startswith("requests_")}  # fmt: skip
    total = metrics["requests"]["count"]
    print(f"   sent {total} = " + " + ".join(f"{v} {k}" for k, v in parts.items())
          + f" ({'adds up' if total == sum(parts.values()) else 'DOES NOT ADD UP'})")  # fmt: skip


def kills(tmp: Path, count: int) -> None:
    print(f"2. SIGKILL mid-run ({count} runs at {RATE} tickets/s):")
    token = secrets.token_urlsafe(16)
    for n in range(count):
        folder = tmp / f"kill-{n}"
        folder.mkdir()
        with SandboxProcess("solid", token=token) as sandbox:
            scenario = _external_scenario(folder, str(sandbox.url), token)
            out = folder / "out"
            out.mkdir()
            child = subprocess.Popen(
                [sys.executable, "-m", "harness", "run", str(scenario), "--out", str(out)],
                env=ENV, cwd=folder, start_new_session=True,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            run_dir = _wait(out, 5 + 3 * n)
            time.sleep(random.uniform(0.0, 1.0))  # anywhere within a second's flush cycle
            killed_at = time.time()
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            last_at = json.loads((run_dir / "metrics.ndjson").read_bytes().splitlines()[-1])["at"]
            report = subprocess.run(
                [sys.executable, "-m", "harness", "report", str(run_dir)],
                capture_output=True, text=True, env=ENV, cwd=folder,
            )  # fmt: skip
            summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
            truth = httpx.get(
                f"{sandbox.url}/_sandbox/truth", headers={"Authorization": f"Bearer {token}"}
            ).json()
        vendor, disk = len(truth["tickets"]), summary["metrics"]["tickets_created"]["count"]
        print(f"   kill {n + 1}: last flush {killed_at - last_at:.2f} s before the kill; "
              f"tickets created {vendor}, on disk {disk}, lost {vendor - disk} "
              f"({(vendor - disk) / RATE:.2f} s); report exit {report.returncode}, "
              f"complete={summary['complete']}")  # fmt: skip


def _wait(out: Path, lines: int) -> Path:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for path in out.glob("*/*/metrics.ndjson"):
            if path.read_bytes().count(b"\n") >= lines:
                return path.parent
        time.sleep(0.05)
    raise SystemExit("the run wrote no metrics")


def fuzz() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
         str(ROOT / "tests/cli/test_fuzz_inputs.py")],
        capture_output=True, text=True, cwd=ROOT, env=ENV,
    )  # fmt: skip
    print("3. Fuzzed inputs:")
    for line in done.stdout.splitlines():
        if "inputs tried" in line:
            print(f"   {line.strip()}")
    print(f"   pytest: {done.stdout.strip().splitlines()[-1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="a 2-s faulty run, 1 kill (CI)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        faults(Path(tmp), args.smoke)
        kills(Path(tmp), 1 if args.smoke else args.kills)
    if not args.smoke:  # the fuzz tests run in CI on their own
        fuzz()


if __name__ == "__main__":
    main()
