"""How much of a core the load process's event loop would use if it never had to wait for one.

``psutil``'s CPU percent says what a process got, not what it wanted: a load process that never
sleeps but shares two cores with ten other busy programs gets a quarter of a core, looks calm,
and still queues every request it sends behind its own work. The kernel's scheduler statistics
(``/proc/thread-self/schedstat``: nanoseconds on a CPU, and waiting in a run queue) tell the
two apart. Of the time the thread was not kept waiting by others, the share it spent running is
its demand: 100 % for a thread that never sleeps, however little it got; a light load process
beside a CPU burner waits a little at each wake-up but still sleeps most of the rest, so its
demand stays low (that is "machine busy", not saturation). Not every system has the file
(non-Linux, some containers): then None.
"""

from __future__ import annotations

import time
from pathlib import Path

__all__ = ["DemandMeter"]

_SCHEDSTAT = Path("/proc/thread-self/schedstat")


class DemandMeter:
    """Percent of one core the calling thread (the gevent loop's) ran, of the time since the
    previous reading that it was not waiting in a run queue. Construct and read it on that
    thread."""

    def __init__(self) -> None:
        self._last = self._read()

    @staticmethod
    def _read() -> tuple[int, int, float] | None:
        try:
            running_ns, waiting_ns, *_ = _SCHEDSTAT.read_text(encoding="ascii").split()
            return int(running_ns), int(waiting_ns), time.monotonic()
        except (OSError, ValueError):
            return None

    def percent(self) -> float | None:
        now = self._read()
        last, self._last = self._last, now
        if now is None or last is None or now[2] <= last[2]:
            return None
        running = (now[0] - last[0]) / 1e9
        free = (now[2] - last[2]) - (now[1] - last[1]) / 1e9  # wall time not kept waiting
        if free <= 0.0:
            return 100.0 if running > 0.0 else 0.0
        return min(100.0, running / free * 100.0)
