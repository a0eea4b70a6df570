"""The loopback webhook receiver: verifies each delivery with the adapter and feeds the probe."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

import gevent
from gevent.pywsgi import WSGIServer

from harness.vendors.base import VendorAdapter, WebhookEvent, WebhookRejected

MAX_BODY_BYTES = 1 << 20
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class WebhookReceiver:
    """A gevent WSGI server on 127.0.0.1 (port chosen by the OS) in the load process."""

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
        self._server = WSGIServer((host, 0), self._app, log=None, error_log=None)
        self.received = 0

    @property
    def url(self) -> str:
        return f"http://{self._server.server_host}:{self._server.server_port}/webhooks"

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        gevent.spawn(self._server.stop, timeout=1).join(2)

    def _app(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        received_at = time.time()
        if environ.get("REQUEST_METHOD") != "POST":
            start_response("405 Method Not Allowed", [("Content-Length", "0")])
            return [b""]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY_BYTES:
            start_response("413 Payload Too Large", [("Content-Length", "0")])
            return [b""]
        body = environ["wsgi.input"].read(length)
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        try:
            event = self._adapter.parse_webhook(headers, body, self._secret)
        except WebhookRejected:
            self._on_rejected()
            start_response("401 Unauthorized", [("Content-Length", "0")])
            return [b""]
        self.received += 1
        if event is not None:
            self._on_event(event, received_at)
        start_response("204 No Content", [])
        return [b""]
