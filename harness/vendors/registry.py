"""Adapters by name: the bundled ones, plus third parties' through the
``csm_harness.vendors`` entry-point group (as pytest plugins register through ``pytest11``).

A third-party package declares, in its ``pyproject.toml``::

    [project.entry-points."csm_harness.vendors"]
    acme = "acme_csm.adapter:AcmeAdapter"

The class is built with no arguments, or through a ``from_spec(vendor: VendorSpec)``
classmethod when it has one (the ``rest`` adapter reads its API description that way).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

from harness.config.suggest import did_you_mean
from harness.config.vendor import VendorSpec, load_vendor
from harness.errors import ConfigError
from harness.vendors.base import VendorAdapter
from harness.vendors.capabilities import offered, validate
from harness.vendors.freshdesk import FreshdeskAdapter
from harness.vendors.rest import RestAdapter
from harness.vendors.sandbox import SandboxAdapter
from harness.vendors.udesk import UdeskAdapter
from harness.vendors.zendesk import ZendeskAdapter

__all__ = [
    "ENTRY_POINT_GROUP",
    "Installed",
    "adapter_for",
    "available",
    "create_adapter",
    "installed",
    "offers",
]

ENTRY_POINT_GROUP = "csm_harness.vendors"
_BUNDLED: dict[str, type[Any]] = {
    "sandbox": SandboxAdapter,
    "rest": RestAdapter,
    "zendesk": ZendeskAdapter,
    "freshdesk": FreshdeskAdapter,
    "udesk": UdeskAdapter,
}


@dataclass(frozen=True, slots=True)
class Installed:
    name: str
    origin: str  # "bundled" or the distribution that registered it
    target: str  # module:Class


def installed() -> list[Installed]:
    """Every adapter, bundled first; a name registered twice is a ConfigError naming both."""
    found = {
        name: Installed(name, "bundled", f"{cls.__module__}:{cls.__qualname__}")
        for name, cls in _BUNDLED.items()
    }
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        origin = _distribution(ep)
        if ep.name in found:
            first = found[ep.name]
            raise ConfigError(
                f"vendor adapter '{ep.name}' is defined in both {first.target} ({first.origin}) "
                f"and {ep.value} ({origin}). Uninstall one of the two packages, or rename the "
                f'entry point in [project.entry-points."{ENTRY_POINT_GROUP}"].'
            )
        found[ep.name] = Installed(ep.name, origin, ep.value)
    return list(found.values())


def available() -> dict[str, str]:
    """Adapter name -> where it comes from (``module:Class``)."""
    return {item.name: item.target for item in installed()}


def create_adapter(
    name: str, source: str = "vendor file", spec: VendorSpec | None = None
) -> VendorAdapter:
    """The adapter called ``name``; ``spec`` (or the vendor file at ``source``) configures
    adapters that read one, such as ``rest``."""
    known = available()  # raises on duplicates before anything is built
    cls: Any = _BUNDLED.get(name)
    if cls is None:
        ep = next((ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == name), None)
        if ep is None:
            names = sorted(known)
            raise ConfigError(
                f"{source}: adapter: unknown adapter '{name}'.{did_you_mean(name, names)} "
                f"Installed adapters: {', '.join(names)}. Run 'csm-harness vendors' to list them."
            )
        cls = ep.load()
    adapter: VendorAdapter = _build(cls, name, source, spec)
    validate(adapter, source)  # a declared but uncallable operation: before any request
    return adapter


def _build(cls: Any, name: str, source: str, spec: VendorSpec | None) -> Any:
    from_spec = getattr(cls, "from_spec", None)
    if from_spec is None:
        return cls()
    if spec is None and Path(source).is_file():
        spec = load_vendor(source)
    if spec is not None:
        return from_spec(spec)
    try:
        return cls()
    except TypeError:
        raise ConfigError(
            f"{source}: adapter '{name}' needs its vendor file to be built."
        ) from None


def adapter_for(vendor: VendorSpec, source: str) -> VendorAdapter:
    """The adapter a loaded vendor file names, configured by it."""
    return create_adapter(vendor.adapter, source, vendor)


def offers(name: str) -> list[str] | None:
    """Optional operations adapter ``name`` offers; None when its vendor file decides (rest)."""
    cls: Any = _BUNDLED.get(name)
    if cls is None:
        ep = next((ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == name), None)
        if ep is None:
            return []
        cls = ep.load()
    try:
        adapter = cls()
    except TypeError:  # built from its vendor file only (rest): the file decides
        return None
    found = offered(adapter)
    if callable(getattr(cls, "open_session", None)):
        found.append("open-session")
    return found


def _distribution(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "unknown package"
    return f"{dist.metadata['Name']} {dist.version}"
