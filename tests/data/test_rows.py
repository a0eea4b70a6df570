"""Times read the way strptime reads them, fast path or not."""
# ruff: noqa: RUF001 -- full-width digits in a test time are the point

from __future__ import annotations

from datetime import UTC, datetime
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
