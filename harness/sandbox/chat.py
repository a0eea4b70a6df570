"""The chat desk: delivers messages between customers and agents, with the profile's faults.

Customers read a session's messages after a cursor (their position in ``session.messages``);
signed-in agents read their :class:`~harness.sandbox.longpoll.Inbox`. Both may long-poll. A
client message id seen before in the session is a retry: the first message is answered again
and nothing is delivered twice. ``drop_message_every`` and ``duplicate_message_every`` are
integration faults a test can switch on: every Nth accepted message is never delivered, or is
delivered twice (same id), and ``/_sandbox/truth`` says which.
"""

from __future__ import annotations

import asyncio
import random
import time

from harness.model import Sender
from harness.sandbox.profiles import Profile
from harness.sandbox.routing import Agent, RoutingEngine
from harness.sandbox.store import Message, Routable, SessionRecord, Store

__all__ = ["ChatDesk"]

_CUSTOMER = Sender.CUSTOMER.value
_AGENT = Sender.AGENT.value


class ChatDesk:
    def __init__(self, profile: Profile, store: Store, seed: int) -> None:
        self._profile = profile
        self._store = store
        self._rng = random.Random(seed + 2)
        self.engine: RoutingEngine | None = None  # set by SandboxState once both exist

    # -- messages ---------------------------------------------------------------------------
    def post(
        self, session: SessionRecord, sender: str, text: str, client_id: str | None
    ) -> tuple[Message, bool]:
        """Accept and deliver one message; ``(message, replayed)`` for a known client id."""
        if client_id is not None:
            known = session.by_client_id.get(client_id)
            if known is not None:
                return known, True
        message = self._store.add_message(session, sender, text, time.time(), client_id)
        seq = self._store.message_count
        drop, twice = self._profile.drop_message_every, self._profile.duplicate_message_every
        copies = 0 if drop and seq % drop == 0 else (2 if twice and seq % twice == 0 else 1)
        session.deliveries[message.id] = copies
        for _ in range(copies):
            self._deliver(session, message)
        return message, False

    def _deliver(self, session: SessionRecord, message: Message) -> None:
        session.messages.append(message)
        if message.sender != _CUSTOMER:
            session.waiters.wake()
            return
        agent = self._agent_of(session)
        if agent is not None and agent.signed_in:
            agent.inbox.push(_message_event(session, message))
        if self._profile.simulated_agents and session.assignee is not None:
            self._schedule_reply(session, message)

    # -- life cycle -----------------------------------------------------------------------
    def on_assign(self, item: Routable) -> None:
        if not isinstance(item, SessionRecord):
            return
        session = item
        session.waiters.wake()  # the customer sees the assignment
        agent = self._agent_of(session)
        backlog = [m for m in session.messages if m.sender == _CUSTOMER]
        if agent is not None and agent.signed_in:
            agent.inbox.push(
                {
                    "type": "session.assigned",
                    "session_id": session.id,
                    "external_id": session.external_id,
                    "at": session.assigned_at,
                }
            )
            for message in backlog:
                agent.inbox.push(_message_event(session, message))
        if self._profile.simulated_agents:
            for message in backlog:
                self._schedule_reply(session, message)

    def close(self, session: SessionRecord, by: str) -> None:
        """Close ``session`` (idempotent); the other side hears of it, capacity is freed."""
        if session.done:
            return
        session.mark_resolved(time.time())
        session.closed_by = by
        agent = self._agent_of(session)
        if by != "agent" and agent is not None and agent.signed_in:
            agent.inbox.push(
                {
                    "type": "session.closed",
                    "session_id": session.id,
                    "external_id": session.external_id,
                    "at": session.resolved_at,
                }
            )
        session.waiters.wake()
        assert self.engine is not None
        self.engine.release(session)

    def on_finish(self, item: Routable) -> None:
        """A simulated agent finished ``item``."""
        if isinstance(item, SessionRecord):
            item.closed_by = "simulated"
            item.waiters.wake()

    # -- internals ------------------------------------------------------------------------
    def _agent_of(self, session: SessionRecord) -> Agent | None:
        if session.assignee is None or self.engine is None:
            return None
        return self.engine.agents_by_id.get(session.assignee)

    def _schedule_reply(self, session: SessionRecord, message: Message) -> None:
        mean = self._profile.simulated_reply_s
        delay = self._rng.expovariate(1.0 / mean) if mean > 0 else 0.0
        asyncio.get_running_loop().call_later(delay, self._simulated_reply, session, message)

    def _simulated_reply(self, session: SessionRecord, message: Message) -> None:
        if session.done:
            return
        client_id = None if message.client_id is None else f"{message.client_id}:reply"
        self.post(session, _AGENT, "好的，已为您处理。", client_id)


def _message_event(session: SessionRecord, message: Message) -> dict[str, object]:
    return {
        "type": "message",
        "session_id": session.id,
        "external_id": session.external_id,
        "message": message.to_json(),
        "at": message.sent_at,
    }
