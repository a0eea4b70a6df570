"""Synthetic customer identities that every vendor's validator accepts.

One place builds the e-mail addresses, mobiles and channel handles of synthetic customers
(load traffic and acceptance checks alike), so a vendor never refuses a ticket for the
harness's own malformed data (``email-<id>`` without ``@``, an address with spaces):

- e-mails: a lower-case dot-atom local part (RFC 5322, at most 64 characters) at
  ``customers.example.com`` (RFC 2606: reserved, never delivered, and a real-looking domain
  that the strict validators accept);
- CN mobiles: 11 digits with an allocated 3-digit prefix (:data:`CN_MOBILE_PREFIXES`).
"""

from __future__ import annotations

import hashlib
import random
import re
from typing import Final

from harness.model import Channel

__all__ = [
    "CN_MOBILE_PREFIXES",
    "EMAIL_DOMAIN",
    "channel_identity",
    "is_valid_email",
    "is_valid_mobile",
    "synthetic_email",
    "synthetic_mobile",
]

CN_MOBILE_PREFIXES: Final = (
    *range(130, 140), 145, 147, 149, *range(150, 154), *range(155, 160), 162, 165, 166, 167,
    *range(170, 174), *range(175, 179), *range(180, 190), *range(190, 194), *range(195, 200),
)  # fmt: skip
EMAIL_DOMAIN: Final = "customers.example.com"
_LOCAL_MAX = 64
_SPACES = re.compile(r"\s+")
_NOT_ATOM = re.compile(r"[^a-z0-9._+-]+")
# RFC 5322 dot-atom local part, as the common validators (HTML5, Zendesk, Freshdesk) take it.
_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    re.IGNORECASE,
)
_RESERVED = re.compile(r"(?:^|\.)(?:example\.(?:com|net|org)|[^.]+\.(?:invalid|test|example))$")
_PREFIXES = frozenset(str(p) for p in CN_MOBILE_PREFIXES)


def synthetic_email(key: str) -> str:
    """A valid, undeliverable address for the customer ``key`` (any text, spaces included)."""
    local = _NOT_ATOM.sub("-", key.lower()).strip(".-")
    local = re.sub(r"\.{2,}", ".", local) or "customer"
    if len(local) > _LOCAL_MAX or local != key.lower():
        digest = hashlib.sha256(key.encode()).hexdigest()[:8]
        local = f"{local[: _LOCAL_MAX - 9].rstrip('.-')}-{digest}"
    return f"{local}@{EMAIL_DOMAIN}"


def synthetic_mobile(seed: str) -> str:
    """An 11-digit CN mobile with an allocated prefix, the same for the same ``seed``."""
    rng = random.Random(seed)
    return f"{rng.choice(CN_MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def channel_identity(channel: Channel, customer_id: str) -> str:
    """The customer's handle on ``channel``: an e-mail, a mobile, or ``<channel>-<id>``."""
    if channel is Channel.EMAIL:
        return synthetic_email(customer_id)
    if channel is Channel.PHONE:
        return synthetic_mobile(customer_id)
    handle = _SPACES.sub("-", customer_id.strip())
    return f"{channel.value}-{handle}"


def is_valid_email(value: str) -> bool:
    """Valid per the dot-atom grammar, at most 254 characters, at a reserved domain."""
    local, _, domain = value.rpartition("@")
    return (
        len(value) <= 254
        and 0 < len(local) <= _LOCAL_MAX
        and _EMAIL.match(value) is not None
        and _RESERVED.search(domain.lower()) is not None
    )


def is_valid_mobile(value: str) -> bool:
    return len(value) == 11 and value.isdigit() and value[:3] in _PREFIXES
