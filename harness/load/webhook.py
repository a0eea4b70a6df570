"""The loopback webhook receiver: verifies each delivery with the adapter and feeds the probe.

A deliberately small HTTP/1.1 server on gevent's StreamServer, in the load process. It reads
one request at a time per keep-alive connection (request line, headers, a body of
``Content-Length`` bytes), answers 204, and nothing else. Measured against gevent's pywsgi,
that server's generic header parsing cost as much CPU per delivery as creating the ticket did;
this one only does what a vendor's webhook POST needs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from gevent.server import StreamServer

from harness.vendors.base import VendorAdapter, WebhookEvent, WebhookRejected

MAX_BODY_BYTES = 1 << 20
MAX_HEAD_BYTES = 16 << 10
_IDLE_TIMEOUT_S = 75.0

_NO_CONTENT = b"HTTP/1.1 204 No Content\r\n\r\n"
_REJECTED = b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"


def _status(code: str) -> bytes:
    return f"HTTP/1.1 {code}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()


class WebhookReceiver:
    """Listens on 127.0.0.1 (port chosen by the OS) and hands each verified event on."""

    def __init__(
        self,
        adapter: VendorAdapter,
        secret: str | None,
        on_event: Callable[[WebhookEvent, float], None],
        on_rejected: Callable[[], None],
        host: str = "127.0.0.1",
    ) -> None:
        self._adapter = adapter
        self._secret = secret
        self._on_event = on_event
        self._on_rejected = on_rejected
        self._server = StreamServer((host, 0), self._serve)
        self.received = 0

    @property
    def url(self) -> str:
        return f"http://{self._server.server_host}:{self._server.server_port}/webhooks"

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
        try:
            event = self._adapter.parse_webhook(headers, body, self._secret)
        except WebhookRejected:
            self._on_rejected()
            return _REJECTED
        self.received += 1
        if event is not None:
            self._on_event(event, received_at)
        return _NO_CONTENT
