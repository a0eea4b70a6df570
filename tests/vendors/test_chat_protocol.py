"""The chat half of the adapter protocol: capabilities and the config errors they drive."""

from __future__ import annotations

from typing import ClassVar

import pytest

from harness.errors import ConfigError
from harness.vendors.chat import ChatAdapter, ChatCapabilities, check_chat_support
from harness.vendors.sandbox import SandboxAdapter


class _CustomerOnly(SandboxAdapter):
    """A vendor whose agents cannot be driven by API, and without long-poll."""

    name: ClassVar[str] = "customer-only"
    chat: ClassVar[ChatCapabilities] = ChatCapabilities(poll_interval_s=2.0)


class _TicketsOnly:
    name: ClassVar[str] = "tickets-only"


def test_sandbox_adapter_is_a_full_chat_adapter() -> None:
    adapter = SandboxAdapter()
    assert isinstance(adapter, ChatAdapter)
    assert check_chat_support(adapter, 10, "sandbox.yaml") is adapter
    assert adapter.chat.wait_for(45) == 30.0  # capped at the vendor's longest wait
    assert adapter.chat.wait_for(5) == 5


def test_without_long_poll_the_wait_is_zero_and_users_poll() -> None:
    caps = _CustomerOnly.chat
    assert caps.wait_for(20) == 0.0
    assert caps.poll_interval_s == 2.0


def test_agents_need_an_agent_api() -> None:
    assert check_chat_support(_CustomerOnly(), 0, "v.yaml") is not None
    with pytest.raises(ConfigError) as info:
        check_chat_support(_CustomerOnly(), 5, "scenarios/vendors/acme.yaml")
    message = str(info.value)
    assert "scenarios/vendors/acme.yaml: conversation.agents is 5" in message
    assert "cannot drive agents by API" in message
    assert "Set conversation.agents: 0" in message


def test_a_vendor_without_chat_cannot_open_sessions() -> None:
    with pytest.raises(ConfigError, match="adapter 'tickets-only' has no chat API"):
        check_chat_support(_TicketsOnly(), 0, "v.yaml")
