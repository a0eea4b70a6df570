"""Vendor acceptance checks: a pytest plugin over the same sans-IO adapters as the load path.

Run ``csm-harness accept --vendor NAME`` or ``pytest --csm-vendor NAME``. Each check has an id,
a severity, zh-CN and en titles and the acceptance line it enforces (:func:`check`); a failure
names the record and the field, expected against received, with a ``curl`` that reproduces it.
Importing this package is light: the family modules load on :func:`all_checks`.
"""

from harness.checks.registry import (
    FAMILIES,
    Check,
    CheckFailed,
    Mismatch,
    Severity,
    all_checks,
    check,
)

__all__ = ["FAMILIES", "Check", "CheckFailed", "Mismatch", "Severity", "all_checks", "check"]
