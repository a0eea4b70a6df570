"""Profiles of frames whose answers are known by construction; profile.json round trip."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from harness.data.profile import DEFAULT_MESSAGES, DEFAULT_THINK_S, build_profile
from harness.data.profile_model import Profile
from harness.errors import ConfigError
from tests.data.history import history_frame

MONDAY = pd.Timestamp("2026-03-02", tz="Asia/Shanghai")


def known_frame() -> pd.DataFrame:
    """14 days; every day 10 tickets at 09:00-09:10 local and 10 at 21:30-21:40 (280).

    Customers: 60 write once on wechat, 30 write 4 times on email, 10 write 10 times
    alternating wechat/phone: 40 % repeat, 10 % on two channels; channels 110/120/50.
    Categories 50/50, priorities 3:1 normal/high, one description in ten missing.
    """
    times = []
    for day in range(14):
        base = MONDAY + pd.Timedelta(days=day)
        times += [base + pd.Timedelta(hours=9, seconds=60 * i) for i in range(10)]
        times += [base + pd.Timedelta(hours=21, minutes=30, seconds=60 * i) for i in range(10)]
    n = len(times)
    keys = [f"s{i}" for i in range(60)] + [f"r{i // 4}" for i in range(120)]
    keys += [f"m{i // 10}" for i in range(100)]
    channel_of = ["wechat"] * 60 + ["email"] * 120 + ["wechat", "phone"] * 50
    return pd.DataFrame(
        {
            "external_id": [f"T{i}" for i in range(n)],
            "created_at": pd.DatetimeIndex(times).tz_convert("UTC"),
            "assigned_at": pd.DatetimeIndex(times).tz_convert("UTC") + pd.Timedelta(seconds=30),
            "channel": pd.array(channel_of, dtype="string"),
            "category": pd.array(["refunds", "logistics"] * (n // 2), dtype="string"),
            "priority": pd.array(["normal", "normal", "normal", "high"] * (n // 4), dtype="string"),
            "subject": pd.array(["退款"] * n, dtype="string"),
            "description": pd.array(
                ["一二三四五六七八九十"] * (n - 28) + [None] * 28, dtype="string"
            ),
            "customer_key": pd.array(keys, dtype="string"),
        }
    )


def test_known_frame_gives_the_known_answers() -> None:
    frame = known_frame()
    p = build_profile(frame, source="known.parquet")
    assert p.source.rows == 280 and p.source.file == "known.parquet"
    assert p.arrivals.days_observed == 14
    assert {k: c.count for k, c in p.channels.items()} == {"wechat": 110, "email": 120, "phone": 50}
    assert p.categories["refunds"].share == 0.5
    assert p.priorities["normal"].share == 0.75 and p.priorities["high"].count == 70
    rates = p.arrivals.week_rates()
    busy = {9 * 4, 21 * 4 + 2}
    for slot in range(672):
        assert rates[slot] == pytest.approx(10 / 900 if slot % 96 in busy else 0.0)
    assert p.arrivals.by_hour["09"].tickets_per_day == 10 and p.arrivals.by_hour["09"].share == 0.5
    assert p.arrivals.busiest_hours == [9, 21]  # busiest first; empty hours left out
    assert p.arrivals.tickets_per_day.mean == 20 and p.arrivals.tickets_per_day.sd == 0
    assert p.arrivals.tickets_per_day.gamma_shape is None
    assert p.customers is not None
    assert p.customers.customers == 100
    assert p.customers.repeat_share == 0.4
    assert p.customers.multi_channel_share == 0.1
    assert (
        p.customers.tickets_per_customer["1"] == 60 and p.customers.tickets_per_customer["4"] == 30
    )
    assert p.description.empty_share == 0.1
    assert p.description.chars is not None and p.description.chars.summary["p50"] == 10
    assert p.routing is not None and p.routing.seconds.summary["p50"] == 30
    assert p.sessions.messages_source == "default"
    assert p.sessions.duration_s == DEFAULT_MESSAGES * DEFAULT_THINK_S
    assert p.resolution is None and p.agents is None


def test_weekday_and_day_factor_from_a_history() -> None:
    p = build_profile(history_frame(days=84, per_day=300, day_cv=0.2, seed=4))
    daily = p.arrivals.tickets_per_day
    assert daily.gamma_shape is not None
    assert 0.14 < daily.gamma_shape**-0.5 < 0.27  # fitted day CV near 0.2
    weekend = p.arrivals.by_day_of_week["Sat"].tickets_per_day
    assert weekend < p.arrivals.by_day_of_week["Tue"].tickets_per_day
    assert p.sessions.think_time_source == "derived" and p.sessions.duration is not None


def test_json_round_trip_and_readability() -> None:
    p = build_profile(history_frame(days=14, seed=2), source="h.parquet")
    text = p.to_json()
    assert Profile.from_json(text) == p
    data = json.loads(text)
    assert data["version"] == 1 and data["channels"]["wechat"]["share"] > 0.4
    assert len(data["arrivals"]["slot_rates_per_s"]["Mon"]) == 96
    assert '"Mon": [' in text  # number lists on one line, the rest indented
    assert text.count("\n") < 700


def test_bad_profile_files() -> None:
    good = json.loads(build_profile(history_frame(days=7, seed=3)).to_json())
    with pytest.raises(ConfigError, match="version 9 is not supported"):
        Profile.from_json(json.dumps({**good, "version": 9}), "p.json")
    good["arrivals"]["slot_rates_per_s"]["Mon"] = [0.1]
    with pytest.raises(ConfigError, match=r"p.json: arrivals.slot_rates_per_s: .*96 rates"):
        Profile.from_json(json.dumps(good), "p.json")
    with pytest.raises(ConfigError, match=r"p\.json:1: not valid JSON"):
        Profile.from_json("{", "p.json")


def test_missing_columns_and_empty_tables() -> None:
    with pytest.raises(ConfigError, match=r"missing column.*channel"):
        build_profile(pd.DataFrame({"created_at": [], "category": []}), source="x.parquet")
    empty = known_frame().iloc[:0]
    with pytest.raises(ConfigError, match="no rows"):
        build_profile(empty)
