"""The ``rest`` adapter with live chat: the :class:`~harness.vendors.chat.ChatAdapter` flows as
the vendor file's ``rest.chat`` section describes them (:mod:`harness.config.rest_chat`).

:meth:`RestAdapter.from_spec` builds this class only for a file with a chat section, so a rest
vendor without one is, as it should be, no chat adapter at all. No I/O: the flows yield
requests like every adapter's.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from harness.config.rest import RestSpec
from harness.config.rest_chat import ChatSpec, ReadOperation
from harness.config.rest_fields import FieldRead
from harness.model import Agent, Assignment, Sender
from harness.vendors.base import ApiFailure, ApiRequest, ApiResponse, Flow
from harness.vendors.capabilities import NotSupported
from harness.vendors.chat import (
    AgentEvent,
    AgentEventKind,
    AgentInbox,
    ChatCapabilities,
    ChatMessage,
    MessagePage,
    NewSession,
    SessionRef,
)
from harness.vendors.common import protocol
from harness.vendors.rest import RestAdapter
from harness.vendors.rest_support import customer_email, mapped, opt, text
from harness.vendors.templating import get_path

__all__ = ["RestChatAdapter"]

_SEEN = "\n"  # joins the message ids read so far: the cursor of a read without one


class RestChatAdapter(RestAdapter):
    """A rest vendor whose file describes chat sessions (and maybe the agents' side)."""

    def __init__(
        self,
        spec: RestSpec,
        vendor: str = "rest",
        base_url: str = "",
        queues: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(spec, vendor, base_url)
        if spec.chat is None:
            raise ValueError(f"vendor {vendor} has no rest.chat section")
        self._chat: ChatSpec = spec.chat
        self._queues = dict(queues or {})
        self.chat = ChatCapabilities(
            long_poll=spec.chat.max_wait is not None,
            max_wait_s=spec.chat.max_wait or 0.0,
            poll_interval_s=spec.chat.poll_interval,
            agents_api=spec.chat.operations.agent_side,
            client_message_ids=spec.chat.message.client_id is not None,
            sync_assignment=spec.chat.session.assignee is not None,
        )
        senders = spec.chat.message.senders
        self._senders = {str(v).casefold(): Sender.CUSTOMER for v in senders.customer}
        self._senders |= {str(v).casefold(): Sender.AGENT for v in senders.agent}
        self._write_sender = {Sender.CUSTOMER: senders.customer[0], Sender.AGENT: senders.agent[0]}
        self._closed = {str(value) for value in spec.chat.session.closed}
        # what the open request knew about each session (its customer), for later templates
        self._known: dict[str, dict[str, Any]] = {}

    # -- customer side ------------------------------------------------------------------------

    def open_session(self, session: NewSession) -> Flow[SessionRef]:
        op = self._chat.operations.open_session
        customer = self._customer_values(session)
        requester = yield from self._requester(customer, session.external_id)
        customer["requester.id"] = requester.id
        values = {
            **customer,
            "session.external_id": session.external_id,
            "session.channel": mapped(self._map.write, "channel", session.channel),
            "session.category": self._map.write.get("category", {}).get(
                session.category, session.category
            ),
            "session.queue": self._queues.get(session.category, session.category),
            "message.text": session.first_message,
            "message.client_id": session.client_message_id,
            "message.sender": self._write_sender[Sender.CUSTOMER],
            "idempotency_key": str(uuid.uuid5(uuid.NAMESPACE_URL, session.external_id)),
        }
        request, response, body = yield from self._call(
            op, values, previous_accepted=requester.existed
        )
        item = self._object(body, op.result or "", request, response)
        session_id = text(get_path(item, self._chat.session.id))
        if session_id is None:
            where = self._chat.session.id
            raise protocol(request, response, f"no session id at '{where}'")
        external = text(self._field(item, self._chat.session.external_id))
        ref = SessionRef(
            session_id, external or session.external_id, self._assignment(item, session_id)
        )
        self._known[session_id] = {**customer, "session.external_id": ref.external_id}
        if op.first_message == "send":
            yield from self._send(ref, Sender.CUSTOMER, session.first_message,
                                  session.client_message_id)  # fmt: skip
        return ref

    def _requester(self, customer: Mapping[str, Any], external_id: str) -> Flow[_Requester]:
        """The vendor's id of the customer, created first when the file says so."""
        op = self._chat.operations.create_requester
        if op is None:
            return _Requester(None, existed=False)
        try:
            _, _, body = yield from self._call(op, {**customer, "session.external_id": external_id})
        except ApiFailure as failure:
            if failure.status in op.exists:  # there already: templates name it by its own id
                return _Requester(None, existed=True)
            raise
        return _Requester(text(opt(body, op.id)), existed=False)

    def send_message(
        self, ref: SessionRef, sender: Sender, text: str, client_message_id: str
    ) -> Flow[ChatMessage]:
        return self._send(ref, sender, text, client_message_id)

    def fetch_messages(self, ref: SessionRef, after: str | None, wait: float) -> Flow[MessagePage]:
        ops = self._chat.operations
        op = ops.fetch_messages
        values = {
            **self._session_values(ref),
            "cursor": after if op.cursor is not None else None,
            "wait": _seconds(wait) if self.chat.long_poll else None,
        }
        request, response, body = yield from self._call(op, values)
        messages = self._messages(op, body, ref.id, request, response)
        cursor: str | None
        if op.cursor is not None:
            cursor = text(opt(body, op.cursor))
        else:  # the answer is the whole (recent) history: keep only what is new
            seen = set(after.split(_SEEN)) if after else set()
            messages = [m for m in messages if m.id not in seen]
            cursor = _SEEN.join(sorted(seen | {m.id for m in messages})) or None
        state: Any = None
        if op.session is not None:
            state = opt(body, op.session)
        elif ops.read_session is not None:
            read = ops.read_session
            request, response, found = yield from self._call(read, self._session_values(ref))
            state = self._object(found, read.result or "", request, response)
        agent = None
        closed = False
        if isinstance(state, Mapping):
            agent = text(self._field(state, self._chat.session.assignee))
            status = self._field(state, self._chat.session.status)
            closed = status is not None and str(status) in {
                str(v) for v in self._chat.session.closed
            }
        if agent is None and self._chat.message.agent is not None:
            agent = next((m.agent for m in messages if m.agent is not None), None)
        return MessagePage(tuple(m.message for m in messages), cursor, agent, closed)

    def close_session(self, ref: SessionRef) -> Flow[None]:
        op = self._chat.operations.close_session
        values = self._session_values(ref)
        self._known.pop(ref.id, None)
        if op is not None:  # a vendor without a close: the harness just stops reading
            yield from self._call(op, values)

    # -- agent side ---------------------------------------------------------------------------

    def list_agents(self) -> Flow[tuple[Agent, ...]]:
        op = self._chat.operations.list_agents
        fields = self._chat.agent
        if op is None or fields is None:
            raise self._no_agents("list_agents")
        request, response, body = yield from self._call(op, {})
        items = get_path(body, op.items)
        if not isinstance(items, list):
            raise protocol(request, response, f"expected a list of agents at '{op.items}'")
        agents: list[Agent] = []
        for item in items:
            agent_id = text(opt(item, fields.id))
            if agent_id is None:
                raise protocol(request, response, f"an agent without an id at '{fields.id}'")
            skills = opt(item, fields.skills)
            skills = skills if isinstance(skills, list) else []
            capacity = opt(item, fields.capacity)
            agents.append(
                Agent(
                    id=agent_id,
                    name=text(opt(item, fields.name)) or agent_id,
                    skills=frozenset(str(s) for s in skills)
                    if isinstance(skills, list)
                    else frozenset(),
                    capacity=int(capacity) if isinstance(capacity, int | float) else 1,
                )
            )
        return tuple(agents)

    def agent_sign_in(self, agent_id: str) -> Flow[None]:
        op = self._chat.operations.agent_sign_in
        if op is not None:  # vendors without presence: a harness agent is always at the desk
            yield from self._call(op, {"agent.id": agent_id})

    def agent_sign_out(self, agent_id: str) -> Flow[None]:
        op = self._chat.operations.agent_sign_out
        if op is not None:
            yield from self._call(op, {"agent.id": agent_id})

    def agent_inbox(self, agent_id: str, after: str | None, wait: float) -> Flow[AgentInbox]:
        op = self._chat.operations.agent_inbox
        fields = self._chat.event
        if op is None or fields is None:
            raise self._no_agents("agent_inbox")
        values = {
            "agent.id": agent_id,
            "cursor": after,
            "wait": _seconds(wait) if self.chat.long_poll else None,
        }
        request, response, body = yield from self._call(op, values)
        items = get_path(body, op.items)
        if not isinstance(items, list):
            raise protocol(request, response, f"expected a list of events at '{op.items}'")
        kinds = {
            str(value): kind
            for kind, listed in (
                (AgentEventKind.ASSIGNED, fields.types.assigned),
                (AgentEventKind.MESSAGE, fields.types.message),
                (AgentEventKind.CLOSED, fields.types.closed),
            )
            for value in listed
        }
        events: list[AgentEvent] = []
        for item in items:
            kind = kinds.get(str(opt(item, fields.type)))
            session_id = text(opt(item, fields.session_id))
            if kind is None or session_id is None:
                continue  # an event the harness does not act on
            message = None
            if kind is AgentEventKind.MESSAGE:
                found = opt(item, fields.message) if fields.message is not None else item
                read = self._message(found, session_id)
                if read is None:
                    continue
                message = read.message
            events.append(
                AgentEvent(
                    kind=kind,
                    session_id=session_id,
                    external_id=text(opt(item, fields.external_id)),
                    message=message,
                    at=_clock(opt(item, fields.at)),
                )
            )
        return AgentInbox(tuple(events), text(opt(body, op.cursor)) or after)

    def agent_reply(
        self, agent_id: str, session_id: str, text: str, client_message_id: str
    ) -> Flow[ChatMessage]:
        op = self._chat.operations.agent_reply
        if op is None:
            raise self._no_agents("agent_reply")
        values = {
            "agent.id": agent_id,
            "session.id": session_id,
            "message.text": text,
            "message.client_id": client_message_id,
            "message.sender": self._write_sender[Sender.AGENT],
        }
        request, response, body = yield from self._call(op, values)
        return self._answered(op.result, body, session_id, Sender.AGENT, text,
                              client_message_id, request, response)  # fmt: skip

    def agent_close(self, agent_id: str, session_id: str) -> Flow[None]:
        op = self._chat.operations.agent_close
        if op is None:
            raise self._no_agents("agent_close")
        yield from self._call(op, {"agent.id": agent_id, "session.id": session_id})

    def _no_agents(self, operation: str) -> NotSupported:
        return NotSupported(
            self._vendor, operation, "describe the agents' side under rest.chat.operations "
            "(list_agents, agent_inbox, agent_reply, agent_close)"
        )  # fmt: skip

    # -- reading ------------------------------------------------------------------------------

    def _send(
        self, ref: SessionRef, sender: Sender, message: str, client_message_id: str
    ) -> Flow[ChatMessage]:
        op = self._chat.operations.send_message
        values = {
            **self._session_values(ref),
            "message.text": message,
            "message.client_id": client_message_id,
            "message.sender": self._write_sender[sender],
        }
        request, response, body = yield from self._call(op, values)
        return self._answered(op.result, body, ref.id, sender, message, client_message_id,
                              request, response)  # fmt: skip

    def _answered(
        self,
        result: str | None,
        body: Any,
        session_id: str,
        sender: Sender,
        message: str,
        client_message_id: str,
        request: ApiRequest,
        response: ApiResponse,
    ) -> ChatMessage:
        """The message a post answered with; ``result: null``: the answer holds none."""
        if result is None:
            return ChatMessage(client_message_id, session_id, sender, message, client_message_id)
        read = self._message(self._object(body, result, request, response), session_id)
        if read is None:
            where = self._chat.message.id
            raise protocol(request, response, f"no message id at '{where}' in the answer")
        return read.message

    def _messages(
        self,
        op: ReadOperation,
        body: Any,
        session_id: str,
        request: ApiRequest,
        response: ApiResponse,
    ) -> list[_Read]:
        items = get_path(body, op.items)
        if not isinstance(items, list):
            where = f"at '{op.items}'" if op.items else "as the answer"
            raise protocol(request, response, f"expected a list of messages {where}")
        found = (self._message(item, session_id) for item in items)
        return [read for read in found if read is not None]

    def _message(self, item: Any, session_id: str) -> _Read | None:
        """One message; None for what is not one the harness reads (no id, a system author)."""
        fields = self._chat.message
        message_id = text(opt(item, fields.id))
        sender = self._senders.get(str(opt(item, fields.sender)).casefold())
        if message_id is None or sender is None:
            return None
        message = ChatMessage(
            id=message_id,
            session_id=session_id,
            sender=sender,
            text=text(opt(item, fields.text)) or "",
            client_id=text(self._field(item, fields.client_id)),
            sent_at=_clock(opt(item, fields.sent_at)),
        )
        agent = text(self._field(item, fields.agent)) if sender is Sender.AGENT else None
        return _Read(message, agent)

    def _assignment(self, item: Any, session_id: str) -> Assignment | None:
        fields = self._chat.session
        agent = text(self._field(item, fields.assignee))
        if agent is None:
            return None
        return Assignment(
            ticket_id=session_id,
            agent_id=agent,
            queue=text(self._field(item, fields.queue)),
            assigned_at=_clock(self._field(item, fields.assigned_at)),
            external_id=text(self._field(item, fields.external_id)),
        )

    def _object(self, body: Any, path: str, request: ApiRequest, response: ApiResponse) -> Any:
        item = get_path(body, path)
        if not isinstance(item, Mapping):
            where = f"at '{path}'" if path else "as the answer"
            raise protocol(request, response, f"expected an object {where}")
        return item

    @staticmethod
    def _field(item: Any, read: FieldRead | None) -> Any:
        if read is None:
            return None
        found = read.pick(opt(item, read.path))
        return None if read.absent(found) else found

    def _customer_values(self, session: NewSession) -> dict[str, Any]:
        customer = session.customer
        return {
            "session.customer.id": customer.id,
            "session.customer.name": customer.name,
            "session.customer.email": customer_email(customer),
            "session.customer.identities": {k.value: v for k, v in customer.identities.items()},
        }

    def _session_values(self, ref: SessionRef) -> dict[str, Any]:
        known = self._known.get(ref.id, {})
        return {**known, "session.id": ref.id, "session.external_id": ref.external_id}


@dataclass(frozen=True, slots=True)
class _Requester:
    id: str | None
    existed: bool  # the vendor answered "exists already" (op.exists): accepted, not an error


class _Read:
    """A message read, and the agent who wrote it when the file says where that is."""

    __slots__ = ("agent", "message")

    def __init__(self, message: ChatMessage, agent: str | None) -> None:
        self.message = message
        self.agent = agent

    @property
    def id(self) -> str:
        return self.message.id


def _seconds(value: float) -> str:
    return f"{max(0.0, value):g}"


def _clock(value: Any) -> float | None:
    """A vendor timestamp: Unix seconds, or an ISO 8601 text such as ``2019-01-14T18:55:12Z``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            return None
    return None
