"""The one capability model: every optional operation an adapter may offer, declared once.

The core :class:`~harness.vendors.base.VendorAdapter` creates and reads tickets. Everything
else is optional, and each optional operation is one row of :data:`OPERATIONS`: a short name
(``update``, ``export``, ...), the methods it needs and, through a runtime-checkable protocol
below, their signatures. ``csm-harness vendors``, ``accept``, ``run --dry-run`` and the
acceptance checks all read :func:`offered`, so what the vendor list shows is what the checks
use.

An adapter says what it offers in one of two ways:

- structurally: it has the operation's methods (the bundled native adapters);
- by declaration: a ``capabilities()`` method returning operation names, for adapters whose
  offer depends on configuration (the ``rest`` adapter reads its vendor file) or that have a
  core method only to raise :class:`NotSupported` (Freshdesk registers webhooks in its UI).

:func:`validate` turns a declared operation whose method is missing or has another signature
into a :class:`~harness.errors.ConfigError` before any request is sent, so a check can never
crash on a mismatched call (``update_ticket() got an unexpected keyword argument``).

All methods return sans-IO flows, like the core protocol.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from harness.errors import ConfigError
from harness.model import (
    Channel,
    Page,
    Priority,
    Ticket,
    TicketRef,
    TicketState,
    TicketStatus,
)
from harness.vendors.base import Flow

__all__ = [
    "BULK_IMPORT",
    "CUSTOMERS",
    "EXPORT",
    "FULL_READ",
    "LIST",
    "OPERATIONS",
    "POLL_ASSIGNMENT",
    "REQUESTER",
    "UPDATE",
    "WEBHOOKS",
    "BulkImport",
    "CustomerDirectory",
    "FullRead",
    "HistoricalTicket",
    "ImportJob",
    "NotSupported",
    "OptionalOperation",
    "RequesterRead",
    "StoredCustomer",
    "StoredTicket",
    "TicketChanges",
    "TicketExport",
    "TicketList",
    "TicketUpdates",
    "WebhookRegistration",
    "lacking",
    "narrowed",
    "offered",
    "operation",
    "validate",
]

P = TypeVar("P")


class NotSupported(Exception):
    """The vendor's API has no such operation; raised before any request is sent."""

    def __init__(self, vendor: str, operation: str, hint: str = "") -> None:
        self.vendor, self.operation = vendor, operation
        super().__init__(f"{vendor} does not offer {operation}.{' ' + hint if hint else ''}")


# --- values the optional operations exchange ------------------------------------------------


@dataclass(frozen=True, slots=True)
class TicketChanges:
    """Fields to change on an existing ticket; None leaves a field as it is."""

    status: TicketStatus | None = None
    priority: Priority | None = None
    subject: str | None = None
    custom_fields: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class StoredCustomer:
    """A customer as the vendor holds it: its own id and every identity it linked."""

    id: str
    name: str
    identities: Mapping[Channel, str] = field(default_factory=dict)
    ticket_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredTicket:
    """A ticket as the vendor holds it with its requester (a full read, sideloads included)."""

    id: str
    external_id: str
    subject: str
    description: str
    channel: Channel | None  # None: the vendor records its own (Zendesk: "api"), not ours
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
class ImportJob:
    """A bulk import: the vendor's job ids and, once ``done``, what each input became.

    ``created`` and ``failed`` hold ``(index in the submitted batch, ticket id or reason)``.
    A vendor that imports synchronously answers ``done=True`` at once.
    """

    job_ids: tuple[str, ...]
    done: bool
    created: tuple[tuple[int, str], ...] = ()
    failed: tuple[tuple[int, str], ...] = ()


# --- the protocols: one per optional operation ----------------------------------------------


@runtime_checkable
class TicketList(Protocol):
    """List tickets a page at a time (cursor, offset or page number: the adapter's cursor)."""

    def list_tickets(self, cursor: str | None, limit: int) -> Flow[Page[TicketState]]: ...


@runtime_checkable
class WebhookRegistration(Protocol):
    """Register the harness's receiver for assignment events, and remove it again."""

    def register_webhook(self, url: str, secret: str) -> Flow[str]: ...

    def unregister_webhook(self, webhook_id: str) -> Flow[None]: ...


@runtime_checkable
class AssignmentPolling(Protocol):
    """Read a ticket's assignment (routing observed by polling)."""

    def fetch_assignment(self, ref: TicketRef) -> Flow[Any]: ...


@runtime_checkable
class TicketUpdates(Protocol):
    """Change a ticket: status transitions, priority, subject, custom fields."""

    def update_ticket(self, ref: TicketRef, changes: TicketChanges) -> Flow[TicketState]: ...


@runtime_checkable
class CustomerDirectory(Protocol):
    """Look a customer up by one of their channel identities (``None`` if unknown)."""

    def find_customer(self, channel: Channel, value: str) -> Flow[StoredCustomer | None]: ...


@runtime_checkable
class BulkImport(Protocol):
    """Import historical tickets, at most ``max_batch`` per call; poll unfinished jobs."""

    max_batch: int

    def import_tickets(self, tickets: Sequence[HistoricalTicket]) -> Flow[ImportJob]: ...

    def import_status(self, job_id: str) -> Flow[ImportJob]: ...


@runtime_checkable
class TicketExport(Protocol):
    """Export every ticket (or those changed since ``since``, Unix seconds), page by page."""

    def export_tickets(
        self, since: float | None, cursor: str | None, limit: int
    ) -> Flow[Page[TicketState]]: ...


@runtime_checkable
class FullRead(Protocol):
    """Read one ticket with its channel and requester (a sideload or a second request)."""

    def read_ticket(self, ref: TicketRef) -> Flow[StoredTicket]: ...


