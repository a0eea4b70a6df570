"""Live chat in the ``rest:`` section (``rest.chat``): sessions described without Python.

The customer's side is four operations (``create_requester`` before them for a vendor that
needs the customer created first; a status in its ``exists`` means it already is):
``open_session`` (with the first message in the same request, or ``first_message: send`` to
post it right after), ``send_message``,
``fetch_messages`` (new messages after ``{cursor}``, long-polled with ``{wait}`` when
``max_wait`` is set; without a cursor in the answer the harness keeps the ids it has read and
counts only new ones) and ``close_session`` (leave it out when the vendor has none).
``read_session`` reads the session when the message answer does not say who is assigned or
whether it closed. The agent's side (``list_agents``, ``agent_inbox``, ``agent_reply``,
``agent_close``; ``agent_sign_in`` / ``agent_sign_out`` where the vendor has them) lets the
harness play agents (``conversation.agents``); describe all four or none.

``session``, ``message``, ``agent`` and ``event`` are field paths inside one object of the
answers, like ``rest.ticket``; ``message.senders`` maps the vendor's author values (``user``,
``business``) to customer and agent, ``event.types`` the inbox's event types.
"""

from __future__ import annotations

from typing import Final, Literal, Self

from pydantic import Field, model_validator

from harness.config.loader import StrictModel
from harness.config.problems import ConfigValueError, Loc
from harness.config.rest_fields import FieldSpec
from harness.config.rest_operations import FieldPath, Operation, RequestTemplate, Scalar
from harness.config.templates import check as check_template
from harness.config.templates import walk_strings
from harness.config.units import Duration

__all__ = [
    "CHAT_PLACEHOLDERS",
    "AgentFields",
    "ChatOperations",
    "ChatSpec",
    "EventFields",
    "ListOperation",
    "MessageFields",
    "OpenSessionOperation",
    "ReadOperation",
    "RequesterOperation",
    "SessionFields",
]

_CUSTOMER = (
    "session.customer.id", "session.customer.name", "session.customer.email",
    "session.customer.identities", "session.customer.identities.*",
)  # fmt: skip
_SESSION = ("session.id", "session.external_id", "requester.id", *_CUSTOMER)
_MESSAGE = ("message.text", "message.client_id", "message.sender")
CHAT_PLACEHOLDERS: Final[dict[str, tuple[str, ...]]] = {
    "create_requester": (*_CUSTOMER, "session.external_id"),
    "open_session": (
        "requester.id",
        "session.external_id",
        "session.channel",
        "session.category",
        "session.queue",
        *_CUSTOMER,
        *_MESSAGE,
        "idempotency_key",
    ),
    "send_message": (*_SESSION, *_MESSAGE),
    "read_session": _SESSION,
    "fetch_messages": (*_SESSION, "cursor", "wait"),
    "close_session": _SESSION,
    "list_agents": (),
    "agent_sign_in": ("agent.id",),
    "agent_sign_out": ("agent.id",),
    "agent_inbox": ("agent.id", "cursor", "wait"),
    "agent_reply": ("agent.id", "session.id", *_MESSAGE),
    "agent_close": ("agent.id", "session.id"),
}
_AGENT_SIDE: Final = ("list_agents", "agent_inbox", "agent_reply", "agent_close")


class OpenSessionOperation(Operation):
    first_message: Literal["in_request", "send"] = Field(
        default="in_request",
        description="'in_request': the open request carries {message.text}; 'send': the "
        "vendor opens empty sessions, the first message is posted with send_message.",
    )


class RequesterOperation(Operation):
    """Creates the customer before each session opens, for vendors that need a user first."""

    id: FieldPath | None = Field(
        default=None,
        examples=["user.id"],
        description="Where the new user's id is: {requester.id}.",
    )
    exists: list[int] = Field(
        default_factory=list,
        examples=[[409]],
        description="Statuses that mean the user exists already: the session opens anyway.",
    )


