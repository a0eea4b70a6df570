"""Optional capabilities beyond the core protocol: what acceptance checks need from a vendor.

The core :class:`~harness.vendors.base.VendorAdapter` creates, reads and lists tickets. A
contract sign-off also needs status transitions, the vendor's view of a customer across
channels, bulk import of history and a full export. Each is one small runtime-checkable
protocol, so an adapter implements what its vendor offers and nothing else; an acceptance
check needing a capability the adapter lacks is reported "skipped: not supported by adapter",
never passed (:func:`missing_capabilities`).

All methods return sans-IO flows, like the core protocol.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from harness.model import Channel, Page, Priority, Ticket, TicketRef, TicketState, TicketStatus
from harness.vendors.base import Flow

__all__ = [
    "BulkImport",
    "CustomerDirectory",
    "HistoricalTicket",
    "ImportResult",
    "StoredCustomer",
    "StoredTicket",
    "TicketExport",
    "TicketUpdates",
    "missing_capabilities",
]


@dataclass(frozen=True, slots=True)
class StoredCustomer:
    """A customer as the vendor holds it: its own id and every identity it linked."""

    id: str
    name: str
    identities: Mapping[Channel, str] = field(default_factory=dict)
    ticket_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredTicket:
    """A ticket as the vendor holds it, with every canonical field (exports, full reads)."""

    id: str
    external_id: str
    subject: str
    description: str
    channel: Channel
    priority: Priority
    status: TicketStatus
    category: str
    customer_name: str
    identities: Mapping[Channel, str]
    custom_fields: Mapping[str, str]
    customer_id: str | None = None
    created_at: float | None = None
    updated_at: float | None = None


@dataclass(frozen=True, slots=True)
class HistoricalTicket:
    """A ticket from the old system, imported with its final status and creation time."""

    ticket: Ticket
    status: TicketStatus
    created_at: float


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The vendor's answer for one imported record: ``created``, ``exists`` or ``failed``."""

    external_id: str
    outcome: str
    id: str | None = None
    error: str | None = None


@runtime_checkable
class TicketUpdates(Protocol):
    """Change a ticket: status transitions, priority, text, custom fields."""

    def update_ticket(
        self,
        ref: TicketRef,
        *,
        status: TicketStatus | None = None,
        priority: Priority | None = None,
        custom_fields: Mapping[str, str] | None = None,
    ) -> Flow[TicketState]: ...


@runtime_checkable
class CustomerDirectory(Protocol):
    """Look a customer up by one of their channel identities (``None`` if unknown)."""

    def find_customer(self, channel: Channel, value: str) -> Flow[StoredCustomer | None]: ...


@runtime_checkable
class BulkImport(Protocol):
    """Import historical tickets; ``max_batch`` records per call, one result per record."""

    max_batch: int

    def import_tickets(
        self, tickets: Sequence[HistoricalTicket]
    ) -> Flow[tuple[ImportResult, ...]]: ...


@runtime_checkable
class TicketExport(Protocol):
    """Export every ticket (or those updated since ``since``, Unix seconds), a page at a time;
    also reads one ticket with every canonical field."""

    def export_tickets(
        self, since: float | None, cursor: str | None, limit: int
    ) -> Flow[Page[StoredTicket]]: ...

    def read_ticket(self, ref: TicketRef) -> Flow[StoredTicket]: ...


def missing_capabilities(adapter: object, needs: Sequence[type]) -> list[str]:
    """The names of the capability protocols in ``needs`` that ``adapter`` does not implement."""
    return [cap.__name__ for cap in needs if not isinstance(adapter, cap)]
