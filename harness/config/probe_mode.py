"""How a run learns a ticket's assignment: the scenario's ``probe.mode`` resolved for a vendor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from harness.errors import ConfigError

if TYPE_CHECKING:
    from harness.config.scenario import Scenario
    from harness.config.vendor import VendorSpec

__all__ = ["ProbeMode", "probe_mode"]

ProbeMode = Literal["webhook", "polling"]


def probe_mode(scenario: Scenario, vendor: VendorSpec) -> ProbeMode:
    """``auto`` means webhooks when the vendor delivers assignment events (``webhooks.events``
    lists ``assigned``), polling otherwise: a new-ticket delivery says nothing about routing."""
    wanted = scenario.probe.mode
    if wanted == "auto":
        hooks = vendor.webhooks
        return "webhook" if hooks.supported and "assigned" in hooks.events else "polling"
    if wanted == "webhook" and "assigned" not in vendor.webhooks.events:
        raise ConfigError(
            f"probe.mode: webhook needs assignment events, but vendor {vendor.name} delivers "
            f"only {', '.join(vendor.webhooks.events)} (webhooks.events); use probe.mode: "
            "polling or auto, or add 'assigned' to webhooks.events if the vendor sends them"
        )
    return "webhook" if wanted == "webhook" else "polling"
