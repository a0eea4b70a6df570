"""Udesk contract: every operation through httpx_sync against respx, signed as the Open API v2
documents (vendor-apis.md 4.1), body-coded errors and synchronous IM assignment included."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import respx

from harness.config.vendor import SignatureAuth
from harness.model import Channel, Customer, Priority, Ticket, TicketRef, TicketStatus
from harness.redact import Secret
from harness.transport.httpx_sync import HttpxExecutor
from harness.vendors.auth import Signer, signature
from harness.vendors.base import ApiFailure, FailureKind
from harness.vendors.capabilities import NotSupported
from harness.vendors.udesk import UdeskAdapter, sign_v2

BASE = "https://acme.udesk.cn/open_api_v1"
EMAIL, TOKEN = "admin@acme.example", "8a7c2d9f-open-api-token"
NOW, NONCE = 1_763_000_000.25, "4f1c2a9b-7"
AUTH = SignatureAuth.model_validate(
    {
        "kind": "signature",
        "algorithm": "sha256",
        "message": "{env:UDESK_EMAIL}&{env:UDESK_API_TOKEN}&{timestamp}&{nonce}&v2",
        "query": {"email": "{env:UDESK_EMAIL}", "timestamp": "{timestamp}", "nonce": "{nonce}",
                  "sign": "{signature}", "sign_version": "v2"},
    }
)  # fmt: skip


def _signer() -> Signer:
    return signature(
        AUTH.algorithm,
        AUTH.message,
        secrets={"UDESK_EMAIL": Secret(EMAIL), "UDESK_API_TOKEN": Secret(TOKEN)},
        query=AUTH.query,
        clock=lambda: NOW,
        nonce=lambda: NONCE,
    )


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
def client() -> Iterator[HttpxExecutor]:
    with HttpxExecutor(BASE, _signer()) as executor:
        yield executor


def _ticket() -> Ticket:
    return Ticket(
        external_id="poc-000123",
        subject="退款还没到账",
        description="我上周申请的退款还没有到账。",
        channel=Channel.WECHAT,
        priority=Priority.URGENT,
        category="refunds",
        customer=Customer("cust-7", "李娜", {Channel.WECHAT: "wx-openid-7"}),
    )


def test_signature_matches_an_independent_vector(
    api: respx.MockRouter, client: HttpxExecutor
) -> None:
    route = api.post("/tickets").respond(200, json={"code": 1000, "ticket_id": 2})
    client.run(UdeskAdapter().create_ticket(_ticket()))
    params = route.calls.last.request.url.params
    expected = hashlib.sha256(f"{EMAIL}&{TOKEN}&1763000000&{NONCE}&v2".encode()).hexdigest()
    assert dict(params) == {
        "email": EMAIL,
        "timestamp": "1763000000",
        "nonce": NONCE,
        "sign": expected,
        "sign_version": "v2",
    }
    assert sign_v2(EMAIL, TOKEN, "1763000000", NONCE) == expected


def test_create_ticket_body(api: respx.MockRouter, client: HttpxExecutor) -> None:
    route = api.post("/tickets").respond(200, json={"code": 1000, "ticket_id": 2})
    ref = client.run(UdeskAdapter().create_ticket(_ticket()))
    assert ref == TicketRef("2", "poc-000123")
    assert json.loads(route.calls.last.request.content) == {
        "ticket": {
            "subject": "退款还没到账",
            "content": "我上周申请的退款还没有到账。",
            "type": "customer_token",
            "type_content": "cust-7",
            "priority": "紧急",
            "tags": "csm-poc-000123,refunds",
        }
    }


def test_http_200_with_an_error_code_is_a_failure(
    api: respx.MockRouter, client: HttpxExecutor
) -> None:
    api.post("/tickets").respond(200, json={"code": 2059, "message": "open api签名不对"})
    with pytest.raises(ApiFailure) as caught:
        client.run(UdeskAdapter().create_ticket(_ticket()))
    assert caught.value.kind is FailureKind.CLIENT
    assert caught.value.status == 200
    assert "2059" in caught.value.detail and "clock" in caught.value.detail


ASSIGNED = {"status_id": 4, "assignee_id": 31, "user_group_id": 5}


def test_detail_fetch_and_list(api: respx.MockRouter, client: HttpxExecutor) -> None:
    item = {"id": 2, "subject": "退款还没到账", "content": "我上周申请的退款还没有到账。",
            "status_id": 1, "priority_id": 1, "assignee_id": None, "user_group_id": None,
            "tags": "csm-poc-000123,refunds"}  # fmt: skip
    api.get("/tickets/detail", params={"id": "2"}).side_effect = [
        httpx.Response(200, json={"code": 1000, "ticket": item}),
        httpx.Response(
            200,
            json={
                "code": 1000,
                "ticket": item | {"status_id": 4, "assignee_id": 31, "user_group_id": 5},
            },
        ),
    ]
    adapter = UdeskAdapter()
    ref = TicketRef("2", "poc-000123")
    state = client.run(adapter.get_ticket(ref))
    assert (state.status, state.priority, state.ref.external_id) == (
        TicketStatus.NEW, Priority.URGENT, "poc-000123"
    )  # fmt: skip
    assignment = client.run(adapter.fetch_assignment(ref))
    assert assignment is not None and (assignment.agent_id, assignment.queue) == ("31", "5")
    api.get("/tickets", params={"page": "1"}).respond(
        200,
        json={"code": 1000, "tickets": [item],
              "meta": {"current_page": 1, "total_pages": 2, "total_count": 2}},
    )  # fmt: skip
    page = client.run(adapter.list_tickets(None, 1))
    assert ([s.ref.id for s in page.items], page.next_cursor) == (["2"], "2")


@dataclass(frozen=True)
class _Session:
    external_id: str
    customer: Customer
    channel: Channel


SESSION = _Session("chat-1", Customer("cust-7", "李娜"), Channel.WECHAT)


def test_im_session_assignment_is_synchronous(api: respx.MockRouter, client: HttpxExecutor) -> None:
    route = api.post("/im/sessions").respond(
        200,
        json={"code": 1000, "message": "请求成功", "assign_type": "agent",
              "assign_info": {"im_sub_session_id": 1234, "count": 0, "agent_id": 3,
                              "agent_name": "Tom", "agent_avatar": ""}},
    )  # fmt: skip
    opened = client.run(UdeskAdapter().open_session(SESSION))
    assert json.loads(route.calls.last.request.content) == {
        "customer_token": "cust-7",
        "assign_type": "agent",
        "channel": "wechat",
    }
    assert (opened.outcome, opened.id) == ("assigned", "1234")
    assert opened.assignment is not None and opened.assignment.agent_id == "3"


@pytest.mark.parametrize(
    ("code", "message", "outcome", "count"),
    [
        (2001, "当前客服正繁忙，您排在第3位。", "queued", 3),
        (2002, "当前没有客服在线", "no_agent", 0),
    ],
    ids=["queued-2001", "no-agent-2002"],
)
def test_im_routing_outcomes_are_not_errors(
    api: respx.MockRouter, client: HttpxExecutor, code: int, message: str, outcome: str, count: int
) -> None:
    api.post("/im/sessions").respond(
        200,
        json={"code": code, "message": message, "assign_type": "agent",
              "assign_info": {"count": count}},
    )  # fmt: skip
    opened = client.run(UdeskAdapter().open_session(SESSION))
    assert (opened.outcome, opened.queue_position, opened.assignment) == (outcome, count, None)


def test_push_start_session_is_the_assignment() -> None:
    body = json.dumps(
        {"customer_token": "axb", "assign_type": "agent",
         "messages": [{"type": "start_session", "message_id": "m-1", "agent_id": 1,
                       "agent_name": "TOM", "im_sub_session_id": 3,
                       "message_created_at": "20170711 09:52:11",
                       "data": {"content": "对话开始"}}]}
    ).encode()  # fmt: skip
    event = UdeskAdapter().parse_webhook({}, body, None)
    assert event is not None and event.event_id == "m-1"
    assert (event.assignment.ticket_id, event.assignment.agent_id) == ("3", "1")
    with pytest.raises(NotSupported):
        UdeskAdapter().register_webhook("https://probe.example/hook", "s")
    with pytest.raises(NotSupported):
        UdeskAdapter().unregister_webhook("w1")


def test_429_is_still_throttled(api: respx.MockRouter, client: HttpxExecutor) -> None:
    api.post("/tickets").respond(429, headers={"Retry-After": "60"})
    with pytest.raises(ApiFailure) as caught:
        client.run(UdeskAdapter().create_ticket(_ticket()))
    assert caught.value.kind is FailureKind.THROTTLED and caught.value.retry_after == 60
