"""Vendor settings from outside the vendor file: ``{env:NAME}`` values and ``--set vendor.*``.

A bundled vendor file stays untouched: ``base_url: "{env:ZENDESK_URL}"`` reads the URL from
the environment, and ``--set vendor.base_url=URL`` (run, accept, breakpoint) or
``--webhook-listen HOST:PORT`` override a field for one command. The command line's overrides
travel to the load processes in one environment variable, so every process that loads the
vendor file sees the same values; the result is validated like the file itself.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from harness.config.suggest import did_you_mean
from harness.errors import ConfigError

__all__ = ["OVERRIDES_ENV", "SETTABLE", "apply_overrides", "export_overrides", "parse_sets"]

OVERRIDES_ENV = "CSM_HARNESS_VENDOR_SET"
SETTABLE = (
    "base_url",
    "webhooks.mode",
    "webhooks.listen",
    "webhooks.public_url",
    "webhooks.signature",
)
_ENV_VALUE = re.compile(r"^\{env:([A-Za-z_][A-Za-z0-9_]*)\}$")
_ENV_FIELDS = ("base_url", "webhooks.public_url")


def parse_sets(items: Iterable[str], webhook_listen: str | None = None) -> dict[str, str]:
    """``vendor.KEY=VALUE`` items (and ``--webhook-listen``) as ``{KEY: VALUE}``."""
    sets: dict[str, str] = {}
    problems: list[str] = []
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip().removeprefix("vendor.")
        if not sep or not value.strip():
            problems.append(f"--set {item!r}: write vendor.FIELD=VALUE, e.g. vendor.base_url=URL")
        elif key not in SETTABLE:
            hint = did_you_mean(key, SETTABLE)
            problems.append(
                f"--set {item!r}: vendor.{key} cannot be set; settable: "
                + ", ".join(f"vendor.{k}" for k in SETTABLE)
                + hint
            )
        else:
            sets[key] = value.strip()
    if webhook_listen is not None:
        sets["webhooks.listen"] = webhook_listen
    if problems:
        raise ConfigError(problems)
    return sets


def export_overrides(sets: Mapping[str, str]) -> None:
    """For this process and the load processes it starts."""
    if sets:
        os.environ[OVERRIDES_ENV] = json.dumps(dict(sets), sort_keys=True)
    else:
        os.environ.pop(OVERRIDES_ENV, None)


def apply_overrides(data: Mapping[str, Any], path: object) -> dict[str, Any]:
    """``data`` (a vendor file's mapping) with the exported overrides and env values in."""
    result: dict[str, Any] = {k: (dict(v) if isinstance(v, dict) else v) for k, v in data.items()}
    raw = os.environ.get(OVERRIDES_ENV)
    if raw:
        try:
            sets = json.loads(raw)
        except ValueError:
            raise ConfigError(f"{OVERRIDES_ENV} is not valid JSON; unset it") from None
        for key, value in sets.items():
            _put(result, key, value)
    problems = []
    for key in _ENV_FIELDS:
        value = _get(result, key)
        match = _ENV_VALUE.match(value) if isinstance(value, str) else None
        if match is None:
            continue
        name = match.group(1)
        found = os.environ.get(name)
        if not found:
            problems.append(
                f"{path}: {key}: environment variable {name} is not set; export it "
                f"(export {name}=https://...) or pass --set vendor.{key}=URL"
            )
        else:
            _put(result, key, found)
    if problems:
        raise ConfigError(problems)
    return result


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    head, _, rest = key.partition(".")
    if not rest:
        data[head] = value
        return
    inner = data.get(head)
    if not isinstance(inner, dict):
        inner = {} if inner is None else inner
        data[head] = inner
    if isinstance(inner, dict):
        _put(inner, rest, value)


def _get(data: Mapping[str, Any], key: str) -> Any:
    head, _, rest = key.partition(".")
    value = data.get(head)
    if not rest:
        return value
    return _get(value, rest) if isinstance(value, Mapping) else None
