"""Measurement primitives: a mergeable histogram, per-second series and the metric catalog.

Pure Python and stdlib only: this package runs in every Locust worker's hot path.
"""

from harness.metrics.catalog import METRICS, MetricInfo, MetricKind
from harness.metrics.histogram import Histogram, nearest_rank
from harness.metrics.series import SeriesStore

__all__ = ["METRICS", "Histogram", "MetricInfo", "MetricKind", "SeriesStore", "nearest_rank"]
