# ruff: noqa: RUF002, RUF003  (the USL is written with its Greek letters and minus signs)
"""The Universal Scalability Law (Gunther): throughput as a function of concurrency.

    X(N) = λN / (1 + σ(N − 1) + κN(N − 1))

λ is the throughput of one unit of concurrency, σ (contention) the share of work that
serialises, κ (coherency) the cost of keeping concurrent work consistent. With κ > 0 the curve
peaks at the knee ``N* = sqrt((1 − σ) / κ)`` and falls after it (retrograde throughput); with
κ ≈ 0 it rises towards the ceiling λ/σ and never falls; with σ ≈ κ ≈ 0 it is linear.

:func:`fit_usl` fits λ, σ, κ by bounded least squares (``scipy.optimize.curve_fit``, σ and κ
at least 0, σ at most 1) to measured (N, X) points; N comes from Little's law, so values
below 1 are normal for a lightly loaded target.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

__all__ = ["UslFit", "fit_usl", "usl"]

# A term that changes X by less than this share anywhere in the measured range is taken as
# zero: a knee or ceiling it implied would be an artefact of rounding, far outside the data.
_NEGLIGIBLE = 1e-4

PeakKind = Literal["knee", "ceiling", "none"]


def usl(n: Any, lam: float, sigma: float, kappa: float) -> Any:
    """X(N) for a number or an array of N (the model ``curve_fit`` fits)."""
    n = np.asarray(n, dtype=float)
    denominator = 1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0)
    return lam * n / np.maximum(denominator, 1e-12)


@dataclass(frozen=True, slots=True)
class UslFit:
    lam: float
    sigma: float
    kappa: float
    r2: float
    points: int
    knee_n: float | None  # N* when κ > 0 and σ < 1
    peak_x: float | None  # X(N*) at the knee, or λ/σ (the ceiling) when there is no knee
    peak_kind: PeakKind

    def predict(self, n: float) -> float:
        return float(usl(n, self.lam, self.sigma, self.kappa))

    def to_dict(self) -> dict[str, object]:
        return {
            "lambda": self.lam,
            "sigma": self.sigma,
            "kappa": self.kappa,
            "r2": self.r2,
            "points": self.points,
            "knee_concurrency": self.knee_n,
            "peak_throughput": self.peak_x,
            "peak_kind": self.peak_kind,
        }


def fit_usl(concurrency: Sequence[float], throughput: Sequence[float]) -> UslFit | None:
    """Fit the USL to (N, X) points; None with fewer than three usable points or no fit.

    Points with N or X not above zero are left out (nothing was in flight, or nothing routed).
    """
    pairs = [
        (n, x)
        for n, x in zip(concurrency, throughput, strict=True)
        if math.isfinite(n) and math.isfinite(x) and n > 0 and x > 0
    ]
    if len(pairs) < 3 or len({round(n, 9) for n, _ in pairs}) < 3:
        return None
    from scipy.optimize import OptimizeWarning, curve_fit

    ns = np.array([n for n, _ in pairs])
    xs = np.array([x for _, x in pairs])
    lam0 = float(np.max(xs / ns))
    with warnings.catch_warnings():
        # Few points give no covariance estimate; only the parameters are used.
        warnings.simplefilter("ignore", OptimizeWarning)
        try:
            params, _ = curve_fit(
                usl,
                ns,
                xs,
                p0=(lam0, 0.05, 0.001),
                bounds=((1e-12, 0.0, 0.0), (np.inf, 1.0, np.inf)),
                method="trf",
                maxfev=20_000,
            )
        except (RuntimeError, ValueError):
            return None
    lam, sigma, kappa = (float(p) for p in params)
    return _describe(lam, sigma, kappa, ns, xs)


def _describe(
    lam: float, sigma: float, kappa: float, ns: NDArray[np.float64], xs: NDArray[np.float64]
) -> UslFit:
    predicted = usl(ns, lam, sigma, kappa)
    residual = float(np.sum((xs - predicted) ** 2))
    total = float(np.sum((xs - np.mean(xs)) ** 2))
    r2 = 1.0 - residual / total if total > 0 else (1.0 if residual == 0 else 0.0)
    knee: float | None = None
    peak: float | None = None
    kind: PeakKind = "none"
    n_max = float(np.max(ns))
    if kappa * n_max * max(n_max - 1.0, 1.0) < _NEGLIGIBLE:
        kappa = 0.0
    if sigma * max(n_max - 1.0, 1.0) < _NEGLIGIBLE:
        sigma = 0.0
    if kappa > 0 and sigma < 1.0:
        knee = math.sqrt((1.0 - sigma) / kappa)
        peak = float(usl(knee, lam, sigma, kappa))
        kind = "knee"
    elif sigma > 0:
        peak = lam / sigma
        kind = "ceiling"
    return UslFit(lam, sigma, kappa, r2, len(ns), knee, peak, kind)
