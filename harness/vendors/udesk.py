"""Udesk (沃丰科技) Open API v2, payloads as its public documentation shows (vendor-apis.md 4.1;
the IM session and push shapes from udesk/open_udesk_doc ``doc/im.md``).

``base_url`` is ``https://<subdomain>.udesk.cn/open_api_v1``. Every call is signed in the
query string: ``email``, ``timestamp`` (Unix seconds, within 5 minutes), ``nonce`` (single use
for 15 minutes: :mod:`harness.vendors.nonce` never repeats across workers), ``sign_version=v2``
and ``sign = SHA256(email&open_api_token&timestamp&nonce&v2)`` in lower-case hex. Write it
in the vendor file as::

    auth:
      kind: signature
      algorithm: sha256
      message: "{env:UDESK_EMAIL}&{env:UDESK_API_TOKEN}&{timestamp}&{nonce}&v2"
      query: {email: "{env:UDESK_EMAIL}", timestamp: "{timestamp}", nonce: "{nonce}",
              sign: "{signature}", sign_version: v2}

Errors come in HTTP 200 bodies: ``code`` 1000 is success, anything else a failure (2059: bad
signature). The default quota is 60 calls a minute per API.

Routing: ``POST /im/sessions`` answers with the assignment (``assign_info.agent_id``) at once;
code 2001 means queued (``assign_info.count``), 2002 no agent online: routing outcomes, not
errors (:meth:`UdeskAdapter.open_session`). Tickets have no assignment events, so ticket
routing is polled. Udesk pushes agent messages to a URL its support sets up (no registration
API, no signature): the ``start_session`` message is the assignment (:meth:`parse_webhook`).

Field names of the ticket *detail* and *list* answers are not in the public excerpt we hold
[U]: ``id``, ``subject``, ``content``, ``status_id``, ``priority_id``, ``assignee_id``,
``user_group_id`` and ``tags`` are assumed; confirm them on the tenant during the POC.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Protocol

from harness.model import (
    Assignment,
    Channel,
    Customer,
    Page,
    Priority,
    Ticket,
    TicketRef,
    TicketState,
    TicketStatus,
)
from harness.vendors.base import (
    ApiFailure,
    ApiRequest,
    ApiResponse,
    FailureKind,
    Flow,
    WebhookEvent,
    WebhookRejected,
    classify_status,
)
from harness.vendors.capabilities import NotSupported
from harness.vendors.common import decode, protocol, read_enum

__all__ = ["OpenedSession", "UdeskAdapter", "sign_v2"]

OK = 1000
QUEUED, NO_AGENT = 2001, 2002
BAD_SIGNATURE = 2059
PRIORITY_OUT = {
    Priority.URGENT: "紧急",
    Priority.HIGH: "高",
    Priority.NORMAL: "标准",
    Priority.LOW: "低",
}
PRIORITY_IN = {"1": Priority.URGENT, "2": Priority.HIGH, "3": Priority.NORMAL, "4": Priority.LOW}
STATUS_IN = {
    "1": TicketStatus.OPEN,  # 开启 (new if nobody is assigned, see _state)
    "2": TicketStatus.SOLVED,  # 已解决
    "3": TicketStatus.CLOSED,  # 已关闭
    "4": TicketStatus.OPEN,  # 解决中
}
_TAG = "csm-"


def sign_v2(email: str, open_api_token: str, timestamp: str, nonce: str) -> str:
    """``SHA256(email&open_api_token&timestamp&nonce&v2)``, lower-case hex."""
    message = f"{email}&{open_api_token}&{timestamp}&{nonce}&v2"
    return hashlib.sha256(message.encode()).hexdigest()


class SessionRequest(Protocol):
    """What opening a session needs (``harness.vendors.chat.NewSession`` has these fields)."""

    @property
    def external_id(self) -> str: ...

    @property
    def customer(self) -> Customer: ...

    @property
    def channel(self) -> Channel: ...


@dataclass(frozen=True, slots=True)
class OpenedSession:
    """Udesk's answer to a session open. ``id`` is ``im_sub_session_id`` ('' unless assigned)."""

    id: str
    external_id: str
    outcome: Literal["assigned", "queued", "no_agent", "robot"]
    assignment: Assignment | None = None
    queue_position: int | None = None


