"""Routing latency: from the moment the harness asked to create a ticket to its assignment.

Three ways to observe the assignment, recorded with each ticket:
- ``response``: the vendor assigned synchronously (the create response names the agent);
- ``webhook``: the vendor pushed an assignment event to the harness's receiver (exact up to
  delivery time);
- ``polling``: the probe reads the ticket back. The assignment lies between the last poll that
  saw the ticket unassigned and the first that saw it assigned (the create answer counts as the
  first unassigned sighting): both are recorded with their send and receive times, the estimate
  is the midpoint of the two polls' midpoints, its bound the bracket from the earlier poll's send
  to the later one's receipt. Young tickets are polled fast (``poll_first``, then gaps growing
  by ``poll_growth`` up to ``poll_interval``, finer in the tail the probe has learned:
  harness.load.poll_schedule) within ``poll_budget`` probe requests a second. The percentiles
  come from all brackets at once (an interval-censored estimate, harness.metrics.censored);
  the per-ticket record keeps the midpoint and the bracket.

When the vendor also records the assignment time (``Assignment.assigned_at``, its clock), the
probe reports ``routing_latency_vendor`` at the end of the run: that time moved onto the
harness's clock by the offset estimated from the vendor's ``Date`` headers
(:mod:`harness.metrics.clock`), minus the create request's send time.
Tickets with no assignment within ``timeout`` count as unrouted.
"""

from __future__ import annotations

import heapq
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gevent
from gevent.pool import Pool

from harness.config.probe_mode import ProbeMode
from harness.load.collect import MetricsHub
from harness.load.poll_schedule import PollSchedule, TailTracker
from harness.load.reconcile import Lookup
from harness.metrics.censored import impute_from_brackets
from harness.metrics.clock import ClockSampler
from harness.metrics.records import RecordWriter, TicketRecord
from harness.model import Assignment, Ticket, TicketRef
from harness.vendors.base import ApiFailure, FailureKind, VendorAdapter, WebhookEvent

