"""Webhooks: signed deliveries to a receiver in this test, each assignment event once, retries."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from tests.fixtures.sandbox import SandboxFactory
from tests.sandbox.conftest import ClientFactory
from tests.sandbox.helpers import session_body, ticket_body, wait_for

SECRET = "hook-secret"


@dataclass
class Receiver:
    """A loopback HTTP receiver; answers 503 to the first attempt of the first ``flaky`` events."""

    url: str
    flaky: int = 0
    accepted: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            event_id = headers.get("X-Sandbox-Event-Id", "")
            if len(self.refused) < self.flaky and event_id not in self.refused:
                self.refused.append(event_id)
                return 503
            self.accepted.append((headers, body))
            return 204


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(state[0].handle(dict(self.headers.items()), body))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.append(Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hook"))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield state[0]
    server.shutdown()
    server.server_close()
    thread.join(5)


def _verify(headers: dict[str, str], body: bytes) -> dict[str, Any]:
    timestamp = headers["X-Sandbox-Timestamp"]
    mac = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    assert hmac.compare_digest(headers["X-Sandbox-Signature"], f"sha256={mac.hexdigest()}")
    assert headers["Content-Type"] == "application/json"
    event: dict[str, Any] = json.loads(body)
    assert event["id"] == headers["X-Sandbox-Event-Id"]
    return event


def test_every_assignment_delivered_once_and_signed(
    sandbox_factory: SandboxFactory, client_for: ClientFactory, receiver: Receiver
) -> None:
    receiver.flaky = 3
    client = client_for(sandbox_factory("solid"))
    hook = client.post("/api/v1/webhooks", json={"url": receiver.url, "secret": SECRET})
    assert hook.status_code == 201
    assert hook.json()["webhook"]["url"] == receiver.url
    for n in range(25):
        client.post("/api/v1/tickets", json=ticket_body(f"wh-{n}", category="refunds"))
    for n in range(5):
        client.post("/api/v1/sessions", json=session_body(f"wh-s-{n}"))

    wait_for(lambda: len(receiver.accepted) >= 30, 10, "30 webhook deliveries")
    events = [_verify(headers, body) for headers, body in receiver.accepted]
    assert len({e["id"] for e in events}) == len(events) == 30
    truth = client.get("/_sandbox/truth").json()
    by_external = {row["external_id"]: row for row in truth["tickets"] + truth["sessions"]}
    assert {e["data"]["external_id"] for e in events} == set(by_external)
    for event in events:
        row = by_external[event["data"]["external_id"]]
        kind = "ticket" if row["id"].startswith("T") else "session"
        assert event["type"] == f"{kind}.assigned"
        assert event["data"][f"{kind}_id"] == row["id"]
        assert event["data"]["agent_id"] == row["agent_id"]
        assert event["data"]["queue"] == row["queue"]
        assert event["data"]["assigned_at"] == row["assigned_at"]
    assert truth["webhooks"] == {"delivered": 30, "failed": 0, "retried": 3}

    assert client.delete(f"/api/v1/webhooks/{hook.json()['webhook']['id']}").status_code == 204
    client.post("/api/v1/tickets", json=ticket_body("wh-after-delete"))
    time.sleep(0.3)
    assert len(receiver.accepted) == 30, "delivered to a deleted webhook"
    assert client.delete(f"/api/v1/webhooks/{hook.json()['webhook']['id']}").status_code == 404


def test_unreachable_receiver_counts_failures(
    sandbox_factory: SandboxFactory, client_for: ClientFactory
) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    client = client_for(sandbox_factory("solid"))
    client.post("/api/v1/webhooks", json={"url": dead, "secret": SECRET})
    client.post("/api/v1/tickets", json=ticket_body("dead-1"))
    counts = wait_for(
        lambda: (c := client.get("/_sandbox/truth").json()["webhooks"])["failed"] and c,
        5,
        "a failed delivery",
    )
    assert counts == {"delivered": 0, "failed": 1, "retried": 2}


@pytest.mark.parametrize(
    "body",
    [
        {"url": "https://127.0.0.1/hook", "secret": "s"},
        {"url": "http://example.com/hook", "secret": "s"},
        {"url": "http://10.0.0.8:8080/hook", "secret": "s"},
        {"url": "http://127.0.0.1:1/hook"},
    ],
    ids=["https", "public-host", "private-host", "no-secret"],
)
def test_webhook_registration_refuses(api: httpx.Client, body: dict[str, str]) -> None:
    response = api.post("/api/v1/webhooks", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
