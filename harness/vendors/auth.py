"""Signers: pure ``ApiRequest -> ApiRequest`` functions that every executor applies last."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from harness.redact import Secret
from harness.vendors.base import ApiRequest

Signer = Callable[[ApiRequest], ApiRequest]


def no_auth(request: ApiRequest) -> ApiRequest:
    return request


def bearer(token: Secret) -> Signer:
    def sign(request: ApiRequest) -> ApiRequest:
        headers = dict(request.headers)
        headers["Authorization"] = f"Bearer {token.reveal()}"
        return replace(request, headers=headers)

    return sign
