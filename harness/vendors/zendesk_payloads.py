"""Zendesk ticket payloads <-> the harness's model: enumerations, answers read into
tickets, assignments and users (vendor-apis.md, section 1.2). Pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.model import Assignment, Channel, Priority, TicketRef, TicketState, TicketStatus
from harness.vendors.base import ApiRequest, ApiResponse
from harness.vendors.common import protocol, read_enum

__all__ = [
    "PRIORITY_IN",
    "PRIORITY_OUT",
    "STATUS_IN",
    "STATUS_OUT",
    "assignment_of",
    "expect_list",
    "expect_object",
    "field_id",
    "state_of",
    "ticket_ref",
    "user_identities",
]

PRIORITY_OUT = {
    Priority.LOW: "low",
    Priority.NORMAL: "normal",
    Priority.HIGH: "high",
    Priority.URGENT: "urgent",
}
PRIORITY_IN = {value: key for key, value in PRIORITY_OUT.items()}
STATUS_OUT = {
    TicketStatus.NEW: "new",
    TicketStatus.OPEN: "open",
    TicketStatus.PENDING: "pending",
    TicketStatus.SOLVED: "solved",
    TicketStatus.CLOSED: "closed",
}
STATUS_IN = {**{value: key for key, value in STATUS_OUT.items()}, "hold": TicketStatus.PENDING}


def user_identities(user: Mapping[str, Any]) -> dict[Channel, str]:
    found = {Channel.EMAIL: user.get("email"), Channel.PHONE: user.get("phone")}
    return {channel: str(value) for channel, value in found.items() if value}


def field_id(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def expect_object(request: ApiRequest, response: ApiResponse, body: Any, key: str) -> Any:
    if not isinstance(body, dict) or not isinstance(body.get(key), dict):
        raise protocol(request, response, f"expected an object with '{key}'")
    return body[key]


def expect_list(request: ApiRequest, response: ApiResponse, body: Any, key: str) -> list[Any]:
    if not isinstance(body, dict) or not isinstance(body.get(key), list):
        raise protocol(request, response, f"expected a list at '{key}'")
    items: list[Any] = body[key]
    return items


def ticket_ref(item: Mapping[str, Any], external_id: str = "") -> TicketRef:
    return TicketRef(
        str(item["id"]), str(item.get("external_id") or external_id), assignment_of(item)
    )


def assignment_of(item: Mapping[str, Any]) -> Assignment | None:
    agent = item.get("assignee_id")
    if agent is None:
        return None
    group = item.get("group_id")
    return Assignment(
        ticket_id=str(item["id"]),
        agent_id=str(agent),
        queue=None if group is None else str(group),
        assigned_at=None,  # Zendesk records the change in ticket audits, not on the ticket
        external_id=item.get("external_id"),
    )


def state_of(
    item: Mapping[str, Any],
    request: ApiRequest,
    response: ApiResponse,
    field_names: Mapping[str, str],
) -> TicketState:
    priority = item.get("priority")
    tags = [str(tag) for tag in item.get("tags") or [] if tag != "csm-harness"]
    group = item.get("group_id")
    agent = item.get("assignee_id")
    return TicketState(
        ref=ticket_ref(item),
        status=read_enum(TicketStatus, STATUS_IN, item.get("status"), request, response),
        priority=(
            Priority.NORMAL
            if priority is None
            else read_enum(Priority, PRIORITY_IN, priority, request, response)
        ),
        category=tags[0] if tags else "",
        subject=str(item.get("subject") or ""),
        description=str(item.get("description") or ""),
        queue=None if group is None else str(group),
        assignee=None if agent is None else str(agent),
        custom_fields={
            field_names.get(str(field["id"]), str(field["id"])): str(field["value"])
            for field in item.get("custom_fields") or []
            if field.get("value") is not None
        },
    )
