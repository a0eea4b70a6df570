"""2,000 concurrent chat sessions and their agent users against the sandbox on this machine.

    .venv/bin/python bench/bench_sessions.py [--sessions 2000] [--agents 100] [--hold 60]
        [--workers N] [--think 15] [--capacity 30] [--smoke]
    .venv/bin/python bench/bench_sessions.py --sessions 20000 --workers 2 --agents 200 \
        --capacity 100 --think 30 --ramp 300 --hold 120        # the issue-16 target

``--think`` is the customer's mean think time between messages (one message per ``think`` s
a session), ``--capacity`` the sessions each sandbox agent takes at once (``agents *
capacity`` must cover ``sessions``). With ``--workers N`` it starts N sandboxes (``--sandboxes``
to choose), each on its own loopback address 127.0.0.x, and gives Locust ``--target-hosts``:
load process i talks only to sandbox i (its shard, with its share of the agents), so no process
holds more than its share of the connections. Before it starts anything it raises its
open-file soft limit to the hard one and checks the plan against the walls it knows: one
descriptor per connection in each sandbox and load process, and 28,232 ephemeral ports per
target address by default (``ip_local_port_range``); a plan past a wall stops with the numbers.
The load processes' own lag (how late their event loop wakes a 100-ms sleep,
``lag_probe.py``) is reported as p50/p99/max over the hold. After the run the sandboxes' own
truth (sessions and messages, summed over the shards) is compared with the harness's counts.

Runs ``scenarios/sessions.yaml`` (hold and sizes overridable) against sandboxes this script
starts from ``scenarios/vendors/sandbox-agents.yaml``, samples both
processes' CPU and memory once a second with psutil, and prints: the concurrency the harness
measured, generator and sandbox CPU (% of one core, mean over the hold, and peak), memory per
session (RSS growth from before the run to the hold, over the sessions), p95 first response,
messages lost and duplicated.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
import yaml

from harness.metrics.series import SeriesStore
from harness.sandbox import SandboxProcess

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "sessions.yaml"
VENDOR = ROOT / "scenarios" / "vendors" / "sandbox-agents.yaml"
LOCUSTFILE = ROOT / "harness" / "load" / "locustfile.py"
LAG_PROBE = Path(__file__).resolve().parent / "lag_probe.py"
FD_HEADROOM = 256  # listening sockets, agents' inbox connections, files, the master link


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _check_walls(sessions: int, agents: int, workers: int, sandboxes: int) -> None:
    """Raise the open-file soft limit to the hard one; stop, with the numbers, before a plan
    that a descriptor or ephemeral-port wall of this machine would break mid-run."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    low, high = (int(v) for v in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    ports = high - low + 1
    # each sandbox process holds the connections of its shard's sessions and agents
    sandbox_fds = -(-(sessions + agents) // sandboxes) + FD_HEADROOM
    load_fds = -(-(sessions + agents) // max(1, workers)) + FD_HEADROOM
    per_address = -(-(sessions + agents) // sandboxes)  # each shard on its own address
    print(f"walls: open files {hard} a process (soft was {soft}); each of {sandboxes} sandbox "
          f"process(es) needs {sandbox_fds}, each load process {load_fds}; ephemeral ports "
          f"{ports} per target address, needed {per_address}")  # fmt: skip
    problems = []
    if sandbox_fds > hard:
        problems.append(
            f"each sandbox process would need {sandbox_fds} open files (hard limit "
            f"{hard}): more --sandboxes"
        )
    if load_fds > hard:
        problems.append(f"each load process would need {load_fds} open files: more --workers")
    if per_address > ports:
        problems.append(
            f"{per_address} connections to one address exceed {ports} "
            "ephemeral ports: widen ip_local_port_range or add --sandboxes"
        )
    if problems:
        raise SystemExit("Error: " + "; ".join(problems))


class Sampler(threading.Thread):
    """CPU % (of one core) and RSS of process trees (summed), once a second."""

    def __init__(self, *pids: int) -> None:
        super().__init__(daemon=True)
        self.roots = [psutil.Process(pid) for pid in pids]
        self.samples: list[tuple[float, float, int]] = []  # (time, cpu %, rss bytes)
        self.stopped = threading.Event()
        self._known: dict[int, psutil.Process] = {}

    def _tree(self) -> list[psutil.Process]:
        """The process and its children (Locust's forked workers), each one's ``Process`` kept:
        ``cpu_percent(None)`` on a fresh one reads 0, which hid every worker's CPU."""
        found: list[psutil.Process] = []
        for root in self.roots:
            try:
                found += [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
        for proc in found:
            if proc.pid not in self._known:
                self._known[proc.pid] = proc
                proc.cpu_percent(None)
        return [self._known[proc.pid] for proc in found]

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


def _truth(sandboxes: list[SandboxProcess], token: str) -> dict[str, Any]:
    """The sandboxes' own counts, summed; an external id in two shards would be an overlap."""
    counts: dict[str, Any] = {"sessions": 0, "customer": 0, "agent": 0, "overlap": 0}
    counts["per_shard"] = []
    seen: set[str] = set()
    for sandbox in sandboxes:
        response = httpx.get(
            f"{sandbox.url}/_sandbox/truth",
            headers={"Authorization": f"Bearer {token}"},
            timeout=120,
        )
        response.raise_for_status()
        ids = set()
        for row in response.json()["sessions"]:
            counts["sessions"] += 1
            ids.add(str(row.get("external_id")))
            for message in row["messages"]:
                sender = message["sender"]
                if sender in ("customer", "agent"):
                    counts[sender] += 1
        counts["per_shard"].append(len(ids))
        counts["overlap"] += len(ids & seen)
        seen |= ids
    return counts


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _scenario(
    work: Path,
    sessions: int,
    agents: int,
    hold: float,
    ramp: float,
    smoke: bool,
    think: float | None,
) -> Path:
    data = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    if smoke:  # short exchanges, so that a 5-s hold has a window after the random phases
        data["conversation"].update(think_time="1s", agent_think_time="200ms")
    if think is not None:
        data["conversation"]["think_time"] = f"{think:g}s"
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
    parser.add_argument(
        "--sandboxes",
        type=int,
        help="sandbox processes (shards, each on its own loopback address; default --workers)",
    )
    parser.add_argument("--keep", type=Path, help="copy the run folder and log here")
    parser.add_argument("--think", type=float, help="customer think time, s (scenario: 15)")
    parser.add_argument("--capacity", type=int, help="sessions per sandbox agent (vendor: 30)")
    parser.add_argument("--smoke", action="store_true", help="a few seconds: 50 sessions (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.sessions, args.agents, args.hold, args.ramp = 50, 4, 5.0, 50.0
    shards = max(1, min(args.sandboxes or args.workers, args.workers))
    vendor = yaml.safe_load(VENDOR.read_text(encoding="utf-8"))
    base = dict(vendor["sandbox"]["overrides"])
    if args.capacity is not None:
        base["agent_capacity"] = str(args.capacity)
    # shard i's agents are those the processes targeting it play (harness.load.shards)
    shares = [args.agents // shards + (1 if i < args.agents % shards else 0) for i in range(shards)]
    per_agent = int(base["agent_capacity"])
    if min(shares) * per_agent * shards < args.sessions or min(shares) == 0:
        parser.error(f"{args.agents} agents x {per_agent} sessions each over {shards} "
                     f"sandbox(es) hold fewer than --sessions {args.sessions}: raise "
                     "--agents or --capacity")  # fmt: skip
    _check_walls(args.sessions, args.agents, args.workers, shards)
    print(f"start: {_uptime()}", flush=True)
    token = secrets.token_urlsafe(16)
    env = {**os.environ, "CSM_SANDBOX_TOKEN": token, "PYTHONPATH": str(ROOT)}
    lag_dir = Path(tempfile.mkdtemp(prefix="bench-lag-"))
    env["BENCH_LAG_DIR"] = str(lag_dir)
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        sandboxes = [
            stack.enter_context(
                SandboxProcess(
                    "solid", {**base, "agents": str(share)}, token=token, host=f"127.0.0.{1 + i}"
                )
            )
            for i, share in enumerate(shares)
        ]
        work = Path(tmp)
        scenario = _scenario(
            work, args.sessions, args.agents, args.hold, args.ramp, args.smoke, args.think
        )
        run_dir = work / "run"
        sandbox_sampler = Sampler(*(sandbox.pid for sandbox in sandboxes))
        sandbox_sampler.start()
        time.sleep(2.0)
        sandbox_idle_rss = sandbox_sampler.samples[-1][2]
        started = time.time()
        command = [
            sys.executable, "-m", "locust", "-f", f"{LOCUSTFILE},{LAG_PROBE}", "--headless",
            "--scenario", str(scenario), "--host", sandboxes[0].url, "--run-dir", str(run_dir),
            "--run-id", "bench-sessions", "--only-summary", "--loglevel", "WARNING",
            "--exit-code-on-error", "0", "--stop-timeout", "5",
        ]  # fmt: skip
        if shards > 1:
            command += ["--target-hosts", ",".join(sandbox.url for sandbox in sandboxes)]
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
        if args.keep is not None:  # the run folder and Locust's log, for a closer look
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
        if not (run_dir / "summary.json").exists():
            sys.stdout.write((work / "locust.log").read_text(errors="replace")[-3000:])
            raise SystemExit("the run wrote no summary")
        summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
        store = SeriesStore()
        for line in (run_dir / "metrics.ndjson").read_text(encoding="utf-8").splitlines():
            store.merge(json.loads(line)["metrics"])
        concurrency = {s: store.counter_at("sessions_open", s) for s in store.seconds()}
        # read while the temporary folder still exists (it used to crash here, after it)
        truth = _truth(sandboxes, token)
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
    kinds = ("throttled", "timeout", "connection", "protocol", "server", "client")
    by_kind = {k: metrics.get(f"requests_{k}", {}).get("count", 0) for k in kinds}
    print(f"requests {requests['count']} ({requests['per_second']:.0f}/s over the run), "
          f"errors {metrics['errors']['hits']} "
          f"({', '.join(f'{k} {n}' for k, n in by_kind.items() if n) or 'none'})")  # fmt: skip
    print(f"first response p50 {first['p50_ms'] or 0:.0f} ms, p95 {first['p95_ms'] or 0:.0f} ms "
          f"(agent think time included); session routing p95 "
          f"{metrics['session_routing']['p95_ms'] or 0:.0f} ms")  # fmt: skip
    print(f"messages lost {lost['hits']}/{lost['total']}, duplicated {dup['hits']}/{dup['total']}; "
          f"sessions opened {metrics['sessions_opened']['count']}, closed "
          f"{metrics['sessions_closed']['count']}; verdict {summary['verdict']}")  # fmt: skip
    unknown = metrics.get("messages_unknown", {}).get("count", 0)
    opened, sent = metrics["sessions_opened"]["count"], metrics["messages_sent"]["count"]
    reconciles = (
        opened <= truth["sessions"] <= opened + unknown
        and sent <= truth["customer"] <= sent + unknown
        and truth["overlap"] == 0
    )
    print(f"vendor truth ({len(shares)} sandbox(es), summed): sessions {truth['sessions']}, "
          f"customer messages {truth['customer']}, agent messages {truth['agent']}, sessions in "
          f"two shards {truth['overlap']} (per shard {truth['per_shard']}); harness "
          f"opened {opened}, sent {sent}, outcome "
          f"unknown {unknown}: {'reconciles' if reconciles else 'DOES NOT reconcile'}")  # fmt: skip
    lags = sorted(
        lag
        for path in lag_dir.glob("lag-*.json")
        for at, lag in json.loads(path.read_text(encoding="utf-8"))
        if ramp_end <= at <= hold_end
    )
    shutil.rmtree(lag_dir, ignore_errors=True)
    if lags:
        p50, p99 = lags[len(lags) // 2], lags[min(len(lags) - 1, int(len(lags) * 0.99))]
        print(f"load processes' own lag (hold, {len(lags)} samples): p50 {p50:.1f} ms, "
              f"p99 {p99:.1f} ms, max {lags[-1]:.1f} ms")  # fmt: skip
    _print_cost(store, ramp_end, hold_end, gen_mean, sb_mean, args.sessions / think)
    print(f"end: {_uptime()}")


def _print_cost(
    store: SeriesStore, start: float, end: float, gen_mean: float, sb_mean: float, rate: float
) -> None:
    """CPU per request over the hold, and what the planned message rate would need at that
    cost: where the wall of this machine is, whatever else shares it."""
    window = [s for s in store.seconds() if start <= s <= end]
    requests = sum(store.counter_at("requests", s) for s in window)
    messages = sum(store.counter_at("messages_sent", s) for s in window)
    if not requests or not messages:
        return
    span = len(window)
    gen_ms, sb_ms = (mean / 100.0 * span / requests * 1000.0 for mean in (gen_mean, sb_mean))
    per_message = requests / messages
    needed = rate * per_message / 1000.0
    print(f"CPU per request (hold): generator {gen_ms:.2f} ms, sandbox {sb_ms:.2f} ms; "
          f"{requests / span:.0f} requests/s, {per_message:.1f} per customer message; the plan "
          f"({rate:.0f} customer messages/s) needs ~{needed * gen_ms:.2f} cores of generator "
          f"and ~{needed * sb_ms:.2f} of sandbox at that cost")  # fmt: skip


if __name__ == "__main__":
    main()
