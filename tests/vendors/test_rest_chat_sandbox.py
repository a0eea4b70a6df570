"""Chat described in YAML (``rest.chat`` of ``scenarios/vendors/sandbox-rest.yaml``) against a
real sandbox process: both sides of the desk, read the same as through the native adapter."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.config import load_vendor
from harness.errors import ConfigError
from harness.model import Channel, Customer, Sender
from harness.redact import Secret
from harness.sandbox import SandboxProcess
from harness.transport.httpx_sync import HttpxExecutor
from harness.vendors.auth import bearer
from harness.vendors.base import ApiFailure, FailureKind
from harness.vendors.chat import (
    AgentEvent,
    AgentEventKind,
    ChatAdapter,
    NewSession,
    check_chat_support,
)
from harness.vendors.registry import adapter_for
from harness.vendors.rest_chat import RestChatAdapter
from harness.vendors.sandbox import SandboxAdapter
from tests.fixtures.sandbox import SandboxFactory

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "scenarios" / "vendors" / "sandbox-rest.yaml"


@pytest.fixture
def rest() -> RestChatAdapter:
    adapter = adapter_for(load_vendor(VENDOR), str(VENDOR))
    assert isinstance(adapter, RestChatAdapter)
    return adapter


@pytest.fixture
def desk(sandbox_factory: SandboxFactory, sandbox_token: str) -> Iterator[HttpxExecutor]:
    """One agent of capacity 2 and nobody simulated: only harness agents answer."""
    sandbox: SandboxProcess = sandbox_factory(
        "solid", agents=1, agent_capacity=2, simulated_agents="false", decision_time_s=0
    )
    with HttpxExecutor(sandbox.url, bearer(Secret(sandbox_token)), timeout=20) as executor:
        yield executor


def _new(external_id: str) -> NewSession:
    customer = Customer("C9", "王芳", {Channel.WECHAT: "wx-openid-9"})
    return NewSession(
        external_id, customer, Channel.CHAT, "refunds", "退款还没到账", f"{external_id}:c1"
    )


def test_the_yaml_adapter_is_a_full_chat_adapter(rest: RestChatAdapter) -> None:
    assert isinstance(rest, ChatAdapter)
    typed: ChatAdapter = rest  # and for mypy: its per-file capabilities satisfy the protocol
    assert typed.chat is rest.chat
    assert check_chat_support(rest, 5, str(VENDOR)) is rest
    caps = rest.chat
    assert (caps.long_poll, caps.max_wait_s, caps.poll_interval_s) == (True, 30.0, 0.5)
    assert caps.agents_api and caps.client_message_ids
    assert caps.wait_for(45) == 30.0


def test_both_sides_of_a_session_through_yaml(rest: RestChatAdapter, desk: HttpxExecutor) -> None:
    native = SandboxAdapter()
    [agent] = desk.run(rest.list_agents())
    assert desk.run(native.list_agents()) == (agent,)
    desk.run(rest.agent_sign_in(agent.id))
    external = f"rest-chat-{time.time_ns()}"
    ref = desk.run(rest.open_session(_new(external)))
    assert ref.external_id == external

    # the agent's inbox: assigned, then the customer's first message (with the harness's id)
    events: list[AgentEvent] = []
    cursor: str | None = None
    deadline = time.monotonic() + 10
    while len(events) < 2 and time.monotonic() < deadline:
        inbox = desk.run(rest.agent_inbox(agent.id, cursor, 2.0))
        events += inbox.events
        cursor = inbox.cursor
    assert [e.kind for e in events] == [AgentEventKind.ASSIGNED, AgentEventKind.MESSAGE]
    assert {e.session_id for e in events} == {ref.id}
    first = events[1].message
    assert first is not None and first.sender is Sender.CUSTOMER
    assert (first.text, first.client_id) == ("退款还没到账", f"{external}:c1")
    native_inbox = desk.run(native.agent_inbox(agent.id, None, 0))
    assert [e.message for e in native_inbox.events if e.message] == [first]

    # the customer reads the agent's reply once: the cursor moves on, nothing comes twice
    reply = desk.run(rest.agent_reply(agent.id, ref.id, "您好，已为您查询。", f"{external}:a1"))
    assert (reply.sender, reply.client_id) == (Sender.AGENT, f"{external}:a1")
    page = desk.run(rest.fetch_messages(ref, None, 0))
    assert page == desk.run(native.fetch_messages(ref, None, 0))
    assert [m.client_id for m in page.messages] == [f"{external}:c1", f"{external}:a1"]
    assert page.agent_id == agent.id and not page.closed
    sent = desk.run(rest.send_message(ref, Sender.CUSTOMER, "好的，谢谢。", f"{external}:c2"))
    assert sent.client_id == f"{external}:c2"
    later = desk.run(rest.fetch_messages(ref, page.cursor, 1.0))
    assert [m.client_id for m in later.messages] == [f"{external}:c2"]

    # the agent closes; the customer sees it closed
    desk.run(rest.agent_close(agent.id, ref.id))
    assert desk.run(rest.fetch_messages(ref, later.cursor, 0)).closed
    desk.run(rest.close_session(ref))  # closing twice is harmless
    desk.run(rest.agent_sign_out(agent.id))


def test_a_refused_request_is_classified_by_the_files_rules(
    rest: RestChatAdapter, desk: HttpxExecutor
) -> None:
    [agent] = desk.run(rest.list_agents())
    ref = desk.run(rest.open_session(_new(f"rest-chat-{time.time_ns()}")))
    with pytest.raises(ApiFailure) as info:  # not assigned to this agent (nobody signed in)
        desk.run(rest.agent_reply(agent.id, ref.id, "hi", "x:a1"))
    assert info.value.kind is FailureKind.CLIENT and info.value.status == 409


def test_a_rest_file_without_chat_is_no_chat_adapter() -> None:
    path = ROOT / "scenarios" / "vendors" / "zendesk-rest.yaml"
    adapter = adapter_for(load_vendor(path), str(path))
    assert not isinstance(adapter, ChatAdapter)
    with pytest.raises(ConfigError, match="adapter 'rest' has no chat API"):
        check_chat_support(adapter, 0, str(path))
