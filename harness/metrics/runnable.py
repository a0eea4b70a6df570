"""How much of each second the load process's event loop wanted a CPU.

``psutil``'s CPU percent says what a process got, not what it wanted: a load process that never
sleeps but shares two cores with ten other busy programs gets a quarter of a core, looks calm,
and still queues every request it sends behind its own work (its timers fire seconds late). The
kernel's scheduler statistics (``/proc/thread-self/schedstat``: nanoseconds on a CPU and waiting
in a run queue) tell the two apart: a thread that was running or runnable for the whole second is
at its limit whatever it got, while a mostly idle one beside a CPU burner only waits a little
when it wakes. Not every system has the file (non-Linux, some containers): then None.
"""

from __future__ import annotations

import time
from pathlib import Path

__all__ = ["RunnableMeter"]

_SCHEDSTAT = Path("/proc/thread-self/schedstat")


class RunnableMeter:
    """Percent of one core the calling thread (the gevent loop's) was running or runnable
    since the previous reading. Construct and read it on that thread."""

    def __init__(self) -> None:
        self._last = self._read()

    @staticmethod
    def _read() -> tuple[int, float] | None:
        try:
            running_ns, waiting_ns, *_ = _SCHEDSTAT.read_text(encoding="ascii").split()
            return int(running_ns) + int(waiting_ns), time.monotonic()
        except (OSError, ValueError):
            return None

    def percent(self) -> float | None:
        now = self._read()
        last, self._last = self._last, now
        if now is None or last is None or now[1] <= last[1]:
            return None
        return min(100.0, (now[0] - last[0]) / 1e9 / (now[1] - last[1]) * 100.0)
