"""Which canonical values of an enumerated field an adapter can write in the vendor's encoding.

A bundled adapter knows its vendor's API: every canonical priority, status and channel (it maps
them itself, or leaves a field out, which the checks see in its requests). An adapter whose
values come from configuration says so with an ``enumerations()`` method: the ``rest`` adapter
returns its vendor file's ``rest.enums`` write maps, so a status the file does not map is one
the vendor never declared (django-helpdesk has no "pending"), and a field without a map is not
an enumeration of the vendor at all (free text: an "unknown" value is just text).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Final

from harness.model import Channel, Priority, TicketStatus

__all__ = ["ENUMERATED", "declared_values"]

ENUMERATED: Final[dict[str, type[StrEnum]]] = {
    "priority": Priority,
    "status": TicketStatus,
    "channel": Channel,
}


def declared_values(adapter: object, field: str) -> tuple[str, ...] | None:
    """The canonical values of ``field`` the adapter writes, in canonical order; None: the
    vendor does not enumerate the field."""
    canonical = tuple(member.value for member in ENUMERATED[field])
    declare: Callable[[], Mapping[str, Sequence[str]]] | None = getattr(
        adapter, "enumerations", None
    )
    if not callable(declare):
        return canonical
    values = declare().get(field)
    if values is None:
        return None
    return tuple(value for value in canonical if value in values)
