"""Digest and HMAC primitives shared by request signers and webhook verifiers.

Chinese vendors mostly sign with a *plain* digest over a concatenation that includes the
secret (Udesk ``SHA256(email&token&timestamp&nonce&v2)``, Qiyu ``SHA1(secret+md5(body)+time)``);
Zendesk signs webhooks with HMAC-SHA256. Both shapes are one call here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Literal

__all__ = ["Algorithm", "Encoding", "digest", "encode", "sign"]

Algorithm = Literal["md5", "sha1", "sha256", "hmac-sha1", "hmac-sha256"]
Encoding = Literal["hex", "base64"]


def digest(algorithm: Algorithm, message: bytes, key: bytes | None = None) -> bytes:
    """Raw digest bytes; ``key`` is required for (and only used by) the hmac-* algorithms."""
    if algorithm.startswith("hmac-"):
        if key is None:
            raise ValueError(f"{algorithm} needs a key")
        return hmac.new(key, message, algorithm.removeprefix("hmac-")).digest()
    return hashlib.new(algorithm, message).digest()


def encode(raw: bytes, encoding: Encoding) -> str:
    """Lower-case hex or standard base64, as the vendors document."""
    return raw.hex() if encoding == "hex" else base64.b64encode(raw).decode("ascii")


def sign(
    algorithm: Algorithm, message: bytes, key: bytes | None = None, encoding: Encoding = "hex"
) -> str:
    return encode(digest(algorithm, message, key), encoding)
