"""Pieces of the ``rest`` adapter that need no adapter state: error rules, enumeration tables,
field reading and the signed-webhook message (see :mod:`harness.vendors.rest`)."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from harness.config.rest import ErrorRule, RestSpec
from harness.config.rest_fields import CustomFieldList
from harness.config.templates import PLACEHOLDER
from harness.data.identities import synthetic_email
from harness.model import Channel, Customer
from harness.vendors.base import ApiFailure, ApiRequest, ApiResponse, FailureKind
from harness.vendors.templating import MISSING, get_path

__all__ = [
    "classify_by_rules",
    "customer_email",
    "html_text",
    "listed_custom_fields",
    "mapped",
    "message_bytes",
    "number",
    "opt",
    "reader",
    "since_values",
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
        detail = _message(rule.message, body)
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


def since_values(since: float | None) -> dict[str, Any]:
    """``{since}`` (Unix seconds) and ``{since_iso}`` (``2023-11-14T22:13:20Z``) of an export."""
    seconds = int(since or 0)
    iso = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"since": seconds, "since_iso": iso}


def html_text(plain: str) -> str:
    """Plain text as HTML for vendors whose descriptions are HTML: escaped, newlines as <br>."""
    return html.escape(plain, quote=False).replace("\n", "<br>")


def customer_email(customer: Customer) -> str:
    """The customer's e-mail, else a valid reserved address (vendors that need one to file)."""
    return customer.identities.get(Channel.EMAIL) or synthetic_email(customer.id)


def listed_custom_fields(spec: CustomFieldList, item: Any) -> dict[str, str]:
    """Custom fields from a list of key/value objects, named through ``spec.names``."""
    found = get_path(item, spec.path)
    fields: dict[str, str] = {}
    for entry in found if isinstance(found, list) else []:
        key, value = get_path(entry, spec.key), get_path(entry, spec.value)
        if key in (MISSING, None) or value in (MISSING, None):
            continue
        fields[spec.names.get(str(key), str(key))] = str(value)
    return fields


def _message(template: str, body: Any) -> str | None:
    """An error text: one field path, or a text with ``{field paths}`` from the body."""
    if "{" not in template:
        return text(get_path(body, template))

    def one(match: re.Match[str]) -> str:
        return text(get_path(body, match.group(1))) or ""

    rendered = PLACEHOLDER.sub(one, template)
    return rendered if rendered.strip(" :;,-") else None
