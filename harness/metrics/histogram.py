"""Sparse log-linear histogram of durations in ms (the idea of k6's internal/ds/histogram).

Bucketing. ``math.frexp`` splits a value into ``m * 2**e`` with ``m`` in [0.5, 1). Each power of
two is cut into ``2**SUB_BITS`` sub-buckets of equal width, and the bucket index is
``(e << SUB_BITS) + int(m * 2**(SUB_BITS + 1))``. Multiplying by a power of two and truncating
round nothing, so every value lands in the bucket that really contains it. The float itself carries
the exponent, so one rule covers every magnitude and no trackable range has to be configured. k6
scales by a fixed resolution instead, which costs it precision on small values.

Error bound. The bucket holding ``x`` is ``[L, L + w)`` with ``w = 2**(e - 1 - SUB_BITS)`` and
``L >= 2**(e - 1)``. Its midpoint is therefore within ``w / 2 <= x * 2**-(SUB_BITS + 1)`` of ``x``.
Clamping the midpoint into ``[min, max]`` only moves it towards ``x``, because ``min <= x <= max``.
Rank 1 and rank ``count`` return the exact ``min`` and ``max``.
``RELATIVE_ERROR`` states the bound, and tests/metrics/test_histogram.py checks it with hypothesis.
Values below ``LOW_MS`` (1 microsecond, including 0) share one extra-low bucket that is reported
as ``min``, so the error there is below 1 microsecond in absolute terms.

Merging adds bucket counts, so it is exact and does not depend on order. ``sum`` is kept as an
integer number of nanoseconds for the same reason: float sums would differ in their last bits
depending on the order of merging.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction
from typing import ClassVar, Final

__all__ = ["Histogram", "nearest_rank"]

_SUB_BITS: Final = 7
_MASK: Final = 2**_SUB_BITS - 1
_HALF: Final = 2**_SUB_BITS
_LOW_MS: Final = 0.001
_INF: Final = math.inf
_frexp: Final = math.frexp
_NS_PER_MS: Final = 1_000_000.0


def nearest_rank(p: float, count: int) -> int:
    """1-based rank of percentile ``p`` (0..100) among ``count`` samples: max(1, ceil(p/100*n)).

    ``p`` is read as the decimal it prints as (99.9 is 999/10), so float noise never shifts a rank.
    """
    if not 0.0 <= p <= 100.0:  # also rejects NaN
        raise ValueError(f"percentile must be between 0 and 100, got {p!r}")
    return max(1, math.ceil(Fraction(repr(float(p))) * count / 100))


def _bounds(index: int) -> tuple[float, float]:
    exponent = (index >> _SUB_BITS) - 1 - _SUB_BITS - 1
    mantissa = (index & _MASK) + _HALF
    return math.ldexp(mantissa, exponent), math.ldexp(mantissa + 1, exponent)


class Histogram:
    """Durations in ms: ``record`` is the hot path; ``percentile`` is within ``RELATIVE_ERROR``."""

    SUB_BITS: ClassVar[int] = _SUB_BITS
    LOW_MS: ClassVar[float] = _LOW_MS
    RELATIVE_ERROR: ClassVar[float] = 2.0 ** -(_SUB_BITS + 1)  # 0.390625 %

    __slots__ = ("_buckets", "_low", "_max", "_min", "_sum_ns")
    __hash__ = None  # type: ignore[assignment]  # mutable, compared by content

    def __init__(self) -> None:
        self._buckets: dict[int, int] = {}
        self._low = 0  # values in [0, LOW_MS)
        self._sum_ns = 0
        self._min = _INF
        self._max = -_INF

    def record(self, value: float) -> None:
        """Add one duration in ms. Negative, NaN and infinite values raise ValueError.

        The hot path: constants are written out (7 is SUB_BITS, 256.0 is 2**(SUB_BITS+1), 0.001
        is LOW_MS) because a global lookup costs as much as the arithmetic. The count is not kept
        here: ``count`` adds up the buckets when asked.
        """
        if value >= 0.001:
            m, e = _frexp(value)
            try:
                i = (e << 7) + int(m * 256.0)
            except OverflowError:  # inf
                raise ValueError(_not_a_duration(value)) from None
            b = self._buckets
            try:
                b[i] += 1
            except KeyError:
                b[i] = 1
        elif value >= 0.0:
            self._low += 1
        else:  # negative or NaN
            raise ValueError(_not_a_duration(value))
        self._sum_ns += int(value * 1_000_000.0 + 0.5)
        if value < self._min:
            self._min = value
        if value > self._max:
            self._max = value

    def record_many(self, values: Iterable[float]) -> None:
        record = self.record
        for value in values:
            record(value)

    def merge(self, other: Histogram) -> None:
        """Add ``other``'s counts into this histogram (exact; any order gives the same result)."""
        b = self._buckets
        for i, n in other._buckets.items():
            b[i] = b.get(i, 0) + n
        self._low += other._low
        self._sum_ns += other._sum_ns
        self._min = min(self._min, other._min)
        self._max = max(self._max, other._max)

    def copy(self) -> Histogram:
        new = Histogram()
        new.merge(self)
        return new

    @property
    def is_empty(self) -> bool:
        return self._max < 0.0

    @property
    def count(self) -> int:
        """Number of recorded values (adds up the buckets: O(buckets))."""
        return self._low + sum(self._buckets.values())

    @property
    def sum(self) -> float:
        """Sum of the recorded values in ms, exact to 1 ns per sample."""
        return self._sum_ns / _NS_PER_MS

    @property
    def min(self) -> float:
        self._require_data("min")
        return self._min

    @property
    def max(self) -> float:
        self._require_data("max")
        return self._max

    @property
    def mean(self) -> float:
        self._require_data("mean")
        return self._sum_ns / _NS_PER_MS / self.count

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile, ``p`` in [0, 100]; p0 is ``min`` and p100 is ``max`` exactly."""
        return self.percentiles([p])[0]

    def percentiles(self, ps: Iterable[float]) -> list[float]:
        """Several percentiles in one walk over the buckets, returned in the order of ``ps``."""
        self._require_data("percentile")
        count = self.count
        ranks = [nearest_rank(p, count) for p in ps]
        found: dict[int, float] = {}
        keys = iter(sorted(self._buckets))
        seen, index = self._low, None
        for rank in sorted(set(ranks)):
            if rank == count:
                found[rank] = self._max
            elif rank == 1 or rank <= self._low:
                found[rank] = self._min
            else:
                while seen < rank:
                    index = next(keys)
                    seen += self._buckets[index]
                assert index is not None  # the first rank above low entered the loop
                lower, upper = _bounds(index)
                found[rank] = min(max((lower + upper) / 2, self._min), self._max)
        return [found[rank] for rank in ranks]

    def buckets(self) -> Iterator[tuple[float, float, int]]:
        """(lower_ms, upper_ms, count) in ascending order; the extra-low bucket comes first."""
        if self._low:
            yield 0.0, _LOW_MS, self._low
        for index in sorted(self._buckets):
            lower, upper = _bounds(index)
            yield lower, upper, self._buckets[index]

    def to_dict(self) -> dict[str, object]:
        """Compact JSON- and msgpack-safe form.

        ``n`` count, ``s`` sum in ns (int), ``lo``/``hi`` min/max (null when empty), ``z`` count
        below LOW_MS, ``b`` a flat list ``[index, count, index delta, count, ...]`` in index order.
        """
        flat: list[int] = []
        previous = 0
        for index in sorted(self._buckets):
            flat += (index - previous, self._buckets[index])
            previous = index
        count = self.count
        return {
            "n": count,
            "s": self._sum_ns,
            "lo": self._min if count else None,
            "hi": self._max if count else None,
            "z": self._low,
            "b": flat,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Histogram:
        """Inverse of ``to_dict``; a malformed or inconsistent dict raises ValueError."""
        new = cls()
        try:
            count, new._sum_ns, new._low = (_int(data[key]) for key in ("n", "s", "z"))
            flat = data["b"]
            if not isinstance(flat, list) or len(flat) % 2:
                raise TypeError("b must be a flat list [index, count, index delta, count, ...]")
            index = 0
            for delta, n in zip(map(_int, flat[::2]), map(_int, flat[1::2]), strict=True):
                index += delta
                if n <= 0 or (new._buckets and delta <= 0):
                    raise ValueError("bucket indexes must rise and counts be positive")
                new._buckets[index] = n
            if count:
                new._min, new._max = _float(data["lo"]), _float(data["hi"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a histogram dict: {exc}") from exc
        if count != new.count or new._low < 0:
            raise ValueError(f"not a histogram dict: n={count} does not match its buckets")
        return new

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Histogram):
            return NotImplemented
        return (self._low, self._sum_ns, self._min, self._max, self._buckets) == (
            other._low,
            other._sum_ns,
            other._min,
            other._max,
            other._buckets,
        )

    def __repr__(self) -> str:
        if self.is_empty:
            return "Histogram(count=0)"
        p50, p99 = self.percentiles([50, 99])
        return (
            f"Histogram(count={self.count}, min={self._min:g}, p50={p50:g}, p99={p99:g}, "
            f"max={self._max:g})"
        )

    def _require_data(self, what: str) -> None:
        if self.is_empty:
            raise ValueError(f"{what} of an empty histogram: nothing was recorded")


def _not_a_duration(value: float) -> str:
    return f"a duration must be a finite number of ms >= 0, got {value!r}"


def _int(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise TypeError(f"expected an integer, got {value!r}")


def _float(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    raise TypeError(f"expected a finite number, got {value!r}")
