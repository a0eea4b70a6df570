"""Executor over ``httpx.Client``: for checks, set-up calls and tests (never the load path)."""

from __future__ import annotations

from types import TracebackType
from typing import Self, TypeVar

import httpx

from harness.transport.base import run_flow
from harness.vendors.auth import Signer, no_auth
from harness.vendors.base import ApiFailure, ApiRequest, ApiResponse, FailureKind, Flow

T = TypeVar("T")


class HttpxExecutor:
    """Runs adapter flows against ``base_url``; connection problems become :class:`ApiFailure`."""

    def __init__(
        self,
        base_url: str,
        signer: Signer = no_auth,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._signer = signer
        self._client = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)

    def send(self, request: ApiRequest) -> ApiResponse:
        signed = self._signer(request)
        try:
            response = self._client.request(
                signed.method,
                signed.path,
                params=dict(signed.params),
                json=signed.json,
                headers=dict(signed.headers),
            )
        except httpx.TimeoutException as exc:
            raise ApiFailure(FailureKind.TIMEOUT, request, None, type(exc).__name__) from None
        except httpx.TransportError as exc:
            raise ApiFailure(FailureKind.CONNECTION, request, None, type(exc).__name__) from None
        return ApiResponse(response.status_code, response.headers, response.content)

    def run(self, flow: Flow[T]) -> T:
        return run_flow(flow, self.send)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
