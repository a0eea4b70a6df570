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

__all__ = [
    "ApiFailure",
    "ApiRequest",
    "ApiResponse",
    "FailureKind",
    "Flow",
    "VendorAdapter",
    "WebhookEvent",
    "WebhookRejected",
]
