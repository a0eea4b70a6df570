"""The last word of every worker before the master writes the run's results.

A headless master whose shape ends the run fires ``test_stop`` at once and only then tells its
workers to quit (Locust's ``quit``), so what the workers recorded in their last second, and the
records of sessions still open (cut), would reach it after its results were written. Before it
finalises, the master asks each worker to stop (which ends its chat and load state, closing its
records) and to send everything it has not yet reported; it waits for every answer, bounded.
"""

from __future__ import annotations

import logging
import time
from typing import Any, ClassVar

import gevent
from locust.env import Environment
from locust.runners import STATE_MISSING, MasterRunner, WorkerRunner

from harness.load.collect import MetricsHub

__all__ = ["collect_last_reports", "listen_on_master", "listen_on_worker"]

log = logging.getLogger("csm_harness")
_STOP_REQUEST = "csm_stop_and_report"
_LAST_REPORT = "csm_last_report"
# A worker stops its users, signs its agents out and writes the records of its open sessions
# first: 30 s was too short for 2,500 sessions a worker on a starved machine (load 12 on 2
# cores), and the missing last reports lost 1,351 sent messages of a 5,000-session run. A
# worker Locust finds gone is not waited for.
_WAIT_S = 120.0


class _Pending:
    asked: ClassVar[set[str]] = set()
    answered: ClassVar[set[str]] = set()


def listen_on_worker(runner: WorkerRunner, hub: MetricsHub) -> None:
    def stop_and_report(environment: Environment, msg: Any, **_: Any) -> None:
        runner.stop()  # fires test_stop here: chat and load state end, records are closed
        runner.send_message(_LAST_REPORT, hub.report())

    runner.register_message(_STOP_REQUEST, stop_and_report)


def listen_on_master(runner: MasterRunner, hub: MetricsHub) -> None:
    def last_report(environment: Environment, msg: Any, **_: Any) -> None:
        hub.merge_report(msg.node_id, msg.data)
        _Pending.answered.add(msg.node_id)

    runner.register_message(_LAST_REPORT, last_report)


def collect_last_reports(runner: MasterRunner) -> None:
    """Ask every connected worker for its last report and wait until all have answered."""
    _Pending.asked = {c.id for c in runner.clients.all if c.state != STATE_MISSING}
    _Pending.answered = set()
    for client_id in _Pending.asked:
        runner.send_message(_STOP_REQUEST, None, client_id)
    deadline = time.monotonic() + _WAIT_S
    while time.monotonic() < deadline:
        waiting = _Pending.asked - _Pending.answered
        alive = {c.id for c in runner.clients.all if c.state != STATE_MISSING}
        if not waiting & alive:
            break
        gevent.sleep(0.05)
    missing = _Pending.asked - _Pending.answered
    if missing:
        log.warning("%d worker(s) sent no last report: their last second is missing", len(missing))
