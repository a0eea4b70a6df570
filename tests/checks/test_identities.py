"""Every synthetic identity the harness can send is valid: load traffic (the ticket factory,
replayed schedules) and every acceptance check's customers alike."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from harness.checks.context import CheckContext, Session
from harness.checks.contract import Contract
from harness.checks.history import CATEGORIES, historical_tickets, labelled_tickets
from harness.checks.registry import all_checks
from harness.data.identities import (
    channel_identity,
    is_valid_email,
    is_valid_mobile,
    synthetic_email,
    synthetic_mobile,
)
from harness.data.synth import TicketFactory
from harness.model import Channel, Customer, Priority, Ticket
from harness.vendors.freshdesk import FreshdeskAdapter
from harness.vendors.zendesk import ZendeskAdapter

AWKWARD_KEYS = [
    "acc123456ab12-auth-001-without credentials-c",
    "C00000001",
    "客户 甲",
    "..leading.and..double..dots..",
    "x" * 300,
    "",
    "UPPER@Case+tag",
]


def _assert_valid(ticket: Ticket) -> None:
    for channel, value in ticket.customer.identities.items():
        if channel is Channel.EMAIL:
            assert is_valid_email(value), value
        if channel is Channel.PHONE:
            assert is_valid_mobile(value), value
    if ticket.channel is Channel.EMAIL:  # every e-mail ticket has a requester e-mail
        assert Channel.EMAIL in ticket.customer.identities, ticket


@pytest.mark.parametrize("key", AWKWARD_KEYS)
def test_synthetic_email_is_valid_for_any_key(key: str) -> None:
    email = synthetic_email(key)
    assert is_valid_email(email), email
    assert synthetic_email(key) == email  # stable: the same customer, the same address


def test_synthetic_mobiles_have_allocated_prefixes() -> None:
    mobiles = {synthetic_mobile(f"seed-{n}") for n in range(5000)}
    assert all(is_valid_mobile(m) for m in mobiles)
    assert len(mobiles) > 4990


def test_invalid_identities_are_refused() -> None:
    for bad in ("email-C1", "a b@customers.example.com", "x@customers.invalid.", "x@gmail.com"):
        assert not is_valid_email(bad), bad
    for bad in ("12012345678", "1391234567", "139123456789", "+8613912345678"):
        assert not is_valid_mobile(bad), bad


def test_load_traffic_identities_are_valid() -> None:
    factory = TicketFactory(
        seed=7,
        locale="zh_CN",
        categories={"billing": 1.0, "refunds": 1.0},
        channels=dict.fromkeys(Channel, 1.0),
        priorities=dict.fromkeys(Priority, 1.0),
        run_tag="run1",
    )
    tickets = [factory.make(n) for n in range(3000)]
    assert {t.channel for t in tickets} == set(Channel)
    for ticket in tickets:
        _assert_valid(ticket)


def test_channel_identity_for_every_channel() -> None:
    for channel in Channel:
        value = channel_identity(channel, "C 1")
        assert " " not in value
        if channel is Channel.EMAIL:
            assert is_valid_email(value)
        if channel is Channel.PHONE:
            assert is_valid_mobile(value)


def _context(check_id: str) -> CheckContext:
    check = next(c for c in all_checks() if c.id == check_id)
    session: Any = Session(
        adapter=ZendeskAdapter(),
        client=None,  # type: ignore[arg-type]
        contract=Contract(),
        run_tag="acc123456ab12",
        out_dir=Path("unused"),
        webhook_secret="s",
        auth_kind="basic",
    )
    return CheckContext(check, session)


def test_check_identities_are_valid() -> None:
    tickets: list[Ticket] = []
    for check in all_checks():
        ctx = _context(check.id)
        for label in ("valid", "without credentials", "with a wrong token", "bad3"):
            tickets.append(ctx.ticket(label))
            tickets.append(ctx.ticket(label, channel=Channel.EMAIL))
    tickets += [t.ticket for t in labelled_tickets("acc1", {c: c for c in CATEGORIES}, 8)]
    tickets += [h.ticket for h in historical_tickets("acc1", 200, CATEGORIES)]
    for ticket in tickets:
        identities = ticket.customer.identities
        if ticket.channel is Channel.EMAIL and Channel.EMAIL not in identities:
            # the adapters derive the requester e-mail from the customer id: check that one
            email = synthetic_email(ticket.customer.id)
            assert is_valid_email(email), email
            continue
        _assert_valid(ticket)


@pytest.mark.parametrize("key", AWKWARD_KEYS[:3])
def test_adapter_fallback_emails_are_valid(key: str) -> None:
    """Zendesk and Freshdesk need a requester e-mail; without one they derive a valid one."""
    ctx = _context("AUTH-001")
    ticket = ctx.ticket("x")
    ticket = replace(ticket, customer=Customer(key, "客户", {Channel.WEB: "w"}))
    zendesk = next(ZendeskAdapter().create_ticket(ticket)).json
    freshdesk = next(FreshdeskAdapter().create_ticket(ticket)).json
    assert zendesk is not None and freshdesk is not None
    assert is_valid_email(zendesk["ticket"]["requester"]["email"])
    assert is_valid_email(freshdesk["email"])
