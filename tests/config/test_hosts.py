"""The one allow-list matcher every caller (scenario, accept, proxy, vendors --probe) uses."""

from __future__ import annotations

import pytest

from harness.config.hosts import DEFAULT_ALLOW_HOSTS, HostAllowList


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("127.0.0.1", True),
        ("127.9.8.7", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),  # IPv4-mapped loopback
        ("LOCALHOST.", True),
        ("10.0.0.1", False),
        ("localhost.example.com", False),
        ("::ffff:10.0.0.1", False),
    ],
)
def test_default_allows_loopback_only(host: str, allowed: bool) -> None:
    assert HostAllowList(DEFAULT_ALLOW_HOSTS).allows(host) is allowed


def test_names_match_exactly_and_networks_by_address() -> None:
    hosts = HostAllowList(["Sandbox.Example.", "10.1.0.0/16"])
    assert hosts("sandbox.example")
    assert not hosts("api.sandbox.example")  # no suffix matching, no DNS
    assert hosts("10.1.200.3") and not hosts("10.2.0.1")
    assert HostAllowList(()).allows("127.0.0.1") is False
