"""The acceptance suite: one test per registered check. The plugin runs this module when a
session passes ``--csm-vendor`` and names no test paths of its own."""

from __future__ import annotations

from harness.checks.context import CheckContext
from harness.checks.registry import Check


def test_acceptance(csm_check: Check, csm_context: CheckContext) -> None:
    csm_context.execute()
