"""``csm-harness vendors --probe``: a short live round trip that catches a vendor file which
validates but reads the vendor wrongly.

It creates a few tickets that differ in every mapped field, reads each back at once, compares
field by field, watches the assignee for a while, and walks the listing. What looks wrong
becomes a :class:`Finding` (a message key and its values; :mod:`harness.cli.probe_text` words
it in English and zh-CN):

- an assignee set at once to the same value for every ticket (a placeholder owner such as
  ``Nobody``: the file needs ``unassigned: [...]``), or one that changes from that value later;
- a field that reads back empty, differently, or the same for tickets that were sent different
  values; an enumeration that does not round-trip; a read the adapter cannot decode;
- pagination that repeats a cursor or an item, or names a next page after an empty one;
- for a chat adapter, one session opened, written, read and closed
  (:mod:`harness.vendors.probe_chat`).

Everything is bounded by a request budget and a time window; the caller chooses the target
(loopback or allow-listed) and runs the flows (:data:`Runner`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, TypeVar

from harness.model import Channel, Customer, Priority, Ticket, TicketRef, TicketState
from harness.vendors.base import ApiFailure, Flow
from harness.vendors.capabilities import NotSupported
from harness.vendors.chat import ChatAdapter

__all__ = ["Finding", "ProbeBudget", "ProbeResult", "Runner", "probe", "sample_tickets"]

T = TypeVar("T")
Runner = Callable[[Flow[Any]], Any]
Severity = Literal["warn", "info"]

_PRIORITIES: Final = (Priority.HIGH, Priority.LOW, Priority.URGENT, Priority.NORMAL)
_CHANNELS: Final = (Channel.EMAIL, Channel.WEB, Channel.PHONE, Channel.CHAT)


@dataclass(frozen=True, slots=True)
class Finding:
    key: str  # a message key of harness.cli.probe_text
    severity: Severity
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProbeBudget:
    tickets: int = 3
    watch_s: float = 6.0
    poll_s: float = 0.25
    max_requests: int = 300
    pages: int = 20
    page_size: int = 2


@dataclass
class ProbeResult:
    findings: list[Finding] = field(default_factory=list)
    requests: int = 0
    created: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warn"]


class _OutOfBudget(Exception):
    pass


def sample_tickets(
    count: int, categories: Sequence[str], custom_names: Sequence[str], run_id: str
) -> list[Ticket]:
    """``count`` tickets that differ in every field the harness writes."""
    return [
        Ticket(
            external_id=f"probe-{run_id}-{n}",
            subject=f"Probe {run_id} #{n}: 退款 {n}",
            description=f"csm-harness probe {run_id}, ticket {n}. 我的退款 {n} 还没到账。",
            channel=_CHANNELS[n % len(_CHANNELS)],
            priority=_PRIORITIES[n % len(_PRIORITIES)],
            category=categories[n % len(categories)],
            customer=Customer(f"probe-{run_id}-c{n}", f"Probe Customer {n}"),
            custom_fields={name: f"{name}-{run_id}-{n}" for name in custom_names},
        )
        for n in range(count)
    ]


def probe(
    run: Runner,
    adapter: Any,
    tickets: Sequence[Ticket],
    mapped: Sequence[str],
    budget: ProbeBudget = ProbeBudget(),
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> ProbeResult:
    """Probe one vendor; ``mapped`` names the ticket fields its file reads."""
    result = ProbeResult()

    def counted(flow: Flow[T]) -> Flow[T]:
        request = next(flow)
        while True:
            if result.requests >= budget.max_requests:
                raise _OutOfBudget
            result.requests += 1
            response = yield request
            try:
                request = flow.send(response)
            except StopIteration as stop:
                value: T = stop.value
                return value

    def call(flow: Flow[T]) -> T:
        value: T = run(counted(flow))
        return value

    try:
        refs, states = _create_and_read(call, adapter, tickets, result)
        _compare(tickets, states, mapped, result)
        if refs:
            _watch(call, adapter, refs, states, budget, clock, sleep, result)
        _walk(call, adapter, budget, result)
        if isinstance(adapter, ChatAdapter) and tickets:
            from harness.vendors.probe_chat import probe_chat  # it reads this module's types

            prefix = tickets[0].external_id.rpartition("-")[0]
            probe_chat(call, adapter, prefix, budget, clock, sleep, result)
    except _OutOfBudget:
        result.findings.append(Finding("budget", "info", {"requests": str(budget.max_requests)}))
    return result


def _create_and_read(
    call: Callable[[Flow[Any]], Any],
    adapter: Any,
    tickets: Sequence[Ticket],
    result: ProbeResult,
) -> tuple[list[TicketRef], list[TicketState | None]]:
    refs: list[TicketRef] = []
    states: list[TicketState | None] = []
    for ticket in tickets:
        ref: TicketRef = call(adapter.create_ticket(ticket))
        refs.append(ref)
        result.created.append(ref.id)
        try:
            states.append(call(adapter.get_ticket(ref)))
        except NotSupported:
            result.findings.append(Finding("no_read", "info"))
            return refs, []
        except ApiFailure as failure:
            result.findings.append(Finding("unreadable", "warn", {"detail": failure.detail}))
            states.append(None)
    return refs, states


_FIELDS: Final = ("external_id", "subject", "description", "priority", "category")


def _sent(ticket: Ticket, name: str) -> str:
    if name.startswith("custom_fields."):
        return ticket.custom_fields.get(name.removeprefix("custom_fields."), "")
    value = getattr(ticket, name)
    return str(value.value if hasattr(value, "value") else value)


def _read(state: TicketState, name: str) -> str:
    if name == "external_id":
        return state.ref.external_id
    if name.startswith("custom_fields."):
        return state.custom_fields.get(name.removeprefix("custom_fields."), "")
    value = getattr(state, name)
    return str(value.value if hasattr(value, "value") else value or "")


def _compare(
    tickets: Sequence[Ticket],
    states: Sequence[TicketState | None],
    mapped: Sequence[str],
    result: ProbeResult,
) -> None:
    pairs = [(t, s) for t, s in zip(tickets, states, strict=False) if s is not None]
    if not pairs:
        return
    names = [n for n in _FIELDS if n in mapped]
    names += sorted(n for n in mapped if n.startswith("custom_fields."))
    for name in names:
        sent = [_sent(t, name) for t, _ in pairs]
        read = [_read(s, name) for _, s in pairs]
        where = name if name.startswith("custom_fields") else f"ticket.{name}"
        if all(value == "" for value in read):
            result.findings.append(Finding("empty", "warn", {"field": where}))
        elif len(pairs) > 1 and len(set(read)) == 1 and len(set(sent)) > 1:
            result.findings.append(Finding("constant", "warn", {"field": where, "value": read[0]}))
        elif name == "priority" and sent != read:
            bad = next(i for i, (a, b) in enumerate(zip(sent, read, strict=True)) if a != b)
            values = {"field": name, "sent": sent[bad], "read": read[bad]}
            result.findings.append(Finding("enum", "warn", values))
        elif sent != read:
            bad = next(i for i, (a, b) in enumerate(zip(sent, read, strict=True)) if a != b)
            values = {"field": where, "sent": sent[bad][:60], "read": read[bad][:60]}
            result.findings.append(Finding("differs", "warn", values))


def _watch(
    call: Callable[[Flow[Any]], Any],
    adapter: Any,
    refs: Sequence[TicketRef],
    states: Sequence[TicketState | None],
    budget: ProbeBudget,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    result: ProbeResult,
) -> None:
    """Who each ticket is assigned to at once, and whether that changes within the window."""
    first: list[str | None] = []
    for ref, state in zip(refs, states or [None] * len(refs), strict=True):
        at_once = ref.assignment.agent_id if ref.assignment else None
        first.append(at_once or (state.assignee if state is not None else None))
    later: list[str | None] = list(first)
    deadline = clock() + budget.watch_s
    try:
        while clock() < deadline and any(a == b for a, b in zip(first, later, strict=True)):
            for index, ref in enumerate(refs):
                if later[index] != first[index]:
                    continue
                assignment = call(adapter.fetch_assignment(ref))
                later[index] = assignment.agent_id if assignment is not None else None
            sleep(budget.poll_s)
    except NotSupported:
        pass
    replaced = [
        a for a, b in zip(first, later, strict=True) if a is not None and b not in (None, a)
    ]
    shared = first[0] if len(first) > 1 and len(set(first)) == 1 else None
    placeholder = shared if shared is not None else (replaced[0] if replaced else None)
    if placeholder is not None:
        count = sum(1 for a in first if a == placeholder)
        changed = sum(1 for a in replaced if a == placeholder)
        values = {"value": placeholder, "count": str(count), "of": str(len(first)),
                  "changed": str(changed)}  # fmt: skip
        result.findings.append(Finding("placeholder", "warn", values))
    elif all(value is None for value in later):
        result.findings.append(Finding("unassigned", "info", {"seconds": f"{budget.watch_s:g}"}))


def _walk(
    call: Callable[[Flow[Any]], Any], adapter: Any, budget: ProbeBudget, result: ProbeResult
) -> None:
    seen: set[str] = set()
    cursors: set[str] = set()
    cursor: str | None = None
    for _ in range(budget.pages):
        try:
            page = call(adapter.list_tickets(cursor, budget.page_size))
        except NotSupported:
            result.findings.append(Finding("no_list", "info"))
            return
        except ApiFailure as failure:
            result.findings.append(Finding("list_failed", "warn", {"detail": failure.detail}))
            return
        ids = [state.ref.id for state in page.items]
        repeated = [item for item in ids if item in seen]
        if page.next_cursor is not None and (page.next_cursor in cursors or repeated or not ids):
            what = repeated[0] if repeated else page.next_cursor
            result.findings.append(Finding("pagination", "warn", {"value": str(what)[:80]}))
            return
        seen.update(ids)
        if page.next_cursor is None:
            return
        cursors.add(page.next_cursor)
        cursor = page.next_cursor
    result.findings.append(Finding("pages", "info", {"pages": str(budget.pages)}))
