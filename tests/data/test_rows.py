"""Times read the way strptime reads them, fast path or not."""
# ruff: noqa: RUF001 -- full-width digits in a test time are the point

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from harness.data.rows import parse_time

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "text",
    ["2024/11/11 20:30:45", " 2024/01/05 00:00:00 ", "2024/02/29 23:59:59",
     "２０２４/11/11 20:30:45", "2024/1/5 8:00:00", "2024/11/11 20:30"],
)  # fmt: skip
@pytest.mark.parametrize("fmt", [None, "%Y/%m/%d %H:%M:%S"])
def test_slashed_times_read_as_strptime_reads_them(text: str, fmt: str | None) -> None:
    try:
        expected = datetime.strptime(text.strip(), "%Y/%m/%d %H:%M:%S")
    except ValueError:
        if fmt is not None:
            with pytest.raises(ValueError):
                parse_time(text, fmt, SHANGHAI)
            return
        expected = datetime.strptime(text.strip(), "%Y/%m/%d %H:%M")
    local = expected.replace(tzinfo=SHANGHAI)
    assert parse_time(text, fmt, SHANGHAI) == local.astimezone(UTC).replace(tzinfo=None)


@pytest.mark.parametrize("text", ["2024/13/11 20:30:45", "2023/02/29 10:00:00",
                                  "2024/11/11 24:00:00", "2024/11/11 20:30:60"])  # fmt: skip
def test_impossible_slashed_times_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time(text, None, SHANGHAI)


@pytest.mark.parametrize(
    "zone", ["Asia/Shanghai", "America/New_York", "Australia/Lord_Howe", "America/Sao_Paulo"]
)
def test_local_times_convert_as_the_zone_does_also_around_clock_changes(zone: str) -> None:
    """The per-hour offset cache gives what ``astimezone`` gives, in gaps and repeated hours too
    (Lord Howe moves its clock by half an hour)."""
    rng, tz = random.Random(7), ZoneInfo(zone)
    for i in range(4000):
        local = datetime(1990, 1, 1) + timedelta(seconds=rng.randrange(40 * 365 * 86400))
        if i % 2:  # the nights clocks change on
            local = local.replace(month=rng.choice([3, 4, 9, 10, 11]), day=rng.randrange(1, 29),
                                  hour=rng.randrange(4), minute=rng.randrange(60))  # fmt: skip
        expected = local.replace(tzinfo=tz).astimezone(UTC).replace(tzinfo=None)
        assert parse_time(local.strftime("%Y/%m/%d %H:%M:%S"), None, tz) == expected, local
