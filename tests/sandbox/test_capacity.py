"""The sandbox states its own capacity in ``/_sandbox/truth`` (for tests, never for the search)."""

from __future__ import annotations

import pytest

from harness.sandbox import PRESETS, get_profile
from tests.fixtures.sandbox import SandboxFactory
from tests.sandbox.conftest import ClientFactory


def test_saturating_is_routing_bound() -> None:
    capacity = PRESETS["saturating"].capacity()
    assert capacity["routing_per_s"] == pytest.approx(1 / 0.3)
    assert capacity["service_per_s"] == pytest.approx(10 * 2 / 3.0)
    assert capacity["items_per_s"] == pytest.approx(10 / 3)


def test_agents_can_be_the_limit() -> None:
    capacity = get_profile("solid", {"agents": "2", "agent_capacity": "1"}).capacity()
    assert capacity["items_per_s"] == capacity["service_per_s"] == pytest.approx(1.0)


def test_zero_time_means_no_limit_from_that_side() -> None:
    capacity = get_profile("solid", {"decision_time_s": "0"}).capacity()
    assert capacity["routing_per_s"] == 0.0
    assert capacity["items_per_s"] == capacity["service_per_s"]


def test_truth_reports_capacity(sandbox_factory: SandboxFactory, client_for: ClientFactory) -> None:
    client = client_for(sandbox_factory("saturating"))
    truth = client.get("/_sandbox/truth").json()
    assert truth["capacity"]["items_per_s"] == pytest.approx(10 / 3)
