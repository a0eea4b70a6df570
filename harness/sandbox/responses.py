"""JSON in and out: bodies, responses and the one error shape ``{"error": {code, message}}``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

__all__ = ["ApiError", "error_response", "json_response", "read_json"]

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class ApiError(Exception):
    """Raised by handlers; the gate middleware turns it into an error response."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields, self.headers = fields, headers

    def response(self) -> web.Response:
        return error_response(self.status, self.code, self.message, self.fields, self.headers)


def json_response(
    data: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=_dumps(data).encode(),
        status=status,
        headers=headers,
        content_type="application/json",
        charset="utf-8",
    )


def error_response(
    status: int,
    code: str,
    message: str,
    fields: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = dict(fields)
    return json_response({"error": error}, status, headers)


async def read_json(request: web.Request, max_bytes: int) -> Any:
    """The decoded JSON body; 413 past ``max_bytes``, 400 if it is not UTF-8 JSON."""
    length = request.content_length
    if length is not None and length > max_bytes:
        raise _too_large(max_bytes)
    try:
        raw = await request.read()  # the app's client_max_size bounds chunked bodies too
    except web.HTTPRequestEntityTooLarge:
        raise _too_large(max_bytes) from None
    if len(raw) > max_bytes:
        raise _too_large(max_bytes)
    try:
        return json.loads(raw)
    except ValueError as exc:  # includes UnicodeDecodeError
        raise ApiError(400, "bad_json", f"request body is not valid UTF-8 JSON: {exc}") from None


def _too_large(max_bytes: int) -> ApiError:
    return ApiError(413, "too_large", f"request body exceeds {max_bytes} bytes")
