"""The ``breakpoint:`` block: defaults, units, and one clear message per mistake."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from harness.config import load_scenario
from harness.config.breakpoint import DEFAULT_SLOS, Breakpoint, format_percent
from tests.config.test_scenario import SCENARIOS

BASE: dict[str, Any] = {"start": "2/s", "max_rate": "20/s", "max_time": "10m"}


def test_defaults() -> None:
    spec = Breakpoint.model_validate(BASE)
    assert spec.step_factor == 1.5
    assert spec.next_rate(2.0) == 3.0
    assert (spec.step_duration, spec.warm_up, spec.cool_down) == (30.0, 5.0, 5.0)
    assert (spec.resolution, spec.min_throughput) == (0.05, 0.95)
    assert spec.arrivals == "uniform"
    assert spec.slos == DEFAULT_SLOS


def test_units_read_and_write_back() -> None:
    spec = Breakpoint.model_validate(BASE | {"increment": "30/m", "resolution": "2.5%"})
    assert spec.next_rate(2.0) == 2.5
    dumped = spec.model_dump(mode="json")
    assert dumped["resolution"] == "2.5%"
    assert dumped["max_time"] == "10m"
    assert Breakpoint.model_validate(dumped) == spec


@pytest.mark.parametrize(
    ("fraction", "text"), [(0.05, "5%"), (0.125, "12.5%"), (1.0, "100%"), (0.9, "90%")]
)
def test_format_percent(fraction: float, text: str) -> None:
    assert format_percent(fraction) == text


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"factor": 1}, "greater than 1"),
        ({"factor": 1.5, "increment": "1/s"}, "`factor` and `increment` cannot be used together"),
        ({"start": "30/s"}, "30/s is above max_rate (20/s)"),
        ({"warm_up": "30s"}, "30s is not shorter than step_duration (30s)"),
        ({"max_time": "10s"}, "10s is shorter than one step (30s); raise max_time"),
        ({"resolution": "0%"}, "0% is out of range; use 1% to 50%"),
        ({"resolution": "5"}, "'5' needs a unit: write '5%'"),
        ({"min_throughput": "120%"}, "120% is out of range"),
        ({"min_throughput": "most"}, "'most' is not a percentage"),
        ({"cool_down": "0s"}, "'0s' is zero"),
        ({"arrivals": "bursty"}, "'uniform' or 'poisson'"),
        ({"slos": {"routing_latncy": ["p95 < 30s"]}}, "Did you mean 'routing_latency'?"),
        ({"slos": {"errors": []}}, "list at least one expression"),
        ({"slos": {"errors": ["p95 < 1%"]}}, "'p95' is not available on errors"),
    ],
    ids=lambda value: str(value)[:40],
)
def test_rules(changes: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(fragment)):
        Breakpoint.model_validate(BASE | changes)


def test_shipped_example_is_valid_and_searches_the_saturating_sandbox() -> None:
    scenario = load_scenario(SCENARIOS / "breakpoint.yaml")
    assert scenario.breakpoint is not None
    assert scenario.vendors == ["sandbox-saturating"]
    assert scenario.breakpoint.max_rate > scenario.breakpoint.start


def test_scenarios_without_the_block_have_none() -> None:
    assert load_scenario(SCENARIOS / "smoke.yaml").breakpoint is None


def test_explain_shows_the_block_canonically() -> None:
    scenario = load_scenario(SCENARIOS / "breakpoint.yaml")
    data = yaml.safe_load(scenario.explain())
    assert data["breakpoint"]["resolution"] == "5%"
    assert data["breakpoint"]["slos"]["routing_latency"] == ["p95 < 30s"]
