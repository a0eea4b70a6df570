"""The noise rules: Wilson and Newcombe intervals, batch means, latency and Poisson bands."""

from __future__ import annotations

import dataclasses

import pytest

from harness.report import noise
from harness.report.changes import change_sets, compare_runs
from tests.report import make_run


def test_wilson_interval_is_inside_zero_one_and_covers_the_rate() -> None:
    low, high = noise.wilson(0, 2400)
    assert low == pytest.approx(0.0, abs=1e-12) and 0 < high < 0.002
    low, high = noise.wilson(100, 2400)
    assert low < 100 / 2400 < high


@pytest.mark.parametrize(
    ("a", "b", "noisy"),
    [((0, 2400), (2, 2400), True), ((2, 7200), (302, 7200), False), ((5, 100), (9, 100), True)],
    ids=["zero-vs-two", "errors-jump", "small-counts"],
)
def test_rate_difference_interval(a: tuple[int, int], b: tuple[int, int], noisy: bool) -> None:
    low, high = noise.rate_difference_interval(*a, *b)
    assert (low <= 0 <= high) is noisy
    assert low < b[0] / b[1] - a[0] / a[1] < high


def test_batch_means_standard_error() -> None:
    steady = [100.0] * 60
    assert noise.batch_standard_error(steady) == 0.0
    alternating = [100.0 if (i // 10) % 2 else 200.0 for i in range(60)]  # batches 200,100,...
    se = noise.batch_standard_error(alternating)
    assert se == pytest.approx(54.77 / 6**0.5, rel=1e-3)
    assert noise.batch_standard_error([None, None]) is None
    short = [100.0, 110.0, 90.0, 100.0]  # fewer than three batches: 1.4826 x MAD
    assert noise.batch_standard_error(short) == pytest.approx(1.4826 * 5.0)


def test_latency_band_is_the_wider_of_histogram_error_and_spread() -> None:
    assert noise.latency_band(1000, 1000, error_a=0.01, error_b=0.01) == pytest.approx(20)
    seconds = ([900.0] * 10 + [1100.0] * 10) * 3
    spread = noise.latency_band(
        1000, 1000, error_a=0.01, error_b=0.01, seconds_a=seconds, seconds_b=[1000.0] * 60
    )
    assert spread > 20


def test_count_rate_band() -> None:
    assert noise.count_rate_band(2400, 120, 2400, 120) == pytest.approx(
        1.959964 * (2 * 2400 / 120**2) ** 0.5
    )


def test_identical_reruns_are_within_noise_and_a_real_change_is_a_regression() -> None:
    solid, saturating = make_run(), make_run(saturating=True)
    same = compare_runs(saturating, dataclasses.replace(saturating, started_at="2026-11-12"))
    assert {c.assessment for c in same} == {"noise"}
    worse = {c.key: c for c in compare_runs(solid, saturating)}
    assert worse["routing_p95"].assessment == "regression"
    assert worse["error_rate"].assessment == "regression"
    assert worse["create_p95"].assessment == "noise"
    better = {c.key: c for c in compare_runs(saturating, solid)}
    assert better["routing_p95"].assessment == "improvement"
    assert better["routing_p95"].relative == pytest.approx(370 / 14300 - 1)


def test_change_sets_pair_reruns_chronologically_and_vendors_against_the_leader() -> None:
    solid, saturating = make_run(), make_run(saturating=True)
    rerun = dataclasses.replace(saturating, started_at="2026-11-12T00:00:00Z")
    sets = change_sets([solid, rerun, saturating])
    assert [(s.kind, s.baseline_started, s.candidate_started) for s in sets] == [
        ("rerun", saturating.started_at, rerun.started_at),
        ("vendor", solid.started_at, rerun.started_at),
    ]
