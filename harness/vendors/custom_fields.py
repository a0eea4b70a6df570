"""Which custom fields an adapter can send and read back, by the scenario's names.

An adapter that sends a ticket's custom fields as one mapping (the sandbox) takes any name. An
adapter that addresses custom fields one by one says which with a ``custom_field_names()``
method: the ``rest`` adapter returns the names its vendor file writes on create and reads back
(django-helpdesk's ``custom_<name>`` fields an admin created), the bundled Zendesk adapter the
names of the vendor file's ``custom_fields`` map (name -> ticket field id). A check then sends
exactly those, never a field the vendor was not told about.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

__all__ = ["declared_custom_fields"]


def declared_custom_fields(adapter: object) -> tuple[str, ...] | None:
    """The custom-field names ``adapter`` sends and reads back; None: any name; empty: none."""
    declare: Callable[[], Sequence[str] | None] | None = getattr(
        adapter, "custom_field_names", None
    )
    if not callable(declare):
        return None
    names = declare()
    return None if names is None else tuple(names)
