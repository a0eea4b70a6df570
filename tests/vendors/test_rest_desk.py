"""The sandbox's helpdesk face (``/REST/2.0``) described in YAML alone
(``scenarios/vendors/sandbox-desk.yaml``), live against a real sandbox process: a placeholder
owner, custom fields as a list, update answers that are arrays of messages with failures as
HTTP 200, the description in the ticket's history, absolute next-page URLs."""

from __future__ import annotations

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
from harness.vendors.base import ApiFailure, FailureKind
from harness.vendors.capabilities import TicketChanges
from harness.vendors.registry import adapter_for
from harness.vendors.rest import RestAdapter

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "scenarios" / "vendors" / "sandbox-desk.yaml"


@pytest.fixture
def desk() -> RestAdapter:
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
        description="我上周申请的退款还没有到账。",
        channel=Channel.EMAIL,
        priority=Priority.HIGH,
        category="refunds",
        customer=Customer("C7", "李娜"),
        custom_fields={"order_no": "SO0000000007"},
    )


def test_a_ticket_round_trips_through_the_helpdesk_face(
    desk: RestAdapter, executor: HttpxExecutor
) -> None:
    ref = executor.run(desk.create_ticket(_ticket("desk-1")))
    state = executor.run(desk.get_ticket(ref))
    assert state.ref.external_id == "desk-1"  # from CustomFields[name=ExternalId]
    assert state.subject == "退款还没到账"
    assert state.description == "我上周申请的退款还没有到账。"  # from the history
    assert state.priority is Priority.HIGH and state.category == "refunds"
    assert state.custom_fields == {"order_no": "SO0000000007"}
    assert state.requester == "C7"
    assignment = None
    deadline = time.monotonic() + 20
    while assignment is None and time.monotonic() < deadline:
        assignment = executor.run(desk.fetch_assignment(ref))
        time.sleep(0.05)
    assert assignment is not None and assignment.agent_id != "Nobody"
    assert assignment.queue == "refunds"


def test_updates_answered_by_messages_and_refusals_as_http_200(
    desk: RestAdapter, executor: HttpxExecutor
) -> None:
    ref = executor.run(desk.create_ticket(_ticket("desk-2")))
    solved = executor.run(desk.update_ticket(ref, TicketChanges(status=TicketStatus.SOLVED)))
    assert solved.status is TicketStatus.SOLVED
    with pytest.raises(ApiFailure) as info:  # resolved -> new is refused, with HTTP 200
        executor.run(desk.update_ticket(ref, TicketChanges(status=TicketStatus.NEW)))
    assert info.value.kind is FailureKind.CLIENT and info.value.status == 200
    assert "isn't a valid status" in info.value.detail


def test_listing_follows_absolute_next_page_urls_to_the_end(
    desk: RestAdapter, executor: HttpxExecutor
) -> None:
    for n in range(3):
        executor.run(desk.create_ticket(_ticket(f"desk-list-{n}")))
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(1000):
        page = executor.run(desk.list_tickets(cursor, 2))
        seen.extend(state.ref.id for state in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert cursor is None
    assert len(seen) == len(set(seen)) >= 3