class UdeskAdapter:
    name: ClassVar[str] = "udesk"

    def capabilities(self) -> list[str]:
        """Udesk's support sets the push URL up: no webhook registration call."""
        return ["list", "poll-assignment"]

    def classify(self, request: ApiRequest, response: ApiResponse) -> ApiFailure | None:
        return _classify(request, response, ())

    # --- tickets ----------------------------------------------------------------------------

    def create_ticket(self, ticket: Ticket) -> Flow[TicketRef]:
        body = {
            "ticket": {
                "subject": ticket.subject[:255],
                "content": ticket.description,
                "type": "customer_token",
                "type_content": ticket.customer.id,
                "priority": PRIORITY_OUT[ticket.priority],
                "tags": f"{_TAG}{ticket.external_id},{ticket.category}",
            }
        }
        request = ApiRequest("POST", "/tickets", "POST /tickets", json=body)
        response = yield request
        ticket_id = _ok(request, response).get("ticket_id")
        if ticket_id is None:
            raise protocol(request, response, "no ticket_id in the answer")
        return TicketRef(str(ticket_id), ticket.external_id)

    def get_ticket(self, ref: TicketRef) -> Flow[TicketState]:
        request = ApiRequest("GET", "/tickets/detail", "GET /tickets/detail", params={"id": ref.id})
        response = yield request
        return _state(_ticket(request, response), request, response)

    def fetch_assignment(self, ref: TicketRef) -> Flow[Assignment | None]:
        request = ApiRequest(
            "GET", "/tickets/detail", "probe: GET /tickets/detail", params={"id": ref.id}
        )
        response = yield request
        return _assignment(_ticket(request, response))

    def list_tickets(self, cursor: str | None, limit: int) -> Flow[Page[TicketState]]:
        page = int(cursor or 1)
        request = ApiRequest(
            "GET",
            "/tickets",
            "GET /tickets",
            params={"page": str(page), "per_page": str(min(limit, 100))},
        )
        response = yield request
        answer = _ok(request, response)
        items = answer.get("tickets")
        if not isinstance(items, list):
            raise protocol(request, response, "expected a list at 'tickets'")
        meta = answer.get("meta") or {}
        last = int(meta.get("total_pages") or page)
        states = tuple(_state(item, request, response) for item in items)
        return Page(states, str(page + 1) if page < last else None)

    # --- IM sessions (routing is answered synchronously) ------------------------------------

    def open_session(self, session: SessionRequest) -> Flow[OpenedSession]:
        """``POST /im/sessions`` asking for a human agent; the answer *is* the routing."""
        body: dict[str, Any] = {
            "customer_token": session.customer.id,
            "assign_type": "agent",
            "channel": session.channel.value,
        }
        request = ApiRequest("POST", "/im/sessions", "POST /im/sessions", json=body)
        response = yield request
        failure = _classify(request, response, (QUEUED, NO_AGENT))
        if failure is not None:
            raise failure
        answer = decode(request, response)
        info = answer.get("assign_info") or {}
        code = answer.get("code")
        count = info.get("count")
        if answer.get("assign_type") == "robot":
            return OpenedSession("", session.external_id, "robot")
        if code in (QUEUED, NO_AGENT):
            outcome: Literal["queued", "no_agent"] = "queued" if code == QUEUED else "no_agent"
            return OpenedSession("", session.external_id, outcome, queue_position=count)
        session_id, agent = info.get("im_sub_session_id"), info.get("agent_id")
        if session_id is None or agent is None:
            raise protocol(request, response, "assign_info lacks im_sub_session_id or agent_id")
        assignment = Assignment(
            ticket_id=str(session_id), agent_id=str(agent), external_id=session.external_id
        )
        return OpenedSession(str(session_id), session.external_id, "assigned", assignment, count)

    # --- webhooks ---------------------------------------------------------------------------

    def register_webhook(self, url: str, secret: str) -> Flow[str]:
        raise NotSupported(
            "udesk",
            "register_webhook",
            "Udesk's support sets the push URL up; probe tickets by polling.",
        )

    def unregister_webhook(self, webhook_id: str) -> Flow[None]:
        raise NotSupported("udesk", "unregister_webhook")

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, secret: str | None
    ) -> WebhookEvent | None:
        """The agent-message push; its ``start_session`` message is the session's assignment.

        Udesk does not sign pushes (``secret`` is not used); reply with an empty 200 within
        10 s or Udesk resends (dedupe on ``message_id``).
        """
        try:
            push = json.loads(body)
            messages = push["messages"]
        except (ValueError, KeyError, TypeError) as exc:
            raise WebhookRejected(f"malformed delivery: {exc!r}") from None
        if push.get("assign_type") != "agent" or not isinstance(messages, list):
            return None
        for message in messages:
            if isinstance(message, dict) and message.get("type") == "start_session":
                try:
                    return WebhookEvent(
                        str(message["message_id"]),
                        Assignment(
                            ticket_id=str(message["im_sub_session_id"]),
                            agent_id=str(message["agent_id"]),
                        ),
                    )
                except KeyError as exc:
                    raise WebhookRejected(f"malformed start_session: {exc!r}") from None
        return None


