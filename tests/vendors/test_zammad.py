"""Zammad contract for ``scenarios/vendors/zammad.yaml`` (the ``rest`` adapter, no Python):
every operation through httpx_sync against respx, with the answers Zammad's public
documentation shows.

Sources (payloads copied from them, ids and values as printed there):

- zammad/zammad-documentation ``api/intro.rst``: ``Authorization: Token token=...``; the ticket
  payload with ``?expand=true`` (``state``, ``priority``, ``group``, ``owner``, ``customer`` by
  name beside the ids); pagination with ``page`` and ``per_page`` and "no total count";
- ``api/ticket/index.rst``: List (a JSON array), Show, Create (body with ``title``, ``group``,
  ``article{subject, body, type, internal}``, the ``customer_id: "guess:{email}"`` tip, answer
  201 with ``owner_id: 1``), Update (``state: "open"``, ``priority: "3 high"``);
- ``api/ticket/articles.rst``: ``GET /api/v1/ticket_articles/by_ticket/{id}``, an array;
- ``api/ticket/states.rst`` and ``priorities.rst``: the default names (new, open, pending
  reminder, closed, merged, pending close; 1 low, 2 normal, 3 high) and user 1, login "-", in
  the Search answer's assets: the placeholder owner of an unassigned ticket;
- zammad/zammad ``app/controllers/application_controller/handles_errors.rb``: error bodies
  ``{"error": ..., "error_human": ...}`` (422 unprocessable, 404 not found, 401 with an
  ``X-Failure`` header), and ``tickets_controller.rb``: the 422 for an invalid ``guess:``
  address, ``expand`` honoured by index, show, create and update;
- zammad/zammad-admin-documentation ``manage/webhook/payload.rst``: trigger deliveries
  ``{ticket, article}`` with ``X-Zammad-Trigger``, ``X-Zammad-Delivery`` and ``X-Hub-Signature``,
  and zammad/zammad ``lib/user_agent.rb``: the signature is ``sha1=`` + hex HMAC-SHA1 of the body.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from harness.config import load_vendor
from harness.model import Channel, Customer, Priority, Ticket, TicketRef, TicketStatus
from harness.transport.httpx_sync import HttpxExecutor
from harness.vendors.auth import signer_for
from harness.vendors.base import ApiFailure, FailureKind, WebhookRejected
from harness.vendors.capabilities import NotSupported, TicketChanges, offered, validate
from harness.vendors.rest import RestAdapter
from tests.vendors.twins import VENDORS

BASE = "https://zammad.example.com"
FILE = VENDORS / "zammad.yaml"

# api/intro.rst, "Ticket payload", tab ``?expand=true``, as printed.
EXPANDED = {
    "id": 3,
    "group_id": 1,
    "priority_id": 2,
    "state_id": 4,
    "organization_id": 3,
    "number": "71003",
    "title": "Order 787556",
    "owner_id": 3,
    "customer_id": 7,
    "note": None,
    "first_response_at": None,
    "first_response_escalation_at": None,
    "first_response_in_min": None,
    "first_response_diff_in_min": None,
    "close_at": None,
    "close_escalation_at": None,
    "close_in_min": None,
    "close_diff_in_min": None,
    "update_escalation_at": None,
    "update_in_min": None,
    "update_diff_in_min": None,
    "last_contact_at": "2021-02-26T12:44:43.888Z",
    "last_contact_agent_at": "2021-02-26T12:44:43.888Z",
    "last_contact_customer_at": "2021-02-24T14:44:43.828Z",
    "last_owner_update_at": None,
    "create_article_type_id": 1,
    "create_article_sender_id": 2,
    "article_count": 2,
    "escalation_at": None,
    "pending_time": None,
    "type": None,
    "time_unit": None,
    "preferences": {},
    "updated_by_id": 4,
    "created_by_id": 7,
    "created_at": "2021-02-24T14:44:43.828Z",
    "updated_at": "2021-07-26T14:44:43.906Z",
    "article_ids": [5, 6],
    "ticket_time_accounting_ids": [],
    "group": "Sales",
    "organization": "Awesome Customer Inc.",
    "ticket_time_accounting": [],
    "state": "closed",
    "priority": "2 normal",
    "owner": "chris@chrispresso.com",
    "customer": "samuel@example.com",
    "created_by": "samuel@example.com",
    "updated_by": "jacob@chrispresso.com",
    "create_article_type": "email",
    "create_article_sender": "Customer",
}
# api/ticket/index.rst, "Create": the 201 answer (id 19, state_id 1, owner_id 1 = nobody),
# with the names ``?expand=true`` adds; the note carries the harness's external id.
CREATED = EXPANDED | {
    "id": 19,
    "group_id": 2,
    "priority_id": 2,
    "state_id": 1,
    "organization_id": None,
    "number": "22019",
    "title": "Help me!",
    "owner_id": 1,
    "customer_id": 10,
    "note": "poc-000123",
    "article_ids": [30],
    "group": "2nd Level",
    "organization": None,
    "state": "new",
    "priority": "2 normal",
    "owner": "-",
    "customer": "david@example.com",
}
# api/ticket/articles.rst, "List Articles by Ticket", as printed (the "..." left out).
ARTICLES = [
    {"id": 3, "ticket_id": 3, "from": "Bob Smith", "to": "", "cc": "",
     "subject": "some subject", "body": "huhuhuu<br>huhuhuu<br>huhuhuu<br><br>",
     "content_type": "text/html", "type": "note", "internal": False,
     "updated_at": "2016-08-15T07:55:42.119Z", "created_at": "2016-08-15T07:55:42.119Z"},
    {"id": 4, "ticket_id": 3, "from": "Bob Smith", "to": "", "cc": "",
     "subject": "some subject", "body": "huhuhuu<br>huhuhuu<br>huhuhuu<br><br>",
     "content_type": "text/html", "type": "note", "internal": False,
     "updated_at": "2016-08-16T07:55:42.119Z", "created_at": "2016-08-16T07:55:42.119Z"},
]  # fmt: skip


def _ticket() -> Ticket:
    return Ticket(
        external_id="poc-000123",
        subject="Help me!",
        description="I am a message!",
        channel=Channel.EMAIL,
        priority=Priority.URGENT,
        category="refunds",
        customer=Customer("C1", "David Bell", {Channel.EMAIL: "david@example.com"}),
    )


@pytest.fixture
def adapter() -> RestAdapter:
    return RestAdapter.from_spec(load_vendor(FILE))


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[HttpxExecutor]:
    monkeypatch.setenv("ZAMMAD_TOKEN", "zt-1234")
    signer = signer_for(load_vendor(FILE).auth, str(FILE))
    with HttpxExecutor(BASE, signer) as executor:
        yield executor


def _articles(api: respx.MockRouter, ticket_id: int, body: str) -> respx.Route:
    answer = [article | {"ticket_id": ticket_id, "body": body} for article in ARTICLES]
    route = api.get(f"/api/v1/ticket_articles/by_ticket/{ticket_id}")
    return route.respond(200, json=answer)


def test_create_sends_the_documented_body_with_a_token(
    adapter: RestAdapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    route = api.post("/api/v1/tickets", params={"expand": "true"}).respond(201, json=CREATED)
    ref = client.run(adapter.create_ticket(_ticket()))
    assert ref == TicketRef("19", "poc-000123", None)  # owner 1 is nobody: not routed yet
    sent = route.calls.last.request
    assert sent.headers["Authorization"] == "Token token=zt-1234"
    assert json.loads(sent.content) == {
        "title": "Help me!",
        "group": "Users",
        "customer_id": "guess:david@example.com",
        "priority": "3 high",  # no urgent in Zammad's three default priorities
        "note": "poc-000123",
        "article": {"subject": "Help me!", "body": "I am a message!", "type": "note",
                    "internal": False},
    }  # fmt: skip


def test_read_back_names_the_description_behind_the_articles(
    adapter: RestAdapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    api.get("/api/v1/tickets/3", params={"expand": "true"}).respond(200, json=EXPANDED)
    articles = _articles(api, 3, "huhuhuu<br>huhuhuu<br>huhuhuu<br><br>")
    state = client.run(adapter.get_ticket(TicketRef("3", "")))
    assert articles.called  # the first article is the description
    assert state.description == "huhuhuu<br>huhuhuu<br>huhuhuu<br><br>"
    assert (state.subject, state.status, state.priority) == (
        "Order 787556", TicketStatus.CLOSED, Priority.NORMAL
    )  # fmt: skip
    assert (state.queue, state.assignee, state.requester) == ("Sales", "3", "samuel@example.com")
    assert state.ref.assignment is not None and state.ref.assignment.queue == "Sales"


def test_owner_one_is_the_placeholder_until_someone_is_assigned(
    adapter: RestAdapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    api.get("/api/v1/tickets/19", params={"expand": "true"}).side_effect = [
        httpx.Response(200, json=CREATED),
        httpx.Response(200, json=CREATED | {"owner_id": 5, "owner": "emma@chrispresso.com",
                                            "state": "open", "state_id": 2}),
    ]  # fmt: skip
    ref = TicketRef("19", "poc-000123")
    assert client.run(adapter.fetch_assignment(ref)) is None
    assignment = client.run(adapter.fetch_assignment(ref))
    assert assignment is not None
    assert (assignment.agent_id, assignment.queue, assignment.external_id) == (
        "5", "2nd Level", "poc-000123"
    )  # fmt: skip


def test_fresh_ticket_reads_new_and_unassigned(
    adapter: RestAdapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    api.get("/api/v1/tickets/19", params={"expand": "true"}).respond(200, json=CREATED)
    _articles(api, 19, "I am a message!")
    state = client.run(adapter.get_ticket(TicketRef("19", "")))
    assert (state.status, state.assignee, state.ref.assignment) == (TicketStatus.NEW, None, None)
    assert (state.ref.external_id, state.description) == ("poc-000123", "I am a message!")


@pytest.mark.parametrize(
    ("state", "status"),
    [("new", TicketStatus.NEW), ("open", TicketStatus.OPEN),
     ("pending reminder", TicketStatus.PENDING), ("pending close", TicketStatus.SOLVED),
     ("closed", TicketStatus.CLOSED), ("merged", TicketStatus.CLOSED)],
)  # fmt: skip
def test_default_states_read_back(
    adapter: RestAdapter,
    api: respx.MockRouter,
    client: HttpxExecutor,
    state: str,
    status: TicketStatus,
) -> None:
    api.get("/api/v1/tickets/3", params={"expand": "true"}).respond(
        200, json=EXPANDED | {"state": state}
    )
    _articles(api, 3, "x")
    assert client.run(adapter.get_ticket(TicketRef("3", ""))).status is status


@pytest.mark.parametrize(
    ("name", "priority"),
    [("1 low", Priority.LOW), ("2 normal", Priority.NORMAL), ("3 high", Priority.HIGH)],
)
def test_default_priorities_read_back(
    adapter: RestAdapter,
    api: respx.MockRouter,
    client: HttpxExecutor,
    name: str,
    priority: Priority,
) -> None:
    api.get("/api/v1/tickets/3", params={"expand": "true"}).respond(
        200, json=EXPANDED | {"priority": name}
    )
    _articles(api, 3, "x")
    assert client.run(adapter.get_ticket(TicketRef("3", ""))).priority is priority


def test_update_sends_names_as_the_docs_do(
    adapter: RestAdapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    # api/ticket/index.rst, "Update": the 200 answer, expanded.
    updated = CREATED | {"group_id": 1, "group": "Sales", "priority_id": 3, "priority": "3 high",
                         "state_id": 2, "state": "open", "title": "No help for you",
                         "article_ids": [31, 30]}  # fmt: skip
    route = api.put("/api/v1/tickets/19", params={"expand": "true"}).respond(200, json=updated)
    _articles(api, 19, "I am a message!")
    changes = TicketChanges(status=TicketStatus.OPEN, priority=Priority.HIGH,
                            subject="No help for you")  # fmt: skip
    state = client.run(adapter.update_ticket(TicketRef("19", ""), changes))
    assert json.loads(route.calls.last.request.content) == {
        "state": "open", "priority": "3 high", "title": "No help for you"
    }  # fmt: skip
    assert (state.status, state.priority, state.subject, state.queue) == (
        TicketStatus.OPEN, Priority.HIGH, "No help for you", "Sales"
    )  # fmt: skip


def test_solved_goes_in_as_closed(
    adapter: RestAdapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    route = api.put("/api/v1/tickets/19", params={"expand": "true"}).respond(
        200, json=CREATED | {"state": "closed", "state_id": 4}
    )
    _articles(api, 19, "I am a message!")
    changes = TicketChanges(status=TicketStatus.SOLVED)
    state = client.run(adapter.update_ticket(TicketRef("19", ""), changes))
    assert json.loads(route.calls.last.request.content) == {"state": "closed"}
    assert state.status is TicketStatus.CLOSED  # no "solved" state by default


def test_list_pages_until_a_short_page(
    adapter: RestAdapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    first = api.get("/api/v1/tickets", params={"page": "1", "per_page": "2"})
    first.respond(200, json=[EXPANDED | {"id": 1}, EXPANDED | {"id": 2}])
    api.get("/api/v1/tickets", params={"page": "2", "per_page": "2"}).respond(200, json=[EXPANDED])
    page = client.run(adapter.list_tickets(None, 2))
    assert ([s.ref.id for s in page.items], page.next_cursor) == (["1", "2"], "2")
    assert first.calls.last.request.url.params["expand"] == "true"
    last = client.run(adapter.list_tickets("2", 2))
    assert ([s.ref.id for s in last.items], last.next_cursor) == (["3"], None)
    assert last.items[0].description == ""  # listings never make the second request


def test_an_empty_page_ends_the_listing(
    adapter: RestAdapter, api: respx.MockRouter, client: HttpxExecutor
) -> None:
    api.get("/api/v1/tickets", params={"page": "3"}).respond(200, json=[])
    page = client.run(adapter.list_tickets("3", 2))
    assert (page.items, page.next_cursor) == ((), None)


@pytest.mark.parametrize(
    ("status", "body", "kind", "detail"),
    [
        (422, {"error": "Invalid email 'nobody' of customer"}, FailureKind.CLIENT,
         "Invalid email 'nobody' of customer"),
        (422, {"error": "Attribute 'title' required!",
               "error_human": "Attribute 'title' required!"},
         FailureKind.CLIENT, "Attribute 'title' required!"),
        (404, {"error": "Couldn't find Ticket with 'id'=19",
               "error_human": "Couldn't find Ticket with 'id'=19"}, FailureKind.CLIENT,
         "Couldn't find Ticket with 'id'=19"),
        (401, {"error": "Authorization failed", "error_human": "Authorization failed"},
         FailureKind.CLIENT, "Authorization failed"),
        (500, {"error": "Error ID ab12cd34: Please contact your administrator."},
         FailureKind.SERVER, ""),
    ],
    ids=["guess-invalid", "required", "not-found", "unauthorized", "internal"],
)  # fmt: skip
def test_errors_carry_zammads_message(
    adapter: RestAdapter,
    api: respx.MockRouter,
    client: HttpxExecutor,
    status: int,
    body: dict[str, Any],
    kind: FailureKind,
    detail: str,
) -> None:
    headers = {"X-Failure": body["error"]} if status == 401 else {}
    api.post("/api/v1/tickets").respond(status, json=body, headers=headers)
    with pytest.raises(ApiFailure) as caught:
        client.run(adapter.create_ticket(_ticket()))
    assert caught.value.kind is kind
    assert detail in caught.value.detail


def test_webhooks_are_admin_triggers_and_routing_is_polled(adapter: RestAdapter) -> None:
    with pytest.raises(NotSupported, match="trigger"):
        adapter.register_webhook("https://probe.example/hook", "s")
    assert set(offered(adapter)) == {"list", "poll-assignment", "update"}
    assert validate(adapter) == offered(adapter)
    with pytest.raises(NotSupported):
        adapter.import_tickets([])


# manage/webhook/payload.rst (zammad/zammad-admin-documentation), "JSON payload (example)",
# the fields the file reads, as printed; the note carries the harness's external id.
DELIVERY = {
    "ticket": {
        "id": 81,
        "number": "10081",
        "title": "Webhook-Test",
        "group": {"id": 3, "name": "Service Desk", "active": True},
        "group_id": 3,
        "owner": {"id": 5, "login": "emma@chrispresso.com", "email": "emma@chrispresso.com"},
        "owner_id": 5,
        "state": "open",
        "state_id": 2,
        "priority": {"id": 2, "name": "2 normal"},
        "priority_id": 2,
        "note": "poc-000123",
    },
    "article": {"id": 104, "ticket_id": 81, "type": "phone", "sender": "Customer"},
}


def _signed(delivery: dict[str, Any], token: str) -> tuple[dict[str, str], bytes]:
    """Headers as payload.rst lists them; X-Hub-Signature as Zammad's UserAgent sets it
    (``sha1=`` + hex HMAC-SHA1 of the body with the webhook's signature token)."""
    body = json.dumps(delivery).encode()
    digest = hmac.new(token.encode(), body, hashlib.sha1).hexdigest()
    headers = {
        "User-Agent": "Zammad User Agent",
        "X-Zammad-Trigger": "csm-harness: owner changed",
        "X-Zammad-Delivery": "c5e2f4b0a1d3",
        "X-Hub-Signature": f"sha1={digest}",
    }
    return headers, body


def test_a_trigger_delivery_is_verified_and_read(adapter: RestAdapter) -> None:
    headers, body = _signed(DELIVERY, "zw-token")
    event = adapter.parse_webhook(headers, body, "zw-token")
    assert event is not None and event.event_id == "c5e2f4b0a1d3"
    assignment = event.assignment
    assert (assignment.ticket_id, assignment.agent_id, assignment.queue) == (
        "81", "5", "Service Desk"
    )  # fmt: skip
    assert assignment.external_id == "poc-000123"
    with pytest.raises(WebhookRejected, match="signature"):
        adapter.parse_webhook(headers, body, "another-token")
    with pytest.raises(WebhookRejected, match="signature"):
        adapter.parse_webhook(headers, body.replace(b"81", b"82"), "zw-token")


def test_a_delivery_back_to_the_placeholder_owner_is_no_assignment(adapter: RestAdapter) -> None:
    ticket = DELIVERY["ticket"] | {"owner_id": 1, "owner": {"id": 1, "login": "-"}}
    headers, body = _signed(DELIVERY | {"ticket": ticket}, "zw-token")
    assert adapter.parse_webhook(headers, body, "zw-token") is None
