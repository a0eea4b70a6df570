"""Tickets per CPU-second of the harness's CustomerUser (schedule feed, webhook probe, harness
histograms and per-ticket records on) next to two bare Locust FastHttpUsers at the same rate
against the same sandbox endpoint, in one invocation (one machine state):

- bare create + webhook: the same exchanges per ticket as the harness (create, then take the
  vendor's signed webhook delivery in a minimal receiver): the like-for-like baseline;
- bare create only: one pre-built POST per ticket, no receiver.

    .venv/bin/python bench/bench_load.py [--rate 150] [--seconds 30] [--repeat 2]
    .venv/bin/python bench/bench_load.py --smoke    # 20 tickets/s for 3 s, no fixed-cost run (CI)
    .venv/bin/python bench/bench_load.py --baseline /tmp/before   # + that tree's harness too

``--baseline DIR`` adds a fourth side: the harness of another source tree (e.g. ``git archive
<commit> | tar -x -C DIR``), imported first through ``PYTHONPATH``, so that a change's before
and after are measured in one invocation, in one machine state.

Each side is a separate ``locust --headless`` child process against a fresh sandbox; its CPU
(user + system, from ``getrusage(RUSAGE_CHILDREN)``) includes start-up and shut-down. Each side
also runs once with almost no load (about 3 tickets) to measure that fixed cost, so the marginal
CPU per ticket is printed next to the whole-run figure. With ``--repeat`` the full runs take
turns (harness, bare, bare, harness, ...) and each side's least-disturbed run (lowest CPU) is
used. The sandbox runs in its own process and is not counted. Goals (issue 16): harness >= 0.95x
the like-for-like side and >= 0.8x the create-only side.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.sandbox import SandboxProcess

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).parent
OVERRIDES = {"rate_limit_rps": "0", "agents": "200"}
BARE_RATE_PER_USER = 1.5
GOALS = {"bare create + webhook": 0.95, "bare create only": 0.8}
SCENARIO = """# written by bench/bench_load.py
name: {name}
vendors: [bench-sandbox]
bounds: {{max_duration: 2m, max_requests: 100000}}
traffic:
  kind: synthetic
  seed: 3
  categories: {{billing: 3, refunds: 2, logistics: 3, account: 1, technical: 1}}
  channels: {{web: 4, wechat: 3, app: 2, email: 1}}
  priorities: {{low: 2, normal: 6, high: 1.5, urgent: 0.5}}
load: {{kind: arrival-rate, rate: {rate}/s, duration: {seconds}s, max_users: {users},
        arrivals: uniform}}
probe: {{mode: webhook, poll_interval: 500ms, timeout: 30s}}
thresholds:
  errors: ["rate < 1%"]
