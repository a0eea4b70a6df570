"""The USL fit recovers known parameters from synthetic data, and says when there is no knee."""

from __future__ import annotations

import math
import random

import pytest

from harness.analysis.usl import fit_usl, usl

NS = [1, 2, 4, 8, 16, 24, 32, 48, 64]


def _points(
    lam: float, sigma: float, kappa: float, noise: float = 0.0, seed: int = 7
) -> tuple[list[float], list[float]]:
    rng = random.Random(seed)
    xs = [float(usl(n, lam, sigma, kappa)) * (1 + rng.gauss(0, noise)) for n in NS]
    return [float(n) for n in NS], xs


def test_recovers_exact_parameters_and_the_knee() -> None:
    fit = fit_usl(*_points(10.0, 0.05, 0.002))
    assert fit is not None
    assert fit.lam == pytest.approx(10.0, rel=1e-4)
    assert fit.sigma == pytest.approx(0.05, rel=1e-3)
    assert fit.kappa == pytest.approx(0.002, rel=1e-3)
    assert fit.r2 == pytest.approx(1.0, abs=1e-9)
    assert fit.peak_kind == "knee"
    assert fit.knee_n == pytest.approx(math.sqrt(0.95 / 0.002), rel=1e-3)
    assert fit.peak_x == pytest.approx(float(usl(fit.knee_n, 10.0, 0.05, 0.002)), rel=1e-3)


def test_recovers_parameters_within_a_few_percent_under_noise() -> None:
    fit = fit_usl(*_points(25.0, 0.08, 0.0005, noise=0.02))
    assert fit is not None
    assert fit.lam == pytest.approx(25.0, rel=0.05)
    assert fit.sigma == pytest.approx(0.08, abs=0.02)
    assert fit.kappa == pytest.approx(0.0005, abs=0.0003)
    assert fit.r2 > 0.97
    assert fit.knee_n is not None
    assert fit.knee_n == pytest.approx(math.sqrt(0.92 / 0.0005), rel=0.3)


def test_no_coherency_cost_means_no_knee_but_a_ceiling() -> None:
    fit = fit_usl(*_points(4.0, 0.25, 0.0))
    assert fit is not None
    assert fit.kappa < 1e-6
    assert fit.peak_kind == "ceiling"
    assert fit.knee_n is None
    assert fit.peak_x == pytest.approx(4.0 / 0.25, rel=0.01)


def test_linear_scaling_has_no_peak() -> None:
    fit = fit_usl([1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0])
    assert fit is not None
    assert fit.lam == pytest.approx(2.0, rel=1e-4)
    assert fit.peak_kind == "none"
    assert fit.peak_x is None


def test_concurrency_below_one_is_fitted_too() -> None:
    ns = [0.25, 0.5, 0.75, 1.0, 1.5, 3.0]
    xs = [float(usl(n, 4.0, 0.3, 0.01)) for n in ns]
    fit = fit_usl(ns, xs)
    assert fit is not None
    assert fit.predict(0.5) == pytest.approx(xs[1], rel=1e-3)


@pytest.mark.parametrize(
    ("ns", "xs"),
    [
        ([], []),
        ([1.0, 2.0], [1.0, 2.0]),
        ([1.0, 1.0, 1.0], [1.0, 1.1, 0.9]),
        ([0, 1, 2], [0, 1, 2]),
    ],
    ids=["none", "two-points", "one-concurrency", "zero-dropped-leaves-two"],
)
def test_too_few_points_give_no_fit(ns: list[float], xs: list[float]) -> None:
    assert fit_usl(ns, xs) is None


def test_to_dict_names_the_parameters() -> None:
    fit = fit_usl(*_points(10.0, 0.05, 0.002))
    assert fit is not None
    assert set(fit.to_dict()) == {
        "lambda", "sigma", "kappa", "r2", "points", "knee_concurrency", "peak_throughput",
        "peak_kind",
    }  # fmt: skip
