"""INPUT: invalid tickets are refused with a 4xx and a reason, never 5xx or accepted (C14).

The bad requests are derived from the adapter's own valid create request, so the check works
for any vendor: a field is found by the value the adapter put there (the subject, the
priority), then removed, retyped or replaced.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from harness.checks.context import CheckContext
from harness.checks.registry import Severity, check
from harness.model import Priority


def _paths(value: Any, wanted: str, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _paths(v, wanted, (*path, str(k)))]
    return [path] if value == wanted else []


def _edit(body: Any, path: tuple[str, ...], new: object, remove: bool = False) -> Any:
    if not path:
        return new
    copy = dict(body)
    if path[0] not in copy:
        return copy
    if len(path) == 1 and remove:
        copy.pop(path[0], None)
    else:
        copy[path[0]] = _edit(copy[path[0]], path[1:], new, remove)
    return copy


@check(
    "INPUT-001",
    Severity.MAJOR,
    en="Invalid tickets are refused with a 4xx and a reason",
    zh="非法输入被拒绝（4xx 并说明原因）",
)
def bad_input_refused(ctx: CheckContext) -> None:
    """Missing required field, wrong type, unknown enum value, empty body and an oversized body
    each get a 4xx with a non-empty reason: never a 5xx, never a created ticket."""
    ticket = ctx.ticket("valid", priority=Priority.HIGH)
    valid = next(ctx.adapter.create_ticket(ticket))
    body = dict(valid.json or {})
    ext_paths = _paths(body, ticket.external_id)
    subject = _paths(body, ticket.subject)
    priority = _paths(body, ticket.priority.value)
    description = _paths(body, ticket.description)
    big = "x" * (ctx.contract.input.max_body_bytes + 1024)
    cases: list[tuple[str, str, tuple[str, ...] | None, object, bool]] = [
        ("missing subject", "subject", subject[0] if subject else None, None, True),
        ("subject of the wrong type", "subject", subject[0] if subject else None, 12345, False),
        ("unknown priority", "priority", priority[0] if priority else None, "not-a-level", False),
        ("oversized body", "description", description[0] if description else None, big, False),
        ("empty object", "(body)", (), {}, False),
    ]
    sent = 0
    for n, (label, field, path, new, remove) in enumerate(cases):
        if path is None:
            continue
        mutated = _edit(body, path, new, remove)
        for ext in ext_paths:  # a distinct external id, so an accepted case is a new record
            if ext:
                mutated = _edit(mutated, ext, f"{ticket.external_id}-bad{n}")
        request = replace(valid, json=mutated)
        response = ctx.client.send_once(request)
        sent += 1
        record = f"request '{label}' ({valid.name})"
        reason = response.body.decode("utf-8", "replace").strip()
        if response.status >= 500:
            ctx.mismatch(
                record,
                field,
                "4xx with a reason",
                f"server error HTTP {response.status}",
                (request,),
            )
        elif response.status < 400:
            ctx.mismatch(
                record,
                field,
                "4xx with a reason",
                f"accepted: HTTP {response.status}",
                (request,),
                note="the vendor created a record from an invalid request",
            )
        elif response.status == 429:
            ctx.mismatch(
                record, field, "4xx with a reason", "429 (throttled, not judged)", (request,)
            )
        elif not reason:
            ctx.mismatch(
                record,
                field,
                "4xx with a reason",
                f"HTTP {response.status} with an empty body",
                (request,),
            )
    ctx.measure("cases", sent)
