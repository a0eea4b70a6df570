"""Adapters by name: the bundled ones, plus third parties' through the
``csm_harness.vendors`` entry-point group (as pytest plugins register through ``pytest11``)."""

from __future__ import annotations

from importlib.metadata import entry_points

from harness.config.suggest import did_you_mean
from harness.errors import ConfigError
from harness.vendors.base import VendorAdapter
from harness.vendors.sandbox import SandboxAdapter

ENTRY_POINT_GROUP = "csm_harness.vendors"
_BUNDLED: dict[str, type[VendorAdapter]] = {"sandbox": SandboxAdapter}


def available() -> dict[str, str]:
    """Adapter name -> where it comes from. Duplicate names are an error naming both."""
    found = {name: f"{cls.__module__}.{cls.__qualname__}" for name, cls in _BUNDLED.items()}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in found:
            raise ConfigError(
                f"vendor adapter '{ep.name}' is defined in both {found[ep.name]} and {ep.value}. "
                "Uninstall one of the two packages."
            )
        found[ep.name] = ep.value
    return found


def create_adapter(name: str, source: str = "vendor file") -> VendorAdapter:
    if name in _BUNDLED:
        return _BUNDLED[name]()
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == name:
            adapter: VendorAdapter = ep.load()()
            return adapter
    known = sorted(available())
    raise ConfigError(
        f"{source}: adapter: unknown adapter '{name}'.{did_you_mean(name, known)} "
        f"Installed adapters: {', '.join(known)}."
    )
