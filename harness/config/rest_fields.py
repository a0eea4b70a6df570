"""Where each canonical ticket field is in the vendor's answers (``rest.ticket``).

A field is a path (``assignee``, ``via.channel``, ``custom_fields[name=Channel].values.0``) or
a mapping with the path and what else reading it needs:

- ``unassigned``: values that mean "absent" (a placeholder owner ``Nobody``, ``"0"``, null):
  ``assignee: {path: Owner, unassigned: [Nobody]}``. Strings compare without case.
- ``request``: the field lives behind a second request, read after the ticket (only by
  ``get_ticket`` and ``update_ticket``, never in listings): ``description: {request: {method:
  GET, path: "/ticket/{ref.id}/history"}, path: "items.0.Content"}``.
- ``match``: a regular expression the value must match; its first group (else the whole match)
  is the value, and in a list the first matching item is taken: ``external_id: {path: tags,
  match: "^csm-(.+)$"}`` reads ``poc-1`` from ``["csm-poc-1", "refunds"]``.

``custom_fields`` is either one path to a mapping, or a mapping of custom-field name -> field
(``{Channel: "CustomFields[name=Channel].values.0", order_no: custom_order_no}``);
``custom_field_list`` reads all of them from a list of key/value objects (Zendesk's
``[{"id": 27642, "value": "745"}]``), named through ``names`` where given.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final, Self

from pydantic import BeforeValidator, Field, model_validator

from harness.config.loader import StrictModel
from harness.config.problems import ConfigValueError
from harness.config.rest_operations import FieldPath, RequestTemplate, Scalar
from harness.config.templates import check as check_template

__all__ = [
    "FIELD_READ_PLACEHOLDERS",
    "CustomFieldList",
    "FieldRead",
    "FieldSpec",
    "TicketFields",
]

FIELD_READ_PLACEHOLDERS = ("ref.id", "ref.external_id")


class FieldRead(StrictModel):
    path: FieldPath = Field(examples=["Owner"])
    unassigned: list[Scalar | None] = Field(
        default_factory=list,
        examples=[["Nobody", "0", None]],
        description="Values that mean 'absent' (a placeholder owner, 0, null).",
    )
    request: RequestTemplate | None = Field(
        default=None, description="A second request whose answer holds the field ({ref.id})."
    )
    match: str | None = Field(
        default=None,
        examples=["^csm-(.+)$"],
        description="A regular expression: its first group (else the match) is the value; in "
        "a list, the first item that matches.",
    )

    @model_validator(mode="after")
    def _placeholders(self) -> Self:
        if self.match is not None:
            try:
                re.compile(self.match)
            except re.error as error:
                raise ConfigValueError.at(
                    ("match",), f"not a regular expression ({error}); escape special "
                    "characters with a backslash"
                ) from None  # fmt: skip
        if self.request is None:
            return self
        for part in ("path", "query", "headers", "body"):
            problem = check_template(getattr(self.request, part), FIELD_READ_PLACEHOLDERS)
            if problem:
                raise ConfigValueError.at(("request", part), problem)
        return self

    def pick(self, value: Any) -> Any:
        """``value`` through ``match`` (None when nothing matches); as read without it."""
        if self.match is None or value is None:
            return value
        pattern = re.compile(self.match)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str | int | float) and not isinstance(item, bool):
                found = pattern.search(str(item))
                if found is not None:
                    return found.group(1) if pattern.groups else found.group(0)
        return None

    def absent(self, value: object) -> bool:
        """True when ``value`` is one of the ``unassigned`` sentinels."""
        if value is None:
            return True
        wanted = str(value).casefold()
        return any(
            sentinel is not None and str(sentinel).casefold() == wanted
            for sentinel in self.unassigned
        )


def _path_as_read(value: Any) -> Any:
    return {"path": value} if isinstance(value, str) else value


# A bare path is the short form of {path: ...}: one type, so a mistake gets one message.
FieldSpec = Annotated[
    FieldRead, BeforeValidator(_path_as_read, json_schema_input_type=str | FieldRead)
]
ALL_CUSTOM: Final = "*"


def _custom_shape(value: Any) -> Any:
    return {ALL_CUSTOM: value} if isinstance(value, str) else value


CustomFields = Annotated[
    dict[str, FieldSpec],
    BeforeValidator(_custom_shape, json_schema_input_type=str | dict[str, str | FieldRead]),
]


class CustomFieldList(StrictModel):
    """All custom fields from a list of objects, each with a key and a value."""

    path: FieldPath = Field(examples=["custom_fields"])
    key: FieldPath = Field(default="id", examples=["id"])
    value: FieldPath = Field(default="value", examples=["value"])
    names: dict[str, str] = Field(
        default_factory=dict,
        examples=[{"27642": "order_no"}],
        description="Vendor key -> the scenario's custom-field name; others read under their key.",
    )


class TicketFields(StrictModel):
    """Field paths inside one ticket object of the vendor's answers."""

    id: FieldPath = Field(examples=["id"])
    external_id: FieldSpec | None = Field(default=None, examples=["external_id"])
    subject: FieldSpec | None = None
    description: FieldSpec | None = None
    status: FieldSpec | None = None
    priority: FieldSpec | None = None
    channel: FieldSpec | None = None
    category: FieldSpec | None = None
    queue: FieldSpec | None = None
    assignee: FieldSpec | None = Field(
        default=None, examples=[{"path": "Owner", "unassigned": ["Nobody"]}]
    )
    assigned_at: FieldSpec | None = None
    requester: FieldSpec | None = Field(
        default=None, description="The requester's id or address, as the vendor shows it."
    )
    custom_fields: CustomFields | None = Field(
        default=None,
        examples=[{"Channel": "CustomFields[name=Channel].values.0"}],
        description="One path to a mapping of all custom fields, or name -> field path.",
    )
    custom_field_list: CustomFieldList | None = None

    @model_validator(mode="after")
    def _one_custom_shape(self) -> Self:
        if self.custom_field_list is not None and self.custom_fields is not None:
            raise ConfigValueError.at(
                ("custom_field_list",), "write custom_fields or custom_field_list, not both; "
                "name fields of the list with custom_field_list.names"
            )  # fmt: skip
        return self

    def read(self, name: str) -> FieldRead | None:
        read: FieldRead | None = getattr(self, name)
        return read

    def custom(self) -> dict[str, FieldRead] | None:
        """Custom field name -> read, when listed one by one; None for a single path."""
        if self.custom_fields is None or ALL_CUSTOM in self.custom_fields:
            return None
        return dict(self.custom_fields)

    def custom_path(self) -> FieldRead | None:
        """The one path to a mapping of all custom fields, if written that way."""
        return (self.custom_fields or {}).get(ALL_CUSTOM)

    def second_requests(self) -> dict[str, FieldRead]:
        """Fields (custom ones as ``custom_fields.<name>``) that need a request of their own."""
        found = {
            name: read
            for name in type(self).model_fields
            if name not in ("id", "custom_fields", "custom_field_list")
            and (read := self.read(name)) is not None
            and read.request is not None
        }
        for name, read in (self.custom() or {}).items():
            if read.request is not None:
                found[f"custom_fields.{name}"] = read
        return found
