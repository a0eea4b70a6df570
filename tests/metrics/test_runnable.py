"""The demand meter tells a thread that wanted its whole core (spinning: it runs whenever it is
not kept waiting, however busy the machine) from one that slept."""

from __future__ import annotations

import time

import pytest

from harness.metrics.runnable import _SCHEDSTAT, DemandMeter

pytestmark = pytest.mark.skipif(not _SCHEDSTAT.exists(), reason="no scheduler statistics here")


def test_a_spinning_thread_wanted_its_whole_core() -> None:
    meter = DemandMeter()
    end = time.monotonic() + 0.3
    while time.monotonic() < end:
        pass
    wanted = meter.percent()
    assert wanted is not None and wanted >= 90.0


def test_a_sleeping_thread_did_not() -> None:
    meter = DemandMeter()
    time.sleep(0.3)
    wanted = meter.percent()
    assert wanted is not None and wanted < 50.0
