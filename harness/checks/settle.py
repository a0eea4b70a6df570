"""Waiting on a slow but correct vendor: a wait follows what the vendor is observed to do.

A wait ends when nothing is outstanding, when nothing progressed for ``quiet_s`` (the
contract's ``routing.wait_s`` or ``webhooks.wait_s``), or at ``bound_s`` after it began (the
contract's ``routing.max_wait_s``, 60 s by default like a scenario's ``probe.timeout``),
whichever comes first. So a router that decides one ticket every 0.3 s is waited for as long
as it keeps deciding, and a vendor that stopped is given up on after ``quiet_s``.

The checks share one vendor, so tickets created by earlier checks may still be queued for
routing when a check that measures routing or webhooks starts. :func:`drain` waits for that
backlog first, so each check's own tickets are not judged on the time spent behind others'.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from harness.model import Assignment, TicketRef, TicketStatus
from harness.vendors.base import ApiFailure, Flow
from harness.vendors.capabilities import POLL_ASSIGNMENT

if TYPE_CHECKING:
    from harness.checks.context import CheckContext

__all__ = [
    "POLL_S", "assignment_flow", "await_progress", "drain", "read_assignment", "wait_assigned"
]  # fmt: skip

POLL_S = 0.25
_PROBES = 5  # unsettled backlog tickets read per round
_DONE = (TicketStatus.SOLVED, TicketStatus.CLOSED)


def await_progress(
    outstanding: Callable[[], int],
    quiet_s: float,
    bound_s: float,
    *,
    interval_s: float = POLL_S,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> float:
    """Poll ``outstanding()`` until it is 0, it has not dropped for ``quiet_s``, or
    ``bound_s`` has passed; return the seconds waited."""
    start = last = clock()
    best = outstanding()
    while best:
        now = clock()
        if now - last >= quiet_s or now - start >= bound_s:
            break
        sleep(min(interval_s, quiet_s - (now - last), bound_s - (now - start)))
        left = outstanding()
        if left < best:
            best, last = left, clock()
    return clock() - start


def assignment_flow(ctx: CheckContext, ref: TicketRef) -> Flow[Assignment | None]:
    """The ticket's assignment: polled where the adapter offers it, else read from the ticket
    (a vendor observed by webhook still names the assignee on a read)."""
    if ctx.offers(POLL_ASSIGNMENT):
        found: Assignment | None = yield from ctx.need(POLL_ASSIGNMENT).fetch_assignment(ref)
        return found
    state = yield from ctx.adapter.get_ticket(ref)
    if state.assignee is None:
        return None
    return Assignment(ref.id, state.assignee, state.queue, external_id=ref.external_id or None)


def read_assignment(ctx: CheckContext, ref: TicketRef) -> Assignment | None:
    return ctx.run(assignment_flow(ctx, ref))


def wait_assigned(
    ctx: CheckContext, refs: Sequence[TicketRef], quiet_s: float
) -> tuple[dict[str, Assignment], float]:
    """Poll each ticket's assignment while assignments progress; the assignments found and
    the seconds waited."""
    assigned = {ref.id: ref.assignment for ref in refs if ref.assignment is not None}

    def outstanding() -> int:
        for ref in refs:
            if ref.id not in assigned:
                found = read_assignment(ctx, ref)
                if found is not None:
                    assigned[ref.id] = found
        return len(refs) - len(assigned)

    waited = await_progress(outstanding, quiet_s, ctx.contract.routing.max_wait_s)
    return assigned, waited


def drain(ctx: CheckContext) -> None:
    """Wait until the tickets earlier checks created are assigned (or solved, closed, gone),
    while that backlog keeps shrinking; measured as ``backlog`` and ``backlog_wait_s``."""
    session = ctx.session
    backlog = [ref for ref in session.created if ref.id not in session.settled]

    def outstanding() -> int:
        pending = 0
        for ref in backlog:
            if ref.id in session.settled:
                continue
            if pending >= _PROBES:
                break  # enough to see progress; spare the vendor a read of every ticket
            try:
                state = ctx.run(ctx.adapter.get_ticket(ref))
            except ApiFailure:
                session.settled.add(ref.id)  # gone (merged, deleted): nothing to wait for
                continue
            if state.assignee is not None or state.status in _DONE:
                session.settled.add(ref.id)
            else:
                pending += 1
        return sum(ref.id not in session.settled for ref in backlog)

    waited = await_progress(
        outstanding, ctx.contract.routing.wait_s, ctx.contract.routing.max_wait_s
    )
    session.settled.update(ref.id for ref in backlog)  # given up on: not waited for again
    if backlog:
        ctx.measure("backlog", len(backlog))
        ctx.measure("backlog_wait_s", round(waited, 2))
