"""Shards (``--target-hosts``): which host each load process targets, which agents it plays."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import pytest

from harness.errors import ConfigError
from harness.load.shards import agent_slots, host_for, target_hosts


@pytest.mark.parametrize(
    ("wanted", "available", "count", "shards"),
    [(10, 10, 1, 1), (10, 10, 2, 1), (10, 5, 2, 2), (200, 100, 2, 2), (7, 7, 4, 2), (9, 3, 6, 3)],
)
def test_every_wanted_agent_of_every_shard_is_played_once(
    wanted: int, available: int, count: int, shards: int
) -> None:
    played = Counter(
        (index % shards, slot)
        for index in range(count)
        for slot in agent_slots(wanted, available, index, count, shards)
    )
    assert set(played.values()) == {1}
    per_shard = Counter(shard for shard, _ in played)
    shares = [wanted // shards + (1 if s < wanted % shards else 0) for s in range(shards)]
    assert per_shard == {s: min(share, available) for s, share in enumerate(shares)}


def test_each_process_targets_its_shard() -> None:
    hosts = target_hosts(SimpleNamespace(target_hosts="http://127.0.0.1:1, http://127.0.0.2:2/"))
    assert hosts == ["http://127.0.0.1:1", "http://127.0.0.2:2"]
    assert [host_for(hosts, "x", i) for i in range(3)] == [hosts[0], hosts[1], hosts[0]]
    assert host_for([], "http://only", 5) == "http://only"
    with pytest.raises(ConfigError, match="not a base URL"):
        target_hosts(SimpleNamespace(target_hosts="127.0.0.3:3"))
