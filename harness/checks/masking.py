"""PII: resident ID numbers and mobiles are masked on every surface the adapter can read
(C13), as far as the contract requires.

A ticket carries a valid ID number (GB 11643 check digit) and a mobile in its requester's
profile (the phone identity, ``contact_phone`` and ``id_number`` custom fields) and in its
description. Every surface the adapter offers is read and scanned: the ticket read, the list,
the full read with sideloads, the requester's profile, the customer directory, the export
and the webhook deliveries about the ticket (received while the check runs).
By default only profile fields must be masked (the requester's phone and ID): free text is
judged only when the contract says ``pii.free_text: true``. The check first makes sure its own
create request carried the values (else: skipped, the adapter cannot send them).
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from typing import Any

import pytest

from harness.checks.context import CheckContext
from harness.checks.evidence import carried
from harness.checks.identity import fake_mobile
from harness.checks.inbox import about, receives_webhooks, webhook_inbox
from harness.checks.receiver import Delivery, WebhookReceiver
from harness.checks.registry import Severity, check
from harness.data.identities import synthetic_email
from harness.data.pii import PiiKind, find_pii
from harness.data.validators import id_check_digit
from harness.model import Channel, Customer, TicketRef, TicketState
from harness.vendors.base import ApiRequest, Flow
from harness.vendors.capabilities import (
    CUSTOMERS,
    EXPORT,
    FULL_READ,
    REQUESTER,
)

_KINDS = {PiiKind.ID: "ID number", PiiKind.PHONE: "mobile"}
# A string under one of these keys is a profile field; anything else is free text.
_PROFILE = re.compile(r"phone|mobile|tel|id_?number|id_?card|identit|身份证|手机", re.IGNORECASE)
_LIST_PAGES = 3  # list pages scanned for the ticket (newest or oldest first)


def fake_id(seed: str) -> str:
    rng = random.Random(seed)
    first17 = f"110105{rng.randrange(1970, 2000)}{rng.randrange(1, 13):02d}"
    first17 += f"{rng.randrange(1, 29):02d}{rng.randrange(1000):03d}"
    return first17 + id_check_digit(first17)


def masked(value: str) -> str:
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


Segments = tuple[str | int, ...]


def _strings(value: Any, at: Segments = ()) -> Iterator[tuple[Segments, str]]:
    if isinstance(value, str):
        yield at, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*at, str(key)))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _strings(item, (*at, n))


def _shown(at: Segments) -> str:
    text = ""
    for part in at:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text


def _row_owner(body: Any, at: Segments, rows: Sequence[TicketState]) -> TicketRef | None:
    """The listed ticket whose row holds the value at ``at``: the innermost list item on the
    way that carries one listed ticket's external id (or, as a plain field, its id)."""
    found: list[Any] = []
    node = body
    for part in at:
        node = node[part]
        if isinstance(part, int):
            found.append(node)
    for row in reversed(found):
        texts = {text for _, text in _strings(row)}
        plain = (
            {str(v) for v in row.values() if isinstance(v, str | int)}
            if isinstance(row, dict)
            else set()
        )
        by_external = [i.ref for i in rows if i.ref.external_id and i.ref.external_id in texts]
        by_id = [item.ref for item in rows if item.ref.id in plain]
        if by_external or by_id:
            return (by_external or by_id)[0]
    return None


def _is_profile(path: str) -> bool:
    return _PROFILE.search(path) is not None


