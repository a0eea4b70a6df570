"""ROUTE: labelled historical tickets are routed to the expected queue, at least the
contract's share of them (C20)."""

from __future__ import annotations

import pytest

from harness.checks.context import CheckContext
from harness.checks.history import labelled_tickets
from harness.checks.registry import Severity, check
from harness.checks.settle import assignment_flow, drain, wait_assigned
from harness.model import TicketRef
from harness.vendors.base import ApiRequest


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
    queues = spec.expected_queues or ctx.session.queues
    if not queues:
        pytest.skip(
            "no category-to-queue map: add 'queues: {category: queue id}' to the vendor file "
            "or routing.expected_queues to the contract (queue ids as the vendor reports them)"
        )
    ctx.measure("map_from", "contract" if spec.expected_queues else "vendor file")
    labelled = labelled_tickets(ctx.session.run_tag, queues, spec.per_category)
    drain(ctx)  # earlier checks' tickets may still be queued on a slow router
    created: list[tuple[TicketRef, tuple[ApiRequest, ...], str]] = []
    for item in labelled:
        ref, sent = ctx.create(item.ticket)
        created.append((ref, sent, item.expected_queue))
    assigned, waited = wait_assigned(ctx, [ref for ref, _, _ in created], spec.wait_s)
    right = 0
    wrong: list[tuple[TicketRef, tuple[ApiRequest, ...], str, str | None]] = []
    for ref, sent, expected in created:
        got = assigned.get(ref.id)
        queue = None if got is None else got.queue
        if queue == expected:
            right += 1
        else:
            wrong.append((ref, sent, expected, queue))
    unassigned = len(created) - len(assigned)
    # accuracy of the routing decisions made; a ticket not decided is reported as such
    accuracy = round(right / len(assigned), 4) if assigned else None
    share = right / len(created) if created else 1.0
    ctx.measure("accuracy", accuracy)
    ctx.measure("threshold", spec.threshold)
    ctx.measure("labelled", len(created))
    ctx.measure("misrouted", sum(q is not None for *_, q in wrong))
    ctx.measure("unassigned", unassigned)
    ctx.measure("wait_s", round(waited, 2))
    if share >= spec.threshold:
        return
    late = f"not assigned within {waited:.0f} s"
    for ref, sent, expected, queue in wrong:
        probe = next(assignment_flow(ctx, ref))
        ctx.mismatch(ctx.record(ref), "queue", expected, queue or f"({late})", (*sent, probe))
    shown = "no ticket was assigned" if accuracy is None else f"{accuracy:.1%} of assigned"
    ctx.mismatch(
        "labelled set",
        "accuracy",
        f">= {spec.threshold:.0%} of {len(created)} labelled tickets routed right",
        f"{right}/{len(created)} right ({shown}); {unassigned} {late}",
        note=f"waited while assignments progressed: up to {spec.wait_s:g} s without progress, "
        f"{spec.max_wait_s:g} s in all (contract routing.wait_s, routing.max_wait_s)",
    )
