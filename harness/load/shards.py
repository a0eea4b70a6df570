"""Several independent instances of one vendor (shards), each a base URL of its own.

``--target-hosts URL1,URL2,...`` gives them: load process ``i`` sends all its traffic to shard
``i mod N``, so a shard only ever sees the sessions, tickets and agents of the processes that
target it, and the run's totals are the sum over processes exactly as with one target. One
process cannot hold more connections than its open-file limit: shards let the target side of a
run on one machine (the sandbox) spread across processes too.

Each shard has agents of its own: the processes that target a shard split that shard's share
of ``conversation.agents`` among themselves, so every agent wanted is played exactly once.
"""

from __future__ import annotations

from typing import Any

from harness.errors import ConfigError


def target_hosts(options: Any) -> list[str]:
    """The shards' base URLs from ``--target-hosts`` (empty: the run has one target)."""
    raw = str(getattr(options, "target_hosts", "") or "")
    hosts = [part.strip().rstrip("/") for part in raw.replace(" ", ",").split(",")]
    hosts = [host for host in hosts if host]
    for host in hosts:
        if not host.startswith(("http://", "https://")):
            raise ConfigError(f"--target-hosts: {host!r} is not a base URL (http://host:port)")
    return hosts


def host_for(hosts: list[str], default: str, index: int) -> str:
    """The base URL load process ``index`` targets."""
    return hosts[index % len(hosts)] if hosts else default


def agent_slots(wanted: int, available: int, index: int, count: int, shards: int) -> range:
    """Which of its shard's agents (positions in the shard's agent list) process ``index`` of
    ``count`` plays: the shard's share of ``wanted`` split among the processes targeting it."""
    shards = max(1, min(shards, count))
    shard = index % shards
    peers = len(range(shard, count, shards))
    position = index // shards
    share = wanted // shards + (1 if shard < wanted % shards else 0)
    return range(position, min(share, available), peers)


__all__ = ["agent_slots", "host_for", "target_hosts"]
