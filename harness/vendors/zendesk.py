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

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from harness.data.identities import synthetic_email
from harness.model import Assignment, Channel, Page, Ticket, TicketRef, TicketState
from harness.vendors.base import (
    ApiFailure,
    ApiRequest,
    ApiResponse,
    FailureKind,
    Flow,
    WebhookEvent,
    classify_status,
)
from harness.vendors.capabilities import (
    HistoricalTicket,
    ImportJob,
    StoredCustomer,
    StoredTicket,
    TicketChanges,
)
from harness.vendors.common import check, page_of, protocol
from harness.vendors.zendesk_payloads import (
    PRIORITY_OUT,
    STATUS_OUT,
    assignment_of,
    expect_list,
    expect_object,
    field_id,
    state_of,
    ticket_ref,
    user_identities,
)
from harness.vendors.zendesk_webhooks import (
    TRIGGER_BODY,
    parse_webhook,
    register_webhook,
    unregister_webhook,
    webhook_signature,
)

if TYPE_CHECKING:
    from harness.config.vendor import VendorSpec

__all__ = ["TRIGGER_BODY", "ZendeskAdapter", "webhook_signature"]

BATCH = 100  # create_many takes up to 100 tickets
_DONE_JOBS = ("completed", "failed", "killed")


class ZendeskAdapter:
    name: ClassVar[str] = "zendesk"
    max_batch: ClassVar[int] = BATCH

    def __init__(self, custom_fields: Mapping[str, str] | None = None) -> None:
        self._field_ids = dict(custom_fields or {})
        self._field_names = {str(v): k for k, v in self._field_ids.items()}

    @classmethod
    def from_spec(cls, vendor: VendorSpec) -> ZendeskAdapter:
        return cls(vendor.custom_fields)

    def custom_field_names(self) -> list[str]:
        """The custom fields the vendor file maps to ticket field ids: the only ones sent."""
        return list(self._field_ids)

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
            found = expect_object(user, response, check(user, response, self.classify), "user")
            body["requester_id"] = found["id"]
        request = ApiRequest(
            "POST",
            "/api/v2/tickets",
            "POST /api/v2/tickets",
            json={"ticket": body},
            headers={"Idempotency-Key": ticket.external_id[:255]},
        )
        response = yield request
        item = expect_object(request, response, check(request, response, self.classify), "ticket")
        return ticket_ref(item, ticket.external_id)

    def get_ticket(self, ref: TicketRef) -> Flow[TicketState]:
        request = ApiRequest("GET", f"/api/v2/tickets/{ref.id}", "GET /api/v2/tickets/{id}")
        response = yield request
        item = expect_object(request, response, check(request, response, self.classify), "ticket")
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
        item = expect_object(request, response, body, "ticket")
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
            identities=user_identities(requester),
            custom_fields=state.custom_fields,
            customer_id=None if item.get("requester_id") is None else str(item["requester_id"]),
        )

    def read_requester(self, ref: TicketRef) -> Flow[StoredCustomer]:
        """The requester's profile from the Users API (``GET /api/v2/users/{id}``)."""
        request = ApiRequest("GET", f"/api/v2/tickets/{ref.id}", "GET /api/v2/tickets/{id}")
        response = yield request
        item = expect_object(request, response, check(request, response, self.classify), "ticket")
        user_id = item.get("requester_id")
        if user_id is None:
            raise protocol(request, response, "the ticket has no requester_id")
        read = ApiRequest("GET", f"/api/v2/users/{user_id}", "GET /api/v2/users/{id}")
        response = yield read
        user = expect_object(read, response, check(read, response, self.classify), "user")
        return StoredCustomer(str(user_id), str(user.get("name") or ""), user_identities(user))

    def fetch_assignment(self, ref: TicketRef) -> Flow[Assignment | None]:
        request = ApiRequest("GET", f"/api/v2/tickets/{ref.id}", "probe: GET /api/v2/tickets/{id}")
        response = yield request
        item = expect_object(request, response, check(request, response, self.classify), "ticket")
        return assignment_of(item)

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
        item = expect_object(request, response, check(request, response, self.classify), "ticket")
        return self._state(item, request, response)

    def list_tickets(self, cursor: str | None, limit: int) -> Flow[Page[TicketState]]:
        params = {"page[size]": str(min(limit, 100))}
        if cursor is not None:
            params["page[after]"] = cursor
        request = ApiRequest("GET", "/api/v2/tickets", "GET /api/v2/tickets", params=params)
        response = yield request
        body = check(request, response, self.classify)
        items = expect_list(request, response, body, "tickets")
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
        items = expect_list(request, response, body, "tickets")
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
            job = expect_object(
                request, response, check(request, response, self.classify), "job_status"
            )
            job_ids.append(str(job["id"]))
        return ImportJob(job_ids=tuple(job_ids), done=False)

    def import_status(self, job_id: str) -> Flow[ImportJob]:
        request = ApiRequest(
            "GET", f"/api/v2/job_statuses/{job_id}", "GET /api/v2/job_statuses/{id}"
        )
        response = yield request
        job = expect_object(
            request, response, check(request, response, self.classify), "job_status"
        )
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
            {"id": field_id(self._field_ids[name]), "value": value}
            for name, value in values.items()
            if name in self._field_ids
        ]

    def _state(
        self, item: Mapping[str, Any], request: ApiRequest, response: ApiResponse
    ) -> TicketState:
        return state_of(item, request, response, self._field_names)

    # --- webhooks ---------------------------------------------------------------------------

    def register_webhook(self, url: str, secret: str) -> Flow[str]:
        """A webhook and a trigger on assignee changes (``secret`` unused: Zendesk signs with
        its own); returns 'webhook:trigger'."""
        return register_webhook(url, self.classify)

    def unregister_webhook(self, webhook_id: str) -> Flow[None]:
        return unregister_webhook(webhook_id, self.classify)

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, secret: str | None
    ) -> WebhookEvent | None:
        return parse_webhook(headers, body, secret)
