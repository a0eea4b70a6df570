"""Operations beyond the core :class:`~harness.vendors.base.VendorAdapter` protocol.

Not every vendor offers everything: an adapter implements the protocols below when its
vendor's API has the operation, and raises :class:`NotSupported` (before any request) for a
core operation the vendor lacks (Freshdesk registers webhooks only in its admin UI). Callers
test with ``isinstance(adapter, Exporter)``; ``csm-harness vendors`` lists what each offers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from harness.model import Page, Priority, Ticket, TicketRef, TicketState, TicketStatus
from harness.vendors.base import Flow

__all__ = [
    "BulkImporter",
    "Exporter",
    "ImportJob",
    "NotSupported",
    "TicketChanges",
    "TicketUpdater",
    "capabilities",
]


class NotSupported(Exception):
    """The vendor's API has no such operation; raised before any request is sent."""

    def __init__(self, vendor: str, operation: str, hint: str = "") -> None:
        self.vendor, self.operation = vendor, operation
        super().__init__(f"{vendor} does not offer {operation}.{' ' + hint if hint else ''}")


@dataclass(frozen=True, slots=True)
class TicketChanges:
    """Fields to change on an existing ticket; None leaves a field as it is."""

    status: TicketStatus | None = None
    priority: Priority | None = None
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class ImportJob:
    """A bulk import: the vendor's job ids and, once ``done``, what each input became.

    ``created`` and ``failed`` hold ``(index in the submitted batch, ticket id or reason)``.
    """

    job_ids: tuple[str, ...]
    done: bool
    created: tuple[tuple[int, str], ...] = ()
    failed: tuple[tuple[int, str], ...] = ()


@runtime_checkable
class TicketUpdater(Protocol):
    def update_ticket(self, ref: TicketRef, changes: TicketChanges) -> Flow[TicketState]: ...


@runtime_checkable
class Exporter(Protocol):
    def export_tickets(
        self, since: float, cursor: str | None, limit: int
    ) -> Flow[Page[TicketState]]: ...


@runtime_checkable
class BulkImporter(Protocol):
    """Asynchronous bulk create: submit, then poll each job at the caller's own pace."""

    def import_tickets(self, tickets: Sequence[Ticket]) -> Flow[ImportJob]: ...

    def import_status(self, job_id: str) -> Flow[ImportJob]: ...


def capabilities(adapter: object) -> list[str]:
    """Names of the optional operations ``adapter`` offers (for ``csm-harness vendors``)."""
    found = [
        name
        for name, proto in (
            ("update", TicketUpdater),
            ("bulk-import", BulkImporter),
            ("export", Exporter),
        )
        if isinstance(adapter, proto)
    ]
    extra = getattr(adapter, "capabilities", None)
    if callable(extra):
        found = [name for name in found if name in extra()]
    return found
