"""The webhook receiver over real loopback sockets (gevent client, no monkey-patching)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import gevent
import pytest
from gevent import socket

from harness.errors import TargetNotAllowed
from harness.load.webhook import MAX_BODY_BYTES, WebhookReceiver, check_receiver_url
from harness.vendors.base import WebhookEvent
from harness.vendors.sandbox import SandboxAdapter

SECRET = "hook-secret"


def _delivery(n: int, secret: str = SECRET, stamp_at: float | None = None) -> bytes:
    body = json.dumps(
        {"id": f"E{n}", "type": "ticket.assigned", "created_at": 1.0,
         "data": {"ticket_id": f"T{n}", "external_id": f"x-{n}", "agent_id": "A1",
                  "queue": "billing", "assigned_at": 2.0}}
    ).encode()  # fmt: skip
    stamp = str(int(time.time() if stamp_at is None else stamp_at)).encode()
    signature = hmac.new(secret.encode(), stamp + b"." + body, hashlib.sha256).hexdigest()
    head = (
        f"POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"X-Sandbox-Timestamp: {stamp.decode()}\r\nX-Sandbox-Signature: sha256={signature}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _read_status(conn: socket.socket) -> str:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n", 1)[0].decode()


def _receiver() -> tuple[WebhookReceiver, list[WebhookEvent], list[int]]:
    events: list[WebhookEvent] = []
    rejected: list[int] = []
    receiver = WebhookReceiver(
        SandboxAdapter(), SECRET, lambda e, _t: events.append(e), lambda: rejected.append(1)
    )
    receiver.start()
    return receiver, events, rejected


def _connect(receiver: WebhookReceiver) -> socket.socket:
    host_port = receiver.url.removeprefix("http://").split("/")[0]
    host, port = host_port.rsplit(":", 1)
    return socket.create_connection((host, int(port)), timeout=5)


def test_keep_alive_deliveries_are_verified_and_handed_on() -> None:
    receiver, events, rejected = _receiver()
    try:
        conn = _connect(receiver)
        for n in range(3):
            conn.sendall(_delivery(n))
            assert _read_status(conn) == "HTTP/1.1 204 No Content"
        conn.sendall(_delivery(9, secret="forged"))
        assert _read_status(conn) == "HTTP/1.1 401 Unauthorized"
        conn.close()
        gevent.sleep(0)
    finally:
        receiver.stop()
    assert [e.assignment.external_id for e in events] == ["x-0", "x-1", "x-2"]
    assert rejected == [1]


def test_oversized_and_wrong_method_are_refused() -> None:
    receiver, events, _ = _receiver()
    try:
        conn = _connect(receiver)
        conn.sendall(
            f"POST /webhooks HTTP/1.1\r\nContent-Length: {MAX_BODY_BYTES + 1}\r\n\r\n".encode()
        )
        assert _read_status(conn) == "HTTP/1.1 413 Payload Too Large"
        conn.close()
        conn = _connect(receiver)
        conn.sendall(b"GET /webhooks HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
        assert _read_status(conn) == "HTTP/1.1 405 Method Not Allowed"
        conn.close()
    finally:
        receiver.stop()
    assert events == []


def test_replayed_stale_and_unsigned_deliveries_are_refused_duplicates_acknowledged() -> None:
    counted: list[str] = []
    events: list[WebhookEvent] = []
    rejected: list[int] = []
    receiver = WebhookReceiver(
        SandboxAdapter(),
        SECRET,
        lambda e, _t: events.append(e),
        lambda: rejected.append(1),
        count=counted.append,
    )
    receiver.start()
    try:
        conn = _connect(receiver)
        conn.sendall(_delivery(1))
        assert _read_status(conn) == "HTTP/1.1 204 No Content"
        conn.sendall(_delivery(1))  # the same event id again: a retry or a replay
        assert _read_status(conn) == "HTTP/1.1 204 No Content"
        conn.sendall(_delivery(2, stamp_at=time.time() - 3600))  # captured an hour ago
        assert _read_status(conn) == "HTTP/1.1 401 Unauthorized"
        unsigned = _delivery(3).replace(b"X-Sandbox-Signature", b"X-Nothing")
        conn.sendall(unsigned)
        assert _read_status(conn) == "HTTP/1.1 401 Unauthorized"
        conn.close()
    finally:
        receiver.stop()
    assert [e.event_id for e in events] == ["E1"]
    assert counted.count("duplicate") == 1
    assert counted.count("rejected") == 2 == len(rejected)
    assert counted.count("received") == 2


@pytest.mark.parametrize(
    "url", ["http://10.0.0.8:9000/webhooks", "http://example.com/webhooks", "http:///x"]
)
def test_only_loopback_receiver_urls_are_ever_registered(url: str) -> None:
    with pytest.raises(TargetNotAllowed, match="not on a loopback address"):
        check_receiver_url(url)
    check_receiver_url("http://127.0.0.1:8080/webhooks")
    check_receiver_url("http://[::1]:8080/webhooks")
