"""Ticket routes: create (idempotent on external_id), read, update, cursor-paginated list."""

from __future__ import annotations

import base64
import binascii
import time

from aiohttp import web

from harness.model import TicketStatus
from harness.sandbox.responses import ApiError, json_response, read_json
from harness.sandbox.state import SandboxState
from harness.sandbox.store import TicketRecord
from harness.sandbox.validation import Invalid, ticket_fields, ticket_patch

__all__ = ["MAX_PAGE", "TicketRoutes", "decode_cursor", "encode_cursor"]

MAX_PAGE = 500
REPLAY_HEADERS = {"X-Idempotent-Replay": "true"}

_NEW, _OPEN, _PENDING, _SOLVED, _CLOSED = (s.value for s in TicketStatus)
TRANSITIONS: dict[str, frozenset[str]] = {
    _NEW: frozenset({_OPEN, _PENDING, _SOLVED, _CLOSED}),
    _OPEN: frozenset({_PENDING, _SOLVED, _CLOSED}),
    _PENDING: frozenset({_OPEN, _SOLVED, _CLOSED}),
    _SOLVED: frozenset({_OPEN, _CLOSED}),
    _CLOSED: frozenset(),
}
_FINISHED = frozenset({_SOLVED, _CLOSED})


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"t{seq}".encode()).rstrip(b"=").decode()


def decode_cursor(cursor: str) -> int:
    """The creation sequence number a cursor points after; ValueError if it is not ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("not a cursor returned by this server") from None
    if not text.startswith("t") or not text[1:].isdigit():
        raise ValueError("not a cursor returned by this server")
    return int(text[1:])


def invalid(fields: dict[str, str]) -> ApiError:
    return ApiError(422, "invalid", "request failed validation", fields)


class TicketRoutes:
    def __init__(self, state: SandboxState) -> None:
        self._state = state
        self._defects = state.defects
        self._store = state.store
        self._engine = state.engine
        self._max_body = state.profile.max_body_bytes

    def add_to(self, router: web.UrlDispatcher) -> None:
        router.add_post("/api/v1/tickets", self.create)
        router.add_get("/api/v1/tickets", self.list)
        router.add_get("/api/v1/tickets/{id}", self.read)
        router.add_patch("/api/v1/tickets/{id}", self.update)

    async def create(self, request: web.Request) -> web.Response:
        now = time.time()
        body = await read_json(request, self._max_body)
        try:
            fields = ticket_fields(body)
        except Invalid as exc:
            if not self._defects.accepts_invalid(exc.fields):
                raise invalid(exc.fields) from None
            fields = ticket_fields({**body, "subject": "-"}) | {"subject": ""}
        existing = self._store.tickets_by_external.get(fields["external_id"])
        if existing is not None and self._defects.replays():
            return json_response({"ticket": self._out(existing)}, 200, REPLAY_HEADERS)
        ticket = self._store.add_ticket(self._defects.on_create(fields), now)
        ticket.customer_id = self._state.customers.link(ticket.customer, ticket.id).id
        self._engine.submit(ticket)
        return json_response({"ticket": self._out(ticket)}, 201)

    async def read(self, request: web.Request) -> web.Response:
        return json_response({"ticket": self._out(self._ticket(request))})

    def _out(self, ticket: TicketRecord) -> dict[str, object]:
        return self._state.public(ticket.to_json())

    async def update(self, request: web.Request) -> web.Response:
        ticket = self._ticket(request)
        body = await read_json(request, self._max_body)
        try:
            fields = ticket_patch(body)
        except Invalid as exc:
            raise invalid(exc.fields) from None
        status = self._defects.on_status(fields.pop("status", ticket.status))
        if status != ticket.status and status not in TRANSITIONS[ticket.status]:
            raise ApiError(
                409,
                "invalid_transition",
                f"ticket {ticket.id} cannot go from {ticket.status} to {status}",
            )
        now = time.time()
        if "custom_fields" in fields:
            ticket.custom_fields = {**ticket.custom_fields, **fields.pop("custom_fields")}
        for name, value in fields.items():
            setattr(ticket, name, value)
        if status != ticket.status:
            ticket.status = status
            if status in _FINISHED:
                if ticket.resolved_at is None:
                    ticket.resolved_at = now
                self._engine.release(ticket)
            else:
                ticket.resolved_at = None
        ticket.updated_at = now
        return json_response({"ticket": self._out(ticket)})

    async def list(self, request: web.Request) -> web.Response:
        query = request.query
        problems: dict[str, str] = {}
        limit = 100
        raw_limit = query.get("limit")
        if raw_limit is not None:
            if raw_limit.isdigit() and 1 <= int(raw_limit) <= MAX_PAGE:
                limit = int(raw_limit)
            else:
                problems["limit"] = f"must be an integer from 1 to {MAX_PAGE}"
        after = 0
        cursor = query.get("cursor")
        if cursor:
            try:
                after = decode_cursor(cursor)
            except ValueError as exc:
                problems["cursor"] = str(exc)
        if problems:
            raise invalid(problems)
        page, next_seq = self._store.ticket_page(after, limit)
        if next_seq is not None:
            next_seq = self._defects.next_page_start(next_seq)
        return json_response(
            {
                "tickets": [self._out(ticket) for ticket in page],
                "next_cursor": None if next_seq is None else encode_cursor(next_seq),
            }
        )

    def _ticket(self, request: web.Request) -> TicketRecord:
        ticket_id = request.match_info["id"]
        ticket = self._store.tickets_by_id.get(ticket_id)
        if ticket is None:
            raise ApiError(404, "not_found", f"no ticket {ticket_id}")
        return ticket
