"""The rest schema's features for real helpdesks (issue 14): auth schemes, pagination in every
common style, keyed selection in field paths, "absent" sentinels, free-form enums, error rules
on answer text, answers that hold no ticket, and fields read by a second request.

The adapter is sans-IO: these tests drive its flows with the answers a vendor would give and
check the requests it sends. Live round trips against a sandbox preset with these traits are in
``test_rest_desk.py``."""

from __future__ import annotations

import json
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.config import load_vendor
from harness.config.rest import Pagination
from harness.config.vendor import VendorSpec
from harness.model import Channel, Customer, Priority, Ticket, TicketRef, TicketStatus
from harness.redact import Secret
from harness.vendors.auth import bearer, signer_for
from harness.vendors.base import ApiFailure, ApiRequest, ApiResponse, FailureKind
from harness.vendors.capabilities import TicketChanges
from harness.vendors.rest import RestAdapter
from harness.vendors.rest_paging import follow, link_next, next_cursor
from harness.vendors.templating import MISSING, get_path

CUSTOM = [{"name": "Channel", "values": ["web"]}, {"name": "Order No.", "values": []}]


def test_keyed_selection_in_field_paths() -> None:
    ticket = {"CustomFields": CUSTOM, "Owner": {"id": "Nobody"}}
    assert get_path(ticket, "CustomFields[name=Channel].values.0") == "web"
    assert get_path(ticket, "CustomFields[name=Order No.].values") == []
    assert get_path(ticket, "CustomFields[name=Missing].values.0") is MISSING
    assert get_path(CUSTOM, "[name=Channel].values.0") == "web"  # an array answer
    assert get_path(ticket, "Owner[name=x]") is MISSING  # a selection on a non-list


def _page(style: str, **options: Any) -> Pagination:
    return Pagination.model_validate({"style": style, **options})


def test_cursor_pagination_with_an_inverse_end_flag() -> None:
    paging = _page("cursor", next="meta.after_cursor", more="meta.has_more")
    body = {"meta": {"has_more": True, "after_cursor": "c2"}}
    assert next_cursor(paging, body, {}, None, 100, 100) == "c2"
    ended = {"meta": {"has_more": False, "after_cursor": "c3"}}  # a cursor is always present
    assert next_cursor(paging, ended, {}, "c2", 3, 100) is None
    flagged = _page("cursor", next="next_cursor", end="end_of_stream")
    assert next_cursor(flagged, {"next_cursor": "x", "end_of_stream": True}, {}, None, 5, 5) is None


def test_offset_and_page_pagination_end_at_the_total() -> None:
    offset = _page("offset", total="total")
    assert next_cursor(offset, {"total": 25}, {}, "0", 10, 10) == "10"
    assert next_cursor(offset, {"total": 20}, {}, "10", 10, 10) is None  # full page, but done
    page = _page("page", total="count")
    assert next_cursor(page, {"count": 25}, {}, "2", 10, 10) == "3"
    assert next_cursor(page, {"count": 20}, {}, "2", 10, 10) is None
    assert next_cursor(_page("page"), {}, {}, "1", 0, 10) is None  # an empty page ends it


def test_next_url_and_link_header_pagination() -> None:
    url = _page("url", next="next")
    body = {"count": 30, "next": "http://127.0.0.1:8000/api/tickets/?page=2", "results": []}
    assert next_cursor(url, body, {}, None, 25, 25) == body["next"]
    assert next_cursor(url, {"next": None}, {}, body["next"], 5, 25) is None
    header = '<https://x.example/api/v2/tickets?page=3>; rel="next", <https://x/1>; rel="prev"'
    assert next_cursor(_page("link"), {}, {"link": header}, None, 2, 2) == (
        "https://x.example/api/v2/tickets?page=3"
    )
    assert link_next('<https://x/1>; rel="prev"') is None


def test_a_next_url_is_followed_on_the_vendors_base_url_only() -> None:
    assert follow("http://evil.example/desk/api/tickets/?page=2&page_size=5", "/desk", "/x") == (
        "/api/tickets/",
        {"page": "2", "page_size": "5"},
    )
    assert follow("?page=4", "", "/api/tickets/") == ("/api/tickets/", {"page": "4"})


def test_a_token_scheme_and_another_header() -> None:
    request = ApiRequest("GET", "/api/tickets/", "GET /tickets")
    assert bearer(Secret("k1"), "Token")(request).headers["Authorization"] == "Token k1"
    assert bearer(Secret("k1"), "", "X-Api-Key")(request).headers["X-Api-Key"] == "k1"


DESK: dict[str, Any] = {
    "name": "desk",
    "title": {"en": "Desk", "zh-CN": "工单台"},
    "adapter": "rest",
    "base_url": "https://desk.example/REST/2.0",
    "auth": {"kind": "bearer", "scheme": "token", "token_env": "DESK_TOKEN"},
    "rest": {
        "operations": {
            "create_ticket": {
                "request": {
                    "method": "POST",
                    "path": "/ticket",
                    "body": {
                        "Subject": "{ticket.subject}",
                        "Queue": "{ticket.category}",
                        "Requestor": "{ticket.customer.identities.email}",
                        "CustomFields": {"Channel": "{ticket.channel}"},
                    },
                },
            },
            "get_ticket": {"request": {"method": "GET", "path": "/ticket/{ref.id}"}},
            "update_ticket": {
                "request": {
                    "method": "PUT",
                    "path": "/ticket/{ref.id}",
                    "body": {"Status": "{changes.status}"},
                },
                "result": None,
            },
            "list_tickets": {
                "request": {"method": "GET", "path": "/tickets", "query": {"per_page": "{limit}"}},
                "items": "items",
                "pagination": {"style": "url", "next": "next_page"},
            },
        },
        "ticket": {
            "id": "id",
            "subject": "Subject",
            "status": "Status",
            "queue": {"path": "Queue.id", "unassigned": ["0"]},
            "category": "Queue.id",
            "assignee": {"path": "Owner.id", "unassigned": ["nobody", None]},
            "requester": "Requestor.0.id",
            "description": {
                "request": {"method": "GET", "path": "/ticket/{ref.id}/history"},
                "path": "items[type=Create].Content",
            },
            "custom_fields": {"Channel": "CustomFields[name=Channel].values.0"},
        },
        "enums": {
            "status": {"write": {"new": "new", "open": "open", "solved": "resolved"}},
            "category": {"write": {"refunds": 3, "billing": 4}},
        },
        "errors": [
            {"status": "2xx", "body": {"path": "", "matches": "isn't a valid"}, "kind": "client"},
        ],
        "assignment": {"observe": ["polling"]},
    },
}


