"""The poll schedule: geometric for young tickets, finer in the tail the probe has learned."""

from __future__ import annotations

import pytest

from harness.load.poll_schedule import PollSchedule, TailTracker


def test_gaps_grow_geometrically_up_to_the_interval() -> None:
    schedule = PollSchedule(interval_s=0.5, first_s=0.05)
    gap = schedule.first_gap(1.0)
    gaps = [gap]
    for _ in range(8):
        gap = schedule.next_gap(gap)
        gaps.append(gap)
    assert gaps[:3] == pytest.approx([0.05, 0.075, 0.1125])
    assert max(gaps) == 0.5


def test_the_tail_window_polls_finer_and_only_there() -> None:
    schedule = PollSchedule(interval_s=0.5, first_s=0.05, tail_fraction=0.05)
    assert schedule.gap_at(0.2, 0.3, None, 1.0) == 0.3  # no tail learned yet
    assert schedule.gap_at(0.2, 0.3, 1.0, 1.0) == 0.3  # the next poll is still before the tail
    assert schedule.gap_at(0.8, 0.4, 1.0, 1.0) == pytest.approx(0.05)  # it would land in it
    assert schedule.gap_at(2.0, 0.5, 1.0, 1.0) == pytest.approx(0.1)  # a share of the age
    assert schedule.gap_at(2.0, 0.5, 1.0, 1.5) == pytest.approx(0.15)  # jittered per ticket
    assert schedule.gap_at(12.0, 0.5, 1.0, 1.0) == 0.5  # never wider than the plain schedule


def test_the_tail_is_the_p90_of_what_was_resolved() -> None:
    tracker = TailTracker()
    for n in range(49):
        tracker.add(n / 100.0)
    assert tracker.tail_s is None  # too few seen
    for n in range(49, 110):  # refreshed every 20 from the 50th: the last at the 110th
        tracker.add(n / 100.0)
    assert tracker.tail_s == pytest.approx(0.98)
