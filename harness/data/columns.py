"""The column map: which export column feeds which canonical ticket field, and what is PII.

``fixtures/maps/helpdesk-zh.yaml`` is the worked example. A field is either an export column
name (``subject: 标题``) or a mapping ``{column, map, format, unmapped}``, or ``{value: web}``
for one value on every row (an export from a single channel). Validated strictly, every problem
at once with its line (:func:`harness.config.loader.validate_data`), then against the export's
header (:meth:`MapFile.check_export`).

Rules that keep the output safe and usable:

- ``customer_name``, ``phone``, ``email``, ``agent``, ``id_number``, ``address`` and
  ``order_number`` must be listed in ``pii.structured`` when mapped, and ``subject``/
  ``description`` in ``pii.free_text``: nothing mapped reaches the output without going through
  the pseudonymiser;
- every column of the export is mapped or listed under ``drop:``; any other stops the run
  (:meth:`MapFile.check_export`), so no column vanishes unnoticed;
- ``channel``, ``priority`` and ``status`` take canonical values only: through ``map``, or the
  export already holds them (any case); an unknown value rejects the row;
- ``category`` keeps an unmapped value as a slug of itself by default (``unmapped: keep``, so a
  map of the main categories is enough) or rejects the row with ``unmapped: reject``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, field_validator, model_validator

from harness.config.loader import StrictModel, display_path, load_yaml, validate_data
from harness.config.problems import ConfigValueError, LineMap, Loc, format_loc
from harness.config.suggest import did_you_mean
from harness.data.io import Encoding
from harness.data.pii import PiiKind
from harness.data.schema import REQUIRED_COLUMNS, TICKET_COLUMNS
from harness.errors import ConfigError
from harness.model import Channel, Priority, TicketStatus

__all__ = [
    "DATE_FIELDS",
    "ENUM_FIELDS",
    "Column",
    "ColumnMap",
    "MapFile",
    "Pii",
    "checked_pattern",
    "load_map",
]

DATE_FIELDS: Final[frozenset[str]] = frozenset(
    name for name, dtype in TICKET_COLUMNS.items() if dtype.startswith("datetime")
)
ENUM_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "channel": tuple(Channel),
    "priority": tuple(Priority),
    "status": tuple(TicketStatus),
}
MAPPABLE: Final[tuple[str, ...]] = tuple(name for name in TICKET_COLUMNS if name != "customer_key")
MUST_BE_STRUCTURED: Final[tuple[str, ...]] = (
    "customer_name", "phone", "email", "agent", "id_number", "address", "order_number",
)  # fmt: skip
MUST_BE_FREE_TEXT: Final[tuple[str, ...]] = ("subject", "description")
_TEXT_FIELDS: Final[frozenset[str]] = frozenset(
    name for name in MAPPABLE if TICKET_COLUMNS[name] == "string" and name not in ENUM_FIELDS
) - {"category"}
_SLUG: Final[re.Pattern[str]] = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_SAMPLE_TIME: Final[datetime] = datetime(2024, 11, 11, 20, 30, 45)


def _known_field(name: str) -> str:
    if name == "customer_key":
        raise ValueError("customer_key is computed (see customer_key_from); do not map it")
    if name not in MAPPABLE:
        raise ValueError(
            f"unknown field.{did_you_mean(name, MAPPABLE)} Ticket fields: {', '.join(MAPPABLE)}"
        )
    return name


def _text_field(name: str) -> str:
    if name not in _TEXT_FIELDS:
        fields = sorted(_TEXT_FIELDS)
        raise ValueError(
            f"'{name}' is not a text field that can hold personal data."
            f"{did_you_mean(name, fields)} Text fields: {', '.join(fields)}"
        )
    return name


FieldName = Annotated[str, AfterValidator(_known_field)]
TextField = Annotated[str, AfterValidator(_text_field)]


class Column(StrictModel):
    column: str | None = Field(default=None, min_length=1, examples=["渠道"])
    value: str | None = Field(default=None, min_length=1)
    map: dict[str, str] | None = None
    format: str | None = Field(default=None, min_length=1, examples=["%Y-%m-%d %H:%M:%S"])
    unmapped: Literal["keep", "reject"] | None = None

    @field_validator("map", mode="before")
    @classmethod
    def _number_keys(cls, value: object) -> object:
        """YAML reads ``1: urgent`` with a number key; an export cell is text either way."""
        if isinstance(value, dict):
            return {str(k) if isinstance(k, int | float) and not isinstance(k, bool) else k: v
                    for k, v in value.items()}  # fmt: skip
        return value


class Source(StrictModel):
    encoding: Encoding = "auto"
    timezone: str = Field(default="Asia/Shanghai", examples=["Asia/Shanghai"])
    sheet: str | None = None
    delimiter: Literal[",", ";", "\t", "tab"] | None = None

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone '{value}'; use an IANA name such as Asia/Shanghai"
            ) from None
        return value


class Pii(StrictModel):
    structured: dict[TextField, Annotated[PiiKind, Field(strict=False)]] = Field(
        default_factory=dict
    )
    free_text: list[TextField] = Field(default_factory=list)
    order_number: str | None = Field(default=None, min_length=1, examples=["SO\\d{10}"])

    @field_validator("order_number")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        return None if value is None else checked_pattern(value, "a whole order number")


class ColumnMap(StrictModel):
    source: Source = Source()
    columns: dict[FieldName, Column] = Field(examples=[{"external_id": "工单号"}])
    pii: Pii = Pii()
    customer_key_from: list[str] | None = None
    drop: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list, examples=[["备注", "附件"]]
    )

    @classmethod
    def source_loc(cls, loc: Loc, raw: object) -> Loc:
        """Key errors: pydantic puts ``[key]`` after the key, where the user sees the key."""
        return tuple(part for part in loc if part != "[key]")

    @field_validator("columns", mode="before")
    @classmethod
    def _shorthand(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: {"column": v} if isinstance(v, str) else v for k, v in value.items()}
        return value

    @field_validator("columns")
    @classmethod
    def _fields(cls, columns: dict[str, Column]) -> dict[str, Column]:
        problems: list[tuple[Loc, str]] = []
        for name, spec in columns.items():
            problems += [((name, *loc), text) for loc, text in _field_problems(name, spec)]
        missing = [name for name in REQUIRED_COLUMNS if name not in columns]
        if missing:
            hint = f"Add e.g. '{missing[0]}: <export column>'"
            problems.append(((), f"required fields missing: {', '.join(missing)}. {hint}"))
        if problems:
            raise ConfigValueError(problems)
        return columns

    @model_validator(mode="after")
    def _cross(self) -> ColumnMap:
        pii, mapped = self.pii, self.columns
        declared = [*pii.structured, *pii.free_text]
        problems: list[tuple[Loc, str]] = [
            (("pii", "structured", name), f"'{name}' is not in columns")
            for name in pii.structured
            if name not in mapped
        ]
        for i, name in enumerate(pii.free_text):
            if name not in mapped:
                problems.append((("pii", "free_text", i), f"'{name}' is not in columns"))
            elif name in pii.structured:
                problems.append((("pii", "free_text", i), f"'{name}' is also in pii.structured"))
        problems += [
            (("columns", name), f"'{name}' holds personal data: add it to pii.structured "
             f"(e.g. '{name}: {_KIND_HINT[name]}')")
            for name in MUST_BE_STRUCTURED
            if name in mapped and name not in pii.structured
        ]  # fmt: skip
        problems += [
            (("columns", name), f"'{name}' is free text that may hold personal data: add it to "
             "pii.free_text")
            for name in MUST_BE_FREE_TEXT
            if name in mapped and name not in declared
        ]  # fmt: skip
        problems += [
            (("customer_key_from", i), f"'{name}' must be in pii.structured (the customer key "
             "is a keyed token of a personal value)")
            for i, name in enumerate(self.customer_key_from or [])
            if name not in pii.structured
        ]  # fmt: skip
        columns = {spec.column for spec in mapped.values()}
        problems += [
            (("drop", i), f"'{column}' is mapped in columns; drop it or map it, not both")
            for i, column in enumerate(self.drop)
            if column in columns
        ]
        if problems:
            raise ConfigValueError(problems)
        return self

    def key_fields(self) -> list[str]:
        """Fields tried in order for the customer key (default: phone, email, customer_name)."""
        if self.customer_key_from is not None:
            return list(self.customer_key_from)
        return [n for n in ("phone", "email", "customer_name") if n in self.pii.structured]


_KIND_HINT: Final[dict[str, str]] = {
    "customer_name": "name", "phone": "phone", "email": "email", "agent": "name",
    "id_number": "id", "address": "address", "order_number": "order",
}  # fmt: skip


_EITHER: Final[str] = "give either 'column' (the export's column) or 'value' (one for every row)"
_UNMAPPED: Final[str] = (
    "unmapped applies to category only; channel, priority and status values outside the "
    "canonical set always reject the row"
)
_TIMES: Final[str] = ", ".join(sorted(DATE_FIELDS))


def _field_problems(name: str, spec: Column) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    if (spec.column is None) == (spec.value is None):
        problems.append(((), _EITHER))
    if spec.format is not None and name not in DATE_FIELDS:
        problems.append((("format",), f"format applies to time fields only ({_TIMES})"))
    elif spec.format is not None and not _format_ok(spec.format):
        problems.append((("format",), f"'{spec.format}' cannot read back a time it writes; use "
                         "strptime codes such as '%Y-%m-%d %H:%M:%S'"))  # fmt: skip
    if spec.map is not None and name not in (*ENUM_FIELDS, "category"):
        problems.append((("map",), "map applies to channel, priority, status and category"))
    if spec.unmapped is not None and name != "category":
        problems.append((("unmapped",), _UNMAPPED))
    targets: list[tuple[Loc, str]] = [(("map", k), v) for k, v in (spec.map or {}).items()]
    if spec.value is not None:
        targets.append((("value",), spec.value))
    for loc, target in targets:
        problems += [(loc, text) for text in _target_problems(name, target)]
    return problems


def _target_problems(name: str, target: str) -> list[str]:
    if name in ENUM_FIELDS:
        valid = ENUM_FIELDS[name]
        if target not in valid:
            hint = did_you_mean(target, valid)
            return [f"'{target}' is not a {name}.{hint} Valid values: {', '.join(valid)}"]
    elif name == "category" and not _SLUG.match(target):
        return [
            f"'{target}' is not a category slug; use lowercase letters, digits, '-' and '_' "
            "(e.g. refunds)"
        ]
    return []


def _format_ok(fmt: str) -> bool:
    try:
        return datetime.strptime(_SAMPLE_TIME.strftime(fmt), fmt) is not None
    except ValueError:
        return False


def checked_pattern(value: str, what: str) -> str:
    """``value`` if it is a regular expression that cannot match empty text; a map's patterns
    must describe something (``what``), or every blank cell would match."""
    try:
        compiled = re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    if compiled.fullmatch("") is not None:
        raise ValueError(f"the pattern matches empty text; describe {what}")
    return value


@dataclass(frozen=True, slots=True)
class MapFile:
    """A validated column map with its file name and line map, for errors against an export."""

    spec: ColumnMap
    shown: str
    lines: LineMap

    def check_export(self, export_columns: list[str], export_shown: str) -> list[str]:
        """Every mapped export column exists in the export, and every export column is mapped or
        dropped; else one ConfigError, all at once. Returns the dropped columns present."""
        problems = []
        listing = ", ".join(export_columns)
        for name, spec in self.spec.columns.items():
            if spec.column is not None and spec.column not in export_columns:
                loc: Loc = ("columns", name)
                hint = did_you_mean(spec.column, export_columns)
                problems.append(
                    f"{self.shown}:{self.lines.line((*loc, 'column'))}: {format_loc(loc)}: "
                    f"column '{spec.column}' is not in {export_shown}.{hint} Its columns: "
                    f"{listing}."
                )
        mapped = {spec.column for spec in self.spec.columns.values()}
        unaccounted = [c for c in export_columns if c not in mapped and c not in self.spec.drop]
        if unaccounted:
            names = ", ".join(unaccounted)
            quoted = ", ".join(f"'{c}'" for c in unaccounted)
            problems.append(
                f"{self.shown}: {export_shown} has columns the map neither maps nor drops: "
                f"{names}. Map each to a ticket field (personal data such as ID numbers, "
                f"addresses and order numbers to id_number, address, order_number and "
                f"pii.structured), or add 'drop: [{quoted}]' to leave them out of the output."
            )
        if problems:
            raise ConfigError(problems)
        return [c for c in export_columns if c in self.spec.drop]


def load_map(path: str | os.PathLike[str]) -> MapFile:
    data, lines = load_yaml(path)
    return MapFile(validate_data(ColumnMap, data, lines, path), display_path(path), lines)