def _classify(
    request: ApiRequest, response: ApiResponse, outcomes: tuple[int, ...]
) -> ApiFailure | None:
    failure = classify_status(request, response)
    if failure is not None:
        return failure
    try:
        body = response.json()
    except ValueError:
        return ApiFailure(FailureKind.PROTOCOL, request, response.status, "body is not JSON")
    code = body.get("code") if isinstance(body, dict) else None
    if code == OK or code in outcomes:
        return None
    if code is None:
        return ApiFailure(FailureKind.PROTOCOL, request, response.status, "no 'code' in body")
    detail = f"code {code}: {body.get('message', '')}"
    if code == BAD_SIGNATURE:
        detail += " (check UDESK_EMAIL, UDESK_API_TOKEN and the clock: ±5 min)"
    return ApiFailure(FailureKind.CLIENT, request, response.status, detail)


def _ok(request: ApiRequest, response: ApiResponse) -> dict[str, Any]:
    failure = _classify(request, response, ())
    if failure is not None:
        raise failure
    body: dict[str, Any] = response.json()
    return body


def _ticket(request: ApiRequest, response: ApiResponse) -> Mapping[str, Any]:
    item = _ok(request, response).get("ticket")
    if not isinstance(item, dict) or "id" not in item:
        raise protocol(request, response, "expected a ticket object with 'id'")
    return item


def _external_id(item: Mapping[str, Any]) -> str:
    tags = item.get("tags") or ""
    names = tags.split(",") if isinstance(tags, str) else [str(t) for t in tags]
    return next((t.removeprefix(_TAG) for t in names if t.startswith(_TAG)), "")


def _assignment(item: Mapping[str, Any]) -> Assignment | None:
    agent = item.get("assignee_id")
    if agent is None:
        return None
    group = item.get("user_group_id")
    return Assignment(
        ticket_id=str(item["id"]),
        agent_id=str(agent),
        queue=None if group is None else str(group),
        external_id=_external_id(item) or None,
    )


def _state(item: Mapping[str, Any], request: ApiRequest, response: ApiResponse) -> TicketState:
    status = read_enum(TicketStatus, STATUS_IN, item.get("status_id"), request, response)
    if str(item.get("status_id")) == "1" and item.get("assignee_id") is None:
        status = TicketStatus.NEW
    priority = item.get("priority_id")
    agent = item.get("assignee_id")
    group = item.get("user_group_id")
    return TicketState(
        ref=TicketRef(str(item["id"]), _external_id(item), _assignment(item)),
        status=status,
        priority=(
            Priority.NORMAL
            if priority is None
            else read_enum(Priority, PRIORITY_IN, priority, request, response)
        ),
        category="",
        subject=str(item.get("subject") or ""),
        description=str(item.get("content") or ""),
        queue=None if group is None else str(group),
        assignee=None if agent is None else str(agent),
    )
