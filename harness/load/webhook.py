"""The loopback webhook receiver: verifies each delivery with the adapter and feeds the probe.

Deliveries are verified by the adapter (signature), then by a :class:`ReplayGuard`: a signed
delivery dated outside the window is refused (401) and an event id already received is
acknowledged (204, so the vendor stops retrying) but not counted twice. Bodies are bounded
(``MAX_BODY_BYTES``, 413) and so are headers (431).

A deliberately small HTTP/1.1 server on gevent's StreamServer, in the load process. It reads
one request at a time per keep-alive connection (request line, headers, a body of
``Content-Length`` bytes), answers 204, and nothing else. Measured against gevent's pywsgi,
that server's generic header parsing cost as much CPU per delivery as creating the ticket did;
this one only does what a vendor's webhook POST needs.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from gevent.server import StreamServer

from harness.errors import TargetNotAllowed
from harness.load.webhook_guard import ReplayGuard
from harness.vendors.base import VendorAdapter, WebhookEvent, WebhookRejected

MAX_BODY_BYTES = 1 << 20
MAX_HEAD_BYTES = 16 << 10
_IDLE_TIMEOUT_S = 75.0

_NO_CONTENT = b"HTTP/1.1 204 No Content\r\n\r\n"
_REJECTED = b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"


def _status(code: str) -> bytes:
    return f"HTTP/1.1 {code}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()


class WebhookReceiver:
    """Listens on ``host:port`` (default 127.0.0.1, a port chosen by the OS) and hands each
    verified event on; with ``secret`` None deliveries are taken unsigned (``signature: none``).
    With ``assignments`` False (the vendor file's ``webhooks.events`` lists no ``assigned``)
    no delivery is an assignment: each is acknowledged and counted (``received``; ``other``
    here), none becomes a routing latency sample, whatever the adapter reads in it."""

    def __init__(
        self,
        adapter: VendorAdapter,
        secret: str | None,
        on_event: Callable[[WebhookEvent, float], None],
        on_rejected: Callable[[], None],
        host: str = "127.0.0.1",
        count: Callable[[str], None] | None = None,
        guard: ReplayGuard | None = None,
        port: int = 0,
        public_url: str | None = None,
        assignments: bool = True,
    ) -> None:
        self._adapter = adapter
        self._secret = secret
        self._on_event = on_event
        self._on_rejected = on_rejected
        self._count = count or (lambda _name: None)
        self._guard = guard or ReplayGuard()
        self.duplicates = 0
        self._server = StreamServer((host, port), self._serve)
        self._public_url = public_url
        self._assignments = assignments
        self.received = 0
        self.other = 0  # deliveries of events that are not assignments

    @property
    def local_url(self) -> str:
        return f"http://{self._server.server_host}:{self._server.server_port}/webhooks"

    @property
    def url(self) -> str:
        """What the vendor is told to call: ``public_url`` if set, else the listening address."""
        return self._public_url or self.local_url

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop(timeout=1)

    def _serve(self, sock: Any, _address: Any) -> None:
        sock.settimeout(_IDLE_TIMEOUT_S)
        buffer = b""
        try:
            while True:
                while b"\r\n\r\n" not in buffer:
                    if len(buffer) > MAX_HEAD_BYTES:
                        sock.sendall(_status("431 Request Header Fields Too Large"))
                        return
                    chunk = sock.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                received_at = time.time()
                lines = head.decode("latin-1").split("\r\n")
                method = lines[0].split(" ", 1)[0]
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                if "chunked" in headers.get("transfer-encoding", "").lower():
                    sock.sendall(_status("411 Length Required"))
                    return
                length = int(headers.get("content-length") or 0)
                if length > MAX_BODY_BYTES:
                    sock.sendall(_status("413 Payload Too Large"))
                    return
                while len(buffer) < length:
                    chunk = sock.recv(max(65536, length - len(buffer)))
                    if not chunk:
                        return
                    buffer += chunk
                body, buffer = buffer[:length], buffer[length:]
                if method != "POST":
                    sock.sendall(_status("405 Method Not Allowed"))
                    return
                sock.sendall(self._handle(headers, body, received_at))
                if headers.get("connection", "").lower() == "close":
                    return
        except (OSError, ValueError, UnicodeDecodeError):
            return  # a broken or malformed connection: drop it, the vendor retries
        finally:
            sock.close()

    def _handle(self, headers: dict[str, str], body: bytes, received_at: float) -> bytes:
        if not self._assignments:
            return self._other(headers, body)
        try:
            event = self._adapter.parse_webhook(headers, body, self._secret)
        except WebhookRejected:
            return self._reject()
        if event is not None:
            signed_at = event.sent_at if self._secret is not None else None
            verdict = self._guard.check(event.event_id, signed_at, received_at)
            if verdict == "stale":
                return self._reject()
            if verdict == "duplicate":
                self.duplicates += 1
                self._count("duplicate")
                self._count("received")
                return _NO_CONTENT
        self.received += 1
        self._count("received")
        if event is not None:
            self._on_event(event, received_at)
        return _NO_CONTENT

    def _other(self, headers: dict[str, str], body: bytes) -> bytes:
        """A delivery of a vendor that sends no assignment events: verified when it signs."""
        if self._secret is not None:
            try:
                self._adapter.parse_webhook(headers, body, self._secret)
            except WebhookRejected:
                return self._reject()
        self.received += 1
        self.other += 1
        self._count("received")
        return _NO_CONTENT

    def _reject(self) -> bytes:
        self._on_rejected()
        self._count("rejected")
        return _REJECTED


def check_receiver_url(url: str) -> None:
    """The harness only ever asks a vendor to call back a loopback address it listens on:
    registering any other URL would send the vendor's deliveries somewhere we do not own."""
    host = (urlsplit(url).hostname or "").strip("[]")
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise TargetNotAllowed(
            f"webhook receiver URL {url} is not on a loopback address; the harness only "
            "registers receivers on 127.0.0.1 or ::1."
        )
