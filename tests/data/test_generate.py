"""Synthetic tickets match the profile they were generated from, and are reproducible.

Acceptance (issue 3): a history with known properties is profiled, 20,000 tickets are generated
from the profile, and each property is tested against it at significance ALPHA = 0.001 (fixed
seeds): chi-square goodness of fit for the channel, category and priority mixes, two-sample KS
for subject and description lengths (generated vs the history the profile measured), KS of the
arrival times within their 15-minute slots against the uniform (conditional-uniform test of an
NHPP, Kim & Whitt) and chi-square of arrivals per hour of day.

Caveat, stated rather than hidden: tickets of one customer share a channel unless the
customer is multi-channel, so channel counts are slightly over-dispersed against the
multinomial the chi-square assumes; the seeds are fixed and the p-values sit well above ALPHA.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from harness.data.generate import CN_MOBILE_PREFIXES, generate
from harness.data.profile import build_profile
from harness.data.profile_model import Count, Profile
from harness.data.schema import TICKET_COLUMNS
from harness.errors import ConfigError
from tests.data.history import history_frame

ALPHA = 0.001
N = 20_000
START = datetime.fromisoformat("2026-04-06T00:00:00+08:00")


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return history_frame(days=28, per_day=400, seed=21)


@pytest.fixture(scope="module")
def profile(history: pd.DataFrame) -> Profile:
    return build_profile(history, source="history.parquet")


@pytest.fixture(scope="module")
def synthetic(profile: Profile) -> pd.DataFrame:
    return generate(profile, tickets=N, seed=3, start=START)


def _mix_p(observed: pd.Series, mix: dict[str, Count]) -> float:
    counts = observed.value_counts()
    names = list(mix)
    assert set(counts.index) <= set(names)
    shares = np.array([mix[n].share for n in names])
    expected = shares / shares.sum() * len(observed)
    return float(stats.chisquare([counts.get(n, 0) for n in names], expected).pvalue)


def test_shape_and_types(synthetic: pd.DataFrame) -> None:
    assert len(synthetic) == N
    assert dict(synthetic.dtypes.astype(str)) == {
        c: str(pd.Series(dtype=t).dtype) for c, t in TICKET_COLUMNS.items()
    }
    assert synthetic["created_at"].is_monotonic_increasing
    assert synthetic["external_id"].is_unique
    assert synthetic["created_at"].min() >= pd.Timestamp(START)


def test_mixes_match_the_profile(synthetic: pd.DataFrame, profile: Profile) -> None:
    assert _mix_p(synthetic["channel"], profile.channels) > ALPHA
    assert _mix_p(synthetic["category"], profile.categories) > ALPHA
    assert _mix_p(synthetic["priority"], profile.priorities) > ALPHA


def test_category_follows_the_channel(synthetic: pd.DataFrame, profile: Profile) -> None:
    email = synthetic[synthetic["channel"] == "email"]["category"]
    row = profile.category_by_channel["email"]
    mix = {c: Count(count=0, share=s) for c, s in row.items()}
    assert _mix_p(email, mix) > ALPHA


def test_text_lengths_match_the_history(synthetic: pd.DataFrame, history: pd.DataFrame) -> None:
    for column in ("description", "subject"):
        made = synthetic[column].dropna().str.len().to_numpy()
        seen = history[column].str.len().to_numpy()
        assert stats.ks_2samp(made, seen).pvalue > ALPHA, column


def test_arrivals_follow_the_profile(synthetic: pd.DataFrame, profile: Profile) -> None:
    seconds = (synthetic["created_at"] - pd.Timestamp(START)).dt.total_seconds().to_numpy()
    assert stats.kstest((seconds % 900) / 900, "uniform").pvalue > ALPHA
    hours = synthetic["created_at"].dt.tz_convert("Asia/Shanghai").dt.hour.to_numpy()
    share = np.array([profile.arrivals.by_hour[f"{h:02d}"].share for h in range(24)])
    observed = np.bincount(hours, minlength=24)
    assert stats.chisquare(observed, share / share.sum() * N).pvalue > ALPHA


def test_customers_repeat_and_switch_channels_like_the_profile(
    synthetic: pd.DataFrame, profile: Profile
) -> None:
    again = build_profile(synthetic)
    assert again.customers is not None and profile.customers is not None
    assert again.customers.repeat_share == pytest.approx(profile.customers.repeat_share, abs=0.02)
    assert again.customers.multi_channel_share == pytest.approx(
        profile.customers.multi_channel_share, abs=0.02
    )
    per_customer = synthetic.groupby("customer_key")[["phone", "customer_name", "email"]].nunique()
    assert (per_customer == 1).all().all()  # one identity per customer
    assert synthetic.groupby("phone")["customer_key"].nunique().max() == 1  # phones unique
    phones = synthetic["phone"]
    assert phones.str.fullmatch(r"1\d{10}").all()
    assert set(phones.str[:3].astype(int)) <= set(CN_MOBILE_PREFIXES)
    assert synthetic["email"].str.endswith(("@example.com", "@example.net", "@example.org")).all()
    assert synthetic["customer_name"].str.fullmatch(r"[\u4e00-\u9fff]{2,4}").all()


def test_sessions_and_routing_match(synthetic: pd.DataFrame, profile: Profile) -> None:
    again = build_profile(synthetic)
    assert again.sessions.mean_messages == pytest.approx(profile.sessions.mean_messages, rel=0.05)
    assert again.sessions.messages_share == pytest.approx(profile.sessions.messages_share, abs=0.02)
    assert again.routing is not None and profile.routing is not None
    assert again.routing.seconds.mean == pytest.approx(profile.routing.seconds.mean, rel=0.05)
    assert (synthetic["resolved_at"] >= synthetic["assigned_at"]).all()
    assert again.agents == profile.agents


def test_same_seed_same_frame_other_seed_differs(profile: Profile) -> None:
    a = generate(profile, tickets=2000, seed=7, start=START)
    b = generate(profile, tickets=2000, seed=7, start=START)
    c = generate(profile, tickets=2000, seed=8, start=START)
    pd.testing.assert_frame_equal(a, b)
    for column in ("created_at", "channel", "description", "customer_name", "phone"):
        assert not a[column].equals(c[column]), column


def test_duration_gives_a_poisson_count(profile: Profile) -> None:
    frame = generate(profile, duration_s=86400, seed=4, start=START)
    expected = profile.arrivals.by_day_of_week["Mon"].tickets_per_day
    assert abs(len(frame) - expected) < 5 * expected**0.5
    both = generate(profile, tickets=500, duration_s=3600, seed=4, start=START)
    assert len(both) == 500
    assert both["created_at"].max() < pd.Timestamp(START) + pd.Timedelta(hours=1)


def test_english_locale(profile: Profile) -> None:
    frame = generate(profile, tickets=300, seed=5, start=START, locale="en_US")
    assert frame["customer_name"].str.fullmatch(r"[A-Za-z'.-]+ [A-Za-z'.-]+").all()
    assert frame["description"].str.contains(r"[a-z]{3}").all()


def test_needs_a_size(profile: Profile) -> None:
    with pytest.raises(ConfigError, match="number of tickets or a duration"):
        generate(profile, seed=1)
