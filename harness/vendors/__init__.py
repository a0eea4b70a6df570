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
    BulkImporter,
    Exporter,
    ImportJob,
    NotSupported,
    TicketChanges,
    TicketUpdater,
)

__all__ = [
    "ApiFailure",
    "ApiRequest",
    "ApiResponse",
    "BulkImporter",
    "Exporter",
    "FailureKind",
    "Flow",
    "ImportJob",
    "NotSupported",
    "TicketChanges",
    "TicketUpdater",
    "VendorAdapter",
    "WebhookEvent",
    "WebhookRejected",
]
