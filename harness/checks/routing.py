"""ROUTE: labelled historical tickets are routed to the expected queue, at least the
contract's share of them (C20)."""

from __future__ import annotations

import time

from harness.checks.context import CheckContext
from harness.checks.history import labelled_tickets
from harness.checks.registry import Severity, check
from harness.model import Assignment, TicketRef
from harness.vendors.base import ApiRequest

_POLL_S = 0.2


@check(
    "ROUTE-001",
    Severity.VETO,
    en="Tickets are routed to the expected queue",
    zh="工单按预期路由到正确队列（准确率达标）",
)
def routed_to_expected_queue(ctx: CheckContext) -> None:
    """The share of labelled tickets assigned to their expected queue reaches the contract's
    threshold (92 % by default); every misrouted or unassigned ticket is listed."""
    spec = ctx.contract.routing
    labelled = labelled_tickets(ctx.session.run_tag, spec.expected_queues, spec.per_category)
    created: list[tuple[TicketRef, tuple[ApiRequest, ...], str]] = []
    for item in labelled:
        ref, sent = ctx.create(item.ticket)
        created.append((ref, sent, item.expected_queue))
    assigned: dict[str, Assignment] = {
        ref.id: ref.assignment for ref, _, _ in created if ref.assignment is not None
    }
    deadline = time.monotonic() + spec.wait_s
    while len(assigned) < len(created) and time.monotonic() < deadline:
        for ref, _, _ in created:
            if ref.id not in assigned:
                found = ctx.run(ctx.adapter.fetch_assignment(ref))
                if found is not None:
                    assigned[ref.id] = found
        if len(assigned) < len(created):
            time.sleep(_POLL_S)
    right = 0
    wrong: list[tuple[TicketRef, tuple[ApiRequest, ...], str, str | None]] = []
    for ref, sent, expected in created:
        got = assigned.get(ref.id)
        queue = None if got is None else got.queue
        if queue == expected:
            right += 1
        else:
            wrong.append((ref, sent, expected, queue))
    accuracy = right / len(created) if created else 1.0
    ctx.measure("accuracy", round(accuracy, 4))
    ctx.measure("threshold", spec.threshold)
    ctx.measure("labelled", len(created))
    ctx.measure("misrouted", sum(q is not None for *_, q in wrong))
    ctx.measure("unassigned", sum(q is None for *_, q in wrong))
    if accuracy >= spec.threshold:
        return
    for ref, sent, expected, queue in wrong:
        probe = next(ctx.adapter.fetch_assignment(ref))
        ctx.mismatch(ctx.record(ref), "queue", expected, queue or "(not assigned)", (*sent, probe))
    ctx.mismatch(
        "labelled set",
        "accuracy",
        f">= {spec.threshold:.0%}",
        f"{accuracy:.1%} ({right}/{len(created)})",
    )
