"""Webhook deliveries for the ``rest`` adapter, as the vendor file's ``rest.webhook`` section
describes them: the signature verified (HMAC or digest over a message template, or a shared
secret in a header), then the ticket, agent and delivery id read from the body."""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from datetime import datetime

from harness.config.rest import WebhookSpec
from harness.model import Assignment
from harness.vendors.base import WebhookEvent, WebhookRejected
from harness.vendors.digests import sign
from harness.vendors.rest_support import message_bytes, number, opt, text
from harness.vendors.templating import get_path

__all__ = ["parse_delivery"]


def parse_delivery(
    spec: WebhookSpec, headers: Mapping[str, str], body: bytes, secret: str | None
) -> WebhookEvent | None:
    """One delivery, verified with ``spec.signature`` and read with ``spec.fields``; None when
    it is about something other than an assignment."""
    lower = {key.lower(): value for key, value in headers.items()}
    signature = spec.signature
    sent_at: float | None = None
    if signature is not None and signature.timestamp_header:
        sent_at = _stamp(lower.get(signature.timestamp_header.lower(), ""))
    if signature is not None and secret is not None and signature.algorithm == "secret":
        supplied = lower.get(signature.header.lower(), "")
        if not supplied or not hmac.compare_digest(supplied, secret):
            raise WebhookRejected(f"missing or wrong {signature.header} header")
    elif signature is not None and secret is not None:
        supplied = lower.get(signature.header.lower(), "")
        timestamp = lower.get((signature.timestamp_header or "").lower(), "")
        message = message_bytes(signature.message, body, timestamp, secret)
        key = secret.encode() if signature.algorithm.startswith("hmac-") else None
        algorithm = signature.algorithm
        assert algorithm != "secret"
        expected = signature.prefix + sign(algorithm, message, key, signature.encoding)
        if not supplied or not hmac.compare_digest(supplied, expected):
            raise WebhookRejected("signature does not verify")
    try:
        event = json.loads(body)
    except ValueError:
        raise WebhookRejected("malformed delivery: body is not JSON") from None
    fields = spec.fields
    if fields.event_type is not None:
        if get_path(event, fields.event_type) not in fields.assigned_types:
            return None
    ticket_id = text(get_path(event, fields.ticket_id))
    agent = fields.agent_id.pick(opt(event, fields.agent_id.path))
    agent_id = None if fields.agent_id.absent(agent) else text(agent)
    event_id = text(opt(event, fields.event_id))
    if fields.event_id_header is not None:
        event_id = lower.get(fields.event_id_header.lower()) or event_id
    if ticket_id is None or (event_id is None and fields.event_id is not None):
        raise WebhookRejected("malformed delivery: no event id or ticket id")
    if agent_id is None:
        return None  # unassigned again, or an event about something else
    if event_id is None:  # the vendor sends no delivery id
        event_id = f"{ticket_id}:{agent_id}"
    assignment = Assignment(
        ticket_id=ticket_id,
        agent_id=agent_id,
        queue=text(opt(event, fields.queue)),
        assigned_at=number(opt(event, fields.assigned_at)),
        external_id=text(opt(event, fields.external_id)),
    )
    return WebhookEvent(event_id, assignment, sent_at)


def _stamp(text: str) -> float | None:
    """A signed delivery timestamp, Unix seconds or ISO 8601 (Zendesk), as Unix seconds."""
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None