_POLL_CONCURRENCY = 16
_EARLY_EVENTS_KEEP_S = 120.0
_WITNESSES_KEPT = 256  # confirmed creates that prove the vendor's list echoes external ids


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
    gap: float = 0.0
    jitter: float = 1.0
    polls: int = 0
    # the last sighting unassigned: its request's send and receive times
    unassigned_sent: float = 0.0
    unassigned_received: float = 0.0


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
        schedule: PollSchedule | None = None,
        clock: ClockSampler | None = None,
    ) -> None:
        self.mode = mode
        self.poll_interval_s = poll_interval_s
        self.schedule = schedule or PollSchedule(poll_interval_s)
        self._clock = clock
        self._vendor_times: list[tuple[float, float]] = []  # (create sent, vendor assigned_at)
        self._brackets: list[tuple[int, float, float]] = []  # (second, low ms, high ms)
        self._jitter = random.Random(process)
        self._tail = TailTracker()
        self._tokens = self.schedule.budget_per_s
        self._tokens_at = 0.0
        self.timeout_s = timeout_s
        self._adapter = adapter
        self._poll = poll  # runs adapter.fetch_assignment(ref) over a Locust executor
        self._hub = hub
        self._records = records
        self._process = process
        self._pending: dict[str, _Pending] = {}
        self._early: dict[str, tuple[float, Assignment]] = {}
        # creates with no readable answer, for the lookup after the run: (item, kind, second)
        self._lost: dict[str, tuple[_Pending, FailureKind, int]] = {}
        self._witnesses: deque[str] = deque(maxlen=_WITNESSES_KEPT)
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
        self._witnesses.append(external_id)
        if ref.assignment is not None:
            self._resolve(external_id, received_at, ref.assignment, "response")
            return
        early = self._early.pop(external_id, None)
        if early is not None:
            self._resolve(external_id, early[0], early[1], "webhook")
        elif self.mode == "polling":
            item.unassigned_sent, item.unassigned_received = item.sent_at, received_at
            item.jitter = self._jitter.uniform(0.5, 1.5)
            item.gap = self.schedule.first_gap(item.jitter)
            item.next_poll = received_at + item.gap
            heapq.heappush(self._due, (item.next_poll, external_id))

    def failed(self, external_id: str, failure: ApiFailure) -> None:
        item = self._pending.pop(external_id, None)
        if item is None:
            return
        if failure.outcome_unknown or failure.kind is FailureKind.PROTOCOL:
            # no answer, or one the harness cannot read: the vendor may hold the ticket
            self._lost[external_id] = (item, failure.kind, int(time.time()))
            # on disk now, so a killed run keeps it; the lookup's outcome supersedes it
            self._write(item, f"unknown:{failure.kind.value}", None, None, None, pending=True)
        else:
            self._write(item, f"failed:{failure.kind.value}", None, None, None)

    # -- after the run --------------------------------------------------------------------
    @property
    def lost(self) -> list[str]:
        """External ids of the creates whose answer was lost or unreadable."""
        return list(self._lost)

    @property
    def witnesses(self) -> list[str]:
        return list(self._witnesses)

    def settle(self, lookup: Lookup) -> None:
        """Count and record each lost create as the vendor's list showed it: found (created),
        absent (not created) or, unresolved, outcome unknown (a garbled answer: failed)."""
        store = self._hub.store
        for external_id, (item, kind, second) in self._lost.items():
            ticket_id = lookup.found.get(external_id)
            if ticket_id is not None:
                item.ref = TicketRef(ticket_id, external_id)
                store.add("tickets_created", second)
                store.add("tickets_found", second)
                self._write(item, f"found:{kind.value}", None, None, None)
            elif external_id in lookup.absent:
                store.add("tickets_absent", second)
                self._write(item, f"absent:{kind.value}", None, None, None)
            elif kind is FailureKind.PROTOCOL:
                self._write(item, f"failed:{kind.value}", None, None, None)
            else:
                store.add("tickets_unknown", second)
                self._write(item, f"unknown:{kind.value}", None, None, None)
        self._lost.clear()
        self._records.drop_pending()

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
        self,
        external_id: str,
        observed_at: float,
        assignment: Assignment,
        by: str,
        bracket: tuple[float, float, float, float] | None = None,
    ) -> None:
        """``bracket``: (unassigned sent, unassigned received, assigned sent, assigned
        received), for an assignment seen by polling."""
        item = self._pending.pop(external_id, None)
        if item is None:
            return
        second = int(observed_at)
        store = self._hub.store
        low_ms = high_ms = None
        if bracket is None:
            routing_ms = max(0.0, (observed_at - item.sent_at) * 1000.0)
            store.observe("routing_latency", routing_ms, second)
        else:
            before = (bracket[0] + bracket[1]) / 2.0
            after = (bracket[2] + bracket[3]) / 2.0
            routing_ms = max(0.0, ((before + after) / 2.0 - item.sent_at) * 1000.0)
            low_ms = max(0.0, (bracket[0] - item.sent_at) * 1000.0)
            high_ms = max(0.0, (bracket[3] - item.sent_at) * 1000.0)
            # the estimate uses the bracket that surely holds the assignment: under load the
            # vendor reads a poll late in its round trip, so the midpoints drift below it
            self._brackets.append((second, low_ms, high_ms))
            self._tail.add(routing_ms / 1000.0)
            store.observe("routing_bracket", (after - before) * 1000.0, second)
        if assignment.assigned_at is not None:
            self._vendor_times.append((item.sent_at, float(assignment.assigned_at)))
        store.add("tickets_routed", second)
        store.hit("unrouted", second, False)
        self._write(item, "routed", routing_ms, by, assignment, low_ms, high_ms)

    def _write(
        self,
        item: _Pending,
        outcome: str,
        routing_ms: float | None,
        by: str | None,
        assignment: Assignment | None,
        low_ms: float | None = None,
        high_ms: float | None = None,
        pending: bool = False,
    ) -> None:
        ticket = item.ticket
        write = self._records.write_pending if pending else self._records.write
        write(
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
                routing_low_ms=low_ms,
                routing_high_ms=high_ms,
                polls=item.polls,
                vendor_assigned_at=assignment.assigned_at if assignment else None,
            )
        )

    def _run(self) -> None:
        while True:
            now = time.time()
            self._expire(now)
            if self.mode == "polling":
                self._refill(now)
                while (
                    self._due
                    and self._due[0][0] <= now
                    and self._pool.free_count() > 0
                    and self._tokens >= 1.0
                ):
                    _, external_id = heapq.heappop(self._due)
                    if external_id in self._pending:
                        self._tokens -= 1.0
                        self._pool.spawn(self._poll_one, external_id)
            if int(now) != self._flushed_second:  # records reach the disk once a second
                self._flushed_second = int(now)
                self._records.flush()
            pause = 0.05
            if self._due:
                pause = min(pause, max(0.002, self._due[0][0] - time.time()))
            gevent.sleep(pause)

    def _refill(self, now: float) -> None:
        """The probe's request budget: a token bucket of one second's worth."""
        budget = self.schedule.budget_per_s
        self._tokens = min(budget, self._tokens + (now - self._tokens_at) * budget)
        self._tokens_at = now

    def _poll_one(self, external_id: str) -> None:
        item = self._pending.get(external_id)
        if item is None or item.ref is None:
            return
        sent_at = time.time()
        item.polls += 1
        try:
            assignment = self._poll(item.ref)
        except ApiFailure:
            assignment = None  # counted by the request listener; try again next interval
            failed = True
        else:
            failed = False
        received_at = time.time()
        if assignment is not None:
            bracket = (item.unassigned_sent, item.unassigned_received, sent_at, received_at)
            self._resolve(external_id, received_at, assignment, "polling", bracket)
        elif external_id in self._pending:
            if not failed:
                item.unassigned_sent, item.unassigned_received = sent_at, received_at
            item.gap = self.schedule.next_gap(item.gap)
            age_s = sent_at - item.sent_at
            wait = self.schedule.gap_at(age_s, item.gap, self._tail.tail_s, item.jitter)
            item.next_poll = max(sent_at + wait, received_at)
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
        self._observe_brackets()
        self._observe_vendor_times()
        return len(cut)

    def _observe_brackets(self) -> None:
        """Polled routing latencies enter the histogram at the end of the run, each in the
        second it was seen, once every bracket is known (harness.metrics.censored)."""
        brackets = self._brackets
        values = impute_from_brackets([(low, high) for _, low, high in brackets])
        for (second, _, _), value in zip(brackets, values, strict=True):
            self._hub.store.observe("routing_latency", value, second)
        brackets.clear()

    def _observe_vendor_times(self) -> None:
        """Vendor-clock routing latencies, with the offset as known at the end of the run."""
        estimate = self._clock.estimate() if self._clock is not None else None
        if estimate is None:
            return
        second = int(time.time())
        for sent_at, vendor_at in self._vendor_times:
            latency_ms = (vendor_at - estimate.offset_s - sent_at) * 1000.0
            self._hub.store.observe("routing_latency_vendor", max(0.0, latency_ms), second)
        self._vendor_times.clear()
