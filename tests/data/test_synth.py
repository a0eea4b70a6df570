"""Synthetic tickets follow the scenario's mix and are reproducible."""

from __future__ import annotations

from collections import Counter

from harness.data.synth import TicketFactory
from harness.model import Channel, Priority


def _factory(seed: int = 1) -> TicketFactory:
    return TicketFactory(
        seed=seed,
        locale="zh_CN",
        categories={"billing": 3.0, "refunds": 1.0},
        channels={Channel.WEB: 1.0, Channel.WECHAT: 1.0},
        priorities={Priority.NORMAL: 1.0},
        run_tag="run1",
    )


def test_reproducible_for_a_seed() -> None:
    a, b = _factory(), _factory()
    assert [a.make(i) for i in range(20)] == [b.make(i) for i in range(20)]


def test_mix_and_ids() -> None:
    factory = _factory()
    tickets = [factory.make(i) for i in range(2000)]
    categories = Counter(t.category for t in tickets)
    assert 0.70 < categories["billing"] / 2000 < 0.80
    assert {t.channel for t in tickets} == {Channel.WEB, Channel.WECHAT}
    assert len({t.external_id for t in tickets}) == 2000
    assert tickets[5].external_id == "run1-0000005"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in t.customer.name) for t in tickets[:50])