class ReadOperation(StrictModel):
    """A read whose answer holds a list (``items``) and maybe where to go on (``cursor``)."""

    request: RequestTemplate
    items: FieldPath = Field(examples=["messages"], description="Where the list is.")
    cursor: FieldPath | None = Field(
        default=None,
        examples=["cursor", "meta.afterCursor"],
        description="Where the next {cursor} is; without it the answer is read whole each "
        "time and only items not read before count.",
    )
    session: FieldPath | None = Field(
        default=None,
        examples=["session"],
        description="fetch_messages only: where the session (assignee, status) is in the "
        "answer; else read_session is asked, when described.",
    )


class ListOperation(StrictModel):
    request: RequestTemplate
    items: FieldPath = Field(examples=["agents"])


class ChatOperations(StrictModel):
    create_requester: RequesterOperation | None = None
    open_session: OpenSessionOperation
    send_message: Operation
    fetch_messages: ReadOperation
    read_session: Operation | None = None
    close_session: Operation | None = None
    list_agents: ListOperation | None = None
    agent_sign_in: Operation | None = None
    agent_sign_out: Operation | None = None
    agent_inbox: ReadOperation | None = None
    agent_reply: Operation | None = None
    agent_close: Operation | None = None

    @model_validator(mode="after")
    def _placeholders(self) -> Self:
        problems: list[tuple[Loc, str]] = []
        for name, allowed in CHAT_PLACEHOLDERS.items():
            operation = getattr(self, name)
            if operation is None:
                continue
            for part in ("path", "query", "headers", "body"):
                problem = check_template(getattr(operation.request, part), allowed)
                if problem:
                    problems.append(((name, "request", part), problem))
        if self.open_session.result is None:
            problems.append(
                (("open_session", "result"), "the open answer must hold the new session's id; "
                 "write where it is, e.g. 'result: session' ('' = the whole answer)")
            )  # fmt: skip
        if self.fetch_messages.session is not None and self.read_session is not None:
            problems.append(
                (("read_session",), "fetch_messages.session already reads the session; keep one")
            )
        described = [name for name in _AGENT_SIDE if getattr(self, name) is not None]
        if described and len(described) != len(_AGENT_SIDE):
            missing = [name for name in _AGENT_SIDE if name not in described]
            problems.append(
                ((missing[0],), f"the agent side needs {', '.join(_AGENT_SIDE)} together; add "
                 f"{', '.join(missing)} or remove {', '.join(described)}")
            )  # fmt: skip
        inbox = self.agent_inbox
        if inbox is not None and inbox.session is not None:
            problems.append((("agent_inbox", "session"), "only for fetch_messages"))
        if inbox is not None and inbox.cursor is None:
            problems.append(
                (("agent_inbox", "cursor"), "an inbox is read from where the last read ended: "
                 "write where the answer names the next {cursor}, e.g. 'cursor: cursor'")
            )  # fmt: skip
        if problems:
            raise ConfigValueError(problems)
        return self

    @property
    def agent_side(self) -> bool:
        return self.agent_inbox is not None


class SessionFields(StrictModel):
    """Field paths inside one session object."""

    id: FieldPath = Field(examples=["id", "conversation.id"])
    external_id: FieldSpec | None = Field(default=None, examples=["metadata.csm_external_id"])
    assignee: FieldSpec | None = Field(
        default=None, examples=["assignee", {"path": "assigned_agent_id", "unassigned": [""]}]
    )
    queue: FieldSpec | None = None
    assigned_at: FieldSpec | None = None
    status: FieldSpec | None = Field(default=None, examples=["status"])
    closed: list[Scalar] = Field(
        default_factory=list,
        examples=[["closed", "resolved"]],
        description="Status values that mean the session has ended.",
    )

    @model_validator(mode="after")
    def _closed_with_status(self) -> Self:
        if bool(self.closed) != (self.status is not None):
            raise ConfigValueError.at(
                ("closed",), "status and closed go together: 'status: <path>' and 'closed: "
                "[<the vendor's ended values>]'"
            )  # fmt: skip
        return self


