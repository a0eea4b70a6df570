"""Pieces of the ``rest`` adapter that need no adapter state: error rules, enumeration tables,
field reading and the signed-webhook message (see :mod:`harness.vendors.rest`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from harness.config.rest import ErrorRule, RestSpec
from harness.config.templates import PLACEHOLDER
from harness.vendors.base import ApiFailure, ApiRequest, ApiResponse, FailureKind
from harness.vendors.templating import MISSING, get_path

__all__ = [
    "classify_by_rules",
    "mapped",
    "message_bytes",
    "number",
    "opt",
    "reader",
    "text",
]


def classify_by_rules(
    rules: Sequence[ErrorRule], request: ApiRequest, response: ApiResponse
) -> ApiFailure | None:
    """The failure of the first matching rule, or None when no rule matches."""
    body: Any = MISSING
    for rule in rules:
        if not _status_matches(rule, response.status):
            continue
        if rule.text is not None:
            if not re.search(rule.text, response.body.decode("utf-8", "replace")):
                continue
        if rule.body is not None:
            if body is MISSING:
                try:
                    body = response.json()
                except ValueError:
                    body = None
            if not _body_matches(rule, body):
                continue
        return _failure(rule, request, response, body)
    return None


def reader(enum: type[Any], spec: RestSpec, field: str) -> dict[str, Any]:
    mapping = spec.enums.get(field)
    table: dict[str, Any] = {member.value: member for member in enum}
    if mapping is not None:
        table = {str(raw): enum(canonical) for canonical, raw in reversed(mapping.write.items())}
        table.update({raw: enum(canonical) for raw, canonical in mapping.read.items()})
    return table


def mapped(write: Mapping[str, Mapping[str, Any]], field: str, value: Any) -> Any:
    if value is None:
        return None
    table = write.get(field)
    return table.get(value.value, value.value) if table else value.value


def opt(item: Any, path: str | None) -> Any:
    if path is None:
        return None
    found = get_path(item, path)
    return None if found is MISSING else found


def text(value: Any) -> str | None:
    if value is None or value is MISSING or value == "":
        return None
    return str(value)


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _status_matches(rule: ErrorRule, status: int) -> bool:
    wanted = rule.status
    if wanted is None:
        return True
    if isinstance(wanted, int):
        return status == wanted
    if isinstance(wanted, list):
        return status in wanted
    return str(status)[0] == wanted[0]


def _body_matches(rule: ErrorRule, body: Any) -> bool:
    match = rule.body
    assert match is not None
    found = get_path(body, match.path) if body is not None else MISSING
    if found is MISSING:
        return match.not_equals is not None or match.not_in is not None
    if match.contains is not None or match.matches is not None:
        items = found if isinstance(found, list) else [found]
        texts = [str(item) for item in items if isinstance(item, str | int | float)]
        if match.contains is not None:
            return any(match.contains in item for item in texts)
        return any(re.search(match.matches or "", item) for item in texts)
    if match.equals is not None:
        return bool(found == match.equals)
    if match.not_equals is not None:
        return bool(found != match.not_equals)
    if match.in_ is not None:
        return found in match.in_
    return found not in (match.not_in or [])


def _failure(rule: ErrorRule, request: ApiRequest, response: ApiResponse, body: Any) -> ApiFailure:
    if body is MISSING:
        try:
            body = response.json()
        except ValueError:
            body = None
    detail = None
    if rule.message is not None and body is not None:
        detail = text(get_path(body, rule.message))
    if detail is None:
        detail = response.body[:300].decode("utf-8", "replace") or "(empty body)"
    retry_after = None
    if rule.kind == "throttled":
        raw = response.headers.get(rule.retry_after.lower())
        try:
            retry_after = max(0.0, float(raw)) if raw is not None else None
        except ValueError:
            retry_after = None
    return ApiFailure(FailureKind(rule.kind), request, response.status, detail, retry_after)


def message_bytes(template: str, body: bytes, timestamp: str, secret: str) -> bytes:
    """The signed message with the raw body spliced in byte for byte."""
    parts: list[bytes] = []
    last = 0
    for match in PLACEHOLDER.finditer(template):
        parts.append(template[last : match.start()].encode())
        name = match.group(1)
        parts.append(
            body if name == "body" else (timestamp if name == "timestamp" else secret).encode()
        )
        last = match.end()
    parts.append(template[last:].encode())
    return b"".join(parts)
