"""The checks' HTTP side: adapter flows over httpx, every exchange kept, and reproductions.

:class:`CheckClient` runs flows with the vendor's signer, retries a throttled call after the
vendor's ``Retry-After`` (at most ``max_throttle_retries`` times, so a rate limit hit by an
earlier check never reads as a defect of a later one) and keeps each request with its
response. :func:`to_curl` renders a request as a copy-pasteable ``curl`` command whose
credential comes from the same ``$ENV_VAR`` the harness reads (``-u "$EMAIL/token:$TOKEN"``,
``-H "Authorization: Bearer $TOKEN"``), so a pasted reproduction authenticates.
"""

from __future__ import annotations

import json
import shlex
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode

from harness.redact import REDACTED, Secret
from harness.transport.base import run_flow
from harness.transport.httpx_sync import HttpxExecutor
from harness.vendors.auth import Signer, no_auth
from harness.vendors.base import ApiFailure, ApiRequest, ApiResponse, Flow

__all__ = ["CheckClient", "Exchange", "to_curl"]

T = TypeVar("T")
_INLINE_BODY_MAX = 2000
_MAX_RETRY_AFTER_S = 10.0


@dataclass(frozen=True, slots=True)
class Exchange:
    request: ApiRequest
    response: ApiResponse | None
    elapsed_s: float


class CheckClient:
    """One per session; thread-safe enough for the concurrent calls the checks make."""

    def __init__(
        self,
        base_url: str,
        signer: Signer,
        *,
        curl_auth: Sequence[str],
        secrets: list[Secret],
        timeout: float = 10.0,
        max_throttle_retries: int = 3,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.curl_auth = list(curl_auth)  # ["-H", '"Authorization: Bearer $CSM_SANDBOX_TOKEN"']
        self.secrets = secrets
        self._signer = signer
        self._signed = HttpxExecutor(base_url, signer, timeout)
        self._anonymous = HttpxExecutor(base_url, no_auth, timeout)
        self._retries = max_throttle_retries
        self._lock = threading.Lock()
        self.exchanges: list[Exchange] = []

    def close(self) -> None:
        self._signed.close()
        self._anonymous.close()

    # running flows -------------------------------------------------------------------------
    def run(self, flow: Flow[T]) -> T:
        """Run an adapter flow signed; throttled answers are retried after ``Retry-After``."""
        return run_flow(flow, self.send)

    def send(self, request: ApiRequest) -> ApiResponse:
        for attempt in range(self._retries + 1):
            response = self._send(self._signed, request)
            if response.status != 429 or attempt == self._retries:
                return response
            time.sleep(_retry_after(response))
        raise AssertionError("unreachable")  # pragma: no cover

    def send_once(self, request: ApiRequest, signer: Signer | None = None) -> ApiResponse:
        """One attempt, no retry; ``signer`` replaces the vendor's (``no_auth`` for none)."""
        if signer is None:
            return self._send(self._signed, request)
        return self._send(self._anonymous, signer(request))

    def _send(self, executor: HttpxExecutor, request: ApiRequest) -> ApiResponse:
        started = time.monotonic()
        try:
            response = executor.send(request)
        except ApiFailure:
            with self._lock:
                self.exchanges.append(Exchange(request, None, time.monotonic() - started))
            raise
        with self._lock:
            self.exchanges.append(Exchange(request, response, time.monotonic() - started))
        return response

    def curl(self, request: ApiRequest, files: Path | None = None, name: str = "body") -> str:
        return to_curl(request, self.base_url, self.curl_auth, self.secrets, files, name)


def _retry_after(response: ApiResponse) -> float:
    try:
        return min(_MAX_RETRY_AFTER_S, max(0.0, float(response.headers.get("retry-after", "1"))))
    except ValueError:
        return 1.0


def to_curl(
    request: ApiRequest,
    base_url: str,
    curl_auth: Sequence[str],
    secrets: list[Secret],
    files: Path | None = None,
    name: str = "body",
) -> str:
    """``curl`` for ``request``; the credential is ``$ENV_VAR``, never its value
    (``curl_auth`` holds the already-quoted arguments, see :func:`~harness.vendors.
    credentials.curl_auth`).

    A body over 2,000 characters is written to ``files/<name>.json`` (when ``files`` is given)
    and sent with ``--data-binary @file``.
    """
    url = base_url.rstrip("/") + request.path
    if request.params:
        url += "?" + urlencode(dict(request.params))
    parts = ["curl", "-sS", "-X", request.method, shlex.quote(url)]
    parts += curl_auth  # double quotes: the shell expands $ENV_VAR
    for key, value in request.headers.items():
        if key.lower() != "authorization":
            parts += ["-H", shlex.quote(f"{key}: {value}")]
    if request.json is not None:
        body = json.dumps(request.json, ensure_ascii=False, separators=(",", ":"))
        parts += ["-H", shlex.quote("Content-Type: application/json")]
        if len(body) > _INLINE_BODY_MAX and files is not None:
            files.mkdir(parents=True, exist_ok=True)
            path = files / f"{name}.json"
            path.write_text(body, encoding="utf-8")
            parts += ["--data-binary", shlex.quote(f"@{path}")]
        elif len(body) > _INLINE_BODY_MAX:
            parts += ["--data-raw", shlex.quote(body[:_INLINE_BODY_MAX] + "...")]
        else:
            parts += ["--data-raw", shlex.quote(body)]
    text = " ".join(parts)
    for secret in secrets:  # not redact_text: it would hide "Bearer $ENV_VAR" too
        if secret.reveal():
            text = text.replace(secret.reveal(), REDACTED)
    return text