@check(
    "PII-001",
    Severity.VETO,
    en="ID numbers and mobiles are masked in responses",
    zh="身份证号与手机号在接口返回中已脱敏",
)
def pii_masked(ctx: CheckContext) -> None:
    """No response of any surface the adapter reads (ticket, list, full read with sideloads,
    requester profile, customer lookup, export) and no webhook delivery about the ticket shows
    the requester's ID number or mobile in full; free text too when the contract asks."""
    spec = ctx.contract.pii
    if not spec.masking_required:
        pytest.skip("the contract does not require masking (pii.masking_required: false)")
    tag = ctx.session.run_tag
    id_number, phone = fake_id(tag), fake_mobile(tag + "-pii")
    since = time.time() - 60
    customer_id = f"{tag}-pii"
    ticket = ctx.ticket(
        "pii",
        description=f"客户身份证号{id_number}，手机{phone}，要求退款到原卡。",
        custom_fields={"contact_phone": phone, "id_number": id_number},
        customer=Customer(
            id=customer_id,
            name="脱敏客户",
            identities={Channel.PHONE: phone, Channel.EMAIL: synthetic_email(customer_id)},
        ),
    )
    with ExitStack() as stack:
        inbox = stack.enter_context(webhook_inbox(ctx)) if receives_webhooks(ctx) else None
        ref, created = ctx.create(ticket)
        if not carried(created, phone):
            ctx.cannot_send("the requester's mobile")
        seeded = {id_number: "ID number", phone: "mobile"}
        scanned: dict[str, int] = {}

        def judge(
            surface: str,
            name: str,
            body: Any,
            shown: tuple[ApiRequest, ...],
            rows: Sequence[TicketState] = (),
        ) -> None:
            for at, kind, value in _leaks(body, seeded, ticket.external_id, ref.id):
                path = _shown(at)
                if not spec.free_text and not _is_profile(path):
                    continue
                owner = _row_owner(body, at, rows) if rows else ref
                ctx.mismatch(
                    ctx.record(owner) if owner else f"{surface} row {path.split('.')[0]}",
                    f"{path} ({surface}: {name})",
                    f"{kind} masked",
                    f"{kind} {masked(value)} returned in full",
                    (*created[-1:], *shown) if owner == ref else shown,
                )

        for surface, flow in _surfaces(ctx, ref, phone, since):
            result, exchanges = ctx.exchange(flow())
            scanned[surface] = len(exchanges)
            rows = result if surface == "list" and isinstance(result, list) else []
            for request, response in exchanges:
                judge(surface, request.name, _body(response.body), (request,), rows)
        if inbox is not None:
            deliveries = _deliveries_about(ctx, inbox, ref, ticket.external_id)
            scanned["webhook"] = len(deliveries)
            for delivery in deliveries:
                judge("webhook", "delivery", _body(delivery.body), ())
    ctx.measure("responses_scanned", scanned)
    ctx.measure("free_text_judged", spec.free_text)


def _surfaces(
    ctx: CheckContext, ref: TicketRef, phone: str, since: float
) -> list[tuple[str, Callable[[], Flow[Any]]]]:
    adapter = ctx.adapter
    found: list[tuple[str, Callable[[], Flow[Any]]]] = [("ticket", lambda: adapter.get_ticket(ref))]
    if ctx.offers_name("list"):
        found.append(("list", lambda: _list_until(ctx, ref)))
    if ctx.offers(FULL_READ):
        found.append(("full-read", lambda: ctx.need(FULL_READ).read_ticket(ref)))
    if ctx.offers(REQUESTER):
        found.append(("requester", lambda: ctx.need(REQUESTER).read_requester(ref)))
    if ctx.offers(CUSTOMERS):
        found.append(("customers", lambda: ctx.need(CUSTOMERS).find_customer(Channel.PHONE, phone)))
    if ctx.offers(EXPORT):
        found.append(("export", lambda: ctx.need(EXPORT).export_tickets(since, None, 100)))
    return found


def _list_until(ctx: CheckContext, ref: TicketRef) -> Flow[list[TicketState]]:
    """The first list pages, until one holds the ticket; every row read."""
    cursor: str | None = None
    rows: list[TicketState] = []
    for _ in range(_LIST_PAGES):
        page = yield from ctx.adapter.list_tickets(cursor, 100)
        rows += page.items
        if any(item.ref.id == ref.id for item in page.items) or page.next_cursor is None:
            break
        cursor = page.next_cursor
    return rows


def _body(raw: bytes) -> Any:
    text = raw.decode("utf-8", "replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def _deliveries_about(
    ctx: CheckContext, inbox: WebhookReceiver, ref: TicketRef, external_id: str
) -> list[Delivery]:
    """The webhook deliveries about the ticket, waiting (up to ``webhooks.wait_s``) for one."""
    inbox.wait_for(
        lambda: any(about(ctx, d, ref, external_id) for d in inbox.deliveries),
        ctx.contract.webhooks.wait_s,
    )
    return [d for d in inbox.snapshot() if about(ctx, d, ref, external_id)]


def _leaks(
    body: Any, seeded: dict[str, str], external_id: str, ticket_id: str
) -> Iterator[tuple[Segments, str, str]]:
    for at, text in _strings(body):
        if (at and str(at[-1]).endswith("external_id")) or text in (external_id, ticket_id):
            continue
        found = {value: kind for value, kind in seeded.items() if value in text}
        for hit in find_pii(text):
            if hit.kind in _KINDS and hit.value not in found:
                found[hit.value] = _KINDS[hit.kind]
        for value, kind in found.items():
            yield at, kind, value


__all__ = ["fake_id", "masked", "pii_masked"]
