"""Vendor adapters (sans-IO) and the registry that finds them by name."""

from harness.vendors.base import (
    ApiFailure,
    ApiRequest,
    ApiResponse,
    FailureKind,
    Flow,
    VendorAdapter,
    WebhookEvent,
    WebhookRejected,
)
from harness.vendors.capabilities import (
    OPERATIONS,
    BulkImport,
    ImportJob,
    NotSupported,
    TicketChanges,
    TicketExport,
    TicketUpdates,
    offered,
)

__all__ = [
    "OPERATIONS",
    "ApiFailure",
    "ApiRequest",
    "ApiResponse",
    "BulkImport",
    "FailureKind",
    "Flow",
    "ImportJob",
    "NotSupported",
    "TicketChanges",
    "TicketExport",
    "TicketUpdates",
    "VendorAdapter",
    "WebhookEvent",
    "WebhookRejected",
    "offered",
]
