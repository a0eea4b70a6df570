"""Zendesk contract: every operation through httpx_sync against respx, with payloads shaped as
Zendesk documents them (vendor-apis.md section 1), error and rate-limit answers included."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from harness.data.identities import is_valid_email
from harness.model import Channel, Customer, Priority, Ticket, TicketRef, TicketStatus
from harness.redact import Secret
from harness.transport.backoff import Backoff
from harness.transport.httpx_sync import HttpxExecutor
from harness.vendors.auth import basic
from harness.vendors.base import ApiFailure, FailureKind, WebhookRejected
from harness.vendors.capabilities import (
    HistoricalTicket,
    NotSupported,
    TicketChanges,
    offered,
    validate,
)
from harness.vendors.registry import offers
from harness.vendors.rest import RestAdapter
from harness.vendors.zendesk import TRIGGER_BODY, ZendeskAdapter, webhook_signature
from tests.vendors.twins import twin

Adapter = ZendeskAdapter | RestAdapter

BASE = "https://acme.zendesk.com"
TICKET = {
    "id": 35436,
    "url": f"{BASE}/api/v2/tickets/35436.json",
    "external_id": "poc-000123",
    "type": "question",
    "subject": "退款还没到账",
    "raw_subject": "退款还没到账",
    "description": "我上周申请的退款还没有到账。",
    "priority": "high",
    "status": "open",
    "recipient": None,
    "requester_id": 20978392,
    "submitter_id": 76872,
    "assignee_id": None,
    "organization_id": None,
    "group_id": None,
    "collaborator_ids": [],
    "follower_ids": [],
    "tags": ["csm-harness", "refunds"],
    "custom_fields": [{"id": 27642, "value": "745"}],
    "via": {"channel": "api", "source": {"from": {}, "to": {}, "rel": None}},
    "created_at": "2026-11-11T00:00:01Z",
    "updated_at": "2026-11-11T00:00:01Z",
}


def _ticket() -> Ticket:
    return Ticket(
        external_id="poc-000123",
        subject="退款还没到账",
        description="我上周申请的退款还没有到账。",
        channel=Channel.EMAIL,
        priority=Priority.HIGH,
        category="refunds",
        customer=Customer("C1", "张伟", {Channel.EMAIL: "zhang.wei@example.com"}),
    )


def _history() -> HistoricalTicket:
    return HistoricalTicket(_ticket(), TicketStatus.CLOSED, 1_767_225_600.0)


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture(params=["python", "yaml"])
def adapter(request: pytest.FixtureRequest) -> Adapter:
    """The bundled adapter, and its twin scenarios/vendors/zendesk-rest.yaml."""
    return ZendeskAdapter() if request.param == "python" else twin("zendesk")


@pytest.fixture
def client() -> Iterator[HttpxExecutor]:
    signer = basic(Secret("agent@acme.example"), Secret("tok-123"), "/token")
    with HttpxExecutor(BASE, signer) as executor:
        yield executor


def test_create_sends_the_documented_body_with_idempotency_key(
    adapter: Adapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    route = api.post("/api/v2/tickets").respond(
        201, json={"ticket": TICKET}, headers={"x-idempotency-lookup": "miss"}
    )
    ref = client.run(adapter.create_ticket(_ticket()))
    assert ref == TicketRef("35436", "poc-000123", None)
    sent = route.calls.last.request
    assert sent.headers["Idempotency-Key"] == "poc-000123"
    expected_auth = base64.b64encode(b"agent@acme.example/token:tok-123").decode()
    assert sent.headers["Authorization"] == f"Basic {expected_auth}"
    assert json.loads(sent.content) == {
        "ticket": {
            "subject": "退款还没到账",
            "comment": {"body": "我上周申请的退款还没有到账。", "public": True},
            "priority": "high",
            "external_id": "poc-000123",
            "tags": ["csm-harness", "refunds"],
            "requester": {"name": "张伟", "email": "zhang.wei@example.com"},
        }
    }


def test_idempotency_mismatch_is_a_client_failure_with_the_reason(
    adapter: Adapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    api.post("/api/v2/tickets").respond(
        400,
        json={
            "error": "IdempotentRequestError",
            "description": "Request parameters don't match the given idempotency key",
        },
    )
    with pytest.raises(ApiFailure) as caught:
        client.run(adapter.create_ticket(_ticket()))
    assert caught.value.kind is FailureKind.CLIENT
    assert "IdempotentRequestError" in caught.value.detail


def test_get_fetch_update(adapter: Adapter, api: respx.MockRouter, client: HttpxExecutor) -> None:
    assigned = TICKET | {"assignee_id": 235323, "group_id": 98738, "status": "hold"}
    api.get("/api/v2/tickets/35436").respond(200, json={"ticket": assigned})
    route = api.put("/api/v2/tickets/35436").respond(
        200, json={"ticket": assigned | {"status": "solved", "priority": "urgent"}}
    )
    ref = TicketRef("35436", "poc-000123")
    state = client.run(adapter.get_ticket(ref))
    assert state.status is TicketStatus.PENDING  # "hold" has no canonical twin: read as pending
    assert (state.priority, state.category, state.assignee) == (Priority.HIGH, "refunds", "235323")
    assert state.custom_fields == {"27642": "745"}
    assignment = client.run(adapter.fetch_assignment(ref))
    assert assignment is not None
    assert (assignment.agent_id, assignment.queue) == ("235323", "98738")
    assert "update" in offered(adapter)
    changes = TicketChanges(status=TicketStatus.SOLVED, priority=Priority.URGENT)
    updated = client.run(adapter.update_ticket(ref, changes))
    assert updated.status is TicketStatus.SOLVED
    assert json.loads(route.calls.last.request.content) == {
        "ticket": {"status": "solved", "priority": "urgent"}
    }


def test_list_follows_cursor_pagination(
    adapter: Adapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    api.get("/api/v2/tickets", params={"page[after]": "xyz"}).respond(
        200, json={"tickets": [TICKET | {"id": 3}], "meta": {"has_more": False}}
    )
    api.get("/api/v2/tickets", params={"page[size]": "2"}).respond(
        200,
        json={
            "tickets": [TICKET, TICKET | {"id": 2}],
            "meta": {"has_more": True, "after_cursor": "xyz", "before_cursor": "abc"},
            "links": {"next": f"{BASE}/api/v2/tickets.json?page[after]=xyz&page[size]=2"},
        },
    )
    first = client.run(adapter.list_tickets(None, 2))
    assert [s.ref.id for s in first.items] == ["35436", "2"]
    assert first.next_cursor == "xyz"
    second = client.run(adapter.list_tickets("xyz", 2))
    assert ([s.ref.id for s in second.items], second.next_cursor) == (["3"], None)


def test_incremental_export_runs_to_end_of_stream(
    adapter: Adapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    path = "/api/v2/incremental/tickets/cursor.json"
    api.get(path, params={"start_time": "1700000000"}).respond(
        200,
        json={
            "tickets": [TICKET],
            "after_cursor": "MTU3NjYxMzUzOS4wfHw0NTF8",
            "after_url": f"{BASE}{path}?cursor=MTU3NjYxMzUzOS4wfHw0NTF8",
            "before_cursor": None,
            "end_of_stream": False,
        },
    )
    api.get(path, params={"cursor": "MTU3NjYxMzUzOS4wfHw0NTF8"}).respond(
        200,
        json={"tickets": [], "after_cursor": "Zz", "after_url": None, "end_of_stream": True},
    )
    assert "export" in offered(adapter)
    first = client.run(adapter.export_tickets(1_700_000_000, None, 1000))
    assert first.next_cursor == "MTU3NjYxMzUzOS4wfHw0NTF8"
    last = client.run(adapter.export_tickets(1_700_000_000, first.next_cursor, 1000))
    assert (last.items, last.next_cursor) == ((), None)


def test_create_many_then_job_status(
    adapter: Adapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    job_id = "8b726e606741012ffc2d782bcb7848fe"
    job: dict[str, object] = {
        "id": job_id,
        "job_type": "bulk_create_tickets",
        "message": None,
        "progress": None,
        "results": None,
        "status": "queued",
        "total": 2,
        "url": f"{BASE}/api/v2/job_statuses/{job_id}.json",
    }
    submit = api.post("/api/v2/tickets/create_many").respond(200, json={"job_status": job})
    status = api.get(f"/api/v2/job_statuses/{job_id}")
    status.side_effect = [
        httpx.Response(200, json={"job_status": job | {"status": "working", "progress": 1}}),
        httpx.Response(
            200,
            json={
                "job_status": job
                | {
                    "status": "completed",
                    "progress": 2,
                    "message": "Completed at 2026-11-11 00:00:05 +0000",
                    "results": [
                        {"index": 0, "id": 101},
                        {"index": 1, "error": "InvalidValue", "details": "Requester invalid"},
                    ],
                }
            },
        ),
    ]
    assert "bulk-import" in offered(adapter)
    submitted = client.run(adapter.import_tickets([_history(), _history()]))
    assert submitted.job_ids == (job_id,)
    assert len(json.loads(submit.calls.last.request.content)["tickets"]) == 2
    assert not client.run(adapter.import_status(job_id)).done
    done = client.run(adapter.import_status(job_id))
    assert done.done
    assert done.created == ((0, "101"),)
    assert done.failed == ((1, "InvalidValue"),)


def test_create_many_batches_by_100(
    adapter: Adapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    route = api.post("/api/v2/tickets/create_many").respond(
        200, json={"job_status": {"id": "j", "status": "queued"}}
    )
    client.run(adapter.import_tickets([_history()] * 250))
    sizes = [len(json.loads(call.request.content)["tickets"]) for call in route.calls]
    assert sizes == [100, 100, 50]


def test_register_creates_webhook_and_trigger_then_unregisters(
    api: respx.MockRouter, client: HttpxExecutor
) -> None:
    hook = api.post("/api/v2/webhooks").respond(
        201,
        json={"webhook": {"id": "01GK8E6BKWMJZD2TEXAMPLE", "name": "csm-harness routing probe",
                          "status": "active", "subscriptions": ["conditional_ticket_events"]}},
    )  # fmt: skip
    trigger = api.post("/api/v2/triggers").respond(
        201, json={"trigger": {"id": 10849292971419, "title": "x", "active": True}}
    )
    delete_trigger = api.delete("/api/v2/triggers/10849292971419").respond(204)
    delete_hook = api.delete("/api/v2/webhooks/01GK8E6BKWMJZD2TEXAMPLE").respond(204)
    adapter = ZendeskAdapter()
    webhook_id = client.run(adapter.register_webhook("https://probe.example/hook", "ignored"))
    assert webhook_id == "01GK8E6BKWMJZD2TEXAMPLE:10849292971419"
    assert json.loads(hook.calls.last.request.content)["webhook"]["endpoint"] == (
        "https://probe.example/hook"
    )
    action = json.loads(trigger.calls.last.request.content)["trigger"]["actions"][0]
    assert action == {
        "field": "notification_webhook",
        "value": ["01GK8E6BKWMJZD2TEXAMPLE", TRIGGER_BODY],
    }
    client.run(adapter.unregister_webhook(webhook_id))
    assert delete_trigger.called and delete_hook.called


def test_webhook_signature_matches_an_independent_computation(
    adapter: Adapter,
) -> None:
    secret, timestamp = "dGhpc19zZWNyZXRfaXNfYmFzZTY0", "2026-11-11T00:00:05Z"
    body = b'{"ticket_id":"35436","external_id":"poc-000123","assignee_id":"235323","group":"VIP"}'
    expected = base64.b64encode(
        hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    ).decode()
    assert webhook_signature(secret, timestamp, body) == expected
    headers = {
        "X-Zendesk-Webhook-Signature": expected,
        "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
        "X-Zendesk-Webhook-Invocation-Id": "8350205582",
        "X-Zendesk-Webhook-Id": "01GK8E6BKWMJZD2TEXAMPLE",
    }
    event = adapter.parse_webhook(headers, body, secret)
    assert event is not None
    assert event.event_id == "8350205582"
    assert (event.assignment.ticket_id, event.assignment.agent_id) == ("35436", "235323")
    assert event.assignment.queue == "VIP"
    with pytest.raises(WebhookRejected):
        adapter.parse_webhook(headers, body + b" ", secret)
    unassigned = body.replace(b'"235323"', b'""')
    headers["X-Zendesk-Webhook-Signature"] = webhook_signature(secret, timestamp, unassigned)
    assert adapter.parse_webhook(headers, unassigned, secret) is None


@pytest.mark.parametrize("retry_after", ["7", None], ids=["with-retry-after", "without"])
def test_429_is_throttled_and_backed_off(
    adapter: Adapter, api: respx.MockRouter, retry_after: str | None
) -> None:
    limited = httpx.Response(
        429,
        headers={"Retry-After": retry_after} if retry_after else {},
        json={"error": "APIRateLimitExceeded", "description": "Number of allowed API requests "
              "per minute exceeded"},
    )  # fmt: skip
    route = api.post("/api/v2/tickets")
    route.side_effect = [limited, limited, httpx.Response(201, json={"ticket": TICKET})]
    waits: list[float] = []
    policy = Backoff(max_retries=3)
    with HttpxExecutor(BASE, backoff=policy, classify=adapter.classify, sleep=waits.append) as ex:
        ref = ex.run(adapter.create_ticket(_ticket()))
    assert ref.id == "35436"
    assert ex.counts.throttled == 2 and ex.counts.broken == 0 and ex.counts.retries == 2
    if retry_after:
        assert waits == [7.0, 7.0]
    else:
        assert len(waits) == 2 and all(0 <= w <= 1.0 for w in waits)


def test_429_past_the_retry_budget_raises_throttled_not_broken(
    adapter: Adapter, api: respx.MockRouter
) -> None:
    api.post("/api/v2/tickets").respond(429, headers={"Retry-After": "1"})
    policy = Backoff(max_retries=2)
    with HttpxExecutor(BASE, backoff=policy, classify=adapter.classify, sleep=lambda _: None) as ex:
        with pytest.raises(ApiFailure) as caught:
            ex.run(adapter.create_ticket(_ticket()))
    assert caught.value.kind is FailureKind.THROTTLED
    assert caught.value.retry_after == 1.0
    assert (ex.counts.throttled, ex.counts.broken) == (3, 0)


def _order_no_mapped(data: Any) -> None:
    """What a user adds to zendesk-rest.yaml for one custom field (Zendesk field 27642)."""
    rest = data["rest"]
    rest["ticket"]["custom_field_list"]["names"] = {"27642": "order_no"}
    body = rest["operations"]["create_ticket"]["request"]["body"]["ticket"]
    body["custom_fields"] = [{"id": 27642, "value": "{ticket.custom_fields.order_no}"}]


@pytest.mark.parametrize("kind", ["python", "yaml"])
def test_custom_fields_go_by_field_id_and_read_back_by_name(
    kind: str, api: respx.MockRouter, client: HttpxExecutor, tmp_path: Path
) -> None:
    """Zendesk's documented shape: ``custom_fields: [{"id": <ticket field id>, "value": ...}]``."""
    adapter: Adapter = (
        ZendeskAdapter({"order_no": "27642"})
        if kind == "python"
        else twin("zendesk", tmp_path, _order_no_mapped)
    )
    route = api.post("/api/v2/tickets").respond(201, json={"ticket": TICKET})
    ticket = replace(_ticket(), custom_fields={"order_no": "745", "unmapped": "x"})
    client.run(adapter.create_ticket(ticket))
    body = json.loads(route.calls.last.request.content)["ticket"]
    assert body["custom_fields"] == [{"id": 27642, "value": "745"}]  # unmapped: not sent
    api.get("/api/v2/tickets/35436").respond(200, json={"ticket": TICKET})
    state = client.run(adapter.get_ticket(TicketRef("35436", "poc-000123")))
    assert state.custom_fields == {"order_no": "745"}


