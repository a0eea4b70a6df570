"""The rest adapter on vendors unlike the sandbox: numeric enumerations, page and offset
pagination, body-coded errors (``code != 1000``), 403 quota answers without Retry-After, and
assignment returned in the create answer. Everything through httpx_sync against respx."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import respx
import yaml

from harness.config import load_vendor
from harness.model import Channel, Customer, Priority, Ticket, TicketRef, TicketStatus
from harness.transport.backoff import Backoff
from harness.transport.httpx_sync import HttpxExecutor
from harness.vendors.base import ApiFailure, FailureKind
from harness.vendors.capabilities import HistoricalTicket, NotSupported
from harness.vendors.registry import adapter_for
from harness.vendors.rest import RestAdapter

BASE = "https://desk.acme.example"
ACME: dict[str, Any] = {
    "name": "acme",
    "title": {"en": "Acme", "zh-CN": "Acme 客服"},
    "adapter": "rest",
    "base_url": BASE,
    "auth": {"kind": "none"},
    "rest": {
        "operations": {
            "create_ticket": {
                "request": {
                    "method": "POST",
                    "path": "/v1/work_items",
                    "headers": {"Idempotency-Key": "{idempotency_key}"},
                    "body": {
                        "title": "{ticket.subject}",
                        "body": "{ticket.description}",
                        "level": "{ticket.priority}",
                        "source": "{ticket.channel}",
                        "ref": "ext-{ticket.external_id}",
                        "order": "{ticket.custom_fields.order_no}",
                    },
                },
                "result": "data",
            },
            "get_ticket": {
                "request": {"method": "GET", "path": "/v1/work_items/{ref.id}"},
                "result": "data",
            },
            "list_tickets": {
                "request": {
                    "method": "GET",
                    "path": "/v1/work_items",
                    "query": {"page": "{cursor}", "size": "{limit}"},
                },
                "items": "data.items",
                "pagination": {"style": "page", "first": 1},
            },
            "import_tickets": {
                "request": {"method": "POST", "path": "/v1/work_items/create_many",
                            "body": {"items": "{tickets}"}},
                "item": {"title": "{ticket.subject}", "level": "{ticket.priority}"},
                "batch": 2,
                "job_id": "job.id",
            },
            "import_status": {
                "request": {"method": "GET", "path": "/v1/jobs/{job.id}"},
                "status": "job.state",
                "done": ["completed", "failed"],
                "results": "job.results",
            },
            "export_tickets": {
                "request": {
                    "method": "GET",
                    "path": "/v1/export",
                    "query": {"from": "{since}", "offset": "{cursor}", "limit": "{limit}"},
                },
                "items": "rows",
                "pagination": {"style": "offset"},
            },
        },
        "ticket": {
            "id": "wid",
            "external_id": "ref",
            "subject": "title",
            "status": "state",
            "priority": "level",
            "assignee": "owner.id",
            "queue": "owner.group",
        },
        "enums": {
            "priority": {"write": {"low": 0, "normal": 1, "high": 2, "urgent": 3}},
            "channel": {
                "write": {"web": 1, "email": 2, "phone": 3, "chat": 4, "wechat": 5, "app": 6,
                          "weibo": 7},
            },
            "status": {
                "write": {"new": 0, "open": 1, "pending": 2, "solved": 3, "closed": 99},
                "read": {"98": "closed"},
            },
        },
        "errors": [
            {"status": 403, "body": {"path": "code", "equals": "REQUEST_LIMIT_EXCEEDED"},
             "kind": "throttled", "message": "message"},
            {"body": {"path": "code", "not_equals": 1000}, "kind": "client", "message": "msg"},
        ],
        "assignment": {"observe": ["same_response", "polling"]},
    },
}  # fmt: skip


@pytest.fixture
def adapter(tmp_path: Path) -> RestAdapter:
    path = tmp_path / "acme.yaml"
    path.write_text(yaml.safe_dump(ACME, allow_unicode=True), encoding="utf-8")
    built = adapter_for(load_vendor(path), str(path))
    assert isinstance(built, RestAdapter)
    return built


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
def client() -> Iterator[HttpxExecutor]:
    with HttpxExecutor(BASE) as executor:
        yield executor


def _item(**extra: Any) -> dict[str, Any]:
    return {"wid": 7, "ref": "ext-x-1", "title": "退款", "state": 1, "level": 2} | extra


def _ticket() -> Ticket:
    return Ticket(
        "x-1", "退款", "没到账", Channel.WECHAT, Priority.HIGH, "refunds",
        Customer("C1", "张伟"), {"order_no": "SO1"},
    )  # fmt: skip


def test_create_maps_enums_and_reads_the_assignment_from_the_answer(
    adapter: RestAdapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    route = api.post("/v1/work_items").respond(
        200, json={"code": 1000, "data": _item(owner={"id": 31, "group": "vip"})}
    )
    ref = client.run(adapter.create_ticket(_ticket()))
    sent = route.calls.last.request
    assert json.loads(sent.content) == {
        "title": "退款", "body": "没到账", "level": 2, "source": 5, "ref": "ext-x-1",
        "order": "SO1",
    }  # fmt: skip
    assert len(sent.headers["Idempotency-Key"]) == 36
    assert ref.id == "7" and ref.external_id == "ext-x-1"
    assert ref.assignment is not None and (ref.assignment.agent_id, ref.assignment.queue) == (
        "31", "vip"
    )  # fmt: skip


def test_body_code_and_403_quota_rules(
    adapter: RestAdapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    api.get("/v1/work_items/7").respond(200, json={"code": 2059, "msg": "签名错误"})
    with pytest.raises(ApiFailure) as caught:
        client.run(adapter.get_ticket(TicketRef("7", "")))
    assert (caught.value.kind, caught.value.status, caught.value.detail) == (
        FailureKind.CLIENT, 200, "签名错误"
    )  # fmt: skip
    api.get("/v1/work_items/8").respond(
        403, json={"code": "REQUEST_LIMIT_EXCEEDED", "message": "TotalRequests Limit exceeded."}
    )
    waits: list[float] = []
    with HttpxExecutor(
        BASE, backoff=Backoff(max_retries=2), classify=adapter.classify, sleep=waits.append
    ) as ex:
        with pytest.raises(ApiFailure) as caught:
            ex.run(adapter.get_ticket(TicketRef("8", "")))
    assert caught.value.kind is FailureKind.THROTTLED and caught.value.retry_after is None
    assert len(waits) == 2  # no Retry-After: exponential backoff, bounded
    assert (ex.counts.throttled, ex.counts.broken) == (3, 0)


def test_status_read_map_and_unknown_values(
    adapter: RestAdapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    api.get("/v1/work_items/7").respond(200, json={"code": 1000, "data": _item(state=98)})
    assert client.run(adapter.get_ticket(TicketRef("7", ""))).status is TicketStatus.CLOSED
    api.get("/v1/work_items/9").respond(200, json={"code": 1000, "data": _item(state=42)})
    with pytest.raises(ApiFailure) as caught:
        client.run(adapter.get_ticket(TicketRef("9", "")))
    assert caught.value.kind is FailureKind.PROTOCOL and "42" in caught.value.detail


def test_page_and_offset_pagination(
    adapter: RestAdapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    api.get("/v1/work_items", params={"page": "1"}).respond(
        200, json={"code": 1000, "data": {"items": [_item(), _item(wid=8)]}}
    )
    api.get("/v1/work_items", params={"page": "2"}).respond(
        200, json={"code": 1000, "data": {"items": [_item(wid=9)]}}
    )
    first = client.run(adapter.list_tickets(None, 2))
    assert ([s.ref.id for s in first.items], first.next_cursor) == (["7", "8"], "2")
    last = client.run(adapter.list_tickets("2", 2))
    assert last.next_cursor is None
    route = api.get("/v1/export").respond(200, json={"code": 1000, "rows": [_item(), _item()]})
    page = client.run(adapter.export_tickets(1_700_000_000, None, 2))
    assert page.next_cursor == "2"
    assert dict(route.calls.last.request.url.params) == {
        "from": "1700000000", "offset": "0", "limit": "2"
    }  # fmt: skip


def test_undescribed_operations_are_not_supported(adapter: RestAdapter) -> None:
    with pytest.raises(NotSupported, match=r"rest\.operations\.update_ticket"):
        adapter.update_ticket(TicketRef("7", ""), None)  # type: ignore[arg-type]
    with pytest.raises(NotSupported):
        adapter.register_webhook("http://127.0.0.1/hook", "s")
    assert adapter.capabilities() == ["list", "poll-assignment", "bulk-import", "export"]


def test_bulk_import_in_batches_then_job_status(
    adapter: RestAdapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    submit = api.post("/v1/work_items/create_many").respond(
        200, json={"code": 1000, "job": {"id": "j-1", "state": "queued"}}
    )
    job = client.run(
        adapter.import_tickets([HistoricalTicket(_ticket(), TicketStatus.CLOSED, 0.0)] * 3)
    )
    assert job.job_ids == ("j-1", "j-1") and not job.done
    batches = [json.loads(call.request.content)["items"] for call in submit.calls]
    assert [len(b) for b in batches] == [2, 1]
    assert batches[0][0] == {"title": "退款", "level": 2}
    api.get("/v1/jobs/j-1").respond(
        200,
        json={"code": 1000, "job": {"state": "completed", "results": [
            {"index": 0, "id": 71}, {"index": 1, "error": "duplicate"}]}},
    )  # fmt: skip
    status = client.run(adapter.import_status("j-1"))
    assert status.done and status.created == ((0, "71"),) and status.failed == ((1, "duplicate"),)


def test_vendor_schema_json_is_fresh() -> None:
    from harness.config import vendor_schema_text

    root = Path(__file__).resolve().parents[2]
    shipped = (root / "scenarios" / "vendors" / "schema.json").read_text(encoding="utf-8")
    assert shipped == vendor_schema_text(), (
        "run: python -c 'from harness.config import write_vendor_schema; write_vendor_schema()'"
    )
    assert "import_status" in shipped and "hmac-sha256" in shipped
