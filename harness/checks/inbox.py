"""Where a check receives the vendor's webhooks while it works: the one place that knows the
vendor file's ``webhooks.mode``.

``register``: a receiver on a free loopback port, registered with the adapter for the block and
removed after it. ``preconfigured``: an admin already points the vendor at the harness, so the
receiver binds ``webhooks.listen`` (or ``--webhook-listen``) and nothing is registered.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from harness.checks.context import CheckContext
from harness.checks.receiver import WebhookReceiver
from harness.errors import VendorError

__all__ = ["webhook_inbox"]


@contextmanager
def webhook_inbox(ctx: CheckContext) -> Iterator[WebhookReceiver]:
    session = ctx.session
    if session.webhook_listen is not None:
        host, port = session.webhook_listen
        try:
            receiver = WebhookReceiver(host, port)
        except OSError as exc:
            raise VendorError(
                f"cannot listen for webhooks on {host}:{port} "
                f"({exc.strerror or type(exc).__name__}): webhooks.listen must be a free local "
                "address the vendor was pointed at"
            ) from None
        with receiver:
            yield receiver
        return
    with WebhookReceiver() as receiver:
        hook_id = ctx.run(ctx.adapter.register_webhook(receiver.url, session.webhook_secret))
        try:
            yield receiver
        finally:
            ctx.run(ctx.adapter.unregister_webhook(hook_id))
