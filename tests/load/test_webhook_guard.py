"""ReplayGuard: timestamp window and delivery-id memory, bounded."""

from __future__ import annotations

from harness.load.webhook_guard import ReplayGuard


def test_window_and_memory() -> None:
    guard = ReplayGuard(window_s=300, max_ids=3)
    assert guard.check("E1", 1000.0, now=1000.0) == "new"
    assert guard.check("E1", 1000.0, now=1001.0) == "duplicate"
    assert guard.check("E2", 600.0, now=1000.0) == "stale"  # older than the window
    assert guard.check("E3", 1400.0, now=1000.0) == "stale"  # from the future
    assert guard.check("E4", None, now=1000.0) == "new"  # unsigned vendor: ids only


def test_memory_is_bounded_and_forgets_after_the_window() -> None:
    guard = ReplayGuard(window_s=10, max_ids=2)
    for n in range(5):
        assert guard.check(f"E{n}", None, now=100.0) == "new"
    assert len(guard._seen) <= 3
    assert guard.check("E4", None, now=100.0) == "duplicate"
    assert guard.check("E4", None, now=200.0) == "new"  # forgotten once the window passed
