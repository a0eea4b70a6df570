"""Signers: pure ``ApiRequest -> ApiRequest`` functions that every executor applies last.

A signer only adds headers or query parameters (and, for schemes that hash the body, pins the
exact body bytes in ``content`` so the bytes signed are the bytes sent). Time and nonces are
injectable, so tests check signatures against vectors computed independently. Secrets are
:class:`~harness.redact.Secret` values read from environment variables by :func:`signer_for`;
the vendor file only names the variables.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from harness.config.templates import ENV_PREFIX, PLACEHOLDER
from harness.config.vendor import Auth
from harness.redact import Secret, secret_from_env, secret_from_file
from harness.vendors.base import ApiRequest
from harness.vendors.common import dumps
from harness.vendors.digests import Algorithm, Encoding, sign
from harness.vendors.nonce import new_nonce

__all__ = [
    "Clock",
    "Signer",
    "basic",
    "bearer",
    "body_bytes",
    "header_token",
    "no_auth",
    "signature",
    "signer_for",
]

Signer = Callable[[ApiRequest], ApiRequest]
Clock = Callable[[], float]


def _with_headers(request: ApiRequest, headers: dict[str, str]) -> ApiRequest:
    """``replace(request, headers=headers)`` without its per-call field introspection (every
    request on the load path is signed)."""
    r = request
    return ApiRequest(r.method, r.path, r.name, r.json, r.params, headers, r.content)


def no_auth(request: ApiRequest) -> ApiRequest:
    return request


def bearer(token: Secret, scheme: str = "Bearer", header: str = "Authorization") -> Signer:
    """``Authorization: Bearer <token>``; other schemes (``Token``, ``Token token=``, which takes
    the token right after the ``=``) and headers as described."""
    prefix = f"{scheme} " if scheme and not scheme.endswith("=") else scheme

    def sign_bearer(request: ApiRequest) -> ApiRequest:
        headers = dict(request.headers)
        headers[header] = f"{prefix}{token.reveal()}"
        return _with_headers(request, headers)

    return sign_bearer


def basic(username: Secret, password: Secret, username_suffix: str = "") -> Signer:
    """RFC 7617 Basic; Zendesk's API token form is username ``{email}/token``."""
    pair = f"{username.reveal()}{username_suffix}:{password.reveal()}".encode()
    value = Secret("Basic " + base64.b64encode(pair).decode("ascii"))

    def sign_basic(request: ApiRequest) -> ApiRequest:
        headers = dict(request.headers)
        headers["Authorization"] = value.reveal()
        return _with_headers(request, headers)

    return sign_basic


def header_token(token: Callable[[], Secret], header: str = "Authorization") -> Signer:
    """A header whose value comes from ``token()`` at signing time (a shared, rotating token)."""

    def sign_header(request: ApiRequest) -> ApiRequest:
        headers = dict(request.headers)
        headers[header] = token().reveal()
        return _with_headers(request, headers)

    return sign_header


def body_bytes(request: ApiRequest) -> bytes:
    """The exact bytes the executor will send as the body."""
    if request.content is not None:
        return request.content
    return b"" if request.json is None else dumps(request.json)


def signature(
    algorithm: Algorithm,
    message: str,
    *,
    secrets: Mapping[str, Secret],
    query: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    key: Secret | None = None,
    encoding: Encoding = "hex",
    clock: Clock = time.time,
    nonce: Callable[[], str] = new_nonce,
) -> Signer:
    """A digest/HMAC signature over ``message`` sent in ``query`` and/or ``headers``.

    Templates use ``{timestamp}`` (Unix seconds), ``{timestamp_ms}``, ``{nonce}``,
    ``{method}``, ``{path}``, ``{body}``, ``{body_md5}``/``{body_sha1}``/``{body_sha256}``
    (lower-case hex of the body bytes), ``{env:NAME}`` (from ``secrets``) and, in query and
    headers only, ``{signature}``. One timestamp and one nonce serve the whole request.
    """
    query = dict(query or {})
    headers = dict(headers or {})
    needs_body = any(
        name.startswith("body") for text in (message, *query.values(), *headers.values())
        for name in PLACEHOLDER.findall(text)
    )  # fmt: skip

    def sign_request(request: ApiRequest) -> ApiRequest:
        now = clock()
        values: dict[str, str] = {
            "timestamp": str(int(now)),
            "timestamp_ms": str(int(now * 1000)),
            "nonce": nonce(),
            "method": request.method,
            "path": request.path,
        }
        content = request.content
        if needs_body:
            content = body_bytes(request)
            values["body"] = content.decode("utf-8", "replace")
            values["body_md5"] = hashlib.md5(content).hexdigest()
            values["body_sha1"] = hashlib.sha1(content).hexdigest()
            values["body_sha256"] = hashlib.sha256(content).hexdigest()
        text = _fill(message, values, secrets)
        values["signature"] = sign(
            algorithm, text.encode(), key.reveal().encode() if key else None, encoding
        )
        params = {**request.params, **{k: _fill(v, values, secrets) for k, v in query.items()}}
        sent = {**request.headers, **{k: _fill(v, values, secrets) for k, v in headers.items()}}
        if needs_body and request.content is None and request.json is not None:
            sent.setdefault("Content-Type", "application/json; charset=utf-8")
            return replace(request, params=params, headers=sent, content=content, json=None)
        return replace(request, params=params, headers=sent)

    return sign_request


def _fill(template: str, values: Mapping[str, str], secrets: Mapping[str, Secret]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith(ENV_PREFIX):
            return secrets[name.removeprefix(ENV_PREFIX)].reveal()
        return values[name]

    return PLACEHOLDER.sub(one, template)


def signer_for(auth: Auth, source: str) -> Signer:
    """The signer a vendor file's ``auth`` section describes; secrets read from the env now."""
    if auth.kind == "none":
        return no_auth
    if auth.kind == "bearer":
        if auth.token_file is not None:  # relative to the vendor file; readable by you only
            path = Path(auth.token_file).expanduser()
            if not path.is_absolute():
                path = Path(source).parent / path
            token = secret_from_file(path, purpose="auth.token_file", source=source)
            return bearer(token, auth.scheme, auth.header)
        assert auth.token_env is not None  # the model requires exactly one of the two
        token = secret_from_env(auth.token_env, purpose="auth.token_env", source=source)
        return bearer(token, auth.scheme, auth.header)
    if auth.kind == "basic":
        user = secret_from_env(auth.username_env, purpose="auth.username_env", source=source)
        if auth.password_env is not None:
            password = secret_from_env(
                auth.password_env, purpose="auth.password_env", source=source
            )
        else:
            password = Secret(auth.password or "")
        return basic(user, password, auth.username_suffix)
    names = {
        name.removeprefix(ENV_PREFIX)
        for text in (auth.message, *auth.query.values(), *auth.headers.values())
        for name in PLACEHOLDER.findall(text)
        if name.startswith(ENV_PREFIX)
    }
    secrets = {name: secret_from_env(name, purpose="auth", source=source) for name in sorted(names)}
    key = (
        secret_from_env(auth.key_env, purpose="auth.key_env", source=source)
        if auth.key_env
        else None
    )
    return signature(
        auth.algorithm,
        auth.message,
        secrets=secrets,
        query=auth.query,
        headers=auth.headers,
        key=key,
        encoding=auth.encoding,
    )
