"""Where the load path gets the ticket each arrival sends: a :class:`TicketSource`.

Two sources exist. :class:`~harness.data.synth.TicketFactory` makes seeded synthetic tickets in
the scenario's mix; :class:`ReplayTickets` sends a replay schedule's own rows (the anonymised
or generated tickets, text, channel and customer included), arrival ``N`` being row
``plan.rows[N]``. Users call ``make(arrival number)`` and never know which one they have.

External ids are ``<run tag>-<arrival number>`` in both, so they are unique within a run (the
copies ``peak_multiplier`` makes of a row included) and across runs (the run tag), and a vendor
that deduplicates on the external id never merges two arrivals. A replayed ticket keeps its
schedule id in ``custom_fields["replay_of"]`` and its copy number in ``"replay_copy"``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from harness.data.identities import channel_identity, is_valid_email
from harness.errors import ConfigError
from harness.model import Channel, Customer, Priority, Ticket

if TYPE_CHECKING:
    from harness.data.replay import ReplayPlan

__all__ = ["ReplayTickets", "TicketSource", "external_id"]

_TEXT_COLUMNS = ("external_id", "category", "subject", "description", "customer_key")
_OPTIONAL = ("channel", "priority", "customer_name", "phone", "email")


@runtime_checkable
class TicketSource(Protocol):
    """Makes the ticket arrival ``number`` sends; the same number gives the same ticket."""

    def make(self, number: int) -> Ticket: ...


def external_id(run_tag: str, number: int) -> str:
    """The harness's correlation id of one arrival: unique per run and per arrival."""
    return f"{run_tag}-{number:07d}"


def _text(value: object) -> str:
    import pandas as pd  # only replays call this: the load processes skip pandas at start-up

    return "" if value is None or value is pd.NA or value != value else str(value)


class ReplayTickets:
    """The tickets of one process's share of a replay: only those rows are read into memory.

    ``numbers`` are the arrival numbers this process sends (``share_of``); asking for any other
    number is a ``KeyError``. Channel and priority values are checked here, before the run, so a
    schedule with a value the harness does not know fails with the row and the known values.
    """

    def __init__(self, plan: ReplayPlan, numbers: Iterable[int], *, run_tag: str) -> None:
        wanted = sorted(set(numbers))
        rows = [plan.rows[n] for n in wanted]
        frame = plan.frame
        missing = [c for c in _TEXT_COLUMNS if c not in frame.columns]
        if missing:
            raise ConfigError(
                f"the replay schedule has no column(s) {', '.join(missing)}; write it with "
                "'csm-harness generate --schedule'."
            )
        picked = frame.iloc[sorted(set(rows))]
        columns = {
            name: dict(zip(picked.index.tolist(), map(_text, picked[name].tolist()), strict=True))
            for name in (*_TEXT_COLUMNS, *_OPTIONAL)
            if name in picked.columns
        }
        self._run_tag = run_tag
        self._slots = {n: (plan.rows[n], plan.copies[n]) for n in wanted}
        self._columns = columns
        self._channels = {row: _channel(columns, row) for row in set(rows)}
        self._priorities = {row: _priority(columns, row) for row in set(rows)}

    def __len__(self) -> int:
        return len(self._slots)

    def make(self, number: int) -> Ticket:
        row, copy = self._slots[number]
        get = self._columns
        channel = self._channels[row]
        customer_id = get["customer_key"][row] or f"replay-{row}"
        handle = {Channel.PHONE: "phone", Channel.EMAIL: "email"}.get(channel)
        identity = get[handle][row] if handle in get and get[handle][row] else None
        if channel is Channel.EMAIL and identity is not None and not is_valid_email(identity):
            identity = None  # never send a malformed address: a vendor refuses the ticket
        customer = Customer(
            id=customer_id,
            name=get.get("customer_name", {}).get(row, "") or customer_id,
            identities={channel: identity or channel_identity(channel, customer_id)},
        )
        return Ticket(
            external_id=external_id(self._run_tag, number),
            subject=get["subject"][row],
            description=get["description"][row],
            channel=channel,
            priority=self._priorities[row],
            category=get["category"][row],
            customer=customer,
            custom_fields={"replay_of": get["external_id"][row], "replay_copy": str(copy)},
        )


def _channel(columns: dict[str, dict[int, str]], row: int) -> Channel:
    value = columns.get("channel", {}).get(row, "") or Channel.WEB.value
    try:
        return Channel(value)
    except ValueError:
        known = ", ".join(c.value for c in Channel)
        raise ConfigError(
            f"replay schedule row {row}: channel {value!r} is not one of {known}; map it in the "
            "export's column map before anonymising."
        ) from None


def _priority(columns: dict[str, dict[int, str]], row: int) -> Priority:
    value = columns.get("priority", {}).get(row, "") or Priority.NORMAL.value
    try:
        return Priority(value)
    except ValueError:
        known = ", ".join(p.value for p in Priority)
        raise ConfigError(
            f"replay schedule row {row}: priority {value!r} is not one of {known}; map it in "
            "the export's column map before anonymising."
        ) from None
