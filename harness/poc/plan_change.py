"""What changed between the plan a POC folder began with (``DIR/plan.yaml``) and the plan file now.

Compared as data, not as text: comments, quoting and layout are free to change. Lists whose
items name themselves (stages by ``id``, vendors by ``vendor``) are matched by that name, so
a change reads ``stages[peak].scenario: peak.yaml -> spike.yaml`` rather than by position.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import yaml

from harness.config.loader import load_yaml

__all__ = ["plan_changes"]

_NAMING_KEYS: Final = ("id", "vendor", "name")
_ABSENT: Final = object()


def plan_changes(kept: Path, current: Path) -> list[str]:
    """``path: before -> after`` for every difference, in the order of the kept plan."""
    before, _ = load_yaml(kept)
    after, _ = load_yaml(current)
    changes: list[str] = []
    _diff("", before, after, changes)
    return changes


def _diff(path: str, before: Any, after: Any, out: list[str]) -> None:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in [*before, *(k for k in after if k not in before)]:
            child = f"{path}.{key}" if path else str(key)
            _diff(child, before.get(key, _ABSENT), after.get(key, _ABSENT), out)
        return
    if isinstance(before, list) and isinstance(after, list):
        named_before, named_after = _by_name(before), _by_name(after)
        if named_before is not None and named_after is not None:
            for name in [*named_before, *(n for n in named_after if n not in named_before)]:
                _diff(
                    f"{path}[{name}]",
                    named_before.get(name, _ABSENT),
                    named_after.get(name, _ABSENT),
                    out,
                )
            return
    if before != after or type(before) is not type(after):
        out.append(f"{path}: {_show(before)} -> {_show(after)}")


def _by_name(items: list[Any]) -> dict[str, Any] | None:
    """The items keyed by the key that names them, when every item has it (and uniquely)."""
    for key in _NAMING_KEYS:
        if items and all(isinstance(i, dict) and isinstance(i.get(key), str) for i in items):
            named = {i[key]: i for i in items}
            if len(named) == len(items):
                return named
    return None


def _show(value: Any) -> str:
    if value is _ABSENT:
        return "(absent)"
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6)
    return text.strip().removesuffix("...").strip()
