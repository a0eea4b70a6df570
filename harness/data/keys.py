"""The pseudonym key: read from the environment, never written anywhere, known by its key id.

One random key of at least 32 bytes per customer project. Outputs record only :func:`key_id`,
so files made with different keys are refused when joined instead of silently failing to link.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import string
from typing import Final

from harness.errors import ConfigError

__all__ = ["KEY_ENV", "MIN_KEY_BYTES", "key_from_env", "key_id"]

KEY_ENV: Final[str] = "CSM_PSEUDONYM_KEY"
MIN_KEY_BYTES: Final[int] = 32
_MAKE_ONE: Final[str] = 'python -c "import secrets; print(secrets.token_hex(32))"'


def key_from_env(name: str = KEY_ENV) -> bytes:
    """The key in environment variable ``name``, hex or (URL-safe) base64 of >= 32 bytes.

    Errors name the variable and how to make a key; they never show the value.
    """
    raw = os.environ.get(name, "").strip()
    how = (
        f"Make a key with {_MAKE_ONE}, keep it outside the repository and export {name}=<key>; "
        "use the same key for every export that must link to the same customers."
    )
    if not raw:
        raise ConfigError(f"environment variable {name} is not set. {how}")
    key = _decode(raw)
    if key is None:
        raise ConfigError(f"environment variable {name} is neither hex nor base64. {how}")
    if len(key) < MIN_KEY_BYTES:
        raise ConfigError(
            f"environment variable {name} holds a {len(key)}-byte key; "
            f"pseudonyms need at least {MIN_KEY_BYTES} random bytes. {how}"
        )
    return key


def _decode(raw: str) -> bytes | None:
    if len(raw) % 2 == 0 and all(c in string.hexdigits for c in raw):
        return bytes.fromhex(raw)
    text = raw.replace("+", "-").replace("/", "_")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return None


def key_id(key: bytes) -> str:
    """A public fingerprint of the key: ``HMAC-SHA256(key, "key-id")``, first 8 bytes in hex."""
    return hmac.digest(key, b"key-id", "sha256")[:8].hex()
