"""Targets outside the scenario's allow-list are refused before any request."""

from __future__ import annotations

import pytest

from harness.errors import TargetNotAllowed
from harness.transport.allowlist import check_target


def _loopback(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1")


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost", "http://[::1]:9"])
def test_allowed(url: str) -> None:
    check_target(url, _loopback, ["127.0.0.1", "localhost", "::1"], "s.yaml")


@pytest.mark.parametrize(
    "url", ["http://10.0.0.8:8080", "https://api.zendesk.com", "http://192.168.1.2"]
)
def test_refused_with_the_fix(url: str) -> None:
    with pytest.raises(TargetNotAllowed) as caught:
        check_target(url, _loopback, ["127.0.0.1"], "scenarios/smoke.yaml")
    message = str(caught.value)
    assert "is not in allow_hosts of scenarios/smoke.yaml (127.0.0.1)" in message
    assert "Add it to allow_hosts only if you own that host." in message
    assert caught.value.exit_code == 2


def test_not_a_url() -> None:
    with pytest.raises(TargetNotAllowed, match="not an http"):
        check_target("ftp://127.0.0.1", _loopback, [], "s.yaml")
