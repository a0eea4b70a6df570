"""Zendesk Support API v2, payloads as its public documentation shows (vendor-apis.md, section 1).

Auth: API token over Basic (``auth: {kind: basic, username_env: ZENDESK_EMAIL, username_suffix:
/token, password_env: ZENDESK_API_TOKEN}``); ``base_url`` is ``https://<subdomain>.zendesk.com``.

- Create sends ``Idempotency-Key`` (the harness's external id: a retried create is replayed,
  not duplicated; Zendesk keeps keys two hours).
- Bulk import: ``POST /api/v2/tickets/create_many`` in batches of 100, each answered with a
  ``job_status`` polled at ``GET /api/v2/job_statuses/{id}``.
- Export: cursor-based incremental export (``/api/v2/incremental/tickets/cursor.json``) until
  ``end_of_stream``; listing uses cursor pagination (``page[size]``, ``page[after]``).
- Routing is seen by polling ``assignee_id``, or by webhook: :meth:`register_webhook` creates a
  webhook connected to a trigger on "assignee changed". Zendesk signs deliveries with
  ``base64(HMAC-SHA256(secret, timestamp + body))``; the secret is Zendesk's (Admin Center ->
  webhook -> signing secret), so put it in the variable ``webhooks.secret_env`` names.
- Custom fields go as ``custom_fields: [{"id": <field id>, "value": ...}]``; the ids come from
  the vendor file's ``custom_fields`` map (name -> Zendesk ticket field id): unmapped fields are
  not sent, and read back under their id.
- A requester with a phone is upserted first (``POST /api/v2/users/create_or_update`` with
  ``name``, ``email``, ``phone``), and the ticket names them by ``requester_id``; without a phone
  the requester goes inline (``requester: {name, email}``).
- Full read: ``GET /api/v2/tickets/{id}?include=users`` (the requester sideloaded); requester
  profile: ``GET /api/v2/users/{id}``.
- Quota: 429 + ``Retry-After`` (and sometimes 429 without it): throttled, never broken.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

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
from harness.vendors.capabilities import (
    HistoricalTicket,
    ImportJob,
    StoredCustomer,
    StoredTicket,
    TicketChanges,
)
from harness.vendors.common import check, page_of, protocol, read_enum
from harness.vendors.digests import sign

if TYPE_CHECKING:
    from harness.config.vendor import VendorSpec

__all__ = ["ZendeskAdapter", "webhook_signature"]

BATCH = 100  # create_many takes up to 100 tickets
PRIORITY_OUT = {
    Priority.LOW: "low",
    Priority.NORMAL: "normal",
    Priority.HIGH: "high",
    Priority.URGENT: "urgent",
}
PRIORITY_IN = {value: key for key, value in PRIORITY_OUT.items()}
STATUS_OUT = {
    TicketStatus.NEW: "new",
    TicketStatus.OPEN: "open",
    TicketStatus.PENDING: "pending",
    TicketStatus.SOLVED: "solved",
    TicketStatus.CLOSED: "closed",
}
STATUS_IN = {**{value: key for key, value in STATUS_OUT.items()}, "hold": TicketStatus.PENDING}
_DONE_JOBS = ("completed", "failed", "killed")
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


class ZendeskAdapter:
    name: ClassVar[str] = "zendesk"
    max_batch: ClassVar[int] = BATCH

    def __init__(self, custom_fields: Mapping[str, str] | None = None) -> None:
        self._field_ids = dict(custom_fields or {})
        self._field_names = {str(v): k for k, v in self._field_ids.items()}

    @classmethod
    def from_spec(cls, vendor: VendorSpec) -> ZendeskAdapter:
        return cls(vendor.custom_fields)

    def classify(self, request: ApiRequest, response: ApiResponse) -> ApiFailure | None:
        failure = classify_status(request, response)
        if failure is None or failure.kind is FailureKind.THROTTLED:
            return failure
        try:
            body = response.json()
        except ValueError:
            return failure
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict):  # {"error": {"title": ..., "message": ...}}
            detail = f"{error.get('title', '')}: {error.get('message', '')}"
        elif error is not None:  # {"error": "RecordInvalid", "description": ..., "details": ...}
            detail = f"{error}: {body.get('description', '')}"
            if body.get("details"):
                detail += f" {json.dumps(body['details'], ensure_ascii=False)[:200]}"
        else:
            return failure
        return ApiFailure(failure.kind, request, response.status, detail)

    # --- tickets ----------------------------------------------------------------------------

    def create_ticket(self, ticket: Ticket) -> Flow[TicketRef]:
        body = self._ticket_body(ticket)
        if ticket.customer.identities.get(Channel.PHONE):
            user = ApiRequest(
                "POST",
                "/api/v2/users/create_or_update",
                "POST /api/v2/users/create_or_update",
                json={"user": body.pop("requester")},
            )
            response = yield user
            found = _object(user, response, check(user, response, self.classify), "user")
            body["requester_id"] = found["id"]
        request = ApiRequest(
            "POST",
            "/api/v2/tickets",
            "POST /api/v2/tickets",
            json={"ticket": body},
            headers={"Idempotency-Key": ticket.external_id[:255]},
        )
        response = yield request
        item = _object(request, response, check(request, response, self.classify), "ticket")
        return _ref(item, ticket.external_id)

    def get_ticket(self, ref: TicketRef) -> Flow[TicketState]:
        request = ApiRequest("GET", f"/api/v2/tickets/{ref.id}", "GET /api/v2/tickets/{id}")
        response = yield request
        item = _object(request, response, check(request, response, self.classify), "ticket")
        return self._state(item, request, response)

    def read_ticket(self, ref: TicketRef) -> Flow[StoredTicket]:
        """The ticket with its requester sideloaded (``include=users``)."""
        request = ApiRequest(
            "GET",
            f"/api/v2/tickets/{ref.id}",
            "GET /api/v2/tickets/{id}?include=users",
            params={"include": "users"},
        )
        response = yield request
        body = check(request, response, self.classify)
        item = _object(request, response, body, "ticket")
        state = self._state(item, request, response)
        users: list[Any] = body["users"] if isinstance(body.get("users"), list) else []
        requester: Mapping[str, Any] = next(
            (u for u in users if isinstance(u, dict) and u.get("id") == item.get("requester_id")),
            {},
        )
        return StoredTicket(
            id=state.ref.id,
            external_id=state.ref.external_id,
            subject=state.subject,
            description=state.description,
            channel=None,  # via.channel is "api" for every ticket the harness creates
            priority=state.priority,
            status=state.status,
            category=state.category,
            customer_name=str(requester.get("name") or ""),
            identities=_user_identities(requester),
            custom_fields=state.custom_fields,
            customer_id=None if item.get("requester_id") is None else str(item["requester_id"]),
        )

    def read_requester(self, ref: TicketRef) -> Flow[StoredCustomer]:
        """The requester's profile from the Users API (``GET /api/v2/users/{id}``)."""
        request = ApiRequest("GET", f"/api/v2/tickets/{ref.id}", "GET /api/v2/tickets/{id}")
        response = yield request
        item = _object(request, response, check(request, response, self.classify), "ticket")
        user_id = item.get("requester_id")
        if user_id is None:
            raise protocol(request, response, "the ticket has no requester_id")
        read = ApiRequest("GET", f"/api/v2/users/{user_id}", "GET /api/v2/users/{id}")
        response = yield read
        user = _object(read, response, check(read, response, self.classify), "user")
        return StoredCustomer(str(user_id), str(user.get("name") or ""), _user_identities(user))

    def fetch_assignment(self, ref: TicketRef) -> Flow[Assignment | None]:
        request = ApiRequest("GET", f"/api/v2/tickets/{ref.id}", "probe: GET /api/v2/tickets/{id}")
        response = yield request
        item = _object(request, response, check(request, response, self.classify), "ticket")
        return _assignment(item)

    def update_ticket(self, ref: TicketRef, changes: TicketChanges) -> Flow[TicketState]:
        body: dict[str, Any] = {}
        if changes.status is not None:
            body["status"] = STATUS_OUT[changes.status]
        if changes.priority is not None:
            body["priority"] = PRIORITY_OUT[changes.priority]
        if changes.subject is not None:
            body["subject"] = changes.subject
        if changes.custom_fields is not None:
            body["custom_fields"] = self._custom_fields(changes.custom_fields)
        request = ApiRequest(
            "PUT", f"/api/v2/tickets/{ref.id}", "PUT /api/v2/tickets/{id}", json={"ticket": body}
        )
        response = yield request
        item = _object(request, response, check(request, response, self.classify), "ticket")
        return self._state(item, request, response)

    def list_tickets(self, cursor: str | None, limit: int) -> Flow[Page[TicketState]]:
        params = {"page[size]": str(min(limit, 100))}
        if cursor is not None:
            params["page[after]"] = cursor
        request = ApiRequest("GET", "/api/v2/tickets", "GET /api/v2/tickets", params=params)
        response = yield request
        body = check(request, response, self.classify)
        items = _list(request, response, body, "tickets")
        meta = body.get("meta") or {}
        next_cursor = meta.get("after_cursor") if meta.get("has_more") else None
        return page_of(items, lambda i: self._state(i, request, response), next_cursor)

    def export_tickets(
        self, since: float | None, cursor: str | None, limit: int
    ) -> Flow[Page[TicketState]]:
        params = {"per_page": str(min(limit, 1000))}
        if cursor is None:
            params["start_time"] = str(int(since or 0))
        else:
            params["cursor"] = cursor
        request = ApiRequest(
            "GET",
            "/api/v2/incremental/tickets/cursor.json",
            "GET /api/v2/incremental/tickets/cursor.json",
            params=params,
        )
        response = yield request
        body = check(request, response, self.classify)
        items = _list(request, response, body, "tickets")
        next_cursor = None if body.get("end_of_stream") else body.get("after_cursor")
        return page_of(items, lambda i: self._state(i, request, response), next_cursor)

    # --- bulk import ------------------------------------------------------------------------

    def import_tickets(self, tickets: Sequence[HistoricalTicket]) -> Flow[ImportJob]:
        """Submit in batches of 100; returns the job ids (poll them with :meth:`import_status`).
        ``create_many`` takes the final status; the creation time is Zendesk's own."""
        job_ids: list[str] = []
        for start in range(0, len(tickets), BATCH):
            batch = tickets[start : start + BATCH]
            request = ApiRequest(
                "POST",
                "/api/v2/tickets/create_many",
                "POST /api/v2/tickets/create_many",
                json={
                    "tickets": [
                        {**self._ticket_body(h.ticket), "status": STATUS_OUT[h.status]}
                        for h in batch
                    ]
                },
            )
            response = yield request
            job = _object(request, response, check(request, response, self.classify), "job_status")
            job_ids.append(str(job["id"]))
        return ImportJob(job_ids=tuple(job_ids), done=False)

    def import_status(self, job_id: str) -> Flow[ImportJob]:
        request = ApiRequest(
            "GET", f"/api/v2/job_statuses/{job_id}", "GET /api/v2/job_statuses/{id}"
        )
        response = yield request
        job = _object(request, response, check(request, response, self.classify), "job_status")
        status = job.get("status")
        if status not in ("queued", "working", *_DONE_JOBS):
            raise protocol(request, response, f"unknown job status {status!r}")
        created: list[tuple[int, str]] = []
        failed: list[tuple[int, str]] = []
        for result in job.get("results") or []:
            index = int(result.get("index", len(created) + len(failed)))
            if result.get("error") or result.get("success") is False:
                failed.append((index, str(result.get("error") or result.get("details") or "")))
            elif result.get("id") is not None:
                created.append((index, str(result["id"])))
        if status == "failed" and not failed:
            failed.append((-1, str(job.get("message") or "job failed")))
        return ImportJob(
            job_ids=(job_id,),
            done=status in _DONE_JOBS,
            created=tuple(created),
            failed=tuple(failed),
        )

    # --- bodies -----------------------------------------------------------------------------

    def _ticket_body(self, ticket: Ticket) -> dict[str, Any]:
        customer = ticket.customer
        # Zendesk needs an e-mail (or a user id) to find or create the end user
        email = customer.identities.get(Channel.EMAIL) or synthetic_email(customer.id)
        requester: dict[str, Any] = {"name": customer.name, "email": email}
        phone = customer.identities.get(Channel.PHONE)
        if phone:
            requester["phone"] = phone
        body: dict[str, Any] = {
            "subject": ticket.subject,
            "comment": {"body": ticket.description, "public": True},
            "priority": PRIORITY_OUT[ticket.priority],
            "external_id": ticket.external_id,
            "tags": ["csm-harness", ticket.category],
            "requester": requester,
        }
        fields = self._custom_fields(ticket.custom_fields)
        if fields:
            body["custom_fields"] = fields
        return body

    def _custom_fields(self, values: Mapping[str, str]) -> list[dict[str, Any]]:
        return [
            {"id": _field_id(self._field_ids[name]), "value": value}
            for name, value in values.items()
            if name in self._field_ids
        ]

    def _state(
        self, item: Mapping[str, Any], request: ApiRequest, response: ApiResponse
    ) -> TicketState:
        return _state(item, request, response, self._field_names)

    # --- webhooks ---------------------------------------------------------------------------

    def register_webhook(self, url: str, secret: str) -> Flow[str]:
        """A webhook connected to a trigger on assignee changes; returns 'webhook:trigger'.

        ``secret`` is not sent: Zendesk generates the signing secret itself.
        """
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
            _object(hook, response, check(hook, response, self.classify), "webhook")["id"]
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
                    "actions": [
                        {"field": "notification_webhook", "value": [webhook_id, TRIGGER_BODY]}
                    ],
                }
            },
        )
        response = yield trigger
        trigger_id = _object(trigger, response, check(trigger, response, self.classify), "trigger")
        return f"{webhook_id}:{trigger_id['id']}"

    def unregister_webhook(self, webhook_id: str) -> Flow[None]:
        hook, _, trigger = webhook_id.partition(":")
        if trigger:
            request = ApiRequest(
                "DELETE", f"/api/v2/triggers/{trigger}", "DELETE /api/v2/triggers/{id}"
            )
            check(request, (yield request), self.classify)
        request = ApiRequest("DELETE", f"/api/v2/webhooks/{hook}", "DELETE /api/v2/webhooks/{id}")
        check(request, (yield request), self.classify)

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, secret: str | None
    ) -> WebhookEvent | None:
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


