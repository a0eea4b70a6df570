"""The chat half of the sans-IO adapter protocol: both sides of the desk.

Customer side: :meth:`ChatAdapter.open_session` (with the first message), ``send_message``,
``fetch_messages`` (new messages after a cursor, optionally long-polled), ``close_session``.
Agent side: ``list_agents``, ``agent_sign_in`` / ``agent_sign_out``, ``agent_inbox`` (events
after a cursor: a session assigned, a customer message, the customer closed), ``agent_reply``
and ``agent_close``.

Vendors differ (see ``vendor-apis.md``): Udesk and Qiyu answer a session open with the
assignment; WeChat KF hands out a cursor and a doorbell; some have no long-poll at all, and
many do not let a program act as an agent. An adapter says what it can do in
:class:`ChatCapabilities`; the load users adapt (poll at an interval instead of long-polling),
and a scenario asking for harness-driven agents against a vendor without an agent API is a
:class:`~harness.errors.ConfigError` before any load starts (:func:`check_chat_support`).

Every message carries a client message id the harness chooses. A vendor that echoes it lets the
harness tell a duplicate delivery (same id twice) from two messages with the same text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from harness.errors import ConfigError
from harness.model import Agent, Assignment, Channel, Customer, Sender
from harness.vendors.base import Flow

__all__ = [
    "AgentEvent",
    "AgentEventKind",
    "AgentInbox",
    "ChatAdapter",
    "ChatCapabilities",
    "ChatMessage",
    "MessagePage",
    "NewSession",
    "SessionRef",
    "chat_adapter",
    "check_chat_support",
]


@dataclass(frozen=True, slots=True)
class ChatCapabilities:
    """What a vendor's chat API offers.

    ``long_poll``: ``fetch_messages`` and ``agent_inbox`` honour ``wait`` (seconds, up to
    ``max_wait_s``) and answer as soon as something arrives; without it the users poll every
    ``poll_interval_s`` (the interval bounds every latency measured, and is reported).
    ``agents_api``: agents can sign in, read an inbox, reply and close by API, so the harness
    can play them (``conversation.agents`` > 0); without it only the vendor's own agents answer.
    ``client_message_ids``: the vendor stores and echoes the client's message id.
    ``sync_assignment``: ``open_session`` may answer with the assignment already made.
    """

    long_poll: bool = False
    max_wait_s: float = 0.0
    poll_interval_s: float = 1.0
    agents_api: bool = False
    client_message_ids: bool = False
    sync_assignment: bool = False

    def wait_for(self, wanted_s: float) -> float:
        """The ``wait`` to send: ``wanted_s`` capped by ``max_wait_s``, 0 without long-poll."""
        return min(wanted_s, self.max_wait_s) if self.long_poll else 0.0


@dataclass(frozen=True, slots=True)
class NewSession:
    """A chat session the harness opens. ``external_id`` is the harness's correlation id."""

    external_id: str
    customer: Customer
    channel: Channel
    category: str
    first_message: str
    client_message_id: str


@dataclass(frozen=True, slots=True)
class SessionRef:
    id: str
    external_id: str
    assignment: Assignment | None = None  # vendors that assign synchronously fill this


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One delivered message. ``client_id`` is the id the sender chose (None if not echoed)."""

    id: str
    session_id: str
    sender: Sender
    text: str
    client_id: str | None = None
    sent_at: float | None = None  # vendor clock

    @property
    def key(self) -> str:
        """What identifies the message for duplicate detection."""
        return self.client_id or self.id


@dataclass(frozen=True, slots=True)
class MessagePage:
    """New messages of a session after a cursor, as the customer sees them."""

    messages: tuple[ChatMessage, ...]
    cursor: str | None
    agent_id: str | None = None  # the assigned agent, once there is one
    closed: bool = False


class AgentEventKind(StrEnum):
    ASSIGNED = "session.assigned"
    MESSAGE = "message"
    CLOSED = "session.closed"


@dataclass(frozen=True, slots=True)
class AgentEvent:
    kind: AgentEventKind
    session_id: str
    external_id: str | None = None
    message: ChatMessage | None = None  # MESSAGE only
    at: float | None = None  # vendor clock


@dataclass(frozen=True, slots=True)
class AgentInbox:
    events: tuple[AgentEvent, ...]
    cursor: str | None


@runtime_checkable
class ChatAdapter(Protocol):
    """The chat flows. Like every adapter method, each returns a flow and does no I/O."""

    @property
    def chat(self) -> ChatCapabilities:
        """What this vendor's chat offers: a class attribute of a bundled adapter, or read
        from the vendor file per instance (rest)."""
        ...

    # customer side
    def open_session(self, session: NewSession) -> Flow[SessionRef]: ...

    def send_message(
        self, ref: SessionRef, sender: Sender, text: str, client_message_id: str
    ) -> Flow[ChatMessage]: ...

    def fetch_messages(
        self, ref: SessionRef, after: str | None, wait: float
    ) -> Flow[MessagePage]: ...

    def close_session(self, ref: SessionRef) -> Flow[None]: ...

    # agent side (only called when chat.agents_api is true)
    def list_agents(self) -> Flow[tuple[Agent, ...]]: ...

    def agent_sign_in(self, agent_id: str) -> Flow[None]: ...

    def agent_sign_out(self, agent_id: str) -> Flow[None]: ...

    def agent_inbox(self, agent_id: str, after: str | None, wait: float) -> Flow[AgentInbox]: ...

    def agent_reply(
        self, agent_id: str, session_id: str, text: str, client_message_id: str
    ) -> Flow[ChatMessage]: ...

    def agent_close(self, agent_id: str, session_id: str) -> Flow[None]: ...


def chat_adapter(adapter: object, source: str) -> ChatAdapter:
    """``adapter`` as a :class:`ChatAdapter`; ConfigError naming ``source`` when it is not one."""
    if not isinstance(adapter, ChatAdapter):
        name = getattr(adapter, "name", type(adapter).__name__)
        raise ConfigError(
            f"{source}: adapter '{name}' has no chat API (open_session, send_message, ...); "
            "chat sessions (load kind sessions, or opens: sessions) need one. Use opens: "
            "tickets, or a vendor whose adapter supports chat."
        )
    return adapter


def check_chat_support(adapter: object, agents: int, source: str) -> ChatAdapter:
    """The chat adapter for a run that opens sessions with ``agents`` harness-driven agents."""
    chat = chat_adapter(adapter, source)
    if agents > 0 and not chat.chat.agents_api:
        raise ConfigError(
            f"{source}: conversation.agents is {agents}, but adapter '{getattr(chat, 'name', '?')}'"
            " cannot drive agents by API (no sign-in, inbox or reply). Set conversation.agents: "
            "0 so the vendor's own agents answer."
        )
    return chat
