"""The sandbox adapter's optional operations (:mod:`harness.vendors.capabilities`): status
updates, customers by identity, bulk import, export and full reads. Mixed into
:class:`~harness.vendors.sandbox.SandboxAdapter`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from harness.model import (
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
    classify_status,
)
from harness.vendors.capabilities import (
    HistoricalTicket,
    ImportJob,
    StoredCustomer,
    StoredTicket,
    TicketChanges,
)

__all__ = ["SandboxAdminMixin", "stored_ticket"]

_API = "/api/v1"


class SandboxAdminMixin:
    """Implements TicketUpdates, CustomerDirectory, BulkImport, TicketExport and FullRead."""

    max_batch: ClassVar[int] = 50  # the sandbox takes 100; 50 keeps zh-CN bodies under 64 KiB

    def update_ticket(self, ref: TicketRef, changes: TicketChanges) -> Flow[TicketState]:
        from harness.vendors.sandbox import _state

        body: dict[str, Any] = {}
        if changes.status is not None:
            body["status"] = changes.status.value
        if changes.priority is not None:
            body["priority"] = changes.priority.value
        if changes.subject is not None:
            body["subject"] = changes.subject
        if changes.custom_fields is not None:
            body["custom_fields"] = dict(changes.custom_fields)
        request = ApiRequest("PATCH", f"{_API}/tickets/{ref.id}", "PATCH /tickets/{id}", json=body)
        return _state(_object(request, (yield request), "ticket"))

    def find_customer(self, channel: Channel, value: str) -> Flow[StoredCustomer | None]:
        request = ApiRequest(
            "GET",
            f"{_API}/customers",
            "GET /customers",
            params={"channel": channel.value, "value": value},
        )
        response = yield request
        if response.status == 404:
            return None
        data = _object(request, response, "customer")
        try:
            return StoredCustomer(
                id=str(data["id"]),
                name=str(data.get("name", "")),
                identities={Channel(k): str(v) for k, v in data["identities"].items()},
                ticket_ids=tuple(str(t) for t in data.get("ticket_ids", ())),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise _protocol(request, response, f"bad customer: {exc!r}") from None

    def import_tickets(self, tickets: Sequence[HistoricalTicket]) -> Flow[ImportJob]:
        """Synchronous: one request, every record's result in the answer (``done``)."""
        items = [
            {**_ticket_body(h.ticket), "status": h.status.value, "created_at": h.created_at}
            for h in tickets
        ]
        request = ApiRequest(
            "POST", f"{_API}/imports/tickets", "POST /imports/tickets", json={"tickets": items}
        )
        response = yield request
        body = _body(request, response)
        created: list[tuple[int, str]] = []
        failed: list[tuple[int, str]] = []
        try:
            for index, result in enumerate(body["results"]):
                if result["status"] in ("created", "exists") and result.get("id"):
                    created.append((index, str(result["id"])))
                else:
                    failed.append((index, f"{result['status']}: {result.get('errors')}"))
        except (KeyError, TypeError, AttributeError) as exc:
            raise _protocol(request, response, f"bad import results: {exc!r}") from None
        return ImportJob((), True, tuple(created), tuple(failed))

    def import_status(self, job_id: str) -> Flow[ImportJob]:
        """Never needed (imports answer at once); reads back nothing, sends nothing."""
        yield from ()  # a flow that sends nothing
        return ImportJob((job_id,), True)

    def export_tickets(
        self, since: float | None, cursor: str | None, limit: int
    ) -> Flow[Page[TicketState]]:
        from harness.vendors.sandbox import _state

        params = {"limit": str(limit)}
        if since is not None:
            params["since"] = repr(since)
        if cursor is not None:
            params["cursor"] = cursor
        request = ApiRequest(
            "GET", f"{_API}/exports/tickets", "GET /exports/tickets", params=params
        )
        response = yield request
        body = _body(request, response)
        try:
            items = tuple(_state(t) for t in body["tickets"])
            return Page(items, body["next_cursor"])
        except (KeyError, TypeError, ValueError) as exc:
            raise _protocol(request, response, f"bad export page: {exc!r}") from None

    def read_ticket(self, ref: TicketRef) -> Flow[StoredTicket]:
        request = ApiRequest("GET", f"{_API}/tickets/{ref.id}", "GET /tickets/{id}")
        response = yield request
        try:
            return stored_ticket(_object(request, response, "ticket"))
        except (KeyError, TypeError, ValueError) as exc:
            raise _protocol(request, response, f"bad ticket: {exc!r}") from None


def _ticket_body(ticket: Ticket) -> dict[str, Any]:
    return {
        "external_id": ticket.external_id,
        "subject": ticket.subject,
        "description": ticket.description,
        "channel": ticket.channel.value,
        "priority": ticket.priority.value,
        "category": ticket.category,
        "customer": {
            "id": ticket.customer.id,
            "name": ticket.customer.name,
            "identities": {k.value: v for k, v in ticket.customer.identities.items()},
        },
        "custom_fields": dict(ticket.custom_fields),
    }


def stored_ticket(data: Mapping[str, Any]) -> StoredTicket:
    customer = data.get("customer") or {}
    return StoredTicket(
        id=str(data["id"]),
        external_id=str(data["external_id"]),
        subject=str(data["subject"]),
        description=str(data["description"]),
        channel=Channel(data["channel"]),
        priority=Priority(data["priority"]),
        status=TicketStatus(data["status"]),
        category=str(data["category"]),
        customer_name=str(customer.get("name", "")),
        identities={Channel(k): str(v) for k, v in (customer.get("identities") or {}).items()},
        custom_fields={str(k): str(v) for k, v in (data.get("custom_fields") or {}).items()},
        customer_id=data.get("customer_id"),
        created_at=data.get("created_at"),
        updated_at=data.get("updated_at"),
    )


def _body(request: ApiRequest, response: ApiResponse) -> dict[str, Any]:
    failure = classify_status(request, response)
    if failure is not None:
        raise failure
    try:
        body = response.json()
    except ValueError:
        raise _protocol(request, response, "body is not JSON") from None
    if not isinstance(body, dict):
        raise _protocol(request, response, "expected a JSON object")
    return body


def _object(request: ApiRequest, response: ApiResponse, key: str) -> dict[str, Any]:
    item = _body(request, response).get(key)
    if not isinstance(item, dict):
        raise _protocol(request, response, f"expected an object with '{key}'")
    return item


def _protocol(request: ApiRequest, response: ApiResponse, detail: str) -> ApiFailure:
    return ApiFailure(FailureKind.PROTOCOL, request, response.status, detail)
