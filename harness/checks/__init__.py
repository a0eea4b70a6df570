"""Vendor acceptance checks: a pytest plugin over the same sans-IO adapters as the load path.

Run ``csm-harness accept --vendor NAME`` or ``pytest --csm-vendor NAME``. Each check has an id,
a severity, zh-CN and en titles and the acceptance line it enforces (:func:`check`); a failure
names the record and the field, expected against received, with a ``curl`` that reproduces it.

Importing this package imports nothing: pytest loads the plugin module inside it in every
session, so the public names below load from :mod:`harness.checks.registry` on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    if name in __all__:
        from harness.checks import registry

        return getattr(registry, name)
    raise AttributeError(f"module 'harness.checks' has no attribute {name!r}")
