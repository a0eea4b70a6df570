"""Profiles and the pieces that need no server: overrides, skills, token buckets, cursors."""

from __future__ import annotations

import pytest

from harness.sandbox import PRESETS, Profile, ProfileError, get_profile
from harness.sandbox.ratelimit import RateLimiter, TokenBucket
from harness.sandbox.routing import build_agents
from harness.sandbox.tickets import decode_cursor, encode_cursor
from harness.sandbox.webhooks import sign


def test_presets() -> None:
    solid, saturating = PRESETS["solid"], PRESETS["saturating"]
    assert solid.categories == ("billing", "refunds", "logistics", "account", "technical")
    assert (solid.agents, solid.agent_capacity, solid.handle_time_s) == (40, 4, 2.0)
    assert (solid.routing_workers, solid.decision_time_s) == (8, 0.005)
    assert (solid.rate_limit_rps, solid.rate_limit_burst, solid.max_body_bytes) == (
        500,
        500,
        65536,
    )
    assert (saturating.agents, saturating.agent_capacity, saturating.handle_time_s) == (10, 2, 3.0)
    assert (saturating.routing_workers, saturating.decision_time_s) == (1, 0.3)
    service_per_s = saturating.agents * saturating.agent_capacity / saturating.handle_time_s
    assert 6 < service_per_s < 7  # the agents could keep up with the smoke scenario's 8/s ...
    decisions_per_s = saturating.routing_workers / saturating.decision_time_s
    assert 3 < decisions_per_s < 4  # ... the routing pool cannot


def test_overrides_convert_types() -> None:
    profile = get_profile(
        "solid",
        {
            "agents": "3",
            "handle_time_s": "0.5",
            "simulated_agents": "no",
            "categories": "a, b,c",
            "rate_limit_rps": "0",
        },
    )
    assert profile.agents == 3
    assert profile.handle_time_s == 0.5
    assert profile.simulated_agents is False
    assert profile.categories == ("a", "b", "c")
    assert profile.rate_limit_rps == 0
    assert PRESETS["solid"].agents == 40  # presets are untouched


def test_overrides_report_every_problem() -> None:
    with pytest.raises(ProfileError) as info:
        PRESETS["solid"].with_overrides({"agnets": "1", "routing_workers": "x"})
    lines = str(info.value).splitlines()
    assert len(lines) == 2
    assert "Did you mean 'agents'?" in lines[0]
    assert "routing_workers='x': expected an integer" in lines[1]


def test_profile_validates_ranges() -> None:
    with pytest.raises(ProfileError, match="agent_capacity must be >= 1"):
        Profile(name="x", agent_capacity=0)
    with pytest.raises(ProfileError, match="categories must be"):
        Profile(name="x", categories=())


@pytest.mark.parametrize("agents", [1, 2, 3, 10, 40])
def test_skills_cover_every_category(agents: int) -> None:
    profile = get_profile("solid", {"agents": str(agents)})
    team = build_agents(profile, seed=7)
    assert len(team) == agents
    for category in profile.categories:
        assert sum(category in a.skills for a in team) >= min(agents, 2)
    again = build_agents(profile, seed=7)
    assert [a.skills for a in again] == [a.skills for a in team]  # seeded, so reproducible


def test_token_bucket_retry_after_is_whole_seconds() -> None:
    bucket = TokenBucket(rate=0.5, burst=2)
    assert [bucket.take(), bucket.take()] == [0, 0]
    assert bucket.take() == 2  # one token takes 2 s at 0.5/s
    assert RateLimiter(0, 0).check("any") == 0  # 0 = unlimited


def test_cursor_round_trip_and_refusal() -> None:
    assert decode_cursor(encode_cursor(123)) == 123
    with pytest.raises(ValueError, match="not a cursor"):
        decode_cursor("bm9wZQ")


def test_signature_format() -> None:
    assert sign(b"k", "1700000000", b"{}") == (
        "sha256=c6ef4734033cee2367414a0939385eca0397754aa7a59716da7463a9298b5146"
    )
