"""Both sides of the desk in the sandbox, driven through the sandbox adapter: agents sign in,
long-poll their inbox, reply and close; customers long-poll for replies; faults show in truth."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from harness.model import Channel, Customer, Sender
from harness.redact import Secret
from harness.sandbox import SandboxProcess
from harness.transport.httpx_sync import HttpxExecutor
from harness.vendors.auth import bearer
from harness.vendors.base import ApiFailure
from harness.vendors.chat import AgentEventKind, MessagePage, NewSession, SessionRef
from harness.vendors.sandbox import SandboxAdapter
from tests.fixtures.sandbox import SandboxFactory
from tests.sandbox.conftest import ClientFactory
from tests.sandbox.helpers import unique

ADAPTER = SandboxAdapter()


@pytest.fixture
def two_agents(sandbox_factory: SandboxFactory) -> SandboxProcess:
    """Two agents of capacity 1, nobody simulated: only signed-in agents get sessions."""
    return sandbox_factory(
        "solid", agents=2, agent_capacity=1, simulated_agents="false", decision_time_s=0
    )


@pytest.fixture
def desk(two_agents: SandboxProcess, sandbox_token: str) -> Iterator[HttpxExecutor]:
    """The sandbox adapter over httpx, against ``two_agents``."""
    with HttpxExecutor(two_agents.url, bearer(Secret(sandbox_token)), timeout=20) as executor:
        yield executor


@pytest.fixture
def raw(two_agents: SandboxProcess, client_for: ClientFactory) -> httpx.Client:
    """The same sandbox, for routes the adapter does not wrap."""
    return client_for(two_agents)


def _open(executor: HttpxExecutor, external_id: str, text: str = "你好") -> SessionRef:
    customer = Customer("C1", "张三")
    new = NewSession(external_id, customer, Channel.CHAT, "billing", text, f"{external_id}:c1")
    return executor.run(ADAPTER.open_session(new))


def test_agent_signs_in_gets_the_session_replies_and_closes(
    desk: HttpxExecutor, raw: httpx.Client
) -> None:
    ref = _open(desk, unique("s"))
    assert ref.assignment is None  # nobody signed in: the session waits in its queue
    agents = desk.run(ADAPTER.list_agents())
    assert [a.id for a in agents] == ["A001", "A002"]
    page = desk.run(ADAPTER.fetch_messages(ref, None, 0))
    assert page.agent_id is None and not page.closed
    assert [m.client_id for m in page.messages] == [f"{ref.external_id}:c1"]

    desk.run(ADAPTER.agent_sign_in("A001"))
    inbox = desk.run(ADAPTER.agent_inbox("A001", None, 5))
    kinds = [e.kind for e in inbox.events]
    assert kinds == [AgentEventKind.ASSIGNED, AgentEventKind.MESSAGE]
    assert inbox.events[0].external_id == ref.external_id
    message = inbox.events[1].message
    assert message is not None and message.client_id == f"{ref.external_id}:c1"

    # The assignment made since the customer's last read answers the next read at once.
    page = desk.run(ADAPTER.fetch_messages(ref, page.cursor, 10))
    assert page.agent_id == "A001" and page.messages == ()

    # The customer long-polls; the agent's reply ends the wait at once.
    cursor = page.cursor
    result: dict[str, MessagePage] = {}
    waited: list[float] = []

    def customer_waits() -> None:
        started = time.monotonic()
        result["page"] = desk.run(ADAPTER.fetch_messages(ref, cursor, 10))
        waited.append(time.monotonic() - started)

    waiter = threading.Thread(target=customer_waits)
    waiter.start()
    time.sleep(0.3)
    reply = desk.run(ADAPTER.agent_reply("A001", ref.id, "您好", f"{ref.external_id}:a1"))
    waiter.join(10)
    got = result["page"]
    assert [m.key for m in got.messages] == [reply.key]
    assert got.agent_id == "A001"
    assert 0.2 < waited[0] < 3

    # A retried client message id is answered again, never delivered twice.
    again = desk.run(ADAPTER.send_message(ref, Sender.CUSTOMER, "再问", f"{ref.external_id}:c2"))
    replay = desk.run(ADAPTER.send_message(ref, Sender.CUSTOMER, "再问", f"{ref.external_id}:c2"))
    assert replay.id == again.id
    inbox = desk.run(ADAPTER.agent_inbox("A001", inbox.cursor, 2))
    assert [e.message.key for e in inbox.events if e.message] == [f"{ref.external_id}:c2"]

    desk.run(ADAPTER.agent_close("A001", ref.id))
    page = desk.run(ADAPTER.fetch_messages(ref, got.cursor, 5))
    assert page.closed
    load = {a.id: a for a in desk.run(ADAPTER.list_agents())}
    assert load["A001"].capacity == 1
    truth = raw.get("/_sandbox/truth").json()
    [row] = [s for s in truth["sessions"] if s["external_id"] == ref.external_id]
    assert row["closed_by"] == "agent"
    assert [(m["sender"], m["client_id"], m["delivered"]) for m in row["messages"]] == [
        ("customer", f"{ref.external_id}:c1", 1),
        ("agent", f"{ref.external_id}:a1", 1),
        ("customer", f"{ref.external_id}:c2", 1),
    ]
    agents_now = raw.get("/api/v1/agents").json()["agents"]
    assert [(a["id"], a["load"], a["signed_in"]) for a in agents_now] == [
        ("A001", 0, True),
        ("A002", 0, False),
    ]


def test_capacity_frees_on_agent_close_and_customer_close_tells_the_agent(
    desk: HttpxExecutor,
) -> None:
    desk.run(ADAPTER.agent_sign_in("A002"))
    first, second = _open(desk, unique("f")), _open(desk, unique("s"))
    inbox = desk.run(ADAPTER.agent_inbox("A002", None, 5))
    assert {e.session_id for e in inbox.events} == {first.id}  # capacity 1: one at a time
    with pytest.raises(ApiFailure, match="not_assigned"):
        desk.run(ADAPTER.agent_reply("A002", second.id, "hi", "x"))
    desk.run(ADAPTER.agent_close("A002", first.id))
    inbox = desk.run(ADAPTER.agent_inbox("A002", inbox.cursor, 5))
    assert inbox.events[0].kind is AgentEventKind.ASSIGNED
    assert inbox.events[0].session_id == second.id
    desk.run(ADAPTER.close_session(second))  # the customer leaves
    inbox = desk.run(ADAPTER.agent_inbox("A002", inbox.cursor, 5))
    closed = [e for e in inbox.events if e.kind is AgentEventKind.CLOSED]
    assert [e.session_id for e in closed] == [second.id]


def test_inbox_long_poll_answers_when_an_event_arrives(desk: HttpxExecutor) -> None:
    desk.run(ADAPTER.agent_sign_in("A001"))
    started = time.monotonic()
    timer = threading.Timer(0.5, lambda: _open(desk, unique("lp")))
    timer.start()
    inbox = desk.run(ADAPTER.agent_inbox("A001", None, 10))
    elapsed = time.monotonic() - started
    timer.join()
    assert inbox.events and 0.4 < elapsed < 3
    empty = desk.run(ADAPTER.agent_inbox("A002", None, 0))  # signed out: nothing, at once
    assert empty.events == ()


def test_faults_drop_and_duplicate_messages(
    sandbox_factory: SandboxFactory, client_for: ClientFactory, sandbox_token: str
) -> None:
    sandbox = sandbox_factory(
        "solid",
        agents=1,
        simulated_agents="false",
        decision_time_s=0,
        drop_message_every=3,
        duplicate_message_every=2,
    )
    with HttpxExecutor(sandbox.url, bearer(Secret(sandbox_token))) as executor:
        executor.run(ADAPTER.agent_sign_in("A001"))
        ref = _open(executor, "fault", "m1")  # message 1: delivered
        for n in (2, 3, 4):  # 2: twice, 3: dropped, 4: twice
            executor.run(ADAPTER.send_message(ref, Sender.CUSTOMER, f"m{n}", f"fault:c{n}"))
        time.sleep(0.2)
        inbox = executor.run(ADAPTER.agent_inbox("A001", None, 2))
        keys = [e.message.key for e in inbox.events if e.message]
        assert keys == ["fault:c1", "fault:c2", "fault:c2", "fault:c4", "fault:c4"]
    truth = client_for(sandbox).get("/_sandbox/truth").json()
    [row] = truth["sessions"]
    assert [m["delivered"] for m in row["messages"]] == [1, 2, 0, 2]


def test_bad_query_and_unknown_agent(api: httpx.Client) -> None:
    assert api.get("/api/v1/agents/A999/inbox").status_code == 404
    bad = api.get("/api/v1/agents/A001/inbox", params={"wait": "soon", "after": "-1"})
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {"wait", "after"}
