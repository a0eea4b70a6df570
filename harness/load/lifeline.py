"""How a load process ends when nobody ends it politely.

- Workers ship their metrics to the master every second (Locust's default is 3 s), so a master
  killed with SIGKILL loses at most the last second of what it had not yet appended to
  ``metrics.ndjson``.
- ``csm-harness run`` names itself in ``CSM_HARNESS_PARENT_PID``; if that process disappears
  (killed with SIGKILL, its terminal closed), the load process stops the run itself and still
  writes its report, instead of load-testing a vendor for nobody until ``max_duration``.
- A stop that is neither the shape's end nor a bound is an interrupt (SIGINT or SIGTERM): the
  report says the run is incomplete and why.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

import gevent
import locust.runners
from locust.env import Environment

__all__ = [
    "INTERRUPTED",
    "PARENT_ENV",
    "PARENT_GONE",
    "report_every_second",
    "watch_parent",
]

PARENT_ENV = "CSM_HARNESS_PARENT_PID"
INTERRUPTED = "an interrupt (Ctrl-C or SIGTERM)"
PARENT_GONE = "the end of the csm-harness process that started it"
_CHECK_EVERY_S = 0.5
_HEARTBEAT_LIVENESS = 15  # heartbeat intervals (1 s each) without news before "missing"

log = logging.getLogger("csm_harness")


def report_every_second() -> None:
    locust.runners.WORKER_REPORT_INTERVAL = 1.0
    # Locust declares a worker missing after 3 s without a heartbeat; on a machine shared with
    # the vendor (two cores, a ramp of thousands of sessions) a busy worker can miss that
    # while it is working. A dead worker is still noticed, within 15 s.
    locust.runners.HEARTBEAT_LIVENESS = _HEARTBEAT_LIVENESS


def watch_parent(environment: Environment, on_gone: Callable[[], None]) -> None:
    """Quit the run once the parent named in ``CSM_HARNESS_PARENT_PID`` is gone."""
    raw = os.environ.get(PARENT_ENV, "")
    if not raw.isdigit():
        return
    parent = int(raw)

    def watch() -> None:
        while os.getppid() == parent:
            gevent.sleep(_CHECK_EVERY_S)
        log.warning("csm-harness (pid %d) is gone: stopping the run", parent)
        on_gone()
        runner: Any = environment.runner
        if runner is not None:
            runner.quit()

    gevent.spawn(watch)
