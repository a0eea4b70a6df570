"""PII: resident ID numbers and mobiles are masked in every response where the contract
requires it (C13). A ticket carries a valid ID number (GB 11643 check digit) and a mobile in
its description, a custom field and the customer's phone identity; every response that shows
the ticket or its customer is scanned for the values as sent and for any other unmasked ID or
mobile (:func:`harness.data.pii.find_pii`)."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from typing import Any

import pytest

from harness.checks.context import CheckContext
from harness.checks.identity import fake_mobile
from harness.checks.registry import Severity, check
from harness.data.pii import PiiKind, find_pii
from harness.data.validators import id_check_digit
from harness.model import Channel, Customer
from harness.vendors.admin import CustomerDirectory, TicketExport
from harness.vendors.base import ApiRequest, ApiResponse

_KINDS = {PiiKind.ID: "ID number", PiiKind.PHONE: "mobile"}


def fake_id(seed: str) -> str:
    rng = random.Random(seed)
    first17 = f"110105{rng.randrange(1970, 2000)}{rng.randrange(1, 13):02d}"
    first17 += f"{rng.randrange(1, 29):02d}{rng.randrange(1000):03d}"
    return first17 + id_check_digit(first17)


def masked(value: str) -> str:
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _strings(item, f"{path}[{n}]")


@check(
    "PII-001",
    Severity.VETO,
    en="ID numbers and mobiles are masked in responses",
    zh="身份证号与手机号在接口返回中已脱敏",
)
def pii_masked(ctx: CheckContext) -> None:
    """No response showing a ticket or its customer (read, export, customer lookup) contains an
    ID number or a mobile in full."""
    if not ctx.contract.pii.masking_required:
        pytest.skip("the contract does not require masking (pii.masking_required: false)")
    tag = ctx.session.run_tag
    id_number, phone = fake_id(tag), fake_mobile(tag + "-pii")
    since = time.time() - 60
    ticket = ctx.ticket(
        "pii",
        description=f"客户身份证号{id_number}，手机{phone}，要求退款到原卡。",
        custom_fields={"contact_phone": phone},
        customer=Customer(id=f"{tag}-pii", name="脱敏客户", identities={Channel.PHONE: phone}),
    )
    ref, created = ctx.create(ticket)
    reads: list[ApiRequest] = [next(ctx.adapter.get_ticket(ref))]
    if isinstance(ctx.adapter, TicketExport):
        reads.append(next(ctx.adapter.export_tickets(since, None, 100)))
    if isinstance(ctx.adapter, CustomerDirectory):
        reads.append(next(ctx.adapter.find_customer(Channel.PHONE, phone)))
    seeded = {id_number: "ID number", phone: "mobile"}
    for request in reads:
        response = ctx.client.send(request)
        for path, kind, value in _leaks(response, seeded, ticket.external_id, ref.id):
            ctx.mismatch(
                ctx.record(ref),
                f"{path} ({request.name})",
                f"{kind} masked",
                f"{kind} {masked(value)} returned in full",
                (*created[:1], request),
            )
    ctx.measure("responses_scanned", len(reads))


def _leaks(
    response: ApiResponse, seeded: dict[str, str], external_id: str, ticket_id: str
) -> Iterator[tuple[str, str, str]]:
    try:
        body = response.json()
    except ValueError:
        body = response.body.decode("utf-8", "replace")
    for path, text in _strings(body, ""):
        if path.endswith("external_id") or text in (external_id, ticket_id):
            continue
        found = {value: kind for value, kind in seeded.items() if value in text}
        for hit in find_pii(text):
            if hit.kind in _KINDS and hit.value not in found:
                found[hit.value] = _KINDS[hit.kind]
        for value, kind in found.items():
            yield path, kind, value
