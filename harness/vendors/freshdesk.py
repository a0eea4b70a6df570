"""Freshdesk API v2, payloads as its public documentation shows (vendor-apis.md, section 2).

Auth: the API key as Basic username and ``X`` as password (``auth: {kind: basic,
username_env: FRESHDESK_API_KEY, password: X}``); ``base_url`` is
``https://<domain>.freshdesk.com``.

- Numeric codes: ``priority`` 1 Low, 2 Medium, 3 High, 4 Urgent; ``status`` 2 Open,
  3 Pending, 4 Resolved, 5 Closed (2 without a ``responder_id`` reads back as *new*);
  ``source`` 1 Email, 2 Portal, 3 Phone, 7 Chat, 9 Feedback widget, 10 Outbound email.
- The harness's external id travels as a tag (``csm-<external id>``): no admin set-up needed.
- Rate limits are account-wide per minute; every answer carries ``X-RateLimit-Total``,
  ``X-RateLimit-Remaining``, ``X-RateLimit-Used-CurrentRequest`` (:func:`quota`), and over the
  limit Freshdesk answers 429 + ``Retry-After``.
- Webhooks exist only as the "Trigger webhook" action of an automation rule set up in the admin
  UI, so :meth:`register_webhook` is :class:`NotSupported`. The deliveries are unsigned; add a
  custom header ``X-CSM-Webhook-Secret`` with the secret to the rule, and a JSON body with
  ``{"ticket_id": "{{ticket.id}}", "agent": "{{ticket.agent.email}}", "group":
  "{{ticket.group.name}}"}``; :meth:`parse_webhook` checks the header when given a secret.
- No bulk *create* endpoint is documented, so there is no bulk import; export lists
  ``GET /api/v2/tickets?updated_since=`` page by page.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from harness.data.identities import synthetic_email
from harness.model import (
    Assignment,
    Channel,
    Page,
    Priority,
    Ticket,
    TicketRef,
    TicketState,
    TicketStatus,
)
from harness.vendors.base import (
    ApiFailure,
    ApiRequest,
    ApiResponse,
    FailureKind,
    Flow,
    WebhookEvent,
    WebhookRejected,
    classify_status,
)
from harness.vendors.capabilities import NotSupported, TicketChanges
from harness.vendors.common import check, protocol, read_enum

__all__ = ["FreshdeskAdapter", "Quota", "quota"]

PRIORITY_OUT = {Priority.LOW: 1, Priority.NORMAL: 2, Priority.HIGH: 3, Priority.URGENT: 4}
PRIORITY_IN = {str(value): key for key, value in PRIORITY_OUT.items()}
STATUS_OUT = {
    TicketStatus.NEW: 2,
    TicketStatus.OPEN: 2,
    TicketStatus.PENDING: 3,
    TicketStatus.SOLVED: 4,
    TicketStatus.CLOSED: 5,
}
STATUS_IN = {
    "2": TicketStatus.OPEN,
    "3": TicketStatus.PENDING,
    "4": TicketStatus.SOLVED,
    "5": TicketStatus.CLOSED,
}
SOURCE_OUT = {  # channels Freshdesk has no code for go in as Portal (2)
    Channel.EMAIL: 1,
    Channel.WEB: 2,
    Channel.PHONE: 3,
    Channel.CHAT: 7,
    Channel.WECHAT: 7,
    Channel.APP: 2,
    Channel.WEIBO: 2,
}
PAGE_MAX = 100
_TAG = "csm-"
SECRET_HEADER = "x-csm-webhook-secret"


@dataclass(frozen=True, slots=True)
class Quota:
    total: int | None
    remaining: int | None
    used_by_request: int | None


def quota(response: ApiResponse) -> Quota:
    """The rate-limit headers of one answer (None where a header is missing)."""

    def number(name: str) -> int | None:
        value = response.headers.get(name)
        return int(value) if value is not None and value.strip().isdigit() else None

    return Quota(
        number("x-ratelimit-total"),
        number("x-ratelimit-remaining"),
        number("x-ratelimit-used-currentrequest"),
    )


class FreshdeskAdapter:
    name: ClassVar[str] = "freshdesk"

    def capabilities(self) -> list[str]:
        """Webhooks are automation rules set up in Freshdesk's admin UI, not an API call."""
        return ["list", "poll-assignment", "update", "export"]

    def classify(self, request: ApiRequest, response: ApiResponse) -> ApiFailure | None:
        failure = classify_status(request, response)
        if failure is None or failure.kind is FailureKind.THROTTLED:
            return failure
        try:
            body = response.json()
        except ValueError:
            return failure
        if isinstance(body, dict) and body.get("errors"):  # validation: field-level reasons
            reasons = "; ".join(
                f"{e.get('field', '?')}: {e.get('code', '')} {e.get('message', '')}".strip()
                for e in body["errors"]
                if isinstance(e, dict)
            )
            detail = f"{body.get('description', 'Validation failed')}: {reasons}"
        elif isinstance(body, dict) and "code" in body:  # e.g. invalid_credentials
            detail = f"{body['code']}: {body.get('message', '')}"
        else:
            return failure
        return ApiFailure(failure.kind, request, response.status, detail)

    def create_ticket(self, ticket: Ticket) -> Flow[TicketRef]:
        customer = ticket.customer
        body: dict[str, Any] = {
            "subject": ticket.subject,
            "description": _html(ticket.description),
            "name": customer.name,
            "priority": PRIORITY_OUT[ticket.priority],
            "status": 2,
            "source": SOURCE_OUT[ticket.channel],
            "tags": [_TAG + ticket.external_id, ticket.category],
        }
        phone = customer.identities.get(Channel.PHONE)
        email = customer.identities.get(Channel.EMAIL)
        if email or not phone:
            body["email"] = email or synthetic_email(customer.id)
        else:
            body["phone"] = phone
        request = ApiRequest("POST", "/api/v2/tickets", "POST /api/v2/tickets", json=body)
        response = yield request
        item = _object(request, response, check(request, response, self.classify))
        return _ref(item)

    def get_ticket(self, ref: TicketRef) -> Flow[TicketState]:
        request = ApiRequest("GET", f"/api/v2/tickets/{ref.id}", "GET /api/v2/tickets/{id}")
        response = yield request
        item = _object(request, response, check(request, response, self.classify))
        return _state(item, request, response)

    def fetch_assignment(self, ref: TicketRef) -> Flow[Assignment | None]:
        request = ApiRequest("GET", f"/api/v2/tickets/{ref.id}", "probe: GET /api/v2/tickets/{id}")
        response = yield request
        return _assignment(_object(request, response, check(request, response, self.classify)))

    def update_ticket(self, ref: TicketRef, changes: TicketChanges) -> Flow[TicketState]:
        body: dict[str, Any] = {}
        if changes.status is not None:
            body["status"] = STATUS_OUT[changes.status]
        if changes.priority is not None:
            body["priority"] = PRIORITY_OUT[changes.priority]
        if changes.subject is not None:
            body["subject"] = changes.subject
        request = ApiRequest(
            "PUT", f"/api/v2/tickets/{ref.id}", "PUT /api/v2/tickets/{id}", json=body
        )
        response = yield request
        item = _object(request, response, check(request, response, self.classify))
        return _state(item, request, response)

    def list_tickets(self, cursor: str | None, limit: int) -> Flow[Page[TicketState]]:
        return self._pages({}, cursor, limit, "GET /api/v2/tickets")

    def export_tickets(
        self, since: float | None, cursor: str | None, limit: int
    ) -> Flow[Page[TicketState]]:
        stamp = datetime.fromtimestamp(since or 0, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        params = {"updated_since": stamp, "order_by": "updated_at", "order_type": "asc"}
        return self._pages(params, cursor, limit, "GET /api/v2/tickets?updated_since")

    def _pages(
        self, params: dict[str, str], cursor: str | None, limit: int, name: str
    ) -> Flow[Page[TicketState]]:
        page = int(cursor or 1)
        size = min(limit, PAGE_MAX)
        request = ApiRequest(
            "GET",
            "/api/v2/tickets",
            name,
            params={**params, "per_page": str(size), "page": str(page)},
        )
        response = yield request
        body = check(request, response, self.classify)
        if not isinstance(body, list):
            raise protocol(request, response, "expected a JSON array of tickets")
        states = tuple(_state(item, request, response) for item in body)
        return Page(states, str(page + 1) if len(body) >= size else None)

    def register_webhook(self, url: str, secret: str) -> Flow[str]:
        raise NotSupported(
            "freshdesk",
            "register_webhook",
            "Freshdesk webhooks are automation-rule actions set up in Admin > Automations; "
            "probe by polling (probe.mode: polling) or set the rule up by hand.",
        )

    def unregister_webhook(self, webhook_id: str) -> Flow[None]:
        raise NotSupported("freshdesk", "unregister_webhook")

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, secret: str | None
    ) -> WebhookEvent | None:
        """Freshdesk does not sign; a shared custom header is the only check available."""
        if secret is not None:
            lower = {key.lower(): value for key, value in headers.items()}
            supplied = lower.get(SECRET_HEADER, "")
            if not supplied or not hmac.compare_digest(supplied, secret):
                raise WebhookRejected(f"missing or wrong {SECRET_HEADER} header")
        try:
            event = json.loads(body)
            ticket_id = str(event["ticket_id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise WebhookRejected(f"malformed delivery: {exc!r}") from None
        agent = event.get("agent")
        if not agent:
            return None
        return WebhookEvent(
            f"{ticket_id}:{agent}",  # Freshdesk sends no delivery id
            Assignment(ticket_id=ticket_id, agent_id=str(agent), queue=event.get("group") or None),
        )


def _html(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<div>" + escaped.replace("\n", "<br>") + "</div>"


def _object(request: ApiRequest, response: ApiResponse, body: Any) -> Mapping[str, Any]:
    if not isinstance(body, dict) or "id" not in body:
        raise protocol(request, response, "expected a ticket object with 'id'")
    return body


def _external_id(item: Mapping[str, Any]) -> str:
    for tag in item.get("tags") or []:
        if isinstance(tag, str) and tag.startswith(_TAG):
            return tag.removeprefix(_TAG)
    return ""


def _ref(item: Mapping[str, Any]) -> TicketRef:
    return TicketRef(str(item["id"]), _external_id(item), _assignment(item))


def _assignment(item: Mapping[str, Any]) -> Assignment | None:
    agent = item.get("responder_id")
    if agent is None:
        return None
    group = item.get("group_id")
    return Assignment(
        ticket_id=str(item["id"]),
        agent_id=str(agent),
        queue=None if group is None else str(group),
        external_id=_external_id(item) or None,
    )


def _state(item: Mapping[str, Any], request: ApiRequest, response: ApiResponse) -> TicketState:
    status = read_enum(TicketStatus, STATUS_IN, item.get("status"), request, response)
    if status is TicketStatus.OPEN and item.get("responder_id") is None:
        status = TicketStatus.NEW  # Freshdesk has no "new": open and nobody assigned
    tags = [t for t in item.get("tags") or [] if isinstance(t, str) and not t.startswith(_TAG)]
    group = item.get("group_id")
    agent = item.get("responder_id")
    return TicketState(
        ref=_ref(item),
        status=status,
        priority=read_enum(Priority, PRIORITY_IN, item.get("priority"), request, response),
        category=tags[0] if tags else "",
        subject=str(item.get("subject") or ""),
        description=str(item.get("description_text") or item.get("description") or ""),
        queue=None if group is None else str(group),
        assignee=None if agent is None else str(agent),
        custom_fields={
            str(k): str(v) for k, v in (item.get("custom_fields") or {}).items() if v is not None
        },
    )
