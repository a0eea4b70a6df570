"""Did a check's own request carry the value under test? Asked before blaming the vendor.

A vendor cannot keep what it was never sent: a check that finds a value missing on read-back
first looks for it in the requests the adapter built, and when the adapter did not send it the
check is skipped ("adapter cannot send X"), never failed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from harness.vendors.base import ApiRequest

__all__ = ["carried", "strings_of"]


def strings_of(value: Any) -> Iterator[str]:
    """Every scalar in a JSON value, as text (keys excluded)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from strings_of(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_of(item)
    elif value is not None:
        yield str(value)


def _request_strings(request: ApiRequest) -> Iterator[str]:
    yield from strings_of(request.json)
    yield from request.params.values()
    if request.content is not None:
        try:
            yield from strings_of(json.loads(request.content))
        except ValueError:
            yield request.content.decode("utf-8", "replace")


def carried(requests: Sequence[ApiRequest], value: str) -> bool:
    """True when some request holds ``value`` as a whole field value, or inside free text."""
    return any(value == text or value in text for r in requests for text in _request_strings(r))
