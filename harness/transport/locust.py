"""Executor over Locust's ``FastHttpSession``: the load path.

Every request fires Locust's ``request`` event (so its web UI and stats keep working); the
harness's own metrics listen to the same event. ``context["failure"]`` carries the
:class:`~harness.vendors.base.FailureKind` so throttling is counted apart from breakage.

Each request is reported only after the adapter has read its response, as the adapter judged
it: an HTTP 200 whose body says ``code: 2059`` (Udesk) fails as the adapter classified it, and a
body-coded quota answer counts as throttled, not as broken. A 2xx whose body the
adapter cannot decode (truncated or malformed JSON, an HTML page) is reported as a
``protocol`` failure, not as a success, and any exception the adapter raises while reading a
response becomes an :class:`~harness.vendors.base.ApiFailure` of kind ``protocol``, so a
vendor's garbage can never crash a Locust user. A transport error after the status line (a
timeout or reset while the body is read) counts as ``timeout`` or ``connection``.
"""

from __future__ import annotations

import socket
import time
from typing import Any, Literal, TypeVar
from urllib.parse import urlencode

from geventhttpclient.header import Headers
from locust.contrib.fasthttp import FastHttpSession

from harness.metrics.clock import ClockSampler
from harness.vendors.auth import Signer
from harness.vendors.base import ApiFailure, ApiRequest, ApiResponse, FailureKind, Flow

T = TypeVar("T")
# What a request is for, so that rates are per operation: ``operation`` (tickets, messages:
# what the load is about), ``probe`` (reading assignments back) and ``setup`` (webhook
# registration and the like). Carried in the Locust request context as ``role``.
RequestRole = Literal["operation", "probe", "setup"]


class LocustExecutor:
    """Runs adapter flows over one FastHttpSession (one per Locust user or probe).

    ``clock``, when given, is fed every answer's ``Date`` header with the request's send and
    receive times (the vendor-clock offset estimate)."""

    def __init__(
        self,
        session: FastHttpSession,
        signer: Signer,
        *,
        role: RequestRole = "operation",
        clock: ClockSampler | None = None,
    ) -> None:
        self._session = session
        self._signer = signer
        self._context = {"role": role}
        self._clock = clock
        self.last_sent_at = 0.0  # send and receive times of the last answer (probe brackets)
        self.last_received_at = 0.0

    def send(self, request: ApiRequest) -> ApiResponse:
        """One request, reported at once by its status (no adapter in the loop)."""
        response, pending = self._open(request)
        _close(pending, None, response.status)
        return response

    def run(self, flow: Flow[T]) -> T:
        """Run ``flow``; each request is reported once the adapter has judged its response."""
        try:
            request = next(flow)
        except StopIteration as done:
            result: T = done.value
            return result
        while True:
            response, pending = self._open(request)
            try:
                request = flow.send(response)
            except StopIteration as done:
                _close(pending, None, None)  # the adapter accepted this answer, whatever its status
                result = done.value
                return result
            except ApiFailure as failure:
                _close(pending, failure, response.status)
                raise
            except Exception as exc:  # the adapter choked on the body: the vendor's fault
                garbled = ApiFailure(
                    FailureKind.PROTOCOL, request, response.status, type(exc).__name__
                )
                _close(pending, garbled, response.status)
                raise garbled from None
            _close(pending, None, None if request.previous_accepted else response.status)

    def _open(self, request: ApiRequest) -> tuple[ApiResponse, Any]:
        """Send; return the response and the still-open Locust context (None if reported)."""
        signed = self._signer(request)
        path = signed.path
        if signed.params:
            path = f"{path}?{urlencode(signed.params)}"
        sent_at = time.time()
        # Locust copies ``headers`` and never changes ``context`` (a failure replaces it): no
        # copies of ours per request
        if signed.content is not None:  # bytes exactly as signed (body-hashing signatures)
            headers = {"Content-Type": "application/json", **signed.headers}
            context = self._session.request(
                signed.method, path, name=signed.name, data=signed.content,  # type: ignore[arg-type]
                headers=headers, catch_response=True, context=self._context,
            )  # fmt: skip
        else:
            context = self._session.request(
                signed.method, path, name=signed.name, json=signed.json,
                headers=signed.headers, catch_response=True, context=self._context,  # type: ignore[arg-type]
            )  # fmt: skip
        context.__enter__()
        self.last_sent_at, self.last_received_at = sent_at, time.time()
        status: int = context.status_code or 0
        error = context.request_meta.get("exception")
        if status == 0 or (error is not None and status < 400):
            error = error if error is not None else getattr(context, "error", None)
            kind = FailureKind.TIMEOUT if _is_timeout(error) else FailureKind.CONNECTION
            detail = _error_name(error)
            _fail(context, kind, f"{kind.value}: {detail}")
            context.__exit__(None, None, None)
            raise ApiFailure(
                kind, request, status or None, detail, outcome_unknown=not _never_sent(error)
            )
        headers = _lower_headers(context.headers)
        if self._clock is not None:
            self._clock.add(sent_at, self.last_received_at, headers.get("date"))
        return ApiResponse(status, headers, context.content or b""), context


def _lower_headers(headers: Any) -> dict[str, str]:
    """The answer's headers by lower-case name (the last line of a repeated one).
    geventhttpclient's ``Headers`` is a dict already keyed so, of ``(name, value)`` or a list of
    them: read through ``dict`` itself, its ``items()`` costs a generator step per line."""
    if not headers:
        return {}
    if isinstance(headers, Headers):
        return {k: v[1] if type(v) is tuple else v[-1][1] for k, v in dict.items(headers)}
    return {k.lower(): v for k, v in headers.items()}


def _fail(context: Any, kind: FailureKind, message: str) -> None:
    meta = context.request_meta
    meta["context"] = {**meta.get("context", {}), "failure": kind.value}
    context.failure(message)


def _close(context: Any, failure: ApiFailure | None, status: int | None) -> None:
    """Report the request: as the adapter judged it (its failure kind, e.g. a body-coded quota
    answer counts as throttled), else by HTTP status; ``status`` None: the adapter accepted it."""
    if failure is not None:
        _fail(context, failure.kind, f"{failure.kind.value}: {failure.detail[:120]}")
    elif status is not None and status >= 400:
        _fail(context, _status_kind(status), f"HTTP {status}")
    else:
        context.success()
    context.__exit__(None, None, None)


def _status_kind(status: int) -> FailureKind:
    if status == 429:
        return FailureKind.THROTTLED
    return FailureKind.SERVER if status >= 500 else FailureKind.CLIENT


def _is_timeout(error: Any) -> bool:
    """Timeouts arrive bare or wrapped in geventhttpclient's ``RetriesExceeded(original=...)``."""
    for _ in range(3):
        if error is None:
            return False
        if "timeout" in type(error).__name__.lower() or isinstance(error, TimeoutError):
            return True
        error = getattr(error, "original", None)
    return False


def _never_sent(error: Any) -> bool:
    """A refused connection or an unknown host: the request never reached the vendor."""
    for _ in range(3):
        if error is None:
            return False
        if isinstance(error, ConnectionRefusedError | socket.gaierror):
            return True
        error = getattr(error, "original", None)
    return False


def _error_name(error: Any) -> str:
    """The error's type, and the wrapped one's: never its text, which may hold the URL."""
    name = type(error).__name__
    original = getattr(error, "original", None)
    return f"{name}({type(original).__name__})" if original is not None else name
