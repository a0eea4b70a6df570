"""The canonical customer-support model every adapter translates to and from.

Plain frozen dataclasses: cheap to build in a Locust hot loop and importable from the sandbox
process without pulling in pydantic. Times are Unix seconds (float, wall clock) so that
records from different processes on one machine can be compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class Channel(StrEnum):
    WEB = "web"
    EMAIL = "email"
    PHONE = "phone"
    CHAT = "chat"
    WECHAT = "wechat"
    APP = "app"
    WEIBO = "weibo"


class Priority(StrEnum):
    """Four canonical levels; vendors with 3 or 5 levels map onto these in their adapter."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class TicketStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    SOLVED = "solved"
    CLOSED = "closed"


class SessionStatus(StrEnum):
    QUEUED = "queued"
    ACTIVE = "active"
    CLOSED = "closed"


class Sender(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Customer:
    """One person; ``identities`` holds their id on each channel (WeChat openid, phone, ...)."""

    id: str
    name: str
    identities: Mapping[Channel, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Ticket:
    """A ticket as the harness creates it. ``external_id`` is the harness's own correlation id."""

    external_id: str
    subject: str
    description: str
    channel: Channel
    priority: Priority
    category: str
    customer: Customer
    custom_fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TicketRef:
    """What a vendor returns for a created ticket: its own id plus the harness's external id."""

    id: str
    external_id: str
    assignment: Assignment | None = None  # vendors that assign synchronously fill this


@dataclass(frozen=True, slots=True)
class TicketState:
    """A ticket as read back from a vendor."""

    ref: TicketRef
    status: TicketStatus
    priority: Priority
    category: str
    subject: str
    description: str
    queue: str | None
    assignee: str | None
    custom_fields: Mapping[str, str] = field(default_factory=dict)
    requester: str | None = None  # the requester as the vendor shows it (id or address)


@dataclass(frozen=True, slots=True)
class Agent:
    id: str
    name: str
    skills: frozenset[str]
    capacity: int


@dataclass(frozen=True, slots=True)
class Assignment:
    """A ticket or session routed to an agent. ``assigned_at`` is the vendor's clock, if given."""

    ticket_id: str
    agent_id: str
    queue: str | None = None
    assigned_at: float | None = None
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class Message:
    session_id: str
    sender: Sender
    text: str
    sent_at: float | None = None


@dataclass(frozen=True, slots=True)
class Session:
    """A live chat session."""

    id: str
    external_id: str
    channel: Channel
    customer: Customer
    status: SessionStatus = SessionStatus.QUEUED
    assignment: Assignment | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a cursor-paginated listing; ``next_cursor`` is None on the last page.
    ``skipped`` counts the records of the page the adapter could not parse."""

    items: tuple[T, ...]
    next_cursor: str | None
    skipped: int = 0
