"""INPUT: invalid tickets are refused with a 4xx and a reason, never 5xx or accepted (C14).

Each bad request is derived from a valid create request the adapter built for a ticket of its
own (so each case carries a fresh external id and idempotency key: a refusal can never be the
vendor's idempotency guard). A field is found by the value the adapter put there (the subject,
the description) or, for enums, by the path where two creates differing only in that enum
differ, so the unknown value is written in the vendor's own encoding (a string or a number).
A case the adapter cannot express is listed as skipped with its reason, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from harness.checks.context import CheckContext
from harness.checks.registry import Severity, check
from harness.model import Ticket, TicketStatus
from harness.vendors.base import ApiRequest
from harness.vendors.capabilities import UPDATE, TicketChanges
from harness.vendors.enumerations import ENUMERATED, declared_values

Path = tuple[str, ...]
_EXCERPT = 160
# A 4xx that says nothing about the input: the credentials, the route or the vendor's
# idempotency guard refused the request, so the case proves nothing either way.
_NOT_THE_INPUT = {
    401: "the credentials",
    403: "the permissions",
    404: "the route",
    405: "the method",
}
_IDEMPOTENCY = re.compile(r"idempot", re.IGNORECASE)


def wrong_reason(status: int, reason: str) -> str | None:
    """What refused the request, when it was not the input."""
    if status in _NOT_THE_INPUT:
        return _NOT_THE_INPUT[status]
    if _IDEMPOTENCY.search(reason):
        return "the idempotency guard"
    return None


def _paths(value: Any, wanted: str, path: Path = ()) -> list[Path]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _paths(v, wanted, (*path, str(k)))]
    if isinstance(value, list):
        return [p for n, v in enumerate(value) for p in _paths(v, wanted, (*path, str(n)))]
    return [path] if value == wanted else []


def _differing(a: Any, b: Any, path: Path = ()) -> list[Path]:
    """Leaf paths where two request bodies differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = [k for k in a if k in b]
        return [p for k in keys for p in _differing(a[k], b[k], (*path, str(k)))]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        pairs = enumerate(zip(a, b, strict=True))
        return [p for n, (x, y) in pairs for p in _differing(x, y, (*path, str(n)))]
    return [] if a == b else [path]


def _get(body: Any, path: Path) -> Any:
    for key in path:
        body = body[int(key)] if isinstance(body, list) else body[key]
    return body


def _edit(body: Any, path: Path, new: object, remove: bool = False) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(body, list):
        copy_list = list(body)
        copy_list[int(head)] = _edit(copy_list[int(head)], rest, new, remove)
        return copy_list
    copy = dict(body)
    if head not in copy:
        return copy
    if not rest and remove:
        copy.pop(head)
    else:
        copy[head] = _edit(copy[head], rest, new, remove)
    return copy


def _unknown(encoded: Any) -> object:
    """A value no vendor encoding of the enum holds, of the same JSON type."""
    if isinstance(encoded, bool):
        return "not-a-level"
    if isinstance(encoded, int | float):
        return 987654
    return "not-a-level"


@dataclass(frozen=True, slots=True)
class Case:
    label: str
    field: str
    request: ApiRequest | None  # None: the adapter cannot express it (``skipped`` says why)
    skipped: str = ""


def _create_request(ctx: CheckContext, label: str, **changes: Any) -> tuple[Ticket, ApiRequest]:
    ticket = ctx.ticket(label, **changes)
    return ticket, next(ctx.adapter.create_ticket(ticket))


def _undeclared(ctx: CheckContext, label: str, field: str, values: tuple[str, ...] | None) -> Case:
    vendor = ctx.session.vendor_name or ctx.adapter.name
    if values is None:
        why = f"{vendor} does not enumerate {field} (no rest.enums.{field} map): free text "
        why += "holds any value, so an unknown one proves nothing"
    else:
        why = f"{vendor} declares {len(values)} {field} value(s) (rest.enums.{field}); "
        why += "two are needed to find where the request carries it"
    return Case(label, field, None, why)


def _enum_case(ctx: CheckContext, label: str, field: str, n: int) -> Case:
    """Find the path where creates with two declared values of ``field`` differ; mutate it."""
    values = declared_values(ctx.adapter, field)
    if values is None or len(values) < 2:
        return _undeclared(ctx, label, field, values)
    enum = ENUMERATED[field]
    first_value, *others = _ordered(values, _PREFERRED[field])
    _, first = _create_request(ctx, f"bad{n}a", **{field: enum(first_value)})
    for other in others:  # two values an adapter maps alike differ nowhere: try the next
        _, second = _create_request(ctx, f"bad{n}", **{field: enum(other)})
        paths = [
            p
            for p in _differing(first.json or {}, second.json or {})
            if _get(first.json, p) not in (None, "") and f"bad{n}" not in str(_get(first.json, p))
        ]
        if paths:
            body = _edit(second.json, paths[0], _unknown(_get(second.json, paths[0])))
            return Case(label, field, replace(second, json=body))
    return Case(label, field, None, f"adapter {ctx.adapter.name} does not send {field}")


# the values compared first, when declared (any two declared values would do)
_PREFERRED = {
    "priority": ("low", "high"),
    "channel": ("web", "email"),
    "status": ("pending", "solved"),
}


def _ordered(values: tuple[str, ...], preferred: tuple[str, str]) -> list[str]:
    first = [value for value in preferred if value in values]
    return first + [value for value in values if value not in first]


