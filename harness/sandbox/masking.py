"""PII masking of API responses (profile knob ``mask_pii``): resident ID numbers and mobiles.

A deliberately small matcher (the sandbox imports nothing from ``harness.data``): 18-character
resident IDs keep their 6-digit address code and last 4 characters
(``110101********123X``); mainland mobiles keep 3 + 4 digits (``139****5678``). Digit
look-arounds instead of ``\\b``, because ``\\b`` does not exist between a Chinese character
and a digit.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["mask_json", "mask_text"]

_ID = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])(1[3-9]\d)\d{4}(\d{4})(?![0-9])")


def mask_text(text: str, *, ids: bool = True, phones: bool = True) -> str:
    if ids:
        text = _ID.sub(lambda m: f"{m[1]}{'*' * 8}{m[2]}", text)
    if phones:
        text = _MOBILE.sub(lambda m: f"{m[1]}****{m[2]}", text)
    return text


def mask_json(value: Any, *, ids: bool = True, phones: bool = True) -> Any:
    """A copy of ``value`` with every string (keys excepted) masked."""
    if isinstance(value, str):
        return mask_text(value, ids=ids, phones=phones)
    if isinstance(value, dict):
        return {k: mask_json(v, ids=ids, phones=phones) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_json(v, ids=ids, phones=phones) for v in value]
    return value
