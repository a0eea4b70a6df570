"""Chat sessions: open, message, close; closing frees the agent for the next queued session."""

from __future__ import annotations

import httpx

from tests.fixtures.sandbox import SandboxFactory
from tests.sandbox.conftest import ClientFactory
from tests.sandbox.helpers import session_body, ticket_body, unique, wait_for


def test_session_messages_and_close(api: httpx.Client) -> None:
    created = api.post("/api/v1/sessions", json=session_body(unique("chat")))
    assert created.status_code == 201
    session = created.json()["session"]
    assert session["id"].startswith("S")
    assert session["status"] == "queued"
    assert session["closed_at"] is None
    url = f"/api/v1/sessions/{session['id']}"

    sent = api.post(f"{url}/messages", json={"sender": "customer", "text": "你好"})
    assert sent.status_code == 201
    message = sent.json()["message"]
    assert (message["session_id"], message["sender"], message["text"]) == (
        session["id"],
        "customer",
        "你好",
    )
    api.post(f"{url}/messages", json={"sender": "agent", "text": "您好, 请问有什么可以帮您"})
    messages = api.get(f"{url}/messages").json()["messages"]
    assert [m["sender"] for m in messages] == ["customer", "agent"]

    closed = api.post(f"{url}/close")
    assert closed.status_code == 200
    assert closed.json()["session"]["status"] == "closed"
    assert closed.json()["session"]["closed_at"] is not None
    late = api.post(f"{url}/messages", json={"sender": "customer", "text": "还在吗"})
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "session_closed"


def test_session_validation(api: httpx.Client) -> None:
    response = api.post("/api/v1/sessions", json={"channel": "chat"})
    assert response.status_code == 422
    assert {"external_id", "category", "customer"} <= set(response.json()["error"]["fields"])
    session_id = api.post("/api/v1/sessions", json=session_body(unique("v"))).json()["session"]
    bad = api.post(
        f"/api/v1/sessions/{session_id['id']}/messages", json={"sender": "system", "text": ""}
    )
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {"sender", "text"}
    assert api.get("/api/v1/sessions/S999999").status_code == 404


def test_closing_frees_capacity(sandbox_factory: SandboxFactory, client_for: ClientFactory) -> None:
    """One agent, capacity one, no simulated agents: only the harness frees capacity, and
    only a signed-in agent is routed to."""
    sandbox = sandbox_factory(
        "solid", agents=1, agent_capacity=1, simulated_agents="false", decision_time_s=0
    )
    client = client_for(sandbox)
    assert client.post("/api/v1/agents/A001/sign-in").status_code == 200
    first = client.post("/api/v1/sessions", json=session_body("s-1")).json()["session"]
    second = client.post("/api/v1/sessions", json=session_body("s-2")).json()["session"]
    ticket = client.post("/api/v1/tickets", json=ticket_body("t-1")).json()["ticket"]

    def status(kind: str, item_id: str) -> str:
        return str(client.get(f"/api/v1/{kind}s/{item_id}").json()[kind]["status"])

    wait_for(lambda: status("session", first["id"]) == "active", 5, "the first session")
    agent = client.get("/api/v1/agents").json()["agents"][0]
    assert (agent["capacity"], agent["load"]) == (1, 1)
    assert status("session", second["id"]) == "queued"
    depths = {q["name"]: q["depth"] for q in client.get("/api/v1/queues").json()["queues"]}
    assert depths["billing"] == 2

    client.post(f"/api/v1/sessions/{first['id']}/close")
    wait_for(lambda: status("session", second["id"]) == "active", 5, "the queued session")
    assert status("ticket", ticket["id"]) == "new"

    client.patch(f"/api/v1/tickets/{ticket['id']}", json={"status": "solved"})  # never routed
    client.post(f"/api/v1/sessions/{second['id']}/close")
    wait_for(
        lambda: client.get("/api/v1/agents").json()["agents"][0]["load"] == 0, 5, "a free agent"
    )
    depths = {q["name"]: q["depth"] for q in client.get("/api/v1/queues").json()["queues"]}
    assert depths["billing"] == 0


def test_session_table_admits_at_most_its_capacity(
    sandbox_factory: SandboxFactory, client_for: ClientFactory
) -> None:
    """``session_capacity``: sessions beyond the table wait unrouted (tickets do not) until an
    admitted one closes; one that closes while waiting never takes a slot; truth states it."""
    sandbox = sandbox_factory("solid", agents=2, agent_capacity=5, session_capacity=2,
                              decision_time_s=0, simulated_agents="false")  # fmt: skip
    client = client_for(sandbox)
    for agent in ("A001", "A002"):
        assert client.post(f"/api/v1/agents/{agent}/sign-in").status_code == 200
    ids = [
        client.post("/api/v1/sessions", json=session_body(f"t-{n}")).json()["session"]["id"]
        for n in range(4)
    ]
    ticket = client.post("/api/v1/tickets", json=ticket_body("t-ticket")).json()["ticket"]

    def status(kind: str, item_id: str) -> str:
        return str(client.get(f"/api/v1/{kind}s/{item_id}").json()[kind]["status"])

    wait_for(lambda: [status("session", i) for i in ids[:2]] == ["active"] * 2, 5, "two admitted")
    wait_for(lambda: status("ticket", ticket["id"]) != "new", 5, "the ticket routed")
    assert [status("session", i) for i in ids[2:]] == ["queued", "queued"]
    client.post(f"/api/v1/sessions/{ids[2]}/close")  # leaves while waiting
    client.post(f"/api/v1/sessions/{ids[0]}/close")
    wait_for(lambda: status("session", ids[3]) == "active", 5, "the next waiting session")
    assert status("session", ids[2]) == "closed"
    capacity = client.get("/_sandbox/truth").json()["capacity"]
    assert (capacity["session_table"], capacity["agent_slots"], capacity["sessions"]) == (2, 10, 2)
