"""Chat sessions on both sides of the desk, per load process: conversations (customer side),
agent desks (agent side), the concurrency gauge and the per-session records.

A conversation opens a session with its first message, waits for the agent's reply to each
message (long-polling when the vendor can, polling at its interval otherwise), thinks for an
exponential ``think_time`` and writes again, ``conversation.messages`` times, then waits for the
agent to close (harness agents close after replying to the last message) or closes itself.

Message ids are ``<external id>:c<n>`` for the customer's n-th message and ``<external id>:a<n>``
for the agent's reply to it, so each side can tell which message a reply answers and spot a
delivery it has seen before (duplicated). A customer message with no reply within
``reply_timeout`` in an assigned session counts as lost: the agent's reply was lost when an
agent of this process received the message, the customer's message otherwise (with agents in
another process, attribution defaults to the customer's message; the count is the same).
"""

from __future__ import annotations

import logging
import os
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any

import gevent
from gevent.pool import Group
from locust.contrib.fasthttp import FastHttpSession

from harness.config.conversation import Conversation
from harness.load.collect import MetricsHub
from harness.load.session import LoadRun
from harness.load.shards import agent_slots, target_hosts
from harness.metrics.records import RecordWriter, SessionRecord
from harness.model import Sender
from harness.transport.locust import LocustExecutor
from harness.vendors.base import ApiFailure
from harness.vendors.chat import (
    AgentEventKind,
    ChatAdapter,
    ChatCapabilities,
    NewSession,
    SessionRef,
    check_chat_support,
)

log = logging.getLogger("csm_harness")

_REPLY_ID = re.compile(r":a(\d+)$")
_CUSTOMER_ID = re.compile(r"^(.*):c(\d+)$")
_LONG_POLL_CHUNK_S = 20.0  # below every client timeout; a longer wait is several requests
_DESK_CONCURRENCY = 32  # an agent replies to several sessions at once, beside its inbox poll
_SIGN_OUT_WAIT_S = 5.0
_FOLLOW_UPS = ("还在吗？", "好的，谢谢。", "那大概什么时候能处理好？", "我再补充一下订单信息。")


def exp_delay(rng: random.Random, mean: float) -> float:
    return rng.expovariate(1.0 / mean) if mean > 0 else 0.0


@dataclass(slots=True)
class _Live:
    """One conversation in progress (customer side)."""

    external_id: str
    arrival: int
    model: str
    category: str
    channel: str
    intended_at: float | None
    opened_at: float
    ref: SessionRef | None = None
    open_ms: float | None = None
    agent_id: str | None = None
    routing_ms: float | None = None
    first_response_ms: float | None = None
    replies_ms: list[float] = field(default_factory=list)
    resolution_ms: float | None = None
    sent: int = 0
    received: int = 0
    unanswered: int = 0
    lost: int = 0
    duplicated: int = 0
    seen: set[str] = field(default_factory=set)
    closed_at: float | None = None
    closed_by: str | None = None
    sending_since: float | None = None  # a customer message is on the wire, answer not back


