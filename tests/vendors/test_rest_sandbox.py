"""The sandbox described in YAML (``scenarios/vendors/sandbox-rest.yaml``) behaves exactly like
the native sandbox adapter, operation by operation, against a real sandbox process."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.config import load_vendor
from harness.model import Channel, Customer, Priority, Ticket, TicketStatus
from harness.redact import Secret
from harness.sandbox import SandboxProcess
from harness.transport.httpx_sync import HttpxExecutor
from harness.vendors.auth import bearer
from harness.vendors.base import ApiFailure, FailureKind, WebhookRejected
from harness.vendors.capabilities import TicketChanges, offered
from harness.vendors.registry import adapter_for
from harness.vendors.rest import RestAdapter
from harness.vendors.sandbox import SandboxAdapter

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "scenarios" / "vendors" / "sandbox-rest.yaml"


@pytest.fixture
def rest() -> RestAdapter:
    adapter = adapter_for(load_vendor(VENDOR), str(VENDOR))
    assert isinstance(adapter, RestAdapter)
    return adapter


@pytest.fixture
def executor(sandbox_solid: SandboxProcess, sandbox_token: str) -> Iterator[HttpxExecutor]:
    with HttpxExecutor(sandbox_solid.url, bearer(Secret(sandbox_token))) as client:
        yield client


def _ticket(external_id: str) -> Ticket:
    return Ticket(
        external_id=external_id,
        subject="退款还没到账",
        description="我上周申请的退款还没有到账。😀",
        channel=Channel.WECHAT,
        priority=Priority.HIGH,
        category="refunds",
        customer=Customer("C7", "李娜", {Channel.WECHAT: "wx-openid-7"}),
        custom_fields={"order_no": "SO0000000007"},
    )


def test_every_operation_matches_the_native_adapter(
    rest: RestAdapter, executor: HttpxExecutor
) -> None:
    native = SandboxAdapter()
    tag = time.time_ns()
    ref_rest = executor.run(rest.create_ticket(_ticket(f"rest-{tag}")))
    ref_native = executor.run(native.create_ticket(_ticket(f"native-{tag}")))
    assert ref_rest.external_id == f"rest-{tag}"
    # Reading either ticket through either adapter gives the same canonical state.
    for ref in (ref_rest, ref_native):
        by_rest = executor.run(rest.get_ticket(ref))
        by_native = executor.run(native.get_ticket(ref))
        assert by_rest.ref.id == by_native.ref.id
        assert (by_rest.subject, by_rest.description, by_rest.priority, by_rest.category) == (
            by_native.subject, by_native.description, by_native.priority, by_native.category
        )  # fmt: skip
        assert by_rest.custom_fields == by_native.custom_fields == {"order_no": "SO0000000007"}
    # Routing is seen by polling.
    deadline = time.monotonic() + 10
    found = None
    while found is None and time.monotonic() < deadline:
        found = executor.run(rest.fetch_assignment(ref_rest))
        time.sleep(0.02)
    assert found is not None and found.queue == "refunds"
    assert found == executor.run(native.fetch_assignment(ref_rest))
    # Update (rest only: the native adapter has no update flow).
    assert "update" in offered(rest)
    updated = executor.run(rest.update_ticket(ref_rest, TicketChanges(priority=Priority.URGENT)))
    assert updated.priority is Priority.URGENT
    assert updated.status in (TicketStatus.NEW, TicketStatus.OPEN)


def test_listing_pages_like_the_native_adapter(rest: RestAdapter, executor: HttpxExecutor) -> None:
    tag = time.time_ns()
    created = {executor.run(rest.create_ticket(_ticket(f"page-{tag}-{i}"))).id for i in range(5)}
    seen: list[str] = []
    cursor = None
    while True:
        page = executor.run(rest.list_tickets(cursor, 2))
        seen += [item.ref.id for item in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert created <= set(seen)
    assert len(seen) == len(set(seen))


def test_errors_follow_the_rules(rest: RestAdapter, sandbox_solid: SandboxProcess) -> None:
    with HttpxExecutor(sandbox_solid.url, bearer(Secret("wrong-token-1"))) as client:
        with pytest.raises(ApiFailure) as caught:
            client.run(rest.create_ticket(_ticket("refused")))
    assert caught.value.kind is FailureKind.CLIENT
    assert caught.value.detail == "missing or wrong bearer token"  # rule's message path


def test_register_and_parse_webhook(rest: RestAdapter, executor: HttpxExecutor) -> None:
    hook_id = executor.run(rest.register_webhook("http://127.0.0.1:9/hook", "s3cret"))
    executor.run(rest.unregister_webhook(hook_id))
    body = json.dumps(
        {"id": "E1", "type": "ticket.assigned",
         "data": {"ticket_id": "T9", "external_id": "x-9", "agent_id": "A1", "queue": "billing",
                  "assigned_at": 2.0}}
    ).encode()  # fmt: skip
    digest = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    headers = {"x-sandbox-timestamp": "1700000000", "x-sandbox-signature": f"sha256={digest}"}
    event = rest.parse_webhook(headers, body, "s3cret")
    assert event == SandboxAdapter().parse_webhook(headers, body, "s3cret")
    with pytest.raises(WebhookRejected):
        rest.parse_webhook(headers, body, "other")
