"""Zendesk webhooks: a webhook plus a trigger on "assignee changed" registered through the API,
and deliveries verified with ``base64(HMAC-SHA256(secret, timestamp + body))`` (vendor-apis.md,
section 1.7). Both the trigger's body and Zendesk's ticket-event envelope are read."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Mapping
from typing import Any

from harness.model import Assignment
from harness.vendors.base import (
    ApiFailure,
    ApiRequest,
    ApiResponse,
    Flow,
    WebhookEvent,
    WebhookRejected,
)
from harness.vendors.common import check
from harness.vendors.digests import sign
from harness.vendors.zendesk_payloads import expect_object

__all__ = [
    "TRIGGER_BODY",
    "parse_webhook",
    "register_webhook",
    "unregister_webhook",
    "webhook_signature",
]

Classifier = Callable[[ApiRequest, ApiResponse], ApiFailure | None]

# The JSON body the trigger sends; {{...}} are Zendesk placeholders.
TRIGGER_BODY = json.dumps(
    {
        "ticket_id": "{{ticket.id}}",
        "external_id": "{{ticket.external_id}}",
        "assignee_id": "{{ticket.assignee.id}}",
        "group": "{{ticket.group.name}}",
    }
)


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``x-zendesk-webhook-signature``: base64(HMAC-SHA256(secret, timestamp + body))."""
    return sign("hmac-sha256", timestamp.encode() + body, secret.encode(), "base64")


def register_webhook(url: str, classify: Classifier) -> Flow[str]:
    """A webhook connected to a trigger on assignee changes; returns 'webhook:trigger'.
    No secret is sent: Zendesk generates the signing secret itself."""
    hook = ApiRequest(
        "POST",
        "/api/v2/webhooks",
        "POST /api/v2/webhooks",
        json={
            "webhook": {
                "name": "csm-harness routing probe",
                "endpoint": url,
                "http_method": "POST",
                "request_format": "json",
                "status": "active",
                "subscriptions": ["conditional_ticket_events"],
            }
        },
    )
    response = yield hook
    webhook_id = str(
        expect_object(hook, response, check(hook, response, classify), "webhook")["id"]
    )
    trigger = ApiRequest(
        "POST",
        "/api/v2/triggers",
        "POST /api/v2/triggers",
        json={
            "trigger": {
                "title": f"csm-harness: assignee changed -> webhook {webhook_id}",
                "conditions": {
                    "all": [{"field": "assignee_id", "operator": "changed"}],
                    "any": [],
                },
                "actions": [{"field": "notification_webhook", "value": [webhook_id, TRIGGER_BODY]}],
            }
        },
    )
    response = yield trigger
    trigger_id = expect_object(trigger, response, check(trigger, response, classify), "trigger")
    return f"{webhook_id}:{trigger_id['id']}"


def unregister_webhook(webhook_id: str, classify: Classifier) -> Flow[None]:
    hook, _, trigger = webhook_id.partition(":")
    if trigger:
        request = ApiRequest(
            "DELETE", f"/api/v2/triggers/{trigger}", "DELETE /api/v2/triggers/{id}"
        )
        check(request, (yield request), classify)
    request = ApiRequest("DELETE", f"/api/v2/webhooks/{hook}", "DELETE /api/v2/webhooks/{id}")
    check(request, (yield request), classify)


def parse_webhook(
    headers: Mapping[str, str], body: bytes, secret: str | None
) -> WebhookEvent | None:
    """A trigger's delivery (:data:`TRIGGER_BODY`) or a ticket-event subscription's."""
    lower = {key.lower(): value for key, value in headers.items()}
    if secret is not None:
        timestamp = lower.get("x-zendesk-webhook-signature-timestamp", "")
        supplied = lower.get("x-zendesk-webhook-signature", "")
        expected = webhook_signature(secret, timestamp, body)
        if not supplied or not hmac.compare_digest(supplied, expected):
            raise WebhookRejected("signature does not verify")
    try:
        event = json.loads(body)
        if _is_ticket_event(event):
            return _ticket_event(event)
        ticket_id = str(event["ticket_id"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise WebhookRejected(f"malformed delivery: {exc!r}") from None
    agent = event.get("assignee_id")
    if not agent:
        return None  # unassigned
    event_id = lower.get("x-zendesk-webhook-invocation-id") or f"{ticket_id}:{agent}"
    return WebhookEvent(
        event_id,
        Assignment(
            ticket_id=ticket_id,
            agent_id=str(agent),
            queue=event.get("group") or None,
            external_id=event.get("external_id") or None,
        ),
    )


def _is_ticket_event(event: Any) -> bool:
    kind = event.get("type") if isinstance(event, dict) else None
    return isinstance(kind, str) and kind.startswith("zen:event-type:ticket.")


def _ticket_event(event: Mapping[str, Any]) -> WebhookEvent | None:
    """A webhook subscribed to Zendesk's ticket events (an admin's set-up): the documented
    envelope ``{type, id, time, subject, detail: {id, assignee_id, group_id, external_id, ...},
    event: {current, previous}}``."""
    detail = event["detail"]
    agent = detail.get("assignee_id")
    if event["type"].endswith(".agent_assignment_changed"):
        agent = (event.get("event") or {}).get("current") or agent
    if not agent:
        return None  # unassigned
    group = detail.get("group_id")
    return WebhookEvent(
        str(event["id"]),
        Assignment(
            ticket_id=str(detail["id"]),
            agent_id=str(agent),
            queue=None if group in (None, "") else str(group),
            external_id=detail.get("external_id") or None,
        ),
    )
