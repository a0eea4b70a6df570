"""The sandbox adapter over httpx against a real sandbox process on loopback."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator

import pytest

from harness.model import Channel, Customer, Priority, Ticket, TicketRef, TicketStatus
from harness.redact import Secret
from harness.sandbox import SandboxProcess
from harness.transport.httpx_sync import HttpxExecutor
from harness.vendors.auth import bearer
from harness.vendors.base import ApiFailure, FailureKind, WebhookRejected
from harness.vendors.sandbox import SandboxAdapter


def _ticket(external_id: str, category: str = "billing") -> Ticket:
    return Ticket(
        external_id=external_id,
        subject="退款还没到账",
        description="我上周申请的退款还没有到账，麻烦查一下。😀",
        channel=Channel.WECHAT,
        priority=Priority.HIGH,
        category=category,
        customer=Customer("C1", "张伟", {Channel.WECHAT: "wx-openid-1"}),
        custom_fields={"order_no": "SO0000000001"},
    )


@pytest.fixture
def executor(sandbox_solid: SandboxProcess, sandbox_token: str) -> Iterator[HttpxExecutor]:
    with HttpxExecutor(sandbox_solid.url, bearer(Secret(sandbox_token))) as client:
        yield client


def test_create_then_read_keeps_every_field(executor: HttpxExecutor) -> None:
    adapter = SandboxAdapter()
    ticket = _ticket(f"adapter-{time.time_ns()}")
    ref = executor.run(adapter.create_ticket(ticket))
    state = executor.run(adapter.get_ticket(ref))
    assert state.ref.external_id == ticket.external_id
    assert (state.subject, state.description) == (ticket.subject, ticket.description)
    assert state.priority is Priority.HIGH
    assert state.category == "billing"
    assert state.custom_fields == {"order_no": "SO0000000001"}
    assert state.status in (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.SOLVED)


def test_assignment_becomes_visible_by_polling(executor: HttpxExecutor) -> None:
    adapter = SandboxAdapter()
    ref = executor.run(adapter.create_ticket(_ticket(f"poll-{time.time_ns()}")))
    deadline = time.monotonic() + 10
    assignment = None
    while assignment is None and time.monotonic() < deadline:
        assignment = executor.run(adapter.fetch_assignment(ref))
        time.sleep(0.02)
    assert assignment is not None
    assert assignment.queue == "billing"
    assert assignment.agent_id


def test_list_pages_cover_what_was_created(executor: HttpxExecutor) -> None:
    adapter = SandboxAdapter()
    tag = f"list-{time.time_ns()}"
    created = {executor.run(adapter.create_ticket(_ticket(f"{tag}-{i}"))).id for i in range(7)}
    seen: list[str] = []
    cursor = None
    while True:
        page = executor.run(adapter.list_tickets(cursor, 3))
        seen += [item.ref.id for item in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert created <= set(seen)
    assert len(seen) == len(set(seen))


def test_wrong_token_is_a_client_failure(sandbox_solid: SandboxProcess) -> None:
    with HttpxExecutor(sandbox_solid.url, bearer(Secret("canary-token-7f3a"))) as client:
        with pytest.raises(ApiFailure) as caught:
            client.run(SandboxAdapter().create_ticket(_ticket("refused")))
    assert caught.value.kind is FailureKind.CLIENT
    assert caught.value.status == 401
    assert "canary-token-7f3a" not in str(caught.value)


def test_connection_refused_is_classified() -> None:
    with HttpxExecutor("http://127.0.0.1:9", timeout=2) as client:
        with pytest.raises(ApiFailure) as caught:
            client.run(SandboxAdapter().get_ticket(_ref("T1")))
    assert caught.value.kind is FailureKind.CONNECTION


def _ref(ticket_id: str) -> TicketRef:
    return TicketRef(ticket_id, "x")


def _signed(secret: str, body: bytes, timestamp: str = "1700000000") -> dict[str, str]:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return {"x-sandbox-timestamp": timestamp, "x-sandbox-signature": "sha256=" + digest.hexdigest()}


def test_parse_webhook_verifies_the_signature() -> None:
    body = json.dumps(
        {
            "id": "E1",
            "type": "ticket.assigned",
            "created_at": 1.0,
            "data": {
                "ticket_id": "T9",
                "external_id": "x-9",
                "agent_id": "A1",
                "queue": "billing",
                "assigned_at": 2.0,
            },
        }
    ).encode()
    adapter = SandboxAdapter()
    event = adapter.parse_webhook(_signed("s3cret", body), body, "s3cret")
    assert event is not None
    assert (event.assignment.ticket_id, event.assignment.external_id) == ("T9", "x-9")
    with pytest.raises(WebhookRejected):
        adapter.parse_webhook(_signed("other", body), body, "s3cret")
    with pytest.raises(WebhookRejected):
        adapter.parse_webhook({}, body, "s3cret")
