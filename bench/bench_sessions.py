"""2,000 concurrent chat sessions and their agent users against the sandbox on this machine.

    .venv/bin/python bench/bench_sessions.py [--sessions 2000] [--agents 100] [--hold 60]
        [--workers N] [--smoke]

Runs ``scenarios/sessions.yaml`` (hold and sizes overridable) with one Locust process against a
sandbox this script starts from ``scenarios/vendors/sandbox-agents.yaml``, samples both
processes' CPU and memory once a second with psutil, and prints: the concurrency the harness
measured, generator and sandbox CPU (% of one core, mean over the hold, and peak), memory per
session (RSS growth from before the run to the hold, over the sessions), p95 first response,
messages lost and duplicated.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import yaml

from harness.metrics.series import SeriesStore
from harness.sandbox import SandboxProcess

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "sessions.yaml"
VENDOR = ROOT / "scenarios" / "vendors" / "sandbox-agents.yaml"
LOCUSTFILE = ROOT / "harness" / "load" / "locustfile.py"


class Sampler(threading.Thread):
    """CPU % (of one core) and RSS of one process tree, once a second."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.samples: list[tuple[float, float, int]] = []  # (time, cpu %, rss bytes)
        self.stopped = threading.Event()

    def _tree(self) -> list[psutil.Process]:
        try:
            return [self.process, *self.process.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def run(self) -> None:
        for proc in self._tree():
            proc.cpu_percent(None)
        while not self.stopped.wait(1.0):
            cpu, rss = 0.0, 0
            for proc in self._tree():
                try:
                    cpu += proc.cpu_percent(None)
                    rss += proc.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
            self.samples.append((time.time(), cpu, rss))

    def window(self, start: float, end: float) -> tuple[float, float, int]:
        inside = [s for s in self.samples if start <= s[0] <= end]
        if not inside:
            return 0.0, 0.0, 0
        return (
            sum(s[1] for s in inside) / len(inside),
            max(s[1] for s in inside),
            max(s[2] for s in inside),
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _scenario(
    work: Path, sessions: int, agents: int, hold: float, ramp: float, smoke: bool
) -> Path:
    data = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    if smoke:  # short exchanges, so that a 5-s hold has a window after the random phases
        data["conversation"].update(think_time="1s", agent_think_time="200ms")
    data["vendors"] = [str(VENDOR)]
    data["load"].update(sessions=sessions, hold=f"{hold:g}s", ramp=f"{ramp:g}/s")
    data["conversation"]["agents"] = agents
    data["bounds"]["max_duration"] = f"{sessions / ramp + hold + 60:g}s"
    path = work / "bench-sessions.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--hold", type=float, default=60.0)
    parser.add_argument("--ramp", type=float, default=100.0)
    parser.add_argument("--workers", type=int, default=1, help="Locust worker processes")
    parser.add_argument("--smoke", action="store_true", help="a few seconds: 50 sessions (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.sessions, args.agents, args.hold, args.ramp = 50, 4, 5.0, 50.0
    vendor = yaml.safe_load(VENDOR.read_text(encoding="utf-8"))
    overrides = {**vendor["sandbox"]["overrides"], "agents": str(max(args.agents, 1))}
    token = secrets.token_urlsafe(16)
    env = {**os.environ, "CSM_SANDBOX_TOKEN": token, "PYTHONPATH": str(ROOT)}
    with (
        tempfile.TemporaryDirectory() as tmp,
        SandboxProcess("solid", overrides, token=token) as sandbox,
    ):
        work = Path(tmp)
        scenario = _scenario(work, args.sessions, args.agents, args.hold, args.ramp, args.smoke)
        run_dir = work / "run"
        sandbox_sampler = Sampler(sandbox.pid)
        sandbox_sampler.start()
        time.sleep(2.0)
        sandbox_idle_rss = sandbox_sampler.samples[-1][2]
        started = time.time()
        command = [
            sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
            "--scenario", str(scenario), "--host", sandbox.url, "--run-dir", str(run_dir),
            "--run-id", "bench-sessions", "--only-summary", "--loglevel", "WARNING",
            "--exit-code-on-error", "0", "--stop-timeout", "5",
        ]  # fmt: skip
        if args.workers > 1:
            port = str(_free_port())
            command += ["--processes", str(args.workers), "--master-bind-host", "127.0.0.1",
                        "--master-bind-port", port, "--master-host", "127.0.0.1",
                        "--master-port", port]  # fmt: skip
        with (work / "locust.log").open("wb") as log:
            child = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
            generator_sampler = Sampler(child.pid)
            generator_sampler.start()
            child.wait()
        generator_sampler.stopped.set()
        sandbox_sampler.stopped.set()
        if not (run_dir / "summary.json").exists():
            sys.stdout.write((work / "locust.log").read_text(errors="replace")[-3000:])
            raise SystemExit("the run wrote no summary")
        summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
        store = SeriesStore()
        for line in (run_dir / "metrics.ndjson").read_text(encoding="utf-8").splitlines():
            store.merge(json.loads(line)["metrics"])
        concurrency = {s: store.counter_at("sessions_open", s) for s in store.seconds()}
        # read while the temporary folder still exists (it used to crash here, after it)
        think = float(
            yaml.safe_load(scenario.read_text(encoding="utf-8"))["conversation"]["think_time"][:-1]
        )
    # anchored on the first open session, not on the launch: Locust's start-up takes seconds
    opened = min((s for s, v in concurrency.items() if v > 0), default=started)
    ramp_end = opened + args.sessions / args.ramp + think  # each user's random phase
    hold_end = opened + args.sessions / args.ramp + args.hold
    held = [v for s, v in concurrency.items() if ramp_end <= s <= hold_end]
    held_mean = sum(held) / max(1, len(held))
    gen_mean, gen_peak, gen_rss = generator_sampler.window(ramp_end, hold_end)
    sb_mean, sb_peak, sb_rss = sandbox_sampler.window(ramp_end, hold_end)
    gen_base = generator_sampler.samples[0][2] if generator_sampler.samples else 0
    metrics = summary["metrics"]
    first, lost, dup = (
        metrics["first_response"],
        metrics["messages_lost"],
        metrics["messages_duplicated"],
    )
    requests = metrics["requests"]
    print(f"sessions target {args.sessions}, agent users {args.agents}, hold {args.hold:g} s, "
          f"ramp {args.ramp:g}/s, {args.workers} load process(es), "
          f"{os.cpu_count()} cores")  # fmt: skip
    print(f"achieved concurrency (harness gauge): peak {max(concurrency.values(), default=0)}, "
          f"during hold min {min(held, default=0)} / mean {held_mean:.0f}")  # fmt: skip
    print(f"generator CPU (% of one core, hold): mean {gen_mean:.0f} %, peak {gen_peak:.0f} %; "
          f"RSS {gen_rss / 2**20:.0f} MB")  # fmt: skip
    print(f"sandbox CPU (% of one core, hold):   mean {sb_mean:.0f} %, peak {sb_peak:.0f} %; "
          f"RSS {sb_rss / 2**20:.0f} MB")  # fmt: skip
    per_session = args.sessions + args.agents
    print(f"memory per session: generator {(gen_rss - gen_base) / per_session / 1024:.1f} KB "
          f"(RSS growth from start, incl. start-up), sandbox "
          f"{(sb_rss - sandbox_idle_rss) / args.sessions / 1024:.1f} KB")  # fmt: skip
    print(f"requests {requests['count']} ({requests['per_second']:.0f}/s over the run), "
          f"errors {metrics['errors']['hits']}")  # fmt: skip
    print(f"first response p50 {first['p50_ms'] or 0:.0f} ms, p95 {first['p95_ms'] or 0:.0f} ms "
          f"(agent think time included); session routing p95 "
          f"{metrics['session_routing']['p95_ms'] or 0:.0f} ms")  # fmt: skip
    print(f"messages lost {lost['hits']}/{lost['total']}, duplicated {dup['hits']}/{dup['total']}; "
          f"sessions opened {metrics['sessions_opened']['count']}, closed "
          f"{metrics['sessions_closed']['count']}; verdict {summary['verdict']}")  # fmt: skip


if __name__ == "__main__":
    main()