"""


@dataclass(frozen=True)
class _Run:
    tickets: int
    deliveries: int
    cpu: float
    wall: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _measure(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    cpu0, wall0 = _children_cpu(), time.monotonic()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return _children_cpu() - cpu0, time.monotonic() - wall0


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=150, help="tickets per second, every side")
    parser.add_argument("--seconds", type=int, default=30, help="arrivals last this long")
    parser.add_argument("--repeat", type=int, default=1, help="full runs per side, in turns")
    parser.add_argument(
        "--smoke", action="store_true", help="20 tickets/s for 3 s, no fixed-cost runs (CI)"
    )
    parser.add_argument(
        "--baseline", type=Path, help="also run the harness of this source tree (before/after)"
    )
    args = parser.parse_args()
    if args.smoke:
        args.rate, args.seconds, args.repeat = 20, 3, 1
    if not (1 <= args.rate <= 1000 and 1 <= args.seconds <= 90 and 1 <= args.repeat <= 5):
        parser.error("--rate within 1-1000, --seconds within 1-90, --repeat within 1-5")
    if args.baseline is not None and not (args.baseline / "harness/load/locustfile.py").is_file():
        parser.error(f"--baseline {args.baseline}: no harness/load/locustfile.py in that tree")
    token = secrets.token_urlsafe(16)
    env = {**os.environ, "CSM_SANDBOX_TOKEN": token}
    print(f"start: {_uptime()}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(HERE / "scenarios" / "vendors", work / "vendors")
        users = max(20, round(args.rate / BARE_RATE_PER_USER))
        full = work / "throughput.yaml"
        full.write_text(SCENARIO.format(name="throughput", rate=args.rate, seconds=args.seconds,
                                        users=users), encoding="utf-8")  # fmt: skip
        fixed = work / "fixed-cost.yaml"
        fixed.write_text(SCENARIO.format(name="fixed-cost", rate=1, seconds=3, users=users),
                         encoding="utf-8")  # fmt: skip
        bare_users = max(1, round(args.rate / BARE_RATE_PER_USER))
        sides: dict[str, tuple[Callable[[Path], _Run], Callable[[Path], _Run]]] = {
            "harness CustomerUser (probes, metrics)": (
                lambda d: _harness(d, env, full, token),
                lambda d: _harness(d, env, fixed, token),
            ),
            "bare create + webhook": (
                lambda d: _bare(d, env, "BareWebhookUser", bare_users, args.seconds, token),
                lambda d: _bare(d, env, "BareWebhookUser", 1, 3, token),
            ),
            "bare create only": (
                lambda d: _bare(d, env, "BareTicketUser", bare_users, args.seconds, token),
                lambda d: _bare(d, env, "BareTicketUser", 1, 3, token),
            ),
        }
        if args.baseline is not None:
            tree = args.baseline.resolve()
            old = {**env, "PYTHONPATH": str(tree)}
            sides[f"harness of {tree.name} (before)"] = (
                lambda d: _harness(d, old, full, token, tree),
                lambda d: _harness(d, old, fixed, token, tree),
            )
        runs: dict[str, list[_Run]] = {label: [] for label in sides}
        fixed_runs: dict[str, _Run] = {}
        for label, (_, run_fixed) in sides.items():
            fixed_runs[label] = (
                _Run(0, 0, 0.0, 0.0) if args.smoke else run_fixed(work / f"fixed-{len(fixed_runs)}")
            )
        for n in range(args.repeat):
            for i, (label, (run_full, _)) in enumerate(sides.items()):
                runs[label].append(run_full(work / f"full-{n}-{i}"))
    _print(runs, fixed_runs, args.rate, args.seconds)
    print(f"end: {_uptime()}")


def _print(runs: dict[str, list[_Run]], fixed: dict[str, _Run], rate: int, seconds: int) -> None:
    print(f"{rate} tickets/s for {seconds} s per side; CPU = user + system of the load process")
    print(f"{'side':<40}{'tickets':>8}{'webhooks':>9}{'CPU s':>7}{'wall s':>7}"
          f"{'tickets/CPU-s':>14}{'marginal ms':>12}")  # fmt: skip
    best: dict[str, tuple[float, float]] = {}
    for label, side_runs in runs.items():
        base = fixed[label]
        for run in side_runs:
            marginal = (run.cpu - base.cpu) / max(1, run.tickets - base.tickets) * 1e3
            print(f"{label:<40}{run.tickets:>8}{run.deliveries:>9}{run.cpu:>7.2f}{run.wall:>7.1f}"
                  f"{run.tickets / max(run.cpu, 1e-9):>14.0f}{marginal:>12.3f}")  # fmt: skip
        print(f"{'  fixed cost run':<40}{base.tickets:>8}{base.deliveries:>9}{base.cpu:>7.2f}"
              f"{base.wall:>7.1f}")  # fmt: skip
        run = min(side_runs, key=lambda r: r.cpu / max(1, r.tickets))
        if run.tickets == 0 or run.cpu <= 0:
            print(f"{label}: no tickets measured (its load process never got going: a starved "
                  f"machine); no ratio against it")  # fmt: skip
            continue
        marginal = (run.cpu - base.cpu) / max(1, run.tickets - base.tickets) * 1e3
        best[label] = (run.tickets / run.cpu, marginal)
    harnesses = [label for label in best if label.startswith("harness")]
    for name in harnesses:
        harness = best[name]
        who = "harness" if name == harnesses[0] else name
        for label, goal in GOALS.items():
            if label not in best:
                continue
            whole = harness[0] / best[label][0]
            marginal = best[label][1] / harness[1]
            verdict = "met" if whole >= goal else f"missed by {goal - whole:.2f}"
            print(f"{who} / {label}: {whole:.2f}x tickets per CPU-second (goal >= {goal}x: "
                  f"{verdict}); marginal CPU per ticket {marginal:.2f}x")  # fmt: skip
    for name in harnesses[1:]:
        now, before = best[harnesses[0]], best[name]
        print(f"harness / {name}: {now[0] / before[0]:.2f}x tickets per CPU-second, "
              f"marginal CPU per ticket {before[1] / now[1]:.2f}x less")  # fmt: skip


def _harness(
    run_dir: Path, env: dict[str, str], scenario: Path, token: str, tree: Path = ROOT
) -> _Run:
    with SandboxProcess("solid", OVERRIDES, token=token) as sandbox:
        cpu, wall = _measure(
            [
                sys.executable, "-m", "locust", "-f", str(tree / "harness/load/locustfile.py"),
                "--headless", "--only-summary", "--exit-code-on-error", "0",
                "--scenario", str(scenario), "--host", sandbox.url, "--run-dir", str(run_dir),
            ],
            env,
        )  # fmt: skip
    metrics = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))["metrics"]
    deliveries = metrics.get("webhooks_received", {}).get("count", 0)
    return _Run(metrics["tickets_created"]["count"], deliveries, cpu, wall)


def _bare(
    prefix: Path, env: dict[str, str], user: str, users: int, seconds: int, token: str
) -> _Run:
    out = prefix.with_suffix(".json")
    env = {**env, "BENCH_BARE_OUT": str(out), "BENCH_BARE_RATE_PER_USER": str(BARE_RATE_PER_USER)}
    with SandboxProcess("solid", OVERRIDES, token=token) as sandbox:
        cpu, wall = _measure(
            [
                sys.executable, "-m", "locust", "-f", str(HERE / "bare_locustfile.py"), user,
                "--headless", "--only-summary", "--exit-code-on-error", "0", "-u", str(users),
                "-r", str(users), "-t", f"{seconds}s", "--host", sandbox.url,
            ],
            env,
        )  # fmt: skip
    counts = json.loads(out.read_text(encoding="utf-8"))
    return _Run(counts["created"], counts["assigned"], cpu, wall)


if __name__ == "__main__":
    main()
