"""Small helpers every bundled adapter shares: JSON decoding, protocol failures, enum maps."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Any, TypeVar

from harness.model import Page
from harness.vendors.base import ApiFailure, ApiRequest, ApiResponse, FailureKind, classify_status

__all__ = [
    "Classifier",
    "check",
    "decode",
    "dumps",
    "page_of",
    "protocol",
    "read_enum",
]

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")
Classifier = Callable[[ApiRequest, ApiResponse], "ApiFailure | None"]


def dumps(data: Any) -> bytes:
    """Canonical JSON bytes (UTF-8, no spaces): what body signers hash and executors send."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def decode(request: ApiRequest, response: ApiResponse) -> Any:
    try:
        return response.json()
    except ValueError:
        raise protocol(request, response, "body is not JSON") from None


def protocol(request: ApiRequest, response: ApiResponse, detail: str) -> ApiFailure:
    return ApiFailure(FailureKind.PROTOCOL, request, response.status, detail)


def check(
    request: ApiRequest, response: ApiResponse, classify: Classifier = classify_status
) -> Any:
    """Raise the classifier's failure, else return the decoded body (None when empty)."""
    failure = classify(request, response)
    if failure is not None:
        raise failure
    if not response.body:
        return None
    return decode(request, response)


def read_enum(
    enum: type[E],
    mapping: Mapping[str, E],
    raw: object,
    request: ApiRequest,
    response: ApiResponse,
) -> E:
    """The canonical member for a vendor value; an unknown value is a protocol failure."""
    found = mapping.get(str(raw))
    if found is None:
        known = ", ".join(sorted(mapping))
        raise protocol(request, response, f"unknown {enum.__name__} value {raw!r} (known: {known})")
    return found


def page_of(items: Iterable[Any], parse: Callable[[Any], T], next_cursor: str | None) -> Page[T]:
    """A page of the records ``parse`` understands; one it cannot parse (an unknown enum, a
    missing id) is counted in ``skipped`` instead of failing the whole page."""
    parsed: list[T] = []
    skipped = 0
    for item in items:
        try:
            parsed.append(parse(item))
        except (ApiFailure, KeyError, TypeError, ValueError, AttributeError):
            skipped += 1
    return Page(tuple(parsed), next_cursor, skipped)
