"""Bare Locust FastHttpUsers posting tickets to the same endpoint: the baselines for
bench_load.py. No probes, no harness metrics, one pre-built body
(each ticket's own external_id spliced in).

``BareTicketUser`` only creates. ``BareWebhookUser`` does the same exchanges as the harness per
ticket: it creates, and a minimal receiver in this process takes the vendor's signed webhook
delivery (HMAC check, JSON decode, 204), registered with the vendor at start and removed at stop.
``BENCH_BARE_OUT`` names a file where the receiver writes how many deliveries it took.
"""

import hashlib
import hmac
import itertools
import json
import os
import secrets
import urllib.request
from pathlib import Path
from typing import Any

import gevent
from gevent.server import StreamServer
from locust import constant_throughput, events, task
from locust.contrib.fasthttp import FastHttpUser

_BODY = json.dumps(
    {
        "external_id": "bench-bare-@@",
        "subject": "退款还没到账",
        "description": "我上周申请的退款还没有到账。",
        "channel": "web",
        "priority": "normal",
        "category": "billing",
        "customer": {"id": "C1", "name": "张伟", "identities": {"web": "web-C1"}},
        "custom_fields": {"order_no": "SO0000000001"},
    },
    ensure_ascii=False,
).encode()
_HEAD, _TAIL = _BODY.split(b"@@")  # each ticket its own external_id: creates are idempotent on it
_serial = itertools.count()
_TOKEN = os.environ.get("CSM_SANDBOX_TOKEN", "")
_HEADERS = {"Authorization": f"Bearer {_TOKEN}", "Content-Type": "application/json"}
_RATE_PER_USER = float(os.environ.get("BENCH_BARE_RATE_PER_USER", "1.5"))
_SECRET = secrets.token_hex(16).encode()
_NO_CONTENT = b"HTTP/1.1 204 No Content\r\n\r\n"
_received = {"deliveries": 0, "assigned": 0, "rejected": 0}
_webhook: dict[str, Any] = {}
_assigned: set[str] = set()


class BareTicketUser(FastHttpUser):
    wait_time = constant_throughput(_RATE_PER_USER)

    @task
    def create(self) -> None:
        body = b"%s%d-%d%s" % (_HEAD, os.getpid(), next(_serial), _TAIL)
        # geventhttpclient sends bytes as they are; Locust types ``data`` as str or dict only
        self.client.post("/api/v1/tickets", data=body, headers=_HEADERS, name="POST /tickets")  # type: ignore[arg-type]


class BareWebhookUser(BareTicketUser):
    """Selected by class name on the command line; the receiver below runs only for it."""


def _serve(sock: Any, _address: Any) -> None:
    buffer = b""
    try:
        while True:
            while b"\r\n\r\n" not in buffer:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            headers = {}
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get(b"content-length", b"0"))
            while len(buffer) < length:
                buffer += sock.recv(65536)
            body, buffer = buffer[:length], buffer[length:]
            stamp = headers.get(b"x-sandbox-timestamp", b"")
            digest = hmac.new(_SECRET, stamp + b"." + body, hashlib.sha256).hexdigest()
            expected = b"sha256=" + digest.encode()
            if hmac.compare_digest(headers.get(b"x-sandbox-signature", b""), expected):
                _received["deliveries"] += 1
                event = json.loads(body)
                if event["type"] == "ticket.assigned":
                    _assigned.add(event["data"]["ticket_id"])
                    _received["assigned"] = len(_assigned)
            else:
                _received["rejected"] += 1
            sock.sendall(_NO_CONTENT)
    except OSError:
        return
    finally:
        sock.close()


def _vendor(method: str, url: str, body: dict[str, str] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=_HEADERS)
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def _start(environment: Any, **_kwargs: Any) -> None:
    if [u.__name__ for u in environment.user_classes] != ["BareWebhookUser"]:
        return
    server = StreamServer(("127.0.0.1", 0), _serve)
    server.start()
    url = f"http://127.0.0.1:{server.server_port}/webhooks"
    created = _vendor("POST", f"{environment.host}/api/v1/webhooks",
                      {"url": url, "secret": _SECRET.decode()})  # fmt: skip
    _webhook.update(server=server, id=created["webhook"]["id"], host=environment.host)


def _stop(environment: Any, **_kwargs: Any) -> None:
    created = environment.stats.get("POST /tickets", "POST").num_requests
    _received["created"] = created
    out = os.environ.get("BENCH_BARE_OUT")
    if not _webhook:
        if out:
            Path(out).write_text(json.dumps(_received), encoding="utf-8")
        return
    for _ in range(100):  # the deliveries of the last tickets, as the harness's probe waits too
        if _received["assigned"] >= created:
            break
        gevent.sleep(0.1)
    _vendor("DELETE", f"{_webhook['host']}/api/v1/webhooks/{_webhook['id']}")
    _webhook["server"].stop(timeout=1)
    if out:
        Path(out).write_text(json.dumps(_received), encoding="utf-8")


events.test_start.add_listener(_start)  # type: ignore[no-untyped-call]
events.quitting.add_listener(_stop)  # type: ignore[no-untyped-call]
