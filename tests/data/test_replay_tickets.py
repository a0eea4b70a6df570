"""Replay sends the schedule's own tickets: arrival N is row ``rows[N]``, ids never collide."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from harness.config import Scenario
from harness.data.identities import is_valid_email
from harness.data.replay import replay_plan
from harness.data.schedule import share_of
from harness.data.synth import TicketFactory
from harness.data.tickets import ReplayTickets, TicketSource
from harness.data.traffic import write_schedule
from harness.errors import ConfigError
from harness.model import Channel, Priority
from tests.config.test_scenario import MINIMAL

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "sample" / "schedule.parquet"


def _frame(n: int) -> pd.DataFrame:
    channels = ["web", "wechat", "phone", "email", "app"]
    return pd.DataFrame(
        {
            "external_id": [f"T{i}" for i in range(n)],
            "channel": [channels[i % 5] for i in range(n)],
            "category": [f"cat{i % 3}" for i in range(n)],
            "priority": [["low", "high", None][i % 3] for i in range(n)],
            "subject": [f"subject {i}" for i in range(n)],
            "description": [f"body {i}" for i in range(n)],
            "customer_key": [f"cust{i % 7}" for i in range(n)],
            "customer_name": [f"name{i % 7}" for i in range(n)],
            "phone": [f"1380000{i:04d}" for i in range(n)],
            "email": [f"u{i}@example.com" for i in range(n)],
        }
    )


@pytest.fixture
def schedule(tmp_path: Path) -> Path:
    path = tmp_path / "schedule.parquet"
    write_schedule(path, np.arange(0.0, 300.0, 3.0), _frame(100), compression=1.0)
    return path


def replay(schedule: Path, **load: object) -> Scenario:
    data = {**MINIMAL, "bounds": {"max_duration": "1h", "max_requests": 1000}}
    data["load"] = {"kind": "replay", "schedule": str(schedule), **load}
    return Scenario.model_validate(data)


def test_arrival_n_sends_row_n_of_the_plan(schedule: Path) -> None:
    plan = replay_plan(replay(schedule, duration="30s", compress=10))
    tickets = ReplayTickets(plan, range(len(plan.rows)), run_tag="run1")
    for number, row in enumerate(plan.rows):
        ticket = tickets.make(number)
        assert ticket.subject == f"subject {row}"
        assert ticket.description == f"body {row}"
        assert ticket.category == f"cat{row % 3}"
        assert ticket.channel == Channel(["web", "wechat", "phone", "email", "app"][row % 5])
        assert ticket.priority == [Priority.LOW, Priority.HIGH, Priority.NORMAL][row % 3]
        assert ticket.customer.id == f"cust{row % 7}"
        assert ticket.customer.name == f"name{row % 7}"
        assert ticket.custom_fields["replay_of"] == f"T{row}"
    phone = next(tickets.make(n) for n, row in enumerate(plan.rows) if row % 5 == 2)
    assert next(iter(phone.customer.identities.values())).startswith("1380000")


def test_copies_from_peak_multiplier_get_their_own_ids(schedule: Path) -> None:
    plan = replay_plan(replay(schedule, duration="40s", compress=10, peak_multiplier=3))
    assert len(plan.rows) == 300 and len(set(plan.rows)) == 100
    tickets = ReplayTickets(plan, range(len(plan.rows)), run_tag="run1")
    made = [tickets.make(n) for n in range(len(plan.rows))]
    assert len({t.external_id for t in made}) == len(made)
    assert all(t.external_id.startswith("run1-") for t in made)
    copies: dict[str, set[str]] = {}
    for ticket in made:
        copies.setdefault(ticket.custom_fields["replay_of"], set()).add(
            ticket.custom_fields["replay_copy"]
        )
    assert all(found == {"0", "1", "2"} for found in copies.values())


def test_each_process_materialises_only_its_share(schedule: Path) -> None:
    scenario = replay(schedule, duration="30s", compress=10, peak_multiplier=1.5)
    shares = []
    for index in range(3):
        plan = replay_plan(scenario)  # each process computes the same plan on its own
        share = share_of(plan.offsets, index, 3)
        tickets = ReplayTickets(plan, [n for n, _ in share], run_tag="r")
        assert len(tickets) == len(share)
        shares.append({n: tickets.make(n) for n, _ in share})
        outside = next(n for n in range(len(plan.rows)) if n % 3 != index)
        with pytest.raises(KeyError):
            tickets.make(outside)
    merged = {n: t for share in shares for n, t in share.items()}
    whole = ReplayTickets(replay_plan(scenario), range(len(merged)), run_tag="r")
    assert merged == {n: whole.make(n) for n in range(len(merged))}


def test_both_sources_are_ticket_sources(schedule: Path) -> None:
    plan = replay_plan(replay(schedule, duration="30s", compress=10))
    synthetic = TicketFactory(
        seed=1, locale="zh_CN", categories={"billing": 1.0}, channels={Channel.WEB: 1.0},
        priorities={Priority.NORMAL: 1.0}, run_tag="r",
    )  # fmt: skip
    assert isinstance(ReplayTickets(plan, [0], run_tag="r"), TicketSource)
    assert isinstance(synthetic, TicketSource)


def test_unknown_channel_is_a_config_error_naming_the_value(tmp_path: Path) -> None:
    frame = _frame(3)
    frame.loc[1, "channel"] = "fax"
    path = tmp_path / "bad.parquet"
    write_schedule(path, np.array([0.0, 1.0, 2.0]), frame)
    plan = replay_plan(replay(path, duration="10s"))
    with pytest.raises(ConfigError, match=r"'fax'.*web"):
        ReplayTickets(plan, range(3), run_tag="r")


def test_shipped_sample_schedule_is_small_and_replays() -> None:
    assert SAMPLE.stat().st_size < 200_000
    plan = replay_plan(replay(SAMPLE, duration="30s", compress=2880))
    assert 200 <= len(plan.rows) <= 240
    tickets = ReplayTickets(plan, range(len(plan.rows)), run_tag="r")
    first = tickets.make(0)
    assert first.subject and first.description and first.customer.name


def test_email_tickets_replayed_without_a_valid_address_get_a_synthetic_one(
    tmp_path: Path,
) -> None:
    """A schedule whose e-mail column holds no usable address (blank, ``email-<id>`` with no
    ``@``, spaces) still sends every e-mail ticket with a valid requester e-mail (#12)."""
    frame = _frame(40)
    frame["email"] = [["", "email-C7", "a b@example.com", f"u{i}@example.com"][i % 4]
                      for i in range(40)]  # fmt: skip
    path = tmp_path / "schedule.parquet"
    write_schedule(path, np.arange(0.0, 120.0, 3.0), frame, compression=1.0)
    plan = replay_plan(replay(path, duration="12s", compress=10))
    tickets = ReplayTickets(plan, range(len(plan.rows)), run_tag="run1")
    emails = [
        t.customer.identities[Channel.EMAIL]
        for t in (tickets.make(n) for n in range(len(plan.rows)))
        if t.channel is Channel.EMAIL
    ]
    assert len(emails) >= 4
    assert all(is_valid_email(e) for e in emails), emails
    kept = [e for e in emails if e.startswith("u")]
    assert kept and all(e.endswith("@example.com") for e in kept)  # a valid one is kept as is
