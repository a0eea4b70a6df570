"""Rendering request templates and reading answer field paths (grammar in
:mod:`harness.config.templates`). Pure functions, no I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Final

from harness.config.templates import PLACEHOLDER

__all__ = ["MISSING", "get_path", "render", "render_text"]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


_SEGMENT: Final = re.compile(r"([^.\[]*)(?:\[([^=\]]+)=([^\]]*)\])?(?:\.|$)")


@lru_cache(maxsize=512)
def _segments(path: str) -> tuple[tuple[str, tuple[str, str] | None], ...]:
    """``"custom_fields[name=Channel].values.0"`` -> key, optional (key, value) selection."""
    found: list[tuple[str, tuple[str, str] | None]] = []
    at = 0
    while at < len(path):
        match = _SEGMENT.match(path, at)
        if match is None or match.end() == at:
            break
        key, select_key, select_value = match.groups()
        found.append((key, (select_key, select_value) if select_key is not None else None))
        at = match.end()
    return tuple(found)


def _step(data: Any, part: str) -> Any:
    if isinstance(data, Mapping):
        return data.get(part, MISSING)
    if isinstance(data, list) and part.isdigit() and int(part) < len(data):
        return data[int(part)]
    return MISSING


def _select(data: Any, key: str, value: str) -> Any:
    """The first mapping in list ``data`` whose ``key`` reads as ``value``."""
    if not isinstance(data, list):
        return MISSING
    for item in data:
        if isinstance(item, Mapping) and key in item and str(item[key]) == value:
            return item
    return MISSING


def get_path(data: Any, path: str) -> Any:
    """``data`` at ``path`` (``"ticket.id"``, ``"results.0.id"``,
    ``"custom_fields[name=Channel].values.0"``); ``MISSING`` if absent."""
    if not path:
        return data
    for key, selection in _segments(path):
        if key:
            data = _step(data, key)
        if selection is not None and data is not MISSING:
            data = _select(data, *selection)
        if data is MISSING:
            return MISSING
    return data


def _lookup(values: Mapping[str, Any], name: str) -> Any:
    if name in values:
        return values[name]
    head, _, key = name.rpartition(".")
    while head:  # "ticket.custom_fields.order_no" -> values["ticket.custom_fields"]["order_no"]
        if head in values:
            found = get_path(values[head], key)
            return None if found is MISSING else found
        head, _, rest = head.rpartition(".")
        key = f"{rest}.{key}"
    return None


def render_text(text: str, values: Mapping[str, Any]) -> Any:
    """One template string: a lone placeholder keeps its value's type, else text."""
    whole = PLACEHOLDER.fullmatch(text)
    if whole is not None:
        return _lookup(values, whole.group(1))

    def one(match: Any) -> str:
        value = _lookup(values, match.group(1))
        return "" if value is None else str(value)

    return PLACEHOLDER.sub(one, text).replace("{{", "{").replace("}}", "}")


def render(template: Any, values: Mapping[str, Any]) -> Any:
    """A JSON-like template; a key whose value renders to None is left out."""
    if isinstance(template, str):
        return render_text(template, values)
    if isinstance(template, dict):
        out = {key: render(item, values) for key, item in template.items()}
        return {key: item for key, item in out.items() if item is not None}
    if isinstance(template, list):
        return [render(item, values) for item in template]
    return template
