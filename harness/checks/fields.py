"""FIELD: every canonical and custom field survives create -> read (C4)."""

from __future__ import annotations

import pytest

from harness.checks.context import CheckContext
from harness.checks.evidence import carried
from harness.checks.identity import same_value
from harness.checks.registry import Severity, check
from harness.data.identities import synthetic_email, synthetic_mobile
from harness.model import Channel, Customer, Priority, Ticket, TicketRef, TicketState
from harness.vendors.base import ApiFailure, ApiRequest, FailureKind
from harness.vendors.capabilities import FULL_READ
from harness.vendors.custom_fields import declared_custom_fields

#: sent to an adapter that takes any custom-field name (one mapping: the sandbox), or when the
#: adapter can send none (then skipped, naming them)
_CUSTOM = {
    "order_no": "SO-2026-000123",
    "sku": "SKU-汽车脚垫-黑色",
    "会员等级": "金卡",
    "refund_amount": "199.00",
}


def custom_values(ctx: CheckContext) -> dict[str, str]:
    """The custom fields FIELD-001 sends: every one the adapter declares (its vendor file's
    map), valued from the contract's ``fields.custom``, the samples above or a text of ours;
    plus those the contract names that the adapter cannot send (skipped, named)."""
    given = dict(ctx.contract.fields.custom)
    declared = declared_custom_fields(ctx.adapter)
    if not declared:  # any name goes (one mapping), or none is mapped (then skipped, named)
        return given or dict(_CUSTOM)
    samples = {**_CUSTOM, **given}
    values = {name: samples.get(name, f"{name}-{ctx.session.run_tag}") for name in declared}
    return values | {name: value for name, value in given.items() if name not in values}


def _create(ctx: CheckContext, ticket: Ticket) -> tuple[TicketRef, tuple[ApiRequest, ...]]:
    """Create the ticket; a refusal while carrying values of our own for fields the vendor
    validates (a choice list, a number) is a gap in the contract, not the vendor's fault."""
    ours = [k for k in ticket.custom_fields if k not in ctx.contract.fields.custom]
    try:
        return ctx.create(ticket)
    except ApiFailure as failure:
        if failure.kind is not FailureKind.CLIENT or not ours:
            raise
        shown = ", ".join(f"custom_fields.{k}={ticket.custom_fields[k]!r}" for k in ours)
        pytest.skip(
            f"{ctx.session.vendor_name or ctx.adapter.name} refused the create carrying values "
            f"of the harness's own ({shown}): HTTP {failure.status}: {failure.detail}. Give "
            "values it accepts in the contract's fields.custom"
        )


def _compare(
    ctx: CheckContext,
    ref: TicketRef,
    sent: Ticket,
    got: TicketState,
    requests: tuple[ApiRequest, ...],
    fields: tuple[str, ...],
) -> None:
    record = ctx.record(ref, sent.external_id)
    for name in fields:
        expected, received = getattr(sent, name), getattr(got, name)
        if name == "priority":
            expected = ctx.contract.priority_projection.get(expected.value, expected.value)
            received = received.value
        if expected != received:
            ctx.mismatch(record, name, expected, received, requests)