def _user_identities(user: Mapping[str, Any]) -> dict[Channel, str]:
    found = {Channel.EMAIL: user.get("email"), Channel.PHONE: user.get("phone")}
    return {channel: str(value) for channel, value in found.items() if value}


def _field_id(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def _object(request: ApiRequest, response: ApiResponse, body: Any, key: str) -> Any:
    if not isinstance(body, dict) or not isinstance(body.get(key), dict):
        raise protocol(request, response, f"expected an object with '{key}'")
    return body[key]


def _list(request: ApiRequest, response: ApiResponse, body: Any, key: str) -> list[Any]:
    if not isinstance(body, dict) or not isinstance(body.get(key), list):
        raise protocol(request, response, f"expected a list at '{key}'")
    items: list[Any] = body[key]
    return items


def _ref(item: Mapping[str, Any], external_id: str = "") -> TicketRef:
    return TicketRef(
        str(item["id"]), str(item.get("external_id") or external_id), _assignment(item)
    )


def _assignment(item: Mapping[str, Any]) -> Assignment | None:
    agent = item.get("assignee_id")
    if agent is None:
        return None
    group = item.get("group_id")
    return Assignment(
        ticket_id=str(item["id"]),
        agent_id=str(agent),
        queue=None if group is None else str(group),
        assigned_at=None,  # Zendesk records the change in ticket audits, not on the ticket
        external_id=item.get("external_id"),
    )


def _state(
    item: Mapping[str, Any],
    request: ApiRequest,
    response: ApiResponse,
    field_names: Mapping[str, str],
) -> TicketState:
    priority = item.get("priority")
    tags = [str(tag) for tag in item.get("tags") or [] if tag != "csm-harness"]
    group = item.get("group_id")
    agent = item.get("assignee_id")
    return TicketState(
        ref=_ref(item),
        status=read_enum(TicketStatus, STATUS_IN, item.get("status"), request, response),
        priority=(
            Priority.NORMAL
            if priority is None
            else read_enum(Priority, PRIORITY_IN, priority, request, response)
        ),
        category=tags[0] if tags else "",
        subject=str(item.get("subject") or ""),
        description=str(item.get("description") or ""),
        queue=None if group is None else str(group),
        assignee=None if agent is None else str(agent),
        custom_fields={
            field_names.get(str(field["id"]), str(field["id"])): str(field["value"])
            for field in item.get("custom_fields") or []
            if field.get("value") is not None
        },
    )
