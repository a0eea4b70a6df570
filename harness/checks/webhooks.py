"""HOOK: every assignment event arrives at a webhook receiver, signed (C11); duplicates,
order and lag are measured."""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass

import pytest

from harness.checks.context import CheckContext
from harness.checks.inbox import webhook_inbox
from harness.checks.receiver import Delivery
from harness.checks.registry import Severity, check
from harness.checks.settle import await_progress, drain, wait_assigned
from harness.model import TicketRef
from harness.vendors.base import ApiRequest, WebhookEvent, WebhookRejected


def _decode(ctx: CheckContext, delivery: Delivery) -> WebhookEvent | None:
    try:
        return ctx.adapter.parse_webhook(delivery.headers, delivery.body, None)
    except WebhookRejected:
        return None


@dataclass(slots=True)
class Collected:
    """This check's tickets, the deliveries about them and what could be expected."""

    refs: list[tuple[TicketRef, tuple[ApiRequest, ...]]]
    by_ticket: dict[str, list[tuple[Delivery, WebhookEvent]]]
    due: set[str]  # tickets assigned, so an assignment event is owed for each
    waited_s: float  # waiting for those assignments
    deliveries: int  # about this check's tickets
    foreign: int  # about other tickets (a backlog of earlier checks, other clients)


def _collect(ctx: CheckContext, count: int, label: str, wait_s: float) -> Collected:
    """Create ``count`` tickets with a receiver registered; wait for their assignment while
    routing progresses, then for each assigned ticket's delivery while deliveries progress."""
    if not ctx.session.webhooks_supported:
        pytest.skip("the vendor file declares no webhooks (webhooks.supported: false)")
    drain(ctx)  # a slow router: earlier checks' tickets are routed (and delivered) first
    with webhook_inbox(ctx) as receiver:
        refs = [ctx.create(ctx.ticket(f"{label}-{n:03d}")) for n in range(count)]
        assigned, waited = wait_assigned(ctx, [r for r, _ in refs], ctx.contract.routing.wait_s)
        due = set(assigned)

        def undelivered() -> int:
            got = {
                e.assignment.ticket_id
                for d in receiver.snapshot()
                if (e := _decode(ctx, d)) is not None
            }
            return len(due - got)

        bound = max(wait_s, ctx.contract.routing.max_wait_s)
        await_progress(undelivered, wait_s, bound, interval_s=0.05)
        deliveries = receiver.snapshot()
    wanted = {ref.id for ref, _ in refs}
    by_ticket: dict[str, list[tuple[Delivery, WebhookEvent]]] = {}
    foreign = 0
    for delivery in deliveries:
        event = _decode(ctx, delivery)
        if event is not None and event.assignment.ticket_id in wanted:
            by_ticket.setdefault(event.assignment.ticket_id, []).append((delivery, event))
        else:
            foreign += 1
    mine = sum(len(pairs) for pairs in by_ticket.values())
    return Collected(refs, by_ticket, due, waited, mine, foreign)


@check(
    "HOOK-001",
    Severity.VETO,
    en="Every assignment event is delivered by webhook",
    zh="每个分配事件都通过 Webhook 送达",
)
def every_event_delivered(ctx: CheckContext) -> None:
    """Each ticket's assignment event reaches the receiver within the contract's wait;
    duplicate deliveries (same event id), out-of-order arrivals and lag are measured."""
    spec = ctx.contract.webhooks
    got = _collect(ctx, spec.events, "hook", spec.wait_s)
    by_ticket = got.by_ticket
    ctx.measure("expected", len(got.due))
    ctx.measure("unassigned", len(got.refs) - len(got.due))
    if not got.due:
        pytest.skip(
            f"none of {len(got.refs)} tickets was assigned within {got.waited_s:.0f} s, so no "
            "assignment event was due (ROUTE-001 judges routing)"
        )
    for ref, created in got.refs:
        if ref.id in got.due and ref.id not in by_ticket:
            ctx.mismatch(
                ctx.record(ref),
                "webhook ticket.assigned",
                f"delivered within {spec.wait_s:g} s of assignment",
                "not delivered",
                created,
                note="register a webhook first (POST /webhooks), then create the ticket",
            )
    events = [pair for pairs in by_ticket.values() for pair in pairs]
    ids = [event.event_id for _, event in events]
    lags = [
        d.received_at - e.assignment.assigned_at
        for d, e in events
        if e.assignment.assigned_at is not None
    ]
    arrival = sorted(events, key=lambda pair: pair[0].received_at)
    stamps = [e.assignment.assigned_at or 0.0 for _, e in arrival]
    ctx.measure("delivered", len(by_ticket.keys() & got.due))
    ctx.measure("deliveries", got.deliveries)
    ctx.measure("other_deliveries", got.foreign)
    ctx.measure("duplicates", len(ids) - len(set(ids)))
    ctx.measure("out_of_order", sum(b < a for a, b in itertools.pairwise(stamps)))
    if lags:
        ctx.measure("lag_p50_s", round(statistics.median(lags), 4))
        ctx.measure("lag_max_s", round(max(lags), 4))


@check(
    "HOOK-002",
    Severity.VETO,
    en="Webhook deliveries are signed and verify",
    zh="Webhook 推送带签名且验签通过",
)
def deliveries_signed(ctx: CheckContext) -> None:
    """Every delivery verifies against the shared secret with the vendor's signature scheme;
    a vendor file declaring unsigned deliveries (``webhooks.signature: none``) fails it."""
    got = _collect(ctx, 3, "signed", min(ctx.contract.webhooks.wait_s, 3.0))
    if not got.by_ticket:
        pytest.skip("no deliveries arrived to verify (HOOK-001 judges delivery)")
    if not ctx.session.webhooks_signed:
        _declared_unsigned(ctx, got)
        return
    checked = 0
    for ref, created in got.refs:
        for delivery, event in got.by_ticket.get(ref.id, []):
            checked += 1
            try:
                ctx.adapter.parse_webhook(
                    delivery.headers, delivery.body, ctx.session.webhook_secret
                )
            except WebhookRejected as exc:
                ctx.mismatch(
                    f"{ctx.record(ref)}, delivery {event.event_id}",
                    "signature",
                    "a signature that verifies with the shared secret",
                    str(exc),
                    created,
                    note=f"headers received: {', '.join(sorted(delivery.headers))}",
                )
    ctx.measure("verified", checked)


def _declared_unsigned(ctx: CheckContext, got: Collected) -> None:
    """The vendor file says the deliveries carry no signature: the evidence is what arrived."""
    for ref, created in got.refs:
        pairs = got.by_ticket.get(ref.id, [])
        if pairs:
            delivery, event = pairs[0]
            ctx.mismatch(
                f"{ctx.record(ref)}, delivery {event.event_id}",
                "signature",
                "a signature that verifies with the shared secret",
                "unsigned (the vendor file declares webhooks.signature: none)",
                created,
                note=f"headers received: {', '.join(sorted(delivery.headers))}",
            )
    ctx.measure("verified", 0)
    ctx.measure("unsigned", sum(len(p) for p in got.by_ticket.values()))
