"""Adapter for the embedded sandbox CSM (``harness.sandbox``): its HTTP API, nothing more."""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from typing import Any, ClassVar

from harness.model import (
    Agent,
    Assignment,
    Page,
    Priority,
    Sender,
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
from harness.vendors.sandbox_admin import SandboxAdminMixin

_API = "/api/v1"


class SandboxAdapter(SandboxAdminMixin):
    """Speaks the sandbox's ``/api/v1`` API. Assignment is observable by webhook or polling.

    The optional capabilities of :mod:`harness.vendors.admin` come from the mixin."""

    name: ClassVar[str] = "sandbox"
    chat: ClassVar[ChatCapabilities] = ChatCapabilities(
        long_poll=True,
        max_wait_s=30.0,
        poll_interval_s=0.5,
        agents_api=True,
        client_message_ids=True,
        sync_assignment=False,
    )

    def create_ticket(self, ticket: Ticket) -> Flow[TicketRef]:
        request = ApiRequest(
            "POST",
            f"{_API}/tickets",
            "POST /tickets",
            json={
                "external_id": ticket.external_id,
                "subject": ticket.subject,
                "description": ticket.description,
                "channel": ticket.channel.value,
                "priority": ticket.priority.value,
                "category": ticket.category,
                "customer": {
                    "id": ticket.customer.id,
                    "name": ticket.customer.name,
                    "identities": {k.value: v for k, v in ticket.customer.identities.items()},
                },
                "custom_fields": dict(ticket.custom_fields),
            },
        )
        body = _ok_json(request, (yield request), "ticket")
        return _ref(body)

    def get_ticket(self, ref: TicketRef) -> Flow[TicketState]:
        request = ApiRequest("GET", f"{_API}/tickets/{ref.id}", "GET /tickets/{id}")
        return _state(_ok_json(request, (yield request), "ticket"))

    def fetch_assignment(self, ref: TicketRef) -> Flow[Assignment | None]:
        request = ApiRequest("GET", f"{_API}/tickets/{ref.id}", "probe: GET /tickets/{id}")
        return _assignment(_ok_json(request, (yield request), "ticket"))

    def list_tickets(self, cursor: str | None, limit: int) -> Flow[Page[TicketState]]:
        params = {"limit": str(limit)}
        if cursor is not None:
            params["cursor"] = cursor
        request = ApiRequest("GET", f"{_API}/tickets", "GET /tickets", params=params)
        response = yield request
        failure = classify_status(request, response)
        if failure is not None:
            raise failure
        body = _decode(request, response)
        try:
            items = tuple(_state(item) for item in body["tickets"])
            next_cursor = body["next_cursor"]
        except (KeyError, TypeError) as exc:
            raise _protocol(request, response, f"missing {exc}") from None
        return Page(items, next_cursor)

    def register_webhook(self, url: str, secret: str) -> Flow[str]:
        request = ApiRequest(
            "POST", f"{_API}/webhooks", "POST /webhooks", json={"url": url, "secret": secret}
        )
        body = _ok_json(request, (yield request), "webhook")
        return str(body["id"])

    def unregister_webhook(self, webhook_id: str) -> Flow[None]:
        request = ApiRequest("DELETE", f"{_API}/webhooks/{webhook_id}", "DELETE /webhooks/{id}")
        failure = classify_status(request, (yield request))
        if failure is not None:
            raise failure

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, secret: str | None
    ) -> WebhookEvent | None:
        if secret is not None:
            timestamp = headers.get("x-sandbox-timestamp", "")
            signature = headers.get("x-sandbox-signature", "")
            # one-shot digest (OpenSSL, no HMAC object): a third of this method's cost before
            expected = hmac.digest(secret.encode(), timestamp.encode() + b"." + body, "sha256")
            if not hmac.compare_digest(signature, "sha256=" + expected.hex()):
                raise WebhookRejected("signature does not verify")
        try:
            event = json.loads(body)
            if event["type"] not in ("ticket.assigned", "session.assigned"):
                return None
            data = event["data"]
            item_id = data.get("ticket_id") or data["session_id"]
            assignment = Assignment(
                ticket_id=str(item_id),
                agent_id=str(data["agent_id"]),
                queue=data.get("queue"),
                assigned_at=data.get("assigned_at"),
                external_id=data.get("external_id"),
            )
            stamp = headers.get("x-sandbox-timestamp", "")
            sent_at = float(stamp) if stamp.isdigit() else None
            return WebhookEvent(str(event["id"]), assignment, sent_at)
        except (ValueError, KeyError, TypeError) as exc:
            raise WebhookRejected(f"malformed delivery: {exc!r}") from None

    # -- chat: customer side ----------------------------------------------------------------
    def open_session(self, session: NewSession) -> Flow[SessionRef]:
        customer = session.customer
        request = ApiRequest(
            "POST",
            f"{_API}/sessions",
            "POST /sessions",
            json={
                "external_id": session.external_id,
                "channel": session.channel.value,
                "category": session.category,
                "customer": {
                    "id": customer.id,
                    "name": customer.name,
                    "identities": {k.value: v for k, v in customer.identities.items()},
                },
                "message": {"text": session.first_message, "client_id": session.client_message_id},
            },
        )
        body = _ok_json(request, (yield request), "session")
        return SessionRef(
            id=str(body["id"]),
            external_id=str(body.get("external_id", session.external_id)),
            assignment=_assignment(body),
        )

    def send_message(
        self, ref: SessionRef, sender: Sender, text: str, client_message_id: str
    ) -> Flow[ChatMessage]:
        request = ApiRequest(
            "POST",
            f"{_API}/sessions/{ref.id}/messages",
            "POST /sessions/{id}/messages",
            json={"sender": sender.value, "text": text, "client_id": client_message_id},
        )
        return _message(_ok_json(request, (yield request), "message"))

    def fetch_messages(self, ref: SessionRef, after: str | None, wait: float) -> Flow[MessagePage]:
        params = {"wait": _seconds(wait)}
        if after is not None:
            params["after"] = after
        request = ApiRequest(
            "GET",
            f"{_API}/sessions/{ref.id}/messages",
            "GET /sessions/{id}/messages",
            params=params,
        )
        response = yield request
        body = _ok_body(request, response)
        try:
            session = body["session"]
            return MessagePage(
                messages=tuple(_message(m) for m in body["messages"]),
                cursor=body.get("cursor"),
                agent_id=session.get("assignee"),
                closed=session["status"] == "closed",
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise _protocol(request, response, f"bad messages page: {exc!r}") from None

    def close_session(self, ref: SessionRef) -> Flow[None]:
        request = ApiRequest("POST", f"{_API}/sessions/{ref.id}/close", "POST /sessions/{id}/close")
        _ok_json(request, (yield request), "session")

    # -- chat: agent side -----------------------------------------------------------------
    def list_agents(self) -> Flow[tuple[Agent, ...]]:
        request = ApiRequest("GET", f"{_API}/agents", "GET /agents")
        response = yield request
        body = _ok_body(request, response)
        try:
            return tuple(
                Agent(
                    id=str(a["id"]),
                    name=str(a["name"]),
                    skills=frozenset(a["skills"]),
                    capacity=int(a["capacity"]),
                )
                for a in body["agents"]
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise _protocol(request, response, f"bad agent list: {exc!r}") from None

    def agent_sign_in(self, agent_id: str) -> Flow[None]:
        request = ApiRequest(
            "POST", f"{_API}/agents/{agent_id}/sign-in", "POST /agents/{id}/sign-in"
        )
        _ok_json(request, (yield request), "agent")

    def agent_sign_out(self, agent_id: str) -> Flow[None]:
        request = ApiRequest(
            "POST", f"{_API}/agents/{agent_id}/sign-out", "POST /agents/{id}/sign-out"
        )
        _ok_json(request, (yield request), "agent")

    def agent_inbox(self, agent_id: str, after: str | None, wait: float) -> Flow[AgentInbox]:
        params = {"wait": _seconds(wait)}
        if after is not None:
            params["after"] = after
        request = ApiRequest(
            "GET", f"{_API}/agents/{agent_id}/inbox", "GET /agents/{id}/inbox", params=params
        )
        response = yield request
        body = _ok_body(request, response)
        try:
            events = tuple(_event(e) for e in body["events"])
            return AgentInbox(events, body.get("cursor"))
        except (KeyError, TypeError, ValueError) as exc:
            raise _protocol(request, response, f"bad inbox: {exc!r}") from None

    def agent_reply(
        self, agent_id: str, session_id: str, text: str, client_message_id: str
    ) -> Flow[ChatMessage]:
        request = ApiRequest(
            "POST",
            f"{_API}/agents/{agent_id}/sessions/{session_id}/messages",
            "POST /agents/{id}/sessions/{id}/messages",
            json={"text": text, "client_id": client_message_id},
        )
        return _message(_ok_json(request, (yield request), "message"))

    def agent_close(self, agent_id: str, session_id: str) -> Flow[None]:
        request = ApiRequest(
            "POST",
            f"{_API}/agents/{agent_id}/sessions/{session_id}/close",
            "POST /agents/{id}/sessions/{id}/close",
        )
        _ok_json(request, (yield request), "session")


def _seconds(value: float) -> str:
    return f"{max(0.0, value):g}"


def _message(data: Mapping[str, Any]) -> ChatMessage:
    return ChatMessage(
        id=str(data["id"]),
        session_id=str(data["session_id"]),
        sender=Sender(data["sender"]),
        text=str(data["text"]),
        client_id=data.get("client_id"),
        sent_at=data.get("sent_at"),
    )


def _event(data: Mapping[str, Any]) -> AgentEvent:
    message = data.get("message")
    return AgentEvent(
        kind=AgentEventKind(data["type"]),
        session_id=str(data["session_id"]),
        external_id=data.get("external_id"),
        message=_message(message) if message else None,
        at=data.get("at"),
    )


def _ok_body(request: ApiRequest, response: ApiResponse) -> dict[str, Any]:
    failure = classify_status(request, response)
    if failure is not None:
        raise failure
    body = _decode(request, response)
    if not isinstance(body, dict):
        raise _protocol(request, response, "expected a JSON object")
    return body


def _decode(request: ApiRequest, response: ApiResponse) -> Any:
    try:
        return response.json()
    except ValueError:
        raise _protocol(request, response, "body is not JSON") from None


def _ok_json(request: ApiRequest, response: ApiResponse, key: str) -> dict[str, Any]:
    failure = classify_status(request, response)
    if failure is not None:
        raise failure
    body = _decode(request, response)
    if not isinstance(body, dict) or not isinstance(body.get(key), dict):
        raise _protocol(request, response, f"expected an object with '{key}'")
    item: dict[str, Any] = body[key]
    return item


def _protocol(request: ApiRequest, response: ApiResponse, detail: str) -> ApiFailure:
    return ApiFailure(FailureKind.PROTOCOL, request, response.status, detail)


def _ref(ticket: Mapping[str, Any]) -> TicketRef:
    return TicketRef(
        id=str(ticket["id"]),
        external_id=str(ticket.get("external_id", "")),
        assignment=_assignment(ticket),
    )


def _assignment(ticket: Mapping[str, Any]) -> Assignment | None:
    assignee = ticket.get("assignee")
    if not assignee:
        return None
    return Assignment(
        ticket_id=str(ticket["id"]),
        agent_id=str(assignee),
        queue=ticket.get("queue"),
        assigned_at=ticket.get("assigned_at"),
        external_id=ticket.get("external_id"),
    )


def _state(ticket: Mapping[str, Any]) -> TicketState:
    return TicketState(
        ref=_ref(ticket),
        status=TicketStatus(ticket["status"]),
        priority=Priority(ticket["priority"]),
        category=str(ticket["category"]),
        subject=str(ticket["subject"]),
        description=str(ticket["description"]),
        queue=ticket.get("queue"),
        assignee=ticket.get("assignee"),
        custom_fields=dict(ticket.get("custom_fields") or {}),
    )