class ChatRun:
    """This process's chat state. One per run; users reach it through :func:`current`."""

    def __init__(
        self, run: LoadRun, adapter: ChatAdapter, index: int, count: int, process: str
    ) -> None:
        self.run = run
        self.adapter = adapter
        self.caps: ChatCapabilities = adapter.chat
        self.conversation: Conversation = run.plan.target.scenario.conversation
        self.hub: MetricsHub = run.hub
        self.index, self.count, self.process = index, count, process
        self.records = RecordWriter(run.records.path.parent.parent, process, "sessions")
        self.rng = random.Random(run.plan.target.scenario.traffic.seed * 7919 + index)
        self.open_sessions = 0
        self.live: dict[str, _Live] = {}
        self.conversations = Group()  # open model: one greenlet per arrival
        self.agent_seen: set[str] = set()  # customer message ids agents of this process got
        self._seq = 0
        self.desks: list[AgentDesk] = []
        self.desk_loops = Group()
        self._sampler: gevent.Greenlet[Any, Any] | None = None

    # -- bookkeeping ----------------------------------------------------------------------
    def next_number(self) -> int:
        """A session number unique across the run's processes (closed model)."""
        number = self._seq * self.count + self.index
        self._seq += 1
        return number

    @property
    def in_flight(self) -> int:
        return len(self.live)

    def start(self) -> None:
        self._sampler = gevent.spawn(self._sample)
        self.desk_loops.spawn(self.start_agents)

    def _sample(self) -> None:
        """Once a second: the sessions open in this process, one value for every second (a
        late wake-up on a busy machine fills the seconds it slept through), so the gauges of
        all processes add up second by second."""
        due = int(time.time()) + 1
        while True:
            gevent.sleep(max(0.0, due - time.time()) + 0.001)
            now = int(time.time())
            for second in range(due, now + 1):
                self.hub.store.add("sessions_open", second, self.open_sessions)
            due = max(due, now) + 1
            self.records.flush()

    def stop(self) -> None:
        if self._sampler is not None:
            self._sampler.kill(block=False)
        self.conversations.kill(block=False)
        self.stop_agents()
        for live in list(self.live.values()):
            if live.sending_since is not None:  # cut mid-request: it may have reached the vendor
                self.hub.store.add("messages_unknown", int(live.sending_since))
            self._write(live, "cut")
        self.live.clear()
        self.records.close()

    # -- agents ---------------------------------------------------------------------------
    def start_agents(self) -> None:
        """This process's share of ``conversation.agents``: the vendor's agents ``index``,
        ``index + count``, ... each played by one desk greenlet with a connection of its own,
        so processes never share an agent and every agent is played once."""
        wanted = self.conversation.agents
        if wanted == 0:
            return
        executor = LocustExecutor(self._session(), self.run.plan.signer)
        while True:
            try:
                agents = executor.run(self.adapter.list_agents())
                break
            except ApiFailure:
                gevent.sleep(0.5)  # counted by the request listener; try again
        if wanted > len(agents) and self.index == 0:
            log.warning(
                "conversation.agents asks for %d agents but the vendor has %d: %d play",
                wanted,
                len(agents),
                len(agents),
            )
        shards = len(target_hosts(self.run.environment.parsed_options)) or 1
        for slot in agent_slots(wanted, len(agents), self.index, self.count, shards):
            session = self._session(_DESK_CONCURRENCY)
            desk = AgentDesk(self, LocustExecutor(session, self.run.plan.signer), agents[slot].id)
            self.desks.append(desk)
            self.desk_loops.spawn(desk.work)

    def _session(self, concurrency: int = 1) -> FastHttpSession:
        return FastHttpSession(
            self.run.host,
            self.run.environment.events.request,
            user=None,
            network_timeout=60.0,  # above the longest long-poll the harness asks for
            connection_timeout=10.0,
            concurrency=max(1, concurrency),
        )

    def stop_agents(self) -> None:
        self.desk_loops.kill(block=False)
        signing_out = Group()
        for desk in self.desks:
            signing_out.spawn(desk.sign_out)
        signing_out.join(timeout=_SIGN_OUT_WAIT_S)
        signing_out.kill(block=False)
        self.desks.clear()

    # -- the customer's side --------------------------------------------------------------
    def spawn(self, number: int, intended_at: float) -> None:
        """Open model: run one conversation in its own greenlet with its own connection."""
        executor = LocustExecutor(self._session(), self.run.plan.signer)
        self.conversations.spawn(self.converse, executor, number, intended_at)

    def converse(self, executor: LocustExecutor, number: int, intended_at: float | None) -> None:
        """One whole conversation: open, ``messages`` exchanges, close; its record written."""
        conv = self.conversation
        ticket = self.run.plan.tickets.make(number)
        ext = ticket.external_id
        sent_at = time.time()
        live = _Live(
            external_id=ext,
            arrival=number,
            model="closed" if intended_at is None else "open",
            category=ticket.category,
            channel=ticket.channel.value,
            intended_at=intended_at,
            opened_at=sent_at,
        )
        self.live[ext] = live
        store = self.hub.store
        new = NewSession(
            ext, ticket.customer, ticket.channel, ticket.category, ticket.description, f"{ext}:c1"
        )
        live.sending_since = sent_at
        try:
            ref = executor.run(self.adapter.open_session(new))
        except ApiFailure as failure:
            live.sending_since = None
            if failure.outcome_unknown:  # the first message may have reached the vendor
                store.add("messages_unknown", int(sent_at))
            self._finish(live, f"failed:{failure.kind.value}")
            return
        live.sending_since = None
        answered_at = time.time()
        live.ref = ref
        live.open_ms = (answered_at - (intended_at or sent_at)) * 1000.0
        self.open_sessions += 1
        second = int(answered_at)
        store.add("sessions_opened", second)
        store.add("messages_sent", second)
        live.sent = 1
        if ref.assignment is not None:
            self._routed(live, ref.assignment.agent_id, answered_at)
        try:
            self._exchange(executor, live, ref, conv)
        except ApiFailure as failure:
            self._close_quietly(executor, live, ref)
            self._finish(live, f"failed:{failure.kind.value}")
            return
        self._finish(live, "closed" if live.closed_by != "vendor" else "closed_by_vendor")

    def _exchange(
        self, executor: LocustExecutor, live: _Live, ref: SessionRef, conv: Conversation
    ) -> None:
        cursor: str | None = None
        sent_times = {1: live.opened_at}
        n = 1
        while True:
            deadline = sent_times[n] + conv.reply_timeout
            answered = False
            while not answered and live.closed_at is None and time.time() < deadline:
                cursor, answered = self._read(executor, live, ref, cursor, n, sent_times, deadline)
            if not answered:
                self._unanswered(live, n)
            if live.closed_at is not None or n >= conv.messages or self.run.quitting:
                break
            gevent.sleep(exp_delay(self.rng, conv.think_time))
            n += 1
            text = self.rng.choice(_FOLLOW_UPS)
            sent_times[n] = live.sending_since = time.time()
            try:
                executor.run(
                    self.adapter.send_message(ref, Sender.CUSTOMER, text, f"{ref.external_id}:c{n}")
                )
            except ApiFailure as failure:
                live.sending_since = None
                if failure.outcome_unknown:
                    self.hub.store.add("messages_unknown", int(sent_times[n]))
                raise
            # not in a `finally`: a greenlet killed mid-request (the run stopping) must leave
            # the mark for stop() to count the message as outcome unknown
            live.sending_since = None
            live.sent += 1
            self.hub.store.add("messages_sent", int(sent_times[n]))
        if live.closed_at is None and conv.agents > 0:  # harness agents close after the last reply
            deadline = time.time() + conv.reply_timeout
            while live.closed_at is None and time.time() < deadline and not self.run.quitting:
                cursor, _ = self._read(executor, live, ref, cursor, n + 1, sent_times, deadline)
        if live.closed_at is None:
            executor.run(self.adapter.close_session(ref))
            live.closed_at, live.closed_by = time.time(), "customer"
            self._closed(live)

    def _read(
        self,
        executor: LocustExecutor,
        live: _Live,
        ref: SessionRef,
        cursor: str | None,
        n: int,
        sent_times: dict[int, float],
        deadline: float,
    ) -> tuple[str | None, bool]:
        """One fetch; ``(cursor, the reply to message n arrived)``."""
        remaining = max(0.0, deadline - time.time())
        wait = self.caps.wait_for(min(remaining, _LONG_POLL_CHUNK_S))
        page = executor.run(self.adapter.fetch_messages(ref, cursor, wait))
        now = time.time()
        second = int(now)
        store = self.hub.store
        if page.agent_id is not None and live.agent_id is None:
            self._routed(live, page.agent_id, now)
        answered = False
        for message in page.messages:
            if message.sender is not Sender.AGENT:
                continue
            key = message.key
            duplicate = key in live.seen
            store.hit("messages_duplicated", second, duplicate)
            if duplicate:
                live.duplicated += 1
                continue
            live.seen.add(key)
            live.received += 1
            store.add("messages_received", second)
            match = _REPLY_ID.search(message.client_id or "")
            replied = int(match.group(1)) if match else n
            if replied == n and not answered and n in sent_times:
                answered = True
                self._replied(live, n, (now - sent_times[n]) * 1000.0, now)
        if page.closed and live.closed_at is None:
            live.closed_at = now
            live.closed_by = "agent" if self.conversation.agents > 0 else "vendor"
            self._closed(live)
        if not self.caps.long_poll and not answered and live.closed_at is None:
            gevent.sleep(min(self.caps.poll_interval_s, remaining))
        return (page.cursor if page.cursor is not None else cursor), answered

    def _routed(self, live: _Live, agent_id: str, seen_at: float) -> None:
        live.agent_id = agent_id
        live.routing_ms = max(0.0, (seen_at - live.opened_at) * 1000.0)
        self.hub.store.observe("session_routing", live.routing_ms, int(seen_at))

    def _replied(self, live: _Live, n: int, latency_ms: float, now: float) -> None:
        store, second = self.hub.store, int(now)
        store.observe("reply_latency", latency_ms, second)
        store.hit("messages_lost", second, False)  # the customer's message reached the agent
        store.hit("messages_lost", second, False)  # and the reply reached the customer
        live.replies_ms.append(latency_ms)
        if n == 1:
            live.first_response_ms = latency_ms
            store.observe("first_response", latency_ms, second)
        if n == self.conversation.messages:
            live.resolution_ms = (now - live.opened_at) * 1000.0
            store.observe("resolution_time", live.resolution_ms, second)

    def _unanswered(self, live: _Live, n: int) -> None:
        live.unanswered += 1
        if live.agent_id is None:
            return  # never routed: waiting in a queue is not a lost message
        if live.closed_at is not None and self.conversation.agents == 0:
            return  # the vendor's own agent closed first: not a delivery failure
        second = int(time.time())
        store = self.hub.store
        if f"{live.external_id}:c{n}" in self.agent_seen:
            store.hit("messages_lost", second, False)  # the agent got it; its reply was lost
        store.hit("messages_lost", second, True)
        live.lost += 1

    def _closed(self, live: _Live) -> None:
        assert live.closed_at is not None
        self.open_sessions -= 1
        second = int(live.closed_at)
        self.hub.store.add("sessions_closed", second)
        self.hub.store.observe(
            "session_duration", (live.closed_at - live.opened_at) * 1000.0, second
        )

    def _close_quietly(self, executor: LocustExecutor, live: _Live, ref: SessionRef) -> None:
        if live.closed_at is not None:
            return
        self.open_sessions -= 1
        live.closed_at = time.time()
        try:
            executor.run(self.adapter.close_session(ref))
        except ApiFailure:
            pass

    def _finish(self, live: _Live, outcome: str) -> None:
        if self.live.pop(live.external_id, None) is not None:
            self._write(live, outcome)
        prefix = f"{live.external_id}:c"
        for n in range(1, live.sent + 1):
            self.agent_seen.discard(f"{prefix}{n}")

    def _write(self, live: _Live, outcome: str) -> None:
        replies = live.replies_ms
        self.records.write(
            SessionRecord(
                external_id=live.external_id,
                session_id=live.ref.id if live.ref else None,
                arrival=live.arrival,
                process=self.process,
                model=live.model,
                category=live.category,
                channel=live.channel,
                intended_at=live.intended_at,
                opened_at=live.opened_at,
                closed_at=live.closed_at,
                outcome=outcome,
                closed_by=live.closed_by,
                agent_id=live.agent_id,
                open_ms=live.open_ms,
                routing_ms=live.routing_ms,
                first_response_ms=live.first_response_ms,
                reply_mean_ms=sum(replies) / len(replies) if replies else None,
                reply_max_ms=max(replies) if replies else None,
                resolution_ms=live.resolution_ms,
                duration_ms=(
                    (live.closed_at - live.opened_at) * 1000.0 if live.closed_at else None
                ),
                messages_sent=live.sent,
                messages_received=live.received,
                unanswered=live.unanswered,
                lost=live.lost,
                duplicated=live.duplicated,
            )
        )


