"""How many idle keep-alive sessions one load process holds, and what a second process adds.

    .venv/bin/python bench/bench_sessions_capacity.py sessions 2000 5000 10000
    .venv/bin/python bench/bench_sessions_capacity.py speedup [--rate 300] [--seconds 20]
    .venv/bin/python bench/bench_sessions_capacity.py --smoke    # 50 sessions, 1-s period (CI)

``sessions N...``: for each N, a child process (gevent, Locust's ``FastHttpSession`` with the
harness's keep-alive fix) opens N sessions to the embedded sandbox. Each sends one GET every
``--period`` seconds (30) from a random phase, on its own absolute schedule (a phase slept in
``on_start`` would not shift Locust's pacing: reference note locust-capacity.md §4.2). The first
period connects every session (about N/30 new sessions a second); the second is the steady
window, where the child's CPU (% of one core), RSS growth per session, achieved rate, latency
and new connections are measured. Each step takes two periods (60 s by default).

``speedup``: the harness's own arrival-rate user (schedule feed, webhook probe, metrics,
per-ticket records) at a fixed rate, once with one Locust process and once with
``--processes 2``: requests per CPU-second (master and workers, ``RUSAGE_CHILDREN``), achieved
ticket rate and late arrivals. Each run lasts ``--seconds`` (20) plus start-up and drain.

The sandbox is its own process and is not counted. The open-file soft limit is raised to fit N
sessions (plus headroom); if the hard limit is too low it says so and stops.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from harness.sandbox import SandboxProcess

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).parent
FD_HEADROOM = 512
SANDBOX_OVERRIDES = {"rate_limit_rps": "0", "agents": "200"}


def raise_fd_limit(sessions: int) -> int:
    """Raise the soft open-file limit to fit ``sessions`` sockets; exit with a message if not."""
    need = sessions + FD_HEADROOM
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= need:
        return soft
    if hard != resource.RLIM_INFINITY and hard < need:
        sys.exit(
            f"Error: {sessions} sessions need {need} open files, but the hard limit is {hard} "
            f"(soft {soft}). Raise it (ulimit -Hn, /etc/security/limits.conf, or the container's "
            f"nofile ulimit) or run fewer sessions."
        )
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))
    except (ValueError, OSError) as exc:
        sys.exit(f"Error: could not raise the open-file soft limit from {soft} to {need}: {exc}")
    return need


# -- sessions -------------------------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import json, os, random, sys, time
    import gevent, psutil
    import locust  # noqa: F401  (gevent-patches the process, as in a real run)
    from geventhttpclient.connectionpool import ConnectionPool
    from locust.contrib.fasthttp import FastHttpSession
    from locust.event import Events
    from harness.load import gevent_fix

    url, sessions, period = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    fixed = gevent_fix.apply()
    headers = {"Authorization": "Bearer " + os.environ["CSM_SANDBOX_TOKEN"]}
    me = psutil.Process()
    created = [0]
    original = ConnectionPool._create_socket
    def counting(self):
        created[0] += 1
        return original(self)
    ConnectionPool._create_socket = counting
    window = {"on": False, "latencies": [], "failures": 0, "requests": 0}
    def listener(request_type, name, response_time, response_length, exception=None, **kw):
        if window["on"]:
            window["requests"] += 1
            window["latencies"].append(response_time)
            window["failures"] += exception is not None
    events = Events()
    events.request.add_listener(listener)
    gevent.sleep(1.0)
    baseline_rss = me.memory_info().rss
    start = time.monotonic()
    def session_loop(rng):
        client = FastHttpSession(url, events.request, user=None, network_timeout=60.0,
                                 connection_timeout=30.0)
        due = start + rng.uniform(0, period)
        while True:
            gevent.sleep(max(0.0, due - time.monotonic()))
            client.get("/api/v1/queues", headers=headers)
            due += period
    rng = random.Random(7)
    greenlets = [gevent.spawn(session_loop, random.Random(rng.random())) for _ in range(sessions)]
    gevent.sleep(max(0.0, start + period - time.monotonic()))  # every session has connected
    window["on"] = True
    connections0, cpu0 = created[0], me.cpu_times()
    t0 = time.monotonic()
    gevent.sleep(period)
    cpu1, t1 = me.cpu_times(), time.monotonic()
    window["on"] = False
    cpu_s = (cpu1.user + cpu1.system) - (cpu0.user + cpu0.system)
    rss = me.memory_info().rss
    lat = sorted(window["latencies"])
    pick = lambda p: lat[min(len(lat) - 1, int(p / 100 * len(lat)))] if lat else None
    print(json.dumps({
        "sessions": sessions, "fix_applied": fixed, "window_s": t1 - t0,
        "cpu_percent": 100 * cpu_s / (t1 - t0), "requests": window["requests"],
        "failures": window["failures"], "new_connections": created[0] - connections0,
        "connections_total": created[0], "rss_mb": rss / 2**20,
        "kb_per_session": (rss - baseline_rss) / 1024 / sessions,
        "p50_ms": pick(50), "p99_ms": pick(99),
        "cpu_ms_per_request": 1000 * cpu_s / max(1, window["requests"]),
    }))
    sys.stdout.flush()
    os._exit(0)
    """
)