class Senders(StrictModel):
    customer: list[Scalar] = Field(min_length=1, examples=[["user"]])
    agent: list[Scalar] = Field(min_length=1, examples=[["business"]])


class MessageFields(StrictModel):
    """Field paths inside one message object; ``senders`` names the vendor's author values
    (the first of each list is what ``{message.sender}`` writes)."""

    id: FieldPath = Field(examples=["id"])
    sender: FieldPath = Field(examples=["author.type"])
    senders: Senders
    text: FieldPath = Field(examples=["content.text"])
    client_id: FieldSpec | None = Field(
        default=None,
        examples=["metadata.csm_client_id"],
        description="Where the vendor echoes the harness's message id; without it duplicates "
        "are told apart by the vendor's message id only.",
    )
    sent_at: FieldPath | None = Field(default=None, examples=["received"])
    agent: FieldSpec | None = Field(
        default=None,
        examples=["author.userId"],
        description="Who wrote an agent's message: the assigned agent, for vendors whose "
        "session does not name one.",
    )


class AgentFields(StrictModel):
    id: FieldPath = Field(examples=["id"])
    name: FieldPath | None = Field(default=None, examples=["name"])
    skills: FieldPath | None = None
    capacity: FieldPath | None = None


class EventTypes(StrictModel):
    assigned: list[Scalar] = Field(min_length=1, examples=[["session.assigned"]])
    message: list[Scalar] = Field(min_length=1, examples=[["message"]])
    closed: list[Scalar] = Field(default_factory=list, examples=[["session.closed"]])


class EventFields(StrictModel):
    """Field paths inside one event of the agent's inbox."""

    type: FieldPath = Field(examples=["type"])
    types: EventTypes
    session_id: FieldPath = Field(examples=["session_id"])
    external_id: FieldPath | None = None
    message: FieldPath | None = Field(
        default=None, examples=["message"], description="Where a message event's message is."
    )
    at: FieldPath | None = None


class ChatSpec(StrictModel):
    operations: ChatOperations
    session: SessionFields
    message: MessageFields
    agent: AgentFields | None = None
    event: EventFields | None = None
    max_wait: Duration | None = Field(
        default=None,
        examples=["30s"],
        description="The longest {wait} the vendor holds a read open (long-poll); leave out "
        "when reads answer at once.",
    )
    poll_interval: Duration = Field(
        default=1.0, examples=["500ms"], description="Between reads without long-poll."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems: list[tuple[Loc, str]] = []
        ops = self.operations
        if ops.agent_side:
            problems.extend(
                ((name,), f"the agent side (operations.agent_inbox, ...) needs '{name}:' field "
                 "paths")
                for name in ("agent", "event")
                if getattr(self, name) is None
            )  # fmt: skip
        if self.session.status is not None and not (ops.fetch_messages.session or ops.read_session):
            problems.append(
                (("session", "status"), "nothing reads the session while it is open: write "
                 "fetch_messages.session (where the message answer holds it) or describe "
                 "operations.read_session")
            )  # fmt: skip
        if self.max_wait is not None:
            reads = [("fetch_messages", ops.fetch_messages), ("agent_inbox", ops.agent_inbox)]
            for name, read in reads:
                if read is not None and not _mentions(read.request, "{wait}"):
                    problems.append(
                        (("operations", name, "request", "query"), "max_wait is set: put "
                         "\"{wait}\" where the vendor takes the seconds to hold the read, e.g. "
                         "'query: {wait: \"{wait}\"}'")
                    )  # fmt: skip
        if problems:
            raise ConfigValueError(problems)
        return self


def _mentions(request: RequestTemplate, placeholder: str) -> bool:
    parts = (request.path, request.query, request.headers, request.body)
    return any(placeholder in text for part in parts for text in walk_strings(part))
