"""Routes a migration and an identity audit need: customers by identity, bulk import, export.

``GET  /api/v1/customers?channel=phone&value=...``  the linked customer holding that identity
``POST /api/v1/imports/tickets``  ``{"tickets": [...]}`` (at most ``MAX_IMPORT``) historical
      tickets with their status and creation time; never routed; idempotent on external_id;
      one result per record, in order
``GET  /api/v1/exports/tickets?since=&cursor=&limit=``  every ticket updated at or after
      ``since`` (Unix seconds), in creation order, cursor-paginated; its own, stricter quota
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from harness.model import TicketStatus
from harness.sandbox.responses import ApiError, json_response, read_json
from harness.sandbox.state import SandboxState
from harness.sandbox.tickets import MAX_PAGE, decode_cursor, encode_cursor, invalid
from harness.sandbox.validation import Invalid, ticket_fields

__all__ = ["MAX_IMPORT", "AdminRoutes"]

MAX_IMPORT = 100
_STATUSES = frozenset(s.value for s in TicketStatus)


class AdminRoutes:
    def __init__(self, state: SandboxState) -> None:
        self._state = state
        self._store = state.store

    def add_to(self, router: web.UrlDispatcher) -> None:
        router.add_get("/api/v1/customers", self.find_customer)
        router.add_post("/api/v1/imports/tickets", self.import_tickets)
        router.add_get("/api/v1/exports/tickets", self.export_tickets)

    async def find_customer(self, request: web.Request) -> web.Response:
        channel, value = request.query.get("channel", ""), request.query.get("value", "")
        if not channel or not value:
            raise invalid({"channel": "required", "value": "required"})
        customer = self._state.customers.find(channel, value)
        if customer is None:
            raise ApiError(404, "not_found", f"no customer with {channel} identity")
        return json_response({"customer": self._state.public(customer.to_json())})

    async def import_tickets(self, request: web.Request) -> web.Response:
        body = await read_json(request, self._state.profile.max_body_bytes)
        items = body.get("tickets") if isinstance(body, dict) else None
        if not isinstance(items, list) or not 1 <= len(items) <= MAX_IMPORT:
            raise invalid({"tickets": f"must be a list of 1 to {MAX_IMPORT} tickets"})
        return json_response({"results": [self._import_one(item) for item in items]})

    def _import_one(self, item: Any) -> dict[str, Any]:
        external_id = item.get("external_id") if isinstance(item, dict) else None
        try:
            fields = ticket_fields(
                {k: v for k, v in item.items() if k not in ("status", "created_at")}
                if isinstance(item, dict)
                else item
            )
            status, created_at = item.get("status"), item.get("created_at")
            problems = {}
            if status not in _STATUSES:
                problems["status"] = f"must be one of: {', '.join(sorted(_STATUSES))}"
            if not isinstance(created_at, int | float) or isinstance(created_at, bool):
                problems["created_at"] = "required, Unix seconds"
            if problems:
                raise Invalid(problems)
        except Invalid as exc:
            return {"external_id": external_id, "status": "failed", "errors": exc.fields}
        existing = self._store.tickets_by_external.get(fields["external_id"])
        if existing is not None:
            return {"external_id": external_id, "id": existing.id, "status": "exists"}
        if not self._state.defects.keep_import():  # lose_import_records: claims success
            seq = len(self._store.tickets) + 1
            return {"external_id": external_id, "id": f"T{seq:06d}-lost", "status": "created"}
        ticket = self._store.add_ticket(fields, float(created_at))
        ticket.status = str(status)
        ticket.updated_at = time.time()  # changed in this system now: incremental exports see it
        ticket.customer_id = self._state.customers.link(ticket.customer, ticket.id).id
        return {"external_id": external_id, "id": ticket.id, "status": "created"}

    async def export_tickets(self, request: web.Request) -> web.Response:
        query = request.query
        problems: dict[str, str] = {}
        since, after, limit = 0.0, 0, 100
        try:
            since = float(query.get("since", "0"))
        except ValueError:
            problems["since"] = "must be Unix seconds"
        raw_limit = query.get("limit", "100")
        if raw_limit.isdigit() and 1 <= int(raw_limit) <= MAX_PAGE:
            limit = int(raw_limit)
        else:
            problems["limit"] = f"must be an integer from 1 to {MAX_PAGE}"
        if query.get("cursor"):
            try:
                after = decode_cursor(query["cursor"])
            except ValueError as exc:
                problems["cursor"] = str(exc)
        if problems:
            raise invalid(problems)
        tickets = self._store.tickets
        page: list[dict[str, Any]] = []
        seq = after
        while seq < len(tickets) and len(page) < limit:
            ticket = tickets[seq]
            seq += 1
            if ticket.updated_at >= since:
                page.append(self._state.public(ticket.to_json()))
        next_cursor = encode_cursor(seq) if seq < len(tickets) else None
        return json_response({"tickets": page, "next_cursor": next_cursor})
