"""How a run learns a ticket's assignment: the scenario's ``probe.mode`` resolved for a vendor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from harness.config.scenario import Scenario
    from harness.config.vendor import VendorSpec

__all__ = ["ProbeMode", "probe_mode"]

ProbeMode = Literal["webhook", "polling"]


def probe_mode(scenario: Scenario, vendor: VendorSpec) -> ProbeMode:
    """``auto`` means webhooks when the vendor supports them, polling otherwise."""
    wanted = scenario.probe.mode
    if wanted == "auto":
        return "webhook" if vendor.webhooks.supported else "polling"
    return "webhook" if wanted == "webhook" else "polling"