@dataclass(slots=True)
class _AgentSession:
    external_id: str | None
    seen: set[str] = field(default_factory=set)
    customer_messages: int = 0


class AgentDesk:
    """One harness agent: signed in as one of the vendor's agents, it reads its inbox, replies
    to each customer message after ``agent_think_time`` and closes a session once it has
    replied to the customer's last message."""

    def __init__(self, chat: ChatRun, executor: LocustExecutor, agent_id: str) -> None:
        self.chat = chat
        self.executor = executor
        self.agent_id = agent_id
        self.sessions: dict[str, _AgentSession] = {}
        self.replies = Group()
        self.cursor: str | None = None
        self.rng = random.Random(hash(agent_id) ^ chat.index)

    def work(self) -> None:
        """Sign in, then read the inbox until the run stops this desk."""
        while True:
            try:
                self.executor.run(self.chat.adapter.agent_sign_in(self.agent_id))
                break
            except ApiFailure:
                gevent.sleep(0.5)  # counted by the request listener; try again
        while True:
            try:
                self.poll()
            except ApiFailure:
                gevent.sleep(0.5)

    def sign_out(self) -> None:
        self.replies.kill(block=False)
        try:
            self.executor.run(self.chat.adapter.agent_sign_out(self.agent_id))
        except ApiFailure:
            pass  # the run is ending; the vendor may be gone

    def poll(self) -> None:
        """One inbox read, and the work it brings."""
        chat = self.chat
        wait = chat.caps.wait_for(_LONG_POLL_CHUNK_S)
        inbox = self.executor.run(chat.adapter.agent_inbox(self.agent_id, self.cursor, wait))
        if inbox.cursor is not None:
            self.cursor = inbox.cursor
        store = chat.hub.store
        for event in inbox.events:
            if event.kind is AgentEventKind.ASSIGNED:
                self.sessions.setdefault(event.session_id, _AgentSession(event.external_id))
            elif event.kind is AgentEventKind.CLOSED:
                self.sessions.pop(event.session_id, None)
            elif event.message is not None and event.message.sender is Sender.CUSTOMER:
                state = self.sessions.setdefault(event.session_id, _AgentSession(event.external_id))
                key = event.message.key
                second = int(time.time())
                duplicate = key in state.seen
                store.hit("messages_duplicated", second, duplicate)
                if duplicate:
                    continue
                state.seen.add(key)
                chat.agent_seen.add(key)
                state.customer_messages += 1
                match = _CUSTOMER_ID.match(event.message.client_id or "")
                ext = match.group(1) if match else (state.external_id or event.session_id)
                n = int(match.group(2)) if match else state.customer_messages
                self.replies.spawn(self._reply, event.session_id, ext, n)
        if not inbox.events and not chat.caps.long_poll:
            gevent.sleep(chat.caps.poll_interval_s)

    def _reply(self, session_id: str, external_id: str, n: int) -> None:
        chat = self.chat
        gevent.sleep(exp_delay(self.rng, chat.conversation.agent_think_time))
        if session_id not in self.sessions:
            return  # the customer left meanwhile
        adapter = chat.adapter
        try:
            self.executor.run(
                adapter.agent_reply(
                    self.agent_id, session_id, "您好，已为您查询。", f"{external_id}:a{n}"
                )
            )
            if n >= chat.conversation.messages:
                self.sessions.pop(session_id, None)
                self.executor.run(adapter.agent_close(self.agent_id, session_id))
        except ApiFailure:
            pass  # counted by the request listener (e.g. 409: the customer closed first)


_current: ChatRun | None = None


def current() -> ChatRun:
    if _current is None:
        raise RuntimeError("no chat sessions in this run: does the scenario open sessions?")
    return _current


def opens_sessions(run: LoadRun) -> bool:
    load = run.plan.target.scenario.load
    return not load.open_model or getattr(load, "opens", "tickets") == "sessions"


def begin(run: LoadRun, index: int, count: int) -> ChatRun | None:
    """Set up this process's chat state when the scenario opens sessions."""
    global _current
    if not opens_sessions(run):
        return None
    target = run.plan.target
    adapter = check_chat_support(
        run.plan.adapter, target.scenario.conversation.agents, str(target.vendor_path)
    )
    chat = ChatRun(run, adapter, index, count, f"{index}-{os.getpid()}")
    previous = run.hub.before_ship

    def ship() -> None:  # conversations in flight keep an open-model run draining
        if previous is not None:
            previous()
        run.hub.state.pending += chat.in_flight

    run.hub.before_ship = ship
    chat.start()
    _current = chat
    return chat


def end() -> None:
    global _current
    if _current is not None:
        _current.stop()
        _current = None


__all__ = ["AgentDesk", "ChatRun", "begin", "current", "end", "opens_sessions"]
