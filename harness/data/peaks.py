"""Peak windows by clock time (``--peak-window 00:00-02:00,20:00-24:00``): the Double-11 shape.

On 11.11 the rush is at midnight, when the sales open, and again in the evening; the busiest
hours of an ordinary weekday (what ``--peak-hours`` raises) are 10:00 and 15:00. A window is
``HH:MM-HH:MM`` in the profile's local time, on the 15-minute slots of the profile (``24:00``
ends the day); several are separated by commas, and none may wrap past midnight (write
``22:00-24:00,00:00-01:00``).
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np

from harness.errors import ConfigError

__all__ = ["PeakWindows", "in_windows", "parse_peak_windows"]

PeakWindows = tuple[tuple[int, int], ...]  # (first minute, end minute) of the local day
_WINDOW: Final[re.Pattern[str]] = re.compile(r"([0-9]{1,2}):([0-9]{2})-([0-9]{1,2}):([0-9]{2})")
_SLOT_MIN: Final[int] = 15


def parse_peak_windows(text: str) -> PeakWindows:
    """``"00:00-02:00,20:00-24:00"`` as minutes of the day; ConfigError naming the bad part."""
    windows = []
    for part in (p.strip() for p in text.split(",")):
        m = _WINDOW.fullmatch(part)
        if m is None:
            raise ConfigError(
                f"--peak-window {part!r}: write HH:MM-HH:MM, e.g. 00:00-02:00,20:00-24:00."
            )
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        first, end = h1 * 60 + m1, h2 * 60 + m2
        if h1 > 23 or m1 > 59 or m2 > 59 or end > 24 * 60:
            raise ConfigError(f"--peak-window {part!r}: not a time of day (00:00 to 24:00).")
        if first % _SLOT_MIN or end % _SLOT_MIN:
            raise ConfigError(
                f"--peak-window {part!r}: the profile has 15-minute slots; start and end on "
                ":00, :15, :30 or :45."
            )
        if end <= first:
            raise ConfigError(
                f"--peak-window {part!r}: ends before it starts; a window past midnight is two "
                "(22:00-24:00,00:00-01:00)."
            )
        windows.append((first, end))
    return tuple(sorted(windows))


def in_windows(minute_of_day: np.ndarray, windows: PeakWindows) -> np.ndarray:
    """Which slots (by their first minute of the local day) lie in one of ``windows``."""
    inside = np.zeros(minute_of_day.shape, dtype=bool)
    for first, end in windows:
        inside |= (minute_of_day >= first) & (minute_of_day < end)
    return inside
