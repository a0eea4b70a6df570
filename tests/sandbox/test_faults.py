"""The faulty profile: fault specs parse strictly, decisions are seeded, truth counts them."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest

from harness.sandbox.faultplan import EXPECTED_CLASS, FaultError, parse_faults
from harness.sandbox.faults import FaultInjector
from harness.sandbox.profiles import PRESETS, ProfileError, get_profile
from tests.fixtures.sandbox import SandboxFactory
from tests.sandbox.helpers import ticket_body


def test_spec_parses_and_reports_every_problem_at_once() -> None:
    plan = parse_faults("timeout=0.1, hold_s=2; burst_len=3")
    assert (plan.timeout, plan.hold_s, plan.burst_len) == (0.1, 2.0, 3)
    assert parse_faults("").active is False
    with pytest.raises(FaultError) as caught:
        parse_faults("timeot=0.1,reset=2,burst_len=0,malformed=x,oops")
    text = str(caught.value)
    for part in ("unknown fault 'timeot'", "reset=2.0: a rate is between 0 and 1",
                 "burst_len=0: must be positive", "malformed='x': expected a number",
                 "'oops': expected name=value"):  # fmt: skip
        assert part in text
    with pytest.raises(ProfileError, match="unknown fault"):
        get_profile("solid", {"faults": "nope=1"})


def test_decisions_are_seeded_and_bursts_hold() -> None:
    plan = parse_faults(PRESETS["faulty"].faults)

    def draws(seed: int) -> list[str | None]:
        injector = FaultInjector(plan, seed)
        return [injector.decide("/api/v1/tickets") for _ in range(500)]

    first, again, other = draws(7), draws(7), draws(8)
    assert first == again != other
    assert set(Counter(first)) == {None, *EXPECTED_CLASS} - {"create_5xx"}  # reads only
    injector = FaultInjector(plan, 7)
    assert injector.decide("/api/v1/webhooks") is None  # setup calls are spared
    assert injector.decide("/_sandbox/truth") is None


def test_faulty_sandbox_counts_what_it_injects(
    sandbox_factory: SandboxFactory, sandbox_token: str
) -> None:
    sandbox = sandbox_factory("faulty", faults="reset=0.2,truncated=0.2,storm_429=0.05,storm_len=2")
    seen: Counter[str] = Counter()
    headers = {"Authorization": f"Bearer {sandbox_token}"}
    with httpx.Client(base_url=sandbox.url, headers=headers, timeout=5.0) as client:
        for n in range(120):
            try:
                response = client.post("/api/v1/tickets", json=ticket_body(f"f-{n}"))
            except httpx.TransportError:
                seen["connection"] += 1
                continue
            if response.status_code == 429:
                seen["throttled"] += 1
                continue
            try:
                response.json()
            except ValueError:
                seen["protocol"] += 1
        truth = client.get("/_sandbox/truth").json()["faults"]
    injected = truth["injected"]
    assert injected["reset"] == seen["connection"] > 0
    assert injected["truncated"] == seen["protocol"] > 0
    assert injected["throttled"] == seen["throttled"] > 0
    assert truth["expected"]["reset"] == "connection"


def test_create_5xx_fails_ticket_creates_only() -> None:
    injector = FaultInjector(parse_faults("create_5xx=1"), 3)
    assert injector.decide("/api/v1/tickets", "POST") == "create_5xx"
    assert injector.decide("/api/v1/tickets/7", "GET") is None
    assert injector.decide("/api/v1/tickets", "GET") is None
    assert injector.decide("/api/v1/sessions", "POST") is None