def run_sessions(counts: list[int], period: float) -> None:
    raise_fd_limit(max(counts))
    token = secrets.token_urlsafe(16)
    env = {**os.environ, "CSM_SANDBOX_TOKEN": token, "PYTHONPATH": str(ROOT)}
    header = (
        f"{'sessions':>8}{'CPU %':>8}{'KB/sess':>9}{'RSS MB':>8}{'req/s':>8}{'expect':>8}"
        f"{'CPU ms/req':>11}{'p50 ms':>8}{'p99 ms':>8}{'new conn':>9}{'fail':>6}"
    )
    rows: list[str] = []
    for count in counts:
        with SandboxProcess("solid", SANDBOX_OVERRIDES, token=token) as sandbox:
            done = subprocess.run(
                [sys.executable, "-c", CHILD, sandbox.url, str(count), str(period)],
                env=env, capture_output=True, text=True, timeout=2 * period + 60,
            )  # fmt: skip
        if done.returncode != 0:
            sys.exit(f"Error: the {count}-session child failed:\n{done.stderr[-2000:]}")
        r = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(
            f"{count:>8}{r['cpu_percent']:>8.1f}{r['kb_per_session']:>9.1f}{r['rss_mb']:>8.0f}"
            f"{r['requests'] / r['window_s']:>8.1f}{count / period:>8.1f}"
            f"{r['cpu_ms_per_request']:>11.2f}{r['p50_ms'] or 0:>8.1f}{r['p99_ms'] or 0:>8.1f}"
            f"{r['new_connections']:>9}{r['failures']:>6}"
        )
        print(f"done: {count} sessions", file=sys.stderr)
    print(f"idle keep-alive sessions, one GET every {period:g} s each, steady window "
          f"{period:g} s; CPU % of one core (keep-alive fix applied)")  # fmt: skip
    print(header, *rows, sep="\n")


# -- speed-up -------------------------------------------------------------------------------

