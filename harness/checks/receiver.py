"""A plain-threads webhook receiver for the checks (the load path's is gevent, kept out of
pytest). It keeps every delivery (headers, body, arrival time) and answers 204; verification is
the check's business, so a delivery that fails it is still counted as delivered."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self

__all__ = ["Delivery", "WebhookReceiver"]

MAX_BODY_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Delivery:
    headers: dict[str, str]  # lower-case names
    body: bytes
    received_at: float  # wall clock, Unix seconds


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self.send_response(413)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.owner.add(Delivery(headers, body, time.time()))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # no access log on stderr


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: WebhookReceiver


class WebhookReceiver:
    """``with WebhookReceiver() as receiver: ... receiver.url ... receiver.deliveries``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = _Server((host, port), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="csm-webhooks", daemon=True
        )
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self.deliveries: list[Delivery] = []

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/webhooks"

    def add(self, delivery: Delivery) -> None:
        with self._arrived:
            self.deliveries.append(delivery)
            self._arrived.notify_all()

    def wait_for(self, done: Callable[[], bool], timeout: float) -> None:
        """Wait until ``done()`` is true (re-checked on every delivery) or ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while not done():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._arrived.wait(remaining)

    def snapshot(self) -> list[Delivery]:
        with self._lock:
            return list(self.deliveries)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=2)