@check(
    "FIELD-001",
    Severity.VETO,
    en="Every canonical and custom field is kept",
    zh="所有标准字段与自定义字段完整保留",
)
def canonical_and_custom_fields(ctx: CheckContext) -> None:
    """Create -> read returns subject, description, category, priority, channel, the
    requester's name, e-mail and phone, and every custom field the vendor file maps (valued
    from the contract's ``fields.custom`` where the vendor validates them) as sent. A value the
    adapter's own request did not carry is not blamed on the vendor: the check is skipped
    naming it."""
    customer_id = ctx.external_id("cust")
    ticket = ctx.ticket(
        "all-fields",
        channel=Channel.EMAIL,
        category="billing",
        priority=Priority.NORMAL,
        custom_fields=custom_values(ctx),
        customer=Customer(
            id=customer_id,
            name="验收客户甲",
            identities={
                Channel.EMAIL: synthetic_email(customer_id),
                Channel.PHONE: synthetic_mobile(customer_id),
                Channel.APP: f"uid-{ctx.session.run_tag}-field",
            },
        ),
    )
    ref, created = _create(ctx, ticket)
    got, read = ctx.call(ctx.adapter.get_ticket(ref))
    requests = created + read
    unsent = [
        f"custom_fields.{key}"
        for key, value in ticket.custom_fields.items()
        if not carried(created, value)
    ]
    _compare(ctx, ref, ticket, got, requests, ("subject", "description", "category", "priority"))
    record = ctx.record(ref, ticket.external_id)
    for key, value in ticket.custom_fields.items():
        if f"custom_fields.{key}" in unsent:
            continue
        if got.custom_fields.get(key) != value:
            ctx.mismatch(
                record, f"custom_fields.{key}", value, got.custom_fields.get(key), requests
            )
    if ctx.offers(FULL_READ):
        stored, full = ctx.call(ctx.need(FULL_READ).read_ticket(ref))
        if stored.channel is None:
            unsent.append("channel (the vendor records its own)")
        elif stored.channel != ticket.channel:
            ctx.mismatch(
                record, "channel", ticket.channel.value, stored.channel.value, created + full
            )
        if stored.customer_name != ticket.customer.name:
            ctx.mismatch(
                record, "customer.name", ticket.customer.name, stored.customer_name, created + full
            )
        for channel, value in ticket.customer.identities.items():
            if not carried(created, value):
                unsent.append(f"customer.identities.{channel.value}")
                continue
            if not same_value(value, stored.identities.get(channel)):
                ctx.mismatch(
                    record,
                    f"customer.identities.{channel.value}",
                    value,
                    stored.identities.get(channel),
                    created + full,
                )
    ctx.measure("fields_compared", 4 + len(ticket.custom_fields) - len(unsent))
    ctx.measure("not_sendable", unsent)
    ctx.measure(
        "custom_fields", [k for k in ticket.custom_fields if f"custom_fields.{k}" not in unsent]
    )
    ctx.verify()
    # a vendor with no place for an app uid or our channel is measured, not skipped
    essential = [u for u in unsent if u.startswith(("custom_fields.", _EMAIL, _PHONE))]
    if essential:
        pytest.skip(
            f"adapter {ctx.adapter.name} cannot send {', '.join(essential)}; every field it "
            "sent was kept (map custom fields in the vendor file's custom_fields)"
        )


_EMAIL = f"customer.identities.{Channel.EMAIL.value}"
_PHONE = f"customer.identities.{Channel.PHONE.value}"


@check(
    "FIELD-002",
    Severity.MAJOR,
    en="Chinese text, emoji and long text survive unchanged",
    zh="中文、表情符号与长文本原样保留",
)
def unicode_and_long_text(ctx: CheckContext) -> None:
    """Subjects with CJK and 4-byte emoji, and a description of the contract's longest length,
    read back byte for byte (truncation is never silent)."""
    size = ctx.contract.input.long_text_chars
    unit = "退货流程说明🙏🏻 Return policy ✅ 第二段：物流已签收；"
    description = (unit * (size // len(unit) + 1))[:size]
    ticket = ctx.ticket(
        "unicode", subject="加急🔥退款没到账 😡 「引号」《书名》", description=description
    )
    ref, created = ctx.create(ticket)
    got, read = ctx.call(ctx.adapter.get_ticket(ref))
    record = ctx.record(ref, ticket.external_id)
    if got.subject != ticket.subject:
        ctx.mismatch(record, "subject", ticket.subject, got.subject, created + read)
    if got.description != ticket.description:
        cut = next(
            (
                n
                for n, (a, b) in enumerate(zip(ticket.description, got.description, strict=False))
                if a != b
            ),
            min(len(ticket.description), len(got.description)),
        )
        ctx.mismatch(
            record,
            "description",
            f"{len(ticket.description)} characters",
            f"{len(got.description)} characters",
            created + read,
            note=f"first difference at character {cut}",
        )
    ctx.measure("description_chars", len(ticket.description))
