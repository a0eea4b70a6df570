"""Locust users. ``CustomerUser`` opens tickets at the schedule's intended times (open model);
``ChatCustomer`` (closed model) and ``ChatArrivals`` (open model) hold chat sessions; the
harness's agents answer them from desks each process runs (see :mod:`harness.load.chat`)."""

from __future__ import annotations

import time

import gevent
from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment

from harness.load import chat, session
from harness.transport.locust import LocustExecutor
from harness.vendors.base import ApiFailure


class _TargetUser(FastHttpUser):
    """A user whose client goes to this process's target: with ``--target-hosts`` that is
    its shard, not the ``--host`` Locust gives every user of every process."""

    abstract = True

    def __init__(self, environment: Environment) -> None:
        if session._current is not None:
            self.host = session._current.host
        super().__init__(environment)


class CustomerUser(_TargetUser):
    """Takes the next due arrival, creates its ticket, and hands it to the routing probe.

    Users are a pool, not the load: the schedule decides when tickets arrive. Too few users
    shows up as late arrivals, counted and reported, never as a silently lower rate.
    """

    wait_time = constant(0)
    connection_timeout = 10.0
    network_timeout = 30.0

    def on_start(self) -> None:
        self.load_run = session.current()
        self.executor = LocustExecutor(
            self.client, self.load_run.plan.signer, clock=self.load_run.clock
        )

    @task
    def arrive(self) -> None:
        run = self.load_run
        arrival = run.plan.feed.take()
        if arrival is None:
            gevent.sleep(1.0)  # schedule done: idle until the shape ends the run
            return
        if run.over_request_budget():
            return
        ticket = run.plan.tickets.make(arrival.number)
        sent_at = time.time()
        store = run.hub.store
        store.hit("late_arrivals", int(sent_at), arrival.late)
        run.probe.expect(ticket, arrival.number, arrival.intended_at, sent_at)
        try:
            ref = self.executor.run(run.plan.adapter.create_ticket(ticket))
        except ApiFailure as failure:
            run.probe.failed(ticket.external_id, failure)
            return
        received_at = time.time()
        second = int(received_at)
        store.observe("ticket_create", (received_at - arrival.intended_at) * 1000.0, second)
        store.add("tickets_created", second)
        run.probe.created(ticket.external_id, ref, received_at)


class ChatCustomer(_TargetUser):
    """Closed model (load kind ``sessions``): one customer holding one chat session at a time,
    open -> converse -> close -> open again, until the shape stops the run.

    A user opens its first session as soon as it is spawned: the ramp already spreads the
    opens, and exponential think times keep users apart afterwards. (A random start phase of
    up to one think time held back a step's concurrency for that long: with a realistic 10-s
    think time the sessions breakpoint measured a target that was not yet open.)
    """

    wait_time = constant(0)
    connection_timeout = 10.0
    network_timeout = 60.0  # above the longest long-poll the harness asks for

    def on_start(self) -> None:
        self.chat = chat.current()
        self.executor = LocustExecutor(self.client, self.chat.run.plan.signer)

    @task
    def converse(self) -> None:
        chat_run = self.chat
        if chat_run.run.over_request_budget():
            gevent.sleep(1.0)
            return
        chat_run.converse(self.executor, chat_run.next_number(), None)


class ChatArrivals(_TargetUser):
    """Open model with ``opens: sessions``: takes each due arrival from the schedule and runs
    its conversation in a greenlet of its own, so a slow vendor never slows the arrivals."""

    wait_time = constant(0)

    def on_start(self) -> None:
        self.chat = chat.current()

    @task
    def arrive(self) -> None:
        chat_run = self.chat
        run = chat_run.run
        arrival = run.plan.feed.take()
        if arrival is None:
            gevent.sleep(1.0)
            return
        if run.over_request_budget():
            return
        run.hub.store.hit("late_arrivals", int(time.time()), arrival.late)
        chat_run.spawn(arrival.number, arrival.intended_at)
