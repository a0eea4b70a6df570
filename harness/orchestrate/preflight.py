"""What a run needs from the environment, checked in the parent before any run folder exists.

The load process reads a vendor's secrets when it starts; a missing one used to surface from
there, after the run folder had been made (and read as a run that ended early). Reading them
here first turns a configuration error into a message and exit 2 with nothing written.
"""

from __future__ import annotations

from pathlib import Path

from harness.config import Scenario, VendorSpec
from harness.config.probe_mode import probe_mode
from harness.redact import secret_from_env
from harness.transport.allowlist import check_target
from harness.vendors.auth import signer_for

__all__ = ["check_environment"]


def check_environment(
    scenario_path: Path, scenario: Scenario, vendor: VendorSpec, vendor_path: Path
) -> None:
    """The target first (a refused one is never sent a secret), then a
    :class:`~harness.errors.ConfigError` naming the file, field and variable when a secret the
    run will read is missing. The embedded sandbox makes its own."""
    if vendor.base_url == "embedded":
        return
    check_target(vendor.base_url, scenario.allows, scenario.allow_hosts, str(scenario_path))
    source = str(vendor_path)
    signer_for(vendor.auth, source)
    hooks = vendor.webhooks
    if probe_mode(scenario, vendor) == "webhook" and hooks.signature != "none" and hooks.secret_env:
        secret_from_env(hooks.secret_env, purpose="webhooks.secret_env", source=source)
