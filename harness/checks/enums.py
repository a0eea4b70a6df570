"""ENUM: priorities and statuses map both ways (C5), and the status lifecycle holds."""

from __future__ import annotations

import pytest

from harness.checks.context import CheckContext
from harness.checks.evidence import strings_of
from harness.checks.registry import Severity, check
from harness.model import Priority, Ticket, TicketRef, TicketStatus
from harness.vendors.base import ApiFailure, ApiRequest, FailureKind
from harness.vendors.capabilities import UPDATE, TicketChanges
from harness.vendors.enumerations import declared_values

_LIFECYCLE = (TicketStatus.PENDING, TicketStatus.OPEN, TicketStatus.SOLVED, TicketStatus.CLOSED)


@check(
    "ENUM-001", Severity.MAJOR, en="Priorities map to the vendor and back", zh="优先级双向映射正确"
)
def priority_round_trip(ctx: CheckContext) -> None:
    """Each of the four canonical priorities reads back as itself, or as the contract's declared
    projection for a vendor with fewer levels (lossy cells are reported, not failed)."""
    projection = ctx.contract.priority_projection
    tickets = {p: ctx.ticket(f"priority-{p.value}", priority=p) for p in Priority}
    encoded = {p: _encoding(ctx, t) for p, t in tickets.items()}
    collapsed = sorted(
        p.value for p in Priority if sum(e == encoded[p] for e in encoded.values()) > 1
    )
    ctx.measure("not_sendable", collapsed)
    if len(collapsed) == len(Priority):
        ctx.cannot_send("distinct priorities (every level builds the same request)")
    lossy = 0
    for priority, ticket in tickets.items():
        if priority.value in collapsed and priority.value not in projection:
            continue  # the adapter cannot say it: nothing the vendor could keep
        ref, created = ctx.create(ticket)
        got, read = ctx.call(ctx.adapter.get_ticket(ref))
        expected = projection.get(priority.value, priority.value)
        lossy += expected != priority.value
        if got.priority.value != expected:
            ctx.mismatch(
                ctx.record(ref, ticket.external_id),
                "priority",
                expected,
                got.priority.value,
                created + read,
            )
    ctx.measure("lossy_levels", lossy)


@check(
    "ENUM-002",
    Severity.MAJOR,
    en="Status lifecycle transitions are kept",
    zh="工单状态流转正确",
    requires=["update"],
)
def status_lifecycle(ctx: CheckContext) -> None:
    """new -> pending -> open -> solved -> closed each read back as set; a closed ticket must
    refuse reopening (4xx) only when the contract says closed is final
    (``lifecycle.closed_final``), else the reopen answer is only measured. Only the statuses
    the vendor file declares (``rest.enums.status``) are sent; the others are reported as not
    sendable."""
    ctx.need(UPDATE)
    declared = declared_values(ctx.adapter, "status") or ()
    walk = tuple(status for status in _LIFECYCLE if status.value in declared)
    ctx.measure("not_sendable", [s.value for s in _LIFECYCLE if s not in walk])
    if len(walk) < 2:
        shown = ", ".join(s.value for s in walk) or "none"
        pytest.skip(
            f"{ctx.session.vendor_name or ctx.adapter.name} declares too few status values to "
            f"walk a lifecycle (declared of {', '.join(s.value for s in _LIFECYCLE)}: {shown}); "
            "map them under rest.enums.status in the vendor file"
        )
    for attempt in range(3):
        ticket = ctx.ticket(f"lifecycle-{attempt}")
        ref, created = ctx.create(ticket)
        ctx.session.altered.add(ref.id)
        try:
            _walk(ctx, ref, created, walk)
            return
        except ApiFailure as failure:
            # The vendor's own agents may solve a fresh ticket before the first change; only
            # then try again with another ticket.
            if attempt == 2 or failure.kind is not FailureKind.CLIENT:
                raise
            current = ctx.run(ctx.adapter.get_ticket(ref)).status
            if current not in (TicketStatus.SOLVED, TicketStatus.CLOSED):
                raise


def _walk(
    ctx: CheckContext,
    ref: TicketRef,
    created: tuple[ApiRequest, ...],
    walk: tuple[TicketStatus, ...],
) -> None:
    adapter = ctx.need(UPDATE)
    record = ctx.record(ref)
    for index, status in enumerate(walk):
        try:
            got, sent = ctx.call(adapter.update_ticket(ref, TicketChanges(status=status)))
        except ApiFailure:
            if index == 0:
                raise
            ctx.mismatch(record, "status", status.value, "refused", created)
            return
        if got.status != status:
            ctx.mismatch(record, "status", status.value, got.status.value, created + sent)
    ctx.measure("transitions", len(walk))
    if walk[-1] is not TicketStatus.CLOSED or TicketStatus.OPEN not in walk:
        ctx.measure("reopen", "not judged: closed and open are not both declared")
        return
    reopen = next(adapter.update_ticket(ref, TicketChanges(status=TicketStatus.OPEN)))
    response = ctx.client.send(reopen)
    refused = response.status >= 400
    ctx.measure("reopen", f"{'refused' if refused else 'allowed'} HTTP {response.status}")
    if ctx.contract.lifecycle.closed_final and not refused:
        ctx.mismatch(
            record,
            "status (closed -> open)",
            "refused with 4xx",
            f"HTTP {response.status}",
            (*created, reopen),
        )


def _encoding(ctx: CheckContext, ticket: Ticket) -> list[str]:
    """The create request's values, without those that differ per ticket anyway."""
    request = next(ctx.adapter.create_ticket(ticket))
    varying = (ticket.external_id, ticket.subject, ticket.customer.id)
    values = [*strings_of(request.json), *request.params.values()]
    return sorted(v for v in values if not any(x in v for x in varying))