def test_requester_with_phone_is_upserted_then_named_by_id(
    api: respx.MockRouter, client: HttpxExecutor
) -> None:
    user = {"id": 20978392, "name": "张伟", "email": "zhang.wei@example.com",
            "phone": "+8613912345678", "role": "end-user"}  # fmt: skip
    upsert = api.post("/api/v2/users/create_or_update").respond(201, json={"user": user})
    create = api.post("/api/v2/tickets").respond(201, json={"ticket": TICKET})
    customer = Customer(
        "C1", "张伟", {Channel.EMAIL: "zhang.wei@example.com", Channel.PHONE: "13912345678"}
    )
    ticket = replace(_ticket(), customer=customer)
    client.run(ZendeskAdapter().create_ticket(ticket))
    assert json.loads(upsert.calls.last.request.content) == {
        "user": {"name": "张伟", "email": "zhang.wei@example.com", "phone": "13912345678"}
    }
    body = json.loads(create.calls.last.request.content)["ticket"]
    assert body["requester_id"] == 20978392 and "requester" not in body


def test_full_read_sideloads_the_requester_and_the_users_api_reads_it(
    api: respx.MockRouter, client: HttpxExecutor
) -> None:
    user = {"id": 20978392, "name": "张伟", "email": "zhang.wei@example.com",
            "phone": "+86 139 **** 5678", "role": "end-user"}  # fmt: skip
    api.get("/api/v2/tickets/35436", params={"include": "users"}).respond(
        200, json={"ticket": TICKET, "users": [user]}
    )
    api.get("/api/v2/users/20978392").respond(200, json={"user": user})
    adapter = ZendeskAdapter()
    ref = TicketRef("35436", "poc-000123")
    stored = client.run(adapter.read_ticket(ref))
    assert (stored.customer_name, stored.customer_id, stored.channel) == ("张伟", "20978392", None)
    assert stored.identities == {
        Channel.EMAIL: "zhang.wei@example.com",
        Channel.PHONE: "+86 139 **** 5678",
    }
    api.get("/api/v2/tickets/35436", params={}).respond(200, json={"ticket": TICKET})
    profile = client.run(adapter.read_requester(ref))
    assert profile.id == "20978392" and profile.identities[Channel.PHONE] == "+86 139 **** 5678"


