"""Tickets over real HTTP: create, read, update, list with cursors, validation, idempotency."""

from __future__ import annotations

import httpx
import pytest

from tests.sandbox.helpers import ticket_body, unique


def test_create_read_update(api: httpx.Client) -> None:
    ext = unique("crud")
    created = api.post("/api/v1/tickets", json=ticket_body(ext))
    assert created.status_code == 201
    ticket = created.json()["ticket"]
    assert ticket["id"].startswith("T") and len(ticket["id"]) == 7
    assert ticket["external_id"] == ext
    assert ticket["subject"] == "订单未发货"
    assert ticket["customer"]["identities"] == {"wechat": "o-123"}
    assert ticket["status"] == "new"
    assert ticket["created_at"] == ticket["updated_at"]

    read = api.get(f"/api/v1/tickets/{ticket['id']}")
    assert read.status_code == 200
    assert read.json()["ticket"]["external_id"] == ext

    patched = api.patch(
        f"/api/v1/tickets/{ticket['id']}",
        json={"priority": "urgent", "subject": "加急", "custom_fields": {"vip": "yes"}},
    )
    assert patched.status_code == 200
    after = patched.json()["ticket"]
    assert (after["priority"], after["subject"]) == ("urgent", "加急")
    assert after["custom_fields"] == {"order_id": "SO-1", "vip": "yes"}
    assert after["updated_at"] > ticket["updated_at"]


def test_status_transitions(api: httpx.Client) -> None:
    ticket_id = api.post("/api/v1/tickets", json=ticket_body(unique("flow"))).json()["ticket"]["id"]
    url = f"/api/v1/tickets/{ticket_id}"
    assert api.patch(url, json={"status": "solved"}).json()["ticket"]["status"] == "solved"
    assert api.patch(url, json={"status": "closed"}).json()["ticket"]["status"] == "closed"
    refused = api.patch(url, json={"status": "open"})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "invalid_transition"


def test_unknown_ticket_is_404(api: httpx.Client) -> None:
    response = api.get("/api/v1/tickets/T999999")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert api.patch("/api/v1/tickets/T999999", json={}).status_code == 404


def test_validation_lists_every_field(api: httpx.Client) -> None:
    body = ticket_body(unique("bad"), channel="fax", priority="p0", subject=3)
    del body["category"]
    body["customer"] = {"id": "C1", "identities": {"pager": "1"}}
    response = api.post("/api/v1/tickets", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {
        "channel",
        "priority",
        "subject",
        "category",
        "customer.name",
        "customer.identities.pager",
    }
    assert "wechat" in error["fields"]["channel"]


def test_patch_refuses_unknown_fields_and_bad_values(api: httpx.Client) -> None:
    ticket_id = api.post("/api/v1/tickets", json=ticket_body(unique("p"))).json()["ticket"]["id"]
    response = api.patch(f"/api/v1/tickets/{ticket_id}", json={"assignee": "A1", "status": "x"})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"assignee", "status"}


def test_bad_json_is_400(api: httpx.Client) -> None:
    response = api.post(
        "/api/v1/tickets", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_json"


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_oversized_body_is_413(api: httpx.Client, chunked: bool) -> None:
    body = httpx.Request("POST", "/", json=ticket_body("big", description="x" * 65536)).content
    assert len(body) > 64 * 1024
    content = iter([body[:1000], body[1000:]]) if chunked else body
    response = api.post("/api/v1/tickets", content=content)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_idempotent_replay(api: httpx.Client) -> None:
    ext = unique("idem")
    first = api.post("/api/v1/tickets", json=ticket_body(ext))
    again = api.post("/api/v1/tickets", json=ticket_body(ext, subject="changed"))
    assert first.status_code == 201
    assert "X-Idempotent-Replay" not in first.headers
    assert again.status_code == 200
    assert again.headers["X-Idempotent-Replay"] == "true"
    assert again.json()["ticket"]["id"] == first.json()["ticket"]["id"]
    assert again.json()["ticket"]["subject"] == "订单未发货"
    rows = [t for t in api.get("/_sandbox/truth").json()["tickets"] if t["external_id"] == ext]
    assert len(rows) == 1


def test_cursor_pagination_returns_each_ticket_once(api: httpx.Client) -> None:
    prefix = unique("page")
    created = {
        api.post("/api/v1/tickets", json=ticket_body(f"{prefix}-{n}")).json()["ticket"]["id"]
        for n in range(250)
    }
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params = {"limit": "37"} | ({"cursor": cursor} if cursor else {})
        page = api.get("/api/v1/tickets", params=params).json()
        assert len(page["tickets"]) <= 37
        seen += [t["id"] for t in page["tickets"]]
        # tickets keep arriving while we page; they must neither repeat nor shift pages
        api.post("/api/v1/tickets", json=ticket_body(f"{prefix}-late-{pages}"))
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)), "a ticket appeared on two pages"
    assert created <= set(seen)
    assert seen == sorted(seen)  # creation order


@pytest.mark.parametrize(
    "params",
    [{"limit": "0"}, {"limit": "501"}, {"limit": "ten"}, {"cursor": "!!"}, {"cursor": "eDE"}],
    ids=["limit-0", "limit-501", "limit-text", "cursor-garbage", "cursor-foreign"],
)
def test_list_refuses_bad_parameters(api: httpx.Client, params: dict[str, str]) -> None:
    response = api.get("/api/v1/tickets", params=params)
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == set(params)
