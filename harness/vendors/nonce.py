"""Nonces that never repeat across threads, worker processes and hosts.

Udesk refuses a nonce seen in the last 15 minutes, and a load run has many Locust worker
processes signing at once, often forked from one parent. A nonce is a per-process random
prefix (96 bits, drawn again in every forked child) plus a counter, so two processes would
need the same 96-bit draw to collide, and one process never repeats itself.
"""

from __future__ import annotations

import itertools
import os
import secrets
import threading

__all__ = ["new_nonce"]

_lock = threading.Lock()
_prefix = ""
_counter: itertools.count[int] = itertools.count()


def _reseed() -> None:
    global _prefix, _counter
    _prefix = secrets.token_hex(12)
    _counter = itertools.count()


_reseed()
os.register_at_fork(after_in_child=_reseed)


def new_nonce() -> str:
    """A fresh nonce: 24 hex digits of process prefix, then a hex counter (e.g. '...-1f')."""
    with _lock:
        return f"{_prefix}-{next(_counter):x}"
