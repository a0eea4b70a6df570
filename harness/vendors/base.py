"""The sans-IO vendor adapter protocol.

An adapter turns canonical objects into :class:`ApiRequest` values and :class:`ApiResponse`
values back into canonical objects. It never touches a socket. A call that needs several
requests is a generator (a :data:`Flow`), shaped like ``httpx.Auth.auth_flow``: it yields a
request, receives the response, and finally returns its result. One small driver per executor
(``harness.transport``) runs the same flow over Locust's FastHttpSession, httpx or respx.

The chat flows (sessions and messages on the customer's side, sign-in, inbox, reply and close
on the agent's) and the capabilities a vendor declares for them are in
:mod:`harness.vendors.chat` (:class:`~harness.vendors.chat.ChatAdapter`).
"""

from __future__ import annotations

import json
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Protocol, TypeVar

from harness.model import Assignment, Page, Ticket, TicketRef, TicketState

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """One HTTP request, relative to the vendor's base URL."""

    method: str
    path: str
    name: str  # the stats name, e.g. "POST /tickets": ids are never part of it
    json: Mapping[str, Any] | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    # The exact bytes to send instead of ``json``: set by signers that hash the body, so the
    # bytes signed are the bytes sent (executors send ``content`` when it is not None).
    content: bytes | None = None
    # The flow accepted the answer to the request before this one whatever its status (a 409
    # "exists already" it goes on from): executors that report each request count it a success.
    previous_accepted: bool = False


@dataclass(frozen=True, slots=True)
class ApiResponse:
    """One HTTP response. Header names are lower-case."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


Flow = Generator[ApiRequest, ApiResponse, T]


class FailureKind(StrEnum):
    """How a failed call is counted: the report keeps "throttled" apart from "broken"."""

    THROTTLED = "throttled"  # 429, or a vendor's documented quota answer
    CLIENT = "client"  # 4xx: the request was refused
    SERVER = "server"  # 5xx
    PROTOCOL = "protocol"  # a 2xx whose body is not what the vendor documents
    TIMEOUT = "timeout"
    CONNECTION = "connection"


class ApiFailure(Exception):
    """An adapter's verdict that a response is a failure; ``retry_after`` in seconds if given."""

    def __init__(
        self,
        kind: FailureKind,
        request: ApiRequest,
        status: int | None,
        detail: str,
        retry_after: float | None = None,
        *,
        outcome_unknown: bool = False,
    ) -> None:
        self.kind = kind
        # Sent, but no answer came (a timeout, a reset after sending): the vendor may or may
        # not have acted on it, so what it was for is neither a success nor a failure.
        self.outcome_unknown = outcome_unknown
        self.request = request
        self.status = status
        self.detail = detail
        self.retry_after = retry_after
        where = f"{request.name} -> {status}" if status is not None else request.name
        super().__init__(f"{where}: {kind.value}: {detail}")


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """An assignment event a vendor pushed to the harness's receiver."""

    event_id: str
    assignment: Assignment
    sent_at: float | None = None  # the vendor's signed timestamp (replay window), if it has one


class VendorAdapter(Protocol):
    """What every vendor adapter provides. Methods return flows; none of them does I/O."""

    name: ClassVar[str]

    def create_ticket(self, ticket: Ticket) -> Flow[TicketRef]: ...

    def get_ticket(self, ref: TicketRef) -> Flow[TicketState]: ...

    def fetch_assignment(self, ref: TicketRef) -> Flow[Assignment | None]: ...

    def list_tickets(self, cursor: str | None, limit: int) -> Flow[Page[TicketState]]: ...

    def register_webhook(self, url: str, secret: str) -> Flow[str]: ...

    def unregister_webhook(self, webhook_id: str) -> Flow[None]: ...

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, secret: str | None
    ) -> WebhookEvent | None:
        """Verify and decode one delivery; ``None`` if it is not an assignment event.

        Raises :class:`WebhookRejected` when the signature does not verify.
        """
        ...


class WebhookRejected(Exception):
    """A webhook delivery failed verification (bad or missing signature, malformed body)."""


def classify_status(request: ApiRequest, response: ApiResponse) -> ApiFailure | None:
    """The common HTTP-status classification; adapters call it before decoding a body."""
    status = response.status
    if status < 400:
        return None
    if status == 429:
        return ApiFailure(
            FailureKind.THROTTLED, request, status, "rate limited", _retry_after(response)
        )
    kind = FailureKind.SERVER if status >= 500 else FailureKind.CLIENT
    return ApiFailure(kind, request, status, _error_text(response))


def _retry_after(response: ApiResponse) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # HTTP-date form: treated as "no hint"; backoff applies


def _error_text(response: ApiResponse) -> str:
    text = response.body[:300].decode("utf-8", "replace")
    return text or "(empty body)"
