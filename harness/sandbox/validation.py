"""Request-body validation: plain functions that return clean fields or raise ``Invalid``.

Every problem in a body is collected into ``Invalid.fields`` (``{"customer.id": "required"}``),
so one 422 response lists them all.
"""

from __future__ import annotations

from typing import Any

from harness.model import Channel, Priority, Sender, TicketStatus

__all__ = [
    "Invalid",
    "message_fields",
    "session_fields",
    "ticket_fields",
    "ticket_patch",
]

_CHANNELS = frozenset(c.value for c in Channel)
_PRIORITIES = frozenset(p.value for p in Priority)
_STATUSES = frozenset(s.value for s in TicketStatus)
_SENDERS = frozenset({Sender.CUSTOMER.value, Sender.AGENT.value})
_PATCHABLE = ("status", "priority", "subject", "description", "custom_fields")


class Invalid(Exception):
    """A body failed validation; ``fields`` maps a dotted field path to its reason."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


class _Checker:
    def __init__(self, body: object) -> None:
        if not isinstance(body, dict):
            raise Invalid({"body": "must be a JSON object"})
        self.body: dict[str, Any] = body
        self.problems: dict[str, str] = {}

    def text(self, name: str, *, required: bool = True, empty: bool = False) -> str:
        value = self.body.get(name)
        if value is None:
            if required:
                self.problems[name] = "required"
            return ""
        if not isinstance(value, str):
            self.problems[name] = "must be a string"
            return ""
        if not empty and not value.strip():
            self.problems[name] = "must not be empty"
        return value

    def choice(self, name: str, valid: frozenset[str], *, required: bool = True) -> str:
        value = self.text(name, required=required)
        if value and value not in valid:
            self.problems[name] = f"must be one of: {', '.join(sorted(valid))}"
        return value

    def string_map(self, name: str) -> dict[str, str]:
        value = self.body.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            self.problems[name] = "must be an object of string values"
            return {}
        return value

    def customer(self) -> dict[str, Any]:
        value = self.body.get("customer")
        if value is None:
            self.problems["customer"] = "required"
            return {}
        if not isinstance(value, dict):
            self.problems["customer"] = "must be an object"
            return {}
        for key in ("id", "name"):
            item = value.get(key)
            if not isinstance(item, str) or not item:
                self.problems[f"customer.{key}"] = "required, a non-empty string"
        identities = value.get("identities", {})
        if not isinstance(identities, dict):
            self.problems["customer.identities"] = "must be an object {channel: id}"
            identities = {}
        for channel, ident in identities.items():
            if channel not in _CHANNELS:
                self.problems[f"customer.identities.{channel}"] = (
                    f"unknown channel; use one of: {', '.join(sorted(_CHANNELS))}"
                )
            elif not isinstance(ident, str):
                self.problems[f"customer.identities.{channel}"] = "must be a string"
        return {"id": value.get("id"), "name": value.get("name"), "identities": identities}

    def done(self) -> None:
        if self.problems:
            raise Invalid(self.problems)


def ticket_fields(body: object) -> dict[str, Any]:
    """Fields for a new ticket (``custom_fields`` optional, every other field required; a
    blank description is refused, as Zendesk refuses a blank first comment)."""
    check = _Checker(body)
    fields = {
        "external_id": check.text("external_id"),
        "subject": check.text("subject"),
        "description": check.text("description"),
        "channel": check.choice("channel", _CHANNELS),
        "priority": check.choice("priority", _PRIORITIES),
        "category": check.text("category"),
        "customer": check.customer(),
        "custom_fields": check.string_map("custom_fields"),
    }
    check.done()
    return fields


def ticket_patch(body: object) -> dict[str, Any]:
    """The fields present in a PATCH body; unknown fields are refused."""
    check = _Checker(body)
    for name in check.body:
        if name not in _PATCHABLE:
            check.problems[name] = f"cannot be changed; changeable: {', '.join(_PATCHABLE)}"
    fields: dict[str, Any] = {}
    if "status" in check.body:
        fields["status"] = check.choice("status", _STATUSES)
    if "priority" in check.body:
        fields["priority"] = check.choice("priority", _PRIORITIES)
    if "subject" in check.body:
        fields["subject"] = check.text("subject")
    if "description" in check.body:
        fields["description"] = check.text("description", empty=True)
    if "custom_fields" in check.body:
        fields["custom_fields"] = check.string_map("custom_fields")
    check.done()
    return fields


def session_fields(body: object) -> dict[str, Any]:
    check = _Checker(body)
    fields = {
        "external_id": check.text("external_id"),
        "channel": check.choice("channel", _CHANNELS),
        "category": check.text("category"),
        "customer": check.customer(),
    }
    check.done()
    return fields


def message_fields(body: object) -> tuple[str, str]:
    """``(sender, text)`` of a new chat message."""
    check = _Checker(body)
    sender = check.choice("sender", _SENDERS)
    text = check.text("text")
    check.done()
    return sender, text
