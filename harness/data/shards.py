"""Run a pure function over chunks of work in forked processes; results come back in order.

:func:`map_chunks` is how ``anonymise`` spreads its per-row work over cores once the global,
ordered part (observing every value, assigning every pseudonym) is done. The workers are
forked, so they start with the parent's state (pseudonymiser, name index, scanner automata)
without pickling it; only chunks and results cross the pipe. ``jobs=1``, or a single chunk,
runs the same function in this process: the output cannot depend on how many processes ran.

At most ``2 * jobs`` chunks are in flight, so a large export is never held in the pipe, and the
chunk iterator runs in the calling thread (progress callbacks stay on the main thread). Fork
is POSIX only; elsewhere everything runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, Final, TypeVar

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

__all__ = ["CAN_FORK", "default_jobs", "map_chunks"]

S = TypeVar("S")
C = TypeVar("C")
R = TypeVar("R")

CAN_FORK: Final[bool] = "fork" in multiprocessing.get_all_start_methods()
_IN_FLIGHT: Final[int] = 2  # chunks queued per worker
_work: tuple[Callable[[Any, Any], Any], Any] | None = None  # set in the parent, read after fork


def default_jobs() -> int:
    """The number of CPU cores (``os.cpu_count()``), at least 1."""
    return os.cpu_count() or 1


def map_chunks(work: Callable[[S, C], R], state: S, chunks: Iterable[C], jobs: int) -> Iterator[R]:
    """``work(state, chunk)`` for every chunk, in the order of ``chunks``.

    With ``jobs > 1`` and at least two chunks, up to ``jobs`` forked processes run it; ``state``
    is inherited through the fork, never pickled. A worker's exception is raised here.
    """
    items = iter(chunks)
    head = list(islice(items, 2))
    if jobs <= 1 or len(head) < 2 or not CAN_FORK:
        for chunk in chain(head, items):
            yield work(state, chunk)
        return
    global _work
    _work = (work, state)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            pending: deque[AsyncResult[R]] = deque()
            for chunk in chain(head, items):
                pending.append(pool.apply_async(_run, (chunk,)))
                if len(pending) >= _IN_FLIGHT * jobs:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        _work = None


def _run(chunk: Any) -> Any:
    assert _work is not None, "map_chunks state is set before the fork"
    work, state = _work
    return work(state, chunk)
