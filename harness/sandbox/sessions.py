"""Chat-session routes, the customer's side: open (with a first message), read, post and
list messages (after a cursor, optionally long-polled with ``wait``), close (frees the agent).

``GET /api/v1/sessions/{id}/messages?after=N&wait=S`` answers at once when there are messages
after position ``N`` (or the session is closed); otherwise it holds the request for up to ``S``
seconds (at most 30) and answers as soon as an agent writes, the session is assigned or closed.
The answer carries ``cursor`` (pass it as ``after`` next time) and the session's status; the
cursor also records whether the reader has seen the assignment, so an assignment made between
two reads answers the next one at once instead of waiting for the agent's first words.
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from harness.sandbox.longpoll import parse_after, parse_wait
from harness.sandbox.responses import ApiError, json_response, read_json
from harness.sandbox.state import SandboxState
from harness.sandbox.store import SessionRecord
from harness.sandbox.tickets import REPLAY_HEADERS, invalid
from harness.sandbox.validation import Invalid, message_fields, session_fields

__all__ = ["SessionRoutes", "client_id_of", "query_numbers"]

_SEEN_ASSIGNED = "a"  # cursor suffix: the reader has seen the session assigned


def client_id_of(body: Any, problems: dict[str, str], key: str = "client_id") -> str | None:
    """The optional client message id of a body (a non-empty string up to 200 characters)."""
    value = body.get(key) if isinstance(body, dict) else None
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > 200:
        problems[key] = "must be a non-empty string of at most 200 characters"
        return None
    return value


def query_numbers(request: web.Request, suffix: str = "") -> tuple[int, float]:
    """``(after, wait)`` from the query string; 422 naming the bad parameter. A cursor may end
    in ``suffix`` (stripped here)."""
    problems: dict[str, str] = {}
    after, wait = 0, 0.0
    raw = request.query.get("after")
    if raw is not None and suffix:
        raw = raw.removesuffix(suffix)
    try:
        after = parse_after(raw)
    except ValueError as exc:
        problems["after"] = str(exc)
    try:
        wait = parse_wait(request.query.get("wait"))
    except ValueError:
        problems["wait"] = "must be a number of seconds (0 to 30)"
    if problems:
        raise invalid(problems)
    return after, wait


class SessionRoutes:
    def __init__(self, state: SandboxState) -> None:
        self._store = state.store
        self._engine = state.engine
        self._chat = state.chat
        self._max_body = state.profile.max_body_bytes

    def add_to(self, router: web.UrlDispatcher) -> None:
        router.add_post("/api/v1/sessions", self.create)
        router.add_get("/api/v1/sessions/{id}", self.read)
        router.add_post("/api/v1/sessions/{id}/messages", self.post_message)
        router.add_get("/api/v1/sessions/{id}/messages", self.messages)
        router.add_post("/api/v1/sessions/{id}/close", self.close)

    async def create(self, request: web.Request) -> web.Response:
        now = time.time()
        body = await read_json(request, self._max_body)
        problems: dict[str, str] = {}
        try:
            fields = session_fields(body)
        except Invalid as exc:
            problems.update(exc.fields)
            fields = {}
        first = _first_message(body, problems)
        if problems:
            raise invalid(problems)
        existing = self._store.sessions_by_external.get(fields["external_id"])
        if existing is not None:
            return json_response({"session": existing.to_json()}, 200, REPLAY_HEADERS)
        session = self._store.add_session(fields, now)
        answer: dict[str, Any] = {"session": session.to_json()}
        if first is not None:
            message, _ = self._chat.post(session, "customer", first[0], first[1])
            answer["message"] = message.to_json()
        self._engine.submit(session)
        return json_response(answer, 201)

    async def read(self, request: web.Request) -> web.Response:
        return json_response({"session": self._session(request).to_json()})

    async def post_message(self, request: web.Request) -> web.Response:
        session = self._session(request)
        body = await read_json(request, self._max_body)
        problems: dict[str, str] = {}
        try:
            sender, text = message_fields(body)
        except Invalid as exc:
            problems.update(exc.fields)
            sender, text = "", ""
        client_id = client_id_of(body, problems)
        if problems:
            raise invalid(problems)
        if session.done:
            raise ApiError(409, "session_closed", f"session {session.id} is closed")
        message, replayed = self._chat.post(session, sender, text, client_id)
        if replayed:
            return json_response({"message": message.to_json()}, 200, REPLAY_HEADERS)
        return json_response({"message": message.to_json()}, 201)

    async def messages(self, request: web.Request) -> web.Response:
        session = self._session(request)
        after, wait = query_numbers(request, _SEEN_ASSIGNED)
        seen_assigned = request.query.get("after", "").endswith(_SEEN_ASSIGNED)
        news = session.done or (session.assignee is not None and not seen_assigned)
        if wait > 0 and len(session.messages) <= after and not news:
            await session.waiters.wait(wait)  # a message, the assignment, the close, or time
        page = session.messages[after:]
        cursor = str(max(after, len(session.messages)))
        if session.assignee is not None:
            cursor += _SEEN_ASSIGNED
        return json_response(
            {
                "messages": [m.to_json() for m in page],
                "cursor": cursor,
                "session": {"status": session.status, "assignee": session.assignee},
            }
        )

    async def close(self, request: web.Request) -> web.Response:
        session = self._session(request)
        self._chat.close(session, "customer")  # closing twice is harmless
        return json_response({"session": session.to_json()})

    def _session(self, request: web.Request) -> SessionRecord:
        session_id = request.match_info["id"]
        session = self._store.sessions_by_id.get(session_id)
        if session is None:
            raise ApiError(404, "not_found", f"no session {session_id}")
        return session


def _first_message(body: Any, problems: dict[str, str]) -> tuple[str, str | None] | None:
    """``(text, client_id)`` of the optional ``message`` opening a session."""
    value = body.get("message") if isinstance(body, dict) else None
    if value is None:
        return None
    if not isinstance(value, dict):
        problems["message"] = "must be an object {text, client_id}"
        return None
    text = value.get("text")
    if not isinstance(text, str) or not text.strip():
        problems["message.text"] = "required, a non-empty string"
    inner: dict[str, str] = {}
    client_id = client_id_of(value, inner)
    if inner:
        problems["message.client_id"] = inner["client_id"]
    return (str(text), client_id) if isinstance(text, str) else None
