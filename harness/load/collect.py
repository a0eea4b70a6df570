"""Collects the harness's own metrics in every Locust process and merges them on the master.

Each process records into a :class:`SeriesStore` (per metric, per second). Workers ship what
they recorded since their last report on Locust's own worker reports (``report_to_master``,
every 3 s and once more when they stop); the master merges the deltas (``worker_report``).
A local (single-process) run drains its own store once a second. Every merged delta is also
appended to ``metrics.ndjson`` in the run folder, so a crash loses seconds, not the run.

CPU: every load process samples its own CPU once a second; the master (or local process) also
samples the whole machine's, because Locust's own warning is per process and stays silent in
distributed runs (see :mod:`harness.analysis.saturation`, which judges both). The same timer
records how late it fired (``generator_lag``): a process starved by a busy machine shows low
CPU but a late event loop, and every latency it measured carries that delay.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import gevent
import psutil
from locust.env import Environment

from harness.analysis.saturation import SATURATED_PERCENT, CpuRecord
from harness.metrics.process_state import ProcessState, state_from_dict, state_to_dict
from harness.metrics.runnable import DemandMeter
from harness.metrics.series import SeriesStore

METRICS_FILE = "metrics.ndjson"
REPORT_KEY = "csm_harness"
CPU_SATURATED_PERCENT = SATURATED_PERCENT
GENERATOR_LAG = "generator_lag"
# One counter per request outcome; a failure without a kind (a raw Locust error) is a
# connection failure.
_OUTCOMES: dict[str | None, str] = {
    kind: f"requests_{kind}"
    for kind in ("throttled", "timeout", "connection", "protocol", "server", "client")
}
_OUTCOMES[None] = "requests_connection"


@dataclass(slots=True)
class RunTotals:
    """The master's (or local process's) merged view of the whole run."""

    store: SeriesStore = field(default_factory=SeriesStore)
    processes: dict[str, ProcessState] = field(default_factory=dict)
    machine: CpuRecord = field(default_factory=lambda: CpuRecord("machine"))

    def drained(self) -> bool:
        states = self.processes.values()
        return bool(states) and all(s.exhausted and s.pending == 0 for s in states)


class MetricsHub:
    """This process's recorder; on the master or a local runner also the run's aggregator."""

    def __init__(self, environment: Environment, process: str, *, runs_users: bool) -> None:
        self.environment = environment
        self.process = process
        self.runs_users = runs_users
        self.store = SeriesStore()
        self.state = ProcessState()
        self.totals: RunTotals | None = None
        self._metrics_file: IO[str] | None = None
        self._cpu = psutil.Process()
        self._greenlets: list[gevent.Greenlet[Any, Any]] = []
        self._machine: gevent.Greenlet[Any, Any] | None = None
        self.requests_sent = 0
        self.before_ship: Callable[[], None] | None = None
        events = environment.events
        events.request.add_listener(self._on_request)
        events.report_to_master.add_listener(self._on_report_to_master)
        events.worker_report.add_listener(self._on_worker_report)

    def reset(self, run_dir: Path | None) -> None:
        """A new run starts: fresh store and state; the aggregator (``run_dir`` given) too."""
        self.close()
        self.store = SeriesStore()
        self.state = ProcessState()
        self.requests_sent = 0
        self.before_ship = None
        self.totals = RunTotals() if run_dir is not None else None
        if run_dir is not None:
            self._metrics_file = (run_dir / METRICS_FILE).open("a", encoding="utf-8")
            psutil.cpu_percent(None)  # prime: the first reading covers nothing
            self._machine = gevent.spawn(self._sample_machine)
        self._cpu.cpu_percent(None)

    # -- recording (hot path) ------------------------------------------------------------
    def _on_request(
        self,
        request_type: str,
        name: str,
        response_time: float,
        response_length: int,
        exception: BaseException | None = None,
        context: dict[str, Any] | None = None,
        **_: Any,
    ) -> None:
        second = int(time.time())
        self.requests_sent += 1
        store = self.store
        store.add("requests", second)
        store.observe("http_req_duration", response_time, second)
        context = context or {}
        failure = context.get("failure")
        throttled = failure == "throttled"
        store.hit("throttled", second, throttled)
        failed = exception is not None and not throttled
        role = context.get("role", "operation")
        if role == "operation":  # errors are about what the load does, not about probing it
            store.hit("errors", second, failed)
        else:
            store.add(f"{role}_requests", second)
            store.hit(f"{role}_errors", second, failed)
        store.add(_OUTCOMES.get(failure, "requests_ok") if exception else "requests_ok", second)

    # -- shipping and merging -------------------------------------------------------------
    def start(self) -> None:
        self._greenlets.append(gevent.spawn(self._sample_cpu))
        if self.totals is not None and self.runs_users:
            self._greenlets.append(gevent.spawn(self._drain_locally))

    def stop(self) -> None:
        for greenlet in self._greenlets:
            greenlet.kill(block=False)
        self._greenlets.clear()
        if self.totals is not None and self.runs_users:
            self.merge_local()

    def _sample_cpu(self) -> None:
        demand = DemandMeter()
        due = time.monotonic() + 1.0
        while True:
            gevent.sleep(max(0.0, due - time.monotonic()))
            # How late this timer fired: what every greenlet of the process waited besides
            # its own work (a starved or CPU-bound load process), added to what it measured.
            now = time.monotonic()
            self.store.observe(GENERATOR_LAG, (now - due) * 1000.0, int(time.time()))
            due = max(due + 1.0, now + 0.5)
            percent = self._cpu.cpu_percent(None)
            wanted = demand.percent()
            self.state.cpu_samples += 1
            self.state.cpu_total_percent += percent
            self.state.cpu_max_percent = max(self.state.cpu_max_percent, percent)
            # at its limit when it used its core, or would have but others kept it waiting
            if max(percent, wanted or 0.0) >= CPU_SATURATED_PERCENT:
                self.state.saturated_seconds += 1

    def _sample_machine(self) -> None:
        """Whole-machine CPU (% of all cores), once a second, while this process aggregates."""
        while True:
            gevent.sleep(1.0)
            totals = self.totals
            if totals is not None:
                totals.machine = totals.machine.add(psutil.cpu_percent(None))

    def _drain_locally(self) -> None:
        while True:
            gevent.sleep(1.0)
            self.merge_local()

    def merge_local(self) -> None:
        """Local runner: merge this process's delta into the run's totals."""
        if self.before_ship is not None:
            self.before_ship()
        self._merge(self.process, self.store.drain(), self.state)

    def _on_report_to_master(self, client_id: str, data: dict[str, Any]) -> None:
        data[REPORT_KEY] = self.report()

    def report(self) -> dict[str, Any]:
        """What this worker recorded since its last report, and its state."""
        if self.before_ship is not None:
            self.before_ship()
        return {"metrics": self.store.drain(), "state": _state_dict(self.state)}

    def _on_worker_report(self, client_id: str, data: dict[str, Any]) -> None:
        payload = data.get(REPORT_KEY)
        if payload is not None:
            self.merge_report(client_id, payload)

    def merge_report(self, client_id: str, payload: dict[str, Any]) -> None:
        self._merge(client_id, payload["metrics"], state_from_dict(payload["state"]))

    def _merge(self, process: str, delta: dict[str, Any], state: ProcessState) -> None:
        if self.totals is None:
            return
        self.totals.store.merge(delta)
        self.totals.processes[process] = state
        if self._metrics_file is not None and not self._metrics_file.closed:
            line = {
                "at": time.time(),
                "process": process,
                "metrics": delta,
                "state": _state_dict(state),  # so a killed run's report still has it
            }
            self._metrics_file.write(json.dumps(line) + "\n")
            self._metrics_file.flush()

    def close(self) -> None:
        if self._machine is not None:
            self._machine.kill(block=False)
            self._machine = None
        if self._metrics_file is not None and not self._metrics_file.closed:
            self._metrics_file.close()


def _state_dict(state: ProcessState) -> dict[str, Any]:
    return state_to_dict(state)
