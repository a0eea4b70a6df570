"""Schedules of arrivals: deterministic, at the asked rate, split across workers exactly once."""

from __future__ import annotations

import pytest

from harness.data.schedule import arrival_offsets, share_of


def test_poisson_is_reproducible_and_near_the_rate() -> None:
    first = arrival_offsets(20.0, 60.0, "poisson", seed=9)
    assert first == arrival_offsets(20.0, 60.0, "poisson", seed=9)
    assert first != arrival_offsets(20.0, 60.0, "poisson", seed=10)
    assert 1080 <= len(first) <= 1320  # 1200 expected; +-4 sigma is about +-140
    assert first == sorted(first)
    assert all(0 <= t < 60 for t in first)


def test_uniform_spaces_arrivals_evenly() -> None:
    offsets = arrival_offsets(4.0, 2.0, "uniform", seed=1)
    assert offsets == [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75]


@pytest.mark.parametrize("rate,duration", [(0.0, 10.0), (5.0, 0.0)])
def test_nothing_to_send(rate: float, duration: float) -> None:
    assert arrival_offsets(rate, duration, "poisson", seed=1) == []


@pytest.mark.parametrize("workers", [1, 2, 3, 7])
def test_shares_cover_every_arrival_exactly_once(workers: int) -> None:
    offsets = arrival_offsets(10.0, 10.0, "poisson", seed=3)
    shares = [share_of(offsets, i, workers) for i in range(workers)]
    numbers = sorted(n for share in shares for n, _ in share)
    assert numbers == list(range(len(offsets)))
    for share in shares:
        assert all(offsets[n] == t for n, t in share)
