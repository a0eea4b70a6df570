"""Durations as people write and read them: ``parse_duration("1m30s")`` and ``format_duration_ms``.

Grammar (no spaces inside; the parts may come in any order and add up)::

    duration -> part+
    part     -> number unit
    number   -> digit+ ("." digit+)? | "." digit+
    unit     -> "ms" | "s" | "m" | "h"

A bare number is an error, because "30" could mean 30 s or 30 ms.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Final

__all__ = ["DURATION_UNITS", "format_duration_ms", "parse_duration"]

#: Unit -> seconds, longest first (so "ms" is never read as "m").
DURATION_UNITS: Final[dict[str, Fraction]] = {
    "ms": Fraction(1, 1000),
    "s": Fraction(1),
    "m": Fraction(60),
    "h": Fraction(3600),
}
_PART: Final = re.compile(r"(\d+(?:\.\d+)?|\.\d+)([^\d.]*)")
_EXAMPLES: Final = "'500ms', '30s', '1.5m', '2h' or '1m30s'"


def parse_duration(text: str) -> float:
    """Seconds in ``text``: "500ms", "30s", "1.5m", "2h", "1m30s". ValueError says how to fix it."""
    source = text.strip()
    if source.startswith("-"):
        raise ValueError(f"{source!r} is negative: a duration cannot be negative")
    if not source:
        raise ValueError(f"{text!r} is not a duration: write e.g. {_EXAMPLES}")
    if any(char.isspace() for char in source):
        raise ValueError(f"{source!r} has a space: write durations without spaces, e.g. '1m30s'")
    total = Fraction(0)
    position = 0
    while position < len(source):
        part = _PART.match(source, position)
        if part is None:
            raise ValueError(f"{source!r} is not a duration: write e.g. {_EXAMPLES}")
        number, unit = part.groups()
        if not unit:
            raise ValueError(_missing_unit(source, number))
        if unit not in DURATION_UNITS:
            raise ValueError(
                f"{source!r} has an unknown unit {unit!r}: use ms, s, m or h (e.g. '{number}s')"
            )
        total += Fraction(number) * DURATION_UNITS[unit]
        position = part.end()
    return float(total)


def _missing_unit(source: str, number: str) -> str:
    if source == number:
        return (
            f"{source!r} needs a unit: write '{number}s' or '{_plain(Fraction(number) * 1000)}ms'"
        )
    return f"{source!r} needs a unit after {number!r}: write e.g. '{source}s'"


def _plain(value: Fraction) -> str:
    """An exact decimal without exponent or trailing zeros: 30000, 1500.5, 0.25."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):f}".rstrip("0").rstrip(".")


def format_duration_ms(ms: float) -> str:
    """A duration in ms for people: "850ms", "12.4ms", "12.4s", "3m05s", "1h02m05s".

    Below one second, three significant digits; then one decimal of a second; from one minute on,
    whole seconds.
    """
    if not math.isfinite(ms):
        raise ValueError(f"cannot format {ms!r} as a duration")
    if ms < 0:
        return "-" + format_duration_ms(-ms)
    if ms == 0:
        return "0ms"
    if ms < 1000:
        digits = max(0, 2 - math.floor(math.log10(ms)))
        text = f"{ms:.{digits}f}"
        if float(text) < 1000:  # 999.7 rounds up to 1000: show it as 1.0s instead
            return (text.rstrip("0").rstrip(".") if "." in text else text) + "ms"
    seconds = ms / 1000
    if seconds < 59.95:
        return f"{seconds:.1f}s"
    whole = round(seconds)
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    hours, rest = divmod(whole, 3600)
    return f"{hours}h{rest // 60:02d}m{rest % 60:02d}s"
