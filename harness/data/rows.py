"""One export row to canonical ticket values, or the reason it cannot be used.

A :class:`RowReader` is built from a validated :class:`~harness.data.columns.ColumnMap`; its
:meth:`~RowReader.read` returns the non-PII fields of a row (PII is the pipeline's business,
:mod:`harness.data.anonymise`) or raises :class:`Reject`. A reason names the field and what is
wrong, never the value: the rejects file must not leak what the output does not.

Times: the map's ``format`` if given; ISO 8601 always (XLSX time cells arrive as ISO); without a
format also ``2024/11/11 20:30[:45]``, ``2024年11月11日 20:30`` and ``20241111203045``. A time
without an offset is local time in ``source.timezone``; all are stored as naive UTC.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Final
from zoneinfo import ZoneInfo

from harness.data.columns import DATE_FIELDS, ENUM_FIELDS, Column, ColumnMap

__all__ = ["Reject", "RowReader", "parse_time", "slug"]

_FALLBACK_FORMATS: Final[tuple[str, ...]] = (
    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d",
    "%Y-%m-%d %H:%M", "%Y.%m.%d %H:%M:%S", "%Y.%m.%d",
    "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日", "%Y%m%d%H%M%S",
)  # fmt: skip
_ISO_LIKE: Final[frozenset[str]] = frozenset(
    {"%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"}
)
_SLUG_GAPS: Final[re.Pattern[str]] = re.compile(r"[\s/\\|,;:，；、：。()（）\[\]【】]+")
_LISTED: Final[int] = 12  # map keys shown in a reason


class Reject(Exception):
    """The row cannot be used; ``field`` is the canonical field ("" for the whole row)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason


def slug(text: str) -> str:
    """``售后 / 维修`` -> ``售后-维修``, ``Refund Request`` -> ``refund-request``."""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    return _SLUG_GAPS.sub("-", folded).strip("-")


def parse_time(text: str, fmt: str | None, zone: tzinfo) -> datetime:
    """Naive UTC time of ``text``; ValueError when no accepted spelling fits."""
    value = text.strip()
    parsed = _slashed(value) if fmt is None or fmt == _SLASHED_FORMAT else None
    if parsed is not None:
        return _to_utc(parsed, zone)
    for form in _forms(fmt):
        try:
            parsed = (
                datetime.fromisoformat(value) if form is _ISO else datetime.strptime(value, form)
            )
        except ValueError:
            continue
        if parsed.tzinfo is None:
            return _to_utc(parsed, zone)
        return parsed.astimezone(UTC).replace(tzinfo=None)
    raise ValueError("no accepted spelling of a time")


_OFFSETS: dict[tuple[tzinfo, int, int, int, int], timedelta | None] = {}
_OFFSETS_KEPT: Final[int] = 100_000  # local hours remembered before starting afresh


def _to_utc(local: datetime, zone: tzinfo) -> datetime:
    """``local.replace(tzinfo=zone).astimezone(UTC)`` without the zone (3 us a value): its UTC
    offset is looked up once per local hour, and only kept where it is the same at both ends
    of the hour; an hour with a change in it is converted value by value."""
    key = (zone, local.year, local.month, local.day, local.hour)
    if key in _OFFSETS:
        offset = _OFFSETS[key]
    else:
        hour = local.replace(minute=0, second=0, microsecond=0, fold=0, tzinfo=zone)
        first = hour.utcoffset()
        last = hour.replace(minute=59, second=59, microsecond=999_999).utcoffset()
        offset = first if first == last else None
        if len(_OFFSETS) >= _OFFSETS_KEPT:
            _OFFSETS.clear()
        _OFFSETS[key] = offset
    if offset is None or local.fold:
        return local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
    return local - offset


_ISO: Final[str] = "ISO 8601"
_SLASHED_FORMAT: Final[str] = "%Y/%m/%d %H:%M:%S"
_SLASHED: Final[re.Pattern[str]] = re.compile(
    r"([0-9]{4})/([0-9]{2})/([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})"
)


def _slashed(value: str) -> datetime | None:
    """``2024/11/11 20:30:45`` read without strptime (30x slower), else None. Only where
    strptime reads it (ISO before it cannot), and only where the fields make a valid time,
    so the result is exactly strptime's; anything else takes the general path."""
    m = _SLASHED.fullmatch(value)
    if m is None:
        return None
    try:
        y, mo, d, h, mi, s = map(int, m.groups())
        return datetime(y, mo, d, h, mi, s)  # local time: the caller gives it its zone
    except ValueError:
        return None


