"""Freshdesk contract: every operation through httpx_sync against respx, payloads shaped as
Freshdesk documents them (vendor-apis.md section 2), error and rate-limit answers included."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import httpx
import pytest
import respx

from harness.model import Channel, Customer, Priority, Ticket, TicketRef, TicketStatus
from harness.redact import Secret
from harness.transport.backoff import Backoff
from harness.transport.httpx_sync import HttpxExecutor
from harness.vendors.auth import basic
from harness.vendors.base import ApiFailure, ApiRequest, FailureKind, WebhookRejected
from harness.vendors.capabilities import NotSupported, TicketChanges, offered, validate
from harness.vendors.freshdesk import FreshdeskAdapter, quota
from harness.vendors.rest import RestAdapter
from tests.vendors.twins import twin

Adapter = FreshdeskAdapter | RestAdapter

BASE = "https://acme.freshdesk.com"
RATE_HEADERS = {
    "X-RateLimit-Total": "200",
    "X-RateLimit-Remaining": "199",
    "X-RateLimit-Used-CurrentRequest": "1",
}
TICKET = {
    "cc_emails": [],
    "fwd_emails": [],
    "reply_cc_emails": [],
    "email_config_id": None,
    "fr_escalated": False,
    "spam": False,
    "group_id": None,
    "priority": 3,
    "requester_id": 1000131360,
    "responder_id": None,
    "source": 7,
    "status": 2,
    "subject": "退款还没到账",
    "company_id": None,
    "id": 18,
    "type": None,
    "to_emails": None,
    "product_id": None,
    "due_by": "2026-11-14T00:00:00Z",
    "fr_due_by": "2026-11-12T00:00:00Z",
    "is_escalated": False,
    "description": "<div>我上周申请的退款还没有到账。</div>",
    "description_text": "我上周申请的退款还没有到账。",
    "custom_fields": {"cf_order_no": None},
    "created_at": "2026-11-11T00:00:01Z",
    "updated_at": "2026-11-11T00:00:01Z",
    "tags": ["csm-poc-000123", "refunds"],
    "attachments": [],
}


def _ticket(channel: Channel = Channel.CHAT) -> Ticket:
    return Ticket(
        external_id="poc-000123",
        subject="退款还没到账",
        description="我上周申请的退款还没有到账。",
        channel=channel,
        priority=Priority.HIGH,
        category="refunds",
        customer=Customer("C1", "张伟", {Channel.EMAIL: "zhang.wei@example.com"}),
    )


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture(params=["python", "yaml"])
def adapter(request: pytest.FixtureRequest) -> Adapter:
    """The bundled adapter, and its twin scenarios/vendors/freshdesk-rest.yaml."""
    return FreshdeskAdapter() if request.param == "python" else twin("freshdesk")


@pytest.fixture
def client() -> Iterator[HttpxExecutor]:
    with HttpxExecutor(BASE, basic(Secret("fd-api-key"), Secret("X"))) as executor:
        yield executor


def test_create_uses_numeric_codes(
    adapter: Adapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    route = api.post("/api/v2/tickets").respond(201, json=TICKET, headers=RATE_HEADERS)
    ref = client.run(adapter.create_ticket(_ticket()))
    assert ref == TicketRef("18", "poc-000123", None)
    sent = route.calls.last.request
    assert sent.headers["Authorization"] == "Basic " + base64.b64encode(b"fd-api-key:X").decode()
    assert json.loads(sent.content) == {
        "subject": "退款还没到账",
        "description": "<div>我上周申请的退款还没有到账。</div>",
        "name": "张伟",
        "email": "zhang.wei@example.com",
        "priority": 3,
        "status": 2,
        "source": 7,
        "tags": ["csm-poc-000123", "refunds"],
    }


@pytest.mark.parametrize(
    ("channel", "source"),
    [(Channel.EMAIL, 1), (Channel.WEB, 2), (Channel.PHONE, 3), (Channel.CHAT, 7)],
    ids=["email-1", "web-portal-2", "phone-3", "chat-7"],
)
def test_channel_maps_to_source_code(
    adapter: Adapter, api: respx.MockRouter, client: HttpxExecutor, channel: Channel, source: int
) -> None:
    route = api.post("/api/v2/tickets").respond(201, json=TICKET)
    client.run(adapter.create_ticket(_ticket(channel)))
    assert json.loads(route.calls.last.request.content)["source"] == source


def test_validation_error_names_the_field(
    adapter: Adapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    api.post("/api/v2/tickets").respond(
        400,
        json={
            "description": "Validation failed",
            "errors": [
                {"field": "email", "message": "It should be a valid email address",
                 "code": "invalid_value"}
            ],
        },
    )  # fmt: skip
    with pytest.raises(ApiFailure) as caught:
        client.run(adapter.create_ticket(_ticket()))
    assert caught.value.kind is FailureKind.CLIENT
    assert "email: invalid_value" in caught.value.detail


def test_read_status_codes_and_assignment(
    adapter: Adapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    api.get("/api/v2/tickets/18").side_effect = [
        httpx.Response(200, json=TICKET),
        httpx.Response(200, json=TICKET | {"responder_id": 5001, "group_id": 77}),
        httpx.Response(200, json=TICKET | {"responder_id": 5001, "group_id": 77}),
    ]
    ref = TicketRef("18", "poc-000123")
    fresh = client.run(adapter.get_ticket(ref))
    assert (fresh.status, fresh.priority) == (TicketStatus.NEW, Priority.HIGH)  # 2 + nobody
    assert fresh.ref.external_id == "poc-000123" and fresh.category == "refunds"
    assigned = client.run(adapter.get_ticket(ref))
    assert (assigned.status, assigned.assignee, assigned.queue) == (
        TicketStatus.OPEN, "5001", "77"
    )  # fmt: skip
    assignment = client.run(adapter.fetch_assignment(ref))
    assert assignment is not None and assignment.agent_id == "5001"


def test_update_sends_codes(adapter: Adapter, api: respx.MockRouter, client: HttpxExecutor) -> None:
    route = api.put("/api/v2/tickets/18").respond(200, json=TICKET | {"status": 4, "priority": 4})
    changes = TicketChanges(status=TicketStatus.SOLVED, priority=Priority.URGENT)
    state = client.run(adapter.update_ticket(TicketRef("18", ""), changes))
    assert json.loads(route.calls.last.request.content) == {"status": 4, "priority": 4}
    assert (state.status, state.priority) == (TicketStatus.SOLVED, Priority.URGENT)


def test_unknown_status_code_is_a_protocol_failure(
    adapter: Adapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    api.get("/api/v2/tickets/18").respond(200, json=TICKET | {"status": 6})
    with pytest.raises(ApiFailure) as caught:
        client.run(adapter.get_ticket(TicketRef("18", "")))
    assert caught.value.kind is FailureKind.PROTOCOL


def test_list_and_export_page_by_page(
    adapter: Adapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    export = api.get("/api/v2/tickets", params={"updated_since": "2023-11-14T22:13:20Z"})
    export.respond(200, json=[])
    api.get("/api/v2/tickets", params={"page": "2"}).respond(200, json=[TICKET | {"id": 3}])
    api.get("/api/v2/tickets", params={"page": "1"}).respond(200, json=[TICKET, TICKET | {"id": 2}])
    first = client.run(adapter.list_tickets(None, 2))
    assert ([s.ref.id for s in first.items], first.next_cursor) == (["18", "2"], "2")
    last = client.run(adapter.list_tickets("2", 2))
    assert ([s.ref.id for s in last.items], last.next_cursor) == (["3"], None)
    page = client.run(adapter.export_tickets(1_700_000_000, None, 100))
    assert page.items == () and page.next_cursor is None
    assert export.calls.last.request.url.params["order_by"] == "updated_at"


def test_rate_limit_headers_and_429(adapter: Adapter, api: respx.MockRouter) -> None:
    limited = httpx.Response(
        429,
        headers={"Retry-After": "3", "X-RateLimit-Total": "200", "X-RateLimit-Remaining": "0",
                 "X-RateLimit-Used-CurrentRequest": "1"},
        json={"code": "too_many_requests", "message": "You have exceeded the limit"},
    )  # fmt: skip
    ok = httpx.Response(201, json=TICKET, headers=RATE_HEADERS)
    api.post("/api/v2/tickets").side_effect = [limited, ok]
    api.get("/api/v2/tickets/18").respond(200, json=TICKET, headers=RATE_HEADERS)
    waits: list[float] = []
    with HttpxExecutor(
        BASE, backoff=Backoff(), classify=adapter.classify, sleep=waits.append
    ) as ex:
        assert ex.run(adapter.create_ticket(_ticket())).id == "18"
        last = ex.send(ApiRequest("GET", "/api/v2/tickets/18", "GET /api/v2/tickets/{id}"))
    assert waits == [3.0]
    assert (ex.counts.throttled, ex.counts.broken) == (1, 0)
    assert quota(last).remaining == 199 and quota(last).total == 200


def test_webhooks_are_admin_rules_and_unsigned(adapter: Adapter) -> None:
    with pytest.raises(NotSupported, match="Automations"):
        adapter.register_webhook("https://probe.example/hook", "s")
    with pytest.raises(NotSupported):
        adapter.unregister_webhook("w1")
    body = json.dumps({"ticket_id": "18", "agent": "li.na@acme.example", "group": "VIP"}).encode()
    event = adapter.parse_webhook({"X-CSM-Webhook-Secret": "s3cret"}, body, "s3cret")
    assert event is not None and event.assignment.agent_id == "li.na@acme.example"
    assert adapter.parse_webhook({}, body, None) is not None  # unsigned: nothing to verify
    with pytest.raises(WebhookRejected):
        adapter.parse_webhook({"X-CSM-Webhook-Secret": "nope"}, body, "s3cret")


def test_the_yaml_twin_offers_what_the_bundled_adapter_offers() -> None:
    rest = twin("freshdesk")
    assert set(offered(rest)) == set(offered(FreshdeskAdapter()))
    assert validate(rest) == offered(rest)
    with pytest.raises(NotSupported, match="bulk create"):
        rest.import_tickets([])
