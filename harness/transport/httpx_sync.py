"""Executor over ``httpx.Client``: for checks, set-up calls, bulk work and tests (never the
load path). Optional bounded backoff on quota answers (:mod:`harness.transport.backoff`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Self, TypeVar

import httpx

from harness.transport.backoff import Backoff, CallCounts, with_backoff
from harness.transport.base import run_flow
from harness.vendors.auth import Signer, no_auth
from harness.vendors.base import (
    ApiFailure,
    ApiRequest,
    ApiResponse,
    FailureKind,
    Flow,
    classify_status,
)
from harness.vendors.common import Classifier

T = TypeVar("T")


class HttpxExecutor:
    """Runs adapter flows against ``base_url``; connection problems become :class:`ApiFailure`.

    With ``backoff``, quota answers (as ``classify`` judges them: pass the adapter's
    ``classify`` for vendors with body-coded quota errors) are retried within the policy's
    bounds; ``counts`` tells throttled answers apart from broken ones.
    """

    def __init__(
        self,
        base_url: str,
        signer: Signer = no_auth,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        backoff: Backoff | None = None,
        classify: Classifier = classify_status,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._signer = signer
        self._client = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)
        self.counts = CallCounts()
        self._send = (
            self.send
            if backoff is None
            else with_backoff(self.send, classify, backoff, self.counts, sleep)
        )

    def send(self, request: ApiRequest) -> ApiResponse:
        signed = self._signer(request)
        try:
            if signed.content is not None:
                response = self._client.request(
                    signed.method,
                    signed.path,
                    params=dict(signed.params),
                    content=signed.content,
                    headers={"Content-Type": "application/json", **signed.headers},
                )
            else:
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
        return run_flow(flow, self._send)

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
