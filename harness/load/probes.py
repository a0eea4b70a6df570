"""Routing latency: from the moment the harness asked to create a ticket to its assignment.

Three ways to observe the assignment, recorded with each ticket:
- ``response``: the vendor assigned synchronously (the create response names the agent);
- ``webhook``: the vendor pushed an assignment event to the harness's receiver (exact up to
  delivery time);
- ``polling``: the probe reads the ticket every ``poll_interval``; the assignment is dated
  at the send time of the first poll that saw it, so the latency is over-stated by at most
  one interval (and under-stated by at most the request's transit time).
Tickets with no assignment within ``timeout`` count as unrouted.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gevent
from gevent.pool import Pool

from harness.config.probe_mode import ProbeMode
from harness.load.collect import MetricsHub
from harness.metrics.records import RecordWriter, TicketRecord
from harness.model import Assignment, Ticket, TicketRef
from harness.vendors.base import ApiFailure, VendorAdapter, WebhookEvent

_POLL_CONCURRENCY = 16
_EARLY_EVENTS_KEEP_S = 120.0


@dataclass(slots=True)
class _Pending:
    ticket: Ticket
    arrival: int
    intended_at: float
    sent_at: float
    lag_ms: float
    create_ms: float | None = None
    ref: TicketRef | None = None
    next_poll: float = 0.0


class RoutingProbe:
    def __init__(
        self,
        *,
        mode: ProbeMode,
        poll_interval_s: float,
        timeout_s: float,
        adapter: VendorAdapter,
        poll: Callable[[Any], Assignment | None],
        hub: MetricsHub,
        records: RecordWriter,
        process: str,
    ) -> None:
        self.mode = mode
        self.poll_interval_s = poll_interval_s
        self.timeout_s = timeout_s
        self._adapter = adapter
        self._poll = poll  # runs adapter.fetch_assignment(ref) over a Locust executor
        self._hub = hub
        self._records = records
        self._process = process
        self._pending: dict[str, _Pending] = {}
        self._early: dict[str, tuple[float, Assignment]] = {}
        self._due: list[tuple[float, str]] = []  # polling heap: (next poll time, external id)
        self._pool = Pool(_POLL_CONCURRENCY)
        self._loop: gevent.Greenlet[Any, Any] | None = None
        self._flushed_second = 0

    @property
    def pending(self) -> int:
        return len(self._pending)

    def start(self) -> None:
        self._loop = gevent.spawn(self._run)

    # -- the customer user's side ------------------------------------------------------
    def expect(self, ticket: Ticket, arrival: int, intended_at: float, sent_at: float) -> None:
        """Called just before the create request is sent, so an early webhook still matches."""
        lag_ms = (sent_at - intended_at) * 1000.0
        self._pending[ticket.external_id] = _Pending(ticket, arrival, intended_at, sent_at, lag_ms)

    def created(self, external_id: str, ref: TicketRef, received_at: float) -> None:
        item = self._pending.get(external_id)
        if item is None:
            return
        item.ref = ref
        item.create_ms = (received_at - item.intended_at) * 1000.0
        if ref.assignment is not None:
            self._resolve(external_id, received_at, ref.assignment, "response")
            return
        early = self._early.pop(external_id, None)
        if early is not None:
            self._resolve(external_id, early[0], early[1], "webhook")
        elif self.mode == "polling":
            item.next_poll = received_at + self.poll_interval_s
            heapq.heappush(self._due, (item.next_poll, external_id))

    def failed(self, external_id: str, failure: ApiFailure) -> None:
        item = self._pending.pop(external_id, None)
        if item is not None:
            self._write(item, f"failed:{failure.kind.value}", None, None, None)

    # -- the webhook receiver's side ----------------------------------------------------
    def on_webhook(self, event: WebhookEvent, received_at: float) -> None:
        external_id = event.assignment.external_id
        if external_id is None:
            external_id = self._by_ticket_id(event.assignment.ticket_id)
            if external_id is None:
                self._hub.state.foreign_webhooks += 1
                return
        item = self._pending.get(external_id)
        if item is None:
            self._hub.state.foreign_webhooks += 1  # another worker's ticket, or a duplicate
            return
        if item.ref is None:
            self._early[external_id] = (received_at, event.assignment)
            return
        self._resolve(external_id, received_at, event.assignment, "webhook")

    def _by_ticket_id(self, ticket_id: str) -> str | None:
        for external_id, item in self._pending.items():
            if item.ref is not None and item.ref.id == ticket_id:
                return external_id
        return None

    # -- resolution -----------------------------------------------------------------------
    def _resolve(
        self, external_id: str, observed_at: float, assignment: Assignment, by: str
    ) -> None:
        item = self._pending.pop(external_id, None)
        if item is None:
            return
        routing_ms = max(0.0, (observed_at - item.sent_at) * 1000.0)
        second = int(observed_at)
        self._hub.store.observe("routing_latency", routing_ms, second)
        self._hub.store.add("tickets_routed", second)
        self._hub.store.hit("unrouted", second, False)
        self._write(item, "routed", routing_ms, by, assignment)

    def _write(
        self,
        item: _Pending,
        outcome: str,
        routing_ms: float | None,
        by: str | None,
        assignment: Assignment | None,
    ) -> None:
        ticket = item.ticket
        self._records.write(
            TicketRecord(
                external_id=ticket.external_id,
                ticket_id=item.ref.id if item.ref else None,
                arrival=item.arrival,
                process=self._process,
                category=ticket.category,
                channel=ticket.channel.value,
                priority=ticket.priority.value,
                intended_at=item.intended_at,
                sent_at=item.sent_at,
                lag_ms=item.lag_ms,
                create_ms=item.create_ms,
                outcome=outcome,
                routing_ms=routing_ms,
                observed_by=by,
                agent_id=assignment.agent_id if assignment else None,
                queue=assignment.queue if assignment else None,
            )
        )

    def _run(self) -> None:
        while True:
            now = time.time()
            self._expire(now)
            if self.mode == "polling":
                while self._due and self._due[0][0] <= now and self._pool.free_count() > 0:
                    _, external_id = heapq.heappop(self._due)
                    if external_id in self._pending:
                        self._pool.spawn(self._poll_one, external_id)
            if int(now) != self._flushed_second:  # records reach the disk once a second
                self._flushed_second = int(now)
                self._records.flush()
            pause = 0.05
            if self._due:
                pause = min(pause, max(0.002, self._due[0][0] - time.time()))
            gevent.sleep(pause)

    def _poll_one(self, external_id: str) -> None:
        item = self._pending.get(external_id)
        if item is None or item.ref is None:
            return
        sent_at = time.time()
        try:
            assignment = self._poll(item.ref)
        except ApiFailure:
            assignment = None  # counted by the request listener; try again next interval
        if assignment is not None:
            # The previous poll (one interval earlier) saw no agent, this one did: dating the
            # assignment at this poll's send time errs by at most one interval, plus transit.
            self._resolve(external_id, sent_at, assignment, "polling")
        elif external_id in self._pending:
            item.next_poll = max(sent_at + self.poll_interval_s, time.time())
            heapq.heappush(self._due, (item.next_poll, external_id))

    def _expire(self, now: float) -> None:
        deadline = now - self.timeout_s
        expired: list[str] = []
        for external_id, item in self._pending.items():  # insertion order is send order
            if item.sent_at >= deadline:
                break
            if item.ref is not None:
                expired.append(external_id)
        for external_id in expired:
            item = self._pending.pop(external_id)
            self._hub.store.hit("unrouted", int(now), True)
            self._write(item, "unrouted", None, None, None)
        keep_after = now - _EARLY_EVENTS_KEEP_S
        for external_id in [k for k, v in self._early.items() if v[0] < keep_after]:
            del self._early[external_id]

    def finish(self) -> int:
        """End of run: stop polling; tickets still waiting are recorded as ``cut``."""
        if self._loop is not None:
            self._loop.kill(block=False)
        self._pool.kill(block=False)
        cut = list(self._pending.values())
        self._pending.clear()
        for item in cut:
            self._write(item, "cut", None, None, None)
        self._records.flush()
        return len(cut)