@pytest.fixture
def desk(tmp_path: Path) -> RestAdapter:
    path = tmp_path / "desk.yaml"
    path.write_text(yaml.safe_dump(DESK, allow_unicode=True), encoding="utf-8")
    return RestAdapter.from_spec(load_vendor(path))


def _answer(status: int, body: Any, **headers: str) -> ApiResponse:
    return ApiResponse(status, headers, json.dumps(body).encode())


def _drive(flow: Generator[ApiRequest, ApiResponse, Any], *answers: ApiResponse) -> Any:
    """Run a flow, answering each request in turn; return (requests, result)."""
    sent = [next(flow)]
    sent.extend(flow.send(answer) for answer in answers[:-1])
    try:
        flow.send(answers[-1])
    except StopIteration as stop:
        return sent, stop.value
    raise AssertionError("the flow asked for more requests than answered")


TICKET = {
    "id": 12,
    "Subject": "退款",
    "Status": "new",
    "Queue": {"id": 3},
    "Owner": {"id": "Nobody"},
    "Requestor": [{"id": "li.na@example.cn"}],
    "CustomFields": CUSTOM,
}
HISTORY = {"items": [{"type": "Status", "Content": ""}, {"type": "Create", "Content": "没到账"}]}


def test_a_ticket_read_with_sentinels_keyed_fields_and_a_second_request(
    desk: RestAdapter,
) -> None:
    sent, state = _drive(
        desk.get_ticket(TicketRef("12", "")), _answer(200, TICKET), _answer(200, HISTORY)
    )
    assert [r.path for r in sent] == ["/ticket/12", "/ticket/12/history"]
    assert state.assignee is None and state.ref.assignment is None  # "Nobody" is nobody
    assert (state.category, state.queue) == ("refunds", "3")  # enums.category names it
    assert state.description == "没到账"
    assert state.custom_fields == {"Channel": "web"}
    assert state.requester == "li.na@example.cn"
    owned = TICKET | {"Owner": {"id": "agent7"}, "Queue": {"id": 0}}
    _, assignment = _drive(desk.fetch_assignment(TicketRef("12", "")), _answer(200, owned))
    assert (assignment.agent_id, assignment.queue) == ("agent7", None)  # queue 0 is no queue


def test_an_update_answered_by_messages_is_read_back_and_200_failures_are_errors(
    desk: RestAdapter,
) -> None:
    changes = TicketChanges(status=TicketStatus.SOLVED)
    messages = _answer(200, ["Ticket 12: Status changed from 'new' to 'resolved'"])
    solved = _answer(200, TICKET | {"Status": "resolved"})
    sent, state = _drive(
        desk.update_ticket(TicketRef("12", ""), changes), messages, solved, _answer(200, HISTORY)
    )
    assert sent[0].json == {"Status": "resolved"}
    assert [r.method for r in sent] == ["PUT", "GET", "GET"]
    assert state.status is TicketStatus.SOLVED
    refused = _answer(200, ["Ticket 12: 'bogus' isn't a valid status"])
    with pytest.raises(ApiFailure) as info:
        _drive(desk.update_ticket(TicketRef("12", ""), changes), refused)
    assert info.value.kind is FailureKind.CLIENT and "isn't a valid status" in info.value.detail


def test_create_maps_categories_and_requester_and_lists_follow_next_urls(
    desk: RestAdapter, monkeypatch: pytest.MonkeyPatch
) -> None:
    customer = Customer("C1", "李娜", {Channel.EMAIL: "li.na@example.cn"})
    ticket = Ticket("x-1", "退款", "没到账", Channel.WEB, Priority.HIGH, "refunds", customer)
    sent, ref = _drive(desk.create_ticket(ticket), _answer(201, {"id": 12}))
    assert sent[0].json == {
        "Subject": "退款",
        "Queue": 3,
        "Requestor": "li.na@example.cn",
        "CustomFields": {"Channel": "web"},
    }
    assert ref.id == "12"
    following = "https://desk.example/REST/2.0/tickets?page=2&per_page=1"
    sent, page = _drive(
        desk.list_tickets(None, 1), _answer(200, {"items": [TICKET], "next_page": following})
    )
    assert (sent[0].path, sent[0].params) == ("/tickets", {"per_page": "1"})
    assert page.next_cursor == following
    sent, page = _drive(desk.list_tickets(following, 1), _answer(200, {"items": [TICKET]}))
    assert (sent[0].path, sent[0].params) == ("/tickets", {"page": "2", "per_page": "1"})
    assert page.next_cursor is None
    monkeypatch.setenv("DESK_TOKEN", "k9")
    signer = signer_for(VendorSpec.model_validate(DESK).auth, "desk.yaml")
    assert signer(sent[0]).headers["Authorization"] == "token k9"