def _status_case(ctx: CheckContext, n: int) -> Case:
    label = "unknown status"
    if not ctx.offers(UPDATE):
        return Case(label, "status", None, f"{ctx.session.vendor_name} does not offer update")
    values = declared_values(ctx.adapter, "status")
    if values is None or len(values) < 2:
        return _undeclared(ctx, label, "status", values)
    updates = ctx.need(UPDATE)
    ref, _ = ctx.create(ctx.ticket(f"bad{n}"))
    a, b = (TicketStatus(value) for value in _ordered(values, _PREFERRED["status"])[:2])
    one = next(updates.update_ticket(ref, TicketChanges(status=a)))
    two = next(updates.update_ticket(ref, TicketChanges(status=b)))
    paths = _differing(one.json or {}, two.json or {})
    if not paths:
        return Case(label, "status", None, f"adapter {ctx.adapter.name} does not send status")
    unknown = _unknown(_get(one.json, paths[0]))
    return Case(label, "status", replace(one, json=_edit(one.json, paths[0], unknown)))


def _cases(ctx: CheckContext) -> list[Case]:
    cases: list[Case] = []
    limit = ctx.contract.input.max_body_bytes
    subject_required = ctx.contract.input.subject_required
    plain: list[tuple[str, str, str, object, bool]] = [
        ("missing description", "description", "description", None, True),
        ("blank description", "description", "description", "", False),
        ("description of the wrong type", "description", "description", 12345, False),
        ("subject of the wrong type", "subject", "subject", 12345, False),
    ]
    if subject_required:
        plain.insert(0, ("missing subject", "subject", "subject", None, True))
    else:
        cases.append(
            Case(
                "missing subject",
                "subject",
                None,
                "the contract says the vendor derives a missing subject "
                "(input.subject_required: false)",
            )
        )
    for label, field, _, new, remove in plain:
        n = len(cases)
        ticket, valid = _create_request(ctx, f"bad{n}")
        found = _paths(valid.json or {}, getattr(ticket, field))
        if not found:
            cases.append(Case(label, field, None, f"adapter {ctx.adapter.name} sends no {field}"))
            continue
        body = valid.json
        for path in found:
            body = _edit(body, path, new, remove)
        cases.append(Case(label, field, replace(valid, json=body)))
    cases.append(_enum_case(ctx, "unknown priority", "priority", len(cases)))
    cases.append(_enum_case(ctx, "unknown channel", "channel", len(cases)))
    cases.append(_status_case(ctx, len(cases)))
    _, valid = _create_request(ctx, f"bad{len(cases)}")
    cases.append(Case("empty object", "(body)", replace(valid, json={})))
    if limit is None:
        cases.append(
            Case("oversized body", "(body)", None, "the contract states no input.max_body_bytes")
        )
    else:
        ticket, valid = _create_request(ctx, f"bad{len(cases)}")
        found = _paths(valid.json or {}, ticket.description)
        big = "x" * (limit + 1024)
        body = _edit(valid.json, found[0], big) if found else {**(valid.json or {}), "pad": big}
        cases.append(Case("oversized body", "(body)", replace(valid, json=body)))
    return cases


@check(
    "INPUT-001",
    Severity.MAJOR,
    en="Invalid tickets are refused with a 4xx and a reason",
    zh="非法输入被拒绝（4xx 并说明原因）",
)
def bad_input_refused(ctx: CheckContext) -> None:
    """Missing or blank description, missing subject, wrong types, unknown priority, status and
    channel (in the vendor's encoding), an empty object and an oversized body each get a 4xx
    with a non-empty reason about the input (not the credentials, the route or the idempotency
    guard): never a 5xx, never a created record."""
    outcomes: list[dict[str, Any]] = []
    for case in _cases(ctx):
        if case.request is None:
            outcomes.append({"case": case.label, "skipped": case.skipped})
            continue
        request = case.request
        response = ctx.client.send_once(request)
        reason = response.body.decode("utf-8", "replace").strip()
        excerpt = " ".join(reason.split())[:_EXCERPT]
        outcomes.append({"case": case.label, "status": response.status, "refused_by": excerpt})
        record = f"request '{case.label}' ({request.name})"
        shown = f"HTTP {response.status}: {excerpt or '(empty body)'}"
        if response.status >= 500:
            ctx.mismatch(
                record, case.field, "4xx with a reason", f"server error {shown}", (request,)
            )
        elif response.status < 400:
            ctx.mismatch(
                record,
                case.field,
                "4xx with a reason",
                f"accepted: {shown}",
                (request,),
                note="the vendor created a record from an invalid request",
            )
        elif response.status == 429:
            ctx.mismatch(record, case.field, "4xx with a reason", "429 (throttled, not judged)")
        elif not reason:
            ctx.mismatch(record, case.field, "4xx with a reason", shown, (request,))
        elif (refuser := wrong_reason(response.status, reason)) is not None:
            ctx.mismatch(
                record,
                case.field,
                "4xx with a reason about the input",
                f"refused for the wrong reason (by {refuser}): {shown}",
                (request,),
                note="the invalid input itself was never judged",
            )
    ctx.measure("cases", outcomes)
    ctx.measure("sent", sum("status" in o for o in outcomes))
    ctx.measure("skipped", [f"{o['case']}: {o['skipped']}" for o in outcomes if "skipped" in o])