@runtime_checkable
class RequesterRead(Protocol):
    """Read the requester's profile from the vendor's user/contact endpoint."""

    def read_requester(self, ref: TicketRef) -> Flow[StoredCustomer]: ...


@dataclass(frozen=True, slots=True)
class OptionalOperation(Generic[P]):
    """One optional operation: ``P`` is its protocol, so ``ctx.need(UPDATE)`` is typed."""

    name: str  # as listed by ``csm-harness vendors`` and named by checks
    protocol: type[Any]
    methods: tuple[str, ...]
    summary: str


LIST: OptionalOperation[TicketList] = OptionalOperation(
    "list", TicketList, ("list_tickets",), "ticket list pages"
)
WEBHOOKS: OptionalOperation[WebhookRegistration] = OptionalOperation(
    "webhooks",
    WebhookRegistration,
    ("register_webhook", "unregister_webhook"),
    "webhook registration",
)
POLL_ASSIGNMENT: OptionalOperation[AssignmentPolling] = OptionalOperation(
    "poll-assignment", AssignmentPolling, ("fetch_assignment",), "poll routing"
)
UPDATE: OptionalOperation[TicketUpdates] = OptionalOperation(
    "update", TicketUpdates, ("update_ticket",), "status and field changes"
)
CUSTOMERS: OptionalOperation[CustomerDirectory] = OptionalOperation(
    "customers", CustomerDirectory, ("find_customer",), "customer by identity"
)
BULK_IMPORT: OptionalOperation[BulkImport] = OptionalOperation(
    "bulk-import", BulkImport, ("import_tickets", "import_status"), "bulk import of history"
)
EXPORT: OptionalOperation[TicketExport] = OptionalOperation(
    "export", TicketExport, ("export_tickets",), "incremental export"
)
FULL_READ: OptionalOperation[FullRead] = OptionalOperation(
    "full-read", FullRead, ("read_ticket",), "ticket with its requester"
)
REQUESTER: OptionalOperation[RequesterRead] = OptionalOperation(
    "requester", RequesterRead, ("read_requester",), "requester profile"
)
OPERATIONS: tuple[OptionalOperation[Any], ...] = (
    LIST,
    WEBHOOKS,
    POLL_ASSIGNMENT,
    UPDATE,
    CUSTOMERS,
    BULK_IMPORT,
    EXPORT,
    FULL_READ,
    REQUESTER,
)
_BY_NAME = {op.name: op for op in OPERATIONS}


def operation(name: str) -> OptionalOperation[Any]:
    """The declaration of one optional operation, by name."""
    return _BY_NAME[name]


def _declared(adapter: object) -> list[str] | None:
    described: Callable[[], Sequence[str]] | None = getattr(adapter, "capabilities", None)
    if not callable(described):
        return None
    return [str(name) for name in described()]


def _has_methods(adapter: object, op: OptionalOperation[Any]) -> bool:
    return all(callable(getattr(adapter, method, None)) for method in op.methods)


def offered(adapter: object) -> list[str]:
    """Names of the optional operations ``adapter`` offers, in :data:`OPERATIONS` order."""
    declared = _declared(adapter)
    if declared is not None:
        return [op.name for op in OPERATIONS if op.name in declared]
    return [op.name for op in OPERATIONS if _has_methods(adapter, op)]


def lacking(adapter: object, needs: Sequence[str]) -> list[str]:
    """The operations of ``needs`` that ``adapter`` does not offer."""
    have = set(offered(adapter))
    return [name for name in needs if name not in have]


def _parameters(func: Callable[..., Any]) -> list[tuple[str, Any]]:
    signature = inspect.signature(func)
    return [
        (p.name, p.kind)
        for p in signature.parameters.values()
        if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
    ]


def _shown(name: str, params: list[tuple[str, Any]]) -> str:
    return f"{name}({', '.join(n for n, _ in params)})"


def validate(adapter: object, source: str = "vendor file") -> list[str]:
    """Check every offered operation is callable with its declared signature; the names.

    Raises :class:`ConfigError` (before any request) naming the operation, the method and
    the signature expected, when an adapter declares what it cannot do.
    """
    declared = _declared(adapter)
    kind = type(adapter).__name__
    if declared is not None:
        unknown = [name for name in declared if name not in _BY_NAME]
        if unknown:
            raise ConfigError(
                f"{source}: adapter {kind} declares unknown operation(s) {', '.join(unknown)}; "
                f"known: {', '.join(_BY_NAME)}."
            )
    names = offered(adapter)
    for name in names:
        op = _BY_NAME[name]
        for method in op.methods:
            expected = _parameters(getattr(op.protocol, method))
            found = getattr(adapter, method, None)
            if not callable(found):
                raise ConfigError(
                    f"{source}: adapter {kind} declares '{name}' but has no method "
                    f"{_shown(method, expected)}. Implement it or drop '{name}' from the "
                    "adapter's capabilities."
                )
            got = _parameters(found)
            if [n for n, _ in got] != [n for n, _ in expected]:
                raise ConfigError(
                    f"{source}: adapter {kind} offers '{name}' but {kind}.{_shown(method, got)} "
                    f"does not match {_shown(method, expected)} "
                    "(harness/vendors/capabilities.py). Fix the adapter's signature."
                )
        if op.protocol is BulkImport and not isinstance(getattr(adapter, "max_batch", None), int):
            raise ConfigError(
                f"{source}: adapter {kind} offers 'bulk-import' but has no integer max_batch."
            )
    return names


def narrowed(adapter: object, op: OptionalOperation[P]) -> P | None:
    """``adapter`` as the operation's protocol when it offers it, else None."""
    if op.name not in offered(adapter):
        return None
    result: P = adapter  # type: ignore[assignment]
    return result