def _forms(fmt: str | None) -> tuple[str, ...]:
    """The spellings to try, in order. ``fromisoformat`` is C and ~50x faster than strptime,
    so it goes first wherever it cannot read a value differently from ``fmt``."""
    if fmt is None:
        return (_ISO, *_FALLBACK_FORMATS)
    return (_ISO, fmt) if fmt in _ISO_LIKE else (fmt, _ISO)


Convert = Callable[[str], object]


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    column: str | None  # None: ``constant`` on every row
    constant: object
    convert: Convert
    required: bool


class RowReader:
    """Converts the mapped non-PII fields of one row (PII fields are passed through raw)."""

    def __init__(self, spec: ColumnMap, *, pii_fields: frozenset[str]) -> None:
        from harness.data.schema import REQUIRED_COLUMNS

        self._zone = ZoneInfo(spec.source.timezone)
        self.fields: list[_Field] = []
        for name, column in spec.columns.items():
            convert: Convert = str if name in pii_fields else self._converter(name, column)
            constant = None if column.value is None else convert(column.value)
            self.fields.append(
                _Field(name, column.column, constant, convert, name in REQUIRED_COLUMNS)
            )

    def read(self, row: Mapping[str, str]) -> dict[str, object]:
        out: dict[str, object] = {}
        for field in self.fields:
            if field.column is None:
                out[field.name] = field.constant
                continue
            raw = row.get(field.column, "")
            if not raw.strip():
                if field.required:
                    raise Reject(field.name, "empty, but every ticket needs it")
                out[field.name] = None
                continue
            out[field.name] = field.convert(raw)
        return out

    def _converter(self, name: str, column: Column) -> Convert:
        if name in DATE_FIELDS:
            return self._time(name, column.format)
        if name in ENUM_FIELDS:
            return _enum(name, column.map, ENUM_FIELDS[name])
        if name == "category":
            return _category(column.map, reject=column.unmapped == "reject")
        if name == "messages":
            return _whole_number
        return _text

    def _time(self, name: str, fmt: str | None) -> Convert:
        zone = self._zone
        expected = f"'{fmt}' or ISO 8601" if fmt else "ISO 8601 or 2024/11/11 20:30:45"

        def convert(raw: str) -> object:
            try:
                return parse_time(raw, fmt, zone)
            except ValueError:
                raise Reject(name, f"not a time in the expected form ({expected})") from None

        return convert


def _text(raw: str) -> object:
    return raw.strip()


def _whole_number(raw: str) -> object:
    try:
        return int(raw.strip().removesuffix(".0"))
    except ValueError:
        raise Reject("messages", "not a whole number") from None


def _listing(keys: list[str]) -> str:
    shown = ", ".join(keys[:_LISTED])
    return shown + (f" and {len(keys) - _LISTED} more" if len(keys) > _LISTED else "")


# Channel names every zh-CN export uses for WeChat mini-programs; the map's own entries win.
_CHANNEL_ALIASES: Final[dict[str, str]] = {"小程序": "wechat", "微信小程序": "wechat"}


def _enum(name: str, value_map: dict[str, str] | None, valid: tuple[str, ...]) -> Convert:
    own = {key.strip(): target for key, target in (value_map or {}).items()}
    table = {**(_CHANNEL_ALIASES if name == "channel" else {}), **own}
    lower = {v.lower(): v for v in valid}
    if own:
        allowed = f"mapped: {_listing(list(own))}"
    else:
        allowed = f"canonical values: {', '.join(valid)}; add a map for the export's values"

    def convert(raw: str) -> object:
        value = raw.strip()
        found = table.get(value) or lower.get(value.lower())
        if found is None:
            raise Reject(name, f"value not in the map ({allowed})")
        return found

    return convert


def _category(value_map: dict[str, str] | None, *, reject: bool) -> Convert:
    table = {key.strip(): target for key, target in (value_map or {}).items()}

    def convert(raw: str) -> object:
        value = raw.strip()
        found = table.get(value)
        if found is not None:
            return found
        if reject:
            raise Reject("category", f"value not in the map (mapped: {_listing(list(table))})")
        kept = slug(value)
        if not kept:
            raise Reject("category", "no letters or digits in the value")
        return kept

    return convert
