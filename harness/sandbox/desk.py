"""A second face of the sandbox with the traits of a real helpdesk (Request Tracker's REST 2.0
style), under ``/REST/2.0/``: the same tickets, routing engine and agents as ``/api/v1``.

Traits the ``rest`` adapter must be told about (``scenarios/vendors/sandbox-desk.yaml``):

- the owner is a placeholder user ``{"id": "Nobody"}`` until the router assigns someone;
- custom fields are a list of ``{"name", "values": [...]}`` (the channel and external id live
  there too: this desk has neither field of its own);
- an update answers ``200`` with a JSON array of messages, failures included
  (``"Ticket 12: 'bogus' isn't a valid status"``);
- the description is not on the ticket: it is the ``Content`` of the ``Create`` transaction in
  ``/ticket/{id}/history``;
- listings are page-numbered with ``total`` and an absolute ``next_page`` URL; priorities are
  numbers (25, 50, 75, 100) and statuses RT's words (new, open, stalled, resolved, rejected).
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Final

from aiohttp import web

from harness.sandbox.responses import ApiError, json_response, read_json
from harness.sandbox.state import SandboxState
from harness.sandbox.store import TicketRecord
from harness.sandbox.tickets import TRANSITIONS, invalid
from harness.sandbox.validation import Invalid, ticket_fields

__all__ = ["DESK_PREFIX", "DeskRoutes"]

DESK_PREFIX: Final = "/REST/2.0"
NOBODY: Final = "Nobody"
_STATUS_OUT: Final = {
    "new": "new", "open": "open", "pending": "stalled", "solved": "resolved", "closed": "rejected",
}  # fmt: skip
_STATUS_IN: Final = {desk: ours for ours, desk in _STATUS_OUT.items()}
_PRIORITY_OUT: Final = {"low": 25, "normal": 50, "high": 75, "urgent": 100}
_PRIORITY_IN: Final = {str(desk): ours for ours, desk in _PRIORITY_OUT.items()}
_OWN_FIELDS: Final = ("Channel", "ExternalId")
MAX_PER_PAGE: Final = 100


def _number(ticket_id: str) -> int:
    return int(ticket_id[1:])


class DeskRoutes:
    def __init__(self, state: SandboxState) -> None:
        self._state = state
        self._store = state.store
        self._engine = state.engine
        self._max_body = state.profile.max_body_bytes

    def add_to(self, router: web.UrlDispatcher) -> None:
        router.add_post(f"{DESK_PREFIX}/ticket", self.create)
        router.add_get(f"{DESK_PREFIX}/ticket/{{id}}", self.read)
        router.add_put(f"{DESK_PREFIX}/ticket/{{id}}", self.update)
        router.add_get(f"{DESK_PREFIX}/ticket/{{id}}/history", self.history)
        router.add_get(f"{DESK_PREFIX}/tickets", self.list)

    async def create(self, request: web.Request) -> web.Response:
        body = await read_json(request, self._max_body)
        if not isinstance(body, dict):
            raise invalid({"body": "must be a JSON object"})
        custom = body.get("CustomFields") or {}
        if not isinstance(custom, dict):
            raise invalid({"CustomFields": "must be an object {name: value}"})
        requestor = body.get("Requestor")
        priority = _PRIORITY_IN.get(str(body.get("Priority", 50)), "")
        fields = {
            "external_id": str(custom.get("ExternalId") or uuid.uuid4().hex),
            "subject": body.get("Subject"),
            "description": body.get("Content", ""),
            "channel": custom.get("Channel", "web"),
            "priority": priority,
            "category": body.get("Queue"),
            "customer": {"id": requestor, "name": requestor} if requestor else None,
            "custom_fields": {
                str(k): str(v) for k, v in custom.items() if k not in _OWN_FIELDS and v is not None
            },
        }
        try:
            clean = ticket_fields(fields)
        except Invalid as exc:
            fields_named = _desk_names(exc.fields)
            raise ApiError(400, "invalid", "Could not create ticket", fields_named) from None
        ticket = self._store.add_ticket(clean, time.time())
        ticket.customer_id = self._state.customers.link(ticket.customer, ticket.id).id
        self._engine.submit(ticket)
        number = _number(ticket.id)
        url = f"{request.url.origin()}{DESK_PREFIX}/ticket/{number}"
        return json_response({"id": str(number), "type": "ticket", "_url": url}, 201)

    async def read(self, request: web.Request) -> web.Response:
        return json_response(self._out(self._ticket(request), request))

    async def history(self, request: web.Request) -> web.Response:
        ticket = self._ticket(request)
        items = [
            {
                "id": str(_number(ticket.id)),
                "type": "transaction",
                "Type": "Create",
                "Content": self._state.public({"d": ticket.description})["d"],
                "Created": _iso(ticket.created_at),
            }
        ]
        return json_response({"count": 1, "page": 1, "per_page": 20, "total": 1, "items": items})

    async def update(self, request: web.Request) -> web.Response:
        ticket = self._ticket(request)
        body = await read_json(request, self._max_body)
        if not isinstance(body, dict):
            return json_response(["JSON object must be a hash"], 400)
        number = _number(ticket.id)
        messages: list[str] = []
        now = time.time()
        for name, value in body.items():
            messages.append(self._change(ticket, number, name, value, now))
        ticket.updated_at = now
        return json_response(messages)  # RT answers 200 even when a change was refused

    def _change(self, ticket: TicketRecord, number: int, name: str, value: Any, now: float) -> str:
        if name == "Status":
            wanted = _STATUS_IN.get(str(value))
            if wanted is None:
                return f"Ticket {number}: '{value}' isn't a valid status"
            if wanted != ticket.status and wanted not in TRANSITIONS[ticket.status]:
                return f"Ticket {number}: Status '{value}' isn't a valid status for this ticket"
            before = _STATUS_OUT[ticket.status]
            if wanted != ticket.status:
                ticket.status = wanted
                if wanted in ("solved", "closed"):
                    ticket.resolved_at = ticket.resolved_at or now
                    self._engine.release(ticket)
            return f"Ticket {number}: Status changed from '{before}' to '{value}'"
        if name == "Priority":
            wanted = _PRIORITY_IN.get(str(value))
            if wanted is None:
                return f"Ticket {number}: '{value}' isn't a valid priority"
            ticket.priority = wanted
            return f"Ticket {number}: Priority changed to '{value}'"
        if name == "Subject" and isinstance(value, str) and value.strip():
            ticket.subject = value
            return f"Ticket {number}: Subject changed to '{value}'"
        return f"Ticket {number}: Field '{name}' isn't a valid field"

    async def list(self, request: web.Request) -> web.Response:
        query = request.query
        page, per_page = query.get("page", "1"), query.get("per_page", "20")
        if not (page.isdigit() and per_page.isdigit()) or int(page) < 1:
            raise invalid({"page": "a page number from 1", "per_page": "a number"})
        number, size = int(page), max(1, min(int(per_page), MAX_PER_PAGE))
        tickets, following = self._store.ticket_page((number - 1) * size, size)
        out: dict[str, Any] = {
            "count": len(tickets),
            "page": number,
            "per_page": size,
            "total": len(self._store.tickets),
            "items": [self._out(ticket, request) for ticket in tickets],
        }
        if following is not None:
            origin = request.url.origin()
            out["next_page"] = f"{origin}{DESK_PREFIX}/tickets?page={number + 1}&per_page={size}"
        return json_response(out)

    def _ticket(self, request: web.Request) -> TicketRecord:
        raw = request.match_info["id"]
        ticket = self._store.tickets_by_id.get(f"T{int(raw):06d}") if raw.isdigit() else None
        if ticket is None:
            raise ApiError(404, "not_found", f"Resource does not exist: ticket {raw}")
        return ticket

    def _out(self, ticket: TicketRecord, request: web.Request) -> dict[str, Any]:
        data = self._state.public(ticket.to_json())
        number = _number(ticket.id)
        custom = {"Channel": ticket.channel, "ExternalId": ticket.external_id}
        custom |= data["custom_fields"]
        return {
            "id": number,
            "type": "ticket",
            "_url": f"{request.url.origin()}{DESK_PREFIX}/ticket/{number}",
            "Subject": data["subject"],
            "Status": _STATUS_OUT[ticket.status],
            "Priority": _PRIORITY_OUT.get(ticket.priority, 0),
            "Queue": {"id": ticket.category, "type": "queue"},
            "Owner": {"id": ticket.assignee or NOBODY, "type": "user"},
            "Requestor": [{"id": data["customer"]["id"], "type": "user"}],
            "CustomFields": [
                {"name": name, "type": "customfield", "values": [value]}
                for name, value in custom.items()
            ],
            "Created": _iso(ticket.created_at),
            "Told": _iso(ticket.assigned_at) if ticket.assigned_at else None,
        }


def _desk_names(fields: dict[str, str]) -> dict[str, str]:
    names = {
        "subject": "Subject", "description": "Content", "category": "Queue",
        "priority": "Priority", "customer": "Requestor", "channel": "CustomFields.Channel",
    }  # fmt: skip
    return {names.get(key.split(".")[0], key): value for key, value in fields.items()}


def _iso(stamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))
