"""Where a check receives the vendor's webhooks while it works: the one place that knows the
vendor file's ``webhooks.mode``.

``register``: a receiver on a free loopback port, registered with the adapter for the block and
removed after it. ``preconfigured``: an admin already points the vendor at the harness, so the
receiver binds ``webhooks.listen`` (or ``--webhook-listen``) once, when the session starts
(:func:`open_inbox`): such a vendor delivers on every create of every check, and one that cannot
connect may fail the create itself (django-helpdesk answers 500); a receiver closed between
checks would lose the next check's deliveries. Nothing is registered; each check picks the
deliveries about its own tickets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from harness.checks.context import CheckContext, Session
from harness.checks.receiver import Delivery, WebhookReceiver
from harness.errors import VendorError
from harness.model import TicketRef
from harness.vendors.base import WebhookEvent, WebhookRejected
from harness.vendors.capabilities import WEBHOOKS

__all__ = ["about", "close_inbox", "decode", "open_inbox", "receives_webhooks", "webhook_inbox"]


def decode(ctx: CheckContext, delivery: Delivery) -> WebhookEvent | None:
    """The assignment event a delivery reports, if the adapter reads one there."""
    try:
        return ctx.adapter.parse_webhook(delivery.headers, delivery.body, None)
    except WebhookRejected:
        return None


def about(ctx: CheckContext, delivery: Delivery, ref: TicketRef, external_id: str) -> bool:
    """Whether a delivery (of any event) is about the ticket: the adapter's reading of it,
    else the ticket's external id in the body, else (a body naming none of this run's
    external ids) its id."""
    event = decode(ctx, delivery)
    if event is not None:
        return event.assignment.ticket_id == ref.id
    text = delivery.body.decode("utf-8", "replace")
    if external_id and external_id in text:
        return True
    if ctx.session.run_tag in text:  # another ticket of this run: its numbers are not ids
        return False
    return re.search(rf"(?<![\w-]){re.escape(ref.id)}(?![\w-])", text) is not None


def receives_webhooks(ctx: CheckContext) -> bool:
    """Whether deliveries can reach the checks: preconfigured, or registrable by the adapter."""
    session = ctx.session
    return session.webhooks_supported and (
        session.webhook_listen is not None or ctx.offers(WEBHOOKS)
    )


@contextmanager
def webhook_inbox(ctx: CheckContext) -> Iterator[WebhookReceiver]:
    session = ctx.session
    if session.webhook_listen is not None:
        yield open_inbox(session)
        return
    ctx.require(WEBHOOKS.name)  # skipped, naming the operation, when it cannot register
    with WebhookReceiver() as receiver:
        hook_id = ctx.run(ctx.adapter.register_webhook(receiver.url, session.webhook_secret))
        try:
            yield receiver
        finally:
            ctx.run(ctx.adapter.unregister_webhook(hook_id))


def open_inbox(session: Session) -> WebhookReceiver:
    """The session's one receiver on ``webhook_listen`` (bound on the first call)."""
    if session.inbox is None:
        assert session.webhook_listen is not None
        host, port = session.webhook_listen
        try:
            receiver = WebhookReceiver(host, port)
        except OSError as exc:
            raise VendorError(
                f"cannot listen for webhooks on {host}:{port} "
                f"({exc.strerror or type(exc).__name__}): webhooks.listen must be a free local "
                "address the vendor was pointed at"
            ) from None
        session.inbox = receiver.__enter__()
    found: WebhookReceiver = session.inbox
    return found


def close_inbox(session: Session) -> None:
    if session.inbox is not None:
        session.inbox.__exit__(None, None, None)
        session.inbox = None
