"""Keep-alive reuse for geventhttpclient sockets on file descriptors >= 1024.

Why: geventhttpclient 2.6.x (the client behind Locust's ``FastHttpUser`` and
``FastHttpSession``) checks a pooled socket before reusing it with
``ConnectionPool._is_socket_alive``, which calls ``select.select([sock], [], [], 0.0)``.
``select()`` raises ``ValueError: filedescriptor out of range in select()`` for any descriptor
of 1024 or above; the method catches it and treats the socket as dead, so the pool closes it
and opens a new TCP connection. Past about 1,000 sockets per process almost every request
reconnects: 0.90 new connections per request at 10,000 sessions, which doubled the generator's
CPU per request and the server's, and on a real network fills TIME_WAIT (measured in the
project's capacity note, reference/locust-capacity.md §4.1; the check came with
geventhttpclient PRs #238/#240, "connection validation").

The fix asks the same question with ``poll()`` (the original, unpatched one), which has no
descriptor ceiling: an idle keep-alive socket that is readable has seen a FIN or stray bytes
and is dead; anything else is alive. It is applied once, when :mod:`harness.load.entry` is imported,
and only to the geventhttpclient versions it was verified against (:data:`AFFECTED`); on any
other version it leaves the library alone and :func:`status` says why, and
``tests/load/test_gevent_fix.py`` fails so the next upgrade is re-checked rather than patched
blindly. Drop this module once a fixed geventhttpclient is released and pinned.
"""

from __future__ import annotations

import logging
import select
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from gevent import monkey
from geventhttpclient.connectionpool import ConnectionPool

__all__ = ["AFFECTED", "apply", "is_affected", "status"]

log = logging.getLogger("csm_harness")

AFFECTED = ((2, 6),)  # (major, minor) releases whose select()-based check was verified broken
_POLL_MASK = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP | select.POLLNVAL
_status = "not applied yet"


def _release() -> tuple[int, ...]:
    try:
        text = version("geventhttpclient")
    except PackageNotFoundError:
        return ()
    parts: list[int] = []
    for piece in text.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def is_affected(release: tuple[int, ...] | None = None) -> bool:
    """Whether ``release`` (default: the installed geventhttpclient) has the select() check."""
    found = _release() if release is None else release
    return tuple(found[:2]) in AFFECTED


def _is_socket_alive(self: ConnectionPool, sock: Any) -> bool:
    if sock is None:
        return False
    try:
        fd = sock.fileno()
        if fd < 0:
            return False
        poller = monkey.get_original("select", "poll")()
        poller.register(fd, _POLL_MASK)
        return not poller.poll(0)  # readable while idle = FIN or stray bytes: dead
    except (OSError, ValueError):
        return False


def apply() -> bool:
    """Patch ``ConnectionPool._is_socket_alive`` if the installed version needs it (idempotent)."""
    global _status
    if getattr(ConnectionPool._is_socket_alive, "__csm_harness_fix__", False):
        return True
    release = _release()
    shown = ".".join(map(str, release)) or "unknown"
    if not is_affected(release):
        _status = f"not applied: geventhttpclient {shown} is not a verified-affected release"
        log.debug("gevent_fix %s", _status)
        return False
    _is_socket_alive.__csm_harness_fix__ = True  # type: ignore[attr-defined]
    ConnectionPool._is_socket_alive = _is_socket_alive  # type: ignore[method-assign]
    _status = f"applied to geventhttpclient {shown}"
    return True


def status() -> str:
    return _status
