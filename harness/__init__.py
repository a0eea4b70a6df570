"""csm-harness: load and integration tests for customer-support-management vendors."""

__version__ = "0.1.0"
