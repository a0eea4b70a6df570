"""Arrival schedules: the NHPP matches its rate, peaks and compression do what they say.

Statistical tests use a significance level ALPHA = 0.001 with fixed seeds: a test fails when
the data would be that unlikely under the model (so a correct generator fails about one seed
in a thousand, and these seeds are fixed).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from harness.data.peaks import parse_peak_windows
from harness.data.profile import build_profile
from harness.data.profile_model import Profile
from harness.data.traffic import (
    arrival_times,
    expected_load,
    intensity,
    read_schedule,
    write_schedule,
)
from harness.errors import ConfigError
from tests.data.history import history_frame

ALPHA = 0.001
START = datetime.fromisoformat("2026-04-06T00:00:00+08:00")  # a Monday
WEEK = 7 * 86400.0


@pytest.fixture(scope="module")
def profile() -> Profile:
    return build_profile(history_frame(days=28, per_day=400, seed=11))


def test_time_rescaled_gaps_are_exponential(profile: Profile) -> None:
    """Time-rescaling theorem: Lambda(t_i) - Lambda(t_i-1) ~ Exp(1) for an NHPP."""
    assert profile.arrivals.tickets_per_day.gamma_shape is None  # no day factor to undo
    offsets = arrival_times(profile, start=START, duration_s=WEEK, seed=5)
    grid = intensity(profile, start=START, duration_s=WEEK)
    gaps = np.diff(grid.cumulative(offsets))
    assert stats.kstest(gaps, "expon").pvalue > ALPHA


def test_within_a_slot_arrivals_are_uniform(profile: Profile) -> None:
    """Conditional-uniform KS (Kim & Whitt): given the count, times in a slot are uniform."""
    shaped = profile.model_copy(
        update={
            "arrivals": profile.arrivals.model_copy(
                update={
                    "tickets_per_day": profile.arrivals.tickets_per_day.model_copy(
                        update={"gamma_shape": 20.0}
                    )
                }
            )
        }
    )
    offsets = arrival_times(shaped, start=START, duration_s=WEEK, seed=6, peak_multiplier=5)
    position = (offsets % 900) / 900
    assert stats.kstest(position, "uniform").pvalue > ALPHA


def test_hour_of_day_counts_match_the_profile(profile: Profile) -> None:
    offsets = arrival_times(profile, start=START, duration_s=2 * WEEK, seed=7)
    hours = (offsets // 3600 % 24).astype(int)  # START is local midnight, UTC+8 has no DST
    observed = np.bincount(hours, minlength=24)
    expected_share = np.array([profile.arrivals.by_hour[f"{h:02d}"].share for h in range(24)])
    expected = expected_share / expected_share.sum() * observed.sum()
    assert stats.chisquare(observed, expected).pvalue > ALPHA


def test_peak_multiplier_raises_the_busiest_hours_by_the_factor(profile: Profile) -> None:
    base = intensity(profile, start=START, duration_s=WEEK)
    peak = intensity(profile, start=START, duration_s=WEEK, peak_multiplier=10, peak_hours=2)
    ratio = np.divide(peak.rates, base.rates, out=np.ones_like(base.rates), where=base.rates > 0)
    assert set(np.round(ratio, 9)) == {1.0, 10.0}
    raised = np.isclose(ratio, 10)
    assert raised.sum() == 7 * 2 * 4  # two hours (8 slots) a day, every day
    for day in range(7):  # the raised hours are that day's two busiest
        hourly = base.rates[day * 96 : (day + 1) * 96].reshape(24, 4).sum(axis=1)
        raised_hours = np.flatnonzero(raised[day * 96 : (day + 1) * 96].reshape(24, 4).all(axis=1))
        assert set(raised_hours) == set(np.argsort(-hourly)[:2])
    # realised arrivals: the busiest hours carry ~10x, the others are unchanged
    plain = arrival_times(profile, start=START, duration_s=WEEK, seed=8)
    boosted = arrival_times(
        profile, start=START, duration_s=WEEK, seed=8, peak_multiplier=10, peak_hours=2
    )

    def in_peak(offsets: np.ndarray) -> tuple[int, int]:
        flags = raised[(offsets // 900).astype(int)]
        return int(flags.sum()), int((~flags).sum())

    (peak_plain, rest_plain), (peak_boosted, rest_boosted) = in_peak(plain), in_peak(boosted)
    assert 9.0 < peak_boosted / peak_plain < 11.0
    assert 0.95 < rest_boosted / rest_plain < 1.05


def test_whole_day_multiplier_when_no_peak_hours(profile: Profile) -> None:
    normal = expected_load(profile, start=START, duration_s=86400)
    double11 = expected_load(profile, start=START, duration_s=86400, peak_multiplier=4)
    assert double11.expected_arrivals == pytest.approx(4 * normal.expected_arrivals)


def test_compression_divides_offsets(profile: Profile) -> None:
    real = arrival_times(profile, start=START, duration_s=86400, seed=9)
    fast = arrival_times(profile, start=START, duration_s=86400, seed=9, compression=144)
    np.testing.assert_allclose(fast, real / 144, rtol=0, atol=0)
    assert fast.max() < 600  # a day in 10 minutes


def test_littles_law_numbers(profile: Profile) -> None:
    one = expected_load(profile, start=START, duration_s=86400)
    fast = expected_load(profile, start=START, duration_s=86400, compression=144)
    assert one.mean_concurrency == pytest.approx(one.mean_rate_per_s * profile.sessions.duration_s)
    assert fast.mean_rate_per_s == pytest.approx(144 * one.mean_rate_per_s)
    assert fast.mean_concurrency == pytest.approx(144 * one.mean_concurrency)
    assert fast.replay_s == pytest.approx(600)
    assert one.peak_rate_per_s > one.mean_rate_per_s
    assert one.expected_arrivals == pytest.approx(
        profile.arrivals.by_day_of_week["Mon"].tickets_per_day, rel=1e-3
    )


def test_gamma_day_factor_spreads_daily_totals(profile: Profile) -> None:
    k = 25.0  # CV 0.2
    daily = profile.arrivals.tickets_per_day.model_copy(update={"gamma_shape": k})
    shaped = profile.model_copy(
        update={"arrivals": profile.arrivals.model_copy(update={"tickets_per_day": daily})}
    )
    offsets = arrival_times(shaped, start=START, duration_s=28 * WEEK, seed=10)
    totals = np.bincount((offsets // 86400).astype(int))
    weekday = np.arange(len(totals)) % 7
    ratio = totals / np.array([totals[weekday == d].mean() for d in weekday])
    assert 0.16 < ratio.std() < 0.24


def test_fixed_count_and_bounds(profile: Profile) -> None:
    offsets = arrival_times(profile, start=START, duration_s=3600.0 * 5 + 123, seed=1, count=777)
    assert len(offsets) == 777
    assert np.all(np.diff(offsets) >= 0)
    assert offsets[0] >= 0 and offsets[-1] < 3600.0 * 5 + 123


def test_start_off_the_slot_grid_and_dst_zone(profile: Profile) -> None:
    berlin = profile.model_copy(
        update={"arrivals": profile.arrivals.model_copy(update={"timezone": "Europe/Berlin"})}
    )
    start = datetime.fromisoformat("2026-03-28T23:07:13+01:00")  # DST starts on 29 March
    grid = intensity(berlin, start=start, duration_s=2 * 86400)
    assert grid.edges[0] == 0 and grid.edges[-1] == 2 * 86400
    assert np.all(grid.widths >= 0) and grid.widths.max() == 900


def test_bad_arguments_are_config_errors(profile: Profile) -> None:
    with pytest.raises(ConfigError, match="compression 0"):
        arrival_times(profile, start=START, duration_s=60, seed=1, compression=0)
    with pytest.raises(ConfigError, match="peak hours 25"):
        arrival_times(profile, start=START, duration_s=60, seed=1, peak_hours=25)


def test_schedule_file_round_trip(tmp_path: Path, profile: Profile) -> None:
    from harness.data.generate import generate

    frame = generate(profile, tickets=300, seed=2, start=START)
    offsets = (frame["created_at"] - pd.Timestamp(START)).dt.total_seconds().to_numpy() / 144
    path = tmp_path / "schedule.parquet"
    write_schedule(path, offsets, frame, compression=144, start=START)
    back, meta = read_schedule(path)
    assert list(back.columns)[:2] == ["offset_s", "external_id"]
    np.testing.assert_array_equal(back["offset_s"].to_numpy(), offsets)
    assert back["external_id"].tolist() == frame["external_id"].tolist()
    assert meta == {"version": 1, "arrivals": 300, "compression": 144, "start": START.isoformat()}
    assert not list(tmp_path.glob("*.partial"))
    with pytest.raises(ValueError, match="sorted"):
        write_schedule(path, offsets[::-1], frame)
    with pytest.raises(ValueError, match="offsets for"):
        write_schedule(path, offsets[:10], frame)
    (tmp_path / "not.parquet").write_text("x")
    with pytest.raises(ConfigError, match="not a readable"):
        read_schedule(tmp_path / "not.parquet")


def test_peak_windows_raise_those_clock_times_not_the_busiest_hours(profile: Profile) -> None:
    windows = parse_peak_windows("20:00-24:00, 00:00-02:00")
    assert windows == ((0, 120), (1200, 1440))
    base = intensity(profile, start=START, duration_s=WEEK)
    peak = intensity(profile, start=START, duration_s=WEEK, peak_multiplier=10,
                     peak_windows=windows)  # fmt: skip
    ratio = np.divide(peak.rates, base.rates, out=np.ones_like(base.rates), where=base.rates > 0)
    raised = np.isclose(ratio, 10).reshape(7, 24, 4).all(axis=2)  # day x hour
    assert [set(np.flatnonzero(day)) for day in raised] == [{0, 1, 20, 21, 22, 23}] * 7
    assert np.isclose(ratio, 1).reshape(7, 24, 4).all(axis=2).sum() == 7 * 18
    boosted = arrival_times(profile, start=START, duration_s=86400, seed=3, peak_multiplier=10,
                            peak_windows=windows)  # fmt: skip
    hours = (boosted // 3600).astype(int)
    assert np.bincount(hours, minlength=24)[[0, 1, 20, 21, 22, 23]].sum() > len(boosted) / 2


@pytest.mark.parametrize(("text", "message"), [
    ("0-2", "write HH:MM-HH:MM, e.g. 00:00-02:00,20:00-24:00."),
    ("20:00-25:00", "not a time of day (00:00 to 24:00)."),
    ("20:10-21:00", "the profile has 15-minute slots"),
    ("22:00-01:00", "ends before it starts; a window past midnight is two"),
])  # fmt: skip
def test_bad_peak_windows_name_the_window(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(f"--peak-window {text!r}: {message}")):
        parse_peak_windows(text)


def test_peak_hours_and_windows_together_are_refused(profile: Profile) -> None:
    with pytest.raises(ConfigError, match="not both"):
        intensity(profile, start=START, duration_s=WEEK, peak_multiplier=10, peak_hours=2,
                  peak_windows=((0, 120),))  # fmt: skip
