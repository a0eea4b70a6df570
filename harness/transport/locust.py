"""Executor over Locust's ``FastHttpSession``: the load path.

Every request fires Locust's ``request`` event (so its web UI and stats keep working); the
harness's own metrics listen to the same event. ``context["failure"]`` carries the
:class:`~harness.vendors.base.FailureKind` so throttling is counted apart from breakage.

:meth:`LocustExecutor.run` lets the adapter judge each answer before Locust records it: an
HTTP 200 whose body says ``code: 2059`` (Udesk) fails as the adapter classified it, and a
body-coded quota answer counts as throttled, not as broken.
"""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import urlencode

from locust.contrib.fasthttp import FastHttpSession

from harness.transport.base import run_flow
from harness.vendors.auth import Signer
from harness.vendors.base import ApiFailure, ApiRequest, ApiResponse, FailureKind, Flow

T = TypeVar("T")


class LocustExecutor:
    """Runs adapter flows over one FastHttpSession (one per Locust user or probe)."""

    def __init__(self, session: FastHttpSession, signer: Signer) -> None:
        self._session = session
        self._signer = signer

    def send(self, request: ApiRequest) -> ApiResponse:
        """One request, marked by HTTP status alone (for callers outside a flow)."""
        with self._request(request) as response:
            api_response = self._answer(request, response)
            kind = _status_kind(api_response.status)
            _mark(response, kind, f"HTTP {api_response.status}")
            return api_response

    def run(self, flow: Flow[T]) -> T:
        """Run ``flow``; each answer is marked as the flow judged it (status as fallback)."""
        try:
            request = next(flow)
        except StopIteration as done:
            result: T = done.value
            return result
        while True:
            with self._request(request) as response:
                api_response = self._answer(request, response)
                try:
                    request = flow.send(api_response)
                except StopIteration as done:
                    _mark(response, None, "")
                    result = done.value
                    return result
                except ApiFailure as failure:
                    _mark(response, failure.kind, f"{failure.kind.value}: {failure.detail}"[:200])
                    raise
                kind = _status_kind(api_response.status)
                _mark(response, kind, f"HTTP {api_response.status}")

    def _request(self, request: ApiRequest) -> Any:
        signed = self._signer(request)
        path = signed.path
        if signed.params:
            path = f"{path}?{urlencode(signed.params)}"
        if signed.content is not None:
            headers = {"Content-Type": "application/json", **signed.headers}
            body = signed.content  # bytes as signed; the docstring allows bytes, the stub does not
            return self._session.request(
                signed.method, path, name=signed.name, data=body,  # type: ignore[arg-type]
                headers=headers, catch_response=True,
            )  # fmt: skip
        return self._session.request(
            signed.method, path, name=signed.name, json=signed.json,
            headers=dict(signed.headers), catch_response=True,
        )  # fmt: skip

    def _answer(self, request: ApiRequest, response: Any) -> ApiResponse:
        status: int = response.status_code or 0
        if status == 0:
            error = getattr(response, "error", None)
            kind = FailureKind.TIMEOUT if _is_timeout(error) else FailureKind.CONNECTION
            _mark(response, kind, f"{kind.value}: {type(error).__name__}")
            raise ApiFailure(kind, request, None, type(error).__name__)
        headers = {k.lower(): v for k, v in (response.headers or {}).items()}
        return ApiResponse(status, headers, response.content or b"")


def _status_kind(status: int) -> FailureKind | None:
    if status < 400:
        return None
    if status == 429:
        return FailureKind.THROTTLED
    return FailureKind.SERVER if status >= 500 else FailureKind.CLIENT


def _mark(response: Any, kind: FailureKind | None, text: str) -> None:
    if kind is None:
        response.success()
        return
    response.request_meta["context"] = {"failure": kind.value}
    response.failure(text)


def _is_timeout(error: Any) -> bool:
    return error is not None and "timeout" in type(error).__name__.lower()


__all__ = ["LocustExecutor", "run_flow"]
