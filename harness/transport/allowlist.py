"""Refuse any target outside the scenario's ``allow_hosts``, before a single request is sent."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from harness.errors import TargetNotAllowed


def check_target(
    url: str, allows: Callable[[str], bool], allow_hosts: Sequence[str], source: str
) -> None:
    """Raise :class:`TargetNotAllowed` unless ``url``'s host is allowed."""
    parts = urlsplit(url)
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise TargetNotAllowed(f"target {url!r} is not an http(s) URL with a host.")
    if not allows(host):
        listed = ", ".join(allow_hosts) or "(none)"
        raise TargetNotAllowed(
            f"target {parts.scheme}://{parts.netloc} is not in allow_hosts of {source} "
            f"({listed}). Add it to allow_hosts only if you own that host."
        )
