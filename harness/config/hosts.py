"""The one host allow-list matcher: scenarios, acceptance runs, the proxy and ``vendors --probe``
all decide "may this host be contacted?" here."""

from __future__ import annotations

import re
from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Final
from urllib.parse import urlsplit

__all__ = ["DEFAULT_ALLOW_HOSTS", "HostAllowList", "host_problem"]

DEFAULT_ALLOW_HOSTS: Final = ("127.0.0.0/8", "localhost", "::1")  # all of loopback
_LABEL: Final = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$", re.IGNORECASE)


def host_problem(entry: str) -> str | None:
    """Why ``entry`` is not a host name, IP address or CIDR; None when it is one."""
    text = entry.strip()
    if not text:
        return "must not be empty; write a host name, IP address or CIDR"
    if "://" in text:
        host = urlsplit(text).hostname
        return f"'{entry}' is a URL; write the host only" + (f": '{host}'" if host else "")
    if "/" in text:
        try:
            ip_network(text)
        except ValueError:
            try:
                network = ip_network(text, strict=False)
            except ValueError:
                return f"'{entry}' is not a valid CIDR; write e.g. '10.0.0.0/24'"
            return f"'{entry}' has host bits set; write the network: '{network}'"
        return None
    try:
        ip_address(text)
    except ValueError:
        pass
    else:
        return None
    host, _, port = text.partition(":")
    if port.isdigit() and ":" not in port:
        return f"'{entry}' has a port; write the host only: '{host}'"
    labels = text.rstrip(".").split(".")
    if len(text) > 253 or not all(_LABEL.match(label) for label in labels):
        return f"'{entry}' is not a host name, IP address or CIDR"
    if labels[-1].isdigit():
        return f"'{entry}' is not a valid IP address"
    return None


class HostAllowList:
    """Entries are IPs, CIDR blocks or host names.

    IPs match any IP or CIDR entry (an IPv4-mapped IPv6 address matches its IPv4 form); names
    match a name entry exactly, ignoring case and a trailing dot. No DNS lookups: ``localhost``
    matches only ``localhost``.
    """

    __slots__ = ("_names", "_networks", "entries")

    def __init__(self, entries: Iterable[str]) -> None:
        self.entries = tuple(entries)
        networks: list[IPv4Network | IPv6Network] = []
        names: set[str] = set()
        for entry in self.entries:
            text = entry.strip()
            try:
                networks.append(ip_network(text, strict=False))
            except ValueError:
                names.add(text.rstrip(".").lower())
        self._networks = tuple(networks)
        self._names = frozenset(names)

    def __eq__(self, other: object) -> bool:  # scenarios compare equal by their fields
        return isinstance(other, HostAllowList) and other.entries == self.entries

    def __hash__(self) -> int:
        return hash(self.entries)

    def __call__(self, host: str) -> bool:
        return self.allows(host)

    def allows(self, host: str) -> bool:
        """True when ``host`` (a name or an IP, as in a URL) is allowed."""
        text = host.strip().removeprefix("[").removesuffix("]")
        try:
            address = ip_address(text)
        except ValueError:
            return text.rstrip(".").lower() in self._names
        candidates: list[IPv4Address | IPv6Address] = [address]
        if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
            candidates.append(address.ipv4_mapped)
        return any(candidate in network for candidate in candidates for network in self._networks)
