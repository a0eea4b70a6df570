"""HOOK: every assignment event arrives at a webhook receiver, signed (C11); duplicates,
order and lag are measured. A vendor whose file declares other events (``webhooks.events``,
e.g. django-helpdesk's new-ticket and follow-up deliveries) owes one delivery per new ticket
instead; signatures are judged as the file declares (``webhooks.signature``)."""

from __future__ import annotations

import hashlib
import itertools
import statistics
import time
from dataclasses import dataclass

import pytest

from harness.checks.context import CheckContext
from harness.checks.inbox import about, decode, webhook_inbox
from harness.checks.receiver import Delivery
from harness.checks.registry import Severity, check
from harness.checks.settle import await_progress, drain, wait_assigned
from harness.model import TicketRef
from harness.vendors.base import ApiRequest, WebhookRejected


@dataclass(frozen=True, slots=True)
class Received:
    """One delivery about one of this check's tickets."""

    delivery: Delivery
    event_id: str  # the vendor's, or a digest of the body when its events carry none
    at: float | None  # when the event happened (vendor clock), for the lag


@dataclass(slots=True)
class Collected:
    """This check's tickets, the deliveries about them and what could be expected."""

    refs: list[tuple[TicketRef, tuple[ApiRequest, ...]]]
    by_ticket: dict[str, list[Received]]
    due: set[str]  # tickets an event is owed for (assigned, or created)
    waited_s: float  # waiting for those assignments
    deliveries: int  # about this check's tickets
    foreign: int  # about other tickets (a backlog of earlier checks, other clients)
    event: str  # the event expected per ticket: "assigned" or "created"


def expected_event(ctx: CheckContext) -> str:
    """The event each ticket owes, from the vendor file's ``webhooks.events``."""
    session = ctx.session
    if not session.webhooks_supported:
        pytest.skip("the vendor file declares no webhooks (webhooks.supported: false)")
    for event in ("assigned", "created"):
        if event in session.webhook_events:
            return event
    pytest.skip(
        f"the vendor file declares only {', '.join(session.webhook_events)} events "
        "(webhooks.events): none that a new ticket is owed (assigned or created)"
    )


def _collect(ctx: CheckContext, count: int, label: str, wait_s: float) -> Collected:
    """Create ``count`` tickets with a receiver registered; wait for each ticket's owed event
    (its assignment, while routing progresses; or its creation) while deliveries progress."""
    event = expected_event(ctx)
    if event == "assigned":
        drain(ctx)  # a slow router: earlier checks' tickets are routed (and delivered) first
    with webhook_inbox(ctx) as receiver:
        refs = []
        created_at: dict[str, float] = {}
        for n in range(count):
            started = time.time()
            ref, sent = ctx.create(ctx.ticket(f"{label}-{n:03d}"))
            refs.append((ref, sent))
            created_at[ref.id] = started
        if event == "assigned":
            assigned, waited = wait_assigned(ctx, [r for r, _ in refs], ctx.contract.routing.wait_s)
            due = set(assigned)
        else:
            due, waited = set(created_at), 0.0

        def matched() -> dict[str, list[Received]]:
            return _match(ctx, receiver.snapshot(), refs, event, created_at)

        bound = max(wait_s, ctx.contract.routing.max_wait_s)
        await_progress(lambda: len(due - matched().keys()), wait_s, bound, interval_s=0.05)
        deliveries = receiver.snapshot()
    by_ticket = _match(ctx, deliveries, refs, event, created_at)
    mine = sum(len(items) for items in by_ticket.values())
    return Collected(refs, by_ticket, due, waited, mine, len(deliveries) - mine, event)


def _match(
    ctx: CheckContext,
    deliveries: list[Delivery],
    refs: list[tuple[TicketRef, tuple[ApiRequest, ...]]],
    event: str,
    created_at: dict[str, float],
) -> dict[str, list[Received]]:
    """The deliveries about each ticket: assignment events, or any event naming the ticket."""
    wanted = {ref.id for ref, _ in refs}
    found: dict[str, list[Received]] = {}
    for delivery in deliveries:
        decoded = decode(ctx, delivery)
        if event == "assigned":
            if decoded is not None and decoded.assignment.ticket_id in wanted:
                item = Received(delivery, decoded.event_id, decoded.assignment.assigned_at)
                found.setdefault(decoded.assignment.ticket_id, []).append(item)
            continue
        for ref, _ in refs:
            if about(ctx, delivery, ref, ref.external_id):
                event_id = decoded.event_id if decoded else _digest(delivery.body)
                found.setdefault(ref.id, []).append(
                    Received(delivery, event_id, created_at[ref.id])
                )
                break
    return found


def _digest(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()[:16]


@check(
    "HOOK-001",
    Severity.VETO,
    en="Every assignment event is delivered by webhook",
    zh="每个分配事件都通过 Webhook 送达",
)
def every_event_delivered(ctx: CheckContext) -> None:
    """Each ticket's assignment event reaches the receiver within the contract's wait (or,
    for a vendor file declaring ``webhooks.events`` without ``assigned``, each new ticket's
    ``created`` event); duplicate deliveries (same event id), out-of-order arrivals and lag
    are measured."""
    spec = ctx.contract.webhooks
    got = _collect(ctx, spec.events, "hook", spec.wait_s)
    by_ticket = got.by_ticket
    ctx.measure("event", got.event)
    ctx.measure("expected", len(got.due))
    ctx.measure("unassigned", len(got.refs) - len(got.due))
    if not got.due:
        pytest.skip(
            f"none of {len(got.refs)} tickets was assigned within {got.waited_s:.0f} s, so no "
            "assignment event was due (ROUTE-001 judges routing)"
        )
    since = "assignment" if got.event == "assigned" else "creation"
    for ref, created in got.refs:
        if ref.id in got.due and ref.id not in by_ticket:
            ctx.mismatch(
                ctx.record(ref),
                f"webhook ticket.{got.event}",
                f"delivered within {spec.wait_s:g} s of {since}",
                "not delivered",
                created,
                note="register a webhook first (POST /webhooks), then create the ticket"
                if ctx.session.webhook_listen is None
                else "the vendor must be pointed at the receiver (webhooks.listen)",
            )
    events = [item for items in by_ticket.values() for item in items]
    ids = [item.event_id for item in events]
    lags = [item.delivery.received_at - item.at for item in events if item.at is not None]
    arrival = sorted(events, key=lambda item: item.delivery.received_at)
    stamps = [item.at or 0.0 for item in arrival]
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
        for item in got.by_ticket.get(ref.id, []):
            delivery = item.delivery
            checked += 1
            try:
                ctx.adapter.parse_webhook(
                    delivery.headers, delivery.body, ctx.session.webhook_secret
                )
            except WebhookRejected as exc:
                ctx.mismatch(
                    f"{ctx.record(ref)}, delivery {item.event_id}",
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
        items = got.by_ticket.get(ref.id, [])
        if items:
            delivery = items[0].delivery
            ctx.mismatch(
                f"{ctx.record(ref)}, delivery {items[0].event_id}",
                "signature",
                "a signature that verifies with the shared secret",
                "unsigned (the vendor file declares webhooks.signature: none)",
                created,
                note=f"headers received: {', '.join(sorted(delivery.headers))}",
            )
    ctx.measure("verified", 0)
    ctx.measure("unsigned", sum(len(p) for p in got.by_ticket.values()))
