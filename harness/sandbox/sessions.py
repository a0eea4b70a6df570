"""Chat-session routes: open, read, post and list messages, close (frees the agent)."""

from __future__ import annotations

import time

from aiohttp import web

from harness.sandbox.responses import ApiError, json_response, read_json
from harness.sandbox.state import SandboxState
from harness.sandbox.store import SessionRecord
from harness.sandbox.tickets import REPLAY_HEADERS, invalid
from harness.sandbox.validation import Invalid, message_fields, session_fields

__all__ = ["SessionRoutes"]


class SessionRoutes:
    def __init__(self, state: SandboxState) -> None:
        self._store = state.store
        self._engine = state.engine
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
        try:
            fields = session_fields(body)
        except Invalid as exc:
            raise invalid(exc.fields) from None
        existing = self._store.sessions_by_external.get(fields["external_id"])
        if existing is not None:
            return json_response({"session": existing.to_json()}, 200, REPLAY_HEADERS)
        session = self._store.add_session(fields, now)
        self._engine.submit(session)
        return json_response({"session": session.to_json()}, 201)

    async def read(self, request: web.Request) -> web.Response:
        return json_response({"session": self._session(request).to_json()})

    async def post_message(self, request: web.Request) -> web.Response:
        session = self._session(request)
        body = await read_json(request, self._max_body)
        try:
            sender, text = message_fields(body)
        except Invalid as exc:
            raise invalid(exc.fields) from None
        if session.done:
            raise ApiError(409, "session_closed", f"session {session.id} is closed")
        message = self._store.add_message(session, sender, text, time.time())
        return json_response({"message": message.to_json()}, 201)

    async def messages(self, request: web.Request) -> web.Response:
        session = self._session(request)
        return json_response({"messages": [m.to_json() for m in session.messages]})

    async def close(self, request: web.Request) -> web.Response:
        session = self._session(request)
        if not session.done:  # closing twice is harmless
            session.mark_resolved(time.time())
            self._engine.release(session)
        return json_response({"session": session.to_json()})

    def _session(self, request: web.Request) -> SessionRecord:
        session_id = request.match_info["id"]
        session = self._store.sessions_by_id.get(session_id)
        if session is None:
            raise ApiError(404, "not_found", f"no session {session_id}")
        return session
