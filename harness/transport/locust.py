"""Executor over Locust's ``FastHttpSession``: the load path.

Every request fires Locust's ``request`` event (so its web UI and stats keep working); the
harness's own metrics listen to the same event. ``context["failure"]`` carries the
:class:`~harness.vendors.base.FailureKind` so throttling is counted apart from breakage.
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
        signed = self._signer(request)
        path = signed.path
        if signed.params:
            path = f"{path}?{urlencode(signed.params)}"
        with self._session.request(
            signed.method,
            path,
            name=signed.name,
            json=signed.json,
            headers=dict(signed.headers),
            catch_response=True,
        ) as response:
            status: int = response.status_code or 0
            if status == 0:
                error = getattr(response, "error", None)
                kind = FailureKind.TIMEOUT if _is_timeout(error) else FailureKind.CONNECTION
                response.request_meta["context"] = {"failure": kind.value}
                response.failure(f"{kind.value}: {type(error).__name__}")
                raise ApiFailure(kind, request, None, type(error).__name__)
            if status >= 400:
                kind = (
                    FailureKind.THROTTLED
                    if status == 429
                    else (FailureKind.SERVER if status >= 500 else FailureKind.CLIENT)
                )
                response.request_meta["context"] = {"failure": kind.value}
                response.failure(f"HTTP {status}")
            else:
                response.success()
            headers = {k.lower(): v for k, v in (response.headers or {}).items()}
            return ApiResponse(status, headers, response.content or b"")

    def run(self, flow: Flow[T]) -> T:
        return run_flow(flow, self.send)


def _is_timeout(error: Any) -> bool:
    return error is not None and "timeout" in type(error).__name__.lower()
