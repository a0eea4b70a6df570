"""In-memory records of tickets, sessions and messages, with O(1) lookups by id and external id.

Records are mutable: the routing engine and the HTTP handlers update them in place, all on one
event loop, so no locks are needed. ``to_json`` builds the API shape; ``truth`` the shape of
``/_sandbox/truth``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from harness.model import SessionStatus, TicketStatus
from harness.sandbox.longpoll import Waiters

__all__ = ["Message", "Routable", "SessionRecord", "Store", "TicketRecord"]

_TERMINAL_TICKET = frozenset({TicketStatus.SOLVED.value, TicketStatus.CLOSED.value})


@dataclass(eq=False, slots=True)
class Routable:
    """What the routing engine moves: a ticket or a session. Identity-hashed."""

    kind: ClassVar[str] = "item"

    id: str
    external_id: str
    category: str
    channel: str
    customer: dict[str, Any]
    created_at: float
    status: str
    queue: str | None = None
    assignee: str | None = None
    assigned_at: float | None = None
    resolved_at: float | None = None
    holding: bool = False  # True while the assignee's capacity is taken by this item
    cancelled: bool = False  # closed before assignment; the engine skips it
    order: int = 0  # routing arrival order, for "oldest parked item first"

    @property
    def done(self) -> bool:
        raise NotImplementedError

    def mark_assigned(self, agent_id: str, queue: str, now: float) -> None:
        raise NotImplementedError

    def mark_resolved(self, now: float) -> None:
        raise NotImplementedError

    def truth(self) -> dict[str, Any]:
        wait = None if self.assigned_at is None else self.assigned_at - self.created_at
        return {
            "id": self.id,
            "external_id": self.external_id,
            "category": self.category,
            "queue": self.queue,
            "agent_id": self.assignee,
            "created_at": self.created_at,
            "assigned_at": self.assigned_at,
            "queue_wait_s": wait,
            "resolved_at": self.resolved_at,
        }


@dataclass(eq=False, slots=True)
class TicketRecord(Routable):
    kind: ClassVar[str] = "ticket"

    subject: str = ""
    description: str = ""
    priority: str = "normal"
    custom_fields: dict[str, str] = field(default_factory=dict)
    updated_at: float = 0.0
    customer_id: str | None = None  # the linked customer (harness.sandbox.customers)

    @property
    def done(self) -> bool:
        return self.status in _TERMINAL_TICKET

    def mark_assigned(self, agent_id: str, queue: str, now: float) -> None:
        self.assignee, self.queue, self.assigned_at, self.updated_at = agent_id, queue, now, now
        if self.status == TicketStatus.NEW.value:
            self.status = TicketStatus.OPEN.value

    def mark_resolved(self, now: float) -> None:
        self.status = TicketStatus.SOLVED.value
        self.resolved_at = self.updated_at = now

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "external_id": self.external_id,
            "subject": self.subject,
            "description": self.description,
            "channel": self.channel,
            "priority": self.priority,
            "category": self.category,
            "status": self.status,
            "queue": self.queue,
            "assignee": self.assignee,
            "customer": self.customer,
            "customer_id": self.customer_id,
            "custom_fields": self.custom_fields,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "assigned_at": self.assigned_at,
        }


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    session_id: str
    sender: str
    text: str
    sent_at: float
    client_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "session_id": self.session_id,
            "sender": self.sender,
            "text": self.text,
            "client_id": self.client_id,
            "sent_at": self.sent_at,
        }


@dataclass(eq=False, slots=True)
class SessionRecord(Routable):
    kind: ClassVar[str] = "session"

    messages: list[Message] = field(default_factory=list)  # as delivered (faults included)
    log: list[Message] = field(default_factory=list)  # every message accepted, once
    by_client_id: dict[str, Message] = field(default_factory=dict)
    deliveries: dict[str, int] = field(default_factory=dict)  # message id -> times delivered
    waiters: Waiters = field(default_factory=Waiters)  # the customer's long-polls
    closed_by: str | None = None  # "customer" | "agent" | "simulated"

    @property
    def done(self) -> bool:
        return self.status == SessionStatus.CLOSED.value

    def mark_assigned(self, agent_id: str, queue: str, now: float) -> None:
        self.assignee, self.queue, self.assigned_at = agent_id, queue, now
        if self.status == SessionStatus.QUEUED.value:
            self.status = SessionStatus.ACTIVE.value

    def mark_resolved(self, now: float) -> None:
        self.status = SessionStatus.CLOSED.value
        self.resolved_at = now

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "external_id": self.external_id,
            "channel": self.channel,
            "category": self.category,
            "customer": self.customer,
            "status": self.status,
            "queue": self.queue,
            "assignee": self.assignee,
            "created_at": self.created_at,
            "assigned_at": self.assigned_at,
            "closed_at": self.resolved_at,
        }

    def truth(self) -> dict[str, Any]:
        row = Routable.truth(self)
        row["closed_by"] = self.closed_by
        row["messages"] = [
            {**m.to_json(), "delivered": self.deliveries.get(m.id, 0)} for m in self.log
        ]
        return row


class Store:
    """Append-only lists (creation order, for cursors) plus dicts by id and external id."""

    def __init__(self) -> None:
        self.tickets: list[TicketRecord] = []
        self.tickets_by_id: dict[str, TicketRecord] = {}
        self.tickets_by_external: dict[str, TicketRecord] = {}
        self.sessions: list[SessionRecord] = []
        self.sessions_by_id: dict[str, SessionRecord] = {}
        self.sessions_by_external: dict[str, SessionRecord] = {}
        self._message_seq = 0

    def add_ticket(self, fields: dict[str, Any], now: float) -> TicketRecord:
        ticket = TicketRecord(
            id=f"T{len(self.tickets) + 1:06d}",
            status=TicketStatus.NEW.value,
            created_at=now,
            updated_at=now,
            **fields,
        )
        self.tickets.append(ticket)
        self.tickets_by_id[ticket.id] = ticket
        self.tickets_by_external[ticket.external_id] = ticket
        return ticket

    def ticket_page(self, after_seq: int, limit: int) -> tuple[list[TicketRecord], int | None]:
        """Tickets with sequence numbers after ``after_seq``; the next ``after_seq`` or None."""
        end = after_seq + limit
        page = self.tickets[after_seq:end]
        return page, (end if end < len(self.tickets) else None)

    def add_session(self, fields: dict[str, Any], now: float) -> SessionRecord:
        session = SessionRecord(
            id=f"S{len(self.sessions) + 1:06d}",
            status=SessionStatus.QUEUED.value,
            created_at=now,
            **fields,
        )
        self.sessions.append(session)
        self.sessions_by_id[session.id] = session
        self.sessions_by_external[session.external_id] = session
        return session

    def add_message(
        self,
        session: SessionRecord,
        sender: str,
        text: str,
        now: float,
        client_id: str | None = None,
    ) -> Message:
        """Accept a message into the session's log (delivery is the chat desk's business)."""
        self._message_seq += 1
        message = Message(f"M{self._message_seq:08d}", session.id, sender, text, now, client_id)
        session.log.append(message)
        if client_id is not None:
            session.by_client_id[client_id] = message
        return message

    @property
    def message_count(self) -> int:
        return self._message_seq
