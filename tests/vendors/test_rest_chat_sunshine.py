"""``rest.chat`` expresses a documented chat API unlike the sandbox's: Sunshine Conversations v2
(Zendesk messaging). The customer is created first (``POST /v2/apps/{appId}/users``, 409 when
the externalId exists), a conversation opens without a message (``first_message: send``), a
message answer is a ``messages`` array, authors are ``user`` / ``business``, the harness's
message id travels in ``metadata``, timestamps are ISO 8601, and the message list has no
forward cursor (the latest page is read; only ids not read before count). There is no close
and no agent inbox. Payloads as the v2 API reference and its generated clients document them
(zendesk/sunshine-conversations-java ``docs/``); respx stands in for the vendor."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import respx
from httpx import Response

from harness.config import load_vendor
from harness.errors import ConfigError
from harness.model import Channel, Customer, Sender
from harness.transport.httpx_sync import HttpxExecutor
from harness.vendors.base import ApiFailure, FailureKind
from harness.vendors.capabilities import NotSupported
from harness.vendors.chat import ChatAdapter, NewSession, check_chat_support
from harness.vendors.registry import adapter_for
from harness.vendors.rest_chat import RestChatAdapter

BASE = "https://api.smooch.io"
APP = "/v2/apps/5d8cff3cd55b040010928b5b"
CONVERSATION = "029c31f25a21b47effd7be90"

VENDOR = Path(__file__).with_name("sunshine-chat.yaml")


def _message(mid: str, kind: str, text: str, client: str | None, **author: Any) -> dict[str, Any]:
    """One v2 Message as the reference documents it."""
    message: dict[str, Any] = {
        "id": mid,
        "received": "2019-01-14T18:55:12.515Z",
        "author": {"type": kind, **author},
        "content": {"type": "text", "text": text},
        "source": {"type": "api"},
    }
    if client is not None:
        message["metadata"] = {"csm_client_id": client}
    return message


USER = {"id": "5963c0d619a30a2e00de36b8", "externalId": "C5", "profile": {"givenName": "李雷"}}
FIRST = _message("5e1f438bf99fb467810c0ab9", "user", "你好", "s-1:c1", userId=USER["id"])
REPLY = _message("5e1f4390f99fb467810c0aba", "business", "您好！", None, displayName="Mia")
LATER = _message("5e1f4399f99fb467810c0abb", "user", "还在吗？", "s-1:c2", userId=USER["id"])


@pytest.fixture
def adapter() -> RestChatAdapter:
    built = adapter_for(load_vendor(VENDOR), str(VENDOR))
    assert isinstance(built, RestChatAdapter)
    return built


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
def client() -> Iterator[HttpxExecutor]:
    with HttpxExecutor(BASE) as executor:
        yield executor


def _new() -> NewSession:
    customer = Customer("C5", "李雷", {Channel.EMAIL: "li.lei@example.com"})
    return NewSession("s-1", customer, Channel.CHAT, "billing", "你好", "s-1:c1")


def _conversation() -> dict[str, Any]:
    return {"conversation": {"id": CONVERSATION, "type": "personal", "isDefault": False,
                             "metadata": {"csm_external_id": "s-1"}}}  # fmt: skip


@pytest.mark.parametrize("user_status", [201, 409])
def test_open_creates_the_user_opens_and_posts_the_first_message(
    adapter: RestChatAdapter, api: respx.MockRouter, client: HttpxExecutor, user_status: int
) -> None:
    conflict = {"errors": [{"code": "conflict", "title": "User already exists"}]}
    users = api.post(f"{APP}/users").mock(
        return_value=Response(user_status, json={"user": USER} if user_status == 201 else conflict)
    )
    opened = api.post(f"{APP}/conversations").mock(return_value=Response(201, json=_conversation()))
    posted = api.post(f"{APP}/conversations/{CONVERSATION}/messages").mock(
        return_value=Response(201, json={"messages": [FIRST]})
    )
    ref = client.run(adapter.open_session(_new()))
    assert (ref.id, ref.external_id, ref.assignment) == (CONVERSATION, "s-1", None)
    assert json.loads(users.calls[0].request.content) == {
        "externalId": "C5", "profile": {"givenName": "李雷", "email": "li.lei@example.com"}
    }  # fmt: skip
    assert json.loads(opened.calls[0].request.content) == {
        "type": "personal",
        "participants": [{"userExternalId": "C5", "subscribeSDKClient": False}],
        "metadata": {"csm_external_id": "s-1", "channel": "chat", "queue": "billing"},
    }
    assert json.loads(posted.calls[0].request.content) == {
        "author": {"type": "user", "userExternalId": "C5"},
        "content": {"type": "text", "text": "你好"},
        "metadata": {"csm_client_id": "s-1:c1"},
    }


def test_reads_count_only_new_messages_and_name_the_answering_agent(
    adapter: RestChatAdapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    api.post(f"{APP}/users").mock(return_value=Response(201, json={"user": USER}))
    api.post(f"{APP}/conversations").mock(return_value=Response(201, json=_conversation()))
    api.post(f"{APP}/conversations/{CONVERSATION}/messages").mock(
        return_value=Response(201, json={"messages": [LATER]})
    )
    listed = api.get(f"{APP}/conversations/{CONVERSATION}/messages")
    meta = {"hasMore": False, "beforeCursor": "5e1f438bf99fb467810c0ab9"}
    listed.side_effect = [
        Response(200, json={"messages": [FIRST, REPLY], "meta": meta}),
        Response(200, json={"messages": [FIRST, REPLY, LATER], "meta": meta}),
        Response(200, json={"messages": [FIRST, REPLY, LATER], "meta": meta}),
    ]
    ref = client.run(adapter.open_session(_new()))
    page = client.run(adapter.fetch_messages(ref, None, 0))
    assert [(m.sender, m.text, m.client_id) for m in page.messages] == [
        (Sender.CUSTOMER, "你好", "s-1:c1"), (Sender.AGENT, "您好！", None)
    ]  # fmt: skip
    assert page.agent_id == "Mia" and not page.closed
    assert page.messages[0].sent_at == pytest.approx(1547492112.515)
    sent = client.run(adapter.send_message(ref, Sender.CUSTOMER, "还在吗？", "s-1:c2"))
    assert (sent.id, sent.client_id) == (LATER["id"], "s-1:c2")
    later = client.run(adapter.fetch_messages(ref, page.cursor, 0))
    assert [m.id for m in later.messages] == [LATER["id"]]  # read before: not again
    assert client.run(adapter.fetch_messages(ref, later.cursor, 0)).messages == ()
    client.run(adapter.close_session(ref))  # no close in this API: no request
    assert [call.request.method for call in api.calls].count("DELETE") == 0


def test_no_agent_api_means_the_vendors_own_agents_answer(adapter: RestChatAdapter) -> None:
    assert isinstance(adapter, ChatAdapter)
    caps = adapter.chat
    assert not caps.long_poll and not caps.agents_api and caps.client_message_ids
    assert check_chat_support(adapter, 0, "sunshine.yaml") is adapter
    with pytest.raises(ConfigError, match="cannot drive agents by API"):
        check_chat_support(adapter, 3, "sunshine.yaml")
    with pytest.raises(NotSupported):
        next(adapter.list_agents())


def test_a_refused_message_names_the_vendors_reason(
    adapter: RestChatAdapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    api.post(f"{APP}/users").mock(return_value=Response(201, json={"user": USER}))
    api.post(f"{APP}/conversations").mock(
        return_value=Response(
            404, json={"errors": [{"code": "user_not_found", "title": "User not found"}]}
        )
    )
    with pytest.raises(ApiFailure) as info:
        client.run(adapter.open_session(_new()))
    assert info.value.kind is FailureKind.CLIENT and info.value.detail == "User not found"
