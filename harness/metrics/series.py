"""Per-metric, per-second measurements that merge exactly across Locust workers.

Each worker records into its own :class:`SeriesStore` and every few seconds ships ``drain()``, the
deltas since the last drain, through ``events.report_to_master``. The master ``merge``s what
arrives, in whatever order it arrives. Every part merges by integer addition: histogram bucket
counts, sums in ns, rate hits and totals, and counters. So the merged store equals one that
recorded everything itself, in any order (tests/metrics/test_series.py checks this with
hypothesis).

Memory: a trend keeps one Histogram per second that has data. For a realistic latency spread
that is about 0.8 KB for a second with 10 samples, 7 KB with 100 and 31 KB with 1,000. The
number of buckets saturates at a few hundred. A one-hour run at 1,000 req/s therefore holds
about 110 MB per trend metric. Rates and counters cost well under 100 bytes per second. For very
long runs, merge old seconds into coarser windows before keeping them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from difflib import get_close_matches
from pathlib import Path
from typing import Any, TypeVar

from harness.metrics.catalog import METRICS, MetricInfo, MetricKind
from harness.metrics.histogram import Histogram

__all__ = ["SeriesStore", "read_metric_lines"]

_FORMAT_VERSION = 1
_V = TypeVar("_V")
_VERB = {MetricKind.TREND: "observe", MetricKind.RATE: "hit", MetricKind.COUNTER: "add"}


class SeriesStore:
    """Trends (ms histograms), rates (hits, total) and counters, keyed by metric and second.

    ``second`` is whole seconds since an origin the caller chooses (the run start). Only metrics of
    the catalog are accepted, and each only through the method for its kind.
    """

    __slots__ = ("_catalog", "_counters", "_rates", "_trends")
    __hash__ = None  # type: ignore[assignment]  # mutable, compared by content

    def __init__(self, catalog: Mapping[str, MetricInfo] = METRICS) -> None:
        self._catalog = catalog
        self._trends: dict[str, dict[int, Histogram]] = self._slots(MetricKind.TREND)
        self._rates: dict[str, dict[int, list[int]]] = self._slots(MetricKind.RATE)
        self._counters: dict[str, dict[int, int]] = self._slots(MetricKind.COUNTER)

    # -- recording (hot path) -------------------------------------------------------------------

    def observe(self, metric: str, value_ms: float, second: int) -> None:
        """Record a duration in ms into a trend metric."""
        per_second = self._trends.get(metric)
        if per_second is None:
            raise self._misuse(metric, MetricKind.TREND)
        histogram = per_second.get(second)
        if histogram is None:
            histogram = Histogram()
            histogram.record(value_ms)  # validate before storing
            per_second[second] = histogram
        else:
            histogram.record(value_ms)

    def hit(self, metric: str, second: int, hit: bool) -> None:
        """Count one event of a rate metric, a hit (True) or not (False)."""
        per_second = self._rates.get(metric)
        if per_second is None:
            raise self._misuse(metric, MetricKind.RATE)
        cell = per_second.get(second)
        if cell is None:
            per_second[second] = [int(hit), 1]
        else:
            cell[0] += hit
            cell[1] += 1

    def add(self, metric: str, second: int, n: int = 1) -> None:
        """Add ``n`` (>= 0) to a counter metric."""
        per_second = self._counters.get(metric)
        if per_second is None:
            raise self._misuse(metric, MetricKind.COUNTER)
        if n < 0:
            raise ValueError(f"a counter only grows: cannot add {n} to {metric}")
        per_second[second] = per_second.get(second, 0) + n

    # -- merging and shipping -------------------------------------------------------------------

    def merge(self, other: SeriesStore | Mapping[str, object]) -> None:
        """Add another store, or a dict from ``drain``/``to_dict``, into this one (exact)."""
        if not isinstance(other, SeriesStore):
            other = SeriesStore.from_dict(other, self._catalog)
        for metric, hists in other._trends.items():
            target_h = self._per_second(metric, MetricKind.TREND, self._trends)
            for second, histogram in hists.items():
                if second in target_h:
                    target_h[second].merge(histogram)
                else:
                    target_h[second] = histogram.copy()
        for metric, cells in other._rates.items():
            target_r = self._per_second(metric, MetricKind.RATE, self._rates)
            for second, (hits, total) in cells.items():
                cell = target_r.setdefault(second, [0, 0])
                cell[0] += hits
                cell[1] += total
        for metric, counts in other._counters.items():
            target_c = self._per_second(metric, MetricKind.COUNTER, self._counters)
            for second, n in counts.items():
                target_c[second] = target_c.get(second, 0) + n

    def drain(self) -> dict[str, object]:
        """Everything recorded since the last drain, as ``to_dict``, then forget it."""
        data = self.to_dict()
        self.clear()
        return data

    def clear(self) -> None:
        for table in (self._trends, self._rates, self._counters):
            for per_second in table.values():
                per_second.clear()

    def to_dict(self) -> dict[str, object]:
        """JSON/msgpack-safe: ``{"v": 1, "t": {metric: [[second, histogram], ...]},
        "r": {metric: [[second, hits, total], ...]}, "c": {metric: [[second, n], ...]}}``.
        Metrics without data are left out; seconds are ascending."""
        return {
            "v": _FORMAT_VERSION,
            "t": {
                m: [[s, h[s].to_dict()] for s in sorted(h)] for m, h in self._trends.items() if h
            },
            "r": {m: [[s, *r[s]] for s in sorted(r)] for m, r in self._rates.items() if r},
            "c": {m: [[s, c[s]] for s in sorted(c)] for m, c in self._counters.items() if c},
        }

    @classmethod
    def from_dict(
        cls, data: Mapping[str, object], catalog: Mapping[str, MetricInfo] = METRICS
    ) -> SeriesStore:
        """Inverse of ``to_dict``; malformed data or a metric of another kind: ValueError."""
        if data.get("v") != _FORMAT_VERSION:
            raise ValueError(f"series dict has format version {data.get('v')!r}, expected 1")
        store = cls(catalog)
        try:
            for metric, rows in _table(data, "t"):
                hists = store._per_second(metric, MetricKind.TREND, store._trends)
                for second, histogram in rows:
                    hists[int(second)] = Histogram.from_dict(histogram)
            for metric, rows in _table(data, "r"):
                cells = store._per_second(metric, MetricKind.RATE, store._rates)
                for second, hits, total in rows:
                    if not 0 <= int(hits) <= int(total):
                        raise ValueError(f"{metric} at second {second}: {hits} hits of {total}")
                    cells[int(second)] = [int(hits), int(total)]
            for metric, rows in _table(data, "c"):
                counts = store._per_second(metric, MetricKind.COUNTER, store._counters)
                for second, n in rows:
                    counts[int(second)] = int(n)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a series dict: {exc}") from exc
        return store

    # -- queries --------------------------------------------------------------------------------

    @property
    def catalog(self) -> Mapping[str, MetricInfo]:
        """The metrics this store accepts (``harness.metrics.catalog.METRICS`` by default)."""
        return self._catalog

    def seconds(self) -> list[int]:
        """Every second that holds data for any metric, ascending."""
        found: set[int] = set()
        for table in (self._trends, self._rates, self._counters):
            for per_second in table.values():
                found.update(per_second)
        return sorted(found)

    def has_data(self, metric: str) -> bool:
        """Whether anything was recorded into ``metric`` (a counter given ``add(n=0)`` counts)."""
        kind = self._info(metric).kind
        if kind is MetricKind.TREND:
            return bool(self._trends[metric])
        return bool(self._rates[metric] if kind is MetricKind.RATE else self._counters[metric])

    def trend_total(self, metric: str) -> Histogram:
        total = Histogram()
        for histogram in self._per_second(metric, MetricKind.TREND, self._trends).values():
            total.merge(histogram)
        return total

    def trend_at(self, metric: str, second: int) -> Histogram:
        """A copy of that second's histogram (empty when nothing was recorded)."""
        histogram = self._per_second(metric, MetricKind.TREND, self._trends).get(second)
        return Histogram() if histogram is None else histogram.copy()

    def rate_total(self, metric: str) -> tuple[int, int]:
        """(hits, total) over all seconds."""
        cells = self._per_second(metric, MetricKind.RATE, self._rates).values()
        return sum(c[0] for c in cells), sum(c[1] for c in cells)

    def rate_at(self, metric: str, second: int) -> tuple[int, int]:
        hits, total = self._per_second(metric, MetricKind.RATE, self._rates).get(second, (0, 0))
        return hits, total

    def counter_total(self, metric: str) -> int:
        return sum(self._per_second(metric, MetricKind.COUNTER, self._counters).values())

    def counter_at(self, metric: str, second: int) -> int:
        return self._per_second(metric, MetricKind.COUNTER, self._counters).get(second, 0)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SeriesStore):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        seconds = self.seconds()
        span = f"{seconds[0]}..{seconds[-1]}" if seconds else "empty"
        return f"SeriesStore(seconds={span})"

    # -- validation -----------------------------------------------------------------------------

    def _slots(self, kind: MetricKind) -> dict[str, Any]:
        return {name: {} for name, info in self._catalog.items() if info.kind is kind}

    def _per_second(
        self, metric: str, kind: MetricKind, table: dict[str, dict[int, _V]]
    ) -> dict[int, _V]:
        per_second = table.get(metric)
        if per_second is None:
            raise self._misuse(metric, kind)
        return per_second

    def _misuse(self, metric: str, kind: MetricKind) -> Exception:
        """ValueError for an unknown metric, TypeError for a metric of another kind."""
        info = self._catalog.get(metric)
        if info is None:
            close = get_close_matches(metric, list(self._catalog), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            known = ", ".join(sorted(self._catalog))
            return ValueError(f"unknown metric {metric!r}.{hint} Known metrics: {known}.")
        return TypeError(
            f"{metric} is a {info.kind} metric, not a {kind}: use "
            f"SeriesStore.{_VERB[info.kind]}() for it"
        )

    def _info(self, metric: str) -> MetricInfo:
        info = self._catalog.get(metric)
        if info is None:
            raise self._misuse(metric, MetricKind.TREND)
        return info


def _table(data: Mapping[str, object], key: str) -> list[tuple[str, Any]]:
    table = data.get(key, {})
    if not isinstance(table, Mapping):
        raise ValueError(f"{key!r} must map metric names to rows")
    return list(table.items())


def read_metric_lines(path: Path) -> SeriesStore:
    """The merged per-second metrics of a run's ``metrics.ndjson`` (empty when there is none);
    a line that does not read back (one cut by a crash mid-write) is passed over."""
    store = SeriesStore()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                store.merge(json.loads(line)["metrics"])
            except (ValueError, KeyError):
                continue
    return store
