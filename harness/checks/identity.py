"""IDENT: the same customer arriving by WeChat, app and phone is one customer (C12)."""

from __future__ import annotations

from harness.checks.context import CheckContext
from harness.checks.registry import Severity, check
from harness.data.identities import synthetic_mobile
from harness.model import Channel, Customer
from harness.vendors.base import ApiRequest
from harness.vendors.capabilities import CUSTOMERS, StoredCustomer


def same_value(sent: str, returned: str | None) -> bool:
    """Equal, or equal but for a masked middle (``139****5678`` for ``13912345678``)."""
    if returned is None or len(sent) != len(returned):
        return False
    return all(a == b or b == "*" for a, b in zip(sent, returned, strict=False))


def fake_mobile(seed: str) -> str:
    return synthetic_mobile(seed)


@check(
    "IDENT-001",
    Severity.MAJOR,
    en="One customer across WeChat, app and phone",
    zh="微信、App、电话渠道识别为同一客户",
    requires=["customers"],
)
def cross_channel_identity(ctx: CheckContext) -> None:
    """Tickets from WeChat (openid + phone), the app (uid + phone) and a phone call (phone)
    resolve to one customer holding all three identities."""
    directory = ctx.need(CUSTOMERS)
    tag = ctx.session.run_tag
    phone = fake_mobile(tag)
    identities = {
        Channel.WECHAT: f"o6_{tag.replace('-', '')}Wx",
        Channel.APP: f"uid-{tag}",
        Channel.PHONE: phone,
    }
    contacts = [
        (Channel.WECHAT, {Channel.WECHAT: identities[Channel.WECHAT], Channel.PHONE: phone}),
        (Channel.APP, {Channel.APP: identities[Channel.APP], Channel.PHONE: phone}),
        (Channel.PHONE, {Channel.PHONE: phone}),
    ]
    created: list[ApiRequest] = []
    for channel, ids in contacts:
        customer = Customer(id=f"{tag}-{channel.value}", name="跨渠道客户", identities=ids)
        _, sent = ctx.create(
            ctx.ticket(f"ident-{channel.value}", channel=channel, customer=customer)
        )
        created += sent
    found: dict[Channel, str | None] = {}
    lookups: list[ApiRequest] = []
    survivor: StoredCustomer | None = None
    for channel, value in identities.items():
        stored, sent = ctx.call(directory.find_customer(channel, value))
        lookups += sent
        found[channel] = None if stored is None else stored.id
        survivor = survivor or stored
    record = f"customer with phone identity {phone[:3]}****{phone[-4:]}"
    distinct = {cid for cid in found.values() if cid is not None}
    ctx.measure("customers", len(distinct))
    if len(distinct) != 1 or None in found.values():
        shown = ", ".join(f"{ch.value} -> {cid or 'not found'}" for ch, cid in found.items())
        ctx.mismatch(
            record,
            "customer id",
            "one customer for wechat, app and phone",
            shown,
            lookups,
            note="each identity was looked up after all three tickets",
        )
        return
    assert survivor is not None
    for channel, value in identities.items():
        if not same_value(value, survivor.identities.get(channel)):
            ctx.mismatch(
                record,
                f"identities.{channel.value}",
                "linked",
                survivor.identities.get(channel),
                lookups,
            )