SCENARIO = """\
name: speedup
vendors: [{vendor}]
bounds: {{max_duration: 2m, max_requests: 200000}}
traffic: {{kind: synthetic, seed: 3, categories: {{billing: 1, refunds: 1, logistics: 1}},
  channels: {{web: 1}}, priorities: {{normal: 1}}}}
load: {{kind: arrival-rate, rate: {rate}/s, duration: {seconds}s, max_users: {users},
  arrivals: uniform}}
probe: {{mode: webhook, poll_interval: 500ms, timeout: 30s}}
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _harness_run(
    url: str, scenario: Path, run_dir: Path, env: dict[str, str], processes: int
) -> dict[str, float]:
    argv = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "harness/load/locustfile.py"),
        "--headless", "--only-summary", "--exit-code-on-error", "0", "--loglevel", "ERROR",
        "--scenario", str(scenario), "--host", url, "--run-dir", str(run_dir),
    ]  # fmt: skip
    if processes > 1:
        argv += ["--processes", str(processes)]
    cpu0, wall0 = _children_cpu(), time.monotonic()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=180)  # fmt: skip
    cpu, wall = _children_cpu() - cpu0, time.monotonic() - wall0
    data = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    metrics, generator = data["metrics"], data["generator"]
    created = metrics["tickets_created"]
    busy = [p["t"] for p in data["timeline"] if p["tickets_created"]]
    span = (busy[-1] - busy[0] + 1) if busy else 1
    return {
        "requests": metrics["requests"]["count"],
        "cpu_s": cpu,
        "wall_s": wall,
        "planned": data["load"]["planned_arrivals"],
        "created": created["count"],
        "rate": created["count"] / max(span, data["load"]["duration_s"]),  # as achieved
        "late": generator["late_arrivals"],
        "max_lag_s": generator["max_lag_s"],
        "create_p99_ms": metrics["ticket_create"]["p99_ms"] or 0.0,
        "machine_max": generator["machine_cpu_max_percent"] or 0.0,
        "reliable": generator["reliable"],
    }


def run_speedup(rate: float, seconds: float) -> None:
    token = secrets.token_urlsafe(16)
    env = {**os.environ, "CSM_SANDBOX_TOKEN": token}
    vendor = HERE / "scenarios" / "vendors" / "bench-sandbox.yaml"
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        users = max(20, int(rate))
        full, idle = work / "speedup.yaml", work / "fixed-cost.yaml"
        full.write_text(SCENARIO.format(vendor=vendor, rate=rate, seconds=seconds, users=users))
        idle.write_text(SCENARIO.format(vendor=vendor, rate=2, seconds=1, users=users))
        for processes in (1, 2):
            with SandboxProcess("solid", SANDBOX_OVERRIDES, token=token) as sandbox:
                run = _harness_run(sandbox.url, full, work / f"p{processes}", env, processes)
                fixed = _harness_run(sandbox.url, idle, work / f"f{processes}", env, processes)
            run["marginal"] = (run["requests"] - fixed["requests"]) / max(
                0.01, run["cpu_s"] - fixed["cpu_s"]
            )
            results[processes] = run
    print(f"harness arrival-rate user at {rate:g} tickets/s for {seconds:g} s (uniform); "
          "req/CPU-s over the whole child; marginal: start-up cost subtracted")  # fmt: skip
    print(f"{'processes':>9}{'requests':>9}{'CPU s':>7}{'req/CPU-s':>10}{'marginal':>9}"
          f"{'achieved/s':>11}{'late':>6}{'max lag s':>10}{'p99 ms':>8}{'machine max %':>14}"
          f"{'reliable':>9}")  # fmt: skip
    for processes, r in results.items():
        print(
            f"{processes:>9}{r['requests']:>9.0f}{r['cpu_s']:>7.1f}"
            f"{r['requests'] / r['cpu_s']:>10.0f}{r['marginal']:>9.0f}{r['rate']:>11.1f}"
            f"{r['late']:>6.0f}{r['max_lag_s']:>10.2f}{r['create_p99_ms']:>8.0f}"
            f"{r['machine_max']:>14.0f}{r['reliable']!s:>9}"
        )
    one, two = results[1], results[2]
    print(
        f"speed-up 1 -> 2 processes: achieved rate x{two['rate'] / one['rate']:.2f}, "
        f"marginal requests per CPU-second x{two['marginal'] / one['marginal']:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="50 sessions, 1-s period (CI)")
    commands = parser.add_subparsers(dest="command")
    sessions = commands.add_parser("sessions", help="idle keep-alive sessions per process")
    sessions.add_argument("counts", nargs="+", type=int, help="session counts, e.g. 2000 5000")
    sessions.add_argument("--period", type=float, default=30.0, help="seconds between requests")
    speedup = commands.add_parser("speedup", help="1 vs 2 Locust processes at a fixed rate")
    speedup.add_argument("--rate", type=float, default=300.0, help="tickets per second")
    speedup.add_argument("--seconds", type=float, default=20.0, help="arrivals last this long")
    args = parser.parse_args()
    if args.smoke:
        run_sessions([50], 1.0)
        return
    if args.command is None:
        parser.error("a command is required: sessions or speedup")
    if args.command == "sessions":
        if any(count < 1 for count in args.counts) or not 1 <= args.period <= 30:
            parser.error("counts must be >= 1 and --period within 1-30 s (each step is 2 periods)")
        run_sessions(args.counts, args.period)
    else:
        if not 1 <= args.seconds <= 50:
            parser.error("--seconds must be within 1-50 (each run stays under a minute)")
        run_speedup(args.rate, args.seconds)


if __name__ == "__main__":
    main()
