"""Rendering request templates and reading answer field paths (grammar in
:mod:`harness.config.templates`). Pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.config.templates import PLACEHOLDER

__all__ = ["MISSING", "get_path", "render", "render_text"]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def get_path(data: Any, path: str) -> Any:
    """``data`` at ``path`` (``"ticket.id"``, ``"results.0.id"``); ``MISSING`` if absent."""
    if not path:
        return data
    for part in path.split("."):
        if isinstance(data, Mapping):
            if part not in data:
                return MISSING
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
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