def test_missing_requester_email_is_a_valid_reserved_address(
    adapter: Adapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    route = api.post("/api/v2/tickets").respond(201, json={"ticket": TICKET})
    customer = Customer("acc1-auth-001-without credentials-c", "客户", {Channel.WEB: "w"})
    client.run(adapter.create_ticket(replace(_ticket(), customer=customer)))
    email = json.loads(route.calls.last.request.content)["ticket"]["requester"]["email"]
    assert " " not in email and is_valid_email(email)


def test_vendors_lists_what_the_checks_use() -> None:
    """``csm-harness vendors`` and the checks read one declaration (vendors.capabilities)."""
    adapter = ZendeskAdapter()
    listed = offers("zendesk")
    assert listed is not None
    expected = {"list", "webhooks", "poll-assignment", "update", "bulk-import", "export"}
    assert expected | {"full-read", "requester"} <= set(listed)
    assert set(offered(adapter)) == set(listed) - {"open-session"}
    assert validate(adapter) == offered(adapter)


def test_the_yaml_twin_offers_all_but_what_needs_python() -> None:
    """Webhook registration (webhook + trigger), full read and requester upsert stay Python."""
    rest = twin("zendesk")
    assert set(offered(rest)) == set(offered(ZendeskAdapter())) - {
        "webhooks", "full-read", "requester"
    }  # fmt: skip
    assert validate(rest) == offered(rest)
    with pytest.raises(NotSupported, match="trigger"):
        rest.register_webhook("https://probe.example/hook", "s")


# A webhook an admin subscribed to Zendesk's ticket events: the envelope and detail object of
# https://developer.zendesk.com/api-reference/webhooks/event-types/ticket-events (detail ids are
# strings; external_id "returned as a string").
TICKET_EVENT = {
    "type": "zen:event-type:ticket.agent_assignment_changed",
    "account_id": 12514403,
    "id": "2b24ef10-19d4-4740-93cf-8f98ec4776c0",
    "time": "2099-07-04T05:33:18Z",
    "zendesk_event_version": "2022-11-06",
    "subject": "zen:ticket:35436",
    "detail": {
        "actor_id": "235323", "assignee_id": "235323", "brand_id": "360001",
        "created_at": "2099-07-04T05:27:58Z", "custom_status": "1",
        "description": "我上周申请的退款还没有到账。", "external_id": "poc-000123",
        "form_id": "360000", "group_id": "98738", "id": "35436", "is_public": True,
        "organization_id": "509974", "priority": "HIGH", "requester_id": "20978392",
        "status": "OPEN", "subject": "退款还没到账", "submitter_id": "20978392",
        "tags": ["csm-harness", "refunds"], "type": "QUESTION",
        "updated_at": "2099-07-04T05:33:18Z", "via": {"channel": "web_service"},
    },
    "event": {"current": "235323", "previous": "",
              "meta": {"sequence": {"id": "CE4A698AF24F35B3208649C6951E000E", "position": 1,
                                    "total": 1}}},
}  # fmt: skip


def test_documented_ticket_event_payload_is_an_assignment() -> None:
    secret, timestamp = "dGhpc19zZWNyZXRfaXNfYmFzZTY0", "2099-07-04T05:33:19Z"
    body = json.dumps(TICKET_EVENT).encode()
    headers = {
        "x-zendesk-webhook-signature": webhook_signature(secret, timestamp, body),
        "x-zendesk-webhook-signature-timestamp": timestamp,
        "x-zendesk-webhook-id": "01GK8E6BKWMJZD2TEXAMPLE",
        "x-zendesk-webhook-invocation-id": "8350205582",
    }
    event = ZendeskAdapter().parse_webhook(headers, body, secret)
    assert event is not None and event.event_id == TICKET_EVENT["id"]
    assignment = event.assignment
    assert (assignment.ticket_id, assignment.agent_id, assignment.queue) == (
        "35436",
        "235323",
        "98738",
    )
    assert assignment.external_id == "poc-000123"
    unassigned = json.loads(body)
    unassigned["event"]["current"] = ""
    unassigned["detail"]["assignee_id"] = ""
    assert ZendeskAdapter().parse_webhook({}, json.dumps(unassigned).encode(), None) is None
    without_signature = {k: v for k, v in headers.items() if "signature" not in k}
    with pytest.raises(WebhookRejected):
        ZendeskAdapter().parse_webhook(without_signature, body, secret)


def test_documented_ticket_created_event_without_an_assignee_is_no_assignment() -> None:
    """Another documented ticket event of the same envelope (a new, unassigned ticket): read,
    signature verified, and not taken for an assignment."""
    created = {
        **TICKET_EVENT,
        "type": "zen:event-type:ticket.created",
        "id": "01HNXXXX-CTEXAMPLE",
        "detail": {**TICKET_EVENT["detail"], "assignee_id": None, "group_id": None},  # type: ignore[dict-item]
        "event": {"current": {"status": "OPEN"}},
    }
    secret, timestamp = "dGhpc19zZWNyZXRfaXNfYmFzZTY0", "2099-07-04T05:33:19Z"
    body = json.dumps(created).encode()
    headers = {
        "x-zendesk-webhook-signature": webhook_signature(secret, timestamp, body),
        "x-zendesk-webhook-signature-timestamp": timestamp,
    }
    assert ZendeskAdapter().parse_webhook(headers, body, secret) is None
    with pytest.raises(WebhookRejected):
        ZendeskAdapter().parse_webhook(
            {**headers, "x-zendesk-webhook-signature": "x"}, body, secret
        )
